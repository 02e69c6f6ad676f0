//! The runtime adapters: the only surface a workload may touch.
//!
//! A workload is written once against [`Adapter`] (and [`NetAdapter`] when it does I/O); each runtime
//! gets one file that maps the traits onto its own API and nothing else (`adapter/corio.rs`,
//! `adapter/tokio.rs`, `adapter/smol.rs`). An adapter must never add work of its own on a hot path:
//! spawn, join, yield, sleep and every socket operation forward straight to the runtime (or, for
//! smol, to the crates a smol user calls: async-executor, async-io, futures-lite), and the futures
//! handed back are the runtime's own wherever the runtime's semantics already match.
//!
//! Two ways to spawn, because the runtimes treat them differently and the workloads measure both:
//!
//! - [`Adapter::spawn`] — from outside the runtime (the benchmark thread, through the runtime
//!   object). On a work-stealing scheduler this goes through the shared injection queue.
//! - [`Adapter::spawn_inside`] — from code already running on the runtime (a task, or the future
//!   given to `block_on`), through the thread-local "current runtime" (`corio::spawn`,
//!   `tokio::spawn`; for smol the adapter keeps that thread-local itself). On a worker this pushes
//!   onto the worker's own queue (or LIFO slot).
//!
//! The I/O half is a separate trait because a runtime may not have networking in a given build:
//! [`NetAdapter::NET_AVAILABLE`] is `false` for corio built without the `corio-net` feature, and the
//! I/O workloads then report "not available yet" instead of running.
//!
//! HTTP is a third trait, [`HttpAdapter`]: the one thing hyper needs from a runtime beyond spawning
//! is its stream type seen as `hyper::rt::Read + Write`. Each adapter names what a user of that
//! runtime would use — corio's `TcpStream` itself (it implements hyper's traits with corio's
//! `hyper` feature), and for tokio and smol a small forwarding wrapper in their adapter file — and
//! the HTTP workloads run the same hyper server and client code on top of it.

mod corio;
mod smol;
mod tokio;

pub use self::corio::Corio;
pub use self::smol::{Smol, SmolIo, SmolJoin};
pub use self::tokio::{Tokio, TokioIo};

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

