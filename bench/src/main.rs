//! `shapegrad-bench`: shapegrad's forward and backward against its GEMM backend called directly
//! and against faer, matrixmultiply, ndarray and nalgebra, all measured in one run.
//!
//! ```text
//! cargo run --release -p shapegrad-bench               # full: every size, about 22 minutes on the 2-core Zen 4
//! cargo run --release -p shapegrad-bench -- --quick    # under a minute: no 2048³, 3+ repetitions
//! ```
//!
//! `--crossover` prints instead, for small products, shapegrad's time on one thread against all
//! of them (the measurement behind `AUTO_PARALLEL_MIN_MULADDS`).
//!
//! Filters, for investigating one corner: `--sizes 1024x1024x1024,32x4096x4096`,
//! `--dtypes f32`, `--threads 1`, `--ops forward,dx`, `--reps N` (minimum repetitions).
//!
//! Each thread count runs in a child process of its own, because matrixmultiply (and ndarray
//! and nalgebra, which call it) size their thread pool once per process from
//! `MATMUL_NUM_THREADS`. The parent measures the FMA peak, prints the table as rows arrive, and
//! writes every row to `target/shapegrad-bench.csv` (under `CARGO_TARGET_DIR` when it is set).
#![deny(unsafe_code)]

mod impls;
mod machine;
mod raw;
mod stats;

use std::io::{BufRead, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use impls::{Elem, IMPLS, Inputs, OPS, Op, Timing};

/// The sizes `I×K×J` of the full run: the seed example's, squares, and a thin batch against a
/// large weight matrix.
const SIZES: [(usize, usize, usize); 5] = [
    (128, 256, 512),
    (512, 512, 512),
    (1024, 1024, 1024),
    (2048, 2048, 2048),
    (32, 4096, 4096),
];

const CSV_HEADER: &str = "size,dtype,threads,op,impl,gflops,peak_pct";

#[derive(Clone, Debug)]
struct Args {
    quick: bool,
    sizes: Vec<(usize, usize, usize)>,
    dtypes: Vec<String>,
    threads: Vec<usize>,
    ops: Vec<Op>,
    min_reps: Option<usize>,
    /// In a child: the thread count it measures.
    child: Option<usize>,
}

fn parse_size(s: &str) -> Option<(usize, usize, usize)> {
    let mut it = s.split('x').map(|p| p.parse::<usize>().ok());
    let (i, k, j) = (it.next()??, it.next()??, it.next()??);
    (it.next().is_none() && i > 0 && k > 0 && j > 0).then_some((i, k, j))
}

fn usage() -> ! {
    eprintln!(
        "usage: shapegrad-bench [--quick] [--sizes IxKxJ,..] [--dtypes f32,f64] [--threads 1,2] \
         [--ops forward,backward,dx,da] [--reps N]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        quick: false,
        sizes: Vec::new(),
        dtypes: vec!["f32".into(), "f64".into()],
        threads: vec![1, 2],
        ops: OPS.to_vec(),
        min_reps: None,
        child: None,
    };
    let mut explicit_sizes = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--quick" => args.quick = true,
            "--sizes" => {
                explicit_sizes = true;
                args.sizes = value()
                    .split(',')
                    .map(|s| parse_size(s).unwrap_or_else(|| usage()))
                    .collect();
            }
            "--dtypes" => {
                args.dtypes = value().split(',').map(str::to_owned).collect();
                if args.dtypes.iter().any(|d| d != "f32" && d != "f64") {
                    usage();
                }
            }
            "--threads" => {
                args.threads = value()
                    .split(',')
                    .map(|t| t.parse().ok().filter(|&t| t > 0).unwrap_or_else(|| usage()))
                    .collect();
            }
            "--ops" => {
                args.ops = value()
                    .split(',')
                    .map(|o| {
                        *OPS.iter()
                            .find(|op| op.name() == o)
                            .unwrap_or_else(|| usage())
                    })
                    .collect();
            }
            "--reps" => args.min_reps = Some(value().parse().unwrap_or_else(|_| usage())),
            "--child" => args.child = Some(value().parse().unwrap_or_else(|_| usage())),
            _ => usage(),
        }
    }
    if !explicit_sizes {
        args.sizes = SIZES
            .iter()
            .copied()
            // Quick mode leaves out 2048³, the one size that takes seconds per call.
            .filter(|&s| !(args.quick && s == (2048, 2048, 2048)))
            .collect();
    }
    args
}

