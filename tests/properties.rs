//! Property tests: every product path of the GEMM backend agrees with an f64 reference.
//!
//! The backend picks a kernel and a split per product (plain gemm, gemm in column blocks, gemm's
//! kernel not turned around, faer's kernel in blocks or on aligned rows, splits by columns, rows
//! or row blocks over threads) from the layout, the shape, the element type and the thread
//! count. Whatever it picks, the numbers must be the product's. This suite proves that for:
//!
//! - the three layouts of a layer's forward and backward pass: `X·A` (`x.matmul(&a)`), `dY·Aᵀ`
//!   (`dy.matmul(a.t())`, the right operand a transposed view of an `a` stored `J×K`) and `Xᵀ·dY`
//!   (`x.t().matmul(&dy)`, the left operand a transposed view of an `x` stored `K×I`);
//! - random shapes with every side in `0..=300`, biased towards 0, 1, SIMD and tile widths and
//!   the dispatch thresholds that fit in that range (`side`, `shape`);
//! - a fixed table of shapes on both sides of every dispatch rule's threshold ([`THRESHOLDS`]),
//!   which may go beyond 300;
//! - f32 and f64; one thread (`Threads::Sequential`) and two (`Threads::Fixed(2)`);
//! - every entry point: `matmul`, `try_matmul`, `*`, `matmul_into` and `try_matmul_into` with
//!   `Write::Overwrite` (into a destination full of NaN) and `Write::Accumulate` (into a random,
//!   non-zero destination);
//! - operands passed as `&m`, `m.view()` and `m.t()` / `m.view().t()`;
//! - `Dyn` dimensions (the random shapes), static ones (`Const<N>`, typenum, `dim!`) and static
//!   and `Dyn` operands mixed, the static results checked to have the static type.
//!
//! **Tolerance.** Each entry of an `I×K · K×J` product is a `K`-term dot product. Computed in
//! floating point, in any order, blocked or split any way, with or without FMA, it is off by at
//! most `γ_K · Σ_k |x_ik a_kj|` with `γ_K = K·u / (1 − K·u)` and `u = eps/2` (Higham, *Accuracy and
//! Stability of Numerical Algorithms*, §3.1). The reference is the same sum in f64 over f64
//! copies of the inputs (exact for f32 inputs; for f64 it adds an error of the same size), so
//! each entry is held to `common::dot_tolerance`: `c · K · eps · Σ_k |x_ik a_kj|` with `c = 2`
//! (`common::C` says why), `eps` the element type's machine epsilon. Accumulating into a
//! destination that held `b` is a dot product with one more term, `b · 1`: the tolerance is the
//! same formula with `K + 1` terms and `|b|` added to the sum of magnitudes. With `K = 0` the
//! tolerance is zero: an empty product is exactly zero (or exactly `b`). No tolerance here is
//! looser than that derivation; a case outside it is a bug in the backend.
//!
//! **Cost.** The test crate and the reference run unoptimised, so products of more than
//! [`FULL_CHECK_MAX_TERMS`] multiply-adds are checked at `common::sample_entries` (the whole first
//! and last row and column, which cross every column and row block of a split, and 64
//! pseudo-random entries), smaller ones at every entry. Each property runs [`CASES`] cases from a
//! fixed seed (ChaCha, no failure persistence), so a run is reproducible.

mod common;

use std::num::NonZeroUsize;

use common::{
    Dense, accumulated_error_at, dyn_signed, product_error_at, sample_entries, seed_for, signed,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError};
use shapegrad::typenum::{U0, U3, U4, U16, U255, U520};
use shapegrad::{Const, Dim, Dyn, Matrix, Scalar, Threads, Write, dim, with_threads};
// Short names for the rows of `THRESHOLDS`.
use Layout::{DyTimesAt, XTimesA, XtTimesDy};

/// Cases per property.
const CASES: u32 = 64;

/// The largest side of a random shape.
const MAX_SIDE: usize = 300;

/// Products of at most this many multiply-adds (`I·K·J`) are checked at every entry, larger ones
/// at `common::sample_entries`.
const FULL_CHECK_MAX_TERMS: usize = 1 << 20;

/// Two threads of rayon's pool, whatever the product's size.
const TWO_THREADS: Threads = Threads::Fixed(NonZeroUsize::new(2).unwrap());

/// The thread counts every fixed case runs with.
const THREAD_COUNTS: [Threads; 2] = [Threads::Sequential, TWO_THREADS];

