//! `train`: milliseconds per training step of shapegrad's typed autodiff, the baseline the
//! training-speed issue measures the peers against.
//!
//! ```text
//! cargo run --release -p shapegrad-bench --bin train             # about a minute
//! cargo run --release -p shapegrad-bench --bin train -- --quick  # a few seconds
//! ```
//!
//! A step is the forward pass, softmax cross-entropy, the backward pass of every parameter (not
//! of the input batch) and the optimizer's update, on a tape reused from step to step. Two
//! workloads, f32:
//!
//! - W1: 64 → 128 (ReLU) → 10, batch 64;
//! - W2: 784 → 1024 (ReLU) → 1024 (ReLU) → 10, batch 256;
//!
//! each on 1 and 2 threads, with SGD (momentum 0.9) and with AdamW. Beside each step time it
//! prints the time of the step's products alone (the same GEMMs into reused buffers), so the
//! rest, elementwise work and overhead, can be read off. Rows go to
//! `target/shapegrad-train.csv` (under `CARGO_TARGET_DIR` when it is set).
#![deny(unsafe_code)]

#[path = "../stats.rs"]
#[allow(dead_code)]
mod stats;

use std::io::Write as _;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Instant;

use shapegrad::graph::Tape;
use shapegrad::nn::{Adam, Linear, Optimizer, Params, Sgd, Visit};
use shapegrad::{Matrix, StaticDim, Threads, Write, dim, make_guard, with_threads};

dim!(Pixels1 = 64, Hidden1 = 128, Batch1 = 64);
dim!(Pixels2 = 784, Hidden2 = 1024, Batch2 = 256);
dim!(Classes = 10);

/// A matrix whose sizes are known at run time, for the products measured alone.
type DynMatrix = Matrix<shapegrad::Dyn, shapegrad::Dyn>;

/// W1: one hidden layer.
struct W1 {
    l1: Linear<Pixels1, Hidden1>,
    l2: Linear<Hidden1, Classes>,
}

/// W2: two hidden layers.
struct W2 {
    l1: Linear<Pixels2, Hidden2>,
    l2: Linear<Hidden2, Hidden2>,
    l3: Linear<Hidden2, Classes>,
}

impl Params<f32> for W1 {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.l1.visit_params(v);
        self.l2.visit_params(v);
    }
}

impl Params<f32> for W2 {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.l1.visit_params(v);
        self.l2.visit_params(v);
        self.l3.visit_params(v);
    }
}

/// A workload: a model, its data and one training step.
trait Workload: Sized {
    const NAME: &'static str;
    /// One step on `tape`; returns the loss.
    fn step<O: Optimizer<f32>>(&mut self, tape: &mut Tape, opt: &mut O) -> f32;
    /// The step's products alone, into reused buffers. `inputs` (the batch and the weights as
    /// `Dyn` matrices) is filled on the first call and reused after, so no call copies or
    /// allocates: a product's speed does not depend on the values.
    fn products(&self, inputs: &mut Vec<DynMatrix>, buffers: &mut Vec<DynMatrix>);
}

struct Data<B: StaticDim, P: StaticDim> {
    x: Matrix<B, P>,
    labels: Vec<usize>,
}

fn data<B: StaticDim, P: StaticDim>(seed: u64) -> Data<B, P> {
    let labels = (0..B::SIZE).map(|i| (i * 7 + seed as usize) % 10).collect();
    Data {
        x: Matrix::rand(seed),
        labels,
    }
}

/// Seeded weights, as `nn.Linear` initialises them.
fn rng(seed: u64) -> impl rand::Rng {
    use rand::SeedableRng;
    rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed)
}

struct Run<M, D> {
    model: M,
    data: D,
}

