//! [`poll_once`]: poll a future exactly once with the task's own context, and report whether it was
//! still pending. `timer_churn_armed` uses it so every timer is really registered with the runtime
//! (the first poll is where runtimes arm a timer) before it is dropped.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls `fut` once, in the calling task's context; resolves at once to `true` if `fut` was
/// pending (its waker registered), `false` if it completed.
pub fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> PollOnce<'_, F> {
    PollOnce { fut }
}

/// The future returned by [`poll_once`].
#[must_use = "futures do nothing unless awaited"]
pub struct PollOnce<'a, F: ?Sized> {
    fut: Pin<&'a mut F>,
}

impl<F: Future + ?Sized> Future for PollOnce<'_, F> {
    type Output = bool;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        Poll::Ready(self.fut.as_mut().poll(cx).is_pending())
    }
}
