//! The autodiff graph: its gradients against central differences, values used twice,
//! parameters the loss does not reach, and a tape reused across steps.

use shapegrad::graph::Tape;
use shapegrad::{Const, Dim, Dyn, Matrix, dim, gradcheck, make_guard};

dim!(Batch = 5, In = 3, Hidden = 4, Out = 2);

type Params<H> = (
    Matrix<In, H, f64>,
    Matrix<Const<1>, H, f64>,
    Matrix<H, Out, f64>,
);

/// `mean((tanh(relu(x·w1 + b1)·w2))²)` and its gradients for `(w1, b1, w2)`, through a graph on
/// `tape`.
fn mlp<H: Dim>(
    tape: &mut Tape<f64>,
    x: &Matrix<Batch, In, f64>,
    p: &Params<H>,
) -> (f64, Params<H>) {
    make_guard!(guard);
    let g = tape.graph(guard);
    let (w1, b1, w2) = (g.param(&p.0), g.param(&p.1), g.param(&p.2));
    let h = g.relu(g.add_row(g.matmul(g.input(x), w1), b1));
    let loss = g.mean(g.square(g.tanh(g.matmul(h, w2))));
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    let d = (
        grads.get(w1).to_matrix(),
        grads.get(b1).to_matrix(),
        grads.get(w2).to_matrix(),
    );
    (value, d)
}

fn params<H: Dim>(hidden: H, seed: u64) -> Params<H> {
    let signed = |m: Matrix<Dyn, Dyn, f64>| m.map(|v| 2.0 * v - 1.0);
    (
        signed(Matrix::rand_with(Dyn(3), Dyn(hidden.size()), seed))
            .try_into_dims()
            .unwrap(),
        signed(Matrix::rand_with(Dyn(1), Dyn(hidden.size()), seed + 1))
            .try_into_dims()
            .unwrap(),
        signed(Matrix::rand_with(Dyn(hidden.size()), Dyn(2), seed + 2))
            .try_into_dims()
            .unwrap(),
    )
}

#[test]
fn a_two_layer_network_has_the_gradients_central_differences_give() {
    let x = Matrix::<Batch, In, f64>::rand(7).map(|v| 2.0 * v - 1.0);
    let mut tape = Tape::new();
    for seed in [1, 11, 21] {
        let p = params(Hidden, seed);
        let (_, analytic) = mlp(&mut tape, &x, &p);
        let report = gradcheck::check(&p, &analytic, |p| mlp(&mut Tape::new(), &x, p).0);
        report.assert_within(gradcheck::tolerance(Batch::SIZE * Out::SIZE));

        // The same network with a `Dyn` hidden size has the same gradients.
        let pd = params(Dyn(4), seed);
        let (_, dyn_grads) = mlp(&mut tape, &x, &pd);
        assert_eq!(dyn_grads.0.as_slice(), analytic.0.as_slice());
        assert_eq!(dyn_grads.2.as_slice(), analytic.2.as_slice());
    }
}

use shapegrad::StaticDim;

#[test]
fn a_value_used_twice_gets_the_sum_of_both_gradients() {
    let w = Matrix::<Const<3>, Const<3>, f64>::rand(1);
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let wv = g.param(&w);
    // l = Σ (w·w + w): dl/dw = 1·wᵀ + wᵀ·1 + 1, through both operands of one product.
    let loss = g.sum(g.add(g.matmul(wv, wv), wv));
    let grads = g.backward(loss);
    let ones = Matrix::<Const<3>, Const<3>, f64>::ones();
    let want = &(&ones.matmul(w.t()) + &w.t().matmul(&ones)) + &ones;
    let got = grads.get(wv).to_matrix();
    for (a, b) in got.as_slice().iter().zip(want.as_slice()) {
        assert!((a - b).abs() <= 1e-12, "{got:?} vs {want:?}");
    }
}

