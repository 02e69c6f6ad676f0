//! `corio::fs::File`: read/write/append round trips; a 16 MiB transfer in chunks of at most
//! 2 MiB, checked byte for byte; seeks; writes that complete in the background (they return while
//! the pool cannot run them, a seek waits for them, dropping the file still lands them, their
//! error surfaces once at the next operation); a seek dropped behind a write moves nothing; bytes
//! read ahead given back before a write, a seek, `set_len`, `try_clone` or `into_std`; the `&self`
//! methods; many tasks reading at once; and a worker that keeps running other tasks while a file
//! operation blocks (a FIFO whose writer has not come yet).
//!
//! Tests that must see an operation *in flight* use a runtime with one blocking thread and occupy
//! it ([`PoolGate`]): jobs queue behind the gate, in order, until it opens. Nothing here depends
//! on timing.
//!
//! Runs on one worker and on four (`support::rt_test!`).

mod support;

use std::ffi::CString;
use std::io::{self, ErrorKind, SeekFrom, Write as _};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use corio::fs::File;
use corio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use futures_util::FutureExt;
use support::rt_test;

type Result<T = ()> = io::Result<T>;

/// The most a single read or write hands to the pool by default (`fs/mod.rs`).
const CHUNK: usize = 2 * 1024 * 1024;

/// A unique directory under the temp dir, removed with its contents on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "corio-fs-file-{}-{}-{tag}",
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

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `len` bytes of a pattern that repeats only every 251 bytes (a prime), so a chunk landing at
/// the wrong offset changes the contents.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// 64-bit FNV-1a.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A runtime whose blocking pool has a single thread, for [`PoolGate`].
fn gated_rt(workers: usize) -> corio::Runtime {
    corio::Runtime::builder()
        .worker_threads(workers)
        .max_blocking_threads(1)
        .build()
        .expect("building a corio runtime")
}

/// Occupies the only blocking thread of a [`gated_rt`] until dropped: file jobs submitted
/// meanwhile queue behind it, and run in submission order once it opens.
struct PoolGate {
    _release: mpsc::Sender<()>,
}

impl PoolGate {
    async fn close() -> PoolGate {
        let (release, released) = mpsc::channel::<()>();
        let (running, is_running) = futures_channel::oneshot::channel();
        // Detached: it ends when the gate (the only sender) is dropped.
        drop(corio::task::spawn_blocking(move || {
            let _ = running.send(());
            let _ = released.recv();
        }));
        is_running.await.expect("the gate job runs");
        PoolGate { _release: release }
    }
}

/// Waits until every job submitted to a [`gated_rt`]'s pool before this call has finished (the
/// one thread runs them in order).
async fn pool_drained() {
    corio::task::spawn_blocking(|| ()).await.unwrap();
}

/// Leaves `ahead` bytes read ahead in `file`'s buffer after reading the next `taken`: a read of
/// `taken + ahead` bytes is started while the pool is gated (so it is surely in flight) and
/// abandoned; the next read of `taken` bytes is served from what it fetched.
/// A new temp dir holding a file of `pattern(100)`, opened for reading and writing: the dir, the
/// file's path, its bytes and the open file.
async fn patterned_file(tag: &str) -> io::Result<(TempDir, PathBuf, Vec<u8>, File)> {
    let dir = TempDir::new(tag);
    let path = dir.join("f");
    let data = pattern(100);
    std::fs::write(&path, &data)?;
    let file = File::options().read(true).write(true).open(&path).await?;
    Ok((dir, path, data, file))
}

async fn leave_read_ahead(file: &mut File, taken: usize, ahead: usize) -> Vec<u8> {
    let gate = PoolGate::close().await;
    let mut big = vec![0; taken + ahead];
    assert!(
        file.read(&mut big).now_or_never().is_none(),
        "a read cannot finish while the pool is gated"
    );
    drop(gate);
    let mut got = vec![0; taken];
    file.read_exact(&mut got).await.unwrap();
    got
}

fn mkfifo(path: &Path) {
    let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    let rc = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo: {}", io::Error::last_os_error());
}

/// On drop, opens the FIFO's write end without blocking (and closes it), which releases a reader
/// still blocked opening it — so a failing test cannot leave a blocking thread stuck forever.
struct UnblockFifo(PathBuf);

impl Drop for UnblockFifo {
    fn drop(&mut self) {
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.0);
    }
}

