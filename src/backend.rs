//! The one call into the GEMM kernels, and the crate's only unsafe code.
//!
//! Everything typed ends here: dimensions are plain `usize`s, transposes are strides, and the
//! function is generic only over the element type (`f32` or `f64`), so each shape the user writes
//! costs a few lines of monomorphised glue, never a copy of the GEMM.
//!
//! # Which kernel, and how it is called
//!
//! The destination is always row-major. [`plan`] picks, from the layout of the operands (the
//! three layouts of a product and its backward: `X·A`, `dY·Aᵀ` and `Xᵀ·dY`), the shape, the
//! element type and the thread count, one of four equivalent calls, and on several threads
//! whether to split the destination into one block per thread; nothing copies an operand. The
//! rules were measured on a 2-core AVX-512 machine (Xeon, KVM) with the kernels called side by
//! side; GFLOP/s below are f32 on one thread unless said otherwise, and
//! `cargo run --release -p shapegrad-bench` measures the result against the peers.
//!
//! * [`Plan::Gemm`], `gemm::gemm` as is: the default, and the fastest for square products
//!   (1024³: forward 162, `dY·Aᵀ` 150, `Xᵀ·dY` 152, where faer's kernel makes 154, 153 and 75;
//!   2 threads 298, 251, 272 against 259, 256, 144). gemm turns the problem around so that its
//!   kernel's rows run along the destination's columns; its kernel then reads the right
//!   operand as its left one, packed into panels.
//! * [`Plan::GemmDirect`], gemm's kernel without that turn, for `dY·Aᵀ` with few rows (the
//!   batch, ≤ 64) and a depth of at least 16 times that. Turned around, gemm must pack `A`
//!   through a scalar gather, `J` elements apart for each one; not turned, it streams the rows
//!   of `A` once and packs only the small `dY` (32×4096×4096: 43 → 90, faer 57, matrixmultiply
//!   68; f64 35 → 56; 2 threads 60 → 119, faer 103), but writes each tile element by element.
//! * [`Plan::GemmColumnBlocks`], `gemm::gemm` on blocks of [`COLUMN_BLOCK`] destination columns,
//!   for `X·A` with few rows (≤ 48). With fewer than 8·NR destination rows gemm does not pack
//!   `A` and reads it in place, a 16 KiB stride per depth step at J = 4096; a block whose width
//!   is not a multiple of the SIMD width is packed whole (32×4096×4096: 39 → 70, faer 61,
//!   matrixmultiply 57; f64 13 → 28).
//! * [`Plan::Faer`], faer's x86 kernel (the `private-gemm-x86` crate faer 0.24 calls), only with
//!   AVX-512: f32 `dY·Aᵀ` with up to 256 rows (unless it takes [`Plan::GemmDirect`]), where
//!   gemm's gather of `A` costs it most
//!   (128×256×512: 112 → 143, matrixmultiply 135; forward 147, so the seed's backward is no
//!   longer 17 % slower than two forwards), `Xᵀ·dY` with a small batch on one thread
//!   (32×4096×4096: 76 → 81, f64 47 → 50), and the blocks of a split f32 `dY·Aᵀ`.
//!
//! On several threads, gemm's and faer's own parallel loops lose much of the second core on
//! products up to about 512³; one block of the destination per thread, each computed on one
//! thread, does better ([`Split`]; 2 threads): by columns for `X·A` (128×256×512: 193 → 214,
//! 512³: 282 → 298; with column blocks inside for a batch of 32: 52 → 119, where faer makes
//! 115), and for `dY·Aᵀ` with faer's kernel per block in f32 (128×256×512: 113 → 184, faer 143,
//! matrixmultiply ~170) or gemm's in f64 (74 → 106, faer 87); by rows for the seed's `Xᵀ·dY`
//! (141–145 → 148–156); f32 `dY·Aᵀ` is split up to 1024³ (512³: 196 → ~220; 1024³: 183 → 198).
//! Larger products keep gemm's own threads.
//!
//! Tiny products (fewer than [`MIN_PLANNED_MULADDS`] multiply-adds) always take `gemm::gemm`,
//! whose small-size paths are the quickest there.
#![allow(unsafe_code)]

use core::any::TypeId;

use crate::{Dyn, MatRef, Scalar};

