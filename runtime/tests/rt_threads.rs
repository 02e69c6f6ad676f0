//! No thread outlives its runtime: after a runtime with four workers and a busy blocking pool is
//! dropped, the process has exactly the threads it had before.
//!
//! This file holds ONE test on purpose: thread counts are per process, so the test must not share
//! its process with other tests creating runtimes.

mod support;

#[cfg(target_os = "linux")]
#[test]
fn dropping_a_runtime_leaves_no_thread_behind() {
    use std::thread;
    use std::time::{Duration, Instant};

    use corio::task::spawn_blocking;
    use support::{thread_names, Watchdog};

    fn thread_count() -> usize {
        std::fs::read_dir("/proc/self/task")
            .expect("reading /proc/self/task")
            .count()
    }

    // Started first and stopped last, so it is counted both before and after.
    let _w = Watchdog::new("dropping_a_runtime_leaves_no_thread_behind");
    let before = thread_count();
    let names_before = thread_names();

    let rt = corio::Runtime::builder()
        .worker_threads(4)
        .thread_name("corio-threads-test")
        .build()
        .unwrap();
    let jobs = rt.block_on(async {
        let blocking: Vec<_> = (0..8)
            .map(|i| {
                spawn_blocking(move || {
                    thread::sleep(Duration::from_millis(20));
                    i
                })
            })
            .collect();
        let tasks: Vec<_> = (0..100).map(|i| corio::spawn(async move { i })).collect();
        let mut sum = 0;
        for b in blocking {
            sum += b.await.unwrap();
        }
        for t in tasks {
            sum += t.await.unwrap();
        }
        sum
    });
    assert_eq!(jobs, (0..8).sum::<i32>() + (0..100).sum::<i32>());
    let during = thread_count();
    assert!(
        during >= before + 4,
        "expected at least 4 worker threads, had {before} threads before and {during} during"
    );
    // Let the blocking threads go idle: dropping must wake them rather than wait out their
    // keep-alive, so it returns well within this generous bound.
    thread::sleep(Duration::from_millis(50));
    let dropping = Instant::now();
    drop(rt);
    let took = dropping.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "dropping an idle runtime took {took:?}"
    );

    // The kernel may take a moment to reap exited threads.
    let deadline = Instant::now() + Duration::from_secs(2);
    while thread_count() != before && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    let after = thread_count();
    assert_eq!(
        after,
        before,
        "threads left behind by a dropped runtime: before {names_before:?}, after {:?}",
        thread_names()
    );
}
