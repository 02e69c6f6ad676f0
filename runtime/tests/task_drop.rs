//! Drop accounting: every future and every output is dropped exactly once — on completion, on
//! shutdown, when detached, when its JoinHandle goes away — and the JoinHandles of tasks cut short
//! by shutdown resolve to `Cancelled`.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use corio::task::yield_now;
use corio::Handle;
use futures_channel::oneshot;
use support::{block_on_local, rt_test, wait_until, Counter, DropGuard};

/// A future that is ready at once but keeps its guard inside itself, so the guard counts the
/// drop of the future object by the runtime (not a local going out of scope in an async body).
struct ReadyWithGuard {
    _guard: DropGuard,
    value: u32,
}

impl Future for ReadyWithGuard {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u32> {
        Poll::Ready(self.value)
    }
}

/// A future pending forever that keeps its guard inside itself.
struct PendingWithGuard {
    _guard: DropGuard,
    polled: Counter,
}

impl Future for PendingWithGuard {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        self.polled.incr();
        Poll::Pending
    }
}

/// On drop, spawns another task onto `handle` (a runtime that is shutting down by then).
struct SpawnOnDrop {
    handle: Handle,
    inner_dropped: Counter,
    spawned: Counter,
    _guard: DropGuard,
}

impl Drop for SpawnOnDrop {
    fn drop(&mut self) {
        let guard = self.inner_dropped.guard();
        drop(self.handle.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        }));
        self.spawned.incr();
    }
}

