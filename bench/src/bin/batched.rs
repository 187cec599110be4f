//! `batched`: shapegrad's batched products against a loop of its 2-D product over the items and
//! against PyTorch's `torch.bmm`, side by side in one run.
//!
//! ```text
//! cargo run --release -p shapegrad-bench --bin batched              # about two minutes
//! cargo run --release -p shapegrad-bench --bin batched -- --quick   # about half a minute
//! ```
//!
//! f32, attention-like shapes (`batch × (m × k · k × n)`), each in the three layouts an
//! attention's forward and backward multiply in: `Q·Kᵀ` (the right operand a `.t()` view),
//! `P·V` (both row-major) and `Xᵀ·dY` (the left operand a `.t()` view); on 1 and 2 threads
//! (`Threads::Sequential` and `Threads::Fixed(2)`). The contestants:
//!
//! - `batched`: `BatchedRef::matmul_into` into a preallocated batch;
//! - `loop`: `MatRef::matmul_into` on each item in turn, into preallocated matrices;
//! - `torch`: `torch.bmm(lhs, rhs, out=out)` with `.transpose(1, 2)` views for the transposed
//!   layouts, run by `bench/torch_bmm.py` in a Python child process (one per thread count,
//!   `torch.set_num_threads` and `OMP_NUM_THREADS` set to the thread count), which times its
//!   calls itself and answers over a pipe. The interpreter is `SHAPEGRAD_PYTHON` when set, else
//!   `/work/torchenv/bin/python` when it exists, else `python3`; without an importable torch
//!   the column is left out and only the Rust ratios are reported.
//!
//! Each row is a number of rounds; in each round every contestant runs one block (an untimed
//! call, then enough timed calls for about [`BLOCK_SECONDS`]), the three blocks in a random
//! order. A ratio is the median over the rounds of the two blocks' time per call (above 1 when
//! `batched` is the faster), with a 95 % interval of that median, as in `shapegrad-bench`. The
//! Python child sleeps after each block, outside its timing, until its OpenMP threads stop
//! spinning, so that they do not take a core from the next Rust block. Every contestant's result
//! is checked first: the operands are small integers, so all three products are exact.
//!
//! Rows go to `target/shapegrad-batched.csv` (under `CARGO_TARGET_DIR` when it is set).
#![deny(unsafe_code)]

#[path = "../machine.rs"]
mod machine;
#[path = "../stats.rs"]
#[allow(dead_code)]
mod stats;

use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use shapegrad::{Batched, BatchedRef, Dyn, Matrix, Threads, Write, with_threads};

/// `(batch, m, k, n)`: items of `m × k` times `k × n`. Tiny heads, then heads of 64 at longer
/// sequences, then a square product per item.
const SHAPES: [(usize, usize, usize, usize); 4] = [
    (32, 64, 32, 64),
    (16, 128, 64, 128),
    (8, 256, 64, 256),
    (8, 256, 256, 256),
];

/// The length of one contestant's block of timed calls in a round.
const BLOCK_SECONDS: f64 = 0.005;

/// How long the Python child sleeps after a block before it answers: its OpenMP threads were
/// measured spinning for about 10 ms after a 2-thread `bmm`.
const QUIET_MS: u32 = 20;

/// The layouts of an attention's products, by which operand is a transposed view.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `Q·Kᵀ`: the right operand is `.t()` of a batch of `n × k` items.
    Nt,
    /// `P·V`: both row-major.
    Nn,
    /// `Xᵀ·dY`: the left operand is `.t()` of a batch of `k × m` items.
    Tn,
}

const LAYOUTS: [Layout; 3] = [Layout::Nt, Layout::Nn, Layout::Tn];

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::Nt => "Q·Kᵀ",
            Layout::Nn => "P·V",
            Layout::Tn => "Xᵀ·dY",
        }
    }

    /// The name `torch_bmm.py` and the CSV use.
    fn code(self) -> &'static str {
        match self {
            Layout::Nt => "nt",
            Layout::Nn => "nn",
            Layout::Tn => "tn",
        }
    }
}

type B3 = Batched<Dyn, Dyn, Dyn, f32>;
type View<'a> = BatchedRef<'a, Dyn, Dyn, Dyn, f32>;

/// A batch whose buffer holds `((x · mul) mod modulus) − modulus / 2` at flat index `x`, as
/// `torch_bmm.py` fills its tensors.
fn filled(batch: usize, rows: usize, cols: usize, mul: usize, modulus: usize) -> B3 {
    let data = (0..batch * rows * cols)
        .map(|x| ((x * mul) % modulus) as f32 - (modulus / 2) as f32)
        .collect();
    Batched::try_from_vec_with(Dyn(batch), Dyn(rows), Dyn(cols), data).expect("sizes agree")
}

