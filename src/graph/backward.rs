//! The backward pass: from a scalar loss back to every node, each op's gradient by its op
//! family's typed backward, into [`Grads`].

use core::marker::PhantomData;

use super::batched::{as_items, batched_matmul_backward, items_view};
use super::ops::with_rows;
use super::tape::{LeafKey, Op, Tape};
use super::{Graph, Id, Var, recycle, value_slice, value_view};
use crate::batched::{merge_heads_flat, split_heads_flat};
use crate::ops::matmul::{da_into, dx_into};
use crate::{Batched, Const, Dim, Dyn, MatRef, Matrix, Scalar, Scale, Write, loss};

/// The gradients of a step: [`get`](Self::get) gives the gradient of the loss with respect to
/// any [`Var`] of the graph, with the `Var`'s own type.
///
/// A parameter the loss does not depend on has a gradient of zeros; a value used several times
/// has the sum of its uses' gradients.
pub struct Grads<'id, 't, T: Scalar = f32> {
    tape: &'t Tape<T>,
    brand: PhantomData<Id<'id>>,
}

impl<'id, T: Scalar> Grads<'id, '_, T> {
    /// `dl/dv`, with `v`'s type: a `Var<R, C>` has an `R × C` gradient.
    pub fn get<R: Dim, C: Dim>(&self, v: Var<'id, R, C>) -> MatRef<'_, R, C, T> {
        self.tape.grads[v.index]
            .view()
            .with_rows(v.rows)
            .with_cols(v.cols)
    }
}

impl<T: Scalar> Grads<'_, '_, T> {
    /// The gradient of the parameter `m`, found by its buffer, or `None` when `m` was not a
    /// leaf of the graph: how an optimizer reaches the parameters of layers that registered
    /// them inside their own `forward`.
    pub fn of<R: Dim, C: Dim>(&self, m: &Matrix<R, C, T>) -> Option<MatRef<'_, R, C, T>> {
        let node = LeafKey::find(&self.tape.leaf_keys, m.as_slice())?;
        let (rows, cols) = m.dims();
        Some(self.tape.grads[node].view().with_rows(rows).with_cols(cols))
    }

    /// The gradient of the leaf whose elements are `data`, row-major, if `data` was a leaf.
    pub(crate) fn slice_of(&self, data: &[T]) -> Option<&[T]> {
        let node = LeafKey::find(&self.tape.leaf_keys, data)?;
        Some(self.tape.grads[node].as_slice())
    }
}

impl<'id, 't, T: Scalar> Graph<'id, 't, '_, T> {
    /// The gradients of `loss` with respect to every value of the graph.
    ///
    /// Consumes the graph, which ends its borrow of the parameters: they can be updated while the
    /// returned [`Grads`] are read. The tape stays borrowed until the `Grads` are dropped.
    pub fn backward(mut self, loss: Var<'id, Const<1>, Const<1>>) -> Grads<'id, 't, T> {
        let leaves = core::mem::take(self.leaves.get_mut());
        let tape = self
            .tape
            .get_mut()
            .take()
            .expect("the tape stays in the graph until backward");
        run(tape, &leaves, loss.index);
        tape.spare_leaves = recycle(leaves);
        Grads {
            tape,
            brand: PhantomData,
        }
    }
}

/// Gradients are added to what the buffers hold.
const ACC: Write = Write::Accumulate;

/// Every node's value and gradient has the node's shape, so the typed backward functions' own
/// size checks cannot fail here.
const SHAPES: &str = "a node's value and gradient have the node's shape";

/// Runs `f` on `m` retyped as `rows × cols`, without copying or allocating: the buffer moves
/// into a matrix of those dimension types and back. The typed backward functions take rows as
/// `Matrix<Const<1>, C>` and columns as `Matrix<R, Const<1>>`; the tape holds `Dyn × Dyn`.
fn retyped<T: Scalar, R: Dim, C: Dim, O>(
    m: &mut Matrix<Dyn, Dyn, T>,
    f: impl FnOnce(&mut Matrix<R, C, T>) -> O,
) -> O {
    let taken = core::mem::replace(m, Matrix::zeros_with(Dyn(0), Dyn(0)));
    let mut typed = taken
        .try_into_dims::<R, C>()
        .expect("a row node is 1 × C and a column node R × 1");
    let out = f(&mut typed);
    *m = typed.into_dyn();
    out
}

