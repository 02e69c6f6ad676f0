//! Address resolution (`corio::net::ToSocketAddrs`): a host name is looked up on the blocking
//! pool — while the pool is busy the lookup waits there and the worker goes on running other tasks
//! — and a literal address never touches the pool; every accepted argument type resolves; a name
//! with several addresses is tried address by address; unparsable input is `InvalidInput`.

mod support;

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::mpsc;
use std::time::Duration;

use corio::net::{lookup_host, TcpListener, TcpStream, UdpSocket};
use corio::Runtime;
use support::{rt_test, wait_until, Counter, Flag, PATIENCE};

type Result<T = ()> = std::io::Result<T>;

/// A runtime whose blocking pool has a single thread.
fn runtime_with_one_blocking_thread(workers: usize) -> Runtime {
    corio::Runtime::builder()
        .worker_threads(workers)
        .max_blocking_threads(1)
        .build()
        .unwrap()
}

rt_test! {
    fn a_host_name_is_resolved_on_the_blocking_pool() {
        let rt = runtime_with_one_blocking_thread(WORKERS);
        // Occupy the only blocking thread.
        let (release, stuck) = mpsc::channel::<()>();
        let blocked = Flag::new();
        {
            let blocked = blocked.clone();
            drop(rt.spawn_blocking(move || {
                blocked.set();
                let _ = stuck.recv_timeout(PATIENCE * 2);
            }));
        }
        wait_until("the blocking thread is busy", || blocked.is_set());

        // A literal address does not need the pool: it binds at once.
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();

        // A host name waits for the pool; meanwhile the workers keep running tasks.
        let resolved = Flag::new();
        let lookup = {
            let resolved = resolved.clone();
            rt.spawn(async move {
                let stream = TcpStream::connect(("localhost", port)).await;
                resolved.set();
                stream
            })
        };
        let ticks = Counter::new();
        let ticker = {
            let ticks = ticks.clone();
            rt.spawn(async move {
                for _ in 0..20 {
                    corio::time::sleep(Duration::from_millis(1)).await;
                    ticks.incr();
                }
            })
        };
        rt.block_on(ticker).unwrap();
        assert_eq!(ticks.get(), 20);
        assert!(!resolved.is_set(), "the name was resolved without the blocking pool");

        // Free the pool: the lookup runs there and the connection completes.
        release.send(()).unwrap();
        let (stream, accepted) = rt.block_on(async {
            let accepted = listener.accept().await;
            (lookup.await.unwrap(), accepted)
        });
        let stream = stream.unwrap();
        assert!(stream.peer_addr().unwrap().ip().is_loopback());
        accepted.unwrap();
    }

    fn literal_addresses_never_use_the_blocking_pool() {
        let rt = rt();
        rt.block_on(async {
            let a = TcpListener::bind("127.0.0.1:0").await?;
            let _b = TcpListener::bind(("127.0.0.1", 0)).await?;
            let _c = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
            let _d = TcpStream::connect(a.local_addr()?).await?;
            let found: Vec<_> = lookup_host("127.0.0.1:80").await?.collect();
            assert_eq!(found, [SocketAddr::from(([127, 0, 0, 1], 80))]);
            Result::Ok(())
        })
        .unwrap();
        assert_eq!(rt.metrics().blocking_threads(), 0);
    }

    fn every_argument_type_resolves() {
        rt().block_on(async {
            let v4 = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80);
            let v6 = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0, 0);
            let expect4 = [SocketAddr::V4(v4)];
            let expect6 = [SocketAddr::V6(v6)];
            let list = [SocketAddr::V4(v4), SocketAddr::V6(v6)];
            macro_rules! check {
                ($arg:expr, $expect:expr) => {{
                    let got: Vec<_> = lookup_host($arg).await?.collect();
                    assert_eq!(got, $expect, "{}", stringify!($arg));
                }};
            }
            check!(SocketAddr::V4(v4), expect4);
            check!(v4, expect4);
            check!(v6, expect6);
            check!((IpAddr::V4(Ipv4Addr::LOCALHOST), 80), expect4);
            check!((Ipv4Addr::LOCALHOST, 80), expect4);
            check!((Ipv6Addr::LOCALHOST, 80), expect6);
            check!("127.0.0.1:80", expect4);
            check!("[::1]:80", expect6);
            check!(String::from("127.0.0.1:80"), expect4);
            check!(("127.0.0.1", 80), expect4);
            check!((String::from("::1"), 80), expect6);
            check!(&list[..], list);
            check!(&&SocketAddr::V4(v4), expect4);
            // Names go through the system resolver (on the blocking pool).
            let local: Vec<_> = lookup_host("localhost:80").await?.collect();
            assert!(!local.is_empty());
            assert!(local.iter().all(|a| a.ip().is_loopback() && a.port() == 80), "{local:?}");
            let local: Vec<_> = lookup_host((String::from("localhost"), 81)).await?.collect();
            assert!(local.iter().all(|a| a.ip().is_loopback() && a.port() == 81), "{local:?}");
            Result::Ok(())
        })
        .unwrap();
    }

    fn a_name_binds_and_connects() {
        rt().block_on(async {
            let listener = TcpListener::bind("localhost:0").await?;
            let port = listener.local_addr()?.port();
            // If "localhost" also names ::1 (where nobody listens), connect moves on to 127.0.0.1.
            let (client, accepted) = corio::join!(
                TcpStream::connect(format!("localhost:{port}")),
                listener.accept()
            );
            assert_eq!(client?.peer_addr()?, listener.local_addr()?);
            accepted?;
            let socket = UdpSocket::bind("localhost:0").await?;
            let sent = socket.send_to(b"self", ("localhost", socket.local_addr()?.port())).await?;
            assert_eq!(sent, 4);
            Result::Ok(())
        })
        .unwrap();
    }

    fn unparsable_input_is_invalid_input() {
        rt().block_on(async {
            for bad in ["localhost", "localhost:http", "1.2.3.4:70000", ":", "no port"] {
                let err = lookup_host(bad).await.map(|_| ()).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}: {err}");
            }
            let socket = UdpSocket::bind("127.0.0.1:0").await?;
            let err = socket.send_to(b"x", "nowhere").await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            let err = socket.connect("also nowhere").await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            Result::Ok(())
        })
        .unwrap();
    }
}

#[test]
fn resolution_outside_a_runtime_is_an_error() {
    // A literal needs no runtime to resolve; a name needs the blocking pool and says so.
    let found: Vec<_> = support::block_on_local(lookup_host("127.0.0.1:1"))
        .unwrap()
        .collect();
    assert_eq!(found.len(), 1);
    let err = support::block_on_local(lookup_host("localhost:1"))
        .map(|_| ())
        .unwrap_err();
    assert!(err.to_string().contains("runtime"), "{err}");
}
