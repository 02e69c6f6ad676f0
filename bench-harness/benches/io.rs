//! corio vs tokio vs smol on the I/O workloads (`corio_bench::workloads::io`) and `http_hello`
//! (`corio_bench::workloads::http`), 2 workers each, the same client and server code on every
//! runtime.
//!
//! One criterion group per workload; each runtime is built once per group, with the workload's
//! setup (listening server, connected echo or HTTP clients) done once before its timing loop, and dropped
//! before the next runtime is built. Run with `cargo bench -p corio-bench --bench io`. A runtime
//! without networking in this build (corio without the `corio-net` feature) is left out of the
//! groups.
//!
//! Iterations are smaller than the CLI's (criterion repeats them); RTT percentiles, CPU per round
//! trip and syscalls per operation come from `corio-bench compare --only tcp_echo,... --syscalls`.

use std::hint::black_box;
use std::time::Duration;

use corio_bench::workloads::http::{self, HttpClients};
use corio_bench::workloads::io::{self, EchoClients, Server};
use corio_bench::{Corio, HttpAdapter, Smol, Tokio};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};

/// Worker threads on every runtime.
const WORKERS: usize = 2;
/// Round trips per connection and iteration of tcp_echo (64 connections).
const ECHO_ROUND_TRIPS: usize = 100;
/// Bytes per iteration of tcp_stream (4 connections).
const STREAM_BYTES: u64 = 64 << 20;
/// Connections per client task and iteration of tcp_connect (8 client tasks).
const CONNECTS_PER_CLIENT: usize = 100;
/// Round trips per pair and iteration of udp_pingpong (8 pairs).
const UDP_ROUND_TRIPS: usize = 200;
/// Requests per connection and iteration of http_hello (64 connections).
const HTTP_REQUESTS: usize = 50;

/// Times `workload` on a runtime `R` built for this function alone, after `setup` (untimed).
fn measure<R: HttpAdapter, S>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    setup: impl FnOnce(&R) -> S,
    workload: impl Fn(&R, &mut S) -> u64,
) {
    if !R::NET_AVAILABLE {
        eprintln!("{}: no networking in this build; left out", R::NAME);
        return;
    }
    let rt = R::build(WORKERS).unwrap_or_else(|e| panic!("cannot build {}: {e}", R::NAME));
    let mut state = setup(&rt);
    group.bench_function(R::NAME, |b| b.iter(|| black_box(workload(&rt, &mut state))));
    drop(state);
    drop(rt);
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    throughput: Throughput,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(throughput);
    group
}

fn tcp_echo_on<R: HttpAdapter>(g: &mut BenchmarkGroup<'_, WallTime>) {
    measure::<R, _>(
        g,
        |rt| EchoClients::connect(rt, io::ECHO_CONNECTIONS).expect("echo clients connect"),
        |rt, clients| {
            io::tcp_echo(rt, clients, ECHO_ROUND_TRIPS)
                .expect("tcp_echo")
                .ops
        },
    );
}

fn tcp_echo(c: &mut Criterion) {
    let ops = (io::ECHO_CONNECTIONS * ECHO_ROUND_TRIPS) as u64;
    let mut g = group(c, "tcp_echo", Throughput::Elements(ops));
    tcp_echo_on::<Corio>(&mut g);
    tcp_echo_on::<Tokio>(&mut g);
    tcp_echo_on::<Smol>(&mut g);
    g.finish();
}

fn tcp_stream_on<R: HttpAdapter>(g: &mut BenchmarkGroup<'_, WallTime>) {
    measure::<R, _>(
        g,
        |rt| Server::start(rt, io::sink::<R>).expect("server starts"),
        |rt, server| {
            io::tcp_stream(rt, server, io::STREAM_CONNECTIONS, STREAM_BYTES).expect("tcp_stream")
        },
    );
}

fn tcp_stream(c: &mut Criterion) {
    let mut g = group(c, "tcp_stream", Throughput::Bytes(STREAM_BYTES));
    tcp_stream_on::<Corio>(&mut g);
    tcp_stream_on::<Tokio>(&mut g);
    tcp_stream_on::<Smol>(&mut g);
    g.finish();
}

fn tcp_connect_on<R: HttpAdapter>(g: &mut BenchmarkGroup<'_, WallTime>) {
    measure::<R, _>(
        g,
        |rt| Server::start(rt, io::hang_up::<R>).expect("server starts"),
        |rt, server| {
            io::tcp_connect(rt, server, io::CONNECT_CLIENTS, CONNECTS_PER_CLIENT)
                .expect("tcp_connect")
                .ops
        },
    );
}

fn tcp_connect(c: &mut Criterion) {
    let ops = (io::CONNECT_CLIENTS * CONNECTS_PER_CLIENT) as u64;
    let mut g = group(c, "tcp_connect", Throughput::Elements(ops));
    tcp_connect_on::<Corio>(&mut g);
    tcp_connect_on::<Tokio>(&mut g);
    tcp_connect_on::<Smol>(&mut g);
    g.finish();
}

fn udp_pingpong_on<R: HttpAdapter>(g: &mut BenchmarkGroup<'_, WallTime>) {
    measure::<R, _>(
        g,
        |_| (),
        |rt, _| {
            io::udp_pingpong(rt, io::UDP_PAIRS, UDP_ROUND_TRIPS)
                .expect("udp_pingpong")
                .ops
        },
    );
}

fn udp_pingpong(c: &mut Criterion) {
    let ops = (io::UDP_PAIRS * UDP_ROUND_TRIPS) as u64;
    let mut g = group(c, "udp_pingpong", Throughput::Elements(ops));
    udp_pingpong_on::<Corio>(&mut g);
    udp_pingpong_on::<Tokio>(&mut g);
    udp_pingpong_on::<Smol>(&mut g);
    g.finish();
}

fn http_hello_on<R: HttpAdapter>(g: &mut BenchmarkGroup<'_, WallTime>) {
    measure::<R, _>(
        g,
        |rt| HttpClients::connect(rt, http::HTTP_CONNECTIONS).expect("HTTP clients connect"),
        |rt, clients| {
            http::http_hello(rt, clients, HTTP_REQUESTS)
                .expect("http_hello")
                .ops
        },
    );
}

fn http_hello(c: &mut Criterion) {
    let ops = (http::HTTP_CONNECTIONS * HTTP_REQUESTS) as u64;
    let mut g = group(c, "http_hello", Throughput::Elements(ops));
    http_hello_on::<Corio>(&mut g);
    http_hello_on::<Tokio>(&mut g);
    http_hello_on::<Smol>(&mut g);
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
    targets = tcp_echo, tcp_stream, tcp_connect, udp_pingpong, http_hello
}
criterion_main!(benches);
