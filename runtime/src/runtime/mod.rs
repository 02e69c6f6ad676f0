//! The runtime: what users build, enter and drop — `Runtime`, `Builder`, `Handle` — plus the
//! thread-local context, the blocking pool, the thread registry and the metrics.
//!
//! # Shutdown
//!
//! Dropping a `Runtime` (or `shutdown_timeout` / `shutdown_background`) runs four steps, in this
//! order, each needed by the next:
//!
//! 1. **Close**: the owned-task list refuses new tasks (a later spawn is cancelled at once), the
//!    shutdown flag is raised, every worker is unparked and the blocking pool stops taking jobs.
//! 2. **Cancel**: on the dropping thread, every task in the owned list is cancelled — an idle one
//!    in place, a running one by its worker when its poll returns — so each future is dropped
//!    exactly once and each `JoinHandle` resolves as cancelled; pending I/O fails; blocking jobs
//!    that never started are cancelled. This comes before any waiting, since a running blocking
//!    job may wait for something only a cancelled task releases.
//! 3. **Stop the threads**: each worker finishes the poll it is in, drops what its local queue
//!    holds and exits; blocking threads finish their current job. The registry waits for all of
//!    them (up to the deadline, if any) and joins them.
//! 4. **Empty the queues**: the injector and the LIFO slots. A wake that races this step finds the
//!    shutdown flag and drops its task reference itself.
//!
//! The timer wheels and the I/O driver go with the last handle.

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
