//! [`Tape`]: the storage a graph records into, kept across training steps so that a step after
//! the first allocates nothing.

use crate::{Binary, Dyn, Matrix, Reduce, RowSoftmax, Scalar, Unary};

/// The buffers of reverse-mode autodiff, reused from one training step to the next.
///
/// A [`Graph`](super::Graph) borrows the tape for one step: it records a node per op, keeps each
/// node's value and gradient in a buffer of the tape, and leaves them there when it is done. The
/// next step's node `i` reuses step `i`'s buffers, so once the first step has sized them (a
/// training loop records the same ops in the same order every step) no step allocates.
///
/// ```
/// use shapegrad::{dim, graph::Tape, make_guard, Matrix};
/// dim!(B = 4, In = 3, Out = 2);
///
/// let mut w = Matrix::<In, Out, f64>::rand(1);
/// let x = Matrix::<B, In, f64>::rand(2);
/// let mut tape = Tape::new();
/// for _step in 0..3 {
///     make_guard!(guard);
///     let g = tape.graph(guard);
///     let (wv, xv) = (g.param(&w), g.input(&x));
///     let loss = g.mean(g.square(g.matmul(xv, wv)));
///     let grads = g.backward(loss);
///     let dw = grads.get(wv).to_matrix();
///     w -= &(&dw * 0.1);
/// }
/// ```
#[derive(Debug, Default)]
pub struct Tape<T: Scalar = f32> {
    /// This step's nodes, in the order they were recorded.
    pub(super) nodes: Vec<Node<T>>,
    /// Node `i`'s value (empty for a leaf, whose value is borrowed, until an op needs a copy).
    pub(super) values: Vec<Matrix<Dyn, Dyn, T>>,
    /// Node `i`'s gradient, after a backward pass.
    pub(super) grads: Vec<Matrix<Dyn, Dyn, T>>,
    /// Each parameter's buffer address and length, and its node: how a parameter registered
    /// twice gets one node, and how an optimizer finds a parameter's gradient.
    pub(super) leaf_keys: Vec<LeafKey>,
    /// During a backward pass, whether node `i`'s gradient has been written yet.
    pub(super) written: Vec<bool>,
    /// The class labels of this step's cross-entropy ops, one run per op.
    pub(super) labels: Vec<usize>,
    /// The capacity of the last graph's list of borrowed leaves, handed to the next graph.
    pub(super) spare_leaves: Vec<&'static [T]>,
}

impl<T: Scalar> Tape<T> {
    /// An empty tape; its buffers grow during the first step.
    pub fn new() -> Self {
        Tape {
            nodes: Vec::new(),
            values: Vec::new(),
            grads: Vec::new(),
            leaf_keys: Vec::new(),
            written: Vec::new(),
            labels: Vec::new(),
            spare_leaves: Vec::new(),
        }
    }

    /// The number of nodes the last graph recorded.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the last graph recorded nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A buffer for node `i`'s value or gradient: the one step `i` of the last graph used, or a
    /// new one the first time.
    pub(super) fn slot(
        buffers: &mut Vec<Matrix<Dyn, Dyn, T>>,
        i: usize,
    ) -> &mut Matrix<Dyn, Dyn, T> {
        while buffers.len() <= i {
            buffers.push(Matrix::zeros_with(Dyn(0), Dyn(0)));
        }
        &mut buffers[i]
    }
}

/// A leaf's identity: the address and length of its elements (compared, never dereferenced),
/// and its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LeafKey {
    pub(super) addr: usize,
    pub(super) len: usize,
    pub(super) node: usize,
}

impl LeafKey {
    /// The node of the leaf whose elements are `data`, if one was recorded.
    pub(super) fn find(keys: &[LeafKey], data: &[impl Sized]) -> Option<usize> {
        let (addr, len) = (data.as_ptr() as usize, data.len());
        keys.iter()
            .find(|k| k.addr == addr && k.len == len && len > 0)
            .map(|k| k.node)
    }
}

/// One recorded op: what it computed from which nodes, and its shape.
#[derive(Clone, Copy, Debug)]
pub(super) struct Node<T: Scalar> {
    pub(super) op: Op<T>,
    pub(super) rows: usize,
    pub(super) cols: usize,
    /// Whether a gradient flows back through this node: it is a parameter, or an op on one.
    pub(super) needs_grad: bool,
}

/// The ops a graph records; each names its operands by node index, always lower than its own.
#[derive(Clone, Copy, Debug)]
pub(super) enum Op<T: Scalar> {
    /// A parameter or an input: its value is the graph's borrowed leaf `leaf`; `copied` once an
    /// op needed it as an owned matrix and it was copied into the node's value buffer.
    Leaf { leaf: usize, copied: bool },
    /// `x · a`.
    MatMul { x: usize, a: usize },
    /// `x · w + b`, the row `b` added to every row.
    Linear { x: usize, w: usize, b: usize },
    /// `f(x)`, element-wise.
    Unary { f: Unary<T>, x: usize },
    /// `f(a, b)`, element-wise.
    Binary { f: Binary, a: usize, b: usize },
    /// `k · x`.
    Scale { k: T, x: usize },
    /// `f(x, row)` with the `1 × C` row `row` broadcast over every row of `x`.
    BroadcastRow { f: Binary, x: usize, row: usize },
    /// `f(x, col)` with the `R × 1` column `col` broadcast over every column of `x`.
    BroadcastCol { f: Binary, x: usize, col: usize },
    /// The sum or mean of each column of `x`: a `1 × C` row.
    PerColumn { r: Reduce, x: usize },
    /// The sum or mean of each row of `x`: an `R × 1` column.
    PerRow { r: Reduce, x: usize },
    /// The sum or mean of every element of `x`: a `1 × 1`.
    All { r: Reduce, x: usize },
    /// Softmax or log-softmax along each row of `x`.
    Softmax { f: RowSoftmax, x: usize },
    /// `xᵀ`, copied.
    Transpose { x: usize },
    /// `x`, square items of `cols × cols` stacked (one item for a 2-D square), with the
    /// elements above each item's diagonal set to `−∞`.
    CausalMask { x: usize },
    /// Item `k` of `x` times item `k` of `a` (read with every item transposed when
    /// `transposed`), for `items` items.
    BatchedMatMul {
        x: usize,
        a: usize,
        transposed: bool,
        items: usize,
    },
    /// Layer normalisation of every row of `x`, with a `1 × C` gain and bias.
    LayerNorm {
        x: usize,
        gain: usize,
        bias: usize,
        eps: T,
    },
    /// `x` with `m` added to every item.
    AddItems { x: usize, m: usize },
    /// `x`'s `items` items split into `heads` heads each (`split`), or `items · heads` heads
    /// merged back into `items` items.
    Heads {
        x: usize,
        split: bool,
        items: usize,
        heads: usize,
    },
    /// Softmax cross-entropy of the rows of `logits` against the labels
    /// `tape.labels[labels..labels + rows]`.
    CrossEntropy { logits: usize, labels: usize },
    /// Mean squared error of `prediction` against `target`.
    Mse { prediction: usize, target: usize },
    /// Binary cross-entropy of `sigmoid(logits)` against `targets`.
    BinaryCrossEntropy { logits: usize, targets: usize },
}
