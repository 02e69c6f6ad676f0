//! `Handle`: a cloneable reference to a running runtime, and `TryCurrentError`.

use super::{blocking, context, park, RuntimeMetrics};
use crate::loom::sync::Arc;
use crate::scheduler::Shared;
use crate::task::{Id, JoinHandle};
use std::fmt;
use std::future::Future;

/// A handle to a runtime: spawn onto it, block on it, read its metrics — from any thread.
///
/// A handle does not keep the runtime running: once the [`Runtime`](super::Runtime) is dropped,
/// tasks spawned through a handle are cancelled at once.
///
/// # Examples
///
/// ```
/// let runtime = corio::Runtime::new()?;
/// let handle = runtime.handle().clone();
/// let answer = std::thread::spawn(move || handle.block_on(async { 40 + 2 })).join().unwrap();
/// assert_eq!(answer, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<Shared>,
}

impl Handle {
    /// The handle of the runtime this code runs on.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime (not in a task, `block_on`, `spawn_blocking` or
    /// `Handle::enter`). Use [`try_current`](Self::try_current) to check instead.
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(err) => panic!("{err}"),
        }
    }

    /// The handle of the runtime this code runs on, or an error outside one.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(Handle::clone)
    }

    /// Spawns `future` as a task of this runtime. See [`crate::spawn`].
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Shared::spawn(&self.inner, future, Id::next())
    }

    /// Runs `f` on this runtime's blocking pool. See [`crate::task::spawn_blocking`].
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        blocking::spawn_blocking(&self.inner, f)
    }

    /// Runs `future` to completion on the calling thread, with this runtime as the current one.
    ///
    /// Works from any thread that is not driving tasks — including `spawn_blocking` threads.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives tasks (a worker, or inside another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _entered = context::enter_runtime(self);
        park::block_on(future)
    }

    /// The runtime's counters.
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Makes this runtime the current one on this thread until the guard drops, so `corio::spawn`
    /// and `Handle::current` work outside a task.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_handle(self.clone()),
            _handle: std::marker::PhantomData,
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("workers", &self.inner.num_workers())
            .finish_non_exhaustive()
    }
}

/// Returned by [`Handle::enter`]; restores the previous runtime context when dropped.
pub struct EnterGuard<'a> {
    _guard: context::SetHandleGuard,
    _handle: std::marker::PhantomData<&'a Handle>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

/// There is no current runtime: the code does not run inside one.
pub struct TryCurrentError {
    destroyed: bool,
}

impl TryCurrentError {
    pub(crate) fn no_context() -> TryCurrentError {
        TryCurrentError { destroyed: false }
    }

    pub(crate) fn thread_local_destroyed() -> TryCurrentError {
        TryCurrentError { destroyed: true }
    }

    /// True if the thread is exiting and its runtime context is already gone.
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.destroyed
    }

    /// True if the thread never entered a runtime.
    pub fn is_missing_context(&self) -> bool {
        !self.destroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.destroyed {
            f.write_str(
                "the corio runtime context is gone: this thread is exiting and its thread-local \
                 storage has been destroyed",
            )
        } else {
            f.write_str(
                "there is no corio runtime here: this must be called from the context of a corio \
                 runtime (a spawned task, Runtime::block_on, or spawn_blocking); use \
                 Runtime::block_on, corio::run, or Handle::spawn / Handle::enter",
            )
        }
    }
}

impl fmt::Debug for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TryCurrentError({self})")
    }
}

impl std::error::Error for TryCurrentError {}
