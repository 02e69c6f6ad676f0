//! The runtime: what users build, enter and drop — `Runtime`, `Builder`, `Handle` — plus the
//! thread-local context, the blocking pool, the thread registry and the metrics.
//!
//! # Shutdown
//!
//! Dropping a `Runtime` (or `shutdown_timeout` / `shutdown_background`) runs three steps, in
//! this order, each needed by the next:
//!
//! 1. **Close**: the owned-task list refuses new tasks (a later spawn is cancelled at once), the
//!    shutdown flag is raised, every worker is unparked and the blocking pool stops taking jobs.
//! 2. **Stop the threads**: each worker finishes the poll it is in, drops what its local queue
//!    holds and exits; blocking threads finish their current job. The registry waits for all of
//!    them (up to the deadline, if any) and joins them.
//! 3. **Cancel**: on the dropping thread, every task still in the owned list is cancelled — its
//!    future dropped, its `JoinHandle` resolved as cancelled — and the injector, the LIFO slots and
//!    the blocking queue are emptied. A wake that races this step finds the shutdown flag and drops
//!    its task reference itself.
//!
//! Timers and the I/O driver (their own issues) are dropped after step 3, with the last handle.

mod blocking;
mod builder;
pub(crate) mod context;
mod handle;
mod metrics;
pub(crate) mod park;
#[allow(clippy::module_inception)]
mod runtime;
pub(crate) mod threads;

pub(crate) use self::blocking::BlockingPool;
pub(crate) use self::builder::Config;
pub(crate) use self::metrics::{SharedMetrics, WorkerMetrics};

pub use self::builder::Builder;
pub use self::handle::{EnterGuard, Handle, TryCurrentError};
pub use self::metrics::RuntimeMetrics;
pub use self::runtime::{block_in_place, run, spawn, spawn_blocking, Runtime};
