//! Rows of a matrix: a run of them as a view without a copy (`rows_range`, `fixed_rows`), and
//! any of them, in any order, gathered into a new matrix (`select_rows`, `select_rows_as`).
//!
//! Each is on [`MatRef`], where the work is done, and on [`Matrix`], through its view. Each has a
//! `try_` form that returns a [`ShapeError`] and a form that panics with its message at the
//! caller's line.

use core::ops::Range;

use super::construct::alloc_count;
use crate::error::OrPanic;
use crate::{Dim, Dyn, MatRef, Matrix, Scalar, ShapeError, StaticDim};

impl<'a, R: Dim, C: Dim, T: Scalar> MatRef<'a, R, C, T> {
    /// Rows `range.start..range.end` as a view: no copy, on any layout (a transposed or strided
    /// view keeps its strides). The row count is known only at run time, so it is [`Dyn`]; for a
    /// count fixed by a type, see [`try_fixed_rows`](Self::try_fixed_rows).
    ///
    /// # Errors
    /// [`ShapeError::RowRange`], naming the range and the row count, when the range reaches past
    /// the last row or starts after it ends. An empty range is fine anywhere from row 0 to one
    /// past the last row.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let x = Matrix::<Const<4>, Const<2>>::from_fn(|i, j| (10 * i + j) as f32);
    /// let mid = x.view().try_rows_range(1..3).unwrap();
    /// assert_eq!(mid.to_matrix().as_slice(), &[10.0, 11.0, 20.0, 21.0]);
    ///
    /// // Rows of the transpose are columns of `x`.
    /// let col1 = x.t().try_rows_range(1..2).unwrap();
    /// assert_eq!(col1.to_matrix().as_slice(), &[1.0, 11.0, 21.0, 31.0]);
    ///
    /// let err = x.view().try_rows_range(3..6).unwrap_err();
    /// assert_eq!(err.to_string(), "rows 3..6 are out of range for a matrix of 4 rows");
    /// ```
    pub fn try_rows_range(self, range: Range<usize>) -> Result<MatRef<'a, Dyn, C, T>, ShapeError> {
        let Range { start, end } = range;
        let rows = self.rows();
        if start > end || end > rows {
            return Err(ShapeError::RowRange { start, end, rows });
        }
        Ok(self.rows_from(start, Dyn(end - start)))
    }

    /// Rows `range.start..range.end` as a view; see [`try_rows_range`](Self::try_rows_range).
    ///
    /// # Panics
    /// When the range is not inside the matrix, with the message of the
    /// [`ShapeError::RowRange`] that `try_rows_range` returns, at the caller's line.
    #[track_caller]
    pub fn rows_range(self, range: Range<usize>) -> MatRef<'a, Dyn, C, T> {
        self.try_rows_range(range).or_panic()
    }

    /// The `N` rows from row `start` on, as a view whose row count is the static dimension `N`:
    /// no copy, on any layout. nalgebra calls this `fixed_rows::<N>(start)` too.
    ///
    /// # Errors
    /// [`ShapeError::RowRange`], naming the range `start..start + N` and the row count, when the
    /// matrix has fewer than `start + N` rows.
    ///
    /// ```
    /// use shapegrad::{dim, Dyn, MatRef, Matrix};
    /// dim!(Batch = 2, In = 3);
    /// let x = Matrix::<Dyn, In>::from_fn_with(Dyn(5), In, |i, j| (10 * i + j) as f32);
    /// let b: MatRef<'_, Batch, In> = x.view().try_fixed_rows::<Batch>(2).unwrap();
    /// assert_eq!(b.to_matrix().as_slice(), &[20.0, 21.0, 22.0, 30.0, 31.0, 32.0]);
    ///
    /// let err = x.view().try_fixed_rows::<Batch>(4).unwrap_err();
    /// assert_eq!(err.to_string(), "rows 4..6 are out of range for a matrix of 5 rows");
    /// ```
    pub fn try_fixed_rows<N: StaticDim>(
        self,
        start: usize,
    ) -> Result<MatRef<'a, N, C, T>, ShapeError> {
        let rows = self.rows();
        if start > rows || N::SIZE > rows - start {
            return Err(ShapeError::RowRange {
                start,
                end: start.saturating_add(N::SIZE),
                rows,
            });
        }
        Ok(self.rows_from(start, N::default()))
    }

    /// The `N` rows from row `start` on, as a view; see [`try_fixed_rows`](Self::try_fixed_rows).
    ///
    /// # Panics
    /// When the matrix has fewer than `start + N` rows, with the message of the
    /// [`ShapeError::RowRange`] that `try_fixed_rows` returns, at the caller's line.
    #[track_caller]
    pub fn fixed_rows<N: StaticDim>(self, start: usize) -> MatRef<'a, N, C, T> {
        self.try_fixed_rows(start).or_panic()
    }

    /// A new matrix whose row `k` is row `indices[k]` of this one: rows gathered in any order,
    /// repeats allowed. It has as many rows as there are indices, a number known at run time,
    /// so its row dimension is [`Dyn`]; [`try_select_rows_as`](Self::try_select_rows_as) gives
    /// it a static one.
    ///
    /// # Errors
    /// - [`ShapeError::RowIndex`], naming the index, its position in `indices` and the row count,
    ///   when an index is not a row of this matrix;
    /// - [`ShapeError::TooLarge`] when the result would be too large to allocate.
    ///
    /// ```
    /// use shapegrad::{Matrix, ShapeError};
    /// let x = Matrix::from_array([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]]);
    /// let picked = x.view().try_select_rows(&[2, 0, 2]).unwrap();
    /// assert_eq!(picked.as_slice(), &[20.0, 21.0, 0.0, 1.0, 20.0, 21.0]);
    ///
    /// let err = x.view().try_select_rows(&[1, 3]).unwrap_err();
    /// assert_eq!(err, ShapeError::RowIndex { index: 3, position: 1, rows: 3 });
    /// assert_eq!(
    ///     err.to_string(),
    ///     "row index 3, at position 1 of the indices, is out of range for 3 rows"
    /// );
    /// ```
    pub fn try_select_rows(&self, indices: &[usize]) -> Result<Matrix<Dyn, C, T>, ShapeError> {
        self.try_select_rows_as(indices)
    }

    /// Rows gathered by index into a new matrix; see [`try_select_rows`](Self::try_select_rows).
    ///
    /// # Panics
    /// When an index is out of range, with the message of the [`ShapeError`] that
    /// `try_select_rows` returns, at the caller's line.
    #[track_caller]
    pub fn select_rows(&self, indices: &[usize]) -> Matrix<Dyn, C, T> {
        self.try_select_rows(indices).or_panic()
    }

    /// Rows gathered by index into a new matrix whose row dimension is `R2`: a static dimension
    /// whose size must be the number of indices, or [`Dyn`], which takes it. Generic code over a
    /// row dimension `R` gathers its batch with `select_rows_as::<R>`.
    ///
    /// # Errors
    /// - [`ShapeError::RowCount`], naming both counts, when `R2` is static and fixes another
    ///   number of rows than there are indices;
    /// - [`ShapeError::RowIndex`], naming the index, its position in `indices` and the row count,
    ///   when an index is not a row of this matrix;
    /// - [`ShapeError::TooLarge`] when the result would be too large to allocate.
    ///
    /// ```
    /// use shapegrad::{dim, Dyn, Matrix};
    /// dim!(Batch = 2, In = 3);
    /// let x = Matrix::<Dyn, In>::from_fn_with(Dyn(4), In, |i, _| i as f32);
    /// let b: Matrix<Batch, In> = x.view().try_select_rows_as(&[3, 1]).unwrap();
    /// assert_eq!(b.as_slice(), &[3.0, 3.0, 3.0, 1.0, 1.0, 1.0]);
    ///
    /// let err = x.view().try_select_rows_as::<Batch>(&[0, 1, 2]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "the row dimension fixes 2 rows, but 3 row indices were given"
    /// );
    /// ```
    pub fn try_select_rows_as<R2: Dim>(
        &self,
        indices: &[usize],
    ) -> Result<Matrix<R2, C, T>, ShapeError> {
        let given = indices.len();
        let rows = R2::from_size(given).ok_or(ShapeError::RowCount {
            expected: R2::FIXED.unwrap_or(given),
            given,
        })?;
        check_indices(indices, self.rows())?;
        let cols = self.cols();
        let mut data = Vec::with_capacity(alloc_count::<T>(given, cols)?);
        if cols > 0 {
            let (buf, rs, cs) = (self.data(), self.row_stride(), self.col_stride());
            for &i in indices {
                // `i` is a row and the view has columns, so by the view's invariant the row's
                // last element, at `i·rs + (cols - 1)·cs`, is inside `buf`.
                let first = i * rs;
                if cs == 1 {
                    data.extend_from_slice(&buf[first..first + cols]);
                } else {
                    data.extend((0..cols).map(|j| buf[first + j * cs]));
                }
            }
        }
        Ok(Matrix::from_vec_unchecked(rows, self.dims().1, data))
    }

    /// Rows gathered by index into a new matrix whose row dimension is `R2`; see
    /// [`try_select_rows_as`](Self::try_select_rows_as).
    ///
    /// # Panics
    /// When the count or an index is wrong, with the message of the [`ShapeError`] that
    /// `try_select_rows_as` returns, at the caller's line.
    #[track_caller]
    pub fn select_rows_as<R2: Dim>(&self, indices: &[usize]) -> Matrix<R2, C, T> {
        self.try_select_rows_as(indices).or_panic()
    }
}

