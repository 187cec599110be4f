//! [`Matrix`]: an owned, row-major, heap-allocated matrix whose dimensions are types; its
//! accessors and conversions. Constructors are in `construct.rs`, formatting in `fmt.rs`, and the
//! maths in `ops/`.

use core::ops::{Index, IndexMut};

use crate::error::OrPanic;
use crate::{Dim, Dyn, MatRef, Scalar, ShapeError};

/// An owned `R × C` matrix of `T` (`f32` unless said otherwise), stored row-major on the heap.
///
/// `R` and `C` are [`Dim`]s: [`Const<N>`](crate::Const), typenum's `U…`, a name declared with
/// [`dim!`](crate::dim!), or [`Dyn`]. They are stored as values, so a fully static matrix is
/// a `Vec<T>` and nothing else. `T` is a [`Scalar`], `f32` or `f64`: the type itself names any
/// `T`, but every constructor asks for `T: Scalar`, so that is where another element type fails.
///
/// ```
/// use shapegrad::{Const, Matrix};
///
/// let x = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (i * 3 + j) as f32);
/// assert_eq!(x.as_slice(), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
/// assert_eq!(x.get(1, 2), Some(5.0));
/// assert_eq!(x.get(2, 0), None);
/// assert_eq!((x.rows(), x.cols()), (2, 3));
/// ```
#[derive(Clone, PartialEq)]
pub struct Matrix<R: Dim, C: Dim, T = f32> {
    // Invariant: data.len() == rows.size() * cols.size().
    data: Vec<T>,
    rows: R,
    cols: C,
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The one place a `Matrix` is assembled: every caller has already checked
    /// `data.len() == rows · cols` (without overflow), the invariant `MatRef`'s bounds rest on.
    pub(crate) fn from_vec_unchecked(rows: R, cols: C, data: Vec<T>) -> Self {
        debug_assert_eq!(
            super::construct::element_count(rows.size(), cols.size()),
            Ok(data.len())
        );
        Matrix { data, rows, cols }
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

    /// The elements, row-major.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// The elements, row-major, mutable. The shape cannot change through it.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The row-major buffer.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// The element at row `i`, column `j`, or `None` when out of range.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> Option<T> {
        (i < self.rows() && j < self.cols()).then(|| self.data[i * self.cols() + j])
    }

    /// A mutable reference to the element at row `i`, column `j`, or `None` when out of range.
    #[inline]
    pub fn get_mut(&mut self, i: usize, j: usize) -> Option<&mut T> {
        let cols = self.cols();
        (i < self.rows() && j < cols).then(|| &mut self.data[i * cols + j])
    }

    /// A view of the whole matrix.
    #[inline]
    pub fn view(&self) -> MatRef<'_, R, C, T> {
        MatRef::row_major(&self.data, self.rows, self.cols)
    }

    /// The transpose as a zero-copy view: `C × R`, same buffer, strides swapped.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let a = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (10 * i + j) as f32);
    /// let at = a.t();
    /// assert_eq!((at.rows(), at.cols()), (3, 2));
    /// assert_eq!(at.get(2, 1), a.get(1, 2));
    /// ```
    #[inline]
    pub fn t(&self) -> MatRef<'_, C, R, T> {
        self.view().t()
    }

    /// The transpose as a new owned matrix (a copy). Products never need it: use [`t`](Self::t).
    pub fn transpose(&self) -> Matrix<C, R, T> {
        self.t().to_matrix()
    }

    /// The same data with both dimensions [`Dyn`].
    pub fn into_dyn(self) -> Matrix<Dyn, Dyn, T> {
        let (r, c) = (Dyn(self.rows()), Dyn(self.cols()));
        Matrix::from_vec_unchecked(r, c, self.data)
    }

    /// The same data under other dimension types, checked at run time: the way from [`Dyn`] back
    /// to static dimensions. [`MatRef::try_into_dims`] does the same for a view.
    ///
    /// # Errors
    /// [`ShapeError::Retype`], naming both shapes, when a static `R2` or `C2` fixes a size other
    /// than this matrix's.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let d = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(3));
    /// let s: Matrix<Const<2>, Const<3>> = d.clone().try_into_dims().unwrap();
    /// let err = d.try_into_dims::<Const<3>, Const<3>>().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "cannot retype a 2×3 matrix as 3×3: the row type fixes 3 rows, but the matrix has 2"
    /// );
    /// # let _ = s;
    /// ```
    pub fn try_into_dims<R2: Dim, C2: Dim>(self) -> Result<Matrix<R2, C2, T>, ShapeError> {
        let (rows, cols) = retype_dims(self.dims())?;
        Ok(Matrix::from_vec_unchecked(rows, cols, self.data))
    }
}

