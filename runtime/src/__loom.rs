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
//!   loom never times a wait out.
//!
//! It must never hold logic the runtime depends on: a model of this module proves nothing.

use crate::runtime::Handle;

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
