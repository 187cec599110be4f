//! A small seeded generator for `rand`: SplitMix64 (Steele, Lea and Flood, 2014).
//!
//! Deterministic on every platform, so tests and the seed example reproduce bit for bit. Not for
//! cryptography; it only has to fill matrices with well-spread values.

pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` on a grid of `2^-bits`; with `bits` at most the mantissa width of the
    /// target type every value converts exactly, so none rounds up to 1.
    pub(crate) fn next_unit(&mut self, bits: u32) -> f64 {
        (self.next_u64() >> (64 - bits)) as f64 * (-f64::from(bits)).exp2()
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn unit_values_stay_below_one_and_spread_out() {
        let mut rng = SplitMix64::new(7);
        let xs: Vec<f64> = (0..10_000).map(|_| rng.next_unit(24)).collect();
        assert!(xs.iter().all(|&x| (0.0..1.0).contains(&x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
    }
}
