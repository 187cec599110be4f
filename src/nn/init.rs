//! Initial weights drawn from a user-supplied generator: uniform, normal, Kaiming (He) and
//! Xavier (Glorot), with PyTorch's formulas for the bounds and deviations.
//!
//! Any `rand_core::Rng` works (every generator of `rand` 0.10 is one), so a seeded generator
//! gives the same weights on every platform. Values are drawn one per element in row-major
//! order; normal values come from the Box–Muller transform of two uniform draws.

use rand_core::Rng;

use crate::{Dim, Matrix, Scalar, StaticDim};

/// How to draw a weight matrix's initial values. `fan_in` is the number of rows of an
/// `In × Out` weight (the inputs each output sums), `fan_out` its number of columns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Uniform in `[low, high)`.
    Uniform {
        /// The lower bound.
        low: f64,
        /// The upper bound.
        high: f64,
    },
    /// Normal with the given mean and standard deviation.
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        std: f64,
    },
    /// Kaiming (He) uniform for ReLU layers: `U(−b, b)`, `b = √(6 / fan_in)`
    /// (PyTorch's `kaiming_uniform_` with `nonlinearity='relu'`).
    KaimingUniform,
    /// Kaiming (He) normal for ReLU layers: `N(0, 2 / fan_in)`.
    KaimingNormal,
    /// Xavier (Glorot) uniform: `U(−b, b)`, `b = √(6 / (fan_in + fan_out))`.
    XavierUniform,
    /// Xavier (Glorot) normal: `N(0, 2 / (fan_in + fan_out))`.
    XavierNormal,
    /// PyTorch's default for `nn.Linear`: `U(−b, b)` with `b = 1/√fan_in`, for the weight and
    /// for the bias alike.
    TorchLinear,
}

impl Init {
    /// One value for a weight with `fan_in` rows and `fan_out` columns.
    pub fn draw<G: Rng + ?Sized>(self, rng: &mut G, fan_in: usize, fan_out: usize) -> f64 {
        let (fan_in, fans) = (fan_in.max(1) as f64, (fan_in + fan_out).max(1) as f64);
        let uniform = |rng: &mut G, b: f64| -b + 2.0 * b * unit(rng);
        match self {
            Init::Uniform { low, high } => low + (high - low) * unit(rng),
            Init::Normal { mean, std } => mean + std * standard_normal(rng),
            Init::KaimingUniform => uniform(rng, (6.0 / fan_in).sqrt()),
            Init::KaimingNormal => (2.0 / fan_in).sqrt() * standard_normal(rng),
            Init::XavierUniform => uniform(rng, (6.0 / fans).sqrt()),
            Init::XavierNormal => (2.0 / fans).sqrt() * standard_normal(rng),
            Init::TorchLinear => uniform(rng, 1.0 / fan_in.sqrt()),
        }
    }
}

/// Uniform in `[0, 1)` on a grid of `2⁻⁵³`: every value is an exact `f64`.
fn unit<G: Rng + ?Sized>(rng: &mut G) -> f64 {
    (rng.next_u64() >> 11) as f64 * (-53f64).exp2()
}

