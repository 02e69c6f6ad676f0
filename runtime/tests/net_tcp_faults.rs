//! TCP under faults and bad input: connecting to a closed port is `ConnectionRefused`; binding an
//! address in use is `AddrInUse`; an unparsable address is `InvalidInput`; a peer that resets the
//! connection mid-read gives an error, never a hang (and so does writing to it); `accept` under
//! descriptor exhaustion returns `EMFILE` and, once descriptors free up, takes the connection that
//! was queued meanwhile (in a child process with a lowered `RLIMIT_NOFILE`); dropping a socket
//! while a task waits on it wakes nothing stale; runtime shutdown cancels a task blocked in
//! `accept`, and I/O polled after shutdown (or pending across it) fails instead of hanging.
//!
//! Runs on one worker and on four where a runtime flavour matters; 127.0.0.1 only.

mod support;

use std::future::Future;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::pin::pin;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use corio::io::{AsyncReadExt, AsyncWriteExt};
use corio::net::{TcpListener, TcpStream, UdpSocket};
use corio::time::timeout;
use support::{block_on_local, rt_test, wait_until, Flag, PATIENCE};

type Result<T = ()> = std::io::Result<T>;

async fn pair() -> Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (client, accepted) = corio::join!(TcpStream::connect(addr), listener.accept());
    Ok((client?, accepted?.0))
}

/// A loopback address nobody listens on (bound, then closed).
async fn closed_port() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    listener.local_addr()
}

/// A waker that counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

