//! [`Scalar`]: the element types a matrix can hold, `f32` and `f64`.

use core::fmt::Debug;
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A matrix element type: `f32` or `f64`. Sealed, because the GEMM backend serves exactly these.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a matrix element type",
    label = "matrices hold `f32` or `f64`",
    note = "the GEMM backend serves `f32` and `f64` only"
)]
pub trait Scalar:
    sealed::Sealed
    + Copy
    + Debug
    + Default
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Sum
{
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// Machine epsilon: the gap between 1 and the next representable value.
    const EPSILON: Self;
    /// The name used in messages: `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Bits in the significand, counting the implicit one: 24 or 53.
    const MANTISSA_DIGITS: u32;

    /// Converts from `f64`, rounding to nearest.
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `e^self`.
    fn exp(self) -> Self;
    /// The natural logarithm; `-inf` at 0 and NaN below.
    fn ln(self) -> Self;
    /// The square root; NaN below 0.
    fn sqrt(self) -> Self;
    /// The hyperbolic tangent.
    fn tanh(self) -> Self;
    /// The error function, `2/√π ∫₀ˣ e^(−t²) dt`: `libm`'s in `f64` (std has none), a rational
    /// approximation without branches in `f32`, so that loops over it vectorise (within 4.8e-7 of
    /// the exact value, four units in the last place of 1; `libm`'s `erff` is within one).
    fn erf(self) -> Self;
    /// `self^n`.
    fn powi(self, n: i32) -> Self;
    /// The larger of two values; the other one when either is NaN.
    fn max(self, other: Self) -> Self;
    /// The smaller of two values; the other one when either is NaN.
    fn min(self, other: Self) -> Self;
    /// Whether the value is neither infinite nor NaN.
    fn is_finite(self) -> bool;
    /// Converts from a count, rounding to nearest: the `n` in a mean.
    fn from_usize(n: usize) -> Self;
}

/// The `Scalar` impl of a primitive float: constants, and the maths std or libm provides (`erf`
/// in `f32` is [`erf_f32`]).
macro_rules! float_scalar {
    ($t:ident, $erf:path) => {
        #[diagnostic::do_not_recommend]
        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const EPSILON: Self = $t::EPSILON;
            const NAME: &'static str = stringify!($t);
            const MANTISSA_DIGITS: u32 = $t::MANTISSA_DIGITS;

            #[inline]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline]
            fn abs(self) -> Self {
                $t::abs(self)
            }
            #[inline]
            fn exp(self) -> Self {
                $t::exp(self)
            }
            #[inline]
            fn ln(self) -> Self {
                $t::ln(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                $t::sqrt(self)
            }
            #[inline]
            fn tanh(self) -> Self {
                $t::tanh(self)
            }
            #[inline]
            fn erf(self) -> Self {
                $erf(self)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                $t::powi(self, n)
            }
            #[inline]
            fn max(self, other: Self) -> Self {
                $t::max(self, other)
            }
            #[inline]
            fn min(self, other: Self) -> Self {
                $t::min(self, other)
            }
            #[inline]
            fn is_finite(self) -> bool {
                $t::is_finite(self)
            }
            #[inline]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
        }
    };
}

float_scalar!(f32, erf_f32);
float_scalar!(f64, libm::erf);

/// `erf` in `f32` as `x·P(x²)/Q(x²)` on `x` clamped to `[−4, 4]` (beyond which `erf` rounds to
/// `±1` in `f32`), with the minimax coefficients Eigen and XLA use. No branch and no table, so a
/// loop of it vectorises, where `libm::erff` is a call with branches per element. NaN stays NaN.
#[inline]
fn erf_f32(x: f32) -> f32 {
    const ALPHA: [f32; 7] = [
        -2.726_142_4e-10,
        2.770_681_5e-8,
        -2.101_024e-6,
        -5.692_506_2e-5,
        -7.349_906_4e-4,
        -2.954_6e-3,
        -1.609_603_3e-2,
    ];
    const BETA: [f32; 5] = [
        -1.456_607_15e-5,
        -2.133_740_5e-4,
        -1.682_827e-3,
        -7.373_329_3e-3,
        -1.426_473_9e-2,
    ];
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let p = ALPHA.iter().fold(0.0, |acc, &c| acc * x2 + c);
    let q = BETA.iter().fold(0.0, |acc, &c| acc * x2 + c);
    (x * p / q).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn f32_erf_is_within_four_ulp_of_one_of_the_exact_value() {
        // Every f32 step of 2⁻¹² over [−6, 6], against libm's f64 erf.
        let mut worst = (0.0f64, 0.0f32);
        for i in -(6 << 12)..=(6 << 12) {
            let x = i as f32 / 4096.0;
            let err = (f64::from(Scalar::erf(x)) - libm::erf(f64::from(x))).abs();
            if err > worst.0 {
                worst = (err, x);
            }
        }
        let bound = 4.0 * f64::from(f32::EPSILON);
        assert!(
            worst.0 <= bound,
            "error {:e} at x = {}, bound {bound:e}",
            worst.0,
            worst.1
        );
        // Near zero the error is relative: erf(x) ≈ 2x/√π.
        for x in [1e-30f32, 1e-10, 1e-5, -1e-3] {
            let exact = libm::erf(f64::from(x));
            let rel = ((f64::from(Scalar::erf(x)) - exact) / exact).abs();
            assert!(
                rel <= 4.0 * f64::from(f32::EPSILON),
                "relative error {rel:e} at {x}"
            );
        }
        assert_eq!(Scalar::erf(0.0f32), 0.0);
        assert_eq!(Scalar::erf(f32::INFINITY), 1.0);
        assert_eq!(Scalar::erf(f32::NEG_INFINITY), -1.0);
        assert!(Scalar::erf(f32::NAN).is_nan());
    }
}
