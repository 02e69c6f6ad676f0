//! The hierarchical timing wheel in which a wheel's armed timers wait for their deadlines.
//!
//! A [`Wheel`] owns no timers. It threads [`TimerNode`]s, which live inside their `Sleep`s
//! (`entry.rs`), onto intrusive doubly-linked lists, one list per slot, and hands each node back
//! from [`Wheel::poll`] once its deadline has passed. Locks, clocks and wakers belong to the caller:
//! every method takes `&mut self`, which the caller has only while it holds the wheel's lock. The
//! wheel never allocates.
//!
//! # Design
//!
//! A hierarchical timing wheel after G. Varghese and T. Lauck, "Hashed and Hierarchical Timing
//! Wheels: Data Structures for the Efficient Implementation of a Timer Facility" (SOSP 1987;
//! extended in IEEE/ACM Transactions on Networking 5(6), 1997), scheme 7, in the bit-sliced form
//! tokio's wheel also uses. Time is counted in ticks of 1 ms from the wheel's start; `elapsed` is
//! the tick the wheel has been advanced to. There are 6 levels of 64 slots, and a slot of level L
//! is 64^L ticks wide:
//!
//! | level | slot width | level span           |
//! |-------|------------|----------------------|
//! | 0     | 1 ms       | 64 ms                |
//! | 1     | 64 ms      | 4.1 s                |
//! | 2     | 4.1 s      | 4.4 min              |
//! | 3     | 4.4 min    | 4.7 h                |
//! | 4     | 4.7 h      | 12.4 days            |
//! | 5     | 12.4 days  | 795 days (2.2 years) |
//!
//! Level 0 is a ring of the next 64 ticks: a deadline less than 64 ms after `elapsed` goes there,
//! to slot `deadline % 64`. Any later deadline goes to the level of the highest 6-bit group in which
//! it differs from `elapsed`, and there to the slot its bits of that group name: level 1 holds the
//! deadlines of the rest of the current 4.1 s, level 2 those of the current 4.4 min, and so on.
//! Insert and remove are O(1): a subtraction or one `leading_zeros` picks the level, then a push on
//! or an unlink from a list. Each level keeps an occupancy bitmap (a `u64`, bit s set when slot s
//! is not empty), so each level's next slot is found with a `rotate_right` and a `trailing_zeros`,
//! and the next slot to come due is the earliest of those: O(levels), never a scan of slots.
//!
//! When time reaches the start of a slot above level 0, [`Wheel::poll`] *cascades* it: each of its
//! nodes is linked again, relative to the new `elapsed`, into a lower level. A node is cascaded at
//! most 5 times, so polling costs O(1) amortized per timer. A level-0 slot holds only nodes due at
//! exactly its tick, so `poll` pops expired nodes straight from it, with no pending list between.
//!
//! **Why level 0 is a ring.** In tokio's wheel, and in scheme 7 as written, level 0 holds only the
//! current aligned 64 ms, so a 5 ms sleep started at tick 62 waits in level 1 and is cascaded at
//! tick 64 with every other deadline of ticks 64–127: at a crowded 64 ms boundary thousands of
//! nodes are re-linked (a cache miss each) before that tick's timers can fire, which made the
//! boundary ticks' timers about 1 ms late. Here a deadline under 64 ms away is never cascaded; a
//! level-1 slot holds only deadlines that were at least 64 ms away when placed.
//!
//! **Far deadlines.** The wheel places a node by its *key*, `min(when, max_key)`, where `max_key`
//! is the last tick of the top-level slot just before `elapsed`'s own, counting round the ring:
//! between 782 and 795 days ahead. A deadline beyond that is clamped to the range max for
//! placement only: the node keeps its true `when`, and when its top-level slot comes due the
//! cascade places it again. A far deadline so costs one extra cascade per 782 days, and never fires
//! early. A `poll` that jumps more than a whole rotation re-places the whole top level at once (see
//! [`Wheel::poll`]), so even `poll(u64::MAX)` returns promptly.
//!
//! # Invariants
//!
//! Between calls, with `elapsed` as it stands:
//!
//! 1. A node's key is `min(when, max_key)` for the `elapsed` at which it was last placed, so key
//!    <= `when`; below the top level, key == `when`.
//! 2. At level 0 a node's key is less than `elapsed + 64` and its slot is `key % 64`, so the
//!    level-0 slot of tick t holds exactly the nodes due at t. At level 0 < L < 5 a node's key
//!    agrees with `elapsed` in every bit above group L, and its slot comes after `elapsed`'s slot
//!    of that level.
//! 3. Level 5 is a ring: a node's slot is 1 to 63 slots after `elapsed`'s top-level slot, counting
//!    round (its key is at most `max_key`).
//! 4. By 1 to 3, each level's first occupied slot, counting from `elapsed`'s own, starts at or
//!    before every deadline of that level (at level 0, exactly at the first one), so the earliest
//!    of those starts is <= every linked deadline ([`Wheel::next_expiration`]). (Levels 1 to 5
//!    are ordered: every node of level L is due before the start of any occupied slot above L.
//!    Level 0 is not: a ring node may be due after a level-1 slot starts.)
//! 5. Every linked node has `when >= elapsed`; after `poll(now)` returns `None`, `when > now`.
//! 6. Bit s of `occupied[L]` is set iff `heads[L][s]` is `Some`, and a node's `level_slot` is
//!    `Some((L, s))` iff it is on the list of `heads[L][s]`.
//!
//! # Safety rules
//!
//! The lists link memory the wheel does not own. Its unsafe code rests on three rules, which the
//! callers of the unsafe [`Wheel::insert`] and [`Wheel::remove`] uphold (a node stays bound by
//! them from its `insert` until it is unlinked):
//!
//! - **W1 — the lock.** The caller holds the wheel's lock. The links of a node that is linked in a
//!   wheel, or being linked, are read and written only under that wheel's lock (entry rule 1).
//! - **W2 — pinned and live while linked.** A linked node does not move and is not freed until it
//!   has been unlinked, by [`Wheel::remove`] or by [`Wheel::poll`] handing it back.
//! - **W3 — one wheel.** A node is linked in at most one wheel; `insert` and `remove` are given a
//!   node that is unlinked or linked in this very wheel. Its `level_slot` says which.

