//! Typed reverse-mode autodiff: a [`Graph`] records ops on [`Var`]s, handles typed by their
//! shape, and its [`backward`](Graph::backward) returns [`Grads`], where the gradient of a
//! `Var<R, C>` is a `MatRef<R, C>`.
//!
//! - Parameters stay in the user's own structs as [`Matrix`]; [`Graph::param`]
//!   borrows one for the step and hands back its handle.
//! - Every op's backward is the typed backward of its op family in `ops/`, the same function a
//!   user can call by hand; the graph calls it with [`Dyn`] sizes, and its generic
//!   body is what the compiler checked.
//! - A batch of `B` matrices of `R × C` is a `Var<(B, R), C>`, its items' rows stacked: the
//!   row-wise ops apply to it as they are, and the ops that work item by item (batched products,
//!   attention heads, the causal mask) read the items from the type. See
//!   [`Graph::batched_matmul`] and [`nn::Attention`](crate::nn::Attention).
//! - Each graph is branded with a lifetime of its own ([`make_guard!`](crate::make_guard)), so a
//!   handle of one graph passed to another does not compile.
//! - The [`Tape`] a graph records into outlives it: a training loop makes a new graph per step
//!   on one tape, and after the first step a step allocates nothing of its own.
//!
//! ```
//! use shapegrad::{dim, graph::Tape, make_guard, Const, Matrix};
//! dim!(Batch = 8, In = 4, Hidden = 16, Out = 3);
//!
//! let w1 = Matrix::<In, Hidden, f64>::rand(1);
//! let b1 = Matrix::<Const<1>, Hidden, f64>::zeros();
//! let w2 = Matrix::<Hidden, Out, f64>::rand(2);
//! let x = Matrix::<Batch, In, f64>::rand(3);
//!
//! let mut tape = Tape::new();
//! make_guard!(guard);
//! let g = tape.graph(guard);
//! let (w1v, b1v, w2v) = (g.param(&w1), g.param(&b1), g.param(&w2));
//! let h = g.relu(g.add_row(g.matmul(g.input(&x), w1v), b1v));
//! let loss = g.mean(g.square(g.matmul(h, w2v)));
//! let grads = g.backward(loss);
//! // Each gradient has its parameter's type: no Option, no id.
//! let dw1: shapegrad::MatRef<In, Hidden, f64> = grads.get(w1v);
//! let db1: shapegrad::MatRef<Const<1>, Hidden, f64> = grads.get(b1v);
//! # let _ = (dw1, db1, grads.get(w2v));
//! ```

mod backward;
mod batched;
mod ops;
mod tape;

use core::cell::RefCell;
use core::marker::PhantomData;

pub use backward::Grads;
pub use batched::{ItemsOperand, ItemsRhsFor, ItemsT, MaskableItems, ScoreDims, SquareItems};
pub use generativity::{Guard, Id};
pub use tape::Tape;

use crate::{Const, Dim, Dyn, MatRef, Matrix, Scalar};
use tape::{LeafKey, Node, Op};

/// A value in a [`Graph`]: an `R × C` matrix, named by a handle that is only an index and the
/// dimensions, so it is `Copy` and borrows nothing.
///
/// `'id` is the graph's brand: a `Var` works only with the graph that made it.
pub struct Var<'id, R: Dim, C: Dim> {
    index: usize,
    rows: R,
    cols: C,
    brand: PhantomData<Id<'id>>,
}

impl<R: Dim, C: Dim> Clone for Var<'_, R, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Dim, C: Dim> Copy for Var<'_, R, C> {}

impl<R: Dim, C: Dim> core::fmt::Debug for Var<'_, R, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Var#{}({}×{})", self.index, self.rows(), self.cols())
    }
}

impl<R: Dim, C: Dim> Var<'_, R, C> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows.size()
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols.size()
    }

    /// The dimensions as values.
    pub fn dims(&self) -> (R, C) {
        (self.rows, self.cols)
    }
}

/// One training step's record of ops, from parameters and inputs to a scalar loss.
///
/// Made by [`Tape::graph`] with a fresh brand from [`make_guard!`](crate::make_guard). Ops are
/// methods taking `&self`, so they nest: `g.relu(g.matmul(x, w))`. `'t` is the tape's borrow and
/// `'p` the borrow of the parameters and inputs, which ends when [`backward`](Self::backward)
/// consumes the graph, so the parameters can be updated while the [`Grads`] are read.
pub struct Graph<'id, 't, 'p, T: Scalar = f32> {
    /// `None` only after `backward` has handed the tape to the [`Grads`].
    tape: RefCell<Option<&'t mut Tape<T>>>,
    /// The parameters' and inputs' elements, borrowed for the step.
    leaves: RefCell<Vec<&'p [T]>>,
    brand: PhantomData<Id<'id>>,
}

