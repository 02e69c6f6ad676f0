//! Loom models of corio's concurrency core: the shared helpers of the model files in `tests/`.
//!
//! Everything here exists only with `--cfg corio_loom` (see `README.md` and `ci/loom.sh`); a
//! normal build of this crate is empty, so `cargo test --workspace` runs no model.
//!
//! - [`model`] runs a test body under loom with a bounded number of preemptions and reports how
//!   many interleavings it explored and how long that took;
//! - [`Counter`] and its [`DropGuard`]s count polls, wakes and drops, so models assert
//!   exactly-once, not merely "no crash";
//! - [`CountingWaker`] counts the wakes a `JoinHandle` or a `block_on` receives;
//! - [`Outcomes`] records which way each execution of a model went, so a model can prove it
//!   reaches every order of the race it is about.
//!
//! Bookkeeping uses std atomics on purpose: loom runs every modelled thread on the test's own OS
//! thread, so std atomics are exact, and they add no interleaving to explore. Anything a model
//! *synchronizes through* must be loom's instead.
#![cfg(corio_loom)]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Wake, Waker};
use std::time::Instant;

/// The preemption bound when `LOOM_MAX_PREEMPTIONS` is unset: CI's setting.
pub const DEFAULT_MAX_PREEMPTIONS: usize = 2;

/// The branch bound when `LOOM_MAX_BRANCHES` is unset. Models that run a whole runtime take more
/// loom operations per execution than loom's default of 1,000 allows.
pub const DEFAULT_MAX_BRANCHES: usize = 20_000;

/// Runs `body` under loom, once per interleaving loom explores.
///
/// The preemption bound comes from `LOOM_MAX_PREEMPTIONS` (default
/// [`DEFAULT_MAX_PREEMPTIONS`]); `LOOM_LOG`, `LOOM_LOCATION`, `LOOM_CHECKPOINT_FILE` and
/// `LOOM_MAX_BRANCHES` work as loom documents. Prints the number of executions and the time
/// taken (shown by `cargo test -- --nocapture`).
pub fn model<F>(body: F)
where
    F: Fn() + Sync + Send + 'static,
{
    check(0, body);
}

/// [`model`] for the heavy models (two workers, or four threads): they explore one preemption
/// fewer than the setting (at least one), since each extra preemption multiplies their executions
/// by about a hundred. CI's `LOOM_MAX_PREEMPTIONS=2` runs them at 1; the local `=3` at 2.
pub fn model_heavy<F>(body: F)
where
    F: Fn() + Sync + Send + 'static,
{
    check(1, body);
}

fn check<F>(fewer_preemptions: usize, body: F)
where
    F: Fn() + Sync + Send + 'static,
{
    use tracing_subscriber::util::SubscriberInitExt;

    let mut builder = loom::model::Builder::new();
    let bound = builder
        .preemption_bound
        .unwrap_or(DEFAULT_MAX_PREEMPTIONS)
        .saturating_sub(fewer_preemptions)
        .max(usize::from(fewer_preemptions > 0));
    builder.preemption_bound = Some(bound);
    if std::env::var_os("LOOM_MAX_BRANCHES").is_none() {
        builder.max_branches = DEFAULT_MAX_BRANCHES;
    }
    // What `loom::model` sets up, so `LOOM_LOG=trace` prints each execution.
    let _log = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("LOOM_LOG"))
        .with_test_writer()
        .without_time()
        .finish()
        .set_default();

    let executions = Arc::new(AtomicUsize::new(0));
    let counted = executions.clone();
    let start = Instant::now();
    builder.check(move || {
        counted.fetch_add(1, SeqCst);
        body();
    });
    let name = std::thread::current().name().unwrap_or("model").to_string();
    eprintln!(
        "loom model {name}: {} executions in {:.2?} (LOOM_MAX_PREEMPTIONS={})",
        executions.load(SeqCst),
        start.elapsed(),
        builder.preemption_bound.unwrap_or_default(),
    );
}

/// A shared count of events: polls, wakes or drops.
#[derive(Clone, Debug, Default)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub fn new() -> Counter {
        Counter::default()
    }

    pub fn get(&self) -> usize {
        self.0.load(SeqCst)
    }

    pub fn incr(&self) {
        self.0.fetch_add(1, SeqCst);
    }

    /// A value that counts one on this counter when dropped (once: it is not `Clone`).
    pub fn guard(&self) -> DropGuard {
        DropGuard(self.clone())
    }
}

/// Counts its own drop on a [`Counter`]. Put one in a future to count the future's drop, or in
/// an output to count the output's drop.
#[derive(Debug)]
pub struct DropGuard(Counter);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.incr();
    }
}

/// A waker that counts its wakes and touches nothing loom sees.
#[derive(Debug, Default)]
pub struct CountingWaker {
    wakes: AtomicUsize,
}

impl CountingWaker {
    /// A waker and the handle to read its count.
    pub fn new() -> (Waker, Arc<CountingWaker>) {
        let counting = Arc::new(CountingWaker::default());
        (Waker::from(counting.clone()), counting)
    }

