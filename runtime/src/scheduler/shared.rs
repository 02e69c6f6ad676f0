//! `Shared`: the state of one runtime that every worker, handle and task reaches through an `Arc`.
//! Routing a task to a queue (spawn, wake, yield) and the shutdown steps live here.

use super::idle::Idle;
use super::lifo::LifoSlot;
use super::park::WorkerParker;
use super::worker::WorkerContext;
use crate::io::driver::Driver;
use crate::loom::deque::{Injector, Steal, Stealer};
use crate::loom::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::sync::Arc;
use crate::runtime::context;
use crate::runtime::threads::ThreadRegistry;
use crate::runtime::{BlockingPool, Config, SharedMetrics, WorkerMetrics};
use crate::task::{self, Id, JoinHandle, OwnedTasks, Schedule, Task};
use crate::time::timers::Timers;
use std::future::Future;

/// A task in one of this scheduler's queues.
pub(crate) type Notified = task::Notified<Arc<Shared>>;

/// What other threads may touch of one worker.
pub(crate) struct Remote {
    /// Steals from the worker's local deque.
    pub(super) stealer: Stealer<Notified>,
    /// The worker's LIFO slot (see `lifo.rs`).
    pub(super) lifo: LifoSlot,
    /// Where the worker sleeps when idle.
    pub(super) parker: WorkerParker,
    /// The worker's counters.
    pub(crate) metrics: WorkerMetrics,
}

impl Remote {
    /// Tasks waiting in the worker's deque and LIFO slot (a snapshot).
    pub(crate) fn local_queue_depth(&self) -> usize {
        self.stealer.len() + usize::from(!self.lifo.is_empty())
    }
}

pub(crate) struct Shared {
    pub(super) remotes: Box<[Remote]>,
    /// Spawns and wakes from outside the workers.
    pub(super) injector: Injector<Notified>,
    pub(super) idle: Idle,
    /// Every live task, for shutdown.
    pub(crate) owned: OwnedTasks<Arc<Shared>>,
    /// Set once, by `begin_shutdown`.
    shutdown: AtomicBool,
    pub(crate) config: Config,
    pub(crate) blocking: BlockingPool,
    pub(crate) threads: ThreadRegistry,
    /// Counters not owned by one worker.
    pub(crate) metrics: SharedMetrics,
    /// The runtime's timer wheels.
    pub(crate) timers: Timers,
    /// The runtime's I/O driver.
    pub(crate) driver: Driver,
    /// The index of the parked worker that sleeps until the next timer deadline, or `NO_HOLDER`.
    pub(super) timer_holder: AtomicUsize,
}

/// The most tasks one trip to the injector moves to a local deque.
const MAX_INJECTOR_BATCH: usize = 128;

/// `timer_holder` when no parked worker holds the timer token.
pub(super) const NO_HOLDER: usize = usize::MAX;

/// Why a task is being queued; it decides where it goes on a worker.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// Newly spawned: the back of the local deque.
    Spawn,
    /// Woken by another task: the LIFO slot.
    Wake,
    /// Woke itself while running: the back of the local deque, behind the waiting work.
    Yield,
}

impl Shared {
    pub(crate) fn new(
        remotes: Box<[Remote]>,
        config: Config,
        blocking: BlockingPool,
        threads: ThreadRegistry,
        driver: Driver,
    ) -> Shared {
        let workers = remotes.len();
        Shared {
            driver,
            idle: Idle::new(workers),
            owned: OwnedTasks::new(workers * 4),
            injector: Injector::new(),
            remotes,
            shutdown: AtomicBool::new(false),
            config,
            blocking,
            threads,
            metrics: Default::default(),
            timers: Timers::new(workers),
            timer_holder: AtomicUsize::new(NO_HOLDER),
        }
    }

    pub(crate) fn remote(stealer: Stealer<Notified>) -> Remote {
        Remote {
            stealer,
            lifo: LifoSlot::new(),
            parker: WorkerParker::new(),
            metrics: WorkerMetrics::default(),
        }
    }