/// One row's operands, stored as the layout has them.
struct Inputs {
    lhs: B3,
    rhs: B3,
    layout: Layout,
}

impl Inputs {
    fn new((b, m, k, n): (usize, usize, usize, usize), layout: Layout) -> Self {
        let lhs = match layout {
            Layout::Tn => filled(b, k, m, 7, 13),
            _ => filled(b, m, k, 7, 13),
        };
        let rhs = match layout {
            Layout::Nt => filled(b, n, k, 5, 11),
            _ => filled(b, k, n, 5, 11),
        };
        Inputs { lhs, rhs, layout }
    }

    fn lhs(&self) -> View<'_> {
        match self.layout {
            Layout::Tn => self.lhs.t(),
            _ => self.lhs.view(),
        }
    }

    fn rhs(&self) -> View<'_> {
        match self.layout {
            Layout::Nt => self.rhs.t(),
            _ => self.rhs.view(),
        }
    }

    /// The contestant `batched`: one batched product into `out`.
    fn batched(&self, out: &mut B3) {
        self.lhs().matmul_into(self.rhs(), out, Write::Overwrite);
    }

    /// The contestant `loop`: the 2-D product of each pair of items into its own matrix.
    fn looped(&self, outs: &mut [Matrix<Dyn, Dyn, f32>]) {
        let (lhs, rhs) = (self.lhs(), self.rhs());
        for (k, out) in outs.iter_mut().enumerate() {
            lhs.item(k).matmul_into(rhs.item(k), out, Write::Overwrite);
        }
    }
}

/// PyTorch in a child process running `torch_bmm.py` for one thread count.
struct Torch {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Torch {
    fn python() -> PathBuf {
        if let Some(p) = std::env::var_os("SHAPEGRAD_PYTHON") {
            return PathBuf::from(p);
        }
        let venv = Path::new("/work/torchenv/bin/python");
        if venv.exists() {
            venv.to_owned()
        } else {
            PathBuf::from("python3")
        }
    }

