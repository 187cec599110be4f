//! One row of the benchmark: a product shape, an element type, a thread count and an operation,
//! timed for shapegrad, its backend and the peers on the same inputs, after checking that they
//! all compute the same thing.

use std::fmt::Display;
use std::time::Instant;

use shapegrad::{Dyn, Grads, MatMul, Matrix, Threads, Write, with_threads};

use crate::raw::{self, RawElem, View, ViewMut};
use crate::stats::{median, median_interval};

/// An owned matrix with run-time dimensions.
pub type Mat<T> = Matrix<Dyn, Dyn, T>;

/// `f32` or `f64`: what every library under test accepts.
pub trait Elem:
    shapegrad::Scalar
    + RawElem
    + faer::traits::RealField
    + ndarray::LinalgScalar
    + nalgebra::RealField
    + Display
{
    /// Largest relative difference between two correct results (rounding only).
    const TOLERANCE: f64;
    /// Widens to f64, for comparisons.
    fn f64(self) -> f64;
}

impl Elem for f32 {
    const TOLERANCE: f64 = 1e-4;
    fn f64(self) -> f64 {
        f64::from(self)
    }
}

impl Elem for f64 {
    const TOLERANCE: f64 = 1e-11;
    fn f64(self) -> f64 {
        self
    }
}

/// A contestant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    /// shapegrad's typed API.
    Shapegrad,
    /// `gemm::gemm`, called directly with the strides shapegrad passes it.
    Backend,
    /// faer 0.24.
    Faer,
    /// matrixmultiply 0.3.
    Matrixmultiply,
    /// ndarray 0.17.
    Ndarray,
    /// nalgebra 0.35.
    Nalgebra,
}

/// Every contestant, in table order.
pub const IMPLS: [Impl; 6] = [
    Impl::Shapegrad,
    Impl::Backend,
    Impl::Faer,
    Impl::Matrixmultiply,
    Impl::Ndarray,
    Impl::Nalgebra,
];

impl Impl {
    /// The name in the CSV.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Shapegrad => "shapegrad",
            Impl::Backend => "backend",
            Impl::Faer => "faer",
            Impl::Matrixmultiply => "matrixmultiply",
            Impl::Ndarray => "ndarray",
            Impl::Nalgebra => "nalgebra",
        }
    }

    /// Whether it is one of the peers shapegrad must match.
    pub fn is_peer(self) -> bool {
        !matches!(self, Impl::Shapegrad | Impl::Backend)
    }
}

/// What is computed, for `Y = X · A` with `X: I × K`, `A: K × J`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `Y = X · A`.
    Forward,
    /// `dX = dY · Aᵀ` and `dA = Xᵀ · dY`.
    Backward,
    /// `dX = dY · Aᵀ` only.
    Dx,
    /// `dA = Xᵀ · dY` only.
    Da,
}

/// Every operation, in table order.
pub const OPS: [Op; 4] = [Op::Forward, Op::Backward, Op::Dx, Op::Da];

impl Op {
    /// The name in the CSV.
    pub fn name(self) -> &'static str {
        match self {
            Op::Forward => "forward",
            Op::Backward => "backward",
            Op::Dx => "dx",
            Op::Da => "da",
        }
    }

    /// Floating-point operations for an `i × k × j` problem.
    pub fn flops(self, (i, k, j): (usize, usize, usize)) -> f64 {
        let one = 2.0 * i as f64 * k as f64 * j as f64;
        if self == Op::Backward { 2.0 * one } else { one }
    }
}

/// How long to measure.
///
/// Every contestant is timed `min_reps` times. The repetitions after that go to the contestants
/// whose median so far is within [`CLOSE`] of shapegrad's (always shapegrad and the backend):
/// theirs are the ratios a verdict turns on, and a contestant far behind cannot catch up
/// through noise, so timing it in every repetition would only slow the run. It still runs in
/// every [`SPARSE_EVERY`]-th one, so that its median spans the same stretch of time as
/// shapegrad's: the machine's speed drifts, and a median from the first repetitions only was
/// once 5 % above shapegrad's although shapegrad won every repetition the two shared.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Timed repetitions of every contestant, at least.
    pub min_reps: usize,
    /// Timed repetitions of each close contestant, at least.
    pub close_min_reps: usize,
    /// Timed repetitions of each close contestant aimed at beyond `close_min_reps`, as far as
    /// they fit in `long_budget` seconds.
    pub close_more_reps: usize,
    /// Seconds of timed calls per close contestant that `close_more_reps` may take.
    pub long_budget: f64,
    /// Repetitions (counting the first `min_reps`) within which the contestants that are not
    /// close run in every [`SPARSE_EVERY`]-th, at least; beyond it, and beyond the budget, only
    /// the close ones run.
    pub far_min_reps: usize,
    /// Timed repetitions at most, per contestant.
    pub max_reps: usize,
    /// Seconds of timed calls aimed at per close contestant (between the bounds above).
    pub budget: f64,
    /// Warm-up calls per contestant before timing (the first also checks the result).
    pub warmup: usize,
}

