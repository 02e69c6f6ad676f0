//! The memory of one task: header, scheduler handle, stage and join waker in a single allocation.

use super::{Id, JoinError, State, Vtable};
use crate::loom::cell::UnsafeCell;
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The type-erased front of every task allocation; a `NonNull<Header>` is a task pointer.
///
/// `repr(C)` keeps the header at offset 0 of [`Cell`], so a header pointer casts to the cell
/// pointer of the right type inside the vtable functions.
#[repr(C)]
pub(crate) struct Header {
    /// The state word (flags + reference count).
    pub(super) state: State,
    /// The functions that know the future's and scheduler's types.
    pub(super) vtable: &'static Vtable,
    /// The links of the owned-task list; touched only under that list's shard lock (rule 4).
    pub(super) owned: UnsafeCell<Links>,
    /// The task's id; immutable.
    pub(super) id: Id,
}

/// A task's place in an intrusive owned-task list.
pub(crate) struct Links {
    pub(super) prev: Option<NonNull<Header>>,
    pub(super) next: Option<NonNull<Header>>,
    /// True while the task is in the list.
    pub(super) linked: bool,
}

/// The whole allocation of a task running future `F` on scheduler `S`.
#[repr(C)]
pub(super) struct Cell<F: Future, S> {
    pub(super) header: Header,
    /// Where wakes route the task; immutable after creation (rule 5).
    pub(super) scheduler: S,
    /// The future, then its output; owned as rule 1 says.
    pub(super) stage: UnsafeCell<Stage<F>>,
    /// The join handle's waker; owned as rule 2 says.
    pub(super) join_waker: UnsafeCell<Option<Waker>>,
}

/// What the task holds: the future while it runs, then its result until the join handle takes it.
pub(super) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

impl<F: Future, S> Cell<F, S> {
    /// Allocates a task; the returned pointer owns the three initial references.
    pub(super) fn allocate(
        future: F,
        scheduler: S,
        id: Id,
        vtable: &'static Vtable,
    ) -> NonNull<Header> {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(),
                vtable,
                owned: UnsafeCell::new(Links {
                    prev: None,
                    next: None,
                    linked: false,
                }),
                id,
            },
            scheduler,
            stage: UnsafeCell::new(Stage::Running(future)),
            join_waker: UnsafeCell::new(None),
        });
        NonNull::from(Box::leak(cell)).cast()
    }
}