/// Sides the random shapes favour: 0 and 1, SIMD widths (4, 8, 16 lanes) and the kernels' tiles
/// and one either side, and the row thresholds of the dispatch rules within `0..=MAX_SIDE`
/// (48/49 rows of `X·A`, 64/65 and 256/257 rows of `dY·Aᵀ`, 31/32 and 63/64 destination columns
/// for the split on two threads, 250 columns per block).
const EDGE_SIDES: [usize; 30] = [
    0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 95, 96, 97, 127, 128,
    129, 250, 255, 256, 257,
];

/// The proptest configuration: [`CASES`] cases from a fixed ChaCha seed, no failure file.
fn config(seed: u64) -> Config {
    Config {
        cases: CASES,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 1024,
        ..Config::default()
    }
}

/// Which operand of a product is a transposed view: the three products of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// `x.matmul(&a)`, `x` stored `I×K` and `a` stored `K×J`: the forward product.
    XTimesA,
    /// `dy.matmul(a.t())`, `dy` stored `I×K` and `a` stored `J×K`: the input gradient.
    DyTimesAt,
    /// `x.t().matmul(&dy)`, `x` stored `K×I` and `dy` stored `K×J`: the weight gradient.
    XtTimesDy,
}

/// A product's sizes: the left operand is `i×k`, the right `k×j`, the destination `i×j`. For the
/// kernel, `m = i` destination rows, `n = j` destination columns, depth `k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shape {
    i: usize,
    k: usize,
    j: usize,
}

impl Shape {
    const fn new(i: usize, k: usize, j: usize) -> Shape {
        Shape { i, k, j }
    }

    /// The entries to compare with the reference: all of them for a small product, a sample of
    /// a large one.
    fn entries(self) -> Vec<(usize, usize)> {
        let Shape { i, k, j } = self;
        if i * k * j <= FULL_CHECK_MAX_TERMS {
            (0..i).flat_map(|r| (0..j).map(move |c| (r, c))).collect()
        } else {
            sample_entries(i, j)
        }
    }
}

/// The element type of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dtype {
    F32,
    F64,
}

/// How an operand is handed to the product: the matrix itself (`&m`, or `m.t()` where the layout
/// transposes it) or a view of it (`m.view()`, or `m.view().t()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    Matrix,
    View,
}

/// The entry points that return a new matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NewProduct {
    Matmul,
    TryMatmul,
    MulOperator,
}

/// The entry points that write into an existing matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntoProduct {
    MatmulInto,
    TryMatmulInto,
}

/// One random product.
#[derive(Clone, Copy, Debug)]
struct Case {
    shape: Shape,
    dtype: Dtype,
    threads: Threads,
    left: Pass,
    right: Pass,
    seed: u64,
}

/// Binds `$l` and `$r` to the two operands of a `$layout` product of the stored matrices `$left`
/// and `$right` (both `&Matrix`), each passed as `$passes` say, and evaluates `$body`. Each arm has
/// its own operand types, so `$body` is compiled once for each pairing of `&Matrix` and `MatRef`.
macro_rules! with_operands {
    ($layout:expr, $passes:expr, ($left:expr, $right:expr), |$l:ident, $r:ident| $body:expr) => {{
        let (left, right) = ($left, $right);
        match ($layout, $passes) {
            (Layout::XTimesA, (Pass::Matrix, Pass::Matrix)) => {
                let ($l, $r) = (left, right);
                $body
            }
            (Layout::XTimesA, (Pass::Matrix, Pass::View)) => {
                let ($l, $r) = (left, right.view());
                $body
            }
            (Layout::XTimesA, (Pass::View, Pass::Matrix)) => {
                let ($l, $r) = (left.view(), right);
                $body
            }
            (Layout::XTimesA, (Pass::View, Pass::View)) => {
                let ($l, $r) = (left.view(), right.view());
                $body
            }
            (Layout::DyTimesAt, (Pass::Matrix, Pass::Matrix)) => {
                let ($l, $r) = (left, right.t());
                $body
            }
            (Layout::DyTimesAt, (Pass::Matrix, Pass::View)) => {
                let ($l, $r) = (left, right.view().t());
                $body
            }
            (Layout::DyTimesAt, (Pass::View, Pass::Matrix)) => {
                let ($l, $r) = (left.view(), right.t());
                $body
            }
            (Layout::DyTimesAt, (Pass::View, Pass::View)) => {
                let ($l, $r) = (left.view(), right.view().t());
                $body
            }
            (Layout::XtTimesDy, (Pass::Matrix, Pass::Matrix)) => {
                let ($l, $r) = (left.t(), right);
                $body
            }
            (Layout::XtTimesDy, (Pass::Matrix, Pass::View)) => {
                let ($l, $r) = (left.t(), right.view());
                $body
            }
            (Layout::XtTimesDy, (Pass::View, Pass::Matrix)) => {
                let ($l, $r) = (left.view().t(), right);
                $body
            }
            (Layout::XtTimesDy, (Pass::View, Pass::View)) => {
                let ($l, $r) = (left.view().t(), right.view());
                $body
            }
        }
    }};
}

