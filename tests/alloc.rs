//! What products allocate, counted by a global allocator.
//!
//! The GEMM backend allocates its own packing workspace on every call (every GEMM packs operand
//! panels; that is the kernel's business, not a copy shapegrad makes). So each test compares
//! shapegrad's allocations with the kernel's own, measured by calling `gemm::gemm` directly with
//! the same sizes and strides: whatever is left over is what shapegrad allocated.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use shapegrad::{Grads, MatMul, Matrix, Threads, Write, dim, with_threads};

const MAX_LOG: usize = 64;

thread_local! {
    // Sizes of the allocations made on this thread while recording; fixed-size, so logging
    // never allocates itself.
    static LOG: Cell<Option<([usize; MAX_LOG], usize)>> = const { Cell::new(None) };
}

struct Counting;

// SAFETY: every call is forwarded unchanged to `System`, which upholds GlobalAlloc's contract;
// the thread-local bookkeeping neither allocates nor touches the returned memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LOG.try_with(|log| {
            if let Some((mut sizes, n)) = log.get() {
                if n < MAX_LOG {
                    sizes[n] = layout.size();
                }
                log.set(Some((sizes, n + 1)));
            }
        });
        // SAFETY: same layout, forwarded to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout, in `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns the sizes of the allocations it made on this thread, sorted.
fn allocations<R>(f: impl FnOnce() -> R) -> Vec<usize> {
    LOG.with(|log| log.set(Some(([0; MAX_LOG], 0))));
    let out = f();
    let (sizes, n) = LOG.with(|log| log.take()).expect("recording was started");
    drop(out);
    assert!(n <= MAX_LOG, "{n} allocations: more than the log holds");
    let mut sizes = sizes[..n].to_vec();
    sizes.sort_unstable();
    sizes
}

/// `dst = lhs · rhs` through the backend directly: the kernel's own allocations, for reference.
/// Strides are (row, column) in elements; `dst` is row-major `m × n`.
fn kernel(
    dst: &mut [f32],
    lhs: (&[f32], usize, usize),
    rhs: (&[f32], usize, usize),
    mnk: [usize; 3],
) {
    let [m, n, k] = mnk;
    assert_eq!(dst.len(), m * n);
    assert!(lhs.0.len() > (m - 1) * lhs.1 + (k - 1) * lhs.2);
    assert!(rhs.0.len() > (k - 1) * rhs.1 + (n - 1) * rhs.2);
    // SAFETY: the asserts above keep every offset the kernel reads or writes inside its slice;
    // `dst` is a unique borrow, so it aliases neither operand.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            false,
            lhs.0.as_ptr(),
            lhs.2 as isize,
            lhs.1 as isize,
            rhs.0.as_ptr(),
            rhs.2 as isize,
            rhs.1 as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

dim!(I = 128, K = 256, J = 512);

const F32: usize = size_of::<f32>();

fn merged(mut a: Vec<usize>, b: &[usize]) -> Vec<usize> {
    a.extend_from_slice(b);
    a.sort_unstable();
    a
}

struct Seed {
    x: Matrix<I, K>,
    a: Matrix<K, J>,
    dy: Matrix<I, J>,
}

impl Seed {
    fn new() -> Self {
        Seed {
            x: Matrix::rand(1),
            a: Matrix::rand(2),
            dy: Matrix::rand(3),
        }
    }

    /// The kernel's own allocations for dX = dY·Aᵀ and dA = Xᵀ·dY, with shapegrad's strides.
    fn kernel_backward(&self) -> Vec<usize> {
        let (i, k, j) = (128, 256, 512);
        let mut dx = vec![0.0; i * k];
        let mut da = vec![0.0; k * j];
        let dx_allocs = allocations(|| {
            // dY: I×J row-major; Aᵀ: J×K with row stride 1, column stride J.
            kernel(
                &mut dx,
                (self.dy.as_slice(), j, 1),
                (self.a.as_slice(), 1, j),
                [i, k, j],
            );
        });
        let da_allocs = allocations(|| {
            // Xᵀ: K×I with row stride 1, column stride K; dY: I×J row-major.
            kernel(
                &mut da,
                (self.x.as_slice(), 1, k),
                (self.dy.as_slice(), j, 1),
                [k, j, i],
            );
        });
        merged(dx_allocs, &da_allocs)
    }
}

#[test]
fn backward_allocates_its_two_outputs_and_nothing_else_of_its_own() {
    with_threads(Threads::Sequential, || {
        let s = Seed::new();
        let mm = MatMul::forward(&s.x, &s.a);
        drop(mm.backward(&s.dy)); // warm-up: the kernel's per-thread caches
        let kernel = s.kernel_backward();
        let outputs = [128 * 256 * F32, 256 * 512 * F32];
        assert_eq!(allocations(|| mm.backward(&s.dy)), merged(kernel, &outputs));
    });
}

#[test]
fn backward_into_allocates_nothing_of_its_own() {
    with_threads(Threads::Sequential, || {
        let s = Seed::new();
        let mm = MatMul::forward(&s.x, &s.a);
        let mut grads = Grads {
            dx: Matrix::zeros(),
            da: Matrix::zeros(),
        };
        mm.backward_into(&s.dy, &mut grads, Write::Overwrite);
        let kernel = s.kernel_backward();
        let got = allocations(|| mm.backward_into(&s.dy, &mut grads, Write::Accumulate));
        assert_eq!(got, kernel);
    });
}

#[test]
fn forward_allocates_only_its_output() {
    with_threads(Threads::Sequential, || {
        let s = Seed::new();
        drop(s.x.matmul(&s.a));
        let mut y = vec![0.0; 128 * 512];
        let kernel = allocations(|| {
            kernel(
                &mut y,
                (s.x.as_slice(), 256, 1),
                (s.a.as_slice(), 512, 1),
                [128, 512, 256],
            );
        });
        let got = allocations(|| s.x.matmul(&s.a));
        assert_eq!(got, merged(kernel, &[128 * 512 * F32]));
    });
}

#[test]
fn a_training_step_with_reused_buffers_allocates_nothing_of_its_own() {
    with_threads(Threads::Sequential, || {
        let s = Seed::new();
        let mut y = Matrix::<I, J>::zeros();
        let mut grads = Grads {
            dx: Matrix::zeros(),
            da: Matrix::zeros(),
        };
        let mut step = |y: Matrix<I, J>| {
            let mm = MatMul::forward_into(&s.x, &s.a, y);
            mm.backward_into(&s.dy, &mut grads, Write::Overwrite);
            mm.into_output()
        };
        y = step(y);
        let mut yk = vec![0.0; 128 * 512];
        let kernel_fwd = allocations(|| {
            kernel(
                &mut yk,
                (s.x.as_slice(), 256, 1),
                (s.a.as_slice(), 512, 1),
                [128, 512, 256],
            );
        });
        let kernel = merged(kernel_fwd, &s.kernel_backward());
        let got = allocations(|| y = step(std::mem::replace(&mut y, Matrix::zeros())));
        // The replacement `Matrix::zeros()` above is the test's own allocation, not the step's.
        assert_eq!(got, merged(kernel, &[128 * 512 * F32]));
    });
}
