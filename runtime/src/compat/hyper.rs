//! hyper 1.x on corio: the `hyper::rt` traits implemented with corio's tasks, timers and sockets.
//!
//! hyper brings the HTTP protocol and leaves the runtime to its user through five traits. This
//! module supplies them:
//!
//! | hyper asks for | corio gives | what it does |
//! |---|---|---|
//! | `rt::Executor<F>` | [`CorioExecutor`] | spawns hyper's background futures (HTTP/2 streams and connection tasks) as corio tasks |
//! | `rt::Timer` | [`CorioTimer`] | header-read and keep-alive timeouts, HTTP/2 pings, as [`corio::time::Sleep`](crate::time::Sleep)s; `reset` moves a corio sleep in place |
//! | `rt::Sleep` | [`corio::time::Sleep`](crate::time::Sleep) itself | corio owns the type, so it implements the trait directly: no wrapper, and `Timer::reset` can downcast to it |
//! | `rt::Read` + `rt::Write` | corio's [`TcpStream`](crate::net::TcpStream) and [`UnixStream`](crate::net::UnixStream) themselves | hand the stream to hyper as it is: reads land in hyper's buffer straight from the kernel |
//! | `rt::Read` + `rt::Write` | [`CorioIo<T>`] | any other futures-io `AsyncRead + AsyncWrite` (split halves, TLS streams, ...) as hyper's I/O; it zeroes the part of hyper's buffer it reads into, since futures-io reads need initialised memory |
//!
//! What a user may rely on: every trait method forwards to the corio call of the same meaning —
//! `execute` is [`spawn`](crate::spawn) (or [`Handle::spawn`](crate::Handle::spawn)), `sleep_until`
//! is [`sleep_until`](crate::time::sleep_until), `poll_read` is `AsyncRead::poll_read`,
//! `poll_shutdown` is `AsyncWrite::poll_close`. Nothing is buffered, nothing is spawned behind the
//! user's back.
//!
//! Needs the `hyper` cargo feature: `corio = { version = "0.1", features = ["hyper"] }`. hyper's
//! own features (`server`, `client`, `http1`, `http2`) are the application's choice.
//!
//! # Example
//!
//! An HTTP/1 server answering `hello`, and a client asking it, both on one corio runtime:
//!
//! ```
//! use std::convert::Infallible;
//!
//! use corio::compat::hyper::{CorioIo, CorioTimer};
//! use corio::net::{TcpListener, TcpStream};
//! use http_body_util::{BodyExt, Empty, Full};
//! use hyper::body::{Bytes, Incoming};
//! use hyper::{Request, Response};
//!
//! async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
//!     Ok(Response::new(Full::new(Bytes::from_static(b"hello"))))
//! }
//!
//! corio::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!
//!     // The server: one task per connection, as with hyper on any runtime.
//!     corio::spawn(async move {
//!         while let Ok((stream, _)) = listener.accept().await {
//!             corio::spawn(
//!                 hyper::server::conn::http1::Builder::new()
//!                     .timer(CorioTimer::new())
//!                     .serve_connection(stream, hyper::service::service_fn(hello)),
//!             );
//!         }
//!     });
//!
//!     // The client: a connection driven by a task of its own, and a request over it. (The
//!     // stream could go to hyper as it is, like the server's; `CorioIo` wraps any futures-io
//!     // stream.)
//!     let stream = TcpStream::connect(addr).await?;
//!     let (mut sender, connection) =
//!         hyper::client::conn::http1::handshake(CorioIo::new(stream)).await?;
//!     corio::spawn(connection);
//!     let request = Request::get("/").header("host", "127.0.0.1").body(Empty::<Bytes>::new())?;
//!     let response = sender.send_request(request).await?;
//!     assert_eq!(response.status(), 200);
//!     assert_eq!(response.into_body().collect().await?.to_bytes(), "hello");
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! })?;
//! # Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
//! ```

mod executor;
mod io;
mod stream;
mod timer;

pub use self::executor::CorioExecutor;
pub use self::io::CorioIo;
pub use self::timer::CorioTimer;
