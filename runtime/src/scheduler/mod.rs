//! The multi-thread work-stealing scheduler.
//!
//! Each worker thread owns a local FIFO deque (`crossbeam_deque::Worker`) and publishes its
//! `Stealer`; a shared `Injector` takes spawns and wakes from threads that are not workers. A
//! per-worker LIFO slot holds the task most recently woken by the running task.
//!
//! # Where a task goes
//!
//! | from                         | spawn                   | wake           | woke itself (yield) |
//! |------------------------------|-------------------------|----------------|---------------------|
//! | a task on a worker           | back of the local deque | LIFO slot      | back of the deque   |
//! | any other thread             | injector                | injector       | injector            |
//!
//! The LIFO slot's previous occupant moves to the back of the deque. At most
//! `MAX_LIFO_POLLS_PER_TICK` LIFO tasks run in a row before the deque gets its turn.
//!
//! # Guarantees
//!
//! What users may rely on: every spawned or woken task is eventually polled while the runtime runs
//! (no lost wake-up, no starvation by a yielding loop or by LIFO ping-pong, and remote work is
//! looked at every `global_queue_interval` ticks); each poll happens on one thread at a time;
//! dropping the runtime cancels every task and drops its future exactly once.
//!
//! Not guarantees, but today's tuning: the LIFO cap (3), the injector interval (61 by default),
//! the steal batch (half the victim's deque, as crossbeam decides), and at most half the workers
//! searching at once.
//!
//! # The LIFO slot can be stolen
//!
//! A worker that searched every deque and the injector in vain takes a victim's LIFO slot. So a
//! task woken into the slot by a task that then runs a long synchronous stretch is picked up by any
//! searching worker instead of waiting for that poll to end. Filling the slot follows idle rule 1
//! like any other push: it wakes a sleeper when nobody is searching.

mod idle;
mod lifo;
mod park;
mod rand;
mod shared;
mod worker;

pub(crate) use self::shared::{Notified, Remote, Shared};
pub(crate) use self::worker::{create as create_workers, run as run_worker, WorkerContext};
