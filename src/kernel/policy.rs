//! Which kernel computes a product, and whether it is split over threads: safe code that only
//! decides; [`backend`](crate::backend) carries the decision out.
//!
//! The destination is always row-major. [`plan`] picks, from the layout of the operands (the
//! three layouts of a product and its backward: `X·A`, `dY·Aᵀ` and `Xᵀ·dY`), the shape, the
//! element type and the thread count, one of seven equivalent calls, and on several threads
//! whether to split the destination into blocks, one or more per thread ([`column_blocks`]);
//! nothing copies an operand. The rules were measured on a 2-core AVX-512 machine (Xeon, KVM)
//! with the kernels called side by side; GFLOP/s below are f32 on one thread unless said
//! otherwise, and `cargo run --release -p shapegrad-bench` measures the result against the
//! peers.
//!
//! * [`Plan::Gemm`], `gemm::gemm` as is: the default, and the fastest for square products but
//!   f32 `dY·Aᵀ` (1024³: forward 162, `Xᵀ·dY` 152, where faer's kernel makes 154 and 75;
//!   2 threads 298, 272 against 259, 144). gemm turns the problem around so that its
//!   kernel's rows run along the destination's columns; its kernel then reads the right
//!   operand as its left one, packed into panels.
//! * [`Plan::GemmDirect`], gemm's kernel without that turn, for `dY·Aᵀ` with few rows (the
//!   batch, ≤ 64) and a depth of at least 16 times that. Turned around, gemm must pack `A`
//!   through a scalar gather, `J` elements apart for each one; not turned, it streams the rows
//!   of `A` once and packs only the small `dY` (32×4096×4096: 43 → 90, faer 57, matrixmultiply
//!   68; f64 35 → 56; 2 threads 60 → 119, faer 103), but writes each tile element by element.
//! * [`Plan::GemmColumnBlocks`], `gemm::gemm` on blocks of destination columns, one call each:
//!   - `X·A` with few rows (≤ 48), in blocks of [`COLUMN_BLOCK`]. With fewer than 8·NR
//!     destination rows gemm does not pack `A` and reads it in place, a 16 KiB stride per depth
//!     step at J = 4096; a block whose width is not a multiple of the SIMD width is packed whole
//!     (32×4096×4096: 39 → 70, faer 61, matrixmultiply 57; f64 13 → 28);
//!   - on one thread, f32 `X·A` with 49 to 256 rows and f32 `Xᵀ·dY` with a destination of up
//!     to 2^17 elements, in blocks of [`GEMM_BLOCK`] (the seed's `X·A` +0.5 to +1.6 % over
//!     one gemm call and +1 to +2.5 % over one faer call, its `Xᵀ·dY` +5 % over both). Unlike
//!     faer's kernel in blocks, which these products took before, they keep their lead over
//!     gemm when another tenant slows the core.
//! * [`Plan::GemmAligned`], `gemm::gemm` with the destination's rows aligned to cache lines,
//!   as [`Plan::FaerAligned`] below: the blocks of a thin `Xᵀ·dY` split over threads
//!   ([`THIN_SPLIT_ROWS`]; 2 threads, 32×4096×4096: f32 +4 to +7 %, f64 +8 to +15 % over the
//!   same blocks on a destination that does not start on a line).
//! * [`Plan::Faer`], faer's x86 kernel (the `private-gemm-x86` crate faer 0.24 calls), only with
//!   AVX-512: the blocks of a split f32 `dY·Aᵀ`.
//! * [`Plan::FaerAligned`], faer's kernel with the destination's rows aligned to cache lines
//!   (its first few columns in a call of their own): `Xᵀ·dY` with a small batch (≤ 48) and a
//!   large destination on one thread (32×4096×4096: 76 → 81 with one faer call, f64 47 → 50;
//!   +4 to +8 % more over that call on a destination that does not start on a line;
//!   [`FAER_THIN_MAX_DEPTH`]).
//! * [`Plan::FaerColumnBlocks`], faer's kernel on blocks of 96 (f32) or 48 (f64) destination
//!   columns, one call each ([`FAER_BLOCK_F32`] and [`FAER_BLOCK_F64`] say why), on one thread,
//!   for `dY·Aᵀ` with up to 256 rows, both types: gemm must gather `A` element by element to
//!   pack it (f32 128×256×512: 112 → 150, one faer call 145; f64: +5 to +10 % over both); in
//!   f32 up to 512 rows, in wider blocks ([`FAER_DX_MAX_ROWS_F32`]: 512³ +4 to +10 % over gemm),
//!   and up to 1024 rows if the destination has at least 768 columns, in blocks of 384
//!   ([`FAER_DX_WIDE_MAX_ROWS_F32`]: 1024³ +4 to +12 % over gemm and +3 to +13 % over one faer
//!   call on a quiet host).
//!
//!   f64 `X·A` and `Xᵀ·dY` stay on gemm: there faer's blocks win at some sizes and lose 5–6 %
//!   at others (128×512×512, 256×512×512), and gemm's blocks of 128 gain at most 1 % on `X·A`
//!   and lose 10 % on the seed's `Xᵀ·dY`.
//!
//! On several threads, gemm's and faer's own parallel loops lose much of the second core on
//! products up to about 512³; one block of the destination per thread, each computed on one
//! thread, does better ([`Split`]; 2 threads): by columns for `X·A` (128×256×512: 193 → 214,
//! 512³: 282 → 298; with column blocks inside for a batch of 32: 52 → 119, where faer makes
//! 115), and for `dY·Aᵀ` with faer's kernel per block in f32 (128×256×512: 113 → 184, faer 143,
//! matrixmultiply ~170) or, in f64, faer's kernel in 48-column blocks per thread's block (up
//! to 256 rows: shapegrad / faer 1.18–1.37 in three runs, 1.10–1.17 with gemm's kernel there)
//! or gemm's (larger); by rows for the seed's `Xᵀ·dY`
//! (141–145 → 148–156); f32 `dY·Aᵀ` is split up to 1024³ (512³: 196 → ~220; 1024³: 183 → 198).
//! From 512³ a column split makes four blocks per thread rather than one ([`column_blocks`]), so
//! that a core slowed by another process does not hold up the product. Up to 1024³ `X·A` is
//! split too, in blocks of at least 256 columns: on a quiet host as fast as gemm's own threads,
//! on a contended one much faster ([`WIDE_SPLIT_MAX_MULADDS`]). A thin `Xᵀ·dY` (a batch of up
//! to 64) with a large destination is split into blocks of 256 rows, which write it faster
//! than gemm's own threads (32×4096×4096: f32 +3 to +7 %, f64 +9 to +14 %; [`THIN_SPLIT_ROWS`]),
//! and faster still with their rows aligned to cache lines ([`Plan::GemmAligned`]); so is one
//! with a batch of up to 32 and a destination of 512×1024 or more ([`THIN_SMALL_MAX_DEPTH`]:
//! 32×1024×2048 f32 +3 to +4 %, f64 +4 to +6 %).
//! Larger products, other `Xᵀ·dY` and f64 `dY·Aᵀ` from 512³ keep gemm's own threads.
//!
//! Tiny products (fewer than [`MIN_PLANNED_MULADDS`] multiply-adds) always take `gemm::gemm`,
//! whose small-size paths are the quickest there.
//!
//! On AMD's AVX-512 cores (Zen 4, [`Cores::Avx512Amd`]), measured later on the same kind of
//! 2-core virtual machine, faer's kernel leads gemm's on more shapes, and takes over there:
//! f32 products with a batch of up to 48 (`X·A`, and `dY·Aᵀ` deep enough for
//! [`Plan::GemmDirect`]), f64 `dY·Aᵀ` up to 512 rows on one thread and up to 1024³ on several,
//! f32 `dY·Aᵀ` with more than 1024 rows, products beyond 1024³ on several threads (all but f32
//! `Xᵀ·dY`), and a 512³ f32 `Xᵀ·dY` on several threads, split by rows
//! ([`AMD_FAER_DX_MAX_ROWS_F64`] gives the numbers). The other rules are the Xeon's. Only a
//! Zen 4 was measured: a later AMD core with AVX-512 takes the same rules until someone
//! measures it.

