//! The dispatch policy: which kernel computes a product, and how it is split over threads.
//!
//! Safe code that only decides; the kernel module carries the decision out. The input is untyped:
//! the destination's `m × n`, the depth `k`, how each operand is laid out, the element type and
//! the thread count. The three layouts that matter are those of a product and its backward:
//! `X·A` (both operands row-major), `dY·Aᵀ` (the right operand transposed) and `Xᵀ·dY` (the left
//! operand transposed). The plain call, `gemm::gemm` with its own threads, is the default; each
//! rule below replaces it where a structural reason says it can do better. The id of each rule
//! names its section in `bench/RESULTS.md`, where the measurements behind it are kept.
//!
//! | id | when | what | why |
//! |---|---|---|---|
//! | `small` | fewer than 2²¹ multiply-adds | the plain call | gemm has its own paths for small products; no choice of packing pays for itself there |
//! | `xa-few-rows` | `X·A` with at most 48 rows and over 500 columns | gemm in blocks of 250 columns | below 8·NR rows gemm reads `A` unpacked, a whole row apart per depth step; a block whose width is not a multiple of the SIMD width is packed |
//! | `dx-faer` | `dY·Aᵀ` with the AVX-512 kernels: every f32 one, and f64 up to 512 rows where `dx-direct` does not apply | faer's kernel, in blocks one kernel panel wide (f32 up to 256 rows) | turned around, gemm packs `Aᵀ` through a scalar gather; faer's kernel packs it with vector loads, and a panel-wide block keeps its packed panel in cache |
//! | `dx-direct` | `dY·Aᵀ` not taken by `dx-faer` with at most 64 rows and a depth of at least 16 per row | gemm's kernel on the problem as written | as written, gemm streams `A`'s rows and packs only the small `dY` instead of gathering `Aᵀ` |
//! | `da-thin` | `Xᵀ·dY` at most 48 deep (64 on several threads) whose destination outgrows the last-level cache | rows aligned to cache lines; on several threads in blocks of 256 rows | the product is bound by writing its destination, and a store that straddles two lines costs two |
//! | `split` | several threads: `dY·Aᵀ` up to 2²⁸ multiply-adds or 64 rows, `Xᵀ·dY` deeper than 64 up to 2²⁵, `xa-few-rows` | one block of the destination per thread (columns; rows for `Xᵀ·dY`), each computed as on one thread | the kernels' own thread pools synchronise per panel and leave much of the second core idle on a small or thin product |
//!
//! Elsewhere, products on several threads take the kernel's own threads: gemm's, or faer's for
//! `dY·Aᵀ`.

use core::any::TypeId;

use crate::{Dyn, MatRef, Scalar};

/// How one product, or one block of it, is computed. Every plan reads the operands in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// `gemm::gemm`, which computes the transposed problem into the row-major destination.
    Gemm,
    /// gemm's kernel on the problem as written (`dx-direct`).
    GemmDirect,
    /// `gemm::gemm` on blocks of [`FEW_ROWS_BLOCK`] destination columns (`xa-few-rows`).
    GemmColumnBlocks,
    /// `gemm::gemm` with the destination's columns before its first cache line computed by a
    /// call of their own, so every row of the main call starts on a line (`da-thin`).
    GemmAligned,
    /// faer's x86 kernel (`dx-faer`).
    Faer,
    /// faer's x86 kernel with rows aligned as in [`Plan::GemmAligned`] (`da-thin`).
    FaerAligned,
    /// faer's x86 kernel on blocks of [`faer_block`] destination columns (`dx-faer`).
    FaerColumnBlocks,
}

#[cfg(test)]
impl Plan {
    /// Every plan, for tests that run each one.
    pub(crate) const ALL: [Plan; 7] = [
        Plan::Gemm,
        Plan::GemmDirect,
        Plan::GemmColumnBlocks,
        Plan::GemmAligned,
        Plan::Faer,
        Plan::FaerAligned,
        Plan::FaerColumnBlocks,
    ];
}

/// A [`Plan`], and how the destination is divided among threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub(crate) plan: Plan,
    pub(crate) split: Split,
}

/// How a product is divided among threads; each block runs its plan on one thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// Not divided: the plan's kernel uses the threads itself.
    None,
    /// One block of destination columns per thread.
    Columns,
    /// One block of destination rows per thread.
    Rows,
    /// Blocks of [`THIN_SPLIT_ROWS`] destination rows, taken by the threads as they come free.
    RowBlocks,
}

/// How an operand is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Unit column stride: a row-major matrix.
    Rows,
    /// Unit row stride: the transpose of a row-major matrix.
    Cols,
    /// Neither stride is 1.
    Strided,
}

