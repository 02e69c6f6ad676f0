//! No descriptor leaks: 10,000 connect/accept/close cycles leave the number of open descriptors
//! (`/proc/self/fd`) where it was, on one worker and on four. This file holds a single test so
//! that no other test opens or closes descriptors while it counts.

mod support;

use corio::io::{AsyncReadExt, AsyncWriteExt};
use corio::net::{TcpListener, TcpStream};

const CYCLES: usize = 10_000;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("reading /proc/self/fd")
        .count()
}

/// One connection: connect, accept, a byte each way, the client closes first, both drop.
async fn cycle(listener: &TcpListener) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let (client, accepted) = corio::join!(TcpStream::connect(addr), listener.accept());
    let (mut client, (mut server, _)) = (client?, accepted?);
    client.write_all(b"?").await?;
    client.close().await?;
    let mut got = Vec::new();
    server.read_to_end(&mut got).await?;
    assert_eq!(got, b"?");
    server.write_all(b"!").await?;
    drop(server);
    got.clear();
    client.read_to_end(&mut got).await?;
    assert_eq!(got, b"!");
    Ok(())
}

#[test]
fn no_fd_leak_after_ten_thousand_connections() {
    if !std::path::Path::new("/proc/self/fd").exists() {
        eprintln!("no /proc/self/fd here; skipping");
        return;
    }
    for workers in [1, 4] {
        let _watchdog = support::Watchdog::new("no_fd_leak_after_ten_thousand_connections");
        let rt = support::runtime(workers);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            // Warm up: the first connection may allocate driver slots and buffers for good.
            cycle(&listener).await?;
            let before = open_fds();
            for _ in 0..CYCLES {
                cycle(&listener).await?;
            }
            let after = open_fds();
            assert_eq!(
                before, after,
                "{workers} worker(s): {before} descriptors open before {CYCLES} cycles, {after} after"
            );
            std::io::Result::Ok(())
        })
        .unwrap();
    }
}