use core::any::TypeId;

use crate::{Dyn, MatRef, Scalar};

/// How one product, or one block of it, is computed. Every plan reads the operands in place,
/// through their strides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// `gemm::gemm`, which computes the transposed problem into the row-major destination.
    Gemm,
    /// gemm's kernel on the problem as written: kernel rows are destination rows.
    GemmDirect,
    /// `gemm::gemm` on blocks of [`gemm_block`] destination columns, one call each.
    GemmColumnBlocks,
    /// `gemm::gemm` with the destination's columns before its first 64-byte boundary computed
    /// by a call of their own, as [`Plan::FaerAligned`] does with faer's kernel: the blocks of a
    /// thin `Xᵀ·dY` split over threads ([`THIN_SPLIT_ROWS`]), whose speed is that of writing the
    /// destination.
    GemmAligned,
    /// faer's x86 kernel.
    Faer,
    /// faer's x86 kernel, with the destination's columns before its first 64-byte boundary
    /// computed by a call of their own ([`CACHE_LINE`]): when a row is a whole number of cache
    /// lines, every row of the main call then starts on a line, and no store straddles two.
    /// Worth the extra call only where writing the destination is most of the work (a thin
    /// `Xᵀ·dY`, [`FAER_THIN_MAX_DEPTH`]); in deep products the narrow call costs more than the
    /// alignment gains (1024³ `X·A` with gemm −7 %, 512³ `dY·Aᵀ` in faer's blocks −5 %, on a
    /// destination 16 bytes past a line, where an aligned one was as fast as a misaligned).
    FaerAligned,
    /// faer's x86 kernel on blocks of [`faer_block`] destination columns, one call each.
    FaerColumnBlocks,
}

/// A [`Plan`], and whether to split the destination into blocks (one or more per thread), each
/// block computed by the plan on one thread (`rayon` runs the blocks side by side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub(crate) plan: Plan,
    pub(crate) split: Split,
}

/// How a parallel product is divided among threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// Not divided: the plan's own threads, if any.
    None,
    /// Blocks of destination columns: [`column_blocks`] says how many.
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

/// Below this many multiply-adds every product takes [`Plan::Gemm`].
pub(crate) const MIN_PLANNED_MULADDS: usize = 1 << 21;

/// Destination columns per `gemm::gemm` call in [`Plan::GemmColumnBlocks`] with at most
/// [`FEW_ROWS`] rows: not a multiple of any SIMD width (4, 8 or 16 lanes), so gemm packs each
/// block of the right operand whole, and small enough to stay under gemm's limit for doing so.
pub(crate) const COLUMN_BLOCK: usize = 250;

/// Destination columns per `gemm::gemm` call in [`Plan::GemmColumnBlocks`] with more than
/// [`FEW_ROWS`] rows. Measured side by side, six runs (f32, 1 thread, interleaved; medians of
/// each repetition's ratio; "quiet" when gemm ran at its usual speed, "contended" when another
/// tenant on the core slowed every kernel by about a third):
/// - `X·A` 128×256×512 against one gemm call +0.5 to +1.6 % quiet, +4 to +11 % contended;
///   against one call of faer's +1.0 to +2.5 % quiet. faer's kernel in blocks of
///   [`FAER_BLOCK_F32`], used here before, led one faer call by 1.8–2.8 % quiet but trailed
///   gemm by 3–7 % contended.
/// - `Xᵀ·dY` 128×256×512 (the seed's dA) +4.6 to +6 % over gemm quiet, +2 to +4 % contended;
///   +4 to +6.5 % over faer quiet.
/// - `X·A` 64×512×512 −1 to +12 %, 256×512×512 +1.7 to +9 %.
///
/// Blocks of 192 or 256 do as well on `X·A` but lose 4–7 % on `Xᵀ·dY`; blocks of 96 or 32 lose.
pub(crate) const GEMM_BLOCK: usize = 128;

/// Columns per call of [`Plan::GemmColumnBlocks`] for a product with `rows` rows.
pub(crate) fn gemm_block(rows: usize) -> usize {
    if rows <= FEW_ROWS {
        COLUMN_BLOCK
    } else {
        GEMM_BLOCK
    }
}

/// At most this many destination rows count as "few": gemm leaves the left operand of its
/// kernel unpacked up to 8·NR columns (NR = 6 with AVX-512), and a product of a small batch
/// against a weight matrix is the case [`Plan::GemmColumnBlocks`] serves.
pub(crate) const FEW_ROWS: usize = 48;

/// `Xᵀ·dY` with at most this deep a product (the batch) counts as thin: on several threads it is
/// not split into one block of rows per thread, but, with a destination of at least
/// [`THIN_SPLIT_MIN_ELEMS`] elements, into blocks of [`THIN_SPLIT_ROWS`] rows.
pub(crate) const THIN_DEPTH: usize = 64;

