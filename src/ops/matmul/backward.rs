//! The typed backward pass of a product.
//!
//! For `Y = X · A` with `X: I × K`, `A: K × J` and a loss `l`, the seed article derives
//!
//! ```text
//! dl/dX = dl/dY · Aᵀ    (I × J)(J × K) = I × K
//! dl/dA = Xᵀ · dl/dY    (K × I)(I × J) = K × J
//! ```
//!
//! [`MatMul`] computes `Y` and keeps views of `X` and `A`; its backward methods are written with
//! the same typed `matmul` and `.t()` that users call, so a dropped transpose in this file is a
//! compile error, exactly as it would be in user code.

use super::check_inner;
use crate::error::OrPanic;
use crate::{Dim, IntoView, MatRef, Matrix, RhsFor, Scalar, ShapeError, Write};

/// The gradients of both operands of a product: `dx` has the shape of `X`, `da` the shape of `A`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grads<I: Dim, K: Dim, J: Dim, T: Scalar = f32> {
    /// `dl/dX = dY · Aᵀ`, `I × K`.
    pub dx: Matrix<I, K, T>,
    /// `dl/dA = Xᵀ · dY`, `K × J`.
    pub da: Matrix<K, J, T>,
}

/// A forward product `Y = X · A` that remembers its operands, so it can be asked for its backward.
///
/// ```
/// use shapegrad::{dim, Grads, MatMul, Matrix};
/// dim!(I = 2, K = 3, J = 4);
///
/// let x = Matrix::<I, K>::rand(1);
/// let a = Matrix::<K, J>::rand(2);
/// let mm = MatMul::forward(&x, &a);
/// let y: &Matrix<I, J> = mm.output();
///
/// // l = sum(Y), so dl/dY is all ones.
/// let dy = Matrix::<I, J>::ones();
/// let Grads { dx, da } = mm.backward(&dy);
/// let (dx, da): (Matrix<I, K>, Matrix<K, J>) = (dx, da);
/// // Row sums of A are the gradient of every row of X.
/// let row0: f32 = (0..4).map(|j| a[(0, j)]).sum();
/// assert!((dx[(1, 0)] - row0).abs() < 1e-6);
/// # let _ = (y, da);
/// ```
///
/// A two-layer network, forward and backward by hand; each gradient has its parameter's type:
///
/// ```
/// use shapegrad::{Const, MatMul, Matrix, dim};
///
/// dim!(Batch = 32, In = 784, Hidden = 128, Out = 10);
///
/// let x = Matrix::<Batch, In>::rand(0);
/// let (w1, b1) = (Matrix::<In, Hidden>::rand(1), Matrix::<Const<1>, Hidden>::zeros());
/// let (w2, b2) = (Matrix::<Hidden, Out>::rand(2), Matrix::<Const<1>, Out>::zeros());
///
/// // Forward: H = relu(X·W1 + b1), Y = H·W2 + b2.
/// let mut z = x.matmul(&w1);
/// z.add_row_to_each(&b1);
/// let h = z.map(|v| v.max(0.0));
/// let layer2 = MatMul::forward(&h, &w2); // keeps H and W2 for its backward
/// let mut y = layer2.output().clone();
/// y.add_row_to_each(&b2);
///
/// // Backward, for the loss l = sum(Y).
/// let dy = Matrix::<Batch, Out>::ones();
/// let db2: Matrix<Const<1>, Out> = dy.col_sums();
/// let g2 = layer2.backward(&dy); // g2.dx = dY·W2ᵀ, g2.da = Hᵀ·dY
/// let dw2: Matrix<Hidden, Out> = g2.da;
/// let dz = Matrix::<Batch, Hidden>::from_fn(|i, j| {
///     if z[(i, j)] > 0.0 { g2.dx[(i, j)] } else { 0.0 } // relu's gradient
/// });
/// let dw1: Matrix<In, Hidden> = x.t().matmul(&dz); // Xᵀ·dZ, the transpose a view
/// let db1: Matrix<Const<1>, Hidden> = dz.col_sums();
/// assert_eq!(db2.as_slice(), &[32.0; 10]);
/// # let _ = (dw1, dw2, db1);
/// ```
#[derive(Clone, Debug)]
pub struct MatMul<'a, I: Dim, K: Dim, J: Dim, T: Scalar = f32> {
    x: MatRef<'a, I, K, T>,
    a: MatRef<'a, K, J, T>,
    y: Matrix<I, J, T>,
}

