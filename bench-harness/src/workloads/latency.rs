//! Latency samples: recorded as plain `u32` nanoseconds in the timed section (one store per sample,
//! no histogram arithmetic and no shared cache line on the hot path), folded into one
//! [`Histogram`] after the timed section.

use hdrhistogram::Histogram;

/// A fresh latency histogram in nanoseconds: 1 ns to 1 hour, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds")
}

/// Nanoseconds of `d`, saturating at `u32::MAX - 1` (4.29 s): `u32::MAX` is reserved for
/// [`EARLY`].
pub fn nanos_u32(d: std::time::Duration) -> u32 {
    u32::try_from(d.as_nanos()).map_or(u32::MAX - 1, |ns| ns.min(u32::MAX - 1))
}

/// The sample recorded for a timer that fired before its deadline (which must never happen).
pub const EARLY: u32 = u32::MAX;

/// Operations completed and their latency distribution.
#[derive(Clone, Debug)]
pub struct Latencies {
    /// Operations completed (sleeps, round trips, connections).
    pub ops: u64,
    /// Samples that were `EARLY` (timers only; always 0 for I/O): not in the histogram.
    pub early: u64,
    /// Latency of every operation, in nanoseconds.
    pub histogram: Histogram<u64>,
}

impl Latencies {
    /// Folds sample vectors into one distribution; every sample is one operation.
    pub fn from_samples<'a>(samples: impl IntoIterator<Item = &'a [u32]>) -> Latencies {
        let mut out = Latencies {
            ops: 0,
            early: 0,
            histogram: histogram(),
        };
        for chunk in samples {
            for &ns in chunk {
                out.ops += 1;
                if ns == EARLY {
                    out.early += 1;
                } else {
                    out.histogram
                        .record(u64::from(ns))
                        .expect("value within bounds");
                }
            }
        }
        out
    }

    /// Merges another run's distribution into this one.
    pub fn merge(&mut self, other: &Latencies) {
        self.ops += other.ops;
        self.early += other.early;
        self.histogram
            .add(&other.histogram)
            .expect("histograms with the same bounds");
    }
}
