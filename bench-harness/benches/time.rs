//! corio vs tokio vs smol on the timer workloads (`corio_bench::workloads::time`), 2 workers each.
//!
//! One criterion group per workload, a `corio`, `tokio` and `smol` function in each; each runtime is
//! built once per group and dropped before the next is built. Run with
//! `cargo bench -p corio-bench --bench time`.
//!
//! Criterion times iterations, so these sizes are chosen for iterations of a fraction of a second
//! (a full sleep_heavy iteration is ~0.3–0.6 s on 2 cores and runs at its issue size here). Figures
//! criterion cannot give — lateness percentiles, CPU time, peak RSS, RSS per sleeping task — come
//! from `corio-bench compare --only sleep_heavy,sleep_light,timer_churn_armed,sleep_storm`, which
//! runs the same workload functions at the sizes of bench-harness/README.md.

use std::hint::black_box;
use std::time::Duration;

use corio_bench::workloads::time::{self, Sleeps};
use corio_bench::{Adapter, Corio, Smol, Tokio};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};

/// Worker threads on every runtime.
const WORKERS: usize = 2;
/// Sleeps armed and dropped per iteration of timer_churn_armed (the CLI's is 10× this).
const CHURN_SLEEPS: usize = time::CHURN_SLEEPS / 10;
/// Sleeping tasks per iteration of sleep_storm (the CLI's is 10× this, with sleeps up to 1 s).
const STORM_SLEEPS: usize = time::STORM_SLEEPS / 10;
/// sleep_storm's durations here: the 10 ms floor, a 200 ms ceiling.
const STORM_RANGE: (Duration, Duration) = (Duration::from_millis(10), Duration::from_millis(200));

/// Times `workload` on a runtime `R` built for this function alone.
fn measure<R: Adapter>(group: &mut BenchmarkGroup<'_, WallTime>, workload: impl Fn(&R) -> u64) {
    let rt = R::build(WORKERS).unwrap_or_else(|e| panic!("cannot build {}: {e}", R::NAME));
    group.bench_function(R::NAME, |b| b.iter(|| black_box(workload(&rt))));
    drop(rt);
}

/// A group for one workload: flat sampling, `ops` elements per iteration.
fn group<'a>(c: &'a mut Criterion, name: &str, ops: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(Throughput::Elements(ops as u64));
    group
}

fn sleep_many(c: &mut Criterion, name: &str, shape: Sleeps) {
    let mut g = group(c, name, shape.tasks * shape.per_task);
    g.measurement_time(Duration::from_secs(8));
    measure::<Corio>(&mut g, |rt| time::sleep_many(rt, shape).ops);
    measure::<Tokio>(&mut g, |rt| time::sleep_many(rt, shape).ops);
    measure::<Smol>(&mut g, |rt| time::sleep_many(rt, shape).ops);
    g.finish();
}

fn sleep_heavy(c: &mut Criterion) {
    sleep_many(c, "sleep_heavy", Sleeps::HEAVY);
}

fn sleep_light(c: &mut Criterion) {
    sleep_many(c, "sleep_light", Sleeps::LIGHT);
}

fn timer_churn_armed(c: &mut Criterion) {
    let mut g = group(c, "timer_churn_armed", CHURN_SLEEPS);
    measure::<Corio>(&mut g, |rt| {
        time::timer_churn_armed(rt, CHURN_SLEEPS, time::CHURN_TASKS, time::SEED) as u64
    });
    measure::<Tokio>(&mut g, |rt| {
        time::timer_churn_armed(rt, CHURN_SLEEPS, time::CHURN_TASKS, time::SEED) as u64
    });
    measure::<Smol>(&mut g, |rt| {
        time::timer_churn_armed(rt, CHURN_SLEEPS, time::CHURN_TASKS, time::SEED) as u64
    });
    g.finish();
}

fn sleep_storm(c: &mut Criterion) {
    let mut g = group(c, "sleep_storm", STORM_SLEEPS);
    g.measurement_time(Duration::from_secs(8));
    measure::<Corio>(&mut g, |rt| {
        time::sleep_storm(rt, STORM_SLEEPS, STORM_RANGE, time::SEED).completed as u64
    });
    measure::<Tokio>(&mut g, |rt| {
        time::sleep_storm(rt, STORM_SLEEPS, STORM_RANGE, time::SEED).completed as u64
    });
    measure::<Smol>(&mut g, |rt| {
        time::sleep_storm(rt, STORM_SLEEPS, STORM_RANGE, time::SEED).completed as u64
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = sleep_heavy, sleep_light, timer_churn_armed, sleep_storm
}
criterion_main!(benches);
