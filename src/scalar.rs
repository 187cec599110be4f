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
    /// The error function, `2/√π ∫₀ˣ e^(−t²) dt` (from `libm`; std has none).
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

/// The `Scalar` impl of a primitive float: constants, and the maths std or libm provides.
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

float_scalar!(f32, libm::erff);
float_scalar!(f64, libm::erf);
