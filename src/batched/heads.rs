//! Attention heads: an `S × Model` matrix split into `Heads` items of `S × HeadDim`, and merged
//! back, where `Model` is declared as the product `Heads × HeadDim`
//! ([`Product`], `dim!(Model = Heads * HeadDim)`), so the sizes agree by the types.
//!
//! Head `h` is columns `h·HeadDim .. (h+1)·HeadDim` of every row, as in PyTorch's
//! `x.view(S, H, Dh).transpose(0, 1)`. The two are inverse permutations, so each one's backward
//! is the other applied to the gradient.

use super::Batched;
use crate::shape::Product;
use crate::{Dim, Matrix, Scalar, StaticDim};

impl<S: Dim, M: StaticDim, T: Scalar> Matrix<S, M, T> {
    /// The columns split into `H` heads of `D` columns each: item `h` is the `S × D` block of
    /// columns `h·D .. (h+1)·D`. `M` must be declared as `H × D`.
    ///
    /// ```
    /// use shapegrad::{dim, Batched, Matrix};
    /// dim!(Seq = 2, Heads = 2, HeadDim = 3, Model = Heads * HeadDim);
    ///
    /// let x = Matrix::<Seq, Model>::from_fn(|i, j| (10 * i + j) as f32);
    /// let heads: Batched<Heads, Seq, HeadDim> = x.split_heads();
    /// assert_eq!(heads.item(1).to_matrix().as_slice(), &[3.0, 4.0, 5.0, 13.0, 14.0, 15.0]);
    /// let back: Matrix<Seq, Model> = heads.merge_heads();
    /// assert_eq!(back, x);
    /// ```
    pub fn split_heads<H: StaticDim, D: StaticDim>(&self) -> Batched<H, S, D, T>
    where
        M: Product<H, D>,
    {
        let mut out = Batched::zeros_with(H::default(), self.dims().0, D::default());
        self.split_heads_into(&mut out);
        out
    }

    /// [`split_heads`](Self::split_heads) into an existing batch, without allocating. Every size
    /// is fixed by the types, except `S`, which both sides share as one value.
    pub fn split_heads_into<H: StaticDim, D: StaticDim>(&self, out: &mut Batched<H, S, D, T>)
    where
        M: Product<H, D>,
    {
        let s = self.rows();
        split(
            self.as_slice(),
            1,
            s,
            H::SIZE,
            D::SIZE,
            out.as_mut_slice(),
            false,
        );
    }
}

impl<H: StaticDim, S: Dim, D: StaticDim, T: Scalar> Batched<H, S, D, T> {
    /// The heads side by side: the `S × M` matrix whose columns `h·D .. (h+1)·D` are item `h`.
    /// `M` must be declared as `H × D`.
    pub fn merge_heads<M: Product<H, D>>(&self) -> Matrix<S, M, T> {
        let mut out = Matrix::zeros_with(self.dims().1, M::default());
        self.merge_heads_into(&mut out);
        out
    }

    /// [`merge_heads`](Self::merge_heads) into an existing matrix, without allocating.
    pub fn merge_heads_into<M: Product<H, D>>(&self, out: &mut Matrix<S, M, T>) {
        let s = self.rows();
        merge(
            self.as_slice(),
            1,
            s,
            H::SIZE,
            D::SIZE,
            out.as_mut_slice(),
            false,
        );
    }
}

impl<B: Dim, S: Dim, M: StaticDim, T: Scalar> Batched<B, S, M, T> {
    /// Every item's columns split into `H` heads of `D` columns: item `b·H + h` of the result is
    /// head `h` of item `b`, so the result is a batch of `(B, H)` items of `S × D`. `M` must be
    /// declared as `H × D`.
    ///
    /// ```
    /// use shapegrad::{dim, Batched, Const};
    /// dim!(Seq = 2, Heads = 2, HeadDim = 3, Model = Heads * HeadDim);
    ///
    /// let x = Batched::<Const<4>, Seq, Model>::rand(1);
    /// let heads: Batched<(Const<4>, Heads), Seq, HeadDim> = x.split_heads();
    /// let one = x.item(3).to_matrix().split_heads::<Heads, HeadDim>();
    /// assert_eq!(heads.item(2 * 3 + 1).to_matrix(), one.item(1).to_matrix());
    /// assert_eq!(heads.merge_heads::<Model>(), x);
    /// ```
    pub fn split_heads<H: StaticDim, D: StaticDim>(&self) -> Batched<(B, H), S, D, T>
    where
        M: Product<H, D>,
    {
        let (b, s, _) = self.dims();
        let mut out = Batched::zeros_with((b, H::default()), s, D::default());
        split(
            self.as_slice(),
            b.size(),
            s.size(),
            H::SIZE,
            D::SIZE,
            out.as_mut_slice(),
            false,
        );
        out
    }
}

