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
//!   (`queued_work_behind_a_blocked_worker`), and so is a batch of tasks the timers wake onto the
//!   timer holder, firing sleeps of its own wheel (rule 6,
//!   `timer_batch_on_a_blocked_holder_wakes_another`). A batch fired by a busy worker's periodic
//!   timer check, or woken by I/O events (the loom poller has no sources), is not modelled.
#![cfg(corio_loom)]

use corio::__loom as internals;
use corio::time::Sleep;
use corio_loom_tests::{
    model, model_heavy, poll_once, runtime, wait_for_rest, Counter, Latch, Outcomes,
};
use loom::thread;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

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

/// Idle rule 6: a batch of timer wake-ups queued on the timer holder is announced to the other
/// worker. Two workers; two tasks each wait for a `Sleep` an hour away.
///
/// 1. One worker is held in a task, so the other polls both sleeps: they register in its own wheel.
///    Then the held worker is released. At rest, if the first worker parked first, it holds the
///    timer token and sleeps in the driver, while the released one sleeps on its condition variable
///    (else the model only shuts the runtime down: see below).
/// 2. The model resets both sleeps to a deadline the clock has passed. The first reset unparks the
///    holder, which fires what is due with its core lent; when both fire in one batch, both tasks
///    queue on the holder (the last in its LIFO slot, the other in its deque) and neither wake
///    notifies the sleeper.
/// 3. Each task, past its sleep, blocks its worker until the other has run if the other is woken
///    by then. So the first task of a batch to run blocks the holder with the other in its deque:
///    the holder's announcement of the batch must wake the sleeper to steal it, or the runtime
///    deadlocks (mutant `idle_batch_not_announced`).
///
/// Each task runs past its sleep once, each sleep is woken once, each future is dropped once.
/// Executions must reach a task that waited for the other (a batch) and runs where none did (the
/// firings split, or the other worker stole the first task before the holder ran the second).
///
/// Why this shape:
/// - A task waits only for a sibling already woken (its sleep's waker, wrapped, counts the wake).
///   If the firings split, the sibling's sleep fires on a later pass of the holder, which a
///   blocked worker never makes: a task that blocks its worker stalls that worker's timers, and no
///   rule covers that.
/// - The sleeps sit in the holder's own wheel, which it `lock`s rather than `try_lock`s. A holder
///   whose `try_lock` of a due wheel fails (here: while the model's reset holds it) goes round its
///   park loop with a zero timeout until the lock is free; loom cannot preempt that busy-wait and
///   fails the model ("exceeded maximum number of branches"). So when the released worker took the
///   token (it parked before the other), the model stops there; that outcome is recorded, not
///   required. (Waiting instead for the token before the release costs twice the executions.)
/// - The wheels run on the real clock: the reset deadline, tick 1, is due once a millisecond has
///   passed since the runtime started, and a reset to it still links the sleep (no wheel has
///   processed tick 1, since nothing was due). Each execution waits out that millisecond (most of
///   the model's time) right after building the runtime. A parking holder reads the clock, then
///   `next_wake`: one that read the clock before tick 1 and `next_wake` after the resets would
///   sleep where a slower run of the same interleaving would not, which loom reports as a model
///   that is not deterministic. Waiting first, a reading taken before the wait is paired with a
///   `next_wake` read long before the resets (both workers run tasks in between).
#[test]
fn timer_batch_on_a_blocked_holder_wakes_another() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model_heavy(|| {
        let runtime = runtime(2);
        let handle = runtime.handle();
        let due = internals::time::instant(handle, 1);
        let now = Instant::now();
        if now < due {
            std::thread::sleep(due - now);
        }
        let (held, release) = (Latch::new(), Latch::new());
        let holding = {
            let (held, release) = (held.clone(), release.clone());
            runtime.spawn(async move {
                held.count_down();
                release.wait_for(1);
            })
        };
        held.wait_for(1);

        let registered = Latch::new();
        let (dropped, waited) = (Counter::new(), Counter::new());
        let sleepers: [SleepingTask; 2] = Default::default();
        let joins: Vec<_> = (0..2)
            .map(|me| {
                let (mine, other) = (sleepers[me].clone(), sleepers[1 - me].clone());
                let (registered, guard, waited) =
                    (registered.clone(), dropped.guard(), waited.clone());
                runtime.spawn(async move {
                    let _future_owns = guard;
                    mine.sleep_over(&registered).await;
                    mine.ran.count_down();
                    mine.ran_count.incr();
                    if other.woken.get() > 0 {
                        if other.ran_count.get() == 0 {
                            waited.incr();
                        }
                        other.ran.wait_for(1);
                    }
                })
            })
            .collect();
        registered.wait_for(2);
        release.count_down();
        wait_for_rest(handle, 2);
        // Counted parked, a worker may not have taken the token yet. The worker that polled the
        // sleeps has polled twice, the released one once.
        let holder = loop {
            match internals::timer_holder(handle) {
                Some(holder) => break holder,
                None => thread::yield_now(),
            }
        };
        if runtime.metrics().worker_poll_count(holder) != 2 {
            // The released worker parked first and took the token: its holder would `try_lock`
            // the wheel of the sleeps. Shutdown cancels both tasks.
            drop(runtime);
            assert_eq!(dropped.get(), 2);
            OUTCOMES.saw("the released worker took the token (not exercised)");
            return;
        }

        for sleeper in &sleepers {
            sleeper.reset(due);
        }
        runtime.block_on(async {
            holding.await.unwrap();
            for join in joins {
                join.await.unwrap();
            }
        });
        for sleeper in &sleepers {
            assert_eq!(
                sleeper.woken.get(),
                1,
                "a sleep's waker was woken other than once"
            );
            assert_eq!(sleeper.ran_count.get(), 1);
        }
        assert_eq!(dropped.get(), 2);
        OUTCOMES.saw(if waited.get() > 0 {
            "a woken task waited for the other"
        } else {
            "no task waited"
        });
        // The sleeps (kept by `sleepers`) are deregistered after the workers have exited.
        drop(runtime);
    });
    OUTCOMES.assert_reached(
        "timer_batch_on_a_blocked_holder_wakes_another",
        &["a woken task waited for the other", "no task waited"],
    );
}

