//! UDP: a ping-pong of numbered datagrams between two sockets; a connected socket's
//! `send`/`recv` and `peer_addr`; `peek_from` leaves the datagram queued; a sender and a receiver
//! task sharing one socket; a connected socket hears `ConnectionRefused` after sending to a closed
//! port; `from_std`/`into_std` and the socket options. Loopback only; runs on one worker and four.

mod support;

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use corio::net::UdpSocket;
use corio::time::timeout;
use support::{rt_test, PATIENCE};

type Result<T = ()> = std::io::Result<T>;

rt_test! {
    fn ping_pong() {
        const ROUNDS: u32 = 200;
        rt().block_on(async {
            let server = UdpSocket::bind("127.0.0.1:0").await?;
            let client = UdpSocket::bind("127.0.0.1:0").await?;
            let server_addr = server.local_addr()?;
            let pong = corio::spawn(async move {
                let mut buf = [0; 64];
                for _ in 0..ROUNDS {
                    let (n, from) = server.recv_from(&mut buf).await?;
                    assert_eq!(n, 4);
                    let value = u32::from_le_bytes(buf[..4].try_into().unwrap());
                    server.send_to(&(value + 1).to_le_bytes(), from).await?;
                }
                Result::Ok(())
            });
            let mut buf = [0; 64];
            for i in 0..ROUNDS {
                client.send_to(&(i * 2).to_le_bytes(), server_addr).await?;
                // Loopback does not lose datagrams in practice; the timeout turns a loss into a
                // failure instead of a hang.
                let (n, from) = timeout(PATIENCE, client.recv_from(&mut buf))
                    .await
                    .expect("no pong")?;
                assert_eq!((n, from), (4, server_addr));
                assert_eq!(u32::from_le_bytes(buf[..4].try_into().unwrap()), i * 2 + 1);
            }
            pong.await??;
            Result::Ok(())
        })
        .unwrap();
    }

    fn connected_send_and_recv() {
        rt().block_on(async {
            let a = UdpSocket::bind("127.0.0.1:0").await?;
            let b = UdpSocket::bind("127.0.0.1:0").await?;
            let err = a.peer_addr().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotConnected);
            a.connect(b.local_addr()?).await?;
            b.connect(a.local_addr()?).await?;
            assert_eq!(a.peer_addr()?, b.local_addr()?);
            assert_eq!(a.send(b"hello").await?, 5);
            let mut buf = [0; 16];
            let n = b.recv(&mut buf).await?;
            assert_eq!(&buf[..n], b"hello");
            // A datagram longer than the buffer is cut short.
            b.send(b"0123456789").await?;
            let mut small = [0; 4];
            assert_eq!(a.recv(&mut small).await?, 4);
            assert_eq!(&small, b"0123");
            Result::Ok(())
        })
        .unwrap();
    }

    fn peek_leaves_the_datagram() {
        rt().block_on(async {
            let a = UdpSocket::bind("127.0.0.1:0").await?;
            let b = UdpSocket::bind("127.0.0.1:0").await?;
            a.send_to(b"peek", b.local_addr()?).await?;
            let mut buf = [0; 8];
            let (n, from) = b.peek_from(&mut buf).await?;
            assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr()?));
            let (n, from) = b.recv_from(&mut buf).await?;
            assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr()?));
            b.connect(a.local_addr()?).await?;
            a.send_to(b"again", b.local_addr()?).await?;
            let n = b.peek(&mut buf).await?;
            assert_eq!(&buf[..n], b"again");
            let n = b.recv(&mut buf).await?;
            assert_eq!(&buf[..n], b"again");
            Result::Ok(())
        })
        .unwrap();
    }

    fn one_socket_shared_by_a_sender_and_a_receiver() {
        const COUNT: u32 = 100;
        rt().block_on(async {
            let echo = UdpSocket::bind("127.0.0.1:0").await?;
            let echo_addr = echo.local_addr()?;
            let echoing = corio::spawn(async move {
                let mut buf = [0; 8];
                for _ in 0..COUNT {
                    let (n, from) = echo.recv_from(&mut buf).await?;
                    echo.send_to(&buf[..n], from).await?;
                }
                Result::Ok(())
            });
            let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
            socket.connect(echo_addr).await?;
            let receiver = {
                let socket = socket.clone();
                corio::spawn(async move {
                    let mut sum = 0;
                    let mut buf = [0; 8];
                    for _ in 0..COUNT {
                        let n = socket.recv(&mut buf).await?;
                        sum += u32::from_le_bytes(buf[..n].try_into().unwrap());
                    }
                    Result::Ok(sum)
                })
            };
            for i in 0..COUNT {
                socket.send(&i.to_le_bytes()).await?;
                // Pace the sender so the receive buffers never overflow.
                corio::task::yield_now().await;
            }
            let sum = timeout(PATIENCE, receiver).await.expect("lost datagrams")??;
            assert_eq!(sum, (0..COUNT).sum::<u32>());
            echoing.await??;
            Result::Ok(())
        })
        .unwrap();
    }

    fn a_refused_datagram_is_reported_on_a_connected_socket() {
        rt().block_on(async {
            let closed = UdpSocket::bind("127.0.0.1:0").await?.local_addr()?;
            let socket = UdpSocket::bind("127.0.0.1:0").await?;
            socket.connect(closed).await?;
            socket.send(b"anyone?").await?;
            let mut buf = [0; 8];
            let err = timeout(PATIENCE, socket.recv(&mut buf))
                .await
                .expect("the ICMP error never surfaced")
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn recv_after_a_refused_datagram_waits() {
        rt().block_on(async {
            let closed = UdpSocket::bind("127.0.0.1:0").await?.local_addr()?;
            let socket = UdpSocket::bind("127.0.0.1:0").await?;
            socket.connect(closed).await?;
            socket.send(b"anyone?").await?;
            let mut buf = [0; 8];
            let err = socket.recv(&mut buf).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
            // Nothing more is coming: the next recv must wait (and time out), not spin.
            let waited = corio::spawn(async move {
                let mut buf = [0; 8];
                timeout(Duration::from_millis(50), socket.recv(&mut buf)).await.is_err()
            });
            assert!(timeout(PATIENCE, waited).await.expect("recv spun past its timeout")?);
            Result::Ok(())
        })
        .unwrap();
    }

    fn timeout_fires_around_always_ready_io() {
        rt().block_on(async {
            let sink = UdpSocket::bind("127.0.0.1:0").await?;
            let addr = sink.local_addr()?;
            let sender = corio::spawn(async move {
                let socket = UdpSocket::bind("127.0.0.1:0").await?;
                let start = std::time::Instant::now();
                let outcome = timeout(Duration::from_millis(50), async {
                    // Bounded, in case the timeout never fires.
                    while start.elapsed() < PATIENCE {
                        let _ = socket.send_to(b"x", addr).await;
                    }
                })
                .await;
                Result::Ok(outcome.is_err())
            });
            assert!(sender.await??, "the timeout did not fire while I/O stayed ready");
            Result::Ok(())
        })
        .unwrap();
    }

    fn std_conversion_and_options() {
        rt().block_on(async {
            let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
            let socket = UdpSocket::from_std(std_socket)?;
            socket.set_broadcast(true)?;
            assert!(socket.broadcast()?);
            socket.set_ttl(9)?;
            assert_eq!(socket.ttl()?, 9);
            assert!(socket.take_error()?.is_none());
            socket.writable().await?;
            let std_socket = socket.into_std()?;
            let mut buf = [0; 1];
            let err = std_socket.recv(&mut buf).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock, "into_std keeps it non-blocking");
            Result::Ok(())
        })
        .unwrap();
    }
}
