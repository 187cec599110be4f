//! [`MatRef`]: a borrowed, strided, zero-copy view of a matrix; `.t()` swaps its dimensions.

use core::fmt;

use crate::{Dim, Matrix, SameElem, Scalar};

/// A borrowed view of an `R × C` matrix: a slice, the two dimensions and a stride for each.
///
/// Views come from [`Matrix::view`] and [`Matrix::t`]; transposing a view only swaps its
/// dimensions and strides, so `x.t()` costs nothing and reaches the GEMM kernel as strides.
/// Views take part in [`matmul`](MatRef::matmul) and `*` exactly like owned matrices.
///
/// ```
/// use shapegrad::{Const, Matrix};
///
/// let x = Matrix::from_array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]); // 2×3
/// let xt = x.t(); // a 3×2 view of the same buffer
/// assert_eq!((xt.rows(), xt.cols()), (3, 2));
/// assert_eq!(xt.get(2, 0), Some(3.0));
/// let gram: Matrix<Const<3>, Const<3>> = xt.matmul(&x);
/// assert_eq!(gram.get(0, 0), Some(1.0 * 1.0 + 4.0 * 4.0));
/// ```
pub struct MatRef<'a, R: Dim, C: Dim, T: Scalar = f32> {
    // Invariant: when rows > 0 and cols > 0, (rows-1)*row_stride + (cols-1)*col_stride < data.len().
    data: &'a [T],
    rows: R,
    cols: C,
    row_stride: usize,
    col_stride: usize,
}

impl<R: Dim, C: Dim, T: Scalar> Clone for MatRef<'_, R, C, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Dim, C: Dim, T: Scalar> Copy for MatRef<'_, R, C, T> {}

impl<'a, R: Dim, C: Dim, T: Scalar> MatRef<'a, R, C, T> {
    /// A row-major view of `data` as an `rows × cols` matrix.
    ///
    /// # Errors
    /// [`ShapeError::Length`](crate::ShapeError::Length) when `data.len()` is not `rows × cols`.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, MatRef};
    /// let buf = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let v = MatRef::try_from_slice(Dyn(3), Const::<2>, &buf).unwrap();
    /// assert_eq!(v.get(2, 1), Some(6.0));
    /// assert!(MatRef::try_from_slice(Dyn(4), Const::<2>, &buf).is_err());
    /// ```
    pub fn try_from_slice(rows: R, cols: C, data: &'a [T]) -> Result<Self, crate::ShapeError> {
        crate::matrix::check_len(rows.size(), cols.size(), data.len())?;
        Ok(Self::row_major(data, rows, cols))
    }

    /// A view of `data` as a `rows × cols` matrix whose element `(i, j)` is
    /// `data[i · row_stride + j · col_stride]`: any layout, such as a column-major buffer
    /// (`row_stride = 1`, `col_stride = rows`) or every other row of a larger matrix.
    ///
    /// # Errors
    /// [`ShapeError::Strides`](crate::ShapeError::Strides) when the view would reach past the end
    /// of `data` (or its last offset overflows `usize`); an empty view fits any buffer.
    ///
    /// ```
    /// use shapegrad::{Const, MatRef};
    /// // A 2×3 matrix stored column by column.
    /// let col_major = [1.0f32, 4.0, 2.0, 5.0, 3.0, 6.0];
    /// let v = MatRef::try_from_strided(Const::<2>, Const::<3>, 1, 2, &col_major).unwrap();
    /// assert_eq!(v.get(0, 2), Some(3.0));
    /// assert_eq!(v.to_matrix().as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    ///
    /// let err = MatRef::try_from_strided(Const::<2>, Const::<3>, 1, 3, &col_major).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "a 2×3 view with strides (1, 3) needs a buffer of at least 8 elements, but the buffer has 6"
    /// );
    /// ```
    pub fn try_from_strided(
        rows: R,
        cols: C,
        row_stride: usize,
        col_stride: usize,
        data: &'a [T],
    ) -> Result<Self, crate::ShapeError> {
        let (r, c) = (rows.size(), cols.size());
        if r > 0 && c > 0 {
            let needed = (r - 1)
                .checked_mul(row_stride)
                .and_then(|a| {
                    (c - 1)
                        .checked_mul(col_stride)
                        .and_then(|b| a.checked_add(b))
                })
                .and_then(|last| last.checked_add(1));
            if needed.is_none_or(|n| n > data.len()) {
                return Err(crate::ShapeError::Strides {
                    shape: (r, c),
                    strides: (row_stride, col_stride),
                    needed: needed.unwrap_or(usize::MAX),
                    len: data.len(),
                });
            }
        }
        Ok(MatRef {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        })
    }

