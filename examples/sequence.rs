//! A small transformer learns to sort a sequence of tokens (or to reverse it), trained with
//! typed autodiff.
//!
//! Each example is `Seq` tokens drawn from `Vocab` symbols; the answer at position `i` is the
//! `i`-th smallest token (`sort`, the default) or the token at position `Seq − 1 − i`
//! (`reverse`, which a model learns in a few dozen steps). The model embeds each token (a one-hot row times a
//! `Vocab × Model` table) and adds a learned embedding of its position, runs `Blocks` pre-norm
//! transformer blocks (multi-head attention without a causal mask, so every position sees the
//! whole sequence, and a GELU MLP), and scores the `Vocab` symbols at every position. Its dims
//! are named once below: `Model` is declared as `Heads × HeadDim`, so splitting into heads and
//! merging back agree by the types, and every transpose of the attention is checked by the
//! compiler.
//!
//! Training draws fresh random sequences every step (seeded), with Adam on softmax
//! cross-entropy over every position, on one thread. Each epoch prints the mean loss and the
//! accuracy on a fixed test set of sequences the model never trained on, per token and per
//! whole sequence. It stops once every test sequence comes out right, and exits non-zero unless
//! at least 99 % do.
//!
//! Run with `cargo run --release --example sequence` (or `... -- reverse`).

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use shapegrad::graph::{Graph, Tape, Var};
use shapegrad::nn::{Adam, Init, LayerNorm, Linear, Optimizer, Params, TransformerBlock, Visit};
use shapegrad::{Batched, Dim, Matrix, StaticDim, Threads, dim, make_guard, set_default_threads};

dim!(
    Vocab = 10,
    Seq = 8,
    Heads = 4,
    HeadDim = 8,
    Model = Heads * HeadDim,
    Hidden = 64,
    Batch = 32,
    TestBatch = 1000
);

/// How many transformer blocks.
const BLOCKS: usize = 2;
const SEED: u64 = 7;
const STEPS_PER_EPOCH: usize = 50;
const MAX_EPOCHS: usize = 60;
const LEARNING_RATE: f32 = 3e-3;
const TARGET: f64 = 0.99;

type Block = TransformerBlock<Model, Heads, HeadDim, Hidden>;

/// The model: its fields' types say its shape.
struct Reverser {
    tokens: Linear<Vocab, Model>,
    positions: Matrix<Seq, Model>,
    blocks: Vec<Block>,
    norm: LayerNorm<Model>,
    out: Linear<Model, Vocab>,
}

impl Params<f32> for Reverser {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.tokens.visit_params(v);
        self.positions.visit_params(v);
        self.blocks.visit_params(v);
        self.norm.visit_params(v);
        self.out.visit_params(v);
    }
}

impl Reverser {
    fn new(rng: &mut Xoshiro256PlusPlus) -> Self {
        let tokens = Linear::new(rng);
        let positions = Matrix::init(
            Init::Normal {
                mean: 0.0,
                std: 0.1,
            },
            rng,
        );
        let blocks = (0..BLOCKS).map(|_| Block::new(rng)).collect();
        Reverser {
            tokens,
            positions,
            blocks,
            norm: LayerNorm::new(),
            out: Linear::new(rng),
        }
    }

    /// The scores of every symbol at every position of every sequence of `x` (one-hot tokens).
    fn forward<'id, 'p, B: Dim>(
        &'p self,
        g: &Graph<'id, '_, 'p, f32>,
        x: &'p Batched<B, Seq, Vocab>,
    ) -> Var<'id, (B, Seq), Vocab> {
        let embedded = self.tokens.forward(g, g.input_batched(x));
        let mut h = g.add_items(embedded, g.param(&self.positions));
        for block in &self.blocks {
            h = block.forward(g, h);
        }
        self.out.forward(g, self.norm.forward(g, h))
    }
}

/// What the model learns to do to a sequence.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Task {
    Sort,
    Reverse,
}

/// Random sequences as one-hot rows, one batch item each, and the answer's tokens as labels,
/// one per position.
fn sequences<B: Dim>(
    task: Task,
    batch: B,
    rng: &mut Xoshiro256PlusPlus,
    x: &mut Batched<B, Seq, Vocab>,
    labels: &mut Vec<usize>,
) {
    debug_assert_eq!(x.batch(), batch.size());
    x.as_mut_slice().fill(0.0);
    labels.clear();
    let v = Vocab::SIZE;
    for (item, one_hot) in x.items_mut().enumerate() {
        let tokens: [usize; Seq::SIZE] = core::array::from_fn(|_| rng.random_range(0..v));
        for (i, &t) in tokens.iter().enumerate() {
            one_hot[i * v + t] = 1.0;
        }
        match task {
            Task::Sort => {
                let mut sorted = tokens;
                sorted.sort_unstable();
                labels.extend(sorted);
            }
            Task::Reverse => labels.extend(tokens.iter().rev()),
        }
        debug_assert_eq!(labels.len(), (item + 1) * Seq::SIZE);
    }
}

