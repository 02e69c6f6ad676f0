//! `ScheduledIo`: the readiness of one registered source, and the tasks waiting on it.
//!
//! ```text
//! +--------------------+---------------+-----------------------------------------------------+
//! | unused (bits 32..) | tick (16..32) | SHUTDOWN ERROR WRITE_CLOSED READ_CLOSED WRITABLE READABLE |
//! +--------------------+---------------+-----------------------------------------------------+
//! ```
//!
//! The driver ORs the bits of each event into the word and bumps the tick. A task clears readiness
//! only after an operation returned `WouldBlock`, and only if the tick
//! is still the one it saw when the source was reported ready: an event that arrived in between is
//! never lost, which is what edge-triggered polling needs.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use std::task::{Context, Poll, Waker};

const READABLE: usize = 1 << 0;
const WRITABLE: usize = 1 << 1;
const READ_CLOSED: usize = 1 << 2;
const WRITE_CLOSED: usize = 1 << 3;
const ERROR: usize = 1 << 4;
/// The runtime shut down: every operation fails from now on.
const SHUTDOWN: usize = 1 << 5;
const READY_MASK: usize = (1 << 6) - 1;
const TICK_SHIFT: u32 = 16;
const TICK_MASK: usize = 0xffff << TICK_SHIFT;

/// Readiness bits of a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Ready(usize);

impl Ready {
    pub(crate) const EMPTY: Ready = Ready(0);
    pub(crate) const READABLE: Ready = Ready(READABLE);
    pub(crate) const WRITABLE: Ready = Ready(WRITABLE);
    pub(crate) const READ_CLOSED: Ready = Ready(READ_CLOSED);
    pub(crate) const WRITE_CLOSED: Ready = Ready(WRITE_CLOSED);
    pub(crate) const ERROR: Ready = Ready(ERROR);

    pub(crate) fn is_shutdown(self) -> bool {
        self.0 & SHUTDOWN != 0
    }
}

impl std::ops::BitOr for Ready {
    type Output = Ready;
    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

/// Which way a task waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The bits that end a wait in this direction (an error or a close is reported by the
    /// operation itself).
    fn mask(self) -> usize {
        match self {
            Direction::Read => READABLE | READ_CLOSED | ERROR | SHUTDOWN,
            Direction::Write => WRITABLE | WRITE_CLOSED | ERROR | SHUTDOWN,
        }
    }

    /// The bits a `WouldBlock` in this direction clears: readiness and a reported error (the
    /// kernel said "would block", so the error was consumed — e.g. a UDP ICMP error returned by
    /// the last `recv`). The closed bits stay: a closed direction never blocks again.
    fn clearable(self) -> usize {
        match self {
            Direction::Read => READABLE | ERROR,
            Direction::Write => WRITABLE | ERROR,
        }
    }
}

/// What a task saw when the source was reported ready.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    tick: usize,
    pub(crate) ready: Ready,
    direction: Direction,
}

pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

/// The tasks waiting per direction: lists, since several tasks may wait on one `&TcpStream`. The
/// first waiter of a direction takes the inline slot, so the common case allocates nothing.
#[derive(Default)]
struct Waiters {
    read: WaiterList,
    write: WaiterList,
}

#[derive(Default)]
struct WaiterList {
    first: Option<Waker>,
    more: Vec<Waker>,
}

impl WaiterList {
    fn register(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(first) if first.will_wake(waker) => {}
            Some(_) => {
                if !self.more.iter().any(|other| other.will_wake(waker)) {
                    self.more.push(waker.clone());
                }
            }
        }
    }

    fn take(&mut self) -> (Option<Waker>, Vec<Waker>) {
        (self.first.take(), std::mem::take(&mut self.more))
    }
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// The driver reports an event: adds its bits, bumps the tick, wakes the waiters it satisfies.
    pub(crate) fn set_readiness(&self, ready: Ready) {
        // AcqRel: the release half publishes the event to tasks that load the word (Acquire);
        // the acquire half keeps ticks in order with earlier updates.
        let mut current = self.readiness.load(Acquire);
        loop {
            let tick = ((current & TICK_MASK) >> TICK_SHIFT).wrapping_add(1) & 0xffff;
            let next = (current & READY_MASK) | ready.0 | (tick << TICK_SHIFT);
            match self
                .readiness
                .compare_exchange_weak(current, next, AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        self.wake(ready.0);
    }

    /// The runtime shut down: fail every pending and later operation.
    pub(crate) fn shutdown(&self) {
        // AcqRel: as in `set_readiness`.
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        self.wake(READY_MASK);
    }

    fn wake(&self, bits: usize) {
        let mut waiters = self.waiters.lock();
        let read = if bits & Direction::Read.mask() != 0 {
            waiters.read.take()
        } else {
            Default::default()
        };
        let write = if bits & Direction::Write.mask() != 0 {
            waiters.write.take()
        } else {
            Default::default()
        };
        drop(waiters);
        // Outside the lock: a wake may run scheduler code; a user's waker may panic.
        for (first, more) in [read, write] {
            first
                .into_iter()
                .chain(more)
                .for_each(crate::task::wake_catching);
        }
    }

    /// Ready if the source is ready in `direction`; otherwise registers `cx`'s waker.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        // Acquire: pairs with the driver's release, so the task sees the event before acting.
        let current = self.readiness.load(Acquire);
        if current & direction.mask() != 0 {
            return Poll::Ready(self.event(current, direction));
        }
        let mut waiters = self.waiters.lock();
        // Re-check under the lock: the driver sets readiness before it takes this lock to wake.
        let current = self.readiness.load(Acquire);
        if current & direction.mask() != 0 {
            return Poll::Ready(self.event(current, direction));
        }
        match direction {
            Direction::Read => waiters.read.register(cx.waker()),
            Direction::Write => waiters.write.register(cx.waker()),
        }
        Poll::Pending
    }

    fn event(&self, current: usize, direction: Direction) -> ReadyEvent {
        ReadyEvent {
            tick: current & TICK_MASK,
            ready: Ready(current & READY_MASK & direction.mask()),
            direction,
        }
    }

    /// The operation would block: forget the readiness `event` reported, unless a newer event has
    /// arrived since (its tick moved on).
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.direction.clearable();
        let mut current = self.readiness.load(Acquire);
        while current & TICK_MASK == event.tick && current & clear != 0 {
            // AcqRel: as in `set_readiness`.
            match self
                .readiness
                .compare_exchange_weak(current, current & !clear, AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }
}
