//! The idle protocol (`runtime/src/scheduler/idle.rs`) and shutdown, on a real runtime.
//!
//! Each model builds a real `corio::Runtime` of one or two workers inside loom, so the worker loop,
//! the idle counters, the parkers, the injector and the shutdown steps run as written; only the
//! work-stealing deque is loom's mutexed stand-in (`runtime/src/loom/loom_side.rs`). A lost wake-up
//! shows up either as a loom deadlock (every thread blocked: the model's `block_on` waits for a task
//! no worker will ever run) or as `wait_for_rest` finding a task queued while every worker sleeps.
//!
//! Limits:
//! - loom treats `SeqCst` accesses like `AcqRel` and never explores load buffering. The idle
//!   handshake (rules 1 and 4: the pusher stores the task, then loads the counters; the parker
//!   stores the counters, then loads the queues) is a store-buffering pattern that needs
//!   sequential consistency; it has an explicit `fence(SeqCst)` on each side (`Idle::
//!   worker_to_notify`, `Idle::transition_worker_to_parked`), which loom does model.
//! - The injector and the deque stand-in are mutexed, and loom's mutexes are sequentially
//!   consistent, so for work pushed through them the locks alone order that handshake: a missing
//!   fence there is invisible to these models (with crossbeam's lock-free deque it would not be).
//! - At most two workers and a few tasks; `LOOM_MAX_PREEMPTIONS` bounds the preemptions. A task
//!   that blocks its worker until another task runs is covered while a second worker exists
//!   (`queued_work_behind_a_blocked_worker`).
#![cfg(corio_loom)]

use corio_loom_tests::{model, model_heavy, poll_once, runtime, wait_for_rest, Counter, Latch};
use loom::thread;
use std::task::Poll;

/// A task spawned from outside the runtime while the only worker searches and goes to park is
/// always run (idle rules 1 and 4), and the worker then comes to rest.
#[test]
fn remote_spawn_racing_park_is_run() {
    model(|| {
        let runtime = runtime(1);
        let (ran, dropped) = (Counter::new(), Counter::new());
        let (r, guard) = (ran.clone(), dropped.guard());
        let join = runtime.spawn(async move {
            let _future_owns = guard;
            r.incr();
        });
        runtime.block_on(join).unwrap();
        assert_eq!(ran.get(), 1);
        assert_eq!(dropped.get(), 1);
        wait_for_rest(runtime.handle(), 1);
    });
}

/// A task woken from outside the runtime (its waker fired by a plain thread) while the worker
/// goes to park is polled again; nothing is left queued at rest.
#[test]
fn remote_wake_racing_park_is_run() {
    model(|| {
        let runtime = runtime(1);
        let polls = Counter::new();
        let (p, waker_slot) = (
            polls.clone(),
            std::sync::Arc::new(std::sync::Mutex::new(None)),
        );
        let slot = waker_slot.clone();
        let woken = Latch::new();
        let (w, first_poll) = (woken.clone(), Latch::new());
        let fp = first_poll.clone();
        let join = runtime.spawn(std::future::poll_fn(move |cx| {
            p.incr();
            if w.get() > 0 {
                return Poll::Ready(());
            }
            let waker = cx.waker().clone();
            *slot.lock().unwrap() = Some(waker);
            fp.count_down();
            Poll::Pending
        }));
        // Wait for the first poll, then wake from this (non-runtime) thread: the worker is
        // going idle meanwhile.
        first_poll.wait_for(1);
        woken.count_down();
        let waker: Option<std::task::Waker> = waker_slot.lock().unwrap().take();
        waker.expect("the first poll stored its waker").wake();
        runtime.block_on(join).unwrap();
        assert_eq!(polls.get(), 2);
        wait_for_rest(runtime.handle(), 1);
    });
}

/// Two workers, both asleep. Two tasks are spawned from outside; the first to run blocks its
/// worker until the second has run, so the second must run on the other worker. Only one worker
/// is woken by the spawns (the second spawn sees it searching: rule 1), so the worker that finds
/// the first task must wake the other (rule 3), which finds the second. Afterwards both workers
/// come to rest with the searching count back at zero.
#[test]
fn last_searcher_finding_work_wakes_another() {
    model_heavy(|| {
        let runtime = runtime(2);
        wait_for_rest(runtime.handle(), 2);
        let gate = Latch::new();
        let (blocker, opener) = (gate.clone(), gate.clone());
        let first = runtime.spawn(async move { blocker.wait_for(1) });
        let second = runtime.spawn(async move { opener.count_down() });
        runtime.block_on(async {
            first.await.unwrap();
            second.await.unwrap();
        });
        wait_for_rest(runtime.handle(), 2);
    });
}

/// Two workers start awake; the one that is refused the searcher role (rule 2) parks, while the
/// searcher, finding the first task, sees it still awake and wakes nobody. The second task must
/// not wait in the first worker's deque behind a first task that blocks until it runs: the
/// refused worker re-checks the queues as it parks (rule 4), and a worker that leaves part of an
/// injector batch in its deque wakes a sleeper (rule 5). This model found the gap before those
/// two rules were added.
#[test]
fn queued_work_behind_a_blocked_worker() {
    model_heavy(|| {
        let runtime = runtime(2);
        let gate = Latch::new();
        let (blocker, opener) = (gate.clone(), gate.clone());
        let first = runtime.spawn(async move { blocker.wait_for(1) });
        let second = runtime.spawn(async move { opener.count_down() });
        runtime.block_on(async {
            first.await.unwrap();
            second.await.unwrap();
        });
    });
}

/// Shutdown (dropping the runtime) racing a spawn from another thread and the worker going to
/// park: the task is either run or cancelled, its future is dropped exactly once, its
/// `JoinHandle` resolves, and every runtime thread exits (the drop returns).
#[test]
fn shutdown_racing_park_and_spawn() {
    model(|| {
        let runtime = runtime(1);
        let handle = runtime.handle().clone();
        let (ran, dropped) = (Counter::new(), Counter::new());
        let (r, guard) = (ran.clone(), dropped.guard());
        let spawner = thread::spawn(move || {
            handle.spawn(async move {
                let _future_owns = guard;
                r.incr();
            })
        });
        drop(runtime);
        let mut join = spawner.join().unwrap();

        assert_eq!(dropped.get(), 1, "the future must be dropped exactly once");
        match poll_once(&mut join) {
            Poll::Ready(Ok(())) => assert_eq!(ran.get(), 1),
            Poll::Ready(Err(err)) => {
                assert!(err.is_cancelled());
                assert_eq!(ran.get(), 0);
            }
            Poll::Pending => panic!("a JoinHandle is unresolved after shutdown"),
        }
    });
}
