//! `TcpStream::split`: a read half and a write half borrowing one stream.
//!
//! Both halves are `&TcpStream` underneath (which reads and writes through a shared reference), so
//! they cost nothing and need no locking: the driver keeps separate waiter lists per direction.

use super::TcpStream;
use std::io;
use std::net::SocketAddr;

crate::net::split::borrowed_halves! {
    /// The read half of a [`TcpStream`], from [`TcpStream::split`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::{AsyncReadExt, AsyncWriteExt};
    /// use corio::net::{TcpListener, TcpStream};
    ///
    /// corio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
    ///     let (mut server, _) = listener.accept().await?;
    ///     // Echo through the two halves of one stream, concurrently.
    ///     let (mut reader, mut writer) = TcpStream::split(&mut server);
    ///     client.write_all(b"echo").await?;
    ///     client.close().await?;
    ///     corio::io::copy(&mut reader, &mut writer).await?;
    ///     writer.close().await?;
    ///     let mut echo = Vec::new();
    ///     client.read_to_end(&mut echo).await?;
    ///     assert_eq!(echo, b"echo");
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub struct ReadHalf<'a>(&'a TcpStream) {
        /// Waits for data and copies it into `buf` without consuming it. See [`TcpStream::peek`].
        ///
        /// # Errors
        ///
        /// As a read.
        pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
            self.stream().peek(buf).await
        }
    }

    /// The write half of a [`TcpStream`], from [`TcpStream::split`]. Closing it
    /// (`AsyncWriteExt::close`) shuts the write side down; dropping it does nothing.
    pub struct WriteHalf<'a>(&'a TcpStream);

    addr: SocketAddr,
}