#[test]
fn a_parameter_the_loss_does_not_reach_has_zero_gradient_of_its_type() {
    let (a, unused) = (
        Matrix::<Const<2>, Const<2>, f64>::rand(1),
        Matrix::<Const<4>, Const<1>, f64>::rand(2),
    );
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (av, uv) = (g.param(&a), g.param(&unused));
    let _ = g.sum(g.exp(uv)); // recorded, but not part of the loss
    let loss = g.sum(g.square(av));
    let grads = g.backward(loss);
    let du: shapegrad::MatRef<Const<4>, Const<1>, f64> = grads.get(uv);
    assert_eq!(du.to_matrix().as_slice(), &[0.0; 4]);
    assert_eq!(grads.get(av).to_matrix(), a.map(|v| 2.0 * v));
}

#[test]
fn a_reused_tape_gives_the_gradients_a_fresh_one_gives() {
    let x = Matrix::<Batch, In, f64>::rand(3);
    let mut tape = Tape::new();
    let mut p = params(Hidden, 5);
    for _ in 0..4 {
        let (_, reused) = mlp(&mut tape, &x, &p);
        let (_, fresh) = mlp(&mut Tape::new(), &x, &p);
        assert_eq!(reused, fresh);
        p.0 -= &(&reused.0 * 0.5);
        p.1 -= &(&reused.1 * 0.5);
        p.2 -= &(&reused.2 * 0.5);
    }
}

#[test]
fn parameters_can_be_updated_while_the_gradients_are_read() {
    let mut w = Matrix::<Const<2>, Const<2>>::ones();
    let x = Matrix::<Const<3>, Const<2>>::ones();
    let mut tape = Tape::new();
    let mut losses = Vec::new();
    for _ in 0..40 {
        make_guard!(guard);
        let g = tape.graph(guard);
        let wv = g.param(&w);
        let loss = g.mean(g.square(g.matmul(g.input(&x), wv)));
        losses.push(g.scalar(loss));
        let grads = g.backward(loss);
        // `w` is no longer borrowed by the graph: update it from the gradient in place.
        let dw = grads.get(wv);
        for i in 0..2 {
            for j in 0..2 {
                *w.get_mut(i, j).unwrap() -= 0.05 * dw.get(i, j).unwrap();
            }
        }
    }
    assert!(losses[39] < 0.01 * losses[0], "{losses:?}");
}

#[test]
#[should_panic(
    expected = "inner dimensions differ: the left operand is 2×3 and the right operand is 4×1"
)]
fn a_dyn_size_that_disagrees_panics_with_the_shapes() {
    let (a, b) = (
        Matrix::<Const<2>, Dyn>::zeros_with(Const, Dyn(3)),
        Matrix::<Dyn, Const<1>>::zeros_with(Dyn(4), Const),
    );
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let _ = g.matmul(g.input(&a), g.input(&b));
}

/// `cross_entropy(tanh(x·w)·v, labels)` through a graph, and its gradients for `(w, v)`.
#[allow(clippy::type_complexity)]
fn classifier(
    x: &Matrix<Batch, In, f64>,
    labels: &[usize],
    p: &(Matrix<In, Hidden, f64>, Matrix<Hidden, Out, f64>),
) -> (f64, (Matrix<In, Hidden, f64>, Matrix<Hidden, Out, f64>)) {
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (w, v) = (g.param(&p.0), g.param(&p.1));
    let logits = g.matmul(g.tanh(g.matmul(g.input(x), w)), v);
    let loss = g.cross_entropy(logits, labels).unwrap();
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    (value, (grads.get(w).to_matrix(), grads.get(v).to_matrix()))
}

