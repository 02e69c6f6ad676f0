//! A broadcast chat server: every line a client sends goes to every other client.
//!
//! ```text
//! cargo run --example chat                 # demo: a server and three bots, then exit
//! cargo run --example chat -- serve [PORT] # a server on 127.0.0.1:PORT (default 7879)
//! ```
//!
//! The design is asyncio's classic: one task per connection reads lines, and a broker task owns
//! the list of clients. They talk over `async-channel` (`corio::sync::mpsc`): connections send
//! [`Event`]s to the broker; the broker fans each message out to the other clients' outboxes,
//! and each connection has a writer task that drains its outbox into the socket. A slow client
//! only fills its own outbox.
//!
//! In serve mode, connect with `nc 127.0.0.1 7879`; the first line you type is your name.

use corio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use corio::net::{TcpListener, TcpStream};
use corio::sync::mpsc::{self, Receiver, Sender};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

const DEFAULT_PORT: u16 = 7879;
/// Messages a client's outbox holds before the broker waits for that client.
const OUTBOX: usize = 64;

/// What connections tell the broker.
enum Event {
    Join {
        name: String,
        outbox: Sender<String>,
    },
    Message {
        name: String,
        text: String,
    },
    Leave {
        name: String,
    },
}

/// Owns the clients; fans every message out to everyone but its sender.
async fn broker(events: Receiver<Event>) {
    let mut clients: HashMap<String, Sender<String>> = HashMap::new();
    while let Ok(event) = events.recv().await {
        let (from, line) = match event {
            Event::Join { name, outbox } => {
                let line = format!("* {name} joined\n");
                clients.insert(name.clone(), outbox);
                (name, line)
            }
            Event::Message { name, text } => {
                let line = format!("{name}: {text}\n");
                (name, line)
            }
            Event::Leave { name } => {
                clients.remove(&name);
                let line = format!("* {name} left\n");
                (name, line)
            }
        };
        for (name, outbox) in &clients {
            if *name != from {
                // A client that is gone has a closed outbox: its Leave is on the way.
                let _ = outbox.send(line.clone()).await;
            }
        }
    }
}

/// Serves one client: the first line is its name, every later line a message.
async fn connection(stream: TcpStream, events: Sender<Event>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"name?\n").await?;
    let Some(name) = lines.next().await.transpose()? else {
        return Ok(());
    };
    let name = name.trim().to_string();
    let (outbox, inbox) = mpsc::bounded::<String>(OUTBOX);
    // The writer task ends when the broker drops the outbox (after our Leave).
    let writing = corio::spawn(async move {
        while let Ok(line) = inbox.recv().await {
            writer.write_all(line.as_bytes()).await?;
        }
        writer.close().await
    });
    let _ = events
        .send(Event::Join {
            name: name.clone(),
            outbox,
        })
        .await;
    while let Some(text) = lines.next().await.transpose()? {
        let _ = events
            .send(Event::Message {
                name: name.clone(),
                text,
            })
            .await;
    }
    let _ = events.send(Event::Leave { name }).await;
    writing.await?
}

/// Accepts clients forever (or `limit` of them), one task each.
async fn serve(listener: TcpListener, limit: Option<usize>) -> std::io::Result<()> {
    let (events, inbox) = mpsc::unbounded();
    let broker = corio::spawn(broker(inbox));
    let mut connections = Vec::new();
    let mut accepted = 0;
    while limit.is_none_or(|limit| accepted < limit) {
        let (stream, peer) = listener.accept().await?;
        accepted += 1;
        let events = events.clone();
        connections.push(corio::spawn(async move {
            if let Err(err) = connection(stream, events).await {
                eprintln!("{peer}: {err}");
            }
        }));
    }
    for connection in connections {
        let _ = connection.await;
    }
    drop(events);
    let _ = broker.await;
    Ok(())
}

/// A demo client: joins, says `lines`, and reads until it has heard everyone else's lines.
async fn bot(
    addr: SocketAddr,
    name: &'static str,
    lines: [&'static str; 2],
    expect: usize,
) -> std::io::Result<Vec<String>> {
    let stream = TcpStream::connect(addr).await?;
    let (reader, mut writer) = stream.into_split();
    let mut incoming = BufReader::new(reader).lines();
    let prompt = incoming.next().await.transpose()?;
    assert_eq!(prompt.as_deref(), Some("name?"));
    writer.write_all(format!("{name}\n").as_bytes()).await?;
    // Give everyone time to join, so everyone hears every message.
    corio::time::sleep(Duration::from_millis(100)).await;
    for line in lines {
        writer.write_all(format!("{line}\n").as_bytes()).await?;
    }
    let mut heard = Vec::new();
    while heard.len() < expect {
        match incoming.next().await.transpose()? {
            Some(line) if line.starts_with('*') => {} // joins and leaves depend on timing
            Some(line) => heard.push(line),
            None => break,
        }
    }
    // Leave politely: half-close, then read until the server closes its side (closing with
    // unread data would reset the connection).
    writer.close().await?;
    while incoming.next().await.transpose()?.is_some() {}
    Ok(heard)
}

async fn demo() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("chat demo: server on {addr}, three bots");
    let server = corio::spawn(serve(listener, Some(3)));
    let bots = [
        ("ada", ["hello all", "how are you?"]),
        ("bob", ["hi ada", "fine, thanks"]),
        ("cyd", ["hey", "bye now"]),
    ];
    // Each bot hears the other two bots' two lines.
    let expect = (bots.len() - 1) * 2;
    let tasks: Vec<_> = bots
        .iter()
        .map(|&(name, lines)| corio::spawn(bot(addr, name, lines, expect)))
        .collect();
    for (task, (name, _)) in tasks.into_iter().zip(bots) {
        let mut heard = task.await??;
        heard.sort();
        println!("{name} heard: {}", heard.join(" | "));
    }
    server.await??;
    println!("chat demo done");
    Ok(())
}

#[corio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        None | Some("demo") => demo().await,
        Some("serve") => {
            let port = args
                .next()
                .map_or(Ok(DEFAULT_PORT), |p| p.parse())
                .map_err(|err| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("PORT: {err}"))
                })?;
            let listener = TcpListener::bind(("127.0.0.1", port)).await?;
            println!("chat server on {}; connect with nc", listener.local_addr()?);
            serve(listener, None).await
        }
        Some(other) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("unknown mode {other:?}: use `demo` or `serve [PORT]`"),
        )),
    }
}
