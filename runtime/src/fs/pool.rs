//! The one road from `corio::fs` to the blocking pool: submitting a job, and turning a failed
//! job into an `io::Error`.
//!
//! Every file system call in this module tree goes through [`spawn`] or [`run`]; nothing here may
//! call the file system on the calling thread (protocol 1 in `fs/mod.rs`).

use crate::runtime::context;
use crate::task::{JoinError, JoinHandle};
use std::io;

/// Submits `f` to the current runtime's blocking pool.
///
/// # Panics
///
/// Panics outside a corio runtime, with the message of `Handle::current`.
pub(super) fn spawn<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::with_current(|handle| handle.spawn_blocking(f)) {
        Ok(job) => job,
        Err(err) => panic!("corio::fs: {err}"),
    }
}

/// Runs `f` on the blocking pool and returns its result.
///
/// # Errors
///
/// What `f` returns, or `Other` if the runtime shut down before the job started.
///
/// # Panics
///
/// Panics outside a corio runtime, and resumes a panic of `f`.
pub(super) async fn run<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    spawn(f).await.map_err(join_error)?
}

/// The `io::Error` for a blocking job that produced no output.
///
/// # Panics
///
/// Resumes the job's panic if it panicked: std's file calls do not panic, so a panic there is a
/// bug that must not pass for an I/O error.
pub(super) fn join_error(err: JoinError) -> io::Error {
    if err.is_panic() {
        std::panic::resume_unwind(err.into_panic());
    }
    // corio never aborts these jobs, so the job was cancelled by the runtime's shutdown.
    io::Error::other(
        "the corio runtime shut down before this file operation ran: its blocking job was \
         cancelled; keep the runtime alive until file operations complete",
    )
}
