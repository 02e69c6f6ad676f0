//! I/O: the readiness driver shared by all workers, `Async<T>` for any file descriptor, and the
//! ecosystem's async I/O traits.
//!
//! # The driver
//!
//! One `polling::Poller` per runtime (epoll on Linux, kqueue on macOS and the BSDs). A source is
//! registered edge-triggered where the platform supports it (oneshot with re-arm otherwise) and
//! gets a `ScheduledIo` (`io/scheduled_io.rs`): readiness bits and a tick packed in one atomic,
//! and the wakers of the tasks waiting to read and to write. Readiness is cleared only when an operation
//! would block and no newer event has arrived.
//!
//! Nobody owns the driver: the worker that parks first (the timer holder) blocks in the poller's
//! `wait` with the next timer deadline as timeout, and is woken through `Poller::notify`; busy
//! workers poll it without blocking every `event_interval` ticks. Tasks woken by an event are
//! queued on the worker that received it.
//!
//! # Budget
//!
//! Every ready I/O operation spends one unit of the task's cooperative budget (128 per poll);
//! once it is spent, resources report `Pending` after waking the task, so an always-ready socket
//! cannot starve the rest.
//!
//! # Traits
//!
//! corio uses the runtime-agnostic traits of `futures-io` (`AsyncRead`, `AsyncWrite`, ...) and
//! re-exports the extension traits and helpers of `futures-util` (`AsyncReadExt`, `copy`, ...).

#[cfg(not(corio_loom))]
mod async_fd;
// Under loom only the park/notify half of the driver is used: sources cannot be registered.
#[cfg_attr(corio_loom, allow(dead_code))]
pub(crate) mod driver;
#[cfg_attr(corio_loom, allow(dead_code))]
mod poller;
#[cfg(not(corio_loom))]
pub(crate) mod registration;
#[cfg_attr(corio_loom, allow(dead_code))]
pub(crate) mod scheduled_io;

#[cfg(not(corio_loom))]
pub use self::async_fd::Async;

pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use futures_util::io::{
    copy, copy_buf, empty, repeat, sink, AllowStdIo, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt,
    AsyncWriteExt, BufReader, BufWriter, Cursor, Empty, LineWriter, ReadHalf, Repeat, ReuniteError,
    Sink, WriteHalf,
};