pub(crate) fn layout<T: Scalar>(v: &MatRef<'_, Dyn, Dyn, T>) -> Layout {
    if v.col_stride() == 1 {
        Layout::Rows
    } else if v.row_stride() == 1 {
        Layout::Cols
    } else {
        Layout::Strided
    }
}

/// `small`: below this many multiply-adds every product takes the plain call.
const SMALL_MULADDS: usize = 1 << 21;
/// `split`: up to this many multiply-adds (512³) a `dY·Aᵀ` on several threads is split by
/// columns, and up to [`SPLIT_MAX_MULADDS_DA`] an `Xᵀ·dY` by rows.
const SPLIT_MAX_MULADDS: usize = 1 << 28;
const SPLIT_MAX_MULADDS_DA: usize = 1 << 25;
/// `xa-few-rows`: gemm packs `A` only from 8·NR rows (NR = 6 with AVX-512).
const FEW_ROWS: usize = 48;
/// `xa-few-rows`: columns per call; not a multiple of any SIMD width (4, 8 or 16 lanes).
pub(crate) const FEW_ROWS_BLOCK: usize = 250;
/// `dx-direct`: at most this many rows, and a depth of at least [`DIRECT_DEPTH_PER_ROW`] each.
const DIRECT_MAX_ROWS: usize = 64;
const DIRECT_DEPTH_PER_ROW: usize = 16;
/// `dx-faer`: up to this many rows an f32 product is cut into panel-wide blocks (one call
/// beyond); f64 products up to this many rows take faer's blocks, larger ones keep gemm.
const FAER_BLOCK_MAX_ROWS_F32: usize = 256;
const FAER_BLOCK_MAX_ROWS_F64: usize = 512;
/// `da-thin`: the deepest thin `Xᵀ·dY` on one thread and on several.
const THIN_MAX_DEPTH: usize = 48;
const THIN_SPLIT_MAX_DEPTH: usize = 64;
/// `da-thin`: rows per block on several threads.
pub(crate) const THIN_SPLIT_ROWS: usize = 256;

/// Destination columns per call of [`Plan::FaerColumnBlocks`]: the height of faer's kernel for
/// the type (its kernel runs along the destination's columns), 96 for f32 and 48 for f64.
pub(crate) fn faer_block(f64: bool) -> usize {
    if f64 { 48 } else { 96 }
}

/// What the policy reads off the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Machine {
    /// Whether faer's AVX-512 kernel may run ([`avx512_kernels`]).
    pub(crate) avx512: bool,
    /// The size of the last-level cache, as gemm detects it.
    pub(crate) llc_bytes: usize,
    /// The bytes in a cache line, as gemm detects it (64 where it cannot tell).
    pub(crate) line_bytes: usize,
}

impl Machine {
    /// This machine, read once.
    pub(crate) fn this() -> Machine {
        static THIS: std::sync::OnceLock<Machine> = std::sync::OnceLock::new();
        *THIS.get_or_init(|| Machine {
            avx512: avx512_kernels(),
            llc_bytes: gemm_common::cache::CACHE_INFO
                .iter()
                .map(|c| c.cache_bytes)
                .max()
                .unwrap_or(0),
            line_bytes: match gemm_common::cache::CACHE_INFO[0].cache_line_bytes {
                0 => 64,
                n => n,
            },
        })
    }
}

/// The bytes in a cache line on this machine ([`Machine::line_bytes`]).
pub(crate) fn cache_line() -> usize {
    Machine::this().line_bytes
}

pub(crate) fn is_f64<T: Scalar>() -> bool {
    TypeId::of::<T>() == TypeId::of::<f64>()
}

/// Whether faer's AVX-512 kernel may run: x86-64 with AVX-512 and the crate's `x86-v4` feature.
pub(crate) fn avx512_kernels() -> bool {
    #[cfg(all(target_arch = "x86_64", feature = "x86-v4"))]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(all(target_arch = "x86_64", feature = "x86-v4")))]
    {
        false
    }
}

