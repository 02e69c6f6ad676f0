//! `split`: a read half and a write half borrowing one stream, written once for
//! [`tcp`](super::tcp) and [`unix`](super::unix).
//!
//! Both halves are a shared reference to the stream underneath (which reads and writes through a
//! shared reference), so they cost nothing and need no locking: the driver keeps separate waiter
//! lists per direction. There is no logic to share beyond that, only the public types, which each
//! module declares with [`borrowed_halves!`] so that they stay distinct types with their own docs;
//! [`half_methods!`] stamps the methods these and the owned halves have in common.

/// Declares `ReadHalf<'a>` and `WriteHalf<'a>` borrowing a `$Stream` (an
/// [`AsyncStream`](crate::net::stream::AsyncStream) with `readable`, `writable`, `local_addr` and
/// `peer_addr` methods whose address type is `$Addr`), and `pub(super) fn split`.
///
/// The doc comments written before each `pub struct` are its docs; the items in the braces after
/// `ReadHalf` are more methods for it, put first (each half has a private `fn stream(&self)`).
macro_rules! borrowed_halves {
    (
        $(#[$read_doc:meta])*
        pub struct ReadHalf<'a>(&'a $Stream:ident) { $($read_extra:tt)* }

        $(#[$write_doc:meta])*
        pub struct WriteHalf<'a>(&'a $_Stream:ident);

        addr: $Addr:ty $(,)?
    ) => {
        $(#[$read_doc])*
        #[derive(Debug)]
        pub struct ReadHalf<'a>(&'a $Stream);

        $(#[$write_doc])*
        #[derive(Debug)]
        pub struct WriteHalf<'a>(&'a $Stream);

        pub(super) fn split(stream: &mut $Stream) -> (ReadHalf<'_>, WriteHalf<'_>) {
            (ReadHalf(stream), WriteHalf(stream))
        }

        impl ReadHalf<'_> {
            fn stream(&self) -> &$Stream {
                self.0
            }

            $($read_extra)*

            $crate::net::split::half_methods!(readable, $Stream, $Addr);
        }

        impl WriteHalf<'_> {
            fn stream(&self) -> &$Stream {
                self.0
            }

            $crate::net::split::half_methods!(writable, $Stream, $Addr);
        }

        $crate::net::stream::impl_async_read!(ReadHalf<'_>, |half| half.stream());
        $crate::net::stream::impl_async_write!(WriteHalf<'_>, |half| half.stream());

        impl AsRef<$Stream> for ReadHalf<'_> {
            fn as_ref(&self) -> &$Stream {
                self.0
            }
        }

        impl AsRef<$Stream> for WriteHalf<'_> {
            fn as_ref(&self) -> &$Stream {
                self.0
            }
        }
    };
}

/// The methods every half of a `$Stream`, borrowed or owned, ends with: `$ready` (`readable` for
/// a read half, `writable` for a write half), then `peer_addr` and `local_addr`. The half reaches
/// the stream through its own `fn stream(&self) -> &$Stream`.
macro_rules! half_methods {
    ($ready:ident, $Stream:ident, $Addr:ty) => {
        #[doc = concat!(
            "Waits until the stream is ", stringify!($ready), ". See [`", stringify!($Stream),
            "::", stringify!($ready), "`]."
        )]
        ///
        /// # Errors
        ///
        /// After the runtime shut down.
        pub async fn $ready(&self) -> ::std::io::Result<()> {
            self.stream().$ready().await
        }

        /// The remote address of the connection.
        ///
        /// # Errors
        ///
        #[doc = concat!("As [`", stringify!($Stream), "::peer_addr`].")]
        pub fn peer_addr(&self) -> ::std::io::Result<$Addr> {
            self.stream().peer_addr()
        }

        /// The local address of the connection.
        ///
        /// # Errors
        ///
        #[doc = concat!("As [`", stringify!($Stream), "::local_addr`].")]
        pub fn local_addr(&self) -> ::std::io::Result<$Addr> {
            self.stream().local_addr()
        }
    };
}

pub(crate) use {borrowed_halves, half_methods};
