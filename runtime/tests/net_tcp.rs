//! TCP streams and listeners doing their job: connect/accept round trips, end-of-file after the
//! peer closes, half-close (shutdown(Write), the peer reads EOF and still answers), a 64 MiB
//! transfer whose checksum matches, two tasks reading and writing one `&TcpStream` at once, 500
//! concurrent connections, borrowed and owned halves (reunite, drop-shuts-down, forget), `peek`,
//! `incoming`, vectored I/O, `from_std`/`into_std`, and the socket options.
//!
//! Every test runs on one worker and on four (`support::rt_test!`), on 127.0.0.1 only, with
//! bounded loops; the watchdog turns a hang into a named failure. Nothing asserts speed.

mod support;

use std::io::{IoSlice, IoSliceMut};
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use corio::io::{AsyncReadExt, AsyncWriteExt};
use corio::net::{TcpListener, TcpStream};
use corio::time::timeout;
use futures_util::StreamExt;
use support::{rt_test, PATIENCE};

type Result<T = ()> = std::io::Result<T>;

/// A listener on an OS-chosen loopback port, with its address.
async fn listener() -> Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// A connected pair: (client, server side).
async fn pair() -> Result<(TcpStream, TcpStream)> {
    let (listener, addr) = listener().await?;
    let (client, accepted) = corio::join!(TcpStream::connect(addr), listener.accept());
    Ok((client?, accepted?.0))
}

/// Deterministic bytes: block `index` of a xorshift stream.
fn fill(buf: &mut [u8], seed: &mut u64) {
    for chunk in buf.chunks_mut(8) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        chunk.copy_from_slice(&seed.to_le_bytes()[..chunk.len()]);
    }
}

