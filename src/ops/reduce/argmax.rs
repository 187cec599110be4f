//! The index of the largest element of each row: a classifier's prediction from its scores.

use crate::error::OrPanic;
use crate::{Dim, Matrix, Scalar, ShapeError};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The column of the largest element of each row, one index per row.
    ///
    /// On ties the first such column wins. NaN counts as larger than any number, as in PyTorch
    /// and NumPy: a row holding NaN gives the column of its first NaN. A row of `−∞` gives 0.
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(Batch = 3, Classes = 4);
    ///
    /// let scores = Matrix::<Batch, Classes>::from_rows([
    ///     [0.1, 2.0, -1.0, 0.5],
    ///     [3.0, 3.0, 1.0, 3.0],
    ///     [0.0, f32::NAN, 9.0, f32::NAN],
    /// ]);
    /// assert_eq!(scores.argmax_rows(), vec![1, 0, 1]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has rows but no columns, so a row has no largest element, at the caller's
    /// line ([`ShapeError::EmptyAxis`]). A matrix with no rows gives an empty `Vec`.
    #[track_caller]
    pub fn argmax_rows(&self) -> Vec<usize> {
        self.check_rows_have_elements().or_panic();
        let mut out = vec![0; self.rows()];
        self.write_argmax_rows(&mut out);
        out
    }

    /// Writes the column of the largest element of each row into `out`, one index per row, as
    /// [`argmax_rows`](Self::argmax_rows) returns them, without allocating.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let scores = Matrix::<Const<2>, Const<3>>::from_rows([[0.0, 1.0, 0.5], [2.0, 1.0, 0.0]]);
    /// let mut predicted = [0; 2];
    /// scores.try_argmax_rows_into(&mut predicted).unwrap();
    /// assert_eq!(predicted, [1, 0]);
    ///
    /// let err = scores.try_argmax_rows_into(&mut [0; 3]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "argmax_rows_into: one index per row: expected a slice of 2 elements, but its length \
    ///      is 3"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`ShapeError::SliceLength`] when `out`'s length is not the number of rows, and
    /// [`ShapeError::EmptyAxis`] when there are rows but no columns; `out` is then untouched.
    pub fn try_argmax_rows_into(&self, out: &mut [usize]) -> Result<(), ShapeError> {
        if out.len() != self.rows() {
            return Err(ShapeError::SliceLength {
                op: "argmax_rows_into: one index per row",
                expected: self.rows(),
                given: out.len(),
            });
        }
        self.check_rows_have_elements()?;
        self.write_argmax_rows(out);
        Ok(())
    }

    /// `Ok` unless there are rows with no elements.
    fn check_rows_have_elements(&self) -> Result<(), ShapeError> {
        if self.rows() > 0 && self.cols() == 0 {
            return Err(ShapeError::EmptyAxis {
                op: "argmax_rows: a row with no elements has no largest element",
                axis: "column",
                shape: (self.rows(), 0),
            });
        }
        Ok(())
    }

    /// The argmax of each row into `out`; its length and the rows' are checked.
    fn write_argmax_rows(&self, out: &mut [usize]) {
        let cols = self.cols();
        if cols == 0 {
            return;
        }
        for (o, row) in out.iter_mut().zip(self.as_slice().chunks_exact(cols)) {
            *o = argmax(row);
        }
    }
}

/// The index of the first largest element of a non-empty slice, NaN above any number.
fn argmax<T: Scalar>(row: &[T]) -> usize {
    let mut best = (0, row[0]);
    if is_nan(best.1) {
        return 0;
    }
    for (j, &v) in row.iter().enumerate().skip(1) {
        if is_nan(v) {
            return j;
        }
        if v > best.1 {
            best = (j, v);
        }
    }
    best.0
}

/// NaN is the one value not comparable with itself.
fn is_nan<T: Scalar>(v: T) -> bool {
    v.partial_cmp(&v).is_none()
}

#[cfg(test)]
mod tests {
    use crate::{Const, Dyn, Matrix, ShapeError};

    #[test]
    fn the_first_largest_wins_and_nan_is_largest() {
        let inf = f64::INFINITY;
        let m = Matrix::<Const<6>, Const<3>, f64>::from_rows([
            [1.0, 3.0, 2.0],
            [5.0, 5.0, 5.0],
            [-inf, -inf, -inf],
            [-inf, -1.0, inf],
            [f64::NAN, 9.0, 1.0],
            [-0.0, 0.0, -1.0],
        ]);
        assert_eq!(m.argmax_rows(), vec![1, 0, 0, 2, 0, 0]);
        let m = Matrix::<Const<1>, Const<4>, f32>::from_rows([[1.0, 8.0, f32::NAN, f32::NAN]]);
        assert_eq!(m.argmax_rows(), vec![2]);
    }

    #[test]
    fn random_rows_agree_with_a_sort() {
        let m = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(9), Dyn(13), 4);
        for (i, got) in m.argmax_rows().into_iter().enumerate() {
            let mut row: Vec<(f64, usize)> = (0..13).map(|j| (m[(i, j)], j)).collect();
            row.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            assert_eq!(got, row[0].1);
        }
    }

    #[test]
    fn empty_rows_and_wrong_lengths_are_errors_and_leave_out_untouched() {
        let no_cols = Matrix::<Dyn, Dyn>::zeros_with(Dyn(3), Dyn(0));
        let mut out = [7; 3];
        let err = no_cols.try_argmax_rows_into(&mut out).unwrap_err();
        assert_eq!(
            err,
            ShapeError::EmptyAxis {
                op: "argmax_rows: a row with no elements has no largest element",
                axis: "column",
                shape: (3, 0),
            }
        );
        assert_eq!(
            err.to_string(),
            "argmax_rows: a row with no elements has no largest element: expected a matrix with \
             at least one column, but a 3×0 matrix was given"
        );
        assert_eq!(out, [7; 3]);

        let m = Matrix::<Const<2>, Const<2>>::ones();
        let err = m.try_argmax_rows_into(&mut out).unwrap_err();
        assert_eq!(
            err,
            ShapeError::SliceLength {
                op: "argmax_rows_into: one index per row",
                expected: 2,
                given: 3
            }
        );
        assert_eq!(out, [7; 3]);

        // No rows: nothing to find, and no error.
        let none = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(0));
        assert_eq!(none.argmax_rows(), Vec::<usize>::new());
        none.try_argmax_rows_into(&mut []).unwrap();
    }
}