    /// Whether `python -c 'import torch'` succeeds.
    fn available(python: &Path) -> bool {
        Command::new(python)
            .args(["-c", "import torch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Starts the script; `None` (with the reason printed) when it does not come up.
    fn start(python: &Path, threads: usize) -> Option<Torch> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/torch_bmm.py");
        let spawned = Command::new(python)
            .arg(script)
            .arg(threads.to_string())
            .arg(QUIET_MS.to_string())
            .env("OMP_NUM_THREADS", threads.to_string())
            .env("MKL_NUM_THREADS", threads.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                println!("note: could not start {}: {e}", python.display());
                return None;
            }
        };
        let stdin = BufWriter::new(child.stdin.take()?);
        let stdout = BufReader::new(child.stdout.take()?);
        let mut torch = Torch {
            child,
            stdin,
            stdout,
        };
        match torch.answer("READY") {
            Some(ready) => {
                println!("torch {ready} (child for {threads} thread(s))");
                Some(torch)
            }
            None => {
                println!("note: {script} did not start; torch left out for {threads} thread(s)");
                let _ = torch.child.kill();
                let _ = torch.child.wait();
                None
            }
        }
    }

    /// Sends one command and reads the answer's words after `tag`.
    fn ask(&mut self, command: &str, tag: &str) -> Option<String> {
        writeln!(self.stdin, "{command}").ok()?;
        self.stdin.flush().ok()?;
        self.answer(tag)
    }

    fn answer(&mut self, tag: &str) -> Option<String> {
        let mut line = String::new();
        self.stdout.read_line(&mut line).ok()?;
        let rest = line.trim_end().strip_prefix(tag)?;
        Some(rest.trim().to_owned())
    }

    /// Sets up a row; returns the sum of torch's product.
    fn setup(&mut self, (b, m, k, n): (usize, usize, usize, usize), layout: Layout) -> f64 {
        let command = format!("SETUP {b} {m} {k} {n} {}", layout.code());
        self.ask(&command, "OK")
            .and_then(|s| s.parse().ok())
            .expect("torch_bmm.py answers SETUP")
    }

    /// Seconds per call over a block of `calls` (after one untimed call).
    fn block(&mut self, calls: usize) -> f64 {
        let seconds: f64 = self
            .ask(&format!("TIME {calls}"), "T")
            .and_then(|s| s.parse().ok())
            .expect("torch_bmm.py answers TIME");
        seconds / calls as f64
    }

    fn quit(mut self) {
        let _ = writeln!(self.stdin, "QUIT");
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

/// Seconds per call over a block: one untimed call, then `calls` timed ones.
fn block(calls: usize, mut f: impl FnMut()) -> f64 {
    f();
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed().as_secs_f64() / calls as f64
}

/// A ratio of two contestants over the rounds: its median and 95 % interval.
#[derive(Clone, Copy)]
struct Ratio {
    median: f64,
    lo: f64,
    hi: f64,
}

fn ratio(num: &[f64], den: &[f64]) -> Ratio {
    let mut r: Vec<f64> = num.iter().zip(den).map(|(a, b)| a / b).collect();
    let (lo, hi) = stats::median_interval(&mut r);
    Ratio {
        median: stats::median(&mut r),
        lo,
        hi,
    }
}

/// One measured row.
struct Row {
    shape: (usize, usize, usize, usize),
    layout: Layout,
    threads: usize,
    rounds: usize,
    calls: usize,
    /// Median GFLOP/s of batched, loop and torch (NaN where torch is left out).
    gflops: [f64; 3],
    /// batched / loop and batched / torch, as speed ratios.
    over_loop: Ratio,
    over_torch: Option<Ratio>,
}

fn shape_name((b, m, k, n): (usize, usize, usize, usize)) -> String {
    format!("{b}×{m}×{k}·{k}×{n}")
}

fn measure(
    shape: (usize, usize, usize, usize),
    layout: Layout,
    threads: usize,
    rounds: usize,
    torch: Option<&mut Torch>,
) -> Row {
    let (b, m, k, n) = shape;
    let inputs = Inputs::new(shape, layout);
    let mut out: B3 = Batched::zeros_with(Dyn(b), Dyn(m), Dyn(n));
    let mut outs: Vec<Matrix<Dyn, Dyn, f32>> =
        (0..b).map(|_| Matrix::zeros_with(Dyn(m), Dyn(n))).collect();
    // The results, checked before anything is timed: small integers make every product exact.
    inputs.batched(&mut out);
    inputs.looped(&mut outs);
    for (kk, o) in outs.iter().enumerate() {
        assert!(
            o.as_slice() == &out.as_slice()[kk * m * n..(kk + 1) * m * n],
            "batched and loop differ: {} {}",
            shape_name(shape),
            layout.name()
        );
    }
    let sum: f64 = out.as_slice().iter().map(|&x| f64::from(x)).sum();
    let mut torch = torch;
    if let Some(t) = torch.as_deref_mut() {
        let theirs = t.setup(shape, layout);
        assert!(
            theirs == sum,
            "torch's product differs: sum {theirs} against {sum} ({} {})",
            shape_name(shape),
            layout.name()
        );
    }
    // Calls per block: about BLOCK_SECONDS of the batched product, after a warm-up.
    let warm = block(3, || inputs.batched(&mut out));
    let calls = ((BLOCK_SECONDS / warm).ceil() as usize).max(1);
    let _ = block(calls, || inputs.looped(&mut outs));

    let mut times: [Vec<f64>; 3] = Default::default();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64 ^ (threads as u64) ^ ((m * n * k) as u64);
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (rng >> 33) as usize
    };
    let contestants = if torch.is_some() { 3 } else { 2 };
    for _ in 0..rounds {
        let mut order: Vec<usize> = (0..contestants).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, next() % (i + 1));
        }
        for c in order {
            let t = match c {
                0 => block(calls, || inputs.batched(&mut out)),
                1 => block(calls, || inputs.looped(&mut outs)),
                _ => torch.as_deref_mut().expect("torch").block(calls),
            };
            times[c].push(t);
        }
    }
    let flops = 2.0 * (b * m * k * n) as f64;
    let mut gflops = [f64::NAN; 3];
    for (g, t) in gflops.iter_mut().zip(&times) {
        if !t.is_empty() {
            *g = flops / stats::median(&mut t.clone()) / 1e9;
        }
    }
    Row {
        shape,
        layout,
        threads,
        rounds,
        calls,
        gflops,
        over_loop: ratio(&times[1], &times[0]),
        over_torch: (!times[2].is_empty()).then(|| ratio(&times[2], &times[0])),
    }
}

fn fmt_ratio(r: Option<Ratio>) -> String {
    r.map_or("–".into(), |r| {
        format!("{:.3} ({:.3}–{:.3})", r.median, r.lo, r.hi)
    })
}

fn print_row(r: &Row) {
    let torch = if r.gflops[2].is_nan() {
        "–".to_owned()
    } else {
        format!("{:.1}", r.gflops[2])
    };
    println!(
        "| {} | {} | {} | {:.1} | {:.1} | {} | {} | {} |",
        shape_name(r.shape),
        r.layout.name(),
        r.threads,
        r.gflops[0],
        r.gflops[1],
        torch,
        fmt_ratio(Some(r.over_loop)),
        fmt_ratio(r.over_torch),
    );
    let _ = std::io::stdout().flush();
}

fn csv_line(r: &Row) -> String {
    let (b, m, k, n) = r.shape;
    let ratio = |q: Option<Ratio>| {
        q.map_or(",,".to_owned(), |q| {
            format!("{:.4},{:.4},{:.4}", q.median, q.lo, q.hi)
        })
    };
    let g = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x:.3}")
        }
    };
    format!(
        "{b},{m},{k},{n},{},{},{},{},{},{},{},{},{}",
        r.layout.code(),
        r.threads,
        r.rounds,
        r.calls,
        g(r.gflops[0]),
        g(r.gflops[1]),
        g(r.gflops[2]),
        ratio(Some(r.over_loop)),
        ratio(r.over_torch),
    )
}