fn timing(args: &Args) -> Timing {
    let mut t = if args.quick {
        Timing {
            min_reps: 3,
            close_min_reps: 3,
            close_more_reps: 3,
            long_budget: 0.03,
            far_min_reps: 3,
            max_reps: 25,
            budget: 0.03,
            warmup: 1,
        }
    } else {
        // Seven repetitions of everyone; then at least 25 of the close contestants, 61 as far
        // as they fit in 3 s, and up to 0.6 s of each (over a thousand repetitions at the
        // seed's size, 61 at 1024³, 25 at 2048³). With 15 at 2048³, the medians of two
        // identical calls came out up to 18 % apart when the host switched between its fast and
        // slow states within the row; with 25 at 1024³, pairs of identical calls read
        // 0.972–1.028 over fifteen runs (and once 0.912 over 43 pairs on a loaded host). With 61
        // at 2048³ too, a full run had taken 28 minutes before it reached the second thread
        // count, on a machine where most peers are close. The far contestants keep 25.
        Timing {
            min_reps: 7,
            close_min_reps: 25,
            close_more_reps: 61,
            long_budget: 3.0,
            far_min_reps: 25,
            max_reps: 2000,
            budget: 0.6,
            warmup: 2,
        }
    };
    if let Some(r) = args.min_reps {
        t.min_reps = r;
        t.close_min_reps = t.close_min_reps.max(r);
        t.close_more_reps = t.close_more_reps.max(r);
        t.max_reps = t.max_reps.max(r);
    }
    t
}

fn size_name((i, k, j): (usize, usize, usize)) -> String {
    format!("{i}x{k}x{j}")
}

/// The child: measures every row for one thread count and prints them on stdout.
fn child(args: &Args, threads: usize) {
    let timing = timing(args);
    // The seed's ratio on one thread, in a stretch before each size's rows, so that one loaded
    // second of the host does not decide it (quick mode: before the first size only, to keep
    // under a minute).
    let mut seed = (threads == 1 && args.sizes.contains(&SEED)).then(|| SeedRatio::new(args));
    for (n, &size) in args.sizes.iter().enumerate() {
        if let Some(seed) = seed.as_mut().filter(|_| n == 0 || !args.quick) {
            seed.stretch(timing);
        }
        for dtype in &args.dtypes {
            match dtype.as_str() {
                "f32" => child_size::<f32>(args, size, threads, timing),
                _ => child_size::<f64>(args, size, threads, timing),
            }
        }
    }
    if let Some(seed) = seed {
        seed.print();
    }
}

/// The seed example's size, whose backward must take at most 1.1 times two forwards.
const SEED: (usize, usize, usize) = (128, 256, 512);

/// The seed's backward time over twice its forward time, per dtype: the ratio of every
/// back-to-back pair, kept stretch by stretch.
struct SeedRatio {
    f32: Option<(Inputs<f32>, Vec<Vec<f64>>)>,
    f64: Option<(Inputs<f64>, Vec<Vec<f64>>)>,
}

impl SeedRatio {
    fn new(args: &Args) -> Self {
        let wants = |d: &str| args.dtypes.iter().any(|t| t == d);
        SeedRatio {
            f32: wants("f32").then(|| (Inputs::new(SEED), Vec::new())),
            f64: wants("f64").then(|| (Inputs::new(SEED), Vec::new())),
        }
    }

    /// Times one stretch of pairs for each dtype.
    fn stretch(&mut self, timing: Timing) {
        if let Some((inputs, stretches)) = &mut self.f32 {
            stretches.push(impls::backward_over_two_forwards(inputs, timing));
        }
        if let Some((inputs, stretches)) = &mut self.f64 {
            stretches.push(impls::backward_over_two_forwards(inputs, timing));
        }
    }

