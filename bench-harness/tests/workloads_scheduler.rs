//! Smoke test of the scheduler workloads: every one runs once, at a small size, on each runtime
//! with 1 and with 2 workers, and must report exactly the work it was asked to do. No timing is
//! asserted. A workload that hangs fails its test after [`LIMIT`] instead of stalling CI.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use corio_bench::workloads::scheduler::{self, Busy};
use corio_bench::Adapter;

/// How long one workload may take before the test calls it hung (debug build, shared CI machine).
const LIMIT: Duration = Duration::from_secs(60);

const SPAWNS: usize = 500;
const YIELD_TASKS: usize = 20;
const YIELDS_PER_TASK: usize = 50;
const PING_PONGS: usize = 100;
const CHAIN_DEPTH: usize = 100;

/// Builds `R` with `workers` workers, runs `body` on it on a separate thread, and returns its result,
/// failing the test if it does not finish within [`LIMIT`].
fn run<R, T>(workers: usize, body: impl FnOnce(&R) -> T + Send + 'static) -> T
where
    R: Adapter,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let rt = R::build(workers).expect("runtime builds");
        let _ = tx.send(body(&rt));
    });
    match rx.recv_timeout(LIMIT) {
        Ok(out) => out,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{} with {workers} worker(s): workload hung", R::NAME)
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{} with {workers} worker(s): workload panicked", R::NAME)
        }
    }
}

fn spawn_many_local<R: Adapter>(workers: usize) {
    let ran = run::<R, _>(workers, |rt| scheduler::spawn_many_local(rt, SPAWNS));
    assert_eq!(ran, SPAWNS);
}

fn spawn_many_remote_idle<R: Adapter>(workers: usize) {
    let joined = run::<R, _>(workers, |rt| scheduler::spawn_many_remote_idle(rt, SPAWNS));
    assert_eq!(joined, SPAWNS);
}

fn spawn_many_remote_busy1<R: Adapter>(workers: usize) {
    // Two iterations under one `Busy`, as the bench runs them; then every busy task must exit.
    let busy_tasks = scheduler::BUSY_TASKS_PER_WORKER * workers;
    let (first, second, stopped) = run::<R, _>(workers, move |rt| {
        let busy = Busy::start(rt, busy_tasks);
        let first = scheduler::spawn_many_remote_busy1(rt, &busy, SPAWNS);
        let second = scheduler::spawn_many_remote_busy1(rt, &busy, SPAWNS);
        (first, second, busy.stop(rt))
    });
    assert_eq!((first, second), (SPAWNS, SPAWNS));
    assert_eq!(stopped, busy_tasks);
}

fn yield_many<R: Adapter>(workers: usize) {
    let yielded = run::<R, _>(workers, |rt| {
        scheduler::yield_many(rt, YIELD_TASKS, YIELDS_PER_TASK)
    });
    assert_eq!(yielded, YIELD_TASKS * YIELDS_PER_TASK);
}

fn ping_pong<R: Adapter>(workers: usize) {
    let exchanges = run::<R, _>(workers, |rt| scheduler::ping_pong(rt, PING_PONGS));
    assert_eq!(exchanges, PING_PONGS);
}

fn chained_spawn<R: Adapter>(workers: usize) {
    let links = run::<R, _>(workers, |rt| scheduler::chained_spawn(rt, CHAIN_DEPTH));
    assert_eq!(links, CHAIN_DEPTH);
}

/// Every workload twice in a row on one runtime: iterations must not leak state into each other.
fn all_workloads_repeat<R: Adapter>(workers: usize) {
    let counts = run::<R, _>(workers, |rt| {
        (0..2)
            .map(|_| {
                [
                    scheduler::spawn_many_local(rt, SPAWNS),
                    scheduler::spawn_many_remote_idle(rt, SPAWNS),
                    scheduler::yield_many(rt, YIELD_TASKS, YIELDS_PER_TASK),
                    scheduler::ping_pong(rt, PING_PONGS),
                    scheduler::chained_spawn(rt, CHAIN_DEPTH),
                ]
            })
            .collect::<Vec<_>>()
    });
    let expected = [
        SPAWNS,
        SPAWNS,
        YIELD_TASKS * YIELDS_PER_TASK,
        PING_PONGS,
        CHAIN_DEPTH,
    ];
    assert_eq!(counts, vec![expected, expected]);
}

/// One test per (runtime, workload, worker count): `<runtime>::<workload>::{one_worker, two_workers}`.
macro_rules! workload_tests {
    ($($runtime:ident: $adapter:ty;)*) => {$(
        mod $runtime {
            workload_tests!(@each $adapter;
                spawn_many_local, spawn_many_remote_idle, spawn_many_remote_busy1, yield_many,
                ping_pong, chained_spawn, all_workloads_repeat);
        }
    )*};
    (@each $adapter:ty; $($workload:ident),*) => {$(
        mod $workload {
            #[test]
            fn one_worker() {
                crate::$workload::<$adapter>(1);
            }
            #[test]
            fn two_workers() {
                crate::$workload::<$adapter>(2);
            }
        }
    )*};
}

workload_tests! {
    corio: corio_bench::Corio;
    tokio: corio_bench::Tokio;
    smol: corio_bench::Smol;
}