    pub(crate) fn num_workers(&self) -> usize {
        self.remotes.len()
    }

    pub(crate) fn remotes(&self) -> &[Remote] {
        &self.remotes
    }

    /// Models only: the idle counters `(unparked, searching, sleepers)`, and whether work waits
    /// (looked at only once every worker is counted asleep).
    #[cfg(corio_loom)]
    pub(crate) fn idle_snapshot(&self) -> ((usize, usize, usize), bool) {
        let counts = self.idle.counts();
        (counts, counts.0 == 0 && self.has_pending_work())
    }

    /// Models only: worker `index`'s parker.
    #[cfg(corio_loom)]
    pub(crate) fn parker(&self, index: usize) -> &WorkerParker {
        &self.remotes[index].parker
    }

    /// Models only: the worker holding the timer token, if any.
    #[cfg(corio_loom)]
    pub(crate) fn timer_holder_index(&self) -> Option<usize> {
        Some(self.timer_holder.load(Acquire)).filter(|&holder| holder != NO_HOLDER)
    }

    /// Models only: hands the timer token to `holder` (for runtimes whose workers never run).
    #[cfg(corio_loom)]
    pub(crate) fn set_timer_holder(&self, holder: Option<usize>) {
        self.timer_holder
            .store(holder.unwrap_or(NO_HOLDER), Release);
    }

    pub(crate) fn injector_len(&self) -> usize {
        self.injector.len()
    }

    /// Spawns `future` as a task of this runtime.
    pub(crate) fn spawn<F>(this: &Arc<Shared>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = this.owned.bind(future, this.clone(), id);
        if let Some(notified) = notified {
            Shared::schedule(this, notified, Reason::Spawn);
        }
        join
    }

    fn schedule(this: &Arc<Shared>, task: Notified, reason: Reason) {
        let not_queued = context::with_worker(|worker| match worker {
            Some(worker) => Shared::schedule_local(this, worker, task, reason),
            None => Err(task),
        });
        if let Err(task) = not_queued {
            if reason == Reason::Spawn {
                // Relaxed: a counter read only for metrics.
                this.metrics.remote_spawns.fetch_add(1, Relaxed);
            }
            this.schedule_remote(task);
        }
    }

    /// Queues `task` on the current worker if it belongs to this runtime and is polling a task.
    fn schedule_local(
        this: &Arc<Shared>,
        worker: &WorkerContext,
        task: Notified,
        reason: Reason,
    ) -> Result<(), Notified> {
        if !Arc::ptr_eq(&worker.shared, this) {
            return Err(task);
        }
        let Ok(mut core) = worker.core.try_borrow_mut() else {
            return Err(task);
        };
        let Some(core) = core.as_mut() else {
            return Err(task);
        };
        match reason {
            Reason::Spawn => {
                core.metrics.spawned += 1;
                core.run_queue.push(task);
            }
            Reason::Yield => core.run_queue.push(task),
            Reason::Wake => {
                let displaced = this.remotes[worker.index].lifo.replace(task);
                let displaced = displaced.filter(|_| !crate::loom::mutant("lifo_drops_displaced"));
                if let Some(previous) = displaced {
                    core.run_queue.push(previous);
                }
            }
        }
        // Idle rule 1: new work may need a worker to find it — unless it is part of a batch the
        // driver or the timers wake onto this worker, which announces the batch once after.
        if !worker.waking_batch.get() {
            this.notify_parked();
        }
        Ok(())
    }

    /// Queues `task` on the injector, from a thread that is not one of this runtime's workers.
    fn schedule_remote(&self, task: Notified) {
        self.injector.push(task);
        // Shutdown handshake: either `finish_shutdown` drains the injector after seeing this push,
        // or this thread sees the flag and drains it itself; the fence (and the one in
        // `begin_shutdown`) ensures one of the two.
        fence(SeqCst);
        if self.is_shutdown() {
            self.drain_injector();
            return;
        }
        self.notify_parked();
    }