/// Node `i`'s gradient buffer, a `1 × C` row, moved out of `grads` and typed as one; put it
/// back with `into_dyn`.
fn take_row<T: Scalar>(grads: &mut [Matrix<Dyn, Dyn, T>], i: usize) -> Matrix<Const<1>, Dyn, T> {
    core::mem::replace(&mut grads[i], Matrix::zeros_with(Dyn(0), Dyn(0)))
        .try_into_dims()
        .expect("a row node is 1 × C")
}

/// `&v[shared]` and `&mut v[mutable]` at once, for `shared != mutable`; when they are equal,
/// `copy` (a copy of the element) stands in for the shared one.
fn shared_and_mut<'a, M>(
    v: &'a mut [M],
    shared: usize,
    mutable: usize,
    copy: Option<&'a M>,
) -> (&'a M, &'a mut M) {
    match (shared.cmp(&mutable), copy) {
        (core::cmp::Ordering::Less, _) => {
            let (lo, hi) = v.split_at_mut(mutable);
            (&lo[shared], &mut hi[0])
        }
        (core::cmp::Ordering::Greater, _) => {
            let (lo, hi) = v.split_at_mut(shared);
            (&hi[0], &mut lo[mutable])
        }
        (core::cmp::Ordering::Equal, Some(copy)) => (copy, &mut v[mutable]),
        (core::cmp::Ordering::Equal, None) => unreachable!("a copy is made when the two are one"),
    }
}

/// How the next contribution to node `j`'s gradient is written: the first overwrites the
/// buffer, which holds the last step's numbers, and the others add to it. So no gradient buffer
/// is cleared first, a pass over memory saved for each.
fn mode(written: &mut [bool], j: usize) -> Write {
    if core::mem::replace(&mut written[j], true) {
        Write::Accumulate
    } else {
        Write::Overwrite
    }
}

/// Node `j`'s gradient buffer `buf`, cleared if this is its first contribution, for the loops
/// that only add.
fn cleared<'b, T: Scalar>(
    written: &mut [bool],
    j: usize,
    buf: &'b mut Matrix<Dyn, Dyn, T>,
) -> &'b mut [T] {
    if mode(written, j) == Write::Overwrite {
        buf.as_mut_slice().fill(T::ZERO);
    }
    buf.as_mut_slice()
}