/// How one product, or one block of it, is computed. Every plan reads the operands in place,
/// through their strides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// `gemm::gemm`, which computes the transposed problem into the row-major destination.
    Gemm,
    /// gemm's kernel on the problem as written: kernel rows are destination rows.
    GemmDirect,
    /// `gemm::gemm` on blocks of [`COLUMN_BLOCK`] destination columns.
    GemmColumnBlocks,
    /// faer's x86 kernel.
    Faer,
}

/// A [`Plan`], and whether to split the destination into one block per thread, each block
/// computed by the plan on one thread (`rayon` runs the blocks side by side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Schedule {
    plan: Plan,
    split: Split,
}

/// How a parallel product is divided among threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    /// Not divided: the plan's own threads, if any.
    None,
    /// One block of destination columns per thread.
    Columns,
    /// One block of destination rows per thread.
    Rows,
}

/// How an operand is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Unit column stride: a row-major matrix.
    Rows,
    /// Unit row stride: the transpose of a row-major matrix.
    Cols,
    /// Neither stride is 1.
    Strided,
}

fn layout<T: Scalar>(v: &MatRef<'_, Dyn, Dyn, T>) -> Layout {
    if v.col_stride() == 1 {
        Layout::Rows
    } else if v.row_stride() == 1 {
        Layout::Cols
    } else {
        Layout::Strided
    }
}

/// Below this many multiply-adds every product takes [`Plan::Gemm`].
const MIN_PLANNED_MULADDS: usize = 1 << 21;

/// Destination columns per `gemm::gemm` call in [`Plan::GemmColumnBlocks`]: not a multiple of any
/// SIMD width (4, 8 or 16 lanes), so gemm packs each block of the right operand whole, and small
/// enough to stay under gemm's limit for doing so.
const COLUMN_BLOCK: usize = 250;

/// At most this many destination rows count as "few": gemm leaves the left operand of its
/// kernel unpacked up to 8·NR columns (NR = 6 with AVX-512), and a product of a small batch
/// against a weight matrix is the case [`Plan::GemmColumnBlocks`] serves.
const FEW_ROWS: usize = 48;

/// `Xᵀ·dY` with at most this deep a product (the batch) counts as thin.
const THIN_DEPTH: usize = 64;

/// `dY·Aᵀ` with at most this many rows takes [`Plan::GemmDirect`], if its depth is at least
/// [`DIRECT_MIN_DEPTH_PER_ROW`] times its rows.
const DIRECT_MAX_ROWS: usize = 64;

/// Not turned around, gemm's kernel writes each destination tile element by element, once per
/// depth block: worth it only when the product is deep next to its rows (64×4096×256 f32:
/// 92 turned, 76 not).
const DIRECT_MIN_DEPTH_PER_ROW: usize = 16;

/// f32 `dY·Aᵀ` on one thread with more than [`DIRECT_MAX_ROWS`] and at most this many rows
/// takes [`Plan::Faer`]; from 512 rows gemm is as fast or faster.
const FAER_DX_MAX_ROWS: usize = 256;

/// Up to this many multiply-adds (512³ and a little more), a parallel `X·A` or f64 `dY·Aᵀ` is
/// split into one block of columns per thread; beyond, gemm's own threads do as well.
const SPLIT_MAX_MULADDS: usize = 1 << 28;

/// f32 `dY·Aᵀ` is split, with faer's kernel per block, up to this many multiply-adds (1024³).
/// Handing it whole to faer's kernel and its own threads is about as fast on a quiet machine,
/// but when another process takes a core, faer's thread pool loses far more than a split or
/// gemm's threads do (1024³ on 2 busy threads: 98 against gemm's 144 GFLOP/s).
const SPLIT_MAX_MULADDS_F32_DX: usize = 1 << 30;

/// `Xᵀ·dY` on several threads is split by rows up to this many multiply-adds (the seed's 2^24,
/// and twice that); larger, gemm's own threads do as well or better (512³).
const SPLIT_MAX_MULADDS_DA: usize = 1 << 25;

/// Column blocks of a split start on a multiple of this many elements (a cache line of f32), so
/// that two threads never write the same line.
const SPLIT_ALIGN: usize = 16;

fn is_f64<T: Scalar>() -> bool {
    TypeId::of::<T>() == TypeId::of::<f64>()
}

/// Whether faer's kernel is available and was measured here: x86-64 with AVX-512, and the
/// crate's `x86-v4` feature (which opts into AVX-512 kernels) on.
fn faer_kernel() -> bool {
    #[cfg(all(target_arch = "x86_64", feature = "x86-v4"))]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(all(target_arch = "x86_64", feature = "x86-v4")))]
    {
        false
    }
}

