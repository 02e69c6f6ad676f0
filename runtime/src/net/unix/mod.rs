//! Unix domain sockets: [`UnixListener`], [`UnixStream`] (and the halves of a split stream),
//! [`UnixDatagram`].
//!
//! They behave as their TCP and UDP counterparts do, with paths for addresses. Binding is
//! synchronous (it never waits); a path stays in the file system after its socket closes, so a
//! server removes it before binding again. [`SocketAddr`] is std's Unix socket address.

mod datagram;
mod listener;
mod split;
mod split_owned;
mod stream;

pub use self::datagram::UnixDatagram;
pub use self::listener::{Incoming, UnixListener};
pub use self::split::{ReadHalf, WriteHalf};
pub use self::split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use self::stream::UnixStream;
pub use std::os::unix::net::SocketAddr;
