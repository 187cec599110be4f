//! Batches in the autodiff graph: multi-head causal attention over a batch of sequences, its
//! gradients against central differences, and its value against the same attention run one
//! sequence and one head at a time with 2-D ops.

use shapegrad::graph::{Tape, Var};
use shapegrad::{Batched, Const, Dim, Dyn, Matrix, StaticDim, dim, gradcheck, make_guard};

dim!(
    Batch = 2,
    Seq = 4,
    Heads = 2,
    HeadDim = 3,
    Model = Heads * HeadDim
);

type Tokens = (Batch, Seq);
type Weights = (
    Matrix<Model, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Model, Model, f64>,
);
type WithInput = (
    Matrix<Tokens, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Model, Model, f64>,
);

fn signed<R: Dim, C: Dim>(m: Matrix<R, C, f64>) -> Matrix<R, C, f64> {
    m.map(|v| 2.0 * v - 1.0)
}

fn weights(seed: u64) -> Weights {
    (
        signed(Matrix::rand(seed)),
        signed(Matrix::rand(seed + 1)),
        signed(Matrix::rand(seed + 2)),
        signed(Matrix::rand(seed + 3)),
    )
}

fn tokens(seed: u64) -> Matrix<Tokens, Model, f64> {
    signed(Matrix::rand_with((Batch, Seq), Model, seed))
}

/// `sum(tanh(MHA(x)))` with causal multi-head attention, and the gradients of `x` and every
/// weight.
fn mha(p: &WithInput) -> (f64, WithInput, Matrix<Tokens, Model, f64>) {
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let x = g.param(&p.0);
    let (wq, wk, wv, wo) = (g.param(&p.1), g.param(&p.2), g.param(&p.3), g.param(&p.4));
    // Every token times each weight: one product over the whole batch.
    let (q, k, v) = (g.matmul(x, wq), g.matmul(x, wk), g.matmul(x, wv));
    let (q, k, v) = (g.split_heads(q), g.split_heads(k), g.split_heads(v));
    let scores = g.scale(
        g.batched_matmul(q, k.t()),
        1.0 / (HeadDim::SIZE as f64).sqrt(),
    );
    let weights = g.softmax_rows(g.causal_mask_items(scores));
    let heads = g.batched_matmul(weights, v);
    let merged: Var<Tokens, Model> = g.merge_heads(heads);
    let out = g.matmul(merged, wo);
    let loss = g.sum(g.tanh(out));
    let value = g.scalar(loss);
    let y = g.value(out);
    let grads = g.backward(loss);
    let d = (
        grads.get(x).to_matrix(),
        grads.get(wq).to_matrix(),
        grads.get(wk).to_matrix(),
        grads.get(wv).to_matrix(),
        grads.get(wo).to_matrix(),
    );
    (value, d, y)
}

#[test]
fn multi_head_attention_over_a_batch_has_the_gradients_central_differences_give() {
    let w = weights(2);
    let p = (tokens(1), w.0, w.1, w.2, w.3);
    let (_, analytic, _) = mha(&p);
    gradcheck::check(&p, &analytic, |p| mha(p).0)
        .assert_within(gradcheck::tolerance(Batch::SIZE * Seq::SIZE * Model::SIZE));
}

/// One head of one sequence, by 2-D ops: `softmax(mask(q·kᵀ)/√d)·v`.
fn one_head(
    q: &Matrix<Seq, HeadDim, f64>,
    k: &Matrix<Seq, HeadDim, f64>,
    v: &Matrix<Seq, HeadDim, f64>,
) -> Matrix<Seq, HeadDim, f64> {
    let scores = &q.matmul(k.t()) * (1.0 / (HeadDim::SIZE as f64).sqrt());
    scores.causal_mask().softmax_rows().matmul(v)
}