impl Workload for Run<W1, Data<Batch1, Pixels1>> {
    const NAME: &'static str = "W1";
    fn step<O: Optimizer<f32>>(&mut self, tape: &mut Tape, opt: &mut O) -> f32 {
        make_guard!(guard);
        let g = tape.graph(guard);
        let m = &self.model;
        let h = g.relu(m.l1.forward(&g, g.input(&self.data.x)));
        let loss = g
            .cross_entropy(m.l2.forward(&g, h), &self.data.labels)
            .expect("labels are classes");
        let value = g.scalar(loss);
        let grads = g.backward(loss);
        opt.step(&mut self.model, &grads);
        value
    }
    fn products(&self, inputs: &mut Vec<DynMatrix>, b: &mut Vec<DynMatrix>) {
        if inputs.is_empty() {
            let m = &self.model;
            inputs.extend([
                self.data.x.clone().into_dyn(),
                m.l1.weight.clone().into_dyn(),
                m.l2.weight.clone().into_dyn(),
            ]);
        }
        products(b, &inputs[0], &inputs[1..]);
    }
}

impl Workload for Run<W2, Data<Batch2, Pixels2>> {
    const NAME: &'static str = "W2";
    fn step<O: Optimizer<f32>>(&mut self, tape: &mut Tape, opt: &mut O) -> f32 {
        make_guard!(guard);
        let g = tape.graph(guard);
        let m = &self.model;
        let h1 = g.relu(m.l1.forward(&g, g.input(&self.data.x)));
        let h2 = g.relu(m.l2.forward(&g, h1));
        let loss = g
            .cross_entropy(m.l3.forward(&g, h2), &self.data.labels)
            .expect("labels are classes");
        let value = g.scalar(loss);
        let grads = g.backward(loss);
        opt.step(&mut self.model, &grads);
        value
    }
    fn products(&self, inputs: &mut Vec<DynMatrix>, b: &mut Vec<DynMatrix>) {
        if inputs.is_empty() {
            let m = &self.model;
            inputs.extend([
                self.data.x.clone().into_dyn(),
                m.l1.weight.clone().into_dyn(),
                m.l2.weight.clone().into_dyn(),
                m.l3.weight.clone().into_dyn(),
            ]);
        }
        products(b, &inputs[0], &inputs[1..]);
    }
}

/// The GEMMs of a step of an MLP with weights `ws` on batch `x`: forward `hᵢ₊₁ = hᵢ·Wᵢ`, backward
/// `dWᵢ = hᵢᵀ·dhᵢ₊₁` for every layer and `dhᵢ = dhᵢ₊₁·Wᵢᵀ` for all but the first.
/// The buffers are made on the first call and reused after.
fn products(b: &mut Vec<DynMatrix>, x: &DynMatrix, ws: &[DynMatrix]) {
    use shapegrad::Dyn;
    let rows = x.rows();
    // Buffers: activations h1..hn, their gradients, and the weight gradients.
    let n = ws.len();
    if b.is_empty() {
        for w in ws {
            b.push(Matrix::zeros_with(Dyn(rows), Dyn(w.cols())));
        }
        for w in ws {
            b.push(Matrix::zeros_with(Dyn(rows), Dyn(w.cols())));
        }
        for w in ws {
            b.push(Matrix::zeros_with(Dyn(w.rows()), Dyn(w.cols())));
        }
    }
    let (acts, rest) = b.split_at_mut(n);
    let (dacts, dws) = rest.split_at_mut(n);
    for i in 0..n {
        let (done, todo) = acts.split_at_mut(i);
        let input = if i == 0 { x } else { &done[i - 1] };
        input.matmul_into(&ws[i], &mut todo[0], Write::Overwrite);
    }
    for i in (0..n).rev() {
        let input = if i == 0 { x } else { &acts[i - 1] };
        input
            .t()
            .matmul_into(&dacts[i], &mut dws[i], Write::Overwrite);
        if i > 0 {
            let (lo, hi) = dacts.split_at_mut(i);
            hi[0].matmul_into(ws[i].t(), &mut lo[i - 1], Write::Overwrite);
        }
    }
}