rt_test! {
    fn pending_futures_dropped_once_at_shutdown() {
        const N: usize = 1000;
        let rt = rt();
        let dropped = Counter::new();
        let polled = Counter::new();
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for i in 0..N {
            let guard = dropped.guard();
            let jh = match i % 3 {
                // Pending forever, never woken.
                0 => rt.spawn(PendingWithGuard { _guard: guard, polled: polled.clone() }),
                // Waiting for a message that never comes; the sender stays alive.
                1 => {
                    let (tx, rx) = oneshot::channel::<()>();
                    senders.push(tx);
                    let polled = polled.clone();
                    rt.spawn(async move {
                        let _guard = guard;
                        polled.incr();
                        let _ = rx.await;
                        std::future::pending::<()>().await;
                    })
                }
                // Busy: yields forever, so it is always in some run queue.
                _ => {
                    let polled = polled.clone();
                    rt.spawn(async move {
                        let _guard = guard;
                        polled.incr();
                        loop {
                            yield_now().await;
                        }
                    })
                }
            };
            handles.push(jh);
        }
        wait_until("every task was polled", || polled.get() >= N);
        drop(rt);
        assert_eq!(dropped.get(), N, "Runtime::drop returned before dropping every future");
        for jh in handles {
            let err = block_on_local(jh).unwrap_err();
            assert!(err.is_cancelled(), "{err}");
        }
        thread::sleep(Duration::from_millis(20));
        assert_eq!(dropped.get(), N, "a future was dropped twice");
        drop(senders);
    }

    fn unstarted_futures_dropped_once_at_shutdown() {
        let rt = rt();
        let dropped = Counter::new();
        let release = support::Flag::new();
        let started = Counter::new();
        // Hold every worker so the next spawns never start.
        let blockers: Vec<_> = (0..WORKERS)
            .map(|_| {
                let (release, started) = (release.clone(), started.clone());
                rt.spawn(async move {
                    started.incr();
                    while !release.is_set() {
                        thread::sleep(Duration::from_millis(1));
                    }
                })
            })
            .collect();
        wait_until("all workers are busy", || started.get() == WORKERS);
        let handles: Vec<_> = (0..100)
            .map(|_| {
                let guard = dropped.guard();
                rt.spawn(async move {
                    let _guard = guard;
                    // Whether or not a worker gets to poll this once after shutdown began, it
                    // never completes, so its handle must report cancellation.
                    std::future::pending::<()>().await;
                })
            })
            .collect();
        // Shutdown starts while the workers are still busy; release them from another thread.
        let releaser = {
            let release = release.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                release.set();
            })
        };
        drop(rt);
        releaser.join().unwrap();
        assert_eq!(dropped.get(), 100);
        for jh in handles {
            assert!(block_on_local(jh).unwrap_err().is_cancelled());
        }
        for b in blockers {
            // They completed their only poll: Ok, or cancelled if shutdown won the race.
            let _ = block_on_local(b);
        }
    }

    fn detached_tasks_dropped_at_shutdown() {
        let rt = rt();
        let dropped = Counter::new();
        let polled = Counter::new();
        for _ in 0..500 {
            drop(rt.spawn(PendingWithGuard { _guard: dropped.guard(), polled: polled.clone() }));
        }
        wait_until("every task was polled", || polled.get() >= 500);
        assert_eq!(dropped.get(), 0, "detaching a task must not drop it");
        drop(rt);
        assert_eq!(dropped.get(), 500);
    }

    fn future_dropped_once_on_completion() {
        let rt = rt();
        let dropped = Counter::new();
        let jh = rt.spawn(ReadyWithGuard { _guard: dropped.guard(), value: 3 });
        assert_eq!(rt.block_on(jh).unwrap(), 3);
        wait_until("the completed future is dropped", || dropped.get() == 1);
        drop(rt);
        assert_eq!(dropped.get(), 1);
    }

    fn output_dropped_once_when_join_handle_dropped() {
        let rt = rt();
        let dropped = Counter::new();
        // Dropped after completion.
        let jh = rt.spawn({
            let d = dropped.clone();
            async move { d.guard() }
        });
        wait_until("the task finished", || jh.is_finished());
        assert_eq!(dropped.get(), 0, "the output was dropped before anyone took it");
        drop(jh);
        wait_until("the unread output is dropped", || dropped.get() == 1);

        // Dropped before completion: the output is dropped when the task finishes.
        let (tx, rx) = oneshot::channel::<()>();
        let jh = rt.spawn({
            let d = dropped.clone();
            async move {
                rx.await.unwrap();
                d.guard()
            }
        });
        drop(jh);
        tx.send(()).unwrap();
        wait_until("the output of a detached task is dropped", || dropped.get() == 2);
        drop(rt);
        assert_eq!(dropped.get(), 2);
    }

    fn output_taken_is_not_dropped_by_the_runtime() {
        let rt = rt();
        let dropped = Counter::new();
        let d = dropped.clone();
        let out = rt.block_on(rt.spawn(async move { d.guard() })).unwrap();
        drop(rt);
        assert_eq!(dropped.get(), 0);
        drop(out);
        assert_eq!(dropped.get(), 1);
    }

    fn completed_output_survives_shutdown_exactly_once() {
        let rt = rt();
        let dropped = Counter::new();
        let d = dropped.clone();
        let jh = rt.spawn(async move { d.guard() });
        wait_until("the task finished", || jh.is_finished());
        drop(rt);
        // Whether the handle yields the output or reports cancellation, the output is dropped
        // exactly once in the end.
        match block_on_local(jh) {
            Ok(guard) => {
                assert_eq!(dropped.get(), 0);
                drop(guard);
            }
            Err(e) => assert!(e.is_cancelled(), "{e}"),
        }
        assert_eq!(dropped.get(), 1);
    }

    fn wakes_racing_shutdown_drop_once() {
        const N: usize = 200;
        for _ in 0..5 {
            let rt = rt();
            let dropped = Counter::new();
            let polled = Counter::new();
            let mut senders = Vec::new();
            let handles: Vec<_> = (0..N)
                .map(|i| {
                    let (tx, rx) = oneshot::channel::<usize>();
                    senders.push(tx);
                    let guard = dropped.guard();
                    let polled = polled.clone();
                    rt.spawn(async move {
                        let _guard = guard;
                        polled.incr();
                        let v = rx.await.unwrap();
                        yield_now().await;
                        assert_eq!(v, i);
                        v
                    })
                })
                .collect();
            wait_until("every task was polled", || polled.get() == N);
            let waker = thread::spawn(move || {
                for (i, tx) in senders.into_iter().enumerate() {
                    let _ = tx.send(i);
                }
            });
            drop(rt);
            waker.join().unwrap();
            assert_eq!(dropped.get(), N);
            for (i, jh) in handles.into_iter().enumerate() {
                match block_on_local(jh) {
                    Ok(v) => assert_eq!(v, i),
                    Err(e) => assert!(e.is_cancelled(), "{e}"),
                }
            }
            assert_eq!(dropped.get(), N);
        }
    }

    fn join_handles_dropped_on_other_threads_while_tasks_finish() {
        const N: usize = 1000;
        let rt = rt();
        let dropped = Counter::new();
        let handles: Vec<_> = (0..N)
            .map(|_| {
                let d = dropped.clone();
                rt.spawn(async move {
                    yield_now().await;
                    d.guard()
                })
            })
            .collect();
        let mut rest = handles;
        let mut droppers = Vec::new();
        while !rest.is_empty() {
            let chunk: Vec<_> = rest.drain(..rest.len().min(N / 4)).collect();
            droppers.push(thread::spawn(move || drop(chunk)));
        }
        for d in droppers {
            d.join().unwrap();
        }
        wait_until("every output is dropped", || dropped.get() == N);
        drop(rt);
        assert_eq!(dropped.get(), N);
    }

    fn tasks_holding_join_handles_dropped_at_shutdown() {
        let rt = rt();
        let dropped = Counter::new();
        let first = rt.spawn(PendingWithGuard { _guard: dropped.guard(), polled: Counter::new() });
        let mut prev = first;
        for _ in 0..99 {
            let guard = dropped.guard();
            prev = rt.spawn(async move {
                let _guard = guard;
                let _ = prev.await;
            });
        }
        drop(rt);
        assert_eq!(dropped.get(), 100);
        assert!(block_on_local(prev).unwrap_err().is_cancelled());
    }

    fn future_spawning_from_drop_during_shutdown() {
        let rt = rt();
        let outer_dropped = Counter::new();
        let inner_dropped = Counter::new();
        let started = Counter::new();
        let spawned = Counter::new();
        for _ in 0..10 {
            let spawner = SpawnOnDrop {
                handle: rt.handle().clone(),
                inner_dropped: inner_dropped.clone(),
                spawned: spawned.clone(),
                _guard: outer_dropped.guard(),
            };
            let started = started.clone();
            drop(rt.spawn(async move {
                let _spawner = spawner;
                started.incr();
                std::future::pending::<()>().await;
            }));
        }
        wait_until("every task started", || started.get() == 10);
        drop(rt);
        assert_eq!(outer_dropped.get(), 10);
        assert_eq!(spawned.get(), 10, "Handle::spawn panicked during shutdown");
        wait_until("futures spawned during shutdown are dropped", || {
            inner_dropped.get() == 10
        });
    }

    fn block_on_future_dropped_on_return() {
        let rt = rt();
        let dropped = Counter::new();
        let out = rt.block_on(ReadyWithGuard { _guard: dropped.guard(), value: 1 });
        assert_eq!(out, 1);
        assert_eq!(dropped.get(), 1);
    }

    fn runtime_dropped_on_another_thread() {
        let rt = rt();
        let dropped = Counter::new();
        for _ in 0..50 {
            drop(rt.spawn(PendingWithGuard { _guard: dropped.guard(), polled: Counter::new() }));
        }
        let rt = Arc::new(rt);
        let r = rt.clone();
        drop(rt);
        thread::spawn(move || drop(r)).join().unwrap();
        assert_eq!(dropped.get(), 50);
    }
}
