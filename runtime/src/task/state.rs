//! The packed atomic state word of a task, and every transition on it.
//!
//! ```text
//!  63 ................................ 6   5            4             3          2         1         0
//! +-------------------------------------+------------+-------------+----------+---------+---------+---------+
//! |        reference count              | JOIN_WAKER | JOIN_INTEREST| CANCELLED| NOTIFIED| COMPLETE| RUNNING |
//! +-------------------------------------+------------+-------------+----------+---------+---------+---------+
//! ```
//!
//! Every transition is one compare-and-swap loop or one fetch-op on this word, so a task's flags and
//! its reference count always change together. Call sites never do bit math: they call a method
//! and act on the `#[must_use]` answer.
//!
//! Orderings: every transition is `AcqRel` (or `Acquire`/`Release` where noted), because each one
//! hands ownership of the task's stage or join waker from one thread to another (rules 1–4 in
//! [`super`]): the release half publishes the writes made while holding the right, the acquire half
//! makes them visible to the next holder. Plain snapshot loads are `Acquire` for the same reason.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use std::fmt;

/// Set while one thread polls the future (or cancels it). Set by `transition_to_running` and
/// `transition_to_shutdown`; cleared by `transition_to_idle` or `transition_to_complete`. The
/// holder of RUNNING alone may touch the stage.
const RUNNING: usize = 1 << 0;

/// Set once the output (or the `JoinError`) is stored; never cleared. Excludes RUNNING. After it is
/// set the stage belongs to the join handle (if JOIN_INTEREST) or to the completing thread.
const COMPLETE: usize = 1 << 1;

/// Set when the task must be polled (again): while it is set, exactly one `Notified` reference for
/// this task exists in a queue or is about to be pushed (or the poller will reschedule it if it is
/// RUNNING). Cleared by `transition_to_running`.
const NOTIFIED: usize = 1 << 2;

/// Set by `abort` or runtime shutdown; never cleared. The next holder of RUNNING drops the future
/// instead of polling it.
const CANCELLED: usize = 1 << 3;

/// Set while a `JoinHandle` exists. Cleared when it is dropped; from then on the task side drops
/// the output itself.
const JOIN_INTEREST: usize = 1 << 4;

/// Set while the trailer holds the join handle's waker and the task side may read it. While it is
/// clear (and the task is not COMPLETE) the join handle owns the waker slot exclusively.
const JOIN_WAKER: usize = 1 << 5;

const FLAG_BITS: u32 = 6;
const FLAG_MASK: usize = (1 << FLAG_BITS) - 1;

/// One reference in the packed count.
const REF_ONE: usize = 1 << FLAG_BITS;

/// A new task is referenced by its `Task` (the owned-task list), its first `Notified` (the queue)
/// and its `JoinHandle`; it starts notified, with a join handle.
const INITIAL: usize = (3 * REF_ONE) | NOTIFIED | JOIN_INTEREST;

/// Past this many references the count is about to overflow into nonsense: abort, like `Arc`.
const MAX_REFS: usize = usize::MAX >> (FLAG_BITS + 1);

/// The atomic state word of one task.
pub(crate) struct State {
    word: AtomicUsize,
}

/// A copy of the state word, read at one instant.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// What a worker that popped a `Notified` must do.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToRunning {
    /// It now holds RUNNING: poll the future.
    Success,
    /// It now holds RUNNING but the task was cancelled: drop the future and complete.
    Cancelled,
    /// The task is running elsewhere or complete: only drop the reference the `Notified` held.
    Failed,
}

/// What a poller must do after the future returned `Pending`.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToIdle {
    /// The task is idle; the poller's reference has been given up.
    Ok,
    /// The task was woken while it ran: the poller's reference becomes a new `Notified`; schedule it.
    OkNotified,
    /// The task is idle and that was the last reference: deallocate.
    OkDealloc,
    /// The task was cancelled while it ran: it still holds RUNNING; drop the future and complete.
    Cancelled,
}