impl<T: Scalar> Tape<T> {
    /// A graph recording into this tape, branded by `guard`:
    /// `make_guard!(guard); let g = tape.graph(guard);`.
    ///
    /// The previous step's nodes are forgotten; their buffers are kept for this one.
    pub fn graph<'id, 'p>(&mut self, guard: Guard<'id>) -> Graph<'id, '_, 'p, T> {
        let _ = Id::from(guard);
        self.nodes.clear();
        self.labels.clear();
        self.leaf_keys.clear();
        let leaves = recycle(core::mem::take(&mut self.spare_leaves));
        Graph {
            tape: RefCell::new(Some(self)),
            leaves: RefCell::new(leaves),
            brand: PhantomData,
        }
    }
}

/// An empty list of borrowed slices with `v`'s capacity: the collect runs in place over `v`'s
/// buffer (its elements have one size and alignment whatever their lifetime), and the closure
/// never runs because the list is emptied first.
fn recycle<'a, 'b, T>(mut v: Vec<&'a [T]>) -> Vec<&'b [T]> {
    v.clear();
    v.into_iter()
        .map(|_| -> &'b [T] { unreachable!() })
        .collect()
}

impl<'id, 'p, T: Scalar> Graph<'id, '_, 'p, T> {
    /// Runs `f` on the tape. The tape is in the graph until `backward` takes it, and no op holds
    /// the borrow while calling back into the graph.
    fn with_tape<R>(&self, f: impl FnOnce(&mut Tape<T>, &[&'p [T]]) -> R) -> R {
        let mut tape = self.tape.borrow_mut();
        let tape = tape
            .as_deref_mut()
            .expect("the tape stays in the graph until backward");
        f(tape, &self.leaves.borrow())
    }

    /// Records `node` and returns its handle.
    fn push<R: Dim, C: Dim>(
        &self,
        tape: &mut Tape<T>,
        node: Node<T>,
        rows: R,
        cols: C,
    ) -> Var<'id, R, C> {
        debug_assert_eq!((node.rows, node.cols), (rows.size(), cols.size()));
        tape.nodes.push(node);
        Var {
            index: tape.nodes.len() - 1,
            rows,
            cols,
            brand: PhantomData,
        }
    }

    /// A leaf: a parameter (`needs_grad`) or an input, borrowed for the step. A parameter given
    /// twice is one leaf, so the gradients of its uses add up; only parameters are keyed by
    /// their buffer, so an optimizer finds each one's gradient ([`Grads::of`]).
    fn leaf<R: Dim, C: Dim>(
        &self,
        data: &'p [T],
        rows: R,
        cols: C,
        needs_grad: bool,
    ) -> Var<'id, R, C> {
        debug_assert_eq!(data.len(), rows.size() * cols.size());
        let mut tape = self.tape.borrow_mut();
        let tape = tape
            .as_deref_mut()
            .expect("the tape stays in the graph until backward");
        if needs_grad && let Some(node) = LeafKey::find(&tape.leaf_keys, data) {
            return Var {
                index: node,
                rows,
                cols,
                brand: PhantomData,
            };
        }
        let leaf = {
            let mut leaves = self.leaves.borrow_mut();
            leaves.push(data);
            leaves.len() - 1
        };
        let node = Node {
            op: Op::Leaf {
                leaf,
                copied: false,
            },
            rows: rows.size(),
            cols: cols.size(),
            needs_grad,
        };
        let var = self.push(tape, node, rows, cols);
        if needs_grad {
            tape.leaf_keys.push(LeafKey {
                addr: data.as_ptr() as usize,
                len: data.len(),
                node: var.index,
            });
        }
        var
    }

    /// A parameter: its gradient is computed, and [`Grads::get`] returns it with `m`'s type.
    pub fn param<R: Dim, C: Dim>(&self, m: &'p Matrix<R, C, T>) -> Var<'id, R, C> {
        let (rows, cols) = m.dims();
        self.leaf(m.as_slice(), rows, cols, true)
    }

    /// An input, such as a batch of data: no gradient flows into it.
    pub fn input<R: Dim, C: Dim>(&self, m: &'p Matrix<R, C, T>) -> Var<'id, R, C> {
        let (rows, cols) = m.dims();
        self.leaf(m.as_slice(), rows, cols, false)
    }

    /// A copy of `v`'s value.
    pub fn value<R: Dim, C: Dim>(&self, v: Var<'id, R, C>) -> Matrix<R, C, T> {
        self.with_tape(|tape, leaves| {
            value_view(&tape.nodes, &tape.values, leaves, v.index)
                .with_rows(v.rows)
                .with_cols(v.cols)
                .to_matrix()
        })
    }

    /// The value of a `1 × 1` variable, such as a loss.
    pub fn scalar(&self, v: Var<'id, Const<1>, Const<1>>) -> T {
        self.with_tape(|tape, leaves| {
            value_view(&tape.nodes, &tape.values, leaves, v.index)
                .get(0, 0)
                .unwrap_or(T::ZERO)
        })
    }
}

impl<T: Scalar> Drop for Graph<'_, '_, '_, T> {
    fn drop(&mut self) {
        if let Some(tape) = self.tape.get_mut().take() {
            tape.spare_leaves = recycle(core::mem::take(self.leaves.get_mut()));
        }
    }
}

/// The elements of node `i`, row-major: its buffer in the tape, or its borrowed leaf.
fn value_slice<'s, T: Scalar>(
    nodes: &[Node<T>],
    values: &'s [Matrix<Dyn, Dyn, T>],
    leaves: &[&'s [T]],
    i: usize,
) -> &'s [T] {
    match nodes[i].op {
        Op::Leaf {
            leaf,
            copied: false,
        } => leaves[leaf],
        _ => values[i].as_slice(),
    }
}

/// Node `i`'s value as a view: its buffer in the tape, or its borrowed leaf.
fn value_view<'s, T: Scalar>(
    nodes: &[Node<T>],
    values: &'s [Matrix<Dyn, Dyn, T>],
    leaves: &[&'s [T]],
    i: usize,
) -> MatRef<'s, Dyn, Dyn, T> {
    let node = nodes[i];
    MatRef::row_major(
        value_slice(nodes, values, leaves, i),
        Dyn(node.rows),
        Dyn(node.cols),
    )
}
