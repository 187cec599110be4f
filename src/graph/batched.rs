//! Batches in a graph: a batch of `B` matrices of `R × C` is a `Var<(B, R), C>`, its items'
//! rows stacked ([`Dim` for `(B, R)`](crate::Dim)). Row-wise ops and products by a 2-D weight
//! need nothing more; the ops here are the ones that work item by item: the batched product
//! (with each item of the right operand transposed as a view, [`Var::t`]), the split of every
//! item into attention heads and the merge back, the causal mask of every item, and a matrix
//! added to every item.
//!
//! Each backward is written with the typed batched products and the heads' own functions, as
//! the 2-D ops' are with theirs.

use super::ops::next_value;
use super::tape::{Node, Op};
use super::{Graph, Var, value_slice};
use crate::batched::{BatchDims, SameBatch};
use crate::error::OrPanic;
use crate::shape::Product;
use crate::{
    Agree, Batched, BatchedRef, Dim, Dyn, InnerDims, Matrix, Scalar, ShapeError, StaticDim, Write,
};

/// The items of a batch in a graph with each one transposed: `Batch` items of `Rows × Cols`,
/// whose node holds them as `Cols × Rows`. Made by [`Var::t`], and taken only by
/// [`Graph::batched_matmul`], which reads it as a strided view: nothing is copied.
pub struct ItemsT<'id, B: Dim, R: Dim, C: Dim> {
    of: Var<'id, (B, C), R>,
}

impl<B: Dim, R: Dim, C: Dim> Clone for ItemsT<'_, B, R, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B: Dim, R: Dim, C: Dim> Copy for ItemsT<'_, B, R, C> {}

impl<B: Dim, R: Dim, C: Dim> core::fmt::Debug for ItemsT<'_, B, R, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}.t()", self.of)
    }
}

impl<'id, B: Dim, R: Dim, C: Dim> Var<'id, (B, R), C> {
    /// Every item transposed, as a view: the right operand of `Q·Kᵀ` is
    /// `g.batched_matmul(q, k.t())`. Nothing is recorded or copied.
    pub fn t(self) -> ItemsT<'id, B, C, R> {
        ItemsT { of: self }
    }

    /// The number of items.
    pub fn batch(&self) -> usize {
        self.rows.0.size()
    }
}

/// The right operand of a batched product in a graph: a batch `Var<(B, R), C>`, or one with
/// every item transposed, `k.t()`. Implemented for those two only.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a batch of matrices of this graph",
    label = "expected a batch `Var<(Batch, Rows), Cols>`, or its items transposed: `k.t()`",
    note = "a batch in a graph is a `Var` whose rows are a pair `(Batch, Rows)`, such as one made by `Graph::input_batched`"
)]
pub trait ItemsOperand<'id>: Copy + sealed::Sealed {
    /// The batch dimension.
    type Batch: Dim;
    /// The rows of every item, as the product sees it.
    type Rows: Dim;
    /// The columns of every item, as the product sees it.
    type Cols: Dim;
    /// The node, whether its items are read transposed, and the dimensions as the product sees
    /// them.
    #[doc(hidden)]
    fn parts(self) -> (usize, bool, Self::Batch, Self::Rows, Self::Cols);
}

mod sealed {
    pub trait Sealed {}
    impl<B: crate::Dim, R: crate::Dim, C: crate::Dim> Sealed for super::Var<'_, (B, R), C> {}
    impl<B: crate::Dim, R: crate::Dim, C: crate::Dim> Sealed for super::ItemsT<'_, B, R, C> {}
}

impl<'id, B: Dim, R: Dim, C: Dim> ItemsOperand<'id> for Var<'id, (B, R), C> {
    type Batch = B;
    type Rows = R;
    type Cols = C;
    fn parts(self) -> (usize, bool, B, R, C) {
        (self.index, false, self.rows.0, self.rows.1, self.cols)
    }
}

impl<'id, B: Dim, R: Dim, C: Dim> ItemsOperand<'id> for ItemsT<'id, B, R, C> {
    type Batch = B;
    type Rows = R;
    type Cols = C;
    fn parts(self) -> (usize, bool, B, R, C) {
        (
            self.of.index,
            true,
            self.of.rows.0,
            self.of.cols,
            self.of.rows.1,
        )
    }
}

/// The product's dimension `D` once the inner dimensions `K` and `K2` have been checked.
type Checked<K, K2, D> = <InnerDims as Agree<K, K2>>::Checked<D>;

