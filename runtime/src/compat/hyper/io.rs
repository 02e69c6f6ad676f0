//! `CorioIo<T>`: any futures-io stream as hyper's `rt::Read` + `rt::Write`.
//!
//! # The read buffer
//!
//! hyper reads into a `ReadBufCursor`, whose unfilled part may be uninitialised memory;
//! futures-io's `poll_read` takes an initialised `&mut [u8]` (a reader may look at it). So each
//! read first initialises the part it hands over, through the cursor's own safe
//! `initialize_unfilled_to`, which zeroes only bytes the cursor does not already know to be
//! initialised, then advances the cursor by what the reader reported. The rules the one `unsafe`
//! call relies on:
//!
//! 1. `ReadBufCursor::advance(n)` requires that the first `n` unfilled bytes are initialised.
//! 2. `initialize_unfilled_to(len)` returns exactly the first `len` unfilled bytes, initialised.
//! 3. A futures-io reader reports `n <= buf.len()` bytes read; a reader that reports more breaks
//!    its contract, and `poll_read` panics before advancing rather than trust it.
//!
//! hyper hands over a fresh cursor for every read, so nothing zeroed by one read counts as
//! initialised for the next: every read pays for zeroing what it offers. So a read offers an
//! adaptive amount (`ReadSize`), not all of hyper's spare buffer (hyper keeps tens of KiB spare):
//! 4 KiB to start, doubled after a read that filled it, up to [`MAX_READ`], halved after a read
//! that used less than a quarter. Small requests then zero a few KiB per read; a bulk transfer
//! soon reads 64 KiB at a time. (Offering hyper's whole spare buffer zeroed ~28 KiB per read of a
//! ~100-byte request in the `http_hello` benchmark.)

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use ::hyper::rt::{Read, ReadBufCursor, Write};
use futures_io::{AsyncRead, AsyncWrite};

/// The first read offers this much.
const MIN_READ: usize = 4 * 1024;
/// The most a single `poll_read` offers the inner reader (and so zeroes first).
const MAX_READ: usize = 64 * 1024;

/// How much the next read offers (see the module notes).
#[derive(Clone, Copy, Debug)]
struct ReadSize(usize);

impl ReadSize {
    /// Adapts to a read of `read` bytes out of `offered`.
    fn record(&mut self, read: usize, offered: usize) {
        if read == offered {
            self.0 = (self.0 * 2).min(MAX_READ);
        } else if read < offered / 4 {
            self.0 = (self.0 / 2).max(MIN_READ);
        }
    }
}

/// A futures-io stream as hyper's I/O: `hyper::rt::Read` and `hyper::rt::Write` for any
/// `T: AsyncRead + AsyncWrite + Unpin` — split halves of corio's streams (each direction alone: a
/// read half is `Read` only), a TLS stream, or any other futures-io type. corio's `TcpStream` and
/// `UnixStream` need no wrapper: they implement hyper's traits themselves, and read into hyper's
/// buffer without zeroing it first.
///
/// Every method forwards: `poll_write`, `poll_write_vectored` and `poll_flush` to the same
/// futures-io method, `poll_shutdown` to `poll_close` (for corio's sockets, a half-close of the
/// write side), `poll_read` to `poll_read` into hyper's buffer (see the module notes on its
/// initialisation).
///
/// `is_write_vectored` is `true`: futures-io has no such query, and corio's own streams write every
/// buffer with one `writev`, so hyper may queue its header and body buffers instead of copying them
/// into one. For a `T` whose `poll_write_vectored` is futures-io's default (the first buffer only),
/// that is still correct, one write per buffer; tell hyper to flatten instead with its builder's
/// `writev(false)`.
///
/// # Examples
///
/// ```
/// use corio::compat::hyper::CorioIo;
/// use corio::net::{TcpListener, TcpStream};
///
/// corio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let stream = TcpStream::connect(listener.local_addr()?).await?;
///     let io = CorioIo::new(stream);
///     assert_eq!(io.inner().peer_addr()?, listener.local_addr()?);
///     let stream: TcpStream = io.into_inner();
///     # drop(stream);
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct CorioIo<T> {
    inner: T,
    read_size: ReadSize,
}

impl<T> CorioIo<T> {
    /// Wraps `inner` for hyper.
    ///
    /// # Examples
    ///
    /// ```
    /// # corio::run(async {
    /// # let listener = corio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = corio::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let io = corio::compat::hyper::CorioIo::new(stream);
    /// # drop(io);
    /// # Ok::<(), std::io::Error>(())
    /// # })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(inner: T) -> CorioIo<T> {
        CorioIo {
            inner,
            read_size: ReadSize(MIN_READ),
        }
    }

    /// The wrapped stream.
    ///
    /// # Examples
    ///
    /// ```
    /// let io = corio::compat::hyper::CorioIo::new(futures_util::io::Cursor::new(vec![1, 2, 3]));
    /// assert_eq!(io.inner().get_ref(), &[1, 2, 3]);
    /// ```
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably. Reading or writing it directly while hyper owns the
    /// connection interleaves with hyper's own bytes; it is meant for socket options and the like.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut io = corio::compat::hyper::CorioIo::new(futures_util::io::Cursor::new(vec![1, 2]));
    /// io.inner_mut().get_mut().push(3);
    /// assert_eq!(io.inner().get_ref(), &[1, 2, 3]);
    /// ```
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream (for example after `hyper::server::conn::http1::Connection::into_parts`).
    ///
    /// # Examples
    ///
    /// ```
    /// let io = corio::compat::hyper::CorioIo::new(futures_util::io::Cursor::new(vec![7]));
    /// assert_eq!(io.into_inner().into_inner(), [7]);
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for CorioIo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CorioIo").field(&self.inner).finish()
    }
}

/// # Panics
///
/// `poll_read` panics if `T::poll_read` reports more bytes than the buffer it was given (a broken
/// `AsyncRead`), instead of handing hyper bytes that were never written.
impl<T: AsyncRead + Unpin> Read for CorioIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let len = buf.remaining().min(self.read_size.0);
        if len == 0 {
            // No room: report nothing read, as tokio's readers do for a full buffer.
            return Poll::Ready(Ok(()));
        }
        let dst = buf.initialize_unfilled_to(len);
        let n = ready!(Pin::new(&mut self.inner).poll_read(cx, dst))?;
        assert!(
            n <= len,
            "CorioIo: the inner AsyncRead reported {n} bytes read into a {len}-byte buffer; its \
             poll_read must return at most buf.len()"
        );
        self.read_size.record(n, len);
        // SAFETY: rule 2, `initialize_unfilled_to(len)` initialised the first `len` unfilled
        // bytes, and rule 3, `n <= len` was just checked; so rule 1 holds for `advance(n)`.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> Write for CorioIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
}
