//! HTTP workloads: one hyper 1.x HTTP/1 server answering `hello`, the same code on every runtime
//! (only the stream wrapper differs: [`HttpAdapter::HttpIo`]), loaded two ways.
//!
//! | workload | setup (untimed) | one iteration (timed) | figures |
//! |---|---|---|---|
//! | [`http_hello`] | a [`Server`] running [`serve`] on every connection; [`HttpClients`]: 64 hyper HTTP/1 client connections, handshaken, each driven by a task of its own | each client, in its own task, sends N sequential `GET /` over its keep-alive connection and reads the 5-byte body in full; latency = request start → body read | requests/s; latency percentiles |
//! | [`wrk`] | the same [`Server`] | `wrk` (in its own process) loads it for S seconds over C keep-alive connections from T threads | requests/s, and wrk's own latency percentiles |
//!
//! The server: hyper's `http1` connection with its defaults (keep-alive on, no timer: the default
//! 30 s header-read timeout needs one and is left off, on every runtime alike), answering every
//! request with `200 OK`, `content-type: text/plain` and the body `hello`. Responses are never
//! pipelined: each client waits for its response before sending the next request, as wrk does.
//!
//! With [`http_hello`] the load runs in the same process and on the same runtime as the server, so
//! CPU time counts both sides; with [`wrk`] only the server's.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::process::Command;
use std::time::Instant;

use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::{Request, Response, StatusCode};

use super::io::{join_all, Server};
use super::latency::{nanos_u32, Latencies};
use crate::record::{LatencySummary, CURVE_QUANTILES};
use crate::HttpAdapter;

/// Client connections of [`http_hello`] (and wrk's default `-c`).
pub const HTTP_CONNECTIONS: usize = 64;
/// Sequential requests per connection and iteration of [`http_hello`].
pub const HTTP_REQUESTS: usize = 2_000;
/// wrk's threads (`-t`).
pub const WRK_THREADS: usize = 2;
/// wrk's duration in seconds (`-d`).
pub const WRK_SECONDS: u64 = 10;
/// What the server answers.
pub const BODY: &[u8] = b"hello";

/// The service: `200 OK`, `content-type: text/plain`, body [`BODY`], whatever the request.
pub async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::from_static(BODY)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(response)
}

/// The server's connection handler: hyper's HTTP/1 connection serving [`hello`] until the client
/// closes (or an error, which ends the connection).
pub async fn serve<R: HttpAdapter>(stream: R::TcpStream) {
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(R::http_io(stream), hyper::service::service_fn(hello))
        .await;
}

/// [`http_hello`]'s setup: a [`serve`] server and `connections` hyper clients connected to it.
pub struct HttpClients<R: HttpAdapter> {
    server: Server<R>,
    senders: Vec<SendRequest<Empty<Bytes>>>,
}

impl<R: HttpAdapter> HttpClients<R> {
    /// Starts a server on `rt` and connects `connections` clients to it, one after another: each
    /// a TCP connection (`TCP_NODELAY`), an HTTP/1 handshake, and a task driving the connection.
    ///
    /// # Errors
    ///
    /// If the server cannot start or a client cannot connect.
    pub fn connect(rt: &R, connections: usize) -> io::Result<HttpClients<R>> {
        let server = Server::start(rt, serve::<R>)?;
        let addr = server.addr();
        let senders = rt.block_on(async move {
            let mut senders = Vec::with_capacity(connections);
            for _ in 0..connections {
                let stream = R::tcp_connect(addr).await?;
                R::tcp_set_nodelay(&stream)?;
                let (sender, connection) =
                    hyper::client::conn::http1::handshake(R::http_io(stream))
                        .await
                        .map_err(http_err)?;
                // Detached: it ends when its sender is dropped.
                drop(R::spawn_inside(connection));
                senders.push(sender);
            }
            Ok::<_, io::Error>(senders)
        })?;
        Ok(HttpClients { server, senders })
    }

    /// The server the clients are connected to.
    pub fn server(&self) -> &Server<R> {
        &self.server
    }

    /// How many clients are connected.
    pub fn connections(&self) -> usize {
        self.senders.len()
    }
}

