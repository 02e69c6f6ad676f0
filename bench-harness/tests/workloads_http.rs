//! Smoke test of the HTTP workloads: `http_hello` runs at a small size on every runtime with 1 and
//! with 2 workers and must report exactly the requests it was asked for, twice over the same
//! keep-alive clients; wrk's driver refuses bad sizes by name. No timing is asserted, and wrk is
//! never needed here (`tests/cli_run.rs` runs it when it is installed).

mod common;

use std::io;

use corio_bench::workloads::http::{self, HttpClients};
use corio_bench::workloads::io::LOOPBACK;
use corio_bench::HttpAdapter;

use common::run;

fn http_hello<R: HttpAdapter>(workers: usize) {
    if !R::NET_AVAILABLE {
        eprintln!("{}: networking not in this build; skipped", R::NAME);
        return;
    }
    const CONNECTIONS: usize = 4;
    const REQUESTS: usize = 25;
    let (first, second) = run::<R, _>(workers, |rt| {
        let mut clients = HttpClients::connect(rt, CONNECTIONS).expect("clients connect");
        assert_eq!(clients.connections(), CONNECTIONS);
        let first = http::http_hello(rt, &mut clients, REQUESTS).expect("first iteration");
        let second = http::http_hello(rt, &mut clients, REQUESTS).expect("second iteration");
        assert_eq!(clients.connections(), CONNECTIONS);
        (first, second)
    });
    for latency in [first, second] {
        assert_eq!(latency.ops, (CONNECTIONS * REQUESTS) as u64);
        assert_eq!(latency.histogram.len(), latency.ops);
    }
}

workload_tests! {
    workloads: [http_hello];
    corio: corio_bench::Corio;
    tokio: corio_bench::Tokio;
    smol: corio_bench::Smol;
}

#[test]
fn wrk_refuses_fewer_connections_than_threads() {
    let err = http::wrk(LOOPBACK, 1, 2, 1).expect_err("1 connection cannot feed 2 threads");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("one connection per thread"));
}
