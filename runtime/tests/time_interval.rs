//! `Interval`: the first tick completes at once; ticks return the instants they were scheduled
//! for (`start + n * period`); after missed ticks the schedule follows the documented
//! `MissedTickBehavior` — `Burst` returns every missed instant at once and keeps the schedule,
//! `Delay` starts a new schedule one period after the late tick, `Skip` drops the missed ticks and
//! keeps the schedule; `reset`, `reset_immediately` and `reset_at` move the next tick; periods
//! too long for `Instant` do not panic.
//!
//! Missed ticks are simulated by blocking the task (`std::thread::sleep`) past several periods.
//! Assertions compare the returned `Instant`s with the schedule. Where a value depends on when
//! the interval read the clock (`Delay` starts its new schedule at "now"), it is bounded by
//! clock readings taken just before and just after the tick.
//!
//! Every test runs on one worker and on four (`support::rt_test!`).

mod support;

use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use corio::time::{interval, interval_at, Interval, MissedTickBehavior};
use support::rt_test;

// An `Interval` can live inside a spawned task.
const _: () = {
    const fn send<T: Send>() {}
    send::<Interval>();
};

/// The period of the missed-tick tests: long enough that a late wake-up is not mistaken for a
/// missed tick, and that the task can be blocked across a known number of ticks.
const P: Duration = Duration::from_millis(100);

/// Runs `fut` as a spawned task and returns its output, re-raising its panic.
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

/// Polls the next tick once by hand: `Ready` means it did not wait at all.
fn poll_tick_now(interval: &mut Interval) -> Poll<Instant> {
    interval.poll_tick(&mut Context::from_waker(Waker::noop()))
}

/// Awaits the next tick; returns its scheduled instant and checks it did not come early.
async fn tick(interval: &mut Interval) -> Instant {
    let scheduled = interval.tick().await;
    let now = Instant::now();
    assert!(now >= scheduled, "a tick came {:?} early", scheduled - now);
    scheduled
}

/// Starts an interval with `behavior`, takes the first tick, then blocks the task for 3.5
/// periods (missing the ticks at `start + P`, `2P` and `3P`). Returns the interval, its start
/// and the instant the block ended.
async fn miss_three_ticks(behavior: MissedTickBehavior) -> (Interval, Instant, Instant) {
    let start = Instant::now();
    let mut ticker = interval_at(start, P);
    ticker.set_missed_tick_behavior(behavior);
    assert_eq!(ticker.missed_tick_behavior(), behavior);
    assert_eq!(tick(&mut ticker).await, start);
    thread::sleep(P * 7 / 2);
    let unblocked = Instant::now();
    (ticker, start, unblocked)
}

