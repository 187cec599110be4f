//! Batched products on several threads, where the first items (a whole number of rounds of the
//! threads) are shared out one at a time between the calling thread and the pool, and the items
//! left over run one after another: every item of every layout, for batches that fill the
//! threads, leave items over or are smaller than the thread count, overwriting and accumulating,
//! against the 2-D product of each pair of items on one thread.

use core::num::NonZeroUsize;

use shapegrad::{Batched, BatchedRef, Dyn, Matrix, Threads, Write, with_threads};

type B3<T> = Batched<Dyn, Dyn, Dyn, T>;

/// Small integers, so that every product is exact whatever order a kernel adds in.
fn filled<T: shapegrad::Scalar>(b: usize, r: usize, c: usize, mul: usize, modulus: usize) -> B3<T> {
    let data = (0..b * r * c)
        .map(|x| T::from_f64(((x * mul) % modulus) as f64 - (modulus / 2) as f64))
        .collect();
    Batched::try_from_vec_with(Dyn(b), Dyn(r), Dyn(c), data).unwrap()
}

/// Item `k` of `lhs · rhs` on one thread, the 2-D product of item `k` of each.
fn per_item<T: shapegrad::Scalar>(
    lhs: BatchedRef<'_, Dyn, Dyn, Dyn, T>,
    rhs: BatchedRef<'_, Dyn, Dyn, Dyn, T>,
) -> Vec<T> {
    with_threads(Threads::Sequential, || {
        (0..lhs.batch())
            .flat_map(|k| {
                let item: Matrix<Dyn, Dyn, T> = lhs.item(k).matmul(rhs.item(k));
                item.as_slice().to_vec()
            })
            .collect()
    })
}

fn check<T: shapegrad::Scalar>(threads: Threads, b: usize, (m, k, n): (usize, usize, usize)) {
    // Q·Kᵀ, P·V and Xᵀ·dY: the right, neither or the left operand a transposed view.
    for (lhs_t, rhs_t) in [(false, true), (false, false), (true, false)] {
        let lhs = if lhs_t {
            filled::<T>(b, k, m, 7, 13)
        } else {
            filled::<T>(b, m, k, 7, 13)
        };
        let rhs = if rhs_t {
            filled::<T>(b, n, k, 5, 11)
        } else {
            filled::<T>(b, k, n, 5, 11)
        };
        let l = if lhs_t { lhs.t() } else { lhs.view() };
        let r = if rhs_t { rhs.t() } else { rhs.view() };
        let want = per_item(l, r);
        let mut out: B3<T> = Batched::filled_with(Dyn(b), Dyn(m), Dyn(n), T::ONE);
        with_threads(threads, || l.matmul_into(r, &mut out, Write::Overwrite));
        let what = format!("{threads:?} batch {b} {m}x{k}x{n} lhs_t {lhs_t} rhs_t {rhs_t}");
        assert!(out.as_slice() == want.as_slice(), "overwrite: {what}");
        with_threads(threads, || l.matmul_into(r, &mut out, Write::Accumulate));
        let twice: Vec<T> = want.iter().map(|&v| v + v).collect();
        assert!(out.as_slice() == twice.as_slice(), "accumulate: {what}");
        let owned: B3<T> = with_threads(threads, || l.matmul(r));
        assert!(owned.as_slice() == want.as_slice(), "matmul: {what}");
    }
}

#[test]
fn every_item_is_the_product_of_its_pair_on_any_thread_count() {
    let fixed = |n| Threads::Fixed(NonZeroUsize::new(n).unwrap());
    for threads in [Threads::Sequential, fixed(2), fixed(3), Threads::Auto] {
        // No item, fewer items than threads, whole rounds, whole rounds and items left over.
        for b in [0, 1, 2, 3, 4, 5, 7] {
            check::<f32>(threads, b, (9, 5, 7));
            check::<f64>(threads, b, (9, 5, 7));
        }
        // Items large enough for the kernel's own plans.
        check::<f32>(threads, 3, (128, 64, 128));
        check::<f64>(threads, 5, (64, 96, 80));
    }
}

#[test]
fn auto_runs_a_large_batch_of_small_items_in_parallel_and_gets_it_right() {
    // 64 items of 64·64·64 multiply-adds: 2²⁴ in all, the `Threads::Auto` threshold.
    check::<f32>(Threads::Auto, 64, (64, 64, 64));
}
