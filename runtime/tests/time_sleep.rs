//! `Sleep`: it completes at its deadline and never before; sleeps in one wheel complete in
//! deadline order (at the wheel's 1 ms resolution); `sleep(ZERO)` and past deadlines complete at
//! once; dropping a registered sleep cancels it (its waker is never called afterwards); `reset`
//! moves the deadline either way, also after completion; far deadlines (days, `Duration::MAX`,
//! `Instant`s the wheel cannot reach) neither panic nor disturb the other timers; a `Sleep` is
//! `Send + Sync`, may be created outside the runtime, and may move between tasks and threads.
//!
//! Every test runs on one worker and on four (`support::rt_test!`). Time bounds are lower bounds
//! (the deadline) or ten times what the operation needs; nothing here asserts performance.

// Some tasks hand a registered `Sleep` out, un-awaited, to be dropped elsewhere: that is the
// point, not an oversight.
#![allow(clippy::async_yields_async)]

mod support;

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use corio::time::{sleep, sleep_until, Sleep};
use futures_util::task::AtomicWaker;
use support::{rt_test, PATIENCE};

// `Sleep` is awaited inside `spawn` and moved between threads: it must be `Send` (and is `Sync`).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Sleep>();
};

/// Long enough for a timer that should not fire to have fired if it were going to.
const SETTLE: Duration = Duration::from_millis(100);

/// A deadline that a sleep polled by hand right after its creation is sure to be registered
/// before, even on a loaded machine (so the poll returns `Pending`).
const SHORT: Duration = Duration::from_millis(100);

