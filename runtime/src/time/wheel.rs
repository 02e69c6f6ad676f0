//! PLACEHOLDER written by the lead so the crate compiles while the real hierarchical wheel is
//! being written: overwrite this whole file freely. (A sorted-list wheel: correct, O(n) insert.)

use super::entry::TimerNode;
use std::ptr::NonNull;

pub(crate) struct Wheel {
    elapsed: u64,
    head: Option<NonNull<TimerNode>>,
}

// SAFETY: placeholder; nodes are only touched under the wheel's lock.
unsafe impl Send for Wheel {}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            head: None,
        }
    }

    /// # Safety
    ///
    /// The caller holds the wheel's lock; the node is pinned and live while linked.
    pub(crate) unsafe fn insert(&mut self, node: NonNull<TimerNode>, when: u64) -> Result<(), ()> {
        if when <= self.elapsed {
            return Err(());
        }
        // SAFETY: see the function's contract.
        unsafe {
            let mut prev: Option<NonNull<TimerNode>> = None;
            let mut cur = self.head;
            while let Some(c) = cur {
                let (cw, cn) = c.as_ref().links.with(|l| ((*l).when, (*l).next));
                if cw > when {
                    break;
                }
                prev = Some(c);
                cur = cn;
            }
            node.as_ref().links.with_mut(|l| {
                (*l).when = when;
                (*l).prev = prev;
                (*l).next = cur;
                (*l).level_slot = Some((0, 0));
            });
            match prev {
                Some(p) => p.as_ref().links.with_mut(|l| (*l).next = Some(node)),
                None => self.head = Some(node),
            }
            if let Some(c) = cur {
                c.as_ref().links.with_mut(|l| (*l).prev = Some(node));
            }
        }
        Ok(())
    }

    /// # Safety
    ///
    /// The caller holds the wheel's lock; the node is live.
    pub(crate) unsafe fn remove(&mut self, node: NonNull<TimerNode>) {
        // SAFETY: see the function's contract.
        unsafe {
            let (prev, next, linked) = node.as_ref().links.with_mut(|l| {
                let r = ((*l).prev, (*l).next, (*l).level_slot.is_some());
                (*l).prev = None;
                (*l).next = None;
                (*l).level_slot = None;
                r
            });
            if !linked {
                return;
            }
            match prev {
                Some(p) => p.as_ref().links.with_mut(|l| (*l).next = next),
                None => self.head = next,
            }
            if let Some(n) = next {
                n.as_ref().links.with_mut(|l| (*l).prev = prev);
            }
        }
    }

    pub(crate) fn next_expiration(&self) -> Option<u64> {
        // SAFETY: the caller holds the lock; linked nodes are live.
        self.head
            .map(|h| unsafe { h.as_ref() }.links.with(|l| unsafe { (*l).when }))
    }

    pub(crate) fn poll(&mut self, now: u64) -> Option<NonNull<TimerNode>> {
        self.elapsed = self.elapsed.max(now);
        let head = self.head?;
        if self.next_expiration()? > now {
            return None;
        }
        // SAFETY: the caller holds the lock; the head is linked and live.
        unsafe { self.remove(head) };
        Some(head)
    }
}
