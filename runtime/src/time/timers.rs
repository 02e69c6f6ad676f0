//! `Timers`: the wheels of one runtime — one per worker and one shared — and the clock they share.
//!
//! A `Sleep` registers on its first poll into the wheel of the worker polling it (the shared wheel
//! when the poller is not a worker, e.g. `block_on` on the main thread) and stays there for life,
//! even if its task is later stolen by another worker: a cancel or reset locks only that wheel,
//! and dropping a `Sleep` that has fired locks nothing (entry rule 2).
//!
//! # Wake order
//!
//! A wheel has 1 ms ticks and a deadline rounds up to its tick, so a timer is up to 1 ms late by
//! design. When a tick fires many timers, `process` wakes them earliest exact deadline first
//! (each node keeps its deadline's place within the tick), so the tasks that queue first are the
//! ones that waited longest; the ones a busy tick runs last were the least late.
//!
//! # Early in the tick, for an idle worker
//!
//! A worker with nothing else to run (the timer holder) calls `process` with `early`: besides the
//! ticks that have passed, it fires the coming tick's timers whose exact deadlines are behind the
//! clock — never one ahead of it, so no timer fires early. The holder does so when it wakes for a
//! tick (the timers whose deadlines passed while it woke up and fired the tick) and before it
//! sleeps again (those that passed while it ran the tick's tasks). So a deadline that passes
//! while a worker is awake — typically in the first part of a tick, while the tick's own tasks
//! run — is met within about 50 µs of the next park instead of at the tick's end. One that
//! passes while the holder sleeps still waits for its tick: the holder sleeps to tick boundaries.
//! A busy worker fires only whole ticks: tasks it woke early would wait behind its queue anyway.
//!
//! # Who fires timers
//!
//! 1. **Busy workers**, every few ticks (`TIMER_CHECK_INTERVAL` in the worker loop): one relaxed
//!    load of `next_wake`; only if a deadline is pending is the clock read, and only if one is due
//!    is [`Timers::process`] run, which fires the due entries of the worker's own
//!    wheel (locked) and of every other wheel it can `try_lock` — so a timer owned by a worker that
//!    is stuck in a long poll fires through any other worker.
//! 2. **The timer holder**: the first worker to park takes the timer token and sleeps with the
//!    earliest deadline of all wheels as its timeout; when it wakes it processes every wheel
//!    (early, see above), and before it sleeps it processes them early again if the next tick
//!    holds timers (at most once per 50 µs, `IDLE_FIRING_SPACING` in the worker loop).
//!    Registering a deadline earlier than every other one unparks the holder to shorten its sleep.
//!
//! Together: while a timer is pending, either some worker is awake and ticking or a parked worker
//! holds the token with a timeout no later than that timer — no timer is forgotten.
//!
//! # `next_wake`
//!
//! The earliest expiration of all wheels, as a hint that is never later than the truth (it may be
//! earlier: processing then finds nothing and recomputes it). Each wheel caches its own next
//! expiration; `next_wake` is their minimum, lowered with `fetch_min` on insert and recomputed after
//! processing. The recompute stores the minimum, then re-reads the caches and `fetch_min`s again;
//! with a `fence(SeqCst)` between the cache write and the `fetch_min` on the insert side, and
//! between the store and the re-read here, an insert racing a recompute is never lost.

use super::entry::TimerNode;
use super::wheel::Wheel;
use crate::loom::sync::atomic::{fence, AtomicU64, Ordering::*};
use crate::loom::sync::{Mutex, MutexGuard};
use std::ptr::NonNull;
use std::task::Waker;
use std::time::{Duration, Instant};

/// `next_wake` / a wheel cache when nothing is pending.
const NONE: u64 = u64::MAX;

/// The latest deadline tick (about 146 million years): far below the sentinels `NONE` here and
/// `UNREGISTERED`/`FIRED`/`RELEASED` in `entry.rs`, which a clamped deadline must never equal.
const MAX_TICK: u64 = 1 << 62;

/// Timers fired per hold of a wheel lock; their wakers are woken, earliest deadline first, after
/// the lock is released.
const FIRE_CHUNK: usize = 256;

pub(crate) struct Timers {
    wheels: Box<[TimerWheel]>,
    next_wake: AtomicU64,
    /// Tick 0 of every wheel.
    start: Instant,
}

struct TimerWheel {
    wheel: Mutex<Wheel>,
    /// The wheel's next expiration, or `NONE`; written under the wheel's lock.
    next: AtomicU64,
}

