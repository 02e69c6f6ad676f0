//! The timer entry and the timer wheels across threads: a `Sleep` fired by one thread while its
//! owner drops it, re-polls it or resets it on another, and `next_wake` recomputed by a firer
//! while a new deadline is inserted (`runtime/src/time/`: `sleep.rs`, `entry.rs`, `timers.rs`,
//! `wheel.rs`).
//!
//! The models run the real `Sleep`, timer entry, wheels and `Timers` of an unstarted runtime
//! (`corio::__loom::unstarted`), whose workers never run. Each `Sleep` is created inside
//! `Handle::enter` on a model thread, so it registers in the shared wheel, as from any thread
//! that is not a worker; the firer plays a worker's tick, `corio::__loom::time::process`, which
//! reaches that wheel through `try_lock` as every worker does. Time is explicit: deadlines are
//! whole milliseconds on the wheels' own clock (`time::instant`), an hour ahead, which the real
//! clock never reaches while a model runs, and "now" is whatever instant the model passes to
//! `process`.
//!
//! One model plays an idle worker's early firing instead (`time::process_idle`), with deadlines
//! inside a millisecond.
//!
//! Every model counts the wakes of its wakers (`CountingWaker`) and the timers each `process`
//! fired, and checks them against each other: a timer fires exactly once, at or after its
//! latest deadline, and its waker is woken once per firing and never after a drop that found it
//! unfired.
//!
//! Limits:
//! - loom treats `SeqCst` accesses like `AcqRel` and never explores load buffering. The
//!   `next_wake` recompute racing an insert is a store-buffering pattern; `timers.rs` puts a
//!   `fence(SeqCst)` on each side, which loom does model (mutant `timers_next_wake_no_fence`).
//! - Timeouts are events: loom never times a wait out, so a deadline comes due only when the
//!   model calls `process` with a later instant. The real clock, `Instant::now()` in the worker
//!   loop and in `Sleep::poll`'s first-poll check, plays no part.
//! - loom explores a `try_lock` that finds the lock taken only in some schedules, and switches
//!   threads only at its own operations (see the README): a firer skipping a locked wheel is
//!   reached in one model only, and no model drops a `Sleep` between the firer's unlock of the
//!   wheel and its wake of the waker it took. Each model names the outcomes it must reach.
//! - Only the shared wheel is exercised: a worker's own wheel differs in who takes its lock with
//!   `lock` rather than `try_lock`, not in the entry's protocol. The holder is a model thread
//!   parked on a worker's condition variable, not a real worker in the driver (`driver.rs` runs
//!   the real holder).
//! - Two or three threads; `LOOM_MAX_PREEMPTIONS` bounds the preemptions.
#![cfg(corio_loom)]

use corio::__loom::{self as internals, parker, time};
use corio::time::Sleep;
use corio::Handle;
use corio_loom_tests::{model, CountingWaker, Outcomes};
use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::thread;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// The deadline of the models' timers, in ms on the wheels' clock: an hour ahead, so only the
/// model's `process` calls make it due.
const DUE: u64 = 3_600_000;
/// A deadline 10 ms after `DUE`.
const LATER: u64 = DUE + 10;

/// The unstarted runtime's worker that plays the timer holder.
const HOLDER: usize = 0;

/// A `Sleep` of `handle`'s runtime until `ms` on its wheels' clock (not registered yet).
fn sleep_at(handle: &Handle, ms: u64) -> Pin<Box<Sleep>> {
    let _entered = handle.enter();
    Box::pin(corio::time::sleep_until(time::instant(handle, ms)))
}

fn poll_with(sleep: &mut Pin<Box<Sleep>>, waker: &Waker) -> Poll<()> {
    sleep.as_mut().poll(&mut Context::from_waker(waker))
}

/// A `Sleep` until `ms`, polled once with a counting waker, so it is registered (pending); the
/// waker and its count.
fn registered_sleep(handle: &Handle, ms: u64) -> (Pin<Box<Sleep>>, Waker, Arc<CountingWaker>) {
    let mut sleep = sleep_at(handle, ms);
    let (waker, wakes) = CountingWaker::new();
    assert_eq!(poll_with(&mut sleep, &waker), Poll::Pending);
    (sleep, waker, wakes)
}

