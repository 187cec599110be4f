//! The typed backward passes of the batched product and of the weight broadcast over a batch.
//!
//! For `Y_k = A_k · B_k` item by item (`A: Batch × I × K`, `B: Batch × K × J`):
//!
//! ```text
//! dl/dA_k = dl/dY_k · B_kᵀ    (I × J)(J × K) = I × K
//! dl/dB_k = A_kᵀ · dl/dY_k    (K × I)(I × J) = K × J
//! ```
//!
//! For `Y_k = X_k · W` with one `W: D × E` shared by every item (`X: Batch × S × D`):
//!
//! ```text
//! dl/dX_k = dl/dY_k · Wᵀ                   (S × E)(E × D) = S × D
//! dl/dW   = Σ_k X_kᵀ · dl/dY_k = X_flatᵀ · dY_flat   (D × B·S)(B·S × E) = D × E
//! ```
//!
//! Each is written below with the typed batched and 2-D products and `.t()` that users call, in
//! functions generic over every dimension, so a dropped transpose here is a compile error.

use crate::error::OrPanic;
use crate::{Dim, Dyn, MatRef, Matrix, RhsFor, Scalar, ShapeError, Write};

use super::{Batched, BatchedRef, BatchedRhsFor, IntoBatchedView};

/// `da = dY · Bᵀ` item by item (or `+=`): the gradient of a batched product's left operand.
#[track_caller]
fn batched_da_into<B: Dim, I: Dim, K: Dim, J: Dim, T: Scalar>(
    b: BatchedRef<'_, B, K, J, T>,
    dy: &Batched<B, I, J, T>,
    da: &mut Batched<B, I, K, T>,
    write: Write,
) -> Result<(), ShapeError> {
    dy.try_matmul_into(b.t(), da, write)
}

/// `db = Aᵀ · dY` item by item (or `+=`): the gradient of a batched product's right operand.
#[track_caller]
fn batched_db_into<B: Dim, I: Dim, K: Dim, J: Dim, T: Scalar>(
    a: BatchedRef<'_, B, I, K, T>,
    dy: &Batched<B, I, J, T>,
    db: &mut Batched<B, K, J, T>,
    write: Write,
) -> Result<(), ShapeError> {
    a.t().try_matmul_into(dy, db, write)
}

/// `dx = dY · Wᵀ` (or `+=`): the gradient of the batch a weight is broadcast over; one 2-D
/// product of the flat batch, as in the forward pass.
fn broadcast_dx_into<B: Dim, S: Dim, D: Dim, E: Dim, T: Scalar>(
    w: MatRef<'_, D, E, T>,
    dy: &Batched<B, S, E, T>,
    dx: &mut Batched<B, S, D, T>,
    write: Write,
) -> Result<(), ShapeError> {
    dy.try_matmul_broadcast_into(w.t(), dx, write)
}

/// `dw = Σ_k X_kᵀ · dY_k` (or `+=`): the gradient of the broadcast weight, which sums over the
/// batch. Stacked row-wise, the sum over items of `X_kᵀ·dY_k` is `X_flatᵀ · dY_flat`, whose inner
/// dimension runs over every row of every item: one 2-D product.
fn broadcast_dw_into<B: Dim, S: Dim, D: Dim, E: Dim, T: Scalar>(
    x: &Batched<B, S, D, T>,
    dy: &Batched<B, S, E, T>,
    dw: &mut Matrix<D, E, T>,
    write: Write,
) -> Result<(), ShapeError> {
    check_batch(
        "backward: dY has the batch size of Y",
        x.batch(),
        dy.batch(),
    )?;
    let (x, dy): (MatRef<'_, Dyn, D, T>, MatRef<'_, Dyn, E, T>) = (x.flat(), dy.flat());
    x.t().try_matmul_into(dy, dw, write)
}

fn check_batch(op: &'static str, expected: usize, given: usize) -> Result<(), ShapeError> {
    if expected == given {
        Ok(())
    } else {
        Err(ShapeError::BatchCount {
            op,
            expected,
            given,
        })
    }
}

fn check_shape(
    op: &'static str,
    expected: (usize, usize, usize),
    given: (usize, usize, usize),
) -> Result<(), ShapeError> {
    check_batch(op, expected.0, given.0)?;
    if (expected.1, expected.2) == (given.1, given.2) {
        Ok(())
    } else {
        Err(ShapeError::Mismatch {
            op,
            expected: (expected.1, expected.2),
            given: (given.1, given.2),
        })
    }
}