/// A right operand for a batched product in a graph whose left operand is `B` items of `I × K`:
/// any [`ItemsOperand`] of the batch dimension `B` ([`SameBatch`]) whose item rows meet `K`
/// ([`Agree`]). Never implemented by hand; the blanket impl covers every operand, and its two
/// conditions are where a mismatch is reported, naming the dimensions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a right operand for a batched product of this graph",
    label = "expected a batch `Var<(Batch, Rows), Cols>`, or its items transposed: `k.t()`"
)]
pub trait ItemsRhsFor<'id, B: Dim, I: Dim, K: Dim>: ItemsOperand<'id> {
    /// The product's item rows: `I`, once the checks have passed.
    type OutRows: Dim;
    /// The product's item columns: the operand's, once the checks have passed.
    type OutCols: Dim;
    /// `rows` and `cols` as the product's dimensions.
    #[doc(hidden)]
    fn out_dims(rows: I, cols: Self::Cols) -> (Self::OutRows, Self::OutCols);
}

impl<'id, B: Dim, I: Dim, K: Dim, X: ItemsOperand<'id>> ItemsRhsFor<'id, B, I, K> for X
where
    BatchDims: SameBatch<B, X::Batch>,
    InnerDims: Agree<K, X::Rows>,
{
    type OutRows = Checked<K, X::Rows, I>;
    type OutCols = Checked<K, X::Rows, X::Cols>;
    fn out_dims(rows: I, cols: X::Cols) -> (Self::OutRows, Self::OutCols) {
        (
            <InnerDims as Agree<K, X::Rows>>::checked(rows),
            <InnerDims as Agree<K, X::Rows>>::checked(cols),
        )
    }
}

/// The `Self` type of [`SquareItems`]: the two dimensions of every item of attention scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScoreDims;

/// `ScoreDims: SquareItems<R, C>` holds when items of `R × C` are square by their types, as the
/// scores of a sequence against itself are (`Seq × Seq`): what the causal mask needs.
#[diagnostic::on_unimplemented(
    message = "the causal mask needs square items, but these are `{R}` × `{C}`",
    label = "items of `{R}` × `{C}`",
    note = "the mask applies to the scores of queries against keys, `g.batched_matmul(q, k.t())`, `Seq × Seq` per item, before the softmax"
)]
pub trait SquareItems<R: Dim, C: Dim> {}

#[diagnostic::do_not_recommend]
impl<S: Dim> SquareItems<S, S> for ScoreDims {}

/// A batch of attention scores the causal mask applies to: a `Var<(B, S), C>` whose items are
/// square ([`SquareItems`]). Never implemented by hand; the check sits in the one blanket impl so
/// that a failure names the items' two dimensions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a batch of attention scores",
    label = "expected a batch of square items, `Var<(Batch, Seq), Seq>`"
)]
pub trait MaskableItems<'id>: Copy {
    /// The batch dimension.
    type Batch: Dim;
    /// The items' rows.
    type Rows: Dim;
    /// The items' columns.
    type Cols: Dim;
    /// The scores as the `Var` they are.
    #[doc(hidden)]
    fn scores(self) -> Var<'id, (Self::Batch, Self::Rows), Self::Cols>;
    /// A `Var` of the scores' type as `Self`.
    #[doc(hidden)]
    fn from_scores(v: Var<'id, (Self::Batch, Self::Rows), Self::Cols>) -> Self;
}

impl<'id, B: Dim, S: Dim, C: Dim> MaskableItems<'id> for Var<'id, (B, S), C>
where
    ScoreDims: SquareItems<S, C>,
{
    type Batch = B;
    type Rows = S;
    type Cols = C;
    fn scores(self) -> Self {
        self
    }
    fn from_scores(v: Self) -> Self {
        v
    }
}

/// `data` as `items` matrices of `rows × cols`, one after another.
pub(super) fn items_view<T: Scalar>(
    data: &[T],
    items: usize,
    rows: usize,
    cols: usize,
) -> BatchedRef<'_, Dyn, Dyn, Dyn, T> {
    BatchedRef::contiguous(data, Dyn(items), Dyn(rows), Dyn(cols))
}

