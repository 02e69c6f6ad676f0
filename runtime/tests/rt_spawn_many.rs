//! Spawning in bulk: every one of many spawned tasks runs exactly once and its JoinHandle resolves,
//! whether the spawns come from the runtime's own tasks, from `block_on`, or from many foreign
//! threads at once, and however deep spawns nest.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Barrier};
use std::thread;

use corio::task::{yield_now, JoinHandle};
use futures_channel::oneshot;
use support::{rt_test, wait_until, Counter};

const MANY: usize = 100_000;

async fn await_all(handles: Vec<JoinHandle<usize>>) -> usize {
    let mut sum = 0;
    for h in handles {
        sum += h.await.unwrap();
    }
    sum
}

fn binary_tree(depth: u32) -> Pin<Box<dyn Future<Output = usize> + Send>> {
    Box::pin(async move {
        if depth == 0 {
            return 1;
        }
        let left = corio::spawn(binary_tree(depth - 1));
        let right = corio::spawn(binary_tree(depth - 1));
        1 + left.await.unwrap() + right.await.unwrap()
    })
}

/// Each link spawns the next and returns at once, without awaiting it.
fn chain(remaining: usize, runs: Counter, done: oneshot::Sender<usize>) {
    runs.incr();
    if remaining == 0 {
        let _ = done.send(runs.get());
    } else {
        drop(corio::spawn(
            async move { chain(remaining - 1, runs, done) },
        ));
    }
}

rt_test! {
    fn hundred_thousand_spawns_from_block_on() {
        let rt = rt();
        let runs = Counter::new();
        let sum = rt.block_on(async {
            let handles: Vec<_> = (0..MANY)
                .map(|i| {
                    let runs = runs.clone();
                    corio::spawn(async move {
                        runs.incr();
                        i
                    })
                })
                .collect();
            await_all(handles).await
        });
        assert_eq!(sum, MANY * (MANY - 1) / 2);
        assert_eq!(runs.get(), MANY);
    }

    fn hundred_thousand_spawns_from_a_task() {
        // Spawns from a worker go to its local queue (and overflow from there).
        let rt = rt();
        let runs = Counter::new();
        let r = runs.clone();
        let sum = rt
            .block_on(rt.spawn(async move {
                let handles: Vec<_> = (0..MANY)
                    .map(|i| {
                        let runs = r.clone();
                        corio::spawn(async move {
                            runs.incr();
                            i
                        })
                    })
                    .collect();
                await_all(handles).await
            }))
            .unwrap();
        assert_eq!(sum, MANY * (MANY - 1) / 2);
        assert_eq!(runs.get(), MANY);
    }

    fn spawns_from_outside_the_runtime() {
        let rt = rt();
        let runs = Counter::new();
        let handles: Vec<_> = (0..MANY / 10)
            .map(|i| {
                let runs = runs.clone();
                rt.spawn(async move {
                    runs.incr();
                    i
                })
            })
            .collect();
        let sum = rt.block_on(await_all(handles));
        assert_eq!(sum, (MANY / 10) * (MANY / 10 - 1) / 2);
        assert_eq!(runs.get(), MANY / 10);
    }

    fn spawns_from_eight_threads_at_once() {
        const THREADS: usize = 8;
        const PER_THREAD: usize = 10_000;
        let rt = rt();
        let runs = Counter::new();
        let barrier = Arc::new(Barrier::new(THREADS));
        let spawners: Vec<_> = (0..THREADS)
            .map(|t| {
                let handle = rt.handle().clone();
                let barrier = barrier.clone();
                let runs = runs.clone();
                thread::spawn(move || {
                    barrier.wait();
                    (0..PER_THREAD)
                        .map(|i| {
                            let runs = runs.clone();
                            handle.spawn(async move {
                                runs.incr();
                                if i % 16 == 0 {
                                    yield_now().await;
                                }
                                t * PER_THREAD + i
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut handles = Vec::new();
        for s in spawners {
            handles.extend(s.join().unwrap());
        }
        let total = THREADS * PER_THREAD;
        let sum = rt.block_on(await_all(handles));
        assert_eq!(sum, total * (total - 1) / 2);
        assert_eq!(runs.get(), total);
    }

    fn detached_spawns_all_run() {
        let rt = rt();
        let runs = Counter::new();
        for _ in 0..MANY / 10 {
            let runs = runs.clone();
            drop(rt.spawn(async move {
                yield_now().await;
                runs.incr();
            }));
        }
        wait_until("every detached task ran", || runs.get() == MANY / 10);
        assert_eq!(runs.get(), MANY / 10);
    }

    fn nested_spawn_tree() {
        // 2^13 - 1 tasks, each spawning two children and awaiting them.
        let rt = rt();
        let nodes = rt.block_on(binary_tree(12));
        assert_eq!(nodes, (1 << 13) - 1);
        let nodes = rt.block_on(rt.spawn(binary_tree(10))).unwrap();
        assert_eq!(nodes, (1 << 11) - 1);
    }

    fn chained_spawns() {
        let rt = rt();
        let (tx, rx) = oneshot::channel();
        let runs = Counter::new();
        let r = runs.clone();
        drop(rt.spawn(async move { chain(10_000, r, tx) }));
        let seen = rt.block_on(rx).unwrap();
        assert_eq!(seen, 10_001);
        assert_eq!(runs.get(), 10_001);
    }
}