/// Rows per block when a thin `Xᵀ·dY` ([`THIN_DEPTH`]) on several threads is split by rows, each
/// block a [`Plan::GemmAligned`] call on one thread. The product is bound by its writes, and
/// gemm's own threads leave part of that bandwidth unused. Side by side on 2 threads against
/// gemm's threads, two runs each (I×K×J, so dA is K×J at depth I; ratio of the medians), blocks
/// of 256 rows, each one gemm call:
/// - f32 32×4096×4096 1.074, 1.027; 32×2048×4096 1.082, 1.266; 32×4096×2048 1.092, 1.073;
///   64×4096×4096 1.114, 1.113;
/// - f64 32×4096×4096 1.093, 1.142; 32×2048×4096 1.019, 1.132; 32×4096×2048 1.050, 1.025;
///   64×4096×4096 1.104, 1.010;
/// - one run each: 32×1024×8192 f32 1.015, f64 1.034; 32×8192×1024 f32 1.109, f64 1.053.
///
/// Blocks of 512 rows read 0.994–1.165, of 683 rows 0.941–1.194; faer's kernel with aligned rows
/// in blocks of 512 rows 0.908–0.932 (f64 32×4096×4096). In two full benchmark runs on a quiet
/// host these blocks made the f64 32×4096×4096 `dA` at 0.989 and 0.980 of matrixmultiply's pool
/// (77 GFLOP/s, gemm's threads 78 and 76): all three near the machine's write bandwidth.
///
/// Aligning each block's rows to cache lines ([`Plan::GemmAligned`]) gains on a destination that
/// does not start on a line, as a `Vec`'s buffer (16 bytes past one) does not. Against the same
/// blocks without it, four runs each (ratio of the medians): f32 32×4096×4096 1.043–1.067,
/// 32×2048×4096 0.986–1.045, 32×4096×2048 1.009–1.022, 64×4096×4096 1.018–1.042; f64
/// 32×4096×4096 1.077–1.153, 32×2048×4096 1.032–1.067, 32×4096×2048 1.030–1.091, 64×4096×4096
/// 1.036–1.059. One run on a loaded host: 32×1024×8192 f32 1.036, f64 1.080; 32×8192×1024 f32
/// 0.990, f64 1.012.
pub(crate) const THIN_SPLIT_ROWS: usize = 256;

/// See [`THIN_DEPTH`]; the smallest destinations measured there, 2048×4096 and 1024×8192.
/// Smaller thin products are split too if at most [`THIN_SMALL_MAX_DEPTH`] deep; products with
/// fewer than [`THIN_SPLIT_ROWS`] rows per thread keep gemm's own threads.
pub(crate) const THIN_SPLIT_MIN_ELEMS: usize = 1 << 23;

/// A thin `Xᵀ·dY` with a destination below [`THIN_SPLIT_MIN_ELEMS`] and of at least
/// [`THIN_SMALL_MIN_ELEMS`] elements is split into the same aligned row blocks if it is at most
/// this deep. Side by side on 2 threads against gemm's own threads, which these products took
/// before (I×K×J, so dA is K×J at depth I; one to three runs of 300 repetitions per shape,
/// ratio of the medians, a range where there were more):
/// - a batch of 32: 32×2048×2048 f32 1.038–1.045, f64 1.040–1.052; 32×1024×4096 f32
///   1.042–1.052, f64 1.050–1.067; 32×1024×2048 f32 1.026–1.043, f64 1.042–1.060;
///   32×512×2048 f32 1.053–1.078, f64 1.041–1.061; 32×1024×1024 f32 1.119–1.209, f64
///   1.038–1.046; 32×512×1024 f32 1.150, f64 1.063;
/// - a batch of 48: 48×2048×2048 f32 1.049, f64 1.020;
/// - a batch of 64: 64×1024×1024 f32 1.023–1.050, f64 1.002–1.038, but 64×2048×2048 f32
///   0.978–1.005, f64 0.995–1.014, a tie.
///
/// In two runs of the benchmark (`--threads 2 --ops da`, shapegrad / gemm's threads called
/// directly) the batch of 32 held its lead (32×512×1024 f32 1.29–1.31, f64 1.15; 32×1024×2048
/// f32 1.09–1.11, f64 1.14–1.15; 32×2048×2048 f32 1.03–1.07, f64 1.11–1.12), but 48×2048×2048
/// f32 read 0.991 and 1.019 (f64 1.08–1.13): so a batch above 32 keeps gemm's threads here.
///
/// The same blocks without aligned rows read alike (32×1024×1024 f32 1.247 against 1.209,
/// 64×2048×2048 f32 1.013–1.015 against 0.987–1.005, 32×2048×2048 f64 1.032–1.033 against
/// 1.040–1.052); the aligned ones are kept for one plan across every thin split.
pub(crate) const THIN_SMALL_MAX_DEPTH: usize = 32;

/// See [`THIN_SMALL_MAX_DEPTH`]: 512×1024, the smallest destination measured there.
pub(crate) const THIN_SMALL_MIN_ELEMS: usize = 1 << 19;

/// Whether a thin `Xᵀ·dY` (at most [`THIN_DEPTH`] deep) with an `m × n` destination and depth
/// `k` is split into row blocks on `threads` threads.
fn thin_split(m: usize, n: usize, k: usize, threads: usize) -> bool {
    let elems = m.saturating_mul(n);
    m >= threads * THIN_SPLIT_ROWS
        && (elems >= THIN_SPLIT_MIN_ELEMS
            || (k <= THIN_SMALL_MAX_DEPTH && elems >= THIN_SMALL_MIN_ELEMS))
}

