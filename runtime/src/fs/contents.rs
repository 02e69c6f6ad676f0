//! Whole-file helpers: read a file, write one, copy one — each a single blocking-pool job.

use super::pool;
use std::io;
use std::path::Path;

/// Reads the whole file at `path` into a vector.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-read-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&path, [1, 2, 3]).await?;
///     assert_eq!(corio::fs::read(&path).await?, [1, 2, 3]);
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `PermissionDenied`, `IsADirectory`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::read(path)).await
}

/// Reads the whole file at `path` into a string.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-read-to-string-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&path, "text").await?;
///     assert_eq!(corio::fs::read_to_string(&path).await?, "text");
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `InvalidData` if the contents are not UTF-8, `NotFound`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` as the whole file at `path`, creating it if needed and truncating it if
/// not. The bytes are copied first, so the future does not borrow them.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-write-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&path, "first").await?;
///     corio::fs::write(&path, "second").await?;
///     assert_eq!(corio::fs::read_to_string(&path).await?, "second");
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
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    pool::run(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permission bits of the file `from` to `to` (created or truncated);
/// returns the number of bytes copied.
///
/// # Examples
///
/// ```
/// let from = std::env::temp_dir().join(format!("corio-fs-copy-from-{}", std::process::id()));
/// let to = std::env::temp_dir().join(format!("corio-fs-copy-to-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&from, "twice").await?;
///     assert_eq!(corio::fs::copy(&from, &to).await?, 5);
///     assert_eq!(corio::fs::read(&to).await?, b"twice");
///     corio::fs::remove_file(&from).await?;
///     corio::fs::remove_file(&to).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound` if `from` does not exist, `InvalidInput` if it is not a regular file, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    pool::run(move || std::fs::copy(from, to)).await
}
