//! `timeout`: bound how long a future may take.

use super::elapsed::Elapsed;
use super::sleep::{far_future, sleep_until, Sleep};
use pin_project_lite::pin_project;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Runs `future` but gives up after `duration`: `Ok(output)` if it finished in time,
/// `Err(Elapsed)` otherwise (the future is then dropped with the `Timeout`).
///
/// The future is polled before the timer is checked, so a future that is ready at once wins even
/// with a zero duration.
///
/// # Panics
///
/// Polling panics if there is no corio runtime (see [`sleep_until`](super::sleep_until)).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use corio::time::{sleep, timeout};
///
/// corio::run(async {
///     assert_eq!(timeout(Duration::from_secs(5), async { 7 }).await, Ok(7));
///     assert!(timeout(Duration::from_millis(5), sleep(Duration::from_secs(5))).await.is_err());
/// });
/// ```
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    let now = Instant::now();
    timeout_at(
        now.checked_add(duration).unwrap_or_else(|| far_future(now)),
        future,
    )
}

/// Like [`timeout`], with a deadline instead of a duration.
///
/// # Panics
///
/// Polling panics if there is no corio runtime.
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        future: future.into_future(),
        sleep: sleep_until(deadline),
    }
}

pin_project! {
    /// The future returned by [`timeout`]: `Send` when the inner future is.
    #[must_use = "a Timeout does nothing unless awaited"]
    #[derive(Debug)]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        #[pin]
        sleep: Sleep,
    }
}

impl<F> Timeout<F> {
    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The inner future, mutably.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }

    /// Gives up the timeout and returns the inner future.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // Unbudgeted: an always-ready inner future may have spent the task's budget, and the
        // deadline must still end it.
        this.sleep.poll_elapsed(cx).map(|()| Err(Elapsed::new()))
    }
}
