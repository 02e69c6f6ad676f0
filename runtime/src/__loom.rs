//! What the loom models in `loom-tests/` reach of the runtime's insides. Built only with
//! `--cfg corio_loom`; normal builds have no such module.
//!
//! The models run the real runtime code under loom. This module adds only what they cannot reach
//! through the public API:
//!
//! - [`task::MockScheduler`]: the real task core (state word, harness, waker, join handle, owned
//!   list) bound to a scheduler stand-in whose queue is a plain FIFO the model pops by hand, so a
//!   model decides which thread polls, wakes, aborts or drops what;
//! - [`idle_snapshot`]: the idle protocol's counters and queues, to check they come to rest;
//! - [`expire_keep_alive`]: the blocking pool's keep-alive timeout as an explicit event, since
//!   loom never times a wait out;
//! - [`timer_holder`] and [`driver_sleeper`]: who holds the timer token, and who sleeps in the I/O
//!   driver with what timeout, to check that a runtime comes to rest with a driver holder;
//! - [`unstarted`]: a runtime whose workers never start, so a model plays their parts by hand with
//!   the real parkers and I/O driver ([`parker`]) and the real timer wheels on an explicit clock
//!   ([`time`]).
//!
//! It must never hold logic the runtime depends on: a model of this module proves nothing.

use crate::io::driver::Driver;
use crate::loom::sync::{Arc, UserArc};
use crate::runtime::threads::ThreadRegistry;
use crate::runtime::{BlockingPool, Config, Handle};
use crate::scheduler::{create_workers, Shared};
use std::time::Duration;

/// The idle protocol of one runtime at one instant (each field read on its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleSnapshot {
    /// Workers counted awake.
    pub unparked: usize,
    /// Workers counted searching for work.
    pub searching: usize,
    /// Workers in the sleeper list.
    pub sleepers: usize,
    /// A task waits in the injector, a local deque or a LIFO slot (looked at only when
    /// `unparked` is zero; `false` otherwise).
    pub pending_work: bool,
}

/// The idle protocol of `handle`'s runtime now. At rest (every worker asleep) it must read
/// `unparked: 0, searching: 0, sleepers: workers, pending_work: false`.
pub fn idle_snapshot(handle: &Handle) -> IdleSnapshot {
    let ((unparked, searching, sleepers), pending_work) = handle.inner.idle_snapshot();
    IdleSnapshot {
        unparked,
        searching,
        sleepers,
        pending_work,
    }
}

/// The keep-alive of every idle blocking thread of `handle`'s runtime runs out now: each one
/// waiting for a job wakes as if its `wait_timeout` had timed out.
pub fn expire_keep_alive(handle: &Handle) {
    handle.inner.blocking.expire_keep_alive();
}

/// The number of blocking threads of `handle`'s runtime alive now.
pub fn blocking_threads(handle: &Handle) -> usize {
    handle.inner.blocking.num_threads()
}

/// The worker holding the timer token of `handle`'s runtime, if one does. At rest (every worker
/// asleep) one must: it sleeps in the I/O driver until the next timer deadline.
pub fn timer_holder(handle: &Handle) -> Option<usize> {
    handle.inner.timer_holder_index()
}

/// The timeout of the thread sleeping in the I/O driver of `handle`'s runtime: `Some(None)` for a
/// sleep with no timeout, `Some(Some(t))` for one of at most `t`; `None` if no thread sleeps there
/// or a `notify` is pending (the sleeper is about to wake).
pub fn driver_sleeper(handle: &Handle) -> Option<Option<Duration>> {
    handle.inner.driver.poller().sleeper()
}

/// A runtime of `workers` workers whose threads never start: its queues, idle counters, parkers,
/// timer token, I/O driver and timer wheels exist, but nothing runs, so a model plays the workers'
/// parts by hand ([`parker`], [`time`]). Do not spawn onto it: no worker would ever run, or free,
/// the task.
///
/// A `Sleep` created or first polled inside [`Handle::enter`] on it registers in its shared
/// wheel, as from any thread that is not a worker.
///
/// # Panics
///
/// If `workers` is zero.
pub fn unstarted(workers: usize) -> Handle {
    assert!(
        workers > 0,
        "an unstarted runtime needs at least one worker; pass workers >= 1"
    );
    let (cores, remotes) = create_workers(workers);
    // The workers' own halves (their local deques) are never used: no worker runs.
    drop(cores);
    // The builder's defaults; nothing reads them, since no thread is ever started.
    let config = Config {
        global_queue_interval: 61,
        event_interval: 61,
        thread_name: UserArc::new(|| "corio-unstarted".to_string()),
        thread_stack_size: None,
        on_thread_start: None,
        on_thread_stop: None,
        max_blocking_threads: 1,
        thread_keep_alive: Duration::from_secs(10),
    };
    let driver = Driver::new().expect("the loom poller cannot fail to start");
    let shared = Shared::new(
        remotes,
        config,
        BlockingPool::new(),
        ThreadRegistry::new(),
        driver,
    );
    Handle {
        inner: Arc::new(shared),
    }
}

