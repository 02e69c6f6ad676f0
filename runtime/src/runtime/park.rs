//! `Parker`: puts one thread to sleep until another thread unparks it. Used by the workers' idle
//! path and by `block_on`, whose waker is an `Arc<Parker>`.

use crate::loom::sync::{Arc, Condvar, Mutex};
use std::task::{RawWaker, RawWakerVTable, Waker};

/// A one-token sleep: `unpark` leaves a token, `park` sleeps until it finds one and consumes it.
/// An `unpark` that comes before the `park` is therefore never lost.
#[derive(Debug, Default)]
pub(crate) struct Parker {
    token: Mutex<bool>,
    condvar: Condvar,
}

impl Parker {
    pub(crate) fn new() -> Parker {
        Parker {
            token: Mutex::new(false),
            condvar: Condvar::new(),
        }
    }

    /// Sleeps until unparked (returns at once if a token is waiting).
    pub(crate) fn park(&self) {
        let mut token = self.token.lock();
        while !*token {
            token = self.condvar.wait(token);
        }
        *token = false;
    }

    /// Leaves the token and wakes the sleeper, if any.
    pub(crate) fn unpark(&self) {
        let mut token = self.token.lock();
        if !*token {
            *token = true;
            drop(token);
            self.condvar.notify_one();
        }
    }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker that unparks `parker`.
pub(crate) fn waker(parker: Arc<Parker>) -> Waker {
    let raw = RawWaker::new(Arc::into_raw(parker) as *const (), &VTABLE);
    // SAFETY: the data pointer owns one strong count of an `Arc<Parker>`, which the four functions
    // below manage as the RawWaker contract requires.
    unsafe { Waker::from_raw(raw) }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` came from `Arc::into_raw` and the waker calling us holds a count.
    unsafe { Arc::increment_strong_count(data as *const Parker) };
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: the waker's count moves into this Arc, which is dropped at the end.
    let parker = unsafe { Arc::from_raw(data as *const Parker) };
    parker.unpark();
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker calling us holds a count, so the parker is live.
    unsafe { &*(data as *const Parker) }.unpark();
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the waker's count is given back.
    unsafe { Arc::decrement_strong_count(data as *const Parker) };
}

/// Runs `future` to completion on the calling thread, sleeping while it is pending. No
/// cooperative budget applies (the thread drives only this future).
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    crate::task::coop::unconstrained(|| block_on_unconstrained(future))
}

fn block_on_unconstrained<F: std::future::Future>(future: F) -> F::Output {
    let parker = Arc::new(Parker::new());
    let waker = waker(parker.clone());
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        parker.park();
    }
}