/// After the first `min_reps` repetitions, contestants that are not close run in one
/// repetition of this many.
pub const SPARSE_EVERY: usize = 4;

/// A peer counts as close when its median so far is at least this fraction of shapegrad's
/// GFLOP/s; below, more repetitions cannot change which of the two is ahead.
pub const CLOSE: f64 = 0.9;

/// The result of one row.
#[derive(Clone, Debug)]
pub struct RowResult {
    /// Median GFLOP/s of each contestant, in [`IMPLS`] order.
    pub gflops: [f64; 6],
    /// Largest difference from shapegrad's result over all contestants, relative to the largest
    /// element of the result.
    pub max_rel_diff: f64,
    /// Timed repetitions, each with one call of every close contestant next to one of
    /// shapegrad's.
    pub reps: usize,
    /// For each contestant, in [`IMPLS`] order: in how many of its back-to-back pairs with
    /// shapegrad shapegrad took less time, and how many those were. A tie reads about half.
    pub wins: [(usize, usize); 6],
    /// For each contestant, in [`IMPLS`] order: shapegrad's speed over the contestant's, the
    /// median over their back-to-back pairs of the contestant's time over shapegrad's.
    pub ratios: [f64; 6],
    /// For each contestant, in [`IMPLS`] order: a 95 % confidence interval of that median
    /// ([`median_interval`]). One that contains 1 means the run cannot tell the two apart.
    pub intervals: [(f64, f64); 6],
}

/// Inputs of one problem size: `X: I × K`, `A: K × J` and `dY: I × J`, uniform in [0, 1).
pub struct Inputs<T: Elem> {
    /// `(I, K, J)`.
    pub dims: (usize, usize, usize),
    x: Mat<T>,
    a: Mat<T>,
    dy: Mat<T>,
}

impl<T: Elem> Inputs<T> {
    /// Seeded random inputs.
    pub fn new((i, k, j): (usize, usize, usize)) -> Self {
        Inputs {
            dims: (i, k, j),
            x: Mat::rand_with(Dyn(i), Dyn(k), 1),
            a: Mat::rand_with(Dyn(k), Dyn(j), 2),
            dy: Mat::rand_with(Dyn(i), Dyn(j), 3),
        }
    }
}

/// The destinations, shared by every contestant so each writes to equally warm memory.
struct Outputs<T: Elem> {
    y: Mat<T>,
    grads: Grads<Dyn, Dyn, Dyn, T>,
}

fn policy(threads: usize) -> Threads {
    match std::num::NonZeroUsize::new(threads) {
        Some(n) if threads > 1 => Threads::Fixed(n),
        _ => Threads::Sequential,
    }
}

