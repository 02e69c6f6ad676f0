//! `gather`: await many futures concurrently, as `asyncio.gather` does.

use futures_util::future::{join_all, JoinAll};
use std::future::IntoFuture;

/// Runs every future concurrently within the calling task and resolves to their outputs, in the
/// order given. The futures run on the current task (like `asyncio.gather` of coroutines); to
/// run them on several workers, spawn them and gather the `JoinHandle`s.
///
/// # Examples
///
/// ```
/// use corio::task::gather;
///
/// corio::run(async {
///     let doubled = gather((1..=3).map(|n| async move { n * 2 })).await;
///     assert_eq!(doubled, [2, 4, 6]);
///
///     let handles = (0..4).map(|n| corio::spawn(async move { n }));
///     let results: Vec<_> = gather(handles).await.into_iter().map(Result::unwrap).collect();
///     assert_eq!(results, [0, 1, 2, 3]);
/// });
/// ```
pub fn gather<I>(futures: I) -> JoinAll<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    join_all(futures.into_iter().map(IntoFuture::into_future))
}
