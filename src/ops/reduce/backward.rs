//! The typed backward of the reductions: the incoming gradient broadcast back to the input's
//! shape, divided by the count for a mean.
//!
//! For `x: R × C`,
//!
//! ```text
//! s = x.col_sums()   (1 × C)    dx[i, j] = ds[0, j]
//! s = x.row_sums()   (R × 1)    dx[i, j] = ds[i, 0]
//! s = x.sum()        (scalar)   dx[i, j] = ds
//! ```
//!
//! and the means divide by the count each output averaged: `R`, `C` or `R · C`. The incoming
//! gradient has the reduction's output type (`1 × C`, `R × 1` or `T`) and the outgoing one the
//! input's (`R × C`), so a column gradient given to the backward of a row reduction, or a
//! gradient of the wrong shape kept from it, does not compile. Only [`Dyn`](crate::Dyn) sizes are
//! compared at run time.
//!
//! A backward needs the input's shape but none of its values: the allocating forms take its
//! dimensions, `x.dims()`; the `_into` forms read them from `dx`.

use crate::error::OrPanic;
use crate::{Const, Dim, Matrix, Scalar, ShapeError, Write};

/// How a reduction combines what it reduces: [`Sum`](Reduce::Sum) or [`Mean`](Reduce::Mean).
///
/// Its methods are the backward of the reductions of [`Matrix`]: `col_…` of
/// [`col_sums`](Matrix::col_sums) and [`col_means`](Matrix::col_means) (one value per column),
/// `row_…` of [`row_sums`](Matrix::row_sums) and [`row_means`](Matrix::row_means) (one per row),
/// `all_…` of [`sum`](Matrix::sum) and [`mean`](Matrix::mean).
///
/// ```
/// use shapegrad::{dim, Const, Matrix, Reduce};
/// dim!(Batch = 2, Features = 3);
///
/// let x = Matrix::<Batch, Features>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// let mu: Matrix<Const<1>, Features> = x.col_means();
/// // l = Σⱼ mu[j]·dmu[j]: each row of x gets dmu / Batch.
/// let dmu = Matrix::<Const<1>, Features>::from_rows([[2.0, 4.0, 6.0]]);
/// let dx: Matrix<Batch, Features> = Reduce::Mean.col_backward(x.dims(), &dmu);
/// assert_eq!(dx.as_slice(), &[1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
/// # let _ = mu;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reduce {
    /// The sum: each element's gradient is the incoming gradient of its sum.
    Sum,
    /// The mean: each element's gradient is the incoming gradient of its mean, divided by the
    /// number of elements averaged.
    Mean,
}

impl Reduce {
    /// The gradient of one of `count` elements reduced to a value whose gradient is `dy`.
    #[inline]
    fn share<T: Scalar>(self, dy: T, count: usize) -> T {
        match self {
            Reduce::Sum => dy,
            Reduce::Mean => dy / T::from_usize(count),
        }
    }

