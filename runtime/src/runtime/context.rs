//! The thread-local runtime context: which runtime `spawn` and `Handle::current` refer to, whether
//! this thread is driving tasks (so blocking on it would deadlock), and which worker runs here.
//!
//! Three pieces, set by three kinds of guard:
//! - the **current handle**, set by every runtime thread, by `block_on` and by `Handle::enter`;
//! - the **entered** flag, set while this thread drives tasks (a worker, or inside `block_on`):
//!   `block_on` and dropping a runtime refuse to run under it;
//! - the **worker** pointer, set for the life of a worker loop, so spawns and wakes from a task can
//!   reach the local queue.

use super::{Handle, TryCurrentError};
use crate::loom::thread_local;
use crate::scheduler::WorkerContext;
use std::cell::{Cell, RefCell};
use std::ptr;

struct Context {
    handle: RefCell<Option<Handle>>,
    entered: Cell<bool>,
    worker: Cell<*const WorkerContext>,
}

thread_local! {
    // loom's `thread_local!` has no `const` form, so neither side uses it.
    #[allow(clippy::missing_const_for_thread_local)]
    static CONTEXT: Context = Context {
        handle: RefCell::new(None),
        entered: Cell::new(false),
        worker: Cell::new(ptr::null()),
    };
}

/// Calls `f` with the worker running on this thread, if any.
pub(crate) fn with_worker<R>(f: impl FnOnce(Option<&WorkerContext>) -> R) -> R {
    let worker = CONTEXT.try_with(|c| c.worker.get()).unwrap_or(ptr::null());
    // SAFETY: the pointer is set only by `enter_worker`, to a `WorkerContext` that outlives the
    // closure it runs, and cleared before that closure returns; it is never shared with another
    // thread.
    f(unsafe { worker.as_ref() })
}

/// Runs `f` as the worker loop of `worker` on this thread.
pub(crate) fn enter_worker(worker: &WorkerContext, f: impl FnOnce()) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| {
                c.worker.set(ptr::null());
                c.entered.set(false);
            });
        }
    }
    CONTEXT.with(|c| {
        c.worker.set(worker);
        c.entered.set(true);
    });
    let _reset = Reset;
    f();
}

/// Calls `f` with the current runtime's handle.
pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> Result<R, TryCurrentError> {
    match CONTEXT.try_with(|c| c.handle.borrow().as_ref().map(f)) {
        Ok(Some(result)) => Ok(result),
        Ok(None) => Err(TryCurrentError::no_context()),
        Err(_) => Err(TryCurrentError::thread_local_destroyed()),
    }
}

/// Restores the previous current handle when dropped.
pub(crate) struct SetHandleGuard {
    previous: Option<Handle>,
}

/// Makes `handle` the current runtime of this thread until the guard drops.
pub(crate) fn set_handle(handle: Handle) -> SetHandleGuard {
    let previous = CONTEXT.with(|c| c.handle.borrow_mut().replace(handle));
    SetHandleGuard { previous }
}

impl Drop for SetHandleGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CONTEXT.try_with(|c| *c.handle.borrow_mut() = previous);
    }
}

/// True while this thread drives tasks.
pub(crate) fn is_entered() -> bool {
    CONTEXT.try_with(|c| c.entered.get()).unwrap_or(false)
}

/// Clears the entered flag when dropped.
pub(crate) struct EnterRuntimeGuard {
    _handle: SetHandleGuard,
}

/// Marks this thread as driving tasks of `handle`'s runtime (for `block_on`).
///
/// # Panics
///
/// Panics if the thread already drives tasks: blocking it would stall them, or deadlock.
#[track_caller]
pub(crate) fn enter_runtime(handle: &Handle) -> EnterRuntimeGuard {
    if is_entered() {
        panic!(
            "cannot block_on inside a corio runtime: this thread is driving asynchronous tasks, \
             and blocking it would stall them. Use `.await` instead, or move the blocking call \
             into corio::task::spawn_blocking (or wrap it in corio::task::block_in_place)"
        );
    }
    let guard = set_handle(handle.clone());
    CONTEXT.with(|c| c.entered.set(true));
    EnterRuntimeGuard { _handle: guard }
}

impl Drop for EnterRuntimeGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.entered.set(false));
    }
}

/// Runs `f` with the entered flag cleared (for `block_in_place`), restoring it afterwards.
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|c| c.entered.set(self.0));
        }
    }
    let _restore = Restore(CONTEXT.with(|c| c.entered.replace(false)));
    f()
}
