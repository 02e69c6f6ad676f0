//! Timer workloads (issue 3's set), written once for any [`Adapter`]. Every duration is drawn from
//! a seeded [`Rng`], one stream per task, so every runtime sleeps exactly the same sleeps.
//!
//! | workload | one iteration | what it measures |
//! |---|---|---|
//! | [`sleep_many`] at [`Sleeps::HEAVY`] (`sleep_heavy`) | 100,000 tasks, each awaits 5 sleeps of 1–50 ms in a row | timer insert/fire cost under a crowded wheel, wake-up of many tasks, memory per sleeping task; lateness (wake − deadline) |
//! | [`sleep_many`] at [`Sleeps::LIGHT`] (`sleep_light`) | 10,000 tasks, the same sleeps | timer precision at low load: lateness percentiles against CPU spent |
//! | [`timer_churn_armed`] | 1,000,000 sleeps of 1 ms–1 s over 100 tasks, each polled once (so the runtime really registers it) and dropped | timer registration plus cancellation, the path a `timeout` that does not fire takes |
//! | [`sleep_storm`] | 1,000,000 tasks, each awaits one sleep of 10 ms–1 s | a million concurrent timers: wall time and memory per sleeping task |
//!
//! How each is spawned: one spawner task, started from outside, spawns every workload task with the
//! runtime's free `spawn` (the worker-local path), as an application's main task would; the
//! benchmark thread waits for the last task through a [`Countdown`].
//!
//! Lateness is recorded per sleep as `u32` nanoseconds into a slot array allocated before the timed
//! section (4 bytes per sleep, the same on every runtime) and folded into one histogram afterwards.

use std::pin::pin;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::latency::{self, Latencies, EARLY};
use super::poll_once::poll_once;
use super::rng::Rng;
use super::Countdown;
use crate::Adapter;

/// The seed every timer workload uses unless told otherwise.
pub const SEED: u64 = 0x5EED;

/// The shape of a [`sleep_many`] run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sleeps {
    /// Tasks spawned.
    pub tasks: usize,
    /// Sleeps each task awaits, one after the other.
    pub per_task: usize,
    /// Shortest sleep.
    pub min: Duration,
    /// Longest sleep (inclusive).
    pub max: Duration,
    /// Seed of the durations.
    pub seed: u64,
}

impl Sleeps {
    /// `sleep_heavy`: 100,000 tasks × 5 sleeps of 1–50 ms.
    pub const HEAVY: Sleeps = Sleeps {
        tasks: 100_000,
        per_task: 5,
        min: Duration::from_millis(1),
        max: Duration::from_millis(50),
        seed: SEED,
    };
    /// `sleep_light`: 10,000 tasks, the same sleeps.
    pub const LIGHT: Sleeps = Sleeps {
        tasks: 10_000,
        ..Sleeps::HEAVY
    };
}

/// Sleeps registered and dropped by [`timer_churn_armed`].
pub const CHURN_SLEEPS: usize = 1_000_000;
/// Tasks sharing the [`CHURN_SLEEPS`].
pub const CHURN_TASKS: usize = 100;
/// Range of the churned sleeps' durations: far enough that none fires while it is armed.
pub const CHURN_RANGE: (Duration, Duration) = (Duration::from_millis(1), Duration::from_secs(1));

/// Concurrent sleeping tasks in [`sleep_storm`].
pub const STORM_SLEEPS: usize = 1_000_000;
/// Range of [`sleep_storm`]'s sleeps.
pub const STORM_RANGE: (Duration, Duration) =
    (Duration::from_millis(10), Duration::from_millis(1000));