/// Runs `f` on the tape buffer `m` as a batch of `items` items, without copying: the buffer moves
/// into a [`Batched`] and back.
pub(super) fn as_items<T: Scalar, O>(
    m: &mut Matrix<Dyn, Dyn, T>,
    items: usize,
    f: impl FnOnce(&mut Batched<Dyn, Dyn, Dyn, T>) -> O,
) -> O {
    let taken = core::mem::replace(m, Matrix::zeros_with(Dyn(0), Dyn(0)));
    let rows = taken.rows().checked_div(items).unwrap_or(0);
    let mut batch = Batched::from_flat_unchecked(Dyn(items), Dyn(rows), taken);
    let out = f(&mut batch);
    *m = batch.into_flat();
    out
}

/// The gradients of a batched product `y = x · a`, item by item, written into or added to
/// (`write`) the buffers given:
/// `dx += dy · aᵀ`, and either `da += xᵀ · dy`, or, when `a` is the transposed view of a stored
/// `s`, `ds += dyᵀ · x`, which is `(xᵀ · dy)ᵀ` computed in `s`'s own layout.
///
/// Generic over the dimensions, so the compiler checks every product here once for all shapes;
/// the graph calls it with [`Dyn`] ones.
pub(super) fn batched_matmul_backward<B: Dim, I: Dim, K: Dim, J: Dim, T: Scalar>(
    x: BatchedRef<'_, B, I, K, T>,
    a: BatchedRef<'_, B, K, J, T>,
    dy: BatchedRef<'_, B, I, J, T>,
    dx: Option<&mut Batched<B, I, K, T>>,
    da: Option<&mut Batched<B, K, J, T>>,
    ds: Option<&mut Batched<B, J, K, T>>,
    write: Write,
) {
    const SIZES: &str = "a node's value and gradient have the node's shape";
    if let Some(dx) = dx {
        dy.try_matmul_into(a.t(), dx, write).expect(SIZES);
    }
    if let Some(da) = da {
        x.t().try_matmul_into(dy, da, write).expect(SIZES);
    }
    if let Some(ds) = ds {
        dy.t().try_matmul_into(x, ds, write).expect(SIZES);
    }
}

