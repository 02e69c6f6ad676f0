//! Shutting down: `shutdown_timeout` keeps its bound even with a stuck blocking job,
//! `shutdown_background` does not wait, pending futures are dropped and their handles cancelled,
//! busy tasks do not keep a dropping runtime alive; and the misuses — `block_on` inside async code,
//! dropping a runtime inside async code, spawning on a dead runtime — fail cleanly.

mod support;

use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use corio::task::yield_now;
use corio::{Handle, Runtime};
use support::{block_on_local, panic_message, quiet_panics, rt_test, wait_until, Counter, Flag};

/// Starts a blocking job that stays stuck until the returned sender is used (or dropped), and
/// waits until it is running.
fn stuck_blocking_job(rt: &Runtime) -> mpsc::Sender<()> {
    let (release, stuck) = mpsc::channel::<()>();
    let started = Flag::new();
    let s = started.clone();
    drop(rt.spawn_blocking(move || {
        s.set();
        let _ = stuck.recv_timeout(Duration::from_secs(30));
    }));
    wait_until("the blocking job started", || started.is_set());
    release
}

/// Spawns `n` tasks that wait forever, each holding a guard of `dropped`, and waits until all
/// have been polled.
fn pending_tasks(rt: &Runtime, n: usize, dropped: &Counter) -> Vec<corio::task::JoinHandle<()>> {
    let polled = Counter::new();
    let handles = (0..n)
        .map(|_| {
            let guard = dropped.guard();
            let polled = polled.clone();
            rt.spawn(async move {
                let _guard = guard;
                polled.incr();
                std::future::pending::<()>().await;
            })
        })
        .collect();
    wait_until("every pending task was polled", || polled.get() == n);
    handles
}

fn assert_panics_mentioning_runtime(err: corio::task::JoinError) {
    assert!(err.is_panic(), "expected a panic, got {err}");
    let msg = panic_message(&*err.into_panic());
    assert!(
        msg.to_lowercase().contains("runtime"),
        "unhelpful panic message: {msg:?}"
    );
}

