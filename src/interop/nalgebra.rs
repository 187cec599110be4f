//! Interop with `nalgebra` (the `nalgebra` feature): `SMatrix` and `DMatrix` to and from
//! [`Matrix`], and zero-copy views both ways between nalgebra's matrices and [`MatRef`].
//!
//! nalgebra stores its matrices column-major, shapegrad row-major, so an owned conversion is a
//! copy that reorders the elements, while a view is free: a column-major `R × C` buffer is a
//! [`MatRef`] with row stride 1 and column stride `R`, the transpose of a row-major `C × R` one.
//!
//! Dimensions keep their kind: nalgebra's `Const<N>` is shapegrad's [`Const<N>`](crate::Const)
//! and its `Dyn` is [`Dyn`]; the other way, typenum's `U0`…`U127` become nalgebra's
//! `Const<N>` as well. The correspondence is the sealed traits [`FromNalgebraDim`] and
//! [`ToNalgebraDim`].
//!
//! This module uses no `unsafe`. A nalgebra view that is not contiguous can only be read as a
//! slice through nalgebra's `unsafe` `as_slice_unchecked`, which is unsound to call on a view
//! whose neighbours another view may be writing; so a strided view becomes a [`MatRef`] through
//! the buffer it views, [`MatRef::try_from_nalgebra_in`], and a contiguous one without it,
//! [`MatRef::from_nalgebra`].

use ::nalgebra::{
    DMatrix, DMatrixView, DimName, IsContiguous, MatrixView, RawStorage, SMatrix, ToConst,
};
use typenum::{Bit, UInt, UTerm, Unsigned};

use crate::{Const, Dim, Dyn, MatRef, Matrix, Scalar, ShapeError};

mod sealed {
    pub trait Sealed {}
}

/// A nalgebra dimension and the shapegrad [`Dim`] it becomes: `nalgebra::Const<N>` is
/// [`Const<N>`](crate::Const), `nalgebra::Dyn` is [`Dyn`].
///
/// Sealed: implemented for exactly those two.
pub trait FromNalgebraDim: ::nalgebra::Dim + sealed::Sealed {
    /// The shapegrad dimension of the same kind and size.
    type Dim: Dim;
    /// This dimension as a shapegrad dimension value.
    fn to_shapegrad(self) -> Self::Dim;
}

impl<const N: usize> sealed::Sealed for ::nalgebra::Const<N> {}
impl<const N: usize> FromNalgebraDim for ::nalgebra::Const<N> {
    type Dim = Const<N>;
    #[inline]
    fn to_shapegrad(self) -> Const<N> {
        Const
    }
}

impl sealed::Sealed for ::nalgebra::Dyn {}
impl FromNalgebraDim for ::nalgebra::Dyn {
    type Dim = Dyn;
    #[inline]
    fn to_shapegrad(self) -> Dyn {
        Dyn(::nalgebra::Dim::value(&self))
    }
}

/// A shapegrad [`Dim`] and the nalgebra dimension it becomes: [`Const<N>`](crate::Const) and
/// typenum's `U0`…`U127` are `nalgebra::Const<N>`, [`Dyn`] is `nalgebra::Dyn`.
///
/// Sealed: implemented for exactly those. A named dimension from [`dim!`](crate::dim!) has no
/// nalgebra counterpart; [`MatRef::as_nalgebra_dyn`] views any matrix with dynamic dimensions.
pub trait ToNalgebraDim: Dim + sealed::Sealed {
    /// The nalgebra dimension of the same kind and size.
    type Nalgebra: ::nalgebra::Dim;
    /// This dimension as a nalgebra dimension value.
    fn to_nalgebra(self) -> Self::Nalgebra;
}

impl<const N: usize> sealed::Sealed for Const<N> {}
impl<const N: usize> ToNalgebraDim for Const<N> {
    type Nalgebra = ::nalgebra::Const<N>;
    #[inline]
    fn to_nalgebra(self) -> ::nalgebra::Const<N> {
        ::nalgebra::Const
    }
}

