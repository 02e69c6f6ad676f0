//! The blocking pool and `block_in_place`: blocking jobs return their values, run off the workers,
//! see the runtime (`Handle::current`, `Handle::block_on`), respect `max_blocking_threads`; a task
//! inside `block_in_place` does not stop the other tasks.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use corio::task::{block_in_place, spawn_blocking, yield_now};
use corio::{Handle, Runtime};
use support::{quiet_panics, rt_test, wait_for, Counter, Flag, Watchdog, INTENTIONAL};

fn runtime_with_four_workers() -> Runtime {
    support::runtime(4)
}

rt_test! {
    fn spawn_blocking_returns_value() {
        let rt = rt();
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 7)).unwrap(), 7);
        let from_task = rt.block_on(rt.spawn(async { spawn_blocking(|| "task").await.unwrap() }));
        assert_eq!(from_task.unwrap(), "task");
        let handle = rt.handle().clone();
        let from_thread = thread::spawn(move || {
            let jh = handle.spawn_blocking(|| vec![1u8; 3]);
            handle.block_on(jh).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(from_thread, vec![1, 1, 1]);
    }

    fn blocking_jobs_run_off_the_workers() {
        let rt = rt();
        let (task_thread, job_thread) = rt
            .block_on(rt.spawn(async {
                let me = thread::current().id();
                let job = spawn_blocking(|| thread::current().id()).await.unwrap();
                (me, job)
            }))
            .unwrap();
        assert_ne!(task_thread, job_thread);
        assert_ne!(job_thread, thread::current().id());
    }

    fn blocking_job_sees_the_runtime() {
        let rt = rt();
        let out = rt
            .block_on(rt.spawn_blocking(|| {
                assert!(Handle::try_current().is_ok(), "no runtime context on a blocking thread");
                let handle = Handle::current();
                assert_eq!(handle.metrics().num_workers(), WORKERS);
                let jh = handle.spawn(async {
                    yield_now().await;
                    20
                });
                // Handle::block_on is allowed on a blocking thread.
                handle.block_on(async move {
                    let a = jh.await.unwrap();
                    let b = corio::spawn(async { 2 }).await.unwrap();
                    a + b
                })
            }))
            .unwrap();
        assert_eq!(out, 22);
    }

    fn nested_spawn_blocking() {
        let rt = rt();
        let out = rt
            .block_on(rt.spawn_blocking(|| {
                let inner = Handle::current().spawn_blocking(|| 5);
                Handle::current().block_on(inner).unwrap() * 2
            }))
            .unwrap();
        assert_eq!(out, 10);
    }

    fn many_blocking_jobs_complete() {
        let rt = rt();
        let ran = Counter::new();
        let handles: Vec<_> = (0..64usize)
            .map(|i| {
                let ran = ran.clone();
                rt.spawn_blocking(move || {
                    thread::sleep(Duration::from_millis(2));
                    ran.incr();
                    i
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(rt.block_on(h).unwrap(), i);
        }
        assert_eq!(ran.get(), 64);
    }

    fn blocking_panic_is_caught() {
        quiet_panics();
        let rt = rt();
        let err = rt
            .block_on(rt.spawn_blocking(|| -> u8 { panic!("{INTENTIONAL}") }))
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 1)).unwrap(), 1);
    }

    fn block_in_place_returns_the_closure_value() {
        let rt = rt();
        let out = rt
            .block_on(rt.spawn(async {
                let v = block_in_place(|| {
                    thread::sleep(Duration::from_millis(5));
                    41
                });
                // The task carries on normally afterwards.
                yield_now().await;
                v + corio::spawn(async { 1 }).await.unwrap()
            }))
            .unwrap();
        assert_eq!(out, 42);
    }
}

#[test]
fn max_blocking_threads_bounds_concurrency() {
    let _w = Watchdog::new("max_blocking_threads_bounds_concurrency");
    let rt = Runtime::builder()
        .worker_threads(2)
        .max_blocking_threads(2)
        .build()
        .unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            rt.spawn_blocking(move || {
                let now = running.fetch_add(1, SeqCst) + 1;
                peak.fetch_max(now, SeqCst);
                thread::sleep(Duration::from_millis(10));
                running.fetch_sub(1, SeqCst);
            })
        })
        .collect();
    for h in handles {
        rt.block_on(h).unwrap();
    }
    let peak = peak.load(SeqCst);
    assert!(
        peak <= 2,
        "{peak} blocking jobs ran at once with max_blocking_threads(2)"
    );
    assert!(peak >= 1);
}

#[test]
fn block_in_place_lets_tasks_spawned_elsewhere_run() {
    let _w = Watchdog::new("block_in_place_lets_tasks_spawned_elsewhere_run");
    let rt = runtime_with_four_workers();
    let flag = Flag::new();
    let in_place = Flag::new();
    let (f, p) = (flag.clone(), in_place.clone());
    let blocked = rt.spawn(async move {
        block_in_place(|| {
            p.set();
            wait_for(|| f.is_set())
        })
    });
    assert!(wait_for(|| in_place.is_set()));
    let setter = rt.spawn(async move { flag.set() });
    rt.block_on(setter).unwrap();
    assert!(
        rt.block_on(blocked).unwrap(),
        "the flag was not set while in block_in_place"
    );
}

#[test]
fn block_in_place_does_not_strand_its_own_queue() {
    // The task spawns the setter itself (into its worker's LIFO slot or local queue) and then
    // blocks in place: the setter must still run.
    let _w = Watchdog::new("block_in_place_does_not_strand_its_own_queue");
    let rt = runtime_with_four_workers();
    let observed = rt
        .block_on(rt.spawn(async {
            let flag = Flag::new();
            let f = flag.clone();
            let setter = corio::spawn(async move { f.set() });
            let observed = block_in_place(|| wait_for(|| flag.is_set()));
            setter.await.unwrap();
            observed
        }))
        .unwrap();
    assert!(
        observed,
        "a task queued on the blocking worker never ran during block_in_place"
    );
}

#[test]
fn other_tasks_progress_during_many_block_in_place() {
    let _w = Watchdog::new("other_tasks_progress_during_many_block_in_place");
    let rt = runtime_with_four_workers();
    let stop = Flag::new();
    let ticks = Counter::new();
    let ticker = {
        let (stop, ticks) = (stop.clone(), ticks.clone());
        rt.spawn(async move {
            while !stop.is_set() {
                ticks.incr();
                yield_now().await;
            }
        })
    };
    let blockers: Vec<_> = (0..8)
        .map(|_| {
            let ticks = ticks.clone();
            rt.spawn(async move {
                let before = ticks.get();
                block_in_place(|| wait_for(|| ticks.get() > before + 10))
            })
        })
        .collect();
    for b in blockers {
        assert!(
            rt.block_on(b).unwrap(),
            "the ticker stalled while tasks were in block_in_place"
        );
    }
    stop.set();
    rt.block_on(ticker).unwrap();
}
