//! `corio::fs`'s free functions, `OpenOptions` and `read_dir`: round trips; std's errors arrive
//! unchanged (`NotFound` stays `NotFound`, with its OS code); a directory listing of more entries
//! than one batch yields exactly the entries created, with their types; outside a runtime every
//! operation panics with the runtime's message; after the runtime shut down, an operation fails
//! with `Other` instead of hanging, and a write it cancelled is still reported by `flush`; every
//! future and type is `Send` (and the types `Sync + Unpin`).
//!
//! Runs on one worker and on four (`support::rt_test!`).

mod support;

use std::collections::BTreeSet;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use corio::fs::{self, DirEntry, File, OpenOptions, ReadDir};
use corio::io::{AsyncReadExt, AsyncWriteExt};
use futures_util::StreamExt;
use support::rt_test;

type Result<T = ()> = io::Result<T>;

/// A unique directory under the temp dir, removed with its contents on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "corio-fs-ops-{}-{}-{tag}",
            std::process::id(),
            NEXT.fetch_add(1, SeqCst)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).expect("creating the test's temp dir");
        TempDir(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

/// Shuts `rt` down after writing "x" to a file in a new temp dir and opening it for writing:
/// the runtime's handle, the dir, the file's path and the open file.
fn shut_down_with_a_file(
    rt: corio::Runtime,
    tag: &str,
) -> (corio::Handle, TempDir, PathBuf, std::fs::File) {
    let dir = TempDir::new(tag);
    let path = dir.join("f");
    std::fs::write(&path, "x").unwrap();
    let handle = rt.handle().clone();
    let std_file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    drop(rt);
    (handle, dir, path, std_file)
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Asserts `result` is std's `NotFound` (kind and OS code).
#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T>) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.raw_os_error(), Some(libc::ENOENT), "{err}");
}

/// The panic message of `f`, which must panic.
fn panic_of(f: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
    support::panic_message(&*payload)
}

rt_test! {
    fn contents_round_trip() {
        rt().block_on(async {
            let dir = TempDir::new("contents");
            let path = dir.join("f");
            fs::write(&path, b"bytes \xff").await?;
            assert_eq!(fs::read(&path).await?, b"bytes \xff");
            let err = fs::read_to_string(&path).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData, "not UTF-8: std's error");

            fs::write(&path, String::from("text")).await?;
            assert_eq!(fs::read_to_string(&path).await?, "text");

            let copy = dir.join("copy");
            assert_eq!(fs::copy(&path, &copy).await?, 4);
            assert_eq!(std::fs::read(&copy)?, b"text");
            Result::Ok(())
        })
        .unwrap();
    }

    fn not_found_stays_not_found() {
        rt().block_on(async {
            let dir = TempDir::new("not-found");
            let missing = dir.join("missing");
            let elsewhere = dir.join("elsewhere");
            assert_not_found(fs::read(&missing).await);
            assert_not_found(fs::read_to_string(&missing).await);
            assert_not_found(fs::metadata(&missing).await);
            assert_not_found(fs::symlink_metadata(&missing).await);
            assert_not_found(fs::canonicalize(&missing).await);
            assert_not_found(fs::read_link(&missing).await);
            assert_not_found(fs::remove_file(&missing).await);
            assert_not_found(fs::remove_dir(&missing).await);
            assert_not_found(fs::remove_dir_all(&missing).await);
            assert_not_found(fs::rename(&missing, &elsewhere).await);
            assert_not_found(fs::copy(&missing, &elsewhere).await);
            assert_not_found(fs::hard_link(&missing, &elsewhere).await);
            assert_not_found(fs::read_dir(&missing).await);
            assert_not_found(File::open(&missing).await);
            assert_not_found(File::create(missing.join("child")).await);
            assert_not_found(fs::write(missing.join("child"), "x").await);
            assert_not_found(fs::create_dir(missing.join("child")).await);
            assert!(!fs::try_exists(&missing).await?);
            assert!(!fs::try_exists(&elsewhere).await?, "nothing was created on the way");
            Result::Ok(())
        })
        .unwrap();
    }

    fn directories() {
        rt().block_on(async {
            let dir = TempDir::new("dirs");
            let sub = dir.join("sub");
            fs::create_dir(&sub).await?;
            assert_eq!(fs::create_dir(&sub).await.unwrap_err().kind(), ErrorKind::AlreadyExists);
            fs::create_dir_all(sub.join("a/b/c")).await?;
            fs::create_dir_all(sub.join("a/b/c")).await?;
            fs::write(sub.join("a/b/c/leaf"), "x").await?;
            assert!(fs::metadata(sub.join("a/b")).await?.is_dir());
            assert_eq!(
                fs::remove_dir(&sub).await.unwrap_err().kind(),
                ErrorKind::DirectoryNotEmpty
            );
            fs::remove_dir_all(&sub).await?;
            assert!(!fs::try_exists(&sub).await?);
            fs::create_dir(&sub).await?;
            fs::remove_dir(&sub).await?;
            assert!(!fs::try_exists(&sub).await?);
            Result::Ok(())
        })
        .unwrap();
    }

    fn names_and_links() {
        rt().block_on(async {
            let dir = TempDir::new("names");
            let a = dir.join("a");
            let b = dir.join("b");
            fs::write(&a, "contents").await?;
            fs::rename(&a, &b).await?;
            assert!(!fs::try_exists(&a).await?);
            assert!(fs::try_exists(&b).await?);

            let hard = dir.join("hard");
            fs::hard_link(&b, &hard).await?;
            assert_eq!(
                fs::hard_link(&b, &hard).await.unwrap_err().kind(),
                ErrorKind::AlreadyExists
            );
            fs::remove_file(&b).await?;
            assert_eq!(fs::read(&hard).await?, b"contents");

            let soft = dir.join("soft");
            fs::symlink("hard", &soft).await?;
            assert_eq!(fs::read_link(&soft).await?, PathBuf::from("hard"));
            assert_eq!(fs::read(&soft).await?, b"contents");
            assert!(fs::symlink_metadata(&soft).await?.file_type().is_symlink());
            assert!(fs::metadata(&soft).await?.is_file());
            assert_eq!(fs::canonicalize(&soft).await?, fs::canonicalize(&hard).await?);
            assert_eq!(
                fs::read_link(&hard).await.unwrap_err().kind(),
                ErrorKind::InvalidInput,
                "not a symlink: std's error"
            );

            let dangling = dir.join("dangling");
            fs::symlink("nowhere", &dangling).await?;
            assert!(!fs::try_exists(&dangling).await?, "try_exists follows the link");
            fs::remove_file(&dangling).await?;

            let mut permissions = fs::metadata(&hard).await?.permissions();
            assert!(!permissions.readonly());
            permissions.set_readonly(true);
            fs::set_permissions(&hard, permissions).await?;
            assert!(fs::metadata(&hard).await?.permissions().readonly());
            Result::Ok(())
        })
        .unwrap();
    }

    fn open_options() {
        rt().block_on(async {
            let dir = TempDir::new("options");
            let path = dir.join("f");
            let err = OpenOptions::new().open(&path).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "no access mode: std's error");
            assert_not_found(OpenOptions::new().write(true).open(&path).await);

            let mut file = OpenOptions::new().write(true).create_new(true).open(&path).await?;
            file.write_all(b"0123456789").await?;
            file.flush().await?;
            let err = File::create_new(&path).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AlreadyExists);

            // Without truncate, writing overwrites in place.
            let mut file = OpenOptions::new().write(true).open(&path).await?;
            file.write_all(b"ab").await?;
            file.flush().await?;
            assert_eq!(fs::read(&path).await?, b"ab23456789");

            let mut file = OpenOptions::new().write(true).truncate(true).open(&path).await?;
            file.write_all(b"new").await?;
            file.flush().await?;
            assert_eq!(fs::read(&path).await?, b"new");

            // std's builder, converted, keeps what was set on it.
            let mut std_options = std::fs::OpenOptions::new();
            std_options.read(true);
            let mut text = String::new();
            OpenOptions::from(std_options).open(&path).await?.read_to_string(&mut text).await?;
            assert_eq!(text, "new");

            // mode and custom_flags reach open(2).
            let private = dir.join("private");
            OpenOptions::new().write(true).create(true).mode(0o600).open(&private).await?;
            let mode = std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&private).await?.permissions());
            assert_eq!(mode & 0o777, 0o600);
            let link = dir.join("link");
            fs::symlink(&private, &link).await?;
            let err = OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&link)
                .await
                .unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::ELOOP));
            Result::Ok(())
        })
        .unwrap();
    }

    fn read_dir_lists_exactly_the_entries() {
        rt().block_on(async {
            let dir = TempDir::new("read-dir");
            let mut expected = BTreeSet::new();
            // More entries than one batch, so the listing takes several trips to the pool.
            for i in 0..100 {
                let name = format!("file-{i:03}");
                fs::write(dir.join(&name), vec![0u8; i]).await?;
                expected.insert((name, false));
            }
            for i in 0..5 {
                let name = format!("dir-{i}");
                fs::create_dir(dir.join(&name)).await?;
                expected.insert((name, true));
            }

            let mut listed = BTreeSet::new();
            let mut entries = fs::read_dir(&dir.0).await?;
            while let Some(entry) = entries.next_entry().await? {
                let name = entry.file_name().into_string().unwrap();
                assert_eq!(entry.path(), dir.join(&name));
                let is_dir = entry.file_type().await?.is_dir();
                let metadata = entry.metadata().await?;
                assert_eq!(metadata.is_dir(), is_dir);
                assert_eq!(entry.ino(), std::os::unix::fs::MetadataExt::ino(&metadata));
                if !is_dir {
                    let len: u64 = name["file-".len()..].parse().unwrap();
                    assert_eq!(metadata.len(), len);
                }
                assert!(listed.insert((name, is_dir)), "an entry was listed twice");
            }
            assert_eq!(listed, expected);
            assert!(entries.next_entry().await?.is_none(), "the end stays the end");

            // The same listing as a stream.
            let streamed: Vec<io::Result<DirEntry>> = fs::read_dir(&dir.0).await?.collect().await;
            assert_eq!(streamed.len(), expected.len());
            assert!(streamed.iter().all(|entry| entry.is_ok()));

            let file = dir.join("file-000");
            assert_eq!(
                fs::read_dir(&file).await.unwrap_err().raw_os_error(),
                Some(libc::ENOTDIR)
            );
            Result::Ok(())
        })
        .unwrap();
    }

    fn dropped_next_entry_loses_nothing() {
        rt().block_on(async {
            let dir = TempDir::new("read-dir-cancel");
            for i in 0..40 {
                fs::write(dir.join(&format!("{i}")), "").await?;
            }
            let mut entries = fs::read_dir(&dir.0).await?;
            let mut count = 0;
            loop {
                // Poll once and drop the future: a batch being fetched is kept for the next call.
                if let Some(entry) = futures_util::FutureExt::now_or_never(entries.next_entry()) {
                    if entry?.is_none() {
                        break;
                    }
                    count += 1;
                    continue;
                }
                match entries.next_entry().await? {
                    Some(_) => count += 1,
                    None => break,
                }
            }
            assert_eq!(count, 40);
            Result::Ok(())
        })
        .unwrap();
    }

    fn operations_after_shutdown_fail_with_other() {
        let (handle, _dir, path, std_file) = shut_down_with_a_file(rt(), "shutdown");

        handle.block_on(async {
            let err = fs::read(&path).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Other);
            assert!(err.to_string().contains("shut down"), "{err}");

            let mut file = File::from_std(std_file);
            // Accepted into the buffer; the job that would write it is cancelled.
            assert_eq!(file.write(b"lost").await.unwrap(), 4);
            let err = file.flush().await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Other);
            assert!(err.to_string().contains("shut down"), "{err}");
            // The file itself is intact and can be taken back.
            let std_file = file.into_std().await;
            assert_eq!(std_file.metadata().unwrap().len(), 1);
        });
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }

    fn a_write_cancelled_by_shutdown_is_reported_after_the_methods_that_do_not_report() {
        let (handle, _dir, path, std_file) = shut_down_with_a_file(rt(), "shutdown-unreported");

        handle.block_on(async {
            let mut file = File::from_std(std_file);
            // `metadata`, `set_permissions` and `try_clone` wait for the write but leave its error
            // to the next operation that reports write errors (each fails: its own job is
            // cancelled too). The bytes never landed: `flush` must say so, once.
            let permissions = std::fs::metadata(&path).unwrap().permissions();
            for method in 0..3 {
                assert_eq!(file.write(b"lost").await.unwrap(), 4);
                let err = match method {
                    0 => file.metadata().await.map(drop).unwrap_err(),
                    1 => file.set_permissions(permissions.clone()).await.unwrap_err(),
                    _ => file.try_clone().await.map(drop).unwrap_err(),
                };
                assert_eq!(err.kind(), ErrorKind::Other, "method {method}: {err}");
                let err = file.flush().await.unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Other, "method {method}: {err}");
                assert!(err.to_string().contains("shut down"), "method {method}: {err}");
                file.flush().await.unwrap();
            }
        });
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }
}

