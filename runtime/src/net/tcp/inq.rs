//! `InqHint`: TCP reads that know whether they emptied the socket, so the stream can forget its
//! readiness without the `EAGAIN` read that would otherwise tell it (protocol 3 in the
//! [`net`](crate::net) docs).
//!
//! Linux's `TCP_INQ` socket option makes `recvmsg` return, in a control message, how many bytes
//! are still queued after the read. Zero means the read drained the socket: the next read would
//! return `EAGAIN`, so readiness can be cleared now (with the usual tick check, so an event that
//! arrived meanwhile is kept). The kernel reports at least 1 once the peer's FIN has arrived, so a
//! drained read never hides an end-of-file — the case that makes the plain short-read shortcut
//! unsafe with `polling`, which does not report `EPOLLRDHUP`.
//!
//! The option costs one `setsockopt` per stream, so it is switched on lazily: after the stream's
//! second read that would block — a stream that waits for data more than once is a conversation,
//! where the saved `EAGAIN` pays for itself from the next message on. A connection that is read
//! to its end once never pays. Elsewhere (other systems, or a kernel that refuses the option) reads
//! are plain `recv`s and report nothing.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use crate::net::stream::{as_iovecs, readv, uninit_iovec};
use std::io::{self, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd};

/// No read has blocked yet.
const IDLE: usize = 0;
/// One read has blocked.
const BLOCKED_ONCE: usize = 1;
/// `TCP_INQ` is on: reads go through `recvmsg` and report whether they drained the socket.
const ENABLED: usize = 2;
/// The kernel refused `TCP_INQ`: plain reads for good.
const UNSUPPORTED: usize = 3;

/// One stream's `TCP_INQ` state.
///
/// The state is a hint kept with relaxed atomics: two readers racing through the transitions at
/// worst enable the option twice (`setsockopt` is idempotent), and a reader that still sees an
/// old state makes a plain read, which is always correct.
#[derive(Debug)]
pub(crate) struct InqHint {
    state: AtomicUsize,
}

impl InqHint {
    pub(crate) fn new() -> InqHint {
        InqHint {
            state: AtomicUsize::new(IDLE),
        }
    }

