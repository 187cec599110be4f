//! `attention`: milliseconds per training step of a small causal transformer language model,
//! shapegrad against PyTorch (eager, CPU) on the same shapes, weights and batch.
//!
//! ```text
//! cargo run --release -p shapegrad-bench --bin attention             # six to seven minutes
//! cargo run --release -p shapegrad-bench --bin attention -- --quick  # under a minute
//! cargo run --release -p shapegrad-bench --bin attention -- --size medium --threads 1
//! ```
//!
//! The model: a token embedding (a `Linear<Vocab, Model>` applied to one-hot rows, on both
//! sides, so the embedding is a product and has a bias), `BLOCKS` pre-norm transformer blocks
//! with causal multi-head attention and a GELU MLP, a final layer norm and a `Linear<Model,
//! Vocab>` head. A step is the forward pass, softmax cross-entropy over every position (the
//! labels are the next tokens), the backward pass of every parameter and the optimizer's update
//! (SGD with momentum 0.9, or AdamW), on a tape reused from step to step. Two sizes, f32:
//!
//! - small: B = 16 sequences of S = 32, Model = 4 × 16, Hidden = 256, Vocab = 64;
//! - medium: B = 32 sequences of S = 128, Model = 8 × 32, Hidden = 1024, Vocab = 256;
//!
//! each on 1 and 2 threads. The initial weights and the batch are drawn here from a seeded
//! generator and written to a temporary directory; `bench/torch_attention_step.py`, started once
//! as a child process (`SHAPEGRAD_PYTHON`, default `/work/torchenv/bin/python`), builds the
//! same model from them, so both sides' losses of steps 1 and 2 are printed side by side (step 2
//! follows one update, so it checks the gradients and the optimizer as well as the forward).
//!
//! Timing alternates: per configuration, rounds of a shapegrad measurement then a PyTorch
//! measurement (each one warm-up step, then a block of timed steps), so that both see the same
//! machine state. The milliseconds are medians over every timed step, with the 95 % interval of
//! the median; the ratio (shapegrad's steps per second over PyTorch's) is the median over the
//! rounds of PyTorch's round median over shapegrad's, with its 95 % interval. Without PyTorch
//! (the interpreter or `import torch` fails) it says so and times shapegrad alone. Rows go to
//! `target/shapegrad-attention.csv` (under `CARGO_TARGET_DIR` when it is set).
#![deny(unsafe_code)]

#[path = "../machine.rs"]
mod machine;
#[path = "../stats.rs"]
#[allow(dead_code)]
mod stats;

use std::io::{BufRead as _, BufReader, Write as _};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use rand::{RngExt as _, SeedableRng as _};
use shapegrad::graph::{Graph, Tape, Var};
use shapegrad::nn::{Adam, LayerNorm, Linear, Optimizer, Params, Sgd, TransformerBlock, Visit};
use shapegrad::shape::Product;
use shapegrad::{Batched, Dim, Matrix, StaticDim, Threads, dim, make_guard, with_threads};

dim!(
    SBatch = 16,
    SSeq = 32,
    SHeads = 4,
    SHeadDim = 16,
    SModel = SHeads * SHeadDim,
    SHidden = 256,
    SVocab = 64
);
dim!(
    MBatch = 32,
    MSeq = 128,
    MHeads = 8,
    MHeadDim = 32,
    MModel = MHeads * MHeadDim,
    MHidden = 1024,
    MVocab = 256
);

/// Transformer blocks in both sizes.
const BLOCKS: usize = 2;
const SEED: u64 = 23;

/// One size of the workload: its dimensions, and how long to measure it.
trait Size {
    const NAME: &'static str;
    type Batch: StaticDim;
    type Seq: StaticDim;
    type Heads: StaticDim;
    type HeadDim: StaticDim;
    type Model: StaticDim + Product<Self::Heads, Self::HeadDim>;
    type Hidden: StaticDim;
    type Vocab: StaticDim;
    /// Untimed steps after the two checked ones, before the first round.
    const WARMUP: usize;
    /// Timed steps per round (full run, `--quick`).
    const STEPS: (usize, usize);
}

struct Small;
struct Medium;

impl Size for Small {
    const NAME: &'static str = "small";
    type Batch = SBatch;
    type Seq = SSeq;
    type Heads = SHeads;
    type HeadDim = SHeadDim;
    type Model = SModel;
    type Hidden = SHidden;
    type Vocab = SVocab;
    const WARMUP: usize = 10;
    const STEPS: (usize, usize) = (40, 10);
}