/// The two stored matrices of a `layout` product of `shape`, signed random entries from `seed`.
fn stored<T: Scalar>(
    layout: Layout,
    Shape { i, k, j }: Shape,
    seed: u64,
) -> (Matrix<Dyn, Dyn, T>, Matrix<Dyn, Dyn, T>) {
    let (left, right) = match layout {
        Layout::XTimesA => ((i, k), (k, j)),
        Layout::DyTimesAt => ((i, k), (j, k)),
        Layout::XtTimesDy => ((k, i), (k, j)),
    };
    (
        dyn_signed(left.0, left.1, seed),
        dyn_signed(right.0, right.1, seed ^ (1 << 62)),
    )
}

/// f64 copies of the product's operands as the product sees them (transposed where the layout
/// transposes): the reference multiplies these.
fn reference_operands<T: Scalar>(
    layout: Layout,
    left: &Matrix<Dyn, Dyn, T>,
    right: &Matrix<Dyn, Dyn, T>,
) -> (Dense, Dense) {
    match layout {
        Layout::XTimesA => (Dense::of(left), Dense::of(right)),
        Layout::DyTimesAt => (Dense::of(left), Dense::of(right.t())),
        Layout::XtTimesDy => (Dense::of(left.t()), Dense::of(right)),
    }
}

/// The destination's earlier values at `entries`, as f64, for [`accumulated_error_at`].
fn values_at<R: Dim, C: Dim, T: Scalar>(
    m: &Matrix<R, C, T>,
    entries: &[(usize, usize)],
) -> Vec<((usize, usize), f64)> {
    entries
        .iter()
        .map(|&(r, c)| ((r, c), m[(r, c)].to_f64()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Random shapes.

/// A side of a random shape: 0 or 1, an [`EDGE_SIDES`] value, or anything in `0..=MAX_SIDE`.
fn side() -> impl Strategy<Value = usize> {
    prop_oneof![
        1 => Just(0usize),
        1 => Just(1usize),
        4 => select(EDGE_SIDES.to_vec()),
        6 => 0..=MAX_SIDE,
    ]
}

/// A random shape: mostly independent [`side`]s, and shapes at two thresholds that need related
/// sides: `dY·Aᵀ` depth `k = 16·m` or `16·m − 1` (whether the product is deep next to its few
/// rows), and `I·K·J` around 2^21 = 128³ multiply-adds (where plain gemm ends).
fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        8 => (side(), side(), side()).prop_map(|(i, k, j)| Shape::new(i, k, j)),
        1 => (1..=MAX_SIDE / 16, any::<bool>(), side())
            .prop_map(|(i, exact, j)| Shape::new(i, 16 * i - usize::from(!exact), j)),
        1 => (127..=129usize, 127..=129usize, 127..=129usize)
            .prop_map(|(i, k, j)| Shape::new(i, k, j)),
    ]
}

fn dtype() -> impl Strategy<Value = Dtype> {
    prop_oneof![Just(Dtype::F32), Just(Dtype::F64)]
}

fn threads() -> impl Strategy<Value = Threads> {
    prop_oneof![Just(Threads::Sequential), Just(TWO_THREADS)]
}

fn pass() -> impl Strategy<Value = Pass> {
    prop_oneof![Just(Pass::Matrix), Just(Pass::View)]
}

fn case() -> impl Strategy<Value = Case> {
    (shape(), dtype(), threads(), pass(), pass(), any::<u64>()).prop_map(
        |(shape, dtype, threads, left, right, seed)| Case {
            shape,
            dtype,
            threads,
            left,
            right,
            seed,
        },
    )
}

fn new_product() -> impl Strategy<Value = NewProduct> {
    prop_oneof![
        Just(NewProduct::Matmul),
        Just(NewProduct::TryMatmul),
        Just(NewProduct::MulOperator),
    ]
}

fn into_product() -> impl Strategy<Value = IntoProduct> {
    prop_oneof![
        Just(IntoProduct::MatmulInto),
        Just(IntoProduct::TryMatmulInto)
    ]
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::XTimesA),
        Just(Layout::DyTimesAt),
        Just(Layout::XtTimesDy),
    ]
}