/// Spawns `shape.tasks` tasks; each awaits `shape.per_task` sleeps in a row, each for a random
/// duration in `shape.min..=shape.max` (`sleep_until(now + d)`), and records how late it woke.
///
/// Returns every sleep's lateness (wake − deadline); a wake before the deadline is counted in
/// [`Latencies::early`], never in the histogram.
///
/// # Panics
///
/// If `shape.tasks` or `shape.per_task` is zero.
pub fn sleep_many<R: Adapter>(rt: &R, shape: Sleeps) -> Latencies {
    assert!(
        shape.per_task > 0,
        "sleep_many needs at least one sleep per task"
    );
    let slots: Arc<[AtomicU32]> = (0..shape.tasks * shape.per_task)
        .map(|_| AtomicU32::new(0))
        .collect();
    let (countdown, done) = Countdown::new(shape.tasks);
    let for_spawner = (countdown.clone(), slots.clone());
    drop(rt.spawn(async move {
        let (countdown, slots) = for_spawner;
        for task in 0..shape.tasks {
            let countdown = countdown.clone();
            let slots = slots.clone();
            drop(R::spawn_inside(async move {
                let mut rng = Rng::for_task(shape.seed, task);
                for i in 0..shape.per_task {
                    let deadline = Instant::now() + rng.duration(shape.min, shape.max);
                    R::sleep_until(deadline).await;
                    let woke = Instant::now();
                    let sample = match woke.checked_duration_since(deadline) {
                        Some(late) => latency::nanos_u32(late),
                        None => EARLY,
                    };
                    // Relaxed: published by the countdown's release/acquire, read after it fires.
                    slots[task * shape.per_task + i].store(sample, Relaxed);
                }
                countdown.tick();
            }));
        }
    }));
    rt.block_on(done)
        .expect("sleep_many: tasks were dropped without finishing");
    let samples: Vec<u32> = slots.iter().map(|slot| slot.load(Relaxed)).collect();
    Latencies::from_samples([samples.as_slice()])
}

/// `sleeps` timers spread over `tasks` tasks: each task, in a loop, creates a sleep with a random
/// deadline in [`CHURN_RANGE`] from now, polls it once (so the runtime registers it with the task's
/// waker) and drops it (so the runtime cancels it). Nothing ever fires.
///
/// Returns how many of the sleeps were pending after their poll, i.e. really armed (all of them,
/// unless a thread was descheduled for longer than the shortest duration).
pub fn timer_churn_armed<R: Adapter>(rt: &R, sleeps: usize, tasks: usize, seed: u64) -> usize {
    let (countdown, done) = Countdown::new(tasks);
    let armed = Arc::new(AtomicUsize::new(0));
    let for_spawner = (countdown.clone(), armed.clone());
    drop(rt.spawn(async move {
        let (countdown, armed) = for_spawner;
        for task in 0..tasks {
            let countdown = countdown.clone();
            let armed = armed.clone();
            // The first `sleeps % tasks` tasks take one extra sleep each.
            let mine = sleeps / tasks + usize::from(task < sleeps % tasks);
            drop(R::spawn_inside(async move {
                let mut rng = Rng::for_task(seed, task);
                let mut pending = 0;
                for _ in 0..mine {
                    let deadline = Instant::now() + rng.duration(CHURN_RANGE.0, CHURN_RANGE.1);
                    let sleep = pin!(R::sleep_until(deadline));
                    if poll_once(sleep).await {
                        pending += 1;
                    }
                }
                // Relaxed: published by the countdown's release/acquire, read after it fires.
                armed.fetch_add(pending, Relaxed);
                countdown.tick();
            }));
        }
    }));
    rt.block_on(done)
        .expect("timer_churn_armed: tasks were dropped without finishing");
    armed.load(Relaxed)
}

/// What [`sleep_storm`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Storm {
    /// Sleeping tasks that completed.
    pub completed: usize,
    /// Tasks that had already finished when the spawner spawned the last one: the storm's peak
    /// concurrency is at least `completed - done_before_last_spawn`.
    pub done_before_last_spawn: usize,
}

/// Spawns `sleeps` tasks; each awaits one sleep of a random duration in `range` and exits.
///
/// # Panics
///
/// If `sleeps` is zero.
pub fn sleep_storm<R: Adapter>(
    rt: &R,
    sleeps: usize,
    range: (Duration, Duration),
    seed: u64,
) -> Storm {
    let (countdown, done) = Countdown::new(sleeps);
    let for_spawner = countdown.clone();
    let spawned = rt.spawn(async move {
        for task in 0..sleeps {
            let countdown = for_spawner.clone();
            drop(R::spawn_inside(async move {
                let d = Rng::for_task(seed, task).duration(range.0, range.1);
                R::sleep_until(Instant::now() + d).await;
                countdown.tick();
            }));
        }
        for_spawner.completed()
    });
    rt.block_on(done)
        .expect("sleep_storm: tasks were dropped without finishing");
    let done_before_last_spawn = rt
        .block_on(spawned)
        .expect("sleep_storm: the spawner failed");
    Storm {
        completed: countdown.completed(),
        done_before_last_spawn,
    }
}
