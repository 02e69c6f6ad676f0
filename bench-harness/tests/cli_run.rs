//! The `corio-bench` binary end to end: `list`, `run` (one JSON line, errors named), and a tiny
//! `compare` whose JSON lines, markdown and SVG files are checked. No timing is asserted.

use std::path::PathBuf;
use std::process::{Command, Output};

use corio_bench::catalog;
use corio_bench::record::{Record, Status};
use corio_bench::workloads::http::wrk_installed;
use corio_bench::{Corio, NetAdapter};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corio-bench"))
        .args(args)
        .output()
        .expect("corio-bench starts")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh, empty directory under the target directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn list_names_every_workload_and_size() {
    let out = bench(&["list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for w in catalog::WORKLOADS {
        assert!(text.contains(w.name), "list lacks {}", w.name);
        for p in w.params {
            assert!(text.contains(&format!("{}={}", p.name, p.default)));
        }
    }
}

#[test]
fn run_prints_one_json_line_per_runtime() {
    for runtime in ["corio", "tokio", "smol"] {
        let out = bench(&[
            "run",
            "chained_spawn",
            "--runtime",
            runtime,
            "--workers",
            "1",
            "--size",
            "depth=50,iterations=2",
        ]);
        assert!(out.status.success(), "{runtime}: {out:?}");
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "exactly one line on stdout: {text}");
        let r = Record::from_line(lines[0]).expect("a record");
        assert_eq!(r.status, Status::Ok);
        assert_eq!(r.runtime, runtime);
        assert_eq!(r.workers, 1);
        assert_eq!((r.iterations, r.ops), (2, 100));
        assert_eq!(r.params["depth"], 50);
        assert!(r
            .env
            .rustc
            .as_deref()
            .is_some_and(|v| v.starts_with("rustc")));
        assert!(r.env.cores >= 1);
    }
}

#[test]
fn run_reports_latency_for_timer_workloads() {
    let out = bench(&[
        "run",
        "sleep_light",
        "--runtime",
        "tokio",
        "--size",
        "tasks=50,sleeps=2,max_us=3000",
    ]);
    assert!(out.status.success(), "{out:?}");
    let r = Record::from_line(stdout(&out).trim()).expect("a record");
    assert_eq!(r.ops, 100);
    let latency = r.latency_ns.expect("lateness percentiles");
    assert_eq!(latency.count, 100);
    assert!(latency.p50 <= latency.p99 && latency.p99 <= latency.max);
    assert_eq!(r.latency_curve.expect("a curve").len(), 10);
    assert_eq!(r.extra["early_wakes"], 0.0);
}

#[test]
fn http_hello_runs_on_every_runtime() {
    for runtime in ["corio", "tokio", "smol"] {
        let out = bench(&[
            "run",
            "http_hello",
            "--runtime",
            runtime,
            "--size",
            "connections=4,requests=25",
        ]);
        assert!(out.status.success(), "{runtime}: {out:?}");
        let r = Record::from_line(stdout(&out).trim()).expect("a record");
        assert_eq!(r.status, Status::Ok, "{runtime}: {:?}", r.reason);
        assert_eq!((r.family.as_str(), r.ops), ("http", 100));
        assert_eq!(r.latency_ns.expect("request latency").count, 100);
    }
}

#[test]
fn http_hello_wrk_runs_or_says_wrk_is_missing() {
    let out = bench(&[
        "run",
        "http_hello_wrk",
        "--runtime",
        "corio",
        "--size",
        "connections=4,threads=1,seconds=1",
    ]);
    assert!(out.status.success(), "{out:?}");
    let r = Record::from_line(stdout(&out).trim()).expect("a record");
    if wrk_installed() {
        assert_eq!(r.status, Status::Ok, "{:?}", r.reason);
        assert!(r.ops > 0);
        let latency = r.latency_ns.expect("wrk's latency");
        assert!(latency.p50 <= latency.p99 && latency.p99 <= latency.max);
        assert_eq!(r.latency_curve.expect("wrk's curve").len(), 10);
    } else {
        assert_eq!(r.status, Status::Unavailable);
        assert!(r.reason.expect("a reason").contains("wrk is not installed"));
    }
}

#[test]
fn run_names_bad_arguments() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["run", "no_such", "--runtime", "corio"],
            "no workload `no_such`",
        ),
        (
            &["run", "yield_many", "--runtime", "nope"],
            "no runtime `nope`",
        ),
        (
            &[
                "run",
                "yield_many",
                "--runtime",
                "corio",
                "--size",
                "bogus=1",
            ],
            "has no size `bogus`",
        ),
    ];
    for (args, message) in cases {
        let out = bench(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn compare_writes_json_markdown_and_charts() {
    let dir = scratch("compare_writes_json_markdown_and_charts");
    let json = dir.join("runs.jsonl");
    let svg = dir.join("svg");
    let out = bench(&[
        "compare",
        "--quick",
        "--runs",
        "2",
        "--only",
        "chained_spawn,sleep_light,tcp_echo,http_hello",
        "--json",
        json.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
        "--markdown",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<Record> = std::fs::read_to_string(&json)
        .expect("JSON written")
        .lines()
        .map(|l| Record::from_line(l).expect("every line parses"))
        .collect();
    for workload in ["chained_spawn", "sleep_light", "tcp_echo", "http_hello"] {
        for runtime in ["corio", "tokio", "smol"] {
            let io = workload == "tcp_echo" || workload == "http_hello";
            if io && runtime == "corio" && !Corio::NET_AVAILABLE {
                assert!(records.iter().any(|r| r.workload == workload
                    && r.runtime == runtime
                    && r.status == Status::Unavailable));
                continue;
            }
            let ok = records
                .iter()
                .filter(|r| r.workload == workload && r.runtime == runtime)
                .filter(|r| r.status == Status::Ok)
                .count();
            assert_eq!(ok, 2, "{workload} on {runtime}");
        }
    }
    let check = bench(&[
        "check",
        json.to_str().unwrap(),
        "--only",
        "chained_spawn,sleep_light,tcp_echo,http_hello",
    ]);
    assert!(check.status.success(), "{check:?}");
    // A workload that was not run is missing, and check says so.
    let check = bench(&["check", json.to_str().unwrap(), "--only", "yield_many"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("no completed run of yield_many"));
    let text = stdout(&out);
    assert!(text.contains("| workload | figure | corio | tokio | smol | corio/tokio |"));
    assert!(text.contains("lateness p99 µs"));
    for chart in [
        "ratio.svg",
        "tcp_echo_latency.svg",
        "http_hello_latency.svg",
    ] {
        let body = std::fs::read_to_string(svg.join(chart)).expect("chart written");
        assert!(body.starts_with("<svg"), "{chart} is an SVG");
    }
}

#[test]
fn compare_rejects_unknown_names() {
    let out = bench(&["compare", "--only", "no_such"]);
    assert_eq!(out.status.code(), Some(2));
    let out = bench(&["compare", "--runtimes", "corio,nope"]);
    assert_eq!(out.status.code(), Some(2));
}
