//! The one operation a `File` may have in flight, and the error a background write left behind.
//!
//! [`Inner`] is either idle, holding the buffer, or busy: a blocking job owns the buffer and a
//! handle on the file, and returns both with an [`Operation`] saying what it did. Whoever polls
//! next — a read, a write, a seek, or a `&self` method under the file's lock — completes the job
//! first ([`Inner::poll_complete`]) and only then starts its own. Every operation, including
//! `sync_all` and `metadata`, goes through here, so when the file is idle no job holds it and
//! `into_std` can take it back.
//!
//! A failed background write is moved to `write_err` the moment its job is completed, whoever
//! completes it; the operations that report write errors take it from there (protocol 4 in
//! `fs/mod.rs`).

use super::buf::Buf;
use super::pool;
use crate::loom::sync::Arc;
use crate::task::JoinHandle;
use std::fs::{File as StdFile, Metadata};
use std::future::{poll_fn, Future};
use std::io::{self, SeekFrom};
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// What a finished job did, with its result.
#[derive(Debug)]
pub(super) enum Operation {
    /// Read into the buffer: how many bytes (0 at end of file).
    Read(io::Result<usize>),
    /// Wrote the buffer out. Once completed, always `Ok`: an error has moved to `write_err`.
    Write(io::Result<()>),
    /// Sought to the target the caller asked for (before any rewind over read-ahead).
    Seek(SeekFrom, io::Result<u64>),
    /// `set_len`, `sync_all`, `sync_data`, `set_permissions`.
    Unit(io::Result<()>),
    /// `metadata`.
    Metadata(io::Result<Metadata>),
    /// `try_clone`.
    Clone(io::Result<StdFile>),
}

/// The state a `File` keeps beside its std file.
#[derive(Debug)]
pub(super) struct Inner {
    state: State,
    /// The error of a background write that no operation has reported yet.
    write_err: Option<io::Error>,
}

#[derive(Debug)]
enum State {
    Idle(Buf),
    Busy(JoinHandle<(Operation, Buf)>),
}

impl Inner {
    pub(super) fn new() -> Inner {
        Inner {
            state: State::Idle(Buf::default()),
            write_err: None,
        }
    }

    /// Completes the job in flight, if any; `Ready` means the file is idle.
    ///
    /// Returns what the job did, or `None` if nothing was in flight. A failed write's error moves
    /// to `write_err` (the returned `Write` is `Ok`).
    ///
    /// # Errors
    ///
    /// `Other` if the runtime shut down before the job started (its buffer is lost, and with it
    /// any bytes it was to write).
    pub(super) fn poll_complete(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(job) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let joined = ready!(Pin::new(job).poll(cx));
        match joined {
            Ok((operation, buf)) => {
                self.state = State::Idle(buf);
                Poll::Ready(Ok(Some(match operation {
                    Operation::Write(Err(err)) => {
                        self.write_err = Some(err);
                        Operation::Write(Ok(()))
                    }
                    operation => operation,
                })))
            }
            Err(err) => {
                self.state = State::Idle(Buf::default());
                Poll::Ready(Err(pool::join_error(err)))
            }
        }
    }

    /// Waits until the file is idle; a failed background write stays in `write_err`, and so does
    /// a job the runtime's shutdown cancelled (it may have been a write whose bytes are lost).
    pub(super) async fn settle(&mut self) {
        if let Err(err) = poll_fn(|cx| self.poll_complete(cx)).await {
            self.defer_err(err);
        }
    }

    /// Waits until the file is idle, then reports a failed background write.
    pub(super) async fn settle_reporting(&mut self) -> io::Result<()> {
        self.settle().await;
        self.take_write_err()
    }

    /// The error of a failed background write, once.
    pub(super) fn take_write_err(&mut self) -> io::Result<()> {
        self.write_err.take().map_or(Ok(()), Err)
    }

    /// Keeps `err` for the next operation that reports write errors (unless one already waits).
    pub(super) fn defer_err(&mut self, err: io::Error) {
        self.write_err.get_or_insert(err);
    }

    /// True if a failed background write has not been reported yet.
    pub(super) fn has_write_err(&self) -> bool {
        self.write_err.is_some()
    }

    /// The buffer of an idle file.
    ///
    /// # Panics
    ///
    /// Panics if a job is in flight: callers complete it first.
    pub(super) fn idle_buf(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf,
            State::Busy(_) => panic!("corio::fs::File used its buffer while a job had it"),
        }
    }

    /// True if a job is in flight.
    pub(super) fn is_busy(&self) -> bool {
        matches!(self.state, State::Busy(_))
    }

    /// Starts `job` on the idle file, lending it the buffer and a handle on `std`.
    ///
    /// # Panics
    ///
    /// Panics if a job is already in flight, or outside a corio runtime.
    pub(super) fn start(
        &mut self,
        std: &Arc<StdFile>,
        job: impl FnOnce(&StdFile, &mut Buf) -> Operation + Send + 'static,
    ) {
        let mut buf = mem::take(self.idle_buf());
        let std = std.clone();
        self.state = State::Busy(pool::spawn(move || {
            let operation = job(&std, &mut buf);
            (operation, buf)
        }));
    }

    /// Starts `job` on the idle file and waits for it; `pick` takes its result out of the
    /// operation it reports.
    pub(super) async fn run<T>(
        &mut self,
        std: &Arc<StdFile>,
        job: impl FnOnce(&StdFile, &mut Buf) -> Operation + Send + 'static,
        pick: fn(Operation) -> Option<io::Result<T>>,
    ) -> io::Result<T> {
        self.start(std, job);
        let operation = poll_fn(|cx| self.poll_complete(cx)).await?;
        // The caller holds the file's lock (or `&mut File`): no one else can have started a job.
        operation
            .and_then(pick)
            .expect("corio::fs::File completed another job than the one it started")
    }
}

impl Operation {
    /// The result of a `Unit` operation.
    pub(super) fn unit(self) -> Option<io::Result<()>> {
        match self {
            Operation::Unit(result) => Some(result),
            _ => None,
        }
    }

    /// The result of a `Metadata` operation.
    pub(super) fn metadata(self) -> Option<io::Result<Metadata>> {
        match self {
            Operation::Metadata(result) => Some(result),
            _ => None,
        }
    }

    /// The result of a `Clone` operation.
    pub(super) fn cloned(self) -> Option<io::Result<StdFile>> {
        match self {
            Operation::Clone(result) => Some(result),
            _ => None,
        }
    }
}