use crate::time::entry::{EntryLinks, TimerNode};
use std::fmt;
use std::ptr::NonNull;

/// Levels in the wheel.
const NUM_LEVELS: usize = 6;

/// The top level, a ring (invariant 3).
const TOP: usize = NUM_LEVELS - 1;

/// Bits of a deadline that one level resolves: log2 of its slot count.
const SLOT_BITS: u32 = 6;

/// Slots per level.
const SLOTS: usize = 1 << SLOT_BITS;

/// Masks one 6-bit group of a deadline down to a slot index.
const SLOT_MASK: u64 = SLOTS as u64 - 1;

/// Ticks in one rotation of the top level: 64^6 = 2^36 ms, about 795 days.
const RANGE: u64 = 1 << (SLOT_BITS * NUM_LEVELS as u32);

/// Ticks per slot of `level`: 64^level.
const fn slot_width(level: usize) -> u64 {
    1 << (SLOT_BITS * level as u32)
}

/// The hierarchical timing wheel: 6 levels × 64 slots of intrusive lists (see the module doc).
pub(crate) struct Wheel {
    /// The tick the wheel has been advanced to; never goes back.
    elapsed: u64,
    /// Per level, bit s set iff slot s's list is not empty (invariant 6). Apart from `heads`, so
    /// that [`Wheel::next_expiration`] reads one cache line.
    occupied: [u64; NUM_LEVELS],
    /// Per level and slot, the first node of the slot's list.
    heads: [[Option<NonNull<TimerNode>>; SLOTS]; NUM_LEVELS],
}

// SAFETY: the wheel's pointers lead to nodes whose links are touched only under the wheel's lock
// (W1) and which stay live while linked (W2); moving the wheel, with its lock, to another thread
// changes neither.
unsafe impl Send for Wheel {}

/// The next slot to come due, from [`Wheel::next_due`].
#[derive(Clone, Copy, Debug)]
struct Due {
    level: usize,
    slot: usize,
    /// The slot's first tick: the level-0 slot's only tick, else <= every deadline in it.
    start: u64,
}

