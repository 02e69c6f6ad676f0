//! The auto traits users rely on: every socket type and half is `Send + Sync + Unpin`, owned
//! halves are `'static`, and the futures of the networking API are `Send` (so they can be
//! awaited inside `spawn`). Checked at compile time; the test only proves the file builds.

use std::future::Future;
use std::net::SocketAddr;

use corio::io::{AsyncReadExt, AsyncWriteExt};
use corio::net::{
    tcp, unix, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream,
};

const fn send_sync_unpin<T: Send + Sync + Unpin>() {}
const fn send_static<T: Send + 'static>() {}
fn send_future<F: Future + Send>(_: F) {}

const _: () = {
    send_sync_unpin::<TcpListener>();
    send_sync_unpin::<TcpStream>();
    send_sync_unpin::<UdpSocket>();
    send_sync_unpin::<UnixListener>();
    send_sync_unpin::<UnixStream>();
    send_sync_unpin::<UnixDatagram>();
    send_sync_unpin::<tcp::ReadHalf<'static>>();
    send_sync_unpin::<tcp::WriteHalf<'static>>();
    send_sync_unpin::<tcp::OwnedReadHalf>();
    send_sync_unpin::<tcp::OwnedWriteHalf>();
    send_sync_unpin::<tcp::ReuniteError>();
    send_sync_unpin::<tcp::Incoming<'static>>();
    send_sync_unpin::<unix::ReadHalf<'static>>();
    send_sync_unpin::<unix::WriteHalf<'static>>();
    send_sync_unpin::<unix::OwnedReadHalf>();
    send_sync_unpin::<unix::OwnedWriteHalf>();
    send_sync_unpin::<unix::ReuniteError>();
    send_sync_unpin::<unix::Incoming<'static>>();
    send_static::<tcp::OwnedReadHalf>();
    send_static::<tcp::OwnedWriteHalf>();
    send_static::<unix::OwnedReadHalf>();
    send_static::<unix::OwnedWriteHalf>();
};

/// Never called: type-checks that the TCP and UDP futures are `Send`.
#[allow(dead_code)]
fn inet_futures_are_send(
    listener: &TcpListener,
    stream: &mut TcpStream,
    udp: &UdpSocket,
    addr: SocketAddr,
    buf: &mut [u8],
) {
    send_future(TcpListener::bind("127.0.0.1:0"));
    send_future(TcpListener::bind(addr));
    send_future(TcpListener::bind(String::from("localhost:0")));
    send_future(TcpStream::connect(("localhost", 80)));
    send_future(UdpSocket::bind(addr));
    send_future(corio::net::lookup_host("localhost:80"));
    send_future(listener.accept());
    send_future(stream.peek(buf));
    send_future(stream.readable());
    send_future(stream.read(buf));
    send_future(stream.write_all(b""));
    send_future(udp.send_to(b"", "localhost:80"));
    send_future(udp.recv_from(buf));
    send_future(udp.connect(addr));
}

/// Never called: type-checks that the Unix futures are `Send`.
#[allow(dead_code)]
fn unix_futures_are_send(
    listener: &UnixListener,
    stream: &mut UnixStream,
    datagram: &UnixDatagram,
    buf: &mut [u8],
) {
    send_future(UnixStream::connect("/tmp/socket"));
    send_future(listener.accept());
    send_future(stream.read(buf));
    send_future(datagram.send_to(b"", "/tmp/socket"));
    send_future(datagram.recv_from(buf));
}

#[test]
fn auto_traits_hold() {
    // Everything is checked when this file compiles.
}
