//! Networking: TCP, UDP and Unix domain sockets on the runtime's I/O driver.
//!
//! Every type here is a std socket inside an [`Async`](crate::io::Async): non-blocking, registered
//! with the runtime's shared driver (edge-triggered), deregistered before it closes. The names and
//! signatures are tokio's; the byte streams implement the ecosystem's `futures-io`
//! [`AsyncRead`](crate::io::AsyncRead)/[`AsyncWrite`](crate::io::AsyncWrite), so
//! [`AsyncReadExt`](crate::io::AsyncReadExt), [`copy`](crate::io::copy) and friends work.
//!
//! | type            | made by                                  | waits in                          |
//! |-----------------|------------------------------------------|-----------------------------------|
//! | [`TcpListener`] | `bind(addr).await`, `from_std`           | `accept`, `incoming`              |
//! | [`TcpStream`]   | `connect(addr).await`, `accept`          | reads, writes, `peek`             |
//! | [`UdpSocket`]   | `bind(addr).await`, `from_std`           | `send(_to)`, `recv(_from)`, `peek(_from)` |
//! | [`UnixListener`] | `bind(path)`                            | `accept`, `incoming`              |
//! | [`UnixStream`]  | `connect(path).await`, `pair`, `accept`  | reads, writes                     |
//! | [`UnixDatagram`] | `bind(path)`, `unbound`, `pair`         | `send(_to)`, `recv(_from)`        |
//!
//! # Protocols
//!
//! 1. **Address resolution never blocks a worker.** An argument of [`ToSocketAddrs`] that is a
//!    literal address is parsed on the spot; a host name goes to the system resolver on the
//!    blocking pool. An address that cannot be parsed at all (no port, a port above 65535) is
//!    `InvalidInput` without a lookup. Several addresses are tried in order; the last error wins.
//! 2. **Connecting never blocks a worker.** std has no non-blocking connect, so the socket is made
//!    with `socket2`, set non-blocking, and connected: `EINPROGRESS` means "wait until writable",
//!    after which `SO_ERROR` tells success from failure (`connect.rs`).
//! 3. **Readiness is forgotten only when the kernel says so.** An operation that returns
//!    `WouldBlock` clears the direction's readiness (unless a newer event arrived meanwhile), and
//!    so do two operations whose result already tells: a stream write that wrote less than it was
//!    given (the send buffer is full; the kernel raises a new edge when room frees up), and a TCP
//!    read after which `TCP_INQ` reports nothing left in the receive queue (Linux; switched on
//!    after a stream's second read that would block, `tcp/inq.rs`) — each saves the `EAGAIN`
//!    call that would otherwise find it out. Nothing else does. In particular `accept` failing
//!    with `EMFILE`/`ENFILE` leaves the listener ready: the queued connection raises no new edge,
//!    so a listener that forgot its readiness there would sleep until the *next* client arrived;
//!    the server's next `accept` retries at once instead. Nor does a plain short stream read:
//!    `polling` neither registers nor reports `EPOLLRDHUP`, so a peer's FIN that arrived with the
//!    last data raises no further edge, and a short read that forgot readiness would then wait
//!    forever for the end-of-file. `TCP_INQ` has no such hole: after the FIN the kernel reports
//!    at least one byte left, the end-of-file.
//! 4. **Shared references do I/O.** `&TcpStream` and `&UnixStream` read and write; the datagram
//!    sockets take `&self` everywhere. The driver keeps a list of waiters per direction, so two
//!    tasks may wait on one socket. [`TcpStream::split`] borrows (call it as
//!    `TcpStream::split(&mut s)`: with `AsyncReadExt` in scope, `s.split()` is that trait's
//!    by-value `split`); [`TcpStream::into_split`] shares an `Arc`, and its write half shuts the
//!    write side down when dropped.
//! 5. **Closing is synchronous.** `shutdown(how)` is std's; `AsyncWriteExt::close` on a stream is
//!    `shutdown(Write)` (a half-close: the peer reads end-of-file and may still answer). Dropping a
//!    socket deregisters it, then closes it. Its readiness record, with any waker a dropped future
//!    left there, dies with it, and the driver drops events still in flight for the freed slot
//!    (by generation): nothing stale is woken, not even through a new socket that reuses the
//!    descriptor number or the slot.
//! 6. **Shutdown fails pending I/O.** When the runtime shuts down, every registration is marked
//!    shut down: a socket's pending and later operations return an error instead of hanging, and
//!    no new socket can be created.
//!
//! # Guarantees and current behaviour
//!
//! Users may rely on: all types are `Send + Sync + Unpin`; their futures are `Send` when their
//! arguments are; every I/O readiness spends one unit of the task's cooperative budget, so an
//! always-ready socket cannot starve other tasks; errors are std's `io::Error` with the kinds
//! above. Today's numbers, which may change: `TcpListener::bind` sets `SO_REUSEADDR` and listens
//! with a backlog of 1024; `UnixListener::bind` uses std's backlog.

mod addr;
mod connect;
// The byte stream and its halves, written once for `tcp` and `unix`.
mod split;
mod split_owned;
pub(crate) mod stream;
pub mod tcp;
mod udp;
pub mod unix;

pub use self::addr::{lookup_host, ToSocketAddrs};
pub use self::tcp::{TcpListener, TcpStream};
pub use self::udp::UdpSocket;
pub use self::unix::{UnixDatagram, UnixListener, UnixStream};
