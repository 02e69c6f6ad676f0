//! The cooperative budget: how many ready I/O or timer operations one task poll may consume.
//!
//! A worker gives each task poll a budget of [`BUDGET`] operations. Every I/O resource and timer
//! spends one unit when it is ready; once the budget is spent, the next one wakes its task and
//! returns `Pending` instead, so the task yields to the worker even if its sockets are always
//! ready. Outside a worker (in `block_on`, on a blocking thread) there is no budget.

use crate::loom::thread_local;
use std::cell::Cell;
use std::task::{Context, Poll};

/// Operations per task poll.
pub(crate) const BUDGET: u8 = 128;

thread_local! {
    // loom's `thread_local!` has no `const` form, so neither side uses it.
    #[allow(clippy::missing_const_for_thread_local)]
    static REMAINING: Cell<Option<u8>> = Cell::new(None);
}

/// Runs `f` (one task poll) with a fresh budget, restoring the previous one afterwards.
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<u8>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = REMAINING.try_with(|remaining| remaining.set(self.0));
        }
    }
    let _restore = Restore(REMAINING.with(|remaining| remaining.replace(Some(BUDGET))));
    f()
}

/// `Pending` (after waking the task) if the budget is spent; `Ready` otherwise.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    let spent = REMAINING
        .try_with(|remaining| remaining.get() == Some(0))
        .unwrap_or(false);
    if spent {
        cx.waker().wake_by_ref();
        Poll::Pending
    } else {
        Poll::Ready(())
    }
}

/// Spends one unit: the operation was ready.
pub(crate) fn spend() {
    let _ = REMAINING.try_with(|remaining| {
        if let Some(left) = remaining.get() {
            remaining.set(Some(left.saturating_sub(1)));
        }
    });
}

/// Runs `f` with no budget (for `block_on` and `block_in_place`, which drive their own futures
/// and must not inherit what is left of a task's budget), restoring the previous one afterwards.
pub(crate) fn unconstrained<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<u8>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = REMAINING.try_with(|remaining| remaining.set(self.0));
        }
    }
    let previous = REMAINING
        .try_with(|remaining| remaining.replace(None))
        .unwrap_or(None);
    let _restore = Restore(previous);
    f()
}
