//! Batches of matrices: [`Batched`] owns `Batch × Rows × Cols` elements in one buffer, item after
//! item, and [`BatchedRef`] views them, every item a [`MatRef`](crate::MatRef) without a copy.
//!
//! The batch dimension is a type like any other ([`Const`](crate::Const), typenum, a named
//! `dim!(Heads = 8)`, [`Dyn`](crate::Dyn) or a runtime `dim!(Batch = dyn)`), and a batched
//! product takes two batches of one batch type: multiplying a batch of `Heads` items by a batch
//! of `Layers` items does not compile. Inside each item the inner dimensions are checked by
//! [`Agree`](crate::Agree), exactly as for 2-D products.
//!
//! Attention heads: [`Matrix::split_heads`](crate::Matrix::split_heads) makes an `S × Model`
//! matrix a batch of `Heads` items of `S × HeadDim`, and
//! [`Batched::merge_heads`](crate::Batched::merge_heads) puts them back, for a `Model` declared
//! as `dim!(Model = Heads * HeadDim)`. Softmax along each item's rows and the causal mask of
//! square items work item by item, with their backward.
//!
//! In an autodiff [graph](crate::graph) a batch is a `Var<(B, R), C>`, the items' rows stacked
//! ([`Graph::input_batched`](crate::graph::Graph::input_batched)); [`Batched::stacked`] and
//! [`Batched::from_stacked`] move between the two without a copy.

mod backward;
mod heads;
mod owned;
mod product;
mod rows;
mod view;

pub use backward::{BatchedGrads, BatchedMatMul, BroadcastGrads, BroadcastMatMul};
pub(crate) use heads::{merge as merge_heads_flat, split as split_heads_flat};
pub use owned::Batched;
pub use view::BatchedRef;

use crate::{Dim, Scalar};

/// The check a batched product makes on its operands' batch dimensions:
/// `BatchDims: SameBatch<B, B2>` holds when a batch typed `B` may meet a batch typed `B2`, that
/// is when they are one type. Its `Self` type is the library's own [`BatchDims`], so that a failed
/// check names both batch dimensions and nothing else.
///
/// When both are [`Dyn`](crate::Dyn) (or one runtime dimension) the sizes are compared at run
/// time as well, and a disagreement is a [`ShapeError::BatchCount`](crate::ShapeError::BatchCount).
#[diagnostic::on_unimplemented(
    message = "batch dimensions `{B}` and `{B2}` differ",
    label = "the right operand is a batch of `{B2}` items, but the left operand is a batch of `{B}` items",
    note = "a batched product multiplies item k of one batch by item k of the other, so both batches have one batch dimension",
    note = "to multiply every item by one matrix, pass a 2-D matrix: to `matmul_broadcast`, or to `g.matmul` in a graph"
)]
pub trait SameBatch<B: Dim, B2: Dim> {}

/// The `Self` type of [`SameBatch`]: the batch dimensions of a batched product.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BatchDims;

#[diagnostic::do_not_recommend]
impl<B: Dim> SameBatch<B, B> for BatchDims {}

/// Anything that can become a view of a batch of matrices of `T`: `&Batched`, [`BatchedRef`] and
/// `&BatchedRef`. Batched products take their right operand through this trait, so `q.matmul(&k)`
/// and `q.matmul(k.t())` are the same call.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand for a batched product of `{T}` matrices",
    label = "expected `&Batched<_, _, _, {T}>` or a batched view such as `k.t()`",
    note = "batched products borrow their operands: pass `&k`, `k.view()` or `k.t()`; to multiply every item by one matrix, use `matmul_broadcast`"
)]
pub trait IntoBatchedView<'a, T: Scalar>: Copy {
    /// The batch dimension.
    type Batch: Dim;
    /// The row dimension of every item.
    type Rows: Dim;
    /// The column dimension of every item.
    type Cols: Dim;
    /// The view.
    fn into_batched_view(self) -> BatchedRef<'a, Self::Batch, Self::Rows, Self::Cols, T>;
}

