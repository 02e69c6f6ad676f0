//! From result lines to what people read: per (workload, runtime) the median, min and max of every
//! figure over the runs, the corio/tokio ratio of the medians, and two renderings of the same table
//! (terminal and markdown).
//!
//! Which figures a workload has follows from its records: every run has wall time, throughput, CPU
//! time and peak RSS; latency percentiles appear where the record carries a histogram summary
//! (lateness for the timer set, RTT for I/O); a few workload-specific extras (RSS per sleeping task,
//! ns per armed timer, early wakes) and `syscalls/op` from `--syscalls` runs follow. Each figure
//! says which way is better; the ratio is always corio's median over tokio's, so below 1.0 is
//! better for a "lower is better" figure and worse for throughput.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::record::{date, Env, Record, Status};

/// Which way a figure improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (times, memory, latency).
    Lower,
    /// Larger is better (throughput).
    Higher,
}

impl Better {
    fn arrow(self) -> &'static str {
        match self {
            Better::Lower => "↓",
            Better::Higher => "↑",
        }
    }
}

/// One figure of a workload: a key (stable, for code), a label (for people) and a direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// Stable key: `wall`, `throughput`, `cpu`, `rss`, `p50`, `p99`, `max`, or an extra's name.
    pub key: String,
    /// Label with its unit, e.g. `round trips/s`.
    pub label: String,
    /// Which way is better.
    pub better: Better,
}

fn figure(key: &str, label: impl Into<String>, better: Better) -> Figure {
    Figure {
        key: key.to_owned(),
        label: label.into(),
        better,
    }
}

/// The figures of one completed (not `--syscalls`) run, in display order.
pub fn figures(r: &Record) -> Vec<(Figure, f64)> {
    let per_iter = r.iterations > 1;
    let iterations = r.iterations.max(1) as f64;
    let wall_s = r.wall_ns as f64 / 1e9;
    let mut out = vec![(
        figure(
            "wall",
            if per_iter { "wall ms/iter" } else { "wall ms" },
            Better::Lower,
        ),
        r.wall_ns as f64 / iterations / 1e6,
    )];
    if wall_s > 0.0 {
        let (label, ops) = if r.unit == "bytes" {
            ("MiB/s".to_owned(), r.ops as f64 / (1u64 << 20) as f64)
        } else {
            (format!("{}/s", r.unit), r.ops as f64)
        };
        out.push((figure("throughput", label, Better::Higher), ops / wall_s));
    }
    out.push((
        figure(
            "cpu",
            if per_iter { "CPU ms/iter" } else { "CPU ms" },
            Better::Lower,
        ),
        (r.cpu_user_ns + r.cpu_sys_ns) as f64 / iterations / 1e6,
    ));
    out.push((
        figure("rss", "peak RSS MiB", Better::Lower),
        r.peak_rss_bytes as f64 / (1u64 << 20) as f64,
    ));
    if let Some(lat) = &r.latency_ns {
        let what = match r.family.as_str() {
            "time" => "lateness",
            _ if r.workload == "tcp_connect" => "connect",
            _ => "RTT",
        };
        for (key, value) in [("p50", lat.p50), ("p99", lat.p99), ("max", lat.max)] {
            out.push((
                figure(key, format!("{what} {key} µs"), Better::Lower),
                value as f64 / 1e3,
            ));
        }
    }
    for (key, label) in [
        ("rss_per_task_bytes", "RSS/task B"),
        ("ns_per_sleep", "ns/sleep"),
        ("early_wakes", "early wakes"),
    ] {
        if let Some(&value) = r.extra.get(key) {
            out.push((figure(key, label, Better::Lower), value));
        }
    }
    out
}

/// Median, min and max of one figure over the runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many runs.
    pub runs: usize,
}

impl Stats {
    /// Stats of `values`, or `None` if there are none.
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Stats {
            median,
            min: v[0],
            max: v[n - 1],
            runs: n,
        })
    }
}

/// What a runtime's column says for a workload when it has no numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The workload does not exist on this runtime yet.
    Unavailable(String),
    /// At least one run failed (the reason of the first).
    Failed(String),
}

