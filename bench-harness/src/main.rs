//! `corio-bench`: corio vs tokio vs smol (and asyncio), in one command.
//!
//! ```text
//! corio-bench compare [--runtimes corio,tokio,smol] [--workers N] [--runs K] [--quick] [--only W,...]
//!                     [--json FILE] [--svg DIR] [--markdown] [--with-asyncio] [--syscalls]
//! corio-bench run WORKLOAD --runtime R [--workers N] [--quick] [--size NAME=VALUE,...]
//! corio-bench list
//! corio-bench check FILE --only W,... [--runtimes R,...]   # for CI: a --json file is complete
//! ```
//!
//! `compare` re-executes this binary as `run` once per (workload, runtime, run), so every run has a
//! process of its own; `run` prints exactly one JSON line (see `corio_bench::record`) on stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use corio_bench::catalog::{self, Workload};
use corio_bench::compare::{self, Options};
use corio_bench::floor::{tcp_echo_floor, Placement};
use corio_bench::record::{Env, Record, Status};
use corio_bench::{Corio, HttpAdapter, Smol, Tokio};

#[derive(Parser)]
#[command(
    name = "corio-bench",
    version,
    about = "corio vs tokio vs smol, side by side"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every workload on every runtime, each run in its own process, interleaved; medians,
    /// min–max and the corio/tokio ratio of every figure.
    Compare(CompareArgs),
    /// One run of one workload on one runtime, in this process; prints one JSON line.
    Run(RunArgs),
    /// The workloads, their sizes and what each measures.
    List,
    /// tcp_echo with no runtime: a plain epoll loop per thread, both ends of each connection on
    /// one thread — the kernel's floor on this machine, to read the runtimes' figures against.
    Floor(FloorArgs),
    /// Checks a `compare --json` file: every line parses, every workload completed on every
    /// runtime (or says it is not available yet), nothing failed. For CI.
    Check(CheckArgs),
}

#[derive(Args)]
struct FloorArgs {
    /// Threads, each with its share of the connections (tcp_echo's worker count).
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Connections in all (tcp_echo's).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// 64-byte round trips per connection (tcp_echo's).
    #[arg(long, default_value_t = 5_000)]
    round_trips: u64,
    /// Runs; the median is printed with the range.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Put each connection's server end on another thread than its client end.
    #[arg(long)]
    split: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// The JSON lines file.
    file: PathBuf,
    /// Runtimes every workload must have completed on.
    #[arg(long, value_delimiter = ',', default_value = "corio,tokio,smol")]
    runtimes: Vec<String>,
    /// Workloads that must have completed.
    #[arg(long, value_delimiter = ',', required = true)]
    only: Vec<String>,
}

#[derive(Args)]
struct CompareArgs {
    /// Runtimes to compare, in column order (corio, tokio, smol).
    #[arg(long, value_delimiter = ',', default_value = "corio,tokio,smol")]
    runtimes: Vec<String>,
    /// Worker threads of every runtime.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Runs of each (workload, runtime).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Smaller sizes: the whole comparison in under a minute.
    #[arg(long)]
    quick: bool,
    /// Only these workloads (comma-separated names, see `list`).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Also write every run as a JSON line to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write SVG charts into DIR (ratio bars, latency percentile curves).
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,
    /// Also print the results as a README-ready markdown table.
    #[arg(long)]
    markdown: bool,
    /// Add Python asyncio (and uvloop when installed) as runtimes, via
    /// scripts/asyncio_baseline.py, for the workloads it implements.
    #[arg(long)]
    with_asyncio: bool,
    /// The asyncio baseline script.
    #[arg(long, value_name = "FILE", default_value = compare::DEFAULT_ASYNCIO_SCRIPT)]
    asyncio_script: PathBuf,
    /// Count system calls per operation of the I/O workloads with `strace -c -f`, in one extra
    /// untimed run per runtime (skipped when strace is not installed).
    #[arg(long)]
    syscalls: bool,
    /// Seconds one run may take before it is killed and reported as failed (default 300, or 30
    /// with --quick). After a timeout the remaining runs of that workload on that runtime are
    /// skipped.
    #[arg(long)]
    timeout: Option<u64>,
}

#[derive(Args)]
struct RunArgs {
    /// The workload (see `list`).
    workload: String,
    /// corio, tokio or smol.
    #[arg(long)]
    runtime: String,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// The --quick sizes.
    #[arg(long)]
    quick: bool,
    /// Size overrides, NAME=VALUE (see `list` for each workload's names).
    #[arg(long, value_delimiter = ',', value_parser = parse_size)]
    size: Vec<(String, u64)>,
}

