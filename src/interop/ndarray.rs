//! Interop with `ndarray` (the `ndarray` feature): views both ways without copying, and owned
//! arrays both ways without copying whenever the layout allows.
//!
//! Everything here is safe code. A [`MatRef`] borrows a `&[T]` that its strides index from
//! element `(0, 0)`, and ndarray lends a slice only for a view that fills one contiguous block of
//! memory. A view with gaps (`a.slice(s![.., ..;2])`) therefore needs the slice of the array it was
//! cut from, [`MatRef::try_from_ndarray_in`]: building the slice from the view's raw pointer would
//! claim the gaps too, which another live `ArrayViewMut` may be writing
//! (`multi_slice_mut((s![.., ..;2], s![.., 1..;2]))` hands out exactly such a pair).

use ::ndarray::{Array2, ArrayView2, ShapeBuilder};

use crate::{Dim, Dyn, MatRef, Matrix, Scalar, ShapeError};

/// The `op` of the [`ShapeError::Mismatch`] returned when an ndarray view's shape does not fit the
/// static dimensions of the `MatRef` asked for.
const VIEW_OP: &str = "ArrayView2 to MatRef: the dimension types fix the shape";

/// The `op` of the [`ShapeError::Mismatch`] returned when an `Array2`'s shape does not fit the
/// static dimensions of the `Matrix` asked for.
const ARRAY_OP: &str = "Array2 to Matrix: the dimension types fix the shape";

/// The dimension values of types `R` and `C` for a `(rows, cols)` shape, or a
/// [`ShapeError::Mismatch`] naming the shape the types fix and the one given.
fn dims_for<R: Dim, C: Dim>(
    (rows, cols): (usize, usize),
    op: &'static str,
) -> Result<(R, C), ShapeError> {
    match (R::from_size(rows), C::from_size(cols)) {
        (Some(r), Some(c)) => Ok((r, c)),
        _ => Err(ShapeError::Mismatch {
            op,
            expected: (
                R::type_size().unwrap_or(rows),
                C::type_size().unwrap_or(cols),
            ),
            given: (rows, cols),
        }),
    }
}

/// A view's shape and strides, `((rows, cols), (row_stride, col_stride))`.
type Layout = ((usize, usize), (usize, usize));

/// A view's `(rows, cols)` and its strides as a [`MatRef`] takes them.
///
/// A stride is only used along an axis longer than 1 of a non-empty view; an unused negative
/// stride becomes 0, and a used one is [`ShapeError::NegativeStride`].
fn layout<T>(view: &ArrayView2<'_, T>) -> Result<Layout, ShapeError> {
    let shape = view.dim();
    let given = (view.strides()[0], view.strides()[1]);
    let empty = shape.0 == 0 || shape.1 == 0;
    let unsigned = |len: usize, stride: isize| match usize::try_from(stride) {
        Ok(s) => Some(s),
        Err(_) if empty || len <= 1 => Some(0),
        Err(_) => None,
    };
    match (unsigned(shape.0, given.0), unsigned(shape.1, given.1)) {
        (Some(rs), Some(cs)) => Ok((shape, (rs, cs))),
        _ => Err(ShapeError::NegativeStride {
            shape,
            strides: given,
        }),
    }
}

/// `view` as a `rows × cols` [`MatRef`] over the slice ndarray lends for it: the check behind
/// [`MatRef::try_from_ndarray`] and the `TryFrom` impl, once the dimensions are known to fit.
fn view_of_contiguous<'a, R: Dim, C: Dim, T: Scalar>(
    rows: R,
    cols: C,
    view: ArrayView2<'a, T>,
) -> Result<MatRef<'a, R, C, T>, ShapeError> {
    let (shape, (rs, cs)) = layout(&view)?;
    if shape.0 == 0 || shape.1 == 0 {
        return MatRef::try_from_strided(rows, cols, rs, cs, &[]);
    }
    // With no used stride negative, the lowest address, where this slice starts, is element (0, 0).
    let data = view
        .to_slice_memory_order()
        .ok_or(ShapeError::NotContiguous {
            shape,
            strides: (rs, cs),
        })?;
    MatRef::try_from_strided(rows, cols, rs, cs, data)
}

/// `Ok` when ndarray can hold an array of shape `(rows, cols)`: the product of its nonzero axis
/// lengths is at most `isize::MAX`.
fn fits_ndarray(rows: usize, cols: usize) -> Result<(), ShapeError> {
    let product = rows.max(1).checked_mul(cols.max(1));
    match product {
        Some(n) if isize::try_from(n).is_ok() => Ok(()),
        _ => Err(ShapeError::TooLargeForNdarray {
            shape: (rows, cols),
        }),
    }
}