/// On one thread, `Xᵀ·dY` (either type) at most this deep, with a destination of at least
/// [`FAER_THIN_MIN_ELEMS`] elements, takes faer's kernel with its rows aligned to cache lines
/// ([`Plan::FaerAligned`]). Side by side, faer's call against one gemm call (I×K×J, so dA is
/// K×J at depth I; quiet host / contended):
/// - f32 32×4096×4096 +28 % / +15 %, 32×2048×4096 +7 % / +5 %, 32×4096×2048 +5.5 % / 0,
///   48×4096×4096 +6.5 % / −4.5 %; f64 32×4096×4096 +5 %, 32×4096×2048 +8 to +11 %,
///   32×2048×4096 +2 to +7 % / −1 %.
/// - Deeper, or with a smaller destination, gemm does as well or better: 64×4096×4096 f32
///   −1 %, f64 −15 %; 64×2048×2048 f32 0 to −4 % / −26 %, f64 −7 %; 64×1024×1024 f32
///   −3 % / −14 %; 32×2048×2048 f32 +1 to +6.5 % / −11 to −12 %, f64 even; 32×1024×1024 f32
///   −4.5 % / −14 % (f64 +4 %). With up to 2^17 elements gemm's column blocks
///   ([`DA_BLOCK_MAX_ELEMS`]) beat faer's call too: 32×256×512 +1 % / +19 %, 64×256×512
///   +4 % / +18.5 %.
///
/// The product is bound by its writes, and a store that straddles two cache lines costs two.
/// A `Vec` only aligns to its element, and glibc maps a large one on pages of its own with a
/// 16-byte header in front, so its data starts 16 bytes past a cache line (faer's own `Mat`
/// aligns to lines); when a row is whole lines, every row does. With the columns up to the
/// first line in a call of their own, faer's call on the rest writes whole lines. On a
/// destination 16 bytes past a line, against one faer call: f32 32×4096×4096 +5 to +7 % (four
/// runs; 32 bytes past, +6 %), 48×4096×4096 +7 %, 32×2048×4096 +3.5 to +7 %; f64
/// 32×4096×4096 +4 to +8 %, 32×4096×2048 +5.5 to +8 %. One faer call on an aligned
/// destination is as fast as the split one: +5 to +9 % over one on a misaligned destination,
/// where two aligned buffers differ by −2 to +1.4 %.
///
/// Nothing else beat faer's call at 32×4096×4096 f32: faer's kernel in blocks of 96–480
/// destination columns −29 to −55 %, in blocks of 12–100 rows −7 to −25 %; gemm, whole or in
/// row or column blocks, −5 to −72 %; a hand-written AVX-512 kernel (8×48 tiles, the whole
/// depth in registers) −11 % with ordinary stores and −18 to −38 % with streaming ones (−30 to
/// −62 % walking the destination in column panels). The product is bound by its writes:
/// filling the 64 MiB destination alone takes 8.1 ms with ordinary stores and 3.2 ms with
/// streaming ones, against about 9.5 ms for faer's call. A kernel that kept its multiply-adds
/// going while streaming stores drain could gain; one that stores each tile once it is done
/// stalls on them, and so did one that stored the previous tile's results one vector per depth
/// step (4×48 tiles, −20 to −24 %); prefetching the destination for writing two or four
/// tiles ahead did not help either (−2 to −16 %).
pub(crate) const FAER_THIN_MAX_DEPTH: usize = 48;

/// See [`FAER_THIN_MAX_DEPTH`]: 2048×4096, a 32 MiB f32 destination.
pub(crate) const FAER_THIN_MIN_ELEMS: usize = 1 << 23;

/// f32 `Xᵀ·dY` on one thread with a destination of at most this many elements (256×512, the
/// seed's dA: 512 KiB) takes [`Plan::GemmColumnBlocks`] up to a depth of
/// [`DA_BLOCK_MAX_DEPTH`]. Against one gemm call, three runs each, in the host's quiet state
/// (I × K × J, so dA is K × J with depth I): 128×256×512 +4.6 to +6 %, 128×128×512 +2 to
/// +7 %, 128×256×256 +10 to +11 %, 512×256×512 +3 to +5 %, 1024×128×512 +4 to +7 %; it still
/// gains 2–4 % while the host is contended; with a batch of 32 or 64 too (32×256×512 +3.5 %
/// quiet, +4 % contended; 64×256×512 +5.5 %, +5.5 %). With 2^18 elements the gain is gone
/// (128×512×512 −3.5 to +3 %, 512³ −4 to +5 %), except in the thinnest products
/// (64×512×512 +5.6 % quiet, 32×512×512 +2.8 %), which one run each leaves on one gemm call.
pub(crate) const DA_BLOCK_MAX_ELEMS: usize = 1 << 17;

/// The deepest f32 `Xᵀ·dY` measured with [`Plan::GemmColumnBlocks`] (2048×256×512: +2 to +6 %
/// over one gemm call, 1024×256×256: +7 to +9 %).
pub(crate) const DA_BLOCK_MAX_DEPTH: usize = 2048;

/// On one thread, f32 `X·A` with more than [`FEW_ROWS`] and at most this many rows takes
/// [`Plan::GemmColumnBlocks`] ([`GEMM_BLOCK`] gives the numbers). Past it the blocks' gain is
/// erratic (512³: −2 to +8 % over one gemm call) or gone (1024³: −16 to +3 %).
pub(crate) const GEMM_BLOCK_MAX_ROWS: usize = 256;

/// `dY·Aᵀ` with at most this many rows takes [`Plan::GemmDirect`], if its depth is at least
/// [`DIRECT_MIN_DEPTH_PER_ROW`] times its rows.
pub(crate) const DIRECT_MAX_ROWS: usize = 64;

/// Not turned around, gemm's kernel writes each destination tile element by element, once per
/// depth block: worth it only when the product is deep next to its rows (64×4096×256 f32:
/// 92 turned, 76 not).
pub(crate) const DIRECT_MIN_DEPTH_PER_ROW: usize = 16;

/// On one thread, `dY·Aᵀ` (either type) with at most this many rows takes
/// [`Plan::FaerColumnBlocks`] in blocks of [`FAER_BLOCK_F32`] or [`FAER_BLOCK_F64`] columns
/// (unless it takes [`Plan::GemmDirect`]). f64 `dY·Aᵀ` in blocks still gained at 512³ (+4 %)
/// but lost at 1024³ (−10 %), too few sizes to move the bound on.
pub(crate) const FAER_MAX_ROWS: usize = 256;

/// f32 `dY·Aᵀ` on one thread with more than [`FAER_MAX_ROWS`] and at most this many rows takes
/// [`Plan::FaerColumnBlocks`] in blocks of [`FAER_BLOCK_F32_512_ROWS`] columns: against gemm,
/// 384×512×512 +8 %, 512³ +4 to +10 % (in every state of the host), 512×1024×1024 +15 %.
/// With more rows the gain shrinks and turns on the host's state: 640×512×512 +4 %,
/// 768³ +0.6 %, 1024×512×512 +1 %, 1024³ +9 % quiet but −5 to +4 % in three side-by-side runs
/// on a contended host, and 0.967 of gemm in a full benchmark run; with 2048 rows gemm is
/// faster (2048³ −4 %, 2048×512×512 −9 %). Past 512 rows the blocks pay only on a wide
/// destination, in wider blocks ([`FAER_DX_WIDE_MAX_ROWS_F32`]).
pub(crate) const FAER_DX_MAX_ROWS_F32: usize = 512;

