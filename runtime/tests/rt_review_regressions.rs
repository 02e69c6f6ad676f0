//! Regressions for bugs a review of the concurrency core found; each test names the property it
//! protects. (The review's reproductions were longer stress runs; these are bounded versions.)

use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, RawWaker, RawWakerVTable, Waker};
use std::time::{Duration, Instant};

/// Runs `f` on a thread of its own and fails the test if it does not return within `limit`.
fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}"))
}

/// A busy worker's non-blocking look at the I/O driver must not eat the notification meant for
/// the parked driver holder: after a stretch of remote spawns racing parks, a fresh spawn runs and
/// the runtime shuts down.
#[test]
fn driver_notify_is_never_lost_to_a_busy_worker() {
    for _ in 0..20 {
        let rt = corio::Runtime::builder()
            .worker_threads(2)
            .event_interval(1)
            .build()
            .unwrap();
        let (a, _b) = UnixStream::pair().unwrap();
        let source = {
            let _enter = rt.enter();
            corio::io::Async::new(a).unwrap()
        };
        let until = Instant::now() + Duration::from_millis(40);
        while Instant::now() < until {
            rt.spawn(async {});
            let gap = Instant::now();
            while gap.elapsed() < Duration::from_micros(40) {
                std::hint::spin_loop();
            }
        }
        std::thread::sleep(Duration::from_millis(5));
        let (tx, rx) = mpsc::channel();
        rt.spawn(async move {
            let _ = tx.send(());
        });
        assert!(
            rx.recv_timeout(Duration::from_secs(5)).is_ok(),
            "a task spawned on an idle runtime never ran"
        );
        drop(source);
        within(Duration::from_secs(5), "dropping the runtime", move || {
            drop(rt)
        });
    }
}

/// Shutdown cancels tasks before it waits for blocking threads: a blocking job draining a channel
/// whose senders live in tasks finishes once the tasks are cancelled, so the drop returns.
#[test]
fn shutdown_cancels_tasks_before_waiting_for_blocking_jobs() {
    within(Duration::from_secs(10), "dropping the runtime", || {
        let rt = corio::Runtime::new().unwrap();
        let (tx, rx) = mpsc::channel::<u32>();
        let drained = rt.spawn_blocking(move || rx.iter().count());
        rt.spawn(async move {
            tx.send(1).unwrap();
            std::future::pending::<()>().await;
            drop(tx);
        });
        std::thread::sleep(Duration::from_millis(20));
        drop(rt);
        drop(drained);
    });
}

/// `block_in_place` and `block_on` run outside the task's cooperative budget: a task that spent
/// its whole budget can still `block_on` a timer inside `block_in_place`.
#[test]
fn block_in_place_does_not_inherit_a_spent_budget() {
    let rt = corio::Runtime::builder().worker_threads(2).build().unwrap();
    let done = rt.block_on(async {
        corio::spawn(async {
            for _ in 0..200 {
                corio::time::sleep(Duration::ZERO).await;
            }
            let handle = corio::Handle::current();
            within(
                Duration::from_secs(5),
                "block_on inside block_in_place",
                move || {
                    corio::task::block_in_place(|| {
                        handle.block_on(corio::time::sleep(Duration::from_millis(1)));
                    })
                },
            );
            true
        })
        .await
    });
    assert!(done.unwrap());
}

/// A timeout ends a future that is always ready (and so always spends the budget).
#[test]
fn timeout_ends_an_always_ready_future() {
    let rt = corio::Runtime::builder().worker_threads(1).build().unwrap();
    let outcome = within(Duration::from_secs(5), "the timeout", move || {
        rt.block_on(async {
            corio::spawn(async {
                corio::time::timeout(Duration::from_millis(30), async {
                    loop {
                        corio::time::sleep(Duration::ZERO).await;
                    }
                })
                .await
            })
            .await
        })
    });
    assert!(outcome.unwrap().is_err());
}

static PANICKY_WAKES: AtomicUsize = AtomicUsize::new(0);

fn panicky_waker() -> Waker {
    fn clone(data: *const ()) -> RawWaker {
        RawWaker::new(data, &VTABLE)
    }
    fn wake(_: *const ()) {
        PANICKY_WAKES.fetch_add(1, Ordering::SeqCst);
        panic!("a user's waker panics");
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, noop);
    // SAFETY: the vtable's functions ignore the data pointer; every one is sound for any pointer.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// A user's waker that panics when the I/O driver wakes it does not kill the worker: timers and
/// new tasks keep working afterwards.
#[test]
fn a_panicking_io_waker_does_not_kill_the_driver() {
    std::panic::set_hook(Box::new(|_| {}));
    let rt = corio::Runtime::builder().worker_threads(1).build().unwrap();
    let (a, mut b) = UnixStream::pair().unwrap();
    let source = {
        let _enter = rt.enter();
        corio::io::Async::new(a).unwrap()
    };
    let waker = panicky_waker();
    let polled = source.poll_readable(&mut Context::from_waker(&waker));
    assert!(polled.is_pending());
    std::io::Write::write_all(&mut b, b"x").unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while PANICKY_WAKES.load(Ordering::SeqCst) == 0 {
        assert!(
            Instant::now() < deadline,
            "the driver never woke the waiter"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let alive = Arc::new(AtomicBool::new(false));
    let flag = alive.clone();
    let ran = within(
        Duration::from_secs(5),
        "a timer after the panic",
        move || {
            rt.block_on(async move {
                corio::spawn(async move {
                    corio::time::sleep(Duration::from_millis(5)).await;
                    flag.store(true, Ordering::SeqCst);
                })
                .await
            })
        },
    );
    assert!(ran.is_ok() && alive.load(Ordering::SeqCst));
    drop(source);
}
