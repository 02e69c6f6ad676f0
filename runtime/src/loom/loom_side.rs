//! `--cfg corio_loom` builds: loom's primitives, and a loom-visible stand-in for crossbeam-deque.

pub(crate) mod sync {
    pub(crate) use loom::sync::{Arc, MutexGuard};
    /// std's `Arc` in every build, for user-supplied values the models need not see (callbacks):
    /// they coerce to trait objects, which loom's `Arc` cannot.
    pub(crate) use std::sync::Arc as UserArc;

    pub(crate) mod atomic {
        pub(crate) use loom::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering,
        };
    }

    /// loom's mutex with parking_lot's signature: `lock` returns the guard (poisoning cannot happen
    /// in a model that does not panic).
    #[derive(Debug)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().expect("a loom mutex was poisoned")
        }

        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            self.0.try_lock().ok()
        }
    }

    impl<T: Default> Default for Mutex<T> {
        fn default() -> Self {
            Mutex::new(T::default())
        }
    }

    /// loom's condition variable. loom never lets a wait time out, so a timeout is an explicit
    /// event: [`expire_timeouts`](Condvar::expire_timeouts) ends every timed wait in progress
    /// as timed out. A timed wait that nobody expires is a plain wait.
    #[derive(Debug, Default)]
    pub(crate) struct Condvar {
        inner: loom::sync::Condvar,
        /// Bumped by `expire_timeouts`; a timed wait that sees it change has timed out. Read and
        /// written under the mutex the waiters use.
        expiries: atomic::AtomicUsize,
    }

    impl Condvar {
        pub(crate) fn new() -> Condvar {
            Condvar::default()
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.inner.wait(guard).expect("a loom mutex was poisoned")
        }

        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            _timeout: std::time::Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            // Relaxed: the caller's mutex orders these accesses.
            let before = self.expiries.load(atomic::Ordering::Relaxed);
            let guard = self.wait(guard);
            let timed_out = self.expiries.load(atomic::Ordering::Relaxed) != before;
            (guard, timed_out)
        }

        /// The timeout of every thread now in `wait_timeout` runs out. The caller holds the mutex
        /// the waiters use, as a notifier would, so a thread about to wait cannot miss it.
        pub(crate) fn expire_timeouts(&self) {
            self.expiries.fetch_add(1, atomic::Ordering::Relaxed);
            self.inner.notify_all();
        }

        pub(crate) fn notify_one(&self) {
            self.inner.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.inner.notify_all();
        }
    }
}

pub(crate) mod cell {
    pub(crate) use loom::cell::UnsafeCell;
}

pub(crate) mod thread {
    pub(crate) use loom::thread::{current, Builder, JoinHandle};
}

pub(crate) use loom::thread_local;

/// futures' `AtomicWaker` API over a loom mutex, so models see every register/take.
pub(crate) struct AtomicWaker {
    slot: sync::Mutex<Option<std::task::Waker>>,
}

impl AtomicWaker {
    pub(crate) fn new() -> AtomicWaker {
        AtomicWaker {
            slot: sync::Mutex::new(None),
        }
    }

    pub(crate) fn register(&self, waker: &std::task::Waker) {
        let mut slot = self.slot.lock();
        if !slot.as_ref().is_some_and(|old| old.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
    }

    pub(crate) fn take(&self) -> Option<std::task::Waker> {
        self.slot.lock().take()
    }
}

/// A mutex-protected queue with crossbeam-deque's API, visible to loom.
///
/// A steal that finds the queue locked answers [`Steal::Retry`], as crossbeam's lock-free steal does
/// when it loses a race, so callers' retry paths are explored too.
pub(crate) mod deque {
    use super::sync::{Arc, Mutex};
    use std::collections::VecDeque;

    /// The most tasks one steal moves, kept tiny so models reach the batch edge.
    const STEAL_BATCH: usize = 2;

    pub(crate) enum Steal<T> {
        Empty,
        Success(T),
        Retry,
    }

    pub(crate) struct Worker<T> {
        queue: Arc<Mutex<VecDeque<T>>>,
    }

    impl<T> Worker<T> {
        pub(crate) fn new_fifo() -> Worker<T> {
            Worker {
                queue: Arc::new(Mutex::new(VecDeque::new())),
            }
        }

        pub(crate) fn push(&self, value: T) {
            self.queue.lock().push_back(value);
        }

        pub(crate) fn pop(&self) -> Option<T> {
            self.queue.lock().pop_front()
        }

        pub(crate) fn is_empty(&self) -> bool {
            self.queue.lock().is_empty()
        }

        pub(crate) fn stealer(&self) -> Stealer<T> {
            Stealer {
                queue: self.queue.clone(),
            }
        }
    }

    pub(crate) struct Stealer<T> {
        queue: Arc<Mutex<VecDeque<T>>>,
    }

    impl<T> Clone for Stealer<T> {
        fn clone(&self) -> Self {
            Stealer {
                queue: self.queue.clone(),
            }
        }
    }

    impl<T> Stealer<T> {
        pub(crate) fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
            steal_batch_and_pop(&self.queue, dest)
        }

        pub(crate) fn len(&self) -> usize {
            self.queue.lock().len()
        }

        pub(crate) fn is_empty(&self) -> bool {
            self.queue.lock().is_empty()
        }
    }

    pub(crate) struct Injector<T> {
        queue: Mutex<VecDeque<T>>,
    }

    impl<T> Injector<T> {
        pub(crate) fn new() -> Injector<T> {
            Injector {
                queue: Mutex::new(VecDeque::new()),
            }
        }

        pub(crate) fn push(&self, value: T) {
            self.queue.lock().push_back(value);
        }

        pub(crate) fn steal(&self) -> Steal<T> {
            match self.queue.try_lock() {
                None => Steal::Retry,
                Some(mut queue) => queue.pop_front().map_or(Steal::Empty, Steal::Success),
            }
        }

        pub(crate) fn steal_batch_with_limit_and_pop(
            &self,
            dest: &Worker<T>,
            _limit: usize,
        ) -> Steal<T> {
            steal_batch_and_pop(&self.queue, dest)
        }

        pub(crate) fn len(&self) -> usize {
            self.queue.lock().len()
        }

        pub(crate) fn is_empty(&self) -> bool {
            self.queue.lock().is_empty()
        }
    }

    fn steal_batch_and_pop<T>(source: &Mutex<VecDeque<T>>, dest: &Worker<T>) -> Steal<T> {
        let Some(mut source) = source.try_lock() else {
            return Steal::Retry;
        };
        let Some(first) = source.pop_front() else {
            return Steal::Empty;
        };
        let extra = source.len().div_ceil(2).min(STEAL_BATCH - 1);
        let moved: Vec<T> = source.drain(..extra).collect();
        drop(source);
        for value in moved {
            dest.push(value);
        }
        Steal::Success(first)
    }
}
