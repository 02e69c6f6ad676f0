//! Listing a directory: `read_dir`, the `ReadDir` stream of entries, and `DirEntry`.
//!
//! One blocking job fetches a batch of entries together with their file types (free on file
//! systems that report the type in the listing, a `stat` on those that do not — either way on the
//! pool), so most calls to `next_entry` return at once from the batch, and `DirEntry::file_type`
//! needs no job at all (protocol 7 in `fs/mod.rs`).

use super::pool;
use crate::loom::sync::Arc;
use crate::task::JoinHandle;
use futures_util::stream::Stream;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::mem;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Entries fetched per blocking job.
const BATCH: usize = 32;

/// Starts listing the directory at `path`; the entries come from [`ReadDir::next_entry`].
///
/// The listing holds neither `.` nor `..`, in no particular order.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("corio-fs-read-dir-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir_all(&dir).await?;
///     corio::fs::write(dir.join("a.txt"), "a").await?;
///     corio::fs::create_dir(dir.join("sub")).await?;
///
///     let mut names = Vec::new();
///     let mut entries = corio::fs::read_dir(&dir).await?;
///     while let Some(entry) = entries.next_entry().await? {
///         let kind = if entry.file_type().await?.is_dir() { "dir" } else { "file" };
///         names.push((entry.file_name().into_string().unwrap(), kind));
///     }
///     names.sort();
///     assert_eq!(names, [("a.txt".to_string(), "file"), ("sub".to_string(), "dir")]);
///     corio::fs::remove_dir_all(&dir).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `NotADirectory`, `PermissionDenied`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let std = pool::run(move || std::fs::read_dir(path)).await?;
    Ok(ReadDir {
        state: State::Idle(Batch {
            entries: VecDeque::new(),
            rest: Some(std),
        }),
    })
}

/// The entries of a directory, fetched in batches on the blocking pool. Made by [`read_dir`].
///
/// Read it with [`next_entry`](ReadDir::next_entry), or as a
/// [`Stream`](futures_util::stream::Stream) of `io::Result<DirEntry>` (with
/// `futures::StreamExt`).
///
/// # Examples
///
/// ```
/// use futures_util::StreamExt;
///
/// let dir = std::env::temp_dir().join(format!("corio-fs-read-dir-stream-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir_all(&dir).await?;
///     for name in ["x", "y", "z"] {
///         corio::fs::write(dir.join(name), name).await?;
///     }
///     let entries: Vec<_> = corio::fs::read_dir(&dir).await?.collect().await;
///     assert_eq!(entries.len(), 3);
///     corio::fs::remove_dir_all(&dir).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct ReadDir {
    state: State,
}

enum State {
    Idle(Batch),
    /// A job is fetching the next batch; it owns the std iterator meanwhile.
    Busy(JoinHandle<Batch>),
}

/// Entries fetched and not yet handed out, and the std iterator for the rest (`None` once it is
/// exhausted).
#[derive(Default)]
struct Batch {
    entries: VecDeque<io::Result<DirEntry>>,
    rest: Option<std::fs::ReadDir>,
}

impl Batch {
    /// Blocking: fetches up to [`BATCH`] more entries.
    fn fill(&mut self) {
        let Some(rest) = &mut self.rest else {
            return;
        };
        for _ in 0..BATCH {
            match rest.next() {
                Some(entry) => self.entries.push_back(entry.map(DirEntry::fetched)),
                None => {
                    self.rest = None;
                    return;
                }
            }
        }
    }
}

