//! `File`: an open file whose every operation runs on the blocking pool.
//!
//! This file holds the type, how it is opened and converted, and the methods that take `&self`.
//! Those lock the file's state (an async mutex, so a waiting task parks instead of blocking its
//! worker), wait for the operation in flight, then run their own through it
//! (`file_state.rs`). The byte-stream traits live in `file_io.rs`.

use super::buf::{self, DEFAULT_MAX_BUF};
use super::file_state::{Inner, Operation};
use super::open_options::OpenOptions;
use super::pool;
use crate::loom::sync::Arc;
use std::fmt;
use std::fs::{File as StdFile, Metadata, Permissions};
use std::io;
#[cfg(unix)]
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::task::{Context, Poll, Waker};

/// An open file, read, written and sought through the runtime's blocking pool.
///
/// `File` implements futures-io's [`AsyncRead`](crate::io::AsyncRead),
/// [`AsyncWrite`](crate::io::AsyncWrite) and [`AsyncSeek`](crate::io::AsyncSeek): bring
/// [`AsyncReadExt`](crate::io::AsyncReadExt), [`AsyncWriteExt`](crate::io::AsyncWriteExt) or
/// [`AsyncSeekExt`](crate::io::AsyncSeekExt) into scope for `read`, `write_all`, `seek`, ...
///
/// A write returns as soon as its bytes are in the file's buffer, and completes in the
/// background; call [`flush`](crate::io::AsyncWriteExt::flush) to wait for it and see its error,
/// and [`sync_all`](File::sync_all) to know it reached the disk. Dropping a `File` still writes
/// what it was given. The [`fs`](super) module docs spell out the rules.
///
/// # Examples
///
/// ```
/// use corio::fs::File;
/// use corio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let path = std::env::temp_dir().join(format!("corio-fs-file-{}.txt", std::process::id()));
/// corio::run(async {
///     let mut file = File::create(&path).await?;
///     file.write_all(b"some bytes").await?;
///     file.flush().await?;
///
///     let mut contents = Vec::new();
///     File::open(&path).await?.read_to_end(&mut contents).await?;
///     assert_eq!(contents, b"some bytes");
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct File {
    pub(super) std: Arc<StdFile>,
    pub(super) inner: async_lock::Mutex<Inner>,
    /// The most one read or write hands to the pool.
    pub(super) max_buf: usize,
}

