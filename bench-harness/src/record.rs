//! The result line: one JSON object per run, the same schema from the Rust runtimes (`corio-bench
//! run`) and from `scripts/asyncio_baseline.py`, so `compare` treats every runtime alike.
//!
//! Times are integer nanoseconds, memory integer bytes. A field that does not apply is absent (or
//! `null`), never zero: an asyncio line has no `rustc`, a spawn workload no `latency_ns`.

use std::collections::BTreeMap;
use std::process::Command;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// The version of this schema, in every line's `schema` field.
pub const SCHEMA: u32 = 1;

/// The quantiles of every `latency_curve`: the points of the percentile charts.
pub const CURVE_QUANTILES: [f64; 10] = [
    0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1.0,
];

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It completed; every figure is valid.
    Ok,
    /// The workload does not exist yet on this runtime (`reason` says why); it was not run.
    Unavailable,
    /// It failed or timed out (`reason` says how); its figures are not valid.
    Failed,
}

/// Latency percentiles in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Samples recorded.
    pub count: u64,
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// Largest sample.
    pub max: u64,
}

impl LatencySummary {
    /// The summary of a histogram of nanoseconds.
    pub fn of(h: &Histogram<u64>) -> LatencySummary {
        LatencySummary {
            count: h.len(),
            p50: h.value_at_quantile(0.5),
            p90: h.value_at_quantile(0.9),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }
}

/// The value at each of [`CURVE_QUANTILES`], as `[quantile, nanoseconds]` pairs.
pub fn curve(h: &Histogram<u64>) -> Vec<(f64, u64)> {
    CURVE_QUANTILES
        .iter()
        .map(|&q| {
            (
                q,
                if q >= 1.0 {
                    h.max()
                } else {
                    h.value_at_quantile(q)
                },
            )
        })
        .collect()
}

/// Where and with what a run was made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Env {
    /// CPU model and kernel, e.g. "AMD EPYC 7B13 / Linux 6.1.0".
    pub machine: String,
    /// CPUs available to the process.
    pub cores: usize,
    /// `rustc -V` of the compiler that built the harness (Rust runtimes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustc: Option<String>,
    /// Python version (asyncio lines only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    /// `git rev-parse --short=12 HEAD` of the harness's repository, `-dirty` when the work tree
    /// has uncommitted changes to tracked files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// When the run ended, seconds since the Unix epoch.
    pub unix_time: u64,
}

impl Env {
    /// Detects the machine, the toolchain that built the harness and the repository's commit.
    pub fn detect() -> Env {
        Env {
            machine: machine(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            rustc: Some(env!("CORIO_BENCH_RUSTC").to_owned()),
            python: None,
            commit: commit(),
            unix_time: unix_time(),
        }
    }
}

/// Seconds since the Unix epoch.
pub fn unix_time() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD` (UTC) of a Unix time (Howard Hinnant's `civil_from_days`).
pub fn date(unix_time: u64) -> String {
    let days = (unix_time / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|r| format!("{} {}", std::env::consts::OS, r.trim()))
        .unwrap_or_else(|_| std::env::consts::OS.to_owned());
    format!("{cpu} / {kernel}")
}

fn commit() -> Option<String> {
    if let Ok(commit) = std::env::var(crate::compare::COMMIT_VAR) {
        return Some(commit);
    }
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short=12", "HEAD"])?;
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    Some(if dirty { format!("{head}-dirty") } else { head })
}

/// One run: a workload on a runtime, in one process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// [`SCHEMA`].
    pub schema: u32,
    /// Workload name, as `corio-bench list` prints it.
    pub workload: String,
    /// The workload's family: scheduler, time, io, http.
    pub family: String,
    /// Runtime name: corio, tokio, smol, asyncio, uvloop.
    pub runtime: String,
    /// Worker threads of the runtime (1 for asyncio).
    pub workers: usize,
    /// How the run ended.
    pub status: Status,
    /// Why it was unavailable or how it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The workload's sizes for this run.
    #[serde(default)]
    pub params: BTreeMap<String, u64>,
    /// Timed iterations (after any untimed warm-up iteration).
    #[serde(default)]
    pub iterations: u64,
    /// Operations completed over all timed iterations, counted in `unit`s.
    #[serde(default)]
    pub ops: u64,
    /// What `ops` counts: tasks, yields, sleeps, round trips, bytes, connections.
    #[serde(default)]
    pub unit: String,
    /// Wall time of all timed iterations.
    #[serde(default)]
    pub wall_ns: u64,
    /// User CPU time of the process over the timed iterations.
    #[serde(default)]
    pub cpu_user_ns: u64,
    /// System CPU time of the process over the timed iterations.
    #[serde(default)]
    pub cpu_sys_ns: u64,
    /// The process's peak resident set, setup included (`ru_maxrss`).
    #[serde(default)]
    pub peak_rss_bytes: u64,
    /// Latency percentiles of the operations, where latency is meaningful.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ns: Option<LatencySummary>,
    /// `[quantile, ns]` at each of [`CURVE_QUANTILES`], where latency is meaningful.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_curve: Option<Vec<(f64, u64)>>,
    /// Figures particular to the workload (e.g. `rss_per_task_bytes`, `early_wakes`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, f64>,
    /// System calls of the whole process, counted by `strace -c -f`: set only on the extra run
    /// `compare --syscalls` makes under strace, whose times are not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<u64>,
    /// The machine and toolchain.
    #[serde(flatten)]
    pub env: Env,
}

impl Record {
    /// A record with no figures yet.
    pub fn new(
        workload: &str,
        family: &str,
        runtime: &str,
        workers: usize,
        status: Status,
    ) -> Record {
        Record {
            schema: SCHEMA,
            workload: workload.to_owned(),
            family: family.to_owned(),
            runtime: runtime.to_owned(),
            workers,
            status,
            reason: None,
            params: BTreeMap::new(),
            iterations: 0,
            ops: 0,
            unit: String::new(),
            wall_ns: 0,
            cpu_user_ns: 0,
            cpu_sys_ns: 0,
            peak_rss_bytes: 0,
            latency_ns: None,
            latency_curve: None,
            extra: BTreeMap::new(),
            syscalls: None,
            env: Env::default(),
        }
    }

    /// This record as one line of JSON (no trailing newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a record always serialises")
    }

    /// Parses one line of JSON.
    ///
    /// # Errors
    ///
    /// If the line is not a record of this schema.
    pub fn from_line(line: &str) -> Result<Record, String> {
        let record: Record = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        if record.schema != SCHEMA {
            return Err(format!(
                "schema {} where {SCHEMA} was expected: {line}",
                record.schema
            ));
        }
        Ok(record)
    }
}
