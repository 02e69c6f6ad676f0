//! `UnixStream::split`: a read half and a write half borrowing one stream.
//!
//! Both halves are `&UnixStream` underneath (which reads and writes through a shared reference), so
//! they cost nothing and need no locking: the driver keeps separate waiter lists per direction.

use super::SocketAddr;
use super::UnixStream;
use futures_io::{AsyncRead, AsyncWrite};
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The read half of a [`UnixStream`], from [`UnixStream::split`].
///
/// # Examples
///
/// ```
/// use corio::io::{AsyncReadExt, AsyncWriteExt};
/// use corio::net::UnixStream;
///
/// corio::run(async {
///     let (mut client, mut server) = UnixStream::pair()?;
///     // Echo through the two halves of one stream, concurrently.
///     let (mut reader, mut writer) = UnixStream::split(&mut server);
///     client.write_all(b"echo").await?;
///     client.close().await?;
///     corio::io::copy(&mut reader, &mut writer).await?;
///     writer.close().await?;
///     let mut echo = Vec::new();
///     client.read_to_end(&mut echo).await?;
///     assert_eq!(echo, b"echo");
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a UnixStream);

/// The write half of a [`UnixStream`], from [`UnixStream::split`]. Closing it
/// (`AsyncWriteExt::close`) shuts the write side down; dropping it does nothing.
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a UnixStream);

pub(super) fn split(stream: &mut UnixStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

impl ReadHalf<'_> {
    /// Waits until the stream is readable. See [`UnixStream::readable`].
    ///
    /// # Errors
    ///
    /// After the runtime shut down.
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// The remote address of the connection.
    ///
    /// # Errors
    ///
    /// As [`UnixStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// As [`UnixStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
    /// Waits until the stream is writable. See [`UnixStream::writable`].
    ///
    /// # Errors
    ///
    /// After the runtime shut down.
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// The remote address of the connection.
    ///
    /// # Errors
    ///
    /// As [`UnixStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// As [`UnixStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl AsyncRead for ReadHalf<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_read_priv(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_read_vectored_priv(cx, bufs)
    }
}

impl AsyncWrite for WriteHalf<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_vectored_priv(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.0.poll_shutdown_priv()
    }
}

impl AsRef<UnixStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}

impl AsRef<UnixStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}