/// FNV-1a, fed chunk by chunk.
fn checksum(mut hash: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Raises the soft descriptor limit to the hard one (tests that open hundreds of sockets).
fn raise_fd_limit() {
    // SAFETY: getrlimit/setrlimit only read and write the `rlimit` passed by pointer, which lives
    // on this stack frame for the duration of each call.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

rt_test! {
    fn connect_accept_round_trip() {
        rt().block_on(async {
            let (listener, addr) = listener().await?;
            let server = corio::spawn(async move {
                let (mut stream, peer) = listener.accept().await?;
                assert_eq!(stream.peer_addr()?, peer);
                let mut buf = [0; 4];
                stream.read_exact(&mut buf).await?;
                stream.write_all(&buf).await?;
                Result::<SocketAddr>::Ok(peer)
            });
            let mut client = TcpStream::connect(addr).await?;
            assert_eq!(client.peer_addr()?, addr);
            client.write_all(b"ping").await?;
            let mut buf = [0; 4];
            client.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"ping");
            assert_eq!(server.await??, client.local_addr()?);
            Result::Ok(())
        })
        .unwrap();
    }

    fn read_after_peer_close_is_eof() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await?;
            client.write_all(b"last words").await?;
            drop(client);
            let mut got = Vec::new();
            server.read_to_end(&mut got).await?;
            assert_eq!(got, b"last words");
            // End-of-file stays end-of-file.
            let mut buf = [0; 16];
            for _ in 0..3 {
                assert_eq!(server.read(&mut buf).await?, 0);
            }
            Result::Ok(())
        })
        .unwrap();
    }

    fn eof_arriving_with_the_last_data_is_seen() {
        // The peer's data and its FIN usually arrive in one readiness event; the reader must
        // still see end-of-file after the (short) read of the data.
        rt().block_on(async {
            for round in 0..50u8 {
                let (mut client, mut server) = pair().await?;
                client.write_all(&[round; 3]).await?;
                client.close().await?;
                corio::time::sleep(Duration::from_millis(1)).await;
                let mut got = Vec::new();
                timeout(PATIENCE, server.read_to_end(&mut got))
                    .await
                    .expect("end-of-file after a short read was lost")?;
                assert_eq!(got, [round; 3]);
            }
            Result::Ok(())
        })
        .unwrap();
    }

    fn eof_after_a_conversation_is_seen() {
        // A stream whose reads have waited for data a few times reads with TCP_INQ on Linux and
        // forgets its readiness after a read that drained the socket; data and FIN arriving
        // together must still end in end-of-file, not a wait for an edge that never comes.
        rt().block_on(async {
            for round in 0..20u8 {
                let (mut client, mut server) = pair().await?;
                let echo = corio::spawn(async move {
                    let mut buf = [0u8; 64];
                    for _ in 0..5 {
                        let read = server.read(&mut buf).await?;
                        server.write_all(&buf[..read]).await?;
                    }
                    let mut rest = Vec::new();
                    timeout(PATIENCE, server.read_to_end(&mut rest))
                        .await
                        .expect("end-of-file after a drained read was lost")?;
                    Result::Ok(rest)
                });
                let mut back = [0u8; 8];
                for _ in 0..5 {
                    corio::time::sleep(Duration::from_millis(1)).await;
                    client.write_all(&[round; 8]).await?;
                    client.read_exact(&mut back).await?;
                    assert_eq!(back, [round; 8]);
                }
                client.write_all(&[round; 3]).await?;
                client.close().await?;
                assert_eq!(echo.await??, [round; 3]);
            }
            Result::Ok(())
        })
        .unwrap();
    }

    fn half_close_then_answer() {
        rt().block_on(async {
            let (client, mut server) = pair().await?;
            let client = corio::spawn(async move {
                let mut client = client;
                client.write_all(b"request").await?;
                client.shutdown(Shutdown::Write)?;
                let mut answer = Vec::new();
                client.read_to_end(&mut answer).await?;
                Result::Ok(answer)
            });
            let mut request = Vec::new();
            server.read_to_end(&mut request).await?;
            assert_eq!(request, b"request");
            // The client's write side is closed; ours is still open.
            server.write_all(b"response").await?;
            server.close().await?;
            assert_eq!(client.await??, b"response");
            Result::Ok(())
        })
        .unwrap();
    }

    fn close_is_a_half_close() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await?;
            client.close().await?;
            let mut buf = [0; 8];
            assert_eq!(server.read(&mut buf).await?, 0);
            server.write_all(b"still open").await?;
            let n = client.read(&mut buf).await?;
            assert!(n > 0 && b"still open".starts_with(&buf[..n]));
            Result::Ok(())
        })
        .unwrap();
    }

    fn transfer_64_mib_with_checksum() {
        const TOTAL: usize = 64 << 20;
        const CHUNK: usize = 256 << 10;
        rt().block_on(async {
            let (client, mut server) = pair().await?;
            let sender = corio::spawn(async move {
                let mut client = client;
                let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
                let mut buf = vec![0; CHUNK];
                let mut sum = FNV_START;
                let mut sent = 0;
                while sent < TOTAL {
                    fill(&mut buf, &mut seed);
                    sum = checksum(sum, &buf);
                    // Alternate plain and vectored writes.
                    if (sent / CHUNK) % 2 == 0 {
                        client.write_all(&buf).await?;
                    } else {
                        let (a, b) = buf.split_at(CHUNK / 3);
                        let mut written = 0;
                        while written < CHUNK {
                            let n = if written < a.len() {
                                let slices = [IoSlice::new(&a[written..]), IoSlice::new(b)];
                                client.write_vectored(&slices).await?
                            } else {
                                client.write(&b[written - a.len()..]).await?
                            };
                            assert!(n > 0, "a write accepted nothing");
                            written += n;
                        }
                    }
                    sent += CHUNK;
                }
                client.close().await?;
                Result::Ok(sum)
            });
            let mut buf = vec![0; 100_000];
            let mut received = 0;
            let mut sum = FNV_START;
            loop {
                let n = server.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                sum = checksum(sum, &buf[..n]);
                received += n;
            }
            assert_eq!(received, TOTAL);
            assert_eq!(sum, sender.await??, "checksums differ");
            Result::Ok(())
        })
        .unwrap();
    }

    fn two_tasks_read_and_write_one_shared_stream() {
        const TOTAL: usize = 4 << 20;
        rt().block_on(async {
            let (client, server) = pair().await?;
            // The client echoes everything back.
            let echo = corio::spawn(async move {
                let (mut reader, mut writer) = client.into_split();
                let copied = corio::io::copy(&mut reader, &mut writer).await?;
                Result::Ok(copied)
            });
            // One task writes through `&TcpStream` while another reads through it.
            let server = Arc::new(server);
            let writer = {
                let server = server.clone();
                corio::spawn(async move {
                    let mut seed = 7_u64;
                    let mut buf = vec![0; 64 << 10];
                    let mut sum = FNV_START;
                    for _ in 0..TOTAL / buf.len() {
                        fill(&mut buf, &mut seed);
                        sum = checksum(sum, &buf);
                        (&*server).write_all(&buf).await?;
                    }
                    server.shutdown(Shutdown::Write)?;
                    Result::Ok(sum)
                })
            };
            let reader = {
                let server = server.clone();
                corio::spawn(async move {
                    let mut buf = vec![0; 50_000];
                    let (mut sum, mut total) = (FNV_START, 0);
                    loop {
                        let n = (&*server).read(&mut buf).await?;
                        if n == 0 {
                            break;
                        }
                        sum = checksum(sum, &buf[..n]);
                        total += n;
                    }
                    Result::Ok((sum, total))
                })
            };
            let sent = writer.await??;
            let (received, total) = reader.await??;
            assert_eq!(total, TOTAL);
            assert_eq!(sent, received);
            assert_eq!(echo.await??, TOTAL as u64);
            Result::Ok(())
        })
        .unwrap();
    }

    fn two_readers_share_one_stream() {
        // Two tasks wait to read the same `&TcpStream`: both must be woken as data arrives
        // (the driver keeps a list of waiters, not a single slot).
        rt().block_on(async {
            let (mut client, server) = pair().await?;
            let server = Arc::new(server);
            let readers: Vec<_> = (0..2)
                .map(|_| {
                    let server = server.clone();
                    corio::spawn(async move {
                        let mut total = 0;
                        let mut buf = [0; 1];
                        while (&*server).read(&mut buf).await? == 1 {
                            total += 1;
                        }
                        Result::Ok(total)
                    })
                })
                .collect();
            for _ in 0..100 {
                client.write_all(b"x").await?;
                corio::task::yield_now().await;
            }
            client.close().await?;
            let mut total = 0;
            for reader in readers {
                total += timeout(PATIENCE, reader).await.expect("a reader hung")??;
            }
            assert_eq!(total, 100);
            Result::Ok(())
        })
        .unwrap();
    }

    fn five_hundred_concurrent_connections() {
        const CONNECTIONS: u32 = 500;
        raise_fd_limit();
        rt().block_on(async {
            let (listener, addr) = listener().await?;
            let server = corio::spawn(async move {
                let mut handlers = Vec::new();
                for _ in 0..CONNECTIONS {
                    let (stream, _) = listener.accept().await?;
                    handlers.push(corio::spawn(async move {
                        let (mut reader, mut writer) = stream.into_split();
                        corio::io::copy(&mut reader, &mut writer).await
                    }));
                }
                for handler in handlers {
                    handler.await??;
                }
                Result::Ok(())
            });
            // Connect everyone first, then talk: all 500 are open at once.
            let clients: Vec<_> = (0..CONNECTIONS)
                .map(|_| corio::spawn(TcpStream::connect(addr)))
                .collect();
            let mut streams = Vec::new();
            for client in clients {
                streams.push(client.await??);
            }
            let talks: Vec<_> = streams
                .into_iter()
                .enumerate()
                .map(|(i, mut stream)| {
                    corio::spawn(async move {
                        let id = (i as u32).to_le_bytes();
                        stream.write_all(&id).await?;
                        let mut echo = [0; 4];
                        stream.read_exact(&mut echo).await?;
                        assert_eq!(echo, id);
                        stream.close().await?;
                        assert_eq!(stream.read(&mut echo).await?, 0);
                        Result::Ok(())
                    })
                })
                .collect();
            for talk in talks {
                talk.await??;
            }
            server.await??;
            Result::Ok(())
        })
        .unwrap();
    }

    fn borrowed_split_halves_run_concurrently() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await?;
            // `server.split()` would pick `AsyncReadExt::split` (a by-value receiver wins).
            let (mut reader, mut writer) = TcpStream::split(&mut server);
            assert_eq!(reader.peer_addr()?, client.local_addr()?);
            assert_eq!(writer.local_addr()?, client.peer_addr()?);
            let echo = async {
                let copied = corio::io::copy(&mut reader, &mut writer).await?;
                writer.close().await?;
                Result::Ok(copied)
            };
            let talk = async {
                client.write_all(b"through the halves").await?;
                client.close().await?;
                let mut back = Vec::new();
                client.read_to_end(&mut back).await?;
                Result::Ok(back)
            };
            let (copied, back) = corio::join!(echo, talk);
            assert_eq!(copied?, 18);
            assert_eq!(back?, b"through the halves");
            Result::Ok(())
        })
        .unwrap();
    }

    fn owned_halves_reunite() {
        rt().block_on(async {
            let (a, b) = pair().await?;
            let (c, d) = pair().await?;
            let (a_read, a_write) = a.into_split();
            let (c_read, c_write) = c.into_split();
            // Halves of different streams do not reunite; the error gives them back.
            let err = a_read.reunite(c_write).unwrap_err();
            assert!(err.to_string().contains("not from the same socket"));
            let (a_read, c_write) = (err.0, err.1);
            let mut a = a_read.reunite(a_write).expect("halves of one stream");
            let _c = c_write.reunite(c_read).expect("halves of one stream");
            // Reuniting does not shut the write side down.
            a.write_all(b"ok").await?;
            let mut b = b;
            let mut buf = [0; 2];
            b.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"ok");
            drop(d);
            Result::Ok(())
        })
        .unwrap();
    }

    fn dropping_the_owned_write_half_shuts_down() {
        rt().block_on(async {
            let (client, mut server) = pair().await?;
            let (mut read, write) = client.into_split();
            drop(write);
            let mut buf = [0; 4];
            assert_eq!(server.read(&mut buf).await?, 0, "the peer sees end-of-file");
            // The read half still works.
            server.write_all(b"more").await?;
            read.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"more");

            // `forget` drops the half without shutting down.
            let (client, mut server) = pair().await?;
            let (read, write) = client.into_split();
            write.forget();
            let stream: &TcpStream = read.as_ref();
            (&*stream).write_all(b"alive").await?;
            let mut buf = [0; 5];
            server.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"alive");
            Result::Ok(())
        })
        .unwrap();
    }

    fn peek_leaves_the_data() {
        rt().block_on(async {
            let (mut client, server) = pair().await?;
            client.write_all(b"peekaboo").await?;
            let mut buf = [0; 8];
            let mut seen = 0;
            while seen < 8 {
                seen = server.peek(&mut buf).await?;
            }
            assert_eq!(&buf, b"peekaboo");
            let mut again = [0; 8];
            (&server).read_exact(&mut again).await?;
            assert_eq!(&again, b"peekaboo");
            Result::Ok(())
        })
        .unwrap();
    }

    fn incoming_yields_connections() {
        rt().block_on(async {
            let (listener, addr) = listener().await?;
            let clients: Vec<_> = (0..5).map(|_| corio::spawn(TcpStream::connect(addr))).collect();
            let accepted: Vec<_> = listener.incoming().take(5).collect().await;
            for stream in accepted {
                assert_eq!(stream?.local_addr()?, addr);
            }
            for client in clients {
                client.await??;
            }
            Result::Ok(())
        })
        .unwrap();
    }

    fn vectored_reads_and_writes() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await?;
            let n = client
                .write_vectored(&[IoSlice::new(b"vec"), IoSlice::new(b"tored")])
                .await?;
            assert_eq!(n, 8);
            let (mut a, mut b) = ([0; 3], [0; 5]);
            let mut got = 0;
            while got < 8 {
                let (ra, rb) = (&mut a[got.min(3)..], &mut b[got.saturating_sub(3)..]);
                let mut bufs = [IoSliceMut::new(ra), IoSliceMut::new(rb)];
                let n = server.read_vectored(&mut bufs).await?;
                assert!(n > 0);
                got += n;
            }
            assert_eq!((&a, &b), (b"vec", b"tored"));
            Result::Ok(())
        })
        .unwrap();
    }

    fn from_std_and_into_std() {
        rt().block_on(async {
            // A blocking std listener becomes non-blocking in from_std.
            let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            let addr = std_listener.local_addr()?;
            let listener = TcpListener::from_std(std_listener)?;
            let (client, accepted) = corio::join!(TcpStream::connect(addr), listener.accept());
            let (client, (server, _)) = (client?, accepted?);
            let std_listener = listener.into_std()?;
            // Still non-blocking: nobody is connecting, so accept would block.
            let err = std_listener.accept().unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);

            let mut std_client = client.into_std()?;
            std_client.set_nonblocking(false)?;
            std::io::Write::write_all(&mut std_client, b"std")?;
            let mut server = server;
            let mut buf = [0; 3];
            server.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"std");
            let again = TcpStream::from_std(std_client)?;
            assert_eq!(again.peer_addr()?, addr);
            Result::Ok(())
        })
        .unwrap();
    }

    fn socket_options() {
        rt().block_on(async {
            let (listener, _) = listener().await?;
            listener.set_ttl(42)?;
            assert_eq!(listener.ttl()?, 42);
            assert!(listener.take_error()?.is_none());
            let (client, _server) = pair().await?;
            client.set_nodelay(true)?;
            assert!(client.nodelay()?);
            client.set_nodelay(false)?;
            assert!(!client.nodelay()?);
            client.set_ttl(7)?;
            assert_eq!(client.ttl()?, 7);
            client.set_linger(Some(Duration::from_secs(1)))?;
            assert_eq!(client.linger()?, Some(Duration::from_secs(1)));
            assert!(client.take_error()?.is_none());
            Result::Ok(())
        })
        .unwrap();
    }

    fn readable_and_writable() {
        rt().block_on(async {
            let (mut client, server) = pair().await?;
            server.writable().await?;
            let waiting = corio::spawn(async move {
                server.readable().await?;
                let mut buf = [0; 1];
                (&server).read_exact(&mut buf).await?;
                Result::Ok(buf[0])
            });
            corio::time::sleep(Duration::from_millis(10)).await;
            client.write_all(b"!").await?;
            assert_eq!(waiting.await??, b'!');
            Result::Ok(())
        })
        .unwrap();
    }

    fn connect_tries_every_address() {
        rt().block_on(async {
            let (listener, addr) = listener().await?;
            // A closed port first, then the listener: connect moves on to the second.
            let closed = {
                let (probe, closed) = self::listener().await?;
                drop(probe);
                closed
            };
            let addrs = [closed, addr];
            let (client, accepted) =
                corio::join!(TcpStream::connect(&addrs[..]), listener.accept());
            assert_eq!(client?.peer_addr()?, addr);
            accepted?;
            Result::Ok(())
        })
        .unwrap();
    }
}
