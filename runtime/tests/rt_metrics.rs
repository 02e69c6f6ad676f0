//! Runtime metrics: they describe the runtime they come from and move the right way — worker
//! count, spawned tasks, polls, parks, steals, queue depths and blocking threads.

mod support;

use std::thread;
use std::time::Duration;

use corio::runtime::RuntimeMetrics;
use corio::task::yield_now;
use corio::Handle;
use support::{rt_test, wait_for, wait_until, Counter, Flag, Watchdog};

fn total_polls(m: &RuntimeMetrics) -> u64 {
    (0..m.num_workers()).map(|i| m.worker_poll_count(i)).sum()
}

fn total_parks(m: &RuntimeMetrics) -> u64 {
    (0..m.num_workers()).map(|i| m.worker_park_count(i)).sum()
}

fn total_steals(m: &RuntimeMetrics) -> u64 {
    (0..m.num_workers()).map(|i| m.worker_steal_count(i)).sum()
}

rt_test! {
    fn num_workers_matches_the_builder() {
        let rt = rt();
        assert_eq!(rt.metrics().num_workers(), WORKERS);
        assert_eq!(rt.handle().metrics().num_workers(), WORKERS);
        let inside = rt.block_on(rt.spawn(async { Handle::current().metrics().num_workers() }));
        assert_eq!(inside.unwrap(), WORKERS);
    }

    fn spawned_tasks_count_grows() {
        let rt = rt();
        let before = rt.metrics().spawned_tasks_count();
        let handles: Vec<_> = (0..100).map(|_| rt.spawn(async {})).collect();
        let from_inside = rt.block_on(async {
            for h in handles {
                h.await.unwrap();
            }
            let hs: Vec<_> = (0..50).map(|_| corio::spawn(async {})).collect();
            for h in hs {
                h.await.unwrap();
            }
            Handle::current().metrics().spawned_tasks_count()
        });
        let after = rt.metrics().spawned_tasks_count();
        assert!(after >= before + 150, "before {before}, after {after}");
        assert!(from_inside >= before + 150);
        assert!(after >= from_inside, "a counter went backwards");
    }

    fn poll_counts_cover_every_task() {
        let rt = rt();
        let before = total_polls(&rt.metrics());
        const N: u64 = 500;
        rt.block_on(async {
            let hs: Vec<_> = (0..N)
                .map(|i| {
                    corio::spawn(async move {
                        if i % 2 == 0 {
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
        });
        // Workers may publish their counters in batches (when they park, say).
        wait_until("worker poll counts cover every task", || {
            total_polls(&rt.metrics()) >= before + N
        });
    }

    fn idle_workers_park() {
        let rt = rt();
        rt.block_on(async {
            for _ in 0..10 {
                corio::spawn(async {}).await.unwrap();
            }
        });
        wait_until("some worker parked", || total_parks(&rt.metrics()) > 0);
    }

    fn queues_drain_when_idle() {
        let rt = rt();
        rt.block_on(async {
            let hs: Vec<_> = (0..1000).map(|_| corio::spawn(yield_now())).collect();
            for h in hs {
                h.await.unwrap();
            }
        });
        wait_until("the queues are empty", || {
            let m = rt.metrics();
            m.global_queue_depth() == 0
                && (0..m.num_workers()).all(|i| m.worker_local_queue_depth(i) == 0)
        });
    }

    fn blocking_threads_count_running_jobs() {
        let rt = rt();
        let release = Flag::new();
        let started = Counter::new();
        let jobs: Vec<_> = (0..3)
            .map(|_| {
                let (release, started) = (release.clone(), started.clone());
                rt.spawn_blocking(move || {
                    started.incr();
                    wait_for(|| release.is_set())
                })
            })
            .collect();
        // All three are running at once, each on a blocking thread of its own.
        wait_until("three blocking jobs run at once", || started.get() == 3);
        let threads = rt.metrics().blocking_threads();
        assert!(threads >= 3, "blocking_threads() = {threads} with three jobs running");
        release.set();
        for j in jobs {
            assert!(rt.block_on(j).unwrap());
        }
    }

    fn per_worker_accessors_cover_every_index() {
        let rt = rt();
        let m = rt.metrics();
        for i in 0..m.num_workers() {
            let _: u64 = m.worker_poll_count(i);
            let _: u64 = m.worker_steal_count(i);
            let _: u64 = m.worker_park_count(i);
            let _: usize = m.worker_local_queue_depth(i);
        }
        let _: usize = m.global_queue_depth();
        let _: usize = m.blocking_threads();
        let _: u64 = m.spawned_tasks_count();
    }
}

#[test]
fn global_queue_depth_counts_waiting_outside_spawns() {
    let _w = Watchdog::new("global_queue_depth_counts_waiting_outside_spawns");
    let rt = support::runtime(1);
    let release = Flag::new();
    let running = Flag::new();
    let blocker = {
        let (release, running) = (release.clone(), running.clone());
        rt.spawn(async move {
            running.set();
            while !release.is_set() {
                thread::sleep(Duration::from_millis(1));
            }
        })
    };
    wait_until("the only worker is busy", || running.is_set());
    let handles: Vec<_> = (0..10).map(|_| rt.spawn(async {})).collect();
    assert_eq!(rt.metrics().global_queue_depth(), 10);
    release.set();
    rt.block_on(blocker).unwrap();
    for h in handles {
        rt.block_on(h).unwrap();
    }
    assert_eq!(rt.metrics().global_queue_depth(), 0);
}

#[test]
fn local_queue_depth_counts_spawns_from_the_worker() {
    let _w = Watchdog::new("local_queue_depth_counts_spawns_from_the_worker");
    let rt = support::runtime(1);
    let depth = rt
        .block_on(rt.spawn(async {
            let hs: Vec<_> = (0..10).map(|_| corio::spawn(async {})).collect();
            let depth = Handle::current().metrics().worker_local_queue_depth(0);
            for h in hs {
                h.await.unwrap();
            }
            depth
        }))
        .unwrap();
    // One of the ten may sit in the LIFO slot, which need not count as queued.
    assert!(
        (9..=10).contains(&depth),
        "local queue depth {depth} after 10 local spawns"
    );
}

#[test]
fn idle_workers_steal_from_a_busy_one() {
    let _w = Watchdog::new("idle_workers_steal_from_a_busy_one");
    let rt = support::runtime(4);
    let before = total_steals(&rt.metrics());
    rt.block_on(rt.spawn(async {
        // 64 slow tasks pile up in this worker's local queue; the three idle workers must come
        // and take some.
        let hs: Vec<_> = (0..64)
            .map(|_| {
                corio::spawn(async {
                    thread::sleep(Duration::from_millis(2));
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
    }))
    .unwrap();
    wait_until("a steal was counted", || {
        total_steals(&rt.metrics()) > before
    });
}
