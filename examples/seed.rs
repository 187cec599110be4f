//! The seed article, reproduced: `Y = X·A` with I, K, J = 128, 256, 512, loss `l = sum(Y)`, and the
//! gradients `dl/dX = dY·Aᵀ` and `dl/dA = Xᵀ·dY` checked two ways:
//!
//! 1. against an f64 reference of the article's index formulas, `dX[p,q] = Σ_j dY[p,j]·A[q,j]` and
//!    `dA[p,q] = Σ_i X[i,p]·dY[i,q]`, with a tolerance derived from the length of each dot product and
//!    f32's epsilon;
//! 2. against central finite differences of the loss, evaluated in f64, on a sample of entries.
//!
//! Run with `cargo run --release --example seed`. Exits non-zero if any check fails; the last line
//! starts `seed check: OK` when all pass.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use shapegrad::{Dim, Grads, MatMul, Matrix, dim};

dim!(I = 128, K = 256, J = 512);

/// f32's unit roundoff is `EPS / 2`; a dot product of `n` terms computed in f32 (in any order, with
/// or without FMA) is off by at most about `n · EPS/2 · Σ|terms|` (Higham, *Accuracy and Stability of
/// Numerical Algorithms*, §3.1). We allow `n · EPS · Σ|terms|`: the bound, with a factor 2 for the
/// rounding of the result itself.
fn dot_tolerance(n: usize, abs_sum: f64) -> f64 {
    n as f64 * f64::from(f32::EPSILON) * abs_sum
}

struct Check {
    name: &'static str,
    max_err: f64,
    worst_ratio: f64,
}

impl Check {
    fn ok(&self) -> bool {
        self.worst_ratio <= 1.0
    }
}

/// Compares `got` with the f64 reference `reference(p, q) -> (value, Σ|terms|)`, entry by entry,
/// each against its own derived tolerance for an `n`-term dot product.
fn check_against_reference<R: Dim, C: Dim>(
    name: &'static str,
    got: &Matrix<R, C>,
    n: usize,
    reference: impl Fn(usize, usize) -> (f64, f64),
) -> Check {
    let (mut max_err, mut worst_ratio) = (0.0f64, 0.0f64);
    for p in 0..got.rows() {
        for q in 0..got.cols() {
            let (want, abs_sum) = reference(p, q);
            let err = (f64::from(got[(p, q)]) - want).abs();
            max_err = max_err.max(err);
            worst_ratio = worst_ratio.max(err / dot_tolerance(n, abs_sum));
        }
    }
    Check {
        name,
        max_err,
        worst_ratio,
    }
}

/// `l = sum(X·A)` in f64, computed with shapegrad's own f64 product: the black box that finite
/// differences probe.
fn loss(x: &Matrix<I, K, f64>, a: &Matrix<K, J, f64>) -> f64 {
    x.matmul(a).sum()
}