/// One task of `timer_batch_on_a_blocked_holder_wakes_another`: the `Sleep` it waits for, shared
/// with the model thread (which resets it), and what the task has done.
#[derive(Clone, Default)]
struct SleepingTask {
    /// `None` until the task's first poll creates it.
    sleep: loom::sync::Arc<loom::sync::Mutex<Option<Pin<Box<Sleep>>>>>,
    /// Wakes of the sleep's waker (each counted before the task is woken).
    woken: Counter,
    /// The task ran past its sleep: a latch the other task blocks on, and the same as a count
    /// that adds no interleaving, for the outcome.
    ran: Latch,
    ran_count: Counter,
}

impl SleepingTask {
    /// Waits for the sleep, which the first poll creates an hour away and registers (then counts
    /// down `registered`). The sleep is polled with a waker that counts its wakes.
    fn sleep_over(&self, registered: &Latch) -> impl Future<Output = ()> + Send + 'static {
        let (this, registered) = (self.clone(), registered.clone());
        std::future::poll_fn(move |cx| {
            let waker = Waker::from(std::sync::Arc::new(CountedWake {
                woken: this.woken.clone(),
                task: cx.waker().clone(),
            }));
            let (polled, first) = {
                let mut slot = this.sleep.lock().unwrap();
                let first = slot.is_none();
                let sleep = slot
                    .get_or_insert_with(|| Box::pin(corio::time::sleep(Duration::from_secs(3600))));
                (sleep.as_mut().poll(&mut Context::from_waker(&waker)), first)
            };
            if first {
                assert!(polled.is_pending(), "an hour's sleep was over at once");
                registered.count_down();
            }
            polled
        })
    }

    /// Moves the (registered) sleep's deadline to `deadline`.
    fn reset(&self, deadline: Instant) {
        let mut slot = self.sleep.lock().unwrap();
        let sleep = slot.as_mut().expect("the task registered its sleep");
        sleep.as_mut().reset(deadline);
    }
}

/// A sleep's waker that counts its wakes, then wakes the task.
struct CountedWake {
    woken: Counter,
    task: Waker,
}

impl Wake for CountedWake {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.woken.incr();
        self.task.wake_by_ref();
    }
}
