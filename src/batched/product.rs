//! Batched products: item `k` of the result is item `k` of the left operand times item `k` of
//! the right one; and the product of every item by one 2-D matrix (`X·W` for a weight `W`).

use crate::error::OrPanic;
use crate::{Dim, Dyn, MatRef, RhsFor, Scalar, ShapeError, Write, kernel};

use super::{Batched, BatchedRef, BatchedRhsFor};

/// `out = lhs · rhs` (or `+=`) item by item, every size checked first, so that `out` is untouched
/// on error. The types were checked by the caller's bounds; here only the sizes are.
///
/// One kernel call per item, each item a strided view (a transposed item reaches the kernel as
/// strides, as `.t()` does for 2-D products), on several threads items side by side. The
/// destination is a run of the output's buffer rather than a `Matrix`, so the kernel is called
/// here directly, after the checks `MatRef::try_matmul_into` makes.
fn batched_into<B: Dim, I: Dim, K: Dim, B2: Dim, K2: Dim, J: Dim, P: Dim, J2: Dim, T: Scalar>(
    lhs: BatchedRef<'_, B, I, K, T>,
    rhs: BatchedRef<'_, B2, K2, J, T>,
    out: &mut Batched<B, P, J2, T>,
    write: Write,
) -> Result<(), ShapeError> {
    if lhs.batch() != rhs.batch() {
        return Err(ShapeError::BatchCount {
            op: "batched matmul: the right operand has the left operand's batch size",
            expected: lhs.batch(),
            given: rhs.batch(),
        });
    }
    if lhs.cols() != rhs.rows() {
        return Err(ShapeError::Inner {
            lhs: (lhs.rows(), lhs.cols()),
            rhs: (rhs.rows(), rhs.cols()),
        });
    }
    if out.batch() != lhs.batch() {
        return Err(ShapeError::BatchCount {
            op: "batched matmul_into: the destination has the product's batch size",
            expected: lhs.batch(),
            given: out.batch(),
        });
    }
    let want = (lhs.rows(), rhs.cols());
    if (out.rows(), out.cols()) != want {
        return Err(ShapeError::Mismatch {
            op: "batched matmul_into: every item of the destination has the product's shape",
            expected: want,
            given: (out.rows(), out.cols()),
        });
    }
    let n = want.0 * want.1;
    let accumulate = write == Write::Accumulate;
    if n == 0 {
        return Ok(());
    }
    let items = lhs.batch();
    // Under `Threads::Auto` the whole batch's work decides, as one product's would.
    let threads = crate::threads::threads_for(items * want.0, want.1, lhs.cols());
    // Items are independent: on several threads, whole items are shared out, each at the
    // kernel's one-thread speed, where splitting every item would synchronise the threads once
    // per item (and the kernel's pool once per panel) on products too small to share out. The
    // calling thread starts at once and the pool's threads join as they wake
    // (`kernel::share_chunks`), so the batch never waits for a sleeping thread.
    let item = |k: usize, dst: &mut [T]| {
        kernel::gemm(
            dst,
            lhs.item(k).erase(),
            rhs.item(k).erase(),
            T::ONE,
            accumulate,
        );
    };
    let parallel = if threads > 1 && items >= threads {
        items - items % threads
    } else {
        0
    };
    let (par, rest) = out.as_mut_slice().split_at_mut(parallel * n);
    if parallel > 0 {
        kernel::share_chunks(threads, par, n, item);
    }
    // The last items, fewer than the threads, each with every thread the policy gives it.
    for (k, dst) in (parallel..).zip(rest.chunks_exact_mut(n)) {
        item(k, dst);
    }
    Ok(())
}

impl<'a, B: Dim, I: Dim, K: Dim, T: Scalar> BatchedRef<'a, B, I, K, T> {
    /// The batched product, or a [`ShapeError`] when a [`Dyn`] size disagrees at run time.
    ///
    /// # Errors
    /// [`ShapeError::BatchCount`] when the batch sizes differ, [`ShapeError::Inner`] when the
    /// items' inner sizes do, [`ShapeError::TooLarge`] when the product cannot be allocated.
    pub fn try_matmul<P: Dim, J: Dim, X>(&self, rhs: X) -> Result<Batched<B, P, J, T>, ShapeError>
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutRows = P, OutCols = J>,
    {
        let (batch, rows, _) = self.dims();
        let rhs = rhs.into_batched_rhs();
        let mut out = Batched::try_filled_with(batch, X::out_rows(rows), rhs.dims().2, T::ZERO)?;
        batched_into(*self, rhs, &mut out, Write::Overwrite)?;
        Ok(out)
    }