impl sealed::Sealed for Dyn {}
impl ToNalgebraDim for Dyn {
    type Nalgebra = ::nalgebra::Dyn;
    #[inline]
    fn to_nalgebra(self) -> ::nalgebra::Dyn {
        ::nalgebra::Dyn(self.0)
    }
}

impl sealed::Sealed for UTerm {}
impl ToNalgebraDim for UTerm {
    type Nalgebra = ::nalgebra::Const<0>;
    #[inline]
    fn to_nalgebra(self) -> ::nalgebra::Const<0> {
        ::nalgebra::Const
    }
}

impl<U, B> sealed::Sealed for UInt<U, B> {}
impl<U: Unsigned + Send + Sync + core::fmt::Debug, B: Bit + Send + Sync + core::fmt::Debug>
    ToNalgebraDim for UInt<U, B>
where
    UInt<U, B>: ToConst,
{
    type Nalgebra = <UInt<U, B> as ToConst>::Const;
    #[inline]
    fn to_nalgebra(self) -> Self::Nalgebra {
        <Self::Nalgebra as DimName>::name()
    }
}

/// The strides nalgebra is given for a view of `rows × cols` with shapegrad strides `(rs, cs)`.
///
/// They are the same wherever they address an element. A stride along an axis of length one, or
/// along any axis of an empty view, addresses nothing, and [`MatRef`] accepts any value there;
/// nalgebra's bounds check multiplies every stride by its axis's length (`ncols · cs + nrows ·
/// rs`), so such a stride is replaced by a small one, which keeps that check from overflowing and
/// lets a dense column or row read as contiguous to nalgebra. Along an axis of length `n ≥ 2`,
/// `n · stride ≤ 2 · (n − 1) · stride`, which is less than twice the buffer's length, so nalgebra's
/// sums stay far below `usize::MAX`.
fn nalgebra_strides(rows: usize, cols: usize, rs: usize, cs: usize) -> (usize, usize) {
    if rows == 0 {
        // nalgebra's check, `len + cs + rs ≥ cols · cs + 0 · rs + 1`, holds with cs = 0, rs = 1.
        return (1, 0);
    }
    if cols == 0 {
        // `len + cs + rs ≥ 0 · cs + rows · rs + 1` holds with rs = 0, cs = 1.
        return (0, 1);
    }
    let rs = if rows == 1 { 1 } else { rs };
    let cs = if cols == 1 { rows * rs } else { cs };
    (rs, cs)
}

/// The index in `buffer` of the element `ptr` points at, or `None` when `ptr` is before the
/// buffer or between two elements. (It may be past the end; the caller's bounds check says so.)
fn offset_in<T>(buffer: &[T], ptr: *const T) -> Option<usize> {
    let bytes = ptr.addr().checked_sub(buffer.as_ptr().addr())?;
    let size = size_of::<T>();
    (bytes % size == 0).then_some(bytes / size)
}