rt_test! {
    fn shutdown_timeout_bounds_a_stuck_blocking_job() {
        let rt = rt();
        let dropped = Counter::new();
        let handles = pending_tasks(&rt, 10, &dropped);
        let release = stuck_blocking_job(&rt);
        let bound = Duration::from_millis(100);
        let start = Instant::now();
        rt.shutdown_timeout(bound);
        let took = start.elapsed();
        assert!(took < 10 * bound, "shutdown_timeout({bound:?}) took {took:?}");
        wait_until("the pending futures are dropped", || dropped.get() == 10);
        for h in handles {
            assert!(block_on_local(h).unwrap_err().is_cancelled());
        }
        release.send(()).unwrap();
        assert_eq!(dropped.get(), 10);
    }

    fn shutdown_timeout_returns_early_when_idle() {
        let rt = rt();
        let dropped = Counter::new();
        let _handles = pending_tasks(&rt, 10, &dropped);
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 1)).unwrap(), 1);
        // Let the blocking thread go idle: shutdown must wake it, not wait out its keep-alive.
        thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        rt.shutdown_timeout(Duration::from_secs(3));
        let took = start.elapsed();
        assert!(took < Duration::from_millis(2500), "idle shutdown_timeout(3s) took {took:?}");
        wait_until("the pending futures are dropped", || dropped.get() == 10);
    }

    fn shutdown_background_does_not_wait() {
        let rt = rt();
        let dropped = Counter::new();
        let handles = pending_tasks(&rt, 10, &dropped);
        let release = stuck_blocking_job(&rt);
        let start = Instant::now();
        rt.shutdown_background();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(1), "shutdown_background took {took:?}");
        wait_until("the pending futures are dropped", || dropped.get() == 10);
        for h in handles {
            assert!(block_on_local(h).unwrap_err().is_cancelled());
        }
        release.send(()).unwrap();
    }

    fn dropping_stops_busy_tasks() {
        // Tasks that are always ready must not keep Runtime::drop from finishing.
        let rt = rt();
        let dropped = Counter::new();
        let polled = Counter::new();
        let handles: Vec<_> = (0..2 * WORKERS + 2)
            .map(|_| {
                let guard = dropped.guard();
                let polled = polled.clone();
                rt.spawn(async move {
                    let _guard = guard;
                    loop {
                        polled.incr();
                        yield_now().await;
                    }
                })
            })
            .collect();
        wait_until("the busy tasks are running", || polled.get() > 100);
        drop(rt);
        assert_eq!(dropped.get(), handles.len());
        for h in handles {
            assert!(block_on_local(h).unwrap_err().is_cancelled());
        }
    }

    fn drop_waits_for_a_task_in_the_middle_of_a_poll() {
        let rt = rt();
        let dropped = Counter::new();
        let started = Flag::new();
        let guard = dropped.guard();
        let s = started.clone();
        let jh = rt.spawn(async move {
            let _guard = guard;
            s.set();
            thread::sleep(Duration::from_millis(100));
            std::future::pending::<()>().await;
        });
        wait_until("the task is in its poll", || started.is_set());
        drop(rt);
        assert_eq!(dropped.get(), 1);
        assert!(block_on_local(jh).unwrap_err().is_cancelled());
    }

    fn spawn_on_a_dropped_runtime_is_cancelled() {
        let rt = rt();
        let handle = rt.handle().clone();
        drop(rt);
        let dropped = Counter::new();
        let ran = Flag::new();
        let guard = dropped.guard();
        let r = ran.clone();
        let jh = handle.spawn(async move {
            let _guard = guard;
            r.set();
        });
        let err = block_on_local(jh).unwrap_err();
        assert!(err.is_cancelled(), "{err}");
        assert!(!ran.is_set(), "a task ran on a dropped runtime");
        wait_until("the rejected future is dropped", || dropped.get() == 1);
    }

    fn spawn_blocking_on_a_dropped_runtime_is_cancelled() {
        let rt = rt();
        let handle = rt.handle().clone();
        drop(rt);
        let ran = Flag::new();
        let r = ran.clone();
        let jh = handle.spawn_blocking(move || r.set());
        let err = block_on_local(jh).unwrap_err();
        assert!(err.is_cancelled(), "{err}");
        assert!(!ran.is_set(), "a blocking job ran on a dropped runtime");
    }

    fn handle_block_on_inside_a_task_panics() {
        quiet_panics();
        let rt = rt();
        let err = rt
            .block_on(rt.spawn(async { Handle::current().block_on(async { 1 }) }))
            .unwrap_err();
        assert_panics_mentioning_runtime(err);
        // The worker survived.
        assert_eq!(rt.block_on(rt.spawn(async { 2 })).unwrap(), 2);
    }

    fn other_runtime_block_on_inside_a_task_panics() {
        quiet_panics();
        let rt = rt();
        let other = Arc::new(support::runtime(1));
        let o = other.clone();
        let err = rt.block_on(rt.spawn(async move { o.block_on(async { 1 }) })).unwrap_err();
        assert_panics_mentioning_runtime(err);
        // `other` is dropped here, on a plain thread, which is allowed.
        assert_eq!(other.block_on(async { 3 }), 3);
    }

    fn block_on_inside_block_on_panics() {
        quiet_panics();
        let rt = rt();
        let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async { Handle::current().block_on(async { 1 }) })
        }))
        .unwrap_err();
        let msg = panic_message(&*payload);
        assert!(msg.to_lowercase().contains("runtime"), "unhelpful panic message: {msg:?}");
        assert_eq!(rt.block_on(async { 4 }), 4);
    }

    fn dropping_a_runtime_inside_a_task_panics() {
        quiet_panics();
        let rt = rt();
        let doomed = support::runtime(1);
        let err = rt.block_on(rt.spawn(async move { drop(doomed) })).unwrap_err();
        assert_panics_mentioning_runtime(err);
        assert_eq!(rt.block_on(rt.spawn(async { 5 })).unwrap(), 5);
    }
}

#[test]
fn dropping_a_runtime_inside_block_on_panics() {
    quiet_panics();
    let _w = support::Watchdog::new("dropping_a_runtime_inside_block_on_panics");
    let rt = support::runtime(2);
    let doomed = support::runtime(1);
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async move { drop(doomed) })
    }))
    .unwrap_err();
    let msg = panic_message(&*payload);
    assert!(
        msg.to_lowercase().contains("runtime"),
        "unhelpful panic message: {msg:?}"
    );
}

#[test]
fn shutdown_timeout_of_zero_still_cancels_everything() {
    let _w = support::Watchdog::new("shutdown_timeout_of_zero_still_cancels_everything");
    let rt = support::runtime(2);
    let dropped = Counter::new();
    let handles = pending_tasks(&rt, 100, &dropped);
    rt.shutdown_timeout(Duration::ZERO);
    wait_until("every pending future is dropped", || dropped.get() == 100);
    for h in handles {
        assert!(block_on_local(h).unwrap_err().is_cancelled());
    }
    std::thread::sleep(Duration::from_millis(10));
    assert_eq!(dropped.get(), 100);
}
