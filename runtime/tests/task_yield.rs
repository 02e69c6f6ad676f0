//! `yield_now` and fairness: a task that keeps yielding lets every other ready task run, even on a
//! single worker and even when it spawned them itself (so they sit in its LIFO slot or local
//! queue); `yield_now` returns after exactly one `Pending`.

mod support;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use corio::task::yield_now;
use support::{rt_test, Counter, Flag, Watchdog, PATIENCE};

/// Yields until `flag` is set; panics (instead of hanging) if that takes longer than
/// [`PATIENCE`]. Returns how many times it yielded.
async fn yield_until(flag: Flag) -> u64 {
    let start = Instant::now();
    let mut yields = 0;
    while !flag.is_set() {
        assert!(
            start.elapsed() < PATIENCE,
            "starved: flag still unset after {yields} yields"
        );
        yield_now().await;
        yields += 1;
    }
    yields
}

#[test]
fn yielder_does_not_starve_a_task_spawned_from_outside() {
    let _w = Watchdog::new("yielder_does_not_starve_a_task_spawned_from_outside");
    let rt = support::runtime(1);
    let flag = Flag::new();
    let yielder = rt.spawn(yield_until(flag.clone()));
    let setter = rt.spawn(async move { flag.set() });
    rt.block_on(setter).unwrap();
    rt.block_on(yielder).unwrap();
}

#[test]
fn yielder_does_not_starve_a_task_it_spawned() {
    let _w = Watchdog::new("yielder_does_not_starve_a_task_it_spawned");
    let rt = support::runtime(1);
    let out = rt.block_on(rt.spawn(async {
        let flag = Flag::new();
        let f = flag.clone();
        // The child lands in this worker's LIFO slot or local queue; the yielding parent must
        // not keep jumping ahead of it.
        let child = corio::spawn(async move { f.set() });
        let yields = yield_until(flag).await;
        child.await.unwrap();
        yields
    }));
    out.unwrap();
}

#[test]
fn yielder_does_not_starve_a_chain_of_spawns() {
    let _w = Watchdog::new("yielder_does_not_starve_a_chain_of_spawns");
    let rt = support::runtime(1);
    rt.block_on(rt.spawn(async {
        let flag = Flag::new();
        let f = flag.clone();
        // Each link spawns the next from inside the worker; the last sets the flag.
        fn link(n: u32, f: Flag) {
            if n == 0 {
                f.set();
            } else {
                drop(corio::spawn(async move { link(n - 1, f) }));
            }
        }
        drop(corio::spawn(async move { link(100, f) }));
        yield_until(flag).await
    }))
    .unwrap();
}

#[test]
fn two_yielders_interleave_on_one_worker() {
    let _w = Watchdog::new("two_yielders_interleave_on_one_worker");
    let rt = support::runtime(1);
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    rt.block_on(rt.spawn(async move {
        // Both are queued before either runs: this task holds the only worker.
        let a = {
            let l = l.clone();
            corio::spawn(async move {
                for _ in 0..100 {
                    l.lock().unwrap().push('a');
                    yield_now().await;
                }
            })
        };
        let b = {
            let l = l.clone();
            corio::spawn(async move {
                for _ in 0..100 {
                    l.lock().unwrap().push('b');
                    yield_now().await;
                }
            })
        };
        a.await.unwrap();
        b.await.unwrap();
    }))
    .unwrap();
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 200);
    let first_b = log.iter().position(|&c| c == 'b').unwrap();
    let first_a = log.iter().position(|&c| c == 'a').unwrap();
    let last_a = log.iter().rposition(|&c| c == 'a').unwrap();
    let last_b = log.iter().rposition(|&c| c == 'b').unwrap();
    assert!(
        first_b < last_a && first_a < last_b,
        "one yielding task ran to the end before the other started: {}",
        log.iter().collect::<String>()
    );
}

rt_test! {
    fn many_yielders_wait_for_one_setter() {
        let rt = rt();
        let flag = Flag::new();
        let yielders: Vec<_> = (0..2 * WORKERS + 1)
            .map(|_| rt.spawn(yield_until(flag.clone())))
            .collect();
        let f = flag.clone();
        rt.block_on(rt.spawn(async move { f.set() })).unwrap();
        for y in yielders {
            rt.block_on(y).unwrap();
        }
    }

    fn yield_now_is_pending_exactly_once() {
        let rt = rt();
        let polls = Counter::new();
        let p = polls.clone();
        rt.block_on(rt.spawn(async move {
            let mut y = pin!(yield_now());
            poll_fn(|cx| {
                p.incr();
                y.as_mut().poll(cx)
            })
            .await;
        }))
        .unwrap();
        assert_eq!(polls.get(), 2);
    }

    fn block_on_future_can_yield() {
        let rt = rt();
        let n = rt.block_on(async {
            let mut n = 0;
            for _ in 0..1000 {
                yield_now().await;
                n += 1;
            }
            n
        });
        assert_eq!(n, 1000);
    }

    fn yield_inside_spawned_and_block_on_together() {
        let rt = rt();
        let flag = Flag::new();
        let setter = {
            let f = flag.clone();
            rt.spawn(async move {
                for _ in 0..50 {
                    yield_now().await;
                }
                f.set();
            })
        };
        // block_on yields while a task yields too; both finish.
        rt.block_on(yield_until(flag));
        rt.block_on(setter).unwrap();
    }

    fn yield_loops_make_progress_together() {
        let rt = rt();
        let progress: Vec<Counter> = (0..4).map(|_| Counter::new()).collect();
        let handles: Vec<_> = progress
            .iter()
            .map(|c| {
                let c = c.clone();
                rt.spawn(async move {
                    for _ in 0..500 {
                        c.incr();
                        yield_now().await;
                    }
                })
            })
            .collect();
        for h in handles {
            rt.block_on(h).unwrap();
        }
        assert!(progress.iter().all(|c| c.get() == 500));
    }
}
