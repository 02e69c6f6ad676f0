//! corio vs tokio vs smol, side by side.
//!
//! The harness has two halves, and only one of them knows which runtime it is running on:
//!
//! - [`adapter`] — the [`Adapter`] trait, the small surface a workload may use (build a runtime with N
//!   workers, `block_on`, spawn from outside or from inside a task, `yield_now`, `sleep_until`), its
//!   I/O half [`NetAdapter`] (TCP listener and stream, UDP socket), its HTTP half [`HttpAdapter`]
//!   (a stream as hyper's I/O), and one file per runtime
//!   implementing them: [`Corio`], [`Tokio`] and [`Smol`].
//! - [`workloads`] — each workload written once, generic over the adapter. A workload function
//!   runs exactly one iteration on a runtime that the caller built beforehand (building a runtime is
//!   never inside the timing loop) and returns what proves the work happened, so the same function
//!   serves the criterion benches (`benches/`), the smoke tests (`tests/`) and the `corio-bench` CLI.
//!
//! Around them, the CLI's machinery: [`catalog`] (every workload's name, sizes and runner),
//! [`measure`] (wall, CPU, RSS of a run), [`record`] (the JSON line of a run), [`report`] (medians,
//! ratios, the terminal and markdown tables), [`chart`] (the SVG charts) and [`compare`] (one child
//! process per run, interleaved). Apart from them, [`floor`]: `tcp_echo` as a plain epoll loop with
//! no runtime, the machine's floor to read the runtimes' I/O figures against.
//!
//! Comparing like with like is the whole point: same workload code, same channel crate
//! (`futures-channel` everywhere), same worker count, every run in a fresh process. When a workload
//! needs something the runtimes do not provide in the same form, the harness provides it once (see
//! [`workloads::Countdown`]).
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
pub mod catalog;
pub mod chart;
pub mod compare;
pub mod floor;
pub mod measure;
pub mod record;
pub mod report;
pub mod workloads;

pub use adapter::{Adapter, Corio, HttpAdapter, NetAdapter, Smol, Tokio};
