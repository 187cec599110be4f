//! Element-wise functions with a derivative: activations (ReLU, leaky ReLU, sigmoid, tanh, GELU)
//! and maths (exp, ln, sqrt, square), each a forward and a typed backward.
//!
//! The backward of `y = f(x)` is `dx = dy ⊙ f'(x)`, where `f'` may read `x` or `y`, whichever is
//! cheaper (`σ' = y(1 − y)`, `tanh' = 1 − y²`, `exp' = y`). Its operands are all `Matrix<R, C, T>`,
//! so a gradient of another shape does not compile; only [`Dyn`](crate::Dyn) sizes are compared
//! at run time.

use super::binary::{check_shapes, shape};
use crate::error::OrPanic;
use crate::{Dim, Matrix, Scalar, ShapeError, Write};

/// An element-wise function and its derivative.
///
/// The [`Matrix`] methods ([`relu`](Matrix::relu), [`sigmoid`](Matrix::sigmoid), …) apply one;
/// [`backward`](Self::backward) is its gradient.
///
/// ```
/// use shapegrad::{Const, Matrix, Unary};
/// let x = Matrix::<Const<1>, Const<3>>::from_rows([[-1.0, 0.5, 2.0]]);
/// let y = x.relu();
/// assert_eq!(y.as_slice(), &[0.0, 0.5, 2.0]);
/// // l = Σ y, so dl/dy is all ones and dl/dx is the step function.
/// let dx = Unary::Relu.backward(&x, &y, &Matrix::ones());
/// assert_eq!(dx.as_slice(), &[0.0, 1.0, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unary<T: Scalar = f32> {
    /// `max(x, 0)`; its derivative at 0 is taken as 0, as PyTorch does.
    Relu,
    /// `x` for `x > 0`, `slope · x` otherwise (PyTorch's default slope is 0.01).
    LeakyRelu(T),
    /// `1 / (1 + e^(−x))`, computed without overflow for large `|x|`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// `x · Φ(x)` with the exact normal CDF `Φ(x) = (1 + erf(x/√2)) / 2`: PyTorch's default GELU.
    Gelu,
    /// `e^x`.
    Exp,
    /// `ln(x)`: `−∞` at 0, NaN below.
    Ln,
    /// `√x`: NaN below 0, with an infinite derivative at 0.
    Sqrt,
    /// `x²`.
    Square,
}

impl<T: Scalar> Unary<T> {
    /// `f(x)`.
    #[inline]
    pub fn apply(self, x: T) -> T {
        match self {
            Unary::Relu => x.max(T::ZERO),
            Unary::LeakyRelu(slope) => {
                if x > T::ZERO {
                    x
                } else {
                    slope * x
                }
            }
            Unary::Sigmoid => {
                // e^(−|x|) never overflows; the two branches are the same function.
                let e = (-x.abs()).exp();
                if x >= T::ZERO {
                    T::ONE / (T::ONE + e)
                } else {
                    e / (T::ONE + e)
                }
            }
            Unary::Tanh => x.tanh(),
            Unary::Gelu => half::<T>() * x * (T::ONE + (x * frac_1_sqrt_2::<T>()).erf()),
            Unary::Exp => x.exp(),
            Unary::Ln => x.ln(),
            Unary::Sqrt => x.sqrt(),
            Unary::Square => x * x,
        }
    }

    /// `f'(x)`, given `x` and `y = f(x)`.
    #[inline]
    pub fn derivative(self, x: T, y: T) -> T {
        match self {
            Unary::Relu => {
                if x > T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            Unary::LeakyRelu(slope) => {
                if x > T::ZERO {
                    T::ONE
                } else {
                    slope
                }
            }
            Unary::Sigmoid => y * (T::ONE - y),
            Unary::Tanh => T::ONE - y * y,
            Unary::Gelu => {
                // Φ(x) + x·φ(x), φ the standard normal density.
                let cdf = half::<T>() * (T::ONE + (x * frac_1_sqrt_2::<T>()).erf());
                let density = (-half::<T>() * x * x).exp() * frac_1_sqrt_2pi::<T>();
                cdf + x * density
            }
            Unary::Exp => y,
            Unary::Ln => T::ONE / x,
            Unary::Sqrt => half::<T>() / y,
            Unary::Square => (T::ONE + T::ONE) * x,
        }
    }

    /// The gradient `dx = dy ⊙ f'(x)`, given the forward's input `x` and output `y`.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `y` or `dy` differs from `x`'s, at the caller's line;
    /// see [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        y: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
    ) -> Matrix<R, C, T> {
        let (r, c) = x.dims();
        let mut dx = Matrix::zeros_with(r, c);
        self.try_backward_into(x, y, dy, &mut dx, Write::Overwrite)
            .or_panic();
        dx
    }

