//! The ops a [`Graph`] records: each computes its value into the tape's buffer for the node, at
//! [`Dyn`] sizes, and records a node for the backward pass.
//!
//! Where the op family has a forward that writes into a buffer (`matmul_into`, `unary`,
//! `binary`, softmax, the causal mask, the losses) the graph calls it. The broadcasts, the
//! reductions, `scale` and `transpose` have only allocating forwards in their families, so their
//! one-pass loops are written here; their backward passes are still the families' own.

use super::tape::{Node, Op, Tape};
use super::{Graph, Var, value_view};
use crate::error::OrPanic;
use crate::ops::binary::per_variant;
use crate::{
    Agree, Binary, Const, Dim, Dyn, InnerDims, Matrix, Reduce, RowSoftmax, Scalar, ShapeError,
    Unary, Write,
};

/// The axis a reduction runs along.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// Down each column: a `1 × C` row.
    Columns,
    /// Along each row: an `R × 1` column.
    Rows,
    /// Over every element: a `1 × 1`.
    All,
}

/// The product's dimension `D` once the inner dimensions `K` and `K2` have been checked.
type Checked<K, K2, D> = <InnerDims as Agree<K, K2>>::Checked<D>;

/// Makes node `i`'s value an owned matrix in the tape: a leaf is copied from its borrowed slice
/// once per step, the first time an op needs it whole (element-wise ops take `&Matrix`).
fn make_owned<T: Scalar>(tape: &mut Tape<T>, leaves: &[&[T]], i: usize) {
    let node = tape.nodes[i];
    if let Op::Leaf {
        leaf,
        copied: false,
    } = node.op
    {
        let buf = Tape::slot(&mut tape.values, i);
        buf.reuse_as(node.rows, node.cols, false);
        buf.as_mut_slice().copy_from_slice(leaves[leaf]);
        tape.nodes[i].op = Op::Leaf { leaf, copied: true };
    }
}

/// The nodes recorded so far, their values, and the buffer for the next node's value.
type Split<'a, T> = (
    &'a [Node<T>],
    &'a mut [Matrix<Dyn, Dyn, T>],
    &'a mut Matrix<Dyn, Dyn, T>,
);

/// The buffer for the value of the node about to be recorded (index `tape.nodes.len()`), sized
/// `rows × cols`, and the values of the nodes before it.
pub(super) fn next_value<T: Scalar>(tape: &mut Tape<T>, rows: usize, cols: usize) -> Split<'_, T> {
    let n = tape.nodes.len();
    Tape::slot(&mut tape.values, n);
    let (before, rest) = tape.values.split_at_mut(n);
    let out = &mut rest[0];
    out.reuse_as(rows, cols, false);
    (&tape.nodes, before, out)
}