/// The schedule for an `m × k` by `k × n` product (`dims` is `(m, n, k)`) on `machine`.
pub(crate) fn plan(
    machine: Machine,
    (m, n, k): (usize, usize, usize),
    layouts: (Layout, Layout),
    f64: bool,
    threads: usize,
) -> Schedule {
    let muladds = m.saturating_mul(n).saturating_mul(k);
    let schedule = |plan, split| Schedule { plan, split };
    if muladds < SMALL_MULADDS {
        return schedule(Plan::Gemm, Split::None);
    }
    let elem = if f64 { 8 } else { 4 };
    // `split`, by columns: each thread's block starts on its own cache line. A product with few
    // rows is split at any size, since the kernel's pool has no row panels to share out.
    let wide = threads > 1 && n >= 2 * threads * (machine.line_bytes / elem);
    let few_rows = m <= DIRECT_MAX_ROWS;
    match layouts {
        (Layout::Rows, Layout::Rows) if m <= FEW_ROWS && n > 2 * FEW_ROWS_BLOCK => match threads {
            1 => schedule(Plan::GemmColumnBlocks, Split::None),
            _ if wide => schedule(Plan::GemmColumnBlocks, Split::Columns),
            _ => schedule(Plan::Gemm, Split::None),
        },
        (Layout::Rows, Layout::Cols) => {
            let few_deep = m <= DIRECT_MAX_ROWS && k >= DIRECT_DEPTH_PER_ROW * m;
            let plan = if machine.avx512 && !f64 {
                if m <= FAER_BLOCK_MAX_ROWS_F32 {
                    Plan::FaerColumnBlocks
                } else {
                    Plan::Faer
                }
            } else if few_deep {
                Plan::GemmDirect
            } else if machine.avx512 && m <= FAER_BLOCK_MAX_ROWS_F64 {
                Plan::FaerColumnBlocks
            } else {
                Plan::Gemm
            };
            match (wide && (few_rows || muladds <= SPLIT_MAX_MULADDS), plan) {
                (true, _) => schedule(plan, Split::Columns),
                // Too large to split: the kernel's own threads, on the whole product.
                (false, Plan::FaerColumnBlocks) if threads > 1 => schedule(Plan::Faer, Split::None),
                _ => schedule(plan, Split::None),
            }
        }
        (Layout::Cols, Layout::Rows) => {
            let outgrows_cache = m.saturating_mul(n).saturating_mul(elem) > machine.llc_bytes;
            if threads == 1 && machine.avx512 && k <= THIN_MAX_DEPTH && outgrows_cache {
                schedule(Plan::FaerAligned, Split::None)
            } else if threads > 1
                && k <= THIN_SPLIT_MAX_DEPTH
                && outgrows_cache
                && m >= threads * THIN_SPLIT_ROWS
            {
                schedule(Plan::GemmAligned, Split::RowBlocks)
            } else if threads > 1
                && muladds <= SPLIT_MAX_MULADDS_DA
                && k > THIN_SPLIT_MAX_DEPTH
                && m >= 2 * threads
            {
                schedule(Plan::Gemm, Split::Rows)
            } else {
                schedule(Plan::Gemm, Split::None)
            }
        }
        _ => schedule(Plan::Gemm, Split::None),
    }
}

#[cfg(test)]
mod tests {
    use super::Layout::{Cols, Rows};
    use super::Plan::*;
    use super::Split::{Columns, RowBlocks, Rows as ByRows};
    use super::*;

    const AVX512: Machine = Machine {
        avx512: true,
        llc_bytes: 32 << 20,
        line_bytes: 64,
    };
    const PORTABLE: Machine = Machine {
        avx512: false,
        llc_bytes: 32 << 20,
        line_bytes: 64,
    };
    const XA: (Layout, Layout) = (Rows, Rows);
    const DX: (Layout, Layout) = (Rows, Cols);
    const DA: (Layout, Layout) = (Cols, Rows);
    const F32: bool = false;
    const F64: bool = true;

    /// The policy's input: the machine, `(m, n, k)`, the layouts, f64, the thread count.
    type Case = (
        Machine,
        (usize, usize, usize),
        (Layout, Layout),
        bool,
        usize,
    );

