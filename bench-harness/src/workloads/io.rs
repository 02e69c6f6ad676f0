//! I/O workloads (issue 4's set) on loopback, written once for any [`NetAdapter`]: the same client
//! and server code on every runtime, server and clients in one process on one runtime, every TCP
//! stream with `TCP_NODELAY` on both ends.
//!
//! | workload | setup (untimed) | one iteration (timed) | figures |
//! |---|---|---|---|
//! | [`tcp_echo`] | a [`Server`] echoing every connection; [`EchoClients`]: 64 connected clients | each client, in its own task, does N round trips: write 64 bytes, read the 64-byte echo | round trips/s; RTT (write start → echo read) percentiles |
//! | [`tcp_stream`] | a [`Server`] that reads each connection to its end, then answers the byte count | 4 clients connect, each writes its share of 1 GiB in 64 KiB writes, shuts its write side down, reads the server's count | throughput (bytes/s) |
//! | [`tcp_connect`] | a [`Server`] that closes every accepted connection at once | 8 client tasks, each N times: connect, read end of stream (the accept happened), close | connections/s; connect-to-EOF latency percentiles |
//! | [`udp_pingpong`] | — | 8 pairs of sockets (bound in the iteration), each pair N round trips of a 64-byte datagram: the client `send`/`recv`s on a connected socket, the server `recv_from`/`send_to`s | round trips/s; RTT percentiles |
//!
//! Clients are spawned from outside (through the runtime handle), the server's tasks from inside
//! (the accept loop spawns one task per connection). Latency samples are `u32` nanoseconds pushed
//! into a per-client vector allocated before the loop ([`Latencies`]).

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use super::latency::{nanos_u32, Latencies};
use crate::NetAdapter;

/// Where every server binds: loopback, a port the kernel picks.
pub const LOOPBACK: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// Connections of [`tcp_echo`].
pub const ECHO_CONNECTIONS: usize = 64;
/// Round trips per connection and iteration of [`tcp_echo`].
pub const ECHO_ROUND_TRIPS: usize = 5_000;
/// Bytes per message of [`tcp_echo`] and [`udp_pingpong`].
pub const MESSAGE: usize = 64;
/// Connections of [`tcp_stream`].
pub const STREAM_CONNECTIONS: usize = 4;
/// Bytes per iteration of [`tcp_stream`], over all its connections.
pub const STREAM_BYTES: u64 = 1 << 30;
/// Bytes per write (and per server read buffer) of [`tcp_stream`].
pub const STREAM_CHUNK: usize = 64 * 1024;
/// Concurrent client tasks of [`tcp_connect`].
pub const CONNECT_CLIENTS: usize = 8;
/// Connections per client task and iteration of [`tcp_connect`].
pub const CONNECTS_PER_CLIENT: usize = 1_000;
/// Socket pairs of [`udp_pingpong`].
pub const UDP_PAIRS: usize = 8;
/// Round trips per pair and iteration of [`udp_pingpong`].
pub const UDP_ROUND_TRIPS: usize = 5_000;

/// A loopback TCP server: a listener and its accept loop, which sets `TCP_NODELAY` on every
/// accepted stream and spawns the handler on it in a task of its own.
///
/// The accept loop ends at the first accept error other than an aborted or reset connection; the
/// listener closes with it, so clients then fail to connect instead of hanging. Dropping a
/// `Server` detaches the loop; it ends with its runtime.
pub struct Server<R: NetAdapter> {
    addr: SocketAddr,
    _accept_loop: R::Join<()>,
}

