//! Layer normalisation of each row, a forward and a typed backward.
//!
//! Each row of an `R × C` matrix `x` is taken as the `C` features of one example and is
//! normalised on its own, then scaled and shifted by a `1 × C` gain `γ` and bias `β` shared by
//! every row, as PyTorch's `nn.LayerNorm(C, eps)` on an `(R, C)` tensor:
//!
//! ```text
//! μ  = (1/C) Σⱼ xⱼ                 the row's mean
//! σ² = (1/C) Σⱼ (xⱼ − μ)²          its biased variance
//! x̂  = (x − μ) / √(σ² + eps)       eps inside the square root
//! y  = γ ⊙ x̂ + β
//! ```
//!
//! The variance is computed in a second pass over the row, from `x − μ`, not as `E[x²] − μ²`,
//! which cancels catastrophically when the mean is large beside the spread. A row of constant
//! values has `σ² = 0` and gives `y = β` when `eps > 0`; with `eps = 0` it gives NaN, as in
//! PyTorch. A row of length 0 (a matrix with no columns) gives an empty row.
//!
//! Given `dy`, the backward pass is
//!
//! ```text
//! dβ = Σᵢ dyᵢ                       summed over the rows, a 1 × C row
//! dγ = Σᵢ dyᵢ ⊙ x̂ᵢ                  likewise
//! dx̂ = dy ⊙ γ
//! dx = (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) / √(σ² + eps)     means along each row
//! ```
//!
//! written from `x` alone: [`LayerNorm::try_backward_into`] recomputes each row's `μ` and `σ`
//! rather than keeping them from the forward, so a caller keeps only `x` (and `γ`). Both passes
//! go a row at a time, without allocating. The operands' types say which is which: `x`, `y`,
//! `dy` and `dx` are `Matrix<R, C, T>`, `γ`, `β` and their gradients `Matrix<Const<1>, C, T>`,
//! so a gain laid out as a column, or a gradient of either kind in the other's place, does not
//! compile; only [`Dyn`](crate::Dyn) sizes are compared at run time.

use super::binary::{check_shapes, shape};
use crate::error::OrPanic;
use crate::{Const, Dim, Matrix, Scalar, ShapeError, Write};

/// Layer normalisation of each row, with `eps` added to the variance: its forward and backward.
///
/// Row `i` of an `R × C` matrix `x` (one example's `C` features) becomes
/// `γ ⊙ (xᵢ − μᵢ) / √(σᵢ² + eps) + β`, with `μᵢ` and `σᵢ²` the row's mean and biased variance
/// and `γ`, `β` a `1 × C` gain and bias shared by every row: PyTorch's `nn.LayerNorm(C, eps)`,
/// whose default `eps` is `1e-5`. The variance is taken in a second pass over `x − μ`, not as
/// `E[x²] − μ²`. A row of equal values gives `β` when `eps > 0` (NaN when `eps = 0`, as in
/// PyTorch); a matrix with no columns gives empty rows.
///
/// With `x̂ = (x − μ) / √(σ² + eps)` the normalised rows, the gradients are
///
/// ```text
/// dβ = Σᵢ dyᵢ,   dγ = Σᵢ dyᵢ ⊙ x̂ᵢ          sums over the rows
/// dx = (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) / √(σ² + eps),   dx̂ = dy ⊙ γ,   means along each row
/// ```
///
/// [`Matrix::layer_norm`] applies it; [`try_forward_into`](Self::try_forward_into) writes into an
/// existing buffer; [`backward`](Self::backward) and
/// [`try_backward_into`](Self::try_backward_into) give the gradients of `x`, `γ` and `β` from
/// `x`, `γ` and `dy` alone, recomputing each row's mean and variance, so that a caller keeps no
/// statistics from the forward. Every pass goes a row at a time, without allocating.
///
/// ```
/// use shapegrad::{dim, Const, LayerNorm, LayerNormGrads, Matrix};
/// dim!(Batch = 2, Features = 3);
///
/// let norm = LayerNorm { eps: 1e-5 };
/// let x = Matrix::<Batch, Features, f64>::from_rows([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]]);
/// let gain = Matrix::<Const<1>, Features, f64>::from_rows([[1.0, 2.0, 1.0]]);
/// let bias = Matrix::<Const<1>, Features, f64>::zeros();
/// let y = norm.forward(&x, &gain, &bias);
/// // Row 0 has mean 2 and variance 2/3: x̂ = (−√1.5, 0, √1.5), nearly.
/// assert!((y[(0, 0)] + 1.5f64.sqrt()).abs() < 1e-4);
///
/// // l = Σ y: dβ counts the rows in every column, and dγ adds up x̂ over them.
/// let dy = Matrix::<Batch, Features, f64>::ones();
/// let LayerNormGrads { dx, dgain, dbias } = norm.backward(&x, &gain, &dy);
/// assert_eq!(dbias.as_slice(), &[2.0, 2.0, 2.0]);
/// assert!((dgain[(0, 0)] - (y[(0, 0)] + y[(1, 0)])).abs() < 1e-12);
/// // With γ equal along a row, Σ y is Σ β whatever x is (x̂ adds to 0): no gradient reaches x.
/// let flat = Matrix::<Const<1>, Features, f64>::from_fn(|_, _| 3.0);
/// let dx_flat = norm.backward(&x, &flat, &dy).dx;
/// assert!(dx_flat.as_slice().iter().all(|g| g.abs() < 1e-12));
/// // With γ not equal, some does.
/// assert!(dx.as_slice().iter().any(|g| g.abs() > 1e-3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerNorm<T> {
    /// Added to each row's variance under the square root: it keeps a row of equal values (zero
    /// variance) finite. PyTorch's default is `1e-5`.
    pub eps: T,
}

