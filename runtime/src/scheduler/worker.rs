//! The worker loop: where each worker thread finds its next task, runs it, and sleeps.
//!
//! A worker owns a [`Core`]: its local deque, its tick counter and its searching flag. While a task
//! is polled the core sits in the thread's [`WorkerContext`], so a spawn or wake made by that task
//! can push to the local deque or LIFO slot; between polls the loop holds it. `block_in_place`
//! takes the core out of the context and hands it to a new thread, which carries on as the worker;
//! the old thread finishes the current poll, finds no core and exits.
//!
//! Order of work, each tick:
//! 1. every `global_queue_interval` ticks, the injector first (so remote work cannot starve);
//! 2. the LIFO slot, then the local deque, then a batch from the injector;
//! 3. search: steal half of a random victim's deque, then the injector, then a victim's LIFO slot;
//! 4. park, following the idle protocol (`idle.rs`); the first parked worker holds the timer token
//!    and sleeps only until the next timer deadline (`time/timers.rs`). When it wakes, and before
//!    it sleeps (at most once per `IDLE_FIRING_SPACING`), it also fires the timers of the coming
//!    tick whose exact deadlines have passed: it is idle, so their tasks can run at once rather
//!    than at the tick. If that fired any, it gets up without looking at the driver; with no
//!    holder left, the busy workers poll the driver every `event_interval` ticks.
//!
//! Every `TIMER_CHECK_INTERVAL` ticks a busy worker also fires due timers, if `next_wake` says any
//! are due (one relaxed load when none are pending, and a clock read when some are).

use super::rand::FastRand;
use super::shared::{Notified, Shared, NO_HOLDER};
use crate::loom::deque::{Steal, Worker};
use crate::loom::sync::atomic::{fence, Ordering::*};
use crate::loom::sync::Arc;
use crate::runtime::context;
use crate::task::coop;
use std::cell::RefCell;
use std::time::Instant;

/// A busy worker looks for due timers every this many ticks (and whenever it parks). Looking
/// costs a clock read while any timer is pending; a tick is at least one task poll, so the delay
/// this adds to a due timer is a few polls — far below the wheel's 1 ms resolution — while the
/// clock reads drop from one per poll (2–3% of a busy HTTP server's time) to one per eight.
const TIMER_CHECK_INTERVAL: u32 = 8;

/// The timer holder, about to sleep until the next tick, first fires that tick's timers whose
/// exact deadlines have already passed — but at most once per this interval. Without the bound, a
/// holder with a few hundred timers per tick would walk the tick's list before every park and fire
/// them one or two at a time (sleep_light with 30,000 tasks: CPU +27%); at 50 µs it fires them in
/// batches, for no more CPU than firing only at ticks and a third of the lateness (p50 954 → 356
/// µs).
const IDLE_FIRING_SPACING: std::time::Duration = std::time::Duration::from_micros(50);

/// After this many polls of tasks taken from the LIFO slot in a row, the next LIFO task goes to
/// the back of the deque instead, so two tasks waking each other cannot starve the rest.
const MAX_LIFO_POLLS_PER_TICK: u32 = 3;

/// The worker-owned part of a worker.
pub(crate) struct Core {
    pub(super) run_queue: Worker<Notified>,
    tick: u32,
    is_searching: bool,
    rand: FastRand,
    pub(super) metrics: LocalCounts,
    /// When this worker last fired timers as an idle worker (`fire_timers` with `idle`).
    last_idle_firing: Option<Instant>,
}

/// Counts only the worker writes; published to `WorkerMetrics` with plain relaxed stores.
#[derive(Default)]
pub(super) struct LocalCounts {
    pub(super) polls: u64,
    pub(super) steals: u64,
    pub(super) parks: u64,
    pub(super) spawned: u64,
}

/// A worker thread's view of its worker, reachable from the thread-local context.
pub(crate) struct WorkerContext {
    pub(crate) shared: Arc<Shared>,
    pub(crate) index: usize,
    /// The core while a task is being polled (or while timers and I/O wake tasks); `None`
    /// between polls or after a hand-off.
    pub(crate) core: RefCell<Option<Box<Core>>>,
    /// True while a task is being polled: the only time `block_in_place` may hand the core off.
    polling_task: std::cell::Cell<bool>,
    /// True while the I/O driver or the timers wake tasks onto this worker with the core lent
    /// (`with_core_lent`): those wakes skip idle rule 1, and the batch is announced once after.
    pub(crate) waking_batch: std::cell::Cell<bool>,
}

