//! `TcpStream::into_split`: owned halves sharing one stream through an `Arc`, so each can move to
//! its own task.
//!
//! The write half shuts the write side down when dropped (the peer reads end-of-file), unless
//! [`OwnedWriteHalf::forget`] was called or the halves were reunited.

use super::TcpStream;
use std::io;
use std::net::SocketAddr;

crate::net::split_owned::owned_halves! {
    /// The owned read half of a [`TcpStream`], from [`TcpStream::into_split`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::{AsyncReadExt, AsyncWriteExt};
    /// use corio::net::{TcpListener, TcpStream};
    ///
    /// corio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let client = TcpStream::connect(listener.local_addr()?).await?;
    ///     let (server, _) = listener.accept().await?;
    ///     let (mut reader, mut writer) = client.into_split();
    ///     // The halves live in different tasks.
    ///     let writing = corio::spawn(async move {
    ///         writer.write_all(b"ping").await?;
    ///         std::io::Result::Ok(writer)
    ///     });
    ///     let mut server = server;
    ///     let mut buf = [0; 4];
    ///     server.read_exact(&mut buf).await?;
    ///     server.write_all(&buf).await?;
    ///     reader.read_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"ping");
    ///     let writer = writing.await??;
    ///     let _client: TcpStream = reader.reunite(writer).unwrap();
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub struct OwnedReadHalf { inner: OwnedRead<TcpStream> } {
        /// Waits for data and copies it into `buf` without consuming it. See [`TcpStream::peek`].
        ///
        /// # Errors
        ///
        /// As a read.
        pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
            self.stream().peek(buf).await
        }
    }

    /// The owned write half of a [`TcpStream`], from [`TcpStream::into_split`]. Dropping it shuts
    /// the write side down, as `AsyncWriteExt::close` does; [`forget`](Self::forget) prevents that.
    pub struct OwnedWriteHalf { inner: OwnedWrite<TcpStream> }

    /// The halves given to [`OwnedReadHalf::reunite`] came from different streams; here they are back.
    pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

    addr: SocketAddr,
}