/// f32 `dY·Aᵀ` on one thread with more than [`FAER_DX_MAX_ROWS_F32`] and at most this many
/// rows takes [`Plan::FaerColumnBlocks`], in blocks of [`FAER_BLOCK_F32_1024_ROWS`] columns, if
/// the destination has at least [`FAER_DX_WIDE_MIN_COLS`] columns. Measured side by side (I×K×J,
/// f32, 1 thread; medians of each repetition's ratio, split by the host's state as for
/// [`GEMM_BLOCK`]), against one gemm call and one faer call:
/// - 1024³, ten runs: quiet +4 to +12 % over gemm and +3 to +13 % over faer; contended (eight
///   of the runs) −2 to +27 % over gemm (median +6 %) and +4 to +9 % over faer. One gemm call,
///   the plan here before, trails one faer call by 0.4–5 % in eight of the ten runs' quiet
///   repetitions, so that a quiet host put shapegrad below faer.
/// - 768³ +2 % quiet, +12 % contended; 640×1024×1024 +11 %, +5 %; 1024×1024×512 +5 %, +13 %;
///   1024×2048×1024 +2 %, +8 %.
/// - With a destination 512 columns wide the blocks do not pay: 1024×512×512 −0.5 % quiet and
///   −6 % contended, 1024×512×1024 +1.4 %, −3 %.
///
/// Blocks of 256 ([`FAER_BLOCK_F32_512_ROWS`]) did as well quiet but worse contended (1024³:
/// down to −3.5 % against gemm; in one full benchmark run, 0.967 of gemm); blocks of 352 and 448
/// matched 384 within 1 % quiet. These blocks of 384 too fall behind gemm when another tenant
/// loads the memory system: 0.963–0.974 of it in three of the last nine full benchmark runs,
/// and 0.96 side by side with a 512 MiB memory stream on the other core. gemm's kernel on
/// blocks of 256 columns was level with or ahead of one gemm call in all of fifteen
/// side-by-side runs, loaded or not (+0.1 to +17 %), but against one faer call it read
/// 0.99–1.22, losing twice in eleven on a quiet host, where these blocks lead faer by 4 % or
/// more: the near-tie would move from gemm to faer, not go away. Nor does a blend help: at 1024³,
/// these blocks on 768 columns and gemm's on the last 256, in 387 side-by-side rounds of 30
/// repetitions over 26 minutes (gemm at 88–157 GFLOP/s; medians per round), read below 0.98 of gemm
/// in 9 rounds and below one faer call in 9; these blocks alone in 14 and 9, all 14 with gemm in
/// its slowest quarter (under 139); gemm's blocks of 256 in 7 and 211, behind faer far more often
/// than the eleven runs above suggested. The blend's median lead was a point lower (1.053 of gemm
/// and 1.032 of faer, against 1.064 and 1.041), for three fewer rounds with a miss (16 against 19):
/// too close to call.
pub(crate) const FAER_DX_WIDE_MAX_ROWS_F32: usize = 1024;

/// See [`FAER_DX_WIDE_MAX_ROWS_F32`].
pub(crate) const FAER_DX_WIDE_MIN_COLS: usize = 768;

/// Destination columns per call in [`Plan::FaerColumnBlocks`] for f32 `dY·Aᵀ` with more than
/// [`FAER_DX_MAX_ROWS_F32`] and at most [`FAER_DX_WIDE_MAX_ROWS_F32`] (1024) rows (whose doc
/// gives the numbers).
pub(crate) const FAER_BLOCK_F32_1024_ROWS: usize = 384;

/// Whether `dY·Aᵀ` with an `m × n` destination takes [`Plan::FaerColumnBlocks`] on one thread
/// (where the AVX-512 kernels run, on AMD cores if `amd`).
fn faer_dx_blocks(m: usize, n: usize, f64: bool, amd: bool) -> bool {
    if f64 {
        m <= FAER_MAX_ROWS || (amd && m <= AMD_FAER_DX_MAX_ROWS_F64)
    } else {
        m <= FAER_DX_MAX_ROWS_F32 || (m <= FAER_DX_WIDE_MAX_ROWS_F32 && n >= FAER_DX_WIDE_MIN_COLS)
    }
}

/// Destination columns per call in [`Plan::FaerColumnBlocks`] for f32 `dY·Aᵀ` with more than
/// [`FAER_MAX_ROWS`] and at most [`FAER_DX_MAX_ROWS_F32`] (512) rows. Each call reads all of
/// `dY`, so with many rows fewer, wider blocks do better; 256 columns of panels 512 deep
/// (512 KiB) still sit well inside the 2 MiB L2.
/// Side by side against one call of faer's: 512³ +1 %, 1024³ +6 %, 512×1024×1024 +6 %; blocks
/// of [`FAER_BLOCK_F32`] there: 512³ −1 %, 1024³ −1 %.
///
/// In a backward, where this product alternates with `Xᵀ·dY`, the lead over gemm is about half
/// of what it is alone. In six alternated rounds of the benchmark at 512³ (`dX` row / backward
/// row, shapegrad / gemm, median with range), the width here set to:
/// - 256: 1.094 (1.039–1.138) / 1.029 (0.983–1.052);
/// - 512, as one faer call: 1.047 / 1.004, and a tie with faer in the `dX` row;
/// - 128: 0.969 / 0.954;
/// - gemm instead of these blocks: 1.000 / 0.996.
///
/// One part of that shrinkage is gemm's own `Xᵀ·dY`, which ran 1.3–1.6 % slower right after
/// these blocks than right after gemm's `dY·Aᵀ` (two runs of a probe on a quiet host).
pub(crate) const FAER_BLOCK_F32_512_ROWS: usize = 256;

/// Up to this many multiply-adds (512³ and a little more), a parallel `X·A` or f64 `dY·Aᵀ` is
/// split into blocks of columns; beyond, gemm's own threads do as well on a quiet host (but see
/// [`WIDE_SPLIT_MAX_MULADDS`]).
pub(crate) const SPLIT_MAX_MULADDS: usize = 1 << 28;

