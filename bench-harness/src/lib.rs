//! corio vs tokio, side by side.
//!
//! The harness has two halves, and only one of them knows which runtime it is running on:
//!
//! - [`adapter`] — the [`Adapter`] trait, the small surface a workload may use (build a runtime with N
//!   workers, `block_on`, spawn from outside or from inside a task, `yield_now`), and one file per
//!   runtime implementing it: [`Corio`] and [`Tokio`].
//! - [`workloads`] — each workload written once, generic over [`Adapter`]. A workload function runs
//!   exactly one iteration on a runtime that the caller built beforehand (building a runtime is never
//!   inside the timing loop) and returns a count the caller can check, so the same function serves the
//!   criterion benches (`benches/`), the smoke tests (`tests/`) and the `corio-bench` CLI.
//!
//! Comparing like with like is the whole point: same workload code, same channel crate
//! (`futures-channel` on both sides), same worker count. When a workload needs something neither
//! runtime provides in the same form, the harness provides it once (see [`workloads::Countdown`]).
//!
//! # Example
//!
//! ```
//! use corio_bench::workloads::scheduler;
//! use corio_bench::{Adapter, Tokio};
//!
//! let rt = Tokio::build(2).unwrap();
//! assert_eq!(scheduler::chained_spawn(&rt, 10), 10);
//! ```

pub mod adapter;
pub mod workloads;

pub use adapter::{Adapter, Corio, Tokio};
