//! `UnixStream::into_split`: owned halves sharing one stream through an `Arc`, so each can move to
//! its own task.
//!
//! The write half shuts the write side down when dropped (the peer reads end-of-file), unless
//! [`OwnedWriteHalf::forget`] was called or the halves were reunited.

use super::{SocketAddr, UnixStream};

crate::net::split_owned::owned_halves! {
    /// The owned read half of a [`UnixStream`], from [`UnixStream::into_split`].
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::{AsyncReadExt, AsyncWriteExt};
    /// use corio::net::UnixStream;
    ///
    /// corio::run(async {
    ///     let (client, server) = UnixStream::pair()?;
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
    ///     let _client: UnixStream = reader.reunite(writer).unwrap();
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub struct OwnedReadHalf { inner: OwnedRead<UnixStream> } {}

    /// The owned write half of a [`UnixStream`], from [`UnixStream::into_split`]. Dropping it shuts
    /// the write side down, as `AsyncWriteExt::close` does; [`forget`](Self::forget) prevents that.
    pub struct OwnedWriteHalf { inner: OwnedWrite<UnixStream> }

    /// The halves given to [`OwnedReadHalf::reunite`] came from different streams; here they are back.
    pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

    addr: SocketAddr,
}