/// A parallel `X·A` of more than [`SPLIT_MAX_MULADDS`] and at most this many multiply-adds
/// (1024³) is split too, if it is at least [`WIDE_SPLIT_MIN_DEPTH`] deep and
/// [`GEMM_SPLIT_WIDE_BLOCK`] columns wide per thread: in blocks of at least that many columns,
/// up to [`FINE_BLOCKS_PER_THREAD`] per thread.
///
/// On a quiet host the split and gemm's threads are close, but when another tenant slows the
/// cores gemm's threads lose far more (a full benchmark run on a host that halved its FMA peak
/// as it went: 1024³ f32 on 2 threads at 0.933 of faer's pool, shapegrad faster in none of 36
/// pairs). Side by side, 2 threads, split / gemm's threads (median of the paired ratios; the
/// share of pairs the split won):
/// - 1024³ f32 in blocks of 256: 1.009, 1.045, 1.061 and 1.076 (52–97 %). Blocks of 128:
///   0.971 to 1.025 (12–81 %), and 1.297 on a contended host.
/// - 1024³ f64 in blocks of 256: 0.995–1.005 (47–52 %); blocks of 128: 0.987–1.020 (5–65 %).
/// - Other shapes (I×K×J), f32 / f64: 768³ in two blocks 1.001 / 1.023; 512×2048×1024
///   1.052 / 1.017; 1024×512×2048 1.218 / 0.990; 2048×512×1024 0.994 / 0.996;
///   2048×1024×512 1.020 / 1.011.
/// - Three blocks on two threads leave one thread idle a third of the time (768³ f32: 0.817),
///   hence whole blocks per thread. Shallow products share less: 4096×256×1024 f32 0.942.
/// - 2048³ in blocks of 256: f32 0.990–1.002 (28–43 %), 0.976 in the quiet repetitions, and
///   1.335 on a contended host; f64 0.983–1.002, 0.95–0.96 quiet. A quiet host would put the
///   split at the 0.98 × gemm that the benchmark holds shapegrad to, so 2048³ keeps gemm's
///   threads.
/// - f64 `dY·Aᵀ` gains nothing on a quiet host (768³ 0.989, 1024³ 0.988–1.012, 2048³
///   1.003–1.006) and keeps gemm's threads; `Xᵀ·dY` loses (1024³ f32, split by rows
///   0.880–0.939, by columns 0.653; [`SPLIT_MAX_MULADDS_DA`]).
pub(crate) const WIDE_SPLIT_MAX_MULADDS: usize = 1 << 30;

/// See [`WIDE_SPLIT_MAX_MULADDS`].
pub(crate) const WIDE_SPLIT_MIN_DEPTH: usize = 512;

/// The narrowest block of a column split by [`Plan::Gemm`] of more than [`SPLIT_MAX_MULADDS`]
/// ([`WIDE_SPLIT_MAX_MULADDS`] gives the numbers): each block packs all of the left operand
/// again, and wider blocks pack it fewer times.
pub(crate) const GEMM_SPLIT_WIDE_BLOCK: usize = 256;

/// Whether a parallel `X·A` of `muladds` multiply-adds with `n` columns and depth `k` is split.
fn x_a_split(muladds: usize, n: usize, k: usize, threads: usize) -> bool {
    muladds <= SPLIT_MAX_MULADDS
        || (muladds <= WIDE_SPLIT_MAX_MULADDS
            && k >= WIDE_SPLIT_MIN_DEPTH
            && n >= threads * GEMM_SPLIT_WIDE_BLOCK)
}

/// f32 `dY·Aᵀ` is split, with faer's kernel per block, up to this many multiply-adds (1024³).
/// Handing it whole to faer's kernel and its own threads is about as fast on a quiet machine,
/// but when another process takes a core, faer's thread pool loses far more than a split or
/// gemm's threads do (1024³ on 2 busy threads: 98 against gemm's 144 GFLOP/s).
pub(crate) const SPLIT_MAX_MULADDS_F32_DX: usize = 1 << 30;

/// `Xᵀ·dY` on several threads is split by rows up to this many multiply-adds (the seed's 2^24,
/// and twice that); larger, gemm's own threads do as well or better (512³).
///
/// Blocks of 64 columns instead, which rayon hands to the threads as they come free, were
/// measured against these row halves on 2 threads (I×K×J, three runs each; ratio of the
/// medians): 512×128×256 1.13–1.16 in both types and 256³ 0.99–1.07, but 128×512×512 f64
/// 0.90–0.94, 128×256×256 f32 0.90–0.99, 96×256×1024 f32 0.94–1.07, and the seed's 1.01–1.02
/// (f32) and 0.98–1.02 (f64). With a busy loop on the second core they did better (the seed's
/// f32 1.10, 256³ 1.14, 128×512×512 f64 0.99). Left as they are: no one rule wins at every
/// measured shape.
pub(crate) const SPLIT_MAX_MULADDS_DA: usize = 1 << 25;

/// From this many multiply-adds (512³) a column split makes [`FINE_BLOCKS_PER_THREAD`] blocks per
/// thread instead of one.
pub(crate) const FINE_SPLIT_MIN_MULADDS: usize = 1 << 27;

/// Blocks per thread in a column split of a large product. With one block per thread, a thread
/// that the machine slows down (another process on its core) holds up the whole product; with
/// four, rayon hands the blocks of the slow thread to the other. On the 2-core machine, f32
/// `dY·Aᵀ` on 2 threads, five runs each (shapegrad / faer): at 512³, one block per thread gave
/// 0.89–1.07 and four gave 0.99–1.05; at 1024³, 0.82–1.06 against 0.97–1.09. Products below
/// [`FINE_SPLIT_MIN_MULADDS`] keep one block per thread: at the seed's size, blocks of 64 columns
/// are slower than blocks of 256. So does [`Plan::GemmColumnBlocks`], which cuts its block into
/// [`gemm_block`]-wide calls itself.
pub(crate) const FINE_BLOCKS_PER_THREAD: usize = 4;

/// How many blocks a column split of an `m × n` product of depth `k` by `plan` makes.
pub(crate) fn column_blocks(plan: Plan, (m, n, k): (usize, usize, usize), threads: usize) -> usize {
    let muladds = m.saturating_mul(n).saturating_mul(k);
    if plan == Plan::Gemm && muladds > SPLIT_MAX_MULADDS {
        threads * (n / (threads * GEMM_SPLIT_WIDE_BLOCK)).clamp(1, FINE_BLOCKS_PER_THREAD)
    } else if muladds >= FINE_SPLIT_MIN_MULADDS && plan != Plan::GemmColumnBlocks {
        threads * FINE_BLOCKS_PER_THREAD
    } else {
        threads
    }
}

/// Destination columns per call in [`Plan::FaerColumnBlocks`] for f32: the height of faer's f32
/// kernel, 96 rows. faer's kernel turns the problem so that its rows run along the
/// destination's columns, and on one thread walks the destination 4 of its own columns at a
/// time, reading all of its left operand (all 96-row panels, up to 512 deep) for each 4. A call
/// that covers one panel reads that one panel for every 4 columns instead, from a nearer cache.
/// Side by side against one call, f32, 1 thread: 128×256×512 `dY·Aᵀ` +0.3 to +3 % (fourteen
/// runs of fourteen), `Xᵀ·dY` −0.8 to +3 % (eleven of thirteen above); 128×512×512 `dY·Aᵀ`
/// +9 %, 256×256×512 +2 %, 128×256×1024 +2 %, 128×256×256 −1 %. Blocks of 128 lose 2–6 %
/// (each splits into 96 + 32). These blocks also led one faer call on the seed's `X·A` and
/// `Xᵀ·dY` (by 1–3 %), but while the host is contended (every kernel at two thirds of its usual
/// speed) they trailed gemm there by 3–9 %; gemm's own blocks ([`GEMM_BLOCK`]) lead in both
/// states and serve those products now.
pub(crate) const FAER_BLOCK_F32: usize = 96;