    /// The batched product `self · rhs`: item `k` is `self[k] · rhs[k]`, a batch of `I × J`.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees at run time; see [`try_matmul`](Self::try_matmul).
    #[track_caller]
    pub fn matmul<P: Dim, J: Dim, X>(&self, rhs: X) -> Batched<B, P, J, T>
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutRows = P, OutCols = J>,
    {
        self.try_matmul(rhs).or_panic()
    }

    /// Writes `self · rhs` into `out`, replacing or adding to what it holds, without allocating.
    ///
    /// # Errors
    /// As [`try_matmul`](Self::try_matmul), and [`ShapeError::BatchCount`] or
    /// [`ShapeError::Mismatch`] when `out` has another [`Dyn`] size; `out` is then untouched.
    pub fn try_matmul_into<J: Dim, X>(
        &self,
        rhs: X,
        out: &mut Batched<B, I, J, T>,
        write: Write,
    ) -> Result<(), ShapeError>
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutCols = J>,
    {
        batched_into(*self, rhs.into_batched_rhs(), out, write)
    }

    /// Writes `self · rhs` into `out` without allocating: `out = self · rhs` with
    /// [`Write::Overwrite`], `out += self · rhs` with [`Write::Accumulate`].
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees; see [`try_matmul_into`](Self::try_matmul_into).
    #[track_caller]
    pub fn matmul_into<J: Dim, X>(&self, rhs: X, out: &mut Batched<B, I, J, T>, write: Write)
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutCols = J>,
    {
        self.try_matmul_into(rhs, out, write).or_panic();
    }
}

