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
use std::mem::MaybeUninit;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::task::{Context, Poll};

/// A connected std stream socket (`TcpStream`, `UnixStream`), as the shared stream code uses it.
pub(crate) trait StreamSocket: AsFd {
    /// std's `shutdown`.
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;

    /// One non-blocking read into `bufs` (`recv` for one buffer, `readv` for several).
    fn read_bufs(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize>;

    /// One non-blocking write of `bufs` (`send` for one buffer, `writev` for several).
    fn write_bufs(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;

    /// One non-blocking read into `buf`, which may be uninitialised: the bytes read (initialised
    /// now at the front of `buf`).
    fn read_uninit(&self, buf: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
        // SAFETY: the `iovec` describes `buf`, writable for its length and borrowed mutably for
        // the call; the kernel only writes there.
        unsafe { readv(self.as_fd(), &[uninit_iovec(buf)]) }
    }
}

/// The `iovec` describing `buf`, for a read into memory that may be uninitialised.
pub(crate) fn uninit_iovec(buf: &mut [MaybeUninit<u8>]) -> libc::iovec {
    libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    }
}

/// `bufs` as the `iovec`s the kernel takes (std guarantees `IoSliceMut` is ABI-compatible with
/// `iovec` on Unix). Each describes memory that `bufs` borrows mutably, so it is valid for writes.
pub(crate) fn as_iovecs<'a>(bufs: &'a mut [IoSliceMut<'_>]) -> &'a [libc::iovec] {
    // SAFETY: same size, alignment and layout (std's guarantee); the result is a shared view of
    // the same slice, for no longer than the mutable borrow it came from.
    unsafe { std::slice::from_raw_parts(bufs.as_mut_ptr().cast::<libc::iovec>(), bufs.len()) }
}

/// `readv(2)` on `fd`: one read into the memory the `iovecs` describe.
///
/// # Safety
///
/// Every `iovec` describes memory valid for writes of its length for the duration of the call.
pub(crate) unsafe fn readv(fd: BorrowedFd<'_>, iovecs: &[libc::iovec]) -> io::Result<usize> {
    let count = libc::c_int::try_from(iovecs.len()).unwrap_or(libc::c_int::MAX);
    // SAFETY: the caller's guarantee for the memory; `iovecs` is a live array of `count` (or
    // more) entries; the descriptor is open for the duration of the borrow.
    let read = unsafe { libc::readv(fd.as_raw_fd(), iovecs.as_ptr(), count) };
    if read < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(read as usize)
}

/// Implements [`StreamSocket`] for a std stream type with inherent `shutdown` and `Read`/`Write`
/// on shared references.
macro_rules! impl_stream_socket {
    ($($socket:ty),*) => {$(
        impl StreamSocket for $socket {
            fn shutdown(&self, how: Shutdown) -> io::Result<()> {
                // The inherent method, not this one.
                <$socket>::shutdown(self, how)
            }

            fn read_bufs(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                match bufs {
                    [buf] => (&mut &*self).read(buf),
                    _ => (&mut &*self).read_vectored(bufs),
                }
            }

            fn write_bufs(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                match bufs {
                    [buf] => (&mut &*self).write(buf),
                    _ => (&mut &*self).write_vectored(bufs),
                }
            }
        }
    )*};
}

impl_stream_socket!(std::net::TcpStream, std::os::unix::net::UnixStream);

/// A corio byte stream ([`TcpStream`](super::TcpStream), [`UnixStream`](super::UnixStream)), as
/// the code shared by the streams and their halves sees it.
pub(crate) trait AsyncStream {
    /// The std socket inside.
    type Socket: StreamSocket;

    /// The registered socket.
    fn io(&self) -> &Async<Self::Socket>;

    /// One non-blocking read into `bufs`: the bytes read, and `true` if the read is known to have
    /// emptied the socket (so its readiness can be forgotten without an `EAGAIN` read; only a
    /// stream that can tell, like TCP with `TCP_INQ`, ever says so).
    fn read_once(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<(usize, bool)> {
        self.io()
            .get_ref()
            .read_bufs(bufs)
            .map(|read| (read, false))
    }

    /// [`read_once`](Self::read_once) into memory that may be uninitialised.
    #[cfg_attr(not(feature = "hyper"), allow(dead_code))]
    fn read_once_uninit(&self, buf: &mut [MaybeUninit<u8>]) -> io::Result<(usize, bool)> {
        self.io()
            .get_ref()
            .read_uninit(buf)
            .map(|read| (read, false))
    }
}

/// `AsyncRead::poll_read` and `poll_read_vectored`.
pub(crate) fn poll_read<S: AsyncStream>(
    stream: &S,
    cx: &mut Context<'_>,
    bufs: &mut [IoSliceMut<'_>],
) -> Poll<io::Result<usize>> {
    stream
        .io()
        .poll_read_draining(cx, |_| stream.read_once(bufs))
}

/// `AsyncWrite::poll_write` and `poll_write_vectored`. A short write means the socket buffer is
/// full: the readiness is forgotten at once (the kernel raises a new edge when room frees up),
/// which saves the `EAGAIN` write that would otherwise find it out.
pub(crate) fn poll_write<S: AsyncStream>(
    stream: &S,
    cx: &mut Context<'_>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>> {
    let len: usize = bufs.iter().map(|buf| buf.len()).sum();
    stream.io().poll_write_draining(cx, |socket| {
        let written = socket.write_bufs(bufs)?;
        Ok((written, 0 < written && written < len))
    })
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
                let mut bufs = [::std::io::IoSliceMut::new(buf)];
                $crate::net::stream::poll_read($stream, cx, &mut bufs)
            }

            fn poll_read_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                $crate::net::stream::poll_read($stream, cx, bufs)
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
                $crate::net::stream::poll_write($stream, cx, &[::std::io::IoSlice::new(buf)])
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                $crate::net::stream::poll_write($stream, cx, bufs)
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
