//! TCP: [`TcpListener`], [`TcpStream`] and the halves of a split stream.
//!
//! Every operation forgets readiness only when it returns `WouldBlock`; see the
//! [`net`](super) module docs.

mod inq;
mod listener;
mod split;
mod split_owned;
mod stream;

pub use self::listener::{Incoming, TcpListener};
pub use self::split::{ReadHalf, WriteHalf};
pub use self::split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use self::stream::TcpStream;
