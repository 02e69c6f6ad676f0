//! `TcpListener`: a TCP socket accepting connections.

use super::TcpStream;
use crate::io::Async;
use crate::net::addr::{no_addresses, resolve, ToSocketAddrs};
use futures_util::Stream;
use socket2::{Domain, Protocol, Socket, Type};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The `listen` backlog of [`TcpListener::bind`] (tokio's; the kernel caps it at `somaxconn`).
const BACKLOG: i32 = 1024;

/// A TCP socket server, listening for connections.
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
///     let server = corio::spawn(async move {
///         let (mut stream, _peer) = listener.accept().await?;
///         let mut buf = [0; 5];
///         stream.read_exact(&mut buf).await?;
///         stream.write_all(&buf).await?;
///         std::io::Result::Ok(())
///     });
///     let mut client = TcpStream::connect(addr).await?;
///     client.write_all(b"hello").await?;
///     let mut echo = [0; 5];
///     client.read_exact(&mut echo).await?;
///     assert_eq!(&echo, b"hello");
///     server.await??;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct TcpListener {
    io: Async<std::net::TcpListener>,
}

impl TcpListener {
    /// Creates a listener bound to `addr`, with `SO_REUSEADDR` set (so a restarted server can
    /// rebind a port whose old connections linger in `TIME_WAIT`) and a backlog of 1024.
    ///
    /// If `addr` resolves to several addresses, each is tried in turn until one binds. Binding port
    /// 0 asks the OS for a free port; [`local_addr`](Self::local_addr) tells which.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if another socket listens on the address, `InvalidInput` for an unparsable
    /// address, the last address's error if none binds, or an error outside a corio runtime.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        let mut last_err = None;
        for addr in resolve(addr).await? {
            match TcpListener::bind_addr(addr) {
                Ok(listener) => return Ok(listener),
                Err(err) => last_err = Some(err),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into())?;
        socket.listen(BACKLOG)?;
        TcpListener::from_std(socket.into())
    }

    /// Wraps a listener made with std (or anything that can become one), switching it to
    /// non-blocking mode and registering it with the current runtime.
    ///
    /// # Errors
    ///
    /// Outside a corio runtime, or if the OS refuses the registration.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: Async::new(listener)?,
        })
    }

    /// Deregisters the listener and returns the std one, still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the poller refuses to remove the descriptor.
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        self.io.into_inner()
    }

    /// Waits for a new connection and returns it with the peer's address.
    ///
    /// The accepted stream is non-blocking and registered with the current runtime.
    ///
    /// Readiness is forgotten only when `accept` reports `WouldBlock`. Any other error — notably
    /// `EMFILE`/`ENFILE` when the process or system runs out of file descriptors — is returned
    /// with the listener still marked ready, so the next `accept` tries the kernel again at once
    /// and takes the queued connection as soon as descriptors free up (with edge-triggered polling
    /// no new event would come for a connection that is already queued).
    ///
    /// # Errors
    ///
    /// What `accept(2)` reports (`EMFILE`, `ENFILE`, `ECONNABORTED`, ...), a registration error
    /// for the new stream, or an error once the runtime has shut down.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// The polling form of [`accept`](Self::accept): registers `cx`'s waker when no connection is
    /// queued.
    ///
    /// # Errors
    ///
    /// As [`accept`](Self::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (stream, peer) = ready!(self.io.poll_read_with(cx, |listener| listener.accept()))?;
        Poll::Ready(TcpStream::from_std(stream).map(|stream| (stream, peer)))
    }

    /// An endless stream of accepted connections (`accept` in a loop).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::net::{TcpListener, TcpStream};
    /// use futures_util::StreamExt;
    ///
    /// corio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let addr = listener.local_addr()?;
    ///     let clients: Vec<_> = (0..3).map(|_| corio::spawn(TcpStream::connect(addr))).collect();
    ///     let accepted: Vec<_> = listener.incoming().take(3).collect().await;
    ///     assert!(accepted.iter().all(Result::is_ok));
    ///     for client in clients {
    ///         client.await??;
    ///     }
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// What `getsockname(2)` reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets `IP_TTL`, the time-to-live of packets sent from the accepted sockets.
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

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpListener")
            .field(self.io.get_ref())
            .finish()
    }
}

/// The stream of connections returned by [`TcpListener::incoming`]. It never ends; an `accept`
/// error is an item, after which the stream goes on accepting.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (stream, _peer) = ready!(self.listener.poll_accept(cx))?;
        Poll::Ready(Some(Ok(stream)))
    }
}