impl<'id, 'p, T: Scalar> Graph<'id, '_, 'p, T> {
    /// A batch of inputs: `B` matrices of `R × C`, borrowed for the step, as a `Var<(B, R), C>`.
    ///
    /// ```
    /// use shapegrad::{dim, graph::Tape, make_guard, Batched, Const, Matrix};
    /// dim!(Batch = 3, Seq = 4, Model = 8, Out = 2);
    ///
    /// let x = Batched::<Batch, Seq, Model, f64>::rand(1);
    /// let w = Matrix::<Model, Out, f64>::rand(2);
    /// let mut tape = Tape::new();
    /// make_guard!(guard);
    /// let g = tape.graph(guard);
    /// let (xv, wv) = (g.input_batched(&x), g.param(&w));
    /// // A product by a 2-D weight multiplies every item by it; W's gradient sums over the batch.
    /// let y = g.matmul(xv, wv);
    /// let loss = g.sum(y);
    /// let grads = g.backward(loss);
    /// let dw = grads.get(wv).to_matrix();
    /// // d(sum)/dW[k][j] is the sum of feature k over every row of every item.
    /// let feature5: f64 = x.as_slice().iter().skip(5).step_by(8).sum();
    /// assert!((dw.get(5, 1).unwrap() - feature5).abs() < 1e-12);
    /// ```
    pub fn input_batched<B: Dim, R: Dim, C: Dim>(
        &self,
        m: &'p Batched<B, R, C, T>,
    ) -> Var<'id, (B, R), C> {
        let (b, r, c) = m.dims();
        self.leaf(m.as_slice(), (b, r), c, false)
    }

    /// A batch of parameters, `B` matrices of `R × C`: its gradient is a `(B, R) × C` matrix,
    /// [`Batched::from_stacked`] of which is a batch again.
    pub fn param_batched<B: Dim, R: Dim, C: Dim>(
        &self,
        m: &'p Batched<B, R, C, T>,
    ) -> Var<'id, (B, R), C> {
        let (b, r, c) = m.dims();
        self.leaf(m.as_slice(), (b, r), c, true)
    }

    /// The batched product: item `k` of the result is item `k` of `x` times item `k` of `a`.
    /// `a` is a batch or a batch with every item transposed (`k.t()`, a view). The batches have
    /// one batch dimension ([`SameBatch`]) and the items' inner dimensions agree
    /// ([`Agree`]), both checked by the types ([`ItemsRhsFor`]) as for [`Batched::matmul`].
    ///
    /// Attention's scores are `g.batched_matmul(q, k.t())`; `g.batched_matmul(q, k)` does not
    /// compile, the inner dimensions being `HeadDim` and `Seq`.
    ///
    /// ```
    /// use shapegrad::{dim, graph::Tape, make_guard, Batched};
    /// dim!(Heads = 2, Seq = 3, HeadDim = 4);
    ///
    /// let q = Batched::<Heads, Seq, HeadDim, f64>::rand(1);
    /// let k = Batched::<Heads, Seq, HeadDim, f64>::rand(2);
    /// let mut tape = Tape::new();
    /// make_guard!(guard);
    /// let g = tape.graph(guard);
    /// let (qv, kv) = (g.param_batched(&q), g.input_batched(&k));
    /// let scores = g.batched_matmul(qv, kv.t());
    /// let expected = q.matmul(k.t());
    /// assert_eq!(Batched::from_stacked(g.value(scores)), expected);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`] batch size or inner dimension disagrees, at the caller's line.
    #[track_caller]
    pub fn batched_matmul<B: Dim, I: Dim, K: Dim, X: ItemsRhsFor<'id, B, I, K>>(
        &self,
        x: Var<'id, (B, I), K>,
        a: X,
    ) -> Var<'id, (B, X::OutRows), X::OutCols> {
        let (a_index, transposed, a_batch, a_rows, a_cols) = a.parts();
        let (batch, rows) = x.rows;
        if batch.size() != a_batch.size() {
            Err::<(), _>(ShapeError::BatchCount {
                op: "batched matmul: the right operand has the left operand's batch size",
                expected: batch.size(),
                given: a_batch.size(),
            })
            .or_panic();
        }
        if x.cols() != a_rows.size() {
            Err::<(), _>(ShapeError::Inner {
                lhs: (rows.size(), x.cols()),
                rhs: (a_rows.size(), a_cols.size()),
            })
            .or_panic();
        }
        let (b, i, k, j) = (batch.size(), rows.size(), x.cols(), a_cols.size());
        let (out_rows, out_cols) = X::out_dims(rows, a_cols);
        let out_rows = (batch, out_rows);
        self.with_tape(|tape, leaves| {
            let (nodes, before, out) = next_value(tape, b * i, j);
            let xs = value_slice(nodes, before, leaves, x.index);
            let av = value_slice(nodes, before, leaves, a_index);
            let xv = items_view(xs, b, i, k);
            as_items(out, b, |out| {
                let done = if transposed {
                    xv.try_matmul_into(items_view(av, b, j, k).t(), out, Write::Overwrite)
                } else {
                    xv.try_matmul_into(items_view(av, b, k, j), out, Write::Overwrite)
                };
                done.expect("the sizes were checked above");
            });
            let node = Node {
                op: Op::BatchedMatMul {
                    x: x.index,
                    a: a_index,
                    transposed,
                    items: b,
                },
                rows: b * i,
                cols: j,
                needs_grad: tape.nodes[x.index].needs_grad || tape.nodes[a_index].needs_grad,
            };
            self.push(tape, node, out_rows, out_cols)
        })
    }

    /// Every item's columns split into `H` attention heads of `D` columns: item `b·H + h` of the
    /// result is head `h` of item `b` (columns `h·D .. (h+1)·D`), as PyTorch's
    /// `x.view(B, S, H, D).transpose(1, 2)`. `M` must be declared as `H × D`
    /// (`dim!(Model = Heads * HeadDim)`), so the sizes agree by the types, and `H` and `D` are
    /// inferred from that declaration.
    ///
    /// ```
    /// use shapegrad::{dim, graph::{Tape, Var}, make_guard, Batched};
    /// dim!(Batch = 2, Seq = 3, Heads = 2, HeadDim = 4, Model = Heads * HeadDim);
    ///
    /// let x = Batched::<Batch, Seq, Model, f64>::rand(1);
    /// let mut tape = Tape::new();
    /// make_guard!(guard);
    /// let g = tape.graph(guard);
    /// let heads = g.split_heads(g.input_batched(&x));
    /// assert_eq!(Batched::from_stacked(g.value(heads)), x.split_heads::<Heads, HeadDim>());
    /// let back: Var<(Batch, Seq), Model> = g.merge_heads(heads);
    /// assert_eq!(Batched::from_stacked(g.value(back)), x);
    /// ```
    pub fn split_heads<B: Dim, S: Dim, M: StaticDim + Product<H, D>, H: StaticDim, D: StaticDim>(
        &self,
        x: Var<'id, (B, S), M>,
    ) -> Var<'id, ((B, H), S), D> {
        let (batch, seq) = x.rows;
        let rows = ((batch, H::default()), seq);
        self.heads::<_, _, H, D>(x.index, true, batch.size(), seq.size(), rows, D::default())
    }

    /// The heads of every item put back side by side: the inverse of
    /// [`split_heads`](Self::split_heads). `M` must be declared as `H × D`.
    pub fn merge_heads<B: Dim, S: Dim, M: StaticDim + Product<H, D>, H: StaticDim, D: StaticDim>(
        &self,
        x: Var<'id, ((B, H), S), D>,
    ) -> Var<'id, (B, S), M> {
        let ((batch, _), seq) = x.rows;
        let rows = (batch, seq);
        self.heads::<_, _, H, D>(x.index, false, batch.size(), seq.size(), rows, M::default())
    }

    /// Records a split (`split`) or a merge of node `x`'s heads.
    fn heads<R: Dim, C: Dim, H: StaticDim, D: StaticDim>(
        &self,
        x: usize,
        split: bool,
        items: usize,
        seq: usize,
        rows: R,
        cols: C,
    ) -> Var<'id, R, C> {
        self.with_tape(|tape, leaves| {
            let (nodes, before, out) = next_value(tape, rows.size(), cols.size());
            let src = value_slice(nodes, before, leaves, x);
            let f = if split {
                crate::batched::split_heads_flat
            } else {
                crate::batched::merge_heads_flat
            };
            f(src, items, seq, H::SIZE, D::SIZE, out.as_mut_slice(), false);
            let node = Node {
                op: Op::Heads {
                    x,
                    split,
                    items,
                    heads: H::SIZE,
                },
                rows: rows.size(),
                cols: cols.size(),
                needs_grad: tape.nodes[x].needs_grad,
            };
            self.push(tape, node, rows, cols)
        })
    }

    /// `m` added to every item of `x`: a `S × C` term shared by every sequence, such as a
    /// learned position embedding. `m`'s gradient is summed over the items.
    ///
    /// # Panics
    /// When a [`Dyn`] size of `m` differs from the items', at the caller's line.
    #[track_caller]
    pub fn add_items<B: Dim, S: Dim, C: Dim>(
        &self,
        x: Var<'id, (B, S), C>,
        m: Var<'id, S, C>,
    ) -> Var<'id, (B, S), C> {
        let (_, seq) = x.rows;
        if (seq.size(), x.cols()) != (m.rows(), m.cols()) {
            Err::<(), _>(ShapeError::Mismatch {
                op: "add_items: the matrix added to every item has the items' shape",
                expected: (seq.size(), x.cols()),
                given: (m.rows(), m.cols()),
            })
            .or_panic();
        }
        self.with_tape(|tape, leaves| {
            let (nodes, before, out) = next_value(tape, x.rows(), x.cols());
            let xs = value_slice(nodes, before, leaves, x.index);
            let ms = value_slice(nodes, before, leaves, m.index);
            out.as_mut_slice().copy_from_slice(xs);
            for item in out.as_mut_slice().chunks_exact_mut(ms.len().max(1)) {
                item.iter_mut().zip(ms).for_each(|(o, &v)| *o += v);
            }
            let node = Node {
                op: Op::AddItems {
                    x: x.index,
                    m: m.index,
                },
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: tape.nodes[x.index].needs_grad || tape.nodes[m.index].needs_grad,
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    /// The causal mask of every item of a batch of attention scores: in each `S × S` item,
    /// position `i` attends to `0..=i` only ([`Batched::causal_mask`]).
    ///
    /// # Panics
    /// When a [`Dyn`] item is not square, at the caller's line.
    #[track_caller]
    pub fn causal_mask_items<X: MaskableItems<'id>>(&self, x: X) -> X {
        let x = x.scores();
        let (_, seq) = x.rows;
        if seq.size() != x.cols() {
            Err::<(), _>(ShapeError::Mismatch {
                op: "causal_mask_items: the scores of a sequence against itself are square",
                expected: (seq.size(), seq.size()),
                given: (seq.size(), x.cols()),
            })
            .or_panic();
        }
        X::from_scores(self.mask(x))
    }
}
