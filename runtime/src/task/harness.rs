//! The typed half of the task core: polling, completion, cancellation and the join-handle
//! handshake for one `(future, scheduler)` pair. Every `// SAFETY:` here cites the rules in
//! [`super`].

use super::core::{Cell, Stage};
use super::state::{TransitionToIdle, TransitionToRunning};
use super::{waker, Header, JoinError, Notified, Schedule, State, Task};
use crate::loom::cell::UnsafeCell;
use std::future::Future;
use std::mem::{self, ManuallyDrop};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

pub(super) struct Harness<F: Future, S: 'static> {
    cell: NonNull<Cell<F, S>>,
}

impl<F: Future, S: Schedule> Harness<F, S> {
    /// # Safety
    ///
    /// `ptr` is the header of a live `Cell<F, S>` (the vtable that called us is this type's).
    unsafe fn from_raw(ptr: NonNull<Header>) -> Self {
        Harness { cell: ptr.cast() }
    }

    fn cell(&self) -> &Cell<F, S> {
        // SAFETY: rule 3 — every entry point is called by a holder of a reference.
        unsafe { self.cell.as_ref() }
    }

    fn header_ptr(&self) -> NonNull<Header> {
        self.cell.cast()
    }

    fn state(&self) -> &State {
        &self.cell().header.state
    }

    fn stage(&self) -> &UnsafeCell<Stage<F>> {
        &self.cell().stage
    }

    // ===== vtable entry points =====

    pub(super) unsafe fn poll_raw(ptr: NonNull<Header>) {
        // SAFETY: forwarded from the vtable contract.
        unsafe { Self::from_raw(ptr) }.poll();
    }

    pub(super) unsafe fn schedule_raw(ptr: NonNull<Header>) {
        // SAFETY: forwarded from the vtable contract; the caller's reference becomes the
        // `Notified`'s.
        let harness = unsafe { Self::from_raw(ptr) };
        // SAFETY: as above.
        let notified = Notified(unsafe { Task::from_raw(ptr) });
        harness.cell().scheduler.schedule(notified);
    }

