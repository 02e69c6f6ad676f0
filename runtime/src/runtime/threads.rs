//! `ThreadRegistry`: every thread a runtime starts (workers, hand-off workers, blocking threads),
//! so shutdown can wait for all of them and join them — or, past its deadline, leave them.
//!
//! A thread counts as live from just before it is started until its body, its `on_thread_stop`
//! hook and its context have been torn down. A blocking thread that exits on its own (idle
//! timeout) detaches itself, so the registry does not grow with thread churn; once shutdown has
//! begun, exiting threads leave their handles for shutdown to join.

use super::{context, Config, Handle};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::loom::thread;
use crate::scheduler::Shared;
use std::io;
use std::time::Instant;

pub(crate) struct ThreadRegistry {
    state: Mutex<RegistryState>,
    all_exited: Condvar,
}

struct RegistryState {
    live: usize,
    next_key: u64,
    handles: Vec<(u64, thread::JoinHandle<()>)>,
    shutting_down: bool,
}

impl ThreadRegistry {
    pub(crate) fn new() -> ThreadRegistry {
        ThreadRegistry {
            state: Mutex::new(RegistryState {
                live: 0,
                next_key: 0,
                handles: Vec::new(),
                shutting_down: false,
            }),
            all_exited: Condvar::new(),
        }
    }

    /// Starts a runtime thread running `body`, with the runtime's name, stack size and hooks, and
    /// `Handle::current()` set to this runtime.
    ///
    /// # Errors
    ///
    /// The OS error if the thread cannot be started; `Other` once shutdown has begun.
    pub(crate) fn spawn(
        &self,
        config: &Config,
        shared: Arc<Shared>,
        body: impl FnOnce() + Send + 'static,
    ) -> io::Result<()> {
        let mut state = self.state.lock();
        if state.shutting_down {
            return Err(io::Error::other("the corio runtime is shutting down"));
        }
        let key = state.next_key;
        state.next_key += 1;
        state.live += 1;
        let mut builder = thread::Builder::new().name((config.thread_name)());
        if let Some(size) = config.thread_stack_size {
            builder = builder.stack_size(size);
        }
        let spawned = builder.spawn(move || {
            let handle = Handle { inner: shared };
            let _exit = ExitGuard {
                handle: handle.clone(),
                key,
            };
            let _context = context::set_handle(handle.clone());
            let config = &handle.inner.config;
            if let Some(start) = &config.on_thread_start {
                start();
            }
            body();
            if let Some(stop) = &config.on_thread_stop {
                stop();
            }
        });
        match spawned {
            Ok(join) => {
                state.handles.push((key, join));
                Ok(())
            }
            Err(err) => {
                state.live -= 1;
                Err(err)
            }
        }
    }

    /// Shutdown, step 2: refuses new threads, then waits until every thread has exited (not
    /// counting the calling thread if it is one of them) or `deadline` passes. True if all exited;
    /// they are then joined. Otherwise the stragglers are detached.
    pub(crate) fn wait_all(&self, deadline: Option<Instant>, caller_is_member: bool) -> bool {
        let mut state = self.state.lock();
        state.shutting_down = true;
        let others = |state: &RegistryState| state.live - usize::from(caller_is_member);
        while others(&state) > 0 {
            match deadline {
                None => state = self.all_exited.wait(state),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        state.handles.clear();
                        return false;
                    }
                    state = self.all_exited.wait_timeout(state, deadline - now).0;
                }
            }
        }
        let current = thread::current().id();
        let handles = std::mem::take(&mut state.handles);
        drop(state);
        for (_, handle) in handles {
            if handle.thread().id() != current {
                // A panic in a user hook already ended that thread; nothing more to report here.
                let _ = handle.join();
            }
        }
        true
    }
}

/// Marks the thread exited even if a hook or the body panicked.
struct ExitGuard {
    handle: Handle,
    key: u64,
}

impl Drop for ExitGuard {
    fn drop(&mut self) {
        let registry = &self.handle.inner.threads;
        let mut state = registry.state.lock();
        state.live -= 1;
        if !state.shutting_down {
            // Exiting on its own: detach, so the registry does not keep a handle per thread ever run.
            if let Some(at) = state.handles.iter().position(|(key, _)| *key == self.key) {
                drop(state.handles.swap_remove(at));
            }
        }
        drop(state);
        registry.all_exited.notify_all();
    }
}