/// An owned array's elements in row-major order: its own `Vec` when it is in standard layout and
/// starts at the start of its allocation, which it fills; a copy otherwise.
fn into_row_major_vec<T: Scalar>(array: Array2<T>) -> Vec<T> {
    let n = array.len();
    if n == 0 {
        return Vec::new();
    }
    if !array.is_standard_layout() {
        // `iter` walks the logical order, row by row, whatever the strides.
        return array.iter().copied().collect();
    }
    let (data, offset) = array.into_raw_vec_and_offset();
    let start = offset.unwrap_or(0);
    if start == 0 && data.len() == n {
        return data;
    }
    // Cut from a larger array: copy out its elements and free the rest of the allocation.
    data.get(start..)
        .unwrap_or_default()
        .iter()
        .take(n)
        .copied()
        .collect()
}

/// Views of ndarray data as [`MatRef`]s with both dimensions [`Dyn`]. For static dimensions, use
/// `MatRef::try_from` (the `TryFrom<ArrayView2>` impl), which checks the shape.
impl<'a, T: Scalar> MatRef<'a, Dyn, Dyn, T> {
    /// A view of an ndarray view, without copying: the same elements, any non-negative strides,
    /// as long as they fill one contiguous block of memory: a row-major array or a range of its
    /// rows, a column-major one (such as `a.t()`) or a range of its columns. Available with the
    /// `ndarray` feature.
    ///
    /// ndarray lends a slice only for such a view. For a view with gaps between its elements
    /// (`a.slice(s![.., ..;2])`, `a.slice(s![1..3, 2..])`), pass the slice of the array it was
    /// cut from to [`try_from_ndarray_in`](Self::try_from_ndarray_in), which takes any strides.
    ///
    /// # Errors
    /// - [`ShapeError::NegativeStride`] when the view runs backwards along an axis
    ///   (`a.slice(s![..;-1, ..])`): a `MatRef`'s strides are unsigned. Copy it with
    ///   `.as_standard_layout()` first (`.to_owned()` keeps a reversed view's strides).
    /// - [`ShapeError::NotContiguous`] when its elements do not fill one block of memory.
    ///
    /// ```
    /// use ndarray::{array, s};
    /// use shapegrad::{MatRef, Matrix};
    ///
    /// let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let x = MatRef::try_from_ndarray(a.view()).unwrap();
    /// assert_eq!(x.get(1, 2), Some(6.0));
    ///
    /// // `a.t()` is column-major: the view keeps its strides, and still copies nothing.
    /// let xt = MatRef::try_from_ndarray(a.t()).unwrap();
    /// assert_eq!((xt.rows(), xt.cols(), xt.row_stride(), xt.col_stride()), (3, 2, 1, 3));
    /// let gram: Matrix<_, _> = xt.matmul(x);
    /// assert_eq!(gram.get(0, 0), Some(1.0 * 1.0 + 4.0 * 4.0));
    ///
    /// let err = MatRef::try_from_ndarray(a.slice(s![..;-1, ..])).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "a 2×3 view with strides (-3, 1) runs backwards through memory, which a MatRef cannot: \
    ///      copy it with `.as_standard_layout()` and view the copy"
    /// );
    /// ```
    pub fn try_from_ndarray(view: ArrayView2<'a, T>) -> Result<Self, ShapeError> {
        let (rows, cols) = view.dim();
        view_of_contiguous(Dyn(rows), Dyn(cols), view)
    }