/// A worker's tick at `ms`, on another thread: fires what is due and returns how many it fired.
fn fire_at(handle: &Handle, ms: u64) -> thread::JoinHandle<usize> {
    let handle = handle.clone();
    thread::spawn(move || time::process(&handle, time::instant(&handle, ms)).fired)
}

/// The firing of a registered `Sleep` racing its drop, with two workers' ticks firing at once
/// (any worker fires the shared wheel): the timer fires at most once, its waker is woken exactly
/// once if it fired and never if it did not, never after a drop that found it unfired (the drop
/// takes the wheel lock, so a firer that had not yet taken the waker can no longer reach it),
/// and no clone of it is left anywhere. Nothing is left to fire afterwards. A drop that finds the
/// timer released by its firer frees it without the lock: the firer must be done with the node
/// by then (mutant `timer_released_before_take`, a use after free), and seeing it released must
/// order the firer's accesses before the free (mutant `timer_released_relaxed`; under loom the
/// drop writes the node's links in place of freeing it).
#[test]
fn drop_racing_fire_wakes_at_most_once() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(1);
        let (sleep, waker, counting) = registered_sleep(&handle, DUE);
        drop(waker);
        let firers = [fire_at(&handle, DUE), fire_at(&handle, DUE)];
        drop(sleep);
        // Only this handle left: the entry's clone went with the `Sleep`, and no firer holds one.
        let unreachable_at_drop = Arc::strong_count(&counting) == 1;
        let woken_at_drop = counting.wakes();
        let fired: usize = firers.map(|firer| firer.join().unwrap()).iter().sum();
        assert!(fired <= 1, "one timer fired {fired} times");
        assert_eq!(
            counting.wakes(),
            fired,
            "a timer's waker must be woken once per firing"
        );
        if unreachable_at_drop {
            assert_eq!(
                counting.wakes(),
                woken_at_drop,
                "the waker was woken after the drop had found the timer unfired"
            );
        }
        assert_eq!(
            Arc::strong_count(&counting),
            1,
            "a clone of the waker leaked"
        );
        assert_eq!(
            time::process(&handle, time::instant(&handle, LATER)).fired,
            0
        );
        assert_eq!(time::next_wake(&handle), None);
        OUTCOMES.saw(match (fired, woken_at_drop) {
            (0, _) => "dropped unfired",
            (_, 0) => "fired before the drop, woken after it",
            _ => "fired and woken before the drop",
        });
    });
    OUTCOMES.assert_reached(
        "drop_racing_fire_wakes_at_most_once",
        // Not "fired before the drop, woken after it": the firer wakes right after it unlocks
        // the wheel, with no loom operation in between, so loom never runs the drop there.
        &["dropped unfired", "fired and woken before the drop"],
    );
}

/// A re-poll with a new waker racing the firing (the task moved, or its waker changed): if the
/// poll returns `Pending`, the firing wakes the new waker, never the replaced one; if the firing
/// took the old waker first, the poll's re-check after registering sees the timer fired and
/// returns `Ready`. Either way exactly one wake, and the timer fires exactly once.
#[test]
fn repoll_with_new_waker_racing_fire() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(1);
        let (mut sleep, _old, old_wakes) = registered_sleep(&handle, DUE);
        let firer = fire_at(&handle, DUE);
        let (new, new_wakes) = CountingWaker::new();
        let polled = poll_with(&mut sleep, &new);
        let mut fired = firer.join().unwrap();
        if fired == 0 {
            // The firer's `try_lock` lost the wheel: a later tick fires it.
            fired = time::process(&handle, time::instant(&handle, DUE)).fired;
        }
        assert_eq!(fired, 1);
        OUTCOMES.saw(match (polled, old_wakes.wakes()) {
            (Poll::Pending, _) => "pending, the new waker woken",
            (Poll::Ready(()), 1) => "fired before the re-poll registered",
            (Poll::Ready(()), _) => "fired between the registration and the re-check",
        });
        match polled {
            Poll::Pending => {
                assert_eq!(
                    new_wakes.wakes(),
                    1,
                    "polled Pending with a new waker that the firing never woke: a lost wake-up"
                );
                assert_eq!(old_wakes.wakes(), 0, "the replaced waker was woken");
            }
            Poll::Ready(()) => assert_eq!(old_wakes.wakes() + new_wakes.wakes(), 1),
        }
        assert_eq!(poll_with(&mut sleep, &new), Poll::Ready(()));
    });
    OUTCOMES.assert_reached(
        "repoll_with_new_waker_racing_fire",
        &[
            "pending, the new waker woken",
            "fired before the re-poll registered",
            "fired between the registration and the re-check",
        ],
    );
}

