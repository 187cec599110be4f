//! [`Threads`]: how many threads a product may use, chosen globally or for a block of code.

use core::cell::Cell;
use core::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads a product may use.
///
/// Set it for the whole program with [`set_default_threads`], or for one block of code (and the
/// products it makes on the calling thread) with [`with_threads`]. The default is [`Threads::Auto`].
///
/// ```
/// use shapegrad::{Const, Matrix, Threads, with_threads};
///
/// let x = Matrix::<Const<64>, Const<64>>::rand(1);
/// // Inside a data-parallel loop of your own, keep each product on its thread:
/// let y = with_threads(Threads::Sequential, || x.matmul(x.t()));
/// assert_eq!(y.rows(), 64);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Threads {
    /// One thread for small products, every thread of rayon's global pool for large ones: small
    /// products never pay for waking a thread pool.
    #[default]
    Auto,
    /// The calling thread only; no thread pool is touched.
    Sequential,
    /// Up to this many threads from rayon's global pool, whatever the size.
    Fixed(NonZeroUsize),
}

/// Products with at least this many multiply-adds (`m·n·k`, here 256³) go parallel under
/// [`Threads::Auto`]; smaller ones stay on the calling thread and never wake the pool.
///
/// The crossover was determined empirically, with `cargo run --release -p shapegrad-bench --
/// --crossover` (one thread against two for each layout; the measurements are in the
/// benchmark's `RESULTS.md`).
pub const AUTO_PARALLEL_MIN_MULADDS: usize = 1 << 24;

// Encoding for the atomic: 0 = Auto, 1 = Sequential, n + 1 = Fixed(n).
static DEFAULT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SCOPED: Cell<Option<Threads>> = const { Cell::new(None) };
}

fn encode(t: Threads) -> usize {
    match t {
        Threads::Auto => 0,
        Threads::Sequential => 1,
        Threads::Fixed(n) => n.get().saturating_add(1),
    }
}

fn decode(v: usize) -> Threads {
    match v {
        0 => Threads::Auto,
        1 => Threads::Sequential,
        n => Threads::Fixed(NonZeroUsize::new(n - 1).unwrap_or(NonZeroUsize::MIN)),
    }
}

/// Sets the program-wide policy, used wherever no [`with_threads`] block is active.
pub fn set_default_threads(threads: Threads) {
    DEFAULT.store(encode(threads), Ordering::Relaxed);
}

/// The policy in force on this thread: the innermost [`with_threads`], else the program-wide one.
pub fn current_threads() -> Threads {
    SCOPED
        .with(Cell::get)
        .unwrap_or_else(|| decode(DEFAULT.load(Ordering::Relaxed)))
}

/// Runs `f` with `threads` as the policy for the products it makes on this thread, then restores
/// the previous policy (also when `f` panics).
pub fn with_threads<R>(threads: Threads, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Threads>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SCOPED.with(|s| s.replace(Some(threads))));
    f()
}

/// The number of threads for an `m × k` by `k × n` product under the current policy.
pub(crate) fn threads_for(m: usize, n: usize, k: usize) -> usize {
    match current_threads() {
        Threads::Sequential => 1,
        Threads::Fixed(n) => n.get(),
        Threads::Auto => {
            let muladds = m.saturating_mul(n).saturating_mul(k);
            if muladds >= AUTO_PARALLEL_MIN_MULADDS {
                rayon::current_num_threads()
            } else {
                1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_policy_wins_and_is_restored() {
        let before = current_threads();
        let inner = with_threads(Threads::Sequential, || {
            assert_eq!(threads_for(4096, 4096, 4096), 1);
            current_threads()
        });
        assert_eq!(inner, Threads::Sequential);
        assert_eq!(current_threads(), before);
    }

    #[test]
    fn auto_keeps_small_products_on_one_thread() {
        with_threads(Threads::Auto, || {
            assert_eq!(threads_for(8, 8, 8), 1);
            // Just under the threshold: 255·256·256 multiply-adds.
            assert_eq!(threads_for(255, 256, 256), 1);
            assert_eq!(threads_for(256, 256, 256), rayon::current_num_threads());
        });
    }

    #[test]
    fn encoding_round_trips() {
        for t in [
            Threads::Auto,
            Threads::Sequential,
            Threads::Fixed(NonZeroUsize::new(3).unwrap()),
        ] {
            assert_eq!(decode(encode(t)), t);
        }
    }
}
