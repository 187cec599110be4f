//! The bench's only unsafe code: the backend (`gemm::gemm`) and matrixmultiply called through
//! their raw-pointer APIs, and the FMA microbenchmark that measures the machine's peak.
//!
//! Every pointer handed to a library comes from a [`View`] or [`ViewMut`], whose constructors
//! check that each element the strides can reach lies inside the slice.
#![allow(unsafe_code)]

/// A read-only strided matrix: element `(i, j)` is `data[i·rs + j·cs]`.
#[derive(Clone, Copy, Debug)]
pub struct View<'a, T> {
    data: &'a [T],
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Distance between consecutive rows.
    pub rs: usize,
    /// Distance between consecutive columns.
    pub cs: usize,
}

/// Whether every offset `i·rs + j·cs` (`i < rows`, `j < cols`) is below `len`, and each stride
/// fits an `isize`.
fn fits(len: usize, rows: usize, cols: usize, rs: usize, cs: usize) -> bool {
    let last = (rows.max(1) - 1).checked_mul(rs).and_then(|r| {
        (cols.max(1) - 1)
            .checked_mul(cs)
            .and_then(|c| r.checked_add(c))
    });
    let strides_fit = isize::try_from(rs).is_ok() && isize::try_from(cs).is_ok();
    rows > 0 && cols > 0 && strides_fit && last.is_some_and(|l| l < len)
}

impl<'a, T> View<'a, T> {
    /// A strided view; panics unless every element it names is inside `data`.
    pub fn new(data: &'a [T], rows: usize, cols: usize, rs: usize, cs: usize) -> Self {
        assert!(fits(data.len(), rows, cols, rs, cs), "view out of bounds");
        View {
            data,
            rows,
            cols,
            rs,
            cs,
        }
    }

    /// A row-major `rows × cols` view of all of `data`.
    pub fn row_major(data: &'a [T], rows: usize, cols: usize) -> Self {
        assert_eq!(data.len(), rows * cols);
        Self::new(data, rows, cols, cols, 1)
    }

    /// The transpose: same data, dimensions and strides swapped.
    pub fn t(self) -> Self {
        View {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
        }
    }

    /// The underlying slice.
    pub fn data(&self) -> &'a [T] {
        self.data
    }

    /// Whether the view is row-major and dense (the whole slice, rows one after another).
    pub fn is_row_major(&self) -> bool {
        self.cs == 1 && self.rs == self.cols && self.data.len() == self.rows * self.cols
    }

    /// Whether the view is column-major and dense.
    pub fn is_col_major(&self) -> bool {
        self.rs == 1 && self.cs == self.rows && self.data.len() == self.rows * self.cols
    }
}

/// A dense row-major destination `rows × cols`.
#[derive(Debug)]
pub struct ViewMut<'a, T> {
    data: &'a mut [T],
    rows: usize,
    cols: usize,
}

impl<'a, T> ViewMut<'a, T> {
    /// Panics unless `data` has exactly `rows × cols` elements (both non-zero).
    pub fn row_major(data: &'a mut [T], rows: usize, cols: usize) -> Self {
        assert!(rows > 0 && cols > 0 && data.len() == rows * cols);
        assert!(isize::try_from(cols).is_ok());
        ViewMut { data, rows, cols }
    }
}

/// matrixmultiply's `sgemm`/`dgemm`: `(m, k, n, α, a, rsa, csa, b, rsb, csb, β, c, rsc, csc)`.
pub type MmGemm<T> = unsafe fn(
    usize,
    usize,
    usize,
    T,
    *const T,
    isize,
    isize,
    *const T,
    isize,
    isize,
    T,
    *mut T,
    isize,
    isize,
);

/// `f32` and `f64`: matrixmultiply's entry point for each.
pub trait RawElem: Copy + Send + Sync + 'static {
    /// `matrixmultiply::sgemm` or `matrixmultiply::dgemm`.
    const MM_GEMM: MmGemm<Self>;
    /// One.
    const ONE: Self;
    /// Zero.
    const ZERO: Self;
}

impl RawElem for f32 {
    const MM_GEMM: MmGemm<f32> = matrixmultiply::sgemm;
    const ONE: f32 = 1.0;
    const ZERO: f32 = 0.0;
}

impl RawElem for f64 {
    const MM_GEMM: MmGemm<f64> = matrixmultiply::dgemm;
    const ONE: f64 = 1.0;
    const ZERO: f64 = 0.0;
}

fn check_product<T>(dst: &ViewMut<'_, T>, lhs: &View<'_, T>, rhs: &View<'_, T>) {
    assert_eq!(lhs.cols, rhs.rows, "inner dimensions differ");
    assert_eq!(
        (dst.rows, dst.cols),
        (lhs.rows, rhs.cols),
        "wrong destination"
    );
}