/// The schedule for an `m × k` by `k × n` product; see the module documentation for the numbers.
fn plan(
    (m, n, k): (usize, usize, usize),
    (lhs, rhs): (Layout, Layout),
    f64: bool,
    threads: usize,
) -> Schedule {
    let whole = |plan| Schedule {
        plan,
        split: Split::None,
    };
    let split = |plan| Schedule {
        plan,
        split: Split::Columns,
    };
    let muladds = m.saturating_mul(n).saturating_mul(k);
    if muladds < MIN_PLANNED_MULADDS {
        return whole(Plan::Gemm);
    }
    let faer = faer_kernel();
    let parallel = threads > 1 && n >= 2 * SPLIT_ALIGN * threads;
    match (lhs, rhs) {
        // X·A.
        (Layout::Rows, Layout::Rows) => {
            let few_rows = m <= FEW_ROWS && n > 2 * COLUMN_BLOCK;
            let plan = if few_rows {
                Plan::GemmColumnBlocks
            } else {
                Plan::Gemm
            };
            if parallel && (few_rows || muladds <= SPLIT_MAX_MULADDS) {
                split(plan)
            } else {
                whole(plan)
            }
        }
        // dY·Aᵀ.
        (Layout::Rows, Layout::Cols)
            if m <= DIRECT_MAX_ROWS && k >= DIRECT_MIN_DEPTH_PER_ROW * m =>
        {
            whole(Plan::GemmDirect)
        }
        (Layout::Rows, Layout::Cols) if !parallel && !f64 && faer && m <= FAER_DX_MAX_ROWS => {
            whole(Plan::Faer)
        }
        (Layout::Rows, Layout::Cols) if parallel => {
            if !f64 && faer && muladds <= SPLIT_MAX_MULADDS_F32_DX {
                split(Plan::Faer)
            } else if f64 && muladds <= SPLIT_MAX_MULADDS {
                split(Plan::Gemm)
            } else {
                whole(Plan::Gemm)
            }
        }
        // Xᵀ·dY with a small batch: a large, shallow product.
        (Layout::Cols, Layout::Rows) if threads == 1 && faer && k <= THIN_DEPTH => {
            whole(Plan::Faer)
        }
        // Xᵀ·dY of a moderate size on several threads: by rows.
        (Layout::Cols, Layout::Rows)
            if parallel
                && k > THIN_DEPTH
                && m >= 2 * threads
                && muladds <= SPLIT_MAX_MULADDS_DA =>
        {
            Schedule {
                plan: Plan::Gemm,
                split: Split::Rows,
            }
        }
        _ => whole(Plan::Gemm),
    }
}

/// `dst = scale · lhs · rhs`, or `dst += scale · lhs · rhs` when `accumulate` is set.
///
/// `dst` is a row-major `lhs.rows() × rhs.cols()` buffer. Panics if the sizes do not fit
/// together: the typed layer has already proven that they do, so a panic here is a bug in
/// shapegrad, and the checks cost nothing next to the product.
pub(crate) fn gemm<T: Scalar>(
    dst: &mut [T],
    lhs: MatRef<'_, Dyn, Dyn, T>,
    rhs: MatRef<'_, Dyn, Dyn, T>,
    scale: T,
    accumulate: bool,
) {
    let (m, k, n) = (lhs.rows(), lhs.cols(), rhs.cols());
    assert_eq!(
        rhs.rows(),
        k,
        "shapegrad bug: inner dimensions reached the kernel unequal"
    );
    assert_eq!(
        dst.len(),
        m * n,
        "shapegrad bug: destination has the wrong length"
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            dst.fill(T::ZERO);
        }
        return;
    }
    let threads = crate::threads::threads_for(m, n, k);
    let schedule = plan(
        (m, n, k),
        (layout(&lhs), layout(&rhs)),
        is_f64::<T>(),
        threads,
    );
    // The bounds argument, which the `SAFETY` comments below and in `Operands` rely on: every
    // plan reads `lhs` at offsets i·rs + p·cs for i < m, p < k, `rhs` at p·rs + j·cs for p < k,
    // j < n, and writes `dst` at i·n + j, for i < m, j < n. `MatRef`'s invariant (established by
    // its only constructors, `row_major` and `t`, and kept by `erase`) is that every such offset
    // of a non-empty view is inside its slice; `dst.len() == m·n` was asserted above, with
    // m, n, k > 0. `dst` is a `&mut` borrow, so it aliases neither operand, and the three
    // borrows outlive every use of the pointers below. The element type is `f32` or `f64`
    // (`Scalar` is sealed).
    let op = Operands {
        m,
        n,
        k,
        dst: dst.as_mut_ptr(),
        dst_rs: stride(n),
        lhs: lhs.data().as_ptr(),
        lhs_rs: stride(lhs.row_stride()),
        lhs_cs: stride(lhs.col_stride()),
        rhs: rhs.data().as_ptr(),
        rhs_rs: stride(rhs.row_stride()),
        rhs_cs: stride(rhs.col_stride()),
        scale,
        accumulate,
        threads,
    };
    match schedule.split {
        Split::None => {
            // SAFETY: the bounds argument; the full problem.
            unsafe { op.run(schedule.plan) };
        }
        Split::Columns => {
            let width = n.div_ceil(threads).next_multiple_of(SPLIT_ALIGN);
            split(op, schedule.plan, n.div_ceil(width), |o, b| {
                o.columns(b * width, width.min(n - b * width))
            });
        }
        Split::Rows => {
            let height = m.div_ceil(threads);
            split(op, schedule.plan, m.div_ceil(height), |o, b| {
                o.rows(b * height, height.min(m - b * height))
            });
        }
    }
}

