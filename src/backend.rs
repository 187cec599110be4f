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
//! element type and the thread count, one of four equivalent calls; none copies an operand.
//! The rules were measured on a 2-core AVX-512 machine (Xeon, KVM) with the kernels called
//! side by side; GFLOP/s below are f32 on one thread unless said otherwise, and
//! `cargo run --release -p shapegrad-bench` measures the result against the peers.
//!
//! * [`Plan::Gemm`], `gemm::gemm` as is: the default, and the fastest for square products
//!   (1024³: forward 162, `dY·Aᵀ` 150, `Xᵀ·dY` 152, where faer's kernel makes 154, 153 and 75;
//!   2 threads 298, 251, 272 against 259, 256, 144). gemm turns the problem around so that its
//!   kernel's rows run along the destination's columns; its kernel then reads the right
//!   operand as its left one, packed into panels.
//! * [`Plan::GemmDirect`], gemm's kernel without that turn, for `dY·Aᵀ` with few rows (the
//!   batch, ≤ 64; ≤ 128 for f64 on several threads). Turned around, gemm must pack `A` through
//!   a scalar gather, `J` elements apart for each one; not turned, it streams the rows of `A`
//!   once and packs only the small `dY` (32×4096×4096: 43 → 90, faer 57, matrixmultiply 68;
//!   f64 35 → 56; 2 threads 60 → 119, faer 103).
//! * [`Plan::GemmColumnBlocks`], `gemm::gemm` on blocks of [`COLUMN_BLOCK`] destination columns,
//!   for `X·A` with few rows (≤ 48) on one thread. With fewer than 8·NR destination rows gemm
//!   does not pack `A` and reads it in place, a 16 KiB stride per depth step at J = 4096; a block
//!   whose width is not a multiple of the SIMD width is packed whole (32×4096×4096: 39 → 70,
//!   faer 61, matrixmultiply 57; f64 13 → 28).
//! * [`Plan::Faer`], faer's x86 kernel (the `private-gemm-x86` crate faer 0.24 calls), only with
//!   AVX-512: `X·A` with few rows on several threads (32×4096×4096, 2 threads: 52 → 96),
//!   `Xᵀ·dY` with a small batch on one thread (32×4096×4096: 76 → 81, f64 47 → 50), and f32
//!   `dY·Aᵀ` on several threads up to 512 rows, where gemm's gather of `A` parallelises badly
//!   (2 threads, 128×256×512: 94 → 125; 512³: 196 → 224).
//!
//! Tiny products (fewer than [`MIN_PLANNED_MULADDS`] multiply-adds) always take `gemm::gemm`,
//! whose small-size paths are the quickest there.
//!
//! Not taken: f32 `dY·Aᵀ` at 128×256×512 on one thread runs 112 with `gemm::gemm` against 143
//! with faer's kernel, but `tests/alloc.rs` pins that call's allocations to `gemm::gemm`'s.
#![allow(unsafe_code)]

use core::any::TypeId;

use crate::{Dyn, MatRef, Scalar};

/// How one product is computed. Every plan reads the operands in place, through their strides.
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
/// against a weight matrix is the case [`Plan::GemmDirect`] and [`Plan::GemmColumnBlocks`] serve.
const FEW_ROWS: usize = 48;

/// `Xᵀ·dY` with at most this deep a product (the batch) counts as thin.
const THIN_DEPTH: usize = 64;

/// `dY·Aᵀ` with at most this many rows takes [`Plan::GemmDirect`] (twice as many for f64 on
/// several threads).
const DIRECT_MAX_ROWS: usize = 64;

/// f32 `dY·Aᵀ` on several threads with fewer rows than this takes [`Plan::Faer`]: faer's kernel
/// wins up to 512 rows (512³: 224 against 196 GFLOP/s), ties at 1024 and loses at 2048.
const PARALLEL_FAER_MAX_ROWS: usize = 1024;

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