fn usage() -> ! {
    eprintln!("usage: batched [--quick] [--rounds N] [--threads 1,2] [--no-torch]");
    std::process::exit(2)
}

fn main() {
    let mut rounds = 61;
    let mut thread_counts = vec![1, 2];
    let mut want_torch = true;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => rounds = 15,
            "--rounds" => {
                rounds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&r| r > 0)
                    .unwrap_or_else(|| usage());
            }
            "--threads" => {
                thread_counts = it
                    .next()
                    .map(|v| {
                        v.split(',')
                            .map(|t| t.parse().ok().filter(|&t| t > 0).unwrap_or_else(|| usage()))
                            .collect()
                    })
                    .unwrap_or_else(|| usage());
            }
            "--no-torch" => want_torch = false,
            _ => usage(),
        }
    }
    let start = Instant::now();
    println!(
        "batched: {}; {} logical CPUs; load average {} at start",
        machine::cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        machine::load_average()
    );
    let python = Torch::python();
    let torch_ok = want_torch && Torch::available(&python);
    if want_torch && !torch_ok {
        println!(
            "note: `{} -c 'import torch'` failed (set SHAPEGRAD_PYTHON to an interpreter with \
             torch); only the Rust ratios are reported",
            python.display()
        );
    }
    println!(
        "f32; {rounds} rounds a row, each one block of every contestant (an untimed call, then \
         about {:.0} ms of timed calls) in a random order; GFLOP/s are medians over the rounds; \
         ratios are batched's speed over the other's, the median over the rounds with its 95 % \
         interval",
        BLOCK_SECONDS * 1e3
    );
    println!();
    println!(
        "| batch × item product | layout | threads | batched | loop | torch.bmm | batched / loop \
         | batched / torch |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for &threads in &thread_counts {
        let mut torch = if torch_ok {
            Torch::start(&python, threads)
        } else {
            None
        };
        let policy = if threads == 1 {
            Threads::Sequential
        } else {
            Threads::Fixed(NonZeroUsize::new(threads).expect("nonzero"))
        };
        for shape in SHAPES {
            for layout in LAYOUTS {
                let row = with_threads(policy, || {
                    measure(shape, layout, threads, rounds, torch.as_mut())
                });
                print_row(&row);
                rows.push(row);
            }
        }
        if let Some(t) = torch {
            t.quit();
        }
    }
    println!();
    // The targets: batched at least as fast as the loop (within 5 %, a tie) and at least 0.90×
    // torch.bmm.
    let below_loop: Vec<String> = rows
        .iter()
        .filter(|r| r.over_loop.median < 0.95)
        .map(|r| format!("{} {} {}t", shape_name(r.shape), r.layout.name(), r.threads))
        .collect();
    println!(
        "target batched >= loop (0.95 a tie): {} of {} rows hold{}",
        rows.len() - below_loop.len(),
        rows.len(),
        if below_loop.is_empty() {
            String::new()
        } else {
            format!("; below: {}", below_loop.join(", "))
        }
    );
    let with_torch: Vec<&Row> = rows.iter().filter(|r| r.over_torch.is_some()).collect();
    if !with_torch.is_empty() {
        let below: Vec<String> = with_torch
            .iter()
            .filter(|r| r.over_torch.is_some_and(|q| q.median < 0.90))
            .map(|r| format!("{} {} {}t", shape_name(r.shape), r.layout.name(), r.threads))
            .collect();
        println!(
            "target batched >= 0.90 x torch.bmm: {} of {} rows hold{}",
            with_torch.len() - below.len(),
            with_torch.len(),
            if below.is_empty() {
                String::new()
            } else {
                format!("; below: {}", below.join(", "))
            }
        );
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    let path = dir.join("shapegrad-batched.csv");
    let mut csv = vec![
        "batch,m,k,n,layout,threads,rounds,calls_per_block,batched_gflops,loop_gflops,\
         torch_gflops,batched_over_loop,lo,hi,batched_over_torch,lo,hi"
            .to_owned(),
    ];
    csv.extend(rows.iter().map(csv_line));
    match std::fs::write(&path, csv.join("\n") + "\n") {
        Ok(()) => println!("rows written to {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
    println!(
        "done in {:.0} s; load average {} at the end",
        start.elapsed().as_secs_f64(),
        machine::load_average()
    );
}
