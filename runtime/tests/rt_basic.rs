//! The entry points and the builder: values come back out of `run`, `block_on`, `spawn` and
//! `Handle`; every builder option is accepted and the observable ones take effect; the current
//! handle is visible exactly where it should be.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use corio::runtime::{Builder, TryCurrentError};
use corio::task::{gather, yield_now, JoinHandle};
use corio::{Handle, Runtime};
use futures_util::FutureExt;
use support::{panic_message, quiet_panics, rt_test, wait_until, Counter, Watchdog, INTENTIONAL};

rt_test! {
    fn block_on_returns_value() {
        let rt = rt();
        assert_eq!(rt.block_on(async { 40 + 2 }), 42);
        // The runtime is reusable after a block_on.
        assert_eq!(rt.block_on(async { "again" }), "again");
    }

    fn spawn_from_outside_returns_value() {
        let rt = rt();
        let jh = rt.spawn(async { String::from("hello") });
        assert_eq!(rt.block_on(jh).unwrap(), "hello");
    }

    fn spawn_inside_block_on_returns_value() {
        let rt = rt();
        let out = rt.block_on(async {
            let a = corio::spawn(async { 1u64 });
            let b = corio::task::spawn(async {
                yield_now().await;
                2u64
            });
            a.await.unwrap() + b.await.unwrap()
        });
        assert_eq!(out, 3);
    }

    fn runtime_spawn_blocking_returns_value() {
        let rt = rt();
        let jh = rt.spawn_blocking(|| vec![1, 2, 3]);
        assert_eq!(rt.block_on(jh).unwrap(), vec![1, 2, 3]);
    }

    fn handle_spawn_and_block_on_from_outside() {
        let rt = rt();
        let handle = rt.handle().clone();
        let jh = handle.spawn(async { 5 });
        assert_eq!(handle.block_on(jh).unwrap(), 5);
        let out = handle.block_on(async { corio::spawn(async { 6 }).await.unwrap() });
        assert_eq!(out, 6);
    }

    fn handle_from_other_threads() {
        let rt = rt();
        let handle = rt.handle().clone();
        let barrier = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8u32)
            .map(|i| {
                let handle = handle.clone();
                let barrier = barrier.clone();
                thread::spawn(move || {
                    barrier.wait();
                    let jh = handle.spawn(async move { i * 10 });
                    let spawned = handle.block_on(jh).unwrap();
                    let inline = handle.block_on(async move {
                        yield_now().await;
                        corio::spawn(async move { i + 1 }).await.unwrap()
                    });
                    (spawned, inline)
                })
            })
            .collect();
        for (i, t) in threads.into_iter().enumerate() {
            let i = i as u32;
            assert_eq!(t.join().unwrap(), (i * 10, i + 1));
        }
    }

    fn handle_current_inside_block_on_and_tasks() {
        let rt = rt();
        let out = rt.block_on(async {
            let handle = Handle::current();
            assert!(Handle::try_current().is_ok());
            handle
                .spawn(async {
                    // Inside a task the current handle is this runtime's.
                    let inner = Handle::current();
                    assert_eq!(inner.metrics().num_workers(), WORKERS);
                    inner.spawn(async { 9 }).await.unwrap()
                })
                .await
                .unwrap()
        });
        assert_eq!(out, 9);
    }

    fn current_handle_is_cleared_after_block_on() {
        let rt = rt();
        rt.block_on(async { assert!(Handle::try_current().is_ok()) });
        assert!(Handle::try_current().is_err(), "block_on leaked its context");
        quiet_panics();
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(async {
                panic!("{INTENTIONAL} in block_on");
            })
        }));
        assert!(panicked.is_err());
        assert!(Handle::try_current().is_err(), "a panicking block_on leaked its context");
    }

    fn block_on_panic_propagates_and_runtime_survives() {
        quiet_panics();
        let rt = rt();
        let payload = catch_unwind(AssertUnwindSafe(|| {
            rt.block_on(async {
                yield_now().await;
                panic!("{INTENTIONAL}: from block_on");
            })
        }))
        .unwrap_err();
        assert!(panic_message(&*payload).contains("from block_on"));
        assert_eq!(rt.block_on(rt.spawn(async { 3 })).unwrap(), 3);
    }

    fn thread_name_is_seen_in_tasks() {
        let rt = Runtime::builder()
            .worker_threads(WORKERS)
            .thread_name("corio-basic-name")
            .build()
            .unwrap();
        let names: Vec<Option<String>> = rt.block_on(async {
            let handles: Vec<JoinHandle<Option<String>>> = (0..32)
                .map(|_| {
                    corio::spawn(async {
                        yield_now().await;
                        thread::current().name().map(String::from)
                    })
                })
                .collect();
            let mut names = Vec::new();
            for h in handles {
                names.push(h.await.unwrap());
            }
            names
        });
        for name in names {
            assert_eq!(name.as_deref(), Some("corio-basic-name"));
        }
    }

    fn thread_stack_size_is_used() {
        // A frame of 3 MiB overflows the 2 MiB std default but fits in 16 MiB.
        #[inline(never)]
        fn big_frame() -> u8 {
            let mut buf = [0u8; 3 << 20];
            std::hint::black_box(&mut buf);
            buf[(3 << 20) - 1]
        }
        let rt = Runtime::builder()
            .worker_threads(WORKERS)
            .thread_stack_size(16 << 20)
            .build()
            .unwrap();
        let out = rt.block_on(rt.spawn(async { big_frame() })).unwrap();
        assert_eq!(out, 0);
    }

    fn on_thread_start_and_stop_are_paired() {
        let started = Counter::new();
        let stopped = Counter::new();
        let names = Arc::new(Mutex::new(Vec::new()));
        let rt = {
            let started = started.clone();
            let stopped = stopped.clone();
            let names = names.clone();
            Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .thread_name("corio-basic-hooks")
                .on_thread_start(move || {
                    started.incr();
                    let name = thread::current().name().map(String::from);
                    names.lock().unwrap().push(name);
                })
                .on_thread_stop(move || {
                    stopped.incr();
                })
                .build()
                .unwrap()
        };
        let out = rt.block_on(async {
            let hs: Vec<_> = (0..64).map(|i| corio::spawn(async move { i })).collect();
            let mut sum = 0;
            for h in hs {
                sum += h.await.unwrap();
            }
            sum
        });
        assert_eq!(out, (0..64).sum::<i32>());
        wait_until("every worker ran on_thread_start", || started.get() >= WORKERS);
        let on_named_threads = names
            .lock()
            .unwrap()
            .iter()
            .filter(|n| n.as_deref() == Some("corio-basic-hooks"))
            .count();
        assert!(
            on_named_threads >= WORKERS,
            "on_thread_start ran on {on_named_threads} threads named by thread_name, expected \
             at least {WORKERS}: {:?}",
            names.lock().unwrap()
        );
        drop(rt);
        wait_until("on_thread_stop ran once per started thread", || {
            stopped.get() == started.get()
        });
        assert_eq!(stopped.get(), started.get());
    }

    fn every_builder_option_is_accepted() {
        let rt = Runtime::builder()
            .worker_threads(WORKERS)
            .thread_name("corio-basic-opts")
            .thread_stack_size(4 << 20)
            .max_blocking_threads(3)
            .global_queue_interval(7)
            .event_interval(5)
            .on_thread_start(|| {})
            .on_thread_stop(|| {})
            .build()
            .unwrap();
        assert_eq!(rt.metrics().num_workers(), WORKERS);
        let out = rt.block_on(async {
            let mut total = 0;
            for i in 0..200 {
                total += corio::spawn(async move {
                    yield_now().await;
                    i
                })
                .await
                .unwrap();
            }
            total += corio::task::spawn_blocking(|| 1000).await.unwrap();
            total
        });
        assert_eq!(out, (0..200).sum::<i32>() + 1000);
    }

    fn join_and_select_macros() {
        let rt = rt();
        rt.block_on(async {
            let (a, b) = corio::join!(async { 1 }, corio::spawn(async { 2 }));
            assert_eq!((a, b.unwrap()), (1, 2));

            let mut ready = corio::spawn(async { 7 }).fuse();
            let mut never = std::future::pending::<u32>().fuse();
            let picked = corio::select! {
                r = ready => r.unwrap(),
                n = never => n,
            };
            assert_eq!(picked, 7);
        });
    }

    fn gather_returns_outputs_in_order() {
        let rt = rt();
        rt.block_on(async {
            let doubled = gather((0..50u32).map(|i| async move {
                if i % 3 == 0 {
                    yield_now().await;
                }
                i * 2
            }))
            .await;
            assert_eq!(doubled, (0..50).map(|i| i * 2).collect::<Vec<u32>>());

            let joined = gather((0..20u32).map(|i| corio::spawn(async move { i + 1 }))).await;
            let joined: Vec<u32> = joined.into_iter().map(Result::unwrap).collect();
            assert_eq!(joined, (1..=20).collect::<Vec<u32>>());
        });
    }

    fn join_handle_across_runtimes() {
        // A task on one runtime awaits a task of another: the JoinHandle's waker belongs to the
        // other runtime.
        let a = rt();
        let b = rt();
        let b_handle = b.handle().clone();
        let jh = a.spawn(async move {
            let inner = b_handle.spawn(async {
                yield_now().await;
                11
            });
            inner.await.unwrap() + 1
        });
        assert_eq!(a.block_on(jh).unwrap(), 12);
        assert_eq!(a.block_on(b.spawn(async { 13 })).unwrap(), 13);
    }

    fn many_runtimes_in_sequence() {
        for i in 0..20 {
            let rt = rt();
            assert_eq!(rt.block_on(rt.spawn(async move { i })).unwrap(), i);
        }
    }
}