impl<'id, 'p, T: Scalar> Graph<'id, '_, 'p, T> {
    /// Whether node `i` takes part in the backward pass.
    fn needs_grad(tape: &Tape<T>, i: usize) -> bool {
        tape.nodes[i].needs_grad
    }

    /// The product `x · a`, with the same shape rules as [`Matrix::matmul`]: the inner dimensions
    /// must agree (`InnerDims: Agree<K, K2>`), and a [`Dyn`] one is compared at run time.
    ///
    /// # Panics
    /// When a [`Dyn`] inner dimension disagrees, at the caller's line.
    #[track_caller]
    pub fn matmul<I: Dim, K: Dim, K2: Dim, J: Dim>(
        &self,
        x: Var<'id, I, K>,
        a: Var<'id, K2, J>,
    ) -> Var<'id, Checked<K, K2, I>, Checked<K, K2, J>>
    where
        InnerDims: Agree<K, K2>,
    {
        if x.cols() != a.rows() {
            Err::<(), _>(ShapeError::Inner {
                lhs: (x.rows(), x.cols()),
                rhs: (a.rows(), a.cols()),
            })
            .or_panic();
        }
        let rows = <InnerDims as Agree<K, K2>>::checked(x.rows);
        let cols = <InnerDims as Agree<K, K2>>::checked(a.cols);
        self.with_tape(|tape, leaves| {
            let (nodes, before, out) = next_value(tape, x.rows(), a.cols());
            let xv = value_view(nodes, before, leaves, x.index);
            let av = value_view(nodes, before, leaves, a.index);
            xv.matmul_into(av, out, Write::Overwrite);
            let node = Node {
                op: Op::MatMul {
                    x: x.index,
                    a: a.index,
                },
                rows: x.rows(),
                cols: a.cols(),
                needs_grad: Self::needs_grad(tape, x.index) || Self::needs_grad(tape, a.index),
            };
            self.push(tape, node, rows, cols)
        })
    }

    /// `x · w + b`, the `1 × J` bias row added to every row of the product, as one op: the
    /// product is added to the bias rows in the same pass that computes it, and the backward
    /// sums the bias's gradient over the rows ([`Matrix::try_col_sums_into`]). The shape rules
    /// are [`matmul`](Self::matmul)'s; [`nn::Linear`](crate::nn::Linear) records its forward
    /// with it.
    ///
    /// # Panics
    /// When a [`Dyn`] inner dimension or bias width disagrees, at the caller's line.
    #[track_caller]
    pub fn linear<I: Dim, K: Dim, K2: Dim, J: Dim>(
        &self,
        x: Var<'id, I, K>,
        w: Var<'id, K2, J>,
        b: Var<'id, Const<1>, J>,
    ) -> Var<'id, Checked<K, K2, I>, Checked<K, K2, J>>
    where
        InnerDims: Agree<K, K2>,
    {
        if x.cols() != w.rows() {
            Err::<(), _>(ShapeError::Inner {
                lhs: (x.rows(), x.cols()),
                rhs: (w.rows(), w.cols()),
            })
            .or_panic();
        }
        if b.cols() != w.cols() {
            Err::<(), _>(ShapeError::Mismatch {
                op: "linear: the bias row has the weight's columns",
                expected: (1, w.cols()),
                given: (1, b.cols()),
            })
            .or_panic();
        }
        let rows = <InnerDims as Agree<K, K2>>::checked(x.rows);
        let cols = <InnerDims as Agree<K, K2>>::checked(w.cols);
        self.with_tape(|tape, leaves| {
            let (nodes, before, out) = next_value(tape, x.rows(), w.cols());
            let bias = super::value_slice(nodes, before, leaves, b.index);
            if !bias.is_empty() {
                for row in out.as_mut_slice().chunks_exact_mut(bias.len()) {
                    row.copy_from_slice(bias);
                }
            }
            let xv = value_view(nodes, before, leaves, x.index);
            let wv = value_view(nodes, before, leaves, w.index);
            xv.matmul_into(wv, out, Write::Accumulate);
            let node = Node {
                op: Op::Linear {
                    x: x.index,
                    w: w.index,
                    b: b.index,
                },
                rows: x.rows(),
                cols: w.cols(),
                needs_grad: [x.index, w.index, b.index]
                    .iter()
                    .any(|&i| Self::needs_grad(tape, i)),
            };
            self.push(tape, node, rows, cols)
        })
    }

    /// `f` of every element of `x` ([`Unary`]).
    pub fn unary<R: Dim, C: Dim>(&self, f: Unary<T>, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, x.index);
            let (_, before, out) = next_value(tape, x.rows(), x.cols());
            before[x.index]
                .try_unary_into(f, out)
                .expect("a node's value has the node's shape");
            let node = Node {
                op: Op::Unary { f, x: x.index },
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: Self::needs_grad(tape, x.index),
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    /// `max(x, 0)`, element-wise.
    pub fn relu<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Relu, x)
    }

    /// `x` where positive, `slope · x` elsewhere.
    pub fn leaky_relu<R: Dim, C: Dim>(&self, x: Var<'id, R, C>, slope: T) -> Var<'id, R, C> {
        self.unary(Unary::LeakyRelu(slope), x)
    }

    /// The logistic sigmoid, element-wise.
    pub fn sigmoid<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Sigmoid, x)
    }

    /// The hyperbolic tangent, element-wise.
    pub fn tanh<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Tanh, x)
    }

    /// The exact GELU, element-wise.
    pub fn gelu<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Gelu, x)
    }

    /// `e^x`, element-wise.
    pub fn exp<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Exp, x)
    }

    /// The natural logarithm, element-wise.
    pub fn ln<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Ln, x)
    }

    /// The square root, element-wise.
    pub fn sqrt<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Sqrt, x)
    }

    /// The square, element-wise.
    pub fn square<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.unary(Unary::Square, x)
    }

    /// `f(a, b)`, element-wise ([`Binary`]: add, sub, Hadamard product, divide); `a` and `b`
    /// have one type.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn binary<R: Dim, C: Dim>(
        &self,
        f: Binary,
        a: Var<'id, R, C>,
        b: Var<'id, R, C>,
    ) -> Var<'id, R, C> {
        if (a.rows(), a.cols()) != (b.rows(), b.cols()) {
            Err::<(), _>(ShapeError::Mismatch {
                op: match f {
                    Binary::Add => "add: both operands must have one shape",
                    Binary::Sub => "sub: both operands must have one shape",
                    Binary::Hadamard => "hadamard: both operands must have one shape",
                    Binary::Div => "div: both operands must have one shape",
                },
                expected: (a.rows(), a.cols()),
                given: (b.rows(), b.cols()),
            })
            .or_panic();
        }
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, a.index);
            make_owned(tape, leaves, b.index);
            let (_, before, out) = next_value(tape, a.rows(), a.cols());
            before[a.index]
                .try_binary_into(f, &before[b.index], out)
                .expect("the shapes were compared above");
            let node = Node {
                op: Op::Binary {
                    f,
                    a: a.index,
                    b: b.index,
                },
                rows: a.rows(),
                cols: a.cols(),
                needs_grad: Self::needs_grad(tape, a.index) || Self::needs_grad(tape, b.index),
            };
            self.push(tape, node, a.rows, a.cols)
        })
    }

    /// `a + b`, element-wise; both have one type.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn add<R: Dim, C: Dim>(&self, a: Var<'id, R, C>, b: Var<'id, R, C>) -> Var<'id, R, C> {
        self.binary(Binary::Add, a, b)
    }

    /// `a − b`, element-wise.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn sub<R: Dim, C: Dim>(&self, a: Var<'id, R, C>, b: Var<'id, R, C>) -> Var<'id, R, C> {
        self.binary(Binary::Sub, a, b)
    }

    /// `a ⊙ b`, the element-wise (Hadamard) product; the matrix product is
    /// [`matmul`](Self::matmul).
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn hadamard<R: Dim, C: Dim>(&self, a: Var<'id, R, C>, b: Var<'id, R, C>) -> Var<'id, R, C> {
        self.binary(Binary::Hadamard, a, b)
    }

    /// `a / b`, element-wise.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn div<R: Dim, C: Dim>(&self, a: Var<'id, R, C>, b: Var<'id, R, C>) -> Var<'id, R, C> {
        self.binary(Binary::Div, a, b)
    }

    /// `k · x`, for a constant `k`.
    pub fn scale<R: Dim, C: Dim>(&self, x: Var<'id, R, C>, k: T) -> Var<'id, R, C> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, x.index);
            let (_, before, out) = next_value(tape, x.rows(), x.cols());
            let src = before[x.index].as_slice();
            out.as_mut_slice()
                .iter_mut()
                .zip(src)
                .for_each(|(o, &v)| *o = k * v);
            let node = Node {
                op: Op::Scale { k, x: x.index },
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: Self::needs_grad(tape, x.index),
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    /// `f(x, row)` with the `1 × C` row broadcast over every row of `x`: a bias (`Add`), a
    /// per-feature scale (`Hadamard`), centring (`Sub`) or normalising (`Div`). The row's
    /// gradient is summed over the rows back to `1 × C`.
    ///
    /// # Panics
    /// When a [`Dyn`] column count disagrees, at the caller's line.
    #[track_caller]
    pub fn broadcast_row<R: Dim, C: Dim>(
        &self,
        f: Binary,
        x: Var<'id, R, C>,
        row: Var<'id, Const<1>, C>,
    ) -> Var<'id, R, C> {
        if x.cols() != row.cols() {
            Err::<(), _>(ShapeError::Mismatch {
                op: if f == Binary::Add {
                    "add_row: the row must have the matrix's columns"
                } else {
                    "broadcast_row: the row must have the matrix's columns"
                },
                expected: (1, x.cols()),
                given: (1, row.cols()),
            })
            .or_panic();
        }
        self.broadcast(f, x, row.index, true)
    }

    /// `f(x, col)` with the `R × 1` column broadcast over every column of `x`. The column's
    /// gradient is summed over the columns back to `R × 1`.
    ///
    /// # Panics
    /// When a [`Dyn`] row count disagrees, at the caller's line.
    #[track_caller]
    pub fn broadcast_col<R: Dim, C: Dim>(
        &self,
        f: Binary,
        x: Var<'id, R, C>,
        col: Var<'id, R, Const<1>>,
    ) -> Var<'id, R, C> {
        if x.rows() != col.rows() {
            Err::<(), _>(ShapeError::Mismatch {
                op: "broadcast_col: the column must have the matrix's rows",
                expected: (x.rows(), 1),
                given: (col.rows(), 1),
            })
            .or_panic();
        }
        self.broadcast(f, x, col.index, false)
    }

    /// `x` with the `1 × C` row `row` added to every row: a bias.
    ///
    /// # Panics
    /// When a [`Dyn`] column count disagrees, at the caller's line.
    #[track_caller]
    pub fn add_row<R: Dim, C: Dim>(
        &self,
        x: Var<'id, R, C>,
        row: Var<'id, Const<1>, C>,
    ) -> Var<'id, R, C> {
        self.broadcast_row(Binary::Add, x, row)
    }

    /// A broadcast of node `other` (a row when `by_row`, else a column) over `x`; sizes checked.
    fn broadcast<R: Dim, C: Dim>(
        &self,
        f: Binary,
        x: Var<'id, R, C>,
        other: usize,
        by_row: bool,
    ) -> Var<'id, R, C> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, x.index);
            make_owned(tape, leaves, other);
            let (_, before, out) = next_value(tape, x.rows(), x.cols());
            let (xs, bs) = (before[x.index].as_slice(), before[other].as_slice());
            let cols = x.cols();
            if cols > 0 {
                let rows = out
                    .as_mut_slice()
                    .chunks_exact_mut(cols)
                    .zip(xs.chunks_exact(cols));
                // One loop per function and direction, so that each row is one vectorised pass.
                if by_row {
                    per_variant!(f, f => for (o, xr) in rows {
                        for ((o, &v), &b) in o.iter_mut().zip(xr).zip(bs) {
                            *o = f.apply(v, b);
                        }
                    });
                } else {
                    per_variant!(f, f => for ((o, xr), &b) in rows.zip(bs) {
                        for (o, &v) in o.iter_mut().zip(xr) {
                            *o = f.apply(v, b);
                        }
                    });
                }
            }
            let op = if by_row {
                Op::BroadcastRow {
                    f,
                    x: x.index,
                    row: other,
                }
            } else {
                Op::BroadcastCol {
                    f,
                    x: x.index,
                    col: other,
                }
            };
            let node = Node {
                op,
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: Self::needs_grad(tape, x.index) || Self::needs_grad(tape, other),
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    /// The sum of each column: a `1 × C` row (the gradient of a bias has this shape).
    pub fn col_sums<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, Const<1>, C> {
        let v = self.reduce(x, Reduce::Sum, Axis::Columns);
        self.retyped(v, Const, x.cols)
    }

    /// The mean of each column: a `1 × C` row; NaN in every column when there are no rows.
    pub fn col_means<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, Const<1>, C> {
        let v = self.reduce(x, Reduce::Mean, Axis::Columns);
        self.retyped(v, Const, x.cols)
    }

    /// The sum of each row: an `R × 1` column.
    pub fn row_sums<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, Const<1>> {
        let v = self.reduce(x, Reduce::Sum, Axis::Rows);
        self.retyped(v, x.rows, Const)
    }

    /// The mean of each row: an `R × 1` column; NaN in every row when there are no columns.
    pub fn row_means<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, Const<1>> {
        let v = self.reduce(x, Reduce::Mean, Axis::Rows);
        self.retyped(v, x.rows, Const)
    }

    /// The sum of every element: a `1 × 1`, which can be a loss.
    pub fn sum<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, Const<1>, Const<1>> {
        let v = self.reduce(x, Reduce::Sum, Axis::All);
        self.retyped(v, Const, Const)
    }

    /// The mean of every element: a `1 × 1`, which can be a loss. NaN for an empty `x`.
    pub fn mean<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, Const<1>, Const<1>> {
        let v = self.reduce(x, Reduce::Mean, Axis::All);
        self.retyped(v, Const, Const)
    }

    /// `v` under the dimension types `rows` and `cols`, of the sizes it was recorded with.
    fn retyped<R2: Dim, C2: Dim>(
        &self,
        v: Var<'id, Dyn, Dyn>,
        rows: R2,
        cols: C2,
    ) -> Var<'id, R2, C2> {
        debug_assert_eq!((v.rows(), v.cols()), (rows.size(), cols.size()));
        Var {
            index: v.index,
            rows,
            cols,
            brand: v.brand,
        }
    }

    /// A reduction of `x` along `axis`, as a node of `Dyn` dimensions its caller retypes.
    fn reduce<R: Dim, C: Dim>(
        &self,
        x: Var<'id, R, C>,
        r: Reduce,
        axis: Axis,
    ) -> Var<'id, Dyn, Dyn> {
        let (rows, cols) = (x.rows(), x.cols());
        let (out_rows, out_cols) = match axis {
            Axis::Columns => (1, cols),
            Axis::Rows => (rows, 1),
            Axis::All => (1, 1),
        };
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, x.index);
            let (_, before, out) = next_value(tape, out_rows, out_cols);
            let src = before[x.index].as_slice();
            let o = out.as_mut_slice();
            o.iter_mut().for_each(|v| *v = T::ZERO);
            if cols > 0 {
                for (i, row) in src.chunks_exact(cols).enumerate() {
                    for (j, &v) in row.iter().enumerate() {
                        o[match axis {
                            Axis::Columns => j,
                            Axis::Rows => i,
                            Axis::All => 0,
                        }] += v;
                    }
                }
            }
            if r == Reduce::Mean {
                let n = match axis {
                    Axis::Columns => rows,
                    Axis::Rows => cols,
                    Axis::All => rows * cols,
                };
                let n = T::from_usize(n);
                o.iter_mut().for_each(|v| *v = *v / n);
            }
            let op = match axis {
                Axis::Columns => Op::PerColumn { r, x: x.index },
                Axis::Rows => Op::PerRow { r, x: x.index },
                Axis::All => Op::All { r, x: x.index },
            };
            let node = Node {
                op,
                rows: out_rows,
                cols: out_cols,
                needs_grad: Self::needs_grad(tape, x.index),
            };
            self.push(tape, node, Dyn(out_rows), Dyn(out_cols))
        })
    }

    /// Softmax along each row: each row of an `R × C` matrix becomes a distribution over `C`.
    pub fn softmax_rows<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.softmax(RowSoftmax::Softmax, x)
    }

    /// Log-softmax along each row, computed through log-sum-exp.
    pub fn log_softmax_rows<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.softmax(RowSoftmax::LogSoftmax, x)
    }

    /// `xᵀ`: a `C × R` value. The graph copies it (a [`Matrix::t`] view is free, but a graph value
    /// is a matrix of its own); its gradient is the transpose of the gradient that reaches it.
    pub fn transpose<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, C, R> {
        self.with_tape(|tape, leaves| {
            let (nodes, before, out) = next_value(tape, x.cols(), x.rows());
            let xv = value_view(nodes, before, leaves, x.index);
            let cols = x.rows();
            for (j, row) in out.as_mut_slice().chunks_exact_mut(cols.max(1)).enumerate() {
                for (i, o) in row.iter_mut().enumerate() {
                    *o = xv.get(i, j).unwrap_or(T::ZERO);
                }
            }
            let node = Node {
                op: Op::Transpose { x: x.index },
                rows: x.cols(),
                cols: x.rows(),
                needs_grad: Self::needs_grad(tape, x.index),
            };
            self.push(tape, node, x.cols, x.rows)
        })
    }

    /// The causal mask of attention scores: position `i` attends to `0..=i` only, the elements
    /// above the diagonal becoming `−∞` ([`Matrix::causal_mask`]).
    ///
    /// # Panics
    /// When a [`Dyn`] `x` is not square, at the caller's line.
    #[track_caller]
    pub fn causal_mask<S: Dim>(&self, x: Var<'id, S, S>) -> Var<'id, S, S> {
        if x.rows() != x.cols() {
            Err::<(), _>(ShapeError::Mismatch {
                op: "causal_mask: the scores of a sequence against itself are square",
                expected: (x.rows(), x.rows()),
                given: (x.rows(), x.cols()),
            })
            .or_panic();
        }
        self.mask(x)
    }

    /// Records the causal mask of `x`'s square items of `cols × cols`, stacked.
    pub(super) fn mask<R: Dim, C: Dim>(&self, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, x.index);
            let (_, before, out) = next_value(tape, x.rows(), x.cols());
            out.as_mut_slice()
                .copy_from_slice(before[x.index].as_slice());
            let n = x.cols();
            for item in out.as_mut_slice().chunks_exact_mut((n * n).max(1)) {
                crate::ops::mask::mask_in_place(item, n);
            }
            let node = Node {
                op: Op::CausalMask { x: x.index },
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: Self::needs_grad(tape, x.index),
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    fn softmax<R: Dim, C: Dim>(&self, f: RowSoftmax, x: Var<'id, R, C>) -> Var<'id, R, C> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, x.index);
            let (_, before, out) = next_value(tape, x.rows(), x.cols());
            f.try_forward_into(&before[x.index], out)
                .expect("a node's value has the node's shape");
            let node = Node {
                op: Op::Softmax { f, x: x.index },
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: Self::needs_grad(tape, x.index),
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    /// Layer normalisation of every row of `x` ([`LayerNorm`](crate::LayerNorm), as PyTorch's
    /// `F.layer_norm`): the row centred and divided by `sqrt(variance + eps)`, times the `1 × C`
    /// `gain`, plus the `1 × C` `bias`. [`nn::LayerNorm`](crate::nn::LayerNorm) is the layer
    /// that holds the gain and bias.
    ///
    /// # Panics
    /// When a [`Dyn`] column count disagrees, at the caller's line.
    #[track_caller]
    pub fn layer_norm<R: Dim, C: Dim>(
        &self,
        x: Var<'id, R, C>,
        gain: Var<'id, Const<1>, C>,
        bias: Var<'id, Const<1>, C>,
        eps: T,
    ) -> Var<'id, R, C> {
        for (what, row) in [("gain", gain.cols()), ("bias", bias.cols())] {
            if row != x.cols() {
                Err::<(), _>(ShapeError::Mismatch {
                    op: if what == "gain" {
                        "layer_norm: the gain has the matrix's columns"
                    } else {
                        "layer_norm: the bias has the matrix's columns"
                    },
                    expected: (1, x.cols()),
                    given: (1, row),
                })
                .or_panic();
            }
        }
        self.with_tape(|tape, leaves| {
            for i in [x.index, gain.index, bias.index] {
                make_owned(tape, leaves, i);
            }
            let norm = crate::LayerNorm { eps };
            let (_, before, out) = next_value(tape, x.rows(), x.cols());
            with_rows(
                before,
                [gain.index, bias.index],
                x.index,
                |before, [g, b]| norm.try_forward_into(&before[x.index], g, b, out),
            )
            .expect("the sizes were checked above");
            let node = Node {
                op: Op::LayerNorm {
                    x: x.index,
                    gain: gain.index,
                    bias: bias.index,
                    eps,
                },
                rows: x.rows(),
                cols: x.cols(),
                needs_grad: [x.index, gain.index, bias.index]
                    .iter()
                    .any(|&i| Self::needs_grad(tape, i)),
            };
            self.push(tape, node, x.rows, x.cols)
        })
    }

    /// Softmax cross-entropy of each row of `logits` against its class label, averaged over
    /// the rows: [`loss::cross_entropy`](crate::loss::cross_entropy) as a graph op. The labels
    /// are copied into the tape.
    ///
    /// # Errors
    /// [`ShapeError::Labels`] when there is not one label per row, [`ShapeError::Label`] for a
    /// label that is not a class; nothing is recorded then.
    pub fn cross_entropy<R: Dim, C: Dim>(
        &self,
        logits: Var<'id, R, C>,
        labels: &[usize],
    ) -> Result<Var<'id, Const<1>, Const<1>>, ShapeError> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, logits.index);
            let (_, before, out) = next_value(tape, 1, 1);
            out.as_mut_slice()[0] = crate::loss::cross_entropy(&before[logits.index], labels)?;
            let start = tape.labels.len();
            tape.labels.extend_from_slice(labels);
            let node = Node {
                op: Op::CrossEntropy {
                    logits: logits.index,
                    labels: start,
                },
                rows: 1,
                cols: 1,
                needs_grad: Self::needs_grad(tape, logits.index),
            };
            Ok(self.push(tape, node, Const, Const))
        })
    }

    /// The mean squared error of `prediction` against `target`, as a graph op.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn mse<R: Dim, C: Dim>(
        &self,
        prediction: Var<'id, R, C>,
        target: Var<'id, R, C>,
    ) -> Var<'id, Const<1>, Const<1>> {
        self.pair_loss(prediction, target, false).or_panic()
    }

    /// Binary cross-entropy of `sigmoid(logits)` against `targets` in `[0, 1]`, averaged over
    /// every element, as a graph op.
    ///
    /// # Panics
    /// When a [`Dyn`] size disagrees, at the caller's line.
    #[track_caller]
    pub fn binary_cross_entropy<R: Dim, C: Dim>(
        &self,
        logits: Var<'id, R, C>,
        targets: Var<'id, R, C>,
    ) -> Var<'id, Const<1>, Const<1>> {
        self.pair_loss(logits, targets, true).or_panic()
    }

    fn pair_loss<R: Dim, C: Dim>(
        &self,
        a: Var<'id, R, C>,
        b: Var<'id, R, C>,
        binary: bool,
    ) -> Result<Var<'id, Const<1>, Const<1>>, ShapeError> {
        self.with_tape(|tape, leaves| {
            make_owned(tape, leaves, a.index);
            make_owned(tape, leaves, b.index);
            let (_, before, out) = next_value(tape, 1, 1);
            let (am, bm) = (&before[a.index], &before[b.index]);
            out.as_mut_slice()[0] = if binary {
                crate::loss::binary_cross_entropy(am, bm)?
            } else {
                crate::loss::mse(am, bm)?
            };
            let op = if binary {
                Op::BinaryCrossEntropy {
                    logits: a.index,
                    targets: b.index,
                }
            } else {
                Op::Mse {
                    prediction: a.index,
                    target: b.index,
                }
            };
            let node = Node {
                op,
                rows: 1,
                cols: 1,
                needs_grad: Self::needs_grad(tape, a.index) || Self::needs_grad(tape, b.index),
            };
            Ok(self.push(tape, node, Const, Const))
        })
    }
}