    /// The gradient of [`col_sums`](Matrix::col_sums) or [`col_means`](Matrix::col_means) of an
    /// `R × C` matrix, given `dims = x.dims()` and `dy`, the gradient of the `1 × C` row:
    /// `dx[i, j] = dy[0, j]`, divided by `R` for the mean.
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix, Reduce};
    /// dim!(Batch = 3, Out = 2);
    ///
    /// // The bias of y = x·w + b is added to every row, so db = dy.col_sums(); and back again,
    /// // a gradient of the 1 × Out row reaches every row.
    /// let dy = Matrix::<Batch, Out>::ones();
    /// let db: Matrix<Const<1>, Out> = dy.col_sums();
    /// let back: Matrix<Batch, Out> = Reduce::Sum.col_backward(dy.dims(), &db);
    /// assert_eq!(back.as_slice(), &[3.0; 6]);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) column count of `dy` differs from `dims`', or `dims` are too
    /// large to allocate, at the caller's line; see
    /// [`try_col_backward_into`](Self::try_col_backward_into).
    #[track_caller]
    pub fn col_backward<R: Dim, C: Dim, T: Scalar>(
        self,
        dims: (R, C),
        dy: &Matrix<Const<1>, C, T>,
    ) -> Matrix<R, C, T> {
        self.check_col(dims.1.size(), dy).or_panic();
        let mut dx = Matrix::zeros_with(dims.0, dims.1);
        self.write_col(dy, &mut dx, Write::Overwrite);
        dx
    }

    /// Writes the gradient of [`col_sums`](Matrix::col_sums) or [`col_means`](Matrix::col_means)
    /// into `dx`, which has the input's shape, replacing ([`Write::Overwrite`]) or adding to
    /// ([`Write::Accumulate`]) what it holds, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) column count of `dy` differs from
    /// `dx`'s; `dx` is then untouched.
    pub fn try_col_backward_into<R: Dim, C: Dim, T: Scalar>(
        self,
        dy: &Matrix<Const<1>, C, T>,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        self.check_col(dx.cols(), dy)?;
        self.write_col(dy, dx, write);
        Ok(())
    }

    /// `Ok` when `dy` has `cols` columns.
    fn check_col<C: Dim, T: Scalar>(
        self,
        cols: usize,
        dy: &Matrix<Const<1>, C, T>,
    ) -> Result<(), ShapeError> {
        if dy.cols() == cols {
            return Ok(());
        }
        Err(ShapeError::Mismatch {
            op: match self {
                Reduce::Sum => "col_sums backward: dy must have x's columns",
                Reduce::Mean => "col_means backward: dy must have x's columns",
            },
            expected: (1, cols),
            given: (1, dy.cols()),
        })
    }

    /// Every row of `dx` gets `dy`'s share; the sizes are checked.
    fn write_col<R: Dim, C: Dim, T: Scalar>(
        self,
        dy: &Matrix<Const<1>, C, T>,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) {
        let (rows, cols) = (dx.rows(), dx.cols());
        // With no columns there is nothing to write (and `chunks_exact_mut(0)` would panic).
        if cols == 0 {
            return;
        }
        for row in dx.as_mut_slice().chunks_exact_mut(cols) {
            for (d, &g) in row.iter_mut().zip(dy.as_slice()) {
                put(write, d, self.share(g, rows));
            }
        }
    }

    /// The gradient of [`row_sums`](Matrix::row_sums) or [`row_means`](Matrix::row_means) of an
    /// `R × C` matrix, given `dims = x.dims()` and `dy`, the gradient of the `R × 1` column:
    /// `dx[i, j] = dy[i, 0]`, divided by `C` for the mean.
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix, Reduce};
    /// dim!(Batch = 2, Features = 4);
    ///
    /// let x = Matrix::<Batch, Features>::ones();
    /// let dy = Matrix::<Batch, Const<1>>::from_rows([[4.0], [8.0]]);
    /// let dx: Matrix<Batch, Features> = Reduce::Mean.row_backward(x.dims(), &dy);
    /// assert_eq!(dx.as_slice(), &[1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0]);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) row count of `dy` differs from `dims`', or `dims` are too large
    /// to allocate, at the caller's line; see
    /// [`try_row_backward_into`](Self::try_row_backward_into).
    #[track_caller]
    pub fn row_backward<R: Dim, C: Dim, T: Scalar>(
        self,
        dims: (R, C),
        dy: &Matrix<R, Const<1>, T>,
    ) -> Matrix<R, C, T> {
        self.check_row(dims.0.size(), dy).or_panic();
        let mut dx = Matrix::zeros_with(dims.0, dims.1);
        self.write_row(dy, &mut dx, Write::Overwrite);
        dx
    }

    /// Writes the gradient of [`row_sums`](Matrix::row_sums) or [`row_means`](Matrix::row_means)
    /// into `dx`, which has the input's shape, replacing ([`Write::Overwrite`]) or adding to
    /// ([`Write::Accumulate`]) what it holds, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) row count of `dy` differs from `dx`'s;
    /// `dx` is then untouched.
    pub fn try_row_backward_into<R: Dim, C: Dim, T: Scalar>(
        self,
        dy: &Matrix<R, Const<1>, T>,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        self.check_row(dx.rows(), dy)?;
        self.write_row(dy, dx, write);
        Ok(())
    }

    /// `Ok` when `dy` has `rows` rows.
    fn check_row<R: Dim, T: Scalar>(
        self,
        rows: usize,
        dy: &Matrix<R, Const<1>, T>,
    ) -> Result<(), ShapeError> {
        if dy.rows() == rows {
            return Ok(());
        }
        Err(ShapeError::Mismatch {
            op: match self {
                Reduce::Sum => "row_sums backward: dy must have x's rows",
                Reduce::Mean => "row_means backward: dy must have x's rows",
            },
            expected: (rows, 1),
            given: (dy.rows(), 1),
        })
    }

    /// Every element of row `i` of `dx` gets `dy[i, 0]`'s share; the sizes are checked.
    fn write_row<R: Dim, C: Dim, T: Scalar>(
        self,
        dy: &Matrix<R, Const<1>, T>,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) {
        let cols = dx.cols();
        if cols == 0 {
            return;
        }
        for (row, &g) in dx.as_mut_slice().chunks_exact_mut(cols).zip(dy.as_slice()) {
            let g = self.share(g, cols);
            row.iter_mut().for_each(|d| put(write, d, g));
        }
    }

    /// The gradient of [`sum`](Matrix::sum) or [`mean`](Matrix::mean) of an `R × C` matrix,
    /// given `dims = x.dims()` and `dy`, the gradient of the scalar: `dx[i, j] = dy`, divided by
    /// `R · C` for the mean.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix, Reduce};
    /// let x = Matrix::<Const<2>, Const<2>>::zeros();
    /// // The loss is the mean itself, so dl/dmean = 1.
    /// assert_eq!(Reduce::Mean.all_backward(x.dims(), 1.0).as_slice(), &[0.25; 4]);
    /// ```
    ///
    /// # Panics
    /// When `dims` are too large to allocate, at the caller's line.
    #[track_caller]
    pub fn all_backward<R: Dim, C: Dim, T: Scalar>(self, dims: (R, C), dy: T) -> Matrix<R, C, T> {
        let mut dx = Matrix::zeros_with(dims.0, dims.1);
        self.all_backward_into(dy, &mut dx, Write::Overwrite);
        dx
    }

    /// Writes the gradient of [`sum`](Matrix::sum) or [`mean`](Matrix::mean) into `dx`, which
    /// has the input's shape, replacing ([`Write::Overwrite`]) or adding to
    /// ([`Write::Accumulate`]) what it holds, without allocating. A scalar gradient fits any
    /// shape, so nothing can disagree.
    pub fn all_backward_into<R: Dim, C: Dim, T: Scalar>(
        self,
        dy: T,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) {
        let g = self.share(dy, dx.as_slice().len());
        dx.as_mut_slice().iter_mut().for_each(|d| put(write, d, g));
    }
}

