//! The owned-task list: every live task of a runtime, so shutdown can cancel each one exactly once.
//!
//! An intrusive doubly-linked list through `Header::owned`, split into shards by task id so that
//! spawns and completions on different workers rarely take the same lock. Each shard has its own
//! `closed` flag, set under its lock by [`OwnedTasks::close`]; a task bound after its shard closed
//! is refused, so no task can slip in behind a shutdown.

use super::{new_task, Header, Id, JoinHandle, Notified, Schedule, Task};
use crate::loom::sync::Mutex;
use std::future::Future;
use std::ptr::NonNull;

pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[Mutex<Shard<S>>]>,
}

struct Shard<S: 'static> {
    head: Option<NonNull<Header>>,
    len: usize,
    closed: bool,
    _tasks: std::marker::PhantomData<Task<S>>,
}

// SAFETY: the raw pointers in a shard are task references (rule 3) reached only under the shard's
// lock (rule 4); tasks themselves are Send + Sync.
unsafe impl<S> Send for Shard<S> {}

impl<S: Schedule> OwnedTasks<S> {
    /// A list with at least `min_shards` shards (rounded up to a power of two).
    pub(crate) fn new(min_shards: usize) -> OwnedTasks<S> {
        let count = min_shards.max(1).next_power_of_two();
        let shards = (0..count)
            .map(|_| {
                Mutex::new(Shard {
                    head: None,
                    len: 0,
                    closed: false,
                    _tasks: std::marker::PhantomData,
                })
            })
            .collect();
        OwnedTasks { shards }
    }

    fn shard(&self, id: Id) -> &Mutex<Shard<S>> {
        // The shard count is a power of two.
        &self.shards[(id.0 as usize) & (self.shards.len() - 1)]
    }

    /// Creates a task and adds it to the list. If the list is closed the task is cancelled at once
    /// (its join handle resolves to a cancelled `JoinError`) and no `Notified` is returned.
    pub(crate) fn bind<F>(
        &self,
        future: F,
        scheduler: S,
        id: Id,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, notified, join) = new_task(future, scheduler, id);
        let mut shard = self.shard(id).lock();
        if shard.closed {
            drop(shard);
            drop(notified);
            task.shutdown();
            return (join, None);
        }
        let ptr = task.header_ptr();
        std::mem::forget(task);
        // SAFETY: rule 4 — the shard lock is held; the list's reference was just forgotten into it.
        unsafe { shard.push_front(ptr) };
        (join, Some(notified))
    }

    /// Removes `task` if it is still in the list, returning the list's reference.
    pub(crate) fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let ptr = task.header_ptr();
        let mut shard = self.shard(task.id()).lock();
        // SAFETY: rule 4 — the shard lock is held.
        unsafe { shard.unlink(ptr) }.then(|| {
            // SAFETY: the reference the list held moves to the returned `Task`.
            unsafe { Task::from_raw(ptr) }
        })
    }

    /// Refuses all later binds. Idempotent.
    pub(crate) fn close(&self) {
        for shard in self.shards.iter() {
            shard.lock().closed = true;
        }
    }

    /// Cancels every task in the list (the list must be closed first). Each task is popped under
    /// its shard lock and shut down outside it, since dropping a future may spawn or wake.
    pub(crate) fn shutdown_all(&self) {
        debug_assert!(self.is_closed());
        for shard in self.shards.iter() {
            loop {
                let popped = {
                    let mut shard = shard.lock();
                    let head = shard.head;
                    // SAFETY: rule 4 — the lock is held and `head` is in this shard.
                    head.filter(|&ptr| unsafe { shard.unlink(ptr) })
                };
                match popped {
                    // SAFETY: the list's reference moves to the `Task` being shut down.
                    Some(ptr) => unsafe { Task::<S>::from_raw(ptr) }.shutdown(),
                    None => break,
                }
            }
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.shards.iter().all(|shard| shard.lock().closed)
    }

    /// The number of live tasks (exact only when nothing spawns or completes meanwhile).
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().len).sum()
    }
}

impl<S> Shard<S> {
    /// # Safety
    ///
    /// Rule 4: the caller holds this shard's lock; `ptr` is a live task not in any list.
    unsafe fn push_front(&mut self, ptr: NonNull<Header>) {
        let old_head = self.head;
        // SAFETY: forwarded from the caller (rule 4 guards `owned`).
        unsafe {
            ptr.as_ref().owned.with_mut(|links| {
                (*links).prev = None;
                (*links).next = old_head;
                (*links).linked = true;
            });
            if let Some(old) = old_head {
                old.as_ref()
                    .owned
                    .with_mut(|links| (*links).prev = Some(ptr));
            }
        }
        self.head = Some(ptr);
        self.len += 1;
    }

    /// Unlinks `ptr` if it is in the list; false if it was not.
    ///
    /// # Safety
    ///
    /// Rule 4: the caller holds this shard's lock, the shard `ptr`'s id maps to; `ptr` is live.
    unsafe fn unlink(&mut self, ptr: NonNull<Header>) -> bool {
        // SAFETY: forwarded from the caller (rule 4 guards `owned` of every task in this shard).
        unsafe {
            let (prev, next, linked) = ptr.as_ref().owned.with_mut(|links| {
                let l = &mut *links;
                let snapshot = (l.prev, l.next, l.linked);
                l.prev = None;
                l.next = None;
                l.linked = false;
                snapshot
            });
            if !linked {
                return false;
            }
            match prev {
                Some(prev) => prev.as_ref().owned.with_mut(|links| (*links).next = next),
                None => self.head = next,
            }
            if let Some(next) = next {
                next.as_ref().owned.with_mut(|links| (*links).prev = prev);
            }
        }
        self.len -= 1;
        true
    }
}
