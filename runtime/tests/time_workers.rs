//! Who fires timers: a timer registered on a worker that is stuck in a long synchronous poll still
//! fires, through another worker; with every worker parked, one pending timer still fires (the
//! parked timer holder), and a new earlier deadline cuts the holder's sleep short; timers
//! registered from `block_on` on threads that are not workers (the shared wheel) fire; a sleep
//! registered on a worker may be dropped or reset from any thread.
//!
//! Assertions are about the order of events (sent on a channel as they happen), not durations;
//! waits are bounded by `support::PATIENCE`, far above what each step needs.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use corio::time::{sleep, sleep_until, Sleep};
use support::{runtime, Watchdog, PATIENCE};

/// How long the worker stays blocked inside one poll.
const BLOCK: Duration = Duration::from_millis(200);
/// The timer, due well inside `BLOCK`.
const TIMER: Duration = Duration::from_millis(50);
/// A deadline no test reaches: the timer holder's long sleep.
const HOUR: Duration = Duration::from_secs(3_600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// The task on worker A registered its timer and starts blocking, on this thread.
    BlockStart(ThreadId),
    /// The timer fired (its waker was called), on this thread.
    TimerFired(ThreadId),
    /// The task awaiting the timer resumed after it, on this thread.
    SleeperResumed(ThreadId),
    /// The blocking poll on worker A ended.
    BlockEnd(ThreadId),
}

/// A waker that reports each call as `TimerFired`.
struct EventWaker(mpsc::Sender<Event>);

impl Wake for EventWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let _ = self.0.send(Event::TimerFired(thread::current().id()));
    }
}

/// A waker that counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Collects `n` events, each within `PATIENCE`.
fn events(rx: &mpsc::Receiver<Event>, n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            rx.recv_timeout(PATIENCE)
                .unwrap_or_else(|_| panic!("event #{i} did not come within {PATIENCE:?}"))
        })
        .collect()
}

/// Runs `body` on runtimes with each of `workers`, under a watchdog.
fn for_workers(name: &'static str, workers: &[usize], body: impl Fn(usize)) {
    let _watchdog = Watchdog::new(name);
    for &n in workers {
        body(n);
    }
}

/// A task on worker A registers a timer (polling the `Sleep` by hand, so its entry is in A's
/// wheel), then blocks A for 200 ms inside the same poll. The timer fires during the block, on
/// another thread.
#[test]
fn timer_fires_while_its_worker_is_blocked_in_a_poll() {
    for_workers(
        "timer_fires_while_its_worker_is_blocked_in_a_poll",
        &[2, 4],
        |workers| {
            let rt = runtime(workers);
            let (tx, rx) = mpsc::channel();
            let task = rt.spawn(async move {
                let waker = Waker::from(Arc::new(EventWaker(tx.clone())));
                let mut timer = Box::pin(sleep(TIMER));
                assert!(timer
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending());
                let me = thread::current().id();
                tx.send(Event::BlockStart(me)).unwrap();
                thread::sleep(BLOCK);
                tx.send(Event::BlockEnd(me)).unwrap();
                assert!(
                    timer.is_elapsed(),
                    "the timer fired while its worker was blocked"
                );
            });
            let seen = events(&rx, 3);
            rt.block_on(task).unwrap();
            let [Event::BlockStart(a), Event::TimerFired(firer), Event::BlockEnd(a2)] = seen[..]
            else {
                panic!(
                    "{workers} workers: expected block start, timer fired, block end; got {seen:?}"
                );
            };
            assert_eq!(a, a2);
            assert_ne!(firer, a, "fired by another thread than the blocked worker");
        },
    );
}

/// The same, with a second task awaiting the timer: task T (on worker A) registers the sleep in
/// A's wheel and hands it to task S, then blocks A. S (stolen by or woken on another worker)
/// re-polls the sleep, which moves the waker to S; the timer fires through another worker and S
/// resumes — all before A's poll ends.
#[test]
fn task_awaiting_a_timer_of_a_blocked_worker_resumes() {
    for_workers(
        "task_awaiting_a_timer_of_a_blocked_worker_resumes",
        &[2, 4],
        |workers| {
            let rt = runtime(workers);
            let (tx, rx) = mpsc::channel();
            let (sleep_tx, sleep_rx) = futures_channel::oneshot::channel::<Pin<Box<Sleep>>>();
            let events_s = tx.clone();
            let sleeper = rt.spawn(async move {
                let timer = sleep_rx.await.unwrap();
                timer.await;
                let _ = events_s.send(Event::SleeperResumed(thread::current().id()));
            });
            let blocker = rt.spawn(async move {
                let mut timer = Box::pin(sleep(TIMER));
                let noop = Waker::noop();
                assert!(timer
                    .as_mut()
                    .poll(&mut Context::from_waker(noop))
                    .is_pending());
                sleep_tx.send(timer).ok().unwrap();
                let me = thread::current().id();
                tx.send(Event::BlockStart(me)).unwrap();
                thread::sleep(BLOCK);
                tx.send(Event::BlockEnd(me)).unwrap();
            });
            let seen = events(&rx, 3);
            rt.block_on(blocker).unwrap();
            rt.block_on(sleeper).unwrap();
            let [Event::BlockStart(a), Event::SleeperResumed(s), Event::BlockEnd(_)] = seen[..]
            else {
                panic!(
                "{workers} workers: expected block start, sleeper resumed, block end; got {seen:?}"
            );
            };
            assert_ne!(s, a);
        },
    );
}