/// What a `process` call did.
pub(crate) struct Processed {
    /// Timers fired.
    pub(crate) fired: usize,
    /// A deadline registered meanwhile became the earliest (the holder must re-arm).
    pub(crate) lowered: bool,
}

/// A deadline on the wheels' clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Deadline {
    /// The tick it fires at (rounded up).
    pub(crate) tick: u64,
    /// Where it falls within that tick, in nanoseconds (1 to 1,000,000): the order in which the
    /// timers of one tick are woken.
    pub(crate) order: u32,
}

/// What registering a timer did.
#[must_use]
pub(crate) enum Registered {
    /// Linked; `true` if it is now the earliest deadline of the runtime (the holder must hear).
    Linked { earliest: bool },
    /// Already due: the node was fired without being linked.
    Fired,
}

impl Timers {
    /// Wheels for `workers` workers plus the shared one.
    pub(crate) fn new(workers: usize) -> Timers {
        Timers {
            wheels: (0..=workers)
                .map(|_| TimerWheel {
                    wheel: Mutex::new(Wheel::new()),
                    next: AtomicU64::new(NONE),
                })
                .collect(),
            next_wake: AtomicU64::new(NONE),
            start: Instant::now(),
        }
    }

    /// Models only: the instant of tick 0, so a model can name exact ticks.
    #[cfg(corio_loom)]
    pub(crate) fn origin(&self) -> Instant {
        self.start
    }

    /// The index of the wheel for timers registered outside the workers.
    pub(crate) fn shared_wheel(&self) -> usize {
        self.wheels.len() - 1
    }

    /// `deadline` on the wheels' clock: the tick at or after it (rounded up, so a timer never
    /// fires early) and its place within that tick.
    pub(crate) fn deadline(&self, deadline: Instant) -> Deadline {
        let since = deadline.saturating_duration_since(self.start);
        let into_tick = since.subsec_nanos() % 1_000_000;
        let ms = since.as_millis() + u128::from(into_tick != 0);
        Deadline {
            tick: u64::try_from(ms).map_or(MAX_TICK, |ms| ms.min(MAX_TICK)),
            // A deadline exactly on a tick is the last of that tick's.
            order: if into_tick == 0 { 1_000_000 } else { into_tick },
        }
    }