rt_test! {
    fn write_then_read_round_trip() {
        rt().block_on(async {
            let dir = TempDir::new("round-trip");
            let path = dir.join("f");
            let mut file = File::create(&path).await?;
            file.write_all(b"hello, ").await?;
            file.write_all(b"file").await?;
            file.flush().await?;
            drop(file);

            let mut contents = String::new();
            File::open(&path).await?.read_to_string(&mut contents).await?;
            assert_eq!(contents, "hello, file");
            assert_eq!(std::fs::read(&path)?, b"hello, file");
            Result::Ok(())
        })
        .unwrap();
    }

    fn append_round_trip() {
        rt().block_on(async {
            let dir = TempDir::new("append");
            let path = dir.join("log");
            for line in ["one\n", "two\n", "three\n"] {
                let mut log = File::options().create(true).append(true).open(&path).await?;
                // Appending ignores the cursor: a seek to the start changes nothing.
                log.seek(SeekFrom::Start(0)).await?;
                log.write_all(line.as_bytes()).await?;
                log.close().await?;
            }
            assert_eq!(corio::fs::read_to_string(&path).await?, "one\ntwo\nthree\n");
            Result::Ok(())
        })
        .unwrap();
    }

    fn sixteen_mib_in_chunks_with_checksum() {
        rt().block_on(async {
            let dir = TempDir::new("16mib");
            let path = dir.join("big");
            let data = pattern(16 * 1024 * 1024 + 7);

            let mut file = File::create(&path).await?;
            // One write hands at most one chunk to the pool.
            assert_eq!(file.write(&data).await?, CHUNK);
            file.write_all(&data[CHUNK..]).await?;
            file.flush().await?;
            assert_eq!(file.metadata().await?.len(), data.len() as u64);
            drop(file);

            let mut file = File::open(&path).await?;
            let mut first = vec![0; 3 * CHUNK];
            assert_eq!(file.read(&mut first).await?, CHUNK, "one read fetches at most one chunk");
            let mut back = first[..CHUNK].to_vec();
            file.read_to_end(&mut back).await?;
            assert_eq!(back.len(), data.len());
            assert_eq!(checksum(&back), checksum(&data));
            assert!(back == data, "the bytes read back differ from those written");
            Result::Ok(())
        })
        .unwrap();
    }

    fn smaller_chunks_on_request() {
        rt().block_on(async {
            let dir = TempDir::new("max-buf");
            let path = dir.join("f");
            let data = pattern(100_000);
            let mut file = File::options().read(true).write(true).create(true).open(&path).await?;
            file.set_max_buf_size(4096);
            assert_eq!(file.write(&data).await?, 4096);
            file.write_all(&data[4096..]).await?;
            file.seek(SeekFrom::Start(0)).await?;
            let mut buf = vec![0; 10_000];
            assert_eq!(file.read(&mut buf).await?, 4096);
            let mut back = buf[..4096].to_vec();
            file.read_to_end(&mut back).await?;
            assert!(back == data);
            Result::Ok(())
        })
        .unwrap();
    }

    fn seek_then_read() {
        rt().block_on(async {
            let dir = TempDir::new("seek");
            let path = dir.join("digits");
            corio::fs::write(&path, "0123456789").await?;
            let mut file = File::open(&path).await?;

            assert_eq!(file.seek(SeekFrom::Start(3)).await?, 3);
            let mut four = [0; 4];
            file.read_exact(&mut four).await?;
            assert_eq!(&four, b"3456");
            assert_eq!(file.stream_position().await?, 7);
            assert_eq!(file.seek(SeekFrom::Current(-2)).await?, 5);
            file.read_exact(&mut four[..1]).await?;
            assert_eq!(four[0], b'5');
            assert_eq!(file.seek(SeekFrom::End(-1)).await?, 9);
            let mut rest = Vec::new();
            file.read_to_end(&mut rest).await?;
            assert_eq!(rest, b"9");
            // Past the end: allowed, and reads there find the end of the file.
            assert_eq!(file.seek(SeekFrom::Start(100)).await?, 100);
            assert_eq!(file.read(&mut four).await?, 0);
            // Before the start: std's error, unchanged.
            let err = file.seek(SeekFrom::Current(-1000)).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert_eq!(file.stream_position().await?, 100, "a failed seek does not move the cursor");
            Result::Ok(())
        })
        .unwrap();
    }

    fn abandoned_seeks_move_the_cursor_once() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let dir = TempDir::new("abandoned-seek");
            let path = dir.join("digits");
            std::fs::write(&path, "0123456789")?;
            let mut file = File::open(&path).await?;

            // Dropped mid-flight, then asked again: the new seek takes over the result.
            let gate = PoolGate::close().await;
            assert!(file.seek(SeekFrom::Current(3)).now_or_never().is_none());
            drop(gate);
            assert_eq!(file.seek(SeekFrom::Current(3)).await?, 3);

            // Dropped mid-flight, then a seek elsewhere: that one is made afresh.
            let gate = PoolGate::close().await;
            assert!(file.seek(SeekFrom::Start(8)).now_or_never().is_none());
            drop(gate);
            assert_eq!(file.seek(SeekFrom::Current(-1)).await?, 7);
            let mut rest = Vec::new();
            file.read_to_end(&mut rest).await?;
            assert_eq!(rest, b"789");
            Result::Ok(())
        })
        .unwrap();
    }

    fn a_seek_dropped_while_waiting_for_a_write_does_not_move_the_cursor() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let dir = TempDir::new("seek-behind-write");
            let path = dir.join("digits");
            std::fs::write(&path, "0123456789")?;
            let mut file = File::options().read(true).write(true).open(&path).await?;

            let gate = PoolGate::close().await;
            assert_eq!(file.write(b"ab").await?, 2);
            // Polled once behind the write in flight, then dropped: its seek never started.
            assert!(file.seek(SeekFrom::Start(8)).now_or_never().is_none());
            drop(gate);
            assert_eq!(file.stream_position().await?, 2);
            let mut rest = Vec::new();
            file.read_to_end(&mut rest).await?;
            assert_eq!(rest, b"23456789");
            Result::Ok(())
        })
        .unwrap();
    }

    fn write_returns_before_the_pool_runs_it_and_a_seek_waits_for_it() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let dir = TempDir::new("write-behind");
            let path = dir.join("f");
            let mut file = File::options().read(true).write(true).create(true).open(&path).await?;

            let gate = PoolGate::close().await;
            // The pool can run nothing, yet the write returns: its bytes wait in the buffer.
            assert_eq!(file.write(b"abc").await?, 3);
            let seeker = corio::spawn(async move {
                let position = file.seek(SeekFrom::Start(0)).await?;
                let mut contents = Vec::new();
                file.read_to_end(&mut contents).await?;
                Result::Ok((position, contents))
            });
            corio::time::sleep(Duration::from_millis(20)).await;
            assert!(!seeker.is_finished(), "the seek must wait for the write in flight");
            assert_eq!(std::fs::read(&path)?, b"", "nothing ran on the gated pool");

            drop(gate);
            let (position, contents) = seeker.await.unwrap()?;
            assert_eq!(position, 0);
            assert_eq!(contents, b"abc");
            Result::Ok(())
        })
        .unwrap();
    }

    fn dropping_without_flush_still_writes() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let dir = TempDir::new("drop");
            let path = dir.join("f");
            let mut file = File::create(&path).await?;
            let gate = PoolGate::close().await;
            assert_eq!(file.write(b"landed after the drop").await?, 21);
            drop(file);
            assert_eq!(std::fs::read(&path)?, b"");
            drop(gate);
            pool_drained().await;
            assert_eq!(std::fs::read(&path)?, b"landed after the drop");

            // Several chunks: every chunk but the last was completed by the write that followed.
            let data = pattern(2 * CHUNK + 5);
            let mut file = File::create(&path).await?;
            file.write_all(&data).await?;
            drop(file);
            pool_drained().await;
            assert!(std::fs::read(&path)? == data);
            Result::Ok(())
        })
        .unwrap();
    }

    fn write_error_surfaces_once_with_std_kind() {
        rt().block_on(async {
            let dir = TempDir::new("write-error");
            let path = dir.join("read-only-handle");
            std::fs::write(&path, "")?;
            let std_kind = std::fs::File::open(&path)?.write(b"x").unwrap_err().kind();

            let mut file = File::open(&path).await?;
            // The write is accepted into the buffer; it fails in the background.
            assert_eq!(file.write(b"x").await?, 1);
            let err = file.flush().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EBADF), "{err}");
            assert_eq!(err.kind(), std_kind);
            // Reported once.
            file.flush().await?;

            // Reported by whatever operation comes next: here a read.
            assert_eq!(file.write(b"y").await?, 1);
            let err = file.read(&mut [0; 8]).await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EBADF));
            assert_eq!(file.read(&mut [0; 8]).await?, 0);

            // ... or by close.
            assert_eq!(file.write(b"z").await?, 1);
            assert_eq!(file.close().await.unwrap_err().raw_os_error(), Some(libc::EBADF));

            // `metadata` waits for the write but leaves its error to the next I/O call.
            assert_eq!(file.write(b"w").await?, 1);
            assert_eq!(file.metadata().await?.len(), 0);
            assert_eq!(file.seek(SeekFrom::Start(0)).await.unwrap_err().raw_os_error(), Some(libc::EBADF));
            assert!(std::fs::read(&path)?.is_empty());
            Result::Ok(())
        })
        .unwrap();
    }

    fn read_ahead_is_given_back_before_seek_and_write() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let (_dir, path, data, mut file) = patterned_file("read-ahead").await?;

            assert_eq!(leave_read_ahead(&mut file, 10, 54).await, data[..10]);
            assert_eq!(file.stream_position().await?, 10, "the position the caller has seen");

            assert_eq!(leave_read_ahead(&mut file, 10, 30).await, data[10..20]);
            let mut more = [0; 5];
            file.read_exact(&mut more).await?;
            assert_eq!(more, data[20..25], "served from the read-ahead");
            file.write_all(b"XY").await?;
            file.flush().await?;
            let mut expected = data.clone();
            expected[25..27].copy_from_slice(b"XY");
            assert_eq!(std::fs::read(&path)?, expected, "the write lands where the reader stopped");
            assert_eq!(file.stream_position().await?, 27);
            Result::Ok(())
        })
        .unwrap();
    }

    fn read_ahead_is_given_back_before_set_len_and_into_std() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let (_dir, _, data, mut file) = patterned_file("read-ahead-std").await?;

            leave_read_ahead(&mut file, 10, 50).await;
            // Truncated inside the bytes read ahead: reads must not serve the cut-off ones.
            file.set_len(30).await?;
            assert_eq!(file.metadata().await?.len(), 30);
            let mut rest = Vec::new();
            file.read_to_end(&mut rest).await?;
            assert_eq!(rest, data[10..30]);
            assert_eq!(file.seek(SeekFrom::Current(-20)).await?, 10);

            leave_read_ahead(&mut file, 5, 40).await;
            let mut std_file = file.into_std().await;
            assert_eq!(std::io::Seek::stream_position(&mut std_file)?, 15);

            let mut file = File::from_std(std_file);
            leave_read_ahead(&mut file, 5, 40).await;
            let mut std_file = file.try_into_std().expect("nothing in flight");
            assert_eq!(std::io::Seek::stream_position(&mut std_file)?, 20);
            Result::Ok(())
        })
        .unwrap();
    }

    fn read_ahead_is_given_back_before_try_clone() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let (_dir, path, data, mut file) = patterned_file("read-ahead-clone").await?;

            assert_eq!(leave_read_ahead(&mut file, 10, 30).await, data[..10]);
            let mut twin = file.try_clone().await?;
            // The twin shares the cursor: it must be where this file's caller stopped reading.
            assert_eq!(twin.stream_position().await?, 10);
            twin.write_all(b"XY").await?;
            twin.flush().await?;
            let mut expected = data.clone();
            expected[10..12].copy_from_slice(b"XY");
            assert_eq!(std::fs::read(&path)?, expected, "the twin writes where the reader stopped");
            let mut next = [0; 3];
            file.read_exact(&mut next).await?;
            assert_eq!(next, expected[12..15], "the file reads on from the shared cursor");
            Result::Ok(())
        })
        .unwrap();
    }

    fn try_into_std_refuses_while_busy_or_an_error_waits() {
        let rt = gated_rt(WORKERS);
        rt.block_on(async {
            let dir = TempDir::new("try-into-std");
            let path = dir.join("f");
            let mut file = File::create(&path).await?;
            let gate = PoolGate::close().await;
            file.write_all(b"pending").await?;
            let file = file.try_into_std().expect_err("a write is in flight");
            drop(gate);
            pool_drained().await;
            // Done but not yet collected: collected without waiting.
            let std_file = file.try_into_std().expect("the write has finished");
            assert_eq!(std_file.metadata()?.len(), 7);

            std::fs::write(&path, "")?;
            let mut file = File::open(&path).await?;
            file.write_all(b"fails").await?;
            pool_drained().await;
            let mut file = file.try_into_std().expect_err("a write error waits to be reported");
            assert_eq!(file.flush().await.unwrap_err().raw_os_error(), Some(libc::EBADF));
            file.try_into_std().expect("reported, settled");
            Result::Ok(())
        })
        .unwrap();
    }

    fn ref_methods_wait_for_the_write_in_flight() {
        rt().block_on(async {
            let dir = TempDir::new("ref-methods");
            let path = dir.join("f");
            let mut file = File::options().read(true).write(true).create_new(true).open(&path).await?;
            file.write_all(b"0123456789").await?;
            // No flush: each of these waits for the write first.
            assert_eq!(file.metadata().await?.len(), 10);
            file.sync_data().await?;
            file.set_len(4).await?;
            assert_eq!(std::fs::read(&path)?, b"0123");
            file.write_all(b"tail").await?;
            file.sync_all().await?;
            // The cursor stayed at 10 through set_len: the gap reads as zeros.
            assert_eq!(std::fs::read(&path)?, b"0123\0\0\0\0\0\0tail");

            let mut permissions = file.metadata().await?.permissions();
            permissions.set_readonly(true);
            file.set_permissions(permissions).await?;
            assert!(std::fs::metadata(&path)?.permissions().readonly());

            // A clone shares the cursor.
            let mut twin = file.try_clone().await?;
            twin.seek(SeekFrom::Start(0)).await?;
            assert_eq!(file.stream_position().await?, 0);
            let mut head = [0; 4];
            file.read_exact(&mut head).await?;
            assert_eq!(&head, b"0123");
            Result::Ok(())
        })
        .unwrap();
    }

    fn many_tasks_read_concurrently() {
        rt().block_on(async {
            let dir = TempDir::new("concurrent");
            let path = Arc::new(dir.join("shared"));
            let data = Arc::new(pattern(1024 * 1024 + 3));
            corio::fs::write(&*path, &*data).await?;
            let readers: Vec<_> = (0..32)
                .map(|i| {
                    let (path, data) = (path.clone(), data.clone());
                    corio::spawn(async move {
                        let contents = if i % 2 == 0 {
                            corio::fs::read(&*path).await?
                        } else {
                            let mut file = File::open(&*path).await?;
                            file.set_max_buf_size(64 * 1024 + i);
                            let mut contents = Vec::new();
                            file.read_to_end(&mut contents).await?;
                            contents
                        };
                        assert!(contents == *data, "reader {i} read different bytes");
                        Result::Ok(())
                    })
                })
                .collect();
            for result in corio::task::gather(readers).await {
                result.unwrap()?;
            }
            Result::Ok(())
        })
        .unwrap();
    }

    fn workers_keep_running_while_file_operations_block() {
        rt().block_on(async {
            let dir = TempDir::new("fifo");
            let fifo = dir.join("fifo");
            mkfifo(&fifo);
            let _unblock = UnblockFifo(fifo.clone());

            let ticks = Arc::new(AtomicUsize::new(0));
            let counted = ticks.clone();
            let ticker = corio::spawn(async move {
                loop {
                    corio::time::sleep(Duration::from_millis(1)).await;
                    counted.fetch_add(1, SeqCst);
                }
            });
            // Opening a FIFO for reading blocks until a writer opens it. One reader per worker:
            // were any file call made on a worker, every worker would be stuck in one.
            let opened = Arc::new(AtomicUsize::new(0));
            let readers: Vec<_> = (0..WORKERS)
                .map(|_| {
                    let fifo = fifo.clone();
                    let opened = opened.clone();
                    corio::spawn(async move {
                        let mut file = File::open(&fifo).await?;
                        opened.fetch_add(1, SeqCst);
                        let mut contents = Vec::new();
                        file.read_to_end(&mut contents).await?;
                        Result::Ok(contents)
                    })
                })
                .collect();
            // Watched from this thread with std sleeps, so the watching needs no worker.
            let start = ticks.load(SeqCst);
            assert!(
                support::wait_for(|| ticks.load(SeqCst) >= start + 50),
                "the ticker stalled while files were opening"
            );
            assert!(
                readers.iter().all(|reader| !reader.is_finished()),
                "no writer has opened the FIFO yet"
            );

            // The writer stays open until every reader has opened (a reader whose open job had
            // not started yet would otherwise wait for a writer forever), then writes and closes.
            corio::task::spawn_blocking(move || {
                let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo)?;
                assert!(
                    support::wait_for(|| opened.load(SeqCst) == WORKERS),
                    "the readers never opened the FIFO"
                );
                writer.write_all(b"through the pipe")
            })
            .await
            .unwrap()?;
            // One reader gets the bytes, the others the end of the file.
            let mut received = Vec::new();
            for reader in readers {
                received.extend(reader.await.unwrap()?);
            }
            assert_eq!(received, b"through the pipe");
            ticker.abort();
            Result::Ok(())
        })
        .unwrap();
    }
}

#[test]
fn zero_max_buf_size_panics_naming_the_fix() {
    let dir = TempDir::new("max-buf-zero");
    let mut file = File::from_std(std::fs::File::create(dir.join("f")).unwrap());
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| file.set_max_buf_size(0)))
        .unwrap_err();
    let message = support::panic_message(&*panic);
    assert!(
        message.contains("set_max_buf_size") && message.contains("at least 1 byte"),
        "{message}"
    );
}