/// Every worker blocked in a long poll except one, which is idle: the timers of all the blocked
/// workers fire through it.
#[test]
fn timers_of_several_blocked_workers_fire_through_the_idle_one() {
    let _watchdog = Watchdog::new("timers_of_several_blocked_workers_fire_through_the_idle_one");
    let workers = 4;
    let rt = runtime(workers);
    let (tx, rx) = mpsc::channel();
    let (started_tx, started_rx) = mpsc::channel::<ThreadId>();
    let tasks: Vec<_> = (0..workers - 1)
        .map(|_| {
            let tx = tx.clone();
            let started = started_tx.clone();
            rt.spawn(async move {
                let me = thread::current().id();
                let waker = Waker::from(Arc::new(EventWaker(tx.clone())));
                let mut timer = Box::pin(sleep(TIMER * 2));
                assert!(timer
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending());
                started.send(me).unwrap();
                thread::sleep(BLOCK * 2);
                tx.send(Event::BlockEnd(me)).unwrap();
            })
        })
        .collect();
    drop(tx);
    // The blockers may share a worker (one blocks while the other waits its turn), so only the
    // first one is known to be blocking: its own timer must fire before its block ends.
    let first = started_rx.recv_timeout(PATIENCE).unwrap();
    let mut seen = Vec::new();
    while let Ok(event) = rx.recv_timeout(PATIENCE) {
        seen.push(event);
    }
    for task in tasks {
        rt.block_on(task).unwrap();
    }
    let fired = seen
        .iter()
        .filter(|e| matches!(e, Event::TimerFired(_)))
        .count();
    assert_eq!(
        fired,
        workers - 1,
        "every timer fired exactly once: {seen:?}"
    );
    let first_end = seen
        .iter()
        .position(|e| *e == Event::BlockEnd(first))
        .unwrap();
    assert!(
        seen[..first_end]
            .iter()
            .any(|e| matches!(e, Event::TimerFired(_))),
        "a timer fired before the first blocked poll ended: {seen:?}"
    );
}

/// With every worker parked, a single timer registered by a task (in its worker's wheel) fires.
#[test]
fn all_workers_parked_one_timer_fires() {
    for_workers(
        "all_workers_parked_one_timer_fires",
        &[1, 2, 4],
        |workers| {
            let rt = runtime(workers);
            // Let every worker go to sleep.
            thread::sleep(Duration::from_millis(50));
            let (tx, rx) = mpsc::channel();
            let deadline = Instant::now() + Duration::from_millis(100);
            rt.spawn(async move {
                sleep_until(deadline).await;
                tx.send(Instant::now()).unwrap();
            });
            // The test thread only waits: nothing else runs on the runtime.
            let woke = rx
                .recv_timeout(PATIENCE)
                .expect("the only timer never fired");
            assert!(woke >= deadline);
        },
    );
}

/// The timer holder is parked with an hour-long timeout; a new, earlier deadline must wake it and
/// fire on time, not in an hour — from a task (a worker's wheel) and from `block_on` (the shared
/// wheel).
#[test]
fn earlier_deadline_wakes_the_parked_timer_holder() {
    for_workers(
        "earlier_deadline_wakes_the_parked_timer_holder",
        &[1, 2, 4],
        |workers| {
            let rt = runtime(workers);
            let long = rt.spawn(sleep(HOUR));
            thread::sleep(Duration::from_millis(50));
            let (tx, rx) = mpsc::channel();
            let deadline = Instant::now() + Duration::from_millis(30);
            rt.spawn(async move {
                sleep_until(deadline).await;
                tx.send(Instant::now()).unwrap();
            });
            let woke = rx
                .recv_timeout(PATIENCE)
                .expect("the earlier timer waited for the later one");
            assert!(woke >= deadline);

            thread::sleep(Duration::from_millis(50));
            let deadline = Instant::now() + Duration::from_millis(30);
            let handle = rt.handle().clone();
            let waiter = thread::spawn(move || {
                handle.block_on(sleep_until(deadline));
                Instant::now()
            });
            let start = Instant::now();
            while !waiter.is_finished() {
                assert!(
                    start.elapsed() < PATIENCE,
                    "the block_on timer waited for the later one"
                );
                thread::sleep(Duration::from_millis(1));
            }
            assert!(waiter.join().unwrap() >= deadline);
            assert!(!long.is_finished());
            long.abort();
        },
    );
}

