//! The task state machine: wake vs poll vs complete vs `JoinHandle` drop vs abort.
//!
//! Each model runs the real task core (`runtime/src/task/`: state word, harness, waker vtable,
//! join handle, owned list) on `corio::__loom::task::MockScheduler`, a run queue the model pops by
//! hand, so the model chooses which thread polls, wakes, aborts or drops what, and loom explores
//! every interleaving of those threads' atomic operations on the state word.
//!
//! Every model ends with the same accounting: the future dropped exactly once, every output
//! dropped exactly once, no task allocation alive after shutdown (and none freed twice), and loom's
//! own leak check of every `Arc`.
//!
//! Limits: loom treats `SeqCst` like `AcqRel` and never lets a load read a value from its future
//! (load buffering); the task core relies on neither (every transition is one `AcqRel` RMW on a
//! single word). Wakers fire from at most two other threads, with the preemption bound of
//! `LOOM_MAX_PREEMPTIONS`.
#![cfg(corio_loom)]

use corio::__loom::task::MockScheduler;
use corio::task::JoinError;
use corio_loom_tests::{model, Counter, CountingWaker, DropGuard};
use loom::thread::{self, JoinHandle as Thread};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc as StdArc, Mutex as StdMutex};
use std::task::{Context, Poll, Waker};

/// Polls `future` once with `waker`.
fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// Threads a task's poll starts, handed to the model to join. (A std mutex: it is never held
/// across a loom operation.)
#[derive(Clone, Default)]
struct Started(StdArc<StdMutex<Vec<Thread<()>>>>);

impl Started {
    fn spawn(&self, f: impl FnOnce() + Send + 'static) {
        let thread = thread::spawn(f);
        self.0.lock().unwrap().push(thread);
    }

    fn join_all(&self) {
        let threads = std::mem::take(&mut *self.0.lock().unwrap());
        for thread in threads {
            thread.join().unwrap();
        }
    }
}

/// The output of a task: counts its drop.
type Output = DropGuard;

fn unwrap_output(result: Result<Output, JoinError>) -> Output {
    result.unwrap_or_else(|err| panic!("the task failed: {err:?}"))
}

/// A wake that lands while the task is being polled makes the poller re-queue it: the task is
/// polled again exactly once, never twice, never lost.
#[test]
fn wake_while_running_polls_again_once() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (polls, dropped) = (Counter::new(), Counter::new());
        let started = Started::default();
        let (p, guard, s) = (polls.clone(), dropped.guard(), started.clone());
        let mut join = scheduler.spawn(poll_fn(move |cx| {
            let _future_owns = &guard;
            p.incr();
            if p.get() == 1 {
                // Wake (by value) from another thread, racing the rest of this poll.
                let waker = cx.waker().clone();
                s.spawn(move || waker.wake());
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        }));

        assert!(scheduler.tick());
        started.join_all();
        assert_eq!(
            scheduler.run_until_idle(),
            1,
            "the wake must queue exactly one poll"
        );
        assert_eq!(polls.get(), 2);
        assert_eq!(
            dropped.get(),
            1,
            "the future must be dropped once, on completion"
        );

        let (waker, wakes) = CountingWaker::new();
        assert!(matches!(poll_once(&mut join, &waker), Poll::Ready(Ok(()))));
        assert_eq!(wakes.wakes(), 0);
        drop(join);
        scheduler.shutdown();
        assert_eq!(scheduler.schedules(), 1);
        assert_eq!(scheduler.live_allocations(), 0);
    });
}