    /// A view of an ndarray view with any non-negative strides, gaps included, without copying:
    /// `buffer` is the memory the view lies in, such as the slice of the array it was cut from
    /// (`a.as_slice_memory_order()`). Available with the `ndarray` feature.
    ///
    /// The `MatRef` borrows `buffer` from the view's first element on, and reads exactly the
    /// elements the view reads.
    ///
    /// # Errors
    /// - [`ShapeError::NegativeStride`] when the view runs backwards along an axis.
    /// - [`ShapeError::OutsideBuffer`] when the view does not lie inside `buffer`.
    ///
    /// ```
    /// use ndarray::{Array2, s};
    /// use shapegrad::MatRef;
    ///
    /// let a = Array2::from_shape_fn((4, 5), |(i, j)| (10 * i + j) as f64);
    /// let buffer = a.as_slice_memory_order().unwrap();
    ///
    /// let every_other_column = a.slice(s![.., ..;2]); // 4×3, strides (5, 2)
    /// let x = MatRef::try_from_ndarray_in(every_other_column, buffer).unwrap();
    /// assert_eq!((x.rows(), x.cols(), x.col_stride()), (4, 3, 2));
    /// assert_eq!(x.get(3, 2), Some(34.0));
    ///
    /// let block = a.slice(s![1..3, 2..]); // 2×3, strides (5, 1)
    /// let y = MatRef::try_from_ndarray_in(block, buffer).unwrap();
    /// assert_eq!(y.get(0, 0), Some(12.0));
    ///
    /// let elsewhere = Array2::<f64>::zeros((2, 2));
    /// assert!(MatRef::try_from_ndarray_in(elsewhere.view(), buffer).is_err());
    /// ```
    pub fn try_from_ndarray_in(
        view: ArrayView2<'a, T>,
        buffer: &'a [T],
    ) -> Result<Self, ShapeError> {
        let (shape, (rs, cs)) = layout(&view)?;
        let (rows, cols) = (Dyn(shape.0), Dyn(shape.1));
        if shape.0 == 0 || shape.1 == 0 {
            return MatRef::try_from_strided(rows, cols, rs, cs, &buffer[..0]);
        }
        let outside = ShapeError::OutsideBuffer {
            shape,
            strides: (rs, cs),
            len: buffer.len(),
        };
        // The view's first element, as an index into `buffer`: compared as addresses only, so a
        // view from anywhere else is an error, never a read.
        let first = view
            .as_ptr()
            .addr()
            .checked_sub(buffer.as_ptr().addr())
            .filter(|bytes| bytes % size_of::<T>() == 0)
            .map(|bytes| bytes / size_of::<T>());
        let Some(from_first) = first.and_then(|i| buffer.get(i..)) else {
            return Err(outside);
        };
        MatRef::try_from_strided(rows, cols, rs, cs, from_first).map_err(|_| outside)
    }
}

/// An ndarray view as a `MatRef` of any dimensions, static or [`Dyn`], without copying: the
/// shape is checked against the static dimensions, then the layout as in
/// [`MatRef::try_from_ndarray`]. Available with the `ndarray` feature.
///
/// # Errors
/// [`ShapeError::Mismatch`] naming the shape the dimension types fix and the shape given; then
/// the errors of [`MatRef::try_from_ndarray`].
///
/// ```
/// use ndarray::Array2;
/// use shapegrad::{Const, Dyn, MatRef};
///
/// let a = Array2::<f32>::ones((2, 3));
/// let x: MatRef<Const<2>, Dyn> = a.view().try_into().unwrap();
/// assert_eq!(x.cols(), 3);
///
/// let err = MatRef::<Const<3>, Const<2>>::try_from(a.view()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "ArrayView2 to MatRef: the dimension types fix the shape: expected a 3×2 matrix, but a \
///      2×3 matrix was given"
/// );
/// ```
impl<'a, R: Dim, C: Dim, T: Scalar> TryFrom<ArrayView2<'a, T>> for MatRef<'a, R, C, T> {
    type Error = ShapeError;

    fn try_from(view: ArrayView2<'a, T>) -> Result<Self, ShapeError> {
        let (rows, cols) = dims_for::<R, C>(view.dim(), VIEW_OP)?;
        view_of_contiguous(rows, cols, view)
    }
}

