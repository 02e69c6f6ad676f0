//! The task waker: wakes from any thread reach the task; wakes that arrive while the task is
//! running coalesce into exactly one more poll; cloning, dropping and waking a waker — before,
//! during and after the task completes, even after the runtime is gone — is harmless.

// Waking a fresh clone exercises `wake` (by value) on a waker other than the one in the
// `Context`; that is the point, not an oversight.
#![allow(clippy::waker_clone_wake)]

mod support;

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use support::{rt_test, wait_until, Counter, Flag, PATIENCE};

/// Long enough for a runtime that re-polls spuriously to have done so.
const SETTLE: Duration = Duration::from_millis(50);

/// A one-shot gate a task can await; `open` may be called from any thread.
#[derive(Clone, Default)]
struct Gate(Arc<GateInner>);

#[derive(Default)]
struct GateInner {
    open: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Gate {
    fn open(&self) {
        self.0.open.store(true, SeqCst);
        if let Some(w) = self.0.waker.lock().unwrap().take() {
            w.wake();
        }
    }

    fn wait(&self) -> GateWait {
        GateWait(self.clone())
    }
}

struct GateWait(Gate);

impl Future for GateWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let inner = &(self.0).0;
        if inner.open.load(SeqCst) {
            return Poll::Ready(());
        }
        // Register, then check again, so an `open` racing with this poll is never lost.
        *inner.waker.lock().unwrap() = Some(cx.waker().clone());
        if inner.open.load(SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

rt_test! {
    fn wakes_from_foreign_threads() {
        const TASKS: usize = 64;
        const STEPS: usize = 20;
        let rt = rt();
        let gates: Vec<Vec<Gate>> = (0..TASKS)
            .map(|_| (0..STEPS).map(|_| Gate::default()).collect())
            .collect();
        let handles: Vec<_> = gates
            .iter()
            .map(|mine| {
                let mine = mine.clone();
                rt.spawn(async move {
                    for g in &mine {
                        g.wait().await;
                    }
                    mine.len()
                })
            })
            .collect();
        // Four foreign threads open the gates, step by step, interleaved across tasks.
        let openers: Vec<_> = (0..4)
            .map(|t| {
                let gates = gates.clone();
                thread::spawn(move || {
                    for step in 0..STEPS {
                        for task_gates in gates.iter().skip(t).step_by(4) {
                            task_gates[step].open();
                        }
                        thread::yield_now();
                    }
                })
            })
            .collect();
        for o in openers {
            o.join().unwrap();
        }
        for h in handles {
            assert_eq!(rt.block_on(h).unwrap(), STEPS);
        }
    }

    fn ping_pong_with_a_foreign_thread() {
        const ROUNDS: usize = 1000;
        let rt = rt();
        let gates: Vec<Gate> = (0..ROUNDS).map(|_| Gate::default()).collect();
        let (ack_tx, ack_rx) = mpsc::channel();
        let task_gates = gates.clone();
        let jh = rt.spawn(async move {
            for (i, g) in task_gates.iter().enumerate() {
                g.wait().await;
                ack_tx.send(i).unwrap();
            }
        });
        for (i, g) in gates.iter().enumerate() {
            g.open();
            assert_eq!(ack_rx.recv_timeout(PATIENCE), Ok(i), "round {i} lost its wake-up");
        }
        rt.block_on(jh).unwrap();
    }

    fn wakes_during_poll_give_exactly_one_more_poll() {
        let rt = rt();
        let polls = Counter::new();
        let p = polls.clone();
        let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
        let jh = rt.spawn(poll_fn(move |cx| match p.incr() {
            1 => {
                // Three wakes of three kinds while running: one re-poll.
                cx.waker().wake_by_ref();
                cx.waker().wake_by_ref();
                cx.waker().clone().wake();
                Poll::Pending
            }
            2 => {
                waker_tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            n => Poll::Ready(n),
        }));
        let waker = waker_rx.recv_timeout(PATIENCE).expect("the task was not re-polled");
        thread::sleep(SETTLE);
        assert_eq!(polls.get(), 2, "wakes during one poll must coalesce into one re-poll");
        waker.wake();
        assert_eq!(rt.block_on(jh).unwrap(), 3);
        thread::sleep(SETTLE);
        assert_eq!(polls.get(), 3, "a completed task was polled again");
    }

    fn foreign_wake_while_running_gives_exactly_one_more_poll() {
        let rt = rt();
        let polls = Counter::new();
        let p = polls.clone();
        let (to_helper, helper_rx) = mpsc::channel::<Waker>();
        let (helper_done_tx, helper_done) = mpsc::channel::<()>();
        let (second_tx, second_rx) = mpsc::channel::<Waker>();
        // The helper wakes the task from another thread while its first poll is still running.
        let helper = thread::spawn(move || {
            let w = helper_rx.recv().unwrap();
            for _ in 0..5 {
                w.wake_by_ref();
            }
            w.clone().wake();
            w.wake();
            helper_done_tx.send(()).unwrap();
        });
        let jh = rt.spawn(poll_fn(move |cx| match p.incr() {
            1 => {
                to_helper.send(cx.waker().clone()).unwrap();
                helper_done.recv_timeout(PATIENCE).expect("helper thread stuck");
                Poll::Pending
            }
            2 => {
                second_tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            n => Poll::Ready(n),
        }));
        let waker = second_rx.recv_timeout(PATIENCE).expect("a wake during the poll was lost");
        helper.join().unwrap();
        thread::sleep(SETTLE);
        assert_eq!(polls.get(), 2, "foreign wakes during one poll must give one re-poll");
        waker.wake_by_ref();
        drop(waker);
        assert_eq!(rt.block_on(jh).unwrap(), 3);
    }

    fn wake_and_wake_by_ref_each_poll_once() {
        let rt = rt();
        for by_ref in [false, true] {
            let polls = Counter::new();
            let p = polls.clone();
            let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
            let jh = rt.spawn(poll_fn(move |cx| {
                if p.incr() == 1 {
                    waker_tx.send(cx.waker().clone()).unwrap();
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            }));
            let waker = waker_rx.recv_timeout(PATIENCE).unwrap();
            thread::sleep(Duration::from_millis(5));
            assert_eq!(polls.get(), 1, "polled again without a wake");
            if by_ref {
                waker.wake_by_ref();
                drop(waker);
            } else {
                waker.wake();
            }
            rt.block_on(jh).unwrap();
            assert_eq!(polls.get(), 2, "by_ref = {by_ref}");
        }
    }

    fn clone_and_drop_storm_during_poll() {
        let rt = rt();
        let polls = Counter::new();
        let p = polls.clone();
        let jh = rt.spawn(poll_fn(move |cx| {
            if p.incr() > 1 {
                return Poll::Ready(());
            }
            let mut clones: Vec<Waker> = (0..1000).map(|_| cx.waker().clone()).collect();
            let more: Vec<Waker> = clones.iter().map(Waker::clone).collect();
            // Drop half of them on another thread.
            let far: Vec<Waker> = clones.drain(500..).collect();
            thread::spawn(move || drop(far)).join().unwrap();
            for w in &clones[..10] {
                w.wake_by_ref();
            }
            for w in clones.drain(..) {
                w.wake();
            }
            drop(more);
            Poll::Pending
        }));
        rt.block_on(jh).unwrap();
        thread::sleep(SETTLE);
        assert_eq!(polls.get(), 2);
    }

    fn wake_after_completion_is_harmless() {
        let rt = rt();
        let polls = Counter::new();
        let p = polls.clone();
        let kept: Arc<Mutex<Option<Waker>>> = Arc::default();
        let k = kept.clone();
        let jh = rt.spawn(poll_fn(move |cx| {
            if p.incr() == 1 {
                *k.lock().unwrap() = Some(cx.waker().clone());
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(7)
            }
        }));
        assert_eq!(rt.block_on(jh).unwrap(), 7);
        let waker = kept.lock().unwrap().take().unwrap();
        for _ in 0..10 {
            waker.wake_by_ref();
        }
        let clone = waker.clone();
        clone.wake();
        let far = waker.clone();
        thread::spawn(move || far.wake()).join().unwrap();
        thread::sleep(SETTLE);
        assert_eq!(polls.get(), 2, "a completed task was polled again");
        drop(waker);
        // The runtime still works afterwards.
        assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
    }

    fn waker_outlives_the_runtime() {
        let rt = rt();
        let dropped = Counter::new();
        let guard = dropped.guard();
        let (waker_tx, waker_rx) = mpsc::channel::<Waker>();
        let jh = rt.spawn(poll_fn(move |cx| {
            let _keep = &guard;
            let _ = waker_tx.send(cx.waker().clone());
            Poll::<()>::Pending
        }));
        let waker = waker_rx.recv_timeout(PATIENCE).unwrap();
        drop(rt);
        assert_eq!(dropped.get(), 1, "dropping the runtime must drop the pending future");
        // Waking, cloning and dropping a waker of a task whose runtime is gone does nothing.
        waker.wake_by_ref();
        let clone = waker.clone();
        thread::spawn(move || clone.wake()).join().unwrap();
        waker.wake();
        assert!(support::block_on_local(jh).unwrap_err().is_cancelled());
        assert_eq!(dropped.get(), 1);
    }

    fn wake_storm_from_many_threads() {
        const THREADS: usize = 8;
        const WAKES: usize = 2_000;
        let rt = rt();
        let polls = Counter::new();
        let p = polls.clone();
        let finish = Flag::new();
        let f = finish.clone();
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let s = slot.clone();
        let jh = rt.spawn(poll_fn(move |cx| {
            p.incr();
            *s.lock().unwrap() = Some(cx.waker().clone());
            if f.is_set() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        wait_until("the task was polled", || slot.lock().unwrap().is_some());
        let wakers: Vec<_> = (0..THREADS)
            .map(|_| slot.lock().unwrap().clone().unwrap())
            .collect();
        let threads: Vec<_> = wakers
            .into_iter()
            .enumerate()
            .map(|(t, w)| {
                thread::spawn(move || {
                    for i in 0..WAKES {
                        if (i + t) % 2 == 0 {
                            w.wake_by_ref();
                        } else {
                            w.clone().wake();
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        finish.set();
        let last = slot.lock().unwrap().clone().unwrap();
        last.wake();
        rt.block_on(jh).unwrap();
        let n = polls.get();
        assert!(n >= 2, "polled {n} times");
        assert!(n <= THREADS * WAKES + 2, "polled {n} times for at most {} wakes", THREADS * WAKES + 1);
    }
}
