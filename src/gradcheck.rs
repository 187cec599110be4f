//! A gradient checker: analytic gradients compared, element by element, with central differences
//! in `f64`.
//!
//! [`check`] takes the inputs of a scalar function (one `f64` matrix or a tuple of up to six),
//! the analytic gradients as a value of the *same type*, so that a gradient of the wrong shape
//! does not compile, and the function itself. It nudges every input element by `±h` and reports
//! the worst disagreement as (input, row, column, analytic, numeric, error).
//!
//! The error of an element is `|analytic − numeric| / max(1, |analytic|, |numeric|)`: relative
//! where the gradient is larger than 1, absolute below, so that gradients near zero are not held
//! to a relative standard central differences cannot meet.
//!
//! To check the backward pass of a matrix-valued op `y = f(x)`, check the scalar
//! `l = Σᵢⱼ yᵢⱼ·rᵢⱼ` for a fixed random `r`: its gradient with respect to `y` is `r`, so the
//! analytic gradient is the op's backward given `dy = r`.
//!
//! ```
//! use shapegrad::{dim, gradcheck, Matrix};
//! dim!(I = 3, K = 4, J = 2);
//!
//! let x = Matrix::<I, K, f64>::rand(1);
//! let a = Matrix::<K, J, f64>::rand(2);
//! let r = Matrix::<I, J, f64>::rand(3);
//! // l = Σ (x·a) ⊙ r, whose gradients are dl/dx = r·aᵀ and dl/da = xᵀ·r.
//! let loss = |(x, a): &(Matrix<I, K, f64>, Matrix<K, J, f64>)| -> f64 {
//!     let y = x.matmul(a);
//!     y.as_slice().iter().zip(r.as_slice()).map(|(y, r)| y * r).sum()
//! };
//! let analytic = (r.matmul(a.t()), x.t().matmul(&r));
//! let report = gradcheck::check(&(x, a), &analytic, loss);
//! report.assert_within(gradcheck::tolerance(4));
//! ```

use core::fmt;

use crate::{Dim, Matrix};

/// The inputs of a function being checked: one `Matrix<_, _, f64>`, or a tuple of two to six.
///
/// The analytic gradients are a value of the same type, so each has its input's shape.
pub trait Inputs: Clone {
    /// How many matrices there are.
    fn count(&self) -> usize;
    /// The `(rows, cols)` of matrix `i`.
    fn shape(&self, i: usize) -> (usize, usize);
    /// The elements of matrix `i`, row-major.
    fn elements(&self, i: usize) -> &[f64];
    /// The elements of matrix `i`, row-major, to nudge.
    fn elements_mut(&mut self, i: usize) -> &mut [f64];
}

impl<R: Dim, C: Dim> Inputs for Matrix<R, C, f64> {
    fn count(&self) -> usize {
        1
    }
    fn shape(&self, _: usize) -> (usize, usize) {
        (self.rows(), self.cols())
    }
    fn elements(&self, _: usize) -> &[f64] {
        self.as_slice()
    }
    fn elements_mut(&mut self, _: usize) -> &mut [f64] {
        self.as_mut_slice()
    }
}

/// `Inputs` for a tuple of matrices: each method picks the tuple's field `i`.
macro_rules! tuple_inputs {
    ($n:literal: $($idx:tt $r:ident $c:ident),+) => {
        impl<$($r: Dim, $c: Dim),+> Inputs for ($(Matrix<$r, $c, f64>,)+) {
            fn count(&self) -> usize {
                $n
            }
            fn shape(&self, i: usize) -> (usize, usize) {
                match i {
                    $($idx => (self.$idx.rows(), self.$idx.cols()),)+
                    _ => (0, 0),
                }
            }
            fn elements(&self, i: usize) -> &[f64] {
                match i {
                    $($idx => self.$idx.as_slice(),)+
                    _ => &[],
                }
            }
            fn elements_mut(&mut self, i: usize) -> &mut [f64] {
                match i {
                    $($idx => self.$idx.as_mut_slice(),)+
                    _ => &mut [],
                }
            }
        }
    };
}

tuple_inputs!(2: 0 R0 C0, 1 R1 C1);
tuple_inputs!(3: 0 R0 C0, 1 R1 C1, 2 R2 C2);
tuple_inputs!(4: 0 R0 C0, 1 R1 C1, 2 R2 C2, 3 R3 C3);
tuple_inputs!(5: 0 R0 C0, 1 R1 C1, 2 R2 C2, 3 R3 C3, 4 R4 C4);
tuple_inputs!(6: 0 R0 C0, 1 R1 C1, 2 R2 C2, 3 R3 C3, 4 R4 C4, 5 R5 C5);

/// The element where analytic and numeric gradients disagree most.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Worst {
    /// Which input: its position in the tuple (0 for a single matrix).
    pub input: usize,
    /// The element's row.
    pub row: usize,
    /// The element's column.
    pub col: usize,
    /// The analytic gradient there.
    pub analytic: f64,
    /// The central difference there.
    pub numeric: f64,
    /// `|analytic − numeric| / max(1, |analytic|, |numeric|)`; infinite when either is not finite.
    pub error: f64,
}

/// The outcome of [`check`]: how many elements were compared and the worst of them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Report {
    /// The number of elements compared: every element of every input.
    pub checked: usize,
    /// The element with the largest error, or `None` when the inputs have no elements.
    pub worst: Option<Worst>,
}

impl Report {
    /// The largest error found; 0 when nothing was compared.
    pub fn max_error(&self) -> f64 {
        self.worst.map_or(0.0, |w| w.error)
    }

