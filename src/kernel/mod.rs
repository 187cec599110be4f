//! The one call into the GEMM kernels, the crate's only unsafe code, the choice of instruction
//! set for element-wise loops ([`vectorized`]), and independent items shared between the calling
//! thread and the pool ([`share_chunks`]).
//!
//! Everything typed ends here: dimensions are plain `usize`s, transposes are strides, and the
//! function is generic only over the element type (`f32` or `f64`), so each shape the user writes
//! costs a few lines of monomorphised glue, never a copy of the GEMM.
//!
//! Which kernel and schedule a product gets is decided in [`policy`], safe code; this module
//! only carries the decision out.
#![allow(unsafe_code)]

mod policy;
mod share;

pub(crate) use self::share::share_chunks;

use self::policy::{
    FEW_ROWS_BLOCK, Machine, Plan, Schedule, Split, THIN_SPLIT_ROWS, cache_line, faer_block,
    is_f64, layout, plan,
};
use crate::{Dyn, MatRef, Scalar};

/// A loop over elements to be compiled for the widest vector instructions the CPU has: see
/// [`vectorized`]. `run` must be `#[inline(always)]`, and so must what it calls, for the loop to be
/// compiled inside the instruction set's function rather than called from it.
pub(crate) trait ElementLoop {
    /// What the loop returns.
    type Output;
    /// The loop.
    fn run(self) -> Self::Output;
}

/// [`pulp`]'s entry point for an [`ElementLoop`].
struct Dispatch<L>(L);

impl<L: ElementLoop> pulp::WithSimd for Dispatch<L> {
    type Output = L::Output;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> L::Output {
        self.0.run()
    }
}

/// Runs `job` compiled for the widest vector instructions the CPU has (AVX-512 or AVX2 with
/// FMA, detected at run time; the crate itself is built for the baseline x86-64, whose vectors
/// are four `f32` wide), so its loops are vectorised for that instruction set.
#[inline(always)]
pub(crate) fn vectorized<L: ElementLoop>(job: L) -> L::Output {
    pulp::Arch::new().dispatch(Dispatch(job))
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
        Machine::this(),
        (m, n, k),
        (layout(&lhs), layout(&rhs)),
        is_f64::<T>(),
        threads,
    );
    // The bounds argument, which the `SAFETY` comments below and in `Operands` rely on: every
    // plan reads `lhs` at offsets i·rs + p·cs for i < m, p < k, `rhs` at p·rs + j·cs for p < k,
    // j < n, and writes `dst` at i·n + j, for i < m, j < n. `MatRef`'s invariant (established by
    // its only constructors, `row_major`, `try_from_strided` (which checks it) and `t`, and kept
    // by `erase`, `try_with_rows`, `with_rows`, `with_cols` and `with_elems`, which check that
    // sizes and lengths do not change) is that every such offset of a non-empty view is inside its slice; `dst.len() == m·n` was asserted
    // above, with m, n, k > 0. `dst` is a `&mut` borrow, so it aliases neither operand, and the
    // three borrows outlive every use of the pointers below. The element type is `f32` or `f64`
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
    // SAFETY: the bounds argument; `run` and the splits only hand out sub-problems of `op`.
    unsafe { run(op, schedule) };
}

/// Carries out `schedule` on `op`: the plan on the whole product, or on blocks of it, one or
/// more per thread.
///
/// # Safety
/// `op` must satisfy [`Operands::run`]'s contract (`gemm`'s bounds argument).
unsafe fn run<T: Scalar>(op: Operands<T>, schedule: Schedule) {
    let (m, n, threads) = (op.m, op.n, op.threads);
    match schedule.split {
        Split::None => {
            // SAFETY: the caller's contract; the full problem.
            unsafe { op.run(schedule.plan) };
        }
        Split::Columns => {
            // Each block starts on a cache line of the destination's rows, so that two threads
            // never write the same line.
            let align = (cache_line() / size_of::<T>()).max(1);
            let width = n.div_ceil(threads).next_multiple_of(align);
            // SAFETY: the caller's contract; the blocks' columns are disjoint.
            unsafe {
                split(op, schedule.plan, n.div_ceil(width), |o, b| {
                    o.columns(b * width, width.min(n - b * width))
                });
            }
        }
        Split::Rows | Split::RowBlocks => {
            let height = if schedule.split == Split::Rows {
                m.div_ceil(threads)
            } else {
                THIN_SPLIT_ROWS
            };
            // SAFETY: the caller's contract; the blocks' rows are disjoint.
            unsafe {
                split(op, schedule.plan, m.div_ceil(height), |o, b| {
                    o.rows(b * height, height.min(m - b * height))
                });
            }
        }
    }
}

