//! The reduction from result lines to tables: medians, ratios, gaps and the JSON schema.

use corio_bench::compare::strace_total;
use corio_bench::record::{date, Env, LatencySummary, Record, Status};
use corio_bench::report::{self, Stats};

fn record(workload: &str, runtime: &str, wall_ms: u64, ops: u64) -> Record {
    let mut r = Record::new(workload, "time", runtime, 2, Status::Ok);
    r.iterations = 1;
    r.ops = ops;
    r.unit = "sleeps".into();
    r.wall_ns = wall_ms * 1_000_000;
    r.cpu_user_ns = wall_ms * 500_000;
    r.peak_rss_bytes = 10 << 20;
    r.latency_ns = Some(LatencySummary {
        count: ops,
        p50: 1_000,
        p90: 2_000,
        p99: 5_000 * wall_ms,
        p999: 9_000,
        max: 10_000 * wall_ms,
    });
    r.latency_curve = Some(vec![(0.5, 1_000), (1.0, 10_000 * wall_ms)]);
    r
}

fn runtimes() -> Vec<String> {
    vec!["corio".into(), "tokio".into(), "smol".into()]
}

#[test]
fn stats_take_the_median_min_and_max() {
    let s = Stats::of(&[3.0, 1.0, 2.0]).unwrap();
    assert_eq!((s.median, s.min, s.max, s.runs), (2.0, 1.0, 3.0, 3));
    let s = Stats::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
    assert_eq!(s.median, 2.5);
    assert!(Stats::of(&[]).is_none());
}

#[test]
fn summary_has_medians_ratios_and_curves() {
    let records = vec![
        record("sleep_heavy", "corio", 100, 1000),
        record("sleep_heavy", "tokio", 200, 1000),
        record("sleep_heavy", "corio", 300, 1000),
        record("sleep_heavy", "tokio", 200, 1000),
        record("sleep_heavy", "corio", 200, 1000),
    ];
    let report = report::summarize(&records, &runtimes(), Env::default(), "test".into());
    let w = &report.workloads[0];
    assert_eq!(w.workload, "sleep_heavy");
    let wall = w.row("wall").unwrap();
    assert_eq!(wall.cells["corio"].median, 200.0);
    assert_eq!(wall.cells["corio"].min, 100.0);
    assert_eq!(wall.cells["corio"].runs, 3);
    assert_eq!(w.ratio("wall", "corio", "tokio"), Some(1.0));
    assert!(w.row("p99").is_some());
    assert_eq!(w.curves["corio"].len(), 2);
    // smol had no runs at all: no cell, and no gap either (it was not asked for).
    assert!(!wall.cells.contains_key("smol"));
}

#[test]
fn gaps_become_notes_and_failed_runs_never_count() {
    let mut failed = record("sleep_heavy", "smol", 1, 1);
    failed.status = Status::Failed;
    failed.reason = Some("timed out after 30 s; killed".into());
    let mut missing = Record::new("tcp_echo", "io", "corio", 2, Status::Unavailable);
    missing.reason = Some("not available yet: no net".into());
    let records = vec![
        record("sleep_heavy", "corio", 100, 1000),
        record("sleep_heavy", "tokio", 100, 1000),
        failed,
        missing,
    ];
    let report = report::summarize(&records, &runtimes(), Env::default(), "test".into());
    let text = report.terminal();
    assert!(text.contains("FAILED [1]"), "{text}");
    assert!(text.contains("[1] sleep_heavy on smol FAILED: timed out"));
    assert!(text.contains("n/a [2]"));
    assert!(text.contains("[2] tcp_echo on corio: not available yet"));
    let md = report.markdown();
    assert!(md.contains("| workload | figure | corio | tokio | smol | corio/tokio |"));
    assert!(md.contains("|---|---|---:|---:|---:|---:|"));
}

#[test]
fn syscall_runs_give_syscalls_per_op_and_no_times() {
    let mut traced = record("tcp_echo", "corio", 10_000, 1000);
    traced.syscalls = Some(4_500);
    let records = vec![record("tcp_echo", "corio", 100, 1000), traced];
    let report = report::summarize(&records, &runtimes(), Env::default(), "test".into());
    let w = &report.workloads[0];
    assert_eq!(w.row("syscalls").unwrap().cells["corio"].median, 4.5);
    assert_eq!(w.row("wall").unwrap().cells["corio"].runs, 1);
}

#[test]
fn numbers_are_short() {
    assert_eq!(report::number(0.0), "0");
    assert_eq!(report::number(0.0123), "0.012");
    assert_eq!(report::number(1.234), "1.23");
    assert_eq!(report::number(12.34), "12.3");
    assert_eq!(report::number(123.4), "123");
    assert_eq!(report::number(12_345.0), "12k");
    assert_eq!(report::number(1_234_567.0), "1.23M");
}

#[test]
fn records_round_trip_through_json() {
    let mut r = record("sleep_heavy", "corio", 100, 1000);
    r.env = Env::detect();
    let line = r.to_line();
    assert!(!line.contains('\n'));
    assert_eq!(Record::from_line(&line).unwrap(), r);
    assert!(Record::from_line("{\"schema\":99}").is_err());
    assert!(Record::from_line("not json").is_err());
}

#[test]
fn strace_summary_total_is_read() {
    let with_errors = "\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 60.00    0.000600           3       200        50 recvfrom
------ ----------- ----------- --------- --------- ----------------
100.00    0.001000           2       450        50 total
";
    assert_eq!(strace_total(with_errors), Some(450));
    let without = "100.00    0.000000           0        29            total\n";
    assert_eq!(strace_total(without), Some(29));
    assert_eq!(strace_total("garbage"), None);
}

#[test]
fn dates_are_utc_days() {
    assert_eq!(date(0), "1970-01-01");
    assert_eq!(date(951_782_400), "2000-02-29");
    assert_eq!(date(1_767_225_599), "2025-12-31");
}
