//! The scheduler-facing task references: `Task` (held by the owned-task list) and `Notified`
//! (held by a run queue), plus `Schedule`, the trait a scheduler implements to receive them.

use super::{Header, Id, JoinHandle, RawTask};
use std::future::Future;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// What a task needs from the scheduler it belongs to.
pub(crate) trait Schedule: Sized + Send + Sync + 'static {
    /// A waker fired: queue the task to be polled.
    fn schedule(&self, task: Notified<Self>);

    /// The task woke itself while it ran (e.g. `yield_now`): queue it behind the work already
    /// waiting, so it cannot starve other tasks.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// The task completed: remove it from the owned-task list, returning the list's reference, or
    /// `None` if it is not (or no longer) in one.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;
}

/// One counted reference to a task, typed by its scheduler.
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _scheduler: PhantomData<S>,
}

/// A reference held by a run queue: the task is NOTIFIED and this is the one handle that may poll it.
pub(crate) struct Notified<S: 'static>(pub(super) Task<S>);

// SAFETY: a task reference only touches the task through its atomic state word and the vtable
// functions, whose exclusive parts are guarded by the rules in `task/mod.rs`; the future and its
// output are `Send` (required by every constructor), so the task may be polled, completed and
// freed from any thread.
unsafe impl<S> Send for Task<S> {}
// SAFETY: as for `Send`: `&Task` offers only atomic reads of the state and the id.
unsafe impl<S> Sync for Task<S> {}

/// Allocates a task bound to `scheduler`. The `Task` goes to the owned-task list, the `Notified`
/// to a run queue and the `JoinHandle` to the spawner.
pub(crate) fn new_task<F, S>(
    future: F,
    scheduler: S,
    id: Id,
) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    let raw = RawTask::new(future, scheduler, id);
    // SAFETY: `RawTask::new` returned three references; each handle below takes one.
    unsafe {
        (
            Task::from_raw(raw.as_ptr()),
            Notified(Task::from_raw(raw.as_ptr())),
            JoinHandle::from_raw(raw),
        )
    }
}

impl<S: 'static> Task<S> {
    /// # Safety
    ///
    /// The caller hands over one reference to the task at `ptr`, which is bound to a scheduler of
    /// type `S`.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> Task<S> {
        Task {
            // SAFETY: forwarded from the caller.
            raw: unsafe { RawTask::from_raw(ptr) },
            _scheduler: PhantomData,
        }
    }

    pub(super) fn header_ptr(&self) -> NonNull<Header> {
        self.raw.as_ptr()
    }

    pub(crate) fn id(&self) -> Id {
        self.raw.id()
    }

    /// Runtime shutdown: cancels the task if it is idle (its poller cancels it otherwise).
    pub(crate) fn shutdown(self) {
        let raw = self.raw;
        std::mem::forget(self);
        raw.shutdown();
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl<S: 'static> Notified<S> {
    /// Polls the task (or drops it, if it is complete or running elsewhere).
    pub(crate) fn run(self) {
        let raw = self.0.raw;
        std::mem::forget(self);
        raw.poll();
    }

    /// Cancels the task instead of running it (shutdown of a queue it sits in).
    pub(crate) fn shutdown(self) {
        self.0.shutdown();
    }

    /// Gives up the handle as a bare pointer that still owns its reference (for atomic slots).
    pub(crate) fn into_raw(self) -> NonNull<Header> {
        let ptr = self.0.header_ptr();
        std::mem::forget(self);
        ptr
    }

    /// # Safety
    ///
    /// `ptr` came from [`Notified::into_raw`] of a task bound to a scheduler of type `S`, and is
    /// used once.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> Notified<S> {
        // SAFETY: forwarded from the caller.
        Notified(unsafe { Task::from_raw(ptr) })
    }
}
