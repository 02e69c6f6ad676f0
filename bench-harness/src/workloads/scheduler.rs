//! Scheduler workloads: the shapes of tokio's multi-thread scheduler benchmarks
//! (`tokio/benches/rt_multi_threaded.rs`), at tokio's sizes, written once for any [`Adapter`].
//!
//! Every workload isolates one path through the scheduler. None does I/O or sleeps, so the numbers are
//! queue operations, task allocation, wake-ups and worker parking/unparking, nothing else.
//!
//! | workload | one iteration | what it measures |
//! |---|---|---|
//! | [`spawn_many_local`] | a task spawns [`NUM_SPAWN`] empty tasks; the last to run fires a oneshot | spawn from a worker: task allocation, the worker's local queue (overflow into the shared queue when it fills), stealing by the other workers, per-task completion |
//! | [`spawn_many_remote_idle`] | the benchmark thread spawns [`NUM_SPAWN`] empty tasks into an idle runtime, then awaits every `JoinHandle` | spawn from outside: the injection queue, waking parked workers, join-handle completion and wake-up of the awaiting thread |
//! | [`spawn_many_remote_busy1`] | the same, while [`Busy`] tasks keep every worker busy | the injection queue under load: how soon busy workers look at the shared queue (fairness interval), no parking |
//! | [`yield_many`] | [`YIELD_TASKS`] tasks each `yield_now` [`YIELDS_PER_TASK`] times | the reschedule path: a task re-queued behind its peers, many runnable tasks on few workers, the poll loop itself |
//! | [`ping_pong`] | [`PING_PONGS`] pairs of tasks exchange a ping and a pong over `futures_channel::oneshot` | wake-to-poll latency of a message handoff between tasks: the LIFO slot, wake of a task on the same or the other worker |
//! | [`chained_spawn`] | a chain [`CHAIN_DEPTH`] tasks long, each spawning the next and exiting | the spawn-then-exit path at its tightest: one runnable task at a time, so any idle worker searching for it is pure overhead |
//!
//! Differences from tokio's file, on purpose:
//!
//! - Completion signals use `futures_channel::oneshot` and std atomics on both runtimes (tokio's file
//!   uses `tokio::sync::oneshot` and blocking `std::sync::mpsc` receives).
//! - [`spawn_many_local`] spawns from inside a task, so the spawns really are local to a worker
//!   (tokio's spawns from the `block_on` future, which on a multi-thread runtime runs on the
//!   benchmark thread, not on a worker).
//! - [`yield_many`] waits with one [`Countdown`] instead of one channel message per task.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_channel::oneshot;

use super::Countdown;
use crate::Adapter;

/// Tasks spawned per iteration by the `spawn_many_*` workloads (tokio's `NUM_SPAWN`).
pub const NUM_SPAWN: usize = 10_000;
/// Tasks per iteration of [`yield_many`] (tokio's `TASKS`).
pub const YIELD_TASKS: usize = 200;
/// `yield_now` calls per task in [`yield_many`] (tokio's `NUM_YIELD`).
pub const YIELDS_PER_TASK: usize = 1_000;
/// Ping-pong exchanges per iteration of [`ping_pong`] (tokio's `NUM_PINGS`).
pub const PING_PONGS: usize = 1_000;
/// Links in the chain of [`chained_spawn`] (tokio's `ITER`).
pub const CHAIN_DEPTH: usize = 1_000;
/// Background tasks per worker that [`Busy`] keeps running (tokio uses 2 × workers).
pub const BUSY_TASKS_PER_WORKER: usize = 2;
/// How long a [`Busy`] task spins between yields (tokio's `STALL_DUR`).
pub const STALL: Duration = Duration::from_micros(10);

/// Spawns `spawns` empty tasks from inside a task and waits until all of them have run.
///
/// One spawner task is started from outside; it calls the runtime's free `spawn` (the worker-local
/// path) `spawns` times and exits. Each child ticks a [`Countdown`]; the benchmark thread waits in
/// `block_on` for the last tick. Join handles are dropped (detached), so join bookkeeping is not
/// measured here; [`spawn_many_remote_idle`] measures it.
///
/// Returns the number of children that ran.
pub fn spawn_many_local<R: Adapter>(rt: &R, spawns: usize) -> usize {
    let (countdown, done) = Countdown::new(spawns);
    let for_spawner = countdown.clone();
    drop(rt.spawn(async move {
        for _ in 0..spawns {
            let countdown = for_spawner.clone();
            drop(R::spawn_inside(async move { countdown.tick() }));
        }
    }));
    rt.block_on(done)
        .expect("spawn_many_local: tasks were dropped without running");
    countdown.completed()
}

/// Spawns `spawns` empty tasks from the benchmark thread into an idle runtime, then awaits every
/// join handle in `block_on`.
///
/// Returns the number of tasks joined successfully.
pub fn spawn_many_remote_idle<R: Adapter>(rt: &R, spawns: usize) -> usize {
    spawn_remote_and_join(rt, spawns)
}

/// [`spawn_many_remote_idle`] while `busy` keeps the workers occupied.
///
/// The workers never park, so this measures how the injection queue is drained by workers that
/// always have local work: the spawned tasks wait for a worker's periodic look at the shared queue.
/// `busy` is started once, outside the timing loop, with [`Busy::start`].
///
/// Returns the number of tasks joined successfully.
pub fn spawn_many_remote_busy1<R: Adapter>(rt: &R, busy: &Busy<R>, spawns: usize) -> usize {
    assert!(
        !busy.stop.load(Relaxed),
        "spawn_many_remote_busy1 needs a running Busy; this one was stopped"
    );
    spawn_remote_and_join(rt, spawns)
}

