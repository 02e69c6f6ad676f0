//! The LIFO slot: the one task a worker runs next, stealable as a last resort.
//!
//! A task woken by the running task goes here, so a message ping-pong runs back to back on one
//! worker while its data is hot in cache. The slot is an atomic pointer rather than a field of the
//! worker's core so that **searching workers can steal it** (after every queue came up empty): a
//! task parked here while its worker is stuck in a long poll is not stranded.

use crate::loom::sync::atomic::{AtomicPtr, Ordering::*};
use crate::scheduler::Notified;
use std::ptr::{self, NonNull};

pub(crate) struct LifoSlot {
    task: AtomicPtr<crate::task::Header>,
}

impl LifoSlot {
    pub(crate) fn new() -> LifoSlot {
        LifoSlot {
            task: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Puts `task` in the slot, returning the task it replaces.
    pub(crate) fn replace(&self, task: Notified) -> Option<Notified> {
        // AcqRel: the release half publishes the `Notified` reference to whoever takes it; the
        // acquire half receives the replaced one from its publisher.
        let old = self.task.swap(task.into_raw().as_ptr(), AcqRel);
        // SAFETY: every non-null pointer in the slot came from `Notified::into_raw` of this
        // runtime's tasks, and the swap hands it to exactly one taker.
        NonNull::new(old).map(|ptr| unsafe { Notified::from_raw(ptr) })
    }

    /// Takes the task out of the slot.
    pub(crate) fn take(&self) -> Option<Notified> {
        // Cheap check first: most calls find the slot empty, and a load does not take the cache
        // line exclusively. Relaxed: a stale non-null only costs the swap below.
        if self.task.load(Relaxed).is_null() {
            return None;
        }
        // AcqRel: pairs with the release of `replace`.
        let old = self.task.swap(ptr::null_mut(), AcqRel);
        // SAFETY: as in `replace`.
        NonNull::new(old).map(|ptr| unsafe { Notified::from_raw(ptr) })
    }

    pub(crate) fn is_empty(&self) -> bool {
        // Relaxed: a snapshot for heuristics and metrics.
        self.task.load(Relaxed).is_null()
    }
}

impl Drop for LifoSlot {
    fn drop(&mut self) {
        drop(self.take());
    }
}
