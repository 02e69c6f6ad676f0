//! corio vs tokio (and smol) on tokio's multi-thread scheduler benchmarks.
//!
//! One criterion group per workload in `corio_bench::workloads::scheduler`, with a `corio`, a
//! `tokio` and a `smol` function in each, all on [`WORKERS`] worker threads. Each runtime is built
//! once per group, before its timing loop, and dropped before the next runtime is built, so no two
//! ever compete for the CPUs. Run with `cargo bench -p corio-bench --bench scheduler`; criterion
//! writes the estimates (mean, median, ...) under
//! `target/criterion/<workload>/<runtime>/new/estimates.json`. The same workloads, each run in a
//! process of its own with CPU and memory figures, are `corio-bench compare`.
//!
//! Settings are sized for a small shared machine: every iteration takes milliseconds, so flat
//! sampling with a few seconds per function keeps the whole run to a few minutes.

use std::hint::black_box;
use std::time::Duration;

use corio_bench::workloads::scheduler::{self, Busy};
use corio_bench::{Adapter, Corio, Smol, Tokio};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode};

/// Worker threads on both runtimes.
const WORKERS: usize = 2;

/// Times `workload` on a runtime `R` built for this function alone. `setup` runs once, after the
/// build and before the timing loop; its result lives until the function is done.
fn measure<R: Adapter, S>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    setup: impl FnOnce(&R) -> S,
    workload: impl Fn(&R, &S) -> usize,
) {
    let rt = R::build(WORKERS).unwrap_or_else(|e| panic!("cannot build {}: {e}", R::NAME));
    let state = setup(&rt);
    group.bench_function(R::NAME, |b| b.iter(|| black_box(workload(&rt, &state))));
    drop(state);
    drop(rt);
}

/// A group for one workload, with the settings every group shares.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group
}

fn spawn_many_local(c: &mut Criterion) {
    let mut g = group(c, "spawn_many_local");
    let n = scheduler::NUM_SPAWN;
    measure::<Corio, _>(&mut g, |_| (), |rt, _| scheduler::spawn_many_local(rt, n));
    measure::<Tokio, _>(&mut g, |_| (), |rt, _| scheduler::spawn_many_local(rt, n));
    measure::<Smol, _>(&mut g, |_| (), |rt, _| scheduler::spawn_many_local(rt, n));
    g.finish();
}

fn spawn_many_remote_idle(c: &mut Criterion) {
    let mut g = group(c, "spawn_many_remote_idle");
    let n = scheduler::NUM_SPAWN;
    measure::<Corio, _>(
        &mut g,
        |_| (),
        |rt, _| scheduler::spawn_many_remote_idle(rt, n),
    );
    measure::<Tokio, _>(
        &mut g,
        |_| (),
        |rt, _| scheduler::spawn_many_remote_idle(rt, n),
    );
    measure::<Smol, _>(
        &mut g,
        |_| (),
        |rt, _| scheduler::spawn_many_remote_idle(rt, n),
    );
    g.finish();
}

fn spawn_many_remote_busy1(c: &mut Criterion) {
    let mut g = group(c, "spawn_many_remote_busy1");
    let n = scheduler::NUM_SPAWN;
    let busy_tasks = scheduler::BUSY_TASKS_PER_WORKER * WORKERS;
    measure::<Corio, _>(
        &mut g,
        |rt| Busy::start(rt, busy_tasks),
        |rt, busy| scheduler::spawn_many_remote_busy1(rt, busy, n),
    );
    measure::<Tokio, _>(
        &mut g,
        |rt| Busy::start(rt, busy_tasks),
        |rt, busy| scheduler::spawn_many_remote_busy1(rt, busy, n),
    );
    measure::<Smol, _>(
        &mut g,
        |rt| Busy::start(rt, busy_tasks),
        |rt, busy| scheduler::spawn_many_remote_busy1(rt, busy, n),
    );
    g.finish();
}

fn yield_many(c: &mut Criterion) {
    let mut g = group(c, "yield_many");
    let (tasks, yields) = (scheduler::YIELD_TASKS, scheduler::YIELDS_PER_TASK);
    measure::<Corio, _>(
        &mut g,
        |_| (),
        |rt, _| scheduler::yield_many(rt, tasks, yields),
    );
    measure::<Tokio, _>(
        &mut g,
        |_| (),
        |rt, _| scheduler::yield_many(rt, tasks, yields),
    );
    measure::<Smol, _>(
        &mut g,
        |_| (),
        |rt, _| scheduler::yield_many(rt, tasks, yields),
    );
    g.finish();
}

fn ping_pong(c: &mut Criterion) {
    let mut g = group(c, "ping_pong");
    let n = scheduler::PING_PONGS;
    measure::<Corio, _>(&mut g, |_| (), |rt, _| scheduler::ping_pong(rt, n));
    measure::<Tokio, _>(&mut g, |_| (), |rt, _| scheduler::ping_pong(rt, n));
    measure::<Smol, _>(&mut g, |_| (), |rt, _| scheduler::ping_pong(rt, n));
    g.finish();
}

fn chained_spawn(c: &mut Criterion) {
    let mut g = group(c, "chained_spawn");
    let n = scheduler::CHAIN_DEPTH;
    measure::<Corio, _>(&mut g, |_| (), |rt, _| scheduler::chained_spawn(rt, n));
    measure::<Tokio, _>(&mut g, |_| (), |rt, _| scheduler::chained_spawn(rt, n));
    measure::<Smol, _>(&mut g, |_| (), |rt, _| scheduler::chained_spawn(rt, n));
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = spawn_many_local, spawn_many_remote_idle, spawn_many_remote_busy1, yield_many,
        ping_pong, chained_spawn
}
criterion_main!(benches);
