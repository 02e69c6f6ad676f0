//! The workloads, each written once against [`Adapter`](crate::Adapter).
//!
//! Rules every workload follows, so that a number means the same thing on both runtimes:
//!
//! 1. A workload function runs **one iteration** on a runtime the caller built beforehand; building
//!    and dropping runtimes is never timed. State that must outlive iterations (background load) is a
//!    guard the caller starts once, e.g. [`scheduler::Busy`].
//! 2. Sizes are parameters; the constants beside each workload are the sizes the benchmarks use
//!    (tokio's own, where tokio has the benchmark). Tests pass smaller ones.
//! 3. A workload returns a count that proves the work happened (tasks completed, yields done), so tests
//!    can assert it and benches can `black_box` it.
//! 4. Completion is signalled with runtime-neutral tools only: std atomics and
//!    `futures_channel::oneshot`, never a runtime's own sync types.
//!
//! - [`scheduler`] — task spawn, wake, yield and join costs of the work-stealing scheduler.
//! - [`Countdown`] — the runtime-neutral "last of N tasks is done" signal the workloads share.

mod countdown;
pub mod scheduler;

pub use countdown::Countdown;
