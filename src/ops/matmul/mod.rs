//! Products: `matmul`, `try_matmul` and `*` on matrices and views.
//!
//! Each method checks what the types could not (sizes of [`Dyn`](crate::Dyn) dimensions),
//! allocates the output and makes one call to the kernel. Inner dimensions are tied by [`Agree`],
//! so `Matrix<I, K>` times `Matrix<K2, J>` compiles only when `K` and `K2` agree.

use core::ops::Mul;

mod backward;

pub use backward::{Grads, MatMul};
pub(crate) use backward::{da_into, dx_into};

use crate::error::OrPanic;
use crate::{Agree, Dim, InnerDims, IntoView, MatRef, Matrix, RhsFor, Scalar, ShapeError, kernel};

impl<'a, I: Dim, K: Dim, T: Scalar> MatRef<'a, I, K, T> {
    /// The product `self · rhs`, or a [`ShapeError::Inner`] when a [`Dyn`](crate::Dyn) inner
    /// dimension disagrees at run time. Fully static products of matrices that fit in memory
    /// always succeed.
    ///
    /// # Errors
    /// [`ShapeError::Inner`] when a [`Dyn`](crate::Dyn) inner dimension disagrees, and
    /// [`ShapeError::TooLarge`] when the product is too large to allocate (possible only when the
    /// inner dimension is much smaller than the outer ones, such as `0`).
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let x = Matrix::<Const<2>, Dyn>::zeros_with(Const, Dyn(3));
    /// let a = Matrix::<Const<4>, Const<5>>::zeros();
    /// let err = x.try_matmul(&a).unwrap_err();
    /// assert!(err.to_string().starts_with("inner dimensions differ: the left operand is 2×3"));
    /// ```
    pub fn try_matmul<P: Dim, J: Dim, B>(&self, rhs: B) -> Result<Matrix<P, J, T>, ShapeError>
    where
        B: RhsFor<'a, I, K, T, OutRows = P, OutCols = J>,
    {
        product(self.with_rows(B::out_rows(self.dims().0)), rhs.into_rhs())
    }

    /// Writes `self · rhs` into `out`, replacing or adding to what it holds, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Inner`] when a [`Dyn`](crate::Dyn) inner dimension disagrees, and
    /// [`ShapeError::Mismatch`] when `out`'s [`Dyn`](crate::Dyn) size is not the product's. `out`
    /// is untouched on error.
    pub fn try_matmul_into<J: Dim, B>(
        &self,
        rhs: B,
        out: &mut Matrix<I, J, T>,
        write: Write,
    ) -> Result<(), ShapeError>
    where
        B: RhsFor<'a, I, K, T, OutCols = J>,
    {
        let rhs = rhs.into_rhs();
        check_inner(self, &rhs)?;
        let want = (self.rows(), rhs.cols());
        if (out.rows(), out.cols()) != want {
            return Err(ShapeError::Mismatch {
                op: "matmul_into: the destination must have the product's shape",
                expected: want,
                given: (out.rows(), out.cols()),
            });
        }
        let accumulate = write == Write::Accumulate;
        kernel::gemm(
            out.as_mut_slice(),
            self.erase(),
            rhs.erase(),
            T::ONE,
            accumulate,
        );
        Ok(())
    }

    /// Writes `self · rhs` into `out` without allocating: `out = self · rhs` with
    /// [`Write::Overwrite`], `out += self · rhs` with [`Write::Accumulate`].
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size disagrees; see [`try_matmul_into`](Self::try_matmul_into).
    #[track_caller]
    pub fn matmul_into<J: Dim, B>(&self, rhs: B, out: &mut Matrix<I, J, T>, write: Write)
    where
        B: RhsFor<'a, I, K, T, OutCols = J>,
    {
        self.try_matmul_into(rhs, out, write).or_panic();
    }

    /// The product `self · rhs`: `I × K` times `K × J` is `I × J` (`P` is `I`; see
    /// [`Matrix::matmul`] for why it has a name of its own).
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) inner dimension disagrees at run time, or the product is too
    /// large to allocate, with the message of [`try_matmul`](Self::try_matmul). Static inner
    /// dimensions are checked at compile time instead.
    #[track_caller]
    pub fn matmul<P: Dim, J: Dim, B: RhsFor<'a, I, K, T, OutRows = P, OutCols = J>>(
        &self,
        rhs: B,
    ) -> Matrix<P, J, T> {
        self.try_matmul(rhs).or_panic()
    }
}

impl<I: Dim, K: Dim, T: Scalar> Matrix<I, K, T> {
    /// The product `self · rhs`, or a [`ShapeError::Inner`] when a [`Dyn`](crate::Dyn) inner
    /// dimension disagrees at run time.
    ///
    /// # Errors
    /// As [`MatRef::try_matmul`]: [`ShapeError::Inner`] for inner dimensions that disagree,
    /// [`ShapeError::TooLarge`] for a product too large to allocate.
    pub fn try_matmul<'a, P: Dim, J: Dim, B>(
        &'a self,
        rhs: B,
    ) -> Result<Matrix<P, J, T>, ShapeError>
    where
        B: RhsFor<'a, I, K, T, OutRows = P, OutCols = J>,
    {
        self.view().try_matmul(rhs)
    }

    /// The product `self · rhs`: `I × K` times `K × J` is `I × J`. The right operand may be a
    /// matrix (`&a`) or a view (`a.t()`); a transposed view reaches the kernel as strides.
    ///
    /// In the signature the product is `Matrix<P, J>`: `P` is always `I`, and `J` the operand's
    /// columns. Both come from [`RhsFor`], so that when the inner dimensions differ the compiler
    /// leaves them unknown and reports that one mistake, not also a result type that does not fit.
    ///
    /// This is the matrix product, as is `*`; the element-wise (Hadamard) product is
    /// [`hadamard`](Self::hadamard).
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(Batch = 8, In = 4, Out = 2);
    ///
    /// let x = Matrix::<Batch, In>::rand(1);
    /// let w = Matrix::<In, Out>::rand(2);
    /// let y: Matrix<Batch, Out> = x.matmul(&w);
    /// let dy = Matrix::<Batch, Out>::ones();
    /// let dx: Matrix<Batch, In> = dy.matmul(w.t());
    /// # let _ = (y, dx);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) inner dimension disagrees at run time, or the product is too
    /// large to allocate; see [`try_matmul`](Self::try_matmul).
    #[track_caller]
    pub fn matmul<'a, P: Dim, J: Dim, B: RhsFor<'a, I, K, T, OutRows = P, OutCols = J>>(
        &'a self,
        rhs: B,
    ) -> Matrix<P, J, T> {
        self.view().matmul(rhs)
    }
}