/// `Sleep::reset` to a later deadline, on the owner's thread, racing the firing at the old one:
/// whether the firing came first (the sleep had completed and waits again) or not, the sleep is
/// pending afterwards, `next_wake` is no later than the new deadline (not lost), it does not fire
/// again at the old deadline, and it fires exactly once at the new one.
#[test]
fn reset_later_racing_fire() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(1);
        let (mut sleep, waker, wakes) = registered_sleep(&handle, DUE);
        let firer = fire_at(&handle, DUE);
        sleep.as_mut().reset(time::instant(&handle, LATER));
        let fired = firer.join().unwrap();
        assert!(fired <= 1);
        assert_eq!(wakes.wakes(), fired);
        assert_eq!(poll_with(&mut sleep, &waker), Poll::Pending);
        let next = time::next_wake(&handle).expect("a timer is pending, next_wake says none");
        assert!(
            next <= LATER,
            "the reset timer is lost: next_wake {next} is after its deadline {LATER}"
        );
        assert_eq!(
            time::process(&handle, time::instant(&handle, DUE)).fired,
            0,
            "fired at the deadline it was moved away from"
        );
        assert_eq!(
            time::process(&handle, time::instant(&handle, LATER)).fired,
            1
        );
        assert_eq!(wakes.wakes(), fired + 1);
        assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));
        OUTCOMES.saw(if fired == 1 {
            "fired, then reset"
        } else {
            "reset before the firing"
        });
    });
    OUTCOMES.assert_reached(
        "reset_later_racing_fire",
        &["fired, then reset", "reset before the firing"],
    );
}

/// `Sleep::reset` to an earlier deadline racing the firing at that earlier instant. The firer
/// looks at the wheel only if the wheel's cached next expiration is due: if it sees the reset's
/// lowered cache it fires the timer; if it read the cache before, it skips the wheel, and
/// `next_wake` must then say the timer is due, so that a later tick fires it. Exactly one firing
/// in all, none at the old deadline, and the sleep completes.
#[test]
fn reset_earlier_racing_fire() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(1);
        let (mut sleep, waker, wakes) = registered_sleep(&handle, LATER);
        let firer = fire_at(&handle, DUE);
        sleep.as_mut().reset(time::instant(&handle, DUE));
        let fired = firer.join().unwrap();
        assert_eq!(
            wakes.wakes(),
            fired,
            "woken {} times, fired {fired}",
            wakes.wakes()
        );
        assert!(fired <= 1);
        if fired == 0 {
            let next = time::next_wake(&handle).expect("a timer is pending, next_wake says none");
            assert!(
                next <= DUE,
                "the reset timer is lost: next_wake {next} is after its deadline {DUE}"
            );
        }
        let late = time::process(&handle, time::instant(&handle, DUE)).fired;
        assert_eq!(fired + late, 1, "the timer fired {} times", fired + late);
        assert_eq!(
            time::process(&handle, time::instant(&handle, LATER)).fired,
            0,
            "fired again at the deadline it was moved away from"
        );
        assert_eq!(wakes.wakes(), 1);
        assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));
        OUTCOMES.saw(if fired == 1 {
            "the firer fired it"
        } else {
            "the firer skipped the wheel, a later tick fired it"
        });
    });
    OUTCOMES.assert_reached(
        "reset_earlier_racing_fire",
        &[
            "the firer fired it",
            "the firer skipped the wheel, a later tick fired it",
        ],
    );
}