/// Milliseconds of each of `reps` calls of `f`, after `warmup` calls.
fn time(warmup: usize, reps: usize, mut f: impl FnMut()) -> Vec<f64> {
    for _ in 0..warmup {
        f();
    }
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// One row of the table: the step with `opt`, and the products alone.
fn measure<W: Workload, O: Optimizer<f32>>(
    mut w: W,
    mut opt: O,
    opt_name: &str,
    threads: usize,
    reps: usize,
    csv: &mut Vec<String>,
) {
    let mut tape = Tape::new();
    let mut first = f32::NAN;
    let mut loss = f32::NAN;
    let mut steps = time(2, reps, || {
        loss = w.step(&mut tape, &mut opt);
        if first.is_nan() {
            first = loss;
        }
    });
    // The products alone after the steps, not in alternation with them: on two threads a step
    // right after the products' buffers have gone through the caches read 35 % slower.
    let (mut inputs, mut buffers) = (Vec::new(), Vec::new());
    let mut gemm = time(2, reps, || w.products(&mut inputs, &mut buffers));
    let (lo, hi) = stats::median_interval(&mut steps.clone());
    let step = stats::median(&mut steps);
    let products = stats::median(&mut gemm);
    println!(
        "{:<4} {:<6} {:>7} {:>10.3} {:>8.3}–{:<8.3} {:>10.3} {:>8.0} %   {:.4} → {:.4}",
        W::NAME,
        opt_name,
        threads,
        step,
        lo,
        hi,
        products,
        100.0 * products / step,
        first,
        loss
    );
    csv.push(format!(
        "{},{opt_name},{threads},{step:.4},{lo:.4},{hi:.4},{products:.4},{first},{loss}",
        W::NAME
    ));
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (reps1, reps2) = if quick { (50, 5) } else { (400, 31) };
    let mut csv = vec![
        "workload,optimizer,threads,ms_median,ms_lo,ms_hi,ms_products,loss_first,loss_last"
            .to_owned(),
    ];
    println!("ms per step (median, 95 % interval of the median) and the step's products alone");
    println!(
        "{:<4} {:<6} {:>7} {:>10} {:>19} {:>10} {:>10}   loss (first → last)",
        "", "opt", "threads", "step", "interval", "products", "share"
    );
    for threads in [1, 2] {
        let t = if threads == 1 {
            Threads::Sequential
        } else {
            Threads::Fixed(NonZeroUsize::new(threads).expect("nonzero"))
        };
        with_threads(t, || {
            let w1 = || Run {
                model: W1 {
                    l1: Linear::new(&mut rng(1)),
                    l2: Linear::new(&mut rng(2)),
                },
                data: data::<Batch1, Pixels1>(3),
            };
            let w2 = || Run {
                model: W2 {
                    l1: Linear::new(&mut rng(1)),
                    l2: Linear::new(&mut rng(2)),
                    l3: Linear::new(&mut rng(3)),
                },
                data: data::<Batch2, Pixels2>(4),
            };
            measure(
                w1(),
                Sgd::new(0.01).momentum(0.9),
                "SGD",
                threads,
                reps1,
                &mut csv,
            );
            measure(
                w1(),
                Adam::adamw(1e-3, 1e-2),
                "AdamW",
                threads,
                reps1,
                &mut csv,
            );
            measure(
                w2(),
                Sgd::new(0.01).momentum(0.9),
                "SGD",
                threads,
                reps2,
                &mut csv,
            );
            measure(
                w2(),
                Adam::adamw(1e-3, 1e-2),
                "AdamW",
                threads,
                reps2,
                &mut csv,
            );
        });
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    let path = dir.join("shapegrad-train.csv");
    match std::fs::File::create(&path)
        .and_then(|mut f| f.write_all((csv.join("\n") + "\n").as_bytes()))
    {
        Ok(()) => println!("rows written to {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}
