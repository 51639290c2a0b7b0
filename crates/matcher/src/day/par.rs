//! Scoped-thread helpers whose results do not depend on scheduling.

use super::*;

/// Runs `f` over `0..n` in up to `threads` contiguous chunks on scoped
/// threads and concatenates the results in chunk order: the result is the
/// same as one sequential run, whatever the scheduling.
pub(super) fn par_chunks<T: Send>(n: usize, f: impl Fn(Range<usize>) -> Vec<T> + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if threads <= 1 || n < PARALLEL_FROM {
        return f(0..n);
    }
    let size = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let r = (i * size).min(n)..((i + 1) * size).min(n);
                scope.spawn(move || f(r))
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                // A panic in a worker is a bug; surface it unchanged.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

/// Runs `a` and `b` at once on scoped threads (when there are `rows` enough
/// to pay for a thread and a second core) and returns both results.
pub(super) fn par_both<A: Send, B: Send>(
    rows: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads <= 1 || rows < PARALLEL_FROM {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let hb = scope.spawn(b);
        let ra = a();
        match hb.join() {
            Ok(rb) => (ra, rb),
            // A panic in a worker is a bug; surface it unchanged.
            Err(e) => std::panic::resume_unwind(e),
        }
    })
}