/// Central differences of `l` for `n_samples` entries of one operand, spread over the matrix.
///
/// `l` is linear in each entry, so the difference quotient has no truncation error; what remains is
/// rounding in the two evaluations of `l`, at most about `(K + I·J) · EPS64 · Σ|x||a|` each (the
/// product's dot products, then the sum over `I·J` outputs), divided by `h`. That bound, plus the
/// f32 gradient's own dot-product tolerance, is what each sample must meet.
fn check_finite_differences<R: Dim, C: Dim>(
    name: &'static str,
    grad: &Matrix<R, C>,
    grad_n: usize,
    grad_abs_sum: impl Fn(usize, usize) -> f64,
    eval: impl Fn(usize, usize, f64) -> f64,
    loss_abs_sum: f64,
) -> Check {
    const SAMPLES: usize = 24;
    let h = 0.5;
    let fd_tol = 2.0 * (K.size() + I.size() * J.size()) as f64 * f64::EPSILON * loss_abs_sum / h;
    let (mut max_err, mut worst_ratio) = (0.0f64, 0.0f64);
    for s in 0..SAMPLES {
        // A spread of entries, corners included.
        let p = (s * 7919) % grad.rows();
        let q = (s * 104_729 + s / 2) % grad.cols();
        let fd = (eval(p, q, h) - eval(p, q, -h)) / (2.0 * h);
        let err = (f64::from(grad[(p, q)]) - fd).abs();
        let tol = fd_tol + dot_tolerance(grad_n, grad_abs_sum(p, q));
        max_err = max_err.max(err);
        worst_ratio = worst_ratio.max(err / tol);
    }
    Check {
        name,
        max_err,
        worst_ratio,
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(reps: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up: first-touch of the output pages, kernel dispatch
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() -> ExitCode {
    let (i, k, j) = (I.size(), K.size(), J.size());
    println!("shapegrad seed check: Y = X·A, X: {i}×{k}, A: {k}×{j}, l = sum(Y), f32");

    // Like torch.rand with a fixed seed: uniform [0, 1).
    let x = Matrix::<I, K>::rand(42);
    let a = Matrix::<K, J>::rand(43);

    let mm = MatMul::forward(&x, &a);
    let y: &Matrix<I, J> = mm.output();
    // l = sum(Y), so dl/dY is a matrix of ones.
    let dy = Matrix::<I, J>::ones();
    let Grads { dx, da } = mm.backward(&dy);
    let (dx, da): (Matrix<I, K>, Matrix<K, J>) = (dx, da);

    // f64 copies for the references.
    let x64 = Matrix::<I, K, f64>::from_fn(|p, q| f64::from(x[(p, q)]));
    let a64 = Matrix::<K, J, f64>::from_fn(|p, q| f64::from(a[(p, q)]));
    let dy64 = Matrix::<I, J, f64>::from_fn(|p, q| f64::from(dy[(p, q)]));

    let checks = [
        check_against_reference("Y  = X·A   vs f64 Σ_k x[i,k]·a[k,j]", y, k, |p, q| {
            (0..k).fold((0.0, 0.0), |(s, m), r| {
                let t = x64[(p, r)] * a64[(r, q)];
                (s + t, m + t.abs())
            })
        }),
        check_against_reference(
            "dX = dY·Aᵀ vs f64 Σ_j dy[p,j]·a[q,j]",
            &dx,
            j,
            |p, q| {
                (0..j).fold((0.0, 0.0), |(s, m), c| {
                    let t = dy64[(p, c)] * a64[(q, c)];
                    (s + t, m + t.abs())
                })
            },
        ),
        check_against_reference(
            "dA = Xᵀ·dY vs f64 Σ_i x[i,p]·dy[i,q]",
            &da,
            i,
            |p, q| {
                (0..i).fold((0.0, 0.0), |(s, m), r| {
                    let t = x64[(r, p)] * dy64[(r, q)];
                    (s + t, m + t.abs())
                })
            },
        ),
        check_finite_differences(
            "dX vs central differences of l (f64)",
            &dx,
            j,
            |_, q| (0..j).map(|c| a64[(q, c)].abs()).sum(),
            |p, q, h| {
                let mut xp = x64.clone();
                *xp.get_mut(p, q).expect("sampled index is in range") += h;
                loss(&xp, &a64)
            },
            loss(&x64, &a64),
        ),
        check_finite_differences(
            "dA vs central differences of l (f64)",
            &da,
            i,
            |p, _| (0..i).map(|r| x64[(r, p)].abs()).sum(),
            |p, q, h| {
                let mut ap = a64.clone();
                *ap.get_mut(p, q).expect("sampled index is in range") += h;
                loss(&x64, &ap)
            },
            loss(&x64, &a64),
        ),
    ];

    println!();
    println!(
        "{:<40} {:>12} {:>14}",
        "check", "max |error|", "error / bound"
    );
    for c in &checks {
        println!(
            "{:<40} {:>12.3e} {:>14.3e}  {}",
            c.name,
            c.max_err,
            c.worst_ratio,
            if c.ok() { "ok" } else { "FAILED" }
        );
    }

    let flops = 2.0 * (i * k * j) as f64;
    let gflops = |d: Duration, products: f64| products * flops / d.as_secs_f64() / 1e9;
    let t_fwd = time(20, || drop(std::hint::black_box(x.matmul(&a))));
    let t_bwd = time(20, || drop(std::hint::black_box(mm.backward(&dy))));
    println!();
    println!(
        "forward  Y = X·A          {:>9.3} ms  {:>6.1} GFLOP/s",
        t_fwd.as_secs_f64() * 1e3,
        gflops(t_fwd, 1.0)
    );
    println!(
        "backward dX, dA (2 GEMMs) {:>9.3} ms  {:>6.1} GFLOP/s",
        t_bwd.as_secs_f64() * 1e3,
        gflops(t_bwd, 2.0)
    );

    let failed: Vec<_> = checks.iter().filter(|c| !c.ok()).map(|c| c.name).collect();
    if failed.is_empty() {
        println!(
            "seed check: OK (dX and dA match the f64 reference and finite differences; I, K, J = {i}, {k}, {j})"
        );
        ExitCode::SUCCESS
    } else {
        println!("seed check: FAILED: {}", failed.join("; "));
        ExitCode::FAILURE
    }
}
