//! Helpers shared by the runtime behaviour tests.
//!
//! - [`rt_test!`] runs each test body twice: on a runtime with one worker and on one with four
//!   (`tokio/tests/rt_common.rs` does the same). Inside a body, `rt()` builds the runtime for the
//!   current flavour and `WORKERS` names its worker count.
//! - [`Counter`] and [`DropGuard`] count events (drops, polls, runs) so tests assert exactly-once
//!   behaviour instead of "at least it did not crash".
//! - [`Watchdog`] turns a hang into a named failure: a test that deadlocks the runtime aborts the
//!   process with the test's name on stderr instead of stalling `cargo test` forever.
//! - [`block_on_local`] awaits a future (a `JoinHandle` of a dropped runtime, say) on the calling
//!   thread without any corio runtime.
//!
//! Every helper bounds its waiting by [`PATIENCE`]; the bounds are ten times (or more) what the
//! operation should need, because no test here asserts performance.

#![allow(dead_code)]

use std::any::Any;
use std::future::Future;
use std::io::Write;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Once};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that should happen "promptly".
pub const PATIENCE: Duration = Duration::from_secs(5);

/// How long a whole test may run before the watchdog aborts the process.
pub const WATCHDOG_LIMIT: Duration = Duration::from_secs(30);

/// Runs each test body on a one-worker and on a four-worker runtime.
///
/// ```ignore
/// rt_test! {
///     fn spawn_works() {
///         let rt = rt();
///         assert_eq!(rt.block_on(corio::spawn(async { 1 })).unwrap(), 1);
///     }
/// }
/// ```
///
/// expands to `one_worker::spawn_works` and `four_workers::spawn_works`, each guarded by a
/// [`Watchdog`].
#[allow(unused_macros)]
macro_rules! rt_test {
    ($($(#[$attr:meta])* fn $name:ident() $body:block)*) => {
        mod one_worker {
            #![allow(unused_imports, dead_code)]
            use super::*;

            const WORKERS: usize = 1;

            fn rt() -> corio::Runtime {
                $crate::support::runtime(WORKERS)
            }

            $(
                $(#[$attr])*
                #[test]
                fn $name() {
                    let _watchdog = $crate::support::Watchdog::new(concat!(
                        module_path!(),
                        "::",
                        stringify!($name)
                    ));
                    $body
                }
            )*
        }

        mod four_workers {
            #![allow(unused_imports, dead_code)]
            use super::*;

            const WORKERS: usize = 4;

            fn rt() -> corio::Runtime {
                $crate::support::runtime(WORKERS)
            }

            $(
                $(#[$attr])*
                #[test]
                fn $name() {
                    let _watchdog = $crate::support::Watchdog::new(concat!(
                        module_path!(),
                        "::",
                        stringify!($name)
                    ));
                    $body
                }
            )*
        }
    };
}

#[allow(unused_imports)]
pub(crate) use rt_test;

/// A multi-thread runtime with `workers` workers and every other option at its default.
pub fn runtime(workers: usize) -> corio::Runtime {
    corio::Runtime::builder()
        .worker_threads(workers)
        .build()
        .expect("building a corio runtime")
}

/// A shared event counter. Clones count into the same total.
#[derive(Clone, Default, Debug)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one event and returns the new total.
    pub fn incr(&self) -> usize {
        self.0.fetch_add(1, SeqCst) + 1
    }

    pub fn get(&self) -> usize {
        self.0.load(SeqCst)
    }

    /// A guard that counts one event when it is dropped.
    pub fn guard(&self) -> DropGuard {
        DropGuard(self.clone())
    }
}

/// Counts into its [`Counter`] when dropped; move one into a future to count that future's drops.
#[derive(Debug)]
pub struct DropGuard(Counter);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.incr();
    }
}

/// A shared boolean that is set once.
#[derive(Clone, Default, Debug)]
pub struct Flag(Arc<AtomicBool>);

impl Flag {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&self) {
        self.0.store(true, SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(SeqCst)
    }
}

/// Waits (on a plain thread, by sleeping) until `cond` holds; panics naming `what` after
/// [`PATIENCE`].
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "timed out after {PATIENCE:?} waiting until {what}"
        );
        thread::sleep(Duration::from_millis(1));
    }
}

/// Like [`wait_until`] but returns whether `cond` held instead of panicking; for use inside
/// blocking closures whose result the test asserts.
pub fn wait_for(mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while !cond() {
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Aborts the process, naming the test, if it is still alive after [`WATCHDOG_LIMIT`].
///
/// The message is written straight to the stderr file descriptor because libtest captures
/// `eprintln!` of test threads (and the threads they spawn) and would swallow it on abort.
pub struct Watchdog {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Watchdog {
    pub fn new(test: &'static str) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("test-watchdog".into())
            .spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(WATCHDOG_LIMIT) {
                    let msg = format!(
                        "\n*** watchdog: test `{test}` still running after {WATCHDOG_LIMIT:?} \
                         (runtime hang?); aborting the test process\n"
                    );
                    let _ = std::io::stderr().write_all(msg.as_bytes());
                    std::process::abort();
                }
            })
            .expect("spawning the watchdog thread");
        Self {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct ThreadWaker(thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Drives `fut` on the calling thread with no runtime at all; panics if it is not ready within
/// [`PATIENCE`].
pub fn block_on_local<F: Future>(fut: F) -> F::Output {
    let deadline = Instant::now() + PATIENCE;
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        let now = Instant::now();
        assert!(
            now < deadline,
            "future still pending after {PATIENCE:?} outside the runtime"
        );
        thread::park_timeout(deadline - now);
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Text that marks a panic as deliberate; see [`quiet_panics`].
pub const INTENTIONAL: &str = "intentional panic";

/// A payload type for `std::panic::panic_any` in tests; [`quiet_panics`] hides it too.
#[derive(Debug, PartialEq, Eq)]
pub struct Intentional(pub u32);

/// Installs (once per process) a panic hook that stays silent for deliberate test panics —
/// messages containing [`INTENTIONAL`] or [`Intentional`] payloads — and defers to the default
/// hook for everything else, so real failures still print.
pub fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let deliberate = payload.downcast_ref::<Intentional>().is_some()
                || panic_message(payload).contains(INTENTIONAL);
            if !deliberate {
                default(info);
            }
        }));
    });
}

/// The names of the threads of this process (Linux only; empty elsewhere), for diagnostics.
pub fn thread_names() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    dir.filter_map(|entry| {
        let path = entry.ok()?.path().join("comm");
        Some(std::fs::read_to_string(path).ok()?.trim().to_string())
    })
    .collect()
}
