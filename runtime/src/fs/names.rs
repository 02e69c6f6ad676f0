//! Names and links: removing and renaming files, hard and symbolic links, resolving paths.

use super::pool;
use std::io;
use std::path::{Path, PathBuf};

/// Removes the file (or symlink) at `path`.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-remove-file-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&path, "short-lived").await?;
///     corio::fs::remove_file(&path).await?;
///     let again = corio::fs::remove_file(&path).await;
///     assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::NotFound);
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `IsADirectory` (use [`remove_dir`](super::remove_dir)), ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::remove_file(path)).await
}

/// Renames `from` to `to`, replacing `to` if it is a file (atomically, within one file system).
///
/// # Examples
///
/// ```
/// let from = std::env::temp_dir().join(format!("corio-fs-rename-from-{}", std::process::id()));
/// let to = std::env::temp_dir().join(format!("corio-fs-rename-to-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&from, "moving").await?;
///     corio::fs::rename(&from, &to).await?;
///     assert!(!corio::fs::try_exists(&from).await?);
///     assert_eq!(corio::fs::read(&to).await?, b"moving");
///     corio::fs::remove_file(&to).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `CrossesDevices` across file systems, `IsADirectory`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    pool::run(move || std::fs::rename(from, to)).await
}

/// Makes `link` a new name (a hard link) for the file `original`.
///
/// # Examples
///
/// ```
/// let original = std::env::temp_dir().join(format!("corio-fs-hard-link-a-{}", std::process::id()));
/// let link = std::env::temp_dir().join(format!("corio-fs-hard-link-b-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&original, "shared").await?;
///     corio::fs::hard_link(&original, &link).await?;
///     corio::fs::remove_file(&original).await?;
///     assert_eq!(corio::fs::read(&link).await?, b"shared");
///     corio::fs::remove_file(&link).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound` for a missing `original`, `AlreadyExists` if `link` exists, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    pool::run(move || std::fs::hard_link(original, link)).await
}

/// Makes `link` a symbolic link to `original` (which need not exist; a relative `original` is
/// resolved from the link's directory).
///
/// # Examples
///
/// ```
/// let target = std::env::temp_dir().join(format!("corio-fs-symlink-target-{}", std::process::id()));
/// let link = std::env::temp_dir().join(format!("corio-fs-symlink-link-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&target, "pointed at").await?;
///     corio::fs::symlink(&target, &link).await?;
///     assert_eq!(corio::fs::read_link(&link).await?, target);
///     assert_eq!(corio::fs::read(&link).await?, b"pointed at");
///     corio::fs::remove_file(&link).await?;
///     corio::fs::remove_file(&target).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `AlreadyExists` if `link` exists, `NotFound` if its directory is missing, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    pool::run(move || std::os::unix::fs::symlink(original, link)).await
}

/// The path a symbolic link points to, as written in the link.
///
/// # Examples
///
/// ```
/// let link = std::env::temp_dir().join(format!("corio-fs-read-link-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::symlink("somewhere/else", &link).await?;
///     assert_eq!(corio::fs::read_link(&link).await?, std::path::Path::new("somewhere/else"));
///     corio::fs::remove_file(&link).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `InvalidInput` if `path` is not a symlink, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::read_link(path)).await
}

/// The absolute form of `path`, with every symlink, `.` and `..` resolved.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("corio-fs-canonicalize-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir_all(dir.join("inner")).await?;
///     let roundabout = dir.join("inner/../inner/.");
///     let direct = corio::fs::canonicalize(dir.join("inner")).await?;
///     assert_eq!(corio::fs::canonicalize(&roundabout).await?, direct);
///     corio::fs::remove_dir_all(&dir).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound` if any part of the path does not exist, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::canonicalize(path)).await
}
