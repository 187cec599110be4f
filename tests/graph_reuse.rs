//! A tape reused from step to step gives, for every op, the gradients a fresh tape gives, to the
//! bit. A backward pass writes each gradient buffer's first contribution over what the last
//! step left there and adds the others, and clears only what nothing reached; this holds it to
//! that for every op, for a value used in two places and for a parameter the loss never reaches.

use shapegrad::graph::{Tape, Var};
use shapegrad::{Batched, Binary, Const, Matrix, Unary, dim, make_guard};

dim!(
    Batch = 2,
    Seq = 3,
    Heads = 2,
    HeadDim = 2,
    Model = Heads * HeadDim,
    Out = 3
);

type Tokens = (Batch, Seq);

/// The parameters: tokens, a weight (whose top rows also shift the position term, a parameter
/// of each step), a gain row, a bias row, a column, and one the loss never reaches.
type Params = (
    Matrix<Tokens, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Const<1>, Model, f64>,
    Matrix<Const<1>, Model, f64>,
    Matrix<Tokens, Const<1>, f64>,
    Matrix<Model, Out, f64>,
);

fn s<R: shapegrad::Dim, C: shapegrad::Dim>(m: Matrix<R, C, f64>) -> Matrix<R, C, f64> {
    m.map(|v| 2.0 * v - 1.0)
}

fn params(seed: u64) -> Params {
    (
        s(Matrix::rand_with((Batch, Seq), Model, seed)),
        s(Matrix::rand(seed + 1)),
        Matrix::rand(seed + 2).map(|v| v + 0.5),
        s(Matrix::rand(seed + 3)),
        Matrix::rand_with((Batch, Seq), Const, seed + 4).map(|v| v + 0.5),
        s(Matrix::rand(seed + 5)),
    )
}

/// A loss through every op of the graph, and every parameter's gradient, on `tape`.
fn every_op(tape: &mut Tape<f64>, p: &Params) -> Vec<Vec<f64>> {
    let positions = Matrix::<Seq, Model, f64>::from_fn(|i, j| 0.1 * (i + j) as f64 + p.1[(i, j)]);
    let targets = Matrix::from_fn_with((Batch, Seq), Model, |i, j| ((i + j) % 2) as f64);
    let ones = Batched::<Batch, Seq, Model, f64>::from_fn(|b, i, j| (b + i * j) as f64 * 0.25);
    let labels = [0, 1, 2, 3, 0, 1];
    make_guard!(guard);
    let g = tape.graph(guard);
    let x = g.param(&p.0);
    let (w, gain, bias, col) = (g.param(&p.1), g.param(&p.2), g.param(&p.3), g.param(&p.4));
    let unused = g.param(&p.5);
    let _ = g.matmul(x, unused);

    // Row-wise ops on the stacked tokens, with x used in several places.
    let pv = g.param(&positions);
    let h = g.layer_norm(g.add_items(x, pv), gain, bias, 1e-5);
    let h = g.linear(h, w, bias);
    let mut acts = h;
    for f in [
        Unary::Tanh,
        Unary::Sigmoid,
        Unary::Gelu,
        Unary::LeakyRelu(0.1),
    ] {
        acts = g.add(acts, g.unary(f, h));
    }
    let pos = g.add_row(g.square(x), gain);
    let acts = g.add(acts, g.sqrt(g.exp(g.ln(g.relu(pos)))));
    let mut mixed = g.scale(acts, 0.5);
    for f in [Binary::Add, Binary::Sub, Binary::Hadamard, Binary::Div] {
        mixed = g.add(
            mixed,
            g.broadcast_col(f, g.broadcast_row(f, acts, gain), col),
        );
        mixed = g.add(mixed, g.binary(f, acts, pos));
    }

    // Attention over the batch: heads, scores with the keys transposed, masks, softmax.
    let q = g.split_heads(mixed);
    let k = g.split_heads(g.add(x, g.input_batched(&ones)));
    let scores = g.causal_mask_items(g.batched_matmul(q, k.t()));
    let attended = g.batched_matmul(g.softmax_rows(scores), k);
    let merged: Var<Tokens, Model> = g.merge_heads(attended);
    let square = g.matmul(g.transpose(merged), merged);
    let masked = g.softmax_rows(g.causal_mask(square));
    let masked = g.matmul(merged, g.add(masked, g.transpose(masked)));

    // Every reduction and loss.
    let terms = [
        g.cross_entropy(masked, &labels).unwrap(),
        g.mse(masked, g.input(&targets)),
        g.binary_cross_entropy(mixed, g.sigmoid(x)),
        g.mean(g.log_softmax_rows(mixed)),
        g.mean(g.col_sums(masked)),
        g.sum(g.col_means(x)),
        g.mean(g.row_sums(g.tanh(mixed))),
        g.sum(g.row_means(masked)),
        // A node whose one use is a transpose: the transpose writes its gradient first.
        g.sum(g.square(g.transpose(g.scale(x, 1.5)))),
    ];
    let loss = terms.into_iter().reduce(|a, b| g.add(a, b)).unwrap();
    let grads = g.backward(loss);
    let row = |v: Vec<f64>| v;
    vec![
        row(grads.get(x).to_matrix().into_vec()),
        row(grads.get(w).to_matrix().into_vec()),
        row(grads.get(gain).to_matrix().into_vec()),
        row(grads.get(bias).to_matrix().into_vec()),
        row(grads.get(col).to_matrix().into_vec()),
        row(grads.get(unused).to_matrix().into_vec()),
        row(grads.get(pv).to_matrix().into_vec()),
    ]
}

#[test]
fn a_reused_tape_gives_every_op_the_gradients_a_fresh_one_gives() {
    let mut tape = Tape::new();
    for seed in [1, 20, 40, 60] {
        let p = params(seed);
        let reused = every_op(&mut tape, &p);
        let fresh = every_op(&mut Tape::new(), &p);
        for (k, (r, f)) in reused.iter().zip(&fresh).enumerate() {
            assert!(f.iter().all(|v| v.is_finite()), "parameter {k}: {f:?}");
            assert_eq!(
                r.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                f.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "parameter {k}, seed {seed}"
            );
        }
        // The parameter the loss never reaches has a gradient of zeros, every step.
        assert!(reused[5].iter().all(|&v| v == 0.0));
        // The others do depend on the loss.
        assert!(reused[..5].iter().all(|g| g.iter().any(|&v| v != 0.0)));
        assert!(reused[6].iter().any(|&v| v != 0.0));
    }
}
