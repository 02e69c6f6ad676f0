//! Compatibility with other crates' runtime traits, each behind the cargo feature of the same name.
//!
//! A module here owns the glue between corio and one foreign crate: it implements that crate's
//! runtime traits with corio's own types (tasks, timers, sockets) and nothing else. It never
//! adds behaviour of its own on a hot path, and never reaches into corio's internals beyond what
//! the public API offers.
//!
//! - [`hyper`] (feature `hyper`) — hyper 1.x's `rt::{Executor, Timer, Sleep, Read, Write}`, so a
//!   hyper server or client runs on corio.

#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
