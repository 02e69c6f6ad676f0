//! The buffer a `File` lends to its operation in flight: bytes read ahead for the caller, or
//! bytes on their way to the file.
//!
//! The buffer is in one place at a time: with the `File` while it is idle, or inside the blocking
//! job in flight. An idle buffer holds only bytes read ahead (not yet handed to the caller); bytes
//! to write leave with the job that writes them, which empties the buffer. The storage stays
//! allocated (and initialized) between operations, so a stream of reads or writes neither
//! reallocates nor zeroes it again.

use std::fs::File as StdFile;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// The most a single read or write hands to the pool, unless the file says otherwise.
pub(super) const DEFAULT_MAX_BUF: usize = 2 * 1024 * 1024;

/// Bytes `bytes[pos..end]` are the payload; the rest of `bytes` is spare, initialized storage.
#[derive(Debug, Default)]
pub(super) struct Buf {
    bytes: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Buf {
    /// True if the buffer holds no payload.
    pub(super) fn is_empty(&self) -> bool {
        self.pos == self.end
    }

    /// Moves payload bytes into `dst`; returns how many.
    pub(super) fn copy_to(&mut self, dst: &mut [u8]) -> usize {
        let n = dst.len().min(self.end - self.pos);
        dst[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        n
    }

    /// Makes the first `max` bytes of `src` (at most) the payload, replacing what was there;
    /// returns how many.
    pub(super) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        let n = src.len().min(max);
        self.reserve(n);
        self.bytes[..n].copy_from_slice(&src[..n]);
        self.pos = 0;
        self.end = n;
        n
    }

    /// Forgets the payload (bytes read ahead) and returns the offset that moves the file's cursor
    /// back over them: zero or negative, for `SeekFrom::Current`.
    pub(super) fn discard_read_ahead(&mut self) -> i64 {
        let ahead = self.end - self.pos;
        self.pos = 0;
        self.end = 0;
        // The payload is at most one chunk, far below `i64::MAX`.
        -i64::try_from(ahead).expect("a file buffer never exceeds i64::MAX bytes")
    }

    /// Blocking: moves `file`'s cursor back over the payload (bytes read ahead) and forgets it. A
    /// file that cannot seek (a pipe) keeps the payload, for later reads.
    pub(super) fn give_back(&mut self, file: &StdFile) {
        let (pos, end) = (self.pos, self.end);
        if rewind(file, self.discard_read_ahead()).is_err() {
            (self.pos, self.end) = (pos, end);
        }
    }

    /// Blocking: reads at most `len` bytes from `file` as the new payload (retrying a read
    /// interrupted by a signal); returns how many (0 at end of file).
    pub(super) fn read_from(&mut self, mut file: &StdFile, len: usize) -> io::Result<usize> {
        self.reserve(len);
        self.pos = 0;
        self.end = 0;
        let n = loop {
            match file.read(&mut self.bytes[..len]) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                result => break result?,
            }
        };
        self.end = n;
        Ok(n)
    }

    /// Blocking: writes the whole payload to `file` and empties the buffer, whatever the outcome.
    pub(super) fn write_to(&mut self, mut file: &StdFile) -> io::Result<()> {
        let result = file.write_all(&self.bytes[self.pos..self.end]);
        self.pos = 0;
        self.end = 0;
        result
    }

    /// Grows the initialized storage to at least `len` bytes.
    fn reserve(&mut self, len: usize) {
        if self.bytes.len() < len {
            self.bytes.resize(len, 0);
        }
    }
}

/// Blocking: moves `file`'s cursor by `offset` (from [`Buf::discard_read_ahead`]); nothing to do
/// for zero.
pub(super) fn rewind(mut file: &StdFile, offset: i64) -> io::Result<()> {
    if offset != 0 {
        file.seek(SeekFrom::Current(offset))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_in_and_out_in_pieces() {
        let mut buf = Buf::default();
        assert!(buf.is_empty());
        assert_eq!(buf.copy_from(b"abcdef", 4), 4);
        let mut out = [0; 3];
        assert_eq!(buf.copy_to(&mut out), 3);
        assert_eq!(&out, b"abc");
        assert_eq!(buf.copy_to(&mut out), 1);
        assert_eq!(&out[..1], b"d");
        assert!(buf.is_empty());
    }

    #[test]
    fn discarding_reports_the_bytes_ahead() {
        let mut buf = Buf::default();
        buf.copy_from(b"0123456789", 10);
        buf.copy_to(&mut [0; 4]);
        assert_eq!(buf.discard_read_ahead(), -6);
        assert!(buf.is_empty());
        assert_eq!(buf.discard_read_ahead(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn giving_back_rewinds_a_file_and_keeps_what_a_socket_sent() {
        use std::os::fd::OwnedFd;
        use std::os::unix::net::UnixStream;

        let path =
            std::env::temp_dir().join(format!("corio-fs-buf-give-back-{}", std::process::id()));
        std::fs::write(&path, b"0123456789").unwrap();
        let file = StdFile::open(&path).unwrap();
        let mut buf = Buf::default();
        assert_eq!(buf.read_from(&file, 6).unwrap(), 6);
        buf.copy_to(&mut [0; 2]);
        buf.give_back(&file);
        assert!(buf.is_empty());
        assert_eq!((&file).stream_position().unwrap(), 2);
        std::fs::remove_file(&path).unwrap();

        // A socket cannot seek: the bytes read ahead stay for later reads.
        let (writer, reader) = UnixStream::pair().unwrap();
        (&writer).write_all(b"abc").unwrap();
        let socket = StdFile::from(OwnedFd::from(reader));
        assert_eq!(buf.read_from(&socket, 3).unwrap(), 3);
        buf.copy_to(&mut [0; 1]);
        buf.give_back(&socket);
        let mut rest = [0; 2];
        assert_eq!(buf.copy_to(&mut rest), 2);
        assert_eq!(&rest, b"bc");
    }
}
