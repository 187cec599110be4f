//! Element-wise arithmetic: `+`, `-`, `+=`, `-=`, a scalar factor (`* k`, `*= k`), a scalar
//! shift (`+= k`), negation, `map`, `zip_map`, `axpy`, and the broadcast of a row over every row
//! in place (a bias).
//!
//! Operands of one type have one shape, except where a dimension is [`Dyn`](crate::Dyn): there the
//! sizes are compared at run time, and the operators panic at the caller's line with the
//! [`ShapeError`]'s message.

use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::error::OrPanic;
use crate::{Const, Dim, Matrix, Scalar, ShapeError};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Applies `f` to every element.
    pub fn map(&self, f: impl FnMut(T) -> T) -> Self {
        let data = self.as_slice().iter().copied().map(f).collect();
        Self::from_vec_unchecked(self.dims().0, self.dims().1, data)
    }

    /// Replaces every element `v` by `f(v)`, without allocating.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let mut m = Matrix::<Const<1>, Const<3>>::from_rows([[-1.0, 0.5, 2.0]]);
    /// m.map_in_place(|v| v.clamp(0.0, 1.0));
    /// assert_eq!(m.as_slice(), &[0.0, 0.5, 1.0]);
    /// ```
    pub fn map_in_place(&mut self, mut f: impl FnMut(T) -> T) {
        self.as_mut_slice().iter_mut().for_each(|v| *v = f(*v));
    }

    /// `f(self[i, j], other[i, j])` for every element, into a new matrix: the element-wise
    /// function of two matrices of one type that no named op covers.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// type M = Matrix<Const<1>, Const<3>>;
    /// let (a, b) = (M::from_rows([[1.0, 5.0, 3.0]]), M::from_rows([[4.0, 2.0, 3.0]]));
    /// assert_eq!(a.zip_map(&b, f32::max).as_slice(), &[4.0, 5.0, 3.0]);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `other` differs, at the caller's line; see
    /// [`try_zip_map`](Self::try_zip_map).
    #[track_caller]
    pub fn zip_map(&self, other: &Self, f: impl FnMut(T, T) -> T) -> Self {
        self.try_zip_map(other, f).or_panic()
    }

    /// Like [`zip_map`](Self::zip_map), but a [`Dyn`](crate::Dyn) size that disagrees is a
    /// [`ShapeError::Mismatch`].
    pub fn try_zip_map(&self, other: &Self, f: impl FnMut(T, T) -> T) -> Result<Self, ShapeError> {
        self.try_zip_with(other, "zip_map: both operands must have one shape", f)
    }

    /// `self += alpha · x`, element by element, in one pass and without allocating: the update
    /// step `w -= lr · dw` is `w.axpy(-lr, &dw)`.
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(In = 2, Out = 2);
    ///
    /// let mut w = Matrix::<In, Out>::ones();
    /// let dw = Matrix::<In, Out>::from_rows([[1.0, 2.0], [3.0, 4.0]]);
    /// w.axpy(-0.5, &dw);
    /// assert_eq!(w.as_slice(), &[0.5, 0.0, -0.5, -1.0]);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `x` differs, at the caller's line; `self` is then
    /// untouched. See [`try_axpy`](Self::try_axpy).
    #[track_caller]
    pub fn axpy(&mut self, alpha: T, x: &Self) {
        self.try_axpy(alpha, x).or_panic();
    }

    /// Like [`axpy`](Self::axpy), but a [`Dyn`](crate::Dyn) size that disagrees is a
    /// [`ShapeError::Mismatch`], and `self` is left untouched.
    pub fn try_axpy(&mut self, alpha: T, x: &Self) -> Result<(), ShapeError> {
        self.try_zip_assign(x, "axpy: x must have the matrix's shape", |y, x| {
            *y += alpha * x;
        })
    }

    /// Adds `row` to every row: `self[i, j] += row[0, j]`, the broadcast that adds a bias, in
    /// place. [`broadcast_row`](Self::broadcast_row) with [`Binary::Add`](crate::Binary::Add) is
    /// the same into a new matrix, and [`Binary::backward_row`](crate::Binary::backward_row) its
    /// backward.
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 2, In = 3, Out = 2);
    ///
    /// let (x, w) = (Matrix::<Batch, In>::ones(), Matrix::<In, Out>::ones());
    /// let b = Matrix::<Const<1>, Out>::from_rows([[0.5, -0.5]]);
    /// let mut y = x.matmul(&w);
    /// y.add_row_to_each(&b);
    /// assert_eq!(y.as_slice(), &[3.5, 2.5, 3.5, 2.5]);
    /// ```
    ///
    /// # Panics
    /// When `C` is [`Dyn`](crate::Dyn) and `row` has another number of columns; see
    /// [`try_add_row_to_each`](Self::try_add_row_to_each).
    #[track_caller]
    pub fn add_row_to_each(&mut self, row: &Matrix<Const<1>, C, T>) {
        self.try_add_row_to_each(row).or_panic();
    }

    /// Like [`add_row_to_each`](Self::add_row_to_each), but a [`Dyn`](crate::Dyn) column count
    /// that disagrees is a [`ShapeError::Mismatch`], and `self` is left untouched.
    pub fn try_add_row_to_each(&mut self, row: &Matrix<Const<1>, C, T>) -> Result<(), ShapeError> {
        let c = self.cols();
        if row.cols() != c {
            return Err(ShapeError::Mismatch {
                op: "add_row_to_each: the row must have the matrix's columns",
                expected: (1, c),
                given: (1, row.cols()),
            });
        }
        if c > 0 {
            for dst in self.as_mut_slice().chunks_exact_mut(c) {
                dst.iter_mut()
                    .zip(row.as_slice())
                    .for_each(|(d, &b)| *d += b);
            }
        }
        Ok(())
    }

    /// `Ok` when `other` has this matrix's shape (always, unless a dimension is `Dyn`).
    fn check_same_shape(&self, other: &Self, op: &'static str) -> Result<(), ShapeError> {
        let (expected, given) = ((self.rows(), self.cols()), (other.rows(), other.cols()));
        if expected == given {
            Ok(())
        } else {
            Err(ShapeError::Mismatch {
                op,
                expected,
                given,
            })
        }
    }

    /// `f` of each pair of elements, into a new matrix of this shape.
    pub(super) fn try_zip_with(
        &self,
        other: &Self,
        op: &'static str,
        mut f: impl FnMut(T, T) -> T,
    ) -> Result<Self, ShapeError> {
        self.check_same_shape(other, op)?;
        let data = self
            .as_slice()
            .iter()
            .zip(other.as_slice())
            .map(|(&a, &b)| f(a, b))
            .collect();
        Ok(Self::from_vec_unchecked(self.dims().0, self.dims().1, data))
    }

    /// `f` applied to each element of `self` and the matching element of `other`, in place.
    fn try_zip_assign(
        &mut self,
        other: &Self,
        op: &'static str,
        f: impl Fn(&mut T, T),
    ) -> Result<(), ShapeError> {
        self.check_same_shape(other, op)?;
        self.as_mut_slice()
            .iter_mut()
            .zip(other.as_slice())
            .for_each(|(a, &b)| f(a, b));
        Ok(())
    }
}

