//! Tasks: the unit of work the scheduler runs, and the handles users hold on them.
//!
//! # The task core
//!
//! A spawned future lives in one heap allocation (`core::Cell`, in `task/core.rs`): a `Header`
//! (the packed atomic state word, the vtable, the owned-list links, the id), the scheduler handle,
//! the stage (the future, then its output) and the join handle's waker. The `Waker` is a `RawWaker`
//! whose data pointer is that same header, so waking allocates nothing. All references — the owned-task list's
//! `Task`, a run queue's `Notified`, the `JoinHandle`, `AbortHandle`s and wakers — share the one
//! reference count in the state word.
//!
//! # Rules
//!
//! Every `unsafe` block in this module cites one of these:
//!
//! 1. **The stage** (future or output) is touched only by the thread holding RUNNING; once COMPLETE
//!    is set, by the join handle if JOIN_INTEREST was set at completion, otherwise by the completing
//!    thread alone.
//! 2. **The join waker slot** is written only by the join handle, and only while JOIN_WAKER is clear
//!    and the task is not COMPLETE. The task side reads it only after setting COMPLETE with
//!    JOIN_WAKER set. It is dropped with the allocation.
//! 3. **The allocation** stays live while the reference count is non-zero. Every function that
//!    touches a task is called by a holder of a reference; the thread that drops the count to zero
//!    frees it.
//! 4. **The owned-list links** are touched only under the lock of the shard the task's id maps to.
//! 5. **The scheduler handle** is immutable after creation and readable by any reference holder.
//!
//! # Lifecycle
//!
//! A task is born NOTIFIED with three references (list, queue, join handle). A worker pops the
//! `Notified`, takes RUNNING and polls. `Pending` gives RUNNING back (and re-queues the task if it was
//! woken meanwhile); `Ready`, a panic, or a cancellation stores the result, sets COMPLETE, wakes the
//! join handle and removes the task from the owned list. Panics in `poll`, in the future's or the
//! output's destructor, and in a user waker are caught here: they never unwind into a worker.
//!
//! Shutdown closes the owned list (later spawns are cancelled at once), then shuts down every task
//! in it: an idle one is cancelled in place; a running one is cancelled by its poller when the poll
//! returns. Each future is therefore dropped exactly once.

pub(crate) mod coop;
mod core;
mod error;
mod gather;
mod harness;
mod id;
mod join;
mod join_set;
mod owned;
mod raw;
mod reference;
mod state;
mod waker;
mod yield_now;

pub use self::error::JoinError;
pub use self::gather::gather;
pub use self::id::Id;
pub use self::join::{AbortHandle, JoinHandle};
pub use self::join_set::JoinSet;
pub use self::yield_now::yield_now;
pub use crate::runtime::{block_in_place, spawn, spawn_blocking};

pub(crate) use self::core::Header;
pub(crate) use self::harness::wake_catching;
pub(crate) use self::owned::OwnedTasks;
pub(crate) use self::raw::{RawTask, Vtable};
pub(crate) use self::reference::{new_task, Notified, Schedule, Task};
pub(crate) use self::state::{Snapshot, State, TransitionToNotified};