    /// A row-major view of a buffer of exactly `rows × cols` elements.
    ///
    /// This is where the invariant the kernel's `unsafe` call rests on is established, so it is
    /// checked always (an O(1) comparison), not only in debug builds.
    pub(crate) fn row_major(data: &'a [T], rows: R, cols: C) -> Self {
        assert_eq!(
            crate::matrix::element_count(rows.size(), cols.size()),
            Ok(data.len()),
            "shapegrad bug: a row-major view over a buffer of the wrong length"
        );
        MatRef {
            data,
            rows,
            cols,
            row_stride: cols.size(),
            col_stride: 1,
        }
    }

    /// Number of rows.
    #[inline]
    pub fn rows(&self) -> usize {
        self.rows.size()
    }

    /// Number of columns.
    #[inline]
    pub fn cols(&self) -> usize {
        self.cols.size()
    }

    /// The dimensions as values: zero-sized for static dimensions.
    #[inline]
    pub fn dims(&self) -> (R, C) {
        (self.rows, self.cols)
    }

    /// Distance in elements between consecutive rows.
    #[inline]
    pub fn row_stride(&self) -> usize {
        self.row_stride
    }

    /// Distance in elements between consecutive columns.
    #[inline]
    pub fn col_stride(&self) -> usize {
        self.col_stride
    }