/// The gradients of [`LayerNorm`]'s three operands, each of its operand's type: `dx` of the
/// input's `R × C`, `dgain` and `dbias` of the gain's and bias's `1 × C`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNormGrads<R: Dim, C: Dim, T: Scalar> {
    /// `dl/dx`, one gradient per input element.
    pub dx: Matrix<R, C, T>,
    /// `dl/dγ = Σᵢ dyᵢ ⊙ x̂ᵢ`, summed over the rows.
    pub dgain: Matrix<Const<1>, C, T>,
    /// `dl/dβ = Σᵢ dyᵢ`, summed over the rows.
    pub dbias: Matrix<Const<1>, C, T>,
}

/// The mean `μ` of a row and `1 / √(σ² + eps)`, its variance taken in a second pass over
/// `x − μ`. NaN for an empty row, which then has nothing to normalise.
fn row_stats<T: Scalar>(row: &[T], eps: T) -> (T, T) {
    let n = T::from_usize(row.len());
    let mean = row.iter().copied().sum::<T>() / n;
    let var = row.iter().map(|&x| (x - mean) * (x - mean)).sum::<T>() / n;
    (mean, T::ONE / (var + eps).sqrt())
}

impl<T: Scalar> LayerNorm<T> {
    /// The layer norm of each row of `x`, scaled by `gain` and shifted by `bias`, into a new
    /// matrix of `x`'s type; [`Matrix::layer_norm`] is the same with `eps` as an argument.
    ///
    /// # Panics
    /// When `C` is [`Dyn`](crate::Dyn) and `gain` or `bias` has another number of columns, at the
    /// caller's line; see [`try_forward_into`](Self::try_forward_into).
    #[track_caller]
    pub fn forward<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        gain: &Matrix<Const<1>, C, T>,
        bias: &Matrix<Const<1>, C, T>,
    ) -> Matrix<R, C, T> {
        let mut y = x.clone();
        self.try_forward_into(x, gain, bias, &mut y).or_panic();
        y
    }

    /// Writes the layer norm of each row of `x`, scaled by `gain` and shifted by `bias`, into
    /// `y`, a row at a time, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size disagrees: `gain` or `bias`
    /// without `x`'s columns, `y` without `x`'s shape. `y` is then untouched.
    pub fn try_forward_into<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        gain: &Matrix<Const<1>, C, T>,
        bias: &Matrix<Const<1>, C, T>,
        y: &mut Matrix<R, C, T>,
    ) -> Result<(), ShapeError> {
        check_shapes(
            (1, x.cols()),
            [
                Some((shape(gain), "layer_norm: the gain must have x's columns")),
                Some((shape(bias), "layer_norm: the bias must have x's columns")),
            ],
        )?;
        check_shapes(
            shape(x),
            [Some((
                shape(y),
                "layer_norm into: the destination must have x's shape",
            ))],
        )?;
        let (gain, bias) = (gain.as_slice(), bias.as_slice());
        for (x, y) in x.rows_iter().zip(y.rows_iter_mut()) {
            let (mean, inv_std) = row_stats(x, self.eps);
            for (((y, &x), &g), &b) in y.iter_mut().zip(x).zip(gain).zip(bias) {
                *y = g * ((x - mean) * inv_std) + b;
            }
        }
        Ok(())
    }

    /// The gradients of `x`, `gain` and the bias, from `x`, `gain` and the output's gradient
    /// `dy` (the bias itself is not needed: `y` depends on it only through `+ β`).
    ///
    /// Each gradient has its operand's type, so the gain's, a `1 × C` row, cannot be used where
    /// an `R × C` gradient is wanted:
    ///
    /// ```compile_fail
    /// use shapegrad::{dim, Const, LayerNorm, Matrix};
    /// dim!(Batch = 2, Features = 3);
    /// let x = Matrix::<Batch, Features, f64>::ones();
    /// let gain = Matrix::<Const<1>, Features, f64>::ones();
    /// let grads = LayerNorm { eps: 1e-5 }.backward(&x, &gain, &x);
    /// let update: Matrix<Batch, Features, f64> = grads.dgain; // a `1 × Features` row
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `gain` or `dy` disagrees with `x`'s, at the caller's
    /// line; see [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        gain: &Matrix<Const<1>, C, T>,
        dy: &Matrix<R, C, T>,
    ) -> LayerNormGrads<R, C, T> {
        let (r, c) = x.dims();
        let mut grads = LayerNormGrads {
            dx: Matrix::zeros_with(r, c),
            dgain: Matrix::zeros_with(Const, c),
            dbias: Matrix::zeros_with(Const, c),
        };
        self.try_backward_into(
            x,
            gain,
            dy,
            Some(&mut grads.dx),
            Some(&mut grads.dgain),
            Some(&mut grads.dbias),
            Write::Overwrite,
        )
        .or_panic();
        grads
    }

    /// Writes the gradients of `x`, `gain` and the bias into `dx`, `dgain` and `dbias`, replacing
    /// ([`Write::Overwrite`]) or adding to ([`Write::Accumulate`]) what they hold. Each may be
    /// `None` when that operand needs no gradient.
    ///
    /// Each row's mean and variance are recomputed from `x` (two passes over the row), then each
    /// wanted gradient takes a pass or two over it; `dgain` and `dbias` add up over the rows.
    /// Nothing is allocated.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, LayerNorm, Matrix, Write};
    ///
    /// // The sizes an autodiff graph knows only at run time.
    /// let x = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(4), Dyn(3), 1);
    /// let gain = Matrix::<Const<1>, Dyn, f64>::filled_with(Const, Dyn(3), 2.0);
    /// let dy = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(4), Dyn(3), 2);
    /// let mut dgain = Matrix::<Const<1>, Dyn, f64>::zeros_with(Const, Dyn(3));
    /// let norm = LayerNorm { eps: 1e-5 };
    /// // Two micro-batches' worth, accumulated: twice one.
    /// for _ in 0..2 {
    ///     norm.try_backward_into(&x, &gain, &dy, None, Some(&mut dgain), None, Write::Accumulate)?;
    /// }
    /// let once = norm.backward(&x, &gain, &dy).dgain;
    /// assert!(dgain.as_slice().iter().zip(once.as_slice()).all(|(a, b)| (a - 2.0 * b).abs() < 1e-12));
    ///
    /// // A gradient of the wrong run-time size is an error, and nothing is written.
    /// let mut short = Matrix::<Const<1>, Dyn, f64>::zeros_with(Const, Dyn(2));
    /// let err = norm
    ///     .try_backward_into(&x, &gain, &dy, None, None, Some(&mut short), Write::Overwrite)
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "layer_norm backward: dbias must have x's columns: expected a 1×3 matrix, but a 1×2 \
    ///      matrix was given"
    /// );
    /// # Ok::<(), shapegrad::ShapeError>(())
    /// ```
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size disagrees: `gain`, `dgain` or
    /// `dbias` without `x`'s columns, `dy` or `dx` without `x`'s shape. Every size is checked
    /// before anything is written, so `dx`, `dgain` and `dbias` are then untouched.
    #[allow(clippy::too_many_arguments)]
    pub fn try_backward_into<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        gain: &Matrix<Const<1>, C, T>,
        dy: &Matrix<R, C, T>,
        dx: Option<&mut Matrix<R, C, T>>,
        mut dgain: Option<&mut Matrix<Const<1>, C, T>>,
        mut dbias: Option<&mut Matrix<Const<1>, C, T>>,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_shapes(
            (1, x.cols()),
            [
                Some((
                    shape(gain),
                    "layer_norm backward: the gain must have x's columns",
                )),
                dgain
                    .as_deref()
                    .map(|m| (shape(m), "layer_norm backward: dgain must have x's columns")),
                dbias
                    .as_deref()
                    .map(|m| (shape(m), "layer_norm backward: dbias must have x's columns")),
            ],
        )?;
        check_shapes(
            shape(x),
            [
                Some((shape(dy), "layer_norm backward: dy must have x's shape")),
                dx.as_deref()
                    .map(|m| (shape(m), "layer_norm backward: dx must have x's shape")),
            ],
        )?;
        // The gain's and bias's gradients are sums over rows, added up in place: from zero to
        // overwrite.
        if write == Write::Overwrite {
            for d in [dgain.as_deref_mut(), dbias.as_deref_mut()]
                .into_iter()
                .flatten()
            {
                d.as_mut_slice().fill(T::ZERO);
            }
        }
        match write {
            Write::Overwrite => self.grads(x, gain, dy, dx, dgain, dbias, |d, v| *d = v),
            Write::Accumulate => self.grads(x, gain, dy, dx, dgain, dbias, |d, v| *d += v),
        }
        Ok(())
    }

    /// The loops of [`try_backward_into`](Self::try_backward_into), after its checks: `put`
    /// writes or adds one element of `dx`; `dgain` and `dbias` are always added to.
    #[allow(clippy::too_many_arguments)]
    fn grads<R: Dim, C: Dim>(
        self,
        x: &Matrix<R, C, T>,
        gain: &Matrix<Const<1>, C, T>,
        dy: &Matrix<R, C, T>,
        dx: Option<&mut Matrix<R, C, T>>,
        dgain: Option<&mut Matrix<Const<1>, C, T>>,
        dbias: Option<&mut Matrix<Const<1>, C, T>>,
        put: impl Fn(&mut T, T),
    ) {
        let gain = gain.as_slice();
        let n = T::from_usize(x.cols());
        let mut dx_rows = dx.map(Matrix::rows_iter_mut);
        let mut dgain = dgain.map(Matrix::as_mut_slice);
        let mut dbias = dbias.map(Matrix::as_mut_slice);
        if dx_rows.is_none() && dgain.is_none() && dbias.is_none() {
            return;
        }
        for (x, dy) in x.rows_iter().zip(dy.rows_iter()) {
            if let Some(db) = dbias.as_deref_mut() {
                db.iter_mut().zip(dy).for_each(|(d, &g)| *d += g);
            }
            if dgain.is_none() && dx_rows.is_none() {
                continue;
            }
            let (mean, inv_std) = row_stats(x, self.eps);
            let x_hat = |x: T| (x - mean) * inv_std;
            if let Some(dg) = dgain.as_deref_mut() {
                for ((d, &g), &x) in dg.iter_mut().zip(dy).zip(x) {
                    *d += g * x_hat(x);
                }
            }
            if let Some(dx) = dx_rows.as_mut().and_then(Iterator::next) {
                // The row's means of dx̂ = dy ⊙ γ and of dx̂ ⊙ x̂, then each element.
                let (mut sum, mut sum_x_hat) = (T::ZERO, T::ZERO);
                for ((&g, &gamma), &x) in dy.iter().zip(gain).zip(x) {
                    let d_x_hat = g * gamma;
                    sum += d_x_hat;
                    sum_x_hat += d_x_hat * x_hat(x);
                }
                let (mean_d, mean_dx) = (sum / n, sum_x_hat / n);
                for (((d, &g), &gamma), &x) in dx.iter_mut().zip(dy).zip(gain).zip(x) {
                    put(d, (g * gamma - mean_d - x_hat(x) * mean_dx) * inv_std);
                }
            }
        }
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The layer norm of each row, as PyTorch's `nn.LayerNorm(C, eps)`: row `i` becomes
    /// `gain ⊙ (xᵢ − μᵢ) / √(σᵢ² + eps) + bias`, with `μᵢ` the row's mean and `σᵢ²` its biased
    /// variance: [`LayerNorm`]'s forward, whose [`backward`](LayerNorm::backward) is its gradient
    /// (the maths is there).
    ///
    /// The gain and bias are `1 × C` rows, one value per feature, shared by every row:
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 2, Features = 4);
    ///
    /// let x = Matrix::<Batch, Features, f64>::from_rows([
    ///     [1.0, 2.0, 3.0, 4.0],
    ///     [1e6, 1e6 + 2.0, 1e6 + 4.0, 1e6 + 6.0],
    /// ]);
    /// let gain = Matrix::<Const<1>, Features, f64>::ones();
    /// let bias = Matrix::<Const<1>, Features, f64>::from_rows([[0.0, 0.0, 0.0, 10.0]]);
    /// let y: Matrix<Batch, Features, f64> = x.layer_norm(&gain, &bias, 0.0);
    ///
    /// // Row 0 has mean 2.5 and variance 1.25; row 1 is row 0 scaled by 2 and shifted by 1e6,
    /// // which a layer norm does not see: both come out with mean 0 and variance 1, then the bias.
    /// let s = 1.25f64.sqrt();
    /// let want = [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s + 10.0];
    /// for j in 0..4 {
    ///     assert!((y[(0, j)] - want[j]).abs() < 1e-12);
    ///     assert!((y[(1, j)] - want[j]).abs() < 1e-9);
    /// }
    /// ```
    ///
    /// A gain laid out as a column, one value per row, does not compile:
    ///
    /// ```compile_fail
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 2, Features = 3);
    /// let x = Matrix::<Batch, Features>::ones();
    /// let gain = Matrix::<Batch, Const<1>>::ones();
    /// let bias = Matrix::<Const<1>, Features>::zeros();
    /// let _ = x.layer_norm(&gain, &bias, 1e-5); // expected `&Matrix<Const<1>, Features>`
    /// ```
    ///
    /// # Panics
    /// When `C` is [`Dyn`](crate::Dyn) and `gain` or `bias` has another number of columns, at the
    /// caller's line; see [`LayerNorm::try_forward_into`].
    #[track_caller]
    pub fn layer_norm(
        &self,
        gain: &Matrix<Const<1>, C, T>,
        bias: &Matrix<Const<1>, C, T>,
        eps: T,
    ) -> Self {
        LayerNorm { eps }.forward(self, gain, bias)
    }
}