/// A standard normal value: Box–Muller, `√(−2 ln u₁) · cos(2π u₂)` with `u₁` in `(0, 1]`.
fn standard_normal<G: Rng + ?Sized>(rng: &mut G) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (core::f64::consts::TAU * u2).cos()
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// A matrix drawn by `init` from `rng`, its shape from its type; the fans are its rows and
    /// columns.
    ///
    /// ```
    /// use rand::SeedableRng;
    /// use rand::rngs::Xoshiro256PlusPlus;
    /// use shapegrad::{dim, nn::Init, Matrix};
    /// dim!(In = 64, Out = 10);
    ///
    /// let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    /// let w = Matrix::<In, Out>::init(Init::KaimingUniform, &mut rng);
    /// let b = (6.0f32 / 64.0).sqrt();
    /// assert!(w.as_slice().iter().all(|&v| -b <= v && v <= b));
    /// ```
    ///
    /// # Panics
    /// When `R × C` elements are more than one allocation can hold.
    #[track_caller]
    pub fn init<G: Rng + ?Sized>(init: Init, rng: &mut G) -> Self
    where
        R: StaticDim,
        C: StaticDim,
    {
        Self::init_with(R::default(), C::default(), init, rng)
    }

    /// [`init`](Self::init) with the dimensions as values, for [`Dyn`](crate::Dyn) and runtime
    /// dimensions.
    ///
    /// # Panics
    /// When `rows × cols` elements are more than one allocation can hold.
    #[track_caller]
    pub fn init_with<G: Rng + ?Sized>(rows: R, cols: C, init: Init, rng: &mut G) -> Self {
        let (fan_in, fan_out) = (rows.size(), cols.size());
        Self::from_fn_with(rows, cols, |_, _| {
            T::from_f64(init.draw(rng, fan_in, fan_out))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Init;
    use crate::{Const, Matrix};
    use rand_core::SeedableRng;

    /// A seeded generator from `rand_core` alone: SplitMix64, as the crate's own `rand` uses.
    struct Mix(u64);
    impl rand_core::TryRng for Mix {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok((self.try_next_u64()? >> 32) as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            Ok(z ^ (z >> 31))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst {
                *b = self.try_next_u64()? as u8;
            }
            Ok(())
        }
    }
    impl SeedableRng for Mix {
        type Seed = [u8; 8];
        fn from_seed(seed: [u8; 8]) -> Self {
            Mix(u64::from_le_bytes(seed))
        }
    }

    type W = Matrix<Const<200>, Const<100>, f64>;

    /// The sample mean and standard deviation of `w`'s elements.
    fn moments(w: &W) -> (f64, f64) {
        let n = w.as_slice().len() as f64;
        let mean = w.as_slice().iter().sum::<f64>() / n;
        let var = w.as_slice().iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        (mean, var.sqrt())
    }

    #[test]
    fn the_same_seed_gives_the_same_weights() {
        for init in [Init::KaimingNormal, Init::XavierUniform, Init::TorchLinear] {
            let a = W::init(init, &mut Mix::seed_from_u64(7));
            let b = W::init(init, &mut Mix::seed_from_u64(7));
            let c = W::init(init, &mut Mix::seed_from_u64(8));
            assert_eq!(a, b);
            assert_ne!(a, c);
        }
    }

    #[test]
    fn each_scheme_has_its_bound_or_deviation() {
        // 20,000 draws: the sample mean of n values of deviation σ is within 5σ/√n of the true
        // mean, and the sample deviation within 5σ/√(2n) of σ, except with probability < 1e-6.
        let n = 20_000f64;
        let (fan_in, fan_out) = (200f64, 100f64);
        let uniform_std = |b: f64| b / 3f64.sqrt();
        let cases = [
            (
                Init::KaimingUniform,
                uniform_std((6.0 / fan_in).sqrt()),
                Some((6.0 / fan_in).sqrt()),
            ),
            (Init::KaimingNormal, (2.0 / fan_in).sqrt(), None),
            (
                Init::XavierUniform,
                uniform_std((6.0 / (fan_in + fan_out)).sqrt()),
                Some((6.0 / (fan_in + fan_out)).sqrt()),
            ),
            (Init::XavierNormal, (2.0 / (fan_in + fan_out)).sqrt(), None),
            (
                Init::TorchLinear,
                uniform_std(1.0 / fan_in.sqrt()),
                Some(1.0 / fan_in.sqrt()),
            ),
            (
                Init::Normal {
                    mean: 0.0,
                    std: 0.5,
                },
                0.5,
                None,
            ),
        ];
        for (init, std, bound) in cases {
            let w = W::init(init, &mut Mix::seed_from_u64(1));
            let (m, s) = moments(&w);
            assert!(m.abs() <= 5.0 * std / n.sqrt(), "{init:?}: mean {m}");
            assert!(
                (s - std).abs() <= 5.0 * std / (2.0 * n).sqrt(),
                "{init:?}: std {s} vs {std}"
            );
            if let Some(b) = bound {
                assert!(
                    w.as_slice().iter().all(|v| v.abs() <= b),
                    "{init:?}: bound {b}"
                );
            }
        }
    }
}
