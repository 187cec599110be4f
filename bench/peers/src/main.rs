//! `train-peers`: milliseconds per training step of shapegrad against candle 0.11, dfdx 0.13,
//! burn 0.22 (flex backend) and PyTorch (eager), in one run, on the same initial weights and
//! batches (issue #25, item 1).
//!
//! ```text
//! cd bench/peers
//! cargo run --release             # about 5 minutes, after a cold build of 11-17
//! cargo run --release -- --quick  # under a minute
//! ```
//!
//! A step is the forward pass, softmax cross-entropy, the backward pass of every parameter (not
//! of the input batch, where the framework allows skipping it) and the optimizer's update, f32,
//! on two workloads:
//!
//! - W1: 64 → 128 (ReLU) → 10, batch 64;
//! - W2: 784 → 1024 (ReLU) → 1024 (ReLU) → 10, batch 256;
//!
//! each on 1 and 2 threads, with SGD (momentum 0.9, lr 0.01) and AdamW (lr 1e-3, weight decay
//! 1e-2). Each thread count runs in a child process of its own, with `RAYON_NUM_THREADS` set to
//! it (candle, dfdx and burn's flex size their pools from it) and shapegrad's threads set as
//! `bench/src/bin/train.rs` sets them; PyTorch runs in a Python process of its own
//! (`torch_train.py`, `torch.set_num_threads`), started by the child and idle while the Rust
//! contestants run.
//!
//! Every contestant first makes 5 steps whose losses are printed (they start from the same
//! weights and see the same batches, so they agree to rounding), then warm-up steps, then rounds:
//! in each round every contestant, in an order rotated from round to round, makes a batch of
//! steps, and the round's time is the median step of that batch. A contestant's time is the
//! median over rounds, with a 95 % interval; its ratio is shapegrad's steps per second over its
//! own, paired round by round, the median of those ratios with a 95 % interval. Rows go to
//! `target/peers-train.csv` under this directory (under `CARGO_TARGET_DIR` when it is set).

#[path = "../../src/stats.rs"]
#[allow(dead_code)]
mod stats;

mod burn;
mod candle;
mod data;
mod dfdx;
mod sg;
mod torch;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::rc::Rc;
use std::time::Instant;

use data::{Opt, Workload};

/// One framework's training step on one workload and optimizer.
pub trait Contestant {
    fn name(&self) -> &'static str;
    /// Makes `steps` steps; each one's milliseconds and loss.
    fn run(&mut self, steps: usize) -> Vec<(f64, f32)>;
}

/// `steps` calls of `step`, each timed; each one's milliseconds and the loss it returned.
pub fn timed(steps: usize, mut step: impl FnMut() -> f32) -> Vec<(f64, f32)> {
    (0..steps)
        .map(|_| {
            let t = Instant::now();
            let loss = step();
            (t.elapsed().as_secs_f64() * 1e3, loss)
        })
        .collect()
}

/// The contestants, in the tables' order.
const NAMES: [&str; 5] = ["shapegrad", "candle", "dfdx", "burn", "PyTorch"];
const THREADS: [usize; 2] = [1, 2];
/// Steps whose losses are printed, from the first.
const LOSS_STEPS: usize = 5;

/// How long each workload is measured.
#[derive(Clone, Copy)]
struct Plan {
    rounds: usize,
    /// Steps per round, W1 and W2.
    steps: (usize, usize),
    /// Warm-up steps after the loss steps, W1 and W2.
    warmup: (usize, usize),
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                rounds: 7,
                steps: (10, 2),
                warmup: (10, 1),
            }
        } else {
            Plan {
                rounds: 61,
                steps: (40, 5),
                warmup: (100, 3),
            }
        }
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target")))
}

fn torch_file(w: &Workload) -> PathBuf {
    target_dir().join(format!("peers-train-{}.bin", w.name))
}

