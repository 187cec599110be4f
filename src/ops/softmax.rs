//! Softmax and log-softmax along rows, each a forward and a typed backward.
//!
//! Each row of an `R × C` matrix is taken as the scores of one example over `C` classes, and
//! becomes a distribution over those `C` classes: `softmax_rows` gives `R` rows of `C`
//! probabilities that add to 1. The axis is in the name ([`softmax_rows`](Matrix::softmax_rows),
//! [`log_softmax_rows`](Matrix::log_softmax_rows), [`RowSoftmax`]) because the type cannot carry
//! it: the output has the input's type, `Matrix<R, C>`, whichever axis was normalised. What the
//! type does catch is an output used as if it were laid out the other way, `C × R`, one column
//! per example. To normalise each column instead, transpose, take the rows' softmax, and keep the
//! result as the `C × R` it then is: `x.transpose().softmax_rows()`.
//!
//! Both are computed stably, a row at a time, with no scratch buffer: the row's maximum `m` is
//! subtracted before `exp`, so no term exceeds 1 and the sum `s = Σⱼ e^(xⱼ − m)` is at least 1;
//! log-softmax is `xⱼ − m − ln s` (the log-sum-exp), not the logarithm of a probability that may
//! have rounded to 0.
//!
//! Masked entries, `−∞`, get probability 0 (log-probability `−∞`) and leave the rest of the row a
//! distribution over the others. A row whose every entry is `−∞` has no distribution: it gives
//! NaN in every column, as in PyTorch, as does a row holding NaN or `+∞`. A row of length 0 (a
//! matrix with no columns) gives an empty row.
//!
//! For `y = softmax(x)` and `z = log_softmax(x)` along rows, the backward passes are
//!
//! ```text
//! dx = y ⊙ (dy − rowsum(dy ⊙ y))
//! dx = dz − softmax(x) ⊙ rowsum(dz),   softmax(x) = e^z
//! ```
//!
//! written from the output alone, a row at a time. Their operands are all `Matrix<R, C, T>`, so a
//! gradient of another shape does not compile; only [`Dyn`](crate::Dyn) sizes are compared at
//! run time.

use crate::error::OrPanic;
use crate::{Dim, Matrix, Scalar, ShapeError, Write};

/// Softmax or log-softmax of each row, and its backward.
///
/// Each row of an `R × C` matrix becomes a distribution over its `C` columns (one example's
/// scores over `C` classes). The output has the input's type whichever axis is normalised, so the
/// axis is in the names; what the type catches is the output used as if laid out `C × R`. For a
/// distribution down each column, `x.transpose().softmax_rows()` is one per row of the `C × R`
/// transpose.
///
/// Computed stably: the row's maximum is subtracted before `exp`, and log-softmax is
/// `x − m − ln Σ e^(x − m)`. Masked entries, `−∞`, get probability 0 (log-probability `−∞`). A row
/// whose every entry is `−∞` has no distribution and gives NaN in every column, as in PyTorch; so
/// does a row holding NaN or `+∞`.
///
/// The [`Matrix`] methods [`softmax_rows`](Matrix::softmax_rows) and
/// [`log_softmax_rows`](Matrix::log_softmax_rows) apply one;
/// [`try_forward_into`](Self::try_forward_into) writes into an existing buffer;
/// [`backward`](Self::backward) is its gradient, from the forward's output.
///
/// ```
/// use shapegrad::{dim, Matrix, RowSoftmax};
/// dim!(Batch = 2, Classes = 3);
///
/// let logits = Matrix::<Batch, Classes, f64>::from_rows([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]);
/// let p = logits.softmax_rows();
/// assert!((p[(0, 1)] - 1.0 / 3.0).abs() < 1e-15);
/// assert!((p[(1, 0)] + p[(1, 1)] + p[(1, 2)] - 1.0).abs() < 1e-15);
///
/// // l = Σ p ⊙ r with r the same in a whole row: a row's probabilities always add to 1, so
/// // such an l does not change with the logits.
/// let r = Matrix::<Batch, Classes, f64>::from_rows([[5.0, 5.0, 5.0], [2.0, 2.0, 2.0]]);
/// let dx = RowSoftmax::Softmax.backward(&p, &r);
/// assert!(dx.as_slice().iter().all(|g| g.abs() < 1e-15));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowSoftmax {
    /// `y[i, j] = e^(x[i, j]) / Σₖ e^(x[i, k])`: each row a probability distribution.
    Softmax,
    /// `z[i, j] = x[i, j] − ln Σₖ e^(x[i, k])`: each row the logarithms of one.
    LogSoftmax,
}

