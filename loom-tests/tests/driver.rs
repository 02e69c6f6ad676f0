//! The I/O driver's park/notify protocol and the timer holder: `WorkerParker::{park_driver,
//! unpark}` (`runtime/src/scheduler/park.rs`), `Driver::{turn, notify}` (`runtime/src/io/driver.rs`)
//! and the timer token (`WorkerContext::park` in `scheduler/worker.rs`,
//! `Shared::timer_deadline_lowered` in `scheduler/shared.rs`).
//!
//! Under loom the poller is a loom condition variable that only `notify` wakes
//! (`runtime/src/io/poller.rs`, `mod model`), with the real `Driver::turn` (its `try_lock` and its
//! `may_block` check) in front of it. The first models drive the real parkers and driver of an
//! unstarted runtime (`corio::__loom::unstarted`) by hand, each model thread playing one worker;
//! the last two run a real runtime, whose parked workers hold and hand over the timer token.
//!
//! A lost unpark shows up as a loom deadlock (a worker blocked in the driver that nobody will
//! notify); a timer holder that misses a new deadline shows up as a driver sleeper with no
//! timeout while a timer is pending (`corio::__loom::driver_sleeper`).
//!
//! Limits:
//! - loom treats `SeqCst` accesses like `AcqRel` and never explores load buffering. The timer
//!   holder handshake (the holder publishes the token, then reads `next_wake`; a registrar lowers
//!   `next_wake`, then reads the token) is a store-buffering pattern; it has an explicit
//!   `fence(SeqCst)` on each side, which loom does model (mutant `timer_holder_no_fence`).
//! - Timeouts are events, and the driver's never fire: loom never times a wait out, so a driver
//!   sleep with a timeout ends only by a `notify`, like one without. The models check the timeout
//!   a sleeper *chose* instead of waiting for it to run out.
//! - The loom poller has no sources, so no readiness event ever wakes the driver, and the real
//!   `polling` crate (epoll, kqueue: its own notify pipe/eventfd and its `wait` that consumes a
//!   pending notify) is not modelled; the poller model consumes a pending notify on every `wait`,
//!   even a non-blocking one, as `polling`'s does, which is the race `Driver::turn`'s doc
//!   describes.
//! - loom explores a `try_lock` that finds the lock taken only in some schedules (see the
//!   README); the model whose holder must find the busy worker driving checks that it did.
//! - At most two workers, `LOOM_MAX_PREEMPTIONS` preemptions (one fewer for the two-worker
//!   runtime model).
#![cfg(corio_loom)]

use corio::__loom::{self as internals, parker};
use corio_loom_tests::{
    model, model_heavy, runtime, wait_for_rest, Counter, CountingWaker, Latch, Outcomes,
};
use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::sync::Arc;
use loom::thread;
use std::future::Future;
use std::task::{Context, Poll};
use std::time::Duration;

/// The worker of an unstarted runtime that holds the driver in these models.
const HOLDER: usize = 0;
/// The other worker, which only looks at the driver without blocking.
const BUSY: usize = 1;

/// The worker's park loop, as `WorkerContext::park` runs it: sleep in the driver until `woken`
/// (the idle protocol's "unparked by a notifier") is set. A wait that returns without it (the
/// turn lock was busy, or a stale notification) goes round again, letting the others run first.
/// Returns how many times it slept.
fn park_until_woken(handle: &corio::Handle, woken: &AtomicBool) -> usize {
    let mut sleeps = 0;
    loop {
        parker::park_driver(handle, HOLDER, None);
        sleeps += 1;
        // Acquire: pairs with the notifier's release store, made before its unpark.
        if woken.load(Acquire) {
            return sleeps;
        }
        thread::yield_now();
    }
}

/// The notifier: marks the worker woken (as `Idle::worker_to_notify` pops it from the sleepers),
/// then unparks it.
fn wake_holder(handle: &corio::Handle, woken: &AtomicBool) {
    woken.store(true, Release);
    parker::unpark(handle, HOLDER);
}

/// (a) One worker sleeps in the driver with no timeout while another thread unparks it: the
/// sleeper always returns, on its first sleep (no unpark is lost, none is spurious here), having
/// consumed the notification: its parker ends `EMPTY` and nobody sleeps in the driver.
#[test]
fn park_driver_racing_unpark_returns() {
    model(|| {
        let handle = internals::unstarted(1);
        let woken = Arc::new(AtomicBool::new(false));
        let notifier = {
            let (handle, woken) = (handle.clone(), woken.clone());
            thread::spawn(move || wake_holder(&handle, &woken))
        };
        let sleeps = park_until_woken(&handle, &woken);
        notifier.join().unwrap();
        assert_eq!(sleeps, 1, "the driver sleep returned without the unpark");
        assert_eq!(parker::state(&handle, HOLDER), "EMPTY");
        assert_eq!(internals::driver_sleeper(&handle), None);
    });
}