/// One figure of a workload, every runtime's stats.
#[derive(Clone, Debug)]
pub struct Row {
    /// The figure.
    pub figure: Figure,
    /// Stats per runtime name.
    pub cells: BTreeMap<String, Stats>,
}

/// Everything about one workload.
#[derive(Clone, Debug)]
pub struct WorkloadSummary {
    /// Workload name.
    pub workload: String,
    /// Its family.
    pub family: String,
    /// Its figures, in display order.
    pub rows: Vec<Row>,
    /// Runtimes that have no numbers, and why.
    pub gaps: BTreeMap<String, Gap>,
    /// Per runtime, the latency curve (`[quantile, µs]`), point by point the median over runs.
    pub curves: BTreeMap<String, Vec<(f64, f64)>>,
}

impl WorkloadSummary {
    /// The row of figure `key`.
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|row| row.figure.key == key)
    }

    /// `a`'s median over `b`'s for figure `key`.
    pub fn ratio(&self, key: &str, a: &str, b: &str) -> Option<f64> {
        let row = self.row(key)?;
        let (a, b) = (row.cells.get(a)?, row.cells.get(b)?);
        (b.median != 0.0).then(|| a.median / b.median)
    }
}

/// The whole comparison.
#[derive(Clone, Debug)]
pub struct Report {
    /// Runtimes, in column order.
    pub runtimes: Vec<String>,
    /// Workloads, in run order.
    pub workloads: Vec<WorkloadSummary>,
    /// Where it ran.
    pub env: Env,
    /// One line saying how it was run (workers, runs, sizes).
    pub setup: String,
}

/// Summarises `records` (any order) into a report with `runtimes` as its columns; workloads keep
/// the order of their first record.
pub fn summarize(records: &[Record], runtimes: &[String], env: Env, setup: String) -> Report {
    let mut order: Vec<&str> = Vec::new();
    for r in records {
        if !order.contains(&r.workload.as_str()) {
            order.push(&r.workload);
        }
    }
    // Catalog order first (a stable sort keeps first-seen order among unknown workloads).
    let rank = |name: &str| {
        crate::catalog::WORKLOADS
            .iter()
            .position(|w| w.name == name)
            .unwrap_or(usize::MAX)
    };
    order.sort_by_key(|name| rank(name));
    let workloads = order
        .into_iter()
        .map(|name| summarize_workload(name, records, runtimes))
        .collect();
    Report {
        runtimes: runtimes.to_vec(),
        workloads,
        env,
        setup,
    }
}