impl<R: NetAdapter> Server<R> {
    /// Binds a listener on [`LOOPBACK`] and starts its accept loop on `rt`.
    ///
    /// # Errors
    ///
    /// If the listener cannot be bound (or the runtime has no networking in this build).
    pub fn start<F, Fut>(rt: &R, handler: F) -> io::Result<Server<R>>
    where
        F: Fn(R::TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        rt.block_on(async move {
            let listener = R::tcp_bind(LOOPBACK).await?;
            let addr = R::tcp_listener_addr(&listener)?;
            let accept_loop = R::spawn_inside(async move {
                loop {
                    match R::tcp_accept(&listener).await {
                        Ok(stream) => {
                            let _ = R::tcp_set_nodelay(&stream);
                            drop(R::spawn_inside(handler(stream)));
                        }
                        Err(e)
                            if matches!(
                                e.kind(),
                                io::ErrorKind::ConnectionAborted
                                    | io::ErrorKind::ConnectionReset
                                    | io::ErrorKind::Interrupted
                            ) => {}
                        Err(e) => {
                            eprintln!("{}: accept loop stops: {e}", R::NAME);
                            return;
                        }
                    }
                }
            });
            Ok(Server {
                addr,
                _accept_loop: accept_loop,
            })
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// The echo handler: reads what arrives and writes it back, until end of stream or an error.
pub async fn echo<R: NetAdapter>(mut stream: R::TcpStream) {
    let mut buf = vec![0u8; 4096];
    loop {
        match R::tcp_read(&mut stream, &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if R::tcp_write_all(&mut stream, &buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// [`tcp_echo`]'s setup: an echo [`Server`] and `connections` clients connected to it.
pub struct EchoClients<R: NetAdapter> {
    server: Server<R>,
    clients: Vec<R::TcpStream>,
}

impl<R: NetAdapter> EchoClients<R> {
    /// Starts an echo server on `rt` and connects `connections` clients to it, one after another.
    ///
    /// # Errors
    ///
    /// If the server cannot start or a client cannot connect.
    pub fn connect(rt: &R, connections: usize) -> io::Result<EchoClients<R>> {
        let server = Server::start(rt, echo::<R>)?;
        let addr = server.addr();
        let clients = rt.block_on(async move {
            let mut clients = Vec::with_capacity(connections);
            for _ in 0..connections {
                let stream = R::tcp_connect(addr).await?;
                R::tcp_set_nodelay(&stream)?;
                clients.push(stream);
            }
            Ok::<_, io::Error>(clients)
        })?;
        Ok(EchoClients { server, clients })
    }

    /// The server the clients are connected to.
    pub fn server(&self) -> &Server<R> {
        &self.server
    }

    /// How many clients are connected.
    pub fn connections(&self) -> usize {
        self.clients.len()
    }
}

/// Every client of `clients`, in a task of its own, does `round_trips` round trips: write a
/// [`MESSAGE`]-byte message, read its echo in full. The clients are handed back for the next
/// iteration.
///
/// Returns one RTT sample per round trip.
///
/// # Errors
///
/// The first I/O error of any client (its connection is then lost for later iterations).
pub fn tcp_echo<R: NetAdapter>(
    rt: &R,
    clients: &mut EchoClients<R>,
    round_trips: usize,
) -> io::Result<Latencies> {
    let tasks: Vec<_> = clients
        .clients
        .drain(..)
        .map(|mut stream| {
            rt.spawn(async move {
                let out = [0x5au8; MESSAGE];
                let mut back = [0u8; MESSAGE];
                let mut rtt = Vec::with_capacity(round_trips);
                for _ in 0..round_trips {
                    let start = Instant::now();
                    R::tcp_write_all(&mut stream, &out).await?;
                    R::tcp_read_exact(&mut stream, &mut back).await?;
                    rtt.push(nanos_u32(start.elapsed()));
                }
                Ok::<_, io::Error>((stream, rtt))
            })
        })
        .collect();
    let results = rt.block_on(join_all::<R, _>(tasks));
    let mut samples = Vec::with_capacity(results.len());
    for result in results {
        let (stream, rtt) = result?;
        clients.clients.push(stream);
        samples.push(rtt);
    }
    Ok(Latencies::from_samples(samples.iter().map(Vec::as_slice)))
}

/// The [`tcp_stream`] server's handler: reads the stream to its end, then writes the byte count
/// (8 bytes, little-endian) back.
pub async fn sink<R: NetAdapter>(mut stream: R::TcpStream) {
    let mut buf = vec![0u8; STREAM_CHUNK];
    let mut total = 0u64;
    loop {
        match R::tcp_read(&mut stream, &mut buf).await {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(_) => return,
        }
    }
    let _ = R::tcp_write_all(&mut stream, &total.to_le_bytes()).await;
}

/// `connections` clients, each in its own task, connect to `server` (a [`sink`] server), write
/// `bytes / connections` bytes in [`STREAM_CHUNK`] writes, shut their write side down and read the
/// server's count of what it received.
///
/// Returns the bytes the server confirmed, over all connections.
///
/// # Errors
///
/// The first I/O error of any client, or a server count that differs from what was sent.
pub fn tcp_stream<R: NetAdapter>(
    rt: &R,
    server: &Server<R>,
    connections: usize,
    bytes: u64,
) -> io::Result<u64> {
    let addr = server.addr();
    let per_connection = bytes / connections as u64;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            rt.spawn(async move {
                let mut stream = R::tcp_connect(addr).await?;
                R::tcp_set_nodelay(&stream)?;
                let chunk = vec![0xa5u8; STREAM_CHUNK];
                let mut left = per_connection;
                while left > 0 {
                    let n = left.min(STREAM_CHUNK as u64) as usize;
                    R::tcp_write_all(&mut stream, &chunk[..n]).await?;
                    left -= n as u64;
                }
                R::tcp_shutdown_write(&mut stream).await?;
                let mut count = [0u8; 8];
                R::tcp_read_exact(&mut stream, &mut count).await?;
                let confirmed = u64::from_le_bytes(count);
                if confirmed != per_connection {
                    return Err(io::Error::other(format!(
                        "server received {confirmed} bytes of {per_connection}"
                    )));
                }
                Ok::<_, io::Error>(confirmed)
            })
        })
        .collect();
    rt.block_on(join_all::<R, _>(tasks)).into_iter().sum()
}

/// The [`tcp_connect`] server's handler: closes the connection at once.
pub async fn hang_up<R: NetAdapter>(stream: R::TcpStream) {
    drop(stream);
}

/// `clients` tasks, each `per_client` times in a row: connect to `server` (a [`hang_up`] server),
/// read until the server's close arrives (so the accept really happened), close.
///
/// Returns one sample per connection: connect start to end of stream.
///
/// # Errors
///
/// The first connect or read error of any client (a reset instead of an orderly close counts as a
/// close, not an error).
pub fn tcp_connect<R: NetAdapter>(
    rt: &R,
    server: &Server<R>,
    clients: usize,
    per_client: usize,
) -> io::Result<Latencies> {
    let addr = server.addr();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            rt.spawn(async move {
                let mut samples = Vec::with_capacity(per_client);
                let mut byte = [0u8; 1];
                for _ in 0..per_client {
                    let start = Instant::now();
                    let mut stream = R::tcp_connect(addr).await?;
                    match R::tcp_read(&mut stream, &mut byte).await {
                        Ok(0) => {}
                        Ok(_) => return Err(io::Error::other("the server sent data")),
                        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
                        Err(e) => return Err(e),
                    }
                    drop(stream);
                    samples.push(nanos_u32(start.elapsed()));
                }
                Ok::<_, io::Error>(samples)
            })
        })
        .collect();
    let results = rt.block_on(join_all::<R, _>(tasks));
    let samples = results.into_iter().collect::<io::Result<Vec<_>>>()?;
    Ok(Latencies::from_samples(samples.iter().map(Vec::as_slice)))
}

/// `pairs` pairs of UDP sockets on loopback, bound in the iteration; in each pair a server task
/// answers exactly `round_trips` datagrams (`recv_from`, `send_to` back) while a client task on a
/// connected socket does `round_trips` round trips of a [`MESSAGE`]-byte datagram.
///
/// Returns one RTT sample per round trip. (Loopback does not drop a datagram when only one is in
/// flight per socket; if one were lost the pair would wait forever, and the CLI's run timeout would
/// report it.)
///
/// # Errors
///
/// The first bind or I/O error, or an echo of the wrong length.
pub fn udp_pingpong<R: NetAdapter>(
    rt: &R,
    pairs: usize,
    round_trips: usize,
) -> io::Result<Latencies> {
    rt.block_on(async move {
        let mut servers = Vec::with_capacity(pairs);
        let mut clients = Vec::with_capacity(pairs);
        for _ in 0..pairs {
            let server = R::udp_bind(LOOPBACK).await?;
            let client = R::udp_bind(LOOPBACK).await?;
            R::udp_connect(&client, R::udp_local_addr(&server)?).await?;
            servers.push(R::spawn_inside(async move {
                let mut buf = [0u8; MESSAGE];
                for _ in 0..round_trips {
                    let (n, from) = R::udp_recv_from(&server, &mut buf).await?;
                    R::udp_send_to(&server, &buf[..n], from).await?;
                }
                Ok::<_, io::Error>(())
            }));
            clients.push(R::spawn_inside(async move {
                let out = [0x5au8; MESSAGE];
                let mut back = [0u8; MESSAGE];
                let mut rtt = Vec::with_capacity(round_trips);
                for _ in 0..round_trips {
                    let start = Instant::now();
                    R::udp_send(&client, &out).await?;
                    let n = R::udp_recv(&client, &mut back).await?;
                    if n != MESSAGE {
                        return Err(io::Error::other(format!(
                            "echo of {n} bytes, not {MESSAGE}"
                        )));
                    }
                    rtt.push(nanos_u32(start.elapsed()));
                }
                Ok::<_, io::Error>(rtt)
            }));
        }
        let rtts = join_all::<R, _>(clients)
            .await
            .into_iter()
            .collect::<io::Result<Vec<_>>>()?;
        for server in join_all::<R, _>(servers).await {
            server?;
        }
        Ok(Latencies::from_samples(rtts.iter().map(Vec::as_slice)))
    })
}

/// Awaits every task in turn; a task that failed to complete (panicked) becomes an `io::Error`.
pub(crate) async fn join_all<R: NetAdapter, T: Send + 'static>(
    tasks: Vec<R::Join<io::Result<T>>>,
) -> Vec<io::Result<T>> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(match task.await {
            Ok(result) => result,
            Err(e) => Err(io::Error::other(format!("{} task failed: {e:?}", R::NAME))),
        });
    }
    out
}