/// Views of nalgebra matrices, and nalgebra views of shapegrad ones, without copying.
impl<'a, R: Dim, C: Dim, T: Scalar> MatRef<'a, R, C, T> {
    /// Views a contiguous nalgebra matrix (`SMatrix`, `DMatrix`, or a contiguous view of one)
    /// without copying. Available with the `nalgebra` feature.
    ///
    /// nalgebra is column-major, so the view has row stride 1 and column stride `nrows`; the
    /// dimensions keep their kind, `nalgebra::Const<N>` becoming [`Const<N>`](crate::Const) and
    /// `nalgebra::Dyn` becoming [`Dyn`]. A strided nalgebra view, such as a block of a larger
    /// matrix, is viewed through its buffer with
    /// [`try_from_nalgebra_in`](Self::try_from_nalgebra_in).
    ///
    /// ```
    /// use shapegrad::{Const, MatRef, Matrix};
    ///
    /// let n = nalgebra::SMatrix::<f64, 2, 3>::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    /// let v: MatRef<Const<2>, Const<3>, f64> = MatRef::from_nalgebra(&n);
    /// assert_eq!(v.get(1, 2), Some(6.0));
    /// assert_eq!((v.row_stride(), v.col_stride()), (1, 2));
    ///
    /// // It takes part in products like any view: here nᵀ · n, 3×3.
    /// let gram: Matrix<Const<3>, Const<3>, f64> = v.t().matmul(&v);
    /// assert_eq!(gram.get(2, 2), Some(3.0 * 3.0 + 6.0 * 6.0));
    /// ```
    pub fn from_nalgebra<NR, NC, S>(m: &'a ::nalgebra::Matrix<T, NR, NC, S>) -> Self
    where
        NR: FromNalgebraDim<Dim = R>,
        NC: FromNalgebraDim<Dim = C>,
        S: RawStorage<T, NR, NC> + IsContiguous,
    {
        let (nr, nc) = m.shape_generic();
        // A column-major `R × C` buffer is a row-major `C × R` one, transposed. `as_slice` of
        // contiguous storage holds exactly `nrows · ncols` elements.
        MatRef::row_major(m.as_slice(), nc.to_shapegrad(), nr.to_shapegrad()).t()
    }

    /// Views any nalgebra matrix or view of the elements of `buffer`, strided or not, without
    /// copying: `buffer` is the storage it views, such as the `as_slice()` of the matrix a block
    /// was taken from. Available with the `nalgebra` feature.
    ///
    /// The view borrows `buffer`, not `view`, and reads elements through it alone, so nothing
    /// here depends on how `view` was made; it only gives the shape, the strides and where the
    /// first element is. Dimensions keep their kind, as in [`from_nalgebra`](Self::from_nalgebra).
    ///
    /// # Errors
    /// [`ShapeError::Strides`] when the view does not lie inside `buffer`: `needed` is one past
    /// the offset in `buffer` of the view's last element, `len` is `buffer.len()`. When the
    /// view's first element is not an element of `buffer` at all (it comes before it, or the
    /// view is of another matrix), no length would do, and `needed` is `usize::MAX`. An empty
    /// view always succeeds.
    ///
    /// ```
    /// use shapegrad::{Dyn, MatRef};
    ///
    /// let n = nalgebra::DMatrix::<f32>::from_fn(5, 6, |i, j| (10 * i + j) as f32);
    /// let block = n.view((1, 2), (3, 4)); // rows 1..4, columns 2..6: strided
    /// let v: MatRef<Dyn, Dyn, f32> = MatRef::try_from_nalgebra_in(n.as_slice(), &block).unwrap();
    /// assert_eq!((v.rows(), v.cols()), (3, 4));
    /// assert_eq!(v.get(2, 3), Some(35.0));
    /// assert_eq!((v.row_stride(), v.col_stride()), (1, 5));
    ///
    /// // The buffer of another matrix does not hold it.
    /// let other = vec![0.0f32; 30];
    /// let err = MatRef::try_from_nalgebra_in(&other, &block).unwrap_err();
    /// assert!(err.to_string().starts_with("a 3×4 view with strides (1, 5) needs a buffer of"));
    /// ```
    pub fn try_from_nalgebra_in<NR, NC, S>(
        buffer: &'a [T],
        view: &::nalgebra::Matrix<T, NR, NC, S>,
    ) -> Result<Self, ShapeError>
    where
        NR: FromNalgebraDim<Dim = R>,
        NC: FromNalgebraDim<Dim = C>,
        S: RawStorage<T, NR, NC>,
    {
        let (nr, nc) = view.shape_generic();
        let (rows, cols) = (nr.to_shapegrad(), nc.to_shapegrad());
        let (rs, cs) = view.strides();
        if rows.size() == 0 || cols.size() == 0 {
            // Nothing to read, and nalgebra's pointer for an empty view may be anywhere.
            return MatRef::try_from_strided(rows, cols, rs, cs, &buffer[..0]);
        }
        let outside = |needed| ShapeError::Strides {
            shape: (rows.size(), cols.size()),
            strides: (rs, cs),
            needed,
            len: buffer.len(),
        };
        let Some(offset) = offset_in(buffer, view.as_ptr()) else {
            return Err(outside(usize::MAX));
        };
        let tail = buffer.get(offset..).unwrap_or(&[]);
        MatRef::try_from_strided(rows, cols, rs, cs, tail).map_err(|e| match e {
            // Counted from the start of `buffer` rather than from the view's first element.
            ShapeError::Strides { needed, .. } => outside(needed.saturating_add(offset)),
            other => other,
        })
    }

    /// This view as a nalgebra view of the same elements, without copying: a `MatrixView` with
    /// the same dimensions, `nalgebra::Const<N>` for a static one and `nalgebra::Dyn` for
    /// [`Dyn`], and dynamic strides. Available with the `nalgebra` feature.
    ///
    /// The dimensions must be [`Const<N>`](crate::Const), typenum's `U0`…`U127` or [`Dyn`];
    /// [`as_nalgebra_dyn`](Self::as_nalgebra_dyn) takes any. Along an axis of length one, where
    /// a stride addresses nothing, nalgebra is given a stride of its own choosing (see the source);
    /// every other stride is this view's.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    ///
    /// let a = Matrix::from_array([[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let n = a.view().as_nalgebra(); // a 2×3 MatrixView, strides (3, 1)
    /// assert_eq!(n[(1, 2)], 6.0);
    /// assert_eq!(n.as_ptr(), a.as_slice().as_ptr()); // the same buffer
    ///
    /// // The transpose is a view too: nalgebra reads it through the strides.
    /// let nt = a.t().as_nalgebra();
    /// assert_eq!(nt.shape(), (3, 2));
    /// assert_eq!(nt, n.transpose());
    /// let _: nalgebra::MatrixView<f64, nalgebra::Const<3>, nalgebra::Const<2>, nalgebra::Dyn, nalgebra::Dyn> = nt;
    /// ```
    pub fn as_nalgebra(
        &self,
    ) -> MatrixView<'a, T, R::Nalgebra, C::Nalgebra, ::nalgebra::Dyn, ::nalgebra::Dyn>
    where
        R: ToNalgebraDim,
        C: ToNalgebraDim,
    {
        let (rows, cols) = self.dims();
        let (rs, cs) = nalgebra_strides(
            rows.size(),
            cols.size(),
            self.row_stride(),
            self.col_stride(),
        );
        // MatRef's invariant, `(rows − 1) · rs + (cols − 1) · cs < data.len()` for a non-empty
        // view, is nalgebra's bounds check, so this does not panic (see `nalgebra_strides`).
        MatrixView::from_slice_with_strides_generic(
            self.data(),
            rows.to_nalgebra(),
            cols.to_nalgebra(),
            ::nalgebra::Dyn(rs),
            ::nalgebra::Dyn(cs),
        )
    }

    /// This view as a nalgebra `DMatrixView` of the same elements, without copying, whatever
    /// its dimension types: named dimensions from [`dim!`](crate::dim!) included. Available with
    /// the `nalgebra` feature.
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    ///
    /// dim!(Batch = 2, Features = 3);
    /// let x = Matrix::<Batch, Features, f32>::from_fn(|i, j| (3 * i + j) as f32);
    /// let n: nalgebra::DMatrixView<f32, nalgebra::Dyn, nalgebra::Dyn> = x.view().as_nalgebra_dyn();
    /// assert_eq!(n.shape(), (2, 3));
    /// assert_eq!(n[(1, 0)], 3.0);
    /// assert_eq!(n.row_sum()[2], 2.0 + 5.0);
    /// ```
    pub fn as_nalgebra_dyn(&self) -> DMatrixView<'a, T, ::nalgebra::Dyn, ::nalgebra::Dyn> {
        let (rows, cols) = (self.rows(), self.cols());
        let (rs, cs) = nalgebra_strides(rows, cols, self.row_stride(), self.col_stride());
        // As in `as_nalgebra`: MatRef's invariant is nalgebra's bounds check.
        MatrixView::from_slice_with_strides_generic(
            self.data(),
            ::nalgebra::Dyn(rows),
            ::nalgebra::Dyn(cols),
            ::nalgebra::Dyn(rs),
            ::nalgebra::Dyn(cs),
        )
    }
}

