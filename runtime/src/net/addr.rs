//! Address resolution: literal addresses inline, host names on the blocking pool.

use crate::runtime::Handle;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::{option, vec};

/// Anything that names one or more socket addresses: the argument of
/// [`TcpListener::bind`](super::TcpListener::bind), [`TcpStream::connect`](super::TcpStream::connect),
/// [`UdpSocket::bind`](super::UdpSocket::bind) and friends.
///
/// Like tokio's, this trait is sealed: it is implemented for the same types as
/// [`std::net::ToSocketAddrs`] — [`SocketAddr`], `SocketAddrV4`, `SocketAddrV6`, `(IpAddr, u16)`,
/// `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`, `&[SocketAddr]`, `str` (`"host:port"`), `String`,
/// `(&str, u16)`, `(String, u16)` — and for references to any of them. The difference is where a
/// host name is looked up: a literal address (`"127.0.0.1:8080"`, `("::1", 80)`) is parsed on the
/// spot, and anything else (`"localhost:8080"`) is resolved by the system resolver on the
/// runtime's blocking pool, so a slow DNS server never stalls a worker.
///
/// # Examples
///
/// ```
/// use corio::net::TcpListener;
/// use std::net::{Ipv4Addr, SocketAddr};
///
/// corio::run(async {
///     // All of these name the loopback address with an OS-chosen port.
///     let a = TcpListener::bind("127.0.0.1:0").await?;
///     let b = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
///     let c = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
///     let d = TcpListener::bind(("localhost", 0)).await?; // looked up on the blocking pool
///     for listener in [a, b, c, d] {
///         assert!(listener.local_addr()?.ip().is_loopback());
///     }
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    use super::Addrs;
    use std::io;

    /// The private half of [`ToSocketAddrs`](super::ToSocketAddrs): how to get the addresses.
    pub trait ToSocketAddrsPriv {
        /// The addresses at once, or the host and port to look up on the blocking pool.
        fn to_socket_addrs(&self) -> Resolve;
    }

    /// What [`ToSocketAddrsPriv::to_socket_addrs`] found.
    #[derive(Debug)]
    pub enum Resolve {
        /// Parsed without a lookup (or unparsable: `InvalidInput`).
        Ready(io::Result<Addrs>),
        /// A host name: look it up on the blocking pool.
        Lookup(String, u16),
    }
}

use self::sealed::{Resolve, ToSocketAddrsPriv};

/// The addresses an argument resolved to, in the resolver's order.
#[derive(Debug)]
pub enum Addrs {
    /// A single literal address: no allocation.
    One(option::IntoIter<SocketAddr>),
    /// A slice or the answer of a lookup.
    Many(vec::IntoIter<SocketAddr>),
}

impl Iterator for Addrs {
    type Item = SocketAddr;

    fn next(&mut self) -> Option<SocketAddr> {
        match self {
            Addrs::One(one) => one.next(),
            Addrs::Many(many) => many.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Addrs::One(one) => one.size_hint(),
            Addrs::Many(many) => many.size_hint(),
        }
    }
}

/// Resolves `addr`: inline for literals, on the blocking pool for host names.
///
/// # Errors
///
/// `InvalidInput` for an unparsable address (no port, a port out of range); the resolver's error
/// for a name it cannot find; an error outside a corio runtime or after it shut down.
pub(crate) async fn resolve<A: ToSocketAddrs>(addr: A) -> io::Result<Addrs> {
    match addr.to_socket_addrs() {
        Resolve::Ready(addrs) => addrs,
        Resolve::Lookup(host, port) => {
            let handle = Handle::try_current()
                .map_err(|err| io::Error::other(format!("cannot look up {host:?}: {err}")))?;
            let addrs = handle
                .spawn_blocking(move || {
                    std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
                        .map(Iterator::collect::<Vec<_>>)
                })
                .await??;
            Ok(Addrs::Many(addrs.into_iter()))
        }
    }
}

/// The first address of `addr` (for `send_to`, which sends one datagram).
///
/// # Errors
///
/// As [`resolve`], and `InvalidInput` if `addr` named no address.
pub(crate) async fn first_addr<A: ToSocketAddrs>(addr: A) -> io::Result<SocketAddr> {
    resolve(addr).await?.next().ok_or_else(no_addresses)
}

/// Looks up `host` (`"name:port"`, `(name, port)` or a literal) and returns its addresses — the
/// `getaddrinfo` of corio, run on the blocking pool unless `host` is a literal address.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let addrs: Vec<_> = corio::net::lookup_host("localhost:80").await?.collect();
///     assert!(addrs.iter().all(|addr| addr.port() == 80 && addr.ip().is_loopback()));
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// `InvalidInput` if `host` cannot be parsed (no port, say); the resolver's error if the name is
/// unknown; an error outside a corio runtime.
pub async fn lookup_host<A: ToSocketAddrs>(
    host: A,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    resolve(host).await
}

