//! Reductions: the sum and the mean of all elements (a scalar `T`), of each column (a `1 × C`
//! row) and of each row (an `R × 1` column); the index of the largest element of each row.
//!
//! The names say which values come out: `col_sums` gives one sum per column (it adds over the
//! rows), `row_sums` one per row (it adds over the columns). The result's type says it too, so a
//! reduction over the wrong axis does not compile where a `1 × C` bias or an `R × 1` column is
//! wanted. The backward of each reduction is [`Reduce`], in `backward.rs`.
//!
//! The mean of nothing is NaN, as in PyTorch: [`col_means`](Matrix::col_means) of a matrix with
//! no rows is a row of NaN, [`row_means`](Matrix::row_means) of one with no columns a column of
//! NaN, and [`mean`](Matrix::mean) of an empty matrix NaN. Their sums are 0.

mod argmax;
pub(crate) mod backward;

pub use backward::Reduce;

use crate::{Const, Dim, Matrix, Scalar};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The sum of all elements; 0 for an empty matrix.
    ///
    /// Its gradient is [`Reduce::Sum`]'s [`all_backward`](Reduce::all_backward).
    pub fn sum(&self) -> T {
        self.as_slice().iter().copied().sum()
    }

    /// The mean of all elements: their sum divided by `rows · cols`; NaN for an empty matrix.
    ///
    /// Its gradient is [`Reduce::Mean`]'s [`all_backward`](Reduce::all_backward).
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 6.0]]);
    /// assert_eq!(m.mean(), 3.0);
    /// assert!(Matrix::<Dyn, Const<2>>::zeros_with(Dyn(0), Const).mean().is_nan());
    /// ```
    pub fn mean(&self) -> T {
        self.sum() / T::from_usize(self.as_slice().len())
    }

    /// The sum of each column, as a `1 × C` row: `out[0, j] = Σᵢ self[i, j]`.
    ///
    /// This is the gradient of a bias row `b` added to every row of `Y = X · A + b`:
    /// `db = dY.col_sums()`. The row's type is `Matrix<Const<1>, C>`, the bias's own, so summing
    /// over the wrong axis ([`row_sums`](Self::row_sums), an `R × 1` column) does not compile.
    /// Its own gradient is [`Reduce::Sum`]'s [`col_backward`](Reduce::col_backward).
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 3, Out = 2);
    ///
    /// let dy = Matrix::<Batch, Out>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let db: Matrix<Const<1>, Out> = dy.col_sums();
    /// assert_eq!(db.as_slice(), &[9.0, 12.0]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has no rows and more [`Dyn`](crate::Dyn) columns than one allocation can
    /// hold ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn col_sums(&self) -> Matrix<Const<1>, C, T> {
        let mut out = Matrix::zeros_with(Const, self.dims().1);
        let sums = out.as_mut_slice();
        if !sums.is_empty() {
            for row in self.as_slice().chunks_exact(sums.len()) {
                sums.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
            }
        }
        out
    }

    /// [`col_sums`](Self::col_sums) written into (or, with [`Write::Accumulate`](crate::Write),
    /// added to) an existing row, in one pass over the matrix: how a bias's gradient is summed
    /// over a batch without allocating.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix, Write};
    /// let dy = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 4.0]]);
    /// let mut db = Matrix::<Const<1>, Const<2>>::from_rows([[10.0, 10.0]]);
    /// dy.try_col_sums_into(&mut db, Write::Accumulate).unwrap();
    /// assert_eq!(db.as_slice(), &[14.0, 16.0]);
    /// ```
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`](crate::ShapeError::Mismatch) when a [`Dyn`](crate::Dyn) `out`
    /// has other columns than the matrix; `out` is then untouched.
    pub fn try_col_sums_into(
        &self,
        out: &mut Matrix<Const<1>, C, T>,
        write: crate::Write,
    ) -> Result<(), crate::ShapeError> {
        if out.cols() != self.cols() {
            return Err(crate::ShapeError::Mismatch {
                op: "col_sums_into: the destination row has the matrix's columns",
                expected: (1, self.cols()),
                given: (1, out.cols()),
            });
        }
        let sums = out.as_mut_slice();
        if write == crate::Write::Overwrite {
            sums.fill(T::ZERO);
        }
        if !sums.is_empty() {
            for row in self.as_slice().chunks_exact(sums.len()) {
                sums.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
            }
        }
        Ok(())
    }

    /// The mean of each column, as a `1 × C` row: `out[0, j] = (Σᵢ self[i, j]) / rows`; NaN in
    /// every column when there are no rows.
    ///
    /// The mean over a batch, one value per feature. Its gradient is [`Reduce::Mean`]'s
    /// [`col_backward`](Reduce::col_backward).
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 2, Features = 3);
    ///
    /// let x = Matrix::<Batch, Features>::from_rows([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]]);
    /// let mu: Matrix<Const<1>, Features> = x.col_means();
    /// assert_eq!(mu.as_slice(), &[2.0, 4.0, 6.0]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has no rows and more [`Dyn`](crate::Dyn) columns than one allocation can
    /// hold ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn col_means(&self) -> Matrix<Const<1>, C, T> {
        let mut out = self.col_sums();
        let n = T::from_usize(self.rows());
        out.as_mut_slice().iter_mut().for_each(|s| *s = *s / n);
        out
    }

    /// The sum of each row, as an `R × 1` column: `out[i, 0] = Σⱼ self[i, j]`.
    ///
    /// Its gradient is [`Reduce::Sum`]'s [`row_backward`](Reduce::row_backward).
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let m = Matrix::<Const<2>, Const<3>>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(m.row_sums().as_slice(), &[6.0, 15.0]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has no columns and more [`Dyn`](crate::Dyn) rows than one allocation can
    /// hold ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn row_sums(&self) -> Matrix<R, Const<1>, T> {
        match self.cols() {
            0 => Matrix::zeros_with(self.dims().0, Const),
            c => {
                let out = self
                    .as_slice()
                    .chunks_exact(c)
                    .map(|row| row.iter().copied().sum())
                    .collect();
                Matrix::from_vec_unchecked(self.dims().0, Const, out)
            }
        }
    }

    /// The mean of each row, as an `R × 1` column: `out[i, 0] = (Σⱼ self[i, j]) / cols`; NaN in
    /// every row when there are no columns.
    ///
    /// The mean over features, one value per example. Its gradient is [`Reduce::Mean`]'s
    /// [`row_backward`](Reduce::row_backward).
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 2, Features = 3);
    ///
    /// let x = Matrix::<Batch, Features>::from_rows([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]]);
    /// let per_example: Matrix<Batch, Const<1>> = x.row_means();
    /// assert_eq!(per_example.as_slice(), &[2.0, 6.0]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has no columns and more [`Dyn`](crate::Dyn) rows than one allocation can
    /// hold ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn row_means(&self) -> Matrix<R, Const<1>, T> {
        let mut out = self.row_sums();
        let n = T::from_usize(self.cols());
        out.as_mut_slice().iter_mut().for_each(|s| *s = *s / n);
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::{Const, Dim, Dyn, Matrix};

    /// The four reductions of a `rows × cols` matrix against sums written out element by element.
    fn check_against_loops<R: Dim, C: Dim>(rows: R, cols: C, seed: u64) {
        let x = Matrix::<R, C, f64>::rand_with(rows, cols, seed).map(|v| 4.0 * v - 2.0);
        let (r, c) = (x.rows(), x.cols());
        let col = |j: usize| (0..r).map(|i| x[(i, j)]).sum::<f64>();
        let row = |i: usize| (0..c).map(|j| x[(i, j)]).sum::<f64>();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        for j in 0..c {
            assert!(close(x.col_sums()[(0, j)], col(j)));
            assert!(close(x.col_means()[(0, j)], col(j) / r as f64));
        }
        for i in 0..r {
            assert!(close(x.row_sums()[(i, 0)], row(i)));
            assert!(close(x.row_means()[(i, 0)], row(i) / c as f64));
        }
        let total: f64 = (0..r).map(row).sum();
        assert!(close(x.sum(), total));
        assert!(close(x.mean(), total / (r * c) as f64));
    }

    #[test]
    fn sums_and_means_match_loops_static_and_dyn() {
        check_against_loops(Const::<3>, Const::<5>, 1);
        check_against_loops(Dyn(7), Const::<2>, 2);
        check_against_loops(Dyn(1), Dyn(11), 3);
        check_against_loops(Const::<4>, Dyn(1), 4);
    }

    #[test]
    fn the_mean_of_an_empty_axis_is_nan_and_its_sum_zero() {
        let no_rows = Matrix::<Dyn, Const<3>, f64>::zeros_with(Dyn(0), Const);
        assert!(no_rows.col_means().as_slice().iter().all(|v| v.is_nan()));
        assert_eq!(no_rows.col_sums().as_slice(), &[0.0; 3]);
        assert!(no_rows.mean().is_nan());
        assert_eq!(no_rows.sum(), 0.0);
        // No rows, so no row means: an empty column, not a NaN.
        assert_eq!(no_rows.row_means().rows(), 0);

        let no_cols = Matrix::<Const<2>, Dyn, f32>::zeros_with(Const, Dyn(0));
        assert!(no_cols.row_means().as_slice().iter().all(|v| v.is_nan()));
        assert_eq!(no_cols.row_sums().as_slice(), &[0.0; 2]);
        assert!(no_cols.mean().is_nan());
        assert_eq!(no_cols.col_means().cols(), 0);
    }

    #[test]
    fn f32_follows_f64_to_within_rounding() {
        let x64 = Matrix::<Const<6>, Const<9>, f64>::rand(5).map(|v| 6.0 * v - 3.0);
        let x32 = Matrix::<Const<6>, Const<9>, f32>::from_fn(|i, j| x64[(i, j)] as f32);
        // A sum of n terms of magnitude ≤ 3, rounded once per term (and once per input, from
        // f64 to f32), is off by at most about n·ε·3n; a mean, that divided by n.
        let eps = f64::from(f32::EPSILON);
        let close = |a: &[f32], b: &[f64], tol: f64| {
            for (a, b) in a.iter().zip(b) {
                assert!((f64::from(*a) - b).abs() <= tol, "{a} vs {b}");
            }
        };
        let (sum, mean) = (|n: f64| 3.0 * n * n * eps, |n: f64| 3.0 * (n + 1.0) * eps);
        close(
            x32.col_sums().as_slice(),
            x64.col_sums().as_slice(),
            sum(6.0),
        );
        close(
            x32.row_sums().as_slice(),
            x64.row_sums().as_slice(),
            sum(9.0),
        );
        close(&[x32.sum()], &[x64.sum()], sum(54.0));
        close(
            x32.col_means().as_slice(),
            x64.col_means().as_slice(),
            mean(6.0),
        );
        close(
            x32.row_means().as_slice(),
            x64.row_means().as_slice(),
            mean(9.0),
        );
        close(&[x32.mean()], &[x64.mean()], mean(54.0));
    }
}
