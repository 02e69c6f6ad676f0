//! The runtime adapter: the only surface a workload may touch.
//!
//! A workload is written once against [`Adapter`]; each runtime gets one file that maps the trait onto
//! its own API and nothing else (`adapter/corio.rs`, `adapter/tokio.rs`). An adapter must never add
//! work of its own on a hot path: spawn, join and yield forward straight to the runtime, and the join
//! future is the runtime's own `JoinHandle`, not a wrapper.
//!
//! Two ways to spawn, because the runtimes treat them differently and the workloads measure both:
//!
//! - [`Adapter::spawn`] — from outside the runtime (the benchmark thread, through the runtime
//!   object). On a work-stealing scheduler this goes through the shared injection queue.
//! - [`Adapter::spawn_inside`] — from code already running on the runtime (a task), through the
//!   thread-local "current runtime" (`corio::spawn`, `tokio::spawn`). On a worker this pushes onto the
//!   worker's own queue (or LIFO slot).

mod corio;
mod tokio;

pub use self::corio::Corio;
pub use self::tokio::Tokio;

use std::fmt;
use std::future::Future;
use std::io;

/// A multi-thread async runtime, as the workloads see it.
///
/// Implementors own their runtime; dropping the adapter shuts the runtime down.
pub trait Adapter: Sized + 'static {
    /// Short lowercase name, used as the criterion function id and in result tables.
    const NAME: &'static str;

    /// Why a task did not produce its output (it panicked or was cancelled).
    type JoinError: fmt::Debug + Send + 'static;

    /// The runtime's own join handle: resolves to the task's output once it completes.
    /// Dropping it detaches the task.
    type Join<T: Send + 'static>: Future<Output = Result<T, Self::JoinError>>
        + Send
        + Unpin
        + 'static;

    /// Builds a multi-thread runtime with `workers` worker threads.
    ///
    /// # Errors
    ///
    /// Whatever the runtime's builder reports (e.g. `workers == 0`, or threads that cannot start).
    fn build(workers: usize) -> io::Result<Self>;

    /// Runs `fut` to completion on the calling thread, with this runtime as the current one.
    fn block_on<F: Future>(&self, fut: F) -> F::Output;

    /// Spawns `fut` from outside the runtime.
    fn spawn<F>(&self, fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns `fut` onto the current runtime, from inside a task (or `block_on`).
    ///
    /// # Panics
    ///
    /// When called outside a runtime of this kind, as the runtime's own free `spawn` does.
    fn spawn_inside<F>(fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// The runtime's own `yield_now`: returns `Pending` once, after rescheduling the task.
    fn yield_now() -> impl Future<Output = ()> + Send;
}