    /// `SEED dtype pairs median median-of-each-stretch..`, one line per dtype, for the parent.
    fn print(self) {
        let line = |name: &str, stretches: Vec<Vec<f64>>| {
            let mut each: Vec<String> = Vec::new();
            let mut all: Vec<f64> = Vec::new();
            for mut s in stretches {
                each.push(format!("{:.4}", stats::median(&mut s)));
                all.extend(s);
            }
            let pairs = all.len();
            println!(
                "SEED {name} {pairs} {:.4} {}",
                stats::median(&mut all),
                each.join(" ")
            );
        };
        if let Some((_, stretches)) = self.f32 {
            line("f32", stretches);
        }
        if let Some((_, stretches)) = self.f64 {
            line("f64", stretches);
        }
    }
}

fn child_size<T: Elem>(args: &Args, size: (usize, usize, usize), threads: usize, timing: Timing) {
    let inputs = Inputs::<T>::new(size);
    for &op in &args.ops {
        let r = impls::run_row(&inputs, op, threads, timing);
        let g: Vec<String> = r.gflops.iter().map(|g| format!("{g:.3}")).collect();
        let w: Vec<String> = r.wins.iter().map(|(w, n)| format!("{w}/{n}")).collect();
        let q: Vec<String> = r.ratios.iter().map(|q| format!("{q:.5}")).collect();
        let ci: Vec<String> = r
            .intervals
            .iter()
            .map(|(lo, hi)| format!("{lo:.5}:{hi:.5}"))
            .collect();
        println!(
            "ROW {} {} {} {} {} {:e} {} {} {} {}",
            size_name(size),
            T::NAME,
            threads,
            op.name(),
            g.join(" "),
            r.max_rel_diff,
            r.reps,
            w.join(" "),
            q.join(" "),
            ci.join(" ")
        );
    }
}

/// A row as the parent reads it from a child.
struct Row {
    size: String,
    dtype: String,
    threads: usize,
    op: String,
    gflops: [f64; 6],
    max_rel_diff: f64,
    reps: usize,
    /// Per contestant: back-to-back pairs in which shapegrad was faster, of all its pairs.
    wins: [(usize, usize); 6],
    /// Per contestant: shapegrad's speed over its, the median over their back-to-back pairs.
    ratios: [f64; 6],
    /// Per contestant: a 95 % confidence interval of that median.
    intervals: [(f64, f64); 6],
}

impl Row {
    /// The index in [`IMPLS`] of the peer that comes closest to shapegrad (or beats it).
    fn best_peer(&self) -> usize {
        (0..IMPLS.len())
            .filter(|&n| IMPLS[n].is_peer())
            .min_by(|&a, &b| self.ratios[a].total_cmp(&self.ratios[b]))
            .expect("peers")
    }
}

fn parse_row(line: &str) -> Option<Row> {
    let mut f = line.strip_prefix("ROW ")?.split_whitespace();
    let size = f.next()?.to_owned();
    let dtype = f.next()?.to_owned();
    let threads = f.next()?.parse().ok()?;
    let op = f.next()?.to_owned();
    let mut gflops = [0.0; 6];
    for g in &mut gflops {
        *g = f.next()?.parse().ok()?;
    }
    let max_rel_diff = f.next()?.parse().ok()?;
    let reps = f.next()?.parse().ok()?;
    let mut wins = [(0, 0); 6];
    for w in &mut wins {
        let (won, of) = f.next()?.split_once('/')?;
        *w = (won.parse().ok()?, of.parse().ok()?);
    }
    let mut ratios = [0.0; 6];
    for q in &mut ratios {
        *q = f.next()?.parse().ok()?;
    }
    let mut intervals = [(0.0, 0.0); 6];
    for ci in &mut intervals {
        let (lo, hi) = f.next()?.split_once(':')?;
        *ci = (lo.parse().ok()?, hi.parse().ok()?);
    }
    Some(Row {
        size,
        dtype,
        threads,
        op,
        gflops,
        max_rel_diff,
        reps,
        wins,
        ratios,
        intervals,
    })
}