    /// Panics, at the caller's line and naming the worst element, when its error exceeds `tol`.
    ///
    /// # Panics
    /// When [`max_error`](Self::max_error) is above `tol` or is NaN.
    #[track_caller]
    pub fn assert_within(&self, tol: f64) {
        let error = self.max_error();
        if error.is_nan() || error > tol {
            panic!("gradient check failed (tolerance {tol:e}): {self}");
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.worst {
            None => write!(f, "no elements to check"),
            Some(w) => write!(
                f,
                "worst of {} elements: input {}, row {}, column {}: analytic {:e}, numeric {:e}, \
                 error {:e}",
                self.checked, w.input, w.row, w.col, w.analytic, w.numeric, w.error
            ),
        }
    }
}

/// The tolerance for a function whose value sums `terms` terms of magnitude about 1.
///
/// With the step `h = ε^(1/3)·max(1, |x|)` that [`check`] takes, a central difference is off by
/// about `h²·|f'''|/6` from truncation and `terms·ε·|f|/h` from rounding in `f`; both are
/// `ε^(2/3) ≈ 3.7·10⁻¹¹` times the function's scale. This allows ten times that, per term.
pub fn tolerance(terms: usize) -> f64 {
    10.0 * terms.max(1) as f64 * f64::EPSILON.powf(2.0 / 3.0)
}

/// Compares `analytic`, the gradients of `f` at `inputs`, with central differences of `f`.
///
/// Every element of every input is nudged by `±h` with `h = ε^(1/3)·max(1, |x|)` (ε of `f64`),
/// `f` is evaluated twice, and `(f(x + h) − f(x − h)) / (2h)` is compared with the analytic value.
/// `f` is called `2·n` times for `n` elements, so keep the inputs small.
///
/// See the [module documentation](self) for an example.
pub fn check<X: Inputs>(inputs: &X, analytic: &X, mut f: impl FnMut(&X) -> f64) -> Report {
    let step = f64::EPSILON.cbrt();
    let mut nudged = inputs.clone();
    let mut report = Report {
        checked: 0,
        worst: None,
    };
    for input in 0..inputs.count() {
        let (_, cols) = inputs.shape(input);
        for (k, &a) in analytic.elements(input).iter().enumerate() {
            let x = inputs.elements(input)[k];
            let h = step * x.abs().max(1.0);
            let (up, down) = (x + h, x - h);
            nudged.elements_mut(input)[k] = up;
            let f_up = f(&nudged);
            nudged.elements_mut(input)[k] = down;
            let f_down = f(&nudged);
            nudged.elements_mut(input)[k] = x;
            // The step actually taken, after rounding `x ± h`.
            let numeric = (f_up - f_down) / (up - down);
            let error = if a.is_finite() && numeric.is_finite() {
                (a - numeric).abs() / 1f64.max(a.abs()).max(numeric.abs())
            } else {
                f64::INFINITY
            };
            report.checked += 1;
            if report.worst.is_none_or(|w| error > w.error) {
                report.worst = Some(Worst {
                    input,
                    row: k / cols.max(1),
                    col: k % cols.max(1),
                    analytic: a,
                    numeric,
                    error,
                });
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Const;

    type M = Matrix<Const<2>, Const<3>, f64>;

    fn sum_of_squares(x: &M) -> f64 {
        x.as_slice().iter().map(|v| v * v).sum()
    }

    #[test]
    fn a_right_gradient_passes_and_a_wrong_one_is_found_where_it_is_wrong() {
        let x = M::from_fn(|i, j| (i * 3 + j) as f64 - 2.5);
        let right = x.map(|v| 2.0 * v);
        let report = check(&x, &right, sum_of_squares);
        assert_eq!(report.checked, 6);
        report.assert_within(tolerance(6));

        let mut wrong = right.clone();
        *wrong.get_mut(1, 2).unwrap() += 0.5;
        let worst = check(&x, &wrong, sum_of_squares).worst.unwrap();
        assert_eq!((worst.input, worst.row, worst.col), (0, 1, 2));
        assert!((worst.numeric - 2.0 * 2.5).abs() < 1e-8);
        assert!((worst.error - 0.5 / 5.5).abs() < 1e-8);
    }

    #[test]
    #[should_panic(expected = "input 1, row 0, column 1")]
    fn the_panic_names_the_input_and_element() {
        type V = Matrix<Const<1>, Const<2>, f64>;
        let (a, b) = (V::from_rows([[1.0, 2.0]]), V::from_rows([[3.0, 4.0]]));
        // f = Σ a ⊙ b: df/da = b, df/db = a; the second is given wrong in one place.
        let f = |(a, b): &(V, V)| {
            a.as_slice()
                .iter()
                .zip(b.as_slice())
                .map(|(x, y)| x * y)
                .sum()
        };
        let analytic = (b.clone(), V::from_rows([[1.0, 7.0]]));
        check(&(a, b), &analytic, f).assert_within(tolerance(2));
    }

    #[test]
    fn non_finite_gradients_are_the_worst() {
        let x = M::from_fn(|_, _| 1.0);
        let mut g = x.map(|v| 2.0 * v);
        *g.get_mut(0, 0).unwrap() = f64::NAN;
        let report = check(&x, &g, sum_of_squares);
        assert_eq!(report.max_error(), f64::INFINITY);
        assert_eq!(report.worst.map(|w| (w.row, w.col)), Some((0, 0)));
    }
}
