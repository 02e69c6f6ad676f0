//! The OS readiness queue behind the driver: `polling::Poller` (epoll, kqueue, event ports, …).
//!
//! Under `cfg(corio_loom)` the poller is a loom condition variable that only `notify` wakes, so the
//! models explore the driver hand-off and the notify-vs-wait race (loom cannot run epoll); sources
//! cannot be registered there.

#[cfg(not(corio_loom))]
pub(crate) use polling::{Event, Events, PollMode, Poller};

#[cfg(corio_loom)]
pub(crate) use self::model::{Event, Events, Poller};

#[cfg(corio_loom)]
mod model {
    use crate::loom::sync::{Condvar, Mutex};
    use std::io;
    use std::time::Duration;

    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Event {
        pub(crate) key: usize,
        pub(crate) readable: bool,
        pub(crate) writable: bool,
    }

    impl Event {
        pub(crate) fn all(key: usize) -> Event {
            Event {
                key,
                readable: true,
                writable: true,
            }
        }
        pub(crate) fn is_interrupt(&self) -> bool {
            false
        }
        pub(crate) fn is_err(&self) -> Option<bool> {
            None
        }
    }

    pub(crate) struct Events;

    impl Events {
        pub(crate) fn new() -> Events {
            Events
        }
        pub(crate) fn iter(&self) -> impl Iterator<Item = Event> + '_ {
            std::iter::empty()
        }
        pub(crate) fn clear(&mut self) {}
    }

    /// A poller with no sources: `wait` sleeps until `notify` (timeouts never expire under loom).
    pub(crate) struct Poller {
        state: Mutex<State>,
        condvar: Condvar,
    }

    struct State {
        /// A `notify` not yet consumed by a `wait`.
        notified: bool,
        /// The timeout of the thread sleeping in `wait`, while one does.
        sleeping: Option<Option<Duration>>,
    }

    impl Poller {
        pub(crate) fn new() -> io::Result<Poller> {
            Ok(Poller {
                state: Mutex::new(State {
                    notified: false,
                    sleeping: None,
                }),
                condvar: Condvar::new(),
            })
        }

        /// The timeout of the thread sleeping in `wait` (`Some(None)`: none), or `None` if no
        /// thread sleeps there or a `notify` is about to wake it: what a model checks at rest.
        pub(crate) fn sleeper(&self) -> Option<Option<Duration>> {
            let state = self.state.lock();
            state.sleeping.filter(|_| !state.notified)
        }

        pub(crate) fn supports_edge(&self) -> bool {
            true
        }

        pub(crate) fn wait(
            &self,
            _events: &mut Events,
            timeout: Option<Duration>,
        ) -> io::Result<usize> {
            let mut state = self.state.lock();
            if timeout != Some(Duration::ZERO) {
                while !state.notified {
                    state.sleeping = Some(timeout);
                    state = self.condvar.wait(state);
                }
                state.sleeping = None;
            }
            state.notified = false;
            Ok(0)
        }

        pub(crate) fn notify(&self) -> io::Result<()> {
            self.state.lock().notified = true;
            self.condvar.notify_one();
            Ok(())
        }
    }
}
