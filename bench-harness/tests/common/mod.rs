//! Shared by the workload tests: run a body on a fresh runtime, on its own thread, under a time
//! limit, so a hung workload fails its test instead of stalling CI.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use corio_bench::Adapter;

/// How long one workload may take before the test calls it hung (debug build, shared CI machine).
pub const LIMIT: Duration = Duration::from_secs(60);

/// Builds `R` with `workers` workers, runs `body` on it on a separate thread, and returns its result,
/// failing the test if it does not finish within [`LIMIT`].
pub fn run<R, T>(workers: usize, body: impl FnOnce(&R) -> T + Send + 'static) -> T
where
    R: Adapter,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let rt = R::build(workers).expect("runtime builds");
        let _ = tx.send(body(&rt));
    });
    match rx.recv_timeout(LIMIT) {
        Ok(out) => out,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{} with {workers} worker(s): workload hung", R::NAME)
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{} with {workers} worker(s): workload panicked", R::NAME)
        }
    }
}

/// One test per (runtime, workload, worker count): `<runtime>::<workload>::{one_worker, two_workers}`.
#[macro_export]
macro_rules! workload_tests {
    (workloads: $workloads:tt; $($runtime:ident: $adapter:ty;)*) => {$(
        mod $runtime {
            $crate::workload_tests!(@each $adapter; $workloads);
        }
    )*};
    (@each $adapter:ty; [$($workload:ident),* $(,)?]) => {$(
        mod $workload {
            #[test]
            fn one_worker() {
                $crate::$workload::<$adapter>(1);
            }
            #[test]
            fn two_workers() {
                $crate::$workload::<$adapter>(2);
            }
        }
    )*};
}
