//! 100,000 concurrent sleeps complete, each at or after its deadline: 100k tasks each awaiting
//! one seeded random sleep (spread over every worker's wheel), and 100k sleeps awaited together
//! from `block_on` (all in the shared wheel), and 100k registered sleeps dropped at once.
//!
//! Every test runs on one worker and on four (`support::rt_test!`). These are the only time
//! tests that may take longer than a couple of seconds (debug build).

mod support;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::time::{Duration, Instant};

use corio::time::{sleep, sleep_until};
use support::rt_test;

const SLEEPS: usize = 100_000;
const SEED: u64 = 0x100_000;

/// splitmix64, seeded, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A sleep length of 1–50 ms, with microsecond detail (the benchmarks' range).
    fn sleep_length(&mut self) -> Duration {
        Duration::from_micros(1_000 + self.next() % 49_000)
    }
}

#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

rt_test! {
    fn hundred_thousand_tasks_sleeping_concurrently() {
        let rt = rt();
        let mut rng = Rng(SEED);
        let done = Arc::new(AtomicUsize::new(0));
        let early = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..SLEEPS)
            .map(|_| {
                let length = rng.sleep_length();
                let (done, early) = (done.clone(), early.clone());
                rt.spawn(async move {
                    let s = sleep(length);
                    let deadline = s.deadline();
                    s.await;
                    if Instant::now() < deadline {
                        early.fetch_add(1, SeqCst);
                    }
                    done.fetch_add(1, SeqCst);
                })
            })
            .collect();
        rt.block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
        assert_eq!(done.load(SeqCst), SLEEPS);
        assert_eq!(early.load(SeqCst), 0, "sleeps woke before their deadline");
    }

    fn hundred_thousand_sleeps_in_one_block_on() {
        let rt = rt();
        let mut rng = Rng(SEED + 1);
        let base = Instant::now();
        let deadlines: Vec<_> = (0..SLEEPS).map(|_| base + rng.sleep_length()).collect();
        let on_time = rt.block_on(corio::task::gather(deadlines.iter().map(|&d| async move {
            sleep_until(d).await;
            Instant::now() >= d
        })));
        assert_eq!(on_time.len(), SLEEPS);
        let early = on_time.iter().filter(|ok| !**ok).count();
        assert_eq!(early, 0, "sleeps woke before their deadline");
    }

    /// 100k sleeps registered in one worker's wheel, then all dropped before their deadlines:
    /// no waker is ever called, and the wheel still fires new timers.
    fn hundred_thousand_registered_sleeps_dropped() {
        let rt = rt();
        let waker = Arc::new(CountingWaker::default());
        let w = waker.clone();
        rt.block_on(rt.spawn(async move {
            let task_waker = Waker::from(w);
            let mut cx = Context::from_waker(&task_waker);
            let mut rng = Rng(SEED + 2);
            let mut sleeps: Vec<_> = (0..SLEEPS)
                .map(|_| Box::pin(sleep(Duration::from_secs(1) + rng.sleep_length())))
                .collect();
            let mut registered = 0;
            for s in &mut sleeps {
                registered += usize::from(s.as_mut().poll(&mut cx).is_pending());
            }
            assert!(registered > 0);
            drop(sleeps);
        }))
        .unwrap();
        // Wakes before the drop (none, unless registering took longer than a deadline) are
        // allowed; none may come after it.
        let before = waker.0.load(SeqCst);
        // Past every deadline the dropped sleeps had.
        rt.block_on(sleep(Duration::from_millis(1_100)));
        assert_eq!(waker.0.load(SeqCst), before, "a dropped sleep's waker was called");
    }
}