impl<'a, B: Dim, R: Dim, C: Dim, T: Scalar> IntoBatchedView<'a, T> for &'a Batched<B, R, C, T> {
    type Batch = B;
    type Rows = R;
    type Cols = C;
    #[inline]
    fn into_batched_view(self) -> BatchedRef<'a, B, R, C, T> {
        self.view()
    }
}

impl<'a, B: Dim, R: Dim, C: Dim, T: Scalar> IntoBatchedView<'a, T> for BatchedRef<'a, B, R, C, T> {
    type Batch = B;
    type Rows = R;
    type Cols = C;
    #[inline]
    fn into_batched_view(self) -> BatchedRef<'a, B, R, C, T> {
        self
    }
}

impl<'a, B: Dim, R: Dim, C: Dim, T: Scalar> IntoBatchedView<'a, T> for &BatchedRef<'a, B, R, C, T> {
    type Batch = B;
    type Rows = R;
    type Cols = C;
    #[inline]
    fn into_batched_view(self) -> BatchedRef<'a, B, R, C, T> {
        *self
    }
}

/// A right operand for a batched product whose left operand is a batch of `B` items of `I × K`:
/// any [`IntoBatchedView`] whose batch dimension is `B` ([`SameBatch`]) and whose rows meet `K`
/// ([`Agree`](crate::Agree)). Never implemented by hand; the blanket impl covers every operand,
/// and its two conditions are where a mismatch is reported.
///
/// The product is `Batched<B, OutRows, OutCols>`, which is `Batched<B, I, Cols>`, named through
/// [`Agree::Checked`](crate::Agree::Checked) as for 2-D products (see
/// [`RhsFor`](crate::RhsFor)), so that an inner mismatch is reported once.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand for a batched product of `{T}` matrices",
    label = "expected `&Batched<_, _, _, {T}>` or a batched view such as `k.t()`",
    note = "batched products borrow their operands: pass `&k`, `k.view()` or `k.t()`; to multiply every item by one matrix, use `matmul_broadcast`"
)]
pub trait BatchedRhsFor<'a, B: Dim, I: Dim, K: Dim, T: Scalar>: IntoBatchedView<'a, T> {
    /// The product's item row dimension: `I`, once the check has passed.
    type OutRows: Dim;
    /// The product's item column dimension: [`Cols`](IntoBatchedView::Cols), once the check has
    /// passed.
    type OutCols: Dim;

    /// The left operand's row dimension, as [`OutRows`](Self::OutRows).
    fn out_rows(rows: I) -> Self::OutRows;

    /// The operand as a batched view whose columns are [`OutCols`](Self::OutCols).
    fn into_batched_rhs(self) -> BatchedRef<'a, Self::Batch, Self::Rows, Self::OutCols, T>;
}

impl<'a, B: Dim, I: Dim, K: Dim, T: Scalar, X: IntoBatchedView<'a, T>> BatchedRhsFor<'a, B, I, K, T>
    for X
where
    BatchDims: SameBatch<B, X::Batch>,
    crate::InnerDims: crate::Agree<K, X::Rows>,
{
    type OutRows = <crate::InnerDims as crate::Agree<K, X::Rows>>::Checked<I>;
    type OutCols = <crate::InnerDims as crate::Agree<K, X::Rows>>::Checked<X::Cols>;

    #[inline]
    fn out_rows(rows: I) -> Self::OutRows {
        <crate::InnerDims as crate::Agree<K, X::Rows>>::checked(rows)
    }

    #[inline]
    fn into_batched_rhs(self) -> BatchedRef<'a, X::Batch, X::Rows, Self::OutCols, T> {
        let view = self.into_batched_view();
        let cols = <crate::InnerDims as crate::Agree<K, X::Rows>>::checked(view.dims().2);
        view.with_cols(cols)
    }
}
