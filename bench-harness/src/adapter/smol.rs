//! [`Adapter`] and [`NetAdapter`] for smol: an `async_executor::Executor` run by N threads, each in
//! `async_io::block_on` (so an idle worker drives the async-io reactor, as in smol's own
//! multi-threaded examples), with `async_io::Timer` and `async_io::Async<std::net::*>` for timers
//! and sockets, and futures-lite's `AsyncReadExt`/`AsyncWriteExt` — what `smol::` re-exports.
//!
//! Two things smol leaves to its user, and the adapter supplies, kept as thin as they can be:
//!
//! - **A "current executor"** for [`Adapter::spawn_inside`]: a thread-local set on each worker
//!   thread and for the duration of [`Adapter::block_on`] (async-executor has no global).
//! - **Detach on drop**: async-executor's `Task` cancels its task when dropped, where tokio's and
//!   corio's join handles detach. [`SmolJoin`] wraps the `Task` and detaches it in `Drop`; polling
//!   forwards to the `Task` unchanged.
//! - **hyper's I/O**: [`SmolIo`] presents a futures-io stream (`Async<TcpStream>`) as
//!   `hyper::rt::Read + Write`, as the smol-hyper crate does for smol users' streams. It reads the
//!   way corio's `CorioIo` does for foreign streams (futures-io wants an initialised buffer: part
//!   of hyper's buffer is zeroed through the cursor's safe `initialize_unfilled_to`, then read
//!   into; the part offered starts at 4 KiB and doubles after each read that fills it, up to
//!   64 KiB, halving after a read that uses less than a quarter), so smol pays no more zeroing
//!   than a careful wrapper would.

use std::cell::RefCell;
use std::convert::Infallible;
use std::future::Future;
use std::io::{self, IoSlice};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::thread;
use std::time::Instant;

use async_executor::{Executor, Task};
use async_io::{Async, Timer};
use futures_lite::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use hyper::rt::ReadBufCursor;

use super::{Adapter, HttpAdapter, NetAdapter};

thread_local! {
    /// The executor of the smol runtime this thread works for (or is in `block_on` of).
    static CURRENT: RefCell<Option<Arc<Executor<'static>>>> = const { RefCell::new(None) };
}

