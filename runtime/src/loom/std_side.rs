//! Normal builds: std atomics and `Arc`, parking_lot locks, crossbeam-deque queues.

pub(crate) mod sync {
    /// std's `Arc` in every build, for user-supplied values the models need not see (callbacks):
    /// they coerce to trait objects, which loom's `Arc` cannot.
    pub(crate) use std::sync::Arc as UserArc;
    pub(crate) use std::sync::Arc;

    pub(crate) mod atomic {
        pub(crate) use std::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering,
        };
    }

    pub(crate) use parking_lot::{Mutex, MutexGuard};

    /// A condition variable whose `wait` takes and returns the guard (the shape loom's has).
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(parking_lot::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Condvar {
            Condvar(parking_lot::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(&mut guard);
            guard
        }

        /// Waits until notified or until `timeout` has passed; `true` in the second place means
        /// the timeout elapsed.
        pub(crate) fn wait_timeout<'a, T>(
            &self,
            mut guard: MutexGuard<'a, T>,
            timeout: std::time::Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            let timed_out = self.0.wait_for(&mut guard, timeout).timed_out();
            (guard, timed_out)
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
    /// `std::cell::UnsafeCell` behind loom's closure-based access API.
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        #[inline(always)]
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

pub(crate) mod thread {
    pub(crate) use std::thread::{current, Builder, JoinHandle};
}

pub(crate) use std::thread_local;

/// A waker slot that one task registers into and another thread takes from, without a lock.
pub(crate) use futures_util::task::AtomicWaker;

pub(crate) mod deque {
    pub(crate) use crossbeam_deque::{Injector, Steal, Stealer, Worker};
}