impl Wheel {
    /// An empty wheel at tick 0.
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            occupied: [0; NUM_LEVELS],
            heads: [[None; SLOTS]; NUM_LEVELS],
        }
    }

    /// The wheel's current time, in ms ticks since its start.
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Whether no node is linked.
    // In the interface, though the timer driver asks `next_expiration` today.
    #[allow(dead_code)]
    pub(crate) fn is_empty(&self) -> bool {
        self.occupied.iter().all(|&bits| bits == 0)
    }

    /// Links `node` to expire at tick `when`, and records `when` in its links. A node already
    /// linked in this wheel is moved.
    ///
    /// A `when` too far ahead for the wheel is placed at the range max and placed again when that
    /// slot comes due (module doc, "Far deadlines"): it still fires at `when`, not earlier.
    ///
    /// # Errors
    ///
    /// `Err(())` if `when <= elapsed`: the deadline has passed for this wheel. The node is left
    /// unlinked and the caller fires it now.
    ///
    /// # Safety
    ///
    /// The caller holds the wheel's lock (W1); the node is pinned and live while linked (W2); it is
    /// not linked in another wheel (W3).
    pub(crate) unsafe fn insert(&mut self, node: NonNull<TimerNode>, when: u64) -> Result<(), ()> {
        // SAFETY: W1–W3, from the caller.
        unsafe { self.remove(node) };
        if when <= self.elapsed {
            return Err(());
        }
        // SAFETY: W1 and W2 from the caller; the node is on no list (just unlinked), and
        // `when > elapsed`.
        unsafe { self.link(node, when) };
        Ok(())
    }

    /// Unlinks `node` if it is linked in this wheel, in O(1); does nothing if it is not linked.
    ///
    /// # Safety
    ///
    /// The caller holds the wheel's lock (W1); the node is live (W2); it is not linked in another
    /// wheel (W3).
    pub(crate) unsafe fn remove(&mut self, node: NonNull<TimerNode>) {
        // SAFETY: W1 and W2, from the caller.
        let unlinked = unsafe {
            with_links(node, |links| {
                let (level, slot) = links.level_slot.take()?;
                Some((links.prev.take(), links.next.take(), level, slot))
            })
        };
        let Some((prev, next, level, slot)) = unlinked else {
            return;
        };
        let (level, slot) = (usize::from(level), usize::from(slot));
        match prev {
            // SAFETY: W3 — `node` is on one of this wheel's lists, so `prev` is too: linked, so
            // live (W2), and under this wheel's lock (W1).
            Some(prev) => unsafe { with_links(prev, |links| links.next = next) },
            None => {
                debug_assert_eq!(
                    self.heads[level][slot],
                    Some(node),
                    "linked in another wheel"
                );
                self.heads[level][slot] = next;
                if next.is_none() {
                    self.occupied[level] &= !(1 << slot);
                }
            }
        }
        if let Some(next) = next {
            // SAFETY: as for `prev`: a neighbour on this wheel's list (W3, W2, W1).
            unsafe { with_links(next, |links| links.prev = prev) };
        }
    }

    /// The earliest tick at which a linked node may expire, or `None` if the wheel is empty.
    ///
    /// Exact when the earliest node is on level 0; otherwise the start of its slot, which is <=
    /// every deadline in it, so never later than the true earliest deadline (invariant 4), and
    /// never before `elapsed`. O(levels).
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        self.next_due().map(|due| due.start)
    }

    /// Advances the wheel to `now` (never backwards) and pops one node whose deadline is <= `now`,
    /// unlinked; `None` when nothing more is due by `now`. The caller calls it in a loop and fires
    /// each node it returns.
    ///
    /// Nodes come out in non-decreasing deadline order, never before their deadline, and every
    /// node with `when <= now` comes out before `poll(now)` returns `None`. Slots whose start time
    /// passes are cascaded on the way. A jump of more than a whole rotation (about 2.2 years)
    /// re-places all nodes in one O(n) pass instead of cascading rotation after rotation.
    pub(crate) fn poll(&mut self, now: u64) -> Option<NonNull<TimerNode>> {
        while let Some(due) = self.next_due() {
            if due.start > now {
                break;
            }
            if due.level == TOP
                && now - due.start >= RANGE
                && self.occupied[..TOP].iter().all(|&bits| bits == 0)
            {
                // A jump past a whole rotation: far deadlines would go round the ring again and
                // again. Re-place them all from the earliest of them, at once. (Ring nodes of
                // level 0 just past the slot's start are popped first, after one cascade.)
                self.reindex(now);
                continue;
            }
            // Nothing is linked before the slot's start (invariant 4): move the wheel there.
            self.elapsed = due.start;
            if due.level > 0 {
                // A higher-level slot's time has come: spread its nodes over the lower levels.
                self.cascade(due.level, due.slot);
                continue;
            }
            // A level-0 slot holds only nodes due at its tick (invariant 2): pop one.
            let node = self.heads[0][due.slot].expect("invariant 6: occupied slot, no head");
            // SAFETY: `node` is linked in this wheel, so its inserter's promise holds: W1 (our
            // `&mut self` is the lock's), W2 (live) and W3 (this wheel).
            unsafe { self.remove(node) };
            #[cfg(debug_assertions)]
            {
                // SAFETY: as above; the node is unlinked now, still live, and ours under the lock.
                let when = unsafe { with_links(node, |links| links.when) };
                assert_eq!(when, self.elapsed, "popped before or after its tick");
            }
            return Some(node);
        }
        self.elapsed = self.elapsed.max(now);
        None
    }

    /// Unlinks the nodes of the tick after `elapsed` whose `is_due` says their exact deadline has
    /// passed, and hands each to `fire`, up to `limit` of them; returns how many. The tick itself
    /// has not come, so this is for a caller that knows more than the tick: where within it the
    /// clock stands.
    ///
    /// Only the level-0 slot of tick `elapsed + 1` is walked (it holds exactly that tick's nodes,
    /// invariant 2); a node of that tick still waiting in a higher level's slot (one placed 64 ms
    /// or more ahead, when the tick starts a higher-level slot) is left for `poll`. O(nodes in
    /// the slot).
    pub(crate) fn drain_next_tick(
        &mut self,
        mut is_due: impl FnMut(&EntryLinks) -> bool,
        mut fire: impl FnMut(NonNull<TimerNode>),
        limit: usize,
    ) -> usize {
        let slot = slot_for(self.elapsed.wrapping_add(1), 0);
        let mut next = self.heads[0][slot];
        let mut fired = 0;
        while let Some(node) = next.filter(|_| fired < limit) {
            // SAFETY: `node` is linked in this wheel, so its inserter's W1 and W2 hold.
            let due = unsafe {
                with_links(node, |links| {
                    next = links.next;
                    debug_assert_eq!(links.when, self.elapsed + 1, "invariant 2");
                    is_due(links)
                })
            };
            if let Some(next) = next {
                prefetch(next);
            }
            if due {
                // SAFETY: as above, and W3: it is linked in this very wheel. `next` was read
                // first, and unlinking `node` does not touch it beyond its `prev`.
                unsafe { self.remove(node) };
                fire(node);
                fired += 1;
            }
        }
        fired
    }

    /// The next slot to come due: of each level's first occupied slot, counting from `elapsed`'s
    /// own, the one that starts first (invariant 4); on a tie the higher level.
    #[inline]
    fn next_due(&self) -> Option<Due> {
        let mut next: Option<Due> = None;
        for level in 0..NUM_LEVELS {
            let occupied = self.occupied[level];
            if occupied == 0 {
                continue;
            }
            let shift = SLOT_BITS * level as u32;
            // Count slots from elapsed's own; only level 0 and the top level wrap (invariants 2
            // and 3).
            let now_slot = ((self.elapsed >> shift) & SLOT_MASK) as u32;
            let offset = occupied.rotate_right(now_slot).trailing_zeros();
            let slot = (now_slot + offset) as usize % SLOTS;
            debug_assert!(level == 0 || level == TOP || slot as u32 >= now_slot);
            debug_assert!(level == 0 || offset > 0);
            // No overflow: the slot holds a key <= u64::MAX, and its start is <= that key (at
            // level 0, `elapsed + offset` is that key).
            let start = (self.elapsed & !(slot_width(level) - 1)) + (u64::from(offset) << shift);
            // `<=`: on a tie the higher level's slot is cascaded first, so `elapsed` never
            // passes the start of a slot above level 0 that has not been cascaded.
            if next.is_none_or(|next| start <= next.start) {
                next = Some(Due { level, slot, start });
            }
        }
        next
    }

    /// Pushes `node` on the front of the list its key maps to, writing all its links.
    ///
    /// # Safety
    ///
    /// W1 and W2; `node` is on no list of this wheel (its links may be stale), and
    /// `when >= self.elapsed`.
    #[inline]
    unsafe fn link(&mut self, node: NonNull<TimerNode>, when: u64) {
        debug_assert!(when >= self.elapsed);
        // Far deadlines are placed at the range max (module doc, "Far deadlines").
        let key = when.min(max_key(self.elapsed));
        let level = level_for(self.elapsed, key);
        let slot = slot_for(key, level);
        let head = self.heads[level][slot];
        // SAFETY: W1 and W2, from the caller.
        unsafe {
            with_links(node, |links| {
                links.prev = None;
                links.next = head;
                links.when = when;
                links.level_slot = Some((level as u8, slot as u8));
            });
        }
        if let Some(head) = head {
            // SAFETY: `head` is linked in this wheel: live (W2) and under its lock (W1).
            unsafe { with_links(head, |links| links.prev = Some(node)) };
        }
        self.heads[level][slot] = Some(node);
        self.occupied[level] |= 1 << slot;
    }

    /// Empties a slot whose start is `elapsed` and links each of its nodes again, relative to
    /// `elapsed`: into a lower level, or (a far deadline) into the top level again.
    fn cascade(&mut self, level: usize, slot: usize) {
        let mut next = self.heads[level][slot].take();
        self.occupied[level] &= !(1 << slot);
        while let Some(node) = next {
            // SAFETY: `node` was linked in this wheel, so its inserter's W1 and W2 hold; it is on
            // no list now, and nobody else can reach it until it is linked again below.
            let when = unsafe {
                with_links(node, |links| {
                    next = links.next;
                    links.when
                })
            };
            if let Some(next) = next {
                prefetch(next);
            }
            // SAFETY: as above; `when >= key >= elapsed`, the slot's start (invariant 1).
            unsafe { self.link(node, when) };
            debug_assert!(level == TOP || self.level_of(node) < level);
        }
    }

    /// Re-places every node when `poll` must jump more than a rotation past the next slot due.
    ///
    /// That slot is on the top level and is the earliest, and `poll` calls this only when the
    /// levels below are empty, so every node is on the top level. The wheel moves to `min(now,
    /// earliest deadline)` and links every node again from there: one O(n) pass, where cascading
    /// would go round the ring once per 2.2 years.
    #[cold]
    fn reindex(&mut self, now: u64) {
        debug_assert!(self.occupied[..TOP].iter().all(|&bits| bits == 0));
        let heads = std::mem::replace(&mut self.heads[TOP], [None; SLOTS]);
        let occupied = std::mem::take(&mut self.occupied[TOP]);
        let mut earliest = u64::MAX;
        for head in occupied_heads(&heads, occupied) {
            let mut next = Some(head);
            while let Some(node) = next {
                // SAFETY: `node` was linked in this wheel, so its inserter's W1 and W2 hold.
                next = unsafe {
                    with_links(node, |links| {
                        earliest = earliest.min(links.when);
                        links.next
                    })
                };
            }
        }
        // Both are past `elapsed`: `now` past a slot's start, `earliest` by invariant 5.
        self.elapsed = now.min(earliest);
        for head in occupied_heads(&heads, occupied) {
            let mut next = Some(head);
            while let Some(node) = next {
                // SAFETY: as above; the node is on no list of the wheel now, and
                // `when >= earliest >= elapsed`.
                unsafe {
                    next = with_links(node, |links| links.next);
                    self.link(node, with_links(node, |links| links.when));
                }
            }
        }
    }

    /// The level `node` is linked at (debug checks only).
    fn level_of(&self, node: NonNull<TimerNode>) -> usize {
        // SAFETY: callers pass a node linked in this wheel: W1 and W2 hold.
        let level_slot = unsafe { with_links(node, |links| links.level_slot) };
        level_slot.map_or(usize::MAX, |(level, _)| usize::from(level))
    }
}

