//! `JoinError`: why a task produced no output.

use super::Id;
use std::any::Any;
use std::fmt;

/// The task failed to complete: it was cancelled (aborted, or its runtime shut down) or it
/// panicked.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     let err = corio::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// });
/// ```
pub struct JoinError {
    id: Id,
    repr: Repr,
}

enum Repr {
    Cancelled,
    Panic(PanicPayload),
}

/// A panic payload that may be shared across threads inside a `JoinError`.
struct PanicPayload(Box<dyn Any + Send + 'static>);

// SAFETY: through a shared reference the payload is reached only by `downcast_ref_sync`, which
// calls `type_id` (a vtable lookup that reads no payload data) and hands out `&T` only for
// `T: Sync`; everything else takes the payload by value. So sharing `&PanicPayload` between
// threads never shares a non-`Sync` value.
unsafe impl Sync for PanicPayload {}

impl PanicPayload {
    fn downcast_ref_sync<T: Any + Sync>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            id,
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            id,
            repr: Repr::Panic(PanicPayload(payload)),
        }
    }

    /// The task was aborted or its runtime shut down before it completed.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// The task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The id of the task that failed.
    pub fn id(&self) -> Id {
        self.id
    }

    /// The panic payload, to resume the panic with `std::panic::resume_unwind`.
    ///
    /// # Panics
    ///
    /// Panics if the error is not a panic (check [`is_panic`](Self::is_panic) or use
    /// [`try_into_panic`](Self::try_into_panic)).
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic().expect(
            "JoinError::into_panic called on a cancelled task's error; check is_panic first",
        )
    }

    /// The panic payload, or the error itself if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(PanicPayload(payload)) => Ok(payload),
            Repr::Cancelled => Err(self),
        }
    }

    fn panic_message(&self) -> Option<&str> {
        match &self.repr {
            Repr::Panic(payload) => payload
                .downcast_ref_sync::<&'static str>()
                .copied()
                .or_else(|| payload.downcast_ref_sync::<String>().map(String::as_str)),
            Repr::Cancelled => None,
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task {} was cancelled", self.id),
            (Repr::Panic(_), Some(message)) => {
                write!(f, "task {} panicked with message {:?}", self.id, message)
            }
            (Repr::Panic(_), None) => write!(f, "task {} panicked", self.id),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled({:?})", self.id),
            (Repr::Panic(_), Some(message)) => {
                write!(f, "JoinError::Panic({:?}, {:?}, ...)", self.id, message)
            }
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic({:?}, ...)", self.id),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(err: JoinError) -> std::io::Error {
        let kind = if err.is_cancelled() {
            std::io::ErrorKind::Interrupted
        } else {
            std::io::ErrorKind::Other
        };
        std::io::Error::new(kind, err.to_string())
    }
}