/// A contiguous nalgebra matrix (`SMatrix`, `DMatrix`, …) copied into a row-major [`Matrix`];
/// `nalgebra::Const<N>` becomes [`Const<N>`](crate::Const), `nalgebra::Dyn` becomes [`Dyn`].
/// Available with the `nalgebra` feature.
///
/// The layouts differ, so this is a copy that reorders the elements; to use a nalgebra matrix
/// without copying, view it with [`MatRef::from_nalgebra`]. A strided view is copied with
/// `MatRef::try_from_nalgebra_in(..)?.to_matrix()`, or made contiguous first with nalgebra's
/// `into_owned()`.
///
/// ```
/// use shapegrad::{Const, Dyn, Matrix};
///
/// let s = nalgebra::SMatrix::<f32, 2, 3>::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
/// let m: Matrix<Const<2>, Const<3>> = Matrix::from(s);
/// assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
///
/// let d = nalgebra::DMatrix::<f64>::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
/// let m: Matrix<Dyn, Dyn, f64> = d.into();
/// assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
/// ```
impl<T, NR, NC, S> From<::nalgebra::Matrix<T, NR, NC, S>> for Matrix<NR::Dim, NC::Dim, T>
where
    T: Scalar,
    NR: FromNalgebraDim,
    NC: FromNalgebraDim,
    S: RawStorage<T, NR, NC> + IsContiguous,
{
    fn from(m: ::nalgebra::Matrix<T, NR, NC, S>) -> Self {
        Matrix::from(&m)
    }
}

