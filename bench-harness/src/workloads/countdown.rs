//! [`Countdown`]: "tell me when the last of N tasks is done", the same on every runtime.
//!
//! An atomic counter plus a `futures_channel::oneshot`: every finishing task ticks the counter, and
//! the tick that takes it to zero fires the oneshot. The waiting side awaits the receiver in
//! `block_on`, so it costs one wake-up per iteration, not one per task. The lock around the sender is
//! taken exactly once per iteration, by the last tick.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_channel::oneshot;

/// Counts `n` finishing tasks down to zero, then fires a oneshot.
pub struct Countdown {
    total: usize,
    remaining: AtomicUsize,
    done: Mutex<Option<oneshot::Sender<()>>>,
}

impl Countdown {
    /// A countdown from `n` and the receiver that resolves when it reaches zero.
    ///
    /// The receiver resolves to `Err(Canceled)` if every clone of the countdown is dropped first
    /// (tasks dropped without running), so a lost task shows up as an error, not a hang.
    ///
    /// # Panics
    ///
    /// If `n` is zero: nothing would ever fire the oneshot.
    pub fn new(n: usize) -> (Arc<Countdown>, oneshot::Receiver<()>) {
        assert!(n > 0, "a countdown needs at least one task");
        let (tx, rx) = oneshot::channel();
        let countdown = Countdown {
            total: n,
            remaining: AtomicUsize::new(n),
            done: Mutex::new(Some(tx)),
        };
        (Arc::new(countdown), rx)
    }

    /// One task finished. The tick that reaches zero fires the oneshot.
    pub fn tick(&self) {
        // AcqRel: every tick releases the work its task did; the last tick acquires all of them (the
        // fetch_subs form one release sequence) before it fires the oneshot.
        let before = self.remaining.fetch_sub(1, Ordering::AcqRel);
        assert!(before > 0, "countdown ticked more times than it had tasks");
        if before == 1 {
            let tx = self.done.lock().expect("countdown lock poisoned").take();
            if let Some(tx) = tx {
                // The waiter may have given up (a test timed out); nothing to report to then.
                let _ = tx.send(());
            }
        }
    }

    /// How many tasks have ticked so far.
    pub fn completed(&self) -> usize {
        self.total - self.remaining.load(Ordering::Acquire)
    }
}