/// `dst = lhs · rhs` through a peer or the backend. `threads` is ignored by matrixmultiply,
/// ndarray and nalgebra, whose pool is matrixmultiply's, sized per process.
fn product<T: Elem>(
    imp: Impl,
    dst: &mut Mat<T>,
    lhs: View<'_, T>,
    rhs: View<'_, T>,
    threads: usize,
) {
    let (m, n) = (dst.rows(), dst.cols());
    let dst = dst.as_mut_slice();
    match imp {
        Impl::Shapegrad => unreachable!("shapegrad is called through its typed API"),
        Impl::Backend => raw::backend_gemm(ViewMut::row_major(dst, m, n), lhs, rhs, threads),
        Impl::Matrixmultiply => raw::matrixmultiply_gemm(ViewMut::row_major(dst, m, n), lhs, rhs),
        Impl::Faer => {
            let par = if threads > 1 {
                faer::Par::rayon(threads)
            } else {
                faer::Par::Seq
            };
            let dst = faer::MatMut::from_row_major_slice_mut(dst, m, n);
            faer::linalg::matmul::matmul(
                dst,
                faer::Accum::Replace,
                faer_ref(lhs),
                faer_ref(rhs),
                <T as RawElem>::ONE,
                par,
            );
        }
        Impl::Ndarray => {
            let mut dst = ndarray::ArrayViewMut2::from_shape((m, n), dst).expect("ndarray dst");
            ndarray::linalg::general_mat_mul(
                <T as RawElem>::ONE,
                &ndarray_ref(lhs),
                &ndarray_ref(rhs),
                <T as RawElem>::ZERO,
                &mut dst,
            );
        }
        Impl::Nalgebra => {
            let mut dst = nalgebra::DMatrixViewMut::from_slice_with_strides_mut(dst, m, n, n, 1);
            dst.gemm(
                <T as RawElem>::ONE,
                &nalgebra_ref(lhs),
                &nalgebra_ref(rhs),
                <T as RawElem>::ZERO,
            );
        }
    }
}

/// faer's view of a dense row- or column-major operand (a transposed view is free).
fn faer_ref<T: Elem>(v: View<'_, T>) -> faer::MatRef<'_, T> {
    if v.is_row_major() {
        faer::MatRef::from_row_major_slice(v.data(), v.rows, v.cols)
    } else if v.is_col_major() {
        faer::MatRef::from_column_major_slice(v.data(), v.rows, v.cols)
    } else {
        panic!("the bench only makes dense operands")
    }
}

/// ndarray's strided view: any layout, no copy.
fn ndarray_ref<T: Elem>(v: View<'_, T>) -> ndarray::ArrayView2<'_, T> {
    use ndarray::ShapeBuilder;
    ndarray::ArrayView2::from_shape((v.rows, v.cols).strides((v.rs, v.cs)), v.data())
        .expect("ndarray view")
}

/// nalgebra's strided view: any layout, no copy (so no `tr_mul`, which never reaches a fast
/// kernel); its `gemm` passes the strides on to matrixmultiply.
fn nalgebra_ref<T: Elem>(
    v: View<'_, T>,
) -> nalgebra::DMatrixView<'_, T, nalgebra::Dyn, nalgebra::Dyn> {
    nalgebra::DMatrixView::from_slice_with_strides(v.data(), v.rows, v.cols, v.rs, v.cs)
}

fn take<T: Elem>(m: &mut Mat<T>) -> Mat<T> {
    std::mem::replace(m, Mat::zeros_with(Dyn(0), Dyn(0)))
}

fn poison<T: Elem>(m: &mut Mat<T>) {
    m.as_mut_slice()
        .fill(<T as shapegrad::Scalar>::from_f64(f64::NAN));
}

/// Largest |a - b| over the largest |b|; NaN (a contestant that did not write) compares as ∞.
fn rel_diff<T: Elem>(a: &Mat<T>, b: &Mat<T>) -> f64 {
    let scale = b
        .as_slice()
        .iter()
        .fold(0.0f64, |s, v| s.max(v.f64().abs()))
        .max(f64::MIN_POSITIVE);
    a.as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(x, y)| {
            let d = (x.f64() - y.f64()).abs();
            if d.is_nan() { f64::INFINITY } else { d }
        })
        .fold(0.0, f64::max)
        / scale
}