/// A wake that lands during or after the final poll schedules nothing: the task is polled once.
#[test]
fn wake_after_completion_does_nothing() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (polls, dropped, outputs) = (Counter::new(), Counter::new(), Counter::new());
        let started = Started::default();
        let (p, guard, s, o) = (
            polls.clone(),
            dropped.guard(),
            started.clone(),
            outputs.clone(),
        );
        let join = scheduler.spawn(poll_fn(move |cx| {
            let _future_owns = &guard;
            p.incr();
            let waker = cx.waker().clone();
            s.spawn(move || {
                waker.wake_by_ref();
                drop(waker);
            });
            Poll::Ready(o.guard())
        }));

        assert!(scheduler.tick());
        started.join_all();
        assert_eq!(
            scheduler.run_until_idle(),
            0,
            "a complete task is never queued again"
        );
        assert_eq!(scheduler.schedules(), 0);
        assert_eq!(polls.get(), 1);
        assert_eq!(dropped.get(), 1);

        drop(join);
        assert_eq!(outputs.get(), 1, "the detached output is dropped once");
        scheduler.shutdown();
        assert_eq!(scheduler.live_allocations(), 0);
    });
}

/// Dropping the `JoinHandle` while the task completes: whichever side comes second drops the
/// output, exactly once; the allocation is freed exactly once.
#[test]
fn join_handle_drop_races_completion() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (dropped, outputs) = (Counter::new(), Counter::new());
        let (guard, o) = (dropped.guard(), outputs.clone());
        let join = scheduler.spawn(poll_fn(move |_| {
            let _future_owns = &guard;
            Poll::Ready(o.guard())
        }));

        let dropper = thread::spawn(move || drop(join));
        assert!(scheduler.tick());
        dropper.join().unwrap();

        assert_eq!(dropped.get(), 1);
        assert_eq!(outputs.get(), 1, "the output must be dropped exactly once");
        scheduler.shutdown();
        assert_eq!(scheduler.live_allocations(), 0);
    });
}

/// `abort` racing a poll of a task that never finishes on its own: the task ends cancelled, its
/// future dropped exactly once, whether the abort lands before, during or after the poll.
#[test]
fn abort_races_poll() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (polls, dropped) = (Counter::new(), Counter::new());
        let (p, guard) = (polls.clone(), dropped.guard());
        let mut join = scheduler.spawn(poll_fn(move |_| -> Poll<()> {
            let _future_owns = &guard;
            p.incr();
            Poll::Pending
        }));

        let abort = join.abort_handle();
        let aborter = thread::spawn(move || abort.abort());
        scheduler.tick();
        aborter.join().unwrap();
        scheduler.run_until_idle();

        assert!(polls.get() <= 1);
        assert_eq!(
            dropped.get(),
            1,
            "an aborted future must be dropped exactly once"
        );
        let (waker, _) = CountingWaker::new();
        match poll_once(&mut join, &waker) {
            Poll::Ready(Err(err)) => assert!(err.is_cancelled()),
            other => panic!("an aborted task must resolve as cancelled, got {other:?}"),
        }
        drop(join);
        scheduler.shutdown();
        assert_eq!(scheduler.live_allocations(), 0);
    });
}

/// `abort` racing the poll that completes the task: the result is either the output (the abort
/// came too late) or a cancellation (the future was never polled) — and each value that existed
/// is dropped exactly once.
#[test]
fn abort_races_completion() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (polls, dropped, outputs) = (Counter::new(), Counter::new(), Counter::new());
        let (p, guard, o) = (polls.clone(), dropped.guard(), outputs.clone());
        let mut join = scheduler.spawn(poll_fn(move |_| {
            let _future_owns = &guard;
            p.incr();
            Poll::Ready(o.guard())
        }));

        let abort = join.abort_handle();
        let aborter = thread::spawn(move || abort.abort());
        scheduler.tick();
        aborter.join().unwrap();
        scheduler.run_until_idle();
        assert_eq!(dropped.get(), 1);

        let (waker, _) = CountingWaker::new();
        match poll_once(&mut join, &waker) {
            Poll::Ready(Ok(output)) => {
                assert_eq!(polls.get(), 1);
                drop(output);
                assert_eq!(outputs.get(), 1);
            }
            Poll::Ready(Err(err)) => {
                assert!(err.is_cancelled());
                assert_eq!(polls.get(), 0, "a cancelled task was polled");
            }
            Poll::Pending => panic!("the task neither completed nor was cancelled"),
        }
        drop(join);
        scheduler.shutdown();
        assert_eq!(scheduler.live_allocations(), 0);
    });
}