    /// The tick at or after `deadline`.
    #[cfg(corio_loom)]
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        self.deadline(deadline).tick
    }

    /// The last tick that has fully passed at `now` (rounded down), and how far into the next
    /// one `now` is, in nanoseconds (0 to 999,999).
    pub(crate) fn position(&self, now: Instant) -> (u64, u32) {
        let since = now.saturating_duration_since(self.start);
        (self.now_tick(now), since.subsec_nanos() % 1_000_000)
    }

    /// The last tick that has fully passed at `now` (rounded down).
    pub(crate) fn now_tick(&self, now: Instant) -> u64 {
        let ms = now.saturating_duration_since(self.start).as_millis();
        u64::try_from(ms).map_or(MAX_TICK, |ms| ms.min(MAX_TICK))
    }

    /// The earliest pending deadline as a tick, if any (a hint: see the module docs).
    pub(crate) fn next_wake(&self) -> Option<u64> {
        // Relaxed: read on every tick; a stale value only delays the check to the next tick, and
        // the holder's handshake (in the scheduler) uses a fence of its own.
        Some(self.next_wake.load(Relaxed)).filter(|&tick| tick != NONE)
    }

    /// How long from `now` until `tick` is due.
    pub(crate) fn until(&self, tick: u64, now: Instant) -> Duration {
        let due = self.start.checked_add(Duration::from_millis(tick));
        due.map_or(Duration::MAX, |due| due.saturating_duration_since(now))
    }

    /// Links `node` into wheel `index` to fire at `deadline`.
    ///
    /// # Safety
    ///
    /// `node` is pinned, not linked, and stays live until [`Timers::deregister`] has returned.
    pub(crate) unsafe fn register(
        &self,
        index: usize,
        node: &TimerNode,
        deadline: Deadline,
    ) -> Registered {
        let when = deadline.tick;
        node.set_owner(index);
        let timer_wheel = &self.wheels[index];
        let mut wheel = timer_wheel.wheel.lock();
        // SAFETY: the lock of the wheel the node is about to be linked in is held.
        unsafe { node.set_order(deadline.order) };
        // SAFETY: the lock is held; the caller guarantees the node is pinned, unlinked and live.
        if unsafe { wheel.insert(NonNull::from(node), when) }.is_err() {
            drop(wheel);
            // Never linked, so no firer can see it.
            drop(node.fire());
            return Registered::Fired;
        }
        node.set_armed(when);
        let earliest = self.lower_cache(timer_wheel, &wheel, when);
        Registered::Linked { earliest }
    }

    /// Moves a registered `node` to fire at `deadline`. Returns like `register`.
    ///
    /// # Safety
    ///
    /// As for `register`, except that the node was registered (it may be linked or fired).
    pub(crate) unsafe fn reset(&self, node: &TimerNode, deadline: Deadline) -> Registered {
        let when = deadline.tick;
        let index = node.owner().expect("reset of an unregistered timer");
        let timer_wheel = &self.wheels[index];
        let mut wheel = timer_wheel.wheel.lock();
        // SAFETY: the lock is held; the node is this wheel's (its owner) and live.
        unsafe { wheel.remove(NonNull::from(node)) };
        let order_after_unlock = crate::loom::mutant("timer_order_set_after_unlock");
        if !order_after_unlock {
            // SAFETY: the owner's lock is held.
            unsafe { node.set_order(deadline.order) };
        }
        node.rearm(when);
        // SAFETY: as above; the node was just unlinked.
        if unsafe { wheel.insert(NonNull::from(node), when) }.is_err() {
            let waker = node.fire();
            drop(wheel);
            wake(waker);
            return Registered::Fired;
        }
        let earliest = self.lower_cache(timer_wheel, &wheel, when);
        if order_after_unlock {
            drop(wheel);
            // SAFETY: not sound, and run only by the loom models with this mutant selected (in
            // other builds `mutant` is a constant false): the deliberate bug is that an idle
            // firer can meet the node at its new tick with its old place in the tick.
            unsafe { node.set_order(deadline.order) };
        }
        Registered::Linked { earliest }
    }

    /// Unlinks `node` from its owner wheel if it is still linked. After this returns no firer can
    /// touch the node (entry rule 2). A node fired and released needs no lock: a sleep that ran
    /// to its end is dropped without touching the wheel (often another worker's).
    pub(crate) fn deregister(&self, node: &TimerNode) {
        if node.is_released() {
            // Loom does not see a `Sleep` being freed: stand in for it with a write to the links,
            // which a firer reads and writes before it releases the node.
            #[cfg(corio_loom)]
            node.touch_links_as_freed();
            return;
        }
        if let Some(index) = node.owner() {
            let mut wheel = self.wheels[index].wheel.lock();
            // SAFETY: the lock is held and the node, registered here, is live (its `Sleep` is
            // being dropped or reset, and has not been freed yet).
            unsafe { wheel.remove(NonNull::from(node)) };
        }
    }

    /// Lowers the wheel's cache and `next_wake` to `when` if it is earlier. True if `next_wake`
    /// was lowered (the holder must re-arm its sleep).
    fn lower_cache(
        &self,
        timer_wheel: &TimerWheel,
        _locked: &MutexGuard<'_, Wheel>,
        when: u64,
    ) -> bool {
        // Relaxed under the wheel lock: the cache is written only by lock holders.
        if when >= timer_wheel.next.load(Relaxed) {
            return false;
        }
        timer_wheel.next.store(when, Relaxed);
        // The insert side of the recompute handshake (module docs).
        fence(SeqCst);
        self.next_wake.fetch_min(when, AcqRel) > when
    }

    /// Fires every due entry at `now`: wheel `own` (if any) under its lock, the others through
    /// `try_lock`. The fired timers' wakers are woken after the locks are released, earliest
    /// deadline first across all wheels — or, when a wheel fires `FIRE_CHUNK` of them in one go,
    /// each time it does (so at most that many per wheel are held).
    ///
    /// With `early` (the caller is an idle worker, module docs), also the entries of the tick in
    /// progress whose exact deadline is at or before `now`: one walk of that tick's list per
    /// wheel.
    ///
    /// The order is what keeps lateness low when a tick fires many timers: the tasks they wake
    /// queue in wake order, so the timer that waited longest for its tick (its deadline early in
    /// the tick's millisecond) runs first, and the ones run last were the least late.
    pub(crate) fn process(&self, now: Instant, own: Option<usize>, early: bool) -> Processed {
        let (now, into_tick) = self.position(now);
        let early = early.then_some(into_tick);
        let mut fired = 0;
        let mut woken = Vec::new();
        for (index, timer_wheel) in self.wheels.iter().enumerate() {
            // Relaxed: a hint; the wheel itself is checked under its lock.
            if timer_wheel.next.load(Relaxed) > now + u64::from(early.is_some()) {
                continue;
            }
            let wheel = if Some(index) == own {
                Some(timer_wheel.wheel.lock())
            } else {
                timer_wheel.wheel.try_lock()
            };
            if let Some(wheel) = wheel {
                fired += self.fire_due(timer_wheel, wheel, now, early, &mut woken);
            }
        }
        wake_in_order(&mut woken);
        let lowered = self.recompute_next_wake();
        Processed { fired, lowered }
    }

    /// Fires the due entries of one wheel into `woken`. Every `FIRE_CHUNK` entries it releases the
    /// lock and wakes what `woken` holds, which bounds both the lock hold and the wakers kept.
    fn fire_due<'a>(
        &self,
        timer_wheel: &'a TimerWheel,
        mut wheel: MutexGuard<'a, Wheel>,
        now: u64,
        early: Option<u32>,
        woken: &mut Vec<(u64, u32, Waker)>,
    ) -> usize {
        let mut fired = 0;
        while let Some(node) = wheel.poll(now) {
            // SAFETY: the wheel just unlinked the node under the lock we hold.
            unsafe { fire_into(node, woken) };
            fired += 1;
            if fired % FIRE_CHUNK == 0 {
                // A full chunk: wake it outside the lock, then go on.
                drop(wheel);
                wake_in_order(woken);
                wheel = timer_wheel.wheel.lock();
            }
        }
        if let Some(into_tick) = early {
            // Chunked like the loop above; after a full chunk the tick's list is walked again
            // from its head (the lock was released, so the walk cannot resume where it stopped).
            while wheel.elapsed() == now {
                let room = FIRE_CHUNK - fired % FIRE_CHUNK;
                let drained = wheel.drain_next_tick(
                    |links| links.order <= into_tick,
                    // SAFETY: the wheel just unlinked the node under the lock we hold.
                    |node| unsafe { fire_into(node, woken) },
                    room,
                );
                fired += drained;
                if drained < room {
                    break;
                }
                drop(wheel);
                wake_in_order(woken);
                wheel = timer_wheel.wheel.lock();
            }
        }
        timer_wheel
            .next
            .store(wheel.next_expiration().unwrap_or(NONE), Relaxed);
        fired
    }

    /// Recomputes `next_wake`. True if an insert raced the recompute and its deadline is now the
    /// earliest: the store may have hidden it from that insert's own check, so the caller must
    /// tell the timer holder instead.
    fn recompute_next_wake(&self) -> bool {
        let minimum = || {
            self.wheels
                .iter()
                .map(|w| w.next.load(Relaxed))
                .min()
                .unwrap_or(NONE)
        };
        let stored = minimum();
        self.next_wake.store(stored, Release);
        // The recompute side of the handshake (module docs).
        if !crate::loom::mutant("timers_next_wake_no_fence") {
            fence(SeqCst);
        }
        let again = minimum();
        self.next_wake.fetch_min(again, AcqRel);
        again < stored
    }
}