/// Every client of `clients`, in a task of its own, sends `requests` `GET /` in a row over its
/// keep-alive connection and reads each response's body in full, checking status and body. The
/// clients are handed back for the next iteration.
///
/// Returns one latency sample per request: from the request's start (waiting for the connection
/// to be ready included) to its body read.
///
/// # Errors
///
/// The first error of any client: an HTTP error, or a response other than `200 OK` with [`BODY`]
/// (that client's connection is then lost for later iterations).
pub fn http_hello<R: HttpAdapter>(
    rt: &R,
    clients: &mut HttpClients<R>,
    requests: usize,
) -> io::Result<Latencies> {
    let host = HeaderValue::try_from(clients.server.addr().to_string())
        .expect("a socket address is a valid host");
    let tasks: Vec<_> = clients
        .senders
        .drain(..)
        .map(|mut sender| {
            let host = host.clone();
            rt.spawn(async move {
                let mut latency = Vec::with_capacity(requests);
                for _ in 0..requests {
                    let start = Instant::now();
                    sender.ready().await.map_err(http_err)?;
                    let response = sender.send_request(get(&host)).await.map_err(http_err)?;
                    let status = response.status();
                    let body = response
                        .into_body()
                        .collect()
                        .await
                        .map_err(http_err)?
                        .to_bytes();
                    if status != StatusCode::OK || body != BODY {
                        return Err(io::Error::other(format!(
                            "unexpected response: {status}, body {body:?}"
                        )));
                    }
                    latency.push(nanos_u32(start.elapsed()));
                }
                Ok::<_, io::Error>((sender, latency))
            })
        })
        .collect();
    let results = rt.block_on(join_all::<R, _>(tasks));
    let mut samples = Vec::with_capacity(results.len());
    for result in results {
        let (sender, latency) = result?;
        clients.senders.push(sender);
        samples.push(latency);
    }
    Ok(Latencies::from_samples(samples.iter().map(Vec::as_slice)))
}

/// `GET /` with the `host` header HTTP/1.1 requires.
fn get(host: &HeaderValue) -> Request<Empty<Bytes>> {
    let mut request = Request::new(Empty::new());
    request.headers_mut().insert(HOST, host.clone());
    request
}

fn http_err(e: hyper::Error) -> io::Error {
    io::Error::other(format!("HTTP: {e}"))
}

/// What a [`wrk`] run reports: its request count, errors and latency distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct WrkReport {
    /// Requests completed.
    pub requests: u64,
    /// Connect, read, write and timeout errors.
    pub socket_errors: u64,
    /// Responses whose status was not 2xx or 3xx.
    pub status_errors: u64,
    /// Latency percentiles, ns (wrk measures in µs). `count` is the request count.
    pub latency: LatencySummary,
    /// `[quantile, ns]` at each of [`CURVE_QUANTILES`].
    pub curve: Vec<(f64, u64)>,
}

/// Whether a `wrk` executable is on `PATH`.
pub fn wrk_installed() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("wrk").is_file()))
}

/// The marker of every line the report script prints.
const MARK: &str = "corio-bench-wrk";

/// The Lua script wrk runs at its end (`done`): requests, errors, then the latency at each of
/// [`CURVE_QUANTILES`] in µs, one `MARK`-prefixed line each.
fn report_script() -> String {
    let percents: Vec<String> = CURVE_QUANTILES[..CURVE_QUANTILES.len() - 1]
        .iter()
        .map(|q| format!("{}", (q * 1e6).round() / 1e4))
        .collect();
    format!(
        "done = function(summary, latency, requests)\n\
         \x20 local e = summary.errors\n\
         \x20 io.write(string.format(\"{MARK} requests %d\\n\", summary.requests))\n\
         \x20 local socket = e.connect + e.read + e.write + e.timeout\n\
         \x20 io.write(string.format(\"{MARK} socket_errors %d\\n\", socket))\n\
         \x20 io.write(string.format(\"{MARK} status_errors %d\\n\", e.status))\n\
         \x20 for i, p in ipairs({{ {} }}) do\n\
         \x20   io.write(string.format(\"{MARK} latency_us %d %d\\n\", i, latency:percentile(p)))\n\
         \x20 end\n\
         \x20 io.write(string.format(\"{MARK} latency_us %d %d\\n\", {}, latency.max))\n\
         end\n",
        percents.join(", "),
        CURVE_QUANTILES.len(),
    )
}

/// Loads the server at `addr` with `wrk -t threads -c connections -d seconds` (keep-alive, one
/// request in flight per connection), waits for it to finish, and reads its report.
///
/// # Errors
///
/// `NotFound` if wrk is not installed; `InvalidInput` for fewer connections than threads (wrk
/// needs one per thread); wrk's own failure (its stderr), or output without the report.
pub fn wrk(
    addr: SocketAddr,
    connections: usize,
    threads: usize,
    seconds: u64,
) -> io::Result<WrkReport> {
    if connections < threads {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "wrk needs at least one connection per thread: {connections} connections, \
                 {threads} threads"
            ),
        ));
    }
    let script = std::env::temp_dir().join(format!("corio-bench-wrk-{}.lua", std::process::id()));
    std::fs::write(&script, report_script())?;
    let output = Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("-s")
        .arg(&script)
        .arg(format!("http://{addr}/"))
        .output();
    let _ = std::fs::remove_file(&script);
    let output = output.map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot run wrk: {e} (install it: apt-get install wrk)"),
        )
    })?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "wrk failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    parse_wrk(&String::from_utf8_lossy(&output.stdout))
}