    /// Writes `dy ⊙ f'(x)` into `dx`, replacing ([`Write::Overwrite`]) or adding to
    /// ([`Write::Accumulate`]) what it holds, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `y`, `dy` or `dx` differs from
    /// `x`'s; `dx` is then untouched.
    pub fn try_backward_into<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        y: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_shapes(
            shape(x),
            [
                Some((shape(y), "unary backward: y must have x's shape")),
                Some((shape(dy), "unary backward: dy must have x's shape")),
                Some((shape(dx), "unary backward: dx must have x's shape")),
            ],
        )?;
        let terms = x.as_slice().iter().zip(y.as_slice()).zip(dy.as_slice());
        let out = dx.as_mut_slice().iter_mut().zip(terms);
        per_variant!(self, f => match write {
            Write::Overwrite => {
                out.for_each(|(d, ((&x, &y), &g))| *d = g * f.derivative(x, y));
            }
            Write::Accumulate => {
                out.for_each(|(d, ((&x, &y), &g))| *d += g * f.derivative(x, y));
            }
        });
        Ok(())
    }
}

/// `$body` once per variant of the [`Unary`] `$f`, with `$g` bound to that variant: in each copy
/// the compiler knows which function `$g` is, so a loop in `$body` is compiled for that function
/// alone and vectorised, with no choice of function per element.
macro_rules! per_variant {
    ($f:expr, $g:ident => $body:expr) => {
        match $f {
            Unary::Relu => {
                let $g = Unary::Relu;
                $body
            }
            Unary::LeakyRelu(slope) => {
                let $g = Unary::LeakyRelu(slope);
                $body
            }
            Unary::Sigmoid => {
                let $g = Unary::Sigmoid;
                $body
            }
            Unary::Tanh => {
                let $g = Unary::Tanh;
                $body
            }
            Unary::Gelu => {
                let $g = Unary::Gelu;
                $body
            }
            Unary::Exp => {
                let $g = Unary::Exp;
                $body
            }
            Unary::Ln => {
                let $g = Unary::Ln;
                $body
            }
            Unary::Sqrt => {
                let $g = Unary::Sqrt;
                $body
            }
            Unary::Square => {
                let $g = Unary::Square;
                $body
            }
        }
    };
}
use per_variant;

fn half<T: Scalar>() -> T {
    T::from_f64(0.5)
}

fn frac_1_sqrt_2<T: Scalar>() -> T {
    T::from_f64(core::f64::consts::FRAC_1_SQRT_2)
}

/// `1/√(2π)`.
fn frac_1_sqrt_2pi<T: Scalar>() -> T {
    T::from_f64(0.5 * core::f64::consts::FRAC_2_SQRT_PI * core::f64::consts::FRAC_1_SQRT_2)
}