/// Runs `plan` on `blocks` disjoint blocks of `op`'s destination, `block(op, b)` for
/// b < blocks, each on one thread of rayon's pool (the first on the calling thread).
///
/// `op` must satisfy [`Operands::run`]'s contract (`gemm`'s bounds argument), and `block` must
/// return sub-problems of `op` with pairwise disjoint destinations.
fn split<T: Scalar>(
    op: Operands<T>,
    plan: Plan,
    blocks: usize,
    block: impl Fn(&Operands<T>, usize) -> Operands<T> + Send + Copy,
) {
    let op = Operands { threads: 1, ..op };
    rayon::scope(move |s| {
        for b in 1..blocks {
            let part = block(&op, b);
            // SAFETY: `part` is a sub-problem of `op` (same strides, offsets inside the full
            // problem's), so the bounds argument covers it; the blocks' destinations are
            // disjoint, so no two threads write the same element; `rayon::scope` returns only
            // when every spawned block is done, while the borrows behind the pointers are held.
            s.spawn(move |_| unsafe { part.run(plan) });
        }
        // SAFETY: as for the spawned blocks; block 0 runs on the calling thread.
        unsafe { block(&op, 0).run(plan) };
    });
}

/// Strides index within slices, whose lengths never exceed `isize::MAX`: the cast is lossless.
fn stride(s: usize) -> isize {
    s as isize
}

/// One product as raw parts: `dst` (`m × n`, row stride `dst_rs`, column stride 1)
/// `= scale · lhs · rhs`, or `+=`.
#[derive(Clone, Copy)]
struct Operands<T> {
    m: usize,
    n: usize,
    k: usize,
    dst: *mut T,
    dst_rs: isize,
    lhs: *const T,
    lhs_rs: isize,
    lhs_cs: isize,
    rhs: *const T,
    rhs_rs: isize,
    rhs_cs: isize,
    scale: T,
    accumulate: bool,
    threads: usize,
}

// SAFETY: an `Operands` is a description of a product, sent to the pool's threads only by `split`,
// which hands each thread a block with its own destination rows or columns and waits for all of
// them (`rayon::scope`) before the borrows behind the pointers end. The element types are f32
// and f64.
unsafe impl<T: Scalar> Send for Operands<T> {}

impl<T: Scalar> Operands<T> {
    /// Columns `j..j + width` of the destination and of `rhs` (`j + width <= n`).
    fn columns(&self, j: usize, width: usize) -> Self {
        debug_assert!(width > 0 && j + width <= self.n);
        Operands {
            n: width,
            // In bounds: j < n, so j is a valid destination column and rhs column; `wrapping_*`
            // keeps this function safe, and the offsets are used only under the caller's
            // bounds argument.
            dst: self.dst.wrapping_add(j),
            rhs: self.rhs.wrapping_offset(j as isize * self.rhs_cs),
            ..*self
        }
    }