/// The worker parkers of a runtime, and its timer token, driven by hand: for a runtime from
/// [`unstarted`], whose workers never run (a real worker parks on its own).
pub mod parker {
    use crate::runtime::Handle;
    use std::time::Duration;

    /// Worker `worker` sleeps on its condition variable until unparked, as an idle worker without
    /// the timer token does.
    pub fn park(handle: &Handle, worker: usize) {
        handle.inner.parker(worker).park();
    }

    /// Worker `worker` sleeps in the I/O driver for at most `timeout`: `None` as the timer holder
    /// with no timer pending, `Some(Duration::ZERO)` as a busy worker's look at the driver every
    /// `event_interval` ticks. Returns how many sources became ready (always 0 under loom).
    pub fn park_driver(handle: &Handle, worker: usize, timeout: Option<Duration>) -> usize {
        let shared = &handle.inner;
        shared.parker(worker).park_driver(&shared.driver, timeout)
    }

    /// Wakes worker `worker`, wherever it sleeps (remembered if it does not sleep yet).
    pub fn unpark(handle: &Handle, worker: usize) {
        let shared = &handle.inner;
        shared.parker(worker).unpark(&shared.driver);
    }

    /// The state of worker `worker`'s parker: `"EMPTY"` (awake, nothing pending),
    /// `"PARKED_CONDVAR"`, `"PARKED_DRIVER"` or `"NOTIFIED"` (an unpark not yet consumed).
    pub fn state(handle: &Handle, worker: usize) -> &'static str {
        handle.inner.parker(worker).state_name()
    }

    /// Hands the timer token to `worker` (`None`: to nobody), as a real worker takes it when it
    /// parks first; registering an earliest deadline then unparks that worker.
    pub fn set_timer_holder(handle: &Handle, worker: Option<usize>) {
        handle.inner.set_timer_holder(worker);
    }
}

/// The timer wheels of a runtime on an explicit clock: a model fires them at the instants it
/// chooses, since loom never lets a timeout run out. For a runtime from [`unstarted`](super::unstarted),
/// whose workers never fire them on their own.
pub mod time {
    use crate::runtime::Handle;
    use std::time::{Duration, Instant};

    /// What one [`process`] call did.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Processed {
        /// Timers fired (their wakers taken and woken).
        pub fired: usize,
        /// A deadline registered meanwhile became the earliest: a worker would now call
        /// [`deadline_lowered`] to re-arm the timer holder.
        pub lowered: bool,
    }

    /// The instant `ms` milliseconds after tick 0 of the runtime's wheels: deadlines on the
    /// wheels' own clock, so a model names exact ticks.
    pub fn instant(handle: &Handle, ms: u64) -> Instant {
        handle.inner.timers.origin() + Duration::from_millis(ms)
    }

    /// The tick a deadline at `at` fires at.
    pub fn tick(handle: &Handle, at: Instant) -> u64 {
        handle.inner.timers.deadline_tick(at)
    }

    /// The runtime's `next_wake`: the tick by which some worker must process the wheels, or
    /// `None` if no timer is pending (a hint never later than the earliest deadline).
    pub fn next_wake(handle: &Handle) -> Option<u64> {
        handle.inner.timers.next_wake()
    }

    /// Fires every timer due at `now`, as a worker does on its tick — every wheel through
    /// `try_lock` (the shared wheel is no worker's own) — then recomputes `next_wake`.
    pub fn process(handle: &Handle, now: Instant) -> Processed {
        let processed = handle.inner.timers.process(now, None, false);
        Processed {
            fired: processed.fired,
            lowered: processed.lowered,
        }
    }

    /// Like [`process`], as an idle worker (the timer holder) does: also fires the coming tick's
    /// timers whose exact deadlines are at or before `now`.
    pub fn process_idle(handle: &Handle, now: Instant) -> Processed {
        let processed = handle.inner.timers.process(now, None, true);
        Processed {
            fired: processed.fired,
            lowered: processed.lowered,
        }
    }

    /// Tells the timer holder that a deadline earlier than all others is pending, as a worker
    /// does when [`process`] reports `lowered` (and a registration does on its own).
    pub fn deadline_lowered(handle: &Handle) {
        handle.inner.timer_deadline_lowered();
    }
}

/// The task core on a scheduler stand-in.
pub mod task {
    use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use crate::loom::sync::{Arc, Mutex};
    use crate::task::{self as core, Id, JoinHandle, OwnedTasks, Schedule, Task};
    use std::collections::VecDeque;
    use std::fmt;
    use std::future::Future;

    /// A scheduler for the real task core whose run queue is a FIFO the model drives by hand.
    ///
    /// Tasks are bound to a real owned-task list. `Schedule::schedule` (a wake, or an abort of an
    /// idle task) pushes the `Notified` to the back of the queue and counts the call.
    ///
    /// The queue holds task references and each task holds the scheduler, so the model must call
    /// [`shutdown`](Self::shutdown) before the end (loom reports the leaked `Arc` otherwise).
    pub struct MockScheduler {
        inner: Arc<Inner>,
    }

