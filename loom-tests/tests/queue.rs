//! The run queues: LIFO slot, local deque, injector and stealing (`runtime/src/scheduler/`).
//!
//! A real two-worker runtime. Tasks are spawned from outside (the injector), woken by a task on a
//! worker (its LIFO slot; the slot's previous occupant moves to the back of the local deque) and
//! stolen by the other worker from the deque, the injector or the LIFO slot. Each task counts its
//! completion and its drop: every task pushed is polled to completion exactly once and dropped
//! exactly once, whichever queue it went through and whoever took it, and once both workers sleep
//! no queue holds anything.
//!
//! Limits: the deque is loom's mutexed stand-in with a steal batch of two (not crossbeam's
//! lock-free Chase–Lev deque, which loom cannot see), so these models prove the scheduler's use
//! of its queues, not crossbeam. Two workers, run at one preemption fewer than
//! `LOOM_MAX_PREEMPTIONS` (see `model_heavy`).
#![cfg(corio_loom)]

use corio_loom_tests::{model_heavy, runtime, wait_for_rest, Counter, Signal};

/// `waker` (running on a worker) wakes two idle tasks: the first goes to its LIFO slot and is
/// moved to the deque when the second takes the slot; the other worker may steal either. Each of
/// the three tasks completes once, and each future is dropped once.
#[test]
fn every_pushed_task_runs_once() {
    model_heavy(|| {
        let runtime = runtime(2);
        let (completed, dropped) = (Counter::new(), Counter::new());
        let (first, second) = (Signal::new(), Signal::new());

        let waiter = |signal: &Signal| {
            let (wait, c, guard) = (signal.wait(), completed.clone(), dropped.guard());
            async move {
                let _future_owns = guard;
                wait.await;
                c.incr();
            }
        };
        let woken_first = runtime.spawn(waiter(&first));
        let woken_second = runtime.spawn(waiter(&second));
        let (f, s) = (first.clone(), second.clone());
        let (c, guard) = (completed.clone(), dropped.guard());
        let waker = runtime.spawn(async move {
            let _future_owns = guard;
            f.fire();
            s.fire();
            c.incr();
        });

        runtime.block_on(async {
            waker.await.unwrap();
            woken_first.await.unwrap();
            woken_second.await.unwrap();
        });
        assert_eq!(completed.get(), 3, "each task completes exactly once");
        assert_eq!(dropped.get(), 3, "each future is dropped exactly once");
        // Nothing left behind in a deque, a LIFO slot or the injector once both workers sleep.
        wait_for_rest(runtime.handle(), 2);
    });
}
