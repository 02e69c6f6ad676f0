//! What a run measures about its own process: wall time, CPU time and memory.
//!
//! CPU time and peak RSS come from `getrusage(RUSAGE_SELF)`, which covers every thread of the
//! process: the runtime's workers, its blocking pool, and the benchmark thread. That is why every
//! `compare` run is a process of its own (a child of `corio-bench compare`): nothing of another
//! runtime's threads, allocator state or peak memory can leak into the figures.

use std::time::{Duration, Instant};

/// One `getrusage(RUSAGE_SELF)` reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// CPU time spent in user mode, all threads.
    pub user: Duration,
    /// CPU time spent in the kernel, all threads.
    pub sys: Duration,
    /// The largest resident set the process has had so far, in bytes.
    pub peak_rss: u64,
}

impl Usage {
    /// The process's usage so far.
    pub fn now() -> Usage {
        // SAFETY: `getrusage` only writes the struct it is given, which is a valid, writable,
        // zero-initialised `rusage` (all-zero is a valid value of this plain C struct).
        let usage = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            let rc = libc::getrusage(libc::RUSAGE_SELF, &mut usage);
            assert_eq!(rc, 0, "getrusage(RUSAGE_SELF) cannot fail");
            usage
        };
        Usage {
            user: timeval(usage.ru_utime),
            sys: timeval(usage.ru_stime),
            // Linux reports ru_maxrss in KiB.
            peak_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        }
    }
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(u64::try_from(tv.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(tv.tv_usec).unwrap_or(0))
}

/// The resident set size right now, in bytes (`/proc/self/statm`), or 0 where that is unreadable.
pub fn current_rss() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let resident: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|pages| pages.parse().ok())
        .unwrap_or(0);
    // SAFETY: `sysconf` has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    resident * u64::try_from(page).unwrap_or(4096)
}

/// Wall and CPU time of one timed section.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Elapsed real time.
    pub wall: Duration,
    /// User CPU time of the whole process during the section.
    pub user: Duration,
    /// System CPU time of the whole process during the section.
    pub sys: Duration,
}

/// Runs `f`, measuring its wall time and the process's CPU time around it.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Span) {
    let before = Usage::now();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed();
    let after = Usage::now();
    let span = Span {
        wall,
        user: after.user.saturating_sub(before.user),
        sys: after.sys.saturating_sub(before.sys),
    };
    (out, span)
}

impl std::ops::AddAssign for Span {
    fn add_assign(&mut self, other: Span) {
        self.wall += other.wall;
        self.user += other.user;
        self.sys += other.sys;
    }
}