/// Where the CSV goes: the workspace's target directory.
fn csv_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // The workspace root is the bench's parent directory.
            let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            bench
                .parent()
                .map_or(bench.join("../target"), |root| root.join("target"))
        });
    target.join("shapegrad-bench.csv")
}

/// Per-core peak GFLOP/s for a dtype.
fn peak_for(peak: Option<(f64, f64, &str)>, dtype: &str) -> Option<f64> {
    peak.map(|(s, d, _)| if dtype == "f32" { s } else { d })
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--crossover") {
        // Not part of the table: one thread against all of them for small products, to tune
        // shapegrad's AUTO_PARALLEL_MIN_MULADDS.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        impls::crossover::<f32>(threads);
        impls::crossover::<f64>(threads);
        return ExitCode::SUCCESS;
    }
    let args = parse_args();
    if let Some(threads) = args.child {
        child(&args, threads);
        return ExitCode::SUCCESS;
    }
    let start = Instant::now();
    let timing = timing(&args);
    println!(
        "shapegrad-bench ({} mode): {}; {} logical CPUs; load average {} at start",
        if args.quick { "quick" } else { "full" },
        machine::cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        machine::load_average()
    );
    println!(
        "sizes {}; after {} warm-up round(s), {} timed repetitions of every contestant, then \
         {}–{} (up to {} s each, or {} within {} s) of the backend and every peer within {:.0} % \
         of shapegrad, the others in one of every {} of those within the {} s or the first {}; \
         each contestant timed back to back with a call of shapegrad's, the two in a random \
         order; medians reported; every contestant's result checked against shapegrad's first",
        args.sizes
            .iter()
            .map(|&s| size_name(s))
            .collect::<Vec<_>>()
            .join(", "),
        timing.warmup,
        timing.min_reps,
        timing.close_min_reps.max(timing.min_reps),
        timing.max_reps,
        timing.budget,
        timing.close_more_reps,
        timing.long_budget,
        100.0 * (1.0 - impls::CLOSE),
        impls::SPARSE_EVERY,
        timing.budget,
        timing.far_min_reps,
    );
    let peak = raw::fma_peak();
    match peak {
        Some((s, d, isa)) => println!(
            "FMA peak per core ({isa}, measured now): f32 {s:.1} GFLOP/s, f64 {d:.1} GFLOP/s; \
             %peak = shapegrad / (peak per core × threads)"
        ),
        None => println!("FMA peak: no FMA instruction set known to the bench; %peak left empty"),
    }
    println!(
        "GFLOP/s (backward = dX and dA together). sg/peer = shapegrad / best of faer, \
         matrixmultiply, ndarray, nalgebra; sg/back = shapegrad / gemm called directly; each \
         ratio the median, over the back-to-back pairs, of the ratio of the two times. A column \
         is the median over all of a contestant's calls: where the host's speed changed within \
         a row, two columns' quotient can differ from the ratio."
    );
    println!(
        "matrixmultiply, ndarray and nalgebra run on matrixmultiply's own pool \
         (MATMUL_NUM_THREADS = threads, set per child process)."
    );
    println!();
    println!(
        "{:<13} {:<5} {:>3} {:<8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} | {:>7} {:<14} {:>7} {:>6}",
        "size",
        "dtype",
        "thr",
        "op",
        "shapegrad",
        "backend",
        "faer",
        "mmul",
        "ndarray",
        "nalgebra",
        "sg/peer",
        "(best peer)",
        "sg/back",
        "%peak"
    );

    let mut csv = vec![CSV_HEADER.to_owned()];
    let mut rows: Vec<Row> = Vec::new();
    let mut failed = false;
    let mut seed_ratios: Vec<String> = Vec::new();
    let exe = std::env::current_exe().expect("own executable path");
    for &threads in &args.threads {
        let mut cmd = Command::new(&exe);
        cmd.env("MATMUL_NUM_THREADS", threads.to_string())
            .arg("--child")
            .arg(threads.to_string())
            .stdout(Stdio::piped());
        for (flag, value) in [
            (
                "--sizes",
                args.sizes
                    .iter()
                    .map(|&s| size_name(s))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("--dtypes", args.dtypes.join(",")),
            (
                "--ops",
                args.ops
                    .iter()
                    .map(|o| o.name())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ] {
            cmd.arg(flag).arg(value);
        }
        if args.quick {
            cmd.arg("--quick");
        }
        if let Some(r) = args.min_reps {
            cmd.arg("--reps").arg(r.to_string());
        }
        let mut proc = cmd.spawn().expect("spawn the measuring child");
        let stdout = proc.stdout.take().expect("child stdout");
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("read child output");
            if let Some(rest) = line.strip_prefix("SEED ") {
                seed_ratios.push(rest.to_owned());
                continue;
            }
            let Some(row) = parse_row(&line) else {
                println!("{line}");
                continue;
            };
            let peak_core = peak_for(peak, &row.dtype);
            let best_peer = row.best_peer();
            let sg = row.gflops[0];
            let pct = |g: f64| peak_core.map(|p| 100.0 * g / (p * row.threads as f64));
            println!(
                "{:<13} {:<5} {:>3} {:<8} {:>9.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1} | {:>7.3} {:<14} {:>7.3} {:>6}",
                row.size,
                row.dtype,
                row.threads,
                row.op,
                sg,
                row.gflops[1],
                row.gflops[2],
                row.gflops[3],
                row.gflops[4],
                row.gflops[5],
                row.ratios[best_peer],
                format!("({})", IMPLS[best_peer].name()),
                row.ratios[1],
                pct(sg).map_or("-".into(), |p| format!("{p:.1}")),
            );
            let _ = std::io::stdout().flush();
            for (imp, g) in IMPLS.iter().zip(row.gflops) {
                csv.push(format!(
                    "{},{},{},{},{},{:.3},{}",
                    row.size,
                    row.dtype,
                    row.threads,
                    row.op,
                    imp.name(),
                    g,
                    pct(g).map_or(String::new(), |p| format!("{p:.2}"))
                ));
            }
            rows.push(row);
        }
        let status = proc.wait().expect("wait for the child");
        if !status.success() {
            println!("the {threads}-thread measurement failed ({status}); see the message above");
            failed = true;
        }
    }

    summary(&rows, &seed_ratios);
    if let (Some((s0, d0, _)), Some((s1, d1, _))) = (peak, raw::fma_peak()) {
        println!(
            "FMA peak measured again at the end: f32 {s1:.1}, f64 {d1:.1} GFLOP/s per core \
             (start: {s0:.1}, {d0:.1}); %peak above uses the start's"
        );
    }
    let path = csv_path();
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, csv.join("\n") + "\n"));
    match written {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => {
            println!("could not write {}: {e}", path.display());
            failed = true;
        }
    }
    println!(
        "done in {:.0} s; load average {} at the end",
        start.elapsed().as_secs_f64(),
        machine::load_average()
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The targets: no row below 0.97× the backend or 0.95× the best peer; the geometric mean of
/// shapegrad / best peer at least 1.05; the structural wins over the backend (the thin batch's
/// backward, the seed's `dY·Aᵀ`); and the seed size's backward within 10 % of twice its forward
/// time (1 thread).
fn summary(rows: &[Row], seed_ratios: &[String]) {
    if rows.is_empty() {
        return;
    }
    println!();
    let worst_diff = rows.iter().map(|r| r.max_rel_diff).fold(0.0, f64::max);
    let reps: Vec<usize> = rows.iter().map(|r| r.reps).collect();
    println!(
        "results checked: every contestant agrees with shapegrad (largest relative difference \
         {worst_diff:.1e}); repetitions per cell {}–{}",
        reps.iter().min().unwrap_or(&0),
        reps.iter().max().unwrap_or(&0)
    );
    // One target: how many rows hold, and each row below it with its ratio, the ratio's 95 %
    // interval and how often shapegrad was the faster of the two in their back-to-back pairs
    // (about half for a tie, near none for a gap). A row whose interval reaches the target is
    // one this run cannot tell from it; it still counts as below.
    let verdict = |what: &str, target: f64, who: &dyn Fn(&Row) -> usize| {
        let below: Vec<&Row> = rows.iter().filter(|r| r.ratios[who(r)] < target).collect();
        let mut line = format!(
            "target shapegrad >= {target:.2} x {what}: {} of {} rows hold",
            rows.len() - below.len(),
            rows.len()
        );
        if !below.is_empty() {
            let noise = below
                .iter()
                .filter(|r| r.intervals[who(r)].1 >= target)
                .count();
            line += &format!(
                "; of the {} below, {noise} within this run's noise of the target (95 % interval \
                 reaching {target:.2}), {} not; below: ",
                below.len(),
                below.len() - noise
            );
            let each: Vec<String> = below
                .iter()
                .map(|r| {
                    let n = who(r);
                    let (won, of) = r.wins[n];
                    let (lo, hi) = r.intervals[n];
                    format!(
                        "{} {} {}t {} ({:.3}, 95 % interval {lo:.3}–{hi:.3}; faster than {} in \
                         {:.0} % of {of} back-to-back pairs)",
                        r.size,
                        r.dtype,
                        r.threads,
                        r.op,
                        r.ratios[n],
                        IMPLS[n].name(),
                        100.0 * won as f64 / of.max(1) as f64,
                    )
                })
                .collect();
            line += &each.join(", ");
        }
        println!("{line}");
    };
    verdict("backend", 0.97, &|_| 1);
    verdict("best peer", 0.95, &|r| r.best_peer());
    let logs: Vec<f64> = rows.iter().map(|r| r.ratios[r.best_peer()].ln()).collect();
    let geomean = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
    println!(
        "geometric mean of shapegrad / best peer over {} rows: {geomean:.3} (target >= 1.05: {})",
        rows.len(),
        if geomean >= 1.05 { "holds" } else { "misses" }
    );
    // The wins the dispatch rules exist for, each over the backend called directly.
    let wins: [(&str, &str, &str, Option<usize>, f64); 3] = [
        ("32x4096x4096", "f32", "backward", None, 2.0),
        ("32x4096x4096", "f64", "backward", None, 1.3),
        ("128x256x512", "f32", "dx", Some(1), 1.3),
    ];
    for (size, dtype, op, threads, target) in wins {
        for r in rows.iter().filter(|r| {
            r.size == size
                && r.dtype == dtype
                && r.op == op
                && threads.is_none_or(|t| t == r.threads)
        }) {
            let (lo, hi) = r.intervals[1];
            println!(
                "structural win {size} {dtype} {}t {op}: {:.3} x the backend (95 % interval \
                 {lo:.3}–{hi:.3}; target >= {target:.2}: {})",
                r.threads,
                r.ratios[1],
                if hi >= target { "holds" } else { "misses" }
            );
        }
    }
    for line in seed_ratios {
        let mut f = line.split_whitespace();
        let (Some(dtype), Some(Ok(pairs)), Some(Ok(ratio))) = (
            f.next(),
            f.next().map(str::parse::<usize>),
            f.next().map(str::parse::<f64>),
        ) else {
            continue;
        };
        let each: Vec<String> = f
            .filter_map(|m| m.parse::<f64>().ok())
            .map(|m| format!("{m:.3}"))
            .collect();
        let stretches = match each.len() {
            1 => "in one stretch".to_owned(),
            n => format!(
                "in {n} stretches, one before each size's rows, whose medians read {}",
                each.join(" ")
            ),
        };
        println!(
            "seed size 128x256x512 {dtype} 1 thread: backward takes {ratio:.3} x twice the \
             forward's time (median over {pairs} back-to-back pairs {stretches}; target <= 1.10: \
             {})",
            if ratio <= 1.10 { "holds" } else { "misses" }
        );
    }
}