/// Runs the check for the case's element type, turning its error into a proptest failure.
fn in_dtype(
    dtype: Dtype,
    f32_check: impl FnOnce() -> Result<(), String>,
    f64_check: impl FnOnce() -> Result<(), String>,
) -> Result<(), TestCaseError> {
    match dtype {
        Dtype::F32 => f32_check(),
        Dtype::F64 => f64_check(),
    }
    .map_err(TestCaseError::fail)
}

/// A `layout` product of a random case by an entry point that returns a new matrix, against
/// the reference.
fn check_new_product<T: Scalar>(
    layout: Layout,
    case: &Case,
    entry: NewProduct,
) -> Result<(), String> {
    let (left, right) = stored::<T>(layout, case.shape, case.seed);
    let y = with_threads(case.threads, || {
        with_operands!(layout, (case.left, case.right), (&left, &right), |l, r| {
            match entry {
                NewProduct::Matmul => l.matmul(r),
                NewProduct::TryMatmul => l.try_matmul(r).expect("the inner sizes agree"),
                NewProduct::MulOperator => l * r,
            }
        })
    });
    let (x, a) = reference_operands(layout, &left, &right);
    product_error_at(&y, &x, &a, case.shape.entries())
}

/// A `layout` product of a random case written into a destination by `matmul_into` or
/// `try_matmul_into`: over NaN for [`Write::Overwrite`] (none may survive), onto random values
/// for [`Write::Accumulate`] (each must be added to).
fn check_into_product<T: Scalar>(
    layout: Layout,
    case: &Case,
    entry: IntoProduct,
    write: Write,
) -> Result<(), String> {
    let Shape { i, j, .. } = case.shape;
    let (left, right) = stored::<T>(layout, case.shape, case.seed);
    let before = match write {
        Write::Overwrite => Matrix::filled_with(Dyn(i), Dyn(j), T::from_f64(f64::NAN)),
        Write::Accumulate => dyn_signed::<T>(i, j, case.seed ^ (1 << 61)),
    };
    let mut out = before.clone();
    with_threads(case.threads, || {
        with_operands!(layout, (case.left, case.right), (&left, &right), |l, r| {
            match entry {
                IntoProduct::MatmulInto => l.matmul_into(r, &mut out, write),
                IntoProduct::TryMatmulInto => l
                    .try_matmul_into(r, &mut out, write)
                    .expect("the sizes agree"),
            }
        })
    });
    let (x, a) = reference_operands(layout, &left, &right);
    let entries = case.shape.entries();
    match write {
        Write::Overwrite => product_error_at(&out, &x, &a, entries),
        Write::Accumulate => accumulated_error_at(&out, &x, &a, values_at(&before, &entries)),
    }
}

fn check_new(layout: Layout, case: &Case, entry: NewProduct) -> Result<(), TestCaseError> {
    in_dtype(
        case.dtype,
        || check_new_product::<f32>(layout, case, entry),
        || check_new_product::<f64>(layout, case, entry),
    )
}

fn check_into(
    layout: Layout,
    case: &Case,
    entry: IntoProduct,
    write: Write,
) -> Result<(), TestCaseError> {
    in_dtype(
        case.dtype,
        || check_into_product::<f32>(layout, case, entry, write),
        || check_into_product::<f64>(layout, case, entry, write),
    )
}

proptest! {
    #![proptest_config(config(0x5EED_0001))]

    /// `X·A` by `matmul`, `try_matmul` and `*` matches the reference.
    #[test]
    fn x_times_a_matches_the_reference(case in case(), entry in new_product()) {
        check_new(Layout::XTimesA, &case, entry)?;
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0002))]

    /// `dY·Aᵀ`, the right operand a transposed view, matches the reference.
    #[test]
    fn dy_times_a_transposed_matches_the_reference(case in case(), entry in new_product()) {
        check_new(Layout::DyTimesAt, &case, entry)?;
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0003))]

    /// `Xᵀ·dY`, the left operand a transposed view, matches the reference.
    #[test]
    fn x_transposed_times_dy_matches_the_reference(case in case(), entry in new_product()) {
        check_new(Layout::XtTimesDy, &case, entry)?;
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0004))]

    /// `matmul_into` with `Write::Overwrite` replaces every entry of the destination, in every
    /// layout.
    #[test]
    fn overwrite_replaces_the_destination(
        layout in layout(),
        case in case(),
        entry in into_product(),
    ) {
        check_into(layout, &case, entry, Write::Overwrite)?;
    }
}