impl<'a, I: Dim, K: Dim, J: Dim, T: Scalar> MatMul<'a, I, K, J, T> {
    /// Computes `Y = X · A` and keeps views of `x` and `a` for the backward pass.
    ///
    /// When `A`'s row dimension is [`Dyn`](crate::Dyn) and `X`'s column dimension static (or the
    /// other way round), the sizes are compared at run time, and the gradient of `A` takes `X`'s
    /// column dimension type.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) inner dimension disagrees, or `Y` is too large to allocate; see
    /// [`try_forward`](Self::try_forward).
    #[track_caller]
    pub fn forward<X, A>(x: X, a: A) -> Self
    where
        X: IntoView<'a, T, Rows = I, Cols = K>,
        A: RhsFor<'a, I, K, T, OutCols = J>,
    {
        Self::try_forward(x, a).or_panic()
    }

    /// Like [`forward`](Self::forward), but a run-time disagreement of [`Dyn`](crate::Dyn) inner
    /// dimensions is a [`ShapeError::Inner`] instead of a panic, and a `Y` too large to allocate a
    /// [`ShapeError::TooLarge`].
    pub fn try_forward<X, A>(x: X, a: A) -> Result<Self, ShapeError>
    where
        X: IntoView<'a, T, Rows = I, Cols = K>,
        A: RhsFor<'a, I, K, T, OutCols = J>,
    {
        let x = x.into_view();
        let a = a.into_rhs();
        check_inner(&x, &a)?;
        let a = a.try_with_rows::<K>()?;
        let y = x.try_matmul(a)?;
        Ok(MatMul { x, a, y })
    }

    /// Like [`forward`](Self::forward), but writes `Y` into `y`, a buffer from an earlier step
    /// (see [`into_output`](Self::into_output)), so a training loop allocates nothing.
    ///
    /// ```
    /// use shapegrad::{dim, Grads, MatMul, Matrix, Write};
    /// dim!(B = 8, In = 4, Out = 2);
    ///
    /// let (x, mut w) = (Matrix::<B, In>::rand(1), Matrix::<In, Out>::rand(2));
    /// let mut y = Matrix::<B, Out>::zeros();
    /// let mut grads = Grads { dx: Matrix::zeros(), da: Matrix::zeros() };
    /// for _step in 0..3 {
    ///     let mm = MatMul::forward_into(&x, &w, y);
    ///     let dy = mm.output().clone(); // l = ½‖Y‖², so dl/dY = Y
    ///     mm.backward_into(&dy, &mut grads, Write::Overwrite);
    ///     y = mm.into_output();
    ///     w -= &(&grads.da * 0.01);
    /// }
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size disagrees, in the product or in `y`.
    #[track_caller]
    pub fn forward_into<X, A>(x: X, a: A, mut y: Matrix<I, J, T>) -> Self
    where
        X: IntoView<'a, T, Rows = I, Cols = K>,
        A: RhsFor<'a, I, K, T, OutCols = J>,
    {
        let x = x.into_view();
        let a = a.into_rhs();
        let a = check_inner(&x, &a)
            .and_then(|()| a.try_with_rows::<K>())
            .or_panic();
        x.matmul_into(a, &mut y, Write::Overwrite);
        MatMul { x, a, y }
    }

    /// `Y = X · A`.
    pub fn output(&self) -> &Matrix<I, J, T> {
        &self.y
    }

    /// `Y = X · A`, by value.
    pub fn into_output(self) -> Matrix<I, J, T> {
        self.y
    }

    /// Both gradients from `dy = dl/dY`: `dx = dY · Aᵀ` and `da = Xᵀ · dY`.
    ///
    /// # Panics
    /// When `dy` is not `I × J` at run time (possible only with [`Dyn`](crate::Dyn) dimensions).
    #[track_caller]
    pub fn backward(&self, dy: &Matrix<I, J, T>) -> Grads<I, K, J, T> {
        Grads {
            dx: self.backward_x(dy),
            da: self.backward_a(dy),
        }
    }

    /// Only `dl/dX = dY · Aᵀ`: for when `A` is constant, or frozen weights.
    ///
    /// # Panics
    /// When `dy` is not `I × J` at run time (possible only with [`Dyn`](crate::Dyn) dimensions).
    #[track_caller]
    pub fn backward_x(&self, dy: &Matrix<I, J, T>) -> Matrix<I, K, T> {
        self.check_dy(dy);
        dy.matmul(self.a.t())
    }

