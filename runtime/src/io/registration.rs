//! `Registration`: one source registered with the runtime's driver, on behalf of its owner
//! (`Async<T>` and the socket types built on it).

use super::driver::{shutdown_error, Driver};
use super::poller::PollMode;
use super::scheduled_io::{Direction, ReadyEvent, ScheduledIo};
use crate::loom::sync::Arc;
use crate::runtime::Handle;
use crate::task::coop;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

pub(crate) struct Registration {
    handle: Handle,
    io: Arc<ScheduledIo>,
    key: usize,
    /// The registered descriptor, open until `deregister` (the owner's contract with `new`); kept
    /// to re-arm it in oneshot mode.
    fd: RawFd,
}

impl Registration {
    /// Registers `fd` with the current runtime's driver, edge-triggered where supported.
    ///
    /// # Safety
    ///
    /// `fd` must stay open until [`Registration::deregister`] has been called with it: the poller
    /// must never hold a descriptor number that was closed and maybe reused (the contract of
    /// `polling::Poller::add`).
    ///
    /// # Errors
    ///
    /// Outside a corio runtime, after it shut down, or if the OS refuses the registration.
    pub(crate) unsafe fn new(fd: BorrowedFd<'_>) -> io::Result<Registration> {
        let handle = Handle::try_current().map_err(|err| io::Error::other(err.to_string()))?;
        let driver = &handle.inner.driver;
        let (io, key) = driver.allocate()?;
        let mode = if driver.is_edge() {
            PollMode::Edge
        } else {
            PollMode::Oneshot
        };
        // SAFETY: the caller keeps `fd` open until `deregister`, which deletes it from the poller
        // first.
        let added = unsafe {
            driver
                .poller()
                .add_with_mode(fd.as_raw_fd(), Driver::interest(key), mode)
        };
        if let Err(err) = added {
            driver.release(key);
            return Err(err);
        }
        Ok(Registration {
            handle,
            io,
            key,
            fd: fd.as_raw_fd(),
        })
    }

    fn driver(&self) -> &Driver {
        &self.handle.inner.driver
    }

    /// Ready when the source is ready in `direction` (spending one unit of the task's budget);
    /// an error once the runtime has shut down.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        ready!(coop::poll_proceed(cx));
        let Poll::Ready(event) = self.io.poll_ready(cx, direction) else {
            self.rearm();
            return Poll::Pending;
        };
        if event.ready.is_shutdown() {
            return Poll::Ready(Err(shutdown_error()));
        }
        coop::spend();
        Poll::Ready(Ok(event))
    }

    /// In oneshot mode (platforms without edge-triggered polling) the poller disarms a source after
    /// each event: a task about to wait re-arms it, or it would never hear of the next one.
    fn rearm(&self) {
        let driver = self.driver();
        if driver.is_edge() {
            return;
        }
        // SAFETY: the owner keeps the descriptor open until `deregister` (the contract of `new`),
        // and `deregister` has not run: this registration is still in use.
        let fd = unsafe { BorrowedFd::borrow_raw(self.fd) };
        // An error here is the OS's and the next operation on the source surfaces it.
        let _ = driver.poller().modify(fd, Driver::interest(self.key));
    }

    /// The operation returned `WouldBlock`: forget `event`'s readiness, unless a newer event has
    /// arrived since.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.io.clear_readiness(event);
    }

    /// Runs `op` when the source is ready in `direction`, waiting again each time it would block.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io_draining(cx, direction, || op().map(|output| (output, false)))
    }

    /// [`poll_io`](Self::poll_io) for an operation that can tell it drained the source (a short
    /// write that filled the socket buffer; a read that `TCP_INQ` says emptied it): `op` returns
    /// its output and `true` in that case, and the readiness is forgotten at once, as if the next
    /// attempt had returned `WouldBlock` — which saves making that attempt. `op` must only say so
    /// when the kernel will raise a new edge once the source is ready again.
    pub(crate) fn poll_io_draining<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<(R, bool)>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match op() {
                Ok((output, drained)) => {
                    if drained {
                        self.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(output));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    /// Removes `fd` from the poller and frees the slot. Must be called before `fd` is closed.
    pub(crate) fn deregister(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        let result = self.driver().poller().delete(fd);
        self.driver().release(self.key);
        result
    }
}
