//! A TCP echo server on the loopback interface: every byte a client sends comes back.
//!
//! ```text
//! cargo run --example echo_server -- [PORT] [CONNECTIONS]
//! ```
//!
//! Listens on `127.0.0.1:PORT` (default 7878), serves each connection in its own task, and exits
//! after `CONNECTIONS` clients (default 16) have come and gone, or after 60 s without a new one.
//! Try it with `cargo run --example echo_client` or `nc 127.0.0.1 7878`.

use corio::io::AsyncWriteExt;
use corio::net::{TcpListener, TcpStream};
use corio::time::timeout;
use std::net::SocketAddr;
use std::time::Duration;

const DEFAULT_PORT: u16 = 7878;
const DEFAULT_CONNECTIONS: usize = 16;
const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// Echoes one connection until the client closes its side, then closes ours.
async fn echo(stream: TcpStream, peer: SocketAddr) -> std::io::Result<u64> {
    let (mut reader, mut writer) = stream.into_split();
    let bytes = corio::io::copy(&mut reader, &mut writer).await?;
    writer.close().await?;
    println!("{peer}: echoed {bytes} bytes");
    Ok(bytes)
}

#[corio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .map_or(Ok(DEFAULT_PORT), |p| p.parse())
        .map_err(|err| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("PORT: {err}"))
        })?;
    let connections: usize = args
        .next()
        .map_or(Ok(DEFAULT_CONNECTIONS), |n| n.parse())
        .map_err(|err| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("CONNECTIONS: {err}"),
            )
        })?;

    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("echo server listening on {}", listener.local_addr()?);

    let mut tasks = corio::task::JoinSet::new();
    let mut served = 0;
    for _ in 0..connections {
        let (stream, peer) = match timeout(IDLE_LIMIT, listener.accept()).await {
            Ok(accepted) => accepted?,
            Err(_) => {
                println!("no new client for {IDLE_LIMIT:?}; stopping");
                break;
            }
        };
        stream.set_nodelay(true)?;
        tasks.spawn(echo(stream, peer));
        served += 1;
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(err) = done? {
            eprintln!("a connection failed: {err}");
        }
    }
    println!("served {served} connections; bye");
    Ok(())
}
