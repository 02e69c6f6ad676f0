//! Synchronization for async code: re-exports of well-kept runtime-agnostic crates.
//!
//! corio does not grow its own copies of these: `async-channel` for multi-producer
//! multi-consumer channels, `futures-channel`'s oneshot, `async-lock`'s mutexes, semaphores and
//! barriers, and `event-listener` for building new primitives. They work on any executor, corio
//! included.
//!
//! # Examples
//!
//! ```
//! use corio::sync::{mpsc, oneshot, Mutex};
//! use std::sync::Arc;
//!
//! corio::run(async {
//!     let (tx, rx) = mpsc::unbounded();
//!     let (done_tx, done_rx) = oneshot::channel();
//!     let total = Arc::new(Mutex::new(0));
//!     let sum = total.clone();
//!     corio::spawn(async move {
//!         while let Ok(n) = rx.recv().await {
//!             *sum.lock().await += n;
//!         }
//!         done_tx.send(()).unwrap();
//!     });
//!     for n in 1..=10 {
//!         tx.send(n).await.unwrap();
//!     }
//!     drop(tx);
//!     done_rx.await.unwrap();
//!     assert_eq!(*total.lock().await, 55);
//! });
//! ```

/// Multi-producer multi-consumer channels, bounded and unbounded (`async-channel`).
pub mod mpsc {
    pub use async_channel::{
        bounded, unbounded, Receiver, Recv, RecvError, Send, SendError, Sender, TryRecvError,
        TrySendError,
    };
}

/// A channel for one value (`futures-channel`).
pub mod oneshot {
    pub use futures_channel::oneshot::{channel, Canceled, Cancellation, Receiver, Sender};
}

pub use async_lock::{
    Barrier, BarrierWaitResult, Mutex, MutexGuard, MutexGuardArc, OnceCell, RwLock,
    RwLockReadGuard, RwLockUpgradableReadGuard, RwLockWriteGuard, Semaphore, SemaphoreGuard,
    SemaphoreGuardArc,
};
pub use event_listener;
