//! Element-wise arithmetic: `+`, `-`, `+=`, `-=`, a scalar factor, negation, `map`, and the
//! broadcast of a row over every row (a bias).
//!
//! Operands of one type have one shape, except where a dimension is [`Dyn`](crate::Dyn): there the
//! sizes are compared at run time, and the operators panic at the caller's line with the
//! [`ShapeError`]'s message.

use core::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

use crate::error::OrPanic;
use crate::{Const, Dim, Matrix, Scalar, ShapeError};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Applies `f` to every element.
    pub fn map(&self, f: impl FnMut(T) -> T) -> Self {
        let data = self.as_slice().iter().copied().map(f).collect();
        Self::from_vec_unchecked(self.dims().0, self.dims().1, data)
    }

    /// Adds `row` to every row: `self[i, j] += row[0, j]`, the broadcast that adds a bias.
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
    fn try_zip_with(
        &self,
        other: &Self,
        op: &'static str,
        f: impl Fn(T, T) -> T,
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
        self.try_zip_with(rhs, "add: both operands must have one shape", |a, b| a + b)
            .or_panic()
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
        self.try_zip_with(rhs, "sub: both operands must have one shape", |a, b| a - b)
            .or_panic()
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

/// Every element negated.
impl<R: Dim, C: Dim, T: Scalar> Neg for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn neg(self) -> Matrix<R, C, T> {
        self.map(|v| -v)
    }
}