#[test]
fn run_returns_value() {
    let _w = Watchdog::new("run_returns_value");
    assert_eq!(corio::run(async { 40 + 2 }), 42);
    let out = corio::run(async {
        let h = corio::spawn(async { 20 });
        h.await.unwrap() + corio::task::spawn_blocking(|| 1).await.unwrap()
    });
    assert_eq!(out, 21);
    // run shuts its runtime down, so it can be called again.
    assert_eq!(corio::run(async { "twice" }), "twice");
}

#[test]
fn runtime_new_has_workers() {
    let _w = Watchdog::new("runtime_new_has_workers");
    let rt = Runtime::new().unwrap();
    assert!(rt.metrics().num_workers() >= 1);
    assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
}

#[test]
fn builder_paths() {
    let _w = Watchdog::new("builder_paths");
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    assert_eq!(rt.metrics().num_workers(), 2);
    let rt2: Runtime = corio::Builder::new_multi_thread().build().unwrap();
    assert_eq!(rt2.block_on(async { 1 }), 1);
}

#[test]
fn worker_threads_zero_is_invalid_input() {
    let _w = Watchdog::new("worker_threads_zero_is_invalid_input");
    match Runtime::builder().worker_threads(0).build() {
        Ok(_) => panic!("worker_threads(0) built a runtime"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}"),
    }
}