/// `Sleep::reset` to a deadline the wheel may already have passed: another timer due at `DUE`
/// makes the firer lock the wheel and advance it to `DUE` while the sleep is reset from `LATER`
/// to `DUE`. If the reset comes second it finds the new deadline passed and fires the timer
/// itself, without linking it; if first, the firer fires both. Either way each timer fires
/// exactly once and the sleep completes.
#[test]
fn reset_to_a_passed_deadline_racing_fire() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(1);
        let (mut other, other_waker, other_wakes) = registered_sleep(&handle, DUE);
        let (mut sleep, waker, wakes) = registered_sleep(&handle, LATER);
        let firer = fire_at(&handle, DUE);
        sleep.as_mut().reset(time::instant(&handle, DUE));
        let fired = firer.join().unwrap();
        let late = time::process(&handle, time::instant(&handle, LATER)).fired;
        assert_eq!(
            (other_wakes.wakes(), wakes.wakes()),
            (1, 1),
            "each timer must fire exactly once (the firer fired {fired}, a later tick {late})"
        );
        assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));
        assert_eq!(poll_with(&mut other, &other_waker), Poll::Ready(()));
        OUTCOMES.saw(match (fired, late) {
            (2, 0) => "reset first, the firer fired both",
            (1, 0) => "the reset found its deadline passed and fired it",
            (0, 2) => "the firer lost the wheel's try_lock, a later tick fired both",
            _ => "a later tick fired one",
        });
    });
    OUTCOMES.assert_reached(
        "reset_to_a_passed_deadline_racing_fire",
        &[
            "reset first, the firer fired both",
            "the reset found its deadline passed and fired it",
            "the firer lost the wheel's try_lock, a later tick fired both",
        ],
    );
}

/// An idle worker's early firing (`time::process_idle`: the coming tick's timers whose exact
/// deadlines have passed) racing `Sleep::reset` to a later deadline *within that same tick*. The
/// sleep was due at `DUE` + 0.3 ms and is moved to `DUE` + 0.8 ms; the firer runs at `DUE` + 0.5
/// ms. If it fires first, the sleep completed at its old deadline and the reset makes it wait
/// again; if the reset comes first, the firer must leave it, though the node sits at the same
/// tick: its new place in the tick, written by the reset under the wheel lock, is after "now".
/// Either way the sleep is pending after both, not fired before its new deadline; an idle firing
/// at 0.6 ms leaves it, and one at 0.8 ms fires it, exactly once. The reset writing the node's
/// place after releasing the lock is mutant `timer_order_set_after_unlock`.
#[test]
fn reset_within_the_coming_tick_racing_an_idle_firing() {
    static OUTCOMES: Outcomes = Outcomes::new();
    let at = |handle: &Handle, us: u64| time::instant(handle, DUE) + Duration::from_micros(us);
    model(move || {
        let handle = internals::unstarted(1);
        let mut sleep = {
            let _entered = handle.enter();
            Box::pin(corio::time::sleep_until(at(&handle, 300)))
        };
        let (waker, wakes) = CountingWaker::new();
        assert_eq!(poll_with(&mut sleep, &waker), Poll::Pending);
        let firer = {
            let handle = handle.clone();
            thread::spawn(move || time::process_idle(&handle, at(&handle, 500)).fired)
        };
        sleep.as_mut().reset(at(&handle, 800));
        let fired = firer.join().unwrap();
        assert!(fired <= 1);
        assert_eq!(wakes.wakes(), fired);
        assert_eq!(
            poll_with(&mut sleep, &waker),
            Poll::Pending,
            "the sleep completed before its new deadline"
        );
        assert_eq!(
            time::process_idle(&handle, at(&handle, 600)).fired,
            0,
            "fired 0.2 ms before its new deadline"
        );
        assert_eq!(time::process_idle(&handle, at(&handle, 800)).fired, 1);
        assert_eq!(wakes.wakes(), fired + 1);
        assert_eq!(poll_with(&mut sleep, &waker), Poll::Ready(()));
        OUTCOMES.saw(if fired == 1 {
            "fired at its old deadline, then reset"
        } else {
            "reset first, left by the firer"
        });
    });
    OUTCOMES.assert_reached(
        "reset_within_the_coming_tick_racing_an_idle_firing",
        &[
            "fired at its old deadline, then reset",
            "reset first, left by the firer",
        ],
    );
}