/// Views as ndarray views.
impl<'a, R: Dim, C: Dim, T: Scalar> MatRef<'a, R, C, T> {
    /// The same view as an ndarray `ArrayView2`, without copying: same buffer, same strides
    /// (a transposed `MatRef` becomes a column-major view). Available with the `ndarray` feature.
    ///
    /// # Errors
    /// [`ShapeError::TooLargeForNdarray`] when ndarray cannot hold the shape: the product of the
    /// nonzero axis lengths exceeds `isize::MAX`, which only an empty view with an axis that long,
    /// or one repeating its elements through zero strides, can reach.
    ///
    /// ```
    /// use shapegrad::Matrix;
    ///
    /// let m = Matrix::from_array([[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let at = m.t().try_as_ndarray().unwrap(); // 3×2, column-major over m's buffer
    /// assert_eq!(at.shape(), &[3, 2]);
    /// assert_eq!(at.strides(), &[1, 3]);
    /// assert_eq!(at[[2, 1]], 6.0);
    /// assert_eq!(at.as_ptr(), m.as_slice().as_ptr());
    /// ```
    pub fn try_as_ndarray(self) -> Result<ArrayView2<'a, T>, ShapeError> {
        let (rows, cols) = (self.rows(), self.cols());
        fits_ndarray(rows, cols)?;
        let too_large = ShapeError::TooLargeForNdarray {
            shape: (rows, cols),
        };
        let data = self.data();
        if rows == 0 || cols == 0 {
            return ArrayView2::from_shape((rows, cols), &data[..0]).map_err(|_| too_large);
        }
        // A stride the view moves along is less than `data.len()`, so it fits `isize`; one along an
        // axis of length 1 is never used, and may not.
        let signed = |stride: usize| isize::try_from(stride).map_or(0, |_| stride);
        let strides = (signed(self.row_stride()), signed(self.col_stride()));
        // With the size checked, ndarray accepts any strides that stay inside `data`, which a
        // `MatRef`'s do.
        ArrayView2::from_shape((rows, cols).strides(strides), data).map_err(|_| too_large)
    }
}

/// An ndarray view as a `MatRef`: [`MatRef::try_as_ndarray`]. Available with the `ndarray`
/// feature.
///
/// ```
/// use ndarray::ArrayView2;
/// use shapegrad::Matrix;
///
/// let m = Matrix::from_array([[1.0f64, 2.0], [3.0, 4.0]]);
/// let v = ArrayView2::try_from(m.t()).unwrap();
/// assert_eq!(v[[0, 1]], 3.0);
/// ```
impl<'a, R: Dim, C: Dim, T: Scalar> TryFrom<MatRef<'a, R, C, T>> for ArrayView2<'a, T> {
    type Error = ShapeError;

    fn try_from(view: MatRef<'a, R, C, T>) -> Result<Self, ShapeError> {
        view.try_as_ndarray()
    }
}

/// Owned ndarray arrays to owned matrices with both dimensions [`Dyn`].
impl<T: Scalar> Matrix<Dyn, Dyn, T> {
    /// The array as a matrix of the same shape, taking its `Vec` without copying when the array
    /// is in standard (row-major) layout, starts at the start of its allocation and fills it:
    /// what `Array2::zeros`, `from_shape_vec` and `array!` build. Any other layout
    /// (column-major, transposed, a slice of a larger array) is copied in row-major order.
    /// Available with the `ndarray` feature.
    ///
    /// For static dimensions, use `Matrix::try_from` (the `TryFrom<Array2>` impl), which checks
    /// the shape.
    ///
    /// ```
    /// use ndarray::array;
    /// use shapegrad::{Dyn, Matrix};
    ///
    /// let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let buffer = a.as_ptr();
    /// let m = Matrix::from_ndarray(a);
    /// assert_eq!(m.dims(), (Dyn(2), Dyn(3)));
    /// assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// assert_eq!(m.as_slice().as_ptr(), buffer); // the array's own allocation
    ///
    /// // A transposed array is copied into row-major order.
    /// let at = Matrix::from_ndarray(array![[1.0f32, 2.0], [3.0, 4.0]].reversed_axes());
    /// assert_eq!(at.as_slice(), &[1.0, 3.0, 2.0, 4.0]);
    /// ```
    pub fn from_ndarray(array: Array2<T>) -> Self {
        let (rows, cols) = array.dim();
        Matrix::from_vec_unchecked(Dyn(rows), Dyn(cols), into_row_major_vec(array))
    }
}

/// An owned ndarray array as a matrix of any dimensions, static or [`Dyn`]: the shape is checked
/// first, then the array is taken as in [`Matrix::from_ndarray`] (its `Vec` without copying when
/// it is in standard layout). Available with the `ndarray` feature.
///
/// # Errors
/// [`ShapeError::Mismatch`] naming the shape the dimension types fix and the shape given.
///
/// ```
/// use ndarray::Array2;
/// use shapegrad::{dim, Dyn, Matrix};
///
/// dim!(Batch = 4, Features = 3);
/// let a = Array2::<f32>::zeros((4, 3));
/// let x: Matrix<Batch, Features> = a.clone().try_into().unwrap();
/// assert_eq!(x.dims(), (Batch, Features));
/// let y: Matrix<Dyn, Features> = a.try_into().unwrap();
/// assert_eq!(y.rows(), 4);
///
/// let err = Matrix::<Batch, Features>::try_from(Array2::<f32>::zeros((3, 4))).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "Array2 to Matrix: the dimension types fix the shape: expected a 4×3 matrix, but a 3×4 \
///      matrix was given"
/// );
/// ```
impl<R: Dim, C: Dim, T: Scalar> TryFrom<Array2<T>> for Matrix<R, C, T> {
    type Error = ShapeError;

