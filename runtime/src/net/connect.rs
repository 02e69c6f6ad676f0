//! The non-blocking connect shared by TCP and Unix streams.
//!
//! std has no non-blocking connect, so the socket is made with `socket2`, switched to non-blocking
//! mode, and `connect` is started: it either succeeds at once (common on loopback and Unix
//! sockets), fails at once, or reports `EINPROGRESS`. The socket is then registered and the caller
//! waits until it is writable, which is when the handshake has finished either way; `SO_ERROR`
//! (read and cleared by `take_error`) says which way.

use crate::io::Async;
use socket2::{SockAddr, SockRef, Socket};
use std::io;
use std::os::fd::AsFd;

/// Starts connecting the non-blocking `socket` to `addr`: `Ok` if connected or in progress.
///
/// # Errors
///
/// An immediate failure (`ECONNREFUSED` on loopback, `ENOENT` for a Unix path, `EAGAIN` for a
/// Unix listener whose backlog is full).
pub(crate) fn start(socket: &Socket, addr: &SockAddr) -> io::Result<()> {
    match socket.connect(addr) {
        Ok(()) => Ok(()),
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => Ok(()),
        Err(err) => Err(err),
    }
}

/// Waits for a connect begun by [`start`] to finish.
///
/// # Errors
///
/// The connect's error (`ConnectionRefused`, `TimedOut`, ...), or a shutdown error.
pub(crate) async fn finish<T: AsFd>(io: &Async<T>) -> io::Result<()> {
    io.writable().await?;
    match SockRef::from(io.get_ref()).take_error()? {
        Some(err) => Err(err),
        None => Ok(()),
    }
}
