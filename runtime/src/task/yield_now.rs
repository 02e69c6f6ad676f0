//! `yield_now`: let other tasks run.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields to the scheduler: the task is queued behind the tasks already waiting on its worker and
/// resumes after them.
///
/// A task woken by itself during its poll never goes to the LIFO slot, so a loop of `yield_now`
/// cannot starve the other tasks of its worker.
///
/// # Examples
///
/// ```
/// corio::run(async {
///     for _ in 0..3 {
///         corio::task::yield_now().await;
///     }
/// });
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