    /// Reads into `bufs` from `socket`. Returns the bytes read and whether the socket is known to
    /// be drained now (only ever `true` with `TCP_INQ` on and at least one byte read).
    pub(crate) fn read(
        &self,
        socket: &std::net::TcpStream,
        bufs: &mut [IoSliceMut<'_>],
    ) -> io::Result<(usize, bool)> {
        // SAFETY: `IoSliceMut` is ABI-compatible with `iovec` on Unix (std's documented
        // guarantee), and each one describes a live slice, writable for its length, that `bufs`
        // borrows mutably for the duration of the call.
        unsafe { self.read_iovecs(socket, as_iovecs(bufs)) }
    }

    /// [`read`](Self::read) into memory that may be uninitialised (the kernel only writes it).
    #[cfg_attr(not(feature = "hyper"), allow(dead_code))]
    pub(crate) fn read_uninit(
        &self,
        socket: &std::net::TcpStream,
        buf: &mut [MaybeUninit<u8>],
    ) -> io::Result<(usize, bool)> {
        // SAFETY: the one `iovec` describes `buf`, writable for its length and borrowed mutably
        // for the duration of the call; the kernel writes bytes there, never reads them.
        unsafe { self.read_iovecs(socket, &[uninit_iovec(buf)]) }
    }

    /// # Safety
    ///
    /// Every `iovec` describes memory valid for writes of its length for the duration of the call.
    unsafe fn read_iovecs(
        &self,
        socket: &std::net::TcpStream,
        iovecs: &[libc::iovec],
    ) -> io::Result<(usize, bool)> {
        if self.state.load(Relaxed) == ENABLED {
            // SAFETY: the caller's guarantee.
            let (read, queued) = unsafe { recv_reporting_queue(socket, iovecs) }?;
            return Ok((read, read > 0 && queued == Some(0)));
        }
        // SAFETY: the caller's guarantee.
        match unsafe { readv(socket.as_fd(), iovecs) } {
            Ok(read) => Ok((read, false)),
            Err(err) => {
                if err.kind() == io::ErrorKind::WouldBlock {
                    self.read_blocked(socket);
                }
                Err(err)
            }
        }
    }

    /// A plain read returned `WouldBlock`: the second time, switch `TCP_INQ` on.
    fn read_blocked(&self, socket: &std::net::TcpStream) {
        match self.state.load(Relaxed) {
            IDLE => self.state.store(BLOCKED_ONCE, Relaxed),
            BLOCKED_ONCE => {
                let next = if enable(socket) { ENABLED } else { UNSUPPORTED };
                self.state.store(next, Relaxed);
            }
            _ => {}
        }
    }
}

/// Switches `TCP_INQ` on; false if the system does not have it.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn enable(socket: &std::net::TcpStream) -> bool {
    let on: libc::c_int = 1;
    // SAFETY: `setsockopt` reads `size_of::<c_int>()` bytes from a live local `c_int`, on a
    // descriptor `socket` keeps open for the duration of the call.
    let status = unsafe {
        libc::setsockopt(
            socket.as_fd().as_raw_fd(),
            libc::SOL_TCP,
            libc::TCP_INQ,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    status == 0
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn enable(_socket: &std::net::TcpStream) -> bool {
    false
}

/// `recvmsg` into `iovecs`, returning the bytes read and, if the kernel attached it, how many
/// bytes are still queued (the `TCP_CM_INQ` control message).
///
/// # Safety
///
/// Every `iovec` describes memory valid for writes of its length for the duration of the call.
#[cfg(any(target_os = "linux", target_os = "android"))]
unsafe fn recv_reporting_queue(
    socket: &std::net::TcpStream,
    iovecs: &[libc::iovec],
) -> io::Result<(usize, Option<usize>)> {
    // Room for one control message carrying a `c_int`, aligned for `cmsghdr` (CMSG_SPACE(4) is
    // 24 bytes on 64-bit Linux, 16 on 32-bit).
    let mut control = [0u64; 4];
    // SAFETY: an all-zero `msghdr` is valid (null pointers, zero lengths); the fields set below
    // make it describe `iovecs` and `control`.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // recvmsg reads the `iovec` array and writes only the memory it describes.
    msg.msg_iov = iovecs.as_ptr().cast_mut();
    msg.msg_iovlen = iovecs.len() as _;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: `msg` points at `iovecs` (each describing writable memory, the caller's guarantee)
    // and at `control` (writable, of the stated length), all of which outlive the call; the
    // descriptor is kept open by `socket`.
    let read = unsafe { libc::recvmsg(socket.as_fd().as_raw_fd(), &mut msg, 0) };
    if read < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut queued = None;
    // SAFETY: `msg` is the header `recvmsg` just filled in; its control pointer and length describe
    // `control`, which is live. CMSG_FIRSTHDR/CMSG_NXTHDR return null or a header inside it.
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    while !cmsg.is_null() {
        // SAFETY: a non-null `cmsg` from CMSG_FIRSTHDR/CMSG_NXTHDR points at a complete header
        // inside `control` (the macros check its length against `msg_controllen`).
        let header = unsafe { &*cmsg };
        if header.cmsg_level == libc::SOL_TCP && header.cmsg_type == libc::TCP_CM_INQ {
            // SAFETY: a TCP_CM_INQ message carries one `c_int` at CMSG_DATA, inside `control`;
            // it may be unaligned, hence `read_unaligned`.
            let value = unsafe { libc::CMSG_DATA(cmsg).cast::<libc::c_int>().read_unaligned() };
            queued = Some(usize::try_from(value).unwrap_or(0));
        }
        // SAFETY: as for CMSG_FIRSTHDR, with `cmsg` a header inside `control`.
        cmsg = unsafe { libc::CMSG_NXTHDR(&msg, cmsg) };
    }
    Ok((read as usize, queued))
}

/// # Safety
///
/// Every `iovec` describes memory valid for writes of its length for the duration of the call.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
unsafe fn recv_reporting_queue(
    socket: &std::net::TcpStream,
    iovecs: &[libc::iovec],
) -> io::Result<(usize, Option<usize>)> {
    // SAFETY: the caller's guarantee.
    unsafe { readv(socket.as_fd(), iovecs) }.map(|read| (read, None))
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    fn recv_into(socket: &TcpStream, buf: &mut [u8]) -> (usize, Option<usize>) {
        // SAFETY: the iovecs describe `buf`, writable and borrowed for the call.
        unsafe { recv_reporting_queue(socket, as_iovecs(&mut [IoSliceMut::new(buf)])) }.unwrap()
    }

    /// Waits until the peer's FIN has reached `socket` (`POLLRDHUP`).
    fn wait_for_fin(socket: &TcpStream) {
        let mut poll = libc::pollfd {
            fd: socket.as_raw_fd(),
            events: libc::POLLRDHUP,
            revents: 0,
        };
        for _ in 0..100 {
            // SAFETY: `poll` is one live `pollfd` for a descriptor `socket` keeps open.
            let ready = unsafe { libc::poll(&mut poll, 1, 100) };
            if ready == 1 && poll.revents & libc::POLLRDHUP != 0 {
                return;
            }
        }
        panic!("the peer's FIN never arrived");
    }

    #[test]
    fn reports_the_bytes_left_and_a_fin_as_not_drained() {
        let (mut client, server) = pair();
        assert!(enable(&server), "this kernel refuses TCP_INQ");
        client.write_all(b"hello world").unwrap();
        // Wait until all of it is queued on the server side.
        let mut peek = [0u8; 11];
        while server.peek(&mut peek).unwrap() < 11 {}
        let mut buf = [0u8; 5];
        let (read, queued) = recv_into(&server, &mut buf);
        assert_eq!((read, queued), (5, Some(6)));
        let mut rest = [0u8; 64];
        let (read, queued) = recv_into(&server, &mut rest);
        assert_eq!((read, queued), (6, Some(0)));
        // After the peer's FIN the kernel reports something left to read: the end-of-file.
        client.write_all(b"bye").unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        wait_for_fin(&server);
        let mut got = Vec::new();
        loop {
            let (read, queued) = recv_into(&server, &mut rest);
            if read == 0 {
                break;
            }
            got.extend_from_slice(&rest[..read]);
            assert_ne!(
                queued,
                Some(0),
                "a read before the end-of-file reported drained"
            );
        }
        assert_eq!(got, b"bye");
    }

    #[test]
    fn switches_on_after_the_second_blocked_read() {
        let (mut client, server) = pair();
        server.set_nonblocking(true).unwrap();
        let hint = InqHint::new();
        let mut buf = [0u8; 8];
        for _ in 0..2 {
            let err = hint
                .read(&server, &mut [IoSliceMut::new(&mut buf)])
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        }
        assert_eq!(hint.state.load(Relaxed), ENABLED);
        client.write_all(b"abc").unwrap();
        let drained = loop {
            match hint.read(&server, &mut [IoSliceMut::new(&mut buf)]) {
                Ok(outcome) => break outcome,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(err) => panic!("{err}"),
            }
        };
        assert_eq!(drained, (3, true));
    }
}