/// The error for an argument that named no address at all (an empty slice, a name without
/// records).
pub(crate) fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "the address resolved to no socket address; pass at least one",
    )
}

fn one(addr: SocketAddr) -> Resolve {
    Resolve::Ready(Ok(Addrs::One(Some(addr).into_iter())))
}

/// `host` and `port` as given: a literal IP address at once, anything else looked up.
fn host_port(host: &str, port: u16) -> Resolve {
    match host.parse::<IpAddr>() {
        Ok(ip) => one(SocketAddr::new(ip, port)),
        Err(_) => Resolve::Lookup(host.to_owned(), port),
    }
}

impl ToSocketAddrs for SocketAddr {}
impl ToSocketAddrsPriv for SocketAddr {
    fn to_socket_addrs(&self) -> Resolve {
        one(*self)
    }
}

impl ToSocketAddrs for SocketAddrV4 {}
impl ToSocketAddrsPriv for SocketAddrV4 {
    fn to_socket_addrs(&self) -> Resolve {
        one(SocketAddr::V4(*self))
    }
}

impl ToSocketAddrs for SocketAddrV6 {}
impl ToSocketAddrsPriv for SocketAddrV6 {
    fn to_socket_addrs(&self) -> Resolve {
        one(SocketAddr::V6(*self))
    }
}

impl ToSocketAddrs for (IpAddr, u16) {}
impl ToSocketAddrsPriv for (IpAddr, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        one(SocketAddr::new(self.0, self.1))
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {}
impl ToSocketAddrsPriv for (Ipv4Addr, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        one(SocketAddr::new(self.0.into(), self.1))
    }
}

impl ToSocketAddrs for (Ipv6Addr, u16) {}
impl ToSocketAddrsPriv for (Ipv6Addr, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        one(SocketAddr::new(self.0.into(), self.1))
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl ToSocketAddrsPriv for [SocketAddr] {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::Ready(Ok(Addrs::Many(Vec::from(self).into_iter())))
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_socket_addrs(&self) -> Resolve {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return one(addr);
        }
        // "host:port": split at the last colon, as std does.
        let Some((host, port)) = self.rsplit_once(':') else {
            return Resolve::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("invalid socket address {self:?}: expected \"host:port\" or \"ip:port\""),
            )));
        };
        match port.parse::<u16>() {
            Ok(port) => host_port(host, port),
            Err(_) => Resolve::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("invalid port {port:?} in socket address {self:?}: expected 0..=65535"),
            ))),
        }
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_socket_addrs(&self) -> Resolve {
        self.as_str().to_socket_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        host_port(self.0, self.1)
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        host_port(&self.0, self.1)
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn to_socket_addrs(&self) -> Resolve {
        (**self).to_socket_addrs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(addr: impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
        match addr.to_socket_addrs() {
            Resolve::Ready(addrs) => addrs.map(Iterator::collect),
            Resolve::Lookup(host, port) => panic!("{host}:{port} should not need a lookup"),
        }
    }

    #[test]
    fn literals_resolve_inline() {
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!(ready("127.0.0.1:80").unwrap(), [v4]);
        assert_eq!(ready("[::1]:80").unwrap(), [v6]);
        assert_eq!(ready(("127.0.0.1", 80)).unwrap(), [v4]);
        assert_eq!(ready(("::1", 80)).unwrap(), [v6]);
        assert_eq!(ready((String::from("::1"), 80)).unwrap(), [v6]);
        assert_eq!(ready(String::from("127.0.0.1:80")).unwrap(), [v4]);
        assert_eq!(ready(v4).unwrap(), [v4]);
        assert_eq!(ready((Ipv4Addr::LOCALHOST, 80)).unwrap(), [v4]);
        assert_eq!(ready((Ipv6Addr::LOCALHOST, 80)).unwrap(), [v6]);
        assert_eq!(ready((v4.ip(), 80)).unwrap(), [v4]);
        assert_eq!(ready(&[v4, v6][..]).unwrap(), [v4, v6]);
    }

    #[test]
    fn unparsable_is_invalid_input() {
        for bad in [
            "no port here",
            "127.0.0.1",
            "127.0.0.1:65536",
            "host:port",
            "",
        ] {
            let err = ready(bad).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad:?}: {err}");
        }
    }

    #[test]
    fn names_are_looked_up() {
        assert!(matches!(
            "localhost:80".to_socket_addrs(),
            Resolve::Lookup(host, 80) if host == "localhost"
        ));
        assert!(matches!(
            ("example.invalid", 7).to_socket_addrs(),
            Resolve::Lookup(host, 7) if host == "example.invalid"
        ));
    }
}
