//! `RawTask`: a type-erased task pointer and the vtable that restores the types.

use super::core::Cell;
use super::harness::Harness;
use super::{Header, Id, Schedule, State};
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The functions of one `(future, scheduler)` type pair, reached through [`Header::vtable`].
pub(crate) struct Vtable {
    /// Consumes a `Notified` reference: polls, cancels or drops it (see `Harness::poll`).
    pub(super) poll: unsafe fn(NonNull<Header>),
    /// Consumes a reference by handing it to the scheduler as a `Notified`.
    pub(super) schedule: unsafe fn(NonNull<Header>),
    /// Frees the allocation; the reference count is zero.
    pub(super) dealloc: unsafe fn(NonNull<Header>),
    /// Join handle: writes `Poll<Result<T, JoinError>>` through the `*mut ()` if complete, or
    /// registers the waker.
    pub(super) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// Join handle dropped: gives up join interest and its reference.
    pub(super) drop_join_handle: unsafe fn(NonNull<Header>),
    /// Runtime shutdown: consumes a reference and cancels the task if it is idle.
    pub(super) shutdown: unsafe fn(NonNull<Header>),
}

/// The vtable of one type pair: a promoted constant, one per monomorphization.
pub(super) fn vtable<F: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: Harness::<F, S>::poll_raw,
        schedule: Harness::<F, S>::schedule_raw,
        dealloc: Harness::<F, S>::dealloc_raw,
        try_read_output: Harness::<F, S>::try_read_output_raw,
        drop_join_handle: Harness::<F, S>::drop_join_handle_raw,
        shutdown: Harness::<F, S>::shutdown_raw,
    }
}

/// A task pointer with no reference of its own: every method's caller holds one (rule 3).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

impl RawTask {
    /// Allocates a task; the result carries the three initial references.
    pub(super) fn new<F, S>(future: F, scheduler: S, id: Id) -> RawTask
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        S: Schedule,
    {
        RawTask {
            ptr: Cell::allocate(future, scheduler, id, vtable::<F, S>()),
        }
    }

    /// # Safety
    ///
    /// `ptr` points to a live task header.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(super) fn as_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(super) fn header(&self) -> &Header {
        // SAFETY: rule 3 — the caller holds a reference, so the allocation is live.
        unsafe { self.ptr.as_ref() }
    }

    pub(super) fn state(&self) -> &State {
        &self.header().state
    }

    pub(super) fn id(&self) -> Id {
        self.header().id
    }

    /// Consumes the `Notified` reference the caller holds.
    pub(super) fn poll(self) {
        // SAFETY: the vtable belongs to this task; the caller's reference is consumed by `poll`.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Consumes the caller's reference by submitting it to the scheduler.
    pub(super) fn schedule(self) {
        // SAFETY: as for `poll`; `schedule` takes over the caller's reference.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    /// Frees the task.
    ///
    /// # Safety
    ///
    /// The reference count has just dropped to zero on this thread (rule 3).
    pub(super) unsafe fn dealloc(self) {
        // SAFETY: the caller guarantees the count is zero, so nobody else can reach the task.
        unsafe { (self.header().vtable.dealloc)(self.ptr) }
    }

    /// # Safety
    ///
    /// `dst` points to a `Poll<Result<T, JoinError>>` where `T` is the task's output type, and
    /// the caller is the join handle.
    pub(super) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded from the caller.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    /// Consumes the join handle's reference.
    pub(super) fn drop_join_handle(self) {
        // SAFETY: the caller is the join handle giving up its reference.
        unsafe { (self.header().vtable.drop_join_handle)(self.ptr) }
    }

    /// Consumes the caller's reference, cancelling the task if it is idle.
    pub(super) fn shutdown(self) {
        // SAFETY: the caller's reference is consumed by `shutdown`.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// Drops the caller's reference, freeing the task if it was the last.
    pub(super) fn drop_reference(self) {
        if self.state().ref_dec() {
            // SAFETY: the count just reached zero on this thread.
            unsafe { self.dealloc() }
        }
    }

    /// Abort from a join or abort handle: cancel, and schedule the task if it is idle.
    pub(super) fn remote_abort(self) {
        if self.state().transition_to_notified_and_cancel() == super::TransitionToNotified::Submit
            && !crate::loom::mutant("task_abort_skips_schedule")
        {
            // The transition took a new reference for the `Notified`.
            self.schedule();
        }
    }
}