/// Times every contestant on `op`, each call next to one of shapegrad's so that a change of
/// machine load hits both alike, and checks their results against shapegrad's.
pub fn run_row<T: Elem>(inp: &Inputs<T>, op: Op, threads: usize, timing: Timing) -> RowResult {
    let (i, k, j) = inp.dims;
    let mut out = Outputs {
        y: Mat::zeros_with(Dyn(i), Dyn(j)),
        grads: Grads {
            dx: Mat::zeros_with(Dyn(i), Dyn(k)),
            da: Mat::zeros_with(Dyn(k), Dyn(j)),
        },
    };
    let pol = policy(threads);
    // The forward product whose backward is measured; made once, outside the timings.
    let mm = with_threads(pol, || {
        MatMul::forward_into(&inp.x, &inp.a, Mat::zeros_with(Dyn(i), Dyn(j)))
    });
    let x = View::row_major(inp.x.as_slice(), i, k);
    let a = View::row_major(inp.a.as_slice(), k, j);
    let dy = View::row_major(inp.dy.as_slice(), i, j);

    let call = |imp: Impl, out: &mut Outputs<T>| match (imp, op) {
        (Impl::Shapegrad, Op::Forward) => {
            let y = take(&mut out.y);
            out.y = with_threads(pol, || {
                MatMul::forward_into(&inp.x, &inp.a, y).into_output()
            });
        }
        (Impl::Shapegrad, Op::Backward) => with_threads(pol, || {
            mm.backward_into(&inp.dy, &mut out.grads, Write::Overwrite)
        }),
        (Impl::Shapegrad, Op::Dx) => with_threads(pol, || {
            mm.backward_x_into(&inp.dy, &mut out.grads.dx, Write::Overwrite)
        }),
        (Impl::Shapegrad, Op::Da) => with_threads(pol, || {
            mm.backward_a_into(&inp.dy, &mut out.grads.da, Write::Overwrite)
        }),
        (imp, Op::Forward) => product(imp, &mut out.y, x, a, threads),
        (imp, Op::Dx) => product(imp, &mut out.grads.dx, dy, a.t(), threads),
        (imp, Op::Da) => product(imp, &mut out.grads.da, x.t(), dy, threads),
        (imp, Op::Backward) => {
            product(imp, &mut out.grads.dx, dy, a.t(), threads);
            product(imp, &mut out.grads.da, x.t(), dy, threads);
        }
    };
    let results = |out: &Outputs<T>| -> Vec<Mat<T>> {
        match op {
            Op::Forward => vec![out.y.clone()],
            Op::Backward => vec![out.grads.dx.clone(), out.grads.da.clone()],
            Op::Dx => vec![out.grads.dx.clone()],
            Op::Da => vec![out.grads.da.clone()],
        }
    };

    // Check: each contestant writes over NaN, and must agree with shapegrad.
    let mut reference: Vec<Mat<T>> = Vec::new();
    let mut max_rel_diff = 0.0f64;
    for imp in IMPLS {
        poison(&mut out.y);
        poison(&mut out.grads.dx);
        poison(&mut out.grads.da);
        call(imp, &mut out);
        let got = results(&out);
        if imp == Impl::Shapegrad {
            // shapegrad's own result must be finite to serve as the reference.
            for m in &got {
                assert!(
                    m.as_slice().iter().all(|v| v.f64().is_finite()),
                    "shapegrad left NaN in its output ({} {:?})",
                    T::NAME,
                    op
                );
            }
            reference = got;
        } else {
            for (g, r) in got.iter().zip(&reference) {
                let d = rel_diff(g, r);
                assert!(
                    d <= T::TOLERANCE,
                    "{} disagrees with shapegrad on {}x{}x{} {} {}: relative difference {d:e}",
                    imp.name(),
                    i,
                    k,
                    j,
                    T::NAME,
                    op.name()
                );
                max_rel_diff = max_rel_diff.max(d);
            }
        }
    }

    // Warm-up, then as many repetitions as the budget allows, interleaved.
    for _ in 1..timing.warmup.max(1) {
        for imp in IMPLS {
            call(imp, &mut out);
        }
    }
    // times[n]: every time of contestant n, in seconds. pairs[n] (n > 0): (shapegrad's,
    // contestant n's) from calls made back to back.
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); IMPLS.len()];
    let mut pairs: Vec<Vec<(f64, f64)>> = vec![Vec::new(); IMPLS.len()];
    // In each repetition every other contestant is timed right next to a call of shapegrad's,
    // the two in a random order, and the pairs in a new random order: no contestant always
    // follows the same one (whose cache footprint, allocations and waking threads it would
    // inherit) or always comes first, and each comparison is made within a second, not across a
    // repetition in which the host's speed can change (with the two up to five calls apart, two
    // identical gemm calls at 2048³ read 0.979 and 0.980).
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (rng >> 33) as usize
    };
    let mut repetition = |who: &[usize],
                          times: &mut [Vec<f64>],
                          pairs: &mut [Vec<(f64, f64)>],
                          out: &mut Outputs<T>| {
        let mut order: Vec<usize> = who.iter().copied().filter(|&n| n != 0).collect();
        for n in (1..order.len()).rev() {
            order.swap(n, next() % (n + 1));
        }
        for n in order {
            let mut t = [0.0; 2];
            let first = next() % 2;
            for slot in [first, 1 - first] {
                let start = Instant::now();
                call(IMPLS[slot * n], out);
                t[slot] = start.elapsed().as_secs_f64();
            }
            times[0].push(t[0]);
            times[n].push(t[1]);
            pairs[n].push((t[0], t[1]));
        }
    };
    let everyone: Vec<usize> = (0..IMPLS.len()).collect();
    for _ in 0..timing.min_reps {
        repetition(&everyone, &mut times, &mut pairs, &mut out);
    }
    // Then the close contestants for the budget, and everyone in one repetition of SPARSE_EVERY.
    let medians: Vec<f64> = times.iter().map(|t| median(&mut t.clone())).collect();
    let close: Vec<usize> = everyone
        .iter()
        .copied()
        .filter(|&n| n < 2 || medians[0] / medians[n] >= CLOSE)
        .collect();
    // The close contestants' ratios are the ones a verdict turns on: a row of long products
    // fits few pairs in the budget, and the median of 25 of them, two identical gemm calls at
    // 1024³, once read 0.972. So they get up to `close_more_reps` pairs within the long budget
    // (1024³), and at least `close_min_reps` (2048³, up to a second or more a pair); the far
    // ones are not timed beyond the budget (or `far_min_reps`), which would cost the most time
    // for ratios 10 % or more away from any target.
    let per_call = close.iter().map(|&n| medians[n]).sum::<f64>() / close.len() as f64;
    let reps_in = |seconds: f64| ((seconds / per_call).ceil() as usize).min(timing.max_reps);
    let budget_reps = reps_in(timing.budget);
    let reps = budget_reps
        .max(reps_in(timing.long_budget).min(timing.close_more_reps))
        .max(timing.close_min_reps)
        .max(timing.min_reps);
    let sparse_until = budget_reps.max(timing.far_min_reps);
    for r in timing.min_reps..reps {
        let who = if r % SPARSE_EVERY == 0 && r < sparse_until {
            &everyone
        } else {
            &close
        };
        repetition(who, &mut times, &mut pairs, &mut out);
    }
    // Each ratio is the median over a contestant's pairs of its time over shapegrad's: above 1
    // exactly when shapegrad was the faster in most of them. A ratio of the two medians would
    // inherit the drift of the host's speed: a contestant timed in one repetition of
    // SPARSE_EVERY once read 0.5 that way where shapegrad was the faster in 88 % of the
    // repetitions they shared.
    let mut wins = [(0, 0); 6];
    let mut ratios = [1.0; 6];
    let mut intervals = [(1.0, 1.0); 6];
    for n in 1..IMPLS.len() {
        let p = &pairs[n];
        wins[n] = (p.iter().filter(|&&(sg, c)| sg < c).count(), p.len());
        let mut r: Vec<f64> = p.iter().map(|&(sg, c)| c / sg).collect();
        ratios[n] = median(&mut r);
        intervals[n] = median_interval(&mut r);
    }
    let flops = op.flops(inp.dims);
    let mut gflops = [0.0; 6];
    for (n, t) in times.iter().enumerate() {
        gflops[n] = flops / median(&mut t.clone()) / 1e9;
    }
    RowResult {
        gflops,
        max_rel_diff,
        reps,
        wins,
        ratios,
        intervals,
    }
}

