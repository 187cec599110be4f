//! Independent items shared between the calling thread and rayon's pool, item by item.
//!
//! The calling thread starts on the items at once and the pool's threads join in when they wake,
//! each claiming the next item from one counter. Nobody waits for a sleeping thread: a pool thread
//! that wakes after every item has been claimed finds nothing to do, so a batch of small items
//! costs at most what running them on the calling thread does, plus posting the helpers' jobs.
//! (A `rayon::scope` from outside the pool waits for its jobs to run, and so for the pool's
//! threads to wake and, at the end, for the caller to be woken: on products of tens of
//! microseconds that made two threads slower than one.)

use core::hint::spin_loop;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::{Threads, with_threads};

/// `f(k, chunk)` for every `chunk_len`-long chunk `k` of `dst`, on the calling thread and up to
/// `threads - 1` threads of rayon's pool, each chunk on one thread, with
/// [`Threads::Sequential`] in force. Returns when every chunk is done.
///
/// A panic in `f` on the calling thread is resumed once the chunks other threads claimed are
/// done; one on a pool thread aborts, as rayon's `spawn` does.
pub(crate) fn share_chunks<T: Send>(
    threads: usize,
    dst: &mut [T],
    chunk_len: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    assert!(
        chunk_len > 0 && dst.len().is_multiple_of(chunk_len),
        "chunks tile the destination"
    );
    let items = dst.len() / chunk_len;
    let base = SharedPtr(dst.as_mut_ptr());
    let item = move |k: usize| {
        let base = &base;
        // SAFETY: `k < items` (the only values `Claims::work` passes), so the chunk lies inside
        // `dst`; each `k` is claimed once, so no two chunks alive at once overlap; `dst` stays
        // mutably borrowed until every claimed chunk is finished (`Wait`).
        let chunk =
            unsafe { core::slice::from_raw_parts_mut(base.0.add(k * chunk_len), chunk_len) };
        f(k, chunk);
    };
    let job: &(dyn Fn(usize) + Sync) = &item;
    // SAFETY: only the lifetime is erased. The job is called only for a claimed `k < items`, and
    // every such call finishes before this function returns (`Wait` below, also on unwinding);
    // a pool thread that runs after that finds no item left and never touches the job.
    let job: &'static (dyn Fn(usize) + Sync) = unsafe { core::mem::transmute(job) };
    let claims = Arc::new(Claims {
        next: AtomicUsize::new(0),
        finished: AtomicUsize::new(0),
        items,
        job: ErasedJob(job),
    });
    for _ in 1..threads.min(items) {
        let claims = Arc::clone(&claims);
        rayon::spawn(move || claims.work());
    }
    let wait = Wait(&claims);
    claims.work();
    drop(wait);
}

/// A pointer into the destination that the item closure may carry to the pool's threads.
struct SharedPtr<T>(*mut T);

// SAFETY: the pointer is only turned into chunks that are claimed once each (see `share_chunks`),
// so sharing it hands each chunk, a `&mut [T]` with `T: Send`, to exactly one thread.
unsafe impl<T: Send> Sync for SharedPtr<T> {}

/// The job with its lifetime erased.
struct ErasedJob(&'static (dyn Fn(usize) + Sync));

/// The items' counters, shared by the caller and the helpers it posted.
struct Claims {
    /// The next item to claim; at or past `items`, none is left.
    next: AtomicUsize,
    /// Items finished (or unwound from).
    finished: AtomicUsize,
    items: usize,
    job: ErasedJob,
}

impl Claims {
    /// Claims and runs items until none is left.
    fn work(&self) {
        with_threads(Threads::Sequential, || {
            loop {
                let k = self.next.fetch_add(1, Ordering::Relaxed);
                if k >= self.items {
                    return;
                }
                let _done = Finished(&self.finished);
                (self.job.0)(k);
            }
        });
    }
}

/// Counts an item as finished when it returns or unwinds, publishing its writes.
struct Finished<'a>(&'a AtomicUsize);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Release);
    }
}

/// Closes the counter and waits until every claimed item is finished, also when the calling
/// thread unwinds, so no item outlives the borrows behind the job.
struct Wait<'a>(&'a Claims);

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        let claims = self.0;
        let claimed = claims
            .next
            .swap(claims.items, Ordering::Relaxed)
            .min(claims.items);
        let mut spins = 0u32;
        while claims.finished.load(Ordering::Acquire) < claimed {
            // A helper's item is one small product: spin for it, but give the core away when a
            // helper has been preempted.
            if spins < 1 << 12 {
                spins += 1;
                spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::share_chunks;

    #[test]
    fn every_chunk_once_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            for items in [1, 2, 5, 64] {
                let mut dst = vec![0usize; items * 3];
                share_chunks(threads, &mut dst, 3, |k, chunk| {
                    for (i, v) in chunk.iter_mut().enumerate() {
                        *v += k * 3 + i + 1;
                    }
                });
                let want: Vec<usize> = (1..=items * 3).collect();
                assert_eq!(dst, want, "{threads} threads, {items} items");
            }
        }
    }

    #[test]
    fn a_panic_on_the_caller_waits_for_the_helpers() {
        // The caller panics on its first item once a helper is inside one of its own, which take
        // a while. When `share_chunks` has unwound, no helper may still be writing: `dst` must
        // not change after.
        let mut dst = vec![0u32; 64];
        let helper_in = core::sync::atomic::AtomicBool::new(false);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            share_chunks(2, &mut dst, 1, |_, chunk| {
                if rayon::current_thread_index().is_none() {
                    let start = std::time::Instant::now();
                    while !helper_in.load(core::sync::atomic::Ordering::Acquire)
                        && start.elapsed() < std::time::Duration::from_secs(5)
                    {
                        core::hint::spin_loop();
                    }
                    panic!("the caller's item");
                }
                helper_in.store(true, core::sync::atomic::Ordering::Release);
                let start = std::time::Instant::now();
                while start.elapsed() < std::time::Duration::from_millis(20) {
                    core::hint::spin_loop();
                }
                chunk[0] = 1;
            });
        }));
        assert!(caught.is_err(), "the caller's panic is resumed");
        let after = dst.clone();
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert_eq!(dst, after, "a helper wrote after share_chunks returned");
        // The caller claimed at least its one item, which stays unwritten.
        assert!(dst.contains(&0));
    }
}
