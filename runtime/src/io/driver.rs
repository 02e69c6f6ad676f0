//! The I/O driver: one `Poller` per runtime, a slab of registrations, and `turn`, which waits for
//! events and dispatches them.
//!
//! Only one thread may wait on a `Poller` at a time (a second `wait` returns at once with nothing),
//! so `turn` takes the events buffer's lock with `try_lock`: whoever holds it drives; anyone else
//! returns at once. The parked timer holder is the usual driver (it blocks in `wait` with the next
//! timer deadline as its timeout); busy workers turn it without blocking every `event_interval`
//! ticks when nobody is parked in it.
//!
//! A registration's key carries the slot index and the slot's generation; a slot's generation
//! changes when it is freed, so an event still in flight for a closed source is ignored rather
//! than delivered to the source that reuses the slot.

use super::poller::{Event, Events, Poller};
use super::scheduled_io::{Ready, ScheduledIo};
use crate::loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use crate::loom::sync::{Arc, Mutex};
use std::io;
use std::time::Duration;

const INDEX_BITS: u32 = 24;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;

pub(crate) struct Driver {
    poller: Poller,
    /// Edge-triggered registration where the platform has it; oneshot re-arm otherwise.
    edge: bool,
    slab: Mutex<Slab>,
    turn: Mutex<TurnState>,
    /// Events dispatched, for metrics.
    ready_count: AtomicU64,
    /// Sources registered now: busy workers skip polling a driver that has none.
    sources: AtomicUsize,
}

#[derive(Default)]
struct Slab {
    slots: Vec<Slot>,
    free: Vec<usize>,
    shut_down: bool,
}

struct Slot {
    generation: usize,
    io: Option<Arc<ScheduledIo>>,
}

/// The buffers of `turn`, reused from turn to turn.
struct TurnState {
    events: Events,
    ready: Vec<(Arc<ScheduledIo>, Ready)>,
}

impl Driver {
    pub(crate) fn new() -> io::Result<Driver> {
        let poller = Poller::new()?;
        Ok(Driver {
            edge: poller.supports_edge(),
            poller,
            slab: Mutex::new(Slab::default()),
            turn: Mutex::new(TurnState {
                events: Events::new(),
                ready: Vec::new(),
            }),
            ready_count: AtomicU64::new(0),
            sources: AtomicUsize::new(0),
        })
    }

    /// Allocates a slot for a new source. Returns its readiness and key.
    pub(crate) fn allocate(&self) -> io::Result<(Arc<ScheduledIo>, usize)> {
        let mut slab = self.slab.lock();
        if slab.shut_down {
            return Err(shutdown_error());
        }
        let io = Arc::new(ScheduledIo::new());
        let index = match slab.free.pop() {
            Some(index) => index,
            None => {
                if slab.slots.len() > INDEX_MASK {
                    return Err(io::Error::other(
                        "corio's I/O driver has no free registration slot",
                    ));
                }
                slab.slots.push(Slot {
                    generation: 0,
                    io: None,
                });
                slab.slots.len() - 1
            }
        };
        let slot = &mut slab.slots[index];
        slot.io = Some(io.clone());
        // Relaxed: a hint for busy workers (a new source's first event also reaches the parked
        // driver holder, which needs no hint).
        self.sources.fetch_add(1, Relaxed);
        Ok((io, index | (slot.generation << INDEX_BITS)))
    }

    /// Frees the slot of `key` (after the source was removed from the poller).
    pub(crate) fn release(&self, key: usize) {
        let mut slab = self.slab.lock();
        let index = key & INDEX_MASK;
        if let Some(slot) = slab.slots.get_mut(index) {
            if slot.generation == key >> INDEX_BITS && slot.io.take().is_some() {
                slot.generation = slot.generation.wrapping_add(1) & (usize::MAX >> INDEX_BITS);
                slab.free.push(index);
                self.sources.fetch_sub(1, Relaxed);
            }
        }
    }