/// The cores and the matching remote halves for `num_workers` workers.
pub(crate) fn create(num_workers: usize) -> (Vec<Core>, Box<[super::Remote]>) {
    let (cores, remotes): (Vec<_>, Vec<_>) = (0..num_workers)
        .map(|index| {
            let run_queue = Worker::new_fifo();
            let remote = Shared::remote(run_queue.stealer());
            let core = Core {
                run_queue,
                tick: 0,
                is_searching: false,
                rand: FastRand::new(index as u64 + 1),
                metrics: LocalCounts::default(),
                last_idle_firing: None,
            };
            (core, remote)
        })
        .unzip();
    (cores, remotes.into_boxed_slice())
}

/// The body of a worker thread.
pub(crate) fn run(shared: Arc<Shared>, index: usize, core: Box<Core>) {
    let worker = WorkerContext {
        shared,
        index,
        core: RefCell::new(None),
        polling_task: std::cell::Cell::new(false),
        waking_batch: std::cell::Cell::new(false),
    };
    context::enter_worker(&worker, || {
        if let Some(core) = worker.run(core) {
            worker.release_core(&core);
        }
    });
}

impl WorkerContext {
    /// Runs until shutdown (returning the core) or until `block_in_place` takes the core (`None`).
    fn run(&self, mut core: Box<Core>) -> Option<Box<Core>> {
        let shared = &*self.shared;
        while !shared.is_shutdown() {
            core.tick = core.tick.wrapping_add(1);
            if core.tick % TIMER_CHECK_INTERVAL == 0 {
                if let Some(due) = shared.timers.next_wake() {
                    let now = Instant::now();
                    if shared.timers.now_tick(now) >= due {
                        core = self.fire_timers(core, now, false).0;
                        self.announce_batch(&core);
                    }
                }
            }
            if core.tick % shared.config.event_interval == 0
                && shared.driver.has_sources()
                && shared.timer_holder.load(Relaxed) == NO_HOLDER
            {
                // Nobody sleeps in the driver: look at it without blocking.
                core = self.poll_driver(core, Some(std::time::Duration::ZERO)).0;
                self.announce_batch(&core);
            }
            if let Some(task) = self.next_task(&mut core) {
                core = self.run_task(task, core)?;
            } else if let Some(task) = self.search(&mut core) {
                core = self.run_task(task, core)?;
            } else {
                core = self.park(core);
            }
        }
        Some(core)
    }

    /// Waits in the I/O driver (as the holder, or for a non-blocking look) with the core in the
    /// context, so the tasks woken by events queue on this worker. Returns the core and how many
    /// sources became ready.
    fn poll_driver(
        &self,
        core: Box<Core>,
        timeout: Option<std::time::Duration>,
    ) -> (Box<Core>, usize) {
        let shared = &*self.shared;
        self.with_core_lent(core, || {
            shared.remotes[self.index]
                .parker
                .park_driver(&shared.driver, timeout)
        })
    }

    /// Fires due timers with the core in the context, so the tasks they wake queue on this worker.
    /// Returns the core and how many timers fired; tells the timer holder if a deadline that
    /// raced the firing is now the earliest.
    ///
    /// `idle`: this worker has nothing else to run (it is the timer holder, parking or just
    /// woken), so it also fires the coming tick's timers whose exact deadlines have passed
    /// ([`Timers::process`]) — their tasks run now rather than at the tick. A busy worker does not:
    /// those tasks would only queue behind its work.
    fn fire_timers(&self, mut core: Box<Core>, now: Instant, idle: bool) -> (Box<Core>, usize) {
        let shared = &*self.shared;
        if idle {
            core.last_idle_firing = Some(now);
        }
        let (core, outcome) =
            self.with_core_lent(core, || shared.timers.process(now, Some(self.index), idle));
        if outcome.lowered {
            shared.timer_deadline_lowered();
        }
        (core, outcome.fired)
    }

