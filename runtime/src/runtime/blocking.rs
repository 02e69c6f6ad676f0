//! The blocking pool: an elastic set of threads for `spawn_blocking` jobs.
//!
//! Jobs are tasks like any other (same `JoinHandle`, same `JoinError`), bound to the pool instead of
//! the workers. A job waits in a FIFO queue; an idle thread takes it, or a new thread is started
//! while fewer than `max_blocking_threads` exist. A thread idle for `thread_keep_alive` exits.
//!
//! Shutdown: running jobs run to completion (a thread cannot be interrupted); queued jobs are
//! cancelled, so their `JoinHandle`s resolve to a cancelled `JoinError`; a job submitted after
//! shutdown began is cancelled at once.

use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::scheduler::Shared;
use crate::task::{self, Id, JoinHandle, Schedule, Task};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

type Job = task::Notified<BlockingSchedule>;

pub(crate) struct BlockingPool {
    state: Mutex<PoolState>,
    condvar: Condvar,
}

struct PoolState {
    queue: VecDeque<Job>,
    threads: usize,
    /// Threads waiting for a job and not yet promised one.
    idle: usize,
    /// Wake-ups sent and not yet taken by a waiting thread.
    notified: usize,
    shutdown: bool,
}

/// The scheduler of blocking jobs: a job is only ever queued once, at spawn.
pub(crate) struct BlockingSchedule(Arc<Shared>);

impl Schedule for BlockingSchedule {
    fn schedule(&self, task: Job) {
        self.0.blocking.push(task, &self.0);
    }

    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        // Jobs are tracked by the pool's queue, not an owned-task list.
        None
    }
}

/// A closure run as a task: its one poll calls it.
struct BlockingTask<F>(Option<F>);

impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let f = self
            .0
            .take()
            .expect("corio polled a blocking task after it completed");
        Poll::Ready(f())
    }
}

/// Submits `f` to the pool of `shared`'s runtime.
pub(crate) fn spawn_blocking<F, R>(shared: &Arc<Shared>, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let (task, job, join) = task::new_task(
        BlockingTask(Some(f)),
        BlockingSchedule(shared.clone()),
        Id::next(),
    );
    // The pool's queue holds the job; there is no owned-task list to keep the third reference.
    drop(task);
    shared.blocking.push(job, shared);
    join
}

impl BlockingPool {
    pub(crate) fn new() -> BlockingPool {
        BlockingPool {
            state: Mutex::new(PoolState {
                queue: VecDeque::new(),
                threads: 0,
                idle: 0,
                notified: 0,
                shutdown: false,
            }),
            condvar: Condvar::new(),
        }
    }

    fn push(&self, job: Job, shared: &Arc<Shared>) {
        let mut state = self.state.lock();
        if state.shutdown {
            drop(state);
            job.shutdown();
            return;
        }
        state.queue.push_back(job);
        if state.idle > 0 {
            state.idle -= 1;
            state.notified += 1;
            drop(state);
            self.condvar.notify_one();
            return;
        }
        if state.threads >= shared.config.max_blocking_threads {
            // The job waits for a busy thread to finish.
            return;
        }
        state.threads += 1;
        drop(state);
        let for_thread = shared.clone();
        let started = shared
            .threads
            .spawn(&shared.config, shared.clone(), move || {
                for_thread.blocking.run_thread(&for_thread)
            });
        if let Err(err) = started {
            let mut state = self.state.lock();
            state.threads -= 1;
            let stranded = state.threads == 0 && !state.shutdown;
            drop(state);
            // With other threads alive the job waits its turn; with none it would never run.
            assert!(!stranded, "corio could not start a blocking thread: {err}");
        }
    }

    /// The body of a blocking thread.
    fn run_thread(&self, shared: &Shared) {
        let keep_alive = shared.config.thread_keep_alive;
        let mut state = self.state.lock();
        'run: loop {
            if state.shutdown {
                break;
            }
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job.run();
                state = self.state.lock();
                continue;
            }
            state.idle += 1;
            loop {
                let (guard, timed_out) = self.condvar.wait_timeout(state, keep_alive);
                state = guard;
                if state.notified > 0 {
                    // A push promised this thread a job (and already took it off `idle`).
                    state.notified -= 1;
                    continue 'run;
                }
                if state.shutdown || (timed_out && state.queue.is_empty()) {
                    state.idle -= usize::from(!crate::loom::mutant("blocking_exit_keeps_idle"));
                    break 'run;
                }
            }
        }
        state.threads -= 1;
    }

    /// Shutdown, step 1: idle threads exit, busy ones after their job, and nothing new starts.
    pub(crate) fn begin_shutdown(&self) {
        self.state.lock().shutdown = true;
        self.condvar.notify_all();
    }

    /// Shutdown, step 3: cancels the jobs that never started.
    pub(crate) fn cancel_queued(&self) {
        let queued = std::mem::take(&mut self.state.lock().queue);
        for job in queued {
            job.shutdown();
        }
    }

    /// Models only: the keep-alive of every idle thread runs out now (loom never times a wait
    /// out, so a model makes the timeout an explicit event). Under the lock, as a notifier.
    #[cfg(corio_loom)]
    pub(crate) fn expire_keep_alive(&self) {
        let _state = self.state.lock();
        self.condvar.expire_timeouts();
    }

    /// The number of blocking threads alive.
    pub(crate) fn num_threads(&self) -> usize {
        self.state.lock().threads
    }
}