    /// True if any source is registered (a hint).
    pub(crate) fn has_sources(&self) -> bool {
        self.sources.load(Relaxed) > 0
    }

    pub(crate) fn poller(&self) -> &Poller {
        &self.poller
    }

    pub(crate) fn is_edge(&self) -> bool {
        self.edge
    }

    /// The interest a source is registered (or re-armed) with: both directions.
    pub(crate) fn interest(key: usize) -> Event {
        Event::all(key)
    }

    /// Waits up to `timeout` for events (`None`: until one arrives or `notify`) and dispatches them.
    /// Returns how many sources became ready; 0 at once if another thread is driving.
    ///
    /// `may_block` is asked once the turn lock is held: if it says no (the caller was unparked
    /// meanwhile), the wait does not block. This closes a race: `Poller::wait` consumes any pending
    /// `notify`, even with a zero timeout, so a notification meant for a thread about to block here
    /// could be eaten by another thread's non-blocking turn; only the holder of the turn lock can
    /// consume one, so a check made under it sees every unpark that came before it, and any later
    /// unpark's `notify` lands while this thread holds the lock.
    pub(crate) fn turn(
        &self,
        timeout: Option<Duration>,
        may_block: impl FnOnce() -> bool,
    ) -> usize {
        let Some(mut state) = self.turn.try_lock() else {
            return 0;
        };
        let timeout = if may_block() || crate::loom::mutant("driver_turn_ignores_unpark") {
            timeout
        } else {
            Some(Duration::ZERO)
        };
        let TurnState { events, ready } = &mut *state;
        events.clear();
        if let Err(err) = self.poller.wait(events, timeout) {
            // epoll_wait fails only on programming errors (EBADF/EINVAL/EFAULT); polling already
            // retries EINTR. Nothing can be recovered here; report it and carry on.
            eprintln!("corio: the I/O driver's wait failed: {err}");
            return 0;
        }
        {
            let slab = self.slab.lock();
            for event in events.iter() {
                let index = event.key & INDEX_MASK;
                let Some(slot) = slab.slots.get(index) else {
                    continue;
                };
                // A stale event for a freed (and maybe reused) slot is dropped here.
                if slot.generation != event.key >> INDEX_BITS {
                    continue;
                }
                if let Some(io) = &slot.io {
                    ready.push((io.clone(), readiness_of(&event)));
                }
            }
        }
        let count = ready.len();
        // Relaxed: a metrics counter.
        self.ready_count.fetch_add(count as u64, Relaxed);
        // Dispatch outside the slab lock: waking may register new sources.
        for (io, bits) in ready.drain(..) {
            io.set_readiness(bits);
        }
        count
    }

    /// Wakes the thread blocked in `turn`, if any (the wake-up is remembered otherwise).
    pub(crate) fn notify(&self) {
        if let Err(err) = self.poller.notify() {
            eprintln!("corio: the I/O driver's notify failed: {err}");
        }
    }

    /// Shutdown: every registered source fails its pending and later operations; no new source
    /// can register.
    pub(crate) fn shutdown(&self) {
        let ios: Vec<_> = {
            let mut slab = self.slab.lock();
            slab.shut_down = true;
            slab.slots
                .iter()
                .filter_map(|slot| slot.io.clone())
                .collect()
        };
        for io in ios {
            io.shutdown();
        }
    }

    /// Readiness events dispatched since the runtime started.
    pub(crate) fn ready_count(&self) -> u64 {
        self.ready_count.load(Relaxed)
    }
}

fn readiness_of(event: &Event) -> Ready {
    let mut ready = Ready::EMPTY;
    if event.readable {
        ready = ready | Ready::READABLE;
    }
    if event.writable {
        ready = ready | Ready::WRITABLE;
    }
    if event.is_interrupt() {
        ready = ready | Ready::READ_CLOSED | Ready::WRITE_CLOSED;
    }
    if event.is_err() == Some(true) {
        ready = ready | Ready::ERROR;
    }
    ready
}

pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other("the corio runtime has shut down; its I/O driver is gone")
}