    struct Inner {
        queue: Mutex<VecDeque<core::Notified<Mock>>>,
        owned: OwnedTasks<Mock>,
        /// Calls of `Schedule::schedule` and `yield_now`.
        schedules: AtomicUsize,
        /// Task allocations made, and freed (a `Mock` lives in each allocation).
        allocated: AtomicUsize,
        freed: AtomicUsize,
    }

    /// The scheduler value each task holds; dropped exactly when its allocation is freed.
    struct Mock {
        inner: Arc<Inner>,
    }

    impl Drop for Mock {
        fn drop(&mut self) {
            self.inner.freed.fetch_add(1, SeqCst);
        }
    }

    impl Schedule for Mock {
        fn schedule(&self, task: core::Notified<Mock>) {
            self.inner.schedules.fetch_add(1, SeqCst);
            self.inner.queue.lock().push_back(task);
        }

        fn release(&self, task: &Task<Mock>) -> Option<Task<Mock>> {
            self.inner.owned.remove(task)
        }
    }

    /// A queued task reference taken out of the [`MockScheduler`]'s queue. Dropping it drops the
    /// reference (the task stays NOTIFIED and is never polled: only for shutdown-like models).
    pub struct Notified(core::Notified<Mock>);

    impl Notified {
        /// Polls the task (or cancels it, or only drops the reference), as a worker does.
        pub fn run(self) {
            self.0.run();
        }

        /// Cancels the task instead of polling it, as a queue's shutdown does.
        pub fn shutdown(self) {
            self.0.shutdown();
        }
    }

    impl fmt::Debug for Notified {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Notified").finish_non_exhaustive()
        }
    }

    impl MockScheduler {
        /// An empty scheduler with a one-shard owned list.
        pub fn new() -> MockScheduler {
            MockScheduler {
                inner: Arc::new(Inner {
                    queue: Mutex::new(VecDeque::new()),
                    owned: OwnedTasks::new(1),
                    schedules: AtomicUsize::new(0),
                    allocated: AtomicUsize::new(0),
                    freed: AtomicUsize::new(0),
                }),
            }
        }

        /// Spawns `future` as a task: bound to the owned list, its first `Notified` queued.
        pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
        where
            F: Future + Send + 'static,
            F::Output: Send + 'static,
        {
            self.inner.allocated.fetch_add(1, SeqCst);
            let mock = Mock {
                inner: self.inner.clone(),
            };
            let (join, notified) = self.inner.owned.bind(future, mock, Id::next());
            if let Some(notified) = notified {
                self.inner.queue.lock().push_back(notified);
            }
            join
        }

        /// Takes the task at the front of the queue.
        pub fn pop(&self) -> Option<Notified> {
            self.inner.queue.lock().pop_front().map(Notified)
        }

        /// Runs the task at the front of the queue; false if the queue was empty.
        pub fn tick(&self) -> bool {
            match self.pop() {
                Some(task) => {
                    task.run();
                    true
                }
                None => false,
            }
        }

        /// Runs queued tasks until the queue is empty; returns how many it ran.
        pub fn run_until_idle(&self) -> usize {
            let mut ran = 0;
            while self.tick() {
                ran += 1;
            }
            ran
        }

        /// Tasks waiting in the queue.
        pub fn queued(&self) -> usize {
            self.inner.queue.lock().len()
        }

        /// How many times a task was handed to `Schedule::schedule` (by a wake or an abort).
        pub fn schedules(&self) -> usize {
            self.inner.schedules.load(SeqCst)
        }

        /// Tasks in the owned list (spawned and not yet complete).
        pub fn owned(&self) -> usize {
            self.inner.owned.len()
        }

        /// Task allocations not yet freed.
        ///
        /// # Panics
        ///
        /// If more allocations were freed than made: one was freed twice.
        pub fn live_allocations(&self) -> usize {
            let allocated = self.inner.allocated.load(SeqCst);
            let freed = self.inner.freed.load(SeqCst);
            assert!(
                freed <= allocated,
                "a task allocation was freed twice ({freed} freed of {allocated})"
            );
            allocated - freed
        }

        /// Runtime shutdown on this scheduler: closes the owned list (later spawns are cancelled
        /// at once), cancels every task in it, then drops what the queue still holds.
        pub fn shutdown(&self) {
            self.inner.owned.close();
            self.inner.owned.shutdown_all();
            let queued = std::mem::take(&mut *self.inner.queue.lock());
            drop(queued);
        }
    }

    impl Default for MockScheduler {
        fn default() -> Self {
            MockScheduler::new()
        }
    }

    impl fmt::Debug for MockScheduler {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("MockScheduler").finish_non_exhaustive()
        }
    }
}
