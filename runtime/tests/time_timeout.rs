//! `timeout`: `Ok(output)` when the future finishes first, `Err(Elapsed)` when the deadline
//! passes first (never before it), with the inner future dropped exactly once either way; a ready
//! future wins even against a zero or past deadline; a never-ready future times out; far
//! deadlines do not panic; `Timeout` is `Send` and works inside `spawn` and `block_on`.
//!
//! Every test runs on one worker and on four (`support::rt_test!`).

mod support;

use std::future::{pending, ready, Future};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use corio::time::error::Elapsed;
use corio::time::{sleep, timeout, timeout_at, Timeout};
use support::{rt_test, Counter, PATIENCE};

// `Timeout<F>` is `Send` (and `Sync`) when `F` is; `Elapsed` is a plain error value.
const _: () = {
    const fn send<T: Send>() {}
    const fn send_sync<T: Send + Sync>() {}
    const fn error<T: std::error::Error + Send + Sync + Copy + 'static>() {}
    send::<Timeout<std::future::Pending<()>>>();
    send_sync::<Timeout<corio::time::Sleep>>();
    error::<Elapsed>();
};

/// Runs `fut` as a spawned task and returns its output, re-raising its panic.
fn on_worker<F>(rt: &corio::Runtime, fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match rt.block_on(rt.spawn(fut)) {
        Ok(output) => output,
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
}

/// A future that is pending forever and counts its drops.
async fn pending_counting_drop(drops: &Counter) {
    let _guard = drops.guard();
    pending::<()>().await;
}

rt_test! {
    fn future_first_gives_ok() {
        let rt = rt();
        on_worker(&rt, async {
            let out = timeout(Duration::from_secs(10), async {
                sleep(Duration::from_millis(10)).await;
                7
            })
            .await;
            assert_eq!(out, Ok(7));
        });
        let out = rt.block_on(timeout(Duration::from_secs(10), sleep(Duration::from_millis(10))));
        assert_eq!(out, Ok(()));
    }

    fn deadline_first_gives_elapsed_no_earlier_than_the_deadline() {
        let rt = rt();
        on_worker(&rt, async {
            let start = Instant::now();
            let out = timeout(Duration::from_millis(20), sleep(Duration::from_secs(10))).await;
            assert!(matches!(out, Err(Elapsed { .. })));
            assert!(start.elapsed() >= Duration::from_millis(20));
            assert!(start.elapsed() < PATIENCE, "the 10 s sleep was awaited to its end");
        });
        let at = Instant::now() + Duration::from_millis(20);
        let out = rt.block_on(timeout_at(at, sleep(Duration::from_secs(10))));
        assert!(out.is_err());
        assert!(Instant::now() >= at);
    }

    fn never_ready_future_times_out() {
        let rt = rt();
        let drops = Counter::new();
        let d = drops.clone();
        on_worker(&rt, async move {
            let at = Instant::now() + Duration::from_millis(20);
            let out = timeout_at(at, pending_counting_drop(&d)).await;
            assert!(out.is_err());
            assert!(Instant::now() >= at);
            // `timeout` consumed (and dropped) the inner future.
            assert_eq!(d.get(), 1);
        });
        assert_eq!(drops.get(), 1, "the inner future is dropped exactly once");
        let out = rt.block_on(timeout(Duration::from_millis(20), pending::<u8>()));
        assert!(out.is_err());
    }

    fn ready_future_wins_against_zero_and_past_deadlines() {
        let rt = rt();
        on_worker(&rt, async {
            assert_eq!(timeout(Duration::ZERO, ready(5)).await, Ok(5));
            assert_eq!(timeout(Duration::ZERO, async { 6 }).await, Ok(6));
            let past = Instant::now();
            std::thread::sleep(Duration::from_millis(2));
            assert_eq!(timeout_at(past, ready(7)).await, Ok(7));
            // But a pending one loses at once.
            assert!(timeout(Duration::ZERO, pending::<()>()).await.is_err());
            assert!(timeout_at(past, sleep(Duration::from_secs(10))).await.is_err());
        });
        assert_eq!(rt.block_on(timeout(Duration::ZERO, ready(8))), Ok(8));
        assert!(rt.block_on(timeout(Duration::ZERO, pending::<()>())).is_err());
    }

    /// Polled by hand: a zero timeout around a ready future is ready on the first poll, without
    /// any timer.
    fn zero_timeout_is_ready_on_first_poll() {
        let rt = rt();
        on_worker(&rt, async {
            let mut t = pin!(timeout(Duration::ZERO, ready(1)));
            let mut cx = Context::from_waker(Waker::noop());
            assert_eq!(t.as_mut().poll(&mut cx), Poll::Ready(Ok(1)));
            let mut t = pin!(timeout(Duration::ZERO, pending::<()>()));
            assert!(matches!(t.as_mut().poll(&mut cx), Poll::Ready(Err(_))));
        });
    }

    /// Both outcomes drop the inner future exactly once, the `Ok` one when the `Timeout` goes.
    fn inner_future_dropped_exactly_once() {
        let rt = rt();
        let drops = Counter::new();
        let d = drops.clone();
        on_worker(&rt, async move {
            let guard = d.guard();
            let out = timeout(Duration::from_secs(10), async move {
                let _guard = guard;
                sleep(Duration::from_millis(5)).await;
            })
            .await;
            assert!(out.is_ok());
            assert_eq!(d.get(), 1);

            let guard = d.guard();
            let out = timeout(Duration::from_millis(5), async move {
                let _guard = guard;
                sleep(Duration::from_secs(10)).await;
            })
            .await;
            assert!(out.is_err());
            assert_eq!(d.get(), 2);

            // Dropping a pending `Timeout` drops the inner future (and cancels the timer).
            let mut t = Box::pin(timeout(Duration::from_secs(1), pending_counting_drop(&d)));
            assert!(t.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
            drop(t);
            assert_eq!(d.get(), 3);
        });
        assert_eq!(drops.get(), 3);
    }

    /// The timeout races a value sent from another task or thread.
    fn timeout_around_a_channel() {
        let rt = rt();
        let (tx, rx) = futures_channel::oneshot::channel::<u32>();
        let handle = rt.handle().clone();
        let sender = std::thread::spawn(move || {
            handle.block_on(sleep(Duration::from_millis(10)));
            tx.send(42).unwrap();
        });
        let out = on_worker(&rt, timeout(PATIENCE, rx));
        assert_eq!(out, Ok(Ok(42)));
        sender.join().unwrap();

        let (_tx, rx) = futures_channel::oneshot::channel::<u32>();
        let out = on_worker(&rt, timeout(Duration::from_millis(20), rx));
        assert!(out.is_err(), "nothing was sent: the timeout elapses");
    }

    fn far_deadlines_do_not_panic() {
        let rt = rt();
        on_worker(&rt, async {
            assert_eq!(timeout(Duration::MAX, ready(1)).await, Ok(1));
            assert_eq!(timeout(Duration::MAX, sleep(Duration::from_millis(5))).await, Ok(()));
            let far = Instant::now() + Duration::from_secs(u64::from(u32::MAX));
            assert_eq!(timeout_at(far, ready(2)).await, Ok(2));
            let mut cx = Context::from_waker(Waker::noop());
            let mut t = Box::pin(timeout(Duration::MAX, pending::<()>()));
            assert!(t.as_mut().poll(&mut cx).is_pending());
            let mut u = Box::pin(timeout_at(far, pending::<()>()));
            assert!(u.as_mut().poll(&mut cx).is_pending());
            let mut days = Box::pin(timeout(Duration::from_secs(3 * 24 * 3600), pending::<()>()));
            assert!(days.as_mut().poll(&mut cx).is_pending());
            drop((t, u, days));
        });
        assert_eq!(rt.block_on(timeout(Duration::MAX, ready(3))), Ok(3));
    }

    fn accessors_reach_the_inner_future() {
        let rt = rt();
        on_worker(&rt, async {
            let mut t = timeout(Duration::from_secs(1), ready(9));
            assert!(format!("{:?}", t.get_ref()).contains("Ready"));
            assert!(format!("{:?}", t.get_mut()).contains("Ready"));
            assert_eq!(t.into_inner().await, 9);
        });
    }

    /// Many timeouts at once, half of them winning and half elapsing.
    fn many_timeouts_inside_spawn() {
        let rt = rt();
        let tasks: Vec<_> = (0..200u32)
            .map(|i| {
                rt.spawn(async move {
                    let (fast, slow) = (Duration::from_millis(5), Duration::from_secs(10));
                    let (limit, work) = if i % 2 == 0 { (slow, fast) } else { (fast, slow) };
                    (i, timeout(limit, sleep(work)).await.is_ok())
                })
            })
            .collect();
        for task in tasks {
            let (i, ok) = rt.block_on(task).unwrap();
            assert_eq!(ok, i % 2 == 0, "timeout #{i}");
        }
    }
}

#[test]
fn elapsed_displays_and_converts() {
    let rt = support::runtime(1);
    let err = rt
        .block_on(timeout(Duration::ZERO, pending::<()>()))
        .unwrap_err();
    assert_eq!(err.to_string(), "deadline has elapsed");
    assert!(format!("{err:?}").contains("Elapsed"));
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.source().is_none());
    let _shared: Arc<dyn std::error::Error + Send + Sync> = Arc::new(err);
}
