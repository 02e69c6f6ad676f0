//! `corio-bench compare`: every workload on every runtime, each run a process of its own.
//!
//! The protocol, and why each step is there:
//!
//! 1. **One process per run.** The parent re-executes its own binary as `corio-bench run W
//!    --runtime R` (or `python3 scripts/asyncio_baseline.py run W --loop L`) and reads the one JSON
//!    line it prints. Thread pools, allocator state, page cache of the heap and peak RSS never carry
//!    from one run, or one runtime, to the next.
//! 2. **Interleaved.** For each workload, run k of every runtime comes before run k+1 of any (A B C
//!    A B C …), so a slow drift of the machine (thermal, a noisy neighbour) spreads over all
//!    runtimes instead of landing on one.
//! 3. **A time limit per run.** A run that exceeds `--timeout` is killed and reported as failed; a
//!    hung workload cannot hang the comparison.
//! 4. **Syscalls apart.** `--syscalls` adds one run per (I/O workload, runtime) under `strace -c -f`,
//!    at the quick sizes; only its system-call count per operation is used (strace slows the
//!    process down too much for its times to mean anything). The count covers the whole process,
//!    setup included.
//! 5. **Medians.** [`crate::report`] reduces the K runs to median, min and max per figure.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::catalog::{self, Family, Workload};
use crate::record::{Env, Record, Status};
use crate::report::{self, Report};
use crate::{chart, Corio, Smol, Tokio};

/// The Rust runtimes `run` knows, in their default column order.
pub const RUST_RUNTIMES: &[&str] = &["corio", "tokio", "smol"];

/// Where the asyncio baseline lives in this repository.
pub const DEFAULT_ASYNCIO_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../scripts/asyncio_baseline.py"
);

/// The environment variable through which `compare` hands its commit to the runs it starts (so
/// each run does not ask git again).
pub const COMMIT_VAR: &str = "CORIO_BENCH_COMMIT";

/// What `compare` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// Rust runtimes, in column order.
    pub runtimes: Vec<String>,
    /// Worker threads of every runtime.
    pub workers: usize,
    /// Runs per (workload, runtime).
    pub runs: usize,
    /// The `--quick` sizes.
    pub quick: bool,
    /// Only these workloads (all when empty).
    pub only: Vec<String>,
    /// Write every record here as JSON lines.
    pub json: Option<PathBuf>,
    /// Write SVG charts into this directory.
    pub svg: Option<PathBuf>,
    /// Print a markdown table too.
    pub markdown: bool,
    /// Add asyncio (and uvloop) through the baseline script.
    pub with_asyncio: bool,
    /// The baseline script.
    pub asyncio_script: PathBuf,
    /// Count syscalls of the I/O workloads under strace.
    pub syscalls: bool,
    /// Longest a run may take.
    pub timeout: Duration,
}

/// One column of the comparison: how to start a run of it.
#[derive(Clone, Debug)]
enum Runner {
    /// This binary's `run`.
    Rust(String),
    /// The asyncio script's `run`, on event loop `loop_name`, for the workloads it implements.
    Python {
        loop_name: String,
        workloads: Vec<String>,
    },
}

impl Runner {
    fn name(&self) -> &str {
        match self {
            Runner::Rust(name) => name,
            Runner::Python { loop_name, .. } => loop_name,
        }
    }
}

