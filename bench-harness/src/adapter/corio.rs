//! [`Adapter`] and [`NetAdapter`] for corio: a thin forward to `corio::Runtime`, `corio::spawn`,
//! `corio::task::yield_now`, `corio::time::sleep_until`, `corio::net` and `corio::io`'s
//! `AsyncReadExt`/`AsyncWriteExt`. Must never add work on a hot path.
//!
//! HTTP goes through corio's own hyper compat: [`HttpAdapter::HttpIo`](crate::HttpAdapter::HttpIo)
//! is `corio::net::TcpStream` itself, which implements hyper's I/O traits with the `hyper` feature.
//!
//! The networking half needs the `corio-net` feature (on by default). Built without it, the socket
//! types are uninhabited placeholders, every constructor fails with `Unsupported`, and
//! [`NetAdapter::NET_AVAILABLE`] is `false`, so the I/O workloads say "not available yet" for corio
//! instead of failing to build.

use std::future::Future;
use std::io;
use std::time::Instant;

use super::Adapter;

/// A corio multi-thread runtime.
pub struct Corio {
    rt: ::corio::Runtime,
}

impl Corio {
    /// The runtime itself, for workloads that need more than the adapter offers.
    pub fn runtime(&self) -> &::corio::Runtime {
        &self.rt
    }
}

impl Adapter for Corio {
    const NAME: &'static str = "corio";

    type JoinError = ::corio::task::JoinError;
    type Join<T: Send + 'static> = ::corio::task::JoinHandle<T>;
    type Sleep = ::corio::time::Sleep;

    fn build(workers: usize) -> io::Result<Self> {
        let rt = ::corio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .build()?;
        Ok(Corio { rt })
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
        ::corio::spawn(fut)
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        ::corio::task::yield_now()
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        ::corio::time::sleep_until(deadline)
    }
}

#[cfg(feature = "corio-net")]
mod net {
    use std::future::Future;
    use std::io;
    use std::net::SocketAddr;

    use ::corio::io::{AsyncReadExt, AsyncWriteExt};

    use super::Corio;
    use crate::adapter::{HttpAdapter, NetAdapter};

    impl HttpAdapter for Corio {
        type HttpIo = ::corio::net::TcpStream;

        fn http_io(stream: Self::TcpStream) -> Self::HttpIo {
            stream
        }
    }

    impl NetAdapter for Corio {
        const NET_AVAILABLE: bool = true;

        type TcpListener = ::corio::net::TcpListener;
        type TcpStream = ::corio::net::TcpStream;
        type UdpSocket = ::corio::net::UdpSocket;

        fn tcp_bind(
            addr: SocketAddr,
        ) -> impl Future<Output = io::Result<Self::TcpListener>> + Send {
            ::corio::net::TcpListener::bind(addr)
        }

        fn tcp_listener_addr(listener: &Self::TcpListener) -> io::Result<SocketAddr> {
            listener.local_addr()
        }

        async fn tcp_accept(listener: &Self::TcpListener) -> io::Result<Self::TcpStream> {
            listener.accept().await.map(|(stream, _)| stream)
        }

        fn tcp_connect(
            addr: SocketAddr,
        ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send {
            ::corio::net::TcpStream::connect(addr)
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

        fn tcp_read_exact<'a>(
            stream: &'a mut Self::TcpStream,
            buf: &'a mut [u8],
        ) -> impl Future<Output = io::Result<()>> + Send + 'a {
            stream.read_exact(buf)
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
            stream.close()
        }

        fn udp_bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::UdpSocket>> + Send {
            ::corio::net::UdpSocket::bind(addr)
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
}

/// Without `corio-net`: uninhabited sockets, so the I/O workloads compile and report "not available
/// yet" for corio.
#[cfg(not(feature = "corio-net"))]
mod net {
    use std::io;
    use std::net::SocketAddr;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use super::Corio;
    use crate::adapter::{HttpAdapter, NetAdapter};

    /// A socket that cannot exist: corio's networking is not in this build.
    pub enum Unavailable {}

    impl HttpAdapter for Corio {
        type HttpIo = Unavailable;

        fn http_io(stream: Unavailable) -> Unavailable {
            stream
        }
    }

    impl hyper::rt::Read for Unavailable {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: hyper::rt::ReadBufCursor<'_>,
        ) -> Poll<io::Result<()>> {
            match *self {}
        }
    }

    impl hyper::rt::Write for Unavailable {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<io::Result<usize>> {
            match *self {}
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            match *self {}
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            match *self {}
        }
    }

    fn unavailable() -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "corio::net is not available yet in this build (enable the corio-net feature)",
        )
    }

    impl NetAdapter for Corio {
        const NET_AVAILABLE: bool = false;

        type TcpListener = Unavailable;
        type TcpStream = Unavailable;
        type UdpSocket = Unavailable;

        async fn tcp_bind(_: SocketAddr) -> io::Result<Unavailable> {
            Err(unavailable())
        }
        fn tcp_listener_addr(listener: &Unavailable) -> io::Result<SocketAddr> {
            match *listener {}
        }
        async fn tcp_accept(listener: &Unavailable) -> io::Result<Unavailable> {
            match *listener {}
        }
        async fn tcp_connect(_: SocketAddr) -> io::Result<Unavailable> {
            Err(unavailable())
        }
        fn tcp_set_nodelay(stream: &Unavailable) -> io::Result<()> {
            match *stream {}
        }
        async fn tcp_read<'a>(stream: &'a mut Unavailable, _: &'a mut [u8]) -> io::Result<usize> {
            match *stream {}
        }
        async fn tcp_read_exact<'a>(
            stream: &'a mut Unavailable,
            _: &'a mut [u8],
        ) -> io::Result<()> {
            match *stream {}
        }
        async fn tcp_write_all<'a>(stream: &'a mut Unavailable, _: &'a [u8]) -> io::Result<()> {
            match *stream {}
        }
        async fn tcp_shutdown_write(stream: &mut Unavailable) -> io::Result<()> {
            match *stream {}
        }
        async fn udp_bind(_: SocketAddr) -> io::Result<Unavailable> {
            Err(unavailable())
        }
        fn udp_local_addr(socket: &Unavailable) -> io::Result<SocketAddr> {
            match *socket {}
        }
        async fn udp_connect(socket: &Unavailable, _: SocketAddr) -> io::Result<()> {
            match *socket {}
        }
        async fn udp_send<'a>(socket: &'a Unavailable, _: &'a [u8]) -> io::Result<usize> {
            match *socket {}
        }
        async fn udp_recv<'a>(socket: &'a Unavailable, _: &'a mut [u8]) -> io::Result<usize> {
            match *socket {}
        }
        async fn udp_send_to<'a>(
            socket: &'a Unavailable,
            _: &'a [u8],
            _: SocketAddr,
        ) -> io::Result<usize> {
            match *socket {}
        }
        async fn udp_recv_from<'a>(
            socket: &'a Unavailable,
            _: &'a mut [u8],
        ) -> io::Result<(usize, SocketAddr)> {
            match *socket {}
        }
    }
}
