//! `File` as a futures-io byte stream: `AsyncRead`, `AsyncWrite`, `AsyncSeek`.
//!
//! Each `poll_*` first completes the operation in flight (`file_state.rs`), then serves the call
//! from the buffer or starts one job of its own. `&mut File` excludes the `&self` methods, so the
//! file's lock is never contended here and is reached with `get_mut`. The rules — one operation in
//! flight, write-behind, read-ahead given back before the cursor is used — are protocol 4 in
//! `fs/mod.rs`.

use super::buf;
use super::file::File;
use super::file_state::Operation;
use futures_io::{AsyncRead, AsyncSeek, AsyncWrite};
use std::io::{self, Seek, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

impl AsyncRead for File {
    /// Hands over bytes read ahead if there are any; otherwise reads up to `dst.len()` bytes
    /// (at most the chunk size) on the pool.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let File {
            std,
            inner,
            max_buf,
        } = self.get_mut();
        let inner = inner.get_mut();
        loop {
            if let Some(Operation::Read(result)) = ready!(inner.poll_complete(cx))? {
                // Our read (or an abandoned one): its bytes are in the buffer. Hand them over even
                // if there are none: that is the end of the file.
                result?;
                return Poll::Ready(Ok(inner.idle_buf().copy_to(dst)));
            }
            inner.take_write_err()?;
            let buf = inner.idle_buf();
            if !buf.is_empty() || dst.is_empty() {
                return Poll::Ready(Ok(buf.copy_to(dst)));
            }
            let len = dst.len().min(*max_buf);
            inner.start(std, move |file, buf| {
                Operation::Read(buf.read_from(file, len))
            });
        }
    }
}

impl AsyncWrite for File {
    /// Copies up to one chunk of `src` into the buffer and starts writing it in the background;
    /// returns how many bytes it took.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let File {
            std,
            inner,
            max_buf,
        } = self.get_mut();
        let inner = inner.get_mut();
        // An abandoned read or seek needs nothing more: the buffer accounts for its bytes.
        ready!(inner.poll_complete(cx))?;
        inner.take_write_err()?;
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let buf = inner.idle_buf();
        let ahead = buf.discard_read_ahead();
        let n = buf.copy_from(src, *max_buf);
        inner.start(std, move |file, buf| {
            Operation::Write(buf::rewind(file, ahead).and_then(|()| buf.write_to(file)))
        });
        Poll::Ready(Ok(n))
    }

    /// Waits for the write in flight; returns its error, or the error of an earlier background
    /// write not yet reported.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let inner = self.get_mut().inner.get_mut();
        ready!(inner.poll_complete(cx))?;
        Poll::Ready(inner.take_write_err())
    }

    /// The same as `poll_flush`: a file has no write side to shut; it closes when dropped.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    /// Waits for the operation in flight, then seeks on the pool. Polled again while its seek is
    /// in flight, it returns that seek's result (protocol 6 in `fs/mod.rs`).
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let File { std, inner, .. } = self.get_mut();
        let inner = inner.get_mut();
        loop {
            if let Some(Operation::Seek(target, result)) = ready!(inner.poll_complete(cx))? {
                if target == pos {
                    return Poll::Ready(result);
                }
                // An abandoned seek to elsewhere: it moved the cursor; now make ours.
            }
            inner.take_write_err()?;
            // Bytes read ahead lie between the caller's position and the cursor: step back over
            // them first, so `Current` counts from where the caller is.
            let ahead = inner.idle_buf().discard_read_ahead();
            inner.start(std, move |mut file, _| {
                let result = buf::rewind(file, ahead).and_then(|()| file.seek(pos));
                Operation::Seek(pos, result)
            });
        }
    }
}
