//! `RuntimeMetrics`: cheap counters, always on.
//!
//! Each worker writes its own counters with plain relaxed stores of values it keeps locally, so
//! counting costs no atomic read-modify-write on the hot path; readers see values that may lag by
//! a poll.

use super::Handle;
use crate::loom::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The counters of one worker, written only by that worker.
pub(crate) struct WorkerMetrics {
    pub(crate) poll_count: AtomicU64,
    pub(crate) steal_count: AtomicU64,
    pub(crate) park_count: AtomicU64,
    pub(crate) spawned: AtomicU64,
}

impl Default for WorkerMetrics {
    fn default() -> Self {
        WorkerMetrics {
            poll_count: AtomicU64::new(0),
            steal_count: AtomicU64::new(0),
            park_count: AtomicU64::new(0),
            spawned: AtomicU64::new(0),
        }
    }
}

/// Counters not owned by one worker.
pub(crate) struct SharedMetrics {
    /// Tasks spawned from threads that are not this runtime's workers.
    pub(crate) remote_spawns: AtomicU64,
}

impl Default for SharedMetrics {
    fn default() -> Self {
        SharedMetrics {
            remote_spawns: AtomicU64::new(0),
        }
    }
}

/// A view of a runtime's counters. Counts of things now are `usize`; event counters are `u64`
/// and only grow.
///
/// # Examples
///
/// ```
/// let runtime = corio::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
/// runtime.block_on(async { corio::spawn(async {}).await }).unwrap();
/// let metrics = runtime.metrics();
/// assert_eq!(metrics.num_workers(), 2);
/// assert!(metrics.spawned_tasks_count() >= 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    fn worker(&self, index: usize) -> &WorkerMetrics {
        let remotes = self.handle.inner.remotes();
        assert!(
            index < remotes.len(),
            "worker index {index} is out of range: this runtime has {} workers",
            remotes.len()
        );
        &remotes[index].metrics
    }

    /// The number of worker threads.
    pub fn num_workers(&self) -> usize {
        self.handle.inner.num_workers()
    }

    /// Tasks spawned since the runtime started (not counting `spawn_blocking` jobs).
    pub fn spawned_tasks_count(&self) -> u64 {
        let local: u64 = (0..self.num_workers())
            .map(|i| self.worker(i).spawned.load(Relaxed))
            .sum();
        local + self.handle.inner.metrics.remote_spawns.load(Relaxed)
    }

    /// Tasks alive now (spawned and not yet completed).
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.inner.owned.len()
    }

    /// Tasks waiting in the global injector queue.
    pub fn global_queue_depth(&self) -> usize {
        self.handle.inner.injector_len()
    }

    /// Tasks waiting in worker `worker`'s local deque.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.worker(worker);
        self.handle.inner.remotes()[worker].local_queue_depth()
    }

    /// Task polls made by worker `worker`.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.worker(worker).poll_count.load(Relaxed)
    }

    /// Successful steals (each a batch) made by worker `worker`.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.worker(worker).steal_count.load(Relaxed)
    }

    /// Times worker `worker` went to sleep.
    ///
    /// # Panics
    ///
    /// Panics if `worker >= num_workers()`.
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_count.load(Relaxed)
    }

    /// Readiness events delivered by the I/O driver since the runtime started.
    pub fn io_driver_ready_count(&self) -> u64 {
        self.handle.inner.driver.ready_count()
    }

    /// Threads alive in the blocking pool.
    pub fn blocking_threads(&self) -> usize {
        self.handle.inner.blocking.num_threads()
    }
}