/// Waker clones dropped and woken on two other threads while the task completes and its handle
/// is dropped: the allocation is freed exactly once, by whoever drops the last reference.
#[test]
fn waker_clones_dropped_on_several_threads() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (polls, dropped) = (Counter::new(), Counter::new());
        let started = Started::default();
        let (p, guard, s) = (polls.clone(), dropped.guard(), started.clone());
        let join = scheduler.spawn(poll_fn(move |cx| {
            let _future_owns = &guard;
            p.incr();
            if p.get() > 1 {
                return Poll::Ready(());
            }
            let (waker, clone) = (cx.waker().clone(), cx.waker().clone());
            s.spawn(move || waker.wake());
            s.spawn(move || drop(clone));
            Poll::Pending
        }));

        assert!(scheduler.tick());
        // The waking thread must have woken the task before it can run again; the dropping one
        // races the second poll, the completion and the handle's drop.
        let woke = started.0.lock().unwrap().remove(0);
        woke.join().unwrap();
        assert_eq!(scheduler.run_until_idle(), 1);
        drop(join);
        started.join_all();

        assert_eq!(polls.get(), 2);
        assert_eq!(dropped.get(), 1);
        scheduler.shutdown();
        assert_eq!(scheduler.live_allocations(), 0);
    });
}

/// The `JoinHandle` is polled with one waker, then with another (the slot is swapped), while the
/// task completes: if the second poll returned `Pending`, the completion wakes the second waker,
/// and the first is never woken after it was replaced.
#[test]
fn join_waker_swapped_while_task_completes() {
    model(|| {
        let scheduler = MockScheduler::new();
        let (dropped, outputs) = (Counter::new(), Counter::new());
        let (guard, o) = (dropped.guard(), outputs.clone());
        let mut join = scheduler.spawn(poll_fn(move |_| {
            let _future_owns = &guard;
            Poll::Ready(o.guard())
        }));

        let joiner = thread::spawn(move || {
            let (first, first_wakes) = CountingWaker::new();
            let (second, second_wakes) = CountingWaker::new();
            let mut output = match poll_once(&mut join, &first) {
                Poll::Ready(result) => return (Some(unwrap_output(result)), None),
                Poll::Pending => None,
            };
            let second_pending = match poll_once(&mut join, &second) {
                Poll::Ready(result) => {
                    output = Some(unwrap_output(result));
                    false
                }
                Poll::Pending => true,
            };
            (
                output,
                Some((join, second_pending, first_wakes, second_wakes)),
            )
        });
        assert!(scheduler.tick());
        let (output, rest) = joiner.join().unwrap();

        if let Some((mut join, second_pending, first_wakes, second_wakes)) = rest {
            if second_pending {
                assert_eq!(
                    second_wakes.wakes(),
                    1,
                    "the completion must wake the newest waker"
                );
                assert_eq!(first_wakes.wakes(), 0, "a replaced waker was woken");
                let (waker, _) = CountingWaker::new();
                match poll_once(&mut join, &waker) {
                    Poll::Ready(result) => drop(unwrap_output(result)),
                    Poll::Pending => panic!("woken, but the output is not there"),
                }
            } else {
                assert_eq!(second_wakes.wakes(), 0);
                assert!(first_wakes.wakes() <= 1);
            }
            drop(join);
        }
        drop(output);
        assert_eq!(dropped.get(), 1);
        assert_eq!(outputs.get(), 1);
        scheduler.shutdown();
        assert_eq!(scheduler.live_allocations(), 0);
    });
}