/// `*d = v` or `*d += v`.
#[inline]
fn put<T: Scalar>(write: Write, d: &mut T, v: T) {
    match write {
        Write::Overwrite => *d = v,
        Write::Accumulate => *d += v,
    }
}

#[cfg(test)]
mod tests {
    use super::Reduce;
    use crate::{Const, Dim, Dyn, Matrix, Write, gradcheck};

    /// `l = Σ s ⊙ r` for a reduction's output `s` and a fixed `r` of its shape.
    fn dot<R: Dim, C: Dim>(s: &Matrix<R, C, f64>, r: &Matrix<R, C, f64>) -> f64 {
        s.as_slice()
            .iter()
            .zip(r.as_slice())
            .map(|(s, r)| s * r)
            .sum()
    }

    /// Checks the three backward passes of `kind` at a random `rows × cols` input against central
    /// differences, and that each `_into` form agrees with its allocating form.
    fn check_one<R: Dim, C: Dim>(kind: Reduce, rows: R, cols: C, seed: u64) {
        let x = Matrix::<R, C, f64>::rand_with(rows, cols, seed).map(|v| 4.0 * v - 2.0);
        let terms = x.as_slice().len();
        let mean = kind == Reduce::Mean;
        let col = |x: &Matrix<R, C, f64>| if mean { x.col_means() } else { x.col_sums() };
        let row = |x: &Matrix<R, C, f64>| if mean { x.row_means() } else { x.row_sums() };
        let all = |x: &Matrix<R, C, f64>| if mean { x.mean() } else { x.sum() };

        let r_col = Matrix::<Const<1>, C, f64>::rand_with(Const, cols, seed + 1).map(|v| v - 0.5);
        let dx = kind.col_backward(x.dims(), &r_col);
        let report = gradcheck::check(&x, &dx, |x| dot(&col(x), &r_col));
        assert!(
            report.max_error() <= gradcheck::tolerance(terms),
            "{kind:?} col: {report}"
        );
        let mut into = Matrix::filled_with(rows, cols, 7.0);
        kind.try_col_backward_into(&r_col, &mut into, Write::Overwrite)
            .unwrap();
        assert_eq!(into.as_slice(), dx.as_slice());

        let r_row = Matrix::<R, Const<1>, f64>::rand_with(rows, Const, seed + 2).map(|v| v - 0.5);
        let dx = kind.row_backward(x.dims(), &r_row);
        let report = gradcheck::check(&x, &dx, |x| dot(&row(x), &r_row));
        assert!(
            report.max_error() <= gradcheck::tolerance(terms),
            "{kind:?} row: {report}"
        );
        let mut into = Matrix::filled_with(rows, cols, 7.0);
        kind.try_row_backward_into(&r_row, &mut into, Write::Overwrite)
            .unwrap();
        assert_eq!(into.as_slice(), dx.as_slice());

        let r_all = 0.75;
        let dx = kind.all_backward(x.dims(), r_all);
        let report = gradcheck::check(&x, &dx, |x| all(x) * r_all);
        assert!(
            report.max_error() <= gradcheck::tolerance(terms),
            "{kind:?} all: {report}"
        );
        let mut into = Matrix::filled_with(rows, cols, 7.0);
        kind.all_backward_into(r_all, &mut into, Write::Overwrite);
        assert_eq!(into.as_slice(), dx.as_slice());
    }