/// One method per [`Unary`] function: a new matrix of the same type.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `f` applied to every element, for any [`Unary`] function.
    pub fn unary(&self, f: Unary<T>) -> Self {
        self.map(|v| f.apply(v))
    }

    /// Writes `f` of every element of `self` into `out`, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `out` differs; `out` is then
    /// untouched.
    pub fn try_unary_into(&self, f: Unary<T>, out: &mut Self) -> Result<(), ShapeError> {
        check_shapes(
            shape(self),
            [Some((
                shape(out),
                "unary_into: the destination must have the input's shape",
            ))],
        )?;
        let each = out.as_mut_slice().iter_mut().zip(self.as_slice());
        per_variant!(f, f => each.for_each(|(o, &v)| *o = f.apply(v)));
        Ok(())
    }

    /// `max(x, 0)` of every element ([`Unary::Relu`]).
    pub fn relu(&self) -> Self {
        self.unary(Unary::Relu)
    }

    /// `x` where positive, `slope · x` elsewhere ([`Unary::LeakyRelu`]).
    pub fn leaky_relu(&self, slope: T) -> Self {
        self.unary(Unary::LeakyRelu(slope))
    }

    /// The logistic sigmoid of every element ([`Unary::Sigmoid`]).
    pub fn sigmoid(&self) -> Self {
        self.unary(Unary::Sigmoid)
    }

    /// The hyperbolic tangent of every element ([`Unary::Tanh`]).
    pub fn tanh(&self) -> Self {
        self.unary(Unary::Tanh)
    }

    /// The exact GELU of every element ([`Unary::Gelu`]).
    pub fn gelu(&self) -> Self {
        self.unary(Unary::Gelu)
    }

    /// `e^x` of every element ([`Unary::Exp`]).
    pub fn exp(&self) -> Self {
        self.unary(Unary::Exp)
    }

    /// The natural logarithm of every element ([`Unary::Ln`]).
    pub fn ln(&self) -> Self {
        self.unary(Unary::Ln)
    }

    /// The square root of every element ([`Unary::Sqrt`]).
    pub fn sqrt(&self) -> Self {
        self.unary(Unary::Sqrt)
    }

    /// The square of every element ([`Unary::Square`]).
    pub fn square(&self) -> Self {
        self.unary(Unary::Square)
    }
}

#[cfg(test)]
mod tests {
    use super::Unary;
    use crate::{Const, Dim, Dyn, Matrix, Write, gradcheck};

    /// Moves a test input into a function's domain, away from its kinks.
    type Domain = fn(f64) -> f64;

    /// Every function, with its domain.
    fn functions() -> [(Unary<f64>, Domain); 9] {
        let away_from_zero = |v: f64| if v.abs() < 0.05 { v + 0.1 } else { v };
        let positive = |v: f64| v.abs() + 0.2;
        let any = |v: f64| v;
        [
            (Unary::Relu, away_from_zero),
            (Unary::LeakyRelu(0.01), away_from_zero),
            (Unary::Sigmoid, any),
            (Unary::Tanh, any),
            (Unary::Gelu, any),
            (Unary::Exp, any),
            (Unary::Ln, positive),
            (Unary::Sqrt, positive),
            (Unary::Square, any),
        ]
    }