/// Spawns `spawns` empty tasks from outside the runtime and awaits each join handle in turn.
fn spawn_remote_and_join<R: Adapter>(rt: &R, spawns: usize) -> usize {
    let handles: Vec<_> = (0..spawns).map(|_| rt.spawn(async {})).collect();
    rt.block_on(async move {
        let mut joined = 0;
        for handle in handles {
            handle.await.expect("spawned task failed");
            joined += 1;
        }
        joined
    })
}

/// Background load for [`spawn_many_remote_busy1`]: tasks that loop "yield, then spin for
/// [`STALL`]" until stopped, so every worker always has a runnable task.
///
/// Dropping a `Busy` tells its tasks to stop at their next turn without waiting for them;
/// [`Busy::stop`] also waits.
pub struct Busy<R: Adapter> {
    stop: Arc<AtomicBool>,
    tasks: Vec<R::Join<()>>,
}

impl<R: Adapter> Busy<R> {
    /// Starts `tasks` busy tasks on `rt` (the benchmarks use [`BUSY_TASKS_PER_WORKER`] × workers).
    pub fn start(rt: &R, tasks: usize) -> Busy<R> {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..tasks)
            .map(|_| {
                let stop = stop.clone();
                rt.spawn(async move {
                    while !stop.load(Relaxed) {
                        R::yield_now().await;
                        spin_for(STALL);
                    }
                })
            })
            .collect();
        Busy { stop, tasks }
    }

    /// Stops the busy tasks and waits until every one has exited.
    ///
    /// Returns how many exited normally.
    pub fn stop(mut self, rt: &R) -> usize {
        self.stop.store(true, Relaxed);
        let tasks = std::mem::take(&mut self.tasks);
        rt.block_on(async move {
            let mut exited = 0;
            for task in tasks {
                task.await.expect("busy task failed");
                exited += 1;
            }
            exited
        })
    }
}

impl<R: Adapter> Drop for Busy<R> {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
    }
}

/// Burns the CPU for `duration` without yielding: a stand-in for a task doing real work.
fn spin_for(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {}
}

/// Spawns `tasks` tasks from outside; each calls `yield_now` `yields` times, then ticks a
/// [`Countdown`]. The benchmark thread waits for the last tick.
///
/// Returns the total number of yields completed (`tasks * yields`).
pub fn yield_many<R: Adapter>(rt: &R, tasks: usize, yields: usize) -> usize {
    let (countdown, done) = Countdown::new(tasks);
    let yielded = Arc::new(AtomicUsize::new(0));
    for _ in 0..tasks {
        let countdown = countdown.clone();
        let yielded = yielded.clone();
        drop(rt.spawn(async move {
            let mut mine = 0;
            for _ in 0..yields {
                R::yield_now().await;
                mine += 1;
            }
            // Relaxed: published by the countdown's release/acquire, read after it fires.
            yielded.fetch_add(mine, Relaxed);
            countdown.tick();
        }));
    }
    rt.block_on(done)
        .expect("yield_many: tasks were dropped without finishing");
    yielded.load(Relaxed)
}

/// `rounds` ping-pong exchanges: one task spawned from outside spawns `rounds` pingers; each pinger
/// spawns its ponger, sends it a ping over a `futures_channel::oneshot`, and awaits the pong on a
/// second oneshot. Every finished pinger ticks a [`Countdown`].
///
/// Returns the number of completed exchanges.
pub fn ping_pong<R: Adapter>(rt: &R, rounds: usize) -> usize {
    let (countdown, done) = Countdown::new(rounds);
    let for_spawner = countdown.clone();
    drop(rt.spawn(async move {
        for _ in 0..rounds {
            let countdown = for_spawner.clone();
            drop(R::spawn_inside(async move {
                let (ping_tx, ping_rx) = oneshot::channel::<()>();
                let (pong_tx, pong_rx) = oneshot::channel::<()>();
                drop(R::spawn_inside(async move {
                    ping_rx.await.expect("pinger dropped the ping");
                    pong_tx.send(()).expect("pinger stopped listening");
                }));
                ping_tx.send(()).expect("ponger stopped listening");
                pong_rx.await.expect("ponger dropped the pong");
                countdown.tick();
            }));
        }
    }));
    rt.block_on(done)
        .expect("ping_pong: tasks were dropped without finishing");
    countdown.completed()
}

/// A chain of `depth` tasks: the first is spawned from outside, each link spawns the next from
/// inside and exits; the last link sends the chain's length over a `futures_channel::oneshot`.
///
/// Returns the number of links that ran.
pub fn chained_spawn<R: Adapter>(rt: &R, depth: usize) -> usize {
    let (done_tx, done_rx) = oneshot::channel();
    drop(rt.spawn(async move { link::<R>(done_tx, depth, 0) }));
    rt.block_on(done_rx)
        .expect("chained_spawn: the chain was dropped before its end")
}

/// One link of [`chained_spawn`]: spawn the next link, or report the length at the end.
fn link<R: Adapter>(done: oneshot::Sender<usize>, left: usize, ran: usize) {
    if left == 0 {
        // The waiter may have given up (a test timed out); nothing to report to then.
        let _ = done.send(ran);
    } else {
        drop(R::spawn_inside(async move {
            link::<R>(done, left - 1, ran + 1)
        }));
    }
}
