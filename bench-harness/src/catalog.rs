//! The list of workloads the CLI knows: name, family, sizes (full and `--quick`), and how one run
//! of each is made on a runtime. Every entry calls the one definition of its workload in
//! [`crate::workloads`]; nothing here does work of its own inside the timed section.
//!
//! A run ([`run`]) builds the runtime, does the workload's untimed setup, one untimed warm-up
//! iteration where the workload declares one (the scheduler set, whose iterations take
//! milliseconds), then `iterations` timed iterations, each measured by [`timed`]: wall time and the
//! process's CPU time. Peak RSS is read once at the end (it is the process's peak, setup included).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::measure::{current_rss, timed, Span, Usage};
use crate::record::{curve, LatencySummary, Record, Status};
use crate::workloads::http::{self, WrkReport};
use crate::workloads::scheduler::{self, Busy};
use crate::workloads::time::{self as timers, Sleeps};
use crate::workloads::{io, Latencies};
use crate::HttpAdapter;

/// A workload family: one file in `workloads/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Task spawn, wake, yield and join ([`scheduler`]).
    Scheduler,
    /// Timers ([`timers`]).
    Time,
    /// Loopback TCP and UDP ([`io`]).
    Io,
    /// A hyper HTTP/1 server ([`http`]).
    Http,
}

impl Family {
    /// The family's name in result lines.
    pub fn name(self) -> &'static str {
        match self {
            Family::Scheduler => "scheduler",
            Family::Time => "time",
            Family::Io => "io",
            Family::Http => "http",
        }
    }
}

/// One size parameter of a workload.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Name, as given to `--size name=value`.
    pub name: &'static str,
    /// The size of a normal run.
    pub default: u64,
    /// The size of a `--quick` run.
    pub quick: u64,
    /// What it sizes.
    pub doc: &'static str,
}

const fn param(name: &'static str, default: u64, quick: u64, doc: &'static str) -> Param {
    Param {
        name,
        default,
        quick,
        doc,
    }
}

/// A workload as the CLI knows it.
#[derive(Debug)]
pub struct Workload {
    /// Name, as given to `run` and `--only`.
    pub name: &'static str,
    /// Its family.
    pub family: Family,
    /// One line: what one iteration does and what it measures.
    pub summary: &'static str,
    /// What its `ops` count.
    pub unit: &'static str,
    /// Its sizes.
    pub params: &'static [Param],
    /// Untimed iterations before the timed ones.
    pub warmup: u64,
    /// `Some(why)` when the workload cannot run on any runtime yet.
    pub unavailable: Option<&'static str>,
}

const ITERATIONS_DOC: &str = "timed iterations (after one untimed warm-up)";
const SEED_DOC: &str = "seed of the random durations";

