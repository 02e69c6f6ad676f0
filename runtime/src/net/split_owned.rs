//! `into_split`: owned halves sharing one stream through an `Arc`, so each can move to its own
//! task; written once for [`tcp`](super::tcp) and [`unix`](super::unix).
//!
//! The write half shuts the write side down when dropped (the peer reads end-of-file), unless
//! `forget` was called or the halves were reunited (which forgets the write half, then unwraps the
//! `Arc`). [`OwnedRead`] and [`OwnedWrite`] hold that logic for any [`AsyncStream`]; each module
//! wraps them in its public `OwnedReadHalf` and `OwnedWriteHalf`, declared with [`owned_halves!`]
//! so that they stay distinct types with their own docs.

use crate::loom::sync::Arc;
use crate::net::stream::{AsyncStream, StreamSocket};
use std::fmt;
use std::net::Shutdown;

/// The read half of a stream `S` split by [`split`].
pub(crate) struct OwnedRead<S> {
    stream: Arc<S>,
}

/// The write half of a stream `S` split by [`split`]. The public half's `Drop` calls
/// [`drop_half`](Self::drop_half), which shuts the write side down unless the half was disarmed.
pub(crate) struct OwnedWrite<S> {
    stream: Arc<S>,
    shutdown_on_drop: bool,
}

/// Splits `stream` into owned halves.
pub(crate) fn split<S: AsyncStream>(stream: S) -> (OwnedRead<S>, OwnedWrite<S>) {
    let stream = Arc::new(stream);
    (
        OwnedRead {
            stream: stream.clone(),
        },
        OwnedWrite {
            stream,
            shutdown_on_drop: true,
        },
    )
}

impl<S: AsyncStream> OwnedRead<S> {
    /// The stream both halves share.
    pub(crate) fn stream(&self) -> &S {
        &self.stream
    }

    /// Whether `write` is the other half of this one's stream.
    pub(crate) fn pairs_with(&self, write: &OwnedWrite<S>) -> bool {
        Arc::ptr_eq(&self.stream, &write.stream)
    }

    /// The stream back, once its write half is gone.
    pub(crate) fn into_stream(self) -> S {
        // The two halves held the only references, and the write half is gone.
        Arc::try_unwrap(self.stream)
            .unwrap_or_else(|_| unreachable!("a stream's owned halves share it with nobody else"))
    }

    /// `Debug` for the public half `name`: the stream as its field `inner`.
    pub(crate) fn fmt_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        S: fmt::Debug,
    {
        f.debug_struct(name).field("inner", &self.stream).finish()
    }
}

impl<S: AsyncStream> OwnedWrite<S> {
    /// The stream both halves share.
    pub(crate) fn stream(&self) -> &S {
        &self.stream
    }

    /// Keeps [`drop_half`](Self::drop_half) from shutting the write side down.
    pub(crate) fn disarm(&mut self) {
        self.shutdown_on_drop = false;
    }

    /// The public half's `Drop`: shuts the write side down unless disarmed.
    pub(crate) fn drop_half(&mut self) {
        if self.shutdown_on_drop {
            // The peer may be gone already (`NotConnected`): nothing is left to tell it.
            let _ = self.stream.io().get_ref().shutdown(Shutdown::Write);
        }
    }

    /// `Debug` for the public half `name`: the stream as its field `inner`, then the drop flag.
    pub(crate) fn fmt_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        S: fmt::Debug,
    {
        f.debug_struct(name)
            .field("inner", &self.stream)
            .field("shutdown_on_drop", &self.shutdown_on_drop)
            .finish()
    }
}

/// Declares `OwnedReadHalf` and `OwnedWriteHalf` around [`OwnedRead`] and [`OwnedWrite`] of a
/// `$Stream` (an [`AsyncStream`] with `readable`, `writable`, `local_addr` and `peer_addr` methods
/// whose address type is `$Addr`), `ReuniteError`, and `pub(super) fn split_owned`.
///
/// The doc comments written before each `pub struct` are its docs; the items in the braces after
/// `OwnedReadHalf` are more methods for it, put after `reunite` (each half has a private
/// `fn stream(&self)`).
macro_rules! owned_halves {
    (
        $(#[$read_doc:meta])*
        pub struct OwnedReadHalf { inner: OwnedRead<$Stream:ident> } { $($read_extra:tt)* }

        $(#[$write_doc:meta])*
        pub struct OwnedWriteHalf { inner: OwnedWrite<$_Stream:ident> }

        $(#[$error_doc:meta])*
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        addr: $Addr:ty $(,)?
    ) => {
        $(#[$read_doc])*
        pub struct OwnedReadHalf {
            inner: $crate::net::split_owned::OwnedRead<$Stream>,
        }

        $(#[$write_doc])*
        pub struct OwnedWriteHalf {
            inner: $crate::net::split_owned::OwnedWrite<$Stream>,
        }

        $(#[$error_doc])*
        #[derive(Debug)]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        pub(super) fn split_owned(stream: $Stream) -> (OwnedReadHalf, OwnedWriteHalf) {
            let (read, write) = $crate::net::split_owned::split(stream);
            (OwnedReadHalf { inner: read }, OwnedWriteHalf { inner: write })
        }

        fn reunite(read: OwnedReadHalf, write: OwnedWriteHalf) -> Result<$Stream, ReuniteError> {
            if !read.inner.pairs_with(&write.inner) {
                return Err(ReuniteError(read, write));
            }
            write.forget();
            Ok(read.inner.into_stream())
        }

        impl OwnedReadHalf {
            fn stream(&self) -> &$Stream {
                self.inner.stream()
            }

            /// Puts the stream back together with its write half.
            ///
            /// # Errors
            ///
            /// [`ReuniteError`] (holding both halves) if `other` came from a different stream.
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$Stream, ReuniteError> {
                reunite(self, other)
            }

            $($read_extra)*

            $crate::net::split::half_methods!(readable, $Stream, $Addr);
        }

        impl OwnedWriteHalf {
            fn stream(&self) -> &$Stream {
                self.inner.stream()
            }

            /// Puts the stream back together with its read half.
            ///
            /// # Errors
            ///
            /// [`ReuniteError`] (holding both halves) if `other` came from a different stream.
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$Stream, ReuniteError> {
                reunite(other, self)
            }

            /// Drops the half without shutting the write side down.
            pub fn forget(mut self) {
                self.inner.disarm();
            }

            $crate::net::split::half_methods!(writable, $Stream, $Addr);
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                self.inner.drop_half();
            }
        }

        $crate::net::stream::impl_async_read!(OwnedReadHalf, |half| half.stream());
        $crate::net::stream::impl_async_write!(OwnedWriteHalf, |half| half.stream());

        impl AsRef<$Stream> for OwnedReadHalf {
            fn as_ref(&self) -> &$Stream {
                self.inner.stream()
            }
        }

        impl AsRef<$Stream> for OwnedWriteHalf {
            fn as_ref(&self) -> &$Stream {
                self.inner.stream()
            }
        }

        impl ::std::fmt::Debug for OwnedReadHalf {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.inner.fmt_as("OwnedReadHalf", f)
            }
        }

        impl ::std::fmt::Debug for OwnedWriteHalf {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.inner.fmt_as("OwnedWriteHalf", f)
            }
        }

        impl ::std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("tried to reunite halves that are not from the same socket")
            }
        }

        impl ::std::error::Error for ReuniteError {}
    };
}

pub(crate) use owned_halves;