    pub fn wakes(&self) -> usize {
        self.wakes.load(SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, SeqCst);
    }
}

/// A real corio runtime with `workers` worker threads, inside the current loom model.
pub fn runtime(workers: usize) -> corio::Runtime {
    corio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("a runtime starts under loom")
}

/// Waits (yielding to loom) until every worker of `handle`'s runtime sleeps, then checks that
/// the idle protocol is at rest: nobody counted searching, every worker in the sleeper list and
/// no task left in any queue (a task queued while every worker sleeps is a lost wake-up).
pub fn wait_for_rest(handle: &corio::Handle, workers: usize) {
    loop {
        let idle = corio::__loom::idle_snapshot(handle);
        if idle.unparked == 0 && idle.sleepers == workers {
            assert_eq!(
                idle.searching, 0,
                "every worker sleeps, yet one counts as searching"
            );
            assert!(
                !idle.pending_work,
                "every worker sleeps with a task queued: a lost wake-up"
            );
            return;
        }
        loom::thread::yield_now();
    }
}

/// A count that threads can block on until it reaches a value (loom's mutex and condvar, so a
/// count that never gets there is a loom deadlock, not a hang).
#[derive(Clone, Default)]
pub struct Latch(loom::sync::Arc<(loom::sync::Mutex<usize>, loom::sync::Condvar)>);

impl Latch {
    pub fn new() -> Latch {
        Latch::default()
    }

    /// Adds one and wakes the waiters.
    pub fn count_down(&self) {
        *self.0 .0.lock().unwrap() += 1;
        self.0 .1.notify_all();
    }

    /// Blocks until the count is at least `target`.
    pub fn wait_for(&self, target: usize) {
        let mut count = self.0 .0.lock().unwrap();
        while *count < target {
            count = self.0 .1.wait(count).unwrap();
        }
    }

    pub fn get(&self) -> usize {
        *self.0 .0.lock().unwrap()
    }

    /// A value that counts down this latch when dropped.
    pub fn guard(&self) -> LatchGuard {
        LatchGuard(self.clone())
    }
}

/// Counts down a [`Latch`] when dropped.
pub struct LatchGuard(Latch);

impl Drop for LatchGuard {
    fn drop(&mut self) {
        self.0.count_down();
    }
}

/// Polls `future` once with a waker that counts, and nothing else.
pub fn poll_once<F: std::future::Future + Unpin>(future: &mut F) -> std::task::Poll<F::Output> {
    let (waker, _) = CountingWaker::new();
    std::pin::Pin::new(future).poll(&mut std::task::Context::from_waker(&waker))
}

/// A one-shot event a task can await: `fire` from any thread wakes the waiting task. Built on
/// loom's mutex, so the model explores its races.
#[derive(Clone, Default)]
pub struct Signal(loom::sync::Arc<loom::sync::Mutex<(bool, Option<std::task::Waker>)>>);

impl Signal {
    pub fn new() -> Signal {
        Signal::default()
    }

    /// Sets the event and wakes the waiting task, if one waits.
    pub fn fire(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Resolves once the event is set.
    pub fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let signal = self.clone();
        std::future::poll_fn(move |cx| {
            let mut state = signal.0.lock().unwrap();
            if state.0 {
                return std::task::Poll::Ready(());
            }
            let waker = cx.waker().clone();
            state.1 = Some(waker);
            std::task::Poll::Pending
        })
    }
}

/// Which outcomes the executions of one model reached, counted across all of them: a model
/// asserts after its run that it reached each order of its race (a model whose executions all
/// take one path proves nothing about the others). Keep one in a `static` per model.
///
/// Recording touches nothing loom sees, so it adds no interleaving.
pub struct Outcomes(std::sync::Mutex<Vec<(&'static str, usize)>>);

impl Outcomes {
    pub const fn new() -> Outcomes {
        Outcomes(std::sync::Mutex::new(Vec::new()))
    }

    /// Records that this execution reached `outcome`.
    pub fn saw(&self, outcome: &'static str) {
        let mut seen = self.0.lock().unwrap();
        match seen.iter_mut().find(|(name, _)| *name == outcome) {
            Some((_, count)) => *count += 1,
            None => seen.push((outcome, 1)),
        }
    }

    /// Prints how many executions reached each outcome, and forgets them.
    ///
    /// # Panics
    ///
    /// If an outcome of `expected` was never reached: the model does not explore that order of
    /// its race (raise the preemption bound, or restructure the model), or the race cannot
    /// happen the way the model's doc says.
    pub fn assert_reached(&self, model: &str, expected: &[&'static str]) {
        let seen = std::mem::take(&mut *self.0.lock().unwrap());
        eprintln!("loom model {model}: outcomes {seen:?}");
        for outcome in expected {
            assert!(
                seen.iter().any(|(name, _)| name == outcome),
                "no execution of {model} reached \"{outcome}\" (reached: {seen:?})"
            );
        }
    }
}

impl Default for Outcomes {
    fn default() -> Self {
        Outcomes::new()
    }
}