#[test]
fn losses_in_a_graph_have_the_gradients_central_differences_give() {
    let x = Matrix::<Batch, In, f64>::rand(1).map(|v| 2.0 * v - 1.0);
    let p = (
        Matrix::<In, Hidden, f64>::rand(2).map(|v| 2.0 * v - 1.0),
        Matrix::<Hidden, Out, f64>::rand(3).map(|v| 2.0 * v - 1.0),
    );
    let labels = [0, 1, 1, 0, 1];
    let (_, analytic) = classifier(&x, &labels, &p);
    gradcheck::check(&p, &analytic, |p| classifier(&x, &labels, p).0)
        .assert_within(gradcheck::tolerance(Batch::SIZE * Out::SIZE));

    // Mean squared error and binary cross-entropy, with gradients for both operands.
    for binary in [false, true] {
        let f = |(a, b): &(Matrix<Batch, Out, f64>, Matrix<Batch, Out, f64>)| {
            let mut tape = Tape::new();
            make_guard!(guard);
            let g = tape.graph(guard);
            let (av, bv) = (g.param(a), g.param(b));
            let loss = if binary {
                g.binary_cross_entropy(av, bv)
            } else {
                g.mse(av, bv)
            };
            let value = g.scalar(loss);
            let grads = g.backward(loss);
            (
                value,
                (grads.get(av).to_matrix(), grads.get(bv).to_matrix()),
            )
        };
        let ab = (
            Matrix::<Batch, Out, f64>::rand(4).map(|v| 4.0 * v - 2.0),
            Matrix::<Batch, Out, f64>::rand(5),
        );
        let (_, analytic) = f(&ab);
        gradcheck::check(&ab, &analytic, |ab| f(ab).0)
            .assert_within(gradcheck::tolerance(Batch::SIZE * Out::SIZE));
    }
}

#[test]
fn a_bad_label_is_an_error_and_records_nothing() {
    let logits = Matrix::<Batch, Out, f64>::zeros();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let lv = g.param(&logits);
    let err = g.cross_entropy(lv, &[0, 1, 2, 0, 1]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "label 2 in row 2 is not a class: there are 2 classes, 0 to 1"
    );
    let err = g.cross_entropy(lv, &[0, 1]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "5 rows of logits need 5 labels, one per row, but 2 were given"
    );
    let loss = g.cross_entropy(lv, &[0, 1, 1, 0, 1]).unwrap();
    assert!((g.scalar(loss) - 2f64.ln()).abs() < 1e-15);
}

/// A layer norm with a learned scale and shift, then a softmax, a log-softmax and every
/// reduction, through a graph: `(x, γ, β)` to a scalar, and its gradients.
#[allow(clippy::type_complexity)]
fn norm_and_friends(
    p: &(
        Matrix<Batch, Hidden, f64>,
        Matrix<Const<1>, Hidden, f64>,
        Matrix<Const<1>, Hidden, f64>,
    ),
) -> (
    f64,
    (
        Matrix<Batch, Hidden, f64>,
        Matrix<Const<1>, Hidden, f64>,
        Matrix<Const<1>, Hidden, f64>,
    ),
) {
    use shapegrad::Binary;
    let eps = Matrix::<Batch, Const<1>, f64>::filled_with(Batch, Const, 1e-3);
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (x, gamma, beta) = (g.param(&p.0), g.param(&p.1), g.param(&p.2));
    let centred = g.broadcast_col(Binary::Sub, x, g.row_means(x));
    let var = g.row_means(g.square(centred));
    let std = g.sqrt(g.add(var, g.input(&eps)));
    let normed = g.broadcast_col(Binary::Div, centred, std);
    let y = g.add_row(g.broadcast_row(Binary::Hadamard, normed, gamma), beta);
    let probs = g.softmax_rows(y);
    let logp = g.log_softmax_rows(g.scale(y, 0.5));
    let mixed = g.hadamard(probs, g.sub(logp, g.div(y, g.exp(y))));
    let per_col = g.col_sums(mixed);
    let loss = g.add(
        g.sum(g.hadamard(per_col, g.col_means(y))),
        g.mean(g.row_sums(g.tanh(y))),
    );
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    (
        value,
        (
            grads.get(x).to_matrix(),
            grads.get(gamma).to_matrix(),
            grads.get(beta).to_matrix(),
        ),
    )
}

