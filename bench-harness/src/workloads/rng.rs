//! [`Rng`]: a tiny seeded generator (SplitMix64, Steele, Lea & Flood 2014), so every runtime draws
//! exactly the same sleep durations without pulling a random-number crate into the comparison.

use std::time::Duration;

/// SplitMix64: one `u64` of state, one add and three xor-shift-multiplies per draw.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for task number `task` of a workload seeded with `seed`: every task gets its own
    /// stream, so what a task draws does not depend on which task ran first.
    pub fn for_task(seed: u64, task: usize) -> Rng {
        let mut rng = Rng {
            state: seed ^ (task as u64).wrapping_mul(0xA076_1D64_78BD_642F),
        };
        // One draw to spread nearby seeds apart.
        rng.next_u64();
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration drawn uniformly from `min..=max`, at microsecond granularity.
    ///
    /// # Panics
    ///
    /// If `min > max`.
    pub fn duration(&mut self, min: Duration, max: Duration) -> Duration {
        assert!(min <= max, "empty duration range {min:?}..={max:?}");
        let (lo, hi) = (min.as_micros() as u64, max.as_micros() as u64);
        let span = hi - lo + 1;
        // Multiply-shift instead of `%`: unbiased enough for benchmark durations, and branch-free.
        let offset = ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as u64;
        Duration::from_micros(lo + offset)
    }
}