/// The child: measures every row for one thread count, rows on stdout, progress on stderr.
fn child(threads: usize, plan: Plan) {
    let torch = match torch::Torch::start(threads) {
        Ok(t) => {
            println!("torch\t{}", t.version);
            Some(Rc::new(RefCell::new(t)))
        }
        Err(e) => {
            eprintln!("PyTorch skipped: {e}");
            None
        }
    };
    let torch_pid = torch.as_ref().map(|t| t.borrow().pid());
    let start = cpu_times(torch_pid);
    let t = if threads == 1 {
        shapegrad::Threads::Sequential
    } else {
        shapegrad::Threads::Fixed(NonZeroUsize::new(threads).expect("nonzero"))
    };
    shapegrad::with_threads(t, || {
        for (w, steps, warmup) in [
            (data::w1(), plan.steps.0, plan.warmup.0),
            (data::w2(), plan.steps.1, plan.warmup.1),
        ] {
            for opt in [Opt::Sgd, Opt::AdamW] {
                let mut cs: Vec<Box<dyn Contestant>> = vec![
                    sg::new(&w, opt),
                    candle::new(&w, opt),
                    dfdx::new(&w, opt),
                    burn::new(&w, opt),
                ];
                if let Some(torch) = &torch {
                    cs.push(torch::new(torch, &w, opt, &torch_file(&w)));
                }
                measure(&w, opt, threads, &mut cs, plan.rounds, steps, warmup);
            }
        }
    });
    // Other work on the machine takes cores from the contestants: the share of the machine's
    // CPU time that went to processes other than this one and PyTorch's, while they ran.
    let end = cpu_times(torch_pid);
    if let (Some((busy0, total0, own0)), Some((busy1, total1, own1))) = (start, end) {
        let total = (total1 - total0) as f64;
        let others = (busy1 - busy0).saturating_sub(own1 - own0) as f64 / total;
        let own = (own1 - own0) as f64 / total;
        println!(
            "others\t{threads}\t{:.1}\t{:.1}",
            100.0 * others,
            100.0 * own
        );
    }
}

/// From `/proc` (Linux): the machine's busy and total CPU time, and the CPU time of this process
/// and of `other`, in clock ticks.
fn cpu_times(other: Option<u32>) -> Option<(u64, u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let total: u64 = cpu.iter().take(8).sum();
    let busy = total - cpu.get(3)? - cpu.get(4)?;
    let process = |pid: &str| -> Option<u64> {
        let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the command's closing parenthesis, from the state on; utime and stime
        // are the 12th and 13th.
        let rest: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
        Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
    };
    let own = process("self")? + other.and_then(|p| process(&p.to_string())).unwrap_or(0);
    Some((busy, total, own))
}

fn measure(
    w: &Workload,
    opt: Opt,
    threads: usize,
    cs: &mut [Box<dyn Contestant>],
    rounds: usize,
    steps: usize,
    warmup: usize,
) {
    let start = Instant::now();
    let losses: Vec<Vec<f32>> = cs
        .iter_mut()
        .map(|c| c.run(LOSS_STEPS).into_iter().map(|s| s.1).collect())
        .collect();
    for c in cs.iter_mut() {
        c.run(warmup);
    }
    let n = cs.len();
    let mut ms = vec![Vec::new(); n];
    let mut last = vec![f32::NAN; n];
    for r in 0..rounds {
        for k in 0..n {
            let i = (r + k) % n;
            let run = cs[i].run(steps);
            last[i] = run.last().map_or(f32::NAN, |s| s.1);
            ms[i].push(stats::median(
                &mut run.iter().map(|s| s.0).collect::<Vec<_>>(),
            ));
        }
    }
    eprintln!(
        "{} {} {} thread(s), {:.0} s:",
        w.name,
        opt.name(),
        threads,
        start.elapsed().as_secs_f64()
    );
    for i in 0..n {
        let mut v = ms[i].clone();
        let (lo, hi) = stats::median_interval(&mut v);
        let med = stats::median(&mut v);
        // shapegrad's steps per second over this contestant's: its time over shapegrad's.
        let mut ratios: Vec<f64> = ms[i].iter().zip(&ms[0]).map(|(p, s)| p / s).collect();
        let (rlo, rhi) = stats::median_interval(&mut ratios);
        let ratio = stats::median(&mut ratios);
        let l: Vec<String> = losses[i].iter().map(|l| format!("{l:.7}")).collect();
        eprintln!(
            "  {:<10} {:>9.3} ms [{:.3}, {:.3}]  shapegrad ×{:.3} [{:.3}, {:.3}]  losses {} … {:.5}",
            cs[i].name(),
            med,
            lo,
            hi,
            ratio,
            rlo,
            rhi,
            l.join(" "),
            last[i]
        );
        println!(
            "row\t{}\t{}\t{threads}\t{}\t{med}\t{lo}\t{hi}\t{ratio}\t{rlo}\t{rhi}\t{}\t{}",
            w.name,
            opt.name(),
            cs[i].name(),
            l.join(","),
            last[i]
        );
    }
}

