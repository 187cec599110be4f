//! Row-wise ops on every item of a batch, as attention applies them to each head's scores:
//! softmax and log-softmax along each row, and the causal mask of square items, each with its
//! backward.
//!
//! Rows never cross items, so a softmax over every row of every item is the softmax over every
//! row of the `(B·R) × C` flat matrix: these are the 2-D ops on the flat buffer. The backward
//! passes are the 2-D ops' typed backward passes, on the same flat matrices.

use super::Batched;
use crate::error::OrPanic;
use crate::{Dim, RowSoftmax, Scalar, ShapeError, Write};

impl<B: Dim, R: Dim, C: Dim, T: Scalar> Batched<B, R, C, T> {
    /// `f` (softmax or log-softmax) along each row of every item: each row of an `R × C` item
    /// becomes a distribution over its `C` columns, as attention weights over keys.
    ///
    /// ```
    /// use shapegrad::{dim, Batched, RowSoftmax};
    /// dim!(Heads = 2, Seq = 3);
    /// let scores = Batched::<Heads, Seq, Seq>::zeros();
    /// let weights = scores.softmax_rows(RowSoftmax::Softmax);
    /// assert!(weights.as_slice().iter().all(|&w| (w - 1.0 / 3.0).abs() < 1e-7));
    /// ```
    pub fn softmax_rows(&self, f: RowSoftmax) -> Self {
        let (b, r, _) = self.dims();
        let flat = f.forward(self.flat_matrix());
        Self::from_flat_unchecked(b, r, flat)
    }

    /// The gradient of [`softmax_rows`](Self::softmax_rows) from its output `y` and the gradient
    /// `dy` of that output, written into or added to `dx`, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `dy` or `dx` differs from
    /// `y`'s (as flat `(B·R) × C` matrices); `dx` is then untouched.
    pub fn try_softmax_rows_backward_into(
        f: RowSoftmax,
        y: &Self,
        dy: &Self,
        dx: &mut Self,
        write: Write,
    ) -> Result<(), ShapeError> {
        same_items("softmax_rows backward: dy and dx have y's items", y, dy)?;
        same_items("softmax_rows backward: dy and dx have y's items", y, dx)?;
        f.try_backward_into(y.flat_matrix(), dy.flat_matrix(), dx.flat_mut(), write)
    }

    /// [`try_softmax_rows_backward_into`](Self::try_softmax_rows_backward_into), into a new
    /// batch.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size disagrees, at the caller's line.
    #[track_caller]
    pub fn softmax_rows_backward(f: RowSoftmax, y: &Self, dy: &Self) -> Self {
        let mut dx = y.clone();
        Self::try_softmax_rows_backward_into(f, y, dy, &mut dx, Write::Overwrite).or_panic();
        dx
    }
}

impl<B: Dim, S: Dim, T: Scalar> Batched<B, S, S, T> {
    /// The causal mask of every item: in each `S × S` item of scores, position `i` attends to
    /// `0..=i` only, the elements above the diagonal becoming `−∞`. Defined for square items
    /// only, one dimension for both axes.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) item is not square, at the caller's line.
    #[track_caller]
    pub fn causal_mask(&self) -> Self {
        let mut out = self.clone();
        let n = self.rows();
        check_square(self).or_panic();
        for item in out.items_mut() {
            crate::ops::mask::mask_in_place(item, n);
        }
        out
    }

    /// The gradient of [`causal_mask`](Self::causal_mask): `dy` where the mask kept the score, 0
    /// above each item's diagonal, written into or added to `dx`.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) item is not square or `dx`'s items
    /// differ from `dy`'s; `dx` is then untouched.
    pub fn try_causal_mask_backward_into(
        dy: &Self,
        dx: &mut Self,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_square(dy)?;
        same_items("causal_mask backward: dx has dy's items", dy, dx)?;
        let n = dy.rows();
        let item_len = n * n;
        if item_len == 0 {
            return Ok(());
        }
        // Row `i` of an item passes `dy` through at columns `0..=i` and nothing after.
        let rows = dx
            .as_mut_slice()
            .chunks_exact_mut(n)
            .zip(dy.as_slice().chunks_exact(n));
        for (r, (d, g)) in rows.enumerate() {
            let (kept, masked) = d.split_at_mut(r % n + 1);
            let g = &g[..kept.len()];
            match write {
                Write::Overwrite => {
                    kept.copy_from_slice(g);
                    masked.fill(T::ZERO);
                }
                Write::Accumulate => kept.iter_mut().zip(g).for_each(|(d, &g)| *d += g),
            }
        }
        Ok(())
    }
}

/// `Ok` when every item of `m` is square (always, unless its dimension is `Dyn`).
fn check_square<B: Dim, S: Dim, T: Scalar>(m: &Batched<B, S, S, T>) -> Result<(), ShapeError> {
    if m.rows() == m.cols() {
        Ok(())
    } else {
        Err(ShapeError::Mismatch {
            op: "causal_mask: the scores of a sequence against itself are square",
            expected: (m.rows(), m.rows()),
            given: (m.rows(), m.cols()),
        })
    }
}

/// `Ok` when `b` has `a`'s batch, rows and columns.
fn same_items<B: Dim, R: Dim, C: Dim, T: Scalar>(
    op: &'static str,
    a: &Batched<B, R, C, T>,
    b: &Batched<B, R, C, T>,
) -> Result<(), ShapeError> {
    if (a.batch(), a.rows(), a.cols()) == (b.batch(), b.rows(), b.cols()) {
        Ok(())
    } else {
        Err(ShapeError::Mismatch {
            op,
            expected: (a.batch() * a.rows(), a.cols()),
            given: (b.batch() * b.rows(), b.cols()),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Batched, Matrix, RowSoftmax, Write, dim, gradcheck};

    dim!(Heads = 2, Seq = 3);

    type Scores = Batched<Heads, Seq, Seq, f64>;

    #[test]
    fn masked_softmax_per_item_matches_the_2d_ops_and_central_differences() {
        let x = Scores::try_from_vec(
            Scores::rand(1)
                .into_vec()
                .iter()
                .map(|v| 4.0 * v - 2.0)
                .collect(),
        )
        .unwrap();
        let y = x.causal_mask().softmax_rows(RowSoftmax::Softmax);
        for k in 0..2 {
            let want = x.item(k).to_matrix().causal_mask().softmax_rows();
            assert_eq!(y.item(k).to_matrix(), want);
        }
        // l = Σ softmax(mask(x)) ⊙ r, through the flat matrices gradcheck takes.
        let r = Scores::rand(2);
        let dmasked = Scores::softmax_rows_backward(RowSoftmax::Softmax, &y, &r);
        let mut dx = Scores::zeros();
        Scores::try_causal_mask_backward_into(&dmasked, &mut dx, Write::Overwrite).unwrap();
        let loss = |flat: &Matrix<crate::Dyn, Seq, f64>| -> f64 {
            let x = Scores::try_from_flat(Heads, Seq, flat.clone()).unwrap();
            let y = x.causal_mask().softmax_rows(RowSoftmax::Softmax);
            y.as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(a, b)| a * b)
                .sum()
        };
        gradcheck::check(&x.clone().into_flat(), &dx.into_flat(), loss)
            .assert_within(gradcheck::tolerance(18));
    }
}