    fn try_from(array: Array2<T>) -> Result<Self, ShapeError> {
        let (rows, cols) = dims_for::<R, C>(array.dim(), ARRAY_OP)?;
        Ok(Matrix::from_vec_unchecked(
            rows,
            cols,
            into_row_major_vec(array),
        ))
    }
}

/// Owned matrices as ndarray arrays and views.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The matrix as an ndarray view in standard (row-major) layout over its buffer, without
    /// copying. Available with the `ndarray` feature.
    ///
    /// # Errors
    /// [`ShapeError::TooLargeForNdarray`] for an empty matrix with an axis longer than
    /// `isize::MAX`, which ndarray cannot hold. No other matrix fails.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    ///
    /// let m = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (10 * i + j) as f32);
    /// let v = m.try_as_ndarray().unwrap();
    /// assert_eq!(v.shape(), &[2, 3]);
    /// assert_eq!(v[[1, 2]], 12.0);
    /// assert_eq!(v.as_ptr(), m.as_slice().as_ptr());
    /// ```
    pub fn try_as_ndarray(&self) -> Result<ArrayView2<'_, T>, ShapeError> {
        let (rows, cols) = (self.rows(), self.cols());
        fits_ndarray(rows, cols)?;
        ArrayView2::from_shape((rows, cols), self.as_slice()).map_err(|_| {
            ShapeError::TooLargeForNdarray {
                shape: (rows, cols),
            }
        })
    }

    /// The matrix as an owned ndarray array in standard (row-major) layout, taking its buffer
    /// without copying. Available with the `ndarray` feature.
    ///
    /// # Errors
    /// [`ShapeError::TooLargeForNdarray`] for an empty matrix with an axis longer than
    /// `isize::MAX`, which ndarray cannot hold (no element is lost: there are none). No other
    /// matrix fails.
    ///
    /// ```
    /// use ndarray::array;
    /// use shapegrad::Matrix;
    ///
    /// let m = Matrix::from_array([[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let buffer = m.as_slice().as_ptr();
    /// let a = m.try_into_ndarray().unwrap();
    /// assert_eq!(a, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// assert_eq!(a.as_ptr(), buffer);
    /// ```
    pub fn try_into_ndarray(self) -> Result<Array2<T>, ShapeError> {
        let (rows, cols) = (self.rows(), self.cols());
        fits_ndarray(rows, cols)?;
        Array2::from_shape_vec((rows, cols), self.into_vec()).map_err(|_| {
            ShapeError::TooLargeForNdarray {
                shape: (rows, cols),
            }
        })
    }
}

/// A borrowed matrix as an ndarray view: [`Matrix::try_as_ndarray`]. Available with the
/// `ndarray` feature.
///
/// ```
/// use ndarray::ArrayView2;
/// use shapegrad::Matrix;
///
/// let m = Matrix::from_array([[1.0f32, 2.0], [3.0, 4.0]]);
/// let v = ArrayView2::try_from(&m).unwrap();
/// assert_eq!(v.sum(), 10.0);
/// ```
impl<'a, R: Dim, C: Dim, T: Scalar> TryFrom<&'a Matrix<R, C, T>> for ArrayView2<'a, T> {
    type Error = ShapeError;

    fn try_from(m: &'a Matrix<R, C, T>) -> Result<Self, ShapeError> {
        m.try_as_ndarray()
    }
}

/// An owned matrix as an owned ndarray array: [`Matrix::try_into_ndarray`]. Available with the
/// `ndarray` feature.
///
/// ```
/// use ndarray::Array2;
/// use shapegrad::{Const, Matrix};
///
/// let m = Matrix::<Const<2>, Const<2>, f64>::ones();
/// let a = Array2::try_from(m).unwrap();
/// assert_eq!(a, Array2::<f64>::ones((2, 2)));
/// ```
impl<R: Dim, C: Dim, T: Scalar> TryFrom<Matrix<R, C, T>> for Array2<T> {
    type Error = ShapeError;

    fn try_from(m: Matrix<R, C, T>) -> Result<Self, ShapeError> {
        m.try_into_ndarray()
    }
}