/// Runs `f` with the values of the `1 × C` row nodes `rows` retyped as `Matrix<Const<1>, Dyn>`
/// (the typed op families take rows so), beside the other values. Each is moved out of `values`
/// and back, with no copy, unless it is named twice or is `keep`, a node `f` also reads as a
/// plain value: that one is copied.
pub(super) fn with_rows<T: Scalar, O, const N: usize>(
    values: &mut [Matrix<Dyn, Dyn, T>],
    rows: [usize; N],
    keep: usize,
    f: impl FnOnce(&[Matrix<Dyn, Dyn, T>], [&Matrix<Const<1>, Dyn, T>; N]) -> O,
) -> O {
    let moved = |k: usize| rows[k] != keep && !rows[..k].contains(&rows[k]);
    let typed: [Matrix<Const<1>, Dyn, T>; N] = core::array::from_fn(|k| {
        let i = rows[k];
        let m = if moved(k) {
            core::mem::replace(&mut values[i], Matrix::zeros_with(Dyn(0), Dyn(0)))
        } else {
            values[i].clone()
        };
        m.try_into_dims().expect("a row node is 1 × C")
    });
    let out = f(values, core::array::from_fn(|k| &typed[k]));
    for (k, m) in typed.into_iter().enumerate() {
        if moved(k) {
            values[rows[k]] = m.into_dyn();
        }
    }
    out
}