#[cfg(test)]
mod tests {
    use super::{LayerNorm, LayerNormGrads};
    use crate::{Const, Dim, Dyn, Matrix, ShapeError, Write, gradcheck};

    /// The layer norm of each row written out in f64, straight from the definition.
    fn direct(x: &[f64], cols: usize, gain: &[f64], bias: &[f64], eps: f64) -> Vec<f64> {
        let mut y = Vec::with_capacity(x.len());
        for row in x.chunks(cols) {
            let mean = row.iter().sum::<f64>() / cols as f64;
            let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / cols as f64;
            let std = (var + eps).sqrt();
            for j in 0..cols {
                y.push(gain[j] * (row[j] - mean) / std + bias[j]);
            }
        }
        y
    }

    /// An input `x`, a gain and a bias: `R × C`, `1 × C` and `1 × C`.
    type Operands<R, C> = (
        Matrix<R, C, f64>,
        Matrix<Const<1>, C, f64>,
        Matrix<Const<1>, C, f64>,
    );

    /// A random `rows × cols` input, gain and bias, with rows of assorted offsets and spreads.
    fn operands<R: Dim, C: Dim>(rows: R, cols: C, seed: u64) -> Operands<R, C> {
        let noise = Matrix::<R, C, f64>::rand_with(rows, cols, seed);
        let x = Matrix::from_fn_with(rows, cols, |i, j| {
            let (shift, spread) = (i as f64 - 1.0, 1.0 + 0.5 * i as f64);
            shift + spread * (6.0 * noise[(i, j)] - 3.0)
        });
        let gain = Matrix::rand_with(Const, cols, seed + 1).map(|v| 1.0 + v);
        let bias = Matrix::rand_with(Const, cols, seed + 2).map(|v| v - 0.5);
        (x, gain, bias)
    }