impl Size for Medium {
    const NAME: &'static str = "medium";
    type Batch = MBatch;
    type Seq = MSeq;
    type Heads = MHeads;
    type HeadDim = MHeadDim;
    type Model = MModel;
    type Hidden = MHidden;
    type Vocab = MVocab;
    const WARMUP: usize = 2;
    const STEPS: (usize, usize) = (4, 1);
}

type Block<Z> = TransformerBlock<
    <Z as Size>::Model,
    <Z as Size>::Heads,
    <Z as Size>::HeadDim,
    <Z as Size>::Hidden,
>;

/// The language model: embedding, blocks, final norm, head.
struct Lm<Z: Size> {
    embed: Linear<Z::Vocab, Z::Model>,
    blocks: Vec<Block<Z>>,
    norm: LayerNorm<Z::Model>,
    head: Linear<Z::Model, Z::Vocab>,
}

impl<Z: Size> Clone for Lm<Z> {
    fn clone(&self) -> Self {
        Lm {
            embed: self.embed.clone(),
            blocks: self.blocks.clone(),
            norm: self.norm.clone(),
            head: self.head.clone(),
        }
    }
}

impl<Z: Size> Params<f32> for Lm<Z> {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.embed.visit_params(v);
        self.blocks.visit_params(v);
        self.norm.visit_params(v);
        self.head.visit_params(v);
    }
}

impl<Z: Size> Lm<Z> {
    /// Every layer as PyTorch initialises it, drawn from one seeded generator.
    fn new(seed: u64) -> Self {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
        let embed = Linear::new(&mut rng);
        let blocks = (0..BLOCKS)
            .map(|_| Block::<Z>::new(&mut rng).causal(true))
            .collect();
        Lm {
            embed,
            blocks,
            norm: LayerNorm::new(),
            head: Linear::new(&mut rng),
        }
    }

    /// The logits of every position of every sequence of `x` (one-hot tokens).
    fn forward<'id, 'p>(
        &'p self,
        g: &Graph<'id, '_, 'p, f32>,
        x: &'p Batched<Z::Batch, Z::Seq, Z::Vocab>,
    ) -> Var<'id, (Z::Batch, Z::Seq), Z::Vocab> {
        let mut h = self.embed.forward(g, g.input_batched(x));
        for block in &self.blocks {
            h = block.forward(g, h);
        }
        self.head.forward(g, self.norm.forward(g, h))
    }
}

/// A batch: one-hot tokens and, per position, the next token as its label.
struct Data<Z: Size> {
    x: Batched<Z::Batch, Z::Seq, Z::Vocab>,
    tokens: Vec<u32>,
    labels: Vec<usize>,
}

fn data<Z: Size>(seed: u64) -> Data<Z> {
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    let (s, v) = (Z::Seq::SIZE, Z::Vocab::SIZE);
    let mut x = Batched::zeros();
    let (mut tokens, mut labels) = (Vec::new(), Vec::new());
    for one_hot in x.items_mut() {
        let seq: Vec<usize> = (0..=s).map(|_| rng.random_range(0..v)).collect();
        for (i, &t) in seq[..s].iter().enumerate() {
            one_hot[i * v + t] = 1.0;
            tokens.push(u32::try_from(t).expect("a small vocabulary"));
        }
        labels.extend_from_slice(&seq[1..]);
    }
    Data { x, tokens, labels }
}

/// One training step; returns the loss before the update.
fn step<Z: Size, O: Optimizer<f32>>(
    model: &mut Lm<Z>,
    data: &Data<Z>,
    tape: &mut Tape,
    opt: &mut O,
) -> f32 {
    make_guard!(guard);
    let g = tape.graph(guard);
    let loss = g
        .cross_entropy(model.forward(&g, &data.x), &data.labels)
        .expect("labels are tokens");
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    opt.step(model, &grads);
    value
}