impl fmt::Debug for Wheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("occupied", &self.occupied)
            .finish_non_exhaustive()
    }
}

/// Asks the CPU to start loading `node` into the cache: a cascade walks nodes scattered over the
/// heap (each lives in its own `Sleep`), and without this each one is a cache miss, thousands
/// in a row when a crowded slot cascades.
#[inline(always)]
fn prefetch(node: NonNull<TimerNode>) {
    #[cfg(all(target_arch = "x86_64", not(corio_loom)))]
    // SAFETY: a prefetch is a hint; it never faults and reads nothing into the program.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            node.as_ptr().cast::<i8>(),
        );
    }
    #[cfg(not(all(target_arch = "x86_64", not(corio_loom))))]
    let _ = node;
}

/// The heads of the occupied slots of one level, in slot order.
fn occupied_heads(
    heads: &[Option<NonNull<TimerNode>>; SLOTS],
    mut occupied: u64,
) -> impl Iterator<Item = NonNull<TimerNode>> + '_ {
    std::iter::from_fn(move || {
        if occupied == 0 {
            return None;
        }
        let slot = occupied.trailing_zeros() as usize;
        occupied &= occupied - 1;
        heads[slot]
    })
}

/// The last key the wheel can place at `elapsed`: the last tick of the top-level slot just before
/// `elapsed`'s own, counting round the ring (invariant 3).
#[inline]
fn max_key(elapsed: u64) -> u64 {
    (elapsed & !(slot_width(TOP) - 1)).saturating_add(RANGE - 1)
}

/// The level for `key` at `elapsed` (`elapsed <= key <= max_key(elapsed)`): 0 if it is less than
/// 64 ticks ahead (the level-0 ring), else that of the highest 6-bit group in which they differ
/// (at least group 1, as they differ by 64 or more). A key in the next rotation, which differs
/// above the top group, goes to the top level (the ring).
#[inline]
fn level_for(elapsed: u64, key: u64) -> usize {
    if key - elapsed < SLOTS as u64 {
        return 0;
    }
    let masked = (elapsed ^ key) | SLOT_MASK;
    let significant = u64::BITS - 1 - masked.leading_zeros();
    ((significant / SLOT_BITS) as usize).min(TOP)
}

/// The slot of `key` at `level`: its 6-bit group of that level.
#[inline]
fn slot_for(key: u64, level: usize) -> usize {
    ((key >> (SLOT_BITS * level as u32)) & SLOT_MASK) as usize
}

/// Runs `f` on `node`'s links.
///
/// # Safety
///
/// The caller holds the lock of the wheel `node` is linked in or being linked into (W1), and
/// `node` is live (W2). `f` must not reach the same node's links again.
#[inline(always)]
unsafe fn with_links<R>(node: NonNull<TimerNode>, f: impl FnOnce(&mut EntryLinks) -> R) -> R {
    // SAFETY: W2 — the node is live, so the reference is valid; W1 — the wheel's lock is held, so
    // nobody else reads or writes these links while `f` runs, and `f` does not re-enter them.
    unsafe { node.as_ref().links.with_mut(|links| f(&mut *links)) }
}

