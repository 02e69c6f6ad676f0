//! `JoinSet`: every spawned result comes back exactly once, in completion order; `abort_all`
//! cancels; dropping the set aborts its tasks and drops their futures; panics come back as
//! `JoinError`s without disturbing the rest.

mod support;

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use corio::task::{yield_now, JoinSet};
use futures_channel::oneshot;
use support::{quiet_panics, rt_test, wait_until, Counter, INTENTIONAL};

rt_test! {
    fn join_next_returns_every_result_once() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            assert!(set.is_empty());
            for i in 0..100u32 {
                set.spawn(async move {
                    if i % 2 == 0 {
                        yield_now().await;
                    }
                    i
                });
            }
            assert_eq!(set.len(), 100);
            let mut seen = BTreeSet::new();
            while let Some(res) = set.join_next().await {
                assert!(seen.insert(res.unwrap()), "a result came back twice");
                assert_eq!(set.len(), 100 - seen.len());
            }
            assert_eq!(seen, (0..100).collect());
            assert!(set.is_empty());
            assert!(set.join_next().await.is_none());
        });
    }

    fn join_next_on_an_empty_set_is_none() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::<()>::new();
            assert!(set.join_next().await.is_none());
            assert_eq!(set.len(), 0);
        });
    }

    fn results_come_in_completion_order() {
        let rt = rt();
        rt.block_on(async {
            let (tx, rx) = oneshot::channel::<()>();
            let mut set = JoinSet::new();
            set.spawn(async move {
                rx.await.unwrap();
                "slow"
            });
            set.spawn(async { "fast" });
            assert_eq!(set.join_next().await.unwrap().unwrap(), "fast");
            tx.send(()).unwrap();
            assert_eq!(set.join_next().await.unwrap().unwrap(), "slow");
            assert!(set.join_next().await.is_none());
        });
    }

    fn finished_tasks_count_until_joined() {
        let rt = rt();
        rt.block_on(async {
            let done = Counter::new();
            let mut set = JoinSet::new();
            for _ in 0..3 {
                let done = done.clone();
                set.spawn(async move {
                    done.incr();
                });
            }
            while done.get() < 3 {
                yield_now().await;
            }
            assert_eq!(set.len(), 3);
            set.join_next().await.unwrap().unwrap();
            assert_eq!(set.len(), 2);
        });
    }

    fn abort_all_cancels_and_drops() {
        let rt = rt();
        let dropped = Counter::new();
        let started = Counter::new();
        rt.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..50 {
                let guard = dropped.guard();
                let started = started.clone();
                set.spawn(async move {
                    let _guard = guard;
                    started.incr();
                    std::future::pending::<()>().await;
                });
            }
            // Abort some before they start, most while they wait.
            while started.get() < 25 {
                yield_now().await;
            }
            set.abort_all();
            let mut cancelled = 0;
            while let Some(res) = set.join_next().await {
                assert!(res.unwrap_err().is_cancelled());
                cancelled += 1;
            }
            assert_eq!(cancelled, 50);
            assert!(set.is_empty());
        });
        assert_eq!(dropped.get(), 50);
    }

    fn dropping_the_set_aborts_its_tasks() {
        let rt = rt();
        let dropped = Counter::new();
        let started = Counter::new();
        let after_pending = Counter::new();
        let set = rt.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..50 {
                let guard = dropped.guard();
                let (started, after) = (started.clone(), after_pending.clone());
                set.spawn(async move {
                    let _guard = guard;
                    started.incr();
                    std::future::pending::<()>().await;
                    after.incr();
                });
            }
            set
        });
        wait_until("every task started", || started.get() == 50);
        assert_eq!(dropped.get(), 0);
        // Dropped outside any runtime context.
        drop(set);
        wait_until("every task of the dropped set is dropped", || dropped.get() == 50);
        thread::sleep(Duration::from_millis(10));
        assert_eq!(dropped.get(), 50);
        assert_eq!(after_pending.get(), 0);
    }

    fn dropping_the_set_inside_a_task() {
        let rt = rt();
        let dropped = Counter::new();
        let d = dropped.clone();
        rt.block_on(rt.spawn(async move {
            let mut set = JoinSet::new();
            for _ in 0..20 {
                let guard = d.guard();
                set.spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                });
            }
            yield_now().await;
            drop(set);
        }))
        .unwrap();
        wait_until("every task of the dropped set is dropped", || dropped.get() == 20);
    }

    fn a_panicking_member_does_not_disturb_the_others() {
        quiet_panics();
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            for i in 0..20u32 {
                set.spawn(async move {
                    yield_now().await;
                    if i == 7 {
                        panic!("{INTENTIONAL} in set member");
                    }
                    i
                });
            }
            let (mut ok, mut panicked) = (0, 0);
            while let Some(res) = set.join_next().await {
                match res {
                    Ok(_) => ok += 1,
                    Err(e) => {
                        assert!(e.is_panic());
                        panicked += 1;
                    }
                }
            }
            assert_eq!((ok, panicked), (19, 1));
        });
    }

    fn set_owned_by_a_task() {
        let rt = rt();
        let total = rt
            .block_on(rt.spawn(async {
                let mut set = JoinSet::new();
                for i in 0..10u64 {
                    set.spawn(async move { i * i });
                }
                let mut total = 0;
                while let Some(res) = set.join_next().await {
                    total += res.unwrap();
                }
                total
            }))
            .unwrap();
        assert_eq!(total, (0..10).map(|i| i * i).sum::<u64>());
    }

    fn set_is_reusable_after_draining() {
        let rt = rt();
        rt.block_on(async {
            let mut set = JoinSet::new();
            for round in 0..3u32 {
                for i in 0..10 {
                    set.spawn(async move { round * 100 + i });
                }
                let mut n = 0;
                while let Some(res) = set.join_next().await {
                    assert_eq!(res.unwrap() / 100, round);
                    n += 1;
                }
                assert_eq!(n, 10);
            }
        });
    }
}
