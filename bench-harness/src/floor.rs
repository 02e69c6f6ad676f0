//! The kernel's floor for `tcp_echo`: the same exchange as the workload, written as a plain epoll
//! loop with no runtime at all, so that a runtime's figures can be read against what the machine
//! allows.
//!
//! Each of `threads` threads owns `connections / threads` loopback TCP connections, *both ends* of
//! each (the case most favourable to the kernel: no cross-thread wake-up, warm caches), registers
//! every socket in an epoll instance of its own (level-triggered) and loops: a readable server
//! end reads and echoes its 64 bytes, a readable client end reads them back, counts a round trip
//! and sends the next. No runtime can do less work for the same exchange, so on a machine where
//! this floor is close to tokio's figure, no runtime can be much faster than tokio there.

use crate::measure::{timed, Span};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::thread;

/// The message size of `tcp_echo`.
const MESSAGE: usize = 64;

/// Events taken per `epoll_wait`.
const EVENTS: usize = 256;

/// What [`tcp_echo_floor`] measured.
#[derive(Clone, Copy, Debug)]
pub struct Floor {
    /// Round trips completed, over all threads.
    pub round_trips: u64,
    /// Wall and CPU time of the exchange (connections set up beforehand).
    pub span: Span,
}

impl Floor {
    /// Round trips per second.
    pub fn per_second(&self) -> f64 {
        self.round_trips as f64 / self.span.wall.as_secs_f64()
    }

    /// CPU time per round trip, in microseconds.
    pub fn cpu_us_per_round_trip(&self) -> f64 {
        (self.span.user + self.span.sys).as_secs_f64() * 1e6 / self.round_trips as f64
    }
}

/// `connections` loopback connections split over `threads` threads, each doing `round_trips`
/// 64-byte echo round trips, both ends of a connection on one thread.
pub fn tcp_echo_floor(threads: usize, connections: usize, round_trips: u64) -> io::Result<Floor> {
    if threads == 0 || connections < threads || round_trips == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the floor needs at least one thread, a connection per thread and one round trip",
        ));
    }
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let mut groups: Vec<Vec<(TcpStream, TcpStream)>> = (0..threads).map(|_| Vec::new()).collect();
    for i in 0..connections {
        let client = TcpStream::connect(addr)?;
        let (server, _) = listener.accept()?;
        for end in [&client, &server] {
            end.set_nodelay(true)?;
            end.set_nonblocking(true)?;
        }
        groups[i % threads].push((client, server));
    }
    let loops: Vec<EchoLoop> = groups
        .into_iter()
        .map(|pairs| EchoLoop::new(pairs, round_trips))
        .collect::<io::Result<_>>()?;
    let (counts, span) = timed(|| {
        thread::scope(|scope| {
            let running: Vec<_> = loops
                .into_iter()
                .map(|echo| scope.spawn(move || echo.run()))
                .collect();
            running
                .into_iter()
                .map(|thread| thread.join().expect("an echo loop panicked"))
                .collect::<io::Result<Vec<u64>>>()
        })
    });
    Ok(Floor {
        round_trips: counts?.iter().sum(),
        span,
    })
}

/// One thread's connections and its epoll instance.
struct EchoLoop {
    epoll: OwnedFd,
    pairs: Vec<(TcpStream, TcpStream)>,
    round_trips: u64,
}

impl EchoLoop {
    /// Registers both ends of every pair: token `2i` is pair i's client end, `2i + 1` its server.
    fn new(pairs: Vec<(TcpStream, TcpStream)>, round_trips: u64) -> io::Result<EchoLoop> {
        // SAFETY: `epoll_create1` has no preconditions; a non-negative result is a new fd that
        // nothing else owns, so `OwnedFd` may take it.
        let epoll = unsafe {
            let fd = libc::epoll_create1(libc::EPOLL_CLOEXEC);
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            OwnedFd::from_raw_fd(fd)
        };
        for (i, (client, server)) in pairs.iter().enumerate() {
            for (token, end) in [(2 * i, client), (2 * i + 1, server)] {
                let mut event = libc::epoll_event {
                    events: libc::EPOLLIN as u32,
                    u64: token as u64,
                };
                // SAFETY: both fds are open (owned by `epoll` and `pairs`, which outlive the
                // registration), and `event` is a valid `epoll_event` for the call to read.
                let rc = unsafe {
                    libc::epoll_ctl(
                        epoll.as_raw_fd(),
                        libc::EPOLL_CTL_ADD,
                        end.as_raw_fd(),
                        &mut event,
                    )
                };
                if rc < 0 {
                    return Err(io::Error::last_os_error());
                }
            }
        }
        Ok(EchoLoop {
            epoll,
            pairs,
            round_trips,
        })
    }

    /// Runs every pair's round trips; returns how many completed.
    fn run(mut self) -> io::Result<u64> {
        let message = [b'x'; MESSAGE];
        let mut buf = [0u8; MESSAGE];
        let mut left = vec![self.round_trips; self.pairs.len()];
        // Bytes of the current echo each client end has read back (TCP may split a message).
        let mut echoed = vec![0; self.pairs.len()];
        let mut unfinished = self.pairs.len();
        let mut done = 0;
        for (client, _) in &mut self.pairs {
            client.write_all(&message)?;
        }
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; EVENTS];
        while unfinished > 0 {
            // SAFETY: `events` is a writable array of `EVENTS` entries, which is what the call is
            // told; the epoll fd is open.
            let ready = unsafe {
                libc::epoll_wait(
                    self.epoll.as_raw_fd(),
                    events.as_mut_ptr(),
                    EVENTS as i32,
                    -1,
                )
            };
            if ready < 0 {
                let error = io::Error::last_os_error();
                if error.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(error);
            }
            for event in &events[..ready as usize] {
                let token = event.u64 as usize;
                let (client, server) = &mut self.pairs[token / 2];
                if token % 2 == 1 {
                    // A server end: echo what arrived.
                    let read = read_some(server, &mut buf)?;
                    server.write_all(&buf[..read])?;
                } else {
                    // A client end: a round trip is complete once all 64 bytes are back.
                    let pair = token / 2;
                    echoed[pair] += read_some(client, &mut buf)?;
                    if echoed[pair] < MESSAGE {
                        continue;
                    }
                    echoed[pair] = 0;
                    done += 1;
                    left[pair] -= 1;
                    if left[pair] == 0 {
                        unfinished -= 1;
                    } else {
                        client.write_all(&message)?;
                    }
                }
            }
        }
        Ok(done)
    }
}

/// One read; 0 if the socket had nothing after all (a spurious level-triggered report).
fn read_some(stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    match stream.read(buf) {
        Ok(0) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the peer closed a floor connection",
        )),
        Ok(read) => Ok(read),
        Err(error) if error.kind() == io::ErrorKind::WouldBlock => Ok(0),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_round_trip_completes_on_each_thread() {
        let floor = tcp_echo_floor(2, 4, 50).unwrap();
        assert_eq!(floor.round_trips, 200);
        assert!(floor.per_second() > 0.0);
    }

    #[test]
    fn bad_sizes_are_refused() {
        let error = tcp_echo_floor(2, 1, 10).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