/// Wakes `waker`; a panicking waker (a user's executor) must not unwind into a worker.
fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        crate::task::wake_catching(waker);
    }
}

/// Fires `node` and keeps its waker, with its wake order, in `woken`.
///
/// # Safety
///
/// The wheel the node was linked in has just unlinked it, under its lock, which the caller still
/// holds. (The node's `Sleep` cannot free it before taking that lock or seeing it released, which
/// `fire` does last: entry rule 2.)
unsafe fn fire_into(node: NonNull<TimerNode>, woken: &mut Vec<(u64, u32, Waker)>) {
    // SAFETY: live and under the owner's lock, from the caller.
    let node = unsafe { node.as_ref() };
    // SAFETY: as above.
    let (when, order) = unsafe { node.wake_key() };
    if let Some(waker) = node.fire() {
        if woken.capacity() == 0 {
            woken.reserve_exact(FIRE_CHUNK);
        }
        woken.push((when, order, waker));
    }
}

/// Wakes the fired timers' wakers, earliest deadline first, and empties `woken`.
fn wake_in_order(woken: &mut Vec<(u64, u32, Waker)>) {
    woken.sort_unstable_by_key(|&(when, order, _)| (when, order));
    for (_, _, waker) in woken.drain(..) {
        crate::task::wake_catching(waker);
    }
}

