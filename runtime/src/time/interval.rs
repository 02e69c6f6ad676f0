//! `Interval`: ticks at a fixed period.

use super::sleep::{far_future, sleep_until, Sleep};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// What an [`Interval`] does when ticks were missed (the task was late to call `tick`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks as fast as possible, then keep the original schedule
    /// (`start + n * period`). The default.
    #[default]
    Burst,
    /// Start a new schedule from now: the next tick is one period after the late one.
    Delay,
    /// Drop the missed ticks and keep the original schedule: the next tick is the first
    /// `start + n * period` after now.
    Skip,
}

/// A ticker that completes first at once, then every `period`.
///
/// # Panics
///
/// Panics if `period` is zero; polling panics if there is no corio runtime.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// corio::run(async {
///     let start = Instant::now();
///     let mut ticker = corio::time::interval(Duration::from_millis(10));
///     for _ in 0..3 {
///         ticker.tick().await; // at 0, 10 and 20 ms
///     }
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// A ticker that completes first at `start`, then every `period`.
///
/// # Panics
///
/// Panics if `period` is zero; polling panics if there is no corio runtime.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(
        period > Duration::ZERO,
        "corio::time::interval: the period must be greater than zero"
    );
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// Returned by [`interval`] and [`interval_at`].
#[derive(Debug)]
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

/// `instant + duration`, or the far future where `Instant` cannot represent it.
fn later(instant: Instant, duration: Duration) -> Instant {
    instant
        .checked_add(duration)
        .unwrap_or_else(|| far_future(instant))
}

/// How late a tick may be before it counts as missed: a late wake-up within this is jitter.
const MISSED_AFTER: Duration = Duration::from_millis(5);

impl Interval {
    /// Waits for the next tick and returns the instant it was scheduled for.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick (for use in hand-written futures).
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if self.delay.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let scheduled = self.delay.deadline();
        let now = Instant::now();
        let next = if now > later(scheduled, MISSED_AFTER) {
            self.next_after_missed(scheduled, now)
        } else {
            later(scheduled, self.period)
        };
        self.delay.as_mut().reset(next);
        Poll::Ready(scheduled)
    }

    fn next_after_missed(&self, scheduled: Instant, now: Instant) -> Instant {
        match self.missed_tick_behavior {
            MissedTickBehavior::Burst => later(scheduled, self.period),
            MissedTickBehavior::Delay => later(now, self.period),
            MissedTickBehavior::Skip => {
                let late = now - scheduled;
                let periods_missed = late.as_nanos() / self.period.as_nanos();
                let ahead = self.period.as_nanos().saturating_mul(periods_missed + 1);
                later(
                    scheduled,
                    Duration::from_nanos(u64::try_from(ahead).unwrap_or(u64::MAX)),
                )
            }
        }
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        let next = later(Instant::now(), self.period);
        self.delay.as_mut().reset(next);
    }

    /// Restarts the schedule: the next tick is now.
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Restarts the schedule: the next tick is at `deadline`.
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// The period between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The current missed-tick behaviour.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what happens to missed ticks.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }
}