impl<B: Dim, H: StaticDim, S: Dim, D: StaticDim, T: Scalar> Batched<(B, H), S, D, T> {
    /// The heads of each item put back side by side: the inverse of
    /// [`Batched::split_heads`]. `M` must be declared as `H × D`.
    pub fn merge_heads<M: Product<H, D>>(&self) -> Batched<B, S, M, T> {
        let ((b, _), s, _) = self.dims();
        let mut out = Batched::zeros_with(b, s, M::default());
        merge(
            self.as_slice(),
            b.size(),
            s.size(),
            H::SIZE,
            D::SIZE,
            out.as_mut_slice(),
            false,
        );
        out
    }
}

/// Writes (or adds, when `accumulate`) the heads of `src`, `items` matrices of `s × (h·d)`, into
/// `dst`, `items·h` matrices of `s × d`: `dst` item `b·h + k` row `i` is columns
/// `k·d .. (k+1)·d` of `src` item `b` row `i`.
pub(crate) fn split<T: Scalar>(
    src: &[T],
    items: usize,
    s: usize,
    h: usize,
    d: usize,
    dst: &mut [T],
    accumulate: bool,
) {
    debug_assert_eq!(src.len(), items * s * h * d);
    debug_assert_eq!(dst.len(), src.len());
    for (head_row, start) in head_rows(dst.len(), s, h, d) {
        copy_or_add(
            &mut dst[head_row..head_row + d],
            &src[start..start + d],
            accumulate,
        );
    }
}

/// The inverse of [`split`]: writes (or adds) `src`, `items·h` matrices of `s × d`, as `items`
/// matrices of `s × (h·d)` into `dst`.
pub(crate) fn merge<T: Scalar>(
    src: &[T],
    items: usize,
    s: usize,
    h: usize,
    d: usize,
    dst: &mut [T],
    accumulate: bool,
) {
    debug_assert_eq!(src.len(), items * s * h * d);
    debug_assert_eq!(dst.len(), src.len());
    for (head_row, start) in head_rows(src.len(), s, h, d) {
        copy_or_add(
            &mut dst[start..start + d],
            &src[head_row..head_row + d],
            accumulate,
        );
    }
}

/// For `len` elements of heads of `s × d` (`h` per item): where each row of `d` starts among the
/// heads, and where the same `d` elements start among the items of `s × (h·d)`.
fn head_rows(len: usize, s: usize, h: usize, d: usize) -> impl Iterator<Item = (usize, usize)> {
    let rows = len.checked_div(d).unwrap_or(0);
    (0..rows).map(move |i| {
        // Row `i` of the heads: head item `i / s` (= b·h + k), row `i % s` of it.
        let (item, row) = (i / s, i % s);
        let (b, k) = (item / h, item % h);
        (i * d, (b * s + row) * h * d + k * d)
    })
}

fn copy_or_add<T: Scalar>(dst: &mut [T], src: &[T], accumulate: bool) {
    if accumulate {
        for (o, &v) in dst.iter_mut().zip(src) {
            *o += v;
        }
    } else {
        dst.copy_from_slice(src);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Batched, Dyn, Matrix, dim, gradcheck};

    dim!(Heads = 3, HeadDim = 2, Model = Heads * HeadDim);

    #[test]
    fn split_and_merge_are_inverse_and_match_the_definition() {
        let x = Matrix::<Dyn, Model, f64>::rand_with(Dyn(4), Model, 1);
        let heads: Batched<Heads, Dyn, HeadDim, f64> = x.split_heads();
        for h in 0..3 {
            for i in 0..4 {
                for j in 0..2 {
                    assert_eq!(heads.get(h, i, j), x.get(i, 2 * h + j));
                }
            }
        }
        assert_eq!(heads.merge_heads::<Model>(), x);
        let empty = Matrix::<Dyn, Model, f64>::zeros_with(Dyn(0), Model);
        let none = empty.split_heads::<Heads, HeadDim>();
        assert_eq!(none.batch(), 3);
        assert_eq!(none.merge_heads::<Model>(), empty);
    }

    #[test]
    fn each_ones_backward_is_the_other_and_passes_gradcheck() {
        // l = Σ split(x) ⊙ r: dl/dx = merge(r).
        let x = Matrix::<Dyn, Model, f64>::rand_with(Dyn(3), Model, 2);
        let r = Batched::<Heads, Dyn, HeadDim, f64>::rand_with(Heads, Dyn(3), HeadDim, 3);
        let loss = |x: &Matrix<Dyn, Model, f64>| -> f64 {
            let s: Batched<Heads, Dyn, HeadDim, f64> = x.split_heads();
            s.as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(a, b)| a * b)
                .sum()
        };
        let analytic: Matrix<Dyn, Model, f64> = r.merge_heads();
        gradcheck::check(&x, &analytic, loss).assert_within(gradcheck::tolerance(18));
    }
}
