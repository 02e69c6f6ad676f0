//! The timer entry: the intrusive node that lives inside each `Sleep`.
//!
//! A node is linked into at most one wheel at a time, the wheel it was first registered in (its
//! *owner*), and never moves while linked (the `Sleep` is pinned). Who may touch what:
//!
//! 1. `links` (list pointers, deadline tick, slot, order within the tick) — only the holder of the
//!    owner wheel's lock.
//! 2. `state` — atomically by anyone: `UNREGISTERED`, a deadline tick, `FIRED` or `RELEASED`. It
//!    moves to `FIRED` only under the owner's lock, and the firing thread takes the waker under
//!    that same lock, then stores `RELEASED`, its last touch of the node. So the `Sleep` may free
//!    the node once it has taken that lock in its destructor (no firer can reach the node any
//!    more), or, without the lock, once it has seen `RELEASED` (the firer is done with it).
//! 3. `waker` — registered by the task polling the `Sleep`, taken by the firer (an atomic slot,
//!    so a poll from any worker updates it without the wheel lock).
//! 4. `owner` — written once, at registration, by the polling thread before the node is linked;
//!    read by later polls, `reset` and the destructor of the same `Sleep` (ordered by `&mut`).

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU64, Ordering::*};
use crate::loom::AtomicWaker;
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

/// `state` of a node that was never linked.
const UNREGISTERED: u64 = u64::MAX;
/// `state` of a node whose deadline has passed; its firer may still be taking the waker.
const FIRED: u64 = u64::MAX - 1;
/// `state` of a fired node its firer is done with (rule 2).
const RELEASED: u64 = u64::MAX - 2;

/// Where a node sits in its owner wheel (rule 1).
pub(crate) struct EntryLinks {
    pub(crate) prev: Option<NonNull<TimerNode>>,
    pub(crate) next: Option<NonNull<TimerNode>>,
    /// The deadline in wheel ticks (ms since the runtime started, rounded up).
    pub(crate) when: u64,
    /// `(level, slot)` while linked; `None` when not.
    pub(crate) level_slot: Option<(u8, u8)>,
    /// Where the exact deadline falls within its tick, in nanoseconds (1 to 1,000,000): the timers
    /// of one tick are woken in this order, earliest deadline first. Written by the registering
    /// thread, read by the firer, both under the owner's lock (it fits in the links' padding).
    pub(crate) order: u32,
}

pub(crate) struct TimerNode {
    pub(crate) links: UnsafeCell<EntryLinks>,
    state: AtomicU64,
    waker: AtomicWaker,
    /// Index of the owner wheel, or `usize::MAX` before registration (rule 4).
    owner: std::cell::Cell<usize>,
    _pinned: PhantomPinned,
}

// SAFETY: `links` is reached only under the owner wheel's lock (rule 1); `state` and `waker` are
// atomic; `owner` is touched only through `&mut Sleep` or before the node is shared (rule 4).
unsafe impl Send for TimerNode {}
// SAFETY: as for `Send`: a `&TimerNode` on another thread (a firer) touches only `links` under the
// lock, `state` and `waker`.
unsafe impl Sync for TimerNode {}

impl TimerNode {
    pub(crate) fn new() -> TimerNode {
        TimerNode {
            links: UnsafeCell::new(EntryLinks {
                prev: None,
                next: None,
                when: 0,
                level_slot: None,
                order: 0,
            }),
            state: AtomicU64::new(UNREGISTERED),
            waker: AtomicWaker::new(),
            owner: std::cell::Cell::new(usize::MAX),
            _pinned: PhantomPinned,
        }
    }

    /// The owner wheel's index, if registered.
    pub(crate) fn owner(&self) -> Option<usize> {
        Some(self.owner.get()).filter(|&owner| owner != usize::MAX)
    }

    /// Records the owner wheel (rule 4: before the node is linked, by its `Sleep`).
    pub(crate) fn set_owner(&self, owner: usize) {
        self.owner.set(owner);
    }

    pub(crate) fn is_fired(&self) -> bool {
        // Acquire: pairs with the releases in `fire`, so a `Sleep` that sees FIRED or RELEASED
        // also sees everything the firer did before.
        matches!(self.state.load(Acquire), FIRED | RELEASED)
    }

    /// True once the node has fired and its firer is done with it (rule 2): no firer can touch it
    /// again until it is re-armed, so it may be freed without the owner's lock.
    pub(crate) fn is_released(&self) -> bool {
        // Acquire: pairs with the firer's last (release) store, so all its accesses to the node
        // happen before the caller frees it.
        let order = crate::loom::weaken("timer_released_relaxed", Acquire);
        self.state.load(order) == RELEASED
    }

    /// Models only: touches the links as freeing the node would, so that loom checks every
    /// firer's access to them happens before (`Timers::deregister`'s lock-free path).
    #[cfg(corio_loom)]
    pub(crate) fn touch_links_as_freed(&self) {
        self.links.with_mut(|_| ());
    }

    /// Records the deadline the node is linked with (under the owner's lock).
    pub(crate) fn set_armed(&self, when: u64) {
        // Relaxed: only read for metrics and debugging; the lock orders it for the wheel.
        self.state.store(when, Relaxed);
    }

    /// Records where the deadline falls within its tick (`EntryLinks::order`).
    ///
    /// # Safety
    ///
    /// The caller holds the lock of the wheel the node is linked in or about to be linked in
    /// (rule 1).
    pub(crate) unsafe fn set_order(&self, order: u32) {
        self.links.with_mut(|links| {
            // SAFETY: rule 1, from the caller: nobody else touches the links meanwhile.
            unsafe { (*links).order = order }
        });
    }

    /// The deadline tick and the order within it, the key timers are woken by.
    ///
    /// # Safety
    ///
    /// As for [`set_order`](Self::set_order).
    pub(crate) unsafe fn wake_key(&self) -> (u64, u32) {
        self.links.with(|links| {
            // SAFETY: rule 1, from the caller: nobody writes the links meanwhile.
            unsafe { ((*links).when, (*links).order) }
        })
    }

    /// Registers the task to wake when the node fires.
    pub(crate) fn register_waker(&self, waker: &Waker) {
        self.waker.register(waker);
    }

    /// Marks the node fired and takes its waker (rule 2: the caller holds the owner's lock and has
    /// just unlinked the node, or the node was never linked).
    pub(crate) fn fire(&self) -> Option<Waker> {
        if crate::loom::mutant("timer_released_before_take") {
            self.state.store(RELEASED, Release);
        }
        // Release: publishes the firing to the `Sleep`'s acquire load in `is_fired`.
        self.state.store(FIRED, Release);
        let waker = self.waker.take();
        // Release: the last touch of the node by its firer (rule 2), published to `is_released`.
        self.state.store(RELEASED, Release);
        waker
    }

    /// Makes a fired node pending again before it is re-linked by `reset` (under the owner's lock).
    pub(crate) fn rearm(&self, when: u64) {
        // Relaxed: the node is re-linked under the owner's lock, which orders it for the firer;
        // the `Sleep` that resets it is the only other reader.
        self.state.store(when, Relaxed);
    }
}