impl RowSoftmax {
    /// The function of each row of `x`, into a new matrix of `x`'s type.
    pub fn forward<R: Dim, C: Dim, T: Scalar>(self, x: &Matrix<R, C, T>) -> Matrix<R, C, T> {
        let mut y = x.clone();
        self.in_place(&mut y);
        y
    }

    /// Writes the function of each row of `x` into `y`, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `y` differs from `x`'s; `y` is
    /// then untouched.
    pub fn try_forward_into<R: Dim, C: Dim, T: Scalar>(
        self,
        x: &Matrix<R, C, T>,
        y: &mut Matrix<R, C, T>,
    ) -> Result<(), ShapeError> {
        let (expected, given) = ((x.rows(), x.cols()), (y.rows(), y.cols()));
        if expected != given {
            return Err(ShapeError::Mismatch {
                op: match self {
                    RowSoftmax::Softmax => {
                        "softmax_rows into: the destination must have the input's shape"
                    }
                    RowSoftmax::LogSoftmax => {
                        "log_softmax_rows into: the destination must have the input's shape"
                    }
                },
                expected,
                given,
            });
        }
        y.as_mut_slice().copy_from_slice(x.as_slice());
        self.in_place(y);
        Ok(())
    }

    /// Replaces each row of `m` by its softmax or log-softmax.
    fn in_place<R: Dim, C: Dim, T: Scalar>(self, m: &mut Matrix<R, C, T>) {
        let cols = m.cols();
        if cols == 0 {
            return;
        }
        for row in m.as_mut_slice().chunks_exact_mut(cols) {
            // `max` skips NaN; a NaN entry still makes its term, and so the sum, NaN. With every
            // entry −∞ (or one +∞), `x − m` is NaN: no distribution, as documented above.
            let max = row.iter().copied().fold(row[0], T::max);
            match self {
                RowSoftmax::Softmax => {
                    let mut sum = T::ZERO;
                    for v in row.iter_mut() {
                        *v = (*v - max).exp();
                        sum += *v;
                    }
                    row.iter_mut().for_each(|v| *v = *v / sum);
                }
                RowSoftmax::LogSoftmax => {
                    let mut sum = T::ZERO;
                    for v in row.iter_mut() {
                        *v -= max;
                        sum += v.exp();
                    }
                    let log_sum = sum.ln();
                    row.iter_mut().for_each(|v| *v -= log_sum);
                }
            }
        }
    }

