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
