//! `Timers`: the wheels of one runtime — one per worker and one shared — and the clock they share.
//!
//! A `Sleep` registers on its first poll into the wheel of the worker polling it (the shared wheel
//! when the poller is not a worker, e.g. `block_on` on the main thread) and stays there for life,
//! even if its task is later stolen by another worker: a cancel or reset locks only that wheel.
//!
//! # Who fires timers
//!
//! 1. **Busy workers**, every few ticks (`TIMER_CHECK_INTERVAL` in the worker loop): one relaxed
//!    load of `next_wake`; only if a deadline is pending is the clock read, and only if one is due
//!    is [`Timers::process`] run, which fires the due entries of the worker's own
//!    wheel (locked) and of every other wheel it can `try_lock` — so a timer owned by a worker that
//!    is stuck in a long poll fires through any other worker.
//! 2. **The timer holder**: the first worker to park takes the timer token and sleeps with the
//!    earliest deadline of all wheels as its timeout; when it wakes it processes every wheel.
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
/// `FIRED`/`UNREGISTERED` in `entry.rs`, which a clamped deadline must never equal.
const MAX_TICK: u64 = 1 << 62;

/// Wakers collected under a wheel lock and woken after it is released.
const WAKE_BATCH: usize = 32;

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

    /// The tick at or after `deadline` (rounded up, so a timer never fires early).
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        let since = deadline.saturating_duration_since(self.start);
        let ms = since.as_millis() + u128::from(since.subsec_nanos() % 1_000_000 != 0);
        u64::try_from(ms).map_or(MAX_TICK, |ms| ms.min(MAX_TICK))
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

    /// Links `node` into wheel `index` to fire at `when`.
    ///
    /// # Safety
    ///
    /// `node` is pinned, not linked, and stays live until [`Timers::deregister`] has returned.
    pub(crate) unsafe fn register(&self, index: usize, node: &TimerNode, when: u64) -> Registered {
        node.set_owner(index);
        let timer_wheel = &self.wheels[index];
        let mut wheel = timer_wheel.wheel.lock();
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

    /// Moves a registered `node` to fire at `when`. Returns like `register`.
    ///
    /// # Safety
    ///
    /// As for `register`, except that the node was registered (it may be linked or fired).
    pub(crate) unsafe fn reset(&self, node: &TimerNode, when: u64) -> Registered {
        let index = node.owner().expect("reset of an unregistered timer");
        let timer_wheel = &self.wheels[index];
        let mut wheel = timer_wheel.wheel.lock();
        // SAFETY: the lock is held; the node is this wheel's (its owner) and live.
        unsafe { wheel.remove(NonNull::from(node)) };
        node.rearm(when);
        // SAFETY: as above; the node was just unlinked.
        if unsafe { wheel.insert(NonNull::from(node), when) }.is_err() {
            let waker = node.fire();
            drop(wheel);
            wake(waker);
            return Registered::Fired;
        }
        let earliest = self.lower_cache(timer_wheel, &wheel, when);
        Registered::Linked { earliest }
    }

    /// Unlinks `node` from its owner wheel if it is still linked. After this returns no firer can
    /// touch the node (entry rule 2).
    pub(crate) fn deregister(&self, node: &TimerNode) {
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
    /// `try_lock`.
    pub(crate) fn process(&self, now: Instant, own: Option<usize>) -> Processed {
        let now = self.now_tick(now);
        let mut fired = 0;
        for (index, timer_wheel) in self.wheels.iter().enumerate() {
            // Relaxed: a hint; the wheel itself is checked under its lock.
            if timer_wheel.next.load(Relaxed) > now {
                continue;
            }
            let wheel = if Some(index) == own {
                Some(timer_wheel.wheel.lock())
            } else {
                timer_wheel.wheel.try_lock()
            };
            if let Some(wheel) = wheel {
                fired += self.fire_due(timer_wheel, wheel, now);
            }
        }
        let lowered = self.recompute_next_wake();
        Processed { fired, lowered }
    }

    fn fire_due<'a>(
        &self,
        timer_wheel: &'a TimerWheel,
        mut wheel: MutexGuard<'a, Wheel>,
        now: u64,
    ) -> usize {
        let mut fired = 0;
        let mut batch: [Option<Waker>; WAKE_BATCH] = Default::default();
        let mut len = 0;
        while let Some(node) = wheel.poll(now) {
            // SAFETY: the wheel returned a node it just unlinked under the lock we hold; the
            // node's `Sleep` cannot free it before taking this lock (entry rule 2).
            batch[len] = unsafe { node.as_ref() }.fire();
            len += 1;
            fired += 1;
            if len == WAKE_BATCH {
                // Wake outside the lock: a wake may run scheduler code.
                drop(wheel);
                batch.iter_mut().for_each(|waker| wake(waker.take()));
                len = 0;
                wheel = timer_wheel.wheel.lock();
            }
        }
        timer_wheel
            .next
            .store(wheel.next_expiration().unwrap_or(NONE), Relaxed);
        drop(wheel);
        batch[..len].iter_mut().for_each(|waker| wake(waker.take()));
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