impl<T: Scalar> Matrix<Dyn, Dyn, T> {
    /// Reuses this buffer as an `rows × cols` matrix, allocating only when it must grow: the
    /// autodiff tape keeps one such buffer per node across training steps. With `zero`, every
    /// element is 0 afterwards; without, the elements are left for the caller to overwrite.
    ///
    /// # Panics
    /// When `rows × cols` overflows `usize` ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub(crate) fn reuse_as(&mut self, rows: usize, cols: usize, zero: bool) {
        let n = super::construct::element_count(rows, cols).or_panic();
        if zero {
            self.data.clear();
        }
        self.data.resize(n, T::ZERO);
        self.rows = Dyn(rows);
        self.cols = Dyn(cols);
    }
}

/// Converts a dimension value to another dimension type of the same size.
pub(crate) fn retype<D: Dim, D2: Dim>(d: D, axis: &'static str) -> Result<D2, ShapeError> {
    D2::from_size(d.size()).ok_or_else(|| size_error::<D2>(d.size(), axis))
}

/// The error for a size `given` that dimension type `D` does not allow: [`ShapeError::Bound`]
/// for a runtime dimension bound to another size, [`ShapeError::Dim`] otherwise.
fn size_error<D: Dim>(given: usize, axis: &'static str) -> ShapeError {
    match D::RUNTIME_NAME {
        Some(dim) => ShapeError::Bound {
            dim,
            bound: D::type_size().unwrap_or(given),
            given,
        },
        None => ShapeError::Dim {
            axis,
            expected: D::FIXED.unwrap_or(given),
            given,
        },
    }
}

pub(crate) fn retype_dims<R: Dim, C: Dim, R2: Dim, C2: Dim>(
    (rows, cols): (R, C),
) -> Result<(R2, C2), ShapeError> {
    let given = (rows.size(), cols.size());
    match (R2::from_size(given.0), C2::from_size(given.1)) {
        (Some(r), Some(c)) => Ok((r, c)),
        // A runtime dimension bound to another size is named, with its binding.
        (None, _) if R2::RUNTIME_NAME.is_some() => Err(size_error::<R2>(given.0, "rows")),
        (_, None) if C2::RUNTIME_NAME.is_some() => Err(size_error::<C2>(given.1, "columns")),
        _ => Err(ShapeError::Retype {
            expected: (
                R2::type_size().unwrap_or(given.0),
                C2::type_size().unwrap_or(given.1),
            ),
            given,
        }),
    }
}

/// `m[(i, j)]`: the element at row `i`, column `j`; panics when out of range.
impl<R: Dim, C: Dim, T: Scalar> Index<(usize, usize)> for Matrix<R, C, T> {
    type Output = T;
    #[track_caller]
    fn index(&self, (i, j): (usize, usize)) -> &T {
        assert!(
            i < self.rows() && j < self.cols(),
            "index ({i}, {j}) out of range for a {}×{} matrix",
            self.rows(),
            self.cols()
        );
        &self.data[i * self.cols() + j]
    }
}

/// `m[(i, j)] = v`: the element at row `i`, column `j`, mutable; panics when out of range.
///
/// ```
/// use shapegrad::{Const, Matrix};
/// let mut m = Matrix::<Const<2>, Const<2>>::zeros();
/// m[(1, 0)] = 3.0;
/// m[(1, 0)] += 1.0;
/// assert_eq!(m.as_slice(), &[0.0, 0.0, 4.0, 0.0]);
/// ```
impl<R: Dim, C: Dim, T: Scalar> IndexMut<(usize, usize)> for Matrix<R, C, T> {
    #[track_caller]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        let (rows, cols) = (self.rows(), self.cols());
        assert!(
            i < rows && j < cols,
            "index ({i}, {j}) out of range for a {rows}×{cols} matrix"
        );
        &mut self.data[i * cols + j]
    }
}
