//! `UnixStream`: a connected Unix stream socket.

use super::split::{ReadHalf, WriteHalf};
use super::split_owned::{OwnedReadHalf, OwnedWriteHalf};
use super::SocketAddr;
use crate::io::Async;
use crate::net::connect;
use crate::net::stream::{impl_async_read, impl_async_write, AsyncStream};
use socket2::{Domain, SockAddr, Socket, Type};
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;

/// A connected Unix stream socket. Like [`TcpStream`](crate::net::TcpStream) it reads and writes
/// through `&UnixStream` too, and splits into halves.
///
/// # Examples
///
/// ```
/// use corio::io::{AsyncReadExt, AsyncWriteExt};
/// use corio::net::UnixStream;
///
/// corio::run(async {
///     let (mut a, mut b) = UnixStream::pair()?;
///     a.write_all(b"over the socket pair").await?;
///     a.close().await?;
///     let mut got = String::new();
///     b.read_to_string(&mut got).await?;
///     assert_eq!(got, "over the socket pair");
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct UnixStream {
    io: Async<std::os::unix::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the listener bound to `path`, without blocking a worker.
    ///
    /// # Errors
    ///
    /// `NotFound` if no socket file exists at `path`, `ConnectionRefused` if nobody listens on
    /// it, `WouldBlock` if the listener's backlog is full (Linux refuses a non-blocking connect
    /// then, and no readiness event announces free room), or an error outside a corio runtime.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let addr = SockAddr::unix(path)?;
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.set_nonblocking(true)?;
        connect::start(&socket, &addr)?;
        let stream = UnixStream::from_std(OwnedFd::from(socket).into())?;
        connect::finish(&stream.io).await?;
        Ok(stream)
    }

    /// A pair of connected, unnamed sockets.
    ///
    /// # Errors
    ///
    /// What `socketpair(2)` reports, or an error outside a corio runtime.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }

    /// Wraps a connected std stream, switching it to non-blocking mode and registering it with
    /// the current runtime.
    ///
    /// # Errors
    ///
    /// Outside a corio runtime, or if the OS refuses the registration.
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: Async::new(stream)?,
        })
    }

    /// Deregisters the stream and returns the std one, still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the poller refuses to remove the descriptor.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        self.io.into_inner()
    }

    /// The local address (unnamed unless this side was bound).
    ///
    /// # Errors
    ///
    /// What `getsockname(2)` reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The peer's address (the listener's path, for a connected client).
    ///
    /// # Errors
    ///
    /// What `getpeername(2)` reports.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// Shuts down the read half, the write half or both (synchronously).
    ///
    /// # Errors
    ///
    /// What `shutdown(2)` reports.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
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

    /// Borrows the stream as a read half and a write half, usable by two futures at once.
    ///
    /// With [`AsyncReadExt`](crate::io::AsyncReadExt) in scope, `stream.split()` resolves to that
    /// trait's `split(self)` instead (Rust prefers a by-value receiver to `&mut self`), which
    /// also works but locks the stream on every operation. Call `UnixStream::split(&mut stream)` to
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

impl AsyncStream for UnixStream {
    type Socket = std::os::unix::net::UnixStream;

    fn io(&self) -> &Async<std::os::unix::net::UnixStream> {
        &self.io
    }
}

impl_async_read!(UnixStream, |stream| stream);
impl_async_read!(&UnixStream, |stream| *stream);

impl_async_write!(
    UnixStream, |stream| stream,
    /// A no-op: a Unix stream buffers nothing in user space.
    poll_flush,
    /// Shuts down the write side (`shutdown(Shutdown::Write)`).
    poll_close,
);
impl_async_write!(
    &UnixStream, |stream| *stream,
    /// A no-op: a Unix stream buffers nothing in user space.
    poll_flush,
    /// Shuts down the write side (`shutdown(Shutdown::Write)`).
    poll_close,
);

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnixStream")
            .field(self.io.get_ref())
            .finish()
    }
}