rt_test! {
    fn connect_to_a_closed_port_is_refused() {
        rt().block_on(async {
            let addr = closed_port().await?;
            let err = TcpStream::connect(addr).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn bind_in_use_is_addr_in_use() {
        rt().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let err = TcpListener::bind(listener.local_addr()?).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

            let socket = UdpSocket::bind("127.0.0.1:0").await?;
            let err = UdpSocket::bind(socket.local_addr()?).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn unparsable_address_is_invalid_input() {
        rt().block_on(async {
            for bad in ["not an address", "127.0.0.1", "127.0.0.1:99999", "[::1]:port", ""] {
                let err = TcpListener::bind(bad).await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidInput, "bind {bad:?}: {err}");
                let err = TcpStream::connect(bad).await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidInput, "connect {bad:?}: {err}");
                let err = UdpSocket::bind(bad).await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidInput, "udp bind {bad:?}: {err}");
            }
            // No address at all.
            let none: &[SocketAddr] = &[];
            let err = TcpStream::connect(none).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn peer_reset_mid_read_is_an_error() {
        rt().block_on(async {
            let (client, server) = pair().await?;
            let reading = Flag::new();
            let reader = {
                let reading = reading.clone();
                corio::spawn(async move {
                    let mut server = server;
                    let mut buf = [0; 1024];
                    reading.set();
                    // Bounded: the reset must end this loop with an error.
                    for _ in 0..1000 {
                        match server.read(&mut buf).await {
                            Ok(0) => return Ok(0),
                            Ok(_) => continue,
                            Err(err) => return Err(err),
                        }
                    }
                    panic!("the reader never saw the reset");
                })
            };
            while !reading.is_set() {
                corio::time::sleep(Duration::from_millis(1)).await;
            }
            // Let the reader block in its read, then reset: SO_LINGER 0 makes close send RST.
            corio::time::sleep(Duration::from_millis(20)).await;
            let mut client = client;
            client.write_all(b"some data first").await?;
            client.set_linger(Some(Duration::ZERO))?;
            drop(client);
            let result = timeout(PATIENCE, reader).await.expect("read hung after a reset")?;
            let err = result.expect_err("a reset connection must not read as a clean EOF");
            assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn writing_to_a_reset_peer_is_an_error() {
        rt().block_on(async {
            let (client, mut server) = pair().await?;
            client.set_linger(Some(Duration::ZERO))?;
            drop(client);
            let chunk = vec![0; 64 << 10];
            let outcome = timeout(PATIENCE, async {
                for _ in 0..1000 {
                    server.write_all(&chunk).await?;
                }
                Result::Ok(())
            })
            .await
            .expect("write hung after a reset");
            let err = outcome.expect_err("writes to a reset connection must fail");
            assert!(
                matches!(err.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe),
                "{err}"
            );
            Result::Ok(())
        })
        .unwrap();
    }

    fn dropping_a_socket_while_a_task_waits_wakes_nothing_stale() {
        rt().block_on(async {
            let (client, server) = pair().await?;
            let waker_state = Arc::new(CountingWaker::default());
            let waker = Waker::from(waker_state.clone());
            {
                // A read that registers `waker` with the driver and is left waiting.
                let mut buf = [0; 8];
                let mut shared = &server;
                let mut read = pin!(shared.read(&mut buf));
                assert!(read.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
            }
            drop(waker);
            drop(server);
            // The peer closes (the old socket would have become readable), and new sockets reuse
            // the descriptor number and the driver slot and become readable themselves.
            drop(client);
            let mut pairs = Vec::new();
            for _ in 0..8 {
                let (mut a, b) = pair().await?;
                a.write_all(b"wake?").await?;
                pairs.push((a, b));
            }
            corio::time::sleep(Duration::from_millis(50)).await;
            assert_eq!(waker_state.0.load(SeqCst), 0, "a stale event woke the dropped reader");
            // The driver let go of the waker: ours is the only reference left.
            wait_until("the driver drops the dropped socket's waker", || {
                Arc::strong_count(&waker_state) == 1
            });
            Result::Ok(())
        })
        .unwrap();
    }

    fn shutdown_cancels_a_task_blocked_in_accept() {
        let rt = rt();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let accepting = Flag::new();
        let task = {
            let accepting = accepting.clone();
            rt.spawn(async move {
                accepting.set();
                listener.accept().await.map(|_| ())
            })
        };
        wait_until("the task is in accept", || accepting.is_set());
        std::thread::sleep(Duration::from_millis(20));
        rt.shutdown_background();
        let err = block_on_local(task).unwrap_err();
        assert!(err.is_cancelled(), "{err}");
    }

    fn io_after_shutdown_is_an_error() {
        let rt = rt();
        let (listener, mut client, server) = rt
            .block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0").await?;
                let addr = listener.local_addr()?;
                let (client, accepted) = corio::join!(TcpStream::connect(addr), listener.accept());
                Result::Ok((listener, client?, accepted?.0))
            })
            .unwrap();
        // A read left pending when the runtime shuts down is woken and fails.
        let waker_state = Arc::new(CountingWaker::default());
        let waker = Waker::from(waker_state.clone());
        let mut buf = [0; 8];
        let mut shared = &server;
        let mut pending_read = pin!(shared.read(&mut buf));
        assert!(pending_read.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());

        rt.shutdown_timeout(PATIENCE);

        assert!(waker_state.0.load(SeqCst) >= 1, "shutdown did not wake the pending read");
        match pending_read.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(Err(err)) => assert!(err.to_string().contains("shut down"), "{err}"),
            other => panic!("a read pending across shutdown returned {other:?}"),
        }
        // New operations fail at once rather than wait for a driver that is gone.
        assert!(block_on_local(listener.accept()).is_err());
        let mut buf = [0; 8];
        assert!(block_on_local(client.read(&mut buf)).is_err());
        // And no runtime, no socket: an error, not a panic.
        let err = block_on_local(TcpListener::bind("127.0.0.1:0")).unwrap_err();
        assert!(err.to_string().contains("runtime"), "{err}");
    }
}

/// Set in the child process of [`accept_survives_fd_exhaustion`].
const EMFILE_CHILD: &str = "CORIO_NET_EMFILE_CHILD";

/// Runs [`accept_emfile_child`] in a child process: lowering `RLIMIT_NOFILE` and filling the
/// descriptor table must not disturb the other tests of this binary.
#[test]
fn accept_survives_fd_exhaustion() {
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args([
            "accept_emfile_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(EMFILE_CHILD, "1")
        .output()
        .expect("running the child test process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("EMFILE seen"),
        "the child skipped its body:\n{stdout}"
    );
}

/// Does nothing unless run as the child of [`accept_survives_fd_exhaustion`].
#[test]
fn accept_emfile_child() {
    if std::env::var_os(EMFILE_CHILD).is_none() {
        return;
    }
    let _watchdog = support::Watchdog::new("accept_emfile_child");
    let rt = support::runtime(1);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        // The kernel completes the handshake: the connection waits in the listener's queue.
        let client = std::net::TcpStream::connect(addr)?;

        // Leave a few free descriptor numbers under a lowered limit, then fill them.
        let highest = std::fs::read_dir("/proc/self/fd")?
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u64>().ok())
            .max()
            .expect("some descriptors are open");
        let old = set_fd_limit(highest + 8);
        let mut fillers = Vec::new();
        let exhausted = loop {
            match std::fs::File::open("/dev/null") {
                Ok(file) => fillers.push(file),
                Err(err) => break err,
            }
            assert!(fillers.len() < 1000, "the lowered limit did not take");
        };
        assert_eq!(exhausted.raw_os_error(), Some(libc::EMFILE));

        // accept fails with EMFILE, twice: the listener stays ready after the error.
        for _ in 0..2 {
            let err = timeout(PATIENCE, listener.accept())
                .await
                .expect("accept under EMFILE must fail, not wait")
                .map(|_| ())
                .unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
        }
        println!("EMFILE seen");

        // Free some descriptors: the queued connection is accepted without a new event.
        fillers.truncate(fillers.len() - 4);
        let (stream, peer) = timeout(PATIENCE, listener.accept())
            .await
            .expect("the listener forgot its queued connection after EMFILE")?;
        assert_eq!(peer, client.local_addr()?);
        drop(stream);
        drop(fillers);
        set_fd_limit(old);
        Result::Ok(())
    })
    .unwrap();
}

/// Sets the soft `RLIMIT_NOFILE`; returns the previous soft limit.
fn set_fd_limit(soft: u64) -> u64 {
    // SAFETY: getrlimit/setrlimit only read and write the `rlimit` on this stack frame.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        let old = limit.rlim_cur;
        limit.rlim_cur = soft.min(limit.rlim_max);
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        old
    }
}
