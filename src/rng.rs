//! A small seeded generator: SplitMix64 (Steele, Lea and Flood, 2014).
//!
//! Deterministic on every platform, so tests, the examples and shuffled batches reproduce bit for
//! bit. Not for cryptography; it only has to fill matrices with well-spread values and draw
//! unbiased indices.

pub(crate) struct SplitMix64(u64);

/// The step SplitMix64 adds to its state: 2^64 divided by the golden ratio, made odd.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijection of `u64` that spreads every input bit over the
/// output (Stafford's "Mix13" variant of MurmurHash3's finaliser).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The generator for stream `stream` of `seed`, such as one epoch's shuffle.
    ///
    /// Both numbers go through [`mix`] before they meet, so neighbouring seeds or streams start
    /// from unrelated states. Starting from `seed + stream` instead would not do: SplitMix64's
    /// state moves by [`GAMMA`] per draw, so the stream at `seed + GAMMA` would repeat the one at
    /// `seed`, one draw later.
    pub(crate) fn for_stream(seed: u64, stream: u64) -> Self {
        SplitMix64(mix(mix(seed) ^ stream.wrapping_add(GAMMA)))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n`, without bias, for `n > 0` (Lemire, "Fast Random Integer Generation in
    /// an Interval", 2019).
    ///
    /// A draw `x` maps to the high word of `x · n`. Each of the `n` results then gets either
    /// `⌊2^64 / n⌋` or one more of the `2^64` draws; the draws whose low word is below
    /// `2^64 mod n` are the surplus, one from each result that has the extra one, and are drawn
    /// again.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0, "below(0) has no value to return");
        let mut wide = u128::from(self.next_u64()) * u128::from(n);
        // The low word, `wide mod 2^64`: the truncation is the point.
        let mut low = wide as u64;
        if low < n {
            // `2^64 mod n`, computed in u64 as `(2^64 - n) mod n`.
            let surplus = n.wrapping_neg() % n;
            while low < surplus {
                wide = u128::from(self.next_u64()) * u128::from(n);
                low = wide as u64;
            }
        }
        (wide >> 64) as u64
    }

    /// Shuffles `items` in place: every order equally likely (Fisher and Yates; Durstenfeld's
    /// in-place form), drawing from this generator only.
    pub(crate) fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            // `usize` is at most 64 bits on every target Rust supports, so both casts are exact.
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
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

    #[test]
    fn below_stays_in_range_and_hits_every_value_about_equally() {
        let mut rng = SplitMix64::new(11);
        for n in [1, 2, 3, 7, 10] {
            let mut counts = vec![0usize; n as usize];
            for _ in 0..10_000 {
                let v = rng.below(n);
                assert!(v < n, "below({n}) gave {v}");
                counts[v as usize] += 1;
            }
            let expected = 10_000 / n as usize;
            for (v, &c) in counts.iter().enumerate() {
                assert!(
                    c.abs_diff(expected) < expected / 5 + 5,
                    "below({n}): {v} came {c} times"
                );
            }
        }
    }

    #[test]
    fn below_a_bound_whose_surplus_is_half_of_all_draws_still_spreads_over_the_range() {
        // n = 2^63 + 1: 2^64 mod n = 2^63 - 1, so about half of all draws are drawn again.
        let n = (1u64 << 63) + 1;
        let mut rng = SplitMix64::new(3);
        let draws: Vec<u64> = (0..2_000).map(|_| rng.below(n)).collect();
        assert!(draws.iter().all(|&v| v < n));
        let upper_half = draws.iter().filter(|&&v| v >= 1 << 62).count();
        assert!(
            (900..1_100).contains(&upper_half),
            "{upper_half} of 2000 in the upper half"
        );
    }

    #[test]
    fn a_shuffle_is_a_permutation_and_depends_on_the_stream() {
        let mut a: Vec<usize> = (0..100).collect();
        let mut b = a.clone();
        SplitMix64::for_stream(5, 0).shuffle(&mut a);
        SplitMix64::for_stream(5, 1).shuffle(&mut b);
        assert_ne!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
    }
}