proptest! {
    #![proptest_config(config(0x5EED_0005))]

    /// `matmul_into` with `Write::Accumulate` adds the product to what the destination held, in
    /// every layout.
    #[test]
    fn accumulate_adds_the_product_to_the_destination(
        layout in layout(),
        case in case(),
        entry in into_product(),
    ) {
        check_into(layout, &case, entry, Write::Accumulate)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Dispatch thresholds.

/// One fixed product next to a dispatch threshold.
#[derive(Clone, Copy, Debug)]
struct Threshold {
    layout: Layout,
    shape: Shape,
}

const fn at(layout: Layout, i: usize, k: usize, j: usize) -> Threshold {
    Threshold {
        layout,
        shape: Shape::new(i, k, j),
    }
}

/// Shapes on both sides of every threshold of the dispatch policy (`src/kernel/policy.rs`), as
/// `at(layout, I, K, J)`: the left operand `I×K`, the right `K×J`, the destination `I×J`; for the
/// kernel `m = I`, `n = J`, depth `k = K` (so in `Xᵀ·dY` the batch is `K`: `x` is stored `K×I`,
/// `dy` `K×J`). Each row runs in f32 and f64, on one thread and on two, as `matmul`, then
/// `matmul_into` accumulating onto that result, then overwriting the sum. Each comment names the
/// rule and the side of its boundary the row is on. Products this large are checked at sampled
/// entries.
#[rustfmt::skip]
const THRESHOLDS: [Threshold; 42] = [
    // small: below 2^21 multiply-adds every product is one plain gemm call.
    at(XTimesA, 128, 128, 128),    // exactly 2^21: planned
    at(XTimesA, 127, 128, 128),    // 2^21 − 2^14: plain gemm
    at(DyTimesAt, 128, 128, 128),  // exactly 2^21: planned
    at(DyTimesAt, 128, 127, 128),  // 2^21 − 2^14: plain gemm
    at(XtTimesDy, 128, 128, 128),  // exactly 2^21: planned
    at(XtTimesDy, 128, 128, 127),  // 2^21 − 2^14: plain gemm
    // xa-few-rows: X·A with m ≤ 48 and n > 500, gemm in blocks of 250 columns (on two threads
    // split by columns too).
    at(XTimesA, 48, 128, 501),     // m = 48, n = 501: few rows
    at(XTimesA, 49, 128, 501),     // m = 49: one row too many
    at(XTimesA, 48, 128, 500),     // n = 500: one column too few
    at(XTimesA, 32, 2048, 4500),   // few rows past 2^28 multiply-adds: still split on two threads
    // dx-faer: f32 dY·Aᵀ in faer's panel-wide blocks up to 256 rows, one faer call beyond; f64
    // in blocks up to 512 rows, gemm beyond.
    at(DyTimesAt, 256, 128, 128),  // m = 256: f32 blocks
    at(DyTimesAt, 257, 128, 128),  // m = 257: f32 one call
    at(DyTimesAt, 512, 128, 128),  // m = 512: f64 blocks
    at(DyTimesAt, 513, 128, 128),  // m = 513: f64 gemm
    // dx-direct: dY·Aᵀ (f64, or without AVX-512) with m ≤ 64 and depth k ≥ 16·m, gemm's kernel
    // not turned around.
    at(DyTimesAt, 16, 256, 520),   // m = 16, k = 16·m: deep enough
    at(DyTimesAt, 16, 255, 520),   // m = 16, k = 16·m − 1 (520 columns keep it above 2^21)
    at(DyTimesAt, 64, 1024, 64),   // m = 64, k = 16·m: the most rows, deep enough
    at(DyTimesAt, 64, 1023, 64),   // m = 64, k = 16·m − 1
    at(DyTimesAt, 65, 1040, 64),   // m = 65, k = 16·m: one row too many
    // da-thin: Xᵀ·dY at most 48 deep (64 on two threads, with at least 256 rows a thread) whose
    // destination is larger than the last-level cache (32 MiB here): rows aligned to cache
    // lines.
    at(XtTimesDy, 3000, 32, 3000), // k = 32, 34 MiB of f32: aligned
    at(XtTimesDy, 2048, 48, 4096), // k = 48, 32 MiB of f32 (not larger), 64 MiB of f64
    at(XtTimesDy, 3000, 48, 3000), // k = 48: aligned
    at(XtTimesDy, 3000, 49, 3000), // k = 49: too deep on one thread, thin on two
    at(XtTimesDy, 3000, 64, 3000), // k = 64: thin on two threads
    at(XtTimesDy, 3000, 65, 3000), // k = 65: too deep on two threads
    at(XtTimesDy, 511, 32, 20000), // m = 511: too few rows for two threads' blocks
    at(XtTimesDy, 512, 32, 20000), // m = 512: two blocks of 256 rows
    // split: on two threads, dY·Aᵀ by columns up to 2^28 multiply-adds, or at any size with
    // m ≤ 64; Xᵀ·dY deeper than 64 by rows up to 2^25.
    at(DyTimesAt, 640, 640, 640),  // 2^28 − 6.3·10^6: split
    at(DyTimesAt, 640, 640, 656),  // 2^28 + 2^18: faer's own threads
    at(DyTimesAt, 64, 1024, 4400), // m = 64, past 2^28: split
    at(DyTimesAt, 65, 1024, 4100), // m = 65, past 2^28: faer's own threads
    at(XtTimesDy, 512, 64, 512),   // k = 64: thin, not by rows
    at(XtTimesDy, 512, 65, 512),   // k = 65: by rows
    at(XtTimesDy, 256, 512, 256),  // exactly 2^25: by rows
    at(XtTimesDy, 256, 513, 256),  // 2^25 + 2^16: gemm's threads
    // split: each thread's block of columns starts on its own cache line, which needs
    // n ≥ 2·threads·(a line of elements): 64 columns of f32, 32 of f64, on two threads.
    at(DyTimesAt, 256, 256, 63),   // n = 63: f32 not split, f64 split
    at(DyTimesAt, 256, 256, 64),   // n = 64: split
    at(DyTimesAt, 256, 256, 31),   // n = 31: not split
    at(DyTimesAt, 256, 256, 32),   // n = 32: f64 split
    // X·A and Xᵀ·dY of the same sizes: not split (gemm's own threads).
    at(XTimesA, 256, 256, 64),
    at(XtTimesDy, 256, 256, 64),
    at(XTimesA, 640, 640, 640),
];

/// The plain product of a `layout`: `x.matmul(&a)`, `dy.matmul(a.t())` or `x.t().matmul(&dy)`.
fn product<T: Scalar>(
    layout: Layout,
    left: &Matrix<Dyn, Dyn, T>,
    right: &Matrix<Dyn, Dyn, T>,
) -> Matrix<Dyn, Dyn, T> {
    match layout {
        Layout::XTimesA => left.matmul(right),
        Layout::DyTimesAt => left.matmul(right.t()),
        Layout::XtTimesDy => left.t().matmul(right),
    }
}

/// [`product`] written into `out` by `matmul_into`.
fn product_into<T: Scalar>(
    layout: Layout,
    left: &Matrix<Dyn, Dyn, T>,
    right: &Matrix<Dyn, Dyn, T>,
    out: &mut Matrix<Dyn, Dyn, T>,
    write: Write,
) {
    match layout {
        Layout::XTimesA => left.matmul_into(right, out, write),
        Layout::DyTimesAt => left.matmul_into(right.t(), out, write),
        Layout::XtTimesDy => left.t().matmul_into(right, out, write),
    }
}

/// Checks one threshold row in `T` on one and two threads: `matmul`; `matmul_into` accumulating
/// onto that result (so the destination holds non-zero values it must keep); `matmul_into`
/// overwriting the sum. Every failure is pushed to `failures`, named by its case.
fn check_threshold<T: Scalar>(row: Threshold, failures: &mut Vec<String>) {
    let Threshold { layout, shape } = row;
    let Shape { i, k, j } = shape;
    let (left, right) = stored::<T>(layout, shape, seed_for((i, k, j), layout as u64));
    let (x, a) = reference_operands(layout, &left, &right);
    let entries = shape.entries();
    for threads in THREAD_COUNTS {
        let name = format!("{layout:?} {i}×{k}×{j} {} on {threads:?}", T::NAME);
        let mut y = with_threads(threads, || product(layout, &left, &right));
        if let Err(e) = product_error_at(&y, &x, &a, entries.iter().copied()) {
            failures.push(format!("{name}, matmul: {e}"));
        }
        let before = values_at(&y, &entries);
        with_threads(threads, || {
            product_into(layout, &left, &right, &mut y, Write::Accumulate)
        });
        if let Err(e) = accumulated_error_at(&y, &x, &a, before) {
            failures.push(format!("{name}, matmul_into Accumulate: {e}"));
        }
        with_threads(threads, || {
            product_into(layout, &left, &right, &mut y, Write::Overwrite)
        });
        if let Err(e) = product_error_at(&y, &x, &a, entries.iter().copied()) {
            failures.push(format!("{name}, matmul_into Overwrite: {e}"));
        }
    }
}

/// Every [`THRESHOLDS`] row of `layout`, in both element types; fails naming every failing case.
fn check_thresholds(layout: Layout) {
    let mut failures = Vec::new();
    for &row in THRESHOLDS.iter().filter(|row| row.layout == layout) {
        check_threshold::<f32>(row, &mut failures);
        check_threshold::<f64>(row, &mut failures);
    }
    assert_none_failed(&failures);
}

#[test]
fn x_times_a_matches_the_reference_on_both_sides_of_every_threshold() {
    check_thresholds(Layout::XTimesA);
}

#[test]
fn dy_times_a_transposed_matches_the_reference_on_both_sides_of_every_threshold() {
    check_thresholds(Layout::DyTimesAt);
}

#[test]
fn x_transposed_times_dy_matches_the_reference_on_both_sides_of_every_threshold() {
    check_thresholds(Layout::XtTimesDy);
}

// ---------------------------------------------------------------------------------------------
// Static and mixed dimensions.

/// Checks one static (or mixed) product in every way it can be made, on one and two threads:
/// `new` makes it twice (`matmul` on matrices, `*` on views), `into` writes it into a destination.
/// The closures return and take `Matrix<I, J, T>` with the types of `rows` and `cols`, so the
/// product's static type is checked at compile time. Failures are pushed to `failures`.
fn check_typed<I: Dim, J: Dim, T: Scalar>(
    name: &str,
    (rows, cols): (I, J),
    (x, a): (&Dense, &Dense),
    depth: usize,
    new: impl Fn() -> [Matrix<I, J, T>; 2],
    into: impl Fn(&mut Matrix<I, J, T>, Write),
    failures: &mut Vec<String>,
) {
    let shape = Shape::new(rows.size(), depth, cols.size());
    let entries = shape.entries();
    for threads in THREAD_COUNTS {
        let name = format!("{name} {} on {threads:?}", T::NAME);
        let [by_matmul, by_operator] = with_threads(threads, &new);
        for (how, y) in [("matmul", by_matmul), ("*", by_operator)] {
            if let Err(e) = product_error_at(&y, x, a, entries.iter().copied()) {
                failures.push(format!("{name}, {how}: {e}"));
            }
        }
        let mut out = Matrix::filled_with(rows, cols, T::from_f64(f64::NAN));
        with_threads(threads, || into(&mut out, Write::Overwrite));
        if let Err(e) = product_error_at(&out, x, a, entries.iter().copied()) {
            failures.push(format!("{name}, matmul_into Overwrite: {e}"));
        }
        let before = signed(rows, cols, 3);
        let mut out = before.clone();
        with_threads(threads, || into(&mut out, Write::Accumulate));
        if let Err(e) = accumulated_error_at(&out, x, a, values_at(&before, &entries)) {
            failures.push(format!("{name}, matmul_into Accumulate: {e}"));
        }
    }
}

/// A dimension as the failure messages name it: its size, or `Dyn(size)`.
fn dim_name<D: Dim>(d: D) -> String {
    match D::FIXED {
        Some(n) => n.to_string(),
        None => format!("Dyn({})", d.size()),
    }
}

/// All three layouts of one product, in `$t`, with dimensions given as values whose types are the
/// dimensions: `$i` rows, `$k_left` the left operand's inner dimension, `$k_right` the right
/// operand's (the same size; a static one and a `Dyn` one mix), `$j` columns.
macro_rules! check_layouts_in {
    ($t:ty, $failures:expr, $i:expr, $k_left:expr, $k_right:expr, $j:expr) => {{
        let (i, kl, kr, j) = ($i, $k_left, $k_right, $j);
        let dims = format!(
            "{}×{}·{}×{}",
            dim_name(i),
            dim_name(kl),
            dim_name(kr),
            dim_name(j)
        );
        let depth = kl.size();

        let x = signed::<_, _, $t>(i, kl, 1);
        let a = signed::<_, _, $t>(kr, j, 2);
        check_typed(
            &format!("X·A {dims}"),
            (i, j),
            (&Dense::of(&x), &Dense::of(&a)),
            depth,
            || [x.matmul(&a), x.view() * a.view()],
            |out, write| x.matmul_into(&a, out, write),
            $failures,
        );

        let dy = signed::<_, _, $t>(i, kl, 3);
        let a = signed::<_, _, $t>(j, kr, 4);
        check_typed(
            &format!("dY·Aᵀ {dims}"),
            (i, j),
            (&Dense::of(&dy), &Dense::of(a.t())),
            depth,
            || [dy.matmul(a.t()), &dy * a.t()],
            |out, write| dy.view().matmul_into(a.t(), out, write),
            $failures,
        );

        let x = signed::<_, _, $t>(kl, i, 5);
        let dy = signed::<_, _, $t>(kr, j, 6);
        check_typed(
            &format!("Xᵀ·dY {dims}"),
            (i, j),
            (&Dense::of(x.t()), &Dense::of(&dy)),
            depth,
            || [x.t().matmul(&dy), x.t() * dy.view()],
            |out, write| x.t().matmul_into(&dy, out, write),
            $failures,
        );
    }};
}

/// [`check_layouts_in`] in f32 and f64.
macro_rules! check_layouts {
    ($failures:expr, $i:expr, $k_left:expr, $k_right:expr, $j:expr) => {{
        check_layouts_in!(f32, $failures, $i, $k_left, $k_right, $j);
        check_layouts_in!(f64, $failures, $i, $k_left, $k_right, $j);
    }};
}

/// Fails naming every case in `failures`.
fn assert_none_failed(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

dim!(FewRows = 48, Hidden = 128, Wide = 501);

#[test]
fn static_dimensions_multiply_in_every_layout() {
    let mut failures = Vec::new();
    let f = &mut failures;
    check_layouts!(f, Const::<1>, Const::<1>, Const::<1>, Const::<1>);
    check_layouts!(f, Const::<5>, Const::<9>, Const::<9>, Const::<4>);
    check_layouts!(
        f,
        U3::default(),
        U0::default(),
        U0::default(),
        U4::default()
    );
    // Exactly 2^21 multiply-adds, and just below.
    check_layouts!(f, Const::<128>, Const::<128>, Const::<128>, Const::<128>);
    check_layouts!(f, Const::<127>, Const::<128>, Const::<128>, Const::<128>);
    // X·A with few rows and a wide destination.
    check_layouts!(f, FewRows, Hidden, Hidden, Wide);
    // dY·Aᵀ just below 16 times as deep as its rows (and Xᵀ·dY with a thin depth).
    check_layouts!(
        f,
        U16::default(),
        U255::default(),
        U255::default(),
        U520::default()
    );
    // The column split on two threads: 64 destination columns.
    check_layouts!(f, Const::<256>, Const::<256>, Const::<256>, Const::<64>);
    assert_none_failed(&failures);
}

#[test]
fn mixed_static_and_dyn_operands_multiply_in_every_layout() {
    let mut failures = Vec::new();
    let f = &mut failures;
    // A `Dyn` inner dimension on the left meets a static one on the right, and the reverse.
    check_layouts!(f, Const::<3>, Dyn(7), Const::<7>, Dyn(5));
    check_layouts!(f, Dyn(6), Const::<7>, Dyn(7), Const::<5>);
    // Static outer dimensions around a `Dyn` inner one, and the reverse.
    check_layouts!(f, FewRows, Dyn(128), Dyn(128), Wide);
    check_layouts!(f, Dyn(16), U255::default(), U255::default(), Dyn(520));
    // Few rows (static) and deep (Dyn): dY·Aᵀ at k = 16·m.
    check_layouts!(f, Const::<64>, Dyn(1024), Dyn(1024), Const::<64>);
    // Zero sizes, static and Dyn.
    check_layouts!(f, Const::<0>, Dyn(3), Const::<3>, Dyn(0));
    check_layouts!(f, Dyn(4), Const::<0>, Dyn(0), Const::<2>);
    assert_none_failed(&failures);
}
