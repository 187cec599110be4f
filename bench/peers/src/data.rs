//! The workloads and what every contestant starts from: the same initial weights and the same
//! batches, drawn once in Rust from seeded generators and handed to each framework as `f32`
//! buffers (to PyTorch through a file).

use shapegrad::nn::Linear;
use shapegrad::{Matrix, StaticDim, dim};

dim!(pub Pixels1 = 64, pub Hidden1 = 128, pub Batch1 = 64);
dim!(pub Pixels2 = 784, pub Hidden2 = 1024, pub Batch2 = 256);
dim!(pub Classes = 10);

/// Batches per workload; step `k` trains on batch `k mod BATCHES`.
pub const BATCHES: usize = 4;

/// SGD: learning rate and momentum, as `bench/src/bin/train.rs` uses them.
/// (`f64`, as PyTorch holds them in Python floats; each framework rounds them as it does.)
pub const SGD_LR: f64 = 0.01;
pub const SGD_MOMENTUM: f64 = 0.9;
/// AdamW: learning rate and weight decay; β = (0.9, 0.999), ε = 1e-8 (PyTorch's defaults).
pub const ADAMW_LR: f64 = 1e-3;
pub const ADAMW_WEIGHT_DECAY: f64 = 1e-2;
pub const ADAM_BETAS: (f64, f64) = (0.9, 0.999);
pub const ADAM_EPS: f64 = 1e-8;

/// Which update every contestant makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// SGD with momentum 0.9 (PyTorch's rule: no dampening, not Nesterov), lr 0.01.
    Sgd,
    /// AdamW, lr 1e-3, weight decay 1e-2.
    AdamW,
}

impl Opt {
    pub fn name(self) -> &'static str {
        match self {
            Opt::Sgd => "SGD",
            Opt::AdamW => "AdamW",
        }
    }
}

/// A fully connected layer as `f32` buffers.
pub struct Layer {
    pub inputs: usize,
    pub outputs: usize,
    /// `inputs × outputs`, row-major: shapegrad's and burn's layout (`y = x · W`).
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Layer {
    /// The weight `outputs × inputs`, row-major: PyTorch's, candle's and dfdx's layout
    /// (`y = x · Wᵀ`).
    pub fn weight_out_in(&self) -> Vec<f32> {
        let (i, o) = (self.inputs, self.outputs);
        let mut t = vec![0.0; i * o];
        for r in 0..i {
            for c in 0..o {
                t[c * i + r] = self.weight[r * o + c];
            }
        }
        t
    }
}

/// A batch: `rows × features` inputs, row-major, and a class per row.
pub struct Batch {
    pub x: Vec<f32>,
    pub labels: Vec<usize>,
}

/// A workload with its initial weights and its batches.
pub struct Workload {
    pub name: &'static str,
    pub batch: usize,
    pub layers: Vec<Layer>,
    pub batches: Vec<Batch>,
}

impl Workload {
    /// The layer widths, input first: `[64, 128, 10]` for W1.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.layers[0].inputs];
        w.extend(self.layers.iter().map(|l| l.outputs));
        w
    }

    pub fn features(&self) -> usize {
        self.layers[0].inputs
    }
}

/// Seeded weights, as `nn.Linear` initialises them (the generator train.rs uses).
fn rng(seed: u64) -> impl rand::Rng {
    use rand::SeedableRng;
    rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed)
}

fn layer<I: StaticDim, O: StaticDim>(seed: u64) -> Layer {
    let l = Linear::<I, O>::new(&mut rng(seed));
    Layer {
        inputs: I::SIZE,
        outputs: O::SIZE,
        weight: l.weight.into_vec(),
        bias: l.bias.into_vec(),
    }
}

/// Batch `k` of a workload whose first batch has `seed`: batch 0 is the batch train.rs trains
/// on (uniform inputs in [0, 1), labels `(7i + seed) mod 10`).
fn batches<B: StaticDim, P: StaticDim>(seed: u64) -> Vec<Batch> {
    (0..BATCHES as u64)
        .map(|k| {
            let s = seed + 100 * k;
            Batch {
                x: Matrix::<B, P>::rand(s).into_vec(),
                labels: (0..B::SIZE).map(|i| (i * 7 + s as usize) % 10).collect(),
            }
        })
        .collect()
}

/// W1: 64 → 128 (ReLU) → 10, batch 64.
pub fn w1() -> Workload {
    Workload {
        name: "W1",
        batch: Batch1::SIZE,
        layers: vec![layer::<Pixels1, Hidden1>(1), layer::<Hidden1, Classes>(2)],
        batches: batches::<Batch1, Pixels1>(3),
    }
}

/// W2: 784 → 1024 (ReLU) → 1024 (ReLU) → 10, batch 256.
pub fn w2() -> Workload {
    Workload {
        name: "W2",
        batch: Batch2::SIZE,
        layers: vec![
            layer::<Pixels2, Hidden2>(1),
            layer::<Hidden2, Hidden2>(2),
            layer::<Hidden2, Classes>(3),
        ],
        batches: batches::<Batch2, Pixels2>(4),
    }
}

/// The file PyTorch reads a workload from, little-endian: per layer the weight
/// `outputs × inputs` (f32) and the bias (f32); then per batch the inputs (f32); then per batch
/// the labels (i64).
pub fn write_torch_file(w: &Workload, path: &std::path::Path) -> std::io::Result<()> {
    let mut bytes = Vec::new();
    for l in &w.layers {
        for v in l.weight_out_in().iter().chain(&l.bias) {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    for b in &w.batches {
        for v in &b.x {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    for b in &w.batches {
        for &c in &b.labels {
            bytes.extend_from_slice(&(c as i64).to_le_bytes());
        }
    }
    std::fs::write(path, bytes)
}