/// Reads the report script's lines out of wrk's output.
///
/// # Errors
///
/// `InvalidData` naming what is missing or malformed.
pub fn parse_wrk(output: &str) -> io::Result<WrkReport> {
    let bad = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    let (mut requests, mut socket_errors, mut status_errors) = (None, None, None);
    let mut latency_us = vec![None; CURVE_QUANTILES.len()];
    for line in output.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some(MARK) {
            continue;
        }
        let key = words.next().unwrap_or("");
        let numbers: Vec<u64> = words
            .map(|w| w.parse())
            .collect::<Result<_, _>>()
            .map_err(|e| bad(format!("wrk report line `{line}`: {e}")))?;
        match (key, numbers.as_slice()) {
            ("requests", &[n]) => requests = Some(n),
            ("socket_errors", &[n]) => socket_errors = Some(n),
            ("status_errors", &[n]) => status_errors = Some(n),
            ("latency_us", &[i, us]) if (1..=latency_us.len() as u64).contains(&i) => {
                latency_us[i as usize - 1] = Some(us);
            }
            _ => return Err(bad(format!("unexpected wrk report line `{line}`"))),
        }
    }
    let missing = |what: &str| bad(format!("wrk's output has no {what}: is it wrk 4.x?"));
    let curve: Vec<(f64, u64)> = CURVE_QUANTILES
        .iter()
        .zip(&latency_us)
        .map(|(&q, us)| us.map(|us| (q, us * 1_000)))
        .collect::<Option<_>>()
        .ok_or_else(|| missing("latency percentiles"))?;
    let at = |q: f64| {
        curve
            .iter()
            .find(|(quantile, _)| *quantile == q)
            .map_or(0, |&(_, ns)| ns)
    };
    let requests = requests.ok_or_else(|| missing("request count"))?;
    Ok(WrkReport {
        requests,
        socket_errors: socket_errors.ok_or_else(|| missing("error counts"))?,
        status_errors: status_errors.ok_or_else(|| missing("error counts"))?,
        latency: LatencySummary {
            count: requests,
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            p999: at(0.999),
            max: at(1.0),
        },
        curve,
    })
}

/// One timed [`wrk`] run against `server` (a [`serve`] server); the runtime serves while the
/// calling thread waits for wrk.
///
/// # Errors
///
/// As [`wrk`], and any socket or status error wrk counted (the server must answer every request).
pub fn http_hello_wrk<R: HttpAdapter>(
    server: &Server<R>,
    connections: usize,
    threads: usize,
    seconds: u64,
) -> io::Result<WrkReport> {
    let report = wrk(server.addr(), connections, threads, seconds)?;
    if report.socket_errors + report.status_errors > 0 {
        return Err(io::Error::other(format!(
            "wrk counted {} socket errors and {} non-2xx/3xx responses in {} requests",
            report.socket_errors, report.status_errors, report.requests
        )));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_script_asks_every_curve_quantile() {
        let script = report_script();
        assert!(script.contains("ipairs({ 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99 })"));
        assert!(script.contains(&format!("{}, latency.max", CURVE_QUANTILES.len())));
    }

    #[test]
    fn parse_reads_the_report_lines_among_wrk_output() {
        let mut out =
            String::from("Running 2s test @ http://127.0.0.1:1/\n  2 threads and 64 connections\n");
        out.push_str("corio-bench-wrk requests 1000\ncorio-bench-wrk socket_errors 0\n");
        out.push_str("corio-bench-wrk status_errors 2\n");
        for i in 1..=CURVE_QUANTILES.len() {
            out.push_str(&format!("corio-bench-wrk latency_us {i} {}\n", i * 10));
        }
        let report = parse_wrk(&out).unwrap();
        assert_eq!((report.requests, report.status_errors), (1000, 2));
        assert_eq!(report.latency.p50, 10_000);
        assert_eq!(report.latency.p90, 30_000);
        assert_eq!(report.latency.max, 100_000);
        assert_eq!(report.curve.len(), CURVE_QUANTILES.len());
    }

    #[test]
    fn parse_names_what_is_missing() {
        let err = parse_wrk("Running 2s test\n").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("latency percentiles"));
        let err = parse_wrk("corio-bench-wrk requests many\n").unwrap_err();
        assert!(err.to_string().contains("requests many"));
    }
}
