//! The byte stream shared by [`TcpStream`](super::TcpStream), [`UnixStream`](super::UnixStream)
//! and their halves: reading, writing and closing through a shared reference to the registered
//! socket, written once.
//!
//! The public stream types hold an `Async` of their std socket and implement [`AsyncStream`]; every
//! `AsyncRead`/`AsyncWrite` impl of a stream, of `&stream` and of a half is stamped by
//! [`impl_async_read!`] and [`impl_async_write!`] and ends in the `poll_*` functions here. So a
//! stream and its halves cannot drift apart: the same readiness rules (protocol 3 in the
//! [`net`](super) docs) and the same half-close (protocol 5) hold for all of them.

use crate::io::Async;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsFd;
use std::task::{Context, Poll};

/// A connected std stream socket. std reads and writes through `&TcpStream` and `&UnixStream`;
/// this adds what it offers only as inherent methods.
pub(crate) trait StreamSocket: AsFd {
    /// std's `shutdown`.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
}

impl StreamSocket for std::net::TcpStream {
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        // The inherent method, not this one.
        std::net::TcpStream::shutdown(self, how)
    }
}

impl StreamSocket for std::os::unix::net::UnixStream {
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        // The inherent method, not this one.
        std::os::unix::net::UnixStream::shutdown(self, how)
    }
}

/// A corio byte stream ([`TcpStream`](super::TcpStream), [`UnixStream`](super::UnixStream)), as
/// the code shared by the streams and their halves sees it.
pub(crate) trait AsyncStream {
    /// The std socket inside.
    type Socket: StreamSocket;

    /// The registered socket.
    fn io(&self) -> &Async<Self::Socket>;
}

/// `AsyncRead::poll_read`.
pub(crate) fn poll_read<T: AsFd>(
    io: &Async<T>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>>
where
    for<'a> &'a T: Read,
{
    io.poll_read_with(cx, |mut stream| stream.read(buf))
}

/// `AsyncRead::poll_read_vectored`.
pub(crate) fn poll_read_vectored<T: AsFd>(
    io: &Async<T>,
    cx: &mut Context<'_>,
    bufs: &mut [IoSliceMut<'_>],
) -> Poll<io::Result<usize>>
where
    for<'a> &'a T: Read,
{
    io.poll_read_with(cx, |mut stream| stream.read_vectored(bufs))
}

/// `AsyncWrite::poll_write`.
pub(crate) fn poll_write<T: AsFd>(
    io: &Async<T>,
    cx: &mut Context<'_>,
    buf: &[u8],
) -> Poll<io::Result<usize>>
where
    for<'a> &'a T: Write,
{
    io.poll_write_with(cx, |mut stream| stream.write(buf))
}

/// `AsyncWrite::poll_write_vectored`.
pub(crate) fn poll_write_vectored<T: AsFd>(
    io: &Async<T>,
    cx: &mut Context<'_>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>>
where
    for<'a> &'a T: Write,
{
    io.poll_write_with(cx, |mut stream| stream.write_vectored(bufs))
}

/// `AsyncWrite::poll_close`: the write side shuts down (the peer reads end-of-file), at once.
pub(crate) fn poll_close<T: StreamSocket>(io: &Async<T>) -> Poll<io::Result<()>> {
    Poll::Ready(io.get_ref().shutdown(Shutdown::Write))
}

/// Implements `AsyncRead` for `$ty` by reading the stream `$stream`, an expression of `$this: &$ty`
/// that gives a `&TcpStream` or `&UnixStream`.
macro_rules! impl_async_read {
    ($ty:ty, |$this:ident| $stream:expr) => {
        impl ::futures_io::AsyncRead for $ty {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut [u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                let io = $crate::net::stream::AsyncStream::io($stream);
                $crate::net::stream::poll_read(io, cx, buf)
            }

            fn poll_read_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                let io = $crate::net::stream::AsyncStream::io($stream);
                $crate::net::stream::poll_read_vectored(io, cx, bufs)
            }
        }
    };
}

/// Implements `AsyncWrite` for `$ty` by writing the stream `$stream` (as in [`impl_async_read!`]):
/// flushing does nothing, since nothing is buffered in user space, and closing shuts the write
/// side down. Doc comments written before `poll_flush` and `poll_close` go on those methods.
macro_rules! impl_async_write {
    (
        $ty:ty, |$this:ident| $stream:expr
        $(, $(#[$flush_doc:meta])* poll_flush, $(#[$close_doc:meta])* poll_close)? $(,)?
    ) => {
        impl ::futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                let io = $crate::net::stream::AsyncStream::io($stream);
                $crate::net::stream::poll_write(io, cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                let io = $crate::net::stream::AsyncStream::io($stream);
                $crate::net::stream::poll_write_vectored(io, cx, bufs)
            }

            $($(#[$flush_doc])*)?
            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(Ok(()))
            }

            $($(#[$close_doc])*)?
            fn poll_close(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                let $this = &*self;
                $crate::net::stream::poll_close($crate::net::stream::AsyncStream::io($stream))
            }
        }
    };
}

pub(crate) use {impl_async_read, impl_async_write};
