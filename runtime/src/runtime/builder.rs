//! `Builder`: how a runtime is configured, and `Config`, what the running runtime keeps of it.

use super::blocking::BlockingPool;
use super::threads::ThreadRegistry;
use super::{Handle, Runtime};
use crate::io::driver::Driver;
use crate::loom::sync::{Arc, UserArc};
use crate::scheduler::{create_workers, run_worker, Shared};
use std::fmt;
use std::io;
use std::time::Duration;

type Callback = UserArc<dyn Fn() + Send + Sync + 'static>;
type ThreadNameFn = UserArc<dyn Fn() -> String + Send + Sync + 'static>;

/// Configures and builds a [`Runtime`].
///
/// Every method takes `&mut self` and returns `&mut Self`, so calls chain; `build` checks the
/// values and starts the worker threads.
///
/// # Examples
///
/// ```
/// let runtime = corio::runtime::Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("my-worker")
///     .build()?;
/// assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Builder {
    flavor: Flavor,
    worker_threads: Option<usize>,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    on_thread_start: Option<Callback>,
    on_thread_stop: Option<Callback>,
    max_blocking_threads: usize,
    thread_keep_alive: Duration,
    global_queue_interval: u32,
    event_interval: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    MultiThread,
    CurrentThread,
}

/// What a running runtime keeps of its builder.
pub(crate) struct Config {
    pub(crate) global_queue_interval: u32,
    /// Ticks between looks at the I/O driver by a busy worker.
    pub(crate) event_interval: u32,
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) thread_stack_size: Option<usize>,
    pub(crate) on_thread_start: Option<Callback>,
    pub(crate) on_thread_stop: Option<Callback>,
    pub(crate) max_blocking_threads: usize,
    pub(crate) thread_keep_alive: Duration,
}

impl Builder {
    /// A builder for the multi-thread work-stealing runtime, with one worker per CPU by default.
    pub fn new_multi_thread() -> Builder {
        Builder {
            flavor: Flavor::MultiThread,
            worker_threads: None,
            thread_name: UserArc::new(|| "corio-worker".to_string()),
            thread_stack_size: None,
            on_thread_start: None,
            on_thread_stop: None,
            max_blocking_threads: 512,
            thread_keep_alive: Duration::from_secs(10),
            global_queue_interval: 61,
            event_interval: 61,
        }
    }

    /// A builder for a runtime with exactly one worker thread.
    ///
    /// Unlike tokio's current-thread runtime, tasks run on that worker thread, not on the thread
    /// that calls `block_on`; the scheduler is the same as the multi-thread one.
    pub fn new_current_thread() -> Builder {
        Builder {
            flavor: Flavor::CurrentThread,
            worker_threads: Some(1),
            ..Builder::new_multi_thread()
        }
    }

    /// The number of worker threads (default: the number of CPUs). Zero is refused by `build`.
    pub fn worker_threads(&mut self, count: usize) -> &mut Self {
        self.worker_threads = Some(count);
        self
    }

    /// The name of every thread the runtime starts (default `corio-worker`).
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.thread_name = UserArc::new(move || name.clone());
        self
    }

    /// A function that names each thread the runtime starts.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = UserArc::new(f);
        self
    }

    /// The stack size of every thread the runtime starts (default: std's).
    pub fn thread_stack_size(&mut self, bytes: usize) -> &mut Self {
        self.thread_stack_size = Some(bytes);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it does anything else.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_start = Some(UserArc::new(f));
        self
    }

    /// Runs `f` on each thread the runtime started, just before it exits.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_stop = Some(UserArc::new(f));
        self
    }

    /// The most threads the blocking pool may run at once (default 512; workers not counted).
    /// Zero is refused by `build`.
    pub fn max_blocking_threads(&mut self, count: usize) -> &mut Self {
        self.max_blocking_threads = count;
        self
    }

    /// How long an idle blocking thread waits for work before it exits (default 10 s).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.thread_keep_alive = duration;
        self
    }

    /// A worker looks at the global injector queue first every `ticks` ticks (default 61), so tasks
    /// spawned or woken from outside cannot starve behind local work. Zero is refused by `build`.
    pub fn global_queue_interval(&mut self, ticks: u32) -> &mut Self {
        self.global_queue_interval = ticks;
        self
    }

    /// A busy worker polls the I/O driver every `ticks` ticks (default 61). Zero is refused by
    /// `build`.
    pub fn event_interval(&mut self, ticks: u32) -> &mut Self {
        self.event_interval = ticks;
        self
    }

    /// Kept so tokio code compiles unchanged: corio's drivers are always on.
    pub fn enable_all(&mut self) -> &mut Self {
        self
    }

    /// Kept so tokio code compiles unchanged: corio's I/O driver is always on.
    pub fn enable_io(&mut self) -> &mut Self {
        self
    }

    /// Kept so tokio code compiles unchanged: corio's timers are always on.
    pub fn enable_time(&mut self) -> &mut Self {
        self
    }

    /// Starts the runtime.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `worker_threads`, `max_blocking_threads`, `global_queue_interval` or
    /// `event_interval` is zero, or a current-thread builder was given more than one worker; the
    /// OS error if the I/O poller or a worker thread cannot be created.
    pub fn build(&mut self) -> io::Result<Runtime> {
        let workers = self.validate()?;
        let config = Config {
            global_queue_interval: self.global_queue_interval,
            event_interval: self.event_interval,
            thread_name: self.thread_name.clone(),
            thread_stack_size: self.thread_stack_size,
            on_thread_start: self.on_thread_start.clone(),
            on_thread_stop: self.on_thread_stop.clone(),
            max_blocking_threads: self.max_blocking_threads,
            thread_keep_alive: self.thread_keep_alive,
        };
        let (cores, remotes) = create_workers(workers);
        let driver = Driver::new()?;
        let shared = Arc::new(Shared::new(
            remotes,
            config,
            BlockingPool::new(),
            ThreadRegistry::new(),
            driver,
        ));
        let runtime = Runtime::from_handle(Handle {
            inner: shared.clone(),
        });
        for (index, core) in cores.into_iter().enumerate() {
            let for_worker = shared.clone();
            // On error `runtime` is dropped here, which stops the workers already started.
            shared
                .threads
                .spawn(&shared.config, shared.clone(), move || {
                    run_worker(for_worker, index, Box::new(core))
                })?;
        }
        Ok(runtime)
    }

    fn validate(&self) -> io::Result<usize> {
        let invalid = |message: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                message.to_string(),
            ))
        };
        let workers = match self.worker_threads {
            Some(0) => return invalid("worker_threads must be at least 1"),
            Some(count) => count,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if self.flavor == Flavor::CurrentThread && workers != 1 {
            return invalid("a current-thread runtime has exactly one worker thread; use Builder::new_multi_thread for more");
        }
        if self.max_blocking_threads == 0 {
            return invalid("max_blocking_threads must be at least 1");
        }
        if self.global_queue_interval == 0 {
            return invalid("global_queue_interval must be at least 1");
        }
        if self.event_interval == 0 {
            return invalid("event_interval must be at least 1");
        }
        Ok(workers)
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new_multi_thread()
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_keep_alive", &self.thread_keep_alive)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .finish_non_exhaustive()
    }
}