/// A multi-thread async runtime, as the workloads see it.
///
/// Implementors own their runtime; dropping the adapter shuts the runtime down.
pub trait Adapter: Sized + 'static {
    /// Short lowercase name, used as the criterion function id, the `--runtime` value and in result
    /// tables.
    const NAME: &'static str;

    /// Why a task did not produce its output (it panicked or was cancelled).
    type JoinError: fmt::Debug + Send + 'static;

    /// The runtime's join handle: resolves to the task's output once it completes.
    /// Dropping it detaches the task.
    type Join<T: Send + 'static>: Future<Output = Result<T, Self::JoinError>>
        + Send
        + Unpin
        + 'static;

    /// The runtime's timer future, as returned by its `sleep_until`. Its output is ignored.
    type Sleep: Future + Send + 'static;

    /// Builds a multi-thread runtime with `workers` worker threads, its timers and I/O enabled.
    ///
    /// # Errors
    ///
    /// Whatever the runtime's builder reports (e.g. `workers == 0`, or threads that cannot start).
    fn build(workers: usize) -> io::Result<Self>;

    /// Runs `fut` to completion on the calling thread, with this runtime as the current one.
    fn block_on<F: Future>(&self, fut: F) -> F::Output;

    /// Spawns `fut` from outside the runtime.
    fn spawn<F>(&self, fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns `fut` onto the current runtime, from inside a task (or `block_on`).
    ///
    /// # Panics
    ///
    /// When called outside a runtime of this kind, as the runtime's own free `spawn` does.
    fn spawn_inside<F>(fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// The runtime's own `yield_now`: returns `Pending` once, after rescheduling the task.
    fn yield_now() -> impl Future<Output = ()> + Send;

    /// The runtime's own timer: completes at or after `deadline`, never before.
    ///
    /// # Panics
    ///
    /// Where the runtime's own `sleep_until` does: tokio's, when called outside a runtime.
    fn sleep_until(deadline: Instant) -> Self::Sleep;
}

/// TCP and UDP on a runtime, as the I/O workloads see them: the sockets a user of that runtime
/// would pick, and the read/write helpers that come with them (tokio's `AsyncReadExt` for tokio,
/// futures-util's for corio and smol).
///
/// Every method forwards to the runtime; none buffers. Streams are used by one task at a time
/// (`&mut`); datagram sockets by shared reference.
pub trait NetAdapter: Adapter {
    /// `false` when this build of the harness has no networking for the runtime. Every socket
    /// constructor then fails with [`io::ErrorKind::Unsupported`], and the I/O workloads are skipped
    /// with "not available yet".
    const NET_AVAILABLE: bool;

    /// A listening TCP socket.
    type TcpListener: Send + Sync + 'static;
    /// A connected TCP stream.
    type TcpStream: Send + 'static;
    /// A UDP socket.
    type UdpSocket: Send + Sync + 'static;

    /// Binds a listener to `addr`.
    fn tcp_bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::TcpListener>> + Send;

    /// The address a listener is bound to (to learn the port of a `:0` bind).
    fn tcp_listener_addr(listener: &Self::TcpListener) -> io::Result<SocketAddr>;

    /// Accepts one connection.
    fn tcp_accept(
        listener: &Self::TcpListener,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send + '_;

    /// Connects to `addr`.
    fn tcp_connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::TcpStream>> + Send;

    /// Sets `TCP_NODELAY` (every stream in the workloads has it, on both ends).
    fn tcp_set_nodelay(stream: &Self::TcpStream) -> io::Result<()>;

    /// Reads what is available, at most `buf.len()` bytes; `Ok(0)` at end of stream.
    fn tcp_read<'a>(
        stream: &'a mut Self::TcpStream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;

    /// Reads exactly `buf.len()` bytes.
    fn tcp_read_exact<'a>(
        stream: &'a mut Self::TcpStream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a;

    /// Writes all of `buf`.
    fn tcp_write_all<'a>(
        stream: &'a mut Self::TcpStream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a;

    /// Shuts the write side down: the peer reads end of stream and may still answer.
    fn tcp_shutdown_write(
        stream: &mut Self::TcpStream,
    ) -> impl Future<Output = io::Result<()>> + Send + '_;

    /// Binds a UDP socket to `addr`.
    fn udp_bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::UdpSocket>> + Send;

    /// The address a UDP socket is bound to.
    fn udp_local_addr(socket: &Self::UdpSocket) -> io::Result<SocketAddr>;

    /// Connects a UDP socket to `addr`, for [`udp_send`](Self::udp_send) and
    /// [`udp_recv`](Self::udp_recv).
    fn udp_connect(
        socket: &Self::UdpSocket,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<()>> + Send + '_;

    /// Sends one datagram to the connected peer.
    fn udp_send<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;

    /// Receives one datagram from the connected peer.
    fn udp_recv<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;

    /// Sends one datagram to `target`.
    fn udp_send_to<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a [u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;

    /// Receives one datagram and the address it came from.
    fn udp_recv_from<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send + 'a;
}

/// HTTP on a runtime, as the HTTP workloads see it: a connected TCP stream of the runtime, wrapped
/// as hyper's I/O. hyper does the rest, the same code on every runtime.
///
/// The wrapper only forwards (reads, writes, flush, shutdown, vectored writes); none buffers.
pub trait HttpAdapter: NetAdapter {
    /// A stream as `hyper::rt::Read + hyper::rt::Write`.
    type HttpIo: hyper::rt::Read + hyper::rt::Write + Send + Unpin + 'static;

    /// Wraps a connected stream for hyper.
    fn http_io(stream: Self::TcpStream) -> Self::HttpIo;
}