    /// Only `dl/dA = Xᵀ · dY`: for when `X` is data, the usual case for a first layer.
    ///
    /// # Panics
    /// When `dy` is not `I × J` at run time (possible only with [`Dyn`](crate::Dyn) dimensions).
    #[track_caller]
    pub fn backward_a(&self, dy: &Matrix<I, J, T>) -> Matrix<K, J, T> {
        self.check_dy(dy);
        self.x.t().matmul(dy)
    }

    /// Both gradients into existing buffers, replacing or adding to them; allocates nothing.
    ///
    /// # Panics
    /// When `dy` or a buffer has the wrong [`Dyn`](crate::Dyn) size.
    #[track_caller]
    pub fn backward_into(&self, dy: &Matrix<I, J, T>, grads: &mut Grads<I, K, J, T>, write: Write) {
        // Every shape first, so that a wrong buffer leaves both untouched; then one product
        // after the other (interleaving them over blocks of dY was slower; bench/RESULTS.md).
        self.check_dy(dy);
        self.check_dx(&grads.dx);
        self.check_da(&grads.da);
        self.backward_x_into(dy, &mut grads.dx, write);
        self.backward_a_into(dy, &mut grads.da, write);
    }

    /// `dx = dY · Aᵀ` (or `dx += …` with [`Write::Accumulate`]) into an existing buffer.
    ///
    /// # Panics
    /// When `dy` or `dx` has the wrong [`Dyn`](crate::Dyn) size.
    #[track_caller]
    pub fn backward_x_into(&self, dy: &Matrix<I, J, T>, dx: &mut Matrix<I, K, T>, write: Write) {
        self.check_dy(dy);
        self.check_dx(dx);
        dx_into(self.a, dy, dx, write);
    }

    /// `da = Xᵀ · dY` (or `da += …` with [`Write::Accumulate`]) into an existing buffer.
    ///
    /// # Panics
    /// When `dy` or `da` has the wrong [`Dyn`](crate::Dyn) size.
    #[track_caller]
    pub fn backward_a_into(&self, dy: &Matrix<I, J, T>, da: &mut Matrix<K, J, T>, write: Write) {
        self.check_dy(dy);
        self.check_da(da);
        da_into(self.x, dy, da, write);
    }

    #[track_caller]
    fn check_dy(&self, dy: &Matrix<I, J, T>) {
        let y = (self.y.rows(), self.y.cols());
        check_shape(
            "backward: dY must have the shape of Y",
            y,
            (dy.rows(), dy.cols()),
        );
    }

    #[track_caller]
    fn check_dx(&self, dx: &Matrix<I, K, T>) {
        let x = (self.x.rows(), self.x.cols());
        check_shape(
            "backward: dX must have the shape of X",
            x,
            (dx.rows(), dx.cols()),
        );
    }

    #[track_caller]
    fn check_da(&self, da: &Matrix<K, J, T>) {
        let a = (self.a.rows(), self.a.cols());
        check_shape(
            "backward: dA must have the shape of A",
            a,
            (da.rows(), da.cols()),
        );
    }
}

/// `dx = dY · Aᵀ` (or `+=`): the gradient of a product's left operand. Generic over the
/// dimensions, so its body is checked for every shape; [`MatMul`] and the autodiff graph both
/// call it.
#[track_caller]
pub(crate) fn dx_into<I: Dim, K: Dim, J: Dim, T: Scalar>(
    a: MatRef<'_, K, J, T>,
    dy: &Matrix<I, J, T>,
    dx: &mut Matrix<I, K, T>,
    write: Write,
) {
    dy.matmul_into(a.t(), dx, write);
}

/// `da = Xᵀ · dY` (or `+=`): the gradient of a product's right operand; see [`dx_into`].
#[track_caller]
pub(crate) fn da_into<I: Dim, K: Dim, J: Dim, T: Scalar>(
    x: MatRef<'_, I, K, T>,
    dy: &Matrix<I, J, T>,
    da: &mut Matrix<K, J, T>,
    write: Write,
) {
    x.t().matmul_into(dy, da, write);
}

/// Panics at the caller's line with a [`ShapeError::Mismatch`] when `given` is not `expected`.
#[track_caller]
fn check_shape(op: &'static str, expected: (usize, usize), given: (usize, usize)) {
    if expected != given {
        let e = ShapeError::Mismatch {
            op,
            expected,
            given,
        };
        panic!("{e}");
    }
}
