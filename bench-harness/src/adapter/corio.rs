//! [`Adapter`] for corio: a thin forward to `corio::Runtime`, `corio::spawn` and
//! `corio::task::yield_now`. Must never add work on a hot path.

use std::future::Future;
use std::io;

use super::Adapter;

/// A corio multi-thread runtime.
pub struct Corio {
    rt: ::corio::Runtime,
}

impl Corio {
    /// The runtime itself, for workloads that need more than the adapter offers.
    pub fn runtime(&self) -> &::corio::Runtime {
        &self.rt
    }
}

impl Adapter for Corio {
    const NAME: &'static str = "corio";

    type JoinError = ::corio::task::JoinError;
    type Join<T: Send + 'static> = ::corio::task::JoinHandle<T>;

    fn build(workers: usize) -> io::Result<Self> {
        let rt = ::corio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .build()?;
        Ok(Corio { rt })
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
        ::corio::spawn(fut)
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        ::corio::task::yield_now()
    }
}
