//! [`Adapter`] and [`NetAdapter`] for tokio: a thin forward to `tokio::runtime::Runtime`,
//! `tokio::spawn`, `tokio::task::yield_now`, `tokio::time::sleep_until`, `tokio::net` and tokio's
//! `AsyncReadExt`/`AsyncWriteExt`. Must never add work on a hot path.
//!
//! For HTTP, [`TokioIo`] presents a tokio stream as hyper's I/O, as hyper-util's `TokioIo` does for
//! tokio users: reads go straight into hyper's (possibly uninitialised) buffer through tokio's
//! `ReadBuf`, everything else forwards. It is written here rather than taken from hyper-util: that
//! crate would add its own dependency tree to the lock for one forwarding wrapper.
//!
//! The runtime is built with `enable_all()`, as tokio's own scheduler benchmarks do: corio always
//! runs its I/O driver and timers, so a tokio without them would park on a cheaper path and the
//! comparison would no longer be like with like.

use std::future::Future;
use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use ::tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use hyper::rt::ReadBufCursor;

use super::{Adapter, HttpAdapter, NetAdapter};

/// A tokio multi-thread runtime (I/O and time drivers enabled).
pub struct Tokio {
    rt: ::tokio::runtime::Runtime,
}

impl Tokio {
    /// The runtime itself, for workloads that need more than the adapter offers.
    pub fn runtime(&self) -> &::tokio::runtime::Runtime {
        &self.rt
    }
}

impl Adapter for Tokio {
    const NAME: &'static str = "tokio";

    type JoinError = ::tokio::task::JoinError;
    type Join<T: Send + 'static> = ::tokio::task::JoinHandle<T>;
    type Sleep = ::tokio::time::Sleep;

    fn build(workers: usize) -> io::Result<Self> {
        let rt = ::tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()?;
        Ok(Tokio { rt })
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    fn spawn<F>(&self, fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.rt.spawn(fut)
    }

    fn spawn_inside<F>(fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        ::tokio::spawn(fut)
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        ::tokio::task::yield_now()
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        ::tokio::time::sleep_until(deadline.into())
    }
}

impl NetAdapter for Tokio {
    const NET_AVAILABLE: bool = true;

    type TcpListener = ::tokio::net::TcpListener;
    type TcpStream = ::tokio::net::TcpStream;
    type UdpSocket = ::tokio::net::UdpSocket;

    fn tcp_bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::TcpListener>> + Send {
        ::tokio::net::TcpListener::bind(addr)
    }

    fn tcp_listener_addr(listener: &Self::TcpListener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn tcp_accept(listener: &Self::TcpListener) -> io::Result<Self::TcpStream> {
        listener.accept().await.map(|(stream, _)| stream)
    }

    fn tcp_connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::TcpStream>> + Send {
        ::tokio::net::TcpStream::connect(addr)
    }

    fn tcp_set_nodelay(stream: &Self::TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)
    }

    fn tcp_read<'a>(
        stream: &'a mut Self::TcpStream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a {
        stream.read(buf)
    }

    async fn tcp_read_exact<'a>(
        stream: &'a mut Self::TcpStream,
        buf: &'a mut [u8],
    ) -> io::Result<()> {
        stream.read_exact(buf).await.map(drop)
    }

    fn tcp_write_all<'a>(
        stream: &'a mut Self::TcpStream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a {
        stream.write_all(buf)
    }

    fn tcp_shutdown_write(
        stream: &mut Self::TcpStream,
    ) -> impl Future<Output = io::Result<()>> + Send + '_ {
        stream.shutdown()
    }

    fn udp_bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::UdpSocket>> + Send {
        ::tokio::net::UdpSocket::bind(addr)
    }

    fn udp_local_addr(socket: &Self::UdpSocket) -> io::Result<SocketAddr> {
        socket.local_addr()
    }

    fn udp_connect(
        socket: &Self::UdpSocket,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<()>> + Send + '_ {
        socket.connect(addr)
    }

    fn udp_send<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a {
        socket.send(buf)
    }

    fn udp_recv<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a {
        socket.recv(buf)
    }

    fn udp_send_to<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a [u8],
        target: SocketAddr,
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a {
        socket.send_to(buf, target)
    }

    fn udp_recv_from<'a>(
        socket: &'a Self::UdpSocket,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send + 'a {
        socket.recv_from(buf)
    }
}

impl HttpAdapter for Tokio {
    type HttpIo = TokioIo<::tokio::net::TcpStream>;

    fn http_io(stream: Self::TcpStream) -> Self::HttpIo {
        TokioIo(stream)
    }
}

/// A tokio stream as `hyper::rt::Read + hyper::rt::Write`: every method forwards to tokio's
/// `AsyncRead`/`AsyncWrite`.
#[derive(Debug)]
pub struct TokioIo<T>(pub T);

impl<T: AsyncRead + Unpin> hyper::rt::Read for TokioIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let filled = {
            // SAFETY: `as_mut` asks that no initialised byte be de-initialised. The slice is only
            // handed to a tokio `ReadBuf`, whose API writes initialised bytes or nothing.
            let unfilled = unsafe { buf.as_mut() };
            let mut tokio_buf = ReadBuf::uninit(unfilled);
            match Pin::new(&mut self.0).poll_read(cx, &mut tokio_buf) {
                Poll::Ready(Ok(())) => tokio_buf.filled().len(),
                other => return other,
            }
        };
        // SAFETY: `advance(n)` asks that the first `n` unfilled bytes be initialised: they are the
        // part tokio's `ReadBuf` reports filled, which it guarantees initialised.
        unsafe { buf.advance(filled) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for TokioIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }
}