/// What a waker (or abort) must do.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToNotified {
    /// Nothing more: the task is already queued, running, or complete.
    DoNothing,
    /// Submit a `Notified` (it owns the reference the caller passed or took) to the scheduler.
    Submit,
    /// The caller's reference was the last: deallocate.
    Dealloc,
}

impl State {
    pub(crate) fn new() -> State {
        State {
            word: AtomicUsize::new(INITIAL),
        }
    }

    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.word.load(Acquire))
    }

    /// Runs `f` on the current value until its compare-and-swap succeeds. `f` returns the answer
    /// and, if the word must change, the new value.
    fn transition<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut current = self.load();
        loop {
            let (answer, next) = f(current);
            let Some(next) = next else {
                return answer;
            };
            match self
                .word
                .compare_exchange_weak(current.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return answer,
                Err(actual) => current = Snapshot(actual),
            }
        }
    }

    /// A popped `Notified` asks to poll. Clears NOTIFIED and takes RUNNING if the task is idle.
    /// On `Failed` the caller still owns the `Notified`'s reference and must drop it.
    pub(crate) fn transition_to_running(&self) -> TransitionToRunning {
        self.transition(|mut s| {
            if !s.is_idle() {
                return (TransitionToRunning::Failed, None);
            }
            s.0 = (s.0 & !NOTIFIED) | RUNNING;
            let answer = if s.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (answer, Some(s))
        })
    }

    /// The future returned `Pending`. Gives up RUNNING and the poller's reference, unless the task
    /// was notified while it ran (the reference then moves into a new `Notified`) or cancelled (the
    /// caller keeps RUNNING and cancels).
    pub(crate) fn transition_to_idle(&self) -> TransitionToIdle {
        self.transition(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            s.0 &= !RUNNING;
            if s.is_notified() && !crate::loom::mutant("task_idle_drops_notified") {
                return (TransitionToIdle::OkNotified, Some(s));
            }
            s.0 -= REF_ONE;
            let answer = if s.ref_count() == 0 {
                TransitionToIdle::OkDealloc
            } else {
                TransitionToIdle::Ok
            };
            (answer, Some(s))
        })
    }

    /// The output is stored: RUNNING → COMPLETE. Returns the snapshot just after, whose
    /// JOIN_INTEREST and JOIN_WAKER tell the caller who drops the output and whom to wake.
    pub(crate) fn transition_to_complete(&self) -> Snapshot {
        let order = crate::loom::weaken("task_complete_relaxed", AcqRel);
        let prev = Snapshot(self.word.fetch_xor(RUNNING | COMPLETE, order));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ (RUNNING | COMPLETE))
    }

    /// Drops `count` references after completion. Returns true if they were the last.
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.word.fetch_sub(count * REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= count);
        prev.ref_count() == count
    }

    /// `Waker::wake` (consuming a reference).
    pub(crate) fn transition_to_notified_by_val(&self) -> TransitionToNotified {
        self.transition(|mut s| {
            if s.is_running() {
                // The poller holds a reference too, so this cannot be the last one.
                s.0 = (s.0 | NOTIFIED) - REF_ONE;
                debug_assert!(s.ref_count() > 0);
                (TransitionToNotified::DoNothing, Some(s))
            } else if s.is_complete() || s.is_notified() {
                s.0 -= REF_ONE;
                let answer = if s.ref_count() == 0 {
                    TransitionToNotified::Dealloc
                } else {
                    TransitionToNotified::DoNothing
                };
                (answer, Some(s))
            } else {
                // Idle: the waker's reference becomes the `Notified`'s.
                s.0 |= NOTIFIED;
                (TransitionToNotified::Submit, Some(s))
            }
        })
    }

    /// `Waker::wake_by_ref`: takes a new reference for the `Notified` if one must be submitted.
    pub(crate) fn transition_to_notified_by_ref(&self) -> TransitionToNotified {
        self.transition(|mut s| {
            if s.is_complete() || s.is_notified() {
                (TransitionToNotified::DoNothing, None)
            } else if s.is_running() {
                s.0 |= NOTIFIED;
                (TransitionToNotified::DoNothing, Some(s))
            } else {
                s.0 = s.with_ref_added().0 | NOTIFIED;
                (TransitionToNotified::Submit, Some(s))
            }
        })
    }

    /// `abort`: marks the task cancelled, and schedules it if it is idle so a worker drops the
    /// future promptly. A complete task stays complete with its output.
    pub(crate) fn transition_to_notified_and_cancel(&self) -> TransitionToNotified {
        self.transition(|mut s| {
            if s.is_cancelled() || s.is_complete() {
                (TransitionToNotified::DoNothing, None)
            } else if s.is_running() || s.is_notified() {
                // The poller, or the worker that pops the queued `Notified`, will see CANCELLED.
                s.0 |= CANCELLED | NOTIFIED;
                (TransitionToNotified::DoNothing, Some(s))
            } else {
                s.0 = s.with_ref_added().0 | CANCELLED | NOTIFIED;
                (TransitionToNotified::Submit, Some(s))
            }
        })
    }

    /// Runtime shutdown: marks the task cancelled and, if it is idle, takes RUNNING so the caller
    /// cancels it in place (returns true). A running task is cancelled by its poller instead.
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        self.transition(|mut s| {
            let idle = s.is_idle();
            s.0 |= CANCELLED;
            if idle {
                s.0 |= RUNNING;
            }
            (idle, Some(s))
        })
    }

    /// The join handle is dropped. Returns the snapshot before: if it was COMPLETE the handle must
    /// drop the output; otherwise it owns the waker slot now and must drop its waker.
    pub(crate) fn unset_join_interest(&self) -> Snapshot {
        self.transition(|mut s| {
            debug_assert!(s.is_join_interested());
            let before = s;
            s.0 &= !JOIN_INTEREST;
            if !before.is_complete() {
                s.0 &= !JOIN_WAKER;
            }
            (before, Some(s))
        })
    }

    /// The join handle has written its waker into the (exclusively owned) slot and publishes it.
    /// Fails with the current snapshot if the task completed first; the slot stays the handle's.
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.transition(|mut s| {
            debug_assert!(s.is_join_interested() && !s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            s.0 |= JOIN_WAKER;
            (Ok(s), Some(s))
        })
    }

    /// The join handle takes the waker slot back to replace its waker. Fails if the task
    /// completed first (the task side may be reading the waker).
    pub(crate) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.transition(|mut s| {
            debug_assert!(s.is_join_interested() && s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            s.0 &= !JOIN_WAKER;
            (Ok(s), Some(s))
        })
    }

    /// Takes one more reference (a cloned waker or handle).
    pub(crate) fn ref_inc(&self) {
        // Relaxed: the caller already holds a reference, so the task cannot be freed meanwhile,
        // and taking a reference publishes nothing.
        let prev = self.word.fetch_add(REF_ONE, Relaxed);
        if prev >> FLAG_BITS > MAX_REFS {
            std::process::abort();
        }
    }

    /// Drops one reference. Returns true if it was the last: the caller deallocates.
    pub(crate) fn ref_dec(&self) -> bool {
        // AcqRel: the release half orders this holder's accesses before the free; the acquire
        // half (on the last reference) makes every other holder's accesses visible to the freeing
        // thread.
        let prev = Snapshot(self.word.fetch_sub(REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= 1);
        prev.ref_count() == 1
    }
}

impl Snapshot {
    /// Neither RUNNING nor COMPLETE: whoever takes RUNNING may touch the stage.
    pub(crate) fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(crate) fn ref_count(self) -> usize {
        self.0 >> FLAG_BITS
    }
    fn with_ref_added(self) -> Snapshot {
        if self.ref_count() > MAX_REFS {
            std::process::abort();
        }
        Snapshot(self.0 + REF_ONE)
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .field("flags", &(self.0 & FLAG_MASK))
            .finish()
    }
}