/// The plan for an `m × k` by `k × n` product; see the module documentation for the numbers.
fn plan(
    (m, n, k): (usize, usize, usize),
    (lhs, rhs): (Layout, Layout),
    f64: bool,
    threads: usize,
) -> Plan {
    if m.saturating_mul(n).saturating_mul(k) < MIN_PLANNED_MULADDS {
        return Plan::Gemm;
    }
    let faer = faer_kernel();
    let parallel = threads > 1;
    match (lhs, rhs) {
        // X·A, a small batch against a weight matrix.
        (Layout::Rows, Layout::Rows) if m <= FEW_ROWS && n > 2 * COLUMN_BLOCK => {
            if !parallel {
                Plan::GemmColumnBlocks
            } else if faer {
                Plan::Faer
            } else {
                Plan::Gemm
            }
        }
        // dY·Aᵀ.
        (Layout::Rows, Layout::Cols) if m <= DIRECT_MAX_ROWS => Plan::GemmDirect,
        (Layout::Rows, Layout::Cols) if parallel && f64 && m <= 2 * DIRECT_MAX_ROWS => {
            Plan::GemmDirect
        }
        (Layout::Rows, Layout::Cols) if parallel && !f64 && faer && m < PARALLEL_FAER_MAX_ROWS => {
            Plan::Faer
        }
        // Xᵀ·dY with a small batch: a large, shallow product.
        (Layout::Cols, Layout::Rows) if !parallel && faer && k <= THIN_DEPTH => Plan::Faer,
        _ => Plan::Gemm,
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
    let plan = plan(
        (m, n, k),
        (layout(&lhs), layout(&rhs)),
        is_f64::<T>(),
        threads,
    );
    // Every plan reads `lhs` at offsets i·rs + p·cs for i < m, p < k, `rhs` at p·rs + j·cs for
    // p < k, j < n, and writes `dst` at i·n + j, for i < m, j < n. `MatRef`'s invariant
    // (established by its only constructors, `row_major` and `t`, and kept by `erase`) is that
    // every such offset of a non-empty view is inside its slice; `dst.len() == m·n` was asserted
    // above, with m, n, k > 0. `dst` is a `&mut` borrow, so it aliases neither operand. The
    // element type is `f32` or `f64` (`Scalar` is sealed). The `SAFETY` comments below rely on
    // this paragraph as "the bounds argument".
    let op = Operands {
        m,
        n,
        k,
        dst: dst.as_mut_ptr(),
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
    match plan {
        Plan::Gemm => {
            // SAFETY: the bounds argument above; the full problem.
            unsafe { op.gemm() }
        }
        Plan::GemmColumnBlocks => {
            let mut j = 0;
            while j < n {
                let width = COLUMN_BLOCK.min(n - j);
                let block = Operands {
                    n: width,
                    // In bounds: j < n, so j is a valid destination column and rhs column.
                    dst: op.dst.wrapping_add(j),
                    rhs: op.rhs.wrapping_offset(j as isize * op.rhs_cs),
                    ..op
                };
                // SAFETY: columns j..j + width of the destination and of `rhs` are a sub-view
                // of the full problem's (same strides, dst row stride still n), so the bounds
                // argument covers every offset the call touches; the blocks do not overlap.
                unsafe { block.gemm_with_dst_row_stride(stride(n)) };
                j += width;
            }
        }
        Plan::GemmDirect => {
            // SAFETY: the bounds argument above; the full problem.
            unsafe { op.gemm_direct() }
        }
        Plan::Faer => {
            // SAFETY: the bounds argument above; the full problem. `plan` picks this only when
            // `faer_kernel()` found AVX-512 on x86-64.
            unsafe { op.faer() }
        }
    }
}

/// Strides index within slices, whose lengths never exceed `isize::MAX`: the cast is lossless.
fn stride(s: usize) -> isize {
    s as isize
}

/// One product as raw parts: `dst` (row-major, `m × n`) `= scale · lhs · rhs`, or `+=`.
#[derive(Clone, Copy)]
struct Operands<T> {
    m: usize,
    n: usize,
    k: usize,
    dst: *mut T,
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

impl<T: Scalar> Operands<T> {
    fn parallelism(&self) -> gemm::Parallelism {
        match self.threads {
            1 => gemm::Parallelism::None,
            t => gemm::Parallelism::Rayon(t),
        }
    }

    /// `gemm::gemm` on a destination with row stride `n`.
    ///
    /// # Safety
    /// Every offset the strides name for i < m, p < k, j < n must be inside the allocations
    /// behind the pointers, `dst` must not overlap the operands, and m, n, k must be non-zero.
    unsafe fn gemm(&self) {
        // SAFETY: forwarded from the caller.
        unsafe { self.gemm_with_dst_row_stride(stride(self.n)) }
    }

    /// `gemm::gemm` on a row-major destination whose rows are `dst_rs` apart (a block of
    /// columns of a wider destination).
    ///
    /// # Safety
    /// As for [`gemm`](Self::gemm), with the destination at `i·dst_rs + j`.
    unsafe fn gemm_with_dst_row_stride(&self, dst_rs: isize) {
        // SAFETY: forwarded from the caller; gemm serves f32 and f64.
        unsafe {
            gemm::gemm(
                self.m,
                self.n,
                self.k,
                self.dst,
                1,
                dst_rs,
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
    /// As for [`gemm`](Self::gemm).
    unsafe fn gemm_direct(&self) {
        macro_rules! call {
            ($t:ty, $kernel:path) => {{
                let one: $t = 1.0;
                // SAFETY: `T` is `$t` (checked by the caller's TypeId test), so the pointer casts
                // and the read of `scale` as `$t` reinterpret a value as its own type. The
                // offsets are the caller's, with the destination at i·n + j (row stride n, column
                // stride 1), which gemm's kernel accepts for any strides.
                unsafe {
                    let scale = *(&raw const self.scale).cast::<$t>();
                    ($kernel)()(
                        self.m,
                        self.n,
                        self.k,
                        self.dst.cast::<$t>(),
                        1,
                        stride(self.n),
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
    /// As for [`gemm`](Self::gemm), on x86-64 with AVX-512 detected.
    #[cfg(target_arch = "x86_64")]
    unsafe fn faer(&self) {
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
        // SAFETY: the caller's bounds and aliasing guarantees, with the destination at i·n + j;
        // `dtype` names `T`'s type, which the kernel reads `alpha` and the operands as; no
        // index arrays or diagonal are passed (null, with `DstKind::Full`); AVX-512 was
        // detected by the caller.
        unsafe {
            pg::gemm(
                dtype,
                pg::IType::U64,
                pg::InstrSet::Avx512,
                self.m,
                self.n,
                self.k,
                self.dst.cast::<()>(),
                stride(self.n),
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

    /// Not reached: [`plan`] picks [`Plan::Faer`] only on x86-64.
    ///
    /// # Safety
    /// As for [`gemm`](Self::gemm).
    #[cfg(not(target_arch = "x86_64"))]
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

    #[test]
    fn small_products_always_take_plain_gemm() {
        for layouts in [NN, NT, TN] {
            for threads in [1, 2] {
                assert_eq!(plan((8, 8, 8), layouts, false, threads), Plan::Gemm);
                assert_eq!(plan((1, 4096, 64), layouts, true, threads), Plan::Gemm);
            }
        }
    }

    #[test]
    fn square_products_take_plain_gemm_on_one_thread() {
        for layouts in [NN, NT, TN] {
            assert_eq!(plan((1024, 1024, 1024), layouts, false, 1), Plan::Gemm);
        }
    }

    #[test]
    fn a_small_batch_against_a_large_weight_matrix() {
        assert_eq!(plan((32, 4096, 4096), NN, false, 1), Plan::GemmColumnBlocks);
        assert_eq!(plan((32, 4096, 4096), NT, false, 1), Plan::GemmDirect);
        assert_eq!(plan((32, 4096, 4096), NT, true, 2), Plan::GemmDirect);
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
            let want = |i: usize, j: usize| -> T {
                (0..k)
                    .map(|p| l[i * lrs + p * lcs] * r[p * rrs + j * rcs])
                    .sum()
            };
            for threads in [1, 2] {
                for accumulate in [false, true] {
                    let mut dst: Vec<T> = vec![T::ONE; m * n];
                    let op = Operands {
                        m,
                        n,
                        k,
                        dst: dst.as_mut_ptr(),
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
                    // SAFETY: the strides above describe dense m×k and k×n buffers, and dst has
                    // m·n elements; all three are separate Vecs.
                    unsafe {
                        match plan_ {
                            Plan::Gemm => op.gemm(),
                            Plan::GemmDirect => op.gemm_direct(),
                            Plan::Faer if faer_kernel() => op.faer(),
                            Plan::Faer => op.gemm(),
                            Plan::GemmColumnBlocks => {
                                let mut j = 0;
                                while j < n {
                                    let w = 7.min(n - j);
                                    let b = Operands {
                                        n: w,
                                        dst: op.dst.wrapping_add(j),
                                        rhs: op.rhs.wrapping_offset(j as isize * op.rhs_cs),
                                        ..op
                                    };
                                    b.gemm_with_dst_row_stride(stride(n));
                                    j += w;
                                }
                            }
                        }
                    }
                    for i in 0..m {
                        for j in 0..n {
                            let base = if accumulate { T::ONE } else { T::ZERO };
                            assert_eq!(dst[i * n + j], base + want(i, j), "{plan_:?} {i} {j}");
                        }
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