/// Timers from `block_on` on threads that are not workers go to the shared wheel and fire —
/// several threads at once, each with many sleeps.
#[test]
fn timers_from_block_on_on_non_worker_threads() {
    for_workers(
        "timers_from_block_on_on_non_worker_threads",
        &[1, 4],
        |workers| {
            let rt = runtime(workers);
            // On the test thread, the `Sleep` created before `block_on` enters the runtime.
            let start = Instant::now();
            rt.block_on(corio::time::sleep(TIMER));
            assert!(start.elapsed() >= TIMER);

            let threads: Vec<_> = (0..4u64)
                .map(|t| {
                    let handle = rt.handle().clone();
                    thread::spawn(move || {
                        handle.block_on(async move {
                            let deadlines: Vec<_> = (0..100u64)
                                .map(|i| {
                                    Instant::now() + Duration::from_millis(1 + (i * 7 + t) % 40)
                                })
                                .collect();
                            let sleeps = deadlines.iter().map(|&d| async move {
                                sleep_until(d).await;
                                Instant::now() >= d
                            });
                            corio::task::gather(sleeps).await
                        })
                    })
                })
                .collect();
            for thread in threads {
                let on_time = thread.join().unwrap();
                assert_eq!(on_time.len(), 100);
                assert!(
                    on_time.into_iter().all(|ok| ok),
                    "a sleep woke before its deadline"
                );
            }
        },
    );
}

/// A sleep registered on a worker (by a task's poll) and then moved to a plain thread: dropping
/// it there cancels it; resetting it there and awaiting it from `block_on` completes it.
#[test]
fn sleep_registered_on_a_worker_used_from_a_plain_thread() {
    for_workers(
        "sleep_registered_on_a_worker_used_from_a_plain_thread",
        &[1, 4],
        |workers| {
            let rt = runtime(workers);
            let counting = Arc::new(CountingWaker::default());
            let waker = Waker::from(counting.clone());
            let (mut a, b) = rt
                .block_on(rt.spawn(async move {
                    let mut a = Box::pin(sleep(HOUR));
                    let mut b = Box::pin(sleep(Duration::from_millis(100)));
                    let mut cx = Context::from_waker(&waker);
                    assert!(a.as_mut().poll(&mut cx).is_pending());
                    assert!(b.as_mut().poll(&mut cx).is_pending());
                    (a, b)
                }))
                .unwrap();
            thread::spawn(move || drop(b)).join().unwrap();
            let handle = rt.handle().clone();
            thread::spawn(move || {
                let soon = Instant::now() + Duration::from_millis(10);
                a.as_mut().reset(soon);
                handle.block_on(a);
                assert!(Instant::now() >= soon);
            })
            .join()
            .unwrap();
            // Past `b`'s deadline.
            thread::sleep(Duration::from_millis(200));
            assert_eq!(
                counting.0.load(SeqCst),
                0,
                "a dropped or re-owned sleep woke its first poller"
            );
        },
    );
}

/// Many tasks that sleep in a loop while others hop between workers: stolen tasks keep their
/// entries in the wheels where they first registered; every sleep ends at or after its deadline.
#[test]
fn sleeping_tasks_migrating_between_workers() {
    let _watchdog = Watchdog::new("sleeping_tasks_migrating_between_workers");
    let rt = runtime(4);
    let tasks: Vec<_> = (0..200u64)
        .map(|i| {
            rt.spawn(async move {
                for round in 0..5u64 {
                    let deadline = Instant::now() + Duration::from_millis(1 + (i + round) % 7);
                    let mut s = std::pin::pin!(sleep_until(deadline));
                    // Poll once here, then yield (the task may move), then await elsewhere.
                    let _ = std::future::poll_fn(|cx| Poll::Ready(s.as_mut().poll(cx))).await;
                    corio::task::yield_now().await;
                    s.as_mut().await;
                    if Instant::now() < deadline {
                        return false;
                    }
                }
                true
            })
        })
        .collect();
    for task in tasks {
        assert!(
            rt.block_on(task).unwrap(),
            "a sleep woke before its deadline"
        );
    }
}