    /// The underlying buffer, which the strides index into.
    #[inline]
    pub(crate) fn data(&self) -> &'a [T] {
        self.data
    }

    /// The element at row `i`, column `j`, or `None` when out of range.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> Option<T> {
        (i < self.rows() && j < self.cols())
            .then(|| self.data[i * self.row_stride + j * self.col_stride])
    }

    /// The transpose, as a view of the same data: `C × R`, no copy.
    #[inline]
    pub fn t(self) -> MatRef<'a, C, R, T> {
        MatRef {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }

    /// The same view with both dimensions [`Dyn`](crate::Dyn): what the kernel takes.
    #[inline]
    pub(crate) fn erase(self) -> MatRef<'a, crate::Dyn, crate::Dyn, T> {
        MatRef {
            data: self.data,
            rows: crate::Dyn(self.rows()),
            cols: crate::Dyn(self.cols()),
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// The same view under other dimension types, checked at run time, without a copy: the way
    /// from [`Dyn`](crate::Dyn) back to static dimensions, as [`Matrix::try_into_dims`] is for an
    /// owned matrix.
    ///
    /// # Errors
    /// [`ShapeError::Retype`](crate::ShapeError::Retype), naming both shapes, when a static `R2` or
    /// `C2` fixes a size other than this view's.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, MatRef};
    /// let buf = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let v = MatRef::try_from_slice(Dyn(2), Dyn(3), &buf).unwrap();
    /// let s: MatRef<'_, Const<3>, Const<2>> = v.t().try_into_dims().unwrap();
    /// assert_eq!(s.get(2, 0), Some(3.0));
    ///
    /// let err = v.try_into_dims::<Const<3>, Const<2>>().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "cannot retype a 2×3 matrix as 3×2: the dimension types fix 3 rows and 2 columns, \
    ///      but the matrix has 2 rows and 3 columns"
    /// );
    /// ```
    pub fn try_into_dims<R2: Dim, C2: Dim>(
        self,
    ) -> Result<MatRef<'a, R2, C2, T>, crate::ShapeError> {
        let (rows, cols) = crate::matrix::retype_dims(self.dims())?;
        Ok(MatRef {
            data: self.data,
            rows,
            cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        })
    }

    /// The `rows.size()` rows of this view from row `start` on, as a view of the same buffer with
    /// the same strides.
    ///
    /// # Panics
    /// When the run is not inside the view: callers check it first, and report a
    /// [`ShapeError::RowRange`](crate::ShapeError::RowRange) when it is not. Checked here too,
    /// in every build, because the bounds invariant rests on it.
    #[inline]
    pub(crate) fn rows_from<R2: Dim>(self, start: usize, rows: R2) -> MatRef<'a, R2, C, T> {
        let n = rows.size();
        assert!(
            start <= self.rows() && n <= self.rows() - start,
            "shapegrad bug: a run of rows outside the view"
        );
        let data = if n == 0 || self.cols() == 0 {
            // An empty view fits any buffer. The offset of row `start` is not computed: past the
            // last row it may lie outside the buffer, or overflow.
            &self.data[..0]
        } else {
            // Row `start + n - 1` is a row of this non-empty view, so by the invariant
            // `(start + n - 1)·row_stride + (cols - 1)·col_stride < data.len()`: the offset of row
            // `start` is inside the buffer, and the new view's last element is this view's
            // element at row `start + n - 1`, so the invariant holds for it too.
            &self.data[start * self.row_stride..]
        };
        MatRef {
            data,
            rows,
            cols: self.cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// The same view with its row dimension retyped, after a run-time check of its size.
    pub(crate) fn try_with_rows<R2: Dim>(self) -> Result<MatRef<'a, R2, C, T>, crate::ShapeError> {
        Ok(MatRef {
            data: self.data,
            rows: crate::matrix::retype(self.rows, "rows")?,
            cols: self.cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        })
    }

    /// The same view with its row dimension retyped to `rows`.
    ///
    /// # Panics
    /// When `rows` has another size. [`Agree`](crate::Agree) can be implemented outside this
    /// crate, so the size is checked here, where the bounds invariant is kept, in every build.
    #[inline]
    #[track_caller]
    pub(crate) fn with_rows<R2: Dim>(self, rows: R2) -> MatRef<'a, R2, C, T> {
        assert_eq!(
            rows.size(),
            self.rows(),
            "a retyped row dimension changed its size"
        );
        MatRef {
            data: self.data,
            rows,
            cols: self.cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// The same view with its column dimension retyped to `cols`.
    ///
    /// # Panics
    /// When `cols` has another size. [`Agree`](crate::Agree) can be implemented outside this
    /// crate, so the size is checked here, where the bounds invariant is kept, in every build.
    #[inline]
    #[track_caller]
    pub(crate) fn with_cols<C2: Dim>(self, cols: C2) -> MatRef<'a, R, C2, T> {
        assert_eq!(
            cols.size(),
            self.cols(),
            "a retyped column dimension changed its size"
        );
        MatRef {
            data: self.data,
            rows: self.rows,
            cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// The same view, its elements typed `T2` through [`SameElem`] (which holds only for `T2 = T`).
    ///
    /// # Panics
    /// When the cast changed the buffer's length; checked in every build, because the bounds
    /// invariant rests on it.
    #[inline]
    #[track_caller]
    pub(crate) fn with_elems<T2: Scalar>(self) -> MatRef<'a, R, C, T2>
    where
        T: SameElem<T2>,
    {
        let data = <T as SameElem<T2>>::cast(self.data);
        assert_eq!(
            data.len(),
            self.data.len(),
            "an element cast changed the length"
        );
        MatRef {
            data,
            rows: self.rows,
            cols: self.cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// Copies the view into an owned, row-major matrix.
    pub fn to_matrix(&self) -> Matrix<R, C, T> {
        Matrix::from_fn_with(self.rows, self.cols, |i, j| {
            self.data[i * self.row_stride + j * self.col_stride]
        })
    }
}

impl<R: Dim, C: Dim, T: Scalar> fmt::Debug for MatRef<'_, R, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::matrix::debug_rows(f, "MatRef", self.rows(), self.cols(), |i, j| {
            self.data[i * self.row_stride + j * self.col_stride]
        })
    }
}
