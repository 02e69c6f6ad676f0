//! `JoinSet` (`runtime/src/task/join_set.rs`): joining, aborting and dropping a set while its
//! tasks run on a worker.
//!
//! A real one-worker runtime; the set lives in the model's `block_on`, so its `FuturesUnordered`
//! and the tasks' `JoinHandle`s are polled and woken across two threads.
//!
//! Limits: the set is a `FuturesUnordered` of `JoinHandle`s, whose ready queue and waker use std
//! atomics that loom does not see. Loom therefore also misses the happens-before edges they create:
//! when one completion's wake reaches the set's ready queue without passing the model's own
//! (loom) waker, loom lets the next poll read the task's state as it was before the completion,
//! and reports a deadlock that cannot happen (seen with a single task: the worker's completion
//! wakes the set while the model's thread, woken by the set's own yield, polls the handle and
//! reads a stale state). So the models observe the tasks' end through loom-visible edges only (a
//! loom latch, or the join of the runtime's threads at shutdown), and what they prove is corio's
//! side (task state, join waker, abort), not `FuturesUnordered`.
#![cfg(corio_loom)]

use corio::task::JoinSet;
use corio_loom_tests::{model, poll_once, runtime, Counter, Latch};
use std::task::Poll;

/// `abort_all` racing the task's completion on the worker, then shutdown: `join_next` yields the
/// task exactly once, as its output or as a cancellation, then `None`; the output, if made, is
/// dropped exactly once. (The set is joined after the runtime is dropped: joining its threads is
/// the loom-visible edge that `FuturesUnordered`'s own wake-up lacks, see the module doc.)
#[test]
fn join_next_yields_the_task_once() {
    model(|| {
        let runtime = runtime(1);
        let (made, dropped) = (Counter::new(), Counter::new());
        let mut set = JoinSet::new();
        {
            let _enter = runtime.enter();
            let (m, d) = (made.clone(), dropped.clone());
            set.spawn(async move {
                m.incr();
                d.guard()
            });
        }
        set.abort_all();
        drop(runtime);

        let mut next = Box::pin(set.join_next());
        match poll_once(&mut next) {
            Poll::Ready(Some(Ok(output))) => drop(output),
            Poll::Ready(Some(Err(err))) => assert!(err.is_cancelled()),
            Poll::Ready(None) => panic!("the set lost its task"),
            Poll::Pending => panic!("a task is unresolved after shutdown"),
        }
        drop(next);
        let mut next = Box::pin(set.join_next());
        assert!(
            matches!(poll_once(&mut next), Poll::Ready(None)),
            "a task was joined twice"
        );
        assert_eq!(
            dropped.get(),
            made.get(),
            "each output is dropped exactly once"
        );
    });
}

/// Dropping a `JoinSet` aborts every task still in it: each pending future is dropped (once),
/// by the worker, without waiting for the runtime's shutdown.
#[test]
fn dropping_the_set_aborts_every_task() {
    model(|| {
        let runtime = runtime(1);
        let dropped = Latch::new();
        runtime.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..2 {
                let guard = dropped.guard();
                set.spawn(async move {
                    let _future_owns = guard;
                    std::future::pending::<()>().await;
                });
            }
            drop(set);
        });
        // Blocks until both futures are gone; a task left running is a loom deadlock.
        dropped.wait_for(2);
        assert_eq!(dropped.get(), 2);
    });
}