#[test]
fn every_graph_op_has_the_gradients_central_differences_give() {
    let p = (
        Matrix::<Batch, Hidden, f64>::rand(1).map(|v| 4.0 * v - 2.0),
        Matrix::<Const<1>, Hidden, f64>::rand(2).map(|v| v + 0.5),
        Matrix::<Const<1>, Hidden, f64>::rand(3).map(|v| v - 0.5),
    );
    let (_, analytic) = norm_and_friends(&p);
    gradcheck::check(&p, &analytic, |p| norm_and_friends(p).0)
        .assert_within(gradcheck::tolerance(Batch::SIZE * Hidden::SIZE));
}

#[test]
fn a_matrix_given_as_a_parameter_and_as_an_input_has_the_parameters_gradient() {
    let w = Matrix::<Const<2>, Const<2>, f64>::from_rows([[1.0, 2.0], [3.0, 4.0]]);
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (as_input, as_param) = (g.input(&w), g.param(&w));
    // l = Σ (input ⊙ param): dl/dparam is the input, w itself; the input gets none.
    let loss = g.sum(g.hadamard(as_input, as_param));
    let again = g.param(&w);
    let grads = g.backward(loss);
    assert_eq!(grads.get(as_param).to_matrix(), w);
    assert_eq!(grads.get(again).to_matrix(), w, "one parameter, one node");
    assert_eq!(grads.of(&w).map(|m| m.to_matrix()), Some(w.clone()));
    assert_eq!(grads.get(as_input).to_matrix(), Matrix::zeros());
}

dim!(Seq = 4, Model = 3);

/// One causal self-attention head through a graph: `softmax(mask(Q·Kᵀ / √d))·V` with
/// `Q = X·Wq`, `K = X·Wk`, `V = X·Wv`; a scalar of it, and the weights' gradients.
#[allow(clippy::type_complexity)]
fn attention(
    x: &Matrix<Seq, Model, f64>,
    w: &(
        Matrix<Model, Model, f64>,
        Matrix<Model, Model, f64>,
        Matrix<Model, Model, f64>,
    ),
) -> (
    f64,
    (
        Matrix<Model, Model, f64>,
        Matrix<Model, Model, f64>,
        Matrix<Model, Model, f64>,
    ),
) {
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (wq, wk, wv) = (g.param(&w.0), g.param(&w.1), g.param(&w.2));
    let xv = g.input(x);
    let (q, k, v) = (g.matmul(xv, wq), g.matmul(xv, wk), g.matmul(xv, wv));
    // The scores of every query against every key: Q·Kᵀ, Seq × Seq.
    let scores = g.scale(
        g.matmul(q, g.transpose(k)),
        1.0 / (Model::SIZE as f64).sqrt(),
    );
    let weights = g.softmax_rows(g.causal_mask(scores));
    let out = g.matmul(weights, v);
    let loss = g.sum(g.tanh(out));
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    (
        value,
        (
            grads.get(wq).to_matrix(),
            grads.get(wk).to_matrix(),
            grads.get(wv).to_matrix(),
        ),
    )
}

#[test]
fn causal_attention_has_the_gradients_central_differences_give() {
    let x = Matrix::<Seq, Model, f64>::rand(1).map(|v| 2.0 * v - 1.0);
    let w = (
        Matrix::<Model, Model, f64>::rand(2).map(|v| 2.0 * v - 1.0),
        Matrix::<Model, Model, f64>::rand(3).map(|v| 2.0 * v - 1.0),
        Matrix::<Model, Model, f64>::rand(4).map(|v| 2.0 * v - 1.0),
    );
    let (_, analytic) = attention(&x, &w);
    gradcheck::check(&w, &analytic, |w| attention(&x, w).0)
        .assert_within(gradcheck::tolerance(Seq::SIZE * Model::SIZE));
    // The first query sees only the first key: its output does not depend on later positions.
    let mut later = x.clone();
    for j in 0..Model::SIZE {
        later[(3, j)] += 1.0;
    }
    let out = |x: &Matrix<Seq, Model, f64>| {
        let (q, k, v) = (x.matmul(&w.0), x.matmul(&w.1), x.matmul(&w.2));
        q.matmul(k.t()).causal_mask().softmax_rows().matmul(&v)
    };
    assert_eq!(out(&x).get(0, 0), out(&later).get(0, 0));
}