    /// Rows `i..i + height` of the destination and of `lhs` (`i + height <= m`).
    fn rows(&self, i: usize, height: usize) -> Self {
        debug_assert!(height > 0 && i + height <= self.m);
        Operands {
            m: height,
            // In bounds, as for `columns`.
            dst: self.dst.wrapping_offset(i as isize * self.dst_rs),
            lhs: self.lhs.wrapping_offset(i as isize * self.lhs_rs),
            ..*self
        }
    }

    fn parallelism(&self) -> gemm::Parallelism {
        match self.threads {
            1 => gemm::Parallelism::None,
            t => gemm::Parallelism::Rayon(t),
        }
    }

    /// Computes the product with `plan`.
    ///
    /// # Safety
    /// Every offset the strides name for i < m, p < k, j < n (the destination at
    /// i·dst_rs + j) must be inside the allocations behind the pointers, `dst` must not overlap
    /// the operands nor be written by anyone else meanwhile, and m, n, k must be non-zero.
    /// [`Plan::Faer`] needs x86-64 with AVX-512 (elsewhere it falls back to [`Plan::Gemm`]).
    unsafe fn run(&self, plan: Plan) {
        // SAFETY: forwarded from the caller.
        unsafe {
            match plan {
                Plan::Gemm => self.gemm(),
                Plan::GemmDirect => self.gemm_direct(),
                Plan::GemmColumnBlocks => {
                    let mut j = 0;
                    while j < self.n {
                        let width = COLUMN_BLOCK.min(self.n - j);
                        // A sub-problem of this one, with disjoint destination columns.
                        self.columns(j, width).gemm();
                        j += width;
                    }
                }
                Plan::Faer => self.faer(),
            }
        }
    }

    /// `gemm::gemm`.
    ///
    /// # Safety
    /// As for [`run`](Self::run).
    unsafe fn gemm(&self) {
        // SAFETY: forwarded from the caller; gemm serves f32 and f64.
        unsafe {
            gemm::gemm(
                self.m,
                self.n,
                self.k,
                self.dst,
                1,
                self.dst_rs,
                self.accumulate,
                self.lhs,
                self.lhs_cs,
                self.lhs_rs,
                self.rhs,
                self.rhs_cs,
                self.rhs_rs,
                T::ONE,
                self.scale,
                false,
                false,
                false,
                self.parallelism(),
            );
        }
    }

    /// gemm's kernel for this element type on the problem as written (`gemm::gemm` would turn a
    /// row-major destination around first).
    ///
    /// # Safety
    /// As for [`run`](Self::run).
    unsafe fn gemm_direct(&self) {
        macro_rules! call {
            ($t:ty, $kernel:path) => {{
                let one: $t = 1.0;
                // SAFETY: `T` is `$t` (checked by the caller's TypeId test), so the pointer casts
                // and the read of `scale` as `$t` reinterpret a value as its own type. The
                // offsets are the caller's; gemm's kernel accepts any destination strides.
                unsafe {
                    let scale = *(&raw const self.scale).cast::<$t>();
                    ($kernel)()(
                        self.m,
                        self.n,
                        self.k,
                        self.dst.cast::<$t>(),
                        1,
                        self.dst_rs,
                        self.accumulate,
                        self.lhs.cast::<$t>(),
                        self.lhs_cs,
                        self.lhs_rs,
                        self.rhs.cast::<$t>(),
                        self.rhs_cs,
                        self.rhs_rs,
                        one,
                        scale,
                        false,
                        false,
                        false,
                        self.parallelism(),
                    )
                }
            }};
        }
        if is_f64::<T>() {
            call!(f64, gemm_f64::gemm::f64::get_gemm_fn)
        } else {
            call!(f32, gemm_f32::gemm::f32::get_gemm_fn)
        }
    }

