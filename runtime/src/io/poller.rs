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
        notified: Mutex<bool>,
        condvar: Condvar,
    }

    impl Poller {
        pub(crate) fn new() -> io::Result<Poller> {
            Ok(Poller {
                notified: Mutex::new(false),
                condvar: Condvar::new(),
            })
        }

        pub(crate) fn supports_edge(&self) -> bool {
            true
        }

        pub(crate) fn wait(
            &self,
            _events: &mut Events,
            timeout: Option<Duration>,
        ) -> io::Result<usize> {
            let mut notified = self.notified.lock();
            if timeout != Some(Duration::ZERO) {
                while !*notified {
                    notified = self.condvar.wait(notified);
                }
            }
            *notified = false;
            Ok(0)
        }

        pub(crate) fn notify(&self) -> io::Result<()> {
            *self.notified.lock() = true;
            self.condvar.notify_one();
            Ok(())
        }
    }
}