/// `Ok` when every index is below `rows`; otherwise a [`ShapeError::RowIndex`] for the first
/// that is not.
pub(crate) fn check_indices(indices: &[usize], rows: usize) -> Result<(), ShapeError> {
    match indices.iter().position(|&i| i >= rows) {
        None => Ok(()),
        Some(position) => Err(ShapeError::RowIndex {
            index: indices[position],
            position,
            rows,
        }),
    }
}

/// The same, on an owned matrix: each borrows the matrix through [`view`](Matrix::view).
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Rows `range.start..range.end` as a view, without a copy.
    ///
    /// # Errors
    /// [`ShapeError::RowRange`], naming the range and the row count, when the range reaches past
    /// the last row or starts after it ends; see [`MatRef::try_rows_range`].
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let x = Matrix::<Dyn, Const<2>>::from_fn_with(Dyn(5), Const, |i, j| (10 * i + j) as f32);
    /// let (train, test) = (x.try_rows_range(0..4).unwrap(), x.try_rows_range(4..5).unwrap());
    /// assert_eq!((train.rows(), test.rows()), (4, 1));
    /// assert_eq!(test.to_matrix().as_slice(), &[40.0, 41.0]);
    ///
    /// let err = x.try_rows_range(4..2).unwrap_err();
    /// assert_eq!(err.to_string(), "the row range 4..2 starts after it ends (the matrix has 5 rows)");
    /// ```
    pub fn try_rows_range(&self, range: Range<usize>) -> Result<MatRef<'_, Dyn, C, T>, ShapeError> {
        self.view().try_rows_range(range)
    }

    /// Rows `range.start..range.end` as a view; see [`try_rows_range`](Self::try_rows_range).
    ///
    /// # Panics
    /// When the range is not inside the matrix, with the message of the
    /// [`ShapeError::RowRange`] that `try_rows_range` returns, at the caller's line.
    #[track_caller]
    pub fn rows_range(&self, range: Range<usize>) -> MatRef<'_, Dyn, C, T> {
        self.view().try_rows_range(range).or_panic()
    }

    /// The `N` rows from row `start` on, as a view typed by the static dimension `N`, without a
    /// copy.
    ///
    /// # Errors
    /// [`ShapeError::RowRange`], naming the range `start..start + N` and the row count, when the
    /// matrix has fewer than `start + N` rows; see [`MatRef::try_fixed_rows`].
    ///
    /// ```
    /// use shapegrad::{dim, Dyn, MatRef, Matrix};
    /// dim!(Batch = 2, In = 3);
    /// let x = Matrix::<Dyn, In>::zeros_with(Dyn(5), In);
    /// let first: MatRef<'_, Batch, In> = x.try_fixed_rows(0).unwrap();
    /// assert_eq!(first.rows(), 2);
    /// assert!(x.try_fixed_rows::<Batch>(4).is_err());
    /// ```
    pub fn try_fixed_rows<N: StaticDim>(
        &self,
        start: usize,
    ) -> Result<MatRef<'_, N, C, T>, ShapeError> {
        self.view().try_fixed_rows(start)
    }

    /// The `N` rows from row `start` on, as a view; see [`try_fixed_rows`](Self::try_fixed_rows).
    ///
    /// # Panics
    /// When the matrix has fewer than `start + N` rows, with the message of the
    /// [`ShapeError::RowRange`] that `try_fixed_rows` returns, at the caller's line.
    #[track_caller]
    pub fn fixed_rows<N: StaticDim>(&self, start: usize) -> MatRef<'_, N, C, T> {
        self.view().try_fixed_rows(start).or_panic()
    }

    /// A new matrix whose row `k` is row `indices[k]` of this one, with a [`Dyn`] row dimension.
    ///
    /// # Errors
    /// [`ShapeError::RowIndex`], naming the index, its position in `indices` and the row count,
    /// when an index is not a row of this matrix, and [`ShapeError::TooLarge`] when the result
    /// would be too large to allocate; see [`MatRef::try_select_rows`].
    ///
    /// ```
    /// use shapegrad::Matrix;
    /// let x = Matrix::from_array([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]]);
    /// assert_eq!(x.try_select_rows(&[1, 1]).unwrap().as_slice(), &[10.0, 11.0, 10.0, 11.0]);
    /// assert!(x.try_select_rows(&[3]).is_err());
    /// ```
    pub fn try_select_rows(&self, indices: &[usize]) -> Result<Matrix<Dyn, C, T>, ShapeError> {
        self.view().try_select_rows_as(indices)
    }

    /// Rows gathered by index into a new matrix; see [`try_select_rows`](Self::try_select_rows).
    ///
    /// # Panics
    /// When an index is out of range, with the message of the [`ShapeError`] that
    /// `try_select_rows` returns, at the caller's line.
    #[track_caller]
    pub fn select_rows(&self, indices: &[usize]) -> Matrix<Dyn, C, T> {
        self.view().try_select_rows_as(indices).or_panic()
    }

    /// Rows gathered by index into a new matrix whose row dimension is `R2`: a static dimension
    /// whose size must be the number of indices, or [`Dyn`].
    ///
    /// # Errors
    /// [`ShapeError::RowCount`] naming both counts when a static `R2` fixes another number of
    /// rows than there are indices, [`ShapeError::RowIndex`] when an index is out of range, and
    /// [`ShapeError::TooLarge`] when the result would be too large to allocate; see
    /// [`MatRef::try_select_rows_as`].
    ///
    /// ```
    /// use shapegrad::{dim, Dyn, Matrix};
    /// dim!(Batch = 2, In = 3);
    /// let x = Matrix::<Dyn, In>::from_fn_with(Dyn(4), In, |i, _| i as f32);
    /// let b: Matrix<Batch, In> = x.try_select_rows_as(&[0, 3]).unwrap();
    /// assert_eq!(b.as_slice(), &[0.0, 0.0, 0.0, 3.0, 3.0, 3.0]);
    /// ```
    pub fn try_select_rows_as<R2: Dim>(
        &self,
        indices: &[usize],
    ) -> Result<Matrix<R2, C, T>, ShapeError> {
        self.view().try_select_rows_as(indices)
    }

    /// Rows gathered by index into a new matrix whose row dimension is `R2`; see
    /// [`try_select_rows_as`](Self::try_select_rows_as).
    ///
    /// # Panics
    /// When the count or an index is wrong, with the message of the [`ShapeError`] that
    /// `try_select_rows_as` returns, at the caller's line.
    #[track_caller]
    pub fn select_rows_as<R2: Dim>(&self, indices: &[usize]) -> Matrix<R2, C, T> {
        self.view().try_select_rows_as(indices).or_panic()
    }
}
