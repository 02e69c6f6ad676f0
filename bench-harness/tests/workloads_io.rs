//! Smoke test of the I/O workloads: each runs at a small size on every runtime with 1 and with 2
//! workers and must report exactly the round trips, bytes or connections it was asked for. No
//! timing is asserted. A runtime built without networking (corio without `corio-net`) must refuse
//! cleanly instead.

mod common;

use std::io;

use corio_bench::workloads::io::{self as net, EchoClients, Server};
use corio_bench::NetAdapter;

use common::run;

/// Skips (passes) the test when `R` has no networking in this build.
fn available<R: NetAdapter>() -> bool {
    if !R::NET_AVAILABLE {
        eprintln!("{}: networking not in this build; skipped", R::NAME);
    }
    R::NET_AVAILABLE
}

fn tcp_echo<R: NetAdapter>(workers: usize) {
    if !available::<R>() {
        return;
    }
    const CONNECTIONS: usize = 4;
    const ROUND_TRIPS: usize = 25;
    let (first, second) = run::<R, _>(workers, |rt| {
        let mut clients = EchoClients::connect(rt, CONNECTIONS).expect("clients connect");
        assert_eq!(clients.connections(), CONNECTIONS);
        // Two iterations on the same clients: the streams come back after each.
        let first = net::tcp_echo(rt, &mut clients, ROUND_TRIPS).expect("first iteration");
        let second = net::tcp_echo(rt, &mut clients, ROUND_TRIPS).expect("second iteration");
        assert_eq!(clients.connections(), CONNECTIONS);
        (first, second)
    });
    for rtt in [first, second] {
        assert_eq!(rtt.ops, (CONNECTIONS * ROUND_TRIPS) as u64);
        assert_eq!(rtt.histogram.len(), rtt.ops);
    }
}

fn tcp_stream<R: NetAdapter>(workers: usize) {
    if !available::<R>() {
        return;
    }
    // Not a multiple of the chunk size, so the last write of each connection is short.
    const BYTES: u64 = 3 * (1 << 20) + 1234 * 2;
    let confirmed = run::<R, _>(workers, |rt| {
        let server = Server::start(rt, net::sink::<R>).expect("server starts");
        net::tcp_stream(rt, &server, 2, BYTES).expect("stream completes")
    });
    assert_eq!(confirmed, BYTES);
}

fn tcp_connect<R: NetAdapter>(workers: usize) {
    if !available::<R>() {
        return;
    }
    let connections = run::<R, _>(workers, |rt| {
        let server = Server::start(rt, net::hang_up::<R>).expect("server starts");
        net::tcp_connect(rt, &server, 3, 20).expect("connections complete")
    });
    assert_eq!(connections.ops, 60);
}

fn udp_pingpong<R: NetAdapter>(workers: usize) {
    if !available::<R>() {
        return;
    }
    let rtt = run::<R, _>(workers, |rt| {
        net::udp_pingpong(rt, 3, 30).expect("ping-pong completes")
    });
    assert_eq!(rtt.ops, 90);
}

workload_tests! {
    workloads: [tcp_echo, tcp_stream, tcp_connect, udp_pingpong];
    corio: corio_bench::Corio;
    tokio: corio_bench::Tokio;
    smol: corio_bench::Smol;
}

/// Without networking, the socket constructors fail with `Unsupported` instead of panicking.
#[test]
fn unavailable_networking_refuses_cleanly() {
    fn check<R: NetAdapter>() {
        if R::NET_AVAILABLE {
            return;
        }
        let err = run::<R, _>(1, |rt| {
            Server::start(rt, net::hang_up::<R>)
                .err()
                .expect("no server")
        });
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    }
    check::<corio_bench::Corio>();
}