/// Sets the loss's gradient to one and walks the nodes from the loss back, each op writing its
/// contribution to its operands' gradients (the first one written over the buffer, the others
/// added); then clears the gradients nothing reached.
fn run<T: Scalar>(tape: &mut Tape<T>, leaves: &[&[T]], loss: usize) {
    let n = tape.nodes.len();
    for i in 0..n {
        let node = tape.nodes[i];
        Tape::slot(&mut tape.grads, i).reuse_as(node.rows, node.cols, false);
    }
    tape.written.clear();
    tape.written.resize(n, false);
    let Tape {
        nodes,
        values,
        grads,
        labels,
        written,
        ..
    } = tape;
    grads[loss].as_mut_slice()[0] = T::ONE;
    written[loss] = true;
    for i in (0..=loss).rev() {
        let node = nodes[i];
        // A node no path from the loss reaches has a gradient of zeros, and passes on nothing.
        if !node.needs_grad || !written[i] {
            continue;
        }
        let (before, rest) = grads.split_at_mut(i);
        let dy = &mut rest[0];
        let wants = |j: usize| nodes[j].needs_grad;
        match node.op {
            Op::Leaf { .. } => {}
            Op::MatMul { x, a } => {
                let xv = value_view(nodes, values, leaves, x);
                let av = value_view(nodes, values, leaves, a);
                if wants(x) {
                    dx_into(av, dy, &mut before[x], mode(written, x));
                }
                if wants(a) {
                    da_into(xv, dy, &mut before[a], mode(written, a));
                }
            }
            Op::Linear { x, w, b } => {
                let xv = value_view(nodes, values, leaves, x);
                let wv = value_view(nodes, values, leaves, w);
                if wants(x) {
                    dx_into(wv, dy, &mut before[x], mode(written, x));
                }
                if wants(w) {
                    da_into(xv, dy, &mut before[w], mode(written, w));
                }
                if wants(b) {
                    let (mut db, m) = (take_row(before, b), mode(written, b));
                    dy.try_col_sums_into(&mut db, m).expect(SHAPES);
                    before[b] = db.into_dyn();
                }
            }
            Op::Unary { f, x } => {
                if wants(x) {
                    f.try_backward_into(
                        &values[x],
                        &values[i],
                        dy,
                        &mut before[x],
                        mode(written, x),
                    )
                    .expect("a node's value and gradient have the node's shape");
                }
            }
            Op::Binary { f, a, b } => {
                // One operand at a time, so that `x ⊙ x` accumulates into one buffer twice.
                let (am, bm) = (&values[a], &values[b]);
                if wants(a) {
                    let w = mode(written, a);
                    f.try_backward_into(am, bm, dy, Some(&mut before[a]), None, w)
                        .expect(SHAPES);
                }
                if wants(b) {
                    let w = mode(written, b);
                    f.try_backward_into(am, bm, dy, None, Some(&mut before[b]), w)
                        .expect(SHAPES);
                }
            }
            Op::Scale { k, x } => {
                if wants(x) {
                    let w = mode(written, x);
                    Scale(k)
                        .try_backward_into(&values[x], dy, Some(&mut before[x]), None, w)
                        .expect(SHAPES);
                }
            }
            Op::BroadcastRow { f, x, row } => {
                // The operand is borrowed while the row's buffer is retyped; for a row broadcast
                // against itself (only possible for a `1 × C` matrix) the operand is a copy.
                let copy = (x == row).then(|| values[x].clone());
                let (xm, rv) = shared_and_mut(values, x, row, copy.as_ref());
                retyped::<T, Const<1>, Dyn, _>(rv, |rv| {
                    if wants(x) {
                        let w = mode(written, x);
                        f.try_backward_row_into(xm, rv, dy, Some(&mut before[x]), None, w)
                            .expect(SHAPES);
                    }
                    if wants(row) {
                        let w = mode(written, row);
                        retyped::<T, Const<1>, Dyn, _>(&mut before[row], |drow| {
                            f.try_backward_row_into(xm, rv, dy, None, Some(drow), w)
                                .expect(SHAPES)
                        });
                    }
                });
            }
            Op::BroadcastCol { f, x, col } => {
                let copy = (x == col).then(|| values[x].clone());
                let (xm, cv) = shared_and_mut(values, x, col, copy.as_ref());
                retyped::<T, Dyn, Const<1>, _>(cv, |cv| {
                    if wants(x) {
                        let w = mode(written, x);
                        f.try_backward_col_into(xm, cv, dy, Some(&mut before[x]), None, w)
                            .expect(SHAPES);
                    }
                    if wants(col) {
                        let w = mode(written, col);
                        retyped::<T, Dyn, Const<1>, _>(&mut before[col], |dcol| {
                            f.try_backward_col_into(xm, cv, dy, None, Some(dcol), w)
                                .expect(SHAPES)
                        });
                    }
                });
            }
            Op::PerColumn { r, x } => {
                if wants(x) {
                    let (dx, w) = (&mut before[x], mode(written, x));
                    retyped::<T, Const<1>, Dyn, _>(dy, |dy| r.try_col_backward_into(dy, dx, w))
                        .expect(SHAPES);
                }
            }
            Op::PerRow { r, x } => {
                if wants(x) {
                    let (dx, w) = (&mut before[x], mode(written, x));
                    retyped::<T, Dyn, Const<1>, _>(dy, |dy| r.try_row_backward_into(dy, dx, w))
                        .expect(SHAPES);
                }
            }
            Op::All { r, x } => {
                if wants(x) {
                    r.all_backward_into(dy.as_slice()[0], &mut before[x], mode(written, x));
                }
            }
            Op::Softmax { f, x } => {
                if wants(x) {
                    f.try_backward_into(&values[i], dy, &mut before[x], mode(written, x))
                        .expect(SHAPES);
                }
            }
            Op::Transpose { x } => {
                if wants(x) {
                    let (r, c) = (dy.rows(), dy.cols());
                    let dx = cleared(written, x, &mut before[x]);
                    // dx is c × r: dx[j][i] += dy[i][j].
                    for i in 0..r {
                        for j in 0..c {
                            dx[j * r + i] += dy.as_slice()[i * c + j];
                        }
                    }
                }
            }
            Op::CausalMask { x } => {
                if wants(x) {
                    let items = dy.rows().checked_div(dy.cols()).unwrap_or(0);
                    let (dx, w) = (&mut before[x], mode(written, x));
                    as_items(dy, items, |dy| {
                        as_items(dx, items, |dx| {
                            Batched::try_causal_mask_backward_into(dy, dx, w).expect(SHAPES)
                        })
                    });
                }
            }
            Op::BatchedMatMul {
                x,
                a,
                transposed,
                items,
            } => {
                let (xs, as_) = (
                    value_slice(nodes, values, leaves, x),
                    value_slice(nodes, values, leaves, a),
                );
                let (i, k) = (nodes[x].rows.checked_div(items).unwrap_or(0), nodes[x].cols);
                let j = node.cols;
                let xv = items_view(xs, items, i, k);
                let dyv = items_view(dy.as_slice(), items, i, j);
                // Each operand's gradient alone, so that `x · x.t()` adds both into one buffer.
                if wants(x) {
                    let w = mode(written, x);
                    as_items(&mut before[x], items, |dx| {
                        if transposed {
                            let av = items_view(as_, items, j, k).t();
                            batched_matmul_backward(xv, av, dyv, Some(dx), None, None, w);
                        } else {
                            let av = items_view(as_, items, k, j);
                            batched_matmul_backward(xv, av, dyv, Some(dx), None, None, w);
                        }
                    });
                }
                if wants(a) {
                    let w = mode(written, a);
                    as_items(&mut before[a], items, |da| {
                        if transposed {
                            let av = items_view(as_, items, j, k).t();
                            batched_matmul_backward(xv, av, dyv, None, None, Some(da), w);
                        } else {
                            let av = items_view(as_, items, k, j);
                            batched_matmul_backward(xv, av, dyv, None, Some(da), None, w);
                        }
                    });
                }
            }
            Op::LayerNorm { x, gain, bias, eps } => {
                let norm = crate::LayerNorm { eps };
                let (wx, wg, wb) = (wants(x), wants(gain), wants(bias));
                with_rows(values, [gain], x, |values, [gm]| {
                    let xm = &values[x];
                    if x != gain && x != bias && gain != bias {
                        // Three buffers: one pass computes all three gradients.
                        // One write mode for the three: if some are written first and others
                        // not, those written first are cleared and all three added to.
                        let modes = [(wx, x), (wg, gain), (wb, bias)]
                            .map(|(wanted, j)| (wanted.then(|| mode(written, j)), j));
                        let first = |(m, _): &(Option<Write>, usize)| m == &Some(Write::Overwrite);
                        let w = if modes.iter().filter(|m| m.0.is_some()).all(first) {
                            Write::Overwrite
                        } else {
                            for (_, j) in modes.iter().filter(|m| first(m)) {
                                before[*j].as_mut_slice().fill(T::ZERO);
                            }
                            ACC
                        };
                        let mut dg = wg.then(|| take_row(before, gain));
                        let mut db = wb.then(|| take_row(before, bias));
                        let dx = wx.then_some(&mut before[x]);
                        norm.try_backward_into(xm, gm, dy, dx, dg.as_mut(), db.as_mut(), w)
                            .expect(SHAPES);
                        for (i, d) in [(gain, dg), (bias, db)] {
                            if let Some(d) = d {
                                before[i] = d.into_dyn();
                            }
                        }
                    } else {
                        // One node in two roles: one gradient at a time, so each adds to it.
                        if wx {
                            let w = mode(written, x);
                            let dx = Some(&mut before[x]);
                            norm.try_backward_into(xm, gm, dy, dx, None, None, w)
                                .expect(SHAPES);
                        }
                        for (i, is_gain) in [(gain, true), (bias, false)] {
                            if wants(i) {
                                let w = mode(written, i);
                                let mut d = take_row(before, i);
                                let (dg, db) = if is_gain {
                                    (Some(&mut d), None)
                                } else {
                                    (None, Some(&mut d))
                                };
                                norm.try_backward_into(xm, gm, dy, None, dg, db, w)
                                    .expect(SHAPES);
                                before[i] = d.into_dyn();
                            }
                        }
                    }
                });
            }
            Op::AddItems { x, m } => {
                let g = dy.as_slice();
                if wants(x) {
                    let dx = before[x].as_mut_slice();
                    match mode(written, x) {
                        Write::Overwrite => dx.copy_from_slice(g),
                        Write::Accumulate => dx.iter_mut().zip(g).for_each(|(d, &v)| *d += v),
                    }
                }
                if wants(m) {
                    let dm = cleared(written, m, &mut before[m]);
                    for item in g.chunks_exact(dm.len().max(1)) {
                        dm.iter_mut().zip(item).for_each(|(d, &v)| *d += v);
                    }
                }
            }
            Op::Heads {
                x,
                split,
                items,
                heads,
            } => {
                if wants(x) {
                    // A split's gradient is the merge of `dy`, and a merge's the split.
                    let (seq, d) = if split {
                        (nodes[x].rows.checked_div(items).unwrap_or(0), node.cols)
                    } else {
                        (node.rows.checked_div(items).unwrap_or(0), nodes[x].cols)
                    };
                    let f = if split {
                        merge_heads_flat
                    } else {
                        split_heads_flat
                    };
                    let add = mode(written, x) == Write::Accumulate;
                    f(
                        dy.as_slice(),
                        items,
                        seq,
                        heads,
                        d,
                        before[x].as_mut_slice(),
                        add,
                    );
                }
            }
            Op::CrossEntropy { logits, labels: at } => {
                if wants(logits) {
                    let x = &values[logits];
                    let ls = &labels[at..at + x.rows()];
                    let dloss = dy.as_slice()[0];
                    loss::cross_entropy_backward_into(
                        x,
                        ls,
                        dloss,
                        &mut before[logits],
                        mode(written, logits),
                    )
                    .expect("the labels were checked when the op was recorded");
                }
            }
            Op::Mse { prediction, target } => {
                let (p, t, dloss) = (&values[prediction], &values[target], dy.as_slice()[0]);
                if wants(prediction) {
                    loss::mse_backward_into(
                        p,
                        t,
                        dloss,
                        &mut before[prediction],
                        mode(written, prediction),
                    )
                    .expect("the shapes were checked when the op was recorded");
                }
                if wants(target) {
                    // d/dt of (p − t)² is the negation of d/dp.
                    let w = mode(written, target);
                    loss::mse_backward_into(p, t, -dloss, &mut before[target], w)
                        .expect("the shapes were checked when the op was recorded");
                }
            }
            Op::BinaryCrossEntropy { logits, targets } => {
                let (x, t, dloss) = (&values[logits], &values[targets], dy.as_slice()[0]);
                if wants(logits) {
                    loss::binary_cross_entropy_backward_into(
                        x,
                        t,
                        dloss,
                        &mut before[logits],
                        mode(written, logits),
                    )
                    .expect("the shapes were checked when the op was recorded");
                }
                if wants(targets) {
                    // d/dt of max(x, 0) − x·t + ln(1 + e^(−|x|)) is −x.
                    let scale = dloss / T::from_usize(x.as_slice().len());
                    let dt = cleared(written, targets, &mut before[targets]);
                    let terms = dt.iter_mut().zip(x.as_slice());
                    terms.for_each(|(d, &x)| *d -= x * scale);
                }
            }
        }
    }
    for (g, _) in grads.iter_mut().zip(written.iter()).filter(|(_, w)| !**w) {
        g.as_mut_slice().fill(T::ZERO);
    }
}