impl File {
    /// Opens the file at `path` for reading.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncReadExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-open-{}.txt", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::write(&path, "hi").await?;
    ///     let mut text = String::new();
    ///     corio::fs::File::open(&path).await?.read_to_string(&mut text).await?;
    ///     assert_eq!(text, "hi");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's: `NotFound` if there is no such file, `PermissionDenied`, ...
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        pool::run(move || StdFile::open(path))
            .await
            .map(File::from_std)
    }

    /// Opens the file at `path` for writing, creating it if needed and truncating it if not.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-create-{}.txt", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.write_all(b"fresh").await?;
    ///     file.flush().await?;
    ///     assert_eq!(corio::fs::read(&path).await?, b"fresh");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's: `NotFound` if the parent directory does not exist, `PermissionDenied`, ...
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        pool::run(move || StdFile::create(path))
            .await
            .map(File::from_std)
    }

    /// Creates a new file at `path` and opens it for reading and writing; fails if anything
    /// exists there already (atomically: no other process can slip a file in between).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::ErrorKind;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-create-new-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::File::create_new(&path).await?;
    ///     let again = corio::fs::File::create_new(&path).await;
    ///     assert_eq!(again.unwrap_err().kind(), ErrorKind::AlreadyExists);
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// `AlreadyExists` if `path` exists (even as a dangling symlink); otherwise std's.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        pool::run(move || StdFile::create_new(path))
            .await
            .map(File::from_std)
    }

    /// An [`OpenOptions`] builder, for every other way of opening a file.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-options-{}.log", std::process::id()));
    /// corio::run(async {
    ///     for line in ["one\n", "two\n"] {
    ///         let mut log = corio::fs::File::options().create(true).append(true).open(&path).await?;
    ///         log.write_all(line.as_bytes()).await?;
    ///         log.flush().await?;
    ///     }
    ///     assert_eq!(corio::fs::read_to_string(&path).await?, "one\ntwo\n");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file. Its cursor stays where it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncReadExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-from-std-{}", std::process::id()));
    /// std::fs::write(&path, "from std").unwrap();
    /// let std_file = std::fs::File::open(&path).unwrap();
    /// corio::run(async {
    ///     let mut file = corio::fs::File::from_std(std_file);
    ///     let mut text = String::new();
    ///     file.read_to_string(&mut text).await?;
    ///     assert_eq!(text, "from std");
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            inner: async_lock::Mutex::new(Inner::new()),
            max_buf: DEFAULT_MAX_BUF,
        }
    }

    /// Flushes the file's data and metadata to the storage device (`fsync`), after every write
    /// made before it.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-sync-all-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.write_all(b"durable").await?;
    ///     file.sync_all().await?;
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The error of a background write not yet reported, or std's (`EIO` and the like).
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn sync_all(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle_reporting().await?;
        inner
            .run(
                &self.std,
                |file, _| Operation::Unit(file.sync_all()),
                Operation::unit,
            )
            .await
    }

    /// Like [`sync_all`](File::sync_all), but may skip metadata that reading the data back does
    /// not need (`fdatasync`).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-sync-data-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.write_all(b"data").await?;
    ///     file.sync_data().await?;
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The error of a background write not yet reported, or std's.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn sync_data(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle_reporting().await?;
        inner
            .run(
                &self.std,
                |file, _| Operation::Unit(file.sync_data()),
                Operation::unit,
            )
            .await
    }

    /// Truncates or extends the file to `size` bytes, after every write made before it. The
    /// cursor does not move (it may end up past the end).
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("corio-fs-set-len-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::write(&path, "0123456789").await?;
    ///     let file = corio::fs::File::options().write(true).open(&path).await?;
    ///     file.set_len(4).await?;
    ///     assert_eq!(corio::fs::read(&path).await?, b"0123");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The error of a background write not yet reported, or std's: `InvalidInput` if the file is
    /// not open for writing, ...
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle_reporting().await?;
        // The cursor must end where the caller has seen it: give back the bytes read ahead.
        let ahead = inner.idle_buf().discard_read_ahead();
        inner
            .run(
                &self.std,
                move |file, _| {
                    Operation::Unit(buf::rewind(file, ahead).and_then(|()| file.set_len(size)))
                },
                Operation::unit,
            )
            .await
    }

    /// The file's metadata, once every write made before has landed (so the length counts them).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-file-meta-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.write_all(b"12345").await?;
    ///     assert_eq!(file.metadata().await?.len(), 5);
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's. A background write error is not reported here; it stays for the next read, write,
    /// seek or flush.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let mut inner = self.inner.lock().await;
        inner.settle().await;
        inner
            .run(
                &self.std,
                |file, _| Operation::Metadata(file.metadata()),
                Operation::metadata,
            )
            .await
    }

    /// Changes the file's permissions, once every write made before has landed.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("corio-fs-file-perm-{}", std::process::id()));
    /// corio::run(async {
    ///     let file = corio::fs::File::create(&path).await?;
    ///     let mut permissions = file.metadata().await?.permissions();
    ///     permissions.set_readonly(true);
    ///     file.set_permissions(permissions).await?;
    ///     assert!(file.metadata().await?.permissions().readonly());
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's: `PermissionDenied` if the caller does not own the file, ... A background write
    /// error is not reported here.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn set_permissions(&self, permissions: Permissions) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle().await;
        inner
            .run(
                &self.std,
                move |file, _| Operation::Unit(file.set_permissions(permissions)),
                Operation::unit,
            )
            .await
    }

    /// A second `File` on the same open file (a duplicated descriptor), once every operation in
    /// flight has finished. Bytes read ahead are given back first (the clone's cursor is where
    /// this file's caller stopped reading).
    ///
    /// Both share one cursor, but each has its own buffer and its own operation in flight: use
    /// them one at a time, and `flush().await` the one before switching to the other.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-try-clone-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     let mut twin = file.try_clone().await?;
    ///     file.write_all(b"one ").await?;
    ///     file.flush().await?;
    ///     twin.write_all(b"cursor").await?;
    ///     twin.flush().await?;
    ///     assert_eq!(corio::fs::read(&path).await?, b"one cursor");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's (`EMFILE` when out of descriptors, ...). A background write error is not reported
    /// here.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn try_clone(&self) -> io::Result<File> {
        let mut inner = self.inner.lock().await;
        inner.settle().await;
        inner
            .run(
                &self.std,
                |file, buf| {
                    // The clone shares the cursor: it must start where the caller stopped reading.
                    buf.give_back(file);
                    Operation::Clone(file.try_clone())
                },
                Operation::cloned,
            )
            .await
            .map(File::from_std)
    }

    /// Turns this back into a std file, once the operation in flight has finished. Bytes read
    /// ahead are given back (the std file's cursor is where this file's was).
    ///
    /// A background write that fails is not reported here: call
    /// [`flush`](crate::io::AsyncWriteExt::flush) first to see it.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    /// use std::io::Write;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-into-std-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.write_all(b"async, ").await?;
    ///     let mut std_file = file.into_std().await;
    ///     std_file.write_all(b"then blocking")?;
    ///     assert_eq!(corio::fs::read(&path).await?, b"async, then blocking");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Resumes the panic of a job that panicked (std's file calls do not).
    pub async fn into_std(self) -> StdFile {
        let File { std, inner, .. } = self;
        let mut inner = inner.into_inner();
        // A job cancelled by the runtime's shutdown dropped its handle on the file unrun; its error
        // is left in `inner`, with no one to report it to.
        inner.settle().await;
        give_back_read_ahead(&std, &mut inner);
        Arc::try_unwrap(std).unwrap_or_else(|_| {
            unreachable!("corio::fs::File: an idle file's std handle is held by no job")
        })
    }

    /// Turns this back into a std file if that needs no waiting: no operation is in flight and no
    /// background write error is waiting to be reported. Bytes read ahead are given back.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-try-into-std-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.write_all(b"settled").await?;
    ///     file.flush().await?;
    ///     let std_file = file.try_into_std().expect("nothing is in flight after a flush");
    ///     assert_eq!(std_file.metadata()?.len(), 7);
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// Gives the file back unchanged while an operation is in flight or a background write error
    /// waits; `flush().await` settles both (or use [`into_std`](File::into_std)).
    ///
    /// # Panics
    ///
    /// Resumes the panic of a job that panicked (std's file calls do not).
    pub fn try_into_std(mut self) -> Result<StdFile, File> {
        let inner = self.inner.get_mut();
        if inner.is_busy() {
            // The job may be done, only not yet collected: look without registering interest.
            match inner.poll_complete(&mut Context::from_waker(Waker::noop())) {
                Poll::Pending => return Err(self),
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(err)) => {
                    // The job never ran (the runtime shut down): report it like a failed write.
                    inner.defer_err(err);
                }
            }
        }
        if inner.has_write_err() {
            return Err(self);
        }
        give_back_read_ahead(&self.std, inner);
        let File {
            std,
            inner,
            max_buf,
        } = self;
        Arc::try_unwrap(std).map_err(|std| File {
            std,
            inner,
            max_buf,
        })
    }

    /// Sets the most bytes a single read or write hands to the blocking pool (2 MiB by default).
    ///
    /// A larger chunk means fewer trips to the pool for big transfers; a smaller one less memory
    /// held per file (the buffer keeps its largest size).
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::io::AsyncWriteExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-max-buf-{}", std::process::id()));
    /// corio::run(async {
    ///     let mut file = corio::fs::File::create(&path).await?;
    ///     file.set_max_buf_size(4);
    ///     assert_eq!(file.write(b"0123456789").await?, 4);
    ///     file.flush().await?;
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `size` is 0: a file that moves no bytes per operation could not make progress.
    #[track_caller]
    pub fn set_max_buf_size(&mut self, size: usize) {
        assert!(
            size > 0,
            "corio::fs::File::set_max_buf_size: the size must be at least 1 byte (the default is \
             {DEFAULT_MAX_BUF})"
        );
        self.max_buf = size;
    }
}

/// Moves the idle file's cursor back over the bytes read ahead, so a std file taken out of it
/// continues where the caller stopped reading.
///
/// This `lseek` runs on the calling thread: it moves an in-kernel offset and does no I/O, and the
/// file must come back whole (a job could be cancelled, and the file with it). If it fails, the
/// file cannot seek (a pipe, a terminal): its read-ahead cannot be given back and is dropped.
fn give_back_read_ahead(std: &StdFile, inner: &mut Inner) {
    let ahead = inner.idle_buf().discard_read_ahead();
    let _ = buf::rewind(std, ahead);
}

impl From<StdFile> for File {
    /// See [`File::from_std`].
    fn from(std: StdFile) -> File {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("std", &self.std)
            .finish_non_exhaustive()
    }
}

#[cfg(unix)]
impl AsFd for File {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.std.as_fd()
    }
}

#[cfg(unix)]
impl AsRawFd for File {
    fn as_raw_fd(&self) -> RawFd {
        self.std.as_raw_fd()
    }
}