/// Time of one shapegrad operation under `threads` (median of interleaved repetitions), for
/// [`crossover`].
fn crossover_row<T: Elem>(size: (usize, usize, usize), op: Op, threads: usize) -> (f64, f64) {
    let inp = Inputs::<T>::new(size);
    let (i, k, j) = size;
    let mut y = Mat::zeros_with(Dyn(i), Dyn(j));
    let mut grads = Grads {
        dx: Mat::zeros_with(Dyn(i), Dyn(k)),
        da: Mat::zeros_with(Dyn(k), Dyn(j)),
    };
    let mm = MatMul::forward_into(&inp.x, &inp.a, Mat::zeros_with(Dyn(i), Dyn(j)));
    let mut call = |pol: Threads| {
        with_threads(pol, || match op {
            Op::Forward => {
                y = MatMul::forward_into(&inp.x, &inp.a, take(&mut y)).into_output();
            }
            Op::Backward => mm.backward_into(&inp.dy, &mut grads, Write::Overwrite),
            Op::Dx => mm.backward_x_into(&inp.dy, &mut grads.dx, Write::Overwrite),
            Op::Da => mm.backward_a_into(&inp.dy, &mut grads.da, Write::Overwrite),
        })
    };
    let pols = [policy(1), policy(threads)];
    let per_call = {
        let t = Instant::now();
        for _ in 0..3 {
            call(pols[0]);
            call(pols[1]);
        }
        t.elapsed().as_secs_f64() / 6.0
    };
    let reps = ((0.3 / per_call) as usize).clamp(9, 2001);
    let mut times = [Vec::with_capacity(reps), Vec::with_capacity(reps)];
    for r in 0..reps {
        for n in [r % 2, 1 - r % 2] {
            let t = Instant::now();
            call(pols[n]);
            times[n].push(t.elapsed().as_secs_f64());
        }
    }
    let [mut one, mut many] = times;
    (median(&mut one), median(&mut many))
}