/// Destination columns per call in [`Plan::FaerColumnBlocks`] for f64. On at most 48 rows faer
/// picks its 24×8 f64 kernel over its 48×4 one, which reads half as many vectors per
/// multiply-add (`dY·Aᵀ`, 1 thread, against the better of one faer call and gemm: 128×256×512
/// +5 to +10 %, 64×256×512 +17 %, 128×512×512 +11 %, 256×256×512 +3 %, 128×2048×2048 +6 %,
/// 256×1024×1024 −2 %).
pub(crate) const FAER_BLOCK_F64: usize = 48;

/// Columns per call of [`Plan::FaerColumnBlocks`] for a product with `rows` rows.
pub(crate) fn faer_block(f64: bool, rows: usize) -> usize {
    if f64 {
        FAER_BLOCK_F64
    } else if rows <= FAER_MAX_ROWS {
        FAER_BLOCK_F32
    } else if rows <= FAER_DX_MAX_ROWS_F32 {
        FAER_BLOCK_F32_512_ROWS
    } else {
        FAER_BLOCK_F32_1024_ROWS
    }
}

/// The bytes in a cache line, which [`Plan::FaerAligned`] and [`Plan::GemmAligned`] align rows to.
pub(crate) const CACHE_LINE: usize = 64;

/// Column blocks of a split start on a multiple of this many elements (a cache line of f32), so
/// that two threads never write the same line.
pub(crate) const SPLIT_ALIGN: usize = CACHE_LINE / size_of::<f32>();

pub(crate) fn is_f64<T: Scalar>() -> bool {
    TypeId::of::<T>() == TypeId::of::<f64>()
}

/// Whether the AVX-512 kernels run: x86-64 with AVX-512, and the crate's `x86-v4` feature (which
/// opts gemm into its AVX-512 kernels and builds faer's) on. faer's kernel is called only then,
/// and so are gemm's blocks of [`GEMM_BLOCK`], which were measured only with gemm's AVX-512
/// kernel.
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

/// Which kernels this machine runs, as far as the rules below depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cores {
    /// No AVX-512 kernels ([`avx512_kernels`] is false): gemm's portable ones only.
    Portable,
    /// AVX-512 on a core that is not AMD's: the rules as measured on the Xeon.
    Avx512,
    /// AVX-512 on an AMD core (Zen 4: each 512-bit instruction runs as two 256-bit halves, with
    /// a 1 MiB L2). There the kernels of gemm and faer and matrixmultiply's all reach about 90 %
    /// of the FMA peak on square products, and faer's kernel leads gemm's on more shapes than on
    /// the Xeon ([`AMD_FAER_DX_MAX_ROWS_F64`] and the rules beside it).
    Avx512Amd,
}

/// The [`Cores`] of this machine, detected once.
pub(crate) fn cores() -> Cores {
    static CORES: std::sync::OnceLock<Cores> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        if !avx512_kernels() {
            Cores::Portable
        } else if amd() {
            Cores::Avx512Amd
        } else {
            Cores::Avx512
        }
    })
}

/// Whether the CPU's vendor string is AMD's.
fn amd() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // Leaf 0 spells the vendor in EBX, EDX, ECX: "Auth" "enti" "cAMD".
        let leaf = core::arch::x86_64::__cpuid(0);
        [leaf.ebx, leaf.edx, leaf.ecx]
            .map(u32::to_le_bytes)
            .concat()
            == b"AuthenticAMD"
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// On AMD cores ([`Cores::Avx512Amd`]), f64 `dY·Aᵀ` on one thread with more than
/// [`FAER_MAX_ROWS`] and at most this many rows takes [`Plan::FaerColumnBlocks`] too (blocks of
/// [`FAER_BLOCK_F64`]). One benchmark row each on a quiet host, against faer's call (gemm's /
/// one faer call / blocks of 96 / blocks of 192 / these): 512³ 0.958 / 1.000 / 1.012 / 1.004 /
/// 1.034. At 1024³ the same blocks led too (0.997 / 1.001 / 1.023 / 0.998 / 1.028), but with
/// another tenant on the host they fell behind gemm (0.928, 0.951, 0.973 of it in three rows,
/// where at 512³ they read 1.046–1.075 of gemm), so 1024 rows keep gemm; 2048³ 0.971 of faer.
///
/// The other rules for AMD cores, measured the same way on a Zen 4 (f32 unless said):
/// - `X·A` with few rows ([`FEW_ROWS`]) on one thread takes faer's kernel in blocks of
///   [`FAER_BLOCK_F32`] (32×4096×4096: 1.020–1.066 of faer's call in three rows, where gemm's
///   blocks read 0.966–0.974) and on several threads faer's own (1.000; gemm's blocks split by
///   columns 0.952, faer's 0.977). f64 keeps gemm's blocks (1.057).
/// - `dY·Aᵀ` with few rows and a deep product (the [`Plan::GemmDirect`] case) takes faer's
///   kernel in blocks of [`FAER_BLOCK_F32`] (32×4096×4096: 1.144 of faer's call, where gemm's
///   direct kernel read 0.979, one faer call 0.993, blocks of 256 1.104), on 2 threads split
///   by columns (1.151; gemm's direct kernel 0.898, faer's threads 1.014). f64 keeps gemm's
///   direct kernel (1.054 of the best peer; faer's blocks of 48 0.962).
/// - f32 `dY·Aᵀ` on one thread with more than [`FAER_DX_WIDE_MAX_ROWS_F32`] rows takes one faer
///   call (2048³: 1.001 of faer's; gemm 0.953 in a full benchmark run, faer's blocks of 384
///   0.986, of 96 0.950).
/// - f64 `dY·Aᵀ` on several threads is split by columns into faer's blocks up to
///   [`SPLIT_MAX_MULADDS`] (512³: 1.024 of faer's threads; gemm's split 0.969, faer's threads
///   themselves 1.003) and takes faer's threads beyond (1024³: 1.003; gemm's threads 0.967,
///   faer's blocks split 0.994; 2048³: gemm's threads 0.980 in a full run).
/// - On several threads, where the Xeon's rules leave a large product to gemm's own threads,
///   faer's threads tie with faer and gemm's fall behind: f32 `dY·Aᵀ` beyond 1024³ (2048³:
///   gemm's threads 0.919 in a full benchmark run, faer's 1.001, faer's blocks split by columns
///   0.996), `X·A` beyond 1024³ (f64 2048³: 0.962 against 0.996; f32 below) and f64 `Xᵀ·dY`
///   beyond 1024³ (2048³: gemm's threads 0.979 in a full run) take faer's threads. f32
///   `Xᵀ·dY` between the seed's row split ([`SPLIT_MAX_MULADDS_DA`]) and
///   [`SPLIT_MAX_MULADDS`] takes faer's kernel split by rows (512³: 1.018; gemm's threads 0.951
///   in a full run and 0.949, faer's threads 1.002, faer's split by columns 1.015, gemm's by rows
///   1.002). Left on gemm's threads, as a tie: f32 `Xᵀ·dY` at 1024³ (0.994; faer's threads
///   1.000, by rows 0.950).
/// - f32 `X·A` at 2048³ on two threads was first left on gemm's threads as a tie (0.987 in a
///   full run, 1.033 side by side; faer's threads 1.000), but it read 0.984 and 0.978 in the
///   next two full runs (shapegrad faster in 28 % of the pairs), and side by side on a busy host
///   gemm's threads read 1.026, 0.927 and 0.934 of faer's call where faer's threads read 1.000,
///   1.000 and 0.996 (1.063, 1.012 and 1.050 of gemm's call): it takes faer's threads too.
pub(crate) const AMD_FAER_DX_MAX_ROWS_F64: usize = 512;