    /// faer's x86 kernel.
    ///
    /// # Safety
    /// As for [`run`](Self::run), on x86-64 with AVX-512.
    #[cfg(all(target_arch = "x86_64", feature = "x86-v4"))]
    unsafe fn faer(&self) {
        if !faer_kernel() {
            // SAFETY: forwarded from the caller.
            return unsafe { self.gemm() };
        }
        use private_gemm_x86 as pg;
        let dtype = if is_f64::<T>() {
            pg::DType::F64
        } else {
            pg::DType::F32
        };
        let beta = if self.accumulate {
            pg::Accum::Add
        } else {
            pg::Accum::Replace
        };
        // SAFETY: the caller's bounds and aliasing guarantees; `dtype` names `T`'s type, which
        // the kernel reads `alpha` and the operands as; no index arrays or diagonal are passed
        // (null, with `DstKind::Full`); AVX-512 was detected just above.
        unsafe {
            pg::gemm(
                dtype,
                pg::IType::U64,
                pg::InstrSet::Avx512,
                self.m,
                self.n,
                self.k,
                self.dst.cast::<()>(),
                self.dst_rs,
                1,
                core::ptr::null(),
                core::ptr::null(),
                pg::DstKind::Full,
                beta,
                self.lhs.cast::<()>(),
                self.lhs_rs,
                self.lhs_cs,
                false,
                core::ptr::null(),
                0,
                self.rhs.cast::<()>(),
                self.rhs_rs,
                self.rhs_cs,
                false,
                (&raw const self.scale).cast::<()>(),
                self.threads,
            );
        }
    }

