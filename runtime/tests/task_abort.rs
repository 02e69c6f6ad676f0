//! Aborting tasks: before they start, while they wait, while they run, after they finish, through
//! a `JoinHandle` or an `AbortHandle`, from any thread. An aborted task's future is dropped exactly
//! once and promptly; a finished task keeps its result.

mod support;

use std::thread;
use std::time::Duration;

use corio::task::yield_now;
use futures_channel::oneshot;
use support::{rt_test, wait_until, Counter, Flag};

/// Spawns one task per worker that spins (politely) until `release` is set, and waits until every
/// worker is busy with one, so nothing else can run until then.
fn occupy_all_workers(
    rt: &corio::Runtime,
    workers: usize,
    release: &Flag,
) -> Vec<corio::task::JoinHandle<()>> {
    let started = Counter::new();
    let blockers = (0..workers)
        .map(|_| {
            let started = started.clone();
            let release = release.clone();
            rt.spawn(async move {
                started.incr();
                while !release.is_set() {
                    thread::sleep(Duration::from_millis(1));
                }
            })
        })
        .collect();
    wait_until("every worker runs a blocker", || started.get() == workers);
    blockers
}

rt_test! {
    fn abort_before_start() {
        let rt = rt();
        let release = Flag::new();
        let blockers = occupy_all_workers(&rt, WORKERS, &release);

        let ran = Flag::new();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let r = ran.clone();
        let jh = rt.spawn(async move {
            let _guard = guard;
            r.set();
        });
        jh.abort();
        release.set();

        let err = rt.block_on(jh).unwrap_err();
        assert!(err.is_cancelled(), "{err}");
        assert!(!err.is_panic());
        assert!(!ran.is_set(), "an aborted task started running");
        assert_eq!(dropped.get(), 1);
        for b in blockers {
            rt.block_on(b).unwrap();
        }
    }

    fn abort_before_start_from_inside_a_task() {
        let rt = rt();
        let dropped = Counter::new();
        let ran = Flag::new();
        let (d, r) = (dropped.clone(), ran.clone());
        let result = rt
            .block_on(rt.spawn(async move {
                let guard = d.guard();
                let jh = corio::spawn(async move {
                    let _guard = guard;
                    r.set();
                });
                jh.abort();
                jh.await
            }))
            .unwrap();
        assert_eq!(dropped.get(), 1);
        match result {
            Err(e) => {
                assert!(e.is_cancelled(), "{e}");
                assert!(!ran.is_set(), "cancelled, yet the body ran");
            }
            // With one worker the child cannot run before the abort: its parent holds the
            // worker. With more, another worker may steal and finish it first.
            Ok(()) => {
                assert_ne!(WORKERS, 1, "the child ran on the only worker while its parent ran");
                assert!(ran.is_set());
            }
        }
    }

    fn abort_pending_task_drops_future_promptly() {
        let rt = rt();
        let started = Flag::new();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let s = started.clone();
        let jh = rt.spawn(async move {
            let _guard = guard;
            s.set();
            std::future::pending::<()>().await;
        });
        wait_until("the task started", || started.is_set());
        jh.abort();
        // Nobody polls the JoinHandle: a worker must drop the future by itself.
        wait_until("the aborted future is dropped", || dropped.get() == 1);
        let err = rt.block_on(jh).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(dropped.get(), 1);
    }

    fn abort_after_completion_keeps_result() {
        let rt = rt();
        let jh = rt.spawn(async { 42 });
        wait_until("the task finished", || jh.is_finished());
        jh.abort();
        jh.abort();
        assert_eq!(rt.block_on(jh).unwrap(), 42);
    }

    fn abort_handle_from_another_thread() {
        let rt = rt();
        let started = Flag::new();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let s = started.clone();
        let jh = rt.spawn(async move {
            let _guard = guard;
            s.set();
            std::future::pending::<u8>().await
        });
        let ah = jh.abort_handle();
        wait_until("the task started", || started.is_set());
        thread::spawn(move || ah.abort()).join().unwrap();
        assert!(rt.block_on(jh).unwrap_err().is_cancelled());
        assert_eq!(dropped.get(), 1);
    }

    fn abort_handle_outlives_join_handle() {
        let rt = rt();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let jh = rt.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        let ah = jh.abort_handle();
        drop(jh); // detaches; the task keeps going
        thread::sleep(Duration::from_millis(20));
        assert_eq!(dropped.get(), 0, "dropping a JoinHandle must not cancel the task");
        ah.abort();
        wait_until("the detached task is dropped", || dropped.get() == 1);
        ah.abort();
        drop(ah);
        thread::sleep(Duration::from_millis(20));
        assert_eq!(dropped.get(), 1);
    }

    fn abort_handle_after_completion_is_a_no_op() {
        let rt = rt();
        let jh = rt.spawn(async { String::from("kept") });
        let ah = jh.abort_handle();
        wait_until("the task finished", || jh.is_finished());
        ah.abort();
        assert_eq!(rt.block_on(jh).unwrap(), "kept");
        ah.abort();
    }

    fn is_finished_tracks_the_task() {
        let rt = rt();
        let (tx, rx) = oneshot::channel::<u32>();
        let mut jh = rt.spawn(async move { rx.await.unwrap() + 1 });
        thread::sleep(Duration::from_millis(10));
        assert!(!jh.is_finished());
        tx.send(1).unwrap();
        wait_until("the task finished", || jh.is_finished());
        assert_eq!(rt.block_on(&mut jh).unwrap(), 2);
        assert!(jh.is_finished());
    }

    fn is_finished_after_abort() {
        let rt = rt();
        let mut jh = rt.spawn(std::future::pending::<()>());
        assert!(!jh.is_finished());
        jh.abort();
        wait_until("the aborted task finished", || jh.is_finished());
        assert!(rt.block_on(&mut jh).unwrap_err().is_cancelled());
        assert!(jh.is_finished());
    }

    fn task_aborting_itself_stops_at_next_yield() {
        let rt = rt();
        let after_yield = Flag::new();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let (ah_tx, ah_rx) = oneshot::channel::<corio::task::AbortHandle>();
        let a = after_yield.clone();
        let jh = rt.spawn(async move {
            let _guard = guard;
            let me = ah_rx.await.unwrap();
            me.abort();
            yield_now().await;
            a.set();
        });
        ah_tx.send(jh.abort_handle()).unwrap();
        assert!(rt.block_on(jh).unwrap_err().is_cancelled());
        assert!(!after_yield.is_set(), "the task ran past its yield after aborting itself");
        assert_eq!(dropped.get(), 1);
    }

    fn abort_while_running_then_pending() {
        let rt = rt();
        let started = Flag::new();
        let release = Flag::new();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let (s, r) = (started.clone(), release.clone());
        let jh = rt.spawn(async move {
            let _guard = guard;
            s.set();
            // Busy inside one poll while the abort arrives.
            while !r.is_set() {
                thread::sleep(Duration::from_millis(1));
            }
            std::future::pending::<()>().await;
        });
        wait_until("the task is running", || started.is_set());
        jh.abort();
        release.set();
        wait_until("the aborted future is dropped", || dropped.get() == 1);
        assert!(rt.block_on(jh).unwrap_err().is_cancelled());
        assert_eq!(dropped.get(), 1);
    }

    fn aborting_a_waiter_does_not_cancel_what_it_awaits() {
        let rt = rt();
        let inner_dropped = Counter::new();
        let (tx, rx) = oneshot::channel::<()>();
        let guard = inner_dropped.guard();
        let inner = rt.spawn(async move {
            let _guard = guard;
            rx.await.unwrap();
            5
        });
        let inner_ah = inner.abort_handle();
        let outer = rt.spawn(async move { inner.await.unwrap() });
        outer.abort();
        assert!(rt.block_on(outer).unwrap_err().is_cancelled());
        thread::sleep(Duration::from_millis(20));
        assert_eq!(inner_dropped.get(), 0, "the awaited task was cancelled with its waiter");
        tx.send(()).unwrap();
        wait_until("the awaited task completes", || inner_dropped.get() == 1);
        inner_ah.abort();
    }

    fn abort_many_pending_tasks() {
        let rt = rt();
        let dropped = Counter::new();
        let handles: Vec<_> = (0..1000)
            .map(|_| {
                let guard = dropped.guard();
                rt.spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                })
            })
            .collect();
        for h in &handles {
            h.abort();
        }
        wait_until("all aborted futures are dropped", || dropped.get() == 1000);
        for h in handles {
            assert!(rt.block_on(h).unwrap_err().is_cancelled());
        }
        assert_eq!(dropped.get(), 1000);
    }
}
