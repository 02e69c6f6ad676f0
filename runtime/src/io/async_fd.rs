//! `Async<T>`: any file descriptor, driven by the runtime's shared I/O driver.

use super::registration::Registration;
use super::scheduled_io::Direction;
use futures_io::{AsyncRead, AsyncWrite};
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// An I/O object registered with the runtime's driver: wait for readiness, then perform
/// non-blocking operations on it. Works with any `AsFd` type: pipes, eventfds, sockets of your own.
///
/// Dropping it deregisters the descriptor before closing it.
///
/// # Examples
///
/// ```
/// use corio::io::{Async, AsyncReadExt, AsyncWriteExt};
/// use std::os::unix::net::UnixStream;
///
/// corio::run(async {
///     let (a, b) = UnixStream::pair()?;
///     let (mut a, mut b) = (Async::new(a)?, Async::new(b)?);
///     a.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     b.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct Async<T: AsFd> {
    registration: Registration,
    /// `None` only while `into_inner` or `drop` takes it out.
    io: Option<T>,
}

impl<T: AsFd> Async<T> {
    /// Puts `io` in non-blocking mode and registers it with the current runtime.
    ///
    /// # Errors
    ///
    /// Outside a corio runtime (`Other`), after the runtime shut down, or if the OS refuses
    /// (`fcntl` or the poller: e.g. a regular file, which epoll cannot watch, gives `PermissionDenied`).
    pub fn new(io: T) -> io::Result<Async<T>> {
        set_nonblocking(io.as_fd())?;
        // SAFETY: `io` is owned by the returned `Async` and is deregistered in `into_inner` or
        // `drop` before it can be closed.
        let registration = unsafe { Registration::new(io.as_fd())? };
        Ok(Async {
            registration,
            io: Some(io),
        })
    }

    /// The inner I/O object.
    pub fn get_ref(&self) -> &T {
        self.io
            .as_ref()
            .expect("corio::io::Async used after into_inner")
    }

    /// Deregisters the descriptor and returns the inner object (still non-blocking).
    ///
    /// # Errors
    ///
    /// If the poller refuses to remove the descriptor.
    pub fn into_inner(mut self) -> io::Result<T> {
        let io = self
            .io
            .take()
            .expect("corio::io::Async used after into_inner");
        self.registration.deregister(io.as_fd())?;
        Ok(io)
    }

    fn fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }

    /// Waits until the object is readable (or closed, or in error).
    ///
    /// This only waits: it does not consume the readiness, so after an operation of your own that
    /// returns `WouldBlock`, `readable` completes again at once. Do the operation through
    /// [`read_with`](Self::read_with) instead, which forgets the readiness on `WouldBlock` and
    /// waits for the next event.
    ///
    /// # Errors
    ///
    /// After the runtime shut down.
    pub async fn readable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_readable(cx)).await
    }

    /// Waits until the object is writable (or closed, or in error). Like
    /// [`readable`](Self::readable), it does not consume the readiness: write through
    /// [`write_with`](Self::write_with).
    ///
    /// # Errors
    ///
    /// After the runtime shut down.
    pub async fn writable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_writable(cx)).await
    }

    /// Polls for readability.
    pub fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Read)
            .map_ok(|_| ())
    }

    /// Polls for writability.
    pub fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Write)
            .map_ok(|_| ())
    }

    /// Runs `op` once the object is readable, again after each `WouldBlock`, until it returns
    /// anything else.
    ///
    /// # Errors
    ///
    /// What `op` returns, or a shutdown error.
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_read_with(cx, &mut op)).await
    }

    /// Runs `op` once the object is writable, again after each `WouldBlock`.
    ///
    /// # Errors
    ///
    /// What `op` returns, or a shutdown error.
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_write_with(cx, &mut op)).await
    }

    /// The polling form of [`read_with`](Self::read_with).
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Read, || op(io))
    }

    /// The polling form of [`write_with`](Self::write_with).
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Write, || op(io))
    }

    /// [`poll_read_with`](Self::poll_read_with) for an `op` that reports whether it drained the
    /// source (see `Registration::poll_io_draining`).
    pub(crate) fn poll_read_draining<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<(R, bool)>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration
            .poll_io_draining(cx, Direction::Read, || op(io))
    }

    /// [`poll_write_with`](Self::poll_write_with) for an `op` that reports whether it filled the
    /// source's buffer (see `Registration::poll_io_draining`).
    pub(crate) fn poll_write_draining<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<(R, bool)>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration
            .poll_io_draining(cx, Direction::Write, || op(io))
    }
}

impl<T: AsFd> AsFd for Async<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd()
    }
}

impl<T: AsFd> AsRawFd for Async<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.fd().as_raw_fd()
    }
}

impl<T: AsFd> Drop for Async<T> {
    fn drop(&mut self) {
        if let Some(io) = self.io.take() {
            // Deregister before `io` closes the descriptor (the poller's contract). An error here
            // leaves nothing to undo: the descriptor closes next and the kernel forgets it.
            let _ = self.registration.deregister(io.as_fd());
        }
    }
}

impl<T: AsFd + fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async").field("io", &self.io).finish()
    }
}

/// Sets `O_NONBLOCK` on `fd`.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    let raw = fd.as_raw_fd();
    // SAFETY: `fcntl` with F_GETFL/F_SETFL reads and writes only the flags of a descriptor the
    // caller keeps open for the duration of the call.
    unsafe {
        let flags = libc::fcntl(raw, libc::F_GETFL);
        if flags == -1 {
            return Err(io::Error::last_os_error());
        }
        if flags & libc::O_NONBLOCK == 0
            && libc::fcntl(raw, libc::F_SETFL, flags | libc::O_NONBLOCK) == -1
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

impl<T: AsFd> AsyncRead for Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read_vectored(bufs))
    }
}

impl<T: AsFd> AsyncWrite for Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_with(cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_flush(cx))?;
        Poll::Ready(Ok(()))
    }
}
