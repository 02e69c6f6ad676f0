//! Panics inside tasks: caught at the poll boundary, reported through `JoinError` with their
//! payload, and never fatal to a worker — including panics raised while a future is dropped.

mod support;

use std::thread;
use std::time::Duration;

use corio::task::{yield_now, JoinError};
use support::{
    panic_message, quiet_panics, rt_test, wait_until, Counter, Flag, Intentional, INTENTIONAL,
};

/// Counts its drop, then panics.
struct PanicOnDrop(Counter);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        self.0.incr();
        panic!("{INTENTIONAL}: in Drop");
    }
}

/// Proves every worker still takes work: spawns plenty of tasks that each park their worker
/// briefly, so all workers must pick some up, and checks they all complete.
fn assert_runtime_healthy(rt: &corio::Runtime, workers: usize) {
    assert_eq!(rt.metrics().num_workers(), workers);
    let handles: Vec<_> = (0..4 * workers)
        .map(|i| {
            rt.spawn(async move {
                thread::sleep(Duration::from_millis(2));
                yield_now().await;
                i
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(rt.block_on(h).unwrap(), i);
    }
}

rt_test! {
    fn str_payload_reaches_join_handle() {
        quiet_panics();
        let rt = rt();
        let err: JoinError = rt
            .block_on(rt.spawn(async {
                panic!("intentional panic: boom");
            }))
            .unwrap_err();
        assert!(err.is_panic());
        assert!(!err.is_cancelled());
        assert!(err.to_string().to_lowercase().contains("panic"), "{err}");
        assert!(!format!("{err:?}").is_empty());
        let payload = err.into_panic();
        assert_eq!(*payload.downcast::<&str>().unwrap(), "intentional panic: boom");
    }

    fn formatted_payload_is_a_string() {
        quiet_panics();
        let rt = rt();
        let err = rt
            .block_on(rt.spawn(async {
                yield_now().await;
                let n = 7;
                panic!("{INTENTIONAL} number {n}");
            }))
            .unwrap_err();
        assert!(err.is_panic());
        let payload = err.into_panic();
        assert_eq!(*payload.downcast::<String>().unwrap(), format!("{INTENTIONAL} number 7"));
    }

    fn custom_payload_round_trips() {
        quiet_panics();
        let rt = rt();
        let err = rt
            .block_on(rt.spawn(async { std::panic::panic_any(Intentional(99)) }))
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(*err.into_panic().downcast::<Intentional>().unwrap(), Intentional(99));
    }

    fn join_error_is_an_error() {
        quiet_panics();
        let rt = rt();
        let err = rt.block_on(rt.spawn(async { panic!("{INTENTIONAL}") })).unwrap_err();
        let boxed: Box<dyn std::error::Error + Send> = Box::new(err);
        assert!(!boxed.to_string().is_empty());
    }

    fn thousand_panics_then_runtime_works() {
        quiet_panics();
        let rt = rt();
        let handles: Vec<_> = (0..1000u32)
            .map(|i| {
                rt.spawn(async move {
                    if i % 2 == 0 {
                        yield_now().await;
                    }
                    panic!("{INTENTIONAL} #{i}");
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            let err = rt.block_on(h).unwrap_err();
            assert!(err.is_panic(), "task {i}: {err}");
            let msg = panic_message(&*err.into_panic());
            assert_eq!(msg, format!("{INTENTIONAL} #{i}"));
        }
        assert_runtime_healthy(&rt, WORKERS);
    }

    fn panics_mixed_with_successes() {
        quiet_panics();
        let rt = rt();
        let handles: Vec<_> = (0..500u32)
            .map(|i| {
                rt.spawn(async move {
                    yield_now().await;
                    if i % 3 == 0 {
                        panic!("{INTENTIONAL}");
                    }
                    i
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            match rt.block_on(h) {
                Ok(v) => assert_eq!(v as usize, i),
                Err(e) => {
                    assert_eq!(i % 3, 0);
                    assert!(e.is_panic());
                }
            }
        }
    }

    fn panic_in_spawn_blocking_is_caught() {
        quiet_panics();
        let rt = rt();
        let err = rt
            .block_on(rt.spawn_blocking(|| -> u8 { panic!("{INTENTIONAL}: blocking") }))
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(panic_message(&*err.into_panic()), format!("{INTENTIONAL}: blocking"));
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 3)).unwrap(), 3);
    }

    fn drop_panic_when_aborted_is_caught() {
        quiet_panics();
        let rt = rt();
        let dropped = Counter::new();
        let started = Flag::new();
        let guard = PanicOnDrop(dropped.clone());
        let s = started.clone();
        let jh = rt.spawn(async move {
            let _guard = guard;
            s.set();
            std::future::pending::<()>().await;
        });
        wait_until("the task started", || started.is_set());
        jh.abort();
        let err = rt.block_on(jh).unwrap_err();
        // Whether the runtime reports this as the cancellation or as the panic in Drop, the
        // panic must not escape and the future is dropped once.
        assert!(err.is_cancelled() || err.is_panic(), "{err}");
        assert_eq!(dropped.get(), 1);
        assert_runtime_healthy(&rt, WORKERS);
    }

    fn drop_panic_at_completion_is_caught() {
        quiet_panics();
        let rt = rt();
        let dropped = Counter::new();
        let guard = PanicOnDrop(dropped.clone());
        let err = rt
            .block_on(rt.spawn(async move {
                let _guard = guard;
                yield_now().await;
                1
            }))
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(dropped.get(), 1);
        assert_runtime_healthy(&rt, WORKERS);
    }

    fn drop_panic_at_shutdown_is_contained() {
        quiet_panics();
        let rt = rt();
        let dropped = Counter::new();
        let started = Counter::new();
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let guard = PanicOnDrop(dropped.clone());
                let started = started.clone();
                rt.spawn(async move {
                    let _guard = guard;
                    started.incr();
                    std::future::pending::<()>().await;
                })
            })
            .collect();
        wait_until("all tasks started", || started.get() == 8);
        let dropping = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(rt)));
        assert!(dropping.is_ok(), "a panic in a future's Drop escaped Runtime::drop");
        assert_eq!(dropped.get(), 8);
        for h in handles {
            let err = support::block_on_local(h).unwrap_err();
            assert!(err.is_cancelled() || err.is_panic(), "{err}");
        }
    }

    fn panic_after_storing_waker() {
        quiet_panics();
        let rt = rt();
        let (tx, rx) = std::sync::mpsc::channel();
        let err = rt
            .block_on(rt.spawn(std::future::poll_fn(move |cx| -> std::task::Poll<()> {
                tx.send(cx.waker().clone()).unwrap();
                panic!("{INTENTIONAL}");
            })))
            .unwrap_err();
        assert!(err.is_panic());
        let waker = rx.recv().unwrap();
        waker.wake_by_ref();
        waker.wake();
        assert_runtime_healthy(&rt, WORKERS);
    }
}

#[test]
fn panic_on_the_only_worker_keeps_it_alive() {
    quiet_panics();
    let _w = support::Watchdog::new("panic_on_the_only_worker_keeps_it_alive");
    let rt = support::runtime(1);
    for i in 0..100 {
        let err = rt
            .block_on(rt.spawn(async move {
                panic!("{INTENTIONAL} {i}");
            }))
            .unwrap_err();
        assert!(err.is_panic());
        // If the panic had killed the only worker, this would never complete.
        assert_eq!(rt.block_on(rt.spawn(async move { i })).unwrap(), i);
    }
}