/// Writes the model's parameters and the batch for the Python side: `<prefix>.meta` (the dims,
/// then `rows cols` of every parameter in visit order, shapegrad's layout: a `Linear`'s weight
/// is `In × Out`), `<prefix>.params` (their f32 elements, little-endian, row-major, one after
/// another) and `<prefix>.tokens` (the `B·S` input tokens then the `B·S` labels, u32
/// little-endian).
fn export<Z: Size>(model: &Lm<Z>, data: &Data<Z>, prefix: &Path) -> std::io::Result<()> {
    struct Dump {
        meta: String,
        bytes: Vec<u8>,
    }
    impl Visit<f32> for Dump {
        fn visit<R: Dim, C: Dim>(&mut self, p: &mut Matrix<R, C, f32>) {
            self.meta += &format!("{} {}\n", p.rows(), p.cols());
            self.bytes
                .extend(p.as_slice().iter().flat_map(|x| x.to_le_bytes()));
        }
    }
    let mut dump = Dump {
        meta: format!(
            "{} {} {} {} {} {} {} {}\n",
            Z::Batch::SIZE,
            Z::Seq::SIZE,
            Z::Model::SIZE,
            Z::Heads::SIZE,
            Z::HeadDim::SIZE,
            Z::Hidden::SIZE,
            Z::Vocab::SIZE,
            BLOCKS
        ),
        bytes: Vec::new(),
    };
    model.clone().visit_params(&mut dump);
    let tokens: Vec<u8> = data
        .tokens
        .iter()
        .copied()
        .chain(
            data.labels
                .iter()
                .map(|&l| u32::try_from(l).expect("a small vocabulary")),
        )
        .flat_map(u32::to_le_bytes)
        .collect();
    std::fs::write(prefix.with_extension("meta"), dump.meta)?;
    std::fs::write(prefix.with_extension("params"), dump.bytes)?;
    std::fs::write(prefix.with_extension("tokens"), tokens)
}

/// The PyTorch side: the script, started once, answering one request per line.
struct Torch {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    version: String,
}

impl Torch {
    /// Starts the script; `Err` with the reason when there is no usable PyTorch.
    fn start() -> Result<Self, String> {
        let python = std::env::var("SHAPEGRAD_PYTHON")
            .unwrap_or_else(|_| "/work/torchenv/bin/python".to_owned());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/torch_attention_step.py");
        let mut child = Command::new(&python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {python}: {e}"))?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("no pipes to the child".to_owned());
        };
        let mut torch = Torch {
            child,
            input,
            output: BufReader::new(output),
            version: String::new(),
        };
        match torch.read_line() {
            Ok(line) if line.starts_with("ready ") => {
                torch.version = line["ready ".len()..].to_owned();
                Ok(torch)
            }
            Ok(line) => {
                let _ = torch.child.wait();
                Err(format!("{python}: {line}"))
            }
            Err(e) => {
                let _ = torch.child.wait();
                Err(format!("{python}: {e}"))
            }
        }
    }

