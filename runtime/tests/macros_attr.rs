//! `#[corio::main]` and `#[corio::test]`: each argument reaches the runtime builder, the function
//! returns its body's value on the calling thread, and `?` works in the body.
//!
//! The macros' error cases (unknown arguments, `worker_threads = 0`, a missing `async`, ...) are
//! unit-tested in `macros/src/lib.rs`, where the expansion can be inspected without compiling it.

use std::io;

use corio::runtime::Handle;
// Renamed so that one test can point the macro at `rt` instead of `::corio`.
use corio as rt;

/// The worker count of the runtime the caller runs on.
fn num_workers() -> usize {
    Handle::current().metrics().num_workers()
}

/// Yields once, then fails with `InvalidInput` if `n` is zero.
async fn nonzero(n: usize) -> io::Result<usize> {
    corio::task::yield_now().await;
    if n == 0 {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "zero"));
    }
    Ok(n)
}

#[corio::test]
async fn default_flavor_runs_the_body_on_a_runtime() {
    assert!(num_workers() >= 1);
    let answer = corio::spawn(async { 6 * 7 }).await.unwrap();
    assert_eq!(answer, 42);
}

#[corio::test(flavor = "current_thread")]
async fn current_thread_has_one_worker() {
    assert_eq!(num_workers(), 1);
    let answer = corio::spawn(async { 6 * 7 }).await.unwrap();
    assert_eq!(answer, 42);
}

#[corio::test(worker_threads = 2)]
async fn worker_threads_sets_the_worker_count() {
    assert_eq!(num_workers(), 2);
}

#[corio::test(crate = "rt", worker_threads = 3, flavor = "multi_thread")]
async fn all_arguments_with_a_renamed_crate() {
    assert_eq!(num_workers(), 3);
}

#[corio::test]
async fn test_may_return_a_result_and_use_question_mark() -> io::Result<()> {
    assert_eq!(nonzero(1).await?, 1);
    Ok(())
}

/// Not `main`: any async fn without arguments may carry the attribute.
#[corio::main(worker_threads = 2)]
async fn sum_of_spawned_tasks() -> u64 {
    assert_eq!(num_workers(), 2);
    let tasks: Vec<_> = (1..=10).map(|i| corio::spawn(async move { i })).collect();
    let mut sum = 0;
    for task in tasks {
        sum += task.await.unwrap();
    }
    sum
}

#[corio::main(flavor = "current_thread")]
async fn stops_at_the_first_error() -> Result<(), io::Error> {
    nonzero(1).await?;
    nonzero(0).await?;
    unreachable!("`?` returned the error")
}

#[test]
fn main_returns_the_body_value_and_leaves_the_runtime() {
    assert!(Handle::try_current().is_err());
    assert_eq!(sum_of_spawned_tasks(), 55);
    assert!(Handle::try_current().is_err());
}

#[test]
fn main_returns_the_error_from_question_mark() {
    let error = stops_at_the_first_error().unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}