fn summarize_workload(name: &str, records: &[Record], runtimes: &[String]) -> WorkloadSummary {
    let mine: Vec<&Record> = records.iter().filter(|r| r.workload == name).collect();
    let family = mine.first().map(|r| r.family.clone()).unwrap_or_default();
    let mut rows: Vec<Row> = Vec::new();
    let mut gaps = BTreeMap::new();
    let mut curves = BTreeMap::new();
    for runtime in runtimes {
        let theirs: Vec<&Record> = mine
            .iter()
            .copied()
            .filter(|r| &r.runtime == runtime)
            .collect();
        if let Some(r) = theirs.iter().find(|r| r.status == Status::Unavailable) {
            gaps.insert(
                runtime.clone(),
                Gap::Unavailable(r.reason.clone().unwrap_or_default()),
            );
            continue;
        }
        if let Some(r) = theirs.iter().find(|r| r.status == Status::Failed) {
            gaps.insert(
                runtime.clone(),
                Gap::Failed(r.reason.clone().unwrap_or_default()),
            );
            continue;
        }
        let timed: Vec<&Record> = theirs
            .iter()
            .copied()
            .filter(|r| r.syscalls.is_none())
            .collect();
        let mut values: Vec<(Figure, Vec<f64>)> = Vec::new();
        for r in &timed {
            for (fig, value) in figures(r) {
                match values.iter_mut().find(|(f, _)| f.key == fig.key) {
                    Some((_, v)) => v.push(value),
                    None => values.push((fig, vec![value])),
                }
            }
        }
        // Per operation; per MiB where the operations are bytes.
        let per_mib = theirs.iter().any(|r| r.unit == "bytes");
        let traced: Vec<f64> = theirs
            .iter()
            .filter_map(|r| {
                let ops = if per_mib {
                    r.ops as f64 / (1u64 << 20) as f64
                } else {
                    r.ops as f64
                };
                Some(r.syscalls? as f64 / ops.max(1e-9))
            })
            .collect();
        if !traced.is_empty() {
            let label = if per_mib {
                "syscalls/MiB"
            } else {
                "syscalls/op"
            };
            values.push((figure("syscalls", label, Better::Lower), traced));
        }
        for (fig, v) in values {
            let Some(stats) = Stats::of(&v) else { continue };
            match rows.iter_mut().find(|row| row.figure.key == fig.key) {
                Some(row) => {
                    row.cells.insert(runtime.clone(), stats);
                }
                None => rows.push(Row {
                    figure: fig,
                    cells: BTreeMap::from([(runtime.clone(), stats)]),
                }),
            }
        }
        if let Some(curve) = median_curve(&timed) {
            curves.insert(runtime.clone(), curve);
        }
    }
    // Display order: the order `figures` produces, whichever runtime came first.
    let rank = |key: &str| {
        [
            "wall",
            "throughput",
            "cpu",
            "rss",
            "p50",
            "p99",
            "max",
            "rss_per_task_bytes",
            "ns_per_sleep",
            "early_wakes",
            "syscalls",
        ]
        .iter()
        .position(|k| *k == key)
        .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(|row| rank(&row.figure.key));
    WorkloadSummary {
        workload: name.to_owned(),
        family,
        rows,
        gaps,
        curves,
    }
}

/// Point by point, the median over runs of the latency curves, in µs.
fn median_curve(records: &[&Record]) -> Option<Vec<(f64, f64)>> {
    let curves: Vec<&Vec<(f64, u64)>> = records
        .iter()
        .filter_map(|r| r.latency_curve.as_ref())
        .collect();
    let first = curves.first()?;
    Some(
        first
            .iter()
            .enumerate()
            .map(|(i, &(q, _))| {
                let at: Vec<f64> = curves
                    .iter()
                    .filter_map(|c| c.get(i).map(|&(_, ns)| ns as f64 / 1e3))
                    .collect();
                (q, Stats::of(&at).map_or(0.0, |s| s.median))
            })
            .collect(),
    )
}

/// A number for a table: three or four significant figures, k/M suffixes for large ones.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e7 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn cell(stats: &Stats) -> String {
    if stats.runs > 1 && stats.min != stats.max {
        format!(
            "{} ({}–{})",
            number(stats.median),
            number(stats.min),
            number(stats.max)
        )
    } else {
        number(stats.median)
    }
}

impl Report {
    /// The baseline the ratio column divides by: tokio when it is a column.
    fn ratio_pair(&self) -> Option<(&str, &str)> {
        let has = |name: &str| self.runtimes.iter().any(|r| r == name);
        (has("corio") && has("tokio")).then_some(("corio", "tokio"))
    }

    /// The header: date, machine, cores, toolchain, commit, and how the comparison was run.
    pub fn header(&self) -> String {
        let e = &self.env;
        format!(
            "{} · {} · {} cores · {} · commit {} · {}",
            date(e.unix_time),
            e.machine,
            e.cores,
            e.rustc.as_deref().unwrap_or("rustc unknown"),
            e.commit.as_deref().unwrap_or("unknown"),
            self.setup
        )
    }

