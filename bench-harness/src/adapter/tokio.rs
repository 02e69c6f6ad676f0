//! [`Adapter`] for tokio: a thin forward to `tokio::runtime::Runtime`, `tokio::spawn` and
//! `tokio::task::yield_now`. Must never add work on a hot path.
//!
//! The runtime is built with `enable_all()`, as tokio's own scheduler benchmarks do: corio always
//! runs its I/O driver and timers, so a tokio without them would park on a cheaper path and the
//! comparison would no longer be like with like.

use std::future::Future;
use std::io;

use super::Adapter;

/// A tokio multi-thread runtime (I/O and time drivers enabled).
pub struct Tokio {
    rt: ::tokio::runtime::Runtime,
}

impl Tokio {
    /// The runtime itself, for workloads that need more than the adapter offers.
    pub fn runtime(&self) -> &::tokio::runtime::Runtime {
        &self.rt
    }
}

impl Adapter for Tokio {
    const NAME: &'static str = "tokio";

    type JoinError = ::tokio::task::JoinError;
    type Join<T: Send + 'static> = ::tokio::task::JoinHandle<T>;

    fn build(workers: usize) -> io::Result<Self> {
        let rt = ::tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()?;
        Ok(Tokio { rt })
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.rt.block_on(fut)
    }

    fn spawn<F>(&self, fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.rt.spawn(fut)
    }

    fn spawn_inside<F>(fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        ::tokio::spawn(fut)
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        ::tokio::task::yield_now()
    }
}