/// A row as the parent reads it from a child.
struct Row {
    ms: (f64, f64, f64),
    ratio: (f64, f64, f64),
    losses: Vec<f64>,
    last: f64,
}

type Key = (String, String, usize, String);

fn parse(line: &str) -> Option<(Key, Row)> {
    let f: Vec<&str> = line.strip_prefix("row\t")?.split('\t').collect();
    let num = |s: &str| s.parse::<f64>().ok();
    Some((
        (f[0].into(), f[1].into(), f[2].parse().ok()?, f[3].into()),
        Row {
            ms: (num(f[4])?, num(f[5])?, num(f[6])?),
            ratio: (num(f[7])?, num(f[8])?, num(f[9])?),
            losses: f[10].split(',').filter_map(num).collect(),
            last: num(f[11])?,
        },
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let plan = Plan::new(quick);
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let threads = args
            .get(i + 1)
            .and_then(|t| t.parse().ok())
            .expect("--child N");
        child(threads, plan);
        return ExitCode::SUCCESS;
    }

    let start = Instant::now();
    let dir = target_dir();
    std::fs::create_dir_all(&dir).expect("create the target directory");
    for w in [data::w1(), data::w2()] {
        data::write_torch_file(&w, &torch_file(&w)).expect("write PyTorch's weights and batches");
    }
    let exe = std::env::current_exe().expect("the benchmark's path");
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    let mut torch_version = None;
    // The share of the machine other processes took while each child measured.
    let mut loads = Vec::new();
    for threads in THREADS {
        let mut cmd = Command::new(&exe);
        cmd.arg("--child")
            .arg(threads.to_string())
            .env("RAYON_NUM_THREADS", threads.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if quick {
            cmd.arg("--quick");
        }
        let mut proc = cmd.spawn().expect("spawn the measuring child");
        let stdout = BufReader::new(proc.stdout.take().expect("child stdout"));
        for line in stdout.lines() {
            let line = line.expect("read the child's output");
            if let Some(v) = line.strip_prefix("torch\t") {
                torch_version = Some(v.to_owned());
            } else if let Some(v) = line.strip_prefix("others\t") {
                let v: Vec<&str> = v.split('\t').collect();
                eprintln!(
                    "{} thread(s): the contestants took {} % of the machine's CPU time, other \
                     processes {} %",
                    v[0], v[2], v[1]
                );
                loads.push(format!("{} % with {} thread(s)", v[1], v[0]));
            } else if let Some((k, r)) = parse(&line) {
                rows.insert(k, r);
            }
        }
        let status = proc.wait().expect("wait for the child");
        if !status.success() {
            eprintln!("the child for {threads} thread(s) failed: {status}");
            return ExitCode::FAILURE;
        }
    }

    println!();
    println!(
        "Contestants: shapegrad, candle 0.11, dfdx 0.13, burn 0.22 (flex), PyTorch {} (eager).",
        torch_version.as_deref().unwrap_or("skipped")
    );
    println!(
        "Median ms per step over {} rounds [95 % interval]; ratios are shapegrad's steps/s over the \
         peer's, paired per round (> 1: shapegrad is faster).",
        plan.rounds
    );
    println!(
        "Other processes took {} of the machine's CPU time while the contestants ran.",
        loads.join(", ")
    );
    for opt in ["SGD", "AdamW"] {
        table(&rows, opt);
    }
    loss_table(&rows);

    let path = dir.join("peers-train.csv");
    let mut csv = vec![
        "workload,optimizer,threads,contestant,ms_median,ms_lo,ms_hi,\
         shapegrad_ratio,shapegrad_ratio_lo,shapegrad_ratio_hi,\
         loss_step1,loss_step2,loss_step3,loss_step4,loss_step5,loss_last"
            .to_owned(),
    ];
    for ((w, opt, t, name), r) in &rows {
        let l: Vec<String> = r.losses.iter().map(f64::to_string).collect();
        csv.push(format!(
            "{w},{opt},{t},{name},{:.5},{:.5},{:.5},{:.4},{:.4},{:.4},{},{}",
            r.ms.0,
            r.ms.1,
            r.ms.2,
            r.ratio.0,
            r.ratio.1,
            r.ratio.2,
            l.join(","),
            r.last
        ));
    }
    match std::fs::write(&path, csv.join("\n") + "\n") {
        Ok(()) => println!("\nrows written to {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
    println!("run took {:.0} s", start.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

fn key(w: &str, opt: &str, t: usize, name: &str) -> Key {
    (w.into(), opt.into(), t, name.into())
}

fn ratio(r: &Row) -> String {
    format!("{:.2} [{:.2}, {:.2}]", r.ratio.0, r.ratio.1, r.ratio.2)
}

/// The largest relative difference of any contestant's loss at `step` from shapegrad's.
fn loss_spread(rows: &BTreeMap<Key, Row>, w: &str, opt: &str, t: usize, step: usize) -> f64 {
    let Some(base) = rows.get(&key(w, opt, t, "shapegrad")) else {
        return f64::NAN;
    };
    NAMES[1..]
        .iter()
        .filter_map(|n| rows.get(&key(w, opt, t, n)))
        .map(|r| ((r.losses[step] - base.losses[step]) / base.losses[step]).abs())
        .fold(0.0, f64::max)
}

fn table(rows: &BTreeMap<Key, Row>, opt: &str) {
    println!("\n{opt}\n");
    println!(
        "| workload | threads | shapegrad | candle | dfdx | burn | PyTorch | shapegrad / fastest peer | \
         shapegrad / PyTorch | loss, step 1 | loss, step 5 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for w in ["W1", "W2"] {
        for t in THREADS {
            let Some(sg) = rows.get(&key(w, opt, t, "shapegrad")) else {
                continue;
            };
            let cells: Vec<String> = NAMES
                .iter()
                .map(|n| {
                    rows.get(&key(w, opt, t, n))
                        .map_or("–".into(), |r| format!("{:.3}", r.ms.0))
                })
                .collect();
            let fastest = NAMES[1..]
                .iter()
                .filter_map(|n| rows.get(&key(w, opt, t, n)).map(|r| (n, r)))
                .min_by(|a, b| a.1.ms.0.total_cmp(&b.1.ms.0));
            let fastest = fastest.map_or("–".into(), |(n, r)| format!("{} ({n})", ratio(r)));
            let torch = rows
                .get(&key(w, opt, t, "PyTorch"))
                .map_or("–".into(), ratio);
            let losses = |step: usize| {
                format!(
                    "{:.5} (±{:.0e})",
                    sg.losses[step],
                    loss_spread(rows, w, opt, t, step)
                )
            };
            println!(
                "| {w} | {t} | {} | {fastest} | {torch} | {} | {} |",
                cells.join(" | "),
                losses(0),
                losses(LOSS_STEPS - 1)
            );
        }
    }
}

fn loss_table(rows: &BTreeMap<Key, Row>) {
    println!(
        "\nLosses at steps 1, 2 and 5 (1 thread; the step-1 loss is the initial weights' on the \
         first batch, step 2 the first update's)\n"
    );
    println!("| workload | optimizer | contestant | step 1 | step 2 | step 5 |");
    println!("|---|---|---|---|---|---|");
    for w in ["W1", "W2"] {
        for opt in ["SGD", "AdamW"] {
            for n in NAMES {
                if let Some(r) = rows.get(&key(w, opt, 1, n)) {
                    println!(
                        "| {w} | {opt} | {n} | {:.7} | {:.7} | {:.7} |",
                        r.losses[0],
                        r.losses[1],
                        r.losses[LOSS_STEPS - 1]
                    );
                }
            }
        }
    }
}