    fn check_forward<R: Dim, C: Dim>(rows: R, cols: C, eps: f64, seed: u64) {
        let (x, gain, bias) = operands(rows, cols, seed);
        let y = x.layer_norm(&gain, &bias, eps);
        let want = direct(
            x.as_slice(),
            x.cols(),
            gain.as_slice(),
            bias.as_slice(),
            eps,
        );
        for (g, w) in y.as_slice().iter().zip(&want) {
            assert!((g - w).abs() <= 1e-13 * w.abs().max(1.0), "{g} vs {w}");
        }
        let mut into = Matrix::filled_with(rows, cols, 9.0);
        LayerNorm { eps }
            .try_forward_into(&x, &gain, &bias, &mut into)
            .unwrap();
        assert_eq!(into.as_slice(), y.as_slice());
    }

    #[test]
    fn forward_matches_a_direct_f64_computation_static_and_dyn() {
        for (i, eps) in [0.0, 1e-5, 0.5].into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_forward(Const::<3>, Const::<5>, eps, seed);
            check_forward(Dyn(7), Const::<2>, eps, seed + 3);
            check_forward(Const::<2>, Dyn(9), eps, seed + 4);
            check_forward(Dyn(4), Dyn(11), eps, seed + 5);
        }
    }

    #[test]
    fn known_values_with_eps_inside_the_square_root() {
        // Mean 0, biased variance 1: with eps = 3, x̂ = x / √4.
        let x = Matrix::<Const<1>, Const<2>, f64>::from_rows([[-1.0, 1.0]]);
        let gain = Matrix::<Const<1>, Const<2>, f64>::from_rows([[1.0, 4.0]]);
        let bias = Matrix::<Const<1>, Const<2>, f64>::from_rows([[0.0, 1.0]]);
        assert_eq!(x.layer_norm(&gain, &bias, 3.0).as_slice(), &[-0.5, 3.0]);
        // A row of equal values is its bias; with eps = 0 it has nothing to divide by.
        let flat = Matrix::<Const<1>, Const<2>, f64>::from_rows([[7.0, 7.0]]);
        assert_eq!(flat.layer_norm(&gain, &bias, 1e-5).as_slice(), &[0.0, 1.0]);
        let nan = flat.layer_norm(&gain, &bias, 0.0);
        assert!(nan.as_slice().iter().all(|v| v.is_nan()));
        let grads = LayerNorm { eps: 1e-5 }.backward(&flat, &gain, &x);
        assert!(grads.dx.as_slice().iter().all(|g| g.is_finite()));
    }

    /// Checks the three gradients at a random input against central differences of
    /// `l = Σ layer_norm(x, γ, β) ⊙ r`, and that the `_into` form agrees with the allocating one.
    fn check_backward<R: Dim, C: Dim>(rows: R, cols: C, eps: f64, seed: u64) {
        let (x, gain, bias) = operands(rows, cols, seed);
        let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 3).map(|v| v - 0.5);
        let norm = LayerNorm { eps };
        let LayerNormGrads { dx, dgain, dbias } = norm.backward(&x, &gain, &r);
        let loss = |(x, gain, bias): &Operands<R, C>| -> f64 {
            norm.forward(x, gain, bias)
                .as_slice()
                .iter()
                .zip(r.as_slice())
                .map(|(y, r)| y * r)
                .sum()
        };
        let analytic = (dx.clone(), dgain.clone(), dbias.clone());
        gradcheck::check(&(x.clone(), gain.clone(), bias), &analytic, loss)
            .assert_within(gradcheck::tolerance(rows.size() * cols.size()));

        let mut into = (
            Matrix::filled_with(rows, cols, 9.0),
            Matrix::filled_with(Const, cols, 9.0),
            Matrix::filled_with(Const, cols, 9.0),
        );
        norm.try_backward_into(
            &x,
            &gain,
            &r,
            Some(&mut into.0),
            Some(&mut into.1),
            Some(&mut into.2),
            Write::Overwrite,
        )
        .unwrap();
        assert_eq!(into.0.as_slice(), dx.as_slice());
        assert_eq!(into.1.as_slice(), dgain.as_slice());
        assert_eq!(into.2.as_slice(), dbias.as_slice());
    }

    #[test]
    fn every_gradient_matches_central_differences_static_and_dyn() {
        for (i, eps) in [1e-5, 0.5].into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_backward(Const::<3>, Const::<5>, eps, seed);
            check_backward(Dyn(5), Const::<2>, eps, seed + 3);
            check_backward(Const::<2>, Dyn(7), eps, seed + 4);
            check_backward(Dyn(1), Dyn(6), eps, seed + 5);
            check_backward(Dyn(3), Dyn(1), eps, seed + 6);
        }
    }

    #[test]
    fn each_destination_is_optional_and_the_others_do_not_change() {
        let (x, gain, _) = operands(Dyn(4), Dyn(5), 1);
        let dy = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(4), Dyn(5), 2);
        let norm = LayerNorm { eps: 1e-5 };
        let all = norm.backward(&x, &gain, &dy);
        let mut dx = Matrix::zeros_with(Dyn(4), Dyn(5));
        let mut dgain = Matrix::zeros_with(Const, Dyn(5));
        let mut dbias = Matrix::zeros_with(Const, Dyn(5));
        let w = Write::Overwrite;
        norm.try_backward_into(&x, &gain, &dy, Some(&mut dx), None, None, w)
            .unwrap();
        norm.try_backward_into(&x, &gain, &dy, None, Some(&mut dgain), None, w)
            .unwrap();
        norm.try_backward_into(&x, &gain, &dy, None, None, Some(&mut dbias), w)
            .unwrap();
        norm.try_backward_into(&x, &gain, &dy, None, None, None, w)
            .unwrap();
        assert_eq!((dx, dgain), (all.dx, all.dgain));
        assert_eq!(dbias, dy.col_sums());
        assert_eq!(all.dbias, dy.col_sums());
    }

    #[test]
    fn accumulate_adds_to_every_destination() {
        let (x, gain, _) = operands(Dyn(3), Dyn(4), 5);
        let dy = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(3), Dyn(4), 6);
        let norm = LayerNorm { eps: 1e-5 };
        let once = norm.backward(&x, &gain, &dy);
        let mut dx = Matrix::filled_with(Dyn(3), Dyn(4), 1.0);
        let mut dgain = Matrix::filled_with(Const, Dyn(4), 2.0);
        let mut dbias = Matrix::filled_with(Const, Dyn(4), 3.0);
        norm.try_backward_into(
            &x,
            &gain,
            &dy,
            Some(&mut dx),
            Some(&mut dgain),
            Some(&mut dbias),
            Write::Accumulate,
        )
        .unwrap();
        assert_eq!(dx, once.dx.map(|v| v + 1.0));
        // The rows' terms are added to what the row held one by one, not summed first: equal to
        // within the rounding of that order.
        let close = |a: &[f64], b: &[f64], held: f64| {
            for (a, b) in a.iter().zip(b) {
                assert!(
                    (a - (b + held)).abs() <= 8.0 * f64::EPSILON * a.abs(),
                    "{a} vs {b}"
                );
            }
        };
        close(dgain.as_slice(), once.dgain.as_slice(), 2.0);
        close(dbias.as_slice(), once.dbias.as_slice(), 3.0);
        // Overwrite replaces what the row gradients held: they are sums from zero, not from it.
        norm.try_backward_into(
            &x,
            &gain,
            &dy,
            Some(&mut dx),
            Some(&mut dgain),
            Some(&mut dbias),
            Write::Overwrite,
        )
        .unwrap();
        assert_eq!((dx, dgain, dbias), (once.dx, once.dgain, once.dbias));
    }

    #[test]
    fn dyn_sizes_that_disagree_are_errors_naming_them_and_leave_outputs_untouched() {
        let m =
            |r: usize, c: usize, v: f64| Matrix::<Dyn, Dyn, f64>::filled_with(Dyn(r), Dyn(c), v);
        let row = |c: usize, v: f64| Matrix::<Const<1>, Dyn, f64>::filled_with(Const, Dyn(c), v);
        let mismatch = |op, expected, given| ShapeError::Mismatch {
            op,
            expected,
            given,
        };
        let norm = LayerNorm { eps: 1e-5 };
        let x = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(2), Dyn(3), 1);
        let (gain, bias) = (row(3, 1.0), row(3, 0.0));

        // Forward: the gain, the bias, the destination.
        let mut y = m(2, 3, 7.0);
        let err = norm.try_forward_into(&x, &row(4, 1.0), &bias, &mut y);
        let op = "layer_norm: the gain must have x's columns";
        assert_eq!(err, Err(mismatch(op, (1, 3), (1, 4))));
        let err = norm.try_forward_into(&x, &gain, &row(2, 0.0), &mut y);
        let op = "layer_norm: the bias must have x's columns";
        assert_eq!(err, Err(mismatch(op, (1, 3), (1, 2))));
        assert_eq!(y, m(2, 3, 7.0), "untouched on error");
        let mut wide = m(2, 4, 7.0);
        let err = norm.try_forward_into(&x, &gain, &bias, &mut wide);
        let op = "layer_norm into: the destination must have x's shape";
        assert_eq!(err, Err(mismatch(op, (2, 3), (2, 4))));
        assert_eq!(wide, m(2, 4, 7.0), "untouched on error");
        assert_eq!(
            err.unwrap_err().to_string(),
            "layer_norm into: the destination must have x's shape: expected a 2×3 matrix, but a \
             2×4 matrix was given"
        );

        // Backward: each operand or destination wrong in turn, the others right; none written.
        let dy = m(2, 3, 0.5);
        let (mut dx, mut dgain, mut dbias) = (m(2, 3, 7.0), row(3, 8.0), row(3, 9.0));
        let (mut dx_bad, mut dgain_bad, mut dbias_bad) = (m(3, 3, 7.0), row(2, 8.0), row(4, 9.0));
        let w = Write::Accumulate;
        let cases = [
            (
                "layer_norm backward: the gain must have x's columns",
                (1, 3),
                (1, 5),
                norm.try_backward_into(
                    &x,
                    &row(5, 1.0),
                    &dy,
                    Some(&mut dx),
                    Some(&mut dgain),
                    Some(&mut dbias),
                    w,
                ),
            ),
            (
                "layer_norm backward: dgain must have x's columns",
                (1, 3),
                (1, 2),
                norm.try_backward_into(
                    &x,
                    &gain,
                    &dy,
                    Some(&mut dx),
                    Some(&mut dgain_bad),
                    Some(&mut dbias),
                    w,
                ),
            ),
            (
                "layer_norm backward: dbias must have x's columns",
                (1, 3),
                (1, 4),
                norm.try_backward_into(
                    &x,
                    &gain,
                    &dy,
                    Some(&mut dx),
                    Some(&mut dgain),
                    Some(&mut dbias_bad),
                    w,
                ),
            ),
            (
                "layer_norm backward: dy must have x's shape",
                (2, 3),
                (2, 1),
                norm.try_backward_into(
                    &x,
                    &gain,
                    &m(2, 1, 0.5),
                    Some(&mut dx),
                    Some(&mut dgain),
                    Some(&mut dbias),
                    w,
                ),
            ),
            (
                "layer_norm backward: dx must have x's shape",
                (2, 3),
                (3, 3),
                norm.try_backward_into(
                    &x,
                    &gain,
                    &dy,
                    Some(&mut dx_bad),
                    Some(&mut dgain),
                    Some(&mut dbias),
                    w,
                ),
            ),
        ];
        for (op, expected, given, err) in cases {
            assert_eq!(err, Err(mismatch(op, expected, given)));
        }
        assert_eq!((dx, dgain, dbias), (m(2, 3, 7.0), row(3, 8.0), row(3, 9.0)));
        assert_eq!(
            (dx_bad, dgain_bad, dbias_bad),
            (m(3, 3, 7.0), row(2, 8.0), row(4, 9.0))
        );
    }

    #[test]
    #[should_panic(expected = "layer_norm: the bias must have x's columns: expected a 1×3 matrix")]
    fn the_panicking_forms_panic_with_the_error() {
        let x = Matrix::<Const<2>, Dyn, f64>::zeros_with(Const, Dyn(3));
        let gain = Matrix::<Const<1>, Dyn, f64>::zeros_with(Const, Dyn(3));
        let bias = Matrix::<Const<1>, Dyn, f64>::zeros_with(Const, Dyn(1));
        let _ = x.layer_norm(&gain, &bias, 1e-5);
    }

    #[test]
    fn rows_of_length_zero_and_no_rows_give_empty_results() {
        let norm = LayerNorm { eps: 1e-5 };
        let no_cols = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(3), Dyn(0));
        let empty = Matrix::<Const<1>, Dyn, f64>::zeros_with(Const, Dyn(0));
        let y = no_cols.layer_norm(&empty, &empty, 1e-5);
        assert_eq!((y.rows(), y.cols()), (3, 0));
        let grads = norm.backward(&no_cols, &empty, &y);
        assert_eq!(
            (grads.dx.rows(), grads.dx.cols(), grads.dgain.cols()),
            (3, 0, 0)
        );

        // No rows: no output, and the gain's and bias's gradients are sums of nothing.
        let no_rows = Matrix::<Dyn, Const<4>, f64>::zeros_with(Dyn(0), Const);
        let gain = Matrix::<Const<1>, Const<4>, f64>::ones();
        assert_eq!(no_rows.layer_norm(&gain, &gain, 1e-5).rows(), 0);
        let mut dgain = Matrix::<Const<1>, Const<4>, f64>::ones();
        let mut dbias = Matrix::<Const<1>, Const<4>, f64>::ones();
        norm.try_backward_into(
            &no_rows,
            &gain,
            &no_rows,
            None,
            Some(&mut dgain),
            Some(&mut dbias),
            Write::Overwrite,
        )
        .unwrap();
        assert_eq!((dgain.sum(), dbias.sum()), (0.0, 0.0));
    }

    #[test]
    fn a_large_mean_beside_a_small_spread_keeps_its_variance_in_f32() {
        // In f32, 1e4 + {−1, 0, 1} are exact, and so are their mean and deviations; but
        // E[x²] = 1e8 + 2/3 rounds to 1e8 (the gap there is 8), which would lose the variance.
        let x = Matrix::<Const<1>, Const<3>, f32>::from_rows([[1e4 - 1.0, 1e4, 1e4 + 1.0]]);
        let (gain, bias) = (Matrix::ones(), Matrix::zeros());
        let y = x.layer_norm(&gain, &bias, 0.0);
        let s = 1.5f32.sqrt();
        let want = [-s, 0.0, s];
        for (g, w) in y.as_slice().iter().zip(want) {
            assert!((g - w).abs() <= 2.0 * f32::EPSILON, "{g} vs {w}");
        }
    }

    #[test]
    fn f32_follows_f64_to_within_rounding() {
        let (x64, gain64, bias64) = operands(Const::<4>, Const::<6>, 8);
        let to32 = |v: &f64| *v as f32;
        let x32 = Matrix::<Const<4>, Const<6>, f32>::from_fn(|i, j| x64[(i, j)] as f32);
        let gain32 = Matrix::<Const<1>, Const<6>, f32>::from_fn(|_, j| to32(&gain64[(0, j)]));
        let bias32 = Matrix::<Const<1>, Const<6>, f32>::from_fn(|_, j| to32(&bias64[(0, j)]));
        let dy64 = Matrix::<Const<4>, Const<6>, f64>::rand(9).map(|v| v - 0.5);
        let dy32 = Matrix::<Const<4>, Const<6>, f32>::from_fn(|i, j| dy64[(i, j)] as f32);
        let norm64 = LayerNorm { eps: 1e-5 };
        let norm32 = LayerNorm { eps: 1e-5f32 };
        // x̂ is within a few dozen roundings of f32 of its f64 value (the inputs' rounding and
        // the sums of six terms), times the gains and gradients, all below 3.
        let tol = 64.0 * f64::from(f32::EPSILON);
        let close = |a: &[f32], b: &[f64]| {
            for (a, b) in a.iter().zip(b) {
                assert!(
                    (f64::from(*a) - b).abs() <= tol * b.abs().max(1.0),
                    "{a} vs {b}"
                );
            }
        };
        close(
            norm32.forward(&x32, &gain32, &bias32).as_slice(),
            norm64.forward(&x64, &gain64, &bias64).as_slice(),
        );
        let (g32, g64) = (
            norm32.backward(&x32, &gain32, &dy32),
            norm64.backward(&x64, &gain64, &dy64),
        );
        close(g32.dx.as_slice(), g64.dx.as_slice());
        close(g32.dgain.as_slice(), g64.dgain.as_slice());
        close(g32.dbias.as_slice(), g64.dbias.as_slice());
    }
}
