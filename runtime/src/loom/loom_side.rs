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

    /// loom's condition variable. loom never lets `wait_timeout` time out; models that need a
    /// timeout make it an explicit event.
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(loom::sync::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Condvar {
            Condvar(loom::sync::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(guard).expect("a loom mutex was poisoned")
        }

        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            timeout: std::time::Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            let (guard, result) = self
                .0
                .wait_timeout(guard, timeout)
                .expect("a loom mutex was poisoned");
            (guard, result.timed_out())
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
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
