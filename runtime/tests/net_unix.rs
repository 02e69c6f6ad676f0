//! Unix domain sockets: a listener accepts and round-trips; connecting to a missing path is
//! `NotFound` and to a stale socket file `ConnectionRefused`; end-of-file after the peer closes;
//! half-close; `pair`; borrowed and owned halves (reunite); `incoming`; datagrams by path
//! (`bind`/`send_to`/`recv_from`), unbound senders, `pair`, `connect`/`send`/`recv`. Socket files
//! live under the temp dir with unique names and are removed afterwards.
//!
//! Runs on one worker and on four (`support::rt_test!`).

mod support;

use std::io::ErrorKind;
use std::net::Shutdown;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use corio::io::{AsyncReadExt, AsyncWriteExt};
use corio::net::{UnixDatagram, UnixListener, UnixStream};
use futures_util::StreamExt;
use support::rt_test;

type Result<T = ()> = std::io::Result<T>;

/// A unique socket path under the temp dir, removed (if it exists) on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(tag: &str) -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "corio-net-unix-{}-{}-{tag}.sock",
            std::process::id(),
            NEXT.fetch_add(1, SeqCst)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        TempPath(path)
    }
}

impl AsRef<Path> for TempPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

rt_test! {
    fn listener_round_trip() {
        rt().block_on(async {
            let path = TempPath::new("listen");
            let listener = UnixListener::bind(&path)?;
            assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_ref()));
            let server = corio::spawn(async move {
                let (mut stream, _addr) = listener.accept().await?;
                let mut buf = [0; 5];
                stream.read_exact(&mut buf).await?;
                stream.write_all(&buf).await?;
                stream.close().await?;
                Result::Ok(())
            });
            let mut client = UnixStream::connect(&path).await?;
            assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_ref()));
            assert!(client.local_addr()?.is_unnamed());
            client.write_all(b"hello").await?;
            let mut echo = Vec::new();
            client.read_to_end(&mut echo).await?;
            assert_eq!(echo, b"hello");
            server.await??;
            Result::Ok(())
        })
        .unwrap();
    }

    fn connect_errors() {
        rt().block_on(async {
            let missing = TempPath::new("missing");
            let err = UnixStream::connect(&missing).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
            // A socket file whose listener is gone.
            let stale = TempPath::new("stale");
            drop(UnixListener::bind(&stale)?);
            let err = UnixStream::connect(&stale).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
            // Binding over an existing file.
            let err = UnixListener::bind(&stale).map(|_| ()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn eof_and_half_close() {
        rt().block_on(async {
            let (mut a, mut b) = UnixStream::pair()?;
            a.write_all(b"one way").await?;
            a.shutdown(Shutdown::Write)?;
            let mut got = Vec::new();
            b.read_to_end(&mut got).await?;
            assert_eq!(got, b"one way");
            // b's write side is still open.
            b.write_all(b"and back").await?;
            drop(b);
            let mut back = Vec::new();
            a.read_to_end(&mut back).await?;
            assert_eq!(back, b"and back");
            let mut buf = [0; 4];
            assert_eq!(a.read(&mut buf).await?, 0);
            Result::Ok(())
        })
        .unwrap();
    }

    fn shared_reference_and_halves() {
        rt().block_on(async {
            let (a, mut b) = UnixStream::pair()?;
            // `&UnixStream` reads and writes.
            (&a).write_all(b"ref").await?;
            let mut buf = [0; 3];
            (&b).read_exact(&mut buf).await?;
            assert_eq!(&buf, b"ref");

            // Borrowed halves, concurrently.
            let (mut reader, mut writer) = UnixStream::split(&mut b);
            let echo = async {
                let n = corio::io::copy(&mut reader, &mut writer).await?;
                writer.close().await?;
                Result::Ok(n)
            };
            let talk = async {
                let (mut ar, mut aw) = (&a, &a);
                aw.write_all(b"split").await?;
                aw.close().await?;
                let mut back = Vec::new();
                ar.read_to_end(&mut back).await?;
                Result::Ok(back)
            };
            let (n, back) = corio::join!(echo, talk);
            assert_eq!(n?, 5);
            assert_eq!(back?, b"split");

            // Owned halves reunite, and only with their own partner.
            let (c, d) = UnixStream::pair()?;
            let (c_read, c_write) = c.into_split();
            let (d_read, d_write) = d.into_split();
            let err = c_read.reunite(d_write).unwrap_err();
            let c = err.0.reunite(c_write).expect("halves of one stream");
            let _d = d_read.reunite(err.1).expect("halves of one stream");
            (&c).write_all(b"x").await?;
            Result::Ok(())
        })
        .unwrap();
    }

    fn owned_halves_in_separate_tasks() {
        rt().block_on(async {
            let (a, b) = UnixStream::pair()?;
            let (mut read, mut write) = a.into_split();
            let writer = corio::spawn(async move {
                for i in 0..100u8 {
                    write.write_all(&[i]).await?;
                }
                Result::Ok(()) // dropping the write half shuts it down
            });
            let echo = corio::spawn(async move {
                let (mut r, mut w) = b.into_split();
                corio::io::copy(&mut r, &mut w).await
            });
            let mut got = Vec::new();
            read.read_to_end(&mut got).await?;
            assert_eq!(got, (0..100u8).collect::<Vec<_>>());
            writer.await??;
            assert_eq!(echo.await??, 100);
            Result::Ok(())
        })
        .unwrap();
    }

    fn incoming_connections() {
        rt().block_on(async {
            let path = TempPath::new("incoming");
            let listener = UnixListener::bind(&path)?;
            let mut clients = Vec::new();
            for _ in 0..4 {
                clients.push(UnixStream::connect(&path).await?);
            }
            let accepted: Vec<_> = listener.incoming().take(4).collect().await;
            assert!(accepted.iter().all(Result::is_ok));
            let std_listener = listener.into_std()?;
            assert_eq!(std_listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
            Result::Ok(())
        })
        .unwrap();
    }

    fn datagrams_by_path() {
        rt().block_on(async {
            let server_path = TempPath::new("dgram-server");
            let client_path = TempPath::new("dgram-client");
            let server = UnixDatagram::bind(&server_path)?;
            let client = UnixDatagram::bind(&client_path)?;
            for i in 0..50u8 {
                client.send_to(&[i; 3], &server_path).await?;
                let mut buf = [0; 8];
                let (n, from) = server.recv_from(&mut buf).await?;
                assert_eq!(&buf[..n], &[i; 3]);
                assert_eq!(from.as_pathname(), Some(client_path.as_ref()));
                server.send_to(&buf[..n], from.as_pathname().unwrap()).await?;
                let n = client.recv(&mut buf).await?;
                assert_eq!(&buf[..n], &[i; 3]);
            }
            // An unbound sender reaches the server; its address is unnamed.
            let anonymous = UnixDatagram::unbound()?;
            anonymous.send_to(b"anon", &server_path).await?;
            let mut buf = [0; 8];
            let (n, from) = server.recv_from(&mut buf).await?;
            assert_eq!(&buf[..n], b"anon");
            assert!(from.is_unnamed());
            // Sending to a path with no socket.
            let missing = TempPath::new("dgram-missing");
            let err = anonymous.send_to(b"?", &missing).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn datagram_pair_and_connect() {
        rt().block_on(async {
            let (a, b) = UnixDatagram::pair()?;
            a.send(b"paired").await?;
            let mut buf = [0; 8];
            let n = b.recv(&mut buf).await?;
            assert_eq!(&buf[..n], b"paired");

            let path = TempPath::new("dgram-connect");
            let server = UnixDatagram::bind(&path)?;
            let client = UnixDatagram::unbound()?;
            let err = client.peer_addr().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotConnected);
            client.connect(&path)?;
            assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_ref()));
            // A receiver waiting before the datagram is sent.
            let receiving = corio::spawn(async move {
                let mut buf = [0; 8];
                let n = server.recv(&mut buf).await?;
                Result::Ok(buf[..n].to_vec())
            });
            corio::time::sleep(std::time::Duration::from_millis(10)).await;
            client.send(b"later").await?;
            assert_eq!(receiving.await??, b"later");
            client.shutdown(Shutdown::Both)?;
            Result::Ok(())
        })
        .unwrap();
    }
}