/// A contiguous nalgebra matrix, borrowed, copied into a row-major [`Matrix`]: as the
/// conversion by value, leaving the nalgebra matrix where it is. Available with the `nalgebra`
/// feature.
///
/// ```
/// use shapegrad::{Const, Matrix};
///
/// let s = nalgebra::Matrix2::new(1.0f64, 2.0, 3.0, 4.0);
/// let m = Matrix::from(&s);
/// let _: &Matrix<Const<2>, Const<2>, f64> = &m;
/// assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(s[(0, 1)], 2.0); // still here
/// ```
impl<T, NR, NC, S> From<&::nalgebra::Matrix<T, NR, NC, S>> for Matrix<NR::Dim, NC::Dim, T>
where
    T: Scalar,
    NR: FromNalgebraDim,
    NC: FromNalgebraDim,
    S: RawStorage<T, NR, NC> + IsContiguous,
{
    fn from(m: &::nalgebra::Matrix<T, NR, NC, S>) -> Self {
        // The elements exist already, in one allocation, so the copy's size is allocatable.
        MatRef::from_nalgebra(m).to_matrix()
    }
}

/// A statically sized [`Matrix`] copied into nalgebra's `SMatrix` of the same shape (column-major).
/// Available with the `nalgebra` feature.
///
/// ```
/// use shapegrad::Matrix;
///
/// let m = Matrix::from_array([[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// let s: nalgebra::SMatrix<f32, 3, 2> = m.clone().into();
/// assert_eq!(s, nalgebra::SMatrix::<f32, 3, 2>::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0));
/// assert_eq!(Matrix::from(s), m); // and back
/// ```
impl<T: Scalar, const R: usize, const C: usize> From<Matrix<Const<R>, Const<C>, T>>
    for SMatrix<T, R, C>
{
    fn from(m: Matrix<Const<R>, Const<C>, T>) -> Self {
        let data = m.as_slice();
        SMatrix::from_fn(|i, j| data[i * C + j])
    }
}

/// A [`Matrix`] of any dimensions copied into nalgebra's `DMatrix` (column-major). Available
/// with the `nalgebra` feature.
///
/// ```
/// use shapegrad::{Const, Dyn, Matrix};
///
/// let m = Matrix::<Dyn, Const<2>, f64>::from_rows(vec![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// let d = nalgebra::DMatrix::from(m);
/// assert_eq!(d, nalgebra::DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]));
/// let back: Matrix<Dyn, Dyn, f64> = d.into();
/// assert_eq!((back.rows(), back.cols()), (3, 2));
/// ```
impl<T: Scalar, R: Dim, C: Dim> From<Matrix<R, C, T>> for DMatrix<T> {
    fn from(m: Matrix<R, C, T>) -> Self {
        let (rows, cols) = (m.rows(), m.cols());
        let data = m.as_slice();
        DMatrix::from_fn(rows, cols, |i, j| data[i * cols + j])
    }
}