    /// Each rule on both sides of its thresholds: `(machine, (m, n, k), layouts, f64, threads)`
    /// and the schedule it must get.
    #[test]
    fn each_rule_applies_on_its_side_of_every_threshold() {
        let cases: &[(Case, (Plan, Split))] = &[
            // small: just below 2²¹ multiply-adds, whatever the layout; at it, the rules apply.
            ((AVX512, (127, 128, 128), DX, F32, 1), (Gemm, Split::None)),
            (
                (AVX512, (128, 128, 128), DX, F32, 1),
                (FaerColumnBlocks, Split::None),
            ),
            ((AVX512, (128, 128, 127), XA, F32, 2), (Gemm, Split::None)),
            // xa-few-rows: at most 48 rows and more than 500 columns.
            (
                (AVX512, (48, 501, 4096), XA, F32, 1),
                (GemmColumnBlocks, Split::None),
            ),
            (
                (PORTABLE, (48, 501, 4096), XA, F64, 1),
                (GemmColumnBlocks, Split::None),
            ),
            ((AVX512, (49, 501, 4096), XA, F32, 1), (Gemm, Split::None)),
            ((AVX512, (48, 500, 4096), XA, F32, 1), (Gemm, Split::None)),
            (
                (AVX512, (32, 4096, 4096), XA, F32, 2),
                (GemmColumnBlocks, Columns),
            ),
            // dx-faer: f32 with AVX-512, in blocks up to 256 rows, one call beyond; f64 up to
            // 512 rows unless dx-direct's.
            (
                (AVX512, (32, 4096, 4096), DX, F32, 1),
                (FaerColumnBlocks, Split::None),
            ),
            (
                (AVX512, (256, 512, 256), DX, F32, 1),
                (FaerColumnBlocks, Split::None),
            ),
            ((AVX512, (257, 512, 256), DX, F32, 1), (Faer, Split::None)),
            (
                (AVX512, (2048, 2048, 2048), DX, F32, 1),
                (Faer, Split::None),
            ),
            (
                (AVX512, (512, 512, 512), DX, F64, 1),
                (FaerColumnBlocks, Split::None),
            ),
            ((AVX512, (513, 512, 512), DX, F64, 1), (Gemm, Split::None)),
            // dx-direct: at most 64 rows, at least 16 deep per row.
            (
                (AVX512, (32, 4096, 512), DX, F64, 1),
                (GemmDirect, Split::None),
            ),
            (
                (AVX512, (32, 4096, 511), DX, F64, 1),
                (FaerColumnBlocks, Split::None),
            ),
            (
                (AVX512, (65, 4096, 4096), DX, F64, 1),
                (FaerColumnBlocks, Split::None),
            ),
            (
                (PORTABLE, (64, 4096, 1024), DX, F32, 1),
                (GemmDirect, Split::None),
            ),
            (
                (PORTABLE, (64, 4096, 1023), DX, F32, 1),
                (Gemm, Split::None),
            ),
            (
                (PORTABLE, (32, 4096, 4096), DX, F64, 2),
                (GemmDirect, Columns),
            ),
            // da-thin: at most 48 deep (64 on several threads), destination over the cache.
            (
                (AVX512, (4096, 4096, 48), DA, F32, 1),
                (FaerAligned, Split::None),
            ),
            ((AVX512, (4096, 4096, 49), DA, F32, 1), (Gemm, Split::None)),
            ((AVX512, (2048, 4096, 32), DA, F32, 1), (Gemm, Split::None)),
            (
                (AVX512, (2048, 4097, 32), DA, F32, 1),
                (FaerAligned, Split::None),
            ),
            (
                (PORTABLE, (4096, 4096, 32), DA, F32, 1),
                (Gemm, Split::None),
            ),
            (
                (PORTABLE, (4096, 4096, 64), DA, F64, 2),
                (GemmAligned, RowBlocks),
            ),
            ((AVX512, (4096, 4096, 65), DA, F32, 2), (Gemm, Split::None)),
            (
                (AVX512, (511, 1 << 15, 32), DA, F32, 2),
                (Gemm, Split::None),
            ),
            // split: dY·Aᵀ by columns up to 2²⁸ multiply-adds or at any size with at most 64
            // rows (each block on its own cache lines: at least two lines of columns a thread),
            // Xᵀ·dY deeper than the thin ones by rows up to 2²⁵; X·A only with few rows.
            (
                (AVX512, (128, 256, 512), DX, F32, 2),
                (FaerColumnBlocks, Columns),
            ),
            ((AVX512, (4096, 64, 1024), DX, F32, 2), (Faer, Columns)),
            ((AVX512, (4096, 63, 1024), DX, F32, 2), (Faer, Split::None)),
            ((AVX512, (4096, 65, 1024), DX, F32, 2), (Faer, Split::None)),
            (
                (AVX512, (1024, 1024, 1024), DX, F32, 2),
                (Faer, Split::None),
            ),
            ((AVX512, (256, 2048, 2048), DX, F32, 2), (Faer, Split::None)),
            (
                (AVX512, (64, 8192, 8192), DX, F32, 2),
                (FaerColumnBlocks, Columns),
            ),
            ((AVX512, (256, 512, 256), DA, F32, 2), (Gemm, ByRows)),
            ((AVX512, (256, 512, 257), DA, F32, 2), (Gemm, Split::None)),
            ((AVX512, (256, 512, 256), DA, F64, 2), (Gemm, ByRows)),
            ((AVX512, (128, 256, 512), XA, F32, 2), (Gemm, Split::None)),
            ((AVX512, (48, 501, 4096), XA, F32, 16), (Gemm, Split::None)),
            (
                (AVX512, (48, 512, 4096), XA, F32, 16),
                (GemmColumnBlocks, Columns),
            ),
            // Strided operands take the plain call.
            (
                (AVX512, (512, 512, 512), (Layout::Strided, Rows), F32, 1),
                (Gemm, Split::None),
            ),
        ];
        for &((machine, dims, layouts, f64, threads), (plan_, split)) in cases {
            assert_eq!(
                plan(machine, dims, layouts, f64, threads),
                Schedule { plan: plan_, split },
                "{machine:?} {dims:?} {layouts:?} f64 {f64} threads {threads}"
            );
        }
    }
}