    fn table(&self) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
        let ratio = self.ratio_pair();
        let mut head = vec!["workload".to_owned(), "figure".to_owned()];
        head.extend(self.runtimes.iter().cloned());
        if let Some((a, b)) = ratio {
            head.push(format!("{a}/{b}"));
        }
        let mut rows = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for w in &self.workloads {
            let mut note_mark = BTreeMap::new();
            // One note for a reason every column shares (e.g. a workload not available anywhere).
            let shared =
                w.gaps.len() > 1 && w.gaps.values().all(|g| Some(g) == w.gaps.values().next());
            for (runtime, gap) in &w.gaps {
                let on = if shared {
                    String::new()
                } else {
                    format!(" on {runtime}")
                };
                let text = match gap {
                    Gap::Unavailable(why) => format!("{}{on}: {why}", w.workload),
                    Gap::Failed(why) => format!("{}{on} FAILED: {why}", w.workload),
                };
                if !(shared && notes.last() == Some(&text)) {
                    notes.push(text);
                }
                note_mark.insert(runtime.clone(), notes.len());
            }
            let gap_cell = |runtime: &str| match (w.gaps.get(runtime), note_mark.get(runtime)) {
                (Some(Gap::Unavailable(_)), Some(n)) => format!("n/a [{n}]"),
                (Some(Gap::Failed(_)), Some(n)) => format!("FAILED [{n}]"),
                _ => "—".to_owned(),
            };
            if w.rows.is_empty() {
                let mut row = vec![w.workload.clone(), String::new()];
                row.extend(self.runtimes.iter().map(|r| gap_cell(r)));
                if ratio.is_some() {
                    row.push("—".into());
                }
                rows.push(row);
                continue;
            }
            for (i, r) in w.rows.iter().enumerate() {
                let mut row = vec![
                    if i == 0 {
                        w.workload.clone()
                    } else {
                        String::new()
                    },
                    format!("{} {}", r.figure.label, r.figure.better.arrow()),
                ];
                for runtime in &self.runtimes {
                    row.push(match r.cells.get(runtime) {
                        Some(stats) => cell(stats),
                        None => gap_cell(runtime),
                    });
                }
                if let Some((a, b)) = ratio {
                    row.push(
                        w.ratio(&r.figure.key, a, b)
                            .map_or("—".to_owned(), |x| format!("{x:.2}")),
                    );
                }
                rows.push(row);
            }
        }
        (head, rows, notes)
    }

    /// The terminal table.
    pub fn terminal(&self) -> String {
        let (head, rows, notes) = self.table();
        let width = |col: usize| {
            rows.iter()
                .chain(std::iter::once(&head))
                .map(|row| row[col].chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..head.len()).map(width).collect();
        let line = |row: &[String]| {
            let mut s = String::new();
            for (i, text) in row.iter().enumerate() {
                let pad = widths[i] - text.chars().count();
                if i < 2 {
                    s.push_str(text);
                    s.push_str(&" ".repeat(pad));
                } else {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(text);
                }
                s.push_str("  ");
            }
            s.trim_end().to_owned()
        };
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.header());
        let _ = writeln!(
            out,
            "median (min–max) over the runs; ↓ lower is better, ↑ higher is better; ratio = corio median / tokio median\n"
        );
        let _ = writeln!(out, "{}", line(&head));
        let mut last = "";
        for row in &rows {
            if !row[0].is_empty() && !last.is_empty() {
                out.push('\n');
            }
            if !row[0].is_empty() {
                last = "x";
            }
            let _ = writeln!(out, "{}", line(row));
        }
        if !notes.is_empty() {
            out.push('\n');
            for (i, note) in notes.iter().enumerate() {
                let _ = writeln!(out, "[{}] {note}", i + 1);
            }
        }
        out
    }

    /// The same table in markdown, with its header as a paragraph above it.
    pub fn markdown(&self) -> String {
        let (head, rows, notes) = self.table();
        let mut out = String::new();
        let _ = writeln!(out, "{}\n", self.header());
        let _ = writeln!(
            out,
            "Median (min–max) over the runs; ↓ lower is better, ↑ higher is better; the last column is corio's median over tokio's.\n"
        );
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let align: Vec<&str> = (0..head.len())
            .map(|i| if i < 2 { "---" } else { "---:" })
            .collect();
        let _ = writeln!(out, "|{}|", align.join("|"));
        for row in &rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        if !notes.is_empty() {
            out.push('\n');
            for (i, note) in notes.iter().enumerate() {
                let _ = writeln!(out, "[{}] {note}  ", i + 1);
            }
        }
        out
    }
}