/// The schedule for an `m × k` by `k × n` product on this machine's [`cores`]; see the module
/// documentation for the numbers.
pub(crate) fn plan(
    dims: (usize, usize, usize),
    layouts: (Layout, Layout),
    f64: bool,
    threads: usize,
) -> Schedule {
    plan_on(cores(), dims, layouts, f64, threads)
}

/// The schedule for an `m × k` by `k × n` product on `cores`.
pub(crate) fn plan_on(
    cores: Cores,
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
    let avx512 = cores != Cores::Portable;
    let amd = cores == Cores::Avx512Amd;
    let parallel = threads > 1 && n >= 2 * SPLIT_ALIGN * threads;
    let deep_few_rows = m <= DIRECT_MAX_ROWS && k >= DIRECT_MIN_DEPTH_PER_ROW * m;
    let few_rows = m <= FEW_ROWS && n > 2 * COLUMN_BLOCK;
    match (lhs, rhs) {
        // X·A with few rows on AMD cores.
        (Layout::Rows, Layout::Rows) if amd && !f64 && few_rows => whole(if parallel {
            Plan::Faer
        } else {
            Plan::FaerColumnBlocks
        }),
        // X·A.
        (Layout::Rows, Layout::Rows) => {
            let blocks = !parallel && !f64 && avx512 && m > FEW_ROWS && m <= GEMM_BLOCK_MAX_ROWS;
            let plan = if few_rows || blocks {
                Plan::GemmColumnBlocks
            } else {
                Plan::Gemm
            };
            if parallel && (few_rows || x_a_split(muladds, n, k, threads)) {
                split(plan)
            } else if parallel && amd && muladds > WIDE_SPLIT_MAX_MULADDS {
                whole(Plan::Faer)
            } else {
                whole(plan)
            }
        }
        // dY·Aᵀ.
        (Layout::Rows, Layout::Cols) if amd && !f64 && deep_few_rows => {
            if parallel {
                split(Plan::FaerColumnBlocks)
            } else {
                whole(Plan::FaerColumnBlocks)
            }
        }
        (Layout::Rows, Layout::Cols) if deep_few_rows => whole(Plan::GemmDirect),
        (Layout::Rows, Layout::Cols) if !parallel && avx512 && faer_dx_blocks(m, n, f64, amd) => {
            whole(Plan::FaerColumnBlocks)
        }
        (Layout::Rows, Layout::Cols)
            if !parallel && amd && !f64 && m > FAER_DX_WIDE_MAX_ROWS_F32 =>
        {
            whole(Plan::Faer)
        }
        (Layout::Rows, Layout::Cols) if parallel => {
            if !f64 && avx512 && muladds <= SPLIT_MAX_MULADDS_F32_DX {
                split(Plan::Faer)
            } else if !f64 && amd {
                whole(Plan::Faer)
            } else if f64 && avx512 && (m <= FAER_MAX_ROWS || (amd && muladds <= SPLIT_MAX_MULADDS))
            {
                split(Plan::FaerColumnBlocks)
            } else if f64 && amd {
                whole(Plan::Faer)
            } else if f64 && muladds <= SPLIT_MAX_MULADDS {
                split(Plan::Gemm)
            } else {
                whole(Plan::Gemm)
            }
        }
        // Xᵀ·dY with a small batch and a large destination (a large, shallow product).
        (Layout::Cols, Layout::Rows)
            if threads == 1
                && avx512
                && k <= FAER_THIN_MAX_DEPTH
                && m.saturating_mul(n) >= FAER_THIN_MIN_ELEMS =>
        {
            whole(Plan::FaerAligned)
        }
        // f32 Xᵀ·dY with a small destination.
        (Layout::Cols, Layout::Rows)
            if threads == 1
                && avx512
                && !f64
                && m * n <= DA_BLOCK_MAX_ELEMS
                && k <= DA_BLOCK_MAX_DEPTH =>
        {
            whole(Plan::GemmColumnBlocks)
        }
        // f32 Xᵀ·dY up to 512³ and a little more on several AMD cores: faer's kernel by rows.
        (Layout::Cols, Layout::Rows)
            if parallel
                && amd
                && !f64
                && k > THIN_DEPTH
                && m >= 2 * threads
                && muladds > SPLIT_MAX_MULADDS_DA
                && muladds <= SPLIT_MAX_MULADDS =>
        {
            Schedule {
                plan: Plan::Faer,
                split: Split::Rows,
            }
        }
        // f64 Xᵀ·dY beyond 1024³ on several AMD cores: faer's threads.
        (Layout::Cols, Layout::Rows)
            if parallel && amd && f64 && muladds > WIDE_SPLIT_MAX_MULADDS =>
        {
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
        // Thin Xᵀ·dY on several threads with enough rows and a large enough destination
        // (`thin_split`): by rows, in blocks.
        (Layout::Cols, Layout::Rows)
            if parallel && k <= THIN_DEPTH && thin_split(m, n, k, threads) =>
        {
            Schedule {
                plan: Plan::GemmAligned,
                split: Split::RowBlocks,
            }
        }
        _ => whole(Plan::Gemm),
    }
}