/// Runs the comparison, prints the table (and markdown), writes JSON and SVG if asked.
///
/// Returns `Ok(true)` when every run that was attempted completed.
///
/// # Errors
///
/// Bad options (an unknown runtime or workload), or an output file that cannot be written.
pub fn compare(o: &Options) -> Result<bool, String> {
    for r in &o.runtimes {
        if !RUST_RUNTIMES.contains(&r.as_str()) {
            return Err(format!(
                "no runtime `{r}`; use any of {} (asyncio comes with --with-asyncio)",
                RUST_RUNTIMES.join(", ")
            ));
        }
    }
    if o.workers == 0 || o.runs == 0 {
        return Err("--workers and --runs must be at least 1".into());
    }
    let workloads = select(&o.only)?;
    let mut env = Env::detect();
    let exe = std::env::current_exe().map_err(|e| format!("cannot find my own binary: {e}"))?;

    let mut runners: Vec<Runner> = o.runtimes.iter().cloned().map(Runner::Rust).collect();
    if o.with_asyncio {
        match python_runners(&o.asyncio_script) {
            Ok((found, python)) => {
                env.python = Some(python);
                runners.extend(found);
            }
            Err(e) => eprintln!("corio-bench compare: without asyncio: {e}"),
        }
    }
    let strace = o.syscalls && which("strace");
    if o.syscalls && !strace {
        eprintln!("corio-bench compare: --syscalls ignored: strace is not installed");
    }

    let mut json = match &o.json {
        Some(path) => {
            Some(BufWriter::new(File::create(path).map_err(|e| {
                format!("cannot create {}: {e}", path.display())
            })?))
        }
        None => None,
    };

    // The plan: (workload, runner, traced) in execution order, runs interleaved.
    let mut records: Vec<Record> = Vec::new();
    let mut plan: Vec<(&Workload, &Runner, bool)> = Vec::new();
    for w in &workloads {
        let mut active = Vec::new();
        for runner in &runners {
            match runner {
                Runner::Rust(name) => match availability(name, w) {
                    Ok(()) => active.push(runner),
                    Err(reason) => {
                        let mut r = Record::new(
                            w.name,
                            w.family.name(),
                            name,
                            o.workers,
                            Status::Unavailable,
                        );
                        r.reason = Some(reason);
                        r.env = env.clone();
                        records.push(r);
                    }
                },
                Runner::Python { workloads, .. } => {
                    if workloads.iter().any(|name| name == w.name) {
                        active.push(runner);
                    }
                }
            }
        }
        for _ in 0..o.runs {
            plan.extend(active.iter().map(|&runner| (*w, runner, false)));
        }
        if strace && w.family == Family::Io {
            plan.extend(active.iter().map(|&runner| (*w, runner, true)));
        }
    }
    for r in &records {
        write_json(&mut json, r)?;
    }

    let bar = ProgressBar::new(plan.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let quiet_bar = bar.is_hidden();
    let started = Instant::now();
    let mut all_ok = true;
    let mut hung: Vec<(&str, &str)> = Vec::new();
    for (w, runner, traced) in plan {
        if hung.contains(&(w.name, runner.name())) {
            bar.inc(1);
            continue;
        }
        let what = format!(
            "{} on {}{}",
            w.name,
            runner.name(),
            if traced { " (strace)" } else { "" }
        );
        bar.set_message(what.clone());
        let mut record = run_one(&exe, o, w, runner, traced, &env);
        if record.env.machine.is_empty() {
            record.env.machine = env.machine.clone();
            record.env.cores = env.cores;
        }
        if record.env.commit.is_none() {
            record.env.commit = env.commit.clone();
        }
        if record.status == Status::Failed {
            all_ok = false;
            if record
                .reason
                .as_deref()
                .is_some_and(|r| r.starts_with("timed out"))
            {
                hung.push((w.name, runner.name()));
            }
            bar.println(format!(
                "FAILED {what}: {}",
                record.reason.as_deref().unwrap_or("")
            ));
        } else if quiet_bar {
            eprintln!(
                "[{:>5.1}s] {what}: {} in {:.1} ms",
                started.elapsed().as_secs_f64(),
                record.status_word(),
                record.wall_ns as f64 / 1e6
            );
        }
        write_json(&mut json, &record)?;
        records.push(record);
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(mut out) = json {
        out.flush().map_err(|e| format!("cannot write JSON: {e}"))?;
    }

    let columns: Vec<String> = runners.iter().map(|r| r.name().to_owned()).collect();
    let setup = format!(
        "{} workers · {} run{} each{} · {} s in all",
        o.workers,
        o.runs,
        if o.runs == 1 { "" } else { "s" },
        if o.quick { " · --quick sizes" } else { "" },
        started.elapsed().as_secs()
    );
    let report = report::summarize(&records, &columns, env, setup);
    println!("{}", report.terminal());
    if o.markdown {
        println!("{}", report.markdown());
    }
    if let Some(dir) = &o.svg {
        write_charts(&report, dir)?;
    }
    Ok(all_ok)
}

fn write_charts(report: &Report, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    let ratio = dir.join("ratio.svg");
    if chart::ratio_chart(report, &ratio)? {
        written.push(ratio);
    }
    for workload in ["sleep_heavy", "tcp_echo", "http_hello"] {
        let path = dir.join(format!("{workload}_latency.svg"));
        if chart::latency_chart(report, workload, &path)? {
            written.push(path);
        }
    }
    for path in written {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn write_json(out: &mut Option<BufWriter<File>>, record: &Record) -> Result<(), String> {
    if let Some(out) = out {
        writeln!(out, "{}", record.to_line()).map_err(|e| format!("cannot write JSON: {e}"))?;
    }
    Ok(())
}

impl Record {
    fn status_word(&self) -> &'static str {
        match self.status {
            Status::Ok => "ok",
            Status::Unavailable => "not available yet",
            Status::Failed => "FAILED",
        }
    }
}

/// The workloads to run: all, or those named (in catalog order).
fn select(only: &[String]) -> Result<Vec<&'static Workload>, String> {
    for name in only {
        if catalog::find(name).is_none() {
            return Err(format!(
                "no workload `{name}`; the workloads are: {}",
                catalog::names()
            ));
        }
    }
    let chosen: Vec<&Workload> = catalog::WORKLOADS
        .iter()
        .filter(|w| only.is_empty() || only.iter().any(|name| name == w.name))
        .collect();
    for w in &chosen {
        if let Some(why) = w.unavailable {
            eprintln!("{}: {why}", w.name);
        }
    }
    Ok(chosen)
}

fn availability(runtime: &str, w: &Workload) -> Result<(), String> {
    match runtime {
        "corio" => catalog::availability::<Corio>(w),
        "tokio" => catalog::availability::<Tokio>(w),
        "smol" => catalog::availability::<Smol>(w),
        other => Err(format!("no runtime {other}")),
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The asyncio columns the script offers: `loops` lists the event loops, `list` the workloads.
fn python_runners(script: &Path) -> Result<(Vec<Runner>, String), String> {
    if !script.is_file() {
        return Err(format!("no script at {}", script.display()));
    }
    let ask = |what: &str| -> Result<Vec<String>, String> {
        let out = Command::new("python3")
            .arg(script)
            .arg(what)
            .output()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{} {what} failed: {}",
                script.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect())
    };
    let loops = ask("loops")?;
    let workloads = ask("list")?;
    let python = ask("version")?.join(" ");
    let runners = loops
        .into_iter()
        .map(|loop_name| Runner::Python {
            loop_name,
            workloads: workloads.clone(),
        })
        .collect();
    Ok((runners, python))
}

/// One run in a child process; whatever happens, a record comes back.
fn run_one(
    exe: &Path,
    o: &Options,
    w: &Workload,
    runner: &Runner,
    traced: bool,
    env: &Env,
) -> Record {
    let mut argv: Vec<String> = Vec::new();
    let trace_file = traced.then(|| {
        std::env::temp_dir().join(format!(
            "corio-bench-strace-{}-{}-{}.txt",
            std::process::id(),
            w.name,
            runner.name()
        ))
    });
    if let Some(file) = &trace_file {
        argv.extend(["strace", "-f", "-c", "-o"].map(String::from));
        argv.push(file.display().to_string());
        argv.push("--".into());
    }
    match runner {
        Runner::Rust(name) => {
            argv.push(exe.display().to_string());
            argv.extend(["run", w.name, "--runtime", name].map(String::from));
            argv.push("--workers".into());
            argv.push(o.workers.to_string());
        }
        Runner::Python { loop_name, .. } => {
            argv.push("python3".into());
            argv.push(o.asyncio_script.display().to_string());
            argv.extend(["run", w.name, "--loop", loop_name].map(String::from));
        }
    }
    // A traced run is slowed down many times by strace and only its count is used: it runs at the
    // quick sizes, where the count per operation is the same.
    if o.quick || traced {
        argv.push("--quick".into());
    }
    let workers = match runner {
        Runner::Rust(_) => o.workers,
        Runner::Python { .. } => 1,
    };
    let failed = |reason: String| {
        let mut r = Record::new(
            w.name,
            w.family.name(),
            runner.name(),
            workers,
            Status::Failed,
        );
        r.reason = Some(reason);
        r.env = env.clone();
        r
    };
    let mut command = Command::new(&argv[0]);
    command.args(&argv[1..]);
    if let Some(commit) = &env.commit {
        command.env(COMMIT_VAR, commit);
    }
    let output = match run_with_timeout(command, o.timeout) {
        Ok(output) => output,
        Err(e) => return failed(e),
    };
    let line = output
        .stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'));
    let mut record = match line.map(Record::from_line) {
        Some(Ok(record)) => record,
        Some(Err(e)) => return failed(format!("unreadable result line: {e}")),
        None => {
            let tail: Vec<&str> = output.stderr.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return failed(format!(
                "{} (no result line; stderr: {})",
                output.status,
                tail.join(" / ")
            ));
        }
    };
    if let Some(file) = trace_file {
        let calls = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| strace_total(&text));
        let _ = std::fs::remove_file(&file);
        match calls {
            Some(calls) => record.syscalls = Some(calls),
            None => return failed("strace wrote no syscall summary".into()),
        }
    }
    record
}

/// The `calls` column of the `total` line of an `strace -c` summary.
pub fn strace_total(summary: &str) -> Option<u64> {
    let total = summary
        .lines()
        .rev()
        .find(|l| l.trim_end().ends_with("total"))?;
    // "% time, seconds, usecs/call, calls, [errors,] total": calls is always the fourth field.
    total.split_whitespace().nth(3)?.parse().ok()
}

struct Output {
    status: String,
    stdout: String,
    stderr: String,
}

/// Runs `command` to completion, or kills it after `timeout`.
fn run_with_timeout(mut command: Command, timeout: Duration) -> Result<Output, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {} s; killed", timeout.as_secs()));
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("cannot wait for the run: {e}")),
        }
    };
    Ok(Output {
        status: status.to_string(),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Checks a `--json` file: every line parses as a [`Record`], and every workload in `workloads`
/// has at least one completed (`ok`) run on every runtime in `runtimes`, none failed. A workload
/// that is not available yet on a runtime must say so with an `unavailable` line instead.
///
/// Returns a one-line summary.
///
/// # Errors
///
/// The first problem found: an unreadable file or line, a failed run, a missing (workload,
/// runtime) pair.
pub fn check(path: &Path, runtimes: &[String], workloads: &[String]) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let record = Record::from_line(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        if record.status == Status::Failed {
            return Err(format!(
                "line {}: {} on {} failed: {}",
                i + 1,
                record.workload,
                record.runtime,
                record.reason.unwrap_or_default()
            ));
        }
        records.push(record);
    }
    let (mut ok, mut unavailable) = (0, 0);
    for w in workloads {
        for rt in runtimes {
            let theirs = records
                .iter()
                .filter(|r| &r.workload == w && &r.runtime == rt);
            let statuses: Vec<Status> = theirs.map(|r| r.status).collect();
            if statuses.contains(&Status::Ok) {
                ok += 1;
            } else if statuses.contains(&Status::Unavailable) {
                unavailable += 1;
            } else {
                return Err(format!("no completed run of {w} on {rt}"));
            }
        }
    }
    Ok(format!(
        "{} lines parse; {ok} (workload, runtime) pairs completed, {unavailable} not available yet",
        records.len()
    ))
}
