//! hyper's `rt::Read` and `rt::Write` on corio's own byte streams, [`TcpStream`] and
//! [`UnixStream`], with no wrapper: a read lands in hyper's (uninitialised) buffer straight from
//! the kernel, with none of the zeroing a futures-io reader needs ([`CorioIo`](super::CorioIo)).
//!
//! The rules the two `unsafe` calls rely on:
//!
//! 1. `ReadBufCursor::as_mut` hands out the unfilled part of hyper's buffer, possibly
//!    uninitialised; its caller must not de-initialise any byte of it. The read below only has the
//!    kernel write bytes there (`readv`/`recvmsg` into that memory).
//! 2. `ReadBufCursor::advance(n)` requires the first `n` unfilled bytes to be initialised: a read
//!    that returned `n` wrote exactly those.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use ::hyper::rt::{Read, ReadBufCursor, Write};

use crate::net::stream::{self, AsyncStream};
use crate::net::{TcpStream, UnixStream};

/// Implements hyper's `Read` and `Write` for corio byte streams: every method forwards to the
/// stream code shared with their futures-io impls (`net/stream.rs`), so the readiness rules are
/// the same. `poll_shutdown` is a half-close, as futures-io's `poll_close` is.
macro_rules! impl_hyper_io {
    ($($stream:ty),*) => {$(
        impl Read for $stream {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: ReadBufCursor<'_>,
            ) -> Poll<io::Result<()>> {
                poll_read_into_cursor(&*self, cx, buf)
            }
        }

        impl Write for $stream {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                stream::poll_write(&*self, cx, &[IoSlice::new(buf)])
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                stream::poll_write(&*self, cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                // Nothing is buffered in user space.
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                stream::poll_close(AsyncStream::io(&*self))
            }
        }
    )*};
}

impl_hyper_io!(TcpStream, UnixStream);

/// One read from `stream` into the unfilled part of hyper's buffer, once the stream is readable.
fn poll_read_into_cursor<S: AsyncStream>(
    stream: &S,
    cx: &mut Context<'_>,
    mut buf: ReadBufCursor<'_>,
) -> Poll<io::Result<()>> {
    if buf.remaining() == 0 {
        // No room: report nothing read without waiting, as `CorioIo` does.
        return Poll::Ready(Ok(()));
    }
    // SAFETY: rule 1 — only the kernel writes into this memory, and only initialised bytes.
    let unfilled = unsafe { buf.as_mut() };
    let read = ready!(stream
        .io()
        .poll_read_draining(cx, |_| stream.read_once_uninit(unfilled)))?;
    // SAFETY: rule 2 — the read wrote its first `read` bytes.
    unsafe { buf.advance(read) };
    Poll::Ready(Ok(()))
}