rt_test! {
    fn first_tick_is_immediate() {
        let rt = rt();
        on_worker(&rt, async {
            let before = Instant::now();
            let mut ticker = interval(Duration::from_secs(3_600));
            assert_eq!(ticker.period(), Duration::from_secs(3_600));
            let first = match poll_tick_now(&mut ticker) {
                Poll::Ready(first) => first,
                Poll::Pending => panic!("the first tick of an interval waited"),
            };
            assert!(first >= before && first <= Instant::now());
            // The second one is an hour away.
            assert!(poll_tick_now(&mut ticker).is_pending());
        });
        // Also awaited, and from `block_on`.
        let before = Instant::now();
        let mut ticker = interval(Duration::from_secs(3_600));
        let first = rt.block_on(ticker.tick());
        assert!(first >= before);
    }

    fn ticks_return_the_schedule() {
        let rt = rt();
        on_worker(&rt, async {
            let period = Duration::from_millis(20);
            let start = Instant::now() + Duration::from_millis(10);
            let mut ticker = interval_at(start, period);
            for n in 0..5u32 {
                assert_eq!(tick(&mut ticker).await, start + period * n, "tick #{n}");
            }
        });
    }

    fn default_is_burst() {
        let ticker = interval(P);
        assert_eq!(ticker.missed_tick_behavior(), MissedTickBehavior::Burst);
        assert_eq!(MissedTickBehavior::default(), MissedTickBehavior::Burst);
    }

    /// Burst: the missed ticks (`P`, `2P`, `3P`) are returned at once, without waiting, each with
    /// its original instant; then the schedule goes on at `4P`, `5P`.
    fn missed_ticks_burst() {
        let rt = rt();
        on_worker(&rt, async {
            let (mut ticker, start, _) = miss_three_ticks(MissedTickBehavior::Burst).await;
            for n in 1..=3u32 {
                assert_eq!(
                    poll_tick_now(&mut ticker),
                    Poll::Ready(start + P * n),
                    "missed tick #{n} is returned at once, at its scheduled instant"
                );
            }
            assert_eq!(tick(&mut ticker).await, start + P * 4);
            assert_eq!(tick(&mut ticker).await, start + P * 5);
        });
    }

    /// Delay: the late tick returns its instant (`P`), and the next one is one period after the
    /// moment it was taken (about `3.5P + P`), off the original schedule; later ticks follow that
    /// new schedule.
    fn missed_ticks_delay() {
        let rt = rt();
        on_worker(&rt, async {
            let (mut ticker, start, unblocked) = miss_three_ticks(MissedTickBehavior::Delay).await;
            assert_eq!(tick(&mut ticker).await, start + P, "the late tick");
            let taken = Instant::now();
            let next = tick(&mut ticker).await;
            assert!(
                next >= unblocked + P && next <= taken + P,
                "Delay: the tick after the late one is one period after it was taken; got \
                 start + {:?}, expected start + [{:?}, {:?}]",
                next - start,
                unblocked + P - start,
                taken + P - start
            );
            // Each later tick is one period after the previous one, or, if that one was itself
            // late, one period after it was taken.
            let mut previous = (next, Instant::now());
            for n in 0..2 {
                let scheduled = tick(&mut ticker).await;
                let (prev, prev_taken) = previous;
                assert!(
                    scheduled >= prev + P && scheduled <= prev_taken + P,
                    "Delay tick #{n} after the new schedule: start + {:?}, previous start + {:?}",
                    scheduled - start,
                    prev - start
                );
                previous = (scheduled, Instant::now());
            }
        });
    }

    /// Skip: the late tick returns its instant (`P`); the missed `2P` and `3P` are dropped and the
    /// schedule resumes at the first instant after now, `4P`, then `5P`.
    fn missed_ticks_skip() {
        let rt = rt();
        on_worker(&rt, async {
            let (mut ticker, start, _) = miss_three_ticks(MissedTickBehavior::Skip).await;
            assert_eq!(poll_tick_now(&mut ticker), Poll::Ready(start + P), "the late tick");
            assert_eq!(tick(&mut ticker).await, start + P * 4, "Skip keeps the original schedule");
            assert_eq!(tick(&mut ticker).await, start + P * 5);
        });
    }

    /// The same three behaviours when ticks are missed by awaiting a long sleep between ticks
    /// (the task yields instead of blocking its worker).
    fn missed_ticks_while_awaiting_a_sleep() {
        let rt = rt();
        on_worker(&rt, async {
            for behavior in [
                MissedTickBehavior::Burst,
                MissedTickBehavior::Delay,
                MissedTickBehavior::Skip,
            ] {
                let start = Instant::now();
                let mut ticker = interval_at(start, P);
                ticker.set_missed_tick_behavior(behavior);
                assert_eq!(tick(&mut ticker).await, start);
                corio::time::sleep_until(start + P * 5 / 2).await;
                let slept = Instant::now();
                assert_eq!(tick(&mut ticker).await, start + P, "{behavior:?}: the late tick");
                let taken = Instant::now();
                let next = tick(&mut ticker).await;
                match behavior {
                    MissedTickBehavior::Burst => assert_eq!(next, start + P * 2),
                    MissedTickBehavior::Skip => assert_eq!(next, start + P * 3),
                    MissedTickBehavior::Delay => assert!(
                        next >= slept + P && next <= taken + P,
                        "Delay: got start + {:?}",
                        next - start
                    ),
                }
            }
        });
    }

    fn reset_restarts_one_period_from_now() {
        let rt = rt();
        on_worker(&rt, async {
            let period = Duration::from_millis(50);
            let start = Instant::now();
            let mut ticker = interval_at(start, period);
            assert_eq!(tick(&mut ticker).await, start);
            corio::time::sleep(Duration::from_millis(20)).await;
            let before = Instant::now();
            ticker.reset();
            let after = Instant::now();
            let next = tick(&mut ticker).await;
            assert!(next >= before + period && next <= after + period);
            assert_eq!(tick(&mut ticker).await, next + period);
        });
    }

    fn reset_immediately_ticks_now() {
        let rt = rt();
        on_worker(&rt, async {
            let mut ticker = interval(Duration::from_secs(3_600));
            tick(&mut ticker).await;
            let before = Instant::now();
            ticker.reset_immediately();
            let after = Instant::now();
            let next = tick(&mut ticker).await;
            assert!(next >= before && next <= after, "the next tick is now, not in an hour");
            assert_eq!(tick_pending(&mut ticker), None, "then the schedule goes on an hour later");
        });
    }

    fn reset_at_ticks_at_the_given_instant() {
        let rt = rt();
        on_worker(&rt, async {
            let mut ticker = interval(Duration::from_secs(3_600));
            tick(&mut ticker).await;
            let at = Instant::now() + Duration::from_millis(30);
            ticker.reset_at(at);
            assert_eq!(tick(&mut ticker).await, at);
            // And earlier than the pending tick, after it was registered.
            assert!(poll_tick_now(&mut ticker).is_pending());
            let sooner = Instant::now() + Duration::from_millis(10);
            ticker.reset_at(sooner);
            assert_eq!(tick(&mut ticker).await, sooner);
            assert_eq!(tick_pending(&mut ticker), None);
        });
    }

    /// A period `Instant` cannot add (`Duration::MAX`), or a start far in the future: no panic;
    /// the first tick is still immediate and the next is pending.
    fn unrepresentable_periods_do_not_panic() {
        let rt = rt();
        on_worker(&rt, async {
            let mut ticker = interval(Duration::MAX);
            assert!(poll_tick_now(&mut ticker).is_ready(), "first tick");
            assert!(poll_tick_now(&mut ticker).is_pending());
            ticker.reset();
            assert!(poll_tick_now(&mut ticker).is_pending());
        });
        on_worker(&rt, async {
            let far = Instant::now() + Duration::from_secs(u64::from(u32::MAX));
            let mut ticker = interval_at(far, Duration::from_secs(u64::from(u32::MAX)));
            assert!(poll_tick_now(&mut ticker).is_pending());
            // The tick's timer is registered (far away): moved to now, it fires at the next
            // timer check, so await it rather than poll it once.
            let before = Instant::now();
            ticker.reset_immediately();
            let now_tick = tick(&mut ticker).await;
            assert!(now_tick >= before && now_tick <= Instant::now());
            assert!(poll_tick_now(&mut ticker).is_pending());
        });
        // A late first tick takes the missed-tick path, where each behaviour adds the period to
        // a different instant.
        on_worker(&rt, async {
            let Some(past) = Instant::now().checked_sub(Duration::from_millis(50)) else {
                return;
            };
            for behavior in [
                MissedTickBehavior::Burst,
                MissedTickBehavior::Delay,
                MissedTickBehavior::Skip,
            ] {
                let mut ticker = interval_at(past, Duration::MAX);
                ticker.set_missed_tick_behavior(behavior);
                assert_eq!(poll_tick_now(&mut ticker), Poll::Ready(past), "{behavior:?}");
                assert!(poll_tick_now(&mut ticker).is_pending(), "{behavior:?}");
            }
        });
    }

    fn interval_is_usable_across_tasks() {
        let rt = rt();
        let mut ticker = interval(Duration::from_millis(5));
        let ticker = on_worker(&rt, async move {
            tick(&mut ticker).await;
            tick(&mut ticker).await;
            ticker
        });
        let mut ticker = ticker;
        on_worker(&rt, async move {
            tick(&mut ticker).await;
        });
    }
}

/// `None` if the next tick is pending when polled once by hand.
fn tick_pending(interval: &mut Interval) -> Option<Instant> {
    match poll_tick_now(interval) {
        Poll::Ready(at) => Some(at),
        Poll::Pending => None,
    }
}

#[test]
#[should_panic(expected = "period must be greater than zero")]
fn zero_period_panics() {
    let _ = interval(Duration::ZERO);
}
