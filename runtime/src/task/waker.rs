//! The task's `Waker`: a `RawWaker` whose data pointer is the task header itself, so waking needs
//! no allocation and cloning is one reference-count increment.

use super::state::TransitionToNotified;
use super::{Header, RawTask};
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake_by_val, wake_by_ref, drop_waker);

/// A waker borrowed from the poller's reference: it owns no reference and is never dropped.
pub(super) struct BorrowedWaker {
    waker: ManuallyDrop<Waker>,
}

impl Deref for BorrowedWaker {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// A waker for the task at `ptr`, valid while the caller's reference is.
pub(super) fn borrowed(ptr: NonNull<Header>) -> BorrowedWaker {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), &VTABLE);
    // SAFETY: `VTABLE`'s functions uphold the RawWaker contract for a task header pointer; the
    // ManuallyDrop means this waker never gives back a reference it does not own.
    let waker = unsafe { Waker::from_raw(raw) };
    BorrowedWaker {
        waker: ManuallyDrop::new(waker),
    }
}

/// # Safety (all four)
///
/// `data` is the header pointer of a live task, and the waker calling us owns one reference
/// (rule 3); `wake_by_val` and `drop_waker` consume it.
fn task(data: *const ()) -> RawTask {
    // SAFETY: `data` came from `borrowed` or `clone`, which only ever store a non-null header
    // pointer.
    unsafe { RawTask::from_raw(NonNull::new_unchecked(data as *mut Header)) }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    task(data).state().ref_inc();
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake_by_val(data: *const ()) {
    let task = task(data);
    match task.state().transition_to_notified_by_val() {
        TransitionToNotified::Submit => task.schedule(),
        // SAFETY: the waker's reference was the last one.
        TransitionToNotified::Dealloc => unsafe { task.dealloc() },
        TransitionToNotified::DoNothing => {}
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    let task = task(data);
    if task.state().transition_to_notified_by_ref() == TransitionToNotified::Submit {
        // The transition took a new reference for the `Notified`.
        task.schedule();
    }
}

unsafe fn drop_waker(data: *const ()) {
    task(data).drop_reference();
}