/// Prints, for products around [`shapegrad::AUTO_PARALLEL_MIN_MULADDS`], the time on one thread
/// against `threads` threads: where the second thread starts to pay.
pub fn crossover<T: Elem>(threads: usize) {
    let mut sizes: Vec<(usize, usize, usize)> = [32, 48, 64, 80, 96, 112, 128, 160, 192, 256]
        .iter()
        .map(|&s| (s, s, s))
        .collect();
    sizes.extend([
        (32, 64, 256),
        (32, 128, 512),
        (32, 256, 1024),
        (64, 128, 256),
        (128, 256, 512),
    ]);
    for size in sizes {
        let (i, k, j) = size;
        let mut line = format!("{} {i}x{k}x{j} ({} muladds):", T::NAME, i * k * j);
        for op in [Op::Forward, Op::Dx, Op::Da] {
            let (one, many) = crossover_row::<T>(size, op, threads);
            line += &format!(
                "  {} {:.1}/{:.1} µs = {:.2}x",
                op.name(),
                one * 1e6,
                many * 1e6,
                one / many
            );
        }
        println!("{line}");
    }
}

/// Pairs of a forward and a backward timed at least, for [`backward_over_two_forwards`].
const SEED_MIN_PAIRS: usize = 1000;

/// shapegrad's backward time over twice its forward time on one thread, once for each of at
/// least [`SEED_MIN_PAIRS`] pairs of a forward and a backward timed back to back (under a
/// millisecond apart), so that a change of machine load lasting longer than a pair hits both
/// halves of it. The median of these, side by side with the ratio of two medians, read alike
/// (within 0.07, mostly 0.01); neither hides a contended stretch of the host, which moves both by
/// several percent, so the caller takes several such stretches apart in time.
pub fn backward_over_two_forwards<T: Elem>(inp: &Inputs<T>, timing: Timing) -> Vec<f64> {
    let (i, k, j) = inp.dims;
    let mut y = Mat::zeros_with(Dyn(i), Dyn(j));
    let mut grads = Grads {
        dx: Mat::zeros_with(Dyn(i), Dyn(k)),
        da: Mat::zeros_with(Dyn(k), Dyn(j)),
    };
    let mm = with_threads(Threads::Sequential, || {
        MatMul::forward_into(&inp.x, &inp.a, Mat::zeros_with(Dyn(i), Dyn(j)))
    });
    let mut forward = || {
        let t = Instant::now();
        y = with_threads(Threads::Sequential, || {
            MatMul::forward_into(&inp.x, &inp.a, take(&mut y)).into_output()
        });
        t.elapsed().as_secs_f64()
    };
    let mut backward = || {
        let t = Instant::now();
        with_threads(Threads::Sequential, || {
            mm.backward_into(&inp.dy, &mut grads, Write::Overwrite)
        });
        t.elapsed().as_secs_f64()
    };
    // A pair takes under a millisecond, so a round or two of warm-up leaves the median to the
    // first, unsettled repetitions (caches, the core's clock under AVX-512). Warm up for a
    // quarter of a second instead, and time at least `SEED_MIN_PAIRS` pairs.
    let warm = Instant::now();
    while warm.elapsed().as_secs_f64() < 0.25 {
        forward();
        backward();
    }
    let reps = SEED_MIN_PAIRS.max(timing.min_reps);
    (0..reps)
        .map(|r| {
            let (f, b) = if r % 2 == 0 {
                let f = forward();
                (f, backward())
            } else {
                let b = backward();
                (forward(), b)
            };
            b / (2.0 * f)
        })
        .collect()
}
