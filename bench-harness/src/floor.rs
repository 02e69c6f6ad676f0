//! The kernel's floor for `tcp_echo`: the same exchange as the workload, written as a plain epoll
//! loop with no runtime at all, so that a runtime's figures can be read against what the machine
//! allows.
//!
//! Each of `threads` threads owns the client ends of `connections / threads` loopback TCP
//! connections and, by default, their server ends too (`Placement::Together`: the case most
//! favourable to the kernel, no cross-thread wake-up, warm caches); `Placement::Split` puts each
//! server end on the next thread instead. Every thread registers its sockets in an epoll instance
//! of its own (level-triggered) and loops: a readable server end reads and echoes its 64 bytes, a
//! readable client end reads them back, counts a round trip once all 64 are back and sends the
//! next. No runtime can do less work for the same exchange, so on a machine where the together
//! floor is close to tokio's figure, no runtime can be much faster than tokio there.

use crate::measure::{timed, Span};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
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

/// Where the two ends of a connection live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Both ends on one thread: an echo never wakes another thread.
    Together,
    /// The client end on one thread, the server end on the next: every message wakes the other
    /// thread, as when a runtime runs a connection's two tasks on different workers.
    Split,
}

/// `connections` loopback connections spread over `threads` threads, each doing `round_trips`
/// 64-byte echo round trips, their two ends placed as `placement` says.
pub fn tcp_echo_floor(
    threads: usize,
    connections: usize,
    round_trips: u64,
    placement: Placement,
) -> io::Result<Floor> {
    if threads == 0 || connections < threads || round_trips == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the floor needs at least one thread, a connection per thread and one round trip",
        ));
    }
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let mut ends: Vec<Vec<End>> = (0..threads).map(|_| Vec::new()).collect();
    for i in 0..connections {
        let client = TcpStream::connect(addr)?;
        let (server, _) = listener.accept()?;
        for end in [&client, &server] {
            end.set_nodelay(true)?;
            end.set_nonblocking(true)?;
        }
        let server_thread = match placement {
            Placement::Together => i % threads,
            Placement::Split => (i + 1) % threads,
        };
        ends[i % threads].push(End::Client {
            stream: client,
            left: round_trips,
            echoed: 0,
        });
        ends[server_thread].push(End::Server(server));
    }
    let unfinished = AtomicUsize::new(connections);
    let loops: Vec<EchoLoop> = ends
        .into_iter()
        .map(|ends| EchoLoop::new(ends, &unfinished))
        .collect::<io::Result<_>>()?;
    let (counts, span) = timed(|| {
        thread::scope(|scope| {
            let running: Vec<_> = loops
                .into_iter()
                .map(|echo| scope.spawn(move || echo.run()))
                .collect();
            // Joined in full before any socket closes: a thread done early must not close its
            // ends while a peer thread still reads them (it would see an end of file).
            running
                .into_iter()
                .map(|thread| thread.join().expect("an echo loop panicked"))
                .collect::<Vec<io::Result<(u64, Vec<End>)>>>()
        })
    });
    let mut round_trips = 0;
    for count in counts {
        round_trips += count?.0;
    }
    Ok(Floor { round_trips, span })
}

/// One end of a connection, as its thread sees it.
enum End {
    /// Sends a message, waits for all of it to come back, sends the next: `left` more times.
    Client {
        stream: TcpStream,
        left: u64,
        /// Bytes of the current echo read back so far (TCP may split a message).
        echoed: usize,
    },
    /// Echoes what arrives.
    Server(TcpStream),
}

/// One thread's connection ends and its epoll instance.
struct EchoLoop<'a> {
    epoll: OwnedFd,
    ends: Vec<End>,
    /// Connections, over all threads, whose client has round trips left.
    unfinished: &'a AtomicUsize,
}

impl<'a> EchoLoop<'a> {
    /// Registers every end, its index as the token.
    fn new(ends: Vec<End>, unfinished: &'a AtomicUsize) -> io::Result<EchoLoop<'a>> {
        // SAFETY: `epoll_create1` has no preconditions; a non-negative result is a new fd that
        // nothing else owns, so `OwnedFd` may take it.
        let epoll = unsafe {
            let fd = libc::epoll_create1(libc::EPOLL_CLOEXEC);
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            OwnedFd::from_raw_fd(fd)
        };
        for (token, end) in ends.iter().enumerate() {
            let (End::Client { stream, .. } | End::Server(stream)) = end;
            let mut event = libc::epoll_event {
                events: libc::EPOLLIN as u32,
                u64: token as u64,
            };
            // SAFETY: both fds are open (owned by `epoll` and `ends`, which outlive the
            // registration), and `event` is a valid `epoll_event` for the call to read.
            let rc = unsafe {
                libc::epoll_ctl(
                    epoll.as_raw_fd(),
                    libc::EPOLL_CTL_ADD,
                    stream.as_raw_fd(),
                    &mut event,
                )
            };
            if rc < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(EchoLoop {
            epoll,
            ends,
            unfinished,
        })
    }

    /// Runs until every connection of every thread is done; returns the round trips completed
    /// by this thread's clients, and its ends, still open.
    fn run(mut self) -> io::Result<(u64, Vec<End>)> {
        let message = [b'x'; MESSAGE];
        let mut buf = [0u8; MESSAGE];
        let mut done = 0;
        for end in &mut self.ends {
            if let End::Client { stream, .. } = end {
                stream.write_all(&message)?;
            }
        }
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; EVENTS];
        // Relaxed: a count read to stop; the data itself travels through the sockets.
        while self.unfinished.load(Relaxed) > 0 {
            // SAFETY: `events` is a writable array of `EVENTS` entries, which is what the call is
            // told; the epoll fd is open. The timeout lets a thread left with only server ends
            // see that the last client finished.
            let ready = unsafe {
                libc::epoll_wait(
                    self.epoll.as_raw_fd(),
                    events.as_mut_ptr(),
                    EVENTS as i32,
                    10,
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
                match &mut self.ends[event.u64 as usize] {
                    End::Server(stream) => {
                        let read = read_some(stream, &mut buf)?;
                        stream.write_all(&buf[..read])?;
                    }
                    End::Client {
                        stream,
                        left,
                        echoed,
                    } => {
                        *echoed += read_some(stream, &mut buf)?;
                        if *echoed < MESSAGE {
                            continue;
                        }
                        *echoed = 0;
                        done += 1;
                        *left -= 1;
                        if *left == 0 {
                            self.unfinished.fetch_sub(1, Relaxed);
                        } else {
                            stream.write_all(&message)?;
                        }
                    }
                }
            }
        }
        Ok((done, self.ends))
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
    fn every_round_trip_completes_either_way() {
        for placement in [Placement::Together, Placement::Split] {
            let floor = tcp_echo_floor(2, 4, 50, placement).unwrap();
            assert_eq!(floor.round_trips, 200, "{placement:?}");
            assert!(floor.per_second() > 0.0);
        }
    }

    #[test]
    fn bad_sizes_are_refused() {
        let error = tcp_echo_floor(2, 1, 10, Placement::Together).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