#[cfg(all(test, not(corio_loom)))]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex as StdMutex};
    use std::task::Wake;

    /// Records its id in a shared log when woken.
    struct Logged {
        id: usize,
        log: WakeLog,
    }

    impl Wake for Logged {
        fn wake(self: Arc<Self>) {
            self.log.lock().unwrap().push(self.id);
        }
    }

    /// The indexes of the timers woken so far, in wake order.
    type WakeLog = Arc<StdMutex<Vec<usize>>>;

    /// Registers a pinned node per deadline (`at_us` after the wheels' start) in wheel 0, each
    /// logging its index when woken.
    fn register_logged(timers: &Timers, at_us: &[u64]) -> (Vec<Pin<Box<TimerNode>>>, WakeLog) {
        let log = Arc::new(StdMutex::new(Vec::new()));
        let nodes: Vec<_> = at_us.iter().map(|_| Box::pin(TimerNode::new())).collect();
        for (id, (node, &us)) in nodes.iter().zip(at_us).enumerate() {
            let waker = Waker::from(Arc::new(Logged {
                id,
                log: log.clone(),
            }));
            node.register_waker(&waker);
            let at = timers.deadline(timers.start + Duration::from_micros(us));
            // SAFETY: the node is pinned in its box, not linked, and outlives the wheel's use of
            // it: every test fires every node before the boxes drop.
            let registered = unsafe { timers.register(0, node, at) };
            assert!(matches!(registered, Registered::Linked { .. }));
        }
        (nodes, log)
    }

    #[test]
    fn one_ticks_timers_wake_earliest_deadline_first() {
        let timers = Timers::new(1);
        // Deadlines within tick 5 (4 ms < d <= 5 ms), registered out of order (a slot's list
        // pops the last registered first); one in tick 4.
        let (nodes, log) = register_logged(&timers, &[4_500, 4_900, 4_100, 4_700, 4_300, 3_500]);
        let processed = timers.process(timers.start + Duration::from_millis(5), Some(0), false);
        assert_eq!(processed.fired, nodes.len());
        // Tick 4's timer first, then tick 5's by their exact deadlines.
        assert_eq!(*log.lock().unwrap(), [5, 2, 4, 0, 3, 1]);
        assert!(nodes.iter().all(|node| node.is_released()));
    }

    #[test]
    fn an_idle_worker_fires_the_coming_ticks_passed_deadlines_and_no_others() {
        let timers = Timers::new(1);
        let at = |us| timers.start + Duration::from_micros(us);
        // Tick 4: 3.5 ms. Tick 5: 4.1, 4.6 and 4.9 ms, and 5 ms exactly (the tick's last).
        let (nodes, log) = register_logged(&timers, &[3_500, 4_100, 4_600, 4_900, 5_000]);
        // At 4.6 ms an idle worker fires tick 4 and, of tick 5, the deadlines at or before now.
        assert_eq!(timers.process(at(4_600), Some(0), true).fired, 3);
        assert_eq!(*log.lock().unwrap(), [0, 1, 2]);
        assert_eq!(
            timers.next_wake(),
            Some(5),
            "the rest of tick 5 is still pending"
        );
        // A busy worker fires whole ticks only.
        assert_eq!(timers.process(at(4_950), Some(0), false).fired, 0);
        // Idle again at 4.95 ms: 4.9 ms is due, the deadline on the tick is not.
        assert_eq!(timers.process(at(4_950), Some(0), true).fired, 1);
        assert!(!nodes[4].is_released());
        assert_eq!(timers.process(at(5_000), Some(0), false).fired, 1);
        assert_eq!(*log.lock().unwrap(), [0, 1, 2, 3, 4]);
        assert!(nodes.iter().all(|node| node.is_released()));
        assert_eq!(timers.next_wake(), None);
    }

    #[test]
    fn an_idle_worker_fires_more_than_a_chunk_of_the_coming_tick() {
        let timers = Timers::new(1);
        // 600 deadlines between 4.0002 and 4.5 ms, all in tick 5: more than two chunks.
        let at_us: Vec<u64> = (0..600).map(|i| 4_000 + 500 - (i % 500) as u64).collect();
        let (nodes, log) = register_logged(&timers, &at_us);
        let processed = timers.process(timers.start + Duration::from_micros(4_600), Some(0), true);
        assert_eq!(processed.fired, 600);
        assert_eq!(log.lock().unwrap().len(), 600);
        assert!(nodes.iter().all(|node| node.is_released()));
        assert_eq!(timers.next_wake(), None);
    }

    #[test]
    fn a_deadline_on_a_tick_is_its_last() {
        let timers = Timers::new(1);
        let on_tick = timers.deadline(timers.start + Duration::from_millis(7));
        let just_after = timers.deadline(timers.start + Duration::from_nanos(6_000_001));
        assert_eq!(on_tick.tick, 7);
        assert_eq!(on_tick.order, 1_000_000);
        assert_eq!(just_after.tick, 7);
        assert_eq!(just_after.order, 1);
    }
}
