//! What products allocate, counted by a global allocator.
//!
//! The GEMM kernels allocate their own packing workspace on every call (every GEMM packs operand
//! panels; that is the kernel's business, not a copy shapegrad makes), and which kernel runs
//! depends on the layout and shape. So the tests compare like with like: an allocating operation
//! against its `_into` twin on the same operands (the difference must be exactly the outputs), a
//! composite (`backward_into`, a training step) against the products it is made of, and one
//! product against `gemm::gemm` called directly, at a shape the backend hands to `gemm::gemm`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use shapegrad::graph::Tape;
use shapegrad::{Const, Grads, MatMul, Matrix, Threads, Write, dim, make_guard, with_threads};

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

dim!(I = 128, K = 256, J = 512, M = 512);

const F32: usize = size_of::<f32>();

fn merged(mut a: Vec<usize>, b: &[usize]) -> Vec<usize> {
    a.extend_from_slice(b);
    a.sort_unstable();
    a
}

/// The seed's operands, and buffers for every result.
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

    fn grads() -> Grads<I, K, J> {
        Grads {
            dx: Matrix::zeros(),
            da: Matrix::zeros(),
        }
    }

    /// The allocations of the two products a backward pass is made of, written into buffers.
    fn backward_products(&self) -> Vec<usize> {
        let mut g = Self::grads();
        let dx = allocations(|| self.dy.matmul_into(self.a.t(), &mut g.dx, Write::Overwrite));
        let da = allocations(|| {
            self.x
                .t()
                .matmul_into(&self.dy, &mut g.da, Write::Overwrite)
        });
        merged(dx, &da)
    }
}

/// Runs `f` once so the kernels' per-thread caches exist, then on one thread, as every test does.
fn sequential(f: impl FnOnce(&Seed)) {
    with_threads(Threads::Sequential, || {
        let s = Seed::new();
        let mut g = Seed::grads();
        MatMul::forward(&s.x, &s.a).backward_into(&s.dy, &mut g, Write::Overwrite);
        f(&s);
    });
}

#[test]
fn matmul_into_adds_no_allocation_to_the_kernels_own() {
    // X·A with 512 rows is one `gemm::gemm` call in the backend (the seed's 128 rows take
    // faer's kernel on one thread); call it directly for the kernel's own allocations.
    sequential(|s| {
        let x = Matrix::<M, K>::rand(4);
        let mut y = Matrix::<M, J>::zeros();
        let mut raw = vec![0.0; 512 * 512];
        let mut direct = || {
            kernel(
                &mut raw,
                (x.as_slice(), 256, 1),
                (s.a.as_slice(), 512, 1),
                [512, 512, 256],
            )
        };
        // The first call reads the cache sizes (and allocates doing so); the seed's warm-up
        // runs only faer's kernel.
        direct();
        let kernel = allocations(direct);
        let got = allocations(|| x.matmul_into(&s.a, &mut y, Write::Overwrite));
        assert_eq!(got, kernel);
        assert_eq!(y.as_slice(), raw.as_slice());
    });
}

#[test]
fn matmul_allocates_its_output_and_nothing_else() {
    sequential(|s| {
        let mut y = Matrix::<I, J>::zeros();
        let into = allocations(|| s.x.matmul_into(&s.a, &mut y, Write::Overwrite));
        let got = allocations(|| s.x.matmul(&s.a));
        assert_eq!(got, merged(into, &[128 * 512 * F32]));
    });
}

#[test]
fn backward_allocates_its_two_outputs_and_nothing_else() {
    sequential(|s| {
        let mm = MatMul::forward(&s.x, &s.a);
        let mut g = Seed::grads();
        let into = allocations(|| mm.backward_into(&s.dy, &mut g, Write::Overwrite));
        let got = allocations(|| mm.backward(&s.dy));
        assert_eq!(got, merged(into, &[128 * 256 * F32, 256 * 512 * F32]));
    });
}

#[test]
fn backward_into_allocates_only_what_its_two_products_do() {
    sequential(|s| {
        let mm = MatMul::forward(&s.x, &s.a);
        let mut g = Seed::grads();
        let products = s.backward_products();
        let got = allocations(|| mm.backward_into(&s.dy, &mut g, Write::Accumulate));
        assert_eq!(got, products);
    });
}

#[test]
fn a_training_step_with_reused_buffers_allocates_only_what_its_products_do() {
    sequential(|s| {
        let mut g = Seed::grads();
        let mut y = Matrix::<I, J>::zeros();
        let forward = allocations(|| s.x.matmul_into(&s.a, &mut y, Write::Overwrite));
        let products = merged(forward, &s.backward_products());
        let mut step = |y: Matrix<I, J>| {
            let mm = MatMul::forward_into(&s.x, &s.a, y);
            mm.backward_into(&s.dy, &mut g, Write::Overwrite);
            mm.into_output()
        };
        let mut y = Some(step(y));
        let got = allocations(|| y = y.take().map(&mut step));
        assert_eq!(got, products);
    });
}

dim!(Batch = 64, Pixels = 64, Hidden = 128, Classes = 10);

/// The parameters and data of a W1-sized network (64 → 128 → 10, batch 64).
struct Mlp {
    x: Matrix<Batch, Pixels>,
    w1: Matrix<Pixels, Hidden>,
    b1: Matrix<Const<1>, Hidden>,
    w2: Matrix<Hidden, Classes>,
}

/// One step of `mean((relu(x·w1 + b1)·w2)²)` on `tape`, returning a gradient element so the
/// step's work is used.
fn graph_step(tape: &mut Tape<f32>, m: &Mlp) -> f32 {
    make_guard!(guard);
    let g = tape.graph(guard);
    let (w1, b1, w2) = (g.param(&m.w1), g.param(&m.b1), g.param(&m.w2));
    let h = g.relu(g.add_row(g.matmul(g.input(&m.x), w1), b1));
    let loss = g.mean(g.square(g.matmul(h, w2)));
    let grads = g.backward(loss);
    grads.get(w1).get(0, 0).unwrap_or(0.0) + grads.get(w2).get(0, 0).unwrap_or(0.0)
}

#[test]
fn a_graph_step_after_the_first_allocates_only_what_its_products_do() {
    with_threads(Threads::Sequential, || {
        let m = Mlp {
            x: Matrix::rand(1),
            w1: Matrix::rand(2),
            b1: Matrix::rand(3),
            w2: Matrix::rand(4),
        };
        let mut tape = Tape::new();
        graph_step(&mut tape, &m);
        graph_step(&mut tape, &m);
        let got = allocations(|| graph_step(&mut tape, &m));

        // The same products into buffers: forward x·w1 and h·w2, backward dh = dy·w2ᵀ,
        // dw2 = hᵀ·dy and dw1 = xᵀ·dh (no dx: x is an input).
        let mut h = Matrix::<Batch, Hidden>::zeros();
        let mut y = Matrix::<Batch, Classes>::zeros();
        let mut dh = Matrix::<Batch, Hidden>::zeros();
        let mut dw1 = Matrix::<Pixels, Hidden>::zeros();
        let mut dw2 = Matrix::<Hidden, Classes>::zeros();
        let products = allocations(|| {
            m.x.matmul_into(&m.w1, &mut h, Write::Overwrite);
            h.matmul_into(&m.w2, &mut y, Write::Overwrite);
            y.matmul_into(m.w2.t(), &mut dh, Write::Accumulate);
            h.t().matmul_into(&y, &mut dw2, Write::Accumulate);
            m.x.t().matmul_into(&dh, &mut dw1, Write::Accumulate);
        });
        assert_eq!(got, products);
    });
}
