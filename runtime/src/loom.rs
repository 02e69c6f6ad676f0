//! The one place in the runtime that names synchronization primitives.
//!
//! Everything concurrent in corio — atomics, `Arc`, locks, condition variables, `UnsafeCell`, threads,
//! thread-locals and the work-stealing deque — is imported from here. Normal builds get std,
//! `parking_lot` and `crossbeam-deque`; builds with `--cfg corio_loom` get loom's versions, so the loom
//! models in `loom-tests/` explore every interleaving of the real runtime code. The two sides offer the
//! same API: `Mutex::lock` returns the guard directly, `Condvar::wait` takes and returns the guard, and
//! `UnsafeCell` is accessed through `with`/`with_mut` closures.
//!
//! This module must never grow logic: it adapts names and signatures, nothing more. The one
//! exception is [`mutant`] (and [`weaken`]): the switch of the deliberate bugs the loom models are
//! proven against, a `const false` (and the ordering unchanged) in normal builds.

mod mutant;
pub(crate) use mutant::{mutant, weaken};

#[cfg(not(corio_loom))]
mod std_side;
#[cfg(not(corio_loom))]
pub(crate) use std_side::*;

#[cfg(corio_loom)]
mod loom_side;
#[cfg(corio_loom)]
pub(crate) use loom_side::*;