    #[test]
    fn every_backward_matches_central_differences_static_and_dyn() {
        for (i, kind) in [Reduce::Sum, Reduce::Mean].into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_one(kind, Const::<3>, Const::<5>, seed);
            check_one(kind, Dyn(7), Const::<2>, seed + 3);
            check_one(kind, Const::<4>, Dyn(6), seed + 4);
            check_one(kind, Dyn(1), Dyn(11), seed + 5);
        }
    }

    #[test]
    fn accumulate_adds_to_what_dx_holds() {
        let dy_col = Matrix::<Const<1>, Const<2>, f64>::from_rows([[2.0, 4.0]]);
        let dy_row = Matrix::<Const<2>, Const<1>, f64>::from_rows([[6.0], [8.0]]);
        let mut dx = Matrix::<Const<2>, Const<2>, f64>::ones();
        Reduce::Mean
            .try_col_backward_into(&dy_col, &mut dx, Write::Accumulate)
            .unwrap();
        assert_eq!(dx.as_slice(), &[2.0, 3.0, 2.0, 3.0]);
        Reduce::Sum
            .try_row_backward_into(&dy_row, &mut dx, Write::Accumulate)
            .unwrap();
        assert_eq!(dx.as_slice(), &[8.0, 9.0, 10.0, 11.0]);
        Reduce::Mean.all_backward_into(4.0, &mut dx, Write::Accumulate);
        assert_eq!(dx.as_slice(), &[9.0, 10.0, 11.0, 12.0]);
    }

    #[test]
    fn dyn_sizes_that_disagree_are_errors_and_leave_dx_untouched() {
        let mut dx = Matrix::<Dyn, Dyn, f64>::filled_with(Dyn(3), Dyn(2), 1.0);
        let before = dx.clone();

        let dy = Matrix::<Const<1>, Dyn, f64>::filled_with(Const, Dyn(4), 1.0);
        let err = Reduce::Mean
            .try_col_backward_into(&dy, &mut dx, Write::Overwrite)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "col_means backward: dy must have x's columns: expected a 1×2 matrix, but a 1×4 \
             matrix was given"
        );
        assert_eq!(dx, before);

        let dy = Matrix::<Dyn, Const<1>, f64>::filled_with(Dyn(2), Const, 1.0);
        let err = Reduce::Sum
            .try_row_backward_into(&dy, &mut dx, Write::Accumulate)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "row_sums backward: dy must have x's rows: expected a 3×1 matrix, but a 2×1 matrix \
             was given"
        );
        assert_eq!(dx, before);
    }

    #[test]
    fn the_backward_of_an_empty_axis_is_empty_not_nan() {
        // The mean of no rows is NaN, but its gradient reaches no element.
        let dy = Matrix::<Const<1>, Const<3>, f64>::ones();
        let dx = Reduce::Mean.col_backward((Dyn(0), Const::<3>), &dy);
        assert_eq!((dx.rows(), dx.cols()), (0, 3));
        let dy = Matrix::<Const<2>, Const<1>, f64>::ones();
        let dx = Reduce::Mean.row_backward((Const::<2>, Dyn(0)), &dy);
        assert_eq!((dx.rows(), dx.cols()), (2, 0));
        let dx = Reduce::Mean.all_backward((Dyn(0), Dyn(0)), 1.0_f64);
        assert!(dx.as_slice().is_empty());
    }

    #[test]
    fn f32_follows_f64() {
        let dy64 = Matrix::<Const<1>, Const<3>, f64>::from_rows([[0.1, -0.7, 2.3]]);
        let dy32 = Matrix::<Const<1>, Const<3>, f32>::from_rows([[0.1, -0.7, 2.3]]);
        let dims = (Const::<7>, Const::<3>);
        let (a, b) = (
            Reduce::Mean.col_backward(dims, &dy64),
            Reduce::Mean.col_backward(dims, &dy32),
        );
        for (a, b) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((a - f64::from(*b)).abs() <= 2.0 * f64::from(f32::EPSILON) * a.abs());
        }
    }
}