    pub(super) unsafe fn dealloc_raw(ptr: NonNull<Header>) {
        // SAFETY: rule 3 — the count reached zero, so this thread alone can reach the cell, which
        // `Cell::allocate` made with `Box`.
        let cell = unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) };
        // Dropping may drop a future (a task never run), an output or a panic payload: a panic
        // there must not unwind into a worker.
        drop_catching(cell);
    }

    pub(super) unsafe fn try_read_output_raw(ptr: NonNull<Header>, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded from the vtable contract.
        let harness = unsafe { Self::from_raw(ptr) };
        if harness.can_read_output(waker) {
            let dst = dst.cast::<Poll<Result<F::Output, JoinError>>>();
            // SAFETY: rule 1 — COMPLETE with join interest: the stage is the join handle's; `dst`
            // has the right type per the vtable contract.
            unsafe { *dst = Poll::Ready(harness.take_output()) };
        }
    }

    pub(super) unsafe fn drop_join_handle_raw(ptr: NonNull<Header>) {
        // SAFETY: forwarded from the vtable contract.
        unsafe { Self::from_raw(ptr) }.drop_join_handle();
    }

    pub(super) unsafe fn shutdown_raw(ptr: NonNull<Header>) {
        // SAFETY: forwarded from the vtable contract.
        unsafe { Self::from_raw(ptr) }.shutdown();
    }

    // ===== running =====

    /// Runs a popped `Notified` (its reference is consumed here).
    fn poll(self) {
        match self.state().transition_to_running() {
            TransitionToRunning::Success => {
                let waker = waker::borrowed(self.header_ptr());
                let mut cx = Context::from_waker(&waker);
                if self.poll_future(&mut cx).is_ready() {
                    self.complete();
                    return;
                }
                match self.state().transition_to_idle() {
                    TransitionToIdle::Ok => {}
                    TransitionToIdle::OkNotified => {
                        // SAFETY: the poller's reference moves into the new `Notified`.
                        let task = unsafe { Task::from_raw(self.header_ptr()) };
                        self.cell().scheduler.yield_now(Notified(task));
                    }
                    // SAFETY: the count reached zero on this thread.
                    TransitionToIdle::OkDealloc => unsafe { Self::dealloc_raw(self.header_ptr()) },
                    TransitionToIdle::Cancelled => {
                        self.cancel_future();
                        self.complete();
                    }
                }
            }
            TransitionToRunning::Cancelled => {
                self.cancel_future();
                self.complete();
            }
            TransitionToRunning::Failed => self.drop_reference(),
        }
    }

    /// Polls the future once (this thread holds RUNNING). On `Ready` — or a panic — the future is
    /// dropped and the result stored.
    fn poll_future(&self, cx: &mut Context<'_>) -> Poll<()> {
        let id = self.cell().header.id;
        let polled = panic::catch_unwind(AssertUnwindSafe(|| {
            self.stage().with_mut(|stage| {
                // SAFETY: rule 1 — this thread holds RUNNING, so the stage is its alone.
                match unsafe { &mut *stage } {
                    // SAFETY: the cell never moves and the stage drops the future in place, so
                    // the future stays pinned from its first poll until it is dropped.
                    Stage::Running(future) => unsafe { Pin::new_unchecked(future) }.poll(cx),
                    _ => unreachable!("corio polled a task whose future is gone"),
                }
            })
        }));
        let result = match polled {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(payload) => Err(JoinError::panic(id, payload)),
        };
        let result = match self.drop_stage() {
            Ok(()) => result,
            Err(payload) => {
                drop_catching(result);
                Err(JoinError::panic(id, payload))
            }
        };
        self.store(Stage::Finished(result));
        Poll::Ready(())
    }

    /// Drops the future of a cancelled task and stores the `JoinError` (this thread holds RUNNING).
    fn cancel_future(&self) {
        let id = self.cell().header.id;
        let error = match self.drop_stage() {
            Ok(()) => JoinError::cancelled(id),
            Err(payload) => JoinError::panic(id, payload),
        };
        self.store(Stage::Finished(Err(error)));
    }

    /// Drops what the stage holds, catching a panic of its destructor.
    fn drop_stage(&self) -> std::thread::Result<()> {
        panic::catch_unwind(AssertUnwindSafe(|| self.store(Stage::Consumed)))
    }

    fn store(&self, stage: Stage<F>) {
        // SAFETY: rule 1 — every caller holds RUNNING, or is the join handle / completing thread
        // that owns the finished stage.
        self.stage().with_mut(|ptr| unsafe { *ptr = stage });
    }

    /// Publishes the result: wakes the join handle or drops the output, leaves the owned list
    /// and gives up the poller's reference.
    fn complete(self) {
        let snapshot = self.state().transition_to_complete();
        if !snapshot.is_join_interested() {
            // Rule 1: with no join handle, the output is this thread's to drop.
            let _ = self.drop_stage().map_err(drop_catching);
        } else if snapshot.is_join_waker_set() {
            let waker = || {
                self.cell().join_waker.with(|slot| {
                    // SAFETY: rule 2 — JOIN_WAKER was set when COMPLETE was, so the handle no
                    // longer writes the slot; reading it here is shared with at most its reads.
                    unsafe { (*slot).clone() }
                })
            };
            // Cloning and waking run a user's waker code: catch it.
            let woken = panic::catch_unwind(AssertUnwindSafe(|| waker().map(Waker::wake)));
            let _ = woken.map_err(drop_catching);
        }
        // SAFETY: a non-owning view for `release` to find the task; ManuallyDrop keeps it from
        // dropping a reference.
        let me = ManuallyDrop::new(unsafe { Task::<S>::from_raw(self.header_ptr()) });
        let released = self.cell().scheduler.release(&me);
        let refs = match released {
            Some(task) => {
                mem::forget(task);
                2
            }
            None => 1,
        };
        if self.state().transition_to_terminal(refs) {
            // SAFETY: the count reached zero on this thread.
            unsafe { Self::dealloc_raw(self.header_ptr()) }
        }
    }

    /// Runtime shutdown (consumes the caller's reference).
    fn shutdown(self) {
        if self.state().transition_to_shutdown() {
            self.cancel_future();
            self.complete();
        } else {
            self.drop_reference();
        }
    }

    fn drop_reference(self) {
        if self.state().ref_dec() {
            // SAFETY: the count reached zero on this thread.
            unsafe { Self::dealloc_raw(self.header_ptr()) }
        }
    }

    // ===== the join handle's side =====

    /// True if the output can be taken now; otherwise `waker` is registered to hear of completion.
    fn can_read_output(&self, waker: &Waker) -> bool {
        let snapshot = self.state().load();
        if snapshot.is_complete() {
            return true;
        }
        let overwrite = crate::loom::mutant("task_join_waker_overwrite");
        let registered = if !snapshot.is_join_waker_set() || overwrite {
            self.set_join_waker(waker)
        } else {
            let same = self.cell().join_waker.with(|slot| {
                // SAFETY: rule 2 — reading the slot is allowed to the handle at any time; only
                // the handle writes it.
                unsafe { (*slot).as_ref() }.is_some_and(|w| w.will_wake(waker))
            });
            if same {
                return false;
            }
            self.state()
                .unset_join_waker()
                .and_then(|_| self.set_join_waker(waker))
        };
        match registered {
            Ok(_) => false,
            Err(snapshot) => {
                debug_assert!(snapshot.is_complete());
                true
            }
        }
    }

    /// Writes the waker into the slot (which the handle owns: JOIN_WAKER is clear) and publishes it.
    fn set_join_waker(&self, waker: &Waker) -> Result<super::Snapshot, super::Snapshot> {
        self.cell().join_waker.with_mut(|slot| {
            // SAFETY: rule 2 — JOIN_WAKER is clear and the task is not complete: the slot is the
            // handle's alone.
            unsafe { *slot = Some(waker.clone()) }
        });
        let result = self.state().set_join_waker();
        if result.is_err() {
            // Completed meanwhile; the slot is still the handle's. Free the waker now.
            let old = self.cell().join_waker.with_mut(|slot| {
                // SAFETY: as above — JOIN_WAKER never got set, so the slot is still the handle's.
                unsafe { (*slot).take() }
            });
            drop_catching(old);
        }
        result
    }

    fn take_output(&self) -> Result<F::Output, JoinError> {
        let stage = self.stage().with_mut(|ptr| {
            // SAFETY: rule 1 — COMPLETE with join interest: the finished stage is the handle's.
            unsafe { mem::replace(&mut *ptr, Stage::Consumed) }
        });
        match stage {
            Stage::Finished(result) => result,
            _ => panic!("a corio JoinHandle was polled after it returned its output"),
        }
    }

    fn drop_join_handle(self) {
        let before = self.state().unset_join_interest();
        if before.is_complete() {
            // Rule 1: the output is the handle's to drop.
            let _ = self.drop_stage().map_err(drop_catching);
        } else {
            let old = self.cell().join_waker.with_mut(|slot| {
                // SAFETY: rule 2 — JOIN_WAKER is now clear and the task not complete: the slot is
                // the handle's.
                unsafe { (*slot).take() }
            });
            drop_catching(old);
        }
        self.drop_reference();
    }
}

/// Drops `value`, catching a panic of its destructor; a second panic from dropping that panic's
/// payload is caught the same way, and the payload of that one is leaked rather than dropped.
pub(crate) fn drop_catching<T>(value: T) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(value))) {
        if let Err(inner) = panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            mem::forget(inner);
        }
    }
}

/// Wakes `waker`, catching a panic of a user's waker so it never unwinds into a worker or the
/// driver.
pub(crate) fn wake_catching(waker: Waker) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || waker.wake())) {
        drop_catching(payload);
    }
}
