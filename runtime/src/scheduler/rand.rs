//! A tiny per-worker random number generator for choosing steal victims (xorshift64*).

pub(crate) struct FastRand {
    state: u64,
}

impl FastRand {
    pub(crate) fn new(seed: u64) -> FastRand {
        // xorshift must not start at zero.
        FastRand {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    /// A number in `0..bound` (`bound` > 0).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        let random = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        // Multiply-shift maps 32 random bits onto the range without a division.
        (((random >> 32) * bound as u64) >> 32) as usize
    }
}
