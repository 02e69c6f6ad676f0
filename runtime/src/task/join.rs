//! `JoinHandle` and `AbortHandle`: the spawner's handles on a task.

use super::{Id, JoinError, RawTask};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An owned permission to await a spawned task's output.
///
/// Awaiting it yields `Ok(output)`, or a [`JoinError`] if the task panicked or was cancelled.
/// Dropping it detaches the task: it keeps running and its output is dropped when it completes.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let handle = corio::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// });
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _output: PhantomData<T>,
}

// SAFETY: the handle moves the output `T` to whichever thread polls it, so `T: Send` is needed and
// enough; the task itself is shared only through atomics (rules in `task/mod.rs`).
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` offers `abort`, `is_finished` and `id`, which touch only the atomic state
// word; the output is reached only through `&mut` (poll).
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// # Safety
    ///
    /// The caller hands over the join handle's reference to a task whose output type is `T`.
    pub(super) unsafe fn from_raw(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _output: PhantomData,
        }
    }

    /// Cancels the task. An idle task is scheduled so a worker drops its future promptly; a running
    /// one is cancelled when its current poll returns. Awaiting the handle then yields a cancelled
    /// `JoinError` — unless the task had already completed, in which case its output stays `Ok`.
    ///
    /// # Examples
    ///
    /// ```
    /// corio::run(async {
    ///     let handle = corio::spawn(std::future::pending::<()>());
    ///     handle.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// True once the task has completed (with an output, a panic or a cancellation).
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// A handle that can abort the task but not await it.
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.state().ref_inc();
        AbortHandle { raw: self.raw }
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut output = Poll::Pending;
        // SAFETY: `output` has the type the vtable writes for a task whose output is `T`, and this
        // is the join handle.
        unsafe {
            self.raw.try_read_output(
                &mut output as *mut Poll<Result<T, JoinError>> as *mut (),
                cx.waker(),
            )
        };
        output
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.raw.drop_join_handle();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}

/// A handle that can abort a task (without awaiting it). Cloneable; dropping it does nothing to
/// the task.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let handle = corio::spawn(std::future::pending::<()>());
///     let abort = handle.abort_handle();
///     abort.abort();
///     assert!(handle.await.unwrap_err().is_cancelled());
///     assert!(abort.is_finished());
/// });
/// ```
pub struct AbortHandle {
    raw: RawTask,
}

// SAFETY: an abort handle touches the task only through the atomic state word and `schedule`.
unsafe impl Send for AbortHandle {}
// SAFETY: as for `Send`; every method takes `&self` and is atomic.
unsafe impl Sync for AbortHandle {}

impl AbortHandle {
    /// Cancels the task, as [`JoinHandle::abort`].
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// True once the task has completed.
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// The task's id.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl Clone for AbortHandle {
    fn clone(&self) -> Self {
        self.raw.state().ref_inc();
        AbortHandle { raw: self.raw }
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}