/// Every workload, in the order `list` and `compare` show them.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "spawn_many_local",
        family: Family::Scheduler,
        summary: "a task spawns `spawns` empty tasks from a worker; wait for the last",
        unit: "tasks",
        params: &[
            param("spawns", scheduler::NUM_SPAWN as u64, 2_000, "tasks spawned per iteration"),
            param("iterations", 20, 5, ITERATIONS_DOC),
        ],
        warmup: 1,
        unavailable: None,
    },
    Workload {
        name: "spawn_many_remote_idle",
        family: Family::Scheduler,
        summary: "the bench thread spawns `spawns` empty tasks into an idle runtime, awaits every JoinHandle",
        unit: "tasks",
        params: &[
            param("spawns", scheduler::NUM_SPAWN as u64, 2_000, "tasks spawned per iteration"),
            param("iterations", 20, 5, ITERATIONS_DOC),
        ],
        warmup: 1,
        unavailable: None,
    },
    Workload {
        name: "spawn_many_remote_busy1",
        family: Family::Scheduler,
        summary: "spawn_many_remote_idle while 2 busy tasks per worker keep every worker busy",
        unit: "tasks",
        params: &[
            param("spawns", scheduler::NUM_SPAWN as u64, 2_000, "tasks spawned per iteration"),
            param("iterations", 20, 5, ITERATIONS_DOC),
        ],
        warmup: 1,
        unavailable: None,
    },
    Workload {
        name: "yield_many",
        family: Family::Scheduler,
        summary: "`tasks` tasks each call yield_now `yields` times",
        unit: "yields",
        params: &[
            param("tasks", scheduler::YIELD_TASKS as u64, 200, "tasks"),
            param("yields", scheduler::YIELDS_PER_TASK as u64, 200, "yield_now calls per task"),
            param("iterations", 10, 3, ITERATIONS_DOC),
        ],
        warmup: 1,
        unavailable: None,
    },
    Workload {
        name: "ping_pong",
        family: Family::Scheduler,
        summary: "`rounds` task pairs exchange a ping and a pong over oneshot channels",
        unit: "exchanges",
        params: &[
            param("rounds", scheduler::PING_PONGS as u64, 1_000, "exchanges per iteration"),
            param("iterations", 50, 10, ITERATIONS_DOC),
        ],
        warmup: 1,
        unavailable: None,
    },
    Workload {
        name: "chained_spawn",
        family: Family::Scheduler,
        summary: "a chain of `depth` tasks, each spawning the next and exiting",
        unit: "tasks",
        params: &[
            param("depth", scheduler::CHAIN_DEPTH as u64, 1_000, "links in the chain"),
            param("iterations", 50, 10, ITERATIONS_DOC),
        ],
        warmup: 1,
        unavailable: None,
    },
    Workload {
        name: "sleep_heavy",
        family: Family::Time,
        summary: "`tasks` tasks each await `sleeps` random sleeps of min_us..=max_us in a row; lateness = wake - deadline",
        unit: "sleeps",
        params: &[
            param("tasks", Sleeps::HEAVY.tasks as u64, 20_000, "tasks"),
            param("sleeps", Sleeps::HEAVY.per_task as u64, 5, "sleeps per task"),
            param("min_us", 1_000, 1_000, "shortest sleep, µs"),
            param("max_us", 50_000, 50_000, "longest sleep, µs"),
            param("seed", timers::SEED, timers::SEED, SEED_DOC),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "sleep_light",
        family: Family::Time,
        summary: "sleep_heavy with 10,000 tasks: lateness (precision) against CPU spent",
        unit: "sleeps",
        params: &[
            param("tasks", Sleeps::LIGHT.tasks as u64, 2_000, "tasks"),
            param("sleeps", Sleeps::LIGHT.per_task as u64, 5, "sleeps per task"),
            param("min_us", 1_000, 1_000, "shortest sleep, µs"),
            param("max_us", 50_000, 50_000, "longest sleep, µs"),
            param("seed", timers::SEED, timers::SEED, SEED_DOC),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "timer_churn_armed",
        family: Family::Time,
        summary: "`sleeps` sleeps of 1 ms..1 s over `tasks` tasks, each polled once (registered) and dropped (cancelled)",
        unit: "sleeps",
        params: &[
            param("sleeps", timers::CHURN_SLEEPS as u64, 100_000, "sleeps armed and cancelled"),
            param("tasks", timers::CHURN_TASKS as u64, 100, "tasks sharing them"),
            param("seed", timers::SEED, timers::SEED, SEED_DOC),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "sleep_storm",
        family: Family::Time,
        summary: "`sleeps` tasks each await one sleep of min_ms..=max_ms: wall and RSS per sleeping task",
        unit: "sleeps",
        params: &[
            param("sleeps", timers::STORM_SLEEPS as u64, 50_000, "concurrent sleeping tasks"),
            param("min_ms", 10, 10, "shortest sleep, ms"),
            param("max_ms", 1_000, 200, "longest sleep, ms"),
            param("seed", timers::SEED, timers::SEED, SEED_DOC),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "tcp_echo",
        family: Family::Io,
        summary: "`connections` loopback clients each do `round_trips` 64-byte write + echo read; RTT per round trip",
        unit: "round trips",
        params: &[
            param("connections", io::ECHO_CONNECTIONS as u64, 64, "client connections"),
            param("round_trips", io::ECHO_ROUND_TRIPS as u64, 300, "round trips per connection"),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "tcp_stream",
        family: Family::Io,
        summary: "`connections` clients stream `mib` MiB in all to a sink server in 64 KiB writes",
        unit: "bytes",
        params: &[
            param("connections", io::STREAM_CONNECTIONS as u64, 4, "client connections"),
            param("mib", io::STREAM_BYTES >> 20, 64, "MiB sent per iteration, over all connections"),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "tcp_connect",
        family: Family::Io,
        summary: "`clients` tasks each `connects` times: connect, read the server's close, close",
        unit: "connections",
        params: &[
            param("clients", io::CONNECT_CLIENTS as u64, 8, "concurrent client tasks"),
            param("connects", io::CONNECTS_PER_CLIENT as u64, 100, "connections per client task"),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "udp_pingpong",
        family: Family::Io,
        summary: "`pairs` UDP socket pairs each do `round_trips` 64-byte datagram round trips",
        unit: "round trips",
        params: &[
            param("pairs", io::UDP_PAIRS as u64, 8, "client/server socket pairs"),
            param("round_trips", io::UDP_ROUND_TRIPS as u64, 300, "round trips per pair"),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "http_hello",
        family: Family::Http,
        summary: "`connections` hyper clients each send `requests` keep-alive GETs to a hyper server answering \"hello\"; latency per request",
        unit: "requests",
        params: &[
            param("connections", http::HTTP_CONNECTIONS as u64, 64, "client connections"),
            param("requests", http::HTTP_REQUESTS as u64, 200, "sequential requests per connection"),
        ],
        warmup: 0,
        unavailable: None,
    },
    Workload {
        name: "http_hello_wrk",
        family: Family::Http,
        summary: "the http_hello server loaded by wrk (its own process) for `seconds` s over `connections` keep-alive connections; wrk's latency",
        unit: "requests",
        params: &[
            param("connections", http::HTTP_CONNECTIONS as u64, 64, "wrk's connections (-c)"),
            param("threads", http::WRK_THREADS as u64, 2, "wrk's threads (-t)"),
            param("seconds", http::WRK_SECONDS, 2, "wrk's duration (-d)"),
        ],
        warmup: 0,
        unavailable: None,
    },
];

/// The workload called `name`.
pub fn find(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// Every workload name, comma-separated (for error messages).
pub fn names() -> String {
    WORKLOADS
        .iter()
        .map(|w| w.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A workload's sizes for one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params(BTreeMap<String, u64>);

impl Params {
    /// The size called `name`.
    ///
    /// # Panics
    ///
    /// If the workload has no such parameter (a bug in this file).
    pub fn get(&self, name: &str) -> u64 {
        *self
            .0
            .get(name)
            .unwrap_or_else(|| panic!("workload has no parameter {name}"))
    }

    fn usize(&self, name: &str) -> usize {
        usize::try_from(self.get(name)).unwrap_or(usize::MAX)
    }

    /// The sizes as a map, for the result line.
    pub fn to_map(&self) -> BTreeMap<String, u64> {
        self.0.clone()
    }
}

impl Workload {
    /// The sizes of a run: the defaults (or the `--quick` sizes), then each `name=value` override.
    ///
    /// # Errors
    ///
    /// An override that names no parameter of this workload, or a zero where zero makes no sense.
    pub fn params(&self, quick: bool, overrides: &[(String, u64)]) -> Result<Params, String> {
        let mut map: BTreeMap<String, u64> = self
            .params
            .iter()
            .map(|p| (p.name.to_owned(), if quick { p.quick } else { p.default }))
            .collect();
        for (name, value) in overrides {
            match map.get_mut(name) {
                Some(slot) => *slot = *value,
                None => {
                    let known: Vec<_> = self.params.iter().map(|p| p.name).collect();
                    return Err(format!(
                        "{} has no size `{name}`; its sizes are: {}",
                        self.name,
                        known.join(", ")
                    ));
                }
            }
        }
        for (name, value) in &map {
            if *value == 0 && name != "seed" {
                return Err(format!("{}: size `{name}` must be at least 1", self.name));
            }
        }
        Ok(Params(map))
    }
}

/// `Err(reason)` when `w` cannot run on `R` in this build (or, for `http_hello_wrk`, on this
/// machine).
pub fn availability<R: HttpAdapter>(w: &Workload) -> Result<(), String> {
    if let Some(why) = w.unavailable {
        return Err(why.to_owned());
    }
    if matches!(w.family, Family::Io | Family::Http) && !R::NET_AVAILABLE {
        return Err(format!(
            "not available yet: {} has no networking in this build (corio::net is gated behind the \
             corio-net feature)",
            R::NAME
        ));
    }
    if w.name == "http_hello_wrk" && !http::wrk_installed() {
        return Err(
            "not available: wrk is not installed (apt-get install wrk; scripts/bench.sh installs it)"
                .into(),
        );
    }
    Ok(())
}

/// What one iteration reports.
#[derive(Default)]
struct Sample {
    ops: u64,
    latency: Option<Latencies>,
    /// Latency measured outside the process (by wrk), already summarised.
    reported: Option<(LatencySummary, Vec<(f64, u64)>)>,
    extra: BTreeMap<String, f64>,
}

impl Sample {
    fn ops(ops: u64) -> Sample {
        Sample {
            ops,
            ..Sample::default()
        }
    }

    fn latencies(latency: Latencies) -> Sample {
        Sample {
            ops: latency.ops,
            latency: Some(latency),
            ..Sample::default()
        }
    }

    fn wrk(report: WrkReport) -> Sample {
        Sample {
            ops: report.requests,
            reported: Some((report.latency, report.curve)),
            ..Sample::default()
        }
    }
}

/// Every iteration's samples, folded, and the time they took.
struct Outcome {
    iterations: u64,
    span: Span,
    sample: Sample,
}

/// `warmup` untimed iterations, then `iterations` timed ones, each timed on its own.
fn repeat(
    warmup: u64,
    iterations: u64,
    mut iteration: impl FnMut() -> Result<Sample, String>,
) -> Result<Outcome, String> {
    for _ in 0..warmup {
        iteration()?;
    }
    let mut total = Outcome {
        iterations,
        span: Span::default(),
        sample: Sample::default(),
    };
    for _ in 0..iterations {
        let (sample, span) = timed(&mut iteration);
        let sample = sample?;
        total.span += span;
        total.sample.ops += sample.ops;
        match (&mut total.sample.latency, sample.latency) {
            (Some(all), Some(one)) => all.merge(&one),
            (slot @ None, one) => *slot = one,
            (Some(_), None) => {}
        }
        if sample.reported.is_some() {
            total.sample.reported = sample.reported;
        }
        total.sample.extra.extend(sample.extra);
    }
    Ok(total)
}

/// Fails the iteration unless the workload did exactly the work it was asked to.
fn exact(what: &str, done: usize, asked: usize) -> Result<Sample, String> {
    if done == asked {
        Ok(Sample::ops(done as u64))
    } else {
        Err(format!("{what}: {done} of {asked} completed"))
    }
}

fn io_err(e: std::io::Error) -> String {
    format!("I/O error: {e}")
}

/// Runs `w` once on a fresh `R` with `workers` workers and `params`, and reports it. Never
/// panics on a workload error (it becomes a `failed` record); a workload that panics takes the
/// process down, which `compare` reports as a failed run.
pub fn run<R: HttpAdapter>(w: &Workload, workers: usize, params: &Params) -> Record {
    let mut record = Record::new(w.name, w.family.name(), R::NAME, workers, Status::Ok);
    record.params = params.to_map();
    record.unit = w.unit.to_owned();
    if let Err(reason) = availability::<R>(w) {
        record.status = Status::Unavailable;
        record.reason = Some(reason);
        return record;
    }
    let rt = match R::build(workers) {
        Ok(rt) => rt,
        Err(e) => {
            record.status = Status::Failed;
            record.reason = Some(format!("cannot build {}: {e}", R::NAME));
            return record;
        }
    };
    let outcome = run_on(w, &rt, workers, params);
    let peak_rss = Usage::now().peak_rss;
    match outcome {
        Ok(outcome) => fill(&mut record, w, outcome, peak_rss),
        Err(reason) => {
            record.status = Status::Failed;
            record.reason = Some(reason);
        }
    }
    drop(rt);
    record
}

fn fill(record: &mut Record, w: &Workload, outcome: Outcome, peak_rss: u64) {
    let Outcome {
        iterations,
        span,
        mut sample,
    } = outcome;
    record.iterations = iterations;
    record.ops = sample.ops;
    record.wall_ns = nanos(span.wall);
    record.cpu_user_ns = nanos(span.user);
    record.cpu_sys_ns = nanos(span.sys);
    record.peak_rss_bytes = peak_rss;
    if let Some(latency) = &sample.latency {
        record.latency_ns = Some(LatencySummary::of(&latency.histogram));
        record.latency_curve = Some(curve(&latency.histogram));
        if w.family == Family::Time {
            sample
                .extra
                .insert("early_wakes".into(), latency.early as f64);
        }
    }
    if let Some((summary, curve)) = sample.reported.take() {
        record.latency_ns = Some(summary);
        record.latency_curve = Some(curve);
    }
    if let Some(before) = sample.extra.remove("rss_before_bytes") {
        let grown = peak_rss.saturating_sub(before as u64) as f64;
        sample.extra.insert(
            "rss_per_task_bytes".into(),
            grown / sample.ops.max(1) as f64,
        );
    }
    if w.name == "timer_churn_armed" {
        sample.extra.insert(
            "ns_per_sleep".into(),
            span.wall.as_nanos() as f64 / sample.ops.max(1) as f64,
        );
    }
    record.extra = sample.extra;
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn run_on<R: HttpAdapter>(
    w: &Workload,
    rt: &R,
    workers: usize,
    p: &Params,
) -> Result<Outcome, String> {
    let iterations = if w.params.iter().any(|p| p.name == "iterations") {
        p.get("iterations")
    } else {
        1
    };
    let warmup = w.warmup;
    match w.name {
        "spawn_many_local" => {
            let n = p.usize("spawns");
            repeat(warmup, iterations, || {
                exact(w.name, scheduler::spawn_many_local(rt, n), n)
            })
        }
        "spawn_many_remote_idle" => {
            let n = p.usize("spawns");
            repeat(warmup, iterations, || {
                exact(w.name, scheduler::spawn_many_remote_idle(rt, n), n)
            })
        }
        "spawn_many_remote_busy1" => {
            let n = p.usize("spawns");
            let busy = Busy::start(rt, scheduler::BUSY_TASKS_PER_WORKER * workers);
            let outcome = repeat(warmup, iterations, || {
                exact(w.name, scheduler::spawn_many_remote_busy1(rt, &busy, n), n)
            });
            busy.stop(rt);
            outcome
        }
        "yield_many" => {
            let (tasks, yields) = (p.usize("tasks"), p.usize("yields"));
            repeat(warmup, iterations, || {
                exact(
                    w.name,
                    scheduler::yield_many(rt, tasks, yields),
                    tasks * yields,
                )
            })
        }
        "ping_pong" => {
            let n = p.usize("rounds");
            repeat(warmup, iterations, || {
                exact(w.name, scheduler::ping_pong(rt, n), n)
            })
        }
        "chained_spawn" => {
            let n = p.usize("depth");
            repeat(warmup, iterations, || {
                exact(w.name, scheduler::chained_spawn(rt, n), n)
            })
        }
        "sleep_heavy" | "sleep_light" => {
            let shape = Sleeps {
                tasks: p.usize("tasks"),
                per_task: p.usize("sleeps"),
                min: Duration::from_micros(p.get("min_us")),
                max: Duration::from_micros(p.get("max_us")),
                seed: p.get("seed"),
            };
            if shape.min > shape.max {
                return Err(format!("{}: min_us is above max_us", w.name));
            }
            repeat(warmup, iterations, || {
                Ok(Sample::latencies(timers::sleep_many(rt, shape)))
            })
        }
        "timer_churn_armed" => {
            let (sleeps, tasks, seed) = (p.usize("sleeps"), p.usize("tasks"), p.get("seed"));
            repeat(warmup, iterations, || {
                let armed = timers::timer_churn_armed(rt, sleeps, tasks, seed);
                let mut sample = Sample::ops(sleeps as u64);
                sample
                    .extra
                    .insert("not_armed".into(), (sleeps - armed) as f64);
                Ok(sample)
            })
        }
        "sleep_storm" => {
            let sleeps = p.usize("sleeps");
            let range = (
                Duration::from_millis(p.get("min_ms")),
                Duration::from_millis(p.get("max_ms")),
            );
            if range.0 > range.1 {
                return Err("sleep_storm: min_ms is above max_ms".into());
            }
            let seed = p.get("seed");
            let rss_before = current_rss();
            repeat(warmup, iterations, || {
                let storm = timers::sleep_storm(rt, sleeps, range, seed);
                let mut sample = exact(w.name, storm.completed, sleeps)?;
                sample.extra.insert(
                    "done_before_last_spawn".into(),
                    storm.done_before_last_spawn as f64,
                );
                sample
                    .extra
                    .insert("rss_before_bytes".into(), rss_before as f64);
                Ok(sample)
            })
        }
        "tcp_echo" => {
            let (connections, round_trips) = (p.usize("connections"), p.usize("round_trips"));
            let mut clients = io::EchoClients::connect(rt, connections).map_err(io_err)?;
            repeat(warmup, iterations, || {
                io::tcp_echo(rt, &mut clients, round_trips)
                    .map(Sample::latencies)
                    .map_err(io_err)
            })
        }
        "tcp_stream" => {
            let connections = p.usize("connections");
            let bytes = p.get("mib") << 20;
            let server = io::Server::start(rt, io::sink::<R>).map_err(io_err)?;
            repeat(warmup, iterations, || {
                io::tcp_stream(rt, &server, connections, bytes)
                    .map(Sample::ops)
                    .map_err(io_err)
            })
        }
        "tcp_connect" => {
            let (clients, connects) = (p.usize("clients"), p.usize("connects"));
            let server = io::Server::start(rt, io::hang_up::<R>).map_err(io_err)?;
            repeat(warmup, iterations, || {
                io::tcp_connect(rt, &server, clients, connects)
                    .map(Sample::latencies)
                    .map_err(io_err)
            })
        }
        "udp_pingpong" => {
            let (pairs, round_trips) = (p.usize("pairs"), p.usize("round_trips"));
            repeat(warmup, iterations, || {
                io::udp_pingpong(rt, pairs, round_trips)
                    .map(Sample::latencies)
                    .map_err(io_err)
            })
        }
        "http_hello" => {
            let (connections, requests) = (p.usize("connections"), p.usize("requests"));
            let mut clients = http::HttpClients::connect(rt, connections).map_err(io_err)?;
            repeat(warmup, iterations, || {
                http::http_hello(rt, &mut clients, requests)
                    .map(Sample::latencies)
                    .map_err(io_err)
            })
        }
        "http_hello_wrk" => {
            let (connections, threads) = (p.usize("connections"), p.usize("threads"));
            let seconds = p.get("seconds");
            let server = io::Server::start(rt, http::serve::<R>).map_err(io_err)?;
            repeat(warmup, iterations, || {
                http::http_hello_wrk(&server, connections, threads, seconds)
                    .map(Sample::wrk)
                    .map_err(io_err)
            })
        }
        other => Err(format!("{other} has no runner")),
    }
}
