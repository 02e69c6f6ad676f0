//! The workloads, each written once against [`Adapter`](crate::Adapter) (and
//! [`NetAdapter`](crate::NetAdapter) for I/O).
//!
//! Rules every workload follows, so that a number means the same thing on every runtime:
//!
//! 1. A workload function runs **one iteration** on a runtime the caller built beforehand; building
//!    and dropping runtimes is never timed. State that must outlive iterations (background load,
//!    a listening server, connected clients) is a guard the caller starts once, e.g.
//!    [`scheduler::Busy`], [`io::Server`], [`io::EchoClients`], [`http::HttpClients`].
//! 2. Sizes are parameters; the constants beside each workload are the sizes the benchmarks use
//!    (tokio's own, where tokio has the benchmark; the issues' otherwise). Tests pass smaller ones.
//! 3. A workload returns what proves the work happened (tasks completed, bytes confirmed, latency
//!    samples), so tests can assert it and benches can `black_box` it.
//! 4. Completion is signalled with runtime-neutral tools only: std atomics and
//!    `futures_channel::oneshot`, never a runtime's own sync types.
//! 5. Random durations come from a seeded [`Rng`], one stream per task: every runtime sleeps the
//!    same sleeps.
//! 6. Latency samples are plain stores in the timed section, folded into a histogram after it
//!    ([`Latencies`]).
//!
//! The families, one file each:
//!
//! - [`scheduler`] — task spawn, wake, yield and join costs of the work-stealing scheduler.
//! - [`time`] — timers: many sleepers, precision, registration churn, a million concurrent sleeps.
//! - [`io`] — loopback TCP and UDP: echo round trips, bulk streams, connection setup, datagrams.
//! - [`http`] — a hyper HTTP/1 server answering `hello`, loaded by hyper clients or by `wrk`.
//!
//! The CLI's list of workloads, with their sizes and figures, is [`crate::catalog`].

mod countdown;
pub mod http;
pub mod io;
mod latency;
mod poll_once;
mod rng;
pub mod scheduler;
pub mod time;

pub use countdown::Countdown;
pub use latency::{histogram, Latencies};
pub use poll_once::{poll_once, PollOnce};
pub use rng::Rng;
