//! The idle protocol: which workers search for work, which sleep, and who wakes whom.
//!
//! One atomic word counts the workers that are awake (`unparked`) and, among them, those searching
//! for work to steal (`searching`); a locked list names the sleepers.
//!
//! ```text
//! +--------------------------------+--------------------------------+
//! | unparked (bits 16..)           | searching (bits 0..16)         |
//! +--------------------------------+--------------------------------+
//! ```
//!
//! 1. **New work wakes one sleeper only if nobody searches.** A searcher will find the work (or
//!    hand the duty on, rule 3), so waking another would only add a futex call.
//! 2. **At most half the workers search at once.** More searchers contend on the same queues.
//! 3. **The last searcher to find work wakes a sleeper**, which becomes the next searcher, so work
//!    that remains queued always has someone looking for it.
//! 4. **A worker that parks as the last searcher, or without having searched (the throttle of
//!    rule 2 refused it), re-checks every queue after it has published that it sleeps**, and wakes
//!    a worker (maybe itself) if it finds work. The second case matters: a refused worker still
//!    counts as awake while it parks, so a searcher that finds work meanwhile sees no sleeper to
//!    hand the search on to (rule 3), and the work left queued behind it would wait for a worker
//!    that may be blocked (a loom model, `idle::queued_work_behind_a_blocked_worker`, found this).
//! 5. **A worker that took a batch from the injector and left more in its deque** wakes a sleeper
//!    to steal it, for the same reason.
//! 6. **Tasks the I/O driver or the timers wake onto a worker count as one batch**: while the
//!    worker dispatches them (with its core lent), rule 1 is not applied per wake; once the worker
//!    counts itself awake it wakes a sleeper only if its deque holds work beyond the LIFO slot it
//!    runs next. A lone event or timer so costs no futex call, and a batch still gets a second
//!    worker (tokio's rule for driver wake-ups too).
//!
//! Rules 1 and 4 form a store/load handshake: the pusher stores the task and then loads `searching`;
//! the parker stores `searching - 1` and then loads the queues. Each side puts a `fence(SeqCst)`
//! between its store and its load, so at least one of them sees the other's store: either the
//! pusher sees no searcher and wakes a sleeper, or the parker sees the task. No wake-up is lost.

use crate::loom::sync::atomic::{fence, AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;

const SEARCHING_ONE: usize = 1;
const UNPARKED_ONE: usize = 1 << 16;
const SEARCHING_MASK: usize = UNPARKED_ONE - 1;

pub(crate) struct Idle {
    state: AtomicUsize,
    sleepers: Mutex<Vec<usize>>,
    num_workers: usize,
}

impl Idle {
    /// Every worker starts awake and not searching.
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(
            num_workers < SEARCHING_MASK,
            "corio supports at most 65,534 workers"
        );
        Idle {
            state: AtomicUsize::new(num_workers * UNPARKED_ONE),
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
            num_workers,
        }
    }

    /// Rule 1, after the caller made work visible: the index of a sleeper to unpark, now counted
    /// as awake and searching, or `None` if none should be woken.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        // The pusher's half of the handshake: the task store must be ordered before this load.
        // The load itself may be Relaxed: the fence orders it.
        fence(SeqCst);
        if !self.should_wake(self.state.load(Relaxed)) {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        // Re-check under the lock (which every parker's decrement also holds): another notifier
        // may have woken a searcher meanwhile.
        if !self.should_wake(self.state.load(Relaxed)) {
            return None;
        }
        let index = sleepers.pop()?;
        // AcqRel, like every count update here: the counts publish no data of their own (the lock
        // and the fences order what matters); a notifier that misses this increment only wakes a
        // second worker, which costs time, not correctness.
        self.state.fetch_add(UNPARKED_ONE | SEARCHING_ONE, AcqRel);
        Some(index)
    }

    /// Models only: `(unparked, searching, sleepers)` now.
    #[cfg(corio_loom)]
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        let sleepers = self.sleepers.lock();
        let state = self.state.load(SeqCst);
        (state / UNPARKED_ONE, state & SEARCHING_MASK, sleepers.len())
    }

    fn should_wake(&self, state: usize) -> bool {
        state & SEARCHING_MASK == 0 && state / UNPARKED_ONE < self.num_workers
    }

    /// Rule 2: may this worker start searching?
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        // Relaxed: the throttle is a heuristic; a race lets one extra worker search.
        let state = self.state.load(Relaxed);
        if 2 * (state & SEARCHING_MASK) >= self.num_workers {
            return false;
        }
        self.state.fetch_add(SEARCHING_ONE, AcqRel);
        true
    }

    /// A searcher found work. True if it was the last searcher (rule 3: it must wake a sleeper).
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(SEARCHING_ONE, AcqRel);
        debug_assert!(prev & SEARCHING_MASK > 0);
        prev & SEARCHING_MASK == 1
    }

    /// The worker goes to sleep. True if it must re-check the queues before it sleeps (rule 4):
    /// it was the last searcher, or it was not searching at all.
    pub(crate) fn transition_worker_to_parked(&self, index: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let decrement = UNPARKED_ONE + if is_searching { SEARCHING_ONE } else { 0 };
        let prev = self.state.fetch_sub(decrement, AcqRel);
        sleepers.push(index);
        drop(sleepers);
        // The parker's half of the handshake: the decrement must be ordered before the caller's
        // re-check of the queues.
        fence(SeqCst);
        !is_searching || prev & SEARCHING_MASK == 1
    }

    /// True while `index` is in the sleepers list (not yet unparked by a notifier).
    pub(crate) fn is_parked(&self, index: usize) -> bool {
        self.sleepers.lock().contains(&index)
    }

    /// A parked worker found work itself (it fired timers): removes it from the sleepers and counts
    /// it awake, not searching. False if a notifier already unparked it (and counted it searching).
    pub(crate) fn unpark_worker_by_id(&self, index: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        let Some(at) = sleepers.iter().position(|&sleeper| sleeper == index) else {
            return false;
        };
        sleepers.swap_remove(at);
        // AcqRel: as in `worker_to_notify`.
        self.state.fetch_add(UNPARKED_ONE, AcqRel);
        true
    }
}
