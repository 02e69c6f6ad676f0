//! Making and removing directories. Listing one is `read_dir.rs`.

use super::pool;
use std::io;
use std::path::Path;

/// Creates the directory `path`; its parent must exist.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("corio-fs-create-dir-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir(&dir).await?;
///     assert!(corio::fs::metadata(&dir).await?.is_dir());
///     corio::fs::remove_dir(&dir).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `AlreadyExists` if anything is at `path`, `NotFound` if the parent is missing, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::create_dir(path)).await
}

/// Creates the directory `path` and every missing parent; succeeds if it exists already.
///
/// # Examples
///
/// ```
/// let top = std::env::temp_dir().join(format!("corio-fs-create-dir-all-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir_all(top.join("a/b/c")).await?;
///     corio::fs::create_dir_all(top.join("a/b/c")).await?;
///     assert!(corio::fs::metadata(top.join("a/b/c")).await?.is_dir());
///     corio::fs::remove_dir_all(&top).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `AlreadyExists` if a part of the path is a file, `PermissionDenied`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::create_dir_all(path)).await
}

/// Removes the empty directory `path`.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("corio-fs-remove-dir-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir(&dir).await?;
///     corio::fs::remove_dir(&dir).await?;
///     assert!(!corio::fs::try_exists(&dir).await?);
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `DirectoryNotEmpty`, `NotADirectory`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::remove_dir(path)).await
}

/// Removes the directory `path` and everything in it. Symlinks inside are removed, not followed.
///
/// # Examples
///
/// ```
/// let top = std::env::temp_dir().join(format!("corio-fs-remove-dir-all-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::create_dir_all(top.join("nested")).await?;
///     corio::fs::write(top.join("nested/file"), "x").await?;
///     corio::fs::remove_dir_all(&top).await?;
///     assert!(!corio::fs::try_exists(&top).await?);
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `NotADirectory`, `PermissionDenied`, ... (what was removed before the
/// error stays removed).
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::remove_dir_all(path)).await
}