#[test]
fn batched_attention_equals_attention_one_sequence_and_one_head_at_a_time() {
    let w = weights(5);
    let x = tokens(4);
    let (_, _, y) = mha(&(
        x.clone(),
        w.0.clone(),
        w.1.clone(),
        w.2.clone(),
        w.3.clone(),
    ));
    let xs = Batched::from_stacked(x);
    let ys = Batched::from_stacked(y);
    for b in 0..Batch::SIZE {
        let xb = xs.item(b).to_matrix();
        let (q, k, v) = (xb.matmul(&w.0), xb.matmul(&w.1), xb.matmul(&w.2));
        let (q, k, v) = (
            q.split_heads::<Heads, HeadDim>(),
            k.split_heads::<Heads, HeadDim>(),
            v.split_heads::<Heads, HeadDim>(),
        );
        let mut merged = Batched::<Heads, Seq, HeadDim, f64>::zeros();
        for h in 0..Heads::SIZE {
            let o = one_head(
                &q.item(h).to_matrix(),
                &k.item(h).to_matrix(),
                &v.item(h).to_matrix(),
            );
            merged.item_mut(h).copy_from_slice(o.as_slice());
        }
        let expected = merged.merge_heads::<Model>().matmul(&w.3);
        let got = ys.item(b).to_matrix();
        for (e, g) in expected.as_slice().iter().zip(got.as_slice()) {
            assert!((e - g).abs() <= 1e-12 * (1.0 + e.abs()), "{e} vs {g}");
        }
    }
}

#[test]
fn a_batch_times_its_own_transpose_gets_both_gradients() {
    // l = Σ (x·xᵀ)² item by item, with x one matrix on both sides.
    fn f(
        x: &Matrix<(Const<3>, Const<2>), Const<4>, f64>,
    ) -> (f64, Matrix<(Const<3>, Const<2>), Const<4>, f64>) {
        let mut tape = Tape::new();
        make_guard!(guard);
        let g = tape.graph(guard);
        let xv = g.param(x);
        let loss = g.sum(g.square(g.batched_matmul(xv, xv.t())));
        let value = g.scalar(loss);
        (value, g.backward(loss).get(xv).to_matrix())
    }
    let x = signed(Matrix::rand_with((Const::<3>, Const::<2>), Const::<4>, 9));
    let (_, analytic) = f(&x);
    gradcheck::check(&x, &analytic, |x| f(x).0).assert_within(gradcheck::tolerance(12));
}

#[test]
fn dyn_batches_are_checked_at_run_time() {
    let a = Batched::<Dyn, Const<2>, Const<3>, f64>::rand_with(Dyn(2), Const, Const, 1);
    let b = Batched::<Dyn, Const<3>, Const<2>, f64>::rand_with(Dyn(3), Const, Const, 2);
    let caught = std::panic::catch_unwind(|| {
        let mut tape = Tape::new();
        make_guard!(guard);
        let g = tape.graph(guard);
        let _ = g.batched_matmul(g.input_batched(&a), g.input_batched(&b));
    });
    let message = *caught.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("batch"), "{message}");
}

type NormInputs = (
    Matrix<Tokens, Model, f64>,
    Matrix<Const<1>, Model, f64>,
    Matrix<Const<1>, Model, f64>,
    Matrix<Seq, Model, f64>,
);

/// `sum(tanh(layer_norm(x + p per item) ⊙ …))` and the gradients of `x`, the gain, the bias and
/// the per-item term `p`.
fn norm(p: &NormInputs) -> (f64, NormInputs) {
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (x, gain, bias, pos) = (g.param(&p.0), g.param(&p.1), g.param(&p.2), g.param(&p.3));
    let y = g.layer_norm(g.add_items(x, pos), gain, bias, 1e-5);
    let loss = g.sum(g.tanh(g.hadamard(y, x)));
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    let d = (
        grads.get(x).to_matrix(),
        grads.get(gain).to_matrix(),
        grads.get(bias).to_matrix(),
        grads.get(pos).to_matrix(),
    );
    (value, d)
}

#[test]
fn layer_norm_and_a_term_added_to_every_item_have_the_gradients_central_differences_give() {
    let p = (
        tokens(11),
        signed(Matrix::rand(12)),
        signed(Matrix::rand(13)),
        signed(Matrix::rand(14)),
    );
    let (_, analytic) = norm(&p);
    gradcheck::check(&p, &analytic, |p| norm(p).0)
        .assert_within(gradcheck::tolerance(Batch::SIZE * Seq::SIZE * Model::SIZE));
}