/// Runs `plan` on `blocks` disjoint blocks of `op`'s destination, `block(op, b)` for
/// b < blocks, each on one thread of rayon's pool (the first in the scope's own body, which
/// rayon runs on a pool thread when the caller is not one).
///
/// # Safety
/// `op` must satisfy [`Operands::run`]'s contract (`gemm`'s bounds argument), and `block` must
/// return sub-problems of `op` with pairwise disjoint destinations.
unsafe fn split<T: Scalar>(
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
        // SAFETY: as for the spawned blocks; block 0 runs in the scope's own body.
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

    /// The sub-problems of at most `width` destination columns each, left to right.
    fn column_slices(&self, width: usize) -> impl Iterator<Item = Self> + '_ {
        (0..self.n)
            .step_by(width)
            .map(move |j| self.columns(j, width.min(self.n - j)))
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

    /// The destination columns before its first cache-line boundary, when every row starts that
    /// far from one (a row is a whole number of lines) and columns are left after them; else 0.
    fn misaligned_columns(&self) -> usize {
        let size = size_of::<T>();
        let row_bytes = self.dst_rs.unsigned_abs() * size;
        let line = cache_line();
        let past_line = self.dst.addr() % line;
        if !row_bytes.is_multiple_of(line) || past_line == 0 {
            return 0;
        }
        // Exact: `dst` is aligned to its element, whose size divides a line.
        let lead = (line - past_line) / size;
        if lead < self.n { lead } else { 0 }
    }

    /// The columns before the first cache-line boundary, if any
    /// ([`misaligned_columns`](Self::misaligned_columns)), then the rest, whose rows all start
    /// on a line.
    fn line_aligned_parts(&self) -> impl Iterator<Item = Self> + '_ {
        let lead = self.misaligned_columns();
        let first = (lead > 0).then(|| self.columns(0, lead));
        first
            .into_iter()
            .chain(core::iter::once(self.columns(lead, self.n - lead)))
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
    /// [`Plan::Faer`], [`Plan::FaerAligned`] and [`Plan::FaerColumnBlocks`] need x86-64 with
    /// AVX-512 (elsewhere they fall back to gemm).
    unsafe fn run(&self, plan: Plan) {
        // SAFETY: forwarded from the caller.
        unsafe {
            match plan {
                Plan::Gemm => self.gemm(),
                Plan::GemmDirect => self.gemm_direct(),
                // Sub-problems of this one, with disjoint destination columns.
                Plan::GemmColumnBlocks => {
                    for block in self.column_slices(FEW_ROWS_BLOCK) {
                        block.gemm();
                    }
                }
                // At most two sub-problems with disjoint destination columns.
                Plan::GemmAligned => {
                    for part in self.line_aligned_parts() {
                        part.gemm();
                    }
                }
                Plan::Faer => self.faer(),
                // As for GemmAligned.
                Plan::FaerAligned => {
                    for part in self.line_aligned_parts() {
                        part.faer();
                    }
                }
                Plan::FaerColumnBlocks => {
                    for block in self.column_slices(faer_block(is_f64::<T>())) {
                        block.faer();
                    }
                }
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
        if !policy::avx512_kernels() {
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

    /// Row-major `m × k` and `k × n` buffers of small integers: every sum of their products is
    /// exact, whatever order a kernel adds in, so results can be compared with `==`.
    fn small_integer_operands<T: Scalar>(m: usize, n: usize, k: usize) -> (Vec<T>, Vec<T>) {
        let fill = |len: usize, mul: usize, modulus: usize| {
            (0..len)
                .map(|i| T::from_f64(((i * mul) % modulus) as f64 - (modulus / 2) as f64))
                .collect()
        };
        (fill(m * k, 7, 13), fill(k * n, 5, 11))
    }

    /// The public path, `gemm` with its schedule, against a triple loop: the seed size and a
    /// small batch, in the three layouts of a product and its backward, both element types,
    /// on one thread and on two (where the destination is split).
    #[test]
    fn gemm_computes_the_product_under_every_schedule() {
        use crate::{Threads, with_threads};
        use core::num::NonZeroUsize;

        fn check<T: Scalar>((m, n, k): (usize, usize, usize), lhs_t: bool, rhs_t: bool) {
            let (l, r) = small_integer_operands::<T>(m, n, k);
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
        // X·A and dY·Aᵀ with a batch of 32 (the second deep enough for `dx-direct`), Xᵀ·dY with
        // a depth of 32, the seed size, and an Xᵀ·dY split by rows.
        for (dims, lhs_t, rhs_t) in [
            ((32, 640, 128), false, false),
            ((32, 640, 128), false, true),
            ((32, 640, 512), false, true),
            ((640, 128, 32), true, false),
            ((128, 512, 256), false, false),
            ((128, 256, 512), false, true),
            ((256, 512, 128), true, false),
            ((256, 512, 264), true, false),
        ] {
            check::<f32>(dims, lhs_t, rhs_t);
            check::<f64>(dims, lhs_t, rhs_t);
        }
    }

    /// The closed form of the split tests: `lhs[i][p] = u(i) + v(p)` and `rhs[p][j] = w(j)` make
    /// `dst[i][j] = w(j) · (k·u(i) + Σ_p v(p))`, which depends on the row, the column and the
    /// whole depth, so a block computed at a wrong offset or over part of the depth shows. Small
    /// integers keep every sum exact.
    fn u(i: usize) -> f64 {
        (i % 7) as f64 - 3.0
    }

    /// See [`u`].
    fn v(p: usize) -> f64 {
        (p % 5) as f64 - 2.0
    }

    /// See [`u`].
    fn w(j: usize) -> f64 {
        (j % 11) as f64 - 5.0
    }

    /// The index of `buf`'s first element on a cache line.
    fn first_on_a_line<T>(buf: &[T]) -> usize {
        let at = buf.as_ptr().addr();
        (at.next_multiple_of(cache_line()) - at) / size_of::<T>()
    }

    /// Asserts that the row-major `m × n` `dst` holds the closed form of [`u`] at depth `k`.
    fn assert_closed_form<T: Scalar>(dst: &[T], (m, n, k): (usize, usize, usize)) {
        let sum_v: f64 = (0..k).map(v).sum();
        for i in 0..m {
            for j in 0..n {
                let want = w(j) * (k as f64 * u(i) + sum_v);
                assert_eq!(dst[i * n + j].to_f64(), want, "{m}x{k}x{n} ({i}, {j})");
            }
        }
    }

    /// Every split, with every plan a split can carry, on two threads, against the closed form
    /// of [`u`]: a block at a wrong offset, a short last block, a block over part of the depth
    /// or a lost leading column shows. The destination starts one element past a cache line, so
    /// the aligned plans have leading columns to compute apart in every block.
    #[test]
    fn every_split_computes_the_product() {
        fn check<T: Scalar>(schedule: Schedule, (m, n, k): (usize, usize, usize)) {
            // `lhs[i][p] = u(i) + v(p)` as the transpose of a row-major k × m buffer (as `Xᵀ`
            // is) for the row splits, as a row-major m × k buffer otherwise.
            let transposed = schedule.split != Split::Columns;
            let l: Vec<T> = (0..m * k)
                .map(|x| {
                    let (i, p) = if transposed {
                        (x % m, x / m)
                    } else {
                        (x / k, x % k)
                    };
                    T::from_f64(u(i) + v(p))
                })
                .collect();
            let r: Vec<T> = (0..k * n).map(|x| T::from_f64(w(x % n))).collect();
            let mut buf = vec![T::ONE; m * n + cache_line()];
            let start = first_on_a_line(&buf) + 1;
            let dst = &mut buf[start..][..m * n];
            let (lhs_rs, lhs_cs) = if transposed { (1, m) } else { (k, 1) };
            let op = Operands {
                m,
                n,
                k,
                dst: dst.as_mut_ptr(),
                dst_rs: stride(n),
                lhs: l.as_ptr(),
                lhs_rs: stride(lhs_rs),
                lhs_cs: stride(lhs_cs),
                rhs: r.as_ptr(),
                rhs_rs: stride(n),
                rhs_cs: 1,
                scale: T::ONE,
                accumulate: false,
                threads: 2,
            };
            // SAFETY: dense m×k and k×n operands and an m×n destination inside `buf`, all alive
            // for the call.
            unsafe { run(op, schedule) };
            assert_closed_form(dst, (m, n, k));
        }
        for plan in Plan::ALL {
            for split in [Split::Columns, Split::Rows, Split::RowBlocks] {
                let schedule = Schedule { plan, split };
                // Two blocks of columns, the second narrower; two blocks of rows; row blocks of
                // `THIN_SPLIT_ROWS`, two whole and one of 52 rows.
                check::<f32>(schedule, (2 * THIN_SPLIT_ROWS + 52, 600, 7));
                check::<f64>(schedule, (2 * THIN_SPLIT_ROWS + 52, 560, 5));
            }
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
            let (l, r) = small_integer_operands::<T>(m, n, k);
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
        for plan_ in Plan::ALL {
            for (lt, rt) in [(false, false), (false, true), (true, false), (true, true)] {
                check::<f32>(plan_, (19, 23, 17), lt, rt);
                check::<f64>(plan_, (19, 23, 17), lt, rt);
            }
            // Wider than two of FaerColumnBlocks' f32 blocks and four of its f64 ones, with a
            // narrower last block.
            check::<f32>(plan_, (5, 203, 9), false, true);
            check::<f64>(plan_, (5, 203, 9), true, false);
            // GemmColumnBlocks' blocks of 250, the last narrower.
            check::<f64>(plan_, (5, 530, 3), false, false);
            check::<f32>(plan_, (260, 530, 2), false, true);
        }
    }

    /// `misaligned_columns` counts the columns before the destination's first cache line, for
    /// every offset from a line, only when a row is whole lines and columns are left; and
    /// `GemmAligned` and `FaerAligned`, which compute those columns by a call of their own, get
    /// the product right at every offset, in both types.
    #[test]
    fn the_aligned_plans_compute_the_columns_before_the_first_line_apart() {
        /// Row-major m×k and k×n operands, and an m×n destination with rows `dst_rs` apart.
        fn dense<T: Scalar>(
            (m, n, k): (usize, usize, usize),
            dst: *mut T,
            dst_rs: usize,
            lhs: *const T,
            rhs: *const T,
        ) -> Operands<T> {
            Operands {
                m,
                n,
                k,
                dst,
                dst_rs: stride(dst_rs),
                lhs,
                lhs_rs: stride(k),
                lhs_cs: 1,
                rhs,
                rhs_rs: stride(n),
                rhs_cs: 1,
                scale: T::ONE,
                accumulate: false,
                threads: 1,
            }
        }

        fn check<T: Scalar>() {
            let per_line = cache_line() / size_of::<T>();
            // n = 2 lines of columns (rows whole lines), then one element more (not).
            for (m, n, k) in [(9, 2 * per_line, 5), (9, 2 * per_line + 1, 5)] {
                let (l, r) = small_integer_operands::<T>(m, n, k);
                let mut want = vec![T::ZERO; m * n];
                for i in 0..m {
                    for j in 0..n {
                        want[i * n + j] = (0..k).map(|p| l[i * k + p] * r[p * n + j]).sum();
                    }
                }
                let mut buf = vec![T::ONE; m * n + 2 * per_line];
                let start = first_on_a_line(&buf);
                for past in 0..per_line {
                    let dst = &mut buf[start + past..start + past + m * n];
                    let op = dense((m, n, k), dst.as_mut_ptr(), n, l.as_ptr(), r.as_ptr());
                    let lead = if past == 0 || !n.is_multiple_of(per_line) {
                        0
                    } else {
                        per_line - past
                    };
                    assert_eq!(
                        op.misaligned_columns(),
                        lead,
                        "{n} columns, {past} past a line"
                    );
                    for aligned in [Plan::GemmAligned, Plan::FaerAligned] {
                        // SAFETY: dense m×k and k×n operands, and dst is m·n elements of `buf`,
                        // all alive for the call.
                        unsafe { op.run(aligned) };
                        assert!(dst == want, "{aligned:?}: {n} columns, {past} past a line");
                        dst.fill(T::ONE);
                    }
                }
            }
            // With no column left after the misaligned ones there is nothing to split off (the
            // operands are never read: only the destination's address and shape count).
            let mut buf = vec![T::ZERO; 4 * per_line];
            let two_short = first_on_a_line(&buf) + per_line - 2;
            let dst = buf[two_short..].as_mut_ptr();
            for (n, lead) in [(1, 0), (2, 0), (3, 2)] {
                let op = dense((1, n, 1), dst, per_line, dst, dst);
                assert_eq!(op.misaligned_columns(), lead, "{n} columns");
            }
        }
        check::<f32>();
        check::<f64>();
    }
}