impl<B: Dim, I: Dim, K: Dim, T: Scalar> Batched<B, I, K, T> {
    /// The batched product, or a [`ShapeError`] when a [`Dyn`] size disagrees at run time.
    ///
    /// ```
    /// use shapegrad::{Batched, Const, Dyn};
    /// let q = Batched::<Dyn, Const<3>, Const<4>>::zeros_with(Dyn(2), Const, Const);
    /// let k = Batched::<Dyn, Const<3>, Const<4>>::zeros_with(Dyn(5), Const, Const);
    /// let err = q.try_matmul(k.t()).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "batched matmul: the right operand has the left operand's batch size: expected a \
    ///      batch of 2 items, but a batch of 5 items was given"
    /// );
    /// ```
    ///
    /// # Errors
    /// As [`BatchedRef::try_matmul`].
    pub fn try_matmul<'a, P: Dim, J: Dim, X>(
        &'a self,
        rhs: X,
    ) -> Result<Batched<B, P, J, T>, ShapeError>
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutRows = P, OutCols = J>,
    {
        self.view().try_matmul(rhs)
    }

    /// The batched product `self · rhs`: item `k` is `self[k] · rhs[k]`. The right operand is a
    /// batch of the same batch dimension, `&k` or a view such as `k.t()`, which transposes every
    /// item without a copy.
    ///
    /// ```
    /// use shapegrad::{dim, Batched};
    /// dim!(Heads = 4, Seq = 8, HeadDim = 16);
    ///
    /// let q = Batched::<Heads, Seq, HeadDim>::rand(1);
    /// let k = Batched::<Heads, Seq, HeadDim>::rand(2);
    /// let v = Batched::<Heads, Seq, HeadDim>::rand(3);
    /// let scores: Batched<Heads, Seq, Seq> = q.matmul(k.t()); // Q·Kᵀ per head
    /// let out: Batched<Heads, Seq, HeadDim> = scores.matmul(&v);
    /// # let _ = out;
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees at run time; see [`try_matmul`](Self::try_matmul).
    #[track_caller]
    pub fn matmul<'a, P: Dim, J: Dim, X>(&'a self, rhs: X) -> Batched<B, P, J, T>
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutRows = P, OutCols = J>,
    {
        self.view().matmul(rhs)
    }

    /// Writes `self · rhs` into `out` without allocating; see [`BatchedRef::try_matmul_into`].
    ///
    /// # Errors
    /// As [`BatchedRef::try_matmul_into`]; `out` is then untouched.
    pub fn try_matmul_into<'a, J: Dim, X>(
        &'a self,
        rhs: X,
        out: &mut Batched<B, I, J, T>,
        write: Write,
    ) -> Result<(), ShapeError>
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutCols = J>,
    {
        self.view().try_matmul_into(rhs, out, write)
    }

    /// Writes `self · rhs` into `out` without allocating, replacing ([`Write::Overwrite`]) or
    /// adding to ([`Write::Accumulate`]) what it holds.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees.
    #[track_caller]
    pub fn matmul_into<'a, J: Dim, X>(&'a self, rhs: X, out: &mut Batched<B, I, J, T>, write: Write)
    where
        X: BatchedRhsFor<'a, B, I, K, T, OutCols = J>,
    {
        self.view().try_matmul_into(rhs, out, write).or_panic();
    }

    /// Writes `self · w` into `out`, for one 2-D `w` shared by every item; see
    /// [`matmul_broadcast`](Self::matmul_broadcast).
    ///
    /// # Errors
    /// [`ShapeError::Inner`] when `w`'s rows are not the items' columns, [`ShapeError::BatchCount`]
    /// or [`ShapeError::Mismatch`] when `out` has another [`Dyn`] size; `out` is then untouched.
    pub fn try_matmul_broadcast_into<'a, J: Dim, W>(
        &'a self,
        w: W,
        out: &mut Batched<B, I, J, T>,
        write: Write,
    ) -> Result<(), ShapeError>
    where
        W: RhsFor<'a, I, K, T, OutCols = J>,
    {
        let w = w.into_rhs();
        if self.cols() != w.rows() {
            return Err(ShapeError::Inner {
                lhs: (self.rows(), self.cols()),
                rhs: (w.rows(), w.cols()),
            });
        }
        let w: MatRef<'a, K, J, T> = w.try_with_rows()?;
        if out.batch() != self.batch() {
            return Err(ShapeError::BatchCount {
                op: "matmul_broadcast_into: the destination has the operand's batch size",
                expected: self.batch(),
                given: out.batch(),
            });
        }
        if out.rows() != self.rows() {
            return Err(ShapeError::Mismatch {
                op: "matmul_broadcast_into: every item of the destination has the product's shape",
                expected: (self.rows(), w.cols()),
                given: (out.rows(), out.cols()),
            });
        }
        // The items follow one another, each row-major, so the batch is one `(B·I) × K` matrix
        // whose rows are the items' rows in order, and so is the output, `(B·I) × J`. Every row
        // of every item is multiplied by the same `w`, so the whole batched product is this one
        // 2-D product: one kernel call with a tall left operand, which the kernel handles far
        // better than `B` calls with `I` rows each.
        let x: MatRef<'_, Dyn, K, T> = self.flat();
        x.try_matmul_into(w, out.flat_mut(), write)
    }

    /// Writes `self · w` into `out` without allocating, for one 2-D `w` shared by every item.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees; see
    /// [`try_matmul_broadcast_into`](Self::try_matmul_broadcast_into).
    #[track_caller]
    pub fn matmul_broadcast_into<'a, J: Dim, W>(
        &'a self,
        w: W,
        out: &mut Batched<B, I, J, T>,
        write: Write,
    ) where
        W: RhsFor<'a, I, K, T, OutCols = J>,
    {
        self.try_matmul_broadcast_into(w, out, write).or_panic();
    }

    /// `self · w` for one 2-D `w` shared by every item, or a [`ShapeError`] when a [`Dyn`] size
    /// disagrees.
    ///
    /// # Errors
    /// [`ShapeError::Inner`] when `w`'s rows are not the items' columns, and
    /// [`ShapeError::TooLarge`] when the product cannot be allocated.
    pub fn try_matmul_broadcast<'a, P: Dim, J: Dim, W>(
        &'a self,
        w: W,
    ) -> Result<Batched<B, P, J, T>, ShapeError>
    where
        W: RhsFor<'a, I, K, T, OutRows = P, OutCols = J>,
    {
        let (batch, rows, _) = self.dims();
        let cols = w.into_rhs().dims().1;
        let mut out = Batched::try_filled_with(batch, rows, cols, T::ZERO)?;
        self.try_matmul_broadcast_into(w, &mut out, Write::Overwrite)?;
        // `P` is `I` once the check has passed: the same rows, under the checked type.
        Ok(Batched::from_flat_unchecked(
            batch,
            W::out_rows(rows),
            out.into_flat(),
        ))
    }

    /// `self · w` for one 2-D `w` shared by every item: `X·W` for `X: B × S × D` and
    /// `W: D × E` is `B × S × E`, computed as one 2-D product of the `(B·S) × D` batch.
    ///
    /// ```
    /// use shapegrad::{dim, Batched, Matrix};
    /// dim!(Batch = 2, Seq = 3, Model = 4, Hidden = 5);
    ///
    /// let x = Batched::<Batch, Seq, Model>::rand(1);
    /// let w = Matrix::<Model, Hidden>::rand(2);
    /// let y: Batched<Batch, Seq, Hidden> = x.matmul_broadcast(&w);
    /// let y1: Matrix<Seq, Hidden> = x.item(1).matmul(&w);
    /// assert_eq!(y.item(1).to_matrix(), y1);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees; see [`try_matmul_broadcast`](Self::try_matmul_broadcast).
    #[track_caller]
    pub fn matmul_broadcast<'a, P: Dim, J: Dim, W>(&'a self, w: W) -> Batched<B, P, J, T>
    where
        W: RhsFor<'a, I, K, T, OutRows = P, OutCols = J>,
    {
        self.try_matmul_broadcast(w).or_panic()
    }
}
