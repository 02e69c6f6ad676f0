//! `UnixStream::split`: a read half and a write half borrowing one stream.
//!
//! Both halves are `&UnixStream` underneath (which reads and writes through a shared reference), so
//! they cost nothing and need no locking: the driver keeps separate waiter lists per direction.

use super::{SocketAddr, UnixStream};

crate::net::split::borrowed_halves! {
    /// The read half of a [`UnixStream`], from [`UnixStream::split`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::{AsyncReadExt, AsyncWriteExt};
    /// use corio::net::UnixStream;
    ///
    /// corio::run(async {
    ///     let (mut client, mut server) = UnixStream::pair()?;
    ///     // Echo through the two halves of one stream, concurrently.
    ///     let (mut reader, mut writer) = UnixStream::split(&mut server);
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
    pub struct ReadHalf<'a>(&'a UnixStream) {}

    /// The write half of a [`UnixStream`], from [`UnixStream::split`]. Closing it
    /// (`AsyncWriteExt::close`) shuts the write side down; dropping it does nothing.
    pub struct WriteHalf<'a>(&'a UnixStream);

    addr: SocketAddr,
}