#[test]
fn handle_current_outside_a_runtime_panics() {
    let _w = Watchdog::new("handle_current_outside_a_runtime_panics");
    let Err(payload) = catch_unwind(Handle::current) else {
        panic!("Handle::current() returned a handle outside any runtime");
    };
    let msg = panic_message(&*payload);
    assert!(msg.contains("corio runtime"), "unhelpful message: {msg:?}");
}

#[test]
fn try_current_outside_a_runtime_errs() {
    let _w = Watchdog::new("try_current_outside_a_runtime_errs");
    let Err(err) = Handle::try_current() else {
        panic!("Handle::try_current() returned a handle outside any runtime");
    };
    let err: TryCurrentError = err;
    let text = err.to_string();
    assert!(!text.is_empty());
    assert!(text.to_lowercase().contains("runtime"), "{text:?}");
    assert!(!format!("{err:?}").is_empty());
    let as_error: &dyn std::error::Error = &err;
    assert_eq!(as_error.to_string(), text);

    // A plain thread spawned from inside a task does not inherit the context.
    let rt = support::runtime(1);
    let outside = rt.block_on(rt.spawn(async {
        thread::spawn(|| Handle::try_current().is_err())
            .join()
            .unwrap()
    }));
    assert!(outside.unwrap());
}

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    fn send<T: Send>(_: &T) {}
    fn error<T: std::error::Error + Send + 'static>() {}
    fn clone<T: Clone>() {}
    send_sync_unpin::<Runtime>();
    send_sync_unpin::<Handle>();
    clone::<Handle>();
    send_sync_unpin::<JoinHandle<u32>>();
    send_sync_unpin::<JoinHandle<std::cell::Cell<u32>>>();
    send(&corio::task::JoinSet::<u32>::new());
    send(&yield_now());
    error::<corio::task::JoinError>();
    error::<TryCurrentError>();
}