fn shape3<B: Dim, R: Dim, C: Dim, T: Scalar>(x: &Batched<B, R, C, T>) -> (usize, usize, usize) {
    (x.batch(), x.rows(), x.cols())
}

/// The gradients of both operands of a batched product: `da` has the shape of `A`, `db` of `B`.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchedGrads<B: Dim, I: Dim, K: Dim, J: Dim, T: Scalar = f32> {
    /// `dl/dA_k = dY_k · B_kᵀ`, a batch of `I × K`.
    pub da: Batched<B, I, K, T>,
    /// `dl/dB_k = A_kᵀ · dY_k`, a batch of `K × J`.
    pub db: Batched<B, K, J, T>,
}

/// A forward batched product `Y = A · B` (item by item) that keeps views of its operands, so it
/// can be asked for its backward.
///
/// ```
/// use shapegrad::{dim, Batched, BatchedGrads, BatchedMatMul};
/// dim!(Heads = 2, Seq = 3, HeadDim = 4);
///
/// let q = Batched::<Heads, Seq, HeadDim>::rand(1);
/// let k = Batched::<Heads, Seq, HeadDim>::rand(2);
/// let mm = BatchedMatMul::forward(&q, k.t()); // Q·Kᵀ per head
/// let dy = Batched::<Heads, Seq, Seq>::ones();
/// let BatchedGrads { da, db } = mm.backward(&dy);
/// // The gradient of Kᵀ is a batch of HeadDim × Seq; that of Q has Q's shape.
/// let (_dq, _dkt): (Batched<Heads, Seq, HeadDim>, Batched<Heads, HeadDim, Seq>) = (da, db);
/// ```
#[derive(Clone, Debug)]
pub struct BatchedMatMul<'a, B: Dim, I: Dim, K: Dim, J: Dim, T: Scalar = f32> {
    a: BatchedRef<'a, B, I, K, T>,
    b: BatchedRef<'a, B, K, J, T>,
    y: Batched<B, I, J, T>,
}

impl<'a, B: Dim, I: Dim, K: Dim, J: Dim, T: Scalar> BatchedMatMul<'a, B, I, K, J, T> {
    /// Computes `Y = A · B` item by item and keeps views of `a` and `b`.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size disagrees; see [`try_forward`](Self::try_forward).
    #[track_caller]
    pub fn forward<X, Y>(a: X, b: Y) -> Self
    where
        X: IntoBatchedView<'a, T, Batch = B, Rows = I, Cols = K>,
        Y: BatchedRhsFor<'a, B, I, K, T, OutCols = J>,
    {
        Self::try_forward(a, b).or_panic()
    }

    /// Like [`forward`](Self::forward), but a run-time disagreement of sizes is a [`ShapeError`].
    ///
    /// # Errors
    /// [`ShapeError::BatchCount`] or [`ShapeError::Inner`] when [`Dyn`](crate::Dyn) sizes
    /// disagree; [`ShapeError::TooLarge`] when `Y` cannot be allocated.
    pub fn try_forward<X, Y>(a: X, b: Y) -> Result<Self, ShapeError>
    where
        X: IntoBatchedView<'a, T, Batch = B, Rows = I, Cols = K>,
        Y: BatchedRhsFor<'a, B, I, K, T, OutCols = J>,
    {
        let a = a.into_batched_view();
        let b = b.into_batched_rhs();
        check_batch(
            "batched matmul: the right operand has the left operand's batch size",
            a.batch(),
            b.batch(),
        )?;
        if a.cols() != b.rows() {
            return Err(ShapeError::Inner {
                lhs: (a.rows(), a.cols()),
                rhs: (b.rows(), b.cols()),
            });
        }
        let b: BatchedRef<'a, B, K, J, T> = b.try_retype()?;
        let (batch, rows, _) = a.dims();
        let mut y = Batched::try_filled_with(batch, rows, b.dims().2, T::ZERO)?;
        a.try_matmul_into(b, &mut y, Write::Overwrite)?;
        Ok(BatchedMatMul { a, b, y })
    }

    /// `Y = A · B`.
    pub fn output(&self) -> &Batched<B, I, J, T> {
        &self.y
    }