    /// The gradient `dx` from the forward's output `y` (probabilities for
    /// [`Softmax`](Self::Softmax), log-probabilities for [`LogSoftmax`](Self::LogSoftmax)) and
    /// its gradient `dy`.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix, RowSoftmax};
    /// // Cross-entropy with target class 2 is l = −z[0, 2], so dz is −1 there and 0 elsewhere,
    /// // and dx is the probabilities minus the one-hot target.
    /// let x = Matrix::<Const<1>, Const<3>, f64>::from_rows([[1.0, 2.0, 3.0]]);
    /// let z = x.log_softmax_rows();
    /// let dz = Matrix::<Const<1>, Const<3>, f64>::from_rows([[0.0, 0.0, -1.0]]);
    /// let dx = RowSoftmax::LogSoftmax.backward(&z, &dz);
    /// let p = x.softmax_rows();
    /// assert!((dx[(0, 0)] - p[(0, 0)]).abs() < 1e-15);
    /// assert!((dx[(0, 2)] - (p[(0, 2)] - 1.0)).abs() < 1e-15);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `dy` differs from `y`'s, at the caller's line; see
    /// [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward<R: Dim, C: Dim, T: Scalar>(
        self,
        y: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
    ) -> Matrix<R, C, T> {
        let mut dx = y.clone();
        self.try_backward_into(y, dy, &mut dx, Write::Overwrite)
            .or_panic();
        dx
    }

    /// Writes the gradient `dx` from the forward's output `y` and its gradient `dy`, replacing
    /// ([`Write::Overwrite`]) or adding to ([`Write::Accumulate`]) what `dx` holds, a row at a
    /// time, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `dy` or `dx` differs from
    /// `y`'s; `dx` is then untouched.
    pub fn try_backward_into<R: Dim, C: Dim, T: Scalar>(
        self,
        y: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
        dx: &mut Matrix<R, C, T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        let shape = (y.rows(), y.cols());
        let ops = match self {
            RowSoftmax::Softmax => [
                "softmax_rows backward: dy must have y's shape",
                "softmax_rows backward: dx must have y's shape",
            ],
            RowSoftmax::LogSoftmax => [
                "log_softmax_rows backward: dy must have y's shape",
                "log_softmax_rows backward: dx must have y's shape",
            ],
        };
        for (given, op) in [(dy.rows(), dy.cols()), (dx.rows(), dx.cols())]
            .into_iter()
            .zip(ops)
        {
            if given != shape {
                return Err(ShapeError::Mismatch {
                    op,
                    expected: shape,
                    given,
                });
            }
        }
        let cols = shape.1;
        if cols == 0 {
            return Ok(());
        }
        let rows = y
            .as_slice()
            .chunks_exact(cols)
            .zip(dy.as_slice().chunks_exact(cols))
            .zip(dx.as_mut_slice().chunks_exact_mut(cols));
        for ((y, dy), dx) in rows {
            // Per element, the row's term is taken away: softmax's `Σ dy ⊙ y` scaled by `y`,
            // log-softmax's `Σ dy` scaled by `e^z`.
            let row_sum: T = match self {
                RowSoftmax::Softmax => y.iter().zip(dy).map(|(&y, &g)| y * g).sum(),
                RowSoftmax::LogSoftmax => dy.iter().copied().sum(),
            };
            for ((&y, &g), d) in y.iter().zip(dy).zip(dx) {
                let v = match self {
                    RowSoftmax::Softmax => y * (g - row_sum),
                    RowSoftmax::LogSoftmax => g - y.exp() * row_sum,
                };
                match write {
                    Write::Overwrite => *d = v,
                    Write::Accumulate => *d += v,
                }
            }
        }
        Ok(())
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The softmax of each row: row `i` becomes a probability distribution over the `C` columns,
    /// `e^(x[i, j]) / Σₖ e^(x[i, k])` ([`RowSoftmax::Softmax`], whose
    /// [`backward`](RowSoftmax::backward) is its gradient).
    ///
    /// Computed stably; `−∞` entries (masked) get probability 0; a row of only `−∞`, or holding
    /// NaN or `+∞`, is NaN throughout (see [`RowSoftmax`]).
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(Batch = 2, Classes = 3);
    ///
    /// // Large scores do not overflow, and a masked class gets nothing.
    /// let scores = Matrix::<Batch, Classes>::from_rows([
    ///     [1000.0, 1000.0, f32::NEG_INFINITY],
    ///     [0.0, 0.0, 0.0],
    /// ]);
    /// let p: Matrix<Batch, Classes> = scores.softmax_rows();
    /// assert_eq!(p.as_slice()[..3], [0.5, 0.5, 0.0]);
    /// ```
    pub fn softmax_rows(&self) -> Self {
        RowSoftmax::Softmax.forward(self)
    }

    /// The log-softmax of each row: `x[i, j] − ln Σₖ e^(x[i, k])`, the logarithms of
    /// [`softmax_rows`](Self::softmax_rows), computed through the log-sum-exp so that a tiny
    /// probability keeps its logarithm instead of rounding to `ln 0` ([`RowSoftmax::LogSoftmax`],
    /// whose [`backward`](RowSoftmax::backward) is its gradient).
    ///
    /// `−∞` entries (masked) give `−∞`; a row of only `−∞`, or holding NaN or `+∞`, is NaN
    /// throughout.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let x = Matrix::<Const<1>, Const<2>, f64>::from_rows([[0.0, -800.0]]);
    /// let z = x.log_softmax_rows();
    /// // e^(−800) is 0 in f64, but its logarithm is not lost.
    /// assert_eq!(z.as_slice(), &[0.0, -800.0]);
    /// assert_eq!(x.softmax_rows().as_slice(), &[1.0, 0.0]);
    /// ```
    pub fn log_softmax_rows(&self) -> Self {
        RowSoftmax::LogSoftmax.forward(self)
    }
}

#[cfg(test)]
mod tests {
    use super::RowSoftmax;
    use crate::{Const, Dim, Dyn, Matrix, Write, gradcheck};

    const BOTH: [RowSoftmax; 2] = [RowSoftmax::Softmax, RowSoftmax::LogSoftmax];