/// Sets [`CURRENT`] until dropped, then restores the previous value.
struct Enter(Option<Arc<Executor<'static>>>);

impl Enter {
    fn new(ex: &Arc<Executor<'static>>) -> Enter {
        Enter(CURRENT.with(|current| current.replace(Some(ex.clone()))))
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

/// An async-executor run by N threads, with async-io for timers and sockets.
pub struct Smol {
    ex: Arc<Executor<'static>>,
    /// Dropped to stop the workers: each runs the executor until this channel closes.
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Smol {
    /// The executor itself, for workloads that need more than the adapter offers.
    pub fn executor(&self) -> &Arc<Executor<'static>> {
        &self.ex
    }
}

impl Drop for Smol {
    fn drop(&mut self) {
        drop(self.stop.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A smol task handle that detaches on drop, like tokio's and corio's `JoinHandle`.
pub struct SmolJoin<T>(Option<Task<T>>);

impl<T> Future for SmolJoin<T> {
    type Output = Result<T, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let task = self.0.as_mut().expect("SmolJoin polled after completion");
        Pin::new(task).poll(cx).map(Ok)
    }
}

impl<T> Drop for SmolJoin<T> {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.detach();
        }
    }
}

impl Adapter for Smol {
    const NAME: &'static str = "smol";

    type JoinError = Infallible;
    type Join<T: Send + 'static> = SmolJoin<T>;
    type Sleep = Timer;

    fn build(workers: usize) -> io::Result<Self> {
        if workers == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a smol runtime needs at least one worker thread",
            ));
        }
        let ex = Arc::new(Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let mut threads = Vec::with_capacity(workers);
        for i in 0..workers {
            let ex = ex.clone();
            let stopped = stopped.clone();
            let thread = thread::Builder::new()
                .name(format!("smol-worker-{i}"))
                .spawn(move || {
                    let _enter = Enter::new(&ex);
                    async_io::block_on(ex.run(async move {
                        let _ = stopped.recv().await;
                    }));
                })?;
            threads.push(thread);
        }
        Ok(Smol {
            ex,
            stop: Some(stop),
            threads,
        })
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        let _enter = Enter::new(&self.ex);
        async_io::block_on(fut)
    }

    fn spawn<F>(&self, fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SmolJoin(Some(self.ex.spawn(fut)))
    }

    fn spawn_inside<F>(fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        CURRENT.with(|current| {
            let current = current.borrow();
            let ex = current.as_ref().expect(
                "Smol::spawn_inside must be called from a smol worker or Smol::block_on; \
                 use Smol::spawn from outside",
            );
            SmolJoin(Some(ex.spawn(fut)))
        })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        Timer::at(deadline)
    }
}

impl NetAdapter for Smol {
    const NET_AVAILABLE: bool = true;

    type TcpListener = Async<TcpListener>;
    type TcpStream = Async<TcpStream>;
    type UdpSocket = Async<UdpSocket>;

    async fn tcp_bind(addr: SocketAddr) -> io::Result<Self::TcpListener> {
        Async::<TcpListener>::bind(addr)
    }

    fn tcp_listener_addr(listener: &Self::TcpListener) -> io::Result<SocketAddr> {
        listener.get_ref().local_addr()
    }

    async fn tcp_accept(listener: &Self::TcpListener) -> io::Result<Self::TcpStream> {
        listener.accept().await.map(|(stream, _)| stream)
    }

    fn tcp_connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::TcpStream>> + Send {
        Async::<TcpStream>::connect(addr)
    }

    fn tcp_set_nodelay(stream: &Self::TcpStream) -> io::Result<()> {
        stream.get_ref().set_nodelay(true)
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

    /// `shutdown(Write)` on the socket, as `async_net::TcpStream::close` does: async-io's own
    /// `poll_close` only flushes.
    async fn tcp_shutdown_write(stream: &mut Self::TcpStream) -> io::Result<()> {
        stream.get_ref().shutdown(Shutdown::Write)
    }

    async fn udp_bind(addr: SocketAddr) -> io::Result<Self::UdpSocket> {
        Async::<UdpSocket>::bind(addr)
    }

    fn udp_local_addr(socket: &Self::UdpSocket) -> io::Result<SocketAddr> {
        socket.get_ref().local_addr()
    }

    async fn udp_connect(socket: &Self::UdpSocket, addr: SocketAddr) -> io::Result<()> {
        socket.get_ref().connect(addr)
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

impl HttpAdapter for Smol {
    type HttpIo = SmolIo;

    fn http_io(stream: Self::TcpStream) -> Self::HttpIo {
        SmolIo {
            stream,
            read_size: MIN_READ,
        }
    }
}

/// What the first [`SmolIo`] read offers the stream (and zeroes first), as in corio's `CorioIo`.
const MIN_READ: usize = 4 * 1024;
/// The most one [`SmolIo`] read offers.
const MAX_READ: usize = 64 * 1024;

/// An async-io TCP stream as `hyper::rt::Read + hyper::rt::Write`: every method forwards to its
/// futures-io `AsyncRead`/`AsyncWrite`, except `poll_shutdown`, which shuts the write side down as
/// [`NetAdapter::tcp_shutdown_write`] does (async-io's `poll_close` only flushes).
#[derive(Debug)]
pub struct SmolIo {
    stream: Async<TcpStream>,
    /// What the next read offers (see the module notes).
    read_size: usize,
}

impl hyper::rt::Read for SmolIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let len = buf.remaining().min(self.read_size);
        if len == 0 {
            return Poll::Ready(Ok(()));
        }
        let n = ready!(Pin::new(&mut self.stream).poll_read(cx, buf.initialize_unfilled_to(len)))?;
        assert!(n <= len, "AsyncRead reported {n} bytes read into {len}");
        if n == len {
            self.read_size = (self.read_size * 2).min(MAX_READ);
        } else if n < len / 4 {
            self.read_size = (self.read_size / 2).max(MIN_READ);
        }
        // SAFETY: `advance(n)` asks that the first `n` unfilled bytes be initialised;
        // `initialize_unfilled_to(len)` initialised the first `len`, and `n <= len`.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl hyper::rt::Write for SmolIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(Pin::new(&mut self.stream).poll_flush(cx))?;
        Poll::Ready(self.stream.get_ref().shutdown(Shutdown::Write))
    }

    /// async-io writes every buffer with one `writev`.
    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
}
