//! Asynchronous file system access: std's `fs`, run on the runtime's blocking pool.
//!
//! Operating systems offer no readiness notification for regular files (epoll refuses them), so
//! corio does what tokio does: every file system call runs as a
//! [`spawn_blocking`](crate::task::spawn_blocking) job, and the task awaits the job. The names and
//! signatures are `tokio::fs`'s; [`File`] implements the ecosystem's `futures-io`
//! [`AsyncRead`](crate::io::AsyncRead), [`AsyncWrite`](crate::io::AsyncWrite) and
//! [`AsyncSeek`](crate::io::AsyncSeek), so [`AsyncReadExt`](crate::io::AsyncReadExt),
//! [`copy`](crate::io::copy) and friends work on it.
//!
//! | module part       | owns                                                              |
//! |-------------------|-------------------------------------------------------------------|
//! | `pool.rs`         | the one road to the blocking pool, and the `JoinError` → `io::Error` rule |
//! | `contents.rs`     | whole-file helpers: [`read`], [`read_to_string`], [`write()`], [`copy`] |
//! | `dirs.rs`         | [`create_dir`], [`create_dir_all`], [`remove_dir`], [`remove_dir_all`] |
//! | `names.rs`        | [`remove_file`], [`rename`], [`hard_link`], `symlink`, [`read_link`], [`canonicalize`] |
//! | `metadata.rs`     | [`metadata`], [`symlink_metadata`], [`set_permissions`], [`try_exists`] |
//! | `read_dir.rs`     | [`read_dir`], [`ReadDir`], [`DirEntry`]                           |
//! | `open_options.rs` | [`OpenOptions`]                                                   |
//! | `file.rs`         | [`File`]: opening, and the methods that take `&self`              |
//! | `file_io.rs`      | `File`'s `AsyncRead`, `AsyncWrite` and `AsyncSeek`                |
//! | `file_state.rs`   | the one operation a `File` may have in flight                     |
//! | `buf.rs`          | the buffer a `File` lends to that operation                       |
//!
//! # Protocols
//!
//! 1. **No file system call runs on a worker.** Each one (opening, reading, `fsync`, `stat`, ...)
//!    is a job on the blocking pool; the awaiting task is parked meanwhile, so its worker keeps
//!    running other tasks. The exceptions: the in-kernel cursor move (`lseek`, which does no I/O)
//!    that [`File::into_std`] and [`File::try_into_std`] make to give back bytes read ahead, and
//!    `close`, which runs where the last handle on a file or directory listing is dropped (like
//!    tokio).
//! 2. **Outside a runtime, the first poll panics** with the message of
//!    [`Handle::current`](crate::Handle::current): there is no pool to run the job on.
//! 3. **Errors pass through unchanged.** What std returns — its kind, its OS error code — is what
//!    the caller gets. The one error corio adds: a job cancelled because the runtime shut down
//!    before it started becomes an `io::Error` of kind `Other` saying so. (A panic in a job, which
//!    std's file calls do not do, resumes in the awaiting task.)
//! 4. **A `File` has at most one operation in flight**, and one buffer that travels with it
//!    (`file_state.rs`, `buf.rs`):
//!    - a **read** asks the pool for as many bytes as the caller's buffer holds (at most the
//!      chunk size), and hands them over when the job returns;
//!    - a **write** copies up to one chunk into the buffer, starts the job that writes it, and
//!      returns at once: the write completes in the background. Its error, if any, is returned by
//!      the next operation that waits for it — a read, write, seek, `flush`, `close`, `sync_all`,
//!      `sync_data` or `set_len` — and by exactly one of them;
//!    - every other operation — a seek, `flush`, `set_len`, `metadata`, ... — first waits for the
//!      one in flight. So a seek after a write seeks after the bytes land, `sync_all` covers
//!      every write before it, and `metadata` sees the length they made;
//!    - bytes read ahead (fetched for a poll whose caller then asked for fewer, or went away) are
//!      handed to later reads; a write, seek, `set_len` or `try_clone` first moves the file's
//!      cursor back over them, so the file position is always the one the caller has seen.
//! 5. **Dropping a `File` loses no write that returned `Ok`.** The job in flight owns a handle on
//!    the file and the bytes to write; it runs to completion on the pool, with no one to tell if
//!    it fails. So, like tokio (and unlike a `BufWriter`), written data lands without a flush —
//!    as long as the runtime lives until the pool has started the job (shutdown cancels jobs that
//!    have not started). `flush().await` is the way to know it landed and to see its error;
//!    `sync_all().await` is the way to know it is on disk.
//! 6. **A futures-io `poll_*` call that returned `Pending` continues its operation** when polled
//!    again. In particular `poll_seek` returns the result of the seek in flight when it was
//!    started for the same target, and otherwise starts its own. A seek future dropped once its
//!    seek started still moves the cursor, and a new seek to the same target takes over its
//!    result: after a `seek(SeekFrom::Current(n))` future is dropped mid-flight, an identical seek
//!    does not move the cursor a second time. (One dropped while it still waited for the
//!    operation before it — a write, say — never started, and moves nothing.) `poll_close` is
//!    `poll_flush`: the file closes when the `File` (and its last job) is dropped.
//! 7. **A directory listing is read in batches** (`read_dir.rs`): one job fetches several entries,
//!    and their file types with them (which costs a `stat` on file systems that do not report
//!    it), so [`ReadDir::next_entry`] mostly returns without a trip to the pool.
//!
//! # Guarantees and current behaviour
//!
//! Users may rely on the protocols above, and on: every type is `Send + Sync + Unpin`, and every
//! future is `Send` when its arguments are. Today's numbers, which may change: the chunk a single
//! `File` read or write hands to the pool is at most 2 MiB (adjustable per file with
//! [`File::set_max_buf_size`]), and a directory listing fetches 32 entries per job.
//!
//! # Examples
//!
//! ```
//! use corio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
//! use std::io::SeekFrom;
//!
//! let path = std::env::temp_dir().join(format!("corio-fs-tour-{}.txt", std::process::id()));
//! corio::run(async {
//!     let mut file = corio::fs::File::create(&path).await?;
//!     file.write_all(b"hello, file").await?;
//!     file.flush().await?;
//!
//!     let mut file = corio::fs::File::open(&path).await?;
//!     file.seek(SeekFrom::Start(7)).await?;
//!     let mut tail = String::new();
//!     file.read_to_string(&mut tail).await?;
//!     assert_eq!(tail, "file");
//!
//!     corio::fs::remove_file(&path).await?;
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```

mod buf;
mod contents;
mod dirs;
mod file;
mod file_io;
mod file_state;
mod metadata;
mod names;
mod open_options;
mod pool;
mod read_dir;

pub use self::contents::{copy, read, read_to_string, write};
pub use self::dirs::{create_dir, create_dir_all, remove_dir, remove_dir_all};
pub use self::file::File;
pub use self::metadata::{metadata, set_permissions, symlink_metadata, try_exists};
#[cfg(unix)]
pub use self::names::symlink;
pub use self::names::{canonicalize, hard_link, read_link, remove_file, rename};
pub use self::open_options::OpenOptions;
pub use self::read_dir::{read_dir, DirEntry, ReadDir};