    /// Checks `f`'s backward at a random `rows × cols` input against central differences of
    /// `l = Σ f(x) ⊙ r`, and that the `_into` forms agree with the allocating ones.
    fn check_one<R: Dim, C: Dim>(f: RowSoftmax, rows: R, cols: C, seed: u64) {
        let x = Matrix::<R, C, f64>::rand_with(rows, cols, seed).map(|v| 8.0 * v - 4.0);
        let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 1).map(|v| v - 0.5);
        let y = f.forward(&x);
        let analytic = f.backward(&y, &r);
        let loss = |x: &Matrix<R, C, f64>| -> f64 {
            f.forward(x)
                .as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(y, r)| y * r)
                .sum()
        };
        let report = gradcheck::check(&x, &analytic, loss);
        let tol = gradcheck::tolerance(rows.size() * cols.size());
        assert!(report.max_error() <= tol, "{f:?}: {report}");

        let mut into = Matrix::filled_with(rows, cols, 9.0);
        f.try_forward_into(&x, &mut into).unwrap();
        assert_eq!(into.as_slice(), y.as_slice());
        f.try_backward_into(&y, &r, &mut into, Write::Overwrite)
            .unwrap();
        assert_eq!(into.as_slice(), analytic.as_slice());
    }

    #[test]
    fn every_backward_matches_central_differences_static_and_dyn() {
        for (i, f) in BOTH.into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_one(f, Const::<3>, Const::<5>, seed);
            check_one(f, Dyn(7), Const::<2>, seed + 3);
            check_one(f, Const::<2>, Dyn(9), seed + 4);
            check_one(f, Dyn(1), Dyn(11), seed + 5);
            check_one(f, Dyn(4), Dyn(1), seed + 6);
        }
    }

    #[test]
    fn rows_are_distributions_and_log_softmax_is_their_log() {
        let x = Matrix::<Const<5>, Const<7>, f64>::rand(3).map(|v| 40.0 * v - 20.0);
        let (p, z) = (x.softmax_rows(), x.log_softmax_rows());
        for i in 0..5 {
            let total: f64 = (0..7).map(|j| p[(i, j)]).sum();
            assert!(
                (total - 1.0).abs() <= 8.0 * f64::EPSILON,
                "row {i}: {total}"
            );
            for j in 0..7 {
                let want = p[(i, j)].ln();
                assert!((z[(i, j)] - want).abs() <= 1e-12 * want.abs().max(1.0));
            }
        }
        // Adding a constant to a row changes nothing, however large.
        let shifted = x.map(|v| v + 1e4).softmax_rows();
        for (a, b) in shifted.as_slice().iter().zip(p.as_slice()) {
            assert!((a - b).abs() <= 1e-11, "{a} vs {b}");
        }
    }

    #[test]
    fn masked_entries_get_nothing_and_the_rest_is_the_softmax_of_the_others() {
        let ninf = f64::NEG_INFINITY;
        let x = Matrix::<Const<1>, Const<4>, f64>::from_rows([[0.3, ninf, -1.2, ninf]]);
        let kept = Matrix::<Const<1>, Const<2>, f64>::from_rows([[0.3, -1.2]]);
        // No gradient arrives at the masked outputs: the kept entries' gradients are those of
        // the softmax of the kept entries alone.
        let dy = Matrix::<Const<1>, Const<4>, f64>::from_rows([[0.5, 0.0, -1.0, 0.0]]);
        let dy_kept = Matrix::<Const<1>, Const<2>, f64>::from_rows([[0.5, -1.0]]);
        for f in BOTH {
            let (y, y_kept) = (f.forward(&x), f.forward(&kept));
            let dx = f.backward(&y, &dy);
            let dx_kept = f.backward(&y_kept, &dy_kept);
            assert_eq!([y[(0, 0)], y[(0, 2)]], [y_kept[(0, 0)], y_kept[(0, 1)]]);
            assert_eq!([dx[(0, 0)], dx[(0, 2)]], [dx_kept[(0, 0)], dx_kept[(0, 1)]]);
            assert_eq!([dx[(0, 1)], dx[(0, 3)]], [0.0; 2], "{f:?}");
        }
        // Gradient at the masked outputs too.
        let dy = Matrix::<Const<1>, Const<4>, f64>::from_rows([[0.5, 2.0, -1.0, 3.0]]);
        for f in BOTH {
            let y = f.forward(&x);
            let dx = f.backward(&y, &dy);
            let (masked, grad) = match f {
                // Probability 0 and no gradient: a masked logit cannot move its probability, and
                // its zero probability cannot move the others.
                RowSoftmax::Softmax => (0.0, [0.0, 0.0]),
                // `z = x − lse(x)` has ∂z/∂x = 1 − p = 1 there, so dz passes straight through;
                // and every z holds `−lse`, so the masked dz reach the kept logits as well.
                RowSoftmax::LogSoftmax => (ninf, [2.0, 3.0]),
            };
            assert_eq!([y[(0, 1)], y[(0, 3)]], [masked; 2], "{f:?}");
            assert_eq!([dx[(0, 1)], dx[(0, 3)]], grad, "{f:?}");
            assert!(dx.as_slice().iter().all(|g| g.is_finite()), "{f:?}: {dx:?}");
        }
    }

    #[test]
    fn a_row_of_only_minus_infinity_or_holding_nan_or_plus_infinity_is_nan() {
        let (ninf, inf, nan) = (f32::NEG_INFINITY, f32::INFINITY, f32::NAN);
        let x = Matrix::<Const<4>, Const<3>, f32>::from_rows([
            [ninf, ninf, ninf],
            [1.0, nan, 2.0],
            [1.0, inf, 2.0],
            [1.0, 2.0, 3.0],
        ]);
        for f in BOTH {
            let y = f.forward(&x);
            assert!(y.as_slice()[..9].iter().all(|v| v.is_nan()), "{f:?}: {y:?}");
            assert!(
                y.as_slice()[9..].iter().all(|v| v.is_finite()),
                "{f:?}: {y:?}"
            );
        }
    }

    #[test]
    fn rows_of_length_zero_and_no_rows_give_empty_results() {
        for f in BOTH {
            let no_cols = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(3), Dyn(0));
            let y = f.forward(&no_cols);
            assert_eq!((y.rows(), y.cols()), (3, 0));
            assert_eq!(f.backward(&y, &y).cols(), 0);
            let no_rows = Matrix::<Dyn, Const<4>, f64>::zeros_with(Dyn(0), Const);
            assert_eq!(f.forward(&no_rows).rows(), 0);
        }
    }

    #[test]
    fn f32_follows_f64_to_within_rounding() {
        let x64 = Matrix::<Const<4>, Const<6>, f64>::rand(8).map(|v| 12.0 * v - 6.0);
        let x32 = Matrix::<Const<4>, Const<6>, f32>::from_fn(|i, j| x64[(i, j)] as f32);
        for f in BOTH {
            let (y64, y32) = (f.forward(&x64), f.forward(&x32));
            for (g, w) in y32.as_slice().iter().zip(y64.as_slice()) {
                // The input's rounding to f32 moves each exponent by up to 6·ε/2, then a few
                // roundings of exp, the sum and the division (or ln).
                let tol = 16.0 * f64::from(f32::EPSILON) * w.abs().max(1.0);
                assert!((f64::from(*g) - w).abs() <= tol, "{f:?}: {g} vs {w}");
            }
        }
    }

    #[test]
    fn accumulate_adds_and_dyn_sizes_that_disagree_leave_dx_untouched() {
        let x = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(2), Dyn(3), 1);
        let dy = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(2), Dyn(3), 2);
        for f in BOTH {
            let y = f.forward(&x);
            let once = f.backward(&y, &dy);
            let mut dx = Matrix::filled_with(Dyn(2), Dyn(3), 1.0);
            f.try_backward_into(&y, &dy, &mut dx, Write::Accumulate)
                .unwrap();
            assert_eq!(dx, once.map(|v| v + 1.0));

            let before = dx.clone();
            let short = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(1), Dyn(3));
            let err = f
                .try_backward_into(&y, &short, &mut dx, Write::Overwrite)
                .unwrap_err();
            let name = match f {
                RowSoftmax::Softmax => "softmax_rows",
                RowSoftmax::LogSoftmax => "log_softmax_rows",
            };
            assert_eq!(
                err.to_string(),
                format!(
                    "{name} backward: dy must have y's shape: expected a 2×3 matrix, but a 1×3 \
                     matrix was given"
                )
            );
            assert_eq!(dx, before, "untouched on error");
            let mut wide = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(4));
            let err = f.try_forward_into(&x, &mut wide).unwrap_err();
            assert!(
                err.to_string()
                    .ends_with("expected a 2×3 matrix, but a 2×4 matrix was given")
            );
            assert!(wide.as_slice().iter().all(|&v| v == 0.0));
        }
    }
}
