//! `CorioTimer`: hyper's `rt::Timer` as corio sleeps, and `rt::Sleep` for `corio::time::Sleep`.

use std::pin::Pin;
use std::time::{Duration, Instant};

use ::hyper::rt::{Sleep as HyperSleep, Timer};

use crate::time::{self, Sleep};

/// hyper's timeouts on corio's timer wheel: `hyper::rt::Timer` for corio.
///
/// Give it to a hyper builder (`.timer(CorioTimer::new())`) to enable what needs time: the HTTP/1
/// server's `header_read_timeout` (on by default in hyper, and a panic without a timer), keep-alive
/// and HTTP/2 ping timeouts. Each sleep is a [`corio::time::Sleep`](Sleep), boxed once; `reset`
/// moves it in place instead of allocating a new one.
///
/// A sleep belongs to the runtime current where hyper creates it (or, failing that, where it is
/// first polled), like [`corio::time::sleep`](time::sleep): hyper creates and polls its sleeps
/// inside the connection future, so that is the runtime driving the connection.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// use hyper::rt::Timer;
///
/// corio::run(async {
///     let timer = corio::compat::hyper::CorioTimer::new();
///     let start = Instant::now();
///     timer.sleep(Duration::from_millis(10)).await;
///     assert!(start.elapsed() >= Duration::from_millis(10));
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CorioTimer {
    _private: (),
}

impl CorioTimer {
    /// The timer: there is one timer wheel per runtime, so there is nothing to configure.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = hyper::server::conn::http1::Builder::new()
    ///     .timer(corio::compat::hyper::CorioTimer::new())
    ///     .clone();
    /// # drop(builder);
    /// ```
    pub fn new() -> CorioTimer {
        CorioTimer { _private: () }
    }
}

impl Timer for CorioTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn HyperSleep>> {
        Box::pin(time::sleep(duration))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn HyperSleep>> {
        Box::pin(time::sleep_until(deadline))
    }

    /// Moves a corio sleep to `new_deadline` in place (no allocation, the timer entry is re-linked
    /// in its wheel); a sleep of any other timer is replaced by a corio sleep.
    fn reset(&self, sleep: &mut Pin<Box<dyn HyperSleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<Sleep>() {
            Some(ours) => ours.reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// A corio sleep is a hyper sleep: `Send + Sync`, completes once its deadline has passed.
impl HyperSleep for Sleep {}
