//! The blocking pool (`runtime/src/runtime/blocking.rs`): `spawn_blocking` racing an idle
//! thread's exit, and racing shutdown.
//!
//! A real runtime of one worker (which only parks) and its blocking pool. loom never times a wait
//! out, so the keep-alive timeout of an idle blocking thread is an explicit event,
//! `corio::__loom::expire_keep_alive`: every thread then waiting for a job wakes as timed out
//! (`Condvar::expire_timeouts` in `runtime/src/loom/loom_side.rs`). A thread that starts waiting
//! after the event waits afresh, as a real keep-alive would restart.
//!
//! Limits: one expiry event per model, fired by the model's main thread; at most two blocking
//! threads; `thread_keep_alive` itself (a duration) plays no part. `spawn_racing_idle_thread_exit`
//! runs four threads: at `LOOM_MAX_PREEMPTIONS=2` it is the slowest model of the suite.
#![cfg(corio_loom)]

use corio_loom_tests::{model, poll_once, runtime, Counter};
use loom::thread;
use std::task::Poll;

/// A job submitted while the only idle blocking thread's keep-alive runs out is run exactly
/// once: by that thread (if the submission reaches it first) or by a new one (if it exited).
#[test]
fn spawn_racing_idle_thread_exit() {
    model(|| {
        let runtime = runtime(1);
        let runs = Counter::new();
        let r = runs.clone();
        runtime
            .block_on(runtime.spawn_blocking(move || r.incr()))
            .unwrap();

        // The thread that ran the first job waits for another (or is about to): its keep-alive
        // runs out now, racing the next submission.
        corio::__loom::expire_keep_alive(runtime.handle());
        let r = runs.clone();
        runtime
            .block_on(runtime.spawn_blocking(move || r.incr()))
            .unwrap();

        assert_eq!(runs.get(), 2, "each job runs exactly once");
        assert!(corio::__loom::blocking_threads(runtime.handle()) <= 2);
    });
}

/// `spawn_blocking` from another thread racing the runtime's drop: the job runs or is
/// cancelled, its closure is dropped exactly once, its `JoinHandle` resolves, and the drop
/// returns (every thread exits).
#[test]
fn shutdown_racing_spawn_blocking() {
    model(|| {
        let runtime = runtime(1);
        let handle = runtime.handle().clone();
        let (runs, dropped) = (Counter::new(), Counter::new());
        let (r, guard) = (runs.clone(), dropped.guard());
        let spawner = thread::spawn(move || {
            handle.spawn_blocking(move || {
                let _closure_owns = guard;
                r.incr();
            })
        });
        drop(runtime);
        let mut join = spawner.join().unwrap();

        assert_eq!(dropped.get(), 1, "the closure must be dropped exactly once");
        match poll_once(&mut join) {
            Poll::Ready(Ok(())) => assert_eq!(runs.get(), 1),
            Poll::Ready(Err(err)) => {
                assert!(err.is_cancelled());
                assert_eq!(runs.get(), 0);
            }
            Poll::Pending => panic!("a JoinHandle is unresolved after shutdown"),
        }
    });
}