    /// Idle rule 1: wakes a sleeping worker if nobody is searching.
    pub(super) fn notify_parked(&self) {
        let index = self.idle.worker_to_notify();
        if let Some(index) = index.filter(|_| !crate::loom::mutant("idle_notify_skips_unpark")) {
            self.remotes[index].parker.unpark(&self.driver);
        }
    }

    /// A timer deadline earlier than all others was registered: re-arm the timer holder's sleep.
    pub(crate) fn timer_deadline_lowered(&self) {
        // The registrar's half of the holder handshake: its `next_wake` update (in `Timers`) is
        // ordered before this load; the holder publishes itself, fences, then reads `next_wake`.
        if !crate::loom::mutant("timer_holder_no_fence") {
            fence(SeqCst);
        }
        let holder = self.timer_holder.load(Relaxed);
        if holder != NO_HOLDER {
            self.remotes[holder].parker.unpark(&self.driver);
        }
    }

    /// Idle rule 4: is any task waiting in a queue or a LIFO slot?
    pub(super) fn has_pending_work(&self) -> bool {
        !self.injector.is_empty()
            || self
                .remotes
                .iter()
                .any(|remote| !remote.stealer.is_empty() || !remote.lifo.is_empty())
    }

    /// Takes a batch from the injector into `dest`, returning one task to run. The batch is this
    /// worker's share of the injector (its length divided among the workers), at most
    /// `MAX_INJECTOR_BATCH`, so a burst of remote spawns spreads over the workers in a few trips
    /// instead of one small batch per `global_queue_interval`.
    pub(super) fn steal_from_injector(
        &self,
        dest: &crate::loom::deque::Worker<Notified>,
    ) -> Option<Notified> {
        loop {
            let share = self.injector.len() / self.remotes.len() + 1;
            let limit = share.min(MAX_INJECTOR_BATCH);
            match self.injector.steal_batch_with_limit_and_pop(dest, limit) {
                Steal::Success(task) => return Some(task),
                Steal::Empty => return None,
                Steal::Retry => {}
            }
        }
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        // Acquire: pairs with the release in `begin_shutdown` (workers read it every tick).
        self.shutdown.load(Acquire)
    }

    /// Shutdown, step 1: refuse new tasks and tell every worker and blocking thread to stop.
    pub(crate) fn begin_shutdown(&self) {
        self.owned.close();
        self.shutdown.store(true, Release);
        // The other half of the handshake in `schedule_remote`.
        fence(SeqCst);
        for remote in self.remotes.iter() {
            remote.parker.unpark(&self.driver);
        }
        self.blocking.begin_shutdown();
    }

    /// Shutdown, step 2: cancel every task — its future dropped here, or by its poller if it is
    /// running — fail pending I/O, and cancel the blocking jobs that never started. This comes
    /// before waiting for the threads: a blocking job may be waiting for something only a
    /// cancelled task releases (a channel sender it owns, a socket).
    pub(crate) fn cancel_all(&self) {
        self.owned.shutdown_all();
        self.driver.shutdown();
        self.blocking.cancel_queued();
    }

    /// Shutdown, step 4 (after the threads are gone, or given up on): empty the queues.
    pub(crate) fn finish_shutdown(&self) {
        self.drain_injector();
        for remote in self.remotes.iter() {
            drop(remote.lifo.take());
        }
    }

    fn drain_injector(&self) {
        loop {
            match self.injector.steal() {
                Steal::Success(task) => drop(task),
                Steal::Retry => {}
                Steal::Empty => return,
            }
        }
    }
}

impl Schedule for Arc<Shared> {
    fn schedule(&self, task: Notified) {
        Shared::schedule(self, task, Reason::Wake);
    }

    fn yield_now(&self, task: Notified) {
        Shared::schedule(self, task, Reason::Yield);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }
}