fn parse_size(s: &str) -> Result<(String, u64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))?;
    let value = value
        .replace('_', "")
        .parse()
        .map_err(|e| format!("`{value}` in `{s}` is not a whole number: {e}"))?;
    Ok((name.to_owned(), value))
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::List => {
            list();
            ExitCode::SUCCESS
        }
        Command::Run(args) => run(args),
        Command::Floor(args) => floor(args),
        Command::Check(args) => match compare::check(&args.file, &args.runtimes, &args.only) {
            Ok(summary) => {
                println!("corio-bench check: {summary}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("corio-bench check: {e}");
                ExitCode::from(1)
            }
        },
        Command::Compare(args) => {
            let options =
                Options {
                    runtimes: args.runtimes,
                    workers: args.workers,
                    runs: args.runs,
                    quick: args.quick,
                    only: args.only,
                    json: args.json,
                    svg: args.svg,
                    markdown: args.markdown,
                    with_asyncio: args.with_asyncio,
                    asyncio_script: args.asyncio_script,
                    syscalls: args.syscalls,
                    timeout: std::time::Duration::from_secs(
                        args.timeout.unwrap_or(if args.quick { 30 } else { 300 }),
                    ),
                };
            match compare::compare(&options) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("corio-bench compare: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn list() {
    for w in catalog::WORKLOADS {
        println!("{:<24} {:<9} {}", w.name, w.family.name(), w.summary);
        if let Some(why) = w.unavailable {
            println!("{:<24} {:<9} ({why})", "", "");
        }
        for p in w.params {
            println!(
                "{:<24} {:<9}   {}={} (quick {}): {}",
                "", "", p.name, p.default, p.quick, p.doc
            );
        }
    }
    println!();
    println!("runtimes: {}", compare::RUST_RUNTIMES.join(", "));
    println!("figures: wall, throughput, CPU (user+sys), peak RSS; latency p50/p99/p999/max where it applies");
}

fn run(args: RunArgs) -> ExitCode {
    let Some(workload) = catalog::find(&args.workload) else {
        eprintln!(
            "corio-bench run: no workload `{}`; the workloads are: {}",
            args.workload,
            catalog::names()
        );
        return ExitCode::from(2);
    };
    let params = match workload.params(args.quick, &args.size) {
        Ok(params) => params,
        Err(e) => {
            eprintln!("corio-bench run: {e}");
            return ExitCode::from(2);
        }
    };
    let mut record = match args.runtime.as_str() {
        "corio" => run_on::<Corio>(workload, args.workers, &params),
        "tokio" => run_on::<Tokio>(workload, args.workers, &params),
        "smol" => run_on::<Smol>(workload, args.workers, &params),
        other => {
            eprintln!(
                "corio-bench run: no runtime `{other}`; use one of {}",
                compare::RUST_RUNTIMES.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    record.env = Env::detect();
    println!("{}", record.to_line());
    if record.status == Status::Failed {
        eprintln!(
            "corio-bench run: {} on {} failed: {}",
            record.workload,
            record.runtime,
            record.reason.as_deref().unwrap_or("")
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn run_on<R: HttpAdapter>(w: &Workload, workers: usize, params: &catalog::Params) -> Record {
    catalog::run::<R>(w, workers, params)
}

/// `corio-bench floor`: the runs, then the median and range of round trips/s and CPU per trip.
fn floor(args: FloorArgs) -> ExitCode {
    let mut runs = Vec::new();
    for _ in 0..args.runs.max(1) {
        let placement = if args.split {
            Placement::Split
        } else {
            Placement::Together
        };
        match tcp_echo_floor(args.threads, args.connections, args.round_trips, placement) {
            Ok(floor) => runs.push((floor.per_second(), floor.cpu_us_per_round_trip())),
            Err(error) => {
                eprintln!("corio-bench floor: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        (
            values[values.len() / 2],
            values[0],
            values[values.len() - 1],
        )
    };
    let (rate, rate_min, rate_max) = median(runs.iter().map(|run| run.0).collect());
    let (cpu, cpu_min, cpu_max) = median(runs.iter().map(|run| run.1).collect());
    println!(
        "tcp_echo floor, no runtime: {} threads, {} connections x {} round trips, ends {}, {} \
         runs: {:.0} round trips/s ({:.0}-{:.0}), {:.2} us CPU per round trip ({:.2}-{:.2})",
        args.threads,
        args.connections,
        args.round_trips,
        if args.split { "split" } else { "together" },
        runs.len(),
        rate,
        rate_min,
        rate_max,
        cpu,
        cpu_min,
        cpu_max
    );
    ExitCode::SUCCESS
}