#[test]
fn outside_a_runtime_operations_panic_with_the_runtime_message() {
    let dir = TempDir::new("no-runtime");
    let path = dir.join("f");
    std::fs::write(&path, "x").unwrap();
    let expected = "there is no corio runtime here";

    let message = panic_of(|| drop(support::block_on_local(fs::read(&path))));
    assert!(
        message.contains("corio::fs") && message.contains(expected),
        "{message}"
    );
    let message = panic_of(|| drop(support::block_on_local(File::open(&path))));
    assert!(message.contains(expected), "{message}");

    let mut file = File::from_std(std::fs::File::open(&path).unwrap());
    let message = panic_of(|| drop(support::block_on_local(file.read(&mut [0; 4]))));
    assert!(message.contains(expected), "{message}");
}

#[test]
fn futures_and_types_are_send() {
    fn send<T: Send>(_: &T) {}
    fn shared<T: Send + Sync + Unpin>() {}
    fn send_future<F: Future + Send>(f: F) -> F {
        f
    }

    shared::<File>();
    shared::<OpenOptions>();
    shared::<ReadDir>();
    shared::<DirEntry>();

    let path = PathBuf::from("unused");
    // Built, never polled: nothing runs.
    send(&send_future(fs::read(path.clone())));
    send(&send_future(fs::write(path.clone(), vec![1])));
    send(&send_future(fs::read_dir(path.clone())));
    send(&send_future(File::open(path.clone())));
    send(&send_future(OpenOptions::new().read(true).open(path)));
    let file = File::from_std(std::fs::File::open("/dev/null").unwrap());
    send(&send_future(file.sync_all()));
    send(&send_future(file.metadata()));
    send(&send_future(file.try_clone()));
}