    fn read_line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.output.read_line(&mut line) {
            Ok(0) => Err("the PyTorch script exited".to_owned()),
            Ok(_) => Ok(line.trim_end().to_owned()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Sends `request` and returns the numbers of the answer, which must start with `expect`.
    fn ask(&mut self, request: &str, expect: &str) -> Result<Vec<f64>, String> {
        writeln!(self.input, "{request}")
            .and_then(|()| self.input.flush())
            .map_err(|e| e.to_string())?;
        let line = self.read_line()?;
        let rest = line
            .strip_prefix(expect)
            .ok_or_else(|| format!("asked `{request}`, got `{line}`"))?;
        rest.split_whitespace()
            .map(|x| x.parse().map_err(|e| format!("`{x}` in `{line}`: {e}")))
            .collect()
    }
}

impl Drop for Torch {
    fn drop(&mut self) {
        let _ = writeln!(self.input, "quit").and_then(|()| self.input.flush());
        let _ = self.child.wait();
    }
}

/// Milliseconds of each of `reps` calls of `f`.
fn time(reps: usize, mut f: impl FnMut()) -> Vec<f64> {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// One configuration's results.
struct Row {
    size: &'static str,
    threads: usize,
    opt: &'static str,
    ours: Vec<f64>,
    theirs: Vec<f64>,
    ratios: Vec<f64>,
    losses: [f32; 2],
    torch_losses: Option<[f64; 2]>,
}

/// Measures one size, optimizer and thread count in alternating rounds.
#[allow(clippy::too_many_arguments)]
fn measure<Z: Size, O: Optimizer<f32>>(
    model: &Lm<Z>,
    data: &Data<Z>,
    prefix: &Path,
    mut opt: O,
    opt_name: &'static str,
    threads: usize,
    rounds: usize,
    steps: usize,
    torch: &mut Option<Torch>,
) -> Row {
    let mut model = model.clone();
    let mut tape = Tape::new();
    let l1 = step(&mut model, data, &mut tape, &mut opt);
    let l2 = step(&mut model, data, &mut tape, &mut opt);
    for _ in 0..Z::WARMUP {
        step(&mut model, data, &mut tape, &mut opt);
    }
    let mut torch_losses = None;
    if let Some(t) = torch.as_mut() {
        let request = format!(
            "setup {} {opt_name} {threads} {}",
            prefix.display(),
            Z::WARMUP
        );
        match t.ask(&request, "losses") {
            Ok(l) if l.len() == 2 => torch_losses = Some([l[0], l[1]]),
            Ok(l) => eprintln!("PyTorch answered {l:?} to setup; timing shapegrad alone"),
            Err(e) => eprintln!("PyTorch failed ({e}); timing shapegrad alone"),
        }
        if torch_losses.is_none() {
            *torch = None;
        }
    }
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        // A short pause, then one untimed step, so that the other process's threads have gone
        // to sleep and the caches hold this side's data.
        std::thread::sleep(Duration::from_millis(50));
        step(&mut model, data, &mut tape, &mut opt);
        let mut mine = time(steps, || {
            step(&mut model, data, &mut tape, &mut opt);
        });
        ours.extend_from_slice(&mine);
        if let Some(t) = torch.as_mut() {
            std::thread::sleep(Duration::from_millis(50));
            match t.ask(&format!("run 1 {steps}"), "ms") {
                Ok(mut other) if other.len() == steps => {
                    theirs.extend_from_slice(&other);
                    ratios.push(stats::median(&mut other) / stats::median(&mut mine));
                }
                Ok(other) => {
                    eprintln!("PyTorch sent {} times for {steps} steps", other.len());
                    *torch = None;
                }
                Err(e) => {
                    eprintln!("PyTorch failed ({e}); timing shapegrad alone");
                    *torch = None;
                }
            }
        }
    }
    Row {
        size: Z::NAME,
        threads,
        opt: opt_name,
        ours,
        theirs,
        ratios,
        losses: [l1, l2],
        torch_losses,
    }
}

/// Median and its 95 % interval, or NaNs for no values.
fn summary(v: &[f64]) -> (f64, f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mut v = v.to_vec();
    let (lo, hi) = stats::median_interval(&mut v);
    (stats::median(&mut v), lo, hi)
}

/// The command line: `--quick`, and which sizes and thread counts to run (all by default).
struct Args {
    quick: bool,
    sizes: Vec<String>,
    threads: Vec<usize>,
}

fn args() -> Args {
    let mut args = Args {
        quick: false,
        sizes: Vec::new(),
        threads: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => args.quick = true,
            "--size" => args.sizes.extend(it.next()),
            "--threads" => args
                .threads
                .extend(it.next().and_then(|t| t.parse::<usize>().ok())),
            other => eprintln!("ignored argument `{other}`"),
        }
    }
    if args.sizes.is_empty() {
        args.sizes = vec![Small::NAME.to_owned(), Medium::NAME.to_owned()];
    }
    if args.threads.is_empty() {
        args.threads = vec![1, 2];
    }
    args
}

/// The chosen sizes, both optimizers, at `threads`.
fn run_threads(threads: usize, args: &Args, dir: &Path, torch: &mut Option<Torch>) -> Vec<Row> {
    let quick = args.quick;
    let t = if threads == 1 {
        Threads::Sequential
    } else {
        Threads::Fixed(NonZeroUsize::new(threads).expect("nonzero"))
    };
    let rounds = if quick { 3 } else { 11 };
    with_threads(t, || {
        let mut rows = Vec::new();
        if args.sizes.iter().any(|s| s == Small::NAME) {
            rows.extend(size::<Small>(threads, quick, rounds, dir, torch));
        }
        if args.sizes.iter().any(|s| s == Medium::NAME) {
            rows.extend(size::<Medium>(threads, quick, rounds, dir, torch));
        }
        rows
    })
}

fn size<Z: Size>(
    threads: usize,
    quick: bool,
    rounds: usize,
    dir: &Path,
    torch: &mut Option<Torch>,
) -> Vec<Row> {
    let model = Lm::<Z>::new(SEED);
    let data = data::<Z>(SEED + 1);
    let prefix = dir.join(Z::NAME);
    if let Err(e) = export(&model, &data, &prefix) {
        eprintln!("could not write {}: {e}", prefix.display());
        *torch = None;
    }
    let steps = if quick { Z::STEPS.1 } else { Z::STEPS.0 };
    let rows = [
        measure(
            &model,
            &data,
            &prefix,
            Sgd::new(0.01).momentum(0.9),
            "SGD",
            threads,
            rounds,
            steps,
            torch,
        ),
        measure(
            &model,
            &data,
            &prefix,
            Adam::adamw(1e-3, 1e-2),
            "AdamW",
            threads,
            rounds,
            steps,
            torch,
        ),
    ];
    for r in &rows {
        print_row(r);
    }
    rows.into()
}

fn print_row(r: &Row) {
    let (ours, lo, hi) = summary(&r.ours);
    let (theirs, tlo, thi) = summary(&r.theirs);
    let (ratio, rlo, rhi) = summary(&r.ratios);
    let tl = r.torch_losses.unwrap_or([f64::NAN; 2]);
    println!(
        "{:<6} {:>2}t {:<5} shapegrad {:>8.3} ms [{:.3}–{:.3}]  PyTorch {:>8.3} ms [{:.3}–{:.3}]  \
         ratio {:.3} [{:.3}–{:.3}]  loss 1: {:.6} / {:.6}  loss 2: {:.6} / {:.6}",
        r.size,
        r.threads,
        r.opt,
        ours,
        lo,
        hi,
        theirs,
        tlo,
        thi,
        ratio,
        rlo,
        rhi,
        r.losses[0],
        tl[0],
        r.losses[1],
        tl[1]
    );
}

fn main() {
    let args = args();
    let start = Instant::now();
    let dir = std::env::temp_dir().join(format!("shapegrad-attention-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("could not create {}: {e}", dir.display());
    }
    let mut torch = match Torch::start() {
        Ok(t) => {
            println!("PyTorch {} (eager, CPU)", t.version);
            Some(t)
        }
        Err(e) => {
            println!("note: no PyTorch ({e}); timing shapegrad alone");
            None
        }
    };
    println!(
        "ms per step (median over every timed step, 95 % interval); ratio = shapegrad steps/s \
         over PyTorch's (median over alternating rounds, 95 % interval); losses shapegrad / PyTorch"
    );
    let mut rows = Vec::new();
    println!("load average at the start: {}", machine::load_average());
    for &threads in &args.threads {
        rows.extend(run_threads(threads, &args, &dir, &mut torch));
    }
    drop(torch);
    let _ = std::fs::remove_dir_all(&dir);

    let mut csv = vec![
        "size,threads,optimizer,steps,rounds,ms_median,ms_lo,ms_hi,torch_ms_median,torch_ms_lo,\
         torch_ms_hi,ratio,ratio_lo,ratio_hi,loss1,torch_loss1,loss2,torch_loss2"
            .to_owned(),
    ];
    println!();
    println!(
        "| size | threads | optimizer | shapegrad ms/step | PyTorch ms/step | shapegrad / PyTorch \
         (steps/s) [95 %] | first-step loss shapegrad / PyTorch |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        let (ours, lo, hi) = summary(&r.ours);
        let (theirs, tlo, thi) = summary(&r.theirs);
        let (ratio, rlo, rhi) = summary(&r.ratios);
        let tl = r.torch_losses.unwrap_or([f64::NAN; 2]);
        csv.push(format!(
            "{},{},{},{},{},{ours:.4},{lo:.4},{hi:.4},{theirs:.4},{tlo:.4},{thi:.4},{ratio:.4},\
             {rlo:.4},{rhi:.4},{},{},{},{}",
            r.size,
            r.threads,
            r.opt,
            r.ours.len(),
            r.ratios.len(),
            r.losses[0],
            tl[0],
            r.losses[1],
            tl[1]
        ));
        let (torch_ms, ratio_text) = if r.theirs.is_empty() {
            ("–".to_owned(), "–".to_owned())
        } else {
            (
                format!("{theirs:.3}"),
                format!("{ratio:.3} [{rlo:.3}–{rhi:.3}]"),
            )
        };
        println!(
            "| {} | {} | {} | {ours:.3} | {torch_ms} | {ratio_text} | {:.6} / {:.6} |",
            r.size, r.threads, r.opt, r.losses[0], tl[0]
        );
    }
    let worst = rows
        .iter()
        .filter_map(|r| {
            r.torch_losses.map(|t| {
                r.losses
                    .iter()
                    .zip(t)
                    .map(|(&a, b)| ((f64::from(a) - b) / b).abs())
                    .fold(0.0, f64::max)
            })
        })
        .fold(0.0, f64::max);
    if rows.iter().any(|r| r.torch_losses.is_some()) {
        println!("largest relative difference of the losses of steps 1 and 2: {worst:.2e}");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    let path = target.join("shapegrad-attention.csv");
    match std::fs::File::create(&path)
        .and_then(|mut f| f.write_all((csv.join("\n") + "\n").as_bytes()))
    {
        Ok(()) => println!("rows written to {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
    println!(
        "{:.0} s in all; load average at the end: {}",
        start.elapsed().as_secs_f64(),
        machine::load_average()
    );
}
