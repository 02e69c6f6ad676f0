//! `WorkerParker`: how a worker sleeps — on its condition variable, or, as the driver holder, in
//! the I/O poller — and how another thread wakes it either way.
//!
//! ```text
//! EMPTY --park--> PARKED_CONDVAR --unpark--> NOTIFIED --(parker wakes)--> EMPTY
//! EMPTY --park_driver--> PARKED_DRIVER --unpark: Poller::notify--> NOTIFIED --> EMPTY
//! ```
//!
//! An `unpark` that comes first leaves NOTIFIED behind, so the next park returns at once: no wake-up
//! is lost. The condvar path takes the mutex before notifying, so the notify cannot slip in
//! between the parker's state change and its wait.

use crate::io::driver::Driver;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Condvar, Mutex};
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

pub(crate) struct WorkerParker {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

impl WorkerParker {
    pub(crate) fn new() -> WorkerParker {
        WorkerParker {
            state: AtomicUsize::new(EMPTY),
            mutex: Mutex::new(()),
            condvar: Condvar::new(),
        }
    }

    /// Consumes a pending notification. Acquire: pairs with `unpark`'s release, so the woken worker
    /// sees what its waker published (a queued task, a shutdown flag).
    fn take_notification(&self) -> bool {
        self.state
            .compare_exchange(NOTIFIED, EMPTY, Acquire, Relaxed)
            .is_ok()
    }

    /// Sleeps on the condition variable until unparked.
    pub(crate) fn park(&self) {
        if self.take_notification() {
            return;
        }
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, Relaxed, Relaxed)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Acquire: as in `take_notification` (the failed exchange was Relaxed).
                self.state.swap(EMPTY, Acquire);
                return;
            }
            Err(state) => unreachable!("a corio worker parked twice (parker state {state})"),
        }
        loop {
            guard = self.condvar.wait(guard);
            if self.take_notification() {
                return;
            }
            // A spurious wake-up: keep sleeping.
        }
    }

    /// Sleeps in the I/O driver for at most `timeout` (`None`: until an event or an unpark) and
    /// dispatches the events. Returns how many sources became ready.
    pub(crate) fn park_driver(&self, driver: &Driver, timeout: Option<Duration>) -> usize {
        if self.take_notification() {
            return 0;
        }
        if self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, Relaxed, Relaxed)
            .is_err()
        {
            // Notified between the two steps.
            self.take_notification();
            return 0;
        }
        // Under the turn lock: block only if no unpark has come yet (see `Driver::turn`).
        let ready = driver.turn(timeout, || self.state.load(Acquire) == PARKED_DRIVER);
        // Back to EMPTY, consuming a notification that came while waiting. Acquire: as above.
        self.state.swap(EMPTY, Acquire);
        ready
    }

    /// Models only: the state's name, to check that a parker comes to rest.
    #[cfg(corio_loom)]
    pub(crate) fn state_name(&self) -> &'static str {
        match self.state.load(Acquire) {
            EMPTY => "EMPTY",
            PARKED_CONDVAR => "PARKED_CONDVAR",
            PARKED_DRIVER => "PARKED_DRIVER",
            _ => "NOTIFIED",
        }
    }

    /// Wakes the worker, wherever it sleeps; remembered if it is not asleep yet.
    pub(crate) fn unpark(&self, driver: &Driver) {
        // Release: publishes what the waker did before, for the parker's acquire.
        match self.state.swap(NOTIFIED, Release) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the mutex waits until the parker is inside `wait`, so the notify lands.
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            PARKED_DRIVER if crate::loom::mutant("parker_driver_no_notify") => {}
            PARKED_DRIVER => driver.notify(),
            state => unreachable!("corio parker state {state}"),
        }
    }
}
