//! Metadata by path: reading it, changing permissions, asking whether a path exists.

use super::pool;
use std::fs::{Metadata, Permissions};
use std::io;
use std::path::Path;

/// The metadata of what `path` names, following symlinks.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-metadata-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&path, "four").await?;
///     let metadata = corio::fs::metadata(&path).await?;
///     assert!(metadata.is_file());
///     assert_eq!(metadata.len(), 4);
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `PermissionDenied` on a directory in the path, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::metadata(path)).await
}

/// The metadata of `path` itself: a symlink is described, not followed.
///
/// # Examples
///
/// ```
/// let link = std::env::temp_dir().join(format!("corio-fs-symlink-metadata-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::symlink("nowhere", &link).await?;
///     assert!(corio::fs::symlink_metadata(&link).await?.file_type().is_symlink());
///     corio::fs::remove_file(&link).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::symlink_metadata(path)).await
}

/// Sets the permissions of what `path` names (following symlinks).
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-set-permissions-{}", std::process::id()));
/// corio::run(async {
///     corio::fs::write(&path, "locked").await?;
///     let mut permissions = corio::fs::metadata(&path).await?.permissions();
///     permissions.set_readonly(true);
///     corio::fs::set_permissions(&path, permissions).await?;
///     assert!(corio::fs::metadata(&path).await?.permissions().readonly());
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's: `NotFound`, `PermissionDenied` if the caller does not own the file, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn set_permissions(path: impl AsRef<Path>, permissions: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::set_permissions(path, permissions)).await
}

/// Whether `path` names something (following symlinks: a dangling link is `false`).
///
/// Unlike `Path::exists`, an error other than "not found" — a directory on the way that cannot
/// be searched, say — is an error, not `false`.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("corio-fs-try-exists-{}", std::process::id()));
/// corio::run(async {
///     assert!(!corio::fs::try_exists(&path).await?);
///     corio::fs::write(&path, "").await?;
///     assert!(corio::fs::try_exists(&path).await?);
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
///
/// # Errors
///
/// std's, except `NotFound` (which is `Ok(false)`): `PermissionDenied`, ...
///
/// # Panics
///
/// Panics outside a corio runtime.
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    pool::run(move || std::fs::exists(path)).await
}
