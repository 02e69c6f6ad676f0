//! `TcpStream`: a connected TCP socket.

use super::inq::InqHint;
use super::split::{ReadHalf, WriteHalf};
use super::split_owned::{OwnedReadHalf, OwnedWriteHalf};
use crate::io::Async;
use crate::net::addr::{no_addresses, resolve, ToSocketAddrs};
use crate::net::connect;
use crate::net::stream::{impl_async_read, impl_async_write, AsyncStream};
use socket2::{Domain, Protocol, SockRef, Socket, Type};
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSliceMut};
use std::mem::MaybeUninit;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};
use std::time::Duration;

/// A TCP connection: read and write it with [`AsyncReadExt`](crate::io::AsyncReadExt) and
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt).
///
/// `&TcpStream` is a reader and a writer too, so one task may read while another writes (or two
/// tasks read) through a shared reference; [`split`](Self::split) and
/// [`into_split`](Self::into_split) give halves for the same purpose. Closing the writer
/// (`AsyncWriteExt::close`) half-closes the connection: the peer reads end-of-file, and this side
/// can still read.
///
/// # Examples
///
/// ```
/// use corio::io::{AsyncReadExt, AsyncWriteExt};
/// use corio::net::{TcpListener, TcpStream};
///
/// corio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     let client = corio::spawn(async move {
///         let mut stream = TcpStream::connect(addr).await?;
///         stream.write_all(b"question").await?;
///         stream.close().await?; // half-close: the server sees end-of-file
///         let mut answer = String::new();
///         stream.read_to_string(&mut answer).await?;
///         std::io::Result::Ok(answer)
///     });
///     let (mut stream, _) = listener.accept().await?;
///     let mut question = Vec::new();
///     stream.read_to_end(&mut question).await?;
///     assert_eq!(question, b"question");
///     stream.write_all(b"42").await?;
///     drop(stream);
///     assert_eq!(client.await??, "42");
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct TcpStream {
    io: Async<std::net::TcpStream>,
    /// Whether reads can tell they drained the socket (`TCP_INQ`, switched on lazily).
    inq: InqHint,
}

impl TcpStream {
    /// Opens a connection to `addr`.
    ///
    /// The connect does not block a worker: it is started on a non-blocking socket and completes
    /// when the socket becomes writable. If `addr` resolves to several addresses, each is tried
    /// in turn until one connects.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` if nothing listens there, `InvalidInput` for an unparsable address,
    /// the last address's error if every attempt fails, or an error outside a corio runtime.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let mut last_err = None;
        for addr in resolve(addr).await? {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last_err = Some(err),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_nonblocking(true)?;
        connect::start(&socket, &addr.into())?;
        let stream = TcpStream::from_std(socket.into())?;
        connect::finish(&stream.io).await?;
        Ok(stream)
    }

    /// Wraps a connected std stream, switching it to non-blocking mode and registering it with
    /// the current runtime.
    ///
    /// # Errors
    ///
    /// Outside a corio runtime, or if the OS refuses the registration.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Async::new(stream)?,
            inq: InqHint::new(),
        })
    }

    /// Deregisters the stream and returns the std one, still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the poller refuses to remove the descriptor.
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        self.io.into_inner()
    }

    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// What `getsockname(2)` reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The remote address of the connection.
    ///
    /// # Errors
    ///
    /// `NotConnected` once the connection is gone, or what `getpeername(2)` reports.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Sets `TCP_NODELAY`: `true` sends small writes at once instead of coalescing them (Nagle's
    /// algorithm).
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// The value of `TCP_NODELAY`.
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Sets `IP_TTL`, the time-to-live of the packets sent.
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The value of `IP_TTL`.
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets `SO_LINGER`. `Some(Duration::ZERO)` makes closing the socket reset the connection
    /// (the peer's next read fails with `ConnectionReset`) instead of shutting it down cleanly.
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        SockRef::from(self.io.get_ref()).set_linger(linger)
    }

    /// The value of `SO_LINGER`.
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        SockRef::from(self.io.get_ref()).linger()
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// Shuts down the read half, the write half or both (synchronously, like std's).
    /// `Shutdown::Write` sends end-of-file to the peer, which can still send back.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the connection is gone, or what `shutdown(2)` reports.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Waits for data and copies it into `buf` without removing it from the socket's queue: the
    /// next read returns the same bytes.
    ///
    /// # Errors
    ///
    /// As a read.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_peek(cx, buf)).await
    }

    /// The polling form of [`peek`](Self::peek).
    ///
    /// # Errors
    ///
    /// As a read.
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_with(cx, |stream| stream.peek(buf))
    }

    /// Waits until the stream is readable (data, end-of-file or an error is pending).
    ///
    /// # Errors
    ///
    /// After the runtime shut down.
    pub async fn readable(&self) -> io::Result<()> {
        self.io.readable().await
    }

    /// Waits until the stream is writable (or closed, or in error).
    ///
    /// # Errors
    ///
    /// After the runtime shut down.
    pub async fn writable(&self) -> io::Result<()> {
        self.io.writable().await
    }

    /// Borrows the stream as a read half and a write half, usable by two futures at once (in a
    /// `join!`, say). Both are `&TcpStream` underneath.
    ///
    /// With [`AsyncReadExt`](crate::io::AsyncReadExt) in scope, `stream.split()` resolves to that
    /// trait's `split(self)` instead (Rust prefers a by-value receiver to `&mut self`), which
    /// also works but locks the stream on every operation. Call `TcpStream::split(&mut stream)` to
    /// get these lock-free halves, or use [`into_split`](Self::into_split).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        super::split::split(self)
    }

    /// Splits the stream into owned halves that can move to different tasks. Dropping the write
    /// half shuts the write side down; [`OwnedReadHalf::reunite`] puts the halves back together.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        super::split_owned::split_owned(self)
    }
}

impl AsyncStream for TcpStream {
    type Socket = std::net::TcpStream;

    fn io(&self) -> &Async<std::net::TcpStream> {
        &self.io
    }

    fn read_once(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<(usize, bool)> {
        self.inq.read(self.io.get_ref(), bufs)
    }

    fn read_once_uninit(&self, buf: &mut [MaybeUninit<u8>]) -> io::Result<(usize, bool)> {
        self.inq.read_uninit(self.io.get_ref(), buf)
    }
}

impl_async_read!(TcpStream, |stream| stream);
impl_async_read!(&TcpStream, |stream| *stream);

impl_async_write!(
    TcpStream, |stream| stream,
    /// A no-op: a TCP stream buffers nothing in user space.
    poll_flush,
    /// Shuts down the write side (`shutdown(Shutdown::Write)`).
    poll_close,
);
impl_async_write!(
    &TcpStream, |stream| *stream,
    /// A no-op: a TCP stream buffers nothing in user space.
    poll_flush,
    /// Shuts down the write side (`shutdown(Shutdown::Write)`).
    poll_close,
);

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpStream").field(self.io.get_ref()).finish()
    }
}