    /// `Y = A · B`, by value.
    pub fn into_output(self) -> Batched<B, I, J, T> {
        self.y
    }

    /// Both gradients from `dy = dl/dY`: `da = dY · Bᵀ` and `db = Aᵀ · dY`, item by item.
    ///
    /// # Panics
    /// When `dy` does not have `Y`'s sizes (possible only with [`Dyn`](crate::Dyn) dimensions).
    #[track_caller]
    pub fn backward(&self, dy: &Batched<B, I, J, T>) -> BatchedGrads<B, I, K, J, T> {
        let (batch, i, k) = self.a.dims();
        let j = self.b.dims().2;
        let mut grads = BatchedGrads {
            da: Batched::zeros_with(batch, i, k),
            db: Batched::zeros_with(batch, k, j),
        };
        self.try_backward_into(dy, &mut grads, Write::Overwrite)
            .or_panic();
        grads
    }

    /// Both gradients into existing buffers, replacing or adding to them; allocates nothing.
    ///
    /// # Errors
    /// [`ShapeError::BatchCount`] or [`ShapeError::Mismatch`] when `dy` or a buffer has other
    /// sizes; every size is checked first, so the buffers are then untouched.
    pub fn try_backward_into(
        &self,
        dy: &Batched<B, I, J, T>,
        grads: &mut BatchedGrads<B, I, K, J, T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        let (b, i, k, j) = (self.a.batch(), self.a.rows(), self.a.cols(), self.b.cols());
        check_shape("backward: dY has the shape of Y", (b, i, j), shape3(dy))?;
        check_shape(
            "backward: dA has the shape of A",
            (b, i, k),
            shape3(&grads.da),
        )?;
        check_shape(
            "backward: dB has the shape of B",
            (b, k, j),
            shape3(&grads.db),
        )?;
        batched_da_into(self.b, dy, &mut grads.da, write)?;
        batched_db_into(self.a, dy, &mut grads.db, write)
    }

    /// Both gradients into existing buffers, replacing ([`Write::Overwrite`]) or adding to
    /// ([`Write::Accumulate`]) them.
    ///
    /// # Panics
    /// When `dy` or a buffer has other sizes; see [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward_into(
        &self,
        dy: &Batched<B, I, J, T>,
        grads: &mut BatchedGrads<B, I, K, J, T>,
        write: Write,
    ) {
        self.try_backward_into(dy, grads, write).or_panic();
    }
}

/// The gradients of a weight broadcast over a batch: `dx` has the batch's shape, `dw` the
/// weight's, summed over the items.
#[derive(Clone, Debug, PartialEq)]
pub struct BroadcastGrads<B: Dim, S: Dim, D: Dim, E: Dim, T: Scalar = f32> {
    /// `dl/dX_k = dY_k · Wᵀ`, a batch of `S × D`.
    pub dx: Batched<B, S, D, T>,
    /// `dl/dW = Σ_k X_kᵀ · dY_k`, `D × E`.
    pub dw: Matrix<D, E, T>,
}

/// A forward product `Y_k = X_k · W` of every item of a batch by one weight, which keeps `X` and
/// a view of `W` for the backward pass.
///
/// ```
/// use shapegrad::{dim, Batched, BroadcastGrads, BroadcastMatMul, Matrix};
/// dim!(Batch = 2, Seq = 3, Model = 4, Hidden = 5);
///
/// let x = Batched::<Batch, Seq, Model>::rand(1);
/// let w = Matrix::<Model, Hidden>::rand(2);
/// let mm = BroadcastMatMul::forward(&x, &w);
/// let dy = Batched::<Batch, Seq, Hidden>::ones();
/// let BroadcastGrads { dx, dw } = mm.backward(&dy);
/// let _: (Batched<Batch, Seq, Model>, Matrix<Model, Hidden>) = (dx, dw);
/// ```
#[derive(Clone, Debug)]
pub struct BroadcastMatMul<'a, B: Dim, S: Dim, D: Dim, E: Dim, T: Scalar = f32> {
    x: &'a Batched<B, S, D, T>,
    w: MatRef<'a, D, E, T>,
    y: Batched<B, S, E, T>,
}

