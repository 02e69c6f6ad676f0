//! A TCP echo client: sends numbered lines to an echo server and checks every answer.
//!
//! ```text
//! cargo run --example echo_client -- [PORT] [MESSAGES]
//! ```
//!
//! Connects to `127.0.0.1:PORT` (default 7878). If nothing listens there it starts an echo server
//! of its own on a free port, so it runs standalone. Sends `MESSAGES` lines (default 1000), one
//! round trip each, then half-closes the connection and waits for the server to close its side.

use corio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use corio::net::{TcpListener, TcpStream};
use std::io::{Error, ErrorKind};
use std::time::Instant;

const DEFAULT_PORT: u16 = 7878;
const DEFAULT_MESSAGES: usize = 1000;

/// Connects to the server on `port`, or to one started here if nobody listens there.
async fn connect(port: u16) -> std::io::Result<TcpStream> {
    match TcpStream::connect(("127.0.0.1", port)).await {
        Err(err) if err.kind() == ErrorKind::ConnectionRefused => {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            println!("nothing listens on port {port}; started an echo server on {addr}");
            corio::spawn(async move {
                let (stream, _) = listener.accept().await?;
                let (mut reader, mut writer) = stream.into_split();
                corio::io::copy(&mut reader, &mut writer).await?;
                std::io::Result::Ok(())
            });
            TcpStream::connect(addr).await
        }
        other => other,
    }
}

#[corio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .map_or(Ok(DEFAULT_PORT), |p| p.parse())
        .map_err(|err| Error::new(ErrorKind::InvalidInput, format!("PORT: {err}")))?;
    let messages: usize = args
        .next()
        .map_or(Ok(DEFAULT_MESSAGES), |n| n.parse())
        .map_err(|err| Error::new(ErrorKind::InvalidInput, format!("MESSAGES: {err}")))?;

    let stream = connect(port).await?;
    stream.set_nodelay(true)?;
    println!("connected to {}", stream.peer_addr()?);

    let start = Instant::now();
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    for i in 0..messages {
        let message = format!("message {i}\n");
        writer.write_all(message.as_bytes()).await?;
        line.clear();
        reader.read_line(&mut line).await?;
        if line != message {
            return Err(Error::other(format!("sent {message:?}, got back {line:?}")));
        }
    }
    let elapsed = start.elapsed();

    // Half-close: the server sees end-of-file, finishes, and closes its side.
    writer.close().await?;
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).await?;
    if !rest.is_empty() {
        return Err(Error::other(format!(
            "{} unexpected bytes after the last echo",
            rest.len()
        )));
    }
    println!("{messages} round trips in {elapsed:.2?}, every echo matched");
    Ok(())
}