#[cfg(all(test, not(corio_loom)))]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    /// Nodes for one test: boxed, so they never move, and freed only when the arena drops.
    struct Arena {
        nodes: Vec<NonNull<TimerNode>>,
        index: HashMap<NonNull<TimerNode>, usize>,
    }

    impl Arena {
        fn new(len: usize) -> Arena {
            let nodes: Vec<_> = (0..len)
                .map(|_| NonNull::from(Box::leak(Box::new(TimerNode::new()))))
                .collect();
            let index = nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
            Arena { nodes, index }
        }

        fn node(&self, i: usize) -> NonNull<TimerNode> {
            self.nodes[i]
        }

        fn index_of(&self, node: NonNull<TimerNode>) -> usize {
            self.index[&node]
        }
    }

    impl Drop for Arena {
        fn drop(&mut self) {
            for &node in &self.nodes {
                // SAFETY: every node came from `Box::leak` in `Arena::new` and is freed once.
                drop(unsafe { Box::from_raw(node.as_ptr()) });
            }
        }
    }

    // The test's wheel is owned by the test thread, which is its lock (W1); every node lives in an
    // arena that outlives the wheel's use of it (W2); each test uses one wheel (W3).

    fn insert(wheel: &mut Wheel, node: NonNull<TimerNode>, when: u64) -> Result<(), ()> {
        // SAFETY: see the comment above.
        unsafe { wheel.insert(node, when) }
    }

    fn remove(wheel: &mut Wheel, node: NonNull<TimerNode>) {
        // SAFETY: see the comment above.
        unsafe { wheel.remove(node) }
    }

    /// A node's `(when, level_slot)`.
    fn links(node: NonNull<TimerNode>) -> (u64, Option<(u8, u8)>) {
        // SAFETY: see the comment above; `with` only reads.
        unsafe { node.as_ref().links.with(|l| ((*l).when, (*l).level_slot)) }
    }

    fn level_slot(node: NonNull<TimerNode>) -> Option<(usize, usize)> {
        links(node).1.map(|(l, s)| (usize::from(l), usize::from(s)))
    }

    /// Walks every list and checks invariants 1, 2, 3, 5 and 6 and the list links; returns the
    /// number of linked nodes.
    fn check(wheel: &Wheel) -> usize {
        let mut count = 0;
        for level in 0..NUM_LEVELS {
            for slot in 0..SLOTS {
                let head = wheel.heads[level][slot];
                assert_eq!(
                    head.is_some(),
                    wheel.occupied[level] & (1 << slot) != 0,
                    "bitmap of level {level} slot {slot}"
                );
                let mut prev = None;
                let mut next = head;
                while let Some(node) = next {
                    count += 1;
                    // SAFETY: see the comment above; `with` only reads.
                    let (p, n, when, ls) = unsafe {
                        node.as_ref()
                            .links
                            .with(|l| ((*l).prev, (*l).next, (*l).when, (*l).level_slot))
                    };
                    assert_eq!(p, prev, "prev link");
                    assert_eq!(ls, Some((level as u8, slot as u8)), "level_slot");
                    assert!(when >= wheel.elapsed, "invariant 5");
                    let key = when.min(max_key(wheel.elapsed));
                    if level == 0 {
                        assert_eq!(slot_for(when, 0), slot);
                        assert!(when - wheel.elapsed < SLOTS as u64, "invariant 2 (ring)");
                    } else if level < TOP {
                        assert_eq!(slot_for(when, level), slot);
                        // Agrees with elapsed above group `level`.
                        let above = SLOT_BITS * (level as u32 + 1);
                        assert_eq!(when >> above, wheel.elapsed >> above, "invariant 2");
                        let now_slot = slot_for(wheel.elapsed, level);
                        assert!(slot > now_slot);
                    } else {
                        let now_slot = slot_for(wheel.elapsed, TOP);
                        let offset = (slot + SLOTS - now_slot) % SLOTS;
                        assert!((1..SLOTS).contains(&offset), "invariant 3");
                        let start = (wheel.elapsed & !(slot_width(TOP) - 1))
                            + offset as u64 * slot_width(TOP);
                        assert!(start <= when, "slot start after the deadline");
                        assert!(key <= max_key(wheel.elapsed));
                    }
                    prev = Some(node);
                    next = n;
                }
            }
        }
        count
    }

    /// xorshift64*: deterministic, no dependencies.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// Below 2^b for a random `b < bits`: spread evenly over the orders of magnitude.
        fn spread(&mut self, bits: u64) -> u64 {
            let b = self.below(bits);
            self.below(1 << b)
        }

        /// A delay spread over every level and beyond the range: up to 2^38 ticks.
        fn delay(&mut self) -> u64 {
            1 + self.spread(39)
        }
    }

    /// Drives a wheel against a model (a sorted set of deadlines) and checks every promise of
    /// `poll` and `next_expiration`.
    struct Harness {
        wheel: Wheel,
        arena: Arena,
        model: BTreeSet<(u64, usize)>,
        when: Vec<Option<u64>>,
        last_popped: u64,
        popped: usize,
        /// Nodes taken by `drain_next_tick`.
        drained: usize,
    }

    impl Harness {
        fn new(len: usize) -> Harness {
            Harness {
                wheel: Wheel::new(),
                arena: Arena::new(len),
                model: BTreeSet::new(),
                when: vec![None; len],
                last_popped: 0,
                popped: 0,
                drained: 0,
            }
        }

        fn insert(&mut self, i: usize, when: u64) {
            let node = self.arena.node(i);
            if let Some(old) = self.when[i].take() {
                assert!(self.model.remove(&(old, i)));
            }
            match insert(&mut self.wheel, node, when) {
                Ok(()) => {
                    assert!(when > self.wheel.elapsed());
                    assert_eq!(links(node).0, when);
                    assert!(level_slot(node).is_some());
                    self.model.insert((when, i));
                    self.when[i] = Some(when);
                }
                Err(()) => {
                    assert!(when <= self.wheel.elapsed());
                    assert_eq!(level_slot(node), None);
                }
            }
        }

        fn remove(&mut self, i: usize) {
            let node = self.arena.node(i);
            remove(&mut self.wheel, node);
            assert_eq!(level_slot(node), None);
            if let Some(old) = self.when[i].take() {
                assert!(self.model.remove(&(old, i)));
            }
        }

        /// Polls up to `now` until `None`, checking each node popped.
        fn poll(&mut self, now: u64) {
            let before = self.wheel.elapsed();
            while let Some(node) = self.wheel.poll(now) {
                let i = self.arena.index_of(node);
                let (when, ls) = links(node);
                assert_eq!(ls, None, "popped node still linked");
                assert_eq!(self.when[i].take(), Some(when), "popped twice or unknown");
                assert!(self.model.remove(&(when, i)));
                assert!(when <= now, "fired early: when {when}, now {now}");
                assert!(when >= self.last_popped, "out of order");
                assert_eq!(self.wheel.elapsed(), when);
                self.last_popped = when;
                self.popped += 1;
            }
            assert_eq!(self.wheel.elapsed(), before.max(now));
            if let Some(&(first, _)) = self.model.first() {
                assert!(first > now, "not fired by poll({now}): when {first}");
            }
            self.check_next();
        }

        /// Drains up to `limit` of the next tick's level-0 nodes whose order (set here from the
        /// node's index) is at most `upto`, checking that only those leave, all of them unless
        /// the limit stopped the drain, and that each was due next tick.
        fn drain_next_tick(&mut self, upto: u32, limit: usize) {
            let next_tick = self.wheel.elapsed().wrapping_add(1);
            let order_of = |i: usize| (i as u32).wrapping_mul(7_919) % 1_000_000 + 1;
            for (i, &node) in self.arena.nodes.iter().enumerate() {
                // SAFETY: see the comment above `insert`; nobody else touches the arena's nodes.
                unsafe { node.as_ref().set_order(order_of(i)) };
            }
            let mut drained = Vec::new();
            let fired = self.wheel.drain_next_tick(
                |links| links.order <= upto,
                |node| drained.push(node),
                limit,
            );
            assert_eq!(fired, drained.len());
            assert!(fired <= limit);
            self.drained += fired;
            for node in drained {
                let i = self.arena.index_of(node);
                let (when, ls) = links(node);
                assert_eq!(ls, None, "drained node still linked");
                assert_eq!(when, next_tick, "drained a node of another tick");
                assert!(order_of(i) <= upto, "drained a node not yet due");
                assert_eq!(self.when[i].take(), Some(when));
                assert!(self.model.remove(&(when, i)));
            }
            if fired < limit {
                for &(when, i) in &self.model {
                    let level = level_slot(self.arena.node(i)).map(|(level, _)| level);
                    if when == next_tick && level == Some(0) {
                        assert!(order_of(i) > upto, "a due node of the next tick stayed");
                    }
                }
            }
        }

        fn check_next(&self) {
            match (self.wheel.next_expiration(), self.model.first()) {
                (None, None) => assert!(self.wheel.is_empty()),
                (Some(next), Some(&(first, _))) => {
                    assert!(!self.wheel.is_empty());
                    assert!(next <= first, "next_expiration {next} > earliest {first}");
                    assert!(next >= self.wheel.elapsed());
                }
                (next, first) => panic!("next_expiration {next:?}, earliest {first:?}"),
            }
        }
    }

    #[test]
    fn insert_poll_remove_at_each_level() {
        for start in [0, 5, 63, 1000, 123_456_789] {
            for level in 0..NUM_LEVELS {
                let arena = Arena::new(2);
                let mut wheel = Wheel::new();
                assert_eq!(wheel.poll(start), None);
                assert_eq!(wheel.elapsed(), start);
                // Differs from `start` first in group `level`, unless the add carries.
                let when = (start | (slot_width(level) - 1)) + 1 + 2 * slot_width(level);
                let level = level_for(start, when);
                let (a, b) = (arena.node(0), arena.node(1));
                insert(&mut wheel, a, when).unwrap();
                assert_eq!(level_slot(a), Some((level, slot_for(when, level))));
                let slot_start = when & !(slot_width(level) - 1);
                assert_eq!(wheel.next_expiration(), Some(slot_start));
                assert_eq!(check(&wheel), 1);

                // Remove, then insert again.
                remove(&mut wheel, a);
                assert!(wheel.is_empty());
                assert_eq!(wheel.next_expiration(), None);
                remove(&mut wheel, a);
                insert(&mut wheel, a, when).unwrap();
                insert(&mut wheel, b, when + 1).unwrap();
                assert_eq!(check(&wheel), 2);

                assert_eq!(wheel.poll(when - 1), None);
                assert_eq!(wheel.elapsed(), when - 1);
                assert_eq!(wheel.next_expiration(), Some(when));
                assert_eq!(wheel.poll(when), Some(a));
                assert_eq!(level_slot(a), None);
                assert_eq!(wheel.poll(when), None);
                assert_eq!(wheel.next_expiration(), Some(when + 1));
                assert_eq!(wheel.poll(when + 1), Some(b));
                assert!(wheel.is_empty());
                assert_eq!(check(&wheel), 0);
            }
        }
    }

    #[test]
    fn unlink_head_middle_and_tail_of_a_slot() {
        let arena = Arena::new(4);
        let mut wheel = Wheel::new();
        for i in 0..4 {
            insert(&mut wheel, arena.node(i), 10).unwrap();
        }
        // Pushed at the front: the list is 3, 2, 1, 0.
        remove(&mut wheel, arena.node(2)); // middle
        assert_eq!(check(&wheel), 3);
        remove(&mut wheel, arena.node(3)); // head
        assert_eq!(check(&wheel), 2);
        remove(&mut wheel, arena.node(0)); // tail
        assert_eq!(check(&wheel), 1);
        assert_eq!(wheel.poll(10), Some(arena.node(1)));
        assert_eq!(wheel.poll(10), None);
        assert_eq!(wheel.occupied, [0; NUM_LEVELS]);
    }

    #[test]
    fn insert_at_or_before_elapsed_is_refused() {
        let arena = Arena::new(1);
        let node = arena.node(0);
        let mut wheel = Wheel::new();
        assert_eq!(insert(&mut wheel, node, 0), Err(()));
        assert_eq!(wheel.poll(100), None);
        assert_eq!(insert(&mut wheel, node, 100), Err(()));
        assert_eq!(insert(&mut wheel, node, 7), Err(()));
        assert_eq!(level_slot(node), None);
        assert!(wheel.is_empty());

        // A linked node inserted again is moved, and refused means unlinked.
        insert(&mut wheel, node, 5000).unwrap();
        insert(&mut wheel, node, 150).unwrap();
        assert_eq!(check(&wheel), 1);
        assert_eq!(insert(&mut wheel, node, 100), Err(()));
        assert_eq!(level_slot(node), None);
        assert!(wheel.is_empty());
        insert(&mut wheel, node, 150).unwrap();
        assert_eq!(wheel.poll(149), None);
        assert_eq!(wheel.poll(10_000), Some(node));
        assert_eq!(wheel.poll(10_000), None);
    }

    #[test]
    fn poll_never_goes_back() {
        let arena = Arena::new(1);
        let mut wheel = Wheel::new();
        assert_eq!(wheel.poll(100), None);
        insert(&mut wheel, arena.node(0), 101).unwrap();
        assert_eq!(wheel.poll(50), None);
        assert_eq!(wheel.elapsed(), 100);
        assert_eq!(wheel.poll(101), Some(arena.node(0)));
    }

    #[test]
    fn a_near_deadline_across_a_boundary_is_not_cascaded() {
        // At tick 60, deadlines 70 and 123 are under 64 ticks away: level 0 (the ring), though
        // past the aligned 64-tick boundary. 124 is not: level 1, cascaded at 64. A deadline
        // placed before the ring reached it (100, at tick 0) fires in order with them.
        let mut h = Harness::new(4);
        h.insert(3, 100);
        assert_eq!(level_slot(h.arena.node(3)), Some((1, 1)));
        h.poll(60);
        h.insert(0, 70);
        h.insert(1, 123);
        h.insert(2, 124);
        assert_eq!(level_slot(h.arena.node(0)), Some((0, 70 % SLOTS)));
        assert_eq!(level_slot(h.arena.node(1)), Some((0, 123 % SLOTS)));
        assert_eq!(level_slot(h.arena.node(2)), Some((1, 1)));
        assert_eq!(check(&h.wheel), 4);
        h.poll(69);
        assert_eq!(h.popped, 0);
        // Cascaded at 64: 100 and 124 join the ring; 70 never moved.
        assert_eq!(level_slot(h.arena.node(0)), Some((0, 70 % SLOTS)));
        assert_eq!(level_slot(h.arena.node(2)), Some((0, 124 % SLOTS)));
        h.poll(70);
        assert_eq!(h.popped, 1);
        h.poll(200);
        assert_eq!(h.popped, 4);
    }

    #[test]
    fn cascade_across_level_boundaries() {
        for level in 1..=NUM_LEVELS {
            let boundary = slot_width(level);
            let mut h = Harness::new(4);
            h.poll(boundary - 2);
            h.insert(0, boundary - 1);
            h.insert(1, boundary);
            h.insert(2, boundary + 1);
            h.insert(3, boundary + slot_width(level - 1) + 3);
            assert_eq!(check(&h.wheel), 4);
            // Step over the boundary tick by tick, then by the next expiration.
            for now in boundary - 2..=boundary + 2 {
                h.poll(now);
                assert_eq!(h.popped as u64, (now + 2 - boundary).min(3));
                check(&h.wheel);
            }
            while let Some(next) = h.wheel.next_expiration() {
                h.poll(next);
                check(&h.wheel);
            }
            assert_eq!(h.popped, 4);
        }
    }

    #[test]
    fn one_node_cascades_down_every_level() {
        let arena = Arena::new(1);
        let node = arena.node(0);
        let mut wheel = Wheel::new();
        let when = (7 << 30) + (5 << 24) + (3 << 18) + (2 << 12) + (1 << 6) + 9;
        insert(&mut wheel, node, when).unwrap();
        let mut levels = vec![level_slot(node).unwrap().0];
        let mut last = 0;
        while let Some(next) = wheel.next_expiration() {
            assert!(next > last && next <= when);
            last = next;
            if let Some(popped) = wheel.poll(next) {
                assert_eq!((popped, next), (node, when));
                break;
            }
            levels.push(level_slot(node).unwrap().0);
        }
        assert_eq!(levels, [5, 4, 3, 2, 1, 0]);
        assert!(wheel.is_empty());
    }

    #[test]
    fn ten_thousand_random_deadlines() {
        const N: usize = 10_000;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut h = Harness::new(N);
        let mut inserted = 0;
        let mut step = 0u64;
        while inserted < N || !h.model.is_empty() {
            step += 1;
            // Insert a batch relative to the wheel's time, some of it beyond the range.
            if inserted < N && rng.below(4) == 0 {
                for _ in 0..rng.below(300).min((N - inserted) as u64) {
                    let when = h.wheel.elapsed().saturating_add(rng.delay());
                    h.insert(inserted, when);
                    inserted += 1;
                }
            }
            let elapsed = h.wheel.elapsed();
            let next = h.wheel.next_expiration().unwrap_or(elapsed);
            let now = match rng.below(5) {
                0 => next,
                1 => elapsed + rng.below(100),
                2 => next + rng.spread(24),
                3 => next.saturating_sub(1),
                _ => h.model.first().map_or(elapsed, |&(first, _)| first),
            };
            h.poll(now);
            if step & 0xff == 0 {
                assert_eq!(check(&h.wheel), h.model.len());
            }
        }
        assert_eq!(h.popped, N);
        assert!(h.wheel.is_empty());
        assert_eq!(check(&h.wheel), 0);
    }

    #[test]
    fn remove_half_then_poll_the_rest() {
        const N: usize = 10_000;
        let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
        let mut h = Harness::new(N);
        h.poll(rng.below(1 << 40));
        for i in 0..N {
            let when = h.wheel.elapsed() + rng.delay();
            h.insert(i, when);
        }
        assert_eq!(check(&h.wheel), N);
        let mut removed = 0;
        while removed < N / 2 {
            let i = rng.below(N as u64) as usize;
            if h.when[i].is_some() {
                h.remove(i);
                removed += 1;
            }
        }
        assert_eq!(check(&h.wheel), N - N / 2);
        h.check_next();
        // Poll the rest, removing a few more on the way.
        let mut removed_later = 0;
        while let Some(next) = h.wheel.next_expiration() {
            let now = next + rng.spread(20);
            h.poll(now);
            if rng.below(8) == 0 {
                let i = rng.below(N as u64) as usize;
                if h.when[i].is_some() {
                    h.remove(i);
                    removed_later += 1;
                    h.check_next();
                }
            }
        }
        assert_eq!(h.popped + removed + removed_later, N);
        assert_eq!(check(&h.wheel), 0);
    }

    #[test]
    fn deadlines_at_and_beyond_the_range_max() {
        for start in [0, (37 << 30) + 12_345, RANGE - 1, 3 * RANGE + 77] {
            let deadlines = [
                RANGE - 1,
                RANGE,
                RANGE + 1,
                max_key(start) - start,
                max_key(start) - start + 1,
                2 * RANGE + 7,
                5 * RANGE,
            ];
            let mut h = Harness::new(deadlines.len() + 2);
            h.poll(start);
            for (i, &d) in deadlines.iter().enumerate() {
                h.insert(i, start + d);
            }
            h.insert(deadlines.len(), u64::MAX - 1);
            h.insert(deadlines.len() + 1, u64::MAX);
            assert_eq!(check(&h.wheel), deadlines.len() + 2);
            h.check_next();
            // Stride through six rotations: no poll may fire early, and each fires by the first
            // poll at or after its deadline (both checked by `Harness::poll`).
            let mut now = start;
            while now < start + 6 * RANGE {
                now += (1 << 31) + rng_free_jitter(now);
                h.poll(now);
                check(&h.wheel);
            }
            assert_eq!(h.popped, deadlines.len());
            h.poll(u64::MAX - 2);
            assert_eq!(h.popped, deadlines.len());
            h.poll(u64::MAX - 1);
            assert_eq!(h.popped, deadlines.len() + 1);
            h.poll(u64::MAX);
            assert_eq!(h.popped, deadlines.len() + 2);
            assert!(h.wheel.is_empty());
            // The wheel at the end of time refuses everything and does not overflow.
            assert_eq!(insert(&mut h.wheel, h.arena.node(0), u64::MAX), Err(()));
            assert_eq!(h.wheel.poll(u64::MAX), None);
        }

        fn rng_free_jitter(now: u64) -> u64 {
            now.wrapping_mul(0x9E37_79B9) % 1000
        }
    }

    #[test]
    fn exactly_at_the_far_deadline() {
        // A far node fires at its tick, not a tick before, however it is approached.
        let when = 3 * RANGE + 12_345;
        let mut h = Harness::new(1);
        h.insert(0, when);
        while let Some(next) = h.wheel.next_expiration() {
            if next == when {
                break;
            }
            h.poll(next);
            assert_eq!(h.popped, 0);
        }
        h.poll(when - 1);
        assert_eq!(h.popped, 0);
        h.poll(when);
        assert_eq!(h.popped, 1);
    }

    #[test]
    fn poll_with_big_time_jumps() {
        const N: usize = 2_000;
        let mut rng = Rng(0x0123_4567_89AB_CDEF);
        let mut h = Harness::new(N);
        let mut i = 0;
        for jump in [
            1 << 20,
            1 << 33,
            RANGE,
            RANGE + 1,
            7 * RANGE,
            1 << 50,
            1 << 62,
        ] {
            // Some inside the jump, some just past it, some far beyond.
            for _ in 0..N / 8 {
                let base = h.wheel.elapsed();
                let when = match rng.below(3) {
                    0 => base + 1 + rng.below(jump),
                    1 => base + jump + 1 + rng.below(64),
                    _ => base + rng.delay(),
                };
                h.insert(i, when);
                i += 1;
            }
            h.poll(h.wheel.elapsed() + jump);
            assert_eq!(check(&h.wheel), h.model.len());
        }
        // Everything left, at the end of time: one reindex per far gap, no lap-by-lap crawl.
        h.poll(u64::MAX);
        assert!(h.wheel.is_empty());
        assert_eq!(h.popped, i);
    }

    #[test]
    fn poll_to_the_end_of_time_with_scattered_deadlines() {
        const N: usize = 1_000;
        let mut rng = Rng(42);
        let mut h = Harness::new(N);
        for i in 0..N {
            h.insert(i, 1 + rng.next() % (u64::MAX - 1));
        }
        h.poll(u64::MAX);
        assert_eq!(h.popped, N);
    }

    #[test]
    fn random_mix_of_near_and_far_deadlines_with_jumps() {
        // Near deadlines (the level-0 ring), ones just past it, far and clamped ones, against
        // drains of the next tick and polls of every size — one tick, to the next expiration or
        // just before it, a whole rotation and more — from starts near block, rotation and u64
        // boundaries. The harness checks order, never early, all fired; `check` the invariants
        // after every step.
        const NODES: usize = 100;
        let mut drained = 0;
        for seed in 1..=60u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut h = Harness::new(NODES);
            let start = match rng.below(6) {
                0 => 0,
                1 => rng.below(1 << 40),
                2 => RANGE * (1 + rng.below(8)) - 1 - rng.below(70),
                3 => ((1 + rng.below(1 << 20)) << 12) - 1 - rng.below(64),
                4 => u64::MAX - rng.below(1 << 40),
                _ => (1 << 62) - rng.below(1 << 37),
            };
            h.poll(start);
            for _ in 0..1_500 {
                let elapsed = h.wheel.elapsed();
                match rng.below(10) {
                    0..=3 => {
                        let ahead = match rng.below(6) {
                            0 => rng.below(64),
                            1 => 60 + rng.below(10),
                            2 => rng.below(200),
                            3 => rng.spread(40),
                            4 => RANGE - 100 + rng.below(200),
                            _ => rng.next(),
                        };
                        h.insert(
                            rng.below(NODES as u64) as usize,
                            elapsed.saturating_add(ahead),
                        );
                    }
                    4 => h.remove(rng.below(NODES as u64) as usize),
                    5 => h.drain_next_tick(rng.below(1_000_001) as u32, 1 + rng.below(4) as usize),
                    _ => {
                        let next = h.wheel.next_expiration().unwrap_or(elapsed);
                        let now = match rng.below(8) {
                            0 => elapsed.saturating_add(1),
                            1 => elapsed.saturating_add(rng.below(70)),
                            2 => next,
                            3 => next.saturating_sub(1),
                            4 => next.saturating_add(rng.below(130)),
                            5 => elapsed.saturating_add(rng.spread(40)),
                            6 => elapsed.saturating_add(RANGE + rng.below(1 << 31)),
                            _ => elapsed.saturating_add(rng.spread(64)),
                        };
                        h.poll(now);
                    }
                }
                assert_eq!(check(&h.wheel), h.model.len(), "seed {seed}");
                h.check_next();
            }
            h.poll(u64::MAX);
            assert!(h.wheel.is_empty(), "seed {seed}");
            drained += h.drained;
        }
        // 198 with these seeds: the drains did take nodes, not only find nothing due.
        assert!(
            drained >= 100,
            "drains of the next tick took only {drained} nodes"
        );
    }
}