#[test]
fn a_row_that_is_both_input_and_gain_of_a_layer_norm_gets_both_gradients() {
    type Row = Matrix<Const<1>, Model, f64>;
    fn f(p: &(Row, Row)) -> (f64, (Row, Row)) {
        let mut tape = Tape::new();
        make_guard!(guard);
        let g = tape.graph(guard);
        let (x, b) = (g.param(&p.0), g.param(&p.1));
        // x is the normalised row and the gain; b is the bias and is added again after.
        let loss = g.sum(g.square(g.add(g.layer_norm(x, x, b, 1e-3), b)));
        let value = g.scalar(loss);
        let grads = g.backward(loss);
        (value, (grads.get(x).to_matrix(), grads.get(b).to_matrix()))
    }
    let p = (signed(Matrix::rand(21)), signed(Matrix::rand(22)));
    let (_, analytic) = f(&p);
    gradcheck::check(&p, &analytic, |p| f(p).0).assert_within(gradcheck::tolerance(Model::SIZE));
}

dim!(Hidden = 5);

/// The block test's inputs: the tokens, the first norm's gain, the query weight, the MLP's
/// first weight and the second norm's bias.
type BlockInputs = (
    Matrix<Tokens, Model, f64>,
    Matrix<Const<1>, Model, f64>,
    Matrix<Model, Model, f64>,
    Matrix<Model, Hidden, f64>,
    Matrix<Const<1>, Model, f64>,
);

/// A causal transformer block's loss `Σ tanh(y)`, and the gradients of its input, its norms'
/// gains, its query weight and its MLP's first layer.
fn block(p: &BlockInputs) -> (f64, BlockInputs) {
    use rand::SeedableRng;
    use shapegrad::nn::TransformerBlock;
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(3);
    let mut b = TransformerBlock::<Model, Heads, HeadDim, Hidden, f64>::new(&mut rng).causal(true);
    b.norm1.gain = p.1.clone();
    b.attention.query.weight = p.2.clone();
    b.up.weight = p.3.clone();
    b.norm2.bias = p.4.clone();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let x = g.param(&p.0);
    let loss = g.sum(g.tanh(b.forward(&g, x)));
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    (
        value,
        (
            grads.get(x).to_matrix(),
            grads.of(&b.norm1.gain).unwrap().to_matrix(),
            grads.of(&b.attention.query.weight).unwrap().to_matrix(),
            grads.of(&b.up.weight).unwrap().to_matrix(),
            grads.of(&b.norm2.bias).unwrap().to_matrix(),
        ),
    )
}

#[test]
fn a_causal_transformer_block_has_the_gradients_central_differences_give() {
    let p = (
        tokens(31),
        Matrix::rand(32).map(|v| 0.5 + v),
        signed(Matrix::rand(33)),
        signed(Matrix::rand(34)),
        signed(Matrix::rand(35)),
    );
    let (_, analytic) = block(&p);
    gradcheck::check(&p, &analytic, |p| block(p).0)
        .assert_within(gradcheck::tolerance(Batch::SIZE * Seq::SIZE * Model::SIZE));
}

#[test]
fn splitting_and_merging_heads_add_to_gradients_from_other_uses() {
    // x reaches the loss directly, through its heads, and through its heads merged back.
    fn f(x: &Matrix<Tokens, Model, f64>) -> (f64, Matrix<Tokens, Model, f64>) {
        let mut tape = Tape::new();
        make_guard!(guard);
        let g = tape.graph(guard);
        let xv = g.param(x);
        let heads = g.split_heads(xv);
        let back: Var<Tokens, Model> = g.merge_heads(g.tanh(heads));
        let direct = g.sum(g.square(xv));
        let through = g.sum(g.hadamard(g.square(heads), heads));
        let loss = g.add(g.add(direct, through), g.sum(g.hadamard(back, xv)));
        let value = g.scalar(loss);
        (value, g.backward(loss).get(xv).to_matrix())
    }
    let x = tokens(41);
    let (_, analytic) = f(&x);
    gradcheck::check(&x, &analytic, |x| f(x).0)
        .assert_within(gradcheck::tolerance(Batch::SIZE * Seq::SIZE * Model::SIZE));
}