impl<'a, B: Dim, S: Dim, D: Dim, E: Dim, T: Scalar> BroadcastMatMul<'a, B, S, D, E, T> {
    /// Computes `Y = X · W` for every item and keeps `x` and a view of `w`.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size disagrees; see [`try_forward`](Self::try_forward).
    #[track_caller]
    pub fn forward<W>(x: &'a Batched<B, S, D, T>, w: W) -> Self
    where
        W: RhsFor<'a, S, D, T, OutCols = E>,
    {
        Self::try_forward(x, w).or_panic()
    }

    /// Like [`forward`](Self::forward), but a run-time disagreement of sizes is a [`ShapeError`].
    ///
    /// # Errors
    /// [`ShapeError::Inner`] when `w`'s rows are not the items' columns; [`ShapeError::TooLarge`]
    /// when `Y` cannot be allocated.
    pub fn try_forward<W>(x: &'a Batched<B, S, D, T>, w: W) -> Result<Self, ShapeError>
    where
        W: RhsFor<'a, S, D, T, OutCols = E>,
    {
        let w = w.into_rhs();
        if x.cols() != w.rows() {
            return Err(ShapeError::Inner {
                lhs: (x.rows(), x.cols()),
                rhs: (w.rows(), w.cols()),
            });
        }
        let w: MatRef<'a, D, E, T> = w.try_with_rows()?;
        let (batch, rows, _) = x.dims();
        let mut y = Batched::try_filled_with(batch, rows, w.dims().1, T::ZERO)?;
        x.try_matmul_broadcast_into(w, &mut y, Write::Overwrite)?;
        Ok(BroadcastMatMul { x, w, y })
    }

    /// `Y = X · W`.
    pub fn output(&self) -> &Batched<B, S, E, T> {
        &self.y
    }

    /// `Y = X · W`, by value.
    pub fn into_output(self) -> Batched<B, S, E, T> {
        self.y
    }

    /// Both gradients from `dy = dl/dY`: `dx = dY · Wᵀ` per item and `dw = Σ_k X_kᵀ · dY_k`.
    ///
    /// # Panics
    /// When `dy` does not have `Y`'s sizes (possible only with [`Dyn`](crate::Dyn) dimensions).
    #[track_caller]
    pub fn backward(&self, dy: &Batched<B, S, E, T>) -> BroadcastGrads<B, S, D, E, T> {
        let (batch, s, d) = self.x.dims();
        let mut grads = BroadcastGrads {
            dx: Batched::zeros_with(batch, s, d),
            dw: Matrix::zeros_with(d, self.w.dims().1),
        };
        self.try_backward_into(dy, &mut grads, Write::Overwrite)
            .or_panic();
        grads
    }

    /// Both gradients into existing buffers, replacing or adding to them; allocates nothing.
    /// With [`Write::Accumulate`], `dw` gathers the gradient of a weight shared by several
    /// products.
    ///
    /// # Errors
    /// [`ShapeError::BatchCount`] or [`ShapeError::Mismatch`] when `dy` or a buffer has other
    /// sizes; every size is checked first, so the buffers are then untouched.
    pub fn try_backward_into(
        &self,
        dy: &Batched<B, S, E, T>,
        grads: &mut BroadcastGrads<B, S, D, E, T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        let (b, s, d, e) = (self.x.batch(), self.x.rows(), self.x.cols(), self.w.cols());
        check_shape("backward: dY has the shape of Y", (b, s, e), shape3(dy))?;
        check_shape(
            "backward: dX has the shape of X",
            (b, s, d),
            shape3(&grads.dx),
        )?;
        if (grads.dw.rows(), grads.dw.cols()) != (d, e) {
            return Err(ShapeError::Mismatch {
                op: "backward: dW has the shape of W",
                expected: (d, e),
                given: (grads.dw.rows(), grads.dw.cols()),
            });
        }
        broadcast_dx_into(self.w, dy, &mut grads.dx, write)?;
        broadcast_dw_into(self.x, dy, &mut grads.dw, write)
    }

    /// Both gradients into existing buffers, replacing ([`Write::Overwrite`]) or adding to
    /// ([`Write::Accumulate`]) them.
    ///
    /// # Panics
    /// When `dy` or a buffer has other sizes; see [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward_into(
        &self,
        dy: &Batched<B, S, E, T>,
        grads: &mut BroadcastGrads<B, S, D, E, T>,
        write: Write,
    ) {
        self.try_backward_into(dy, grads, write).or_panic();
    }
}
