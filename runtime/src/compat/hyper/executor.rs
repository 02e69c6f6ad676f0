//! `CorioExecutor`: hyper's `rt::Executor` as corio task spawns.

use std::future::Future;

use crate::Handle;

/// Runs hyper's background futures as corio tasks: `hyper::rt::Executor` for corio.
///
/// hyper hands an executor the futures it needs driven apart from the connection — every HTTP/2
/// stream, and the HTTP/2 client's connection task. [`execute`](::hyper::rt::Executor::execute)
/// spawns each as a detached corio task, exactly as [`corio::spawn`](crate::spawn) would.
///
/// Which runtime runs them:
///
/// - [`CorioExecutor::new`] spawns onto the runtime *current when `execute` is called* — hyper
///   calls it while polling a connection, so that is the runtime driving the connection.
/// - [`CorioExecutor::with_handle`] spawns onto the runtime of the captured [`Handle`], from any
///   thread.
///
/// # Examples
///
/// ```
/// use hyper::rt::Executor;
///
/// corio::run(async {
///     let (tx, rx) = futures_channel::oneshot::channel();
///     corio::compat::hyper::CorioExecutor::new().execute(async move {
///         tx.send("ran on a corio task").unwrap();
///     });
///     assert_eq!(rx.await.unwrap(), "ran on a corio task");
/// });
/// ```
#[derive(Clone, Debug, Default)]
pub struct CorioExecutor {
    handle: Option<Handle>,
}

impl CorioExecutor {
    /// An executor that spawns onto the runtime current at each `execute`.
    ///
    /// # Examples
    ///
    /// ```
    /// let executor = corio::compat::hyper::CorioExecutor::new();
    /// # drop(executor);
    /// ```
    pub fn new() -> CorioExecutor {
        CorioExecutor { handle: None }
    }

    /// An executor that spawns onto `handle`'s runtime, whichever thread calls `execute`.
    ///
    /// # Examples
    ///
    /// ```
    /// use hyper::rt::Executor;
    ///
    /// let runtime = corio::Runtime::new()?;
    /// let executor = corio::compat::hyper::CorioExecutor::with_handle(runtime.handle().clone());
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// // Called from outside any runtime: the captured handle says where the task goes.
    /// executor.execute(async move { tx.send(42).unwrap() });
    /// assert_eq!(rx.recv().unwrap(), 42);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_handle(handle: Handle) -> CorioExecutor {
        CorioExecutor {
            handle: Some(handle),
        }
    }
}

impl From<Handle> for CorioExecutor {
    /// The same as [`CorioExecutor::with_handle`].
    fn from(handle: Handle) -> CorioExecutor {
        CorioExecutor::with_handle(handle)
    }
}

/// # Panics
///
/// An executor made by [`CorioExecutor::new`] panics when `execute` is called outside a corio
/// runtime, as [`corio::spawn`](crate::spawn) does; give it a [`Handle`] with
/// [`CorioExecutor::with_handle`] to spawn from elsewhere.
impl<F> ::hyper::rt::Executor<F> for CorioExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[track_caller]
    fn execute(&self, future: F) {
        // The task is detached: hyper watches its own futures' completion through channels.
        match &self.handle {
            Some(handle) => drop(handle.spawn(future)),
            None => drop(crate::spawn(future)),
        }
    }
}
