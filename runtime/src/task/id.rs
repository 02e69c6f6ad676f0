//! Task identifiers: unique for the life of the process.

use crate::loom::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::fmt;

/// An opaque identifier of a task, unique among all tasks of the process.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let handle = corio::spawn(async {});
///     let id = handle.id();
///     assert_eq!(handle.await.unwrap(), ());
///     assert_ne!(id, corio::spawn(async {}).id());
/// });
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(pub(crate) u64);

impl Id {
    pub(crate) fn next() -> Id {
        #[cfg(not(corio_loom))]
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        #[cfg(corio_loom)]
        loom::lazy_static! {
            static ref NEXT_ID: AtomicU64 = AtomicU64::new(1);
        }
        // Relaxed: uniqueness needs only the atomicity of the increment.
        Id(NEXT_ID.fetch_add(1, Relaxed))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