    /// faer's kernel is compiled only on x86-64 with the `x86-v4` feature; elsewhere [`plan`]
    /// never picks it.
    ///
    /// # Safety
    /// As for [`run`](Self::run).
    #[cfg(not(all(target_arch = "x86_64", feature = "x86-v4")))]
    unsafe fn faer(&self) {
        // SAFETY: forwarded from the caller.
        unsafe { self.gemm() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NN: (Layout, Layout) = (Layout::Rows, Layout::Rows);
    const NT: (Layout, Layout) = (Layout::Rows, Layout::Cols);
    const TN: (Layout, Layout) = (Layout::Cols, Layout::Rows);

    fn whole(plan: Plan) -> Schedule {
        Schedule {
            plan,
            split: Split::None,
        }
    }

    #[test]
    fn small_products_always_take_plain_gemm() {
        for layouts in [NN, NT, TN] {
            for threads in [1, 2] {
                assert_eq!(plan((8, 8, 8), layouts, false, threads), whole(Plan::Gemm));
                assert_eq!(
                    plan((1, 4096, 64), layouts, true, threads),
                    whole(Plan::Gemm)
                );
            }
        }
    }

    /// tests/alloc.rs compares the seed's `X·A` with `gemm::gemm`'s own allocations.
    #[test]
    fn square_products_and_the_seed_forward_on_one_thread_take_plain_gemm() {
        for f64 in [false, true] {
            assert_eq!(plan((128, 512, 256), NN, f64, 1), whole(Plan::Gemm));
            for layouts in [NN, NT, TN] {
                assert_eq!(plan((1024, 1024, 1024), layouts, f64, 1), whole(Plan::Gemm));
            }
        }
    }

    #[test]
    fn a_small_batch_against_a_large_weight_matrix() {
        let s = (32, 4096, 4096);
        assert_eq!(plan(s, NN, false, 1), whole(Plan::GemmColumnBlocks));
        assert_eq!(plan(s, NN, false, 2).split, Split::Columns);
        assert_eq!(plan(s, NT, false, 1), whole(Plan::GemmDirect));
        assert_eq!(plan(s, NT, true, 2), whole(Plan::GemmDirect));
    }

    /// The public path, `gemm` with its schedule, against a triple loop: the seed size and a
    /// small batch, in the three layouts of a product and its backward, both element types,
    /// on one thread and on two (where the destination is split).
    #[test]
    fn gemm_computes_the_product_under_every_schedule() {
        use crate::{Threads, with_threads};
        use core::num::NonZeroUsize;

        fn check<T: Scalar>((m, n, k): (usize, usize, usize), lhs_t: bool, rhs_t: bool) {
            // Small integers: every sum is exact, whatever order a kernel adds in.
            let l: Vec<T> = (0..m * k)
                .map(|i| T::from_f64(((i * 7) % 13) as f64 - 6.0))
                .collect();
            let r: Vec<T> = (0..k * n)
                .map(|i| T::from_f64(((i * 5) % 11) as f64 - 5.0))
                .collect();
            let lhs = if lhs_t {
                MatRef::try_from_slice(Dyn(k), Dyn(m), &l).unwrap().t()
            } else {
                MatRef::try_from_slice(Dyn(m), Dyn(k), &l).unwrap()
            };
            let rhs = if rhs_t {
                MatRef::try_from_slice(Dyn(n), Dyn(k), &r).unwrap().t()
            } else {
                MatRef::try_from_slice(Dyn(k), Dyn(n), &r).unwrap()
            };
            let mut want = vec![T::ZERO; m * n];
            for i in 0..m {
                for p in 0..k {
                    let a = lhs.get(i, p).unwrap();
                    for j in 0..n {
                        want[i * n + j] += a * rhs.get(p, j).unwrap();
                    }
                }
            }
            let two = Threads::Fixed(NonZeroUsize::new(2).unwrap());
            for policy in [Threads::Sequential, two] {
                let mut dst = vec![T::ONE; m * n];
                with_threads(policy, || gemm(&mut dst, lhs, rhs, T::ONE, false));
                assert!(dst == want, "{policy:?} {m}x{k}x{n} {lhs_t} {rhs_t}");
            }
        }
        // X·A and dY·Aᵀ with a batch of 32, Xᵀ·dY with a depth of 32, and the seed size.
        for (dims, lhs_t, rhs_t) in [
            ((32, 640, 128), false, false),
            ((32, 640, 128), false, true),
            ((640, 128, 32), true, false),
            ((128, 512, 256), false, false),
            ((128, 256, 512), false, true),
            ((256, 512, 128), true, false),
        ] {
            check::<f32>(dims, lhs_t, rhs_t);
            check::<f64>(dims, lhs_t, rhs_t);
        }
    }

    /// Each plan against a plain triple loop, for every layout, both element types, overwrite and
    /// accumulate, one and two threads: whichever `plan` picks, the result is the product.
    #[test]
    fn every_plan_computes_the_product() {
        fn check<T: Scalar>(
            plan_: Plan,
            (m, n, k): (usize, usize, usize),
            lhs_t: bool,
            rhs_t: bool,
        ) {
            let l: Vec<T> = (0..m * k)
                .map(|i| T::from_f64(((i * 7) % 13) as f64 - 6.0))
                .collect();
            let r: Vec<T> = (0..k * n)
                .map(|i| T::from_f64(((i * 5) % 11) as f64 - 5.0))
                .collect();
            let (lrs, lcs) = if lhs_t { (1, m) } else { (k, 1) };
            let (rrs, rcs) = if rhs_t { (1, k) } else { (n, 1) };
            // Whole, in two blocks of columns, in two blocks of rows (as the splits run it).
            for (threads, accumulate, blocks) in (0..12).map(|c| (1 + c % 2, c / 2 % 2 == 1, c / 4))
            {
                let mut dst: Vec<T> = vec![T::ONE; m * n];
                let op = Operands {
                    m,
                    n,
                    k,
                    dst: dst.as_mut_ptr(),
                    dst_rs: stride(n),
                    lhs: l.as_ptr(),
                    lhs_rs: stride(lrs),
                    lhs_cs: stride(lcs),
                    rhs: r.as_ptr(),
                    rhs_rs: stride(rrs),
                    rhs_cs: stride(rcs),
                    scale: T::ONE,
                    accumulate,
                    threads,
                };
                let parts = match blocks {
                    0 => vec![op],
                    1 => vec![op.columns(0, n / 2), op.columns(n / 2, n - n / 2)],
                    _ => vec![op.rows(0, m / 2), op.rows(m / 2, m - m / 2)],
                };
                for part in parts {
                    // SAFETY: the strides above describe dense m×k and k×n buffers and dst has
                    // m·n elements, all three separate Vecs alive for the call; the parts are
                    // sub-problems with disjoint destinations.
                    unsafe { part.run(plan_) };
                }
                let base = if accumulate { T::ONE } else { T::ZERO };
                for i in 0..m {
                    for j in 0..n {
                        let want: T = (0..k)
                            .map(|p| l[i * lrs + p * lcs] * r[p * rrs + j * rcs])
                            .sum();
                        assert_eq!(
                            dst[i * n + j],
                            base + want,
                            "{plan_:?} threads {threads} accumulate {accumulate} blocks {blocks} \
                             ({i}, {j})"
                        );
                    }
                }
            }
        }
        for plan_ in [
            Plan::Gemm,
            Plan::GemmDirect,
            Plan::GemmColumnBlocks,
            Plan::Faer,
        ] {
            for (lt, rt) in [(false, false), (false, true), (true, false), (true, true)] {
                check::<f32>(plan_, (19, 23, 17), lt, rt);
                check::<f64>(plan_, (19, 23, 17), lt, rt);
            }
        }
    }
}