impl<I: Dim, K: Dim, T: Scalar> Matrix<I, K, T> {
    /// Writes `self · rhs` into `out` without allocating; see [`MatRef::try_matmul_into`].
    ///
    /// # Errors
    /// [`ShapeError`] when a [`Dyn`](crate::Dyn) size disagrees; `out` is then untouched.
    pub fn try_matmul_into<'a, J: Dim, B>(
        &'a self,
        rhs: B,
        out: &mut Matrix<I, J, T>,
        write: Write,
    ) -> Result<(), ShapeError>
    where
        B: RhsFor<'a, I, K, T, OutCols = J>,
    {
        self.view().try_matmul_into(rhs, out, write)
    }

    /// Writes `self · rhs` into `out` without allocating: `out = self · rhs` with
    /// [`Write::Overwrite`], `out += self · rhs` with [`Write::Accumulate`].
    ///
    /// ```
    /// use shapegrad::{Const, Matrix, Write};
    /// let x = Matrix::<Const<2>, Const<3>>::ones();
    /// let a = Matrix::<Const<3>, Const<4>>::ones();
    /// let mut y = Matrix::<Const<2>, Const<4>>::zeros();
    /// x.matmul_into(&a, &mut y, Write::Overwrite);
    /// x.matmul_into(&a, &mut y, Write::Accumulate);
    /// assert_eq!(y.get(1, 3), Some(6.0));
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size disagrees.
    #[track_caller]
    pub fn matmul_into<'a, J: Dim, B>(&'a self, rhs: B, out: &mut Matrix<I, J, T>, write: Write)
    where
        B: RhsFor<'a, I, K, T, OutCols = J>,
    {
        self.view().matmul_into(rhs, out, write);
    }
}

/// Whether an in-place product replaces the destination or adds to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Write {
    /// `out = product`.
    Overwrite,
    /// `out += product`: gradient accumulation across micro-batches or shared weights.
    Accumulate,
}

/// `lhs · rhs` into a new matrix, after the run-time check of the inner sizes.
fn product<I: Dim, K: Dim, K2: Dim, J: Dim, T: Scalar>(
    lhs: MatRef<'_, I, K, T>,
    rhs: MatRef<'_, K2, J, T>,
) -> Result<Matrix<I, J, T>, ShapeError> {
    check_inner(&lhs, &rhs)?;
    let mut out = Matrix::try_filled_with(lhs.dims().0, rhs.dims().1, T::ZERO)?;
    kernel::gemm(out.as_mut_slice(), lhs.erase(), rhs.erase(), T::ONE, false);
    Ok(out)
}

pub(crate) fn check_inner<I: Dim, K: Dim, K2: Dim, J: Dim, T: Scalar>(
    lhs: &MatRef<'_, I, K, T>,
    rhs: &MatRef<'_, K2, J, T>,
) -> Result<(), ShapeError> {
    if lhs.cols() == rhs.rows() {
        Ok(())
    } else {
        Err(ShapeError::Inner {
            lhs: (lhs.rows(), lhs.cols()),
            rhs: (rhs.rows(), rhs.cols()),
        })
    }
}

/// `lhs * rhs` for every pairing of `&Matrix` and `MatRef`: the same product as `matmul`, and it
/// panics as `matmul` does, at the caller's line.
macro_rules! mul_impls {
    ($(($lhs:ty, $rhs:ty)),+ $(,)?) => {$(
        impl<'l, 'r, I: Dim, K: Dim, K2: Dim, J: Dim, T: Scalar> Mul<$rhs> for $lhs
        where
            InnerDims: Agree<K, K2>,
        {
            type Output = Matrix<
                <InnerDims as Agree<K, K2>>::Checked<I>,
                <InnerDims as Agree<K, K2>>::Checked<J>,
                T,
            >;

            #[track_caller]
            fn mul(self, rhs: $rhs) -> Self::Output {
                let lhs = self.into_view();
                let rows = <InnerDims as Agree<K, K2>>::checked(lhs.dims().0);
                let rhs = rhs.into_view();
                let cols = <InnerDims as Agree<K, K2>>::checked(rhs.dims().1);
                product(lhs.with_rows(rows), rhs.with_cols(cols)).or_panic()
            }
        }
    )+};
}

mul_impls!(
    (&'l Matrix<I, K, T>, &'r Matrix<K2, J, T>),
    (&'l Matrix<I, K, T>, MatRef<'r, K2, J, T>),
    (MatRef<'l, I, K, T>, &'r Matrix<K2, J, T>),
    (MatRef<'l, I, K, T>, MatRef<'r, K2, J, T>),
);