impl ReadDir {
    /// The next entry, or `None` once the listing is over.
    ///
    /// Cancel-safe: dropping the future loses no entry (a batch being fetched is kept for the
    /// next call).
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("corio-fs-next-entry-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(&dir).await?;
    ///     corio::fs::write(dir.join("only"), "").await?;
    ///     let mut entries = corio::fs::read_dir(&dir).await?;
    ///     let entry = entries.next_entry().await?.expect("one entry");
    ///     assert_eq!(entry.file_name(), "only");
    ///     assert!(entries.next_entry().await?.is_none());
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's, for an entry the OS failed to read (the listing may go on after it); `Other` if the
    /// runtime shut down before the job fetching the batch started (the listing then ends).
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: the poll-style form of [`next_entry`](ReadDir::next_entry), for
    /// hand-written futures. `Pending` wakes `cx`'s waker when the batch being fetched arrives.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// let dir = std::env::temp_dir().join(format!("corio-fs-poll-next-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(dir.join("one")).await?;
    ///     let mut entries = corio::fs::read_dir(&dir).await?;
    ///     let first = poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    ///     assert_eq!(first.expect("one entry").file_name(), "one");
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// As [`next_entry`](ReadDir::next_entry).
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                State::Idle(batch) => {
                    if let Some(entry) = batch.entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if batch.rest.is_none() {
                        return Poll::Ready(Ok(None));
                    }
                    let mut batch = mem::take(batch);
                    self.state = State::Busy(pool::spawn(move || {
                        batch.fill();
                        batch
                    }));
                }
                State::Busy(job) => match ready!(Pin::new(job).poll(cx)) {
                    Ok(batch) => self.state = State::Idle(batch),
                    Err(err) => {
                        // The iterator was dropped with the job: the listing is over.
                        self.state = State::Idle(Batch::default());
                        return Poll::Ready(Err(pool::join_error(err)));
                    }
                },
            }
        }
    }
}

impl Stream for ReadDir {
    type Item = io::Result<DirEntry>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_entry(cx).map(Result::transpose)
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ReadDir");
        match &self.state {
            State::Idle(batch) => debug
                .field("fetched", &batch.entries.len())
                .field("done", &batch.rest.is_none()),
            State::Busy(_) => debug.field("fetching", &true),
        };
        debug.finish()
    }
}

/// One entry of a directory listing, from [`ReadDir`].
///
/// Cheap to clone. Its file type was fetched with the listing; its metadata is fetched on demand.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("corio-fs-dir-entry-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir_all(&dir).await?;
///     corio::fs::write(dir.join("data.bin"), [0u8; 10]).await?;
///     let entry = corio::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
///     assert_eq!(entry.path(), dir.join("data.bin"));
///     assert_eq!(entry.metadata().await?.len(), 10);
///     corio::fs::remove_dir_all(&dir).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
#[derive(Clone)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Fetched with the listing; `None` if that failed (then asked again on demand).
    file_type: Option<FileType>,
}

impl DirEntry {
    /// Blocking: wraps a std entry, fetching its file type.
    fn fetched(std: std::fs::DirEntry) -> DirEntry {
        let file_type = std.file_type().ok();
        DirEntry {
            std: Arc::new(std),
            file_type,
        }
    }

    /// The entry's full path: the listed directory's path joined with the file name.
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("corio-fs-entry-path-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(&dir).await?;
    ///     corio::fs::write(dir.join("f"), "").await?;
    ///     let entry = corio::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.path(), dir.join("f"));
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name within its directory, without any leading path.
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("corio-fs-entry-name-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(&dir).await?;
    ///     corio::fs::write(dir.join("name.txt"), "").await?;
    ///     let entry = corio::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.file_name(), "name.txt");
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's metadata, fetched on the blocking pool. A symlink is described, not followed
    /// (like [`symlink_metadata`](super::symlink_metadata)).
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("corio-fs-entry-meta-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(&dir).await?;
    ///     corio::fs::write(dir.join("three"), "abc").await?;
    ///     let entry = corio::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.metadata().await?.len(), 3);
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's: `NotFound` if the entry was removed since the listing, ...
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        pool::run(move || std.metadata()).await
    }

    /// The entry's file type (a symlink is reported as a symlink). Fetched with the listing, so
    /// this normally needs no trip to the blocking pool.
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("corio-fs-entry-type-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(dir.join("child")).await?;
    ///     let entry = corio::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert!(entry.file_type().await?.is_dir());
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's, if fetching it with the listing failed and fails again now.
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime if the type must be fetched again.
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = self.std.clone();
        pool::run(move || std.file_type()).await
    }

    /// The entry's inode number, as the listing reported it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// let dir = std::env::temp_dir().join(format!("corio-fs-entry-ino-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::create_dir_all(&dir).await?;
    ///     corio::fs::write(dir.join("i"), "").await?;
    ///     let entry = corio::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.ino(), corio::fs::metadata(entry.path()).await?.ino());
    ///     corio::fs::remove_dir_all(&dir).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }
}

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DirEntry").field(&self.path()).finish()
    }
}
