//! `scripts/asyncio_baseline.py` speaks the harness's language: its sizes are the catalog's, and its
//! result lines parse as [`Record`]s. Skipped (passes with a note) where `python3` is missing.

use std::collections::BTreeMap;
use std::process::Command;

use corio_bench::catalog;
use corio_bench::compare::DEFAULT_ASYNCIO_SCRIPT;
use corio_bench::record::{Record, Status};

fn python(args: &[&str]) -> Option<String> {
    let out = Command::new("python3")
        .arg(DEFAULT_ASYNCIO_SCRIPT)
        .args(args)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "asyncio_baseline.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn sizes_match_the_catalog() {
    let Some(json) = python(&["params"]) else {
        eprintln!("python3 not found; skipped");
        return;
    };
    let params: BTreeMap<String, BTreeMap<String, [u64; 2]>> =
        serde_json::from_str(&json).expect("params is JSON");
    assert!(params.contains_key("sleep_heavy") && params.contains_key("tcp_echo"));
    for (workload, sizes) in params {
        let w = catalog::find(&workload)
            .unwrap_or_else(|| panic!("the script's {workload} is not in the catalog"));
        let catalog: BTreeMap<String, [u64; 2]> = w
            .params
            .iter()
            .map(|p| (p.name.to_owned(), [p.default, p.quick]))
            .collect();
        assert_eq!(sizes, catalog, "sizes of {workload}");
    }
}

#[test]
fn run_lines_are_records() {
    let runs: [(&str, &str); 3] = [
        ("chained_spawn", "depth=20,iterations=2"),
        ("sleep_light", "tasks=20,sleeps=2,max_us=2000"),
        ("tcp_echo", "connections=2,round_trips=5"),
    ];
    for (workload, sizes) in runs {
        let Some(line) = python(&["run", workload, "--size", sizes]) else {
            eprintln!("python3 not found; skipped");
            return;
        };
        let r = Record::from_line(line.trim()).expect("a record");
        assert_eq!(r.status, Status::Ok);
        assert_eq!(
            (r.workload.as_str(), r.runtime.as_str()),
            (workload, "asyncio")
        );
        assert!(r.env.python.is_some());
        assert!(r.ops > 0);
    }
}
