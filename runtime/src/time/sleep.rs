//! `Sleep`: a future that completes at a deadline — `asyncio.sleep` for corio.

use super::entry::TimerNode;
use super::timers::Registered;
use crate::runtime::{context, Handle};
use crate::scheduler::Shared;
use crate::task::coop;
use pin_project_lite::pin_project;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

/// Waits until `duration` has passed.
///
/// The wait never ends early; it ends within about a millisecond after the deadline on an idle
/// runtime (the wheel's resolution is 1 ms; a worker that is idle anyway fires the timers whose
/// exact deadlines it sees passed without waiting for their tick). No allocation: the timer entry
/// lives inside the returned [`Sleep`], which registers on its first poll and unregisters when
/// dropped.
///
/// # Panics
///
/// The first poll panics if there is no corio runtime (see [`sleep_until`]).
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// corio::run(async {
///     let start = Instant::now();
///     corio::time::sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    let now = Instant::now();
    sleep_until(now.checked_add(duration).unwrap_or_else(|| far_future(now)))
}

/// Waits until `deadline`. A deadline in the past completes on the first poll.
///
/// The `Sleep` belongs to the runtime current where it is created, or else to the one current
/// where it is first polled (so `runtime.block_on(sleep(d))` works from outside).
///
/// # Panics
///
/// The first poll panics if there is no corio runtime either way.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(Handle::try_current().ok(), deadline)
}

/// About 30 years from `now`: the stand-in for a deadline `Instant` cannot represent.
pub(crate) fn far_future(now: Instant) -> Instant {
    const THIRTY_YEARS: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    now.checked_add(THIRTY_YEARS).unwrap_or(now)
}

pin_project! {
    /// The future returned by [`sleep`] and [`sleep_until`].
    ///
    /// `Send + Sync`; `!Unpin` (its timer entry is linked into a wheel by address): pin it with
    /// `std::pin::pin!` or `Box::pin` to poll it by hand or to `reset` it.
    #[must_use = "a Sleep does nothing unless awaited"]
    pub struct Sleep {
        // The runtime whose wheels hold the entry; set at creation or first poll.
        handle: Option<Handle>,
        deadline: Instant,
        #[pin]
        node: TimerNode,
    }

    impl PinnedDrop for Sleep {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(handle) = this.handle {
                handle.inner.timers.deregister(&this.node);
            }
        }
    }
}

impl Sleep {
    pub(crate) fn new(handle: Option<Handle>, deadline: Instant) -> Sleep {
        Sleep {
            handle,
            deadline,
            node: TimerNode::new(),
        }
    }

    /// The instant this sleep completes at, exactly as given.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed: the timer fired, or the deadline is behind the clock.
    pub fn is_elapsed(&self) -> bool {
        self.node.is_fired() || Instant::now() >= self.deadline
    }

    /// Moves the deadline (earlier or later), even after the sleep completed: it then waits again.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// corio::run(async {
    ///     let mut sleep = std::pin::pin!(corio::time::sleep(Duration::from_secs(3600)));
    ///     let soon = Instant::now() + Duration::from_millis(10);
    ///     sleep.as_mut().reset(soon);
    ///     sleep.as_mut().await;
    ///     assert_eq!(sleep.deadline(), soon);
    ///     assert!(Instant::now() >= soon);
    /// });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project();
        *this.deadline = deadline;
        let Some(handle) = this.handle.as_ref().filter(|_| this.node.owner().is_some()) else {
            // Not registered yet: the first poll registers with the new deadline.
            return;
        };
        let shared = &handle.inner;
        let deadline = shared.timers.deadline(deadline);
        // SAFETY: the node is pinned inside this `Sleep`, registered, and deregistered in its
        // drop before it is freed.
        let registered = unsafe { shared.timers.reset(&this.node, deadline) };
        note_registered(shared, registered);
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A ready timer spends a unit of the task's cooperative budget, like ready I/O.
        ready!(coop::poll_proceed(cx));
        let polled = self.poll_elapsed(cx);
        if polled.is_ready() {
            coop::spend();
        }
        polled
    }
}

impl Sleep {
    /// Polls the timer without touching the cooperative budget (for `Timeout`, whose inner future
    /// may have spent it: the deadline must still be seen).
    pub(crate) fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        let node: &TimerNode = &this.node;
        if node.is_fired() {
            return Poll::Ready(());
        }
        if node.owner().is_some() {
            node.register_waker(cx.waker());
            // Re-check after registering: a firing between the two checks took the old waker.
            if node.is_fired() && !crate::loom::mutant("timer_poll_skips_recheck") {
                return Poll::Ready(());
            }
            return Poll::Pending;
        }
        // First poll: a deadline already passed needs no timer.
        if Instant::now() >= *this.deadline {
            return Poll::Ready(());
        }
        let handle = this
            .handle
            .get_or_insert_with(|| match Handle::try_current() {
                Ok(handle) => handle,
                Err(err) => panic!("corio::time::Sleep polled outside a runtime: {err}"),
            });
        let shared = &handle.inner;
        let wheel = context::with_worker(|worker| match worker {
            Some(worker) if crate::loom::sync::Arc::ptr_eq(&worker.shared, shared) => worker.index,
            _ => shared.timers.shared_wheel(),
        });
        node.register_waker(cx.waker());
        let deadline = shared.timers.deadline(*this.deadline);
        // SAFETY: the node is pinned inside this `Sleep`, not linked yet, and deregistered in its
        // drop before it is freed.
        let registered = unsafe { shared.timers.register(wheel, node, deadline) };
        let fired = matches!(registered, Registered::Fired);
        note_registered(shared, registered);
        if fired {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Tells the parked timer holder about a new earliest deadline.
fn note_registered(shared: &Shared, registered: Registered) {
    if let Registered::Linked { earliest: true } = registered {
        shared.timer_deadline_lowered();
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("elapsed", &self.is_elapsed())
            .finish()
    }
}
