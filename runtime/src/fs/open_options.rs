//! `OpenOptions`: std's builder for opening files, with an async `open`.

use super::file::File;
use super::pool;
use std::io;
use std::path::Path;

/// How to open a file: for reading, writing, appending, creating... — std's
/// [`OpenOptions`](std::fs::OpenOptions), whose [`open`](OpenOptions::open) runs on the blocking
/// pool and returns a [`File`].
///
/// Every option starts out `false`. The setters take `&mut self` and return it, so they chain.
///
/// # Examples
///
/// ```
/// use corio::fs::OpenOptions;
/// use corio::io::AsyncWriteExt;
///
/// let path = std::env::temp_dir().join(format!("corio-fs-open-options-{}", std::process::id()));
/// corio::run(async {
///     let mut file = OpenOptions::new().write(true).create_new(true).open(&path).await?;
///     file.write_all(b"made by OpenOptions").await?;
///     file.flush().await?;
///     assert_eq!(corio::fs::read(&path).await?, b"made by OpenOptions");
///     corio::fs::remove_file(&path).await?;
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// A builder with every option off (opening with it fails until `read`, `write` or `append`
    /// is set).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.read(true);
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Opens for reading.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.read(true);
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Opens for writing (from the start of the file, overwriting what is there unless `append`
    /// or `truncate` say otherwise).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.write(true);
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Opens for appending: every write goes to the end of the file, whatever the cursor says.
    /// Implies `write`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.append(true).create(true);
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Truncates an existing file to length 0 on opening. Needs `write`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.write(true).truncate(true);
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Creates the file if it does not exist. Needs `write` or `append`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.write(true).create(true);
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Creates the file, failing with `AlreadyExists` if anything is at the path already
    /// (atomically). Overrides `create` and `truncate`; needs `write` or `append`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.write(true).create_new(true);
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// The permission bits a created file gets (before the process's umask); `0o666` by
    /// default.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.write(true).create(true).mode(0o600);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Extra `open(2)` flags (`libc::O_*`), or-ed with those the options imply. The access-mode
    /// bits are masked off: use `read`/`write`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = corio::fs::OpenOptions::new();
    /// options.read(true).custom_flags(libc::O_NOFOLLOW);
    /// ```
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }

    /// Opens the file at `path` with these options.
    ///
    /// # Examples
    ///
    /// ```
    /// use corio::fs::OpenOptions;
    /// use corio::io::AsyncReadExt;
    ///
    /// let path = std::env::temp_dir().join(format!("corio-fs-options-open-{}", std::process::id()));
    /// corio::run(async {
    ///     corio::fs::write(&path, "read me").await?;
    ///     let mut file = OpenOptions::new().read(true).open(&path).await?;
    ///     let mut text = String::new();
    ///     file.read_to_string(&mut text).await?;
    ///     assert_eq!(text, "read me");
    ///     corio::fs::remove_file(&path).await?;
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// std's: `InvalidInput` for a contradictory set of options (none of `read`, `write` and
    /// `append`; `truncate` without `write`; ...), `NotFound` for a missing file without
    /// `create`, `AlreadyExists` with `create_new`, `PermissionDenied`, ...
    ///
    /// # Panics
    ///
    /// Panics outside a corio runtime.
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let options = self.0.clone();
        let path = path.as_ref().to_owned();
        pool::run(move || options.open(path))
            .await
            .map(File::from_std)
    }
}

impl Default for OpenOptions {
    /// The same as [`OpenOptions::new`]: every option off.
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    /// Takes std's builder with the options already set on it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut std_options = std::fs::OpenOptions::new();
    /// std_options.read(true);
    /// let options = corio::fs::OpenOptions::from(std_options);
    /// # drop(options);
    /// ```
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}