    /// Runs `f` — which wakes tasks but polls none — with the core in the context, so the woken
    /// tasks queue locally. The core cannot be handed off meanwhile: `block_in_place` hands it off
    /// only from inside a task poll.
    ///
    /// The wakes of the batch do not each apply idle rule 1 (`waking_batch`): the last one lands in
    /// the LIFO slot, which this worker runs next, and the others in the deque; the caller then
    /// calls [`announce_batch`](Self::announce_batch) once it is awake, which wakes a sleeper only
    /// if the deque holds work to steal. So a lone event or timer costs no futex call.
    fn with_core_lent<R>(&self, core: Box<Core>, f: impl FnOnce() -> R) -> (Box<Core>, R) {
        *self.core.borrow_mut() = Some(core);
        self.waking_batch.set(true);
        let result = f();
        self.waking_batch.set(false);
        let core = self
            .core
            .borrow_mut()
            .take()
            .expect("a corio worker's core was taken outside a task poll");
        (core, result)
    }

    /// Idle rule 6: announces a batch woken with the core lent, once this worker counts as awake:
    /// if the deque holds tasks (beyond the LIFO slot this worker runs next), a sleeper may steal
    /// them.
    fn announce_batch(&self, core: &Core) {
        if !core.run_queue.is_empty() && !crate::loom::mutant("idle_batch_not_announced") {
            self.shared.notify_parked();
        }
    }

    fn next_task(&self, core: &mut Core) -> Option<Notified> {
        let shared = &*self.shared;
        // Fairness: look at the injector first now and then.
        if core.tick % shared.config.global_queue_interval == 0 {
            if let Some(task) = shared.steal_from_injector(&core.run_queue) {
                return Some(task);
            }
        }
        // Try the LIFO slot, then the local deque, then a batch from the injector.
        shared.remotes[self.index]
            .lifo
            .take()
            .or_else(|| core.run_queue.pop())
            .or_else(|| {
                let task = shared.steal_from_injector(&core.run_queue)?;
                // Idle rule 5: more of the batch waits in the deque.
                if !core.run_queue.is_empty() {
                    shared.notify_parked();
                }
                Some(task)
            })
    }

    /// Idle rules 2 and 3: steal work from the other workers and the injector.
    fn search(&self, core: &mut Core) -> Option<Notified> {
        let shared = &*self.shared;
        if !core.is_searching {
            if !shared.idle.transition_worker_to_searching() {
                return None;
            }
            core.is_searching = true;
        }
        let remotes = &shared.remotes;
        let start = core.rand.below(remotes.len());
        // Steal half of a random victim's deque; every victim once.
        for offset in 0..remotes.len() {
            let victim = (start + offset) % remotes.len();
            if victim == self.index {
                continue;
            }
            loop {
                match remotes[victim].stealer.steal_batch_and_pop(&core.run_queue) {
                    Steal::Success(task) => {
                        core.metrics.steals += 1;
                        let metrics = &remotes[self.index].metrics;
                        metrics.steal_count.store(core.metrics.steals, Relaxed);
                        return Some(task);
                    }
                    Steal::Retry => {}
                    Steal::Empty => break,
                }
            }
        }
        // Then the injector; then, last, a LIFO slot whose worker may be stuck in a long poll.
        shared.steal_from_injector(&core.run_queue).or_else(|| {
            (0..remotes.len())
                .map(|offset| (start + offset) % remotes.len())
                .filter(|&victim| victim != self.index)
                .find_map(|victim| remotes[victim].lifo.take())
        })
    }

    /// Polls `task`, then any tasks it put in the LIFO slot (within the cap). Returns the core, or
    /// `None` if a task handed it off with `block_in_place`.
    fn run_task(&self, mut task: Notified, mut core: Box<Core>) -> Option<Box<Core>> {
        let shared = &*self.shared;
        if core.is_searching {
            core.is_searching = false;
            // Idle rule 3: the last searcher to find work wakes the next one.
            if shared.idle.transition_worker_from_searching()
                && !crate::loom::mutant("idle_last_searcher_skips_wake")
            {
                shared.notify_parked();
            }
        }
        let remote = &shared.remotes[self.index];
        let mut lifo_polls = 0;
        loop {
            core.metrics.polls += 1;
            remote.metrics.poll_count.store(core.metrics.polls, Relaxed);
            remote.metrics.spawned.store(core.metrics.spawned, Relaxed);
            *self.core.borrow_mut() = Some(core);
            self.polling_task.set(true);
            coop::budget(|| task.run());
            self.polling_task.set(false);
            core = self.core.borrow_mut().take()?;
            // The task just polled may have woken another into the LIFO slot: run it now, while
            // its data is hot, unless the cap says it is time to let the deque move.
            task = match remote.lifo.take() {
                Some(next) => next,
                None => return Some(core),
            };
            if lifo_polls >= MAX_LIFO_POLLS_PER_TICK || shared.is_shutdown() {
                core.run_queue.push(task);
                return Some(core);
            }
            lifo_polls += 1;
        }
    }