/// `dst = lhs · rhs` by `gemm::gemm` (the backend), exactly as shapegrad's plain call makes it:
/// row-major destination, operands by their strides, `threads == 1` as `Parallelism::None`.
pub fn backend_gemm<T: RawElem>(
    dst: ViewMut<'_, T>,
    lhs: View<'_, T>,
    rhs: View<'_, T>,
    threads: usize,
) {
    check_product(&dst, &lhs, &rhs);
    let par = match threads {
        1 => gemm::Parallelism::None,
        t => gemm::Parallelism::Rayon(t),
    };
    let (m, n, k) = (dst.rows, dst.cols, lhs.cols);
    // SAFETY: `View::new` checked that every offset i·rs + j·cs of each operand (i < rows,
    // j < cols) is inside its slice and that the strides fit an isize, `ViewMut::row_major` that
    // `dst` holds exactly m·n elements, and `check_product` that the three shapes agree, so gemm
    // reads and writes only inside the three slices. `dst` is a unique borrow, so it aliases
    // neither operand; m, n, k are non-zero. T is f32 or f64 (RawElem is implemented for those
    // two only), which gemm serves.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.data.as_mut_ptr(),
            1,
            n as isize,
            false,
            lhs.data.as_ptr(),
            lhs.cs as isize,
            lhs.rs as isize,
            rhs.data.as_ptr(),
            rhs.cs as isize,
            rhs.rs as isize,
            T::ONE,
            T::ONE,
            false,
            false,
            false,
            par,
        );
    }
}

/// `dst = lhs · rhs` by matrixmultiply's raw strided API (its fastest entry: no copies). Its
/// thread count is its own, fixed per process by `MATMUL_NUM_THREADS`.
pub fn matrixmultiply_gemm<T: RawElem>(dst: ViewMut<'_, T>, lhs: View<'_, T>, rhs: View<'_, T>) {
    check_product(&dst, &lhs, &rhs);
    let (m, n, k) = (dst.rows, dst.cols, lhs.cols);
    // SAFETY: as for `backend_gemm`: every element the strides name is inside its slice (checked
    // by the view constructors and `check_product`), `dst` is a unique borrow of exactly m·n
    // elements, and with β = 0 matrixmultiply writes `dst` without reading it.
    unsafe {
        (T::MM_GEMM)(
            m,
            k,
            n,
            T::ONE,
            lhs.data.as_ptr(),
            lhs.rs as isize,
            lhs.cs as isize,
            rhs.data.as_ptr(),
            rhs.rs as isize,
            rhs.cs as isize,
            T::ZERO,
            dst.data.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// The machine's FMA peak on one core, in GFLOP/s (f32, f64), and the instruction set measured;
/// `None` when the CPU has no FMA the bench knows.
pub fn fma_peak() -> Option<(f64, f64, &'static str)> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the functions need AVX-512F, detected at run time just above.
            let (s, d) = best_of(|| unsafe { (x86::avx512_f32(), x86::avx512_f64()) });
            return Some((s, d, "AVX-512 FMA"));
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the functions need AVX2 and FMA, detected at run time just above.
            let (s, d) = best_of(|| unsafe { (x86::avx2_f32(), x86::avx2_f64()) });
            return Some((s, d, "AVX2 FMA"));
        }
    }
    None
}

/// Best of many short timings of `f`, which returns (f32 GFLOP/s, f64 GFLOP/s): on a shared
/// machine some of them run on a core of their own.
fn best_of(mut f: impl FnMut() -> (f64, f64)) -> (f64, f64) {
    let mut best = (0.0f64, 0.0f64);
    for _ in 0..40 {
        let (s, d) = f();
        best = (best.0.max(s), best.1.max(d));
    }
    best
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;
    use std::hint::black_box;
    use std::time::Instant;

    /// Iterations of the FMA loop: a few milliseconds at peak.
    const ITERS: usize = 400_000;
    /// Independent accumulators: enough to hide the FMA latency on two ports.
    const ACC: usize = 16;

    macro_rules! fma_loop {
        ($name:ident, $feat:literal, $ty:ty, $vec:ty, $set1:ident, $fma:ident, $lanes:expr) => {
            #[target_feature(enable = $feat)]
            pub(super) fn $name() -> f64 {
                let a = $set1(black_box(0.999_999 as $ty));
                let b = $set1(black_box(1e-6 as $ty));
                let mut acc: [$vec; ACC] = [$set1(1.0); ACC];
                let flops = (ITERS * ACC * $lanes * 2) as f64;
                // Timed inline (no closure), so the loop is compiled with the target feature.
                let start = Instant::now();
                for _ in 0..ITERS {
                    for v in acc.iter_mut() {
                        *v = $fma(*v, a, b);
                    }
                }
                black_box(acc);
                flops / start.elapsed().as_secs_f64() / 1e9
            }
        };
    }

    fma_loop!(
        avx512_f32,
        "avx512f",
        f32,
        __m512,
        _mm512_set1_ps,
        _mm512_fmadd_ps,
        16
    );
    fma_loop!(
        avx512_f64,
        "avx512f",
        f64,
        __m512d,
        _mm512_set1_pd,
        _mm512_fmadd_pd,
        8
    );
    fma_loop!(
        avx2_f32,
        "avx2,fma",
        f32,
        __m256,
        _mm256_set1_ps,
        _mm256_fmadd_ps,
        8
    );
    fma_loop!(
        avx2_f64,
        "avx2,fma",
        f64,
        __m256d,
        _mm256_set1_pd,
        _mm256_fmadd_pd,
        4
    );
}