    /// Checks `f`'s backward at a random `rows × cols` input against central differences of
    /// `l = Σ f(x) ⊙ r`.
    fn check_one<R: Dim, C: Dim>(
        f: Unary<f64>,
        domain: fn(f64) -> f64,
        rows: R,
        cols: C,
        seed: u64,
    ) {
        let x = Matrix::<R, C, f64>::rand_with(rows, cols, seed).map(|v| domain(4.0 * v - 2.0));
        let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 1).map(|v| v - 0.5);
        let y = x.unary(f);
        let analytic = f.backward(&x, &y, &r);
        let loss = |x: &Matrix<R, C, f64>| -> f64 {
            x.unary(f)
                .as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(y, r)| y * r)
                .sum()
        };
        let report = gradcheck::check(&x, &analytic, loss);
        let tol = gradcheck::tolerance(rows.size() * cols.size());
        assert!(report.max_error() <= tol, "{f:?}: {report}");
    }

    #[test]
    fn every_backward_matches_central_differences_static_and_dyn() {
        for (i, (f, domain)) in functions().into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_one(f, domain, Const::<3>, Const::<5>, seed);
            check_one(f, domain, Dyn(7), Const::<2>, seed + 3);
            check_one(f, domain, Dyn(1), Dyn(11), seed + 5);
        }
    }

    #[test]
    fn forward_values_match_the_definitions() {
        let x = Matrix::<Const<1>, Const<5>, f64>::from_rows([[-3.0, -0.5, 0.0, 0.5, 3.0]]);
        let close = |a: &Matrix<Const<1>, Const<5>, f64>, want: [f64; 5]| {
            for (a, w) in a.as_slice().iter().zip(want) {
                assert!(
                    (a - w).abs() <= 4.0 * f64::EPSILON * w.abs().max(1.0),
                    "{a} vs {w}"
                );
            }
        };
        close(&x.relu(), [0.0, 0.0, 0.0, 0.5, 3.0]);
        close(&x.leaky_relu(0.1), [-0.3, -0.05, 0.0, 0.5, 3.0]);
        close(
            &x.sigmoid(),
            x.as_slice().map_array(|v| 1.0 / (1.0 + (-v).exp())),
        );
        // GELU against x·Φ(x) from Python's math.erf.
        close(
            &x.gelu(),
            [
                -0.004_049_694_094_890_31,
                -0.154_268_769_362_993_44,
                0.0,
                0.345_731_230_637_006_56,
                2.995_950_305_905_11,
            ],
        );
        // Large inputs do not overflow the sigmoid.
        let big = Matrix::<Const<1>, Const<2>, f64>::from_rows([[-800.0, 800.0]]).sigmoid();
        assert_eq!(big.as_slice(), &[0.0, 1.0]);
    }

    trait MapArray {
        fn map_array(&self, f: impl Fn(f64) -> f64) -> [f64; 5];
    }
    impl MapArray for [f64] {
        fn map_array(&self, f: impl Fn(f64) -> f64) -> [f64; 5] {
            core::array::from_fn(|i| f(self[i]))
        }
    }

    #[test]
    fn f32_follows_f64_to_within_rounding() {
        let x64 = Matrix::<Const<4>, Const<6>, f64>::rand(3).map(|v| 6.0 * v - 3.0);
        let x32 = Matrix::<Const<4>, Const<6>, f32>::from_fn(|i, j| x64[(i, j)] as f32);
        for (f64_op, _) in functions() {
            let f32_op = match f64_op {
                Unary::LeakyRelu(s) => Unary::LeakyRelu(s as f32),
                Unary::Relu => Unary::Relu,
                Unary::Sigmoid => Unary::Sigmoid,
                Unary::Tanh => Unary::Tanh,
                Unary::Gelu => Unary::Gelu,
                Unary::Exp => Unary::Exp,
                Unary::Ln => Unary::Ln,
                Unary::Sqrt => Unary::Sqrt,
                Unary::Square => Unary::Square,
            };
            let want = x64.map(|v| v.abs() + 0.1).unary(f64_op);
            let got = x32.map(|v| v.abs() + 0.1).unary(f32_op);
            for (g, w) in got.as_slice().iter().zip(want.as_slice()) {
                // A few roundings in f32 (exp and tanh within 1–2 ulp, the f32 erf within 4 of 1).
                let tol = 8.0 * f64::from(f32::EPSILON) * w.abs().max(1.0);
                assert!((f64::from(*g) - w).abs() <= tol, "{f64_op:?}: {g} vs {w}");
            }
        }
    }

    #[test]
    fn backward_into_accumulates_and_checks_dyn_sizes() {
        let x = Matrix::<Dyn, Dyn, f64>::from_fn_with(Dyn(2), Dyn(2), |i, j| (i + j) as f64 - 1.0);
        let y = x.relu();
        let dy = Matrix::filled_with(Dyn(2), Dyn(2), 2.0);
        let mut dx = Matrix::filled_with(Dyn(2), Dyn(2), 1.0);
        Unary::Relu
            .try_backward_into(&x, &y, &dy, &mut dx, Write::Accumulate)
            .unwrap();
        assert_eq!(dx.as_slice(), &[1.0, 1.0, 1.0, 3.0]);
        let short = Matrix::filled_with(Dyn(1), Dyn(2), 2.0);
        let err = Unary::Relu.try_backward_into(&x, &y, &short, &mut dx, Write::Overwrite);
        assert_eq!(
            err.unwrap_err().to_string(),
            "unary backward: dy must have x's shape: expected a 2×2 matrix, but a 1×2 matrix was given"
        );
        assert_eq!(dx.as_slice(), &[1.0, 1.0, 1.0, 3.0], "untouched on error");
    }
}
