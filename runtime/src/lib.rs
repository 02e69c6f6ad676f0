//! corio — the asyncio event loop, for Rust: a multi-threaded work-stealing async runtime.
//!
//! # Architecture in ten lines
//!
//! - A [`Runtime`] starts N worker threads. Each owns a local deque of tasks and a LIFO slot; a
//!   shared injector queue takes work from other threads.
//! - A task is one heap allocation holding its future, its state word and its join waker; its
//!   `Waker` points at that same allocation ([`task`]).
//! - A worker runs its LIFO slot, then its deque, then the injector; idle, it steals half of a
//!   random victim's deque; with nothing anywhere, it parks. New work wakes a parked worker only
//!   when nobody is already searching.
//! - Blocking work goes to an elastic thread pool ([`task::spawn_blocking`]).
//! - Dropping the runtime cancels every task, drops every future exactly once and joins every
//!   thread.
//!
//! # From asyncio
//!
//! | Python asyncio                         | corio                                    |
//! |----------------------------------------|------------------------------------------|
//! | `asyncio.run(main())`                  | `corio::run(main())` or `#[corio::main]` |
//! | `asyncio.create_task(coro)`            | `corio::spawn(fut)`                      |
//! | `await task`                           | `task.await` (a `Result`: panics and cancellation are errors) |
//! | `asyncio.gather(a, b)`                 | `corio::task::gather([a, b])` or `corio::join!(a, b)` |
//! | `task.cancel()`                        | `handle.abort()`                         |
//! | `await asyncio.sleep(0)`               | `corio::task::yield_now().await`         |
//! | `loop.run_in_executor(None, f)`        | `corio::task::spawn_blocking(f)`         |
//! | `asyncio.Queue`                        | `corio::sync::mpsc::bounded(n)`          |
//!
//! # Example
//!
//! ```
//! use corio::task::gather;
//!
//! async fn square(n: u64) -> u64 {
//!     corio::task::yield_now().await;
//!     n * n
//! }
//!
//! corio::run(async {
//!     // Run concurrently on the workers, like asyncio.create_task.
//!     let tasks: Vec<_> = (1..=4).map(|n| corio::spawn(square(n))).collect();
//!     let squares: Vec<u64> = gather(tasks).await.into_iter().map(Result::unwrap).collect();
//!     assert_eq!(squares, [1, 4, 9, 16]);
//! });
//! ```
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(corio_loom)]
#[doc(hidden)]
pub mod __loom;
mod loom;
mod scheduler;

#[cfg(all(feature = "hyper", not(corio_loom)))]
pub mod compat;
#[cfg(not(corio_loom))]
pub mod fs;
pub mod io;
#[cfg(not(corio_loom))]
pub mod net;
pub mod runtime;
pub mod sync;
pub mod task;
pub mod time;

pub use crate::runtime::{run, spawn, Builder, Handle, Runtime};

/// Runs an async fn as a synchronous one on a new corio runtime: `#[corio::main]`.
pub use corio_macros::main;
/// Runs an async test on a new corio runtime: `#[corio::test]`.
pub use corio_macros::test;

/// Polls several futures concurrently on the current task and waits for all of them
/// (`futures::join!`).
pub use futures_util::join;
/// Waits on several futures at once and runs the branch of the first to finish
/// (`futures::select!`; the futures must be fused).
pub use futures_util::select;
/// Like [`select!`], polling the branches in the order written.
pub use futures_util::select_biased;
/// Like [`join!`] for futures of `Result`s, stopping at the first error (`futures::try_join!`).
pub use futures_util::try_join;