/// Element-wise sum of two matrices of one type.
///
/// # Panics
/// When a [`Dyn`](crate::Dyn) size disagrees, at the caller's line.
impl<R: Dim, C: Dim, T: Scalar> Add for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    #[track_caller]
    fn add(self, rhs: Self) -> Matrix<R, C, T> {
        self.try_add(rhs).or_panic()
    }
}

/// Element-wise difference of two matrices of one type.
///
/// # Panics
/// When a [`Dyn`](crate::Dyn) size disagrees, at the caller's line.
impl<R: Dim, C: Dim, T: Scalar> Sub for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    #[track_caller]
    fn sub(self, rhs: Self) -> Matrix<R, C, T> {
        self.try_sub(rhs).or_panic()
    }
}

/// `a += &b`, element-wise.
///
/// # Panics
/// When a [`Dyn`](crate::Dyn) size disagrees, at the caller's line; `a` is then untouched.
impl<R: Dim, C: Dim, T: Scalar> AddAssign<&Matrix<R, C, T>> for Matrix<R, C, T> {
    #[track_caller]
    fn add_assign(&mut self, rhs: &Matrix<R, C, T>) {
        self.try_zip_assign(
            rhs,
            "add_assign: both operands must have one shape",
            |a, b| {
                *a += b;
            },
        )
        .or_panic();
    }
}

/// `a -= &b`, element-wise.
///
/// # Panics
/// When a [`Dyn`](crate::Dyn) size disagrees, at the caller's line; `a` is then untouched.
impl<R: Dim, C: Dim, T: Scalar> SubAssign<&Matrix<R, C, T>> for Matrix<R, C, T> {
    #[track_caller]
    fn sub_assign(&mut self, rhs: &Matrix<R, C, T>) {
        self.try_zip_assign(
            rhs,
            "sub_assign: both operands must have one shape",
            |a, b| {
                *a -= b;
            },
        )
        .or_panic();
    }
}

/// Every element times a scalar.
impl<R: Dim, C: Dim, T: Scalar> Mul<T> for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn mul(self, k: T) -> Matrix<R, C, T> {
        self.map(|v| v * k)
    }
}

/// `a *= k`: every element times a scalar, in place.
///
/// ```
/// use shapegrad::{Const, Matrix};
/// let mut m = Matrix::<Const<1>, Const<2>>::from_rows([[1.0, -2.0]]);
/// m *= 3.0;
/// m += 1.0;
/// assert_eq!(m.as_slice(), &[4.0, -5.0]);
/// ```
impl<R: Dim, C: Dim, T: Scalar> MulAssign<T> for Matrix<R, C, T> {
    fn mul_assign(&mut self, k: T) {
        self.map_in_place(|v| v * k);
    }
}

/// `a += k`: a scalar added to every element, in place.
// Beside this impl, `a += &b` of another shape is no longer a mismatched-types error naming the
// expected type. `do_not_recommend` keeps this impl out of that error's help, which then says
// that `Matrix<R, C, T>` is added to with `&Matrix<R, C, T>` (see ops/add_assign_shapes in
// ui-tests/fail).
#[diagnostic::do_not_recommend]
impl<R: Dim, C: Dim, T: Scalar> AddAssign<T> for Matrix<R, C, T> {
    fn add_assign(&mut self, k: T) {
        self.map_in_place(|v| v + k);
    }
}

/// Every element negated.
impl<R: Dim, C: Dim, T: Scalar> Neg for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn neg(self) -> Matrix<R, C, T> {
        self.map(|v| -v)
    }
}
