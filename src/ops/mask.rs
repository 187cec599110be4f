//! The causal mask of attention: scores of later positions set to `−∞`, so that a softmax along
//! each row gives them weight 0, and its typed backward.
//!
//! The scores of a sequence against itself are `S × S`, one type for both axes, so a mask over a
//! matrix whose rows and columns are different dimensions (queries of one sequence against keys
//! of another) does not compile.

use super::binary::same_shape;
use crate::error::OrPanic;
use crate::{Dim, Matrix, Scalar, ShapeError, Write};

impl<S: Dim, T: Scalar> Matrix<S, S, T> {
    /// Position `i` may attend to positions `0..=i` only: every element above the diagonal
    /// (`j > i`) becomes `−∞`.
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(Seq = 3);
    /// let scores = Matrix::<Seq, Seq>::ones().causal_mask();
    /// let p = scores.softmax_rows();
    /// assert_eq!(p.as_slice(), &[1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) matrix is not square, at the caller's line.
    #[track_caller]
    pub fn causal_mask(&self) -> Self {
        square(self).or_panic();
        let mut out = self.clone();
        mask_in_place(out.as_mut_slice(), self.rows());
        out
    }

    /// Writes [`causal_mask`](Self::causal_mask) of `self` into `out`, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) matrix is not square or `out`'s size
    /// differs; `out` is then untouched.
    pub fn try_causal_mask_into(&self, out: &mut Self) -> Result<(), ShapeError> {
        square(self)?;
        same_shape(
            "causal_mask_into: the destination must have the scores' shape",
            self,
            out,
        )?;
        out.as_mut_slice().copy_from_slice(self.as_slice());
        mask_in_place(out.as_mut_slice(), self.rows());
        Ok(())
    }

    /// The gradient of [`causal_mask`](Self::causal_mask): `dy` where the mask kept the score,
    /// 0 above the diagonal, written into or added to `dx`.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) `dy` is not square or `dx`'s size
    /// differs; `dx` is then untouched.
    pub fn try_causal_mask_backward_into(
        dy: &Self,
        dx: &mut Self,
        write: Write,
    ) -> Result<(), ShapeError> {
        square(dy)?;
        same_shape("causal_mask backward: dx must have dy's shape", dy, dx)?;
        let n = dy.rows();
        if n == 0 {
            return Ok(());
        }
        let rows = dx
            .as_mut_slice()
            .chunks_exact_mut(n)
            .zip(dy.as_slice().chunks_exact(n));
        for (i, (d, g)) in rows.enumerate() {
            for (j, (d, &g)) in d.iter_mut().zip(g).enumerate() {
                let g = if j > i { T::ZERO } else { g };
                match write {
                    Write::Overwrite => *d = g,
                    Write::Accumulate => *d += g,
                }
            }
        }
        Ok(())
    }
}

/// Sets the elements above the diagonal of a row-major `n × n` buffer to `−∞`.
pub(crate) fn mask_in_place<T: Scalar>(data: &mut [T], n: usize) {
    if n == 0 {
        return;
    }
    let minus_infinity = T::from_f64(f64::NEG_INFINITY);
    for (i, row) in data.chunks_exact_mut(n).enumerate() {
        row[i + 1..].iter_mut().for_each(|v| *v = minus_infinity);
    }
}

/// `Ok` when `m` is square: always, unless its dimension is [`Dyn`](crate::Dyn).
fn square<S: Dim, T: Scalar>(m: &Matrix<S, S, T>) -> Result<(), ShapeError> {
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

#[cfg(test)]
mod tests {
    use crate::{Const, Dyn, Matrix, Write, gradcheck};

    type S = Matrix<Const<4>, Const<4>, f64>;

    #[test]
    fn masked_softmax_has_the_gradient_central_differences_give() {
        let x = S::rand(1).map(|v| 3.0 * v);
        let r = S::rand(2).map(|v| v - 0.5);
        // l = Σ softmax(mask(x)) ⊙ r.
        let loss = |x: &S| -> f64 {
            let p = x.causal_mask().softmax_rows();
            p.as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(p, r)| p * r)
                .sum()
        };
        let p = x.causal_mask().softmax_rows();
        let dmasked = crate::RowSoftmax::Softmax.backward(&p, &r);
        let mut dx = S::zeros();
        S::try_causal_mask_backward_into(&dmasked, &mut dx, Write::Overwrite).unwrap();
        gradcheck::check(&x, &dx, loss).assert_within(gradcheck::tolerance(16));
    }

    #[test]
    fn the_mask_keeps_the_lower_triangle_and_checks_dyn_sizes() {
        let x = Matrix::<Dyn, Dyn, f64>::filled_with(Dyn(3), Dyn(3), 2.0);
        let m = x.causal_mask();
        let inf = f64::NEG_INFINITY;
        assert_eq!(m.as_slice(), &[2.0, inf, inf, 2.0, 2.0, inf, 2.0, 2.0, 2.0]);
        let mut wrong = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(2));
        assert!(x.try_causal_mask_into(&mut wrong).is_err());
        assert_eq!(wrong.as_slice(), &[0.0; 4], "untouched on error");
        let wide = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(3));
        let mut out = wide.clone();
        assert_eq!(
            wide.try_causal_mask_into(&mut out).unwrap_err().to_string(),
            "causal_mask: the scores of a sequence against itself are square: expected a 2×2 \
             matrix, but a 2×3 matrix was given"
        );
        let empty = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(0), Dyn(0));
        assert_eq!(empty.causal_mask().as_slice(), &[] as &[f64]);
    }
}