/// (b) The race `Driver::turn`'s doc describes: a busy worker's non-blocking look at the driver
/// (`park_driver(Some(ZERO))`, every `event_interval` ticks) races the holder going to sleep in
/// the driver and a notifier unparking the holder. The poller's `wait` consumes a pending notify
/// even with a zero timeout, so the busy worker may eat the holder's; the holder then must not
/// block, since it checks its parker under the turn lock. The unpark is never lost: the holder
/// returns (else loom reports a deadlock), the busy worker's parker ends `EMPTY`, and the
/// holder's ends `EMPTY` or, if its wait returned before the unpark landed, `NOTIFIED` (remembered
/// for its next park, which then returns at once). Executions must reach both ways the holder's
/// sleep can end: with the unpark, or at once because the busy worker held the turn lock.
#[test]
fn nonblocking_turn_racing_park_driver_and_unpark() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model(|| {
        let handle = internals::unstarted(2);
        let woken = Arc::new(AtomicBool::new(false));
        let busy = {
            let handle = handle.clone();
            thread::spawn(move || parker::park_driver(&handle, BUSY, Some(Duration::ZERO)))
        };
        let notifier = {
            let (handle, woken) = (handle.clone(), woken.clone());
            thread::spawn(move || wake_holder(&handle, &woken))
        };
        let sleeps = park_until_woken(&handle, &woken);
        OUTCOMES.saw(if sleeps == 1 {
            "the holder's first sleep ended with the unpark"
        } else {
            "the holder found the busy worker driving and slept again"
        });
        notifier.join().unwrap();
        assert_eq!(busy.join().unwrap(), 0);
        assert_eq!(parker::state(&handle, BUSY), "EMPTY");
        match parker::state(&handle, HOLDER) {
            "EMPTY" => {}
            "NOTIFIED" => {
                // The remembered unpark: the next sleep returns at once and consumes it.
                parker::park_driver(&handle, HOLDER, None);
                assert_eq!(parker::state(&handle, HOLDER), "EMPTY");
            }
            state => panic!("the holder's parker ended {state}"),
        }
        assert_eq!(internals::driver_sleeper(&handle), None);
    });
    OUTCOMES.assert_reached(
        "nonblocking_turn_racing_park_driver_and_unpark",
        &[
            "the holder's first sleep ended with the unpark",
            "the holder found the busy worker driving and slept again",
        ],
    );
}

/// (c) Driver hand-off on a real runtime of two workers. At rest one worker holds the timer token
/// and sleeps in the driver, the other sleeps on its condition variable. Two spawns from outside:
/// the first wakes the condvar sleeper, which finds a task and, as the last searcher, wakes the
/// holder (idle rule 3); the holder leaves the driver, gives up the token and may find the second
/// task, which blocks its worker until the first has run. The other worker, parking meanwhile,
/// takes the token: the driver changes hands while the second spawn races it. Both tasks run
/// exactly once, and the runtime comes back to rest with a token holder asleep in the driver
/// (with no timeout: no timer is pending). Some execution must end with the token on the other
/// worker, or the model would not reach a hand-off.
#[test]
fn driver_handoff_between_workers() {
    static OUTCOMES: Outcomes = Outcomes::new();
    model_heavy(|| {
        let runtime = runtime(2);
        let handle = runtime.handle();
        wait_for_rest(handle, 2);
        assert_eq!(wait_for_driver_sleeper(handle), None);
        let before = internals::timer_holder(handle).expect("the driver sleeper holds the token");
        let (ran, dropped) = (Counter::new(), Counter::new());
        let gate = Latch::new();
        let quick = {
            let (ran, guard) = (ran.clone(), dropped.guard());
            runtime.spawn(async move {
                let _future_owns = guard;
                ran.incr();
            })
        };
        let blocking = {
            let (ran, guard, gate) = (ran.clone(), dropped.guard(), gate.clone());
            runtime.spawn(async move {
                let _future_owns = guard;
                gate.wait_for(1);
                ran.incr();
            })
        };
        runtime.block_on(quick).unwrap();
        gate.count_down();
        runtime.block_on(blocking).unwrap();
        assert_eq!(ran.get(), 2);
        assert_eq!(dropped.get(), 2);
        wait_for_rest(handle, 2);
        assert_eq!(wait_for_driver_sleeper(handle), None);
        let after = internals::timer_holder(handle).expect("the driver sleeper holds the token");
        OUTCOMES.saw(if after == before {
            "the token stayed"
        } else {
            "the token changed hands"
        });
    });
    OUTCOMES.assert_reached(
        "driver_handoff_between_workers",
        &["the token stayed", "the token changed hands"],
    );
}

/// (d) The timer holder handshake: a deadline registered from outside the workers while the only
/// worker starts and parks as the timer holder. Either the holder reads the new `next_wake` after
/// publishing the token, or the registrar sees the token and unparks the holder, which re-reads
/// it: at rest the holder sleeps in the driver with a timeout, never without one while a timer is
/// pending (it would sleep past the deadline). The timer does not fire meanwhile.
#[test]
fn timer_registered_racing_holder_park() {
    model(|| {
        let runtime = runtime(1);
        let handle = runtime.handle();
        let deadline = internals::time::instant(handle, HOUR_MS);
        let mut sleep = {
            let _entered = runtime.enter();
            Box::pin(corio::time::sleep_until(deadline))
        };
        let (waker, wakes) = CountingWaker::new();
        let polled = sleep.as_mut().poll(&mut Context::from_waker(&waker));
        assert_eq!(polled, Poll::Pending);
        wait_for_rest(handle, 1);
        let timeout = wait_for_driver_sleeper(handle);
        assert_eq!(internals::timer_holder(handle), Some(0));
        assert!(
            timeout.is_some(),
            "the timer holder sleeps with no timeout while a timer is pending: it missed the \
             registration's new deadline"
        );
        assert_eq!(wakes.wakes(), 0);
        drop(sleep);
    });
}

/// A deadline an hour after the runtime started: the real clock never reaches it while a model
/// runs, so only the model decides when it is due.
const HOUR_MS: u64 = 3_600_000;

/// Waits (yielding to loom) until a thread sleeps in the driver with no notify pending, and
/// returns the timeout it sleeps with.
fn wait_for_driver_sleeper(handle: &corio::Handle) -> Option<Duration> {
    loop {
        if let Some(timeout) = internals::driver_sleeper(handle) {
            return timeout;
        }
        thread::yield_now();
    }
}