/// Runs `fut` as a spawned task (so its sleeps register in a worker's wheel) and returns its
/// output, re-raising its panic with the original message.
fn on_worker<F>(rt: &corio::Runtime, fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match rt.block_on(rt.spawn(fut)) {
        Ok(output) => output,
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
}

/// A waker that counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl CountingWaker {
    fn new() -> Arc<Self> {
        Arc::default()
    }

    fn wakes(&self) -> usize {
        self.0.load(SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Polls `sleep` once with `waker`.
fn poll_with(sleep: Pin<&mut Sleep>, waker: &Arc<CountingWaker>) -> Poll<()> {
    let waker = Waker::from(waker.clone());
    sleep.poll(&mut Context::from_waker(&waker))
}

/// splitmix64: a seeded generator, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How many random sleeps the ordering tests use, and over how long their deadlines spread.
const RANDOM_SLEEPS: usize = 10_000;
const SPREAD: Duration = Duration::from_secs(1);
/// Deadlines start this far ahead, so that (with an O(1) wheel) every sleep is registered before
/// the first deadline.
const LEAD: Duration = Duration::from_millis(200);
const SEED: u64 = 0x5eed_7133;

/// `RANDOM_SLEEPS` deadlines from `base + LEAD`, spread over `SPREAD` with microsecond detail.
fn random_deadlines(base: Instant) -> Vec<Instant> {
    let mut rng = Rng(SEED);
    let spread = SPREAD.as_micros() as u64;
    (0..RANDOM_SLEEPS)
        .map(|_| base + LEAD + Duration::from_micros(rng.below(spread)))
        .collect()
}

/// How one of the observed sleeps completed.
struct Completion {
    deadline: Instant,
    /// When its timer fired (its waker was called), or when its first poll found the deadline
    /// already passed.
    at: Instant,
    /// `Some(thread)` if its first poll registered it in the wheel of that thread (a worker's,
    /// or the shared one for a non-worker thread); `None` if it completed without the wheel.
    registered_on: Option<ThreadId>,
    /// The thread that called its waker (the one that fired its timer), if it went through the
    /// wheel.
    fired_by: Option<ThreadId>,
}

/// The fire log of one observation: `(sleep index, when its waker was called, by which thread)`,
/// in call order.
#[derive(Default)]
struct FireLog {
    fired: Mutex<Vec<(usize, Instant, ThreadId)>>,
    observer: AtomicWaker,
}

/// The waker given to one observed sleep: logs the call, then wakes the observer.
///
/// Calls made while the observer itself is polling the sleep are not firings but the cooperative
/// budget asking the task to yield (a spent budget makes even a ready sleep return `Pending` and
/// wake its task); they are only noted in `woken_in_poll`.
struct Recorder {
    index: usize,
    log: Arc<FireLog>,
    in_poll: AtomicBool,
    woken_in_poll: AtomicBool,
}

impl Wake for Recorder {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.in_poll.load(SeqCst) {
            self.woken_in_poll.store(true, SeqCst);
            return;
        }
        let mut fired = self.log.fired.lock().unwrap();
        fired.push((self.index, Instant::now(), thread::current().id()));
        drop(fired);
        self.log.observer.wake();
    }
}

/// Registers `RANDOM_SLEEPS` random sleeps from one observer, then waits until each has fired,
/// without polling them again (so the cooperative budget cannot reorder them), and returns them in
/// the order their timers fired (those that completed on their first poll come last). Each
/// registered sleep's waker must be called exactly once.
async fn observe_random_sleeps() -> Vec<Completion> {
    let log = Arc::new(FireLog::default());
    let deadlines = random_deadlines(Instant::now());
    let mut sleeps: Vec<Pin<Box<Sleep>>> = deadlines
        .iter()
        .map(|&d| Box::pin(sleep_until(d)))
        .collect();
    let mut registered_on: Vec<Option<ThreadId>> = vec![None; RANDOM_SLEEPS];
    let mut at_once = Vec::new();
    for (index, sleep) in sleeps.iter_mut().enumerate() {
        let recorder = Arc::new(Recorder {
            index,
            log: log.clone(),
            in_poll: AtomicBool::new(false),
            woken_in_poll: AtomicBool::new(false),
        });
        let waker = Waker::from(recorder.clone());
        loop {
            recorder.in_poll.store(true, SeqCst);
            let first = sleep.as_mut().poll(&mut Context::from_waker(&waker));
            recorder.in_poll.store(false, SeqCst);
            match first {
                Poll::Ready(()) => at_once.push(Completion {
                    deadline: deadlines[index],
                    at: Instant::now(),
                    registered_on: None,
                    fired_by: None,
                }),
                // The budget is spent (the sleep was not registered), or, on several workers, it
                // fired during this very poll: yield, then poll again.
                Poll::Pending if recorder.woken_in_poll.swap(false, SeqCst) => {
                    corio::task::yield_now().await;
                    continue;
                }
                Poll::Pending => registered_on[index] = Some(thread::current().id()),
            }
            break;
        }
    }
    let expected = RANDOM_SLEEPS - at_once.len();
    std::future::poll_fn(|cx| {
        log.observer.register(cx.waker());
        if log.fired.lock().unwrap().len() >= expected {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    // Any second call of a waker would show up by now.
    sleep(SETTLE).await;
    let fired = std::mem::take(&mut *log.fired.lock().unwrap());
    assert_eq!(
        fired.len(),
        expected,
        "each registered sleep's waker is called exactly once"
    );
    let mut seen = vec![false; RANDOM_SLEEPS];
    let mut done: Vec<Completion> = fired
        .into_iter()
        .map(|(index, at, fired_by)| {
            assert!(
                registered_on[index].is_some(),
                "sleep #{index} fired, but was never registered"
            );
            assert!(
                !std::mem::replace(&mut seen[index], true),
                "sleep #{index} fired twice"
            );
            assert!(
                sleeps[index].is_elapsed(),
                "sleep #{index} woke its task but is not elapsed"
            );
            Completion {
                deadline: deadlines[index],
                at,
                registered_on: registered_on[index],
                fired_by: Some(fired_by),
            }
        })
        .collect();
    done.extend(at_once);
    done
}

/// Checks that no sleep completed before its deadline, and that the sleeps of one wheel fired by
/// one thread completed in deadline order at 1 ms resolution.
///
/// The wheel rounds each deadline up to its millisecond tick, counted from an origin the test
/// cannot see, and fires one tick's sleeps in any order: two deadlines less than 1 ms apart may
/// share a tick. So the order is checked as "whenever `a` completed before `b`,
/// `deadline(a) < deadline(b) + 1 ms`", which holds for every origin exactly when the rounded-up
/// ticks never decrease.
///
/// Per wheel *and firing thread*: a firer marks a batch of due entries fired under the wheel's
/// lock and calls their wakers after releasing it, so with several workers a firer descheduled
/// between the two lets another firer's later batch be woken first (seen here: 6 ms on a loaded
/// 2-CPU machine). On one worker there is one firer, and the check covers the whole wheel.
/// Sleeps whose deadline had already passed at their first poll complete at once, without the
/// wheel, and are checked only for lateness.
fn check_order(done: &[Completion]) {
    assert_eq!(done.len(), RANDOM_SLEEPS, "every sleep completes");
    for (i, c) in done.iter().enumerate() {
        assert!(
            c.at >= c.deadline,
            "sleep #{i} in completion order completed {:?} before its deadline",
            c.deadline - c.at
        );
    }
    let through_wheel = done.iter().filter(|c| c.registered_on.is_some()).count();
    assert!(through_wheel > 0, "no sleep went through a wheel");
    // Per (registering thread, firing thread): the latest deadline completed so far.
    type Key = (Option<ThreadId>, Option<ThreadId>);
    let mut latest: Vec<(Key, Instant, usize)> = Vec::new();
    for (i, c) in done.iter().enumerate() {
        if c.registered_on.is_none() {
            continue;
        }
        let key = (c.registered_on, c.fired_by);
        match latest.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, max, at)) => {
                assert!(
                    *max < c.deadline + Duration::from_millis(1),
                    "out of deadline order: completion #{i} has a deadline {:?} earlier than \
                     completion #{at}, which completed before it (same wheel, same firer)",
                    *max - c.deadline
                );
                if c.deadline > *max {
                    *max = c.deadline;
                    *at = i;
                }
            }
            None => latest.push((key, c.deadline, i)),
        }
    }
}

rt_test! {
    fn sleep_zero_completes() {
        let rt = rt();
        rt.block_on(sleep(Duration::ZERO));
        on_worker(&rt, async {
            for _ in 0..1_000 {
                sleep(Duration::ZERO).await;
            }
            // Its deadline has passed by its first poll: ready at once, no timer.
            let waker = CountingWaker::new();
            let mut zero = pin!(sleep(Duration::ZERO));
            assert_eq!(poll_with(zero.as_mut(), &waker), Poll::Ready(()));
            assert_eq!(waker.wakes(), 0);
        });
    }

    fn past_deadline_completes_on_first_poll() {
        let rt = rt();
        let past = Instant::now();
        thread::sleep(Duration::from_millis(2));
        on_worker(&rt, async move {
            let waker = CountingWaker::new();
            let mut late = pin!(sleep_until(past));
            assert_eq!(poll_with(late.as_mut(), &waker), Poll::Ready(()));
            assert_eq!(late.deadline(), past);
        });
    }

    fn sleep_never_completes_before_its_deadline() {
        let rt = rt();
        let durations = [1, 2, 3, 5, 8, 13, 21, 34, 55].map(Duration::from_millis);
        let tasks: Vec<_> = durations
            .iter()
            .map(|&duration| {
                rt.spawn(async move {
                    let start = Instant::now();
                    let s = sleep(duration);
                    let deadline = s.deadline();
                    assert!(deadline >= start + duration);
                    s.await;
                    let now = Instant::now();
                    assert!(now >= deadline, "woke {:?} early", deadline - now);
                    assert!(start.elapsed() >= duration);
                })
            })
            .collect();
        for task in tasks {
            rt.block_on(task).unwrap();
        }
        // And on the `block_on` thread (the shared wheel).
        for duration in durations {
            let s = sleep(duration);
            let deadline = s.deadline();
            rt.block_on(s);
            assert!(Instant::now() >= deadline);
        }
    }

    /// 10k random sleeps registered by one task, in the wheel of the worker polling it.
    fn random_sleeps_complete_in_deadline_order_in_a_task() {
        let rt = rt();
        check_order(&on_worker(&rt, observe_random_sleeps()));
    }

    /// The same from `block_on` on a non-worker thread: the shared wheel.
    fn random_sleeps_complete_in_deadline_order_in_block_on() {
        let rt = rt();
        check_order(&rt.block_on(observe_random_sleeps()));
    }

    /// 10k random sleeps in 10k tasks, registered across the workers' wheels: none wakes early.
    fn random_sleeps_in_many_tasks_never_wake_early() {
        let rt = rt();
        let deadlines = random_deadlines(Instant::now());
        let tasks: Vec<_> = deadlines
            .into_iter()
            .map(|deadline| {
                rt.spawn(async move {
                    sleep_until(deadline).await;
                    Instant::now().checked_duration_since(deadline)
                })
            })
            .collect();
        let lateness = rt.block_on(async {
            let mut lateness = Vec::with_capacity(tasks.len());
            for task in tasks {
                lateness.push(task.await.unwrap());
            }
            lateness
        });
        let early = lateness.iter().filter(|late| late.is_none()).count();
        assert_eq!(early, 0, "{early} of {RANDOM_SLEEPS} sleeps woke before their deadline");
    }

    fn deadline_is_exactly_the_instant_given() {
        let rt = rt();
        let at = Instant::now() + Duration::from_micros(12_345_678);
        let s = sleep_until(at);
        assert_eq!(s.deadline(), at);
        let before = Instant::now();
        let s = sleep(Duration::from_secs(7));
        assert!(s.deadline() >= before + Duration::from_secs(7));
        assert!(s.deadline() <= Instant::now() + Duration::from_secs(7));
        on_worker(&rt, async move {
            let waker = CountingWaker::new();
            let mut s = pin!(sleep_until(at));
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            assert_eq!(s.deadline(), at);
            let moved = at + Duration::from_nanos(1);
            s.as_mut().reset(moved);
            assert_eq!(s.deadline(), moved);
        });
    }

    fn is_elapsed_after_completion() {
        let rt = rt();
        on_worker(&rt, async {
            let mut s = pin!(sleep(Duration::from_millis(10)));
            assert!(!s.is_elapsed());
            s.as_mut().await;
            assert!(s.is_elapsed(), "is_elapsed after the timer fired");
        });
        on_worker(&rt, async {
            let mut s = pin!(sleep(Duration::ZERO));
            s.as_mut().await;
            assert!(
                s.is_elapsed(),
                "is_elapsed after a sleep that completed on its first poll (deadline already passed)"
            );
        });
    }

    fn dropping_a_registered_sleep_cancels_it() {
        let rt = rt();
        // Registered in a worker's wheel.
        let waker = CountingWaker::new();
        let w = waker.clone();
        on_worker(&rt, async move {
            let mut s = Box::pin(sleep(SHORT));
            assert!(poll_with(s.as_mut(), &w).is_pending());
            drop(s);
            sleep(SHORT + SETTLE).await;
        });
        assert_eq!(waker.wakes(), 0, "the waker of a dropped sleep was called (worker wheel)");

        // Registered in the shared wheel, from `block_on`.
        let waker = CountingWaker::new();
        rt.block_on(async {
            let mut s = Box::pin(sleep(SHORT));
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            drop(s);
            sleep(SHORT + SETTLE).await;
        });
        assert_eq!(waker.wakes(), 0, "the waker of a dropped sleep was called (shared wheel)");
    }

    /// Half of 1,000 registered sleeps are dropped: the other half each fire exactly once.
    fn dropping_some_sleeps_leaves_the_others_firing_once() {
        let rt = rt();
        on_worker(&rt, async {
            let wakers: Vec<_> = (0..1_000).map(|_| CountingWaker::new()).collect();
            let mut sleeps: Vec<_> = (0..1_000u64)
                .map(|i| Box::pin(sleep(SHORT + Duration::from_millis(i % 20))))
                .collect();
            for (s, waker) in sleeps.iter_mut().zip(&wakers) {
                assert!(poll_with(s.as_mut(), waker).is_pending());
            }
            let kept: Vec<_> = sleeps
                .into_iter()
                .enumerate()
                .filter_map(|(i, s)| (i % 2 == 0).then_some(s))
                .collect();
            sleep(SHORT + Duration::from_millis(20) + SETTLE).await;
            for (i, waker) in wakers.iter().enumerate() {
                let expected = usize::from(i % 2 == 0);
                assert_eq!(waker.wakes(), expected, "sleep #{i} (kept: {})", i % 2 == 0);
            }
            assert!(kept.iter().all(|s| s.is_elapsed()));
        });
    }

    fn reset_to_an_earlier_deadline() {
        let rt = rt();
        on_worker(&rt, async {
            let waker = CountingWaker::new();
            let mut s = pin!(sleep(Duration::from_secs(3_600)));
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            let soon = Instant::now() + Duration::from_millis(20);
            s.as_mut().reset(soon);
            s.as_mut().await;
            assert!(Instant::now() >= soon);
            assert_eq!(s.deadline(), soon);
        });
        // Reset before the first poll: the first poll registers with the new deadline.
        on_worker(&rt, async {
            let mut s = pin!(sleep(Duration::from_secs(3_600)));
            let soon = Instant::now() + Duration::from_millis(20);
            s.as_mut().reset(soon);
            s.as_mut().await;
            assert!(Instant::now() >= soon);
        });
        // From `block_on` (the shared wheel).
        rt.block_on(async {
            let mut s = pin!(sleep(Duration::from_secs(3_600)));
            let waker = CountingWaker::new();
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            let soon = Instant::now() + Duration::from_millis(20);
            s.as_mut().reset(soon);
            s.as_mut().await;
            assert!(Instant::now() >= soon);
        });
    }

    fn reset_to_a_later_deadline() {
        let rt = rt();
        on_worker(&rt, async {
            let waker = CountingWaker::new();
            let first = Instant::now() + SHORT;
            let mut s = pin!(sleep_until(first));
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            let later = first + Duration::from_millis(200);
            s.as_mut().reset(later);
            // Past the first deadline: nothing fired, the sleep is still pending.
            sleep_until(first + Duration::from_millis(20)).await;
            assert_eq!(waker.wakes(), 0, "the sleep fired at the deadline it was moved from");
            assert!(!s.is_elapsed());
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            s.as_mut().await;
            assert!(Instant::now() >= later);
            assert_eq!(s.deadline(), later);
        });
    }

    fn reset_after_completion_waits_again() {
        let rt = rt();
        on_worker(&rt, async {
            let mut s = pin!(sleep(Duration::from_millis(5)));
            s.as_mut().await;
            assert!(s.is_elapsed());
            let again = Instant::now() + SHORT;
            s.as_mut().reset(again);
            assert!(!s.is_elapsed(), "a reset sleep is no longer elapsed");
            let waker = CountingWaker::new();
            assert!(poll_with(s.as_mut(), &waker).is_pending(), "a reset sleep waits again");
            s.as_mut().await;
            assert!(Instant::now() >= again);
            assert!(s.is_elapsed());
        });
        // Also when it completed on its first poll (no timer was ever registered).
        on_worker(&rt, async {
            let mut s = pin!(sleep(Duration::ZERO));
            s.as_mut().await;
            let again = Instant::now() + SHORT;
            s.as_mut().reset(again);
            let waker = CountingWaker::new();
            assert!(poll_with(s.as_mut(), &waker).is_pending(), "a reset sleep waits again");
            s.as_mut().await;
            assert!(Instant::now() >= again);
        });
    }

    /// A sleep polled (registered) by one task, then awaited by another: the entry stays in the
    /// first wheel, the waker follows the new poller.
    fn sleep_moved_between_tasks_wakes_its_new_owner() {
        let rt = rt();
        let (tx, rx) = futures_channel::oneshot::channel::<Pin<Box<Sleep>>>();
        let first_waker = CountingWaker::new();
        let w = first_waker.clone();
        let deadline = Instant::now() + Duration::from_millis(200);
        let first = rt.spawn(async move {
            let mut s = Box::pin(sleep_until(deadline));
            assert!(poll_with(s.as_mut(), &w).is_pending());
            tx.send(s).ok().unwrap();
        });
        let second = rt.spawn(async move {
            let s = rx.await.unwrap();
            let received = Instant::now();
            s.await;
            (received, Instant::now())
        });
        rt.block_on(first).unwrap();
        let (received, done) = rt.block_on(second).unwrap();
        assert!(done >= deadline);
        if received < deadline {
            // The second task polled before the timer fired: only its waker was called.
            assert_eq!(first_waker.wakes(), 0, "the waker of the first poller was called");
        }
    }

    /// Reset from a task other than the one that registered it (possibly on another worker).
    fn reset_from_another_task() {
        let rt = rt();
        let (tx, rx) = futures_channel::oneshot::channel::<Pin<Box<Sleep>>>();
        rt.block_on(rt.spawn(async move {
            let waker = CountingWaker::new();
            let mut s = Box::pin(sleep(Duration::from_secs(3_600)));
            assert!(poll_with(s.as_mut(), &waker).is_pending());
            tx.send(s).ok().unwrap();
        }))
        .unwrap();
        let soon = rt
            .block_on(rt.spawn(async move {
                let mut s = rx.await.unwrap();
                let soon = Instant::now() + Duration::from_millis(20);
                s.as_mut().reset(soon);
                s.await;
                soon
            }))
            .unwrap();
        assert!(Instant::now() >= soon);
    }

    /// `runtime.block_on(corio::time::sleep(d))`: the `Sleep` is created before `block_on` enters
    /// the runtime, so it finds its runtime on its first poll.
    fn sleep_created_outside_the_runtime() {
        let rt = rt();
        let start = Instant::now();
        rt.block_on(corio::time::sleep(Duration::from_millis(20)));
        assert!(start.elapsed() >= Duration::from_millis(20));

        let s = sleep(Duration::from_millis(20));
        let deadline = s.deadline();
        rt.block_on(rt.spawn(s)).unwrap();
        assert!(Instant::now() >= deadline);

        let s = sleep(Duration::from_millis(20));
        let deadline = s.deadline();
        on_worker(&rt, async move {
            s.await;
            assert!(Instant::now() >= deadline);
        });
    }

    /// Deadlines days ahead, and ones `Instant` or the wheel cannot represent: no panic, the exact
    /// deadline is kept, and the other timers still fire.
    fn far_deadlines_are_handled() {
        let rt = rt();
        on_worker(&rt, async {
            let waker = CountingWaker::new();
            let three_days = Duration::from_secs(3 * 24 * 3600);

            let mut days = Box::pin(sleep(three_days));
            assert!(poll_with(days.as_mut(), &waker).is_pending());

            let mut max = Box::pin(sleep(Duration::MAX));
            assert!(max.deadline() > Instant::now() + three_days);
            assert!(poll_with(max.as_mut(), &waker).is_pending());

            // ~136 years: representable by `Instant`, far beyond any wheel's range.
            let far = Instant::now() + Duration::from_secs(u64::from(u32::MAX));
            let mut beyond = Box::pin(sleep_until(far));
            assert_eq!(beyond.deadline(), far);
            assert!(poll_with(beyond.as_mut(), &waker).is_pending());
            assert_eq!(beyond.deadline(), far);

            // Reset a near sleep to the far instant, and a far one to near.
            let mut near = Box::pin(sleep(SHORT));
            assert!(poll_with(near.as_mut(), &waker).is_pending());
            near.as_mut().reset(far);
            assert_eq!(near.deadline(), far);
            let soon = Instant::now() + Duration::from_millis(10);
            max.as_mut().reset(soon);
            max.as_mut().await;
            assert!(Instant::now() >= soon);

            // With the far timers pending, short sleeps still fire.
            for _ in 0..3 {
                let d = Instant::now() + Duration::from_millis(5);
                sleep_until(d).await;
                assert!(Instant::now() >= d);
            }
            assert!(poll_with(days.as_mut(), &waker).is_pending());
            assert!(poll_with(beyond.as_mut(), &waker).is_pending());
            assert!(poll_with(near.as_mut(), &waker).is_pending());
            drop((days, beyond, near));
            assert_eq!(waker.wakes(), 0, "a far timer fired");
        });
        // The same in the shared wheel.
        rt.block_on(async {
            let waker = CountingWaker::new();
            let mut days = Box::pin(sleep(Duration::from_secs(3 * 24 * 3600)));
            assert!(poll_with(days.as_mut(), &waker).is_pending());
            let mut max = Box::pin(sleep(Duration::MAX));
            assert!(poll_with(max.as_mut(), &waker).is_pending());
            sleep(Duration::from_millis(10)).await;
            drop((days, max));
            assert_eq!(waker.wakes(), 0);
        });
    }

    /// Dropped from a plain thread after a worker registered it: cancelled, never woken.
    fn sleep_registered_on_a_worker_dropped_from_another_thread() {
        let rt = rt();
        let waker = CountingWaker::new();
        let w = waker.clone();
        let s = on_worker(&rt, async move {
            let mut s = Box::pin(sleep(SHORT));
            assert!(poll_with(s.as_mut(), &w).is_pending());
            s
        });
        thread::spawn(move || drop(s)).join().unwrap();
        thread::sleep(SHORT + SETTLE);
        assert_eq!(waker.wakes(), 0, "a sleep dropped on another thread was woken");
        let after = Instant::now() + Duration::from_millis(5);
        rt.block_on(sleep_until(after));
        on_worker(&rt, sleep(Duration::from_millis(5)));
    }

    /// Registered on a worker and dropped on a plain thread right around its deadline, 200 times:
    /// the drop races the firing; each waker is called at most once and nothing breaks.
    fn drop_racing_the_firing() {
        let rt = rt();
        let (tx, rx) = mpsc::channel::<(Pin<Box<Sleep>>, Arc<CountingWaker>)>();
        let dropper = thread::spawn(move || {
            for (s, waker) in rx {
                while Instant::now() < s.deadline() {
                    std::hint::spin_loop();
                }
                drop(s);
                assert!(waker.wakes() <= 1);
            }
        });
        on_worker(&rt, async move {
            for _ in 0..200 {
                let waker = CountingWaker::new();
                let mut s = Box::pin(sleep(Duration::from_millis(1)));
                if poll_with(s.as_mut(), &waker).is_pending() {
                    tx.send((s, waker)).unwrap();
                }
                corio::task::yield_now().await;
            }
        });
        dropper.join().unwrap();
        on_worker(&rt, sleep(Duration::from_millis(5)));
    }

    /// A registered `Sleep` may outlive its runtime and be dropped afterwards.
    fn sleep_outliving_its_runtime_can_be_dropped() {
        let rt = rt();
        let waker = CountingWaker::new();
        let w = waker.clone();
        let s = on_worker(&rt, async move {
            let mut s = Box::pin(sleep(Duration::from_secs(3_600)));
            assert!(poll_with(s.as_mut(), &w).is_pending());
            s
        });
        drop(rt);
        drop(s);
        assert_eq!(waker.wakes(), 0);
    }

    fn sleeps_run_inside_spawned_tasks_concurrently() {
        let rt = rt();
        let start = Instant::now();
        let tasks: Vec<_> = (0..100)
            .map(|_| rt.spawn(async { sleep(Duration::from_millis(100)).await }))
            .collect();
        for task in tasks {
            rt.block_on(task).unwrap();
        }
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(100));
        // Concurrent, not one after another (that would be 10 s).
        assert!(took < PATIENCE, "100 concurrent 100 ms sleeps took {took:?}");
    }
}