    /// Idle rule 4, then sleep until notified or shut down. The first worker to park holds the
    /// timer token: it sleeps only until the next deadline, fires what is due, and gets up if that
    /// woke any task.
    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let shared = &*self.shared;
        let was_searching = std::mem::replace(&mut core.is_searching, false);
        let must_recheck = shared
            .idle
            .transition_worker_to_parked(self.index, was_searching);
        if must_recheck && !crate::loom::mutant("idle_no_recheck") && shared.has_pending_work() {
            shared.notify_parked();
        }
        core.metrics.parks += 1;
        let remote = &shared.remotes[self.index];
        remote.metrics.park_count.store(core.metrics.parks, Relaxed);

        // Acquire/release the token around the sleep; AcqRel so the holder's view of the timers
        // is current when it takes over from the previous holder.
        let holder = shared
            .timer_holder
            .compare_exchange(NO_HOLDER, self.index, AcqRel, Relaxed)
            .is_ok();
        // The holder's half of the handshake with `Shared::timer_deadline_lowered`: publish the
        // token, then read `next_wake`.
        fence(SeqCst);
        loop {
            if shared.is_shutdown() {
                break;
            }
            if holder {
                let mut now = Instant::now();
                if shared
                    .timers
                    .next_wake()
                    .is_some_and(|due| due <= shared.timers.now_tick(now) + 1)
                    && core.last_idle_firing.is_none_or(|last| {
                        now.saturating_duration_since(last) >= IDLE_FIRING_SPACING
                    })
                {
                    // Timers of the coming tick whose exact deadlines passed while this worker
                    // ran: fire them now instead of sleeping to the tick.
                    let (back, fired) = self.fire_timers(core, now, true);
                    core = back;
                    if fired > 0 {
                        if shared.idle.unpark_worker_by_id(self.index) {
                            self.announce_batch(&core);
                        } else {
                            // A notifier unparked it meanwhile and counted it searching.
                            core.is_searching = true;
                        }
                        break;
                    }
                    now = Instant::now();
                }
                // Sleep in the driver until an event, an unpark, or the next timer deadline.
                let timeout = shared
                    .timers
                    .next_wake()
                    .map(|due| shared.timers.until(due, now));
                let (back, ready) = self.poll_driver(core, timeout);
                let (back, fired) = self.fire_timers(back, Instant::now(), true);
                core = back;
                if ready + fired > 0 && shared.idle.unpark_worker_by_id(self.index) {
                    // Awake by its own hand, with the woken tasks in its queue: not searching.
                    self.announce_batch(&core);
                    break;
                }
            } else {
                remote.parker.park();
            }
            if !shared.idle.is_parked(self.index) {
                // Unparked by a notifier, which counted this worker as awake and searching.
                core.is_searching = true;
                break;
            }
            // A stale token or a timer re-arm: sleep again.
        }
        if holder {
            shared.timer_holder.store(NO_HOLDER, Release);
        }
        core
    }

    /// On exit: drop what is still queued locally (the tasks themselves are cancelled through the
    /// owned list).
    fn release_core(&self, core: &Core) {
        drop(self.shared.remotes[self.index].lifo.take());
        while let Some(task) = core.run_queue.pop() {
            drop(task);
        }
    }

    /// `block_in_place`: gives this worker's core to a new thread so the worker keeps running
    /// while this thread blocks. False if there is no core to give (not inside a task poll) or the
    /// thread could not be started.
    pub(crate) fn hand_off_core(&self) -> bool {
        if !self.polling_task.get() {
            return false;
        }
        let Some(core) = self.core.borrow_mut().take() else {
            return false;
        };
        let shared = self.shared.clone();
        let index = self.index;
        let slot = Arc::new(crate::loom::sync::Mutex::new(Some(core)));
        let for_thread = slot.clone();
        let started = self
            .shared
            .threads
            .spawn(&self.shared.config, shared.clone(), move || {
                if let Some(core) = for_thread.lock().take() {
                    run(shared, index, core);
                }
            });
        if started.is_err() {
            // The thread never ran: keep the core and block on this worker.
            *self.core.borrow_mut() = slot.lock().take();
            return false;
        }
        true
    }
}
