//! `Runtime`: the owner of a running runtime, and the free functions that reach the current one.

use super::{blocking, context, Builder, Handle, RuntimeMetrics};
use crate::scheduler::Shared;
use crate::task::{Id, JoinHandle};
use std::fmt;
use std::future::Future;
use std::io;
use std::time::{Duration, Instant};

/// A running corio runtime: worker threads, a blocking pool, and the tasks on them.
///
/// Dropping it shuts it down: spawning stops, every task is cancelled and its future dropped
/// exactly once, pending `JoinHandle`s resolve to a cancelled `JoinError`, and every thread it
/// started is joined (a blocking job still running is waited for; see
/// [`shutdown_timeout`](Self::shutdown_timeout) to bound that).
///
/// # Examples
///
/// ```
/// let runtime = corio::Runtime::new()?;
/// let task = runtime.spawn(async { "done" });
/// assert_eq!(runtime.block_on(task).unwrap(), "done");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    handle: Handle,
    /// Set once a shutdown has run, so `Drop` does not run another.
    shut_down: bool,
}

impl Runtime {
    /// A multi-thread runtime with default settings (one worker per CPU).
    ///
    /// # Errors
    ///
    /// The OS error if a worker thread cannot be started.
    pub fn new() -> io::Result<Runtime> {
        Builder::new_multi_thread().build()
    }

    /// A builder for a multi-thread runtime (the same as [`Builder::new_multi_thread`]).
    pub fn builder() -> Builder {
        Builder::new_multi_thread()
    }

    pub(crate) fn from_handle(handle: Handle) -> Runtime {
        Runtime {
            handle,
            shut_down: false,
        }
    }

    /// Runs `future` to completion on the calling thread; spawned tasks run on the workers.
    ///
    /// # Panics
    ///
    /// Panics if called from a thread that drives tasks (inside a task or another `block_on`):
    /// that would stall or deadlock the runtime. From a `spawn_blocking` job it works.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Spawns `future` as a task of this runtime.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs `f` on this runtime's blocking pool.
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The runtime's counters.
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    /// Makes this runtime the current one on this thread until the guard drops.
    pub fn enter(&self) -> super::EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts down, waiting at most `timeout` for the runtime's threads. Threads still running
    /// then (a blocking job that does not return, a task stuck in a long poll) are detached; every
    /// task is cancelled and dropped either way.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(Instant::now() + timeout));
    }

    /// Shuts down without waiting for any thread; usable inside async code.
    pub fn shutdown_background(mut self) {
        self.shutdown(Some(Instant::now()));
    }

    /// The shutdown steps (see `runtime/mod.rs`): close, cancel every task, wait for the threads,
    /// empty the queues.
    fn shutdown(&mut self, deadline: Option<Instant>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        let shared = &self.handle.inner;
        shared.begin_shutdown();
        shared.cancel_all();
        let caller_is_member =
            context::with_current(|current| crate::loom::sync::Arc::ptr_eq(&current.inner, shared))
                .unwrap_or(false);
        shared.threads.wait_all(deadline, caller_is_member);
        shared.finish_shutdown();
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if self.shut_down {
            return;
        }
        if context::is_entered() {
            if std::thread::panicking() {
                // Already unwinding out of async code: do not wait, and do not panic again.
                self.shutdown(Some(Instant::now()));
                return;
            }
            panic!(
                "cannot drop a corio Runtime inside async code: dropping waits for its threads, \
                 which would block this one while it drives tasks. Use \
                 Runtime::shutdown_background, or drop it from a spawn_blocking job"
            );
        }
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish()
    }
}

/// Runs `future` to completion on a new multi-thread runtime, then shuts the runtime down and
/// returns the output — the `asyncio.run` of corio.
///
/// # Panics
///
/// Panics if the runtime cannot be started (the OS refused a thread), or if called inside a
/// runtime.
///
/// # Examples
///
/// ```
/// let answer = corio::run(async {
///     let task = corio::spawn(async { 21 });
///     task.await.unwrap() * 2
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    let runtime =
        Runtime::new().unwrap_or_else(|err| panic!("corio::run could not start a runtime: {err}"));
    runtime.block_on(future)
}

/// Spawns `future` as a task on the current runtime — the `asyncio.create_task` of corio.
///
/// The task starts running at once on a worker, independently of the spawner. Awaiting the
/// returned [`JoinHandle`] yields its output; dropping the handle detaches the task.
///
/// # Panics
///
/// Panics outside a corio runtime, with a message that names the fix.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let task = corio::spawn(async { "hello from a task" });
///     assert_eq!(task.await.unwrap(), "hello from a task");
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let id = Id::next();
    match context::with_current(|handle| Shared::spawn(&handle.inner, future, id)) {
        Ok(join) => join,
        Err(err) => panic!("corio::spawn: {err}"),
    }
}

/// Runs the blocking function `f` on the current runtime's blocking pool, so it does not stall
/// the workers.
///
/// # Panics
///
/// Panics outside a corio runtime.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let sum = corio::task::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap();
///     assert_eq!(sum, 5050);
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::with_current(|handle| blocking::spawn_blocking(&handle.inner, f)) {
        Ok(join) => join,
        Err(err) => panic!("corio::task::spawn_blocking: {err}"),
    }
}

/// Runs the blocking function `f` right here, inside a task, while the worker's other tasks move
/// to a new worker thread so they keep running.
///
/// Called outside a worker (in `block_on`, on a blocking thread, or outside any runtime) it simply
/// runs `f`. Inside `f`, `Handle::block_on` may be used.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let task = corio::spawn(async {
///         corio::task::block_in_place(|| std::thread::sleep(std::time::Duration::from_millis(10)));
///         "done"
///     });
///     assert_eq!(task.await.unwrap(), "done");
/// });
/// ```
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    let handed_off =
        context::with_worker(|worker| worker.is_some_and(|worker| worker.hand_off_core()));
    // `f` is not part of the task's poll: it must not spend (or be stopped by) its budget.
    if handed_off {
        context::exit_runtime(|| crate::task::coop::unconstrained(f))
    } else {
        crate::task::coop::unconstrained(f)
    }
}