/// The `next_wake` handshake of `timers.rs`: a firer processes the wheels at `DUE` (firing the
/// first timer, then recomputing `next_wake` as the minimum of the wheels' caches) while a second
/// timer, due at `LATER`, is inserted. The recompute may store a minimum that misses the insert;
/// with a `fence(SeqCst)` on each side, either its second look sees the insert's cache, or the
/// insert's `fetch_min` sees the stored value. Worker 0 holds the timer token and sleeps on its
/// parker, re-reading `next_wake` each time it is unparked — by the registration when its
/// deadline is the earliest, or by the firer when `process` reports `lowered`. When everything is
/// done and the holder sleeps with no unpark pending, the `next_wake` it read, and `next_wake`
/// itself, are no later than `LATER`; then both timers fire exactly once.
#[test]
fn next_wake_recompute_racing_insert() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(1);
        let (_first, _first_waker, first_wakes) = registered_sleep(&handle, DUE);
        // Worker 0 holds the timer token from here on (it reads `next_wake` before it sleeps).
        parker::set_timer_holder(&handle, Some(HOLDER));

        // The timer holder: reads `next_wake` (the deadline it would sleep until), then sleeps
        // until unparked. (A std atomic: bookkeeping only.)
        let (seen, reads) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let done = loom::sync::Arc::new(AtomicBool::new(false));
        let holder = {
            let (handle, seen, reads, done) =
                (handle.clone(), seen.clone(), reads.clone(), done.clone());
            thread::spawn(move || loop {
                let next = time::next_wake(&handle).unwrap_or(u64::MAX);
                seen.store(next, SeqCst);
                reads.fetch_add(1, SeqCst);
                if done.load(Acquire) {
                    return;
                }
                parker::park(&handle, HOLDER);
            })
        };
        // A worker's tick at `DUE`; `lowered` re-arms the holder, as `fire_timers` does.
        let firer = {
            let handle = handle.clone();
            thread::spawn(move || {
                let processed = time::process(&handle, time::instant(&handle, DUE));
                if processed.lowered {
                    time::deadline_lowered(&handle);
                }
                processed
            })
        };
        let (_second, _second_waker, second_wakes) = registered_sleep(&handle, LATER);
        let processed = firer.join().unwrap();

        // At rest: the holder asleep with no unpark pending, so what it read last is final.
        while parker::state(&handle, HOLDER) != "PARKED_CONDVAR" {
            thread::yield_now();
        }
        let holder_sees = seen.load(SeqCst);
        assert!(
            holder_sees <= LATER,
            "the timer holder sleeps until {holder_sees}, past the pending deadline {LATER}: the \
             insert was lost"
        );
        let next = time::next_wake(&handle).expect("a timer is pending, next_wake says none");
        assert!(
            next <= LATER,
            "next_wake {next} is past the pending deadline {LATER}"
        );
        done.store(true, Release);
        parker::unpark(&handle, HOLDER);
        holder.join().unwrap();

        let late = time::process(&handle, time::instant(&handle, LATER)).fired;
        assert_eq!(processed.fired + late, 2);
        assert_eq!((first_wakes.wakes(), second_wakes.wakes()), (1, 1));
        if processed.lowered {
            OUTCOMES.saw("the recompute hid the insert and re-armed the holder");
        }
        OUTCOMES.saw(match (processed.fired, reads.load(SeqCst)) {
            (0, _) => "the firer lost the wheel's try_lock",
            // Its first read, its wake-up by this model, and more: it was unparked on the way.
            (_, 3..) => "the holder was re-armed",
            _ => "the holder was never re-armed",
        });
    });
    OUTCOMES.assert_reached(
        "next_wake_recompute_racing_insert",
        // Not "the firer lost the wheel's try_lock": loom explores a failing `try_lock` only
        // when the thread's previous operation depends on the lock holder's (see the README).
        &[
            "the recompute hid the insert and re-armed the holder",
            "the holder was re-armed",
            "the holder was never re-armed",
        ],
    );
}