/// The token and whole-sequence accuracy of `model` on `x` with `labels`.
fn accuracy<B: Dim>(
    model: &Reverser,
    tape: &mut Tape,
    x: &Batched<B, Seq, Vocab>,
    labels: &[usize],
) -> (f64, f64) {
    make_guard!(guard);
    let g = tape.graph(guard);
    let logits = g.value(model.forward(&g, x));
    let predicted: Vec<usize> = (0..logits.rows())
        .map(|i| {
            (0..Vocab::SIZE)
                .max_by(|&a, &b| logits[(i, a)].total_cmp(&logits[(i, b)]))
                .unwrap_or(0)
        })
        .collect();
    let right = |(p, l): (&[usize], &[usize])| p.iter().zip(l).filter(|(a, b)| a == b).count();
    let tokens = right((&predicted, labels));
    let whole = predicted
        .chunks(Seq::SIZE)
        .zip(labels.chunks(Seq::SIZE))
        .filter(|(p, l)| p == l)
        .count();
    let n = labels.len().max(1);
    (
        tokens as f64 / n as f64,
        whole as f64 / (n / Seq::SIZE).max(1) as f64,
    )
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("sequence: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool, Box<dyn Error>> {
    let task = match std::env::args().nth(1).as_deref() {
        None | Some("sort") => Task::Sort,
        Some("reverse") => Task::Reverse,
        Some(other) => {
            return Err(format!("unknown task `{other}`: expected `sort` or `reverse`").into());
        }
    };
    set_default_threads(Threads::Sequential);
    let start = Instant::now();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let mut model = Reverser::new(&mut rng);
    let (count, elements) = shapegrad::nn::count_params(&mut model);
    println!(
        "sequence: {task:?} sequences of {} tokens from {} symbols; {} blocks of {} heads × {} = {} \
         features, MLP {}; {} parameter tensors, {} weights; Adam, batches of {}, one thread",
        Seq::SIZE,
        Vocab::SIZE,
        BLOCKS,
        Heads::SIZE,
        HeadDim::SIZE,
        Model::SIZE,
        Hidden::SIZE,
        count,
        elements,
        Batch::SIZE
    );

    let mut test_rng = Xoshiro256PlusPlus::seed_from_u64(SEED + 1);
    let (mut x_test, mut y_test) = (Batched::<TestBatch, Seq, Vocab>::zeros(), Vec::new());
    sequences(task, TestBatch, &mut test_rng, &mut x_test, &mut y_test);
    let (mut x, mut labels) = (Batched::<Batch, Seq, Vocab>::zeros(), Vec::new());
    let (mut adam, mut tape, mut eval_tape) = (Adam::new(LEARNING_RATE), Tape::new(), Tape::new());

    println!("epoch   loss     token acc   sequence acc   time");
    let mut sequence_accuracy = 0.0;
    for epoch in 1..=MAX_EPOCHS {
        let epoch_start = Instant::now();
        let mut loss_sum = 0.0f64;
        for _ in 0..STEPS_PER_EPOCH {
            sequences(task, Batch, &mut rng, &mut x, &mut labels);
            make_guard!(guard);
            let g = tape.graph(guard);
            let loss = g.cross_entropy(model.forward(&g, &x), &labels)?;
            loss_sum += f64::from(g.scalar(loss));
            let grads = g.backward(loss);
            adam.step(&mut model, &grads);
        }
        let (token_accuracy, whole) = accuracy(&model, &mut eval_tape, &x_test, &y_test);
        sequence_accuracy = whole;
        println!(
            "{epoch:>5}   {:.4}   {:>8.2} %  {:>10.2} %   {:.0} ms",
            loss_sum / STEPS_PER_EPOCH as f64,
            100.0 * token_accuracy,
            100.0 * sequence_accuracy,
            epoch_start.elapsed().as_secs_f64() * 1e3
        );
        if sequence_accuracy == 1.0 {
            break;
        }
    }
    let ok = sequence_accuracy >= TARGET;
    println!(
        "sequence check: {} ({:.2} % of {} test sequences right in every position, target {:.0} %; {:.1} s)",
        if ok { "OK" } else { "FAILED" },
        100.0 * sequence_accuracy,
        TestBatch::SIZE,
        100.0 * TARGET,
        start.elapsed().as_secs_f64()
    );
    Ok(ok)
}
