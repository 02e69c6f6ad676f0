//! Smoke test of the timer workloads: each runs once, at a small size, on every runtime with 1 and
//! with 2 workers, and must report exactly the sleeps it was asked for, none of them early. No
//! timing is asserted.

mod common;

use std::time::Duration;

use corio_bench::workloads::time::{self, Sleeps};
use corio_bench::NetAdapter;

use common::run;

const SHAPE: Sleeps = Sleeps {
    tasks: 200,
    per_task: 3,
    min: Duration::from_millis(1),
    max: Duration::from_millis(5),
    seed: time::SEED,
};

fn sleep_many<R: NetAdapter>(workers: usize) {
    let lateness = run::<R, _>(workers, |rt| time::sleep_many(rt, SHAPE));
    assert_eq!(lateness.ops, (SHAPE.tasks * SHAPE.per_task) as u64);
    assert_eq!(lateness.early, 0, "a timer fired before its deadline");
    assert_eq!(lateness.histogram.len(), lateness.ops);
}

fn sleep_many_repeat<R: NetAdapter>(workers: usize) {
    let (first, second) = run::<R, _>(workers, |rt| {
        (time::sleep_many(rt, SHAPE), time::sleep_many(rt, SHAPE))
    });
    assert_eq!(first.ops, second.ops);
    assert_eq!(first.early + second.early, 0);
}

fn timer_churn_armed<R: NetAdapter>(workers: usize) {
    const SLEEPS: usize = 2_003;
    const TASKS: usize = 10;
    let armed = run::<R, _>(workers, |rt| {
        time::timer_churn_armed(rt, SLEEPS, TASKS, time::SEED)
    });
    // Every sleep is polled once; all of them stay pending unless a thread was descheduled for
    // longer than the shortest duration, so only the bounds are certain.
    assert!(armed <= SLEEPS);
    assert!(armed > 0, "no sleep was ever pending after its first poll");
}

fn sleep_storm<R: NetAdapter>(workers: usize) {
    const SLEEPS: usize = 2_000;
    let range = (Duration::from_millis(10), Duration::from_millis(40));
    let storm = run::<R, _>(workers, move |rt| {
        time::sleep_storm(rt, SLEEPS, range, time::SEED)
    });
    assert_eq!(storm.completed, SLEEPS);
    assert!(storm.done_before_last_spawn <= SLEEPS);
}

workload_tests! {
    workloads: [sleep_many, sleep_many_repeat, timer_churn_armed, sleep_storm];
    corio: corio_bench::Corio;
    tokio: corio_bench::Tokio;
    smol: corio_bench::Smol;
}

#[test]
fn every_runtime_draws_the_same_durations() {
    use corio_bench::workloads::Rng;
    let draw = |task| {
        let mut rng = Rng::for_task(time::SEED, task);
        (0..5)
            .map(|_| rng.duration(SHAPE.min, SHAPE.max))
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
    for d in draw(3) {
        assert!(SHAPE.min <= d && d <= SHAPE.max);
    }
}
