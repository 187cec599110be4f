//! The benchmark's statistics: the median of a row's ratios and a confidence interval for it.
//!
//! Plain `std`, so that the root crate's `tests/bench_stats.rs` can include this file and
//! `cargo test` runs these tests (the benchmark crate is not a default member).

/// The median of `v` (the mean of the middle two for an even count). Sorts `v`.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A 95 % confidence interval of the median of `v`, which needs no assumption about its
/// distribution: the values of ranks `j` and `n + 1 - j` (from 1) in sorted order, for the
/// largest `j` at which fewer than `j` of `n` fair coin tosses come up heads with a probability
/// of at most 2.5 %. With 25 values those are ranks 8 and 18; with 61, 23 and 39. Below 6 values
/// no two ranks cover 95 %, and the interval is the whole range. Sorts `v`.
pub fn median_interval(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    // P(heads = k) in logarithms, since 2^-n underflows for the 2000 values of a short row.
    let mut ln_p = -(n as f64) * core::f64::consts::LN_2;
    let mut below = 0.0;
    let mut j = 0;
    for k in 0..n {
        below += ln_p.exp();
        if below > 0.025 {
            break;
        }
        j = k + 1;
        ln_p += ((n - k) as f64 / (k + 1) as f64).ln();
    }
    let j = j.max(1);
    (v[j - 1], v[n - j])
}

#[cfg(test)]
mod tests {
    use super::{median, median_interval};

    fn ranks(n: usize) -> (f64, f64) {
        // The values 1..=n, shuffled, so that each value is its own rank.
        let mut v: Vec<f64> = (1..=n).map(|r| ((r * 7919) % n + 1) as f64).collect();
        median_interval(&mut v)
    }

    #[test]
    fn the_median_interval_takes_the_ranks_of_the_binomial_tables() {
        // Ranks from the sign test's tables: (n, lower, upper).
        for (n, lo, hi) in [
            (6, 1, 6),
            (10, 2, 9),
            (25, 8, 18),
            (61, 23, 39),
            (100, 40, 61),
        ] {
            assert_eq!(ranks(n), (lo as f64, hi as f64), "{n} values");
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn below_six_values_the_median_interval_is_the_whole_range() {
        assert_eq!(ranks(5), (1.0, 5.0));
        assert_eq!(median_interval(&mut [2.0]), (2.0, 2.0));
        assert!(median_interval(&mut []).0.is_nan());
    }

    #[test]
    fn thousands_of_values_do_not_underflow() {
        let (lo, hi) = ranks(2000);
        // n/2 ± 1.96·√n/2 = 1000.5 ± 43.8, rounded outwards.
        assert_eq!((lo, hi), (956.0, 1045.0));
    }
}
