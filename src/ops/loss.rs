//! Losses, each a scalar forward and a typed backward: mean squared error, softmax
//! cross-entropy from logits with integer class labels, and binary cross-entropy from logits.
//!
//! Every loss is a mean over its elements (over rows, for cross-entropy), as PyTorch's default
//! `reduction='mean'`. The backward takes the gradient of whatever follows the loss, `dloss`
//! (1 when the loss is the objective), and writes or adds the gradient of the inputs.

use super::binary::same_shape;
use crate::{Dim, Matrix, Scalar, ShapeError, Write};

/// Checks that `labels` has one class per row of `logits`, each below the number of columns.
fn check_labels<R: Dim, C: Dim, T: Scalar>(
    logits: &Matrix<R, C, T>,
    labels: &[usize],
) -> Result<(), ShapeError> {
    if labels.len() != logits.rows() {
        return Err(ShapeError::Labels {
            rows: logits.rows(),
            given: labels.len(),
        });
    }
    let classes = logits.cols();
    match labels.iter().position(|&l| l >= classes) {
        Some(row) => Err(ShapeError::Label {
            row,
            label: labels[row],
            classes,
        }),
        None => Ok(()),
    }
}

/// The log-sum-exp of a row and its maximum: `ln Σⱼ e^(xⱼ)`, computed as
/// `m + ln Σⱼ e^(xⱼ − m)` so that no exponential overflows.
fn log_sum_exp<T: Scalar>(row: &[T]) -> T {
    let m = row
        .iter()
        .copied()
        .fold(T::from_f64(f64::NEG_INFINITY), T::max);
    if !m.is_finite() {
        return m;
    }
    m + row.iter().map(|&x| (x - m).exp()).sum::<T>().ln()
}

/// `dest` written or increased by `value`.
#[inline]
fn put<T: Scalar>(dest: &mut T, value: T, write: Write) {
    match write {
        Write::Overwrite => *dest = value,
        Write::Accumulate => *dest += value,
    }
}

/// The mean over rows of `−ln softmax(logits)[label]`: PyTorch's `cross_entropy(logits, labels)`.
///
/// Each row of `logits` is one sample's unnormalised scores over the `C` classes, and
/// `labels[i]` is row `i`'s class. The softmax is along each row, computed through log-sum-exp.
/// With no rows the mean is NaN, as in PyTorch.
///
/// # Errors
/// [`ShapeError::Labels`] when there is not one label per row, and [`ShapeError::Label`] naming
/// the first label that is not a class (`≥ C`), its row and the class count.
///
/// ```
/// use shapegrad::{dim, loss, Matrix};
/// dim!(Batch = 2, Classes = 3);
///
/// let logits = Matrix::<Batch, Classes, f64>::from_rows([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]);
/// let l = loss::cross_entropy(&logits, &[0, 2]).unwrap();
/// let want = ((1.0 + 2.0 * (-2f64).exp()).ln() + 3f64.ln()) / 2.0;
/// assert!((l - want).abs() < 1e-12);
///
/// let err = loss::cross_entropy(&logits, &[0, 3]).unwrap_err();
/// assert_eq!(err.to_string(), "label 3 in row 1 is not a class: there are 3 classes, 0 to 2");
/// ```
pub fn cross_entropy<R: Dim, C: Dim, T: Scalar>(
    logits: &Matrix<R, C, T>,
    labels: &[usize],
) -> Result<T, ShapeError> {
    check_labels(logits, labels)?;
    let c = logits.cols();
    let mut total = T::ZERO;
    if c > 0 {
        for (row, &label) in logits.as_slice().chunks_exact(c).zip(labels) {
            total += log_sum_exp(row) - row[label];
        }
    }
    Ok(total / T::from_usize(labels.len()))
}

/// The gradient of [`cross_entropy`] with respect to the logits, times `dloss`:
/// `(softmax(row) − onehot(label)) · dloss / R` for each row, written into or added to `dlogits`.
///
/// # Errors
/// As [`cross_entropy`]; and [`ShapeError::Mismatch`] when `dlogits`'s [`Dyn`](crate::Dyn)
/// shape is not the logits'. `dlogits` is untouched on error.
pub fn cross_entropy_backward_into<R: Dim, C: Dim, T: Scalar>(
    logits: &Matrix<R, C, T>,
    labels: &[usize],
    dloss: T,
    dlogits: &mut Matrix<R, C, T>,
    write: Write,
) -> Result<(), ShapeError> {
    check_labels(logits, labels)?;
    same_shape(
        "cross_entropy backward: dlogits must have the logits' shape",
        logits,
        dlogits,
    )?;
    let c = logits.cols();
    if c == 0 {
        return Ok(());
    }
    let scale = dloss / T::from_usize(labels.len());
    let rows = logits.as_slice().chunks_exact(c).zip(labels);
    for (d, (row, &label)) in dlogits.as_mut_slice().chunks_exact_mut(c).zip(rows) {
        let lse = log_sum_exp(row);
        for (j, (d, &x)) in d.iter_mut().zip(row).enumerate() {
            let p = (x - lse).exp();
            let onehot = if j == label { T::ONE } else { T::ZERO };
            put(d, (p - onehot) * scale, write);
        }
    }
    Ok(())
}

/// The mean of `(prediction − target)²` over every element: PyTorch's `mse_loss`.
///
/// Both operands have one type, so only [`Dyn`](crate::Dyn) sizes can disagree.
///
/// # Errors
/// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `target` differs.
pub fn mse<R: Dim, C: Dim, T: Scalar>(
    prediction: &Matrix<R, C, T>,
    target: &Matrix<R, C, T>,
) -> Result<T, ShapeError> {
    same_shape(
        "mse: the target must have the prediction's shape",
        prediction,
        target,
    )?;
    let n = T::from_usize(prediction.as_slice().len());
    let sum: T = prediction
        .as_slice()
        .iter()
        .zip(target.as_slice())
        .map(|(&p, &t)| (p - t) * (p - t))
        .sum();
    Ok(sum / n)
}

/// The gradient of [`mse`] with respect to the prediction, times `dloss`:
/// `2 (prediction − target) · dloss / n`. The target's gradient is its negation.
///
/// # Errors
/// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size disagrees; `dprediction` is then
/// untouched.
pub fn mse_backward_into<R: Dim, C: Dim, T: Scalar>(
    prediction: &Matrix<R, C, T>,
    target: &Matrix<R, C, T>,
    dloss: T,
    dprediction: &mut Matrix<R, C, T>,
    write: Write,
) -> Result<(), ShapeError> {
    same_shape(
        "mse: the target must have the prediction's shape",
        prediction,
        target,
    )?;
    same_shape(
        "mse backward: the gradient must have the prediction's shape",
        prediction,
        dprediction,
    )?;
    let scale = (T::ONE + T::ONE) * dloss / T::from_usize(prediction.as_slice().len());
    let terms = prediction.as_slice().iter().zip(target.as_slice());
    for (d, (&p, &t)) in dprediction.as_mut_slice().iter_mut().zip(terms) {
        put(d, (p - t) * scale, write);
    }
    Ok(())
}

/// The mean over every element of the binary cross-entropy of `sigmoid(logit)` against a target
/// in `[0, 1]`: PyTorch's `binary_cross_entropy_with_logits`, computed as
/// `max(x, 0) − x·t + ln(1 + e^(−|x|))`, which neither overflows nor loses precision.
///
/// # Errors
/// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `targets` differs.
pub fn binary_cross_entropy<R: Dim, C: Dim, T: Scalar>(
    logits: &Matrix<R, C, T>,
    targets: &Matrix<R, C, T>,
) -> Result<T, ShapeError> {
    same_shape(
        "binary_cross_entropy: the targets must have the logits' shape",
        logits,
        targets,
    )?;
    let n = T::from_usize(logits.as_slice().len());
    let sum: T = logits
        .as_slice()
        .iter()
        .zip(targets.as_slice())
        .map(|(&x, &t)| x.max(T::ZERO) - x * t + (T::ONE + (-x.abs()).exp()).ln())
        .sum();
    Ok(sum / n)
}

/// The gradient of [`binary_cross_entropy`] with respect to the logits, times `dloss`:
/// `(sigmoid(x) − t) · dloss / n`.
///
/// # Errors
/// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size disagrees; `dlogits` is then
/// untouched.
pub fn binary_cross_entropy_backward_into<R: Dim, C: Dim, T: Scalar>(
    logits: &Matrix<R, C, T>,
    targets: &Matrix<R, C, T>,
    dloss: T,
    dlogits: &mut Matrix<R, C, T>,
    write: Write,
) -> Result<(), ShapeError> {
    same_shape(
        "binary_cross_entropy: the targets must have the logits' shape",
        logits,
        targets,
    )?;
    same_shape(
        "binary_cross_entropy backward: the gradient must have the logits' shape",
        logits,
        dlogits,
    )?;
    let scale = dloss / T::from_usize(logits.as_slice().len());
    let terms = logits.as_slice().iter().zip(targets.as_slice());
    for (d, (&x, &t)) in dlogits.as_mut_slice().iter_mut().zip(terms) {
        put(d, (crate::Unary::Sigmoid.apply(x) - t) * scale, write);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Const, Dyn, gradcheck};

    type L = Matrix<Const<4>, Const<3>, f64>;

    fn logits() -> L {
        L::rand(1).map(|v| 6.0 * v - 3.0)
    }

    #[test]
    fn cross_entropy_gradient_matches_central_differences() {
        let (x, labels) = (logits(), [2, 0, 1, 2]);
        let mut analytic = L::zeros();
        cross_entropy_backward_into(&x, &labels, 1.0, &mut analytic, Write::Overwrite).unwrap();
        let report = gradcheck::check(&x, &analytic, |x| cross_entropy(x, &labels).unwrap());
        report.assert_within(gradcheck::tolerance(12));
    }

    #[test]
    fn mse_and_bce_gradients_match_central_differences() {
        let (p, t) = (logits(), L::rand(2));
        let mut dp = L::zeros();
        mse_backward_into(&p, &t, 1.0, &mut dp, Write::Overwrite).unwrap();
        gradcheck::check(&p, &dp, |p| mse(p, &t).unwrap()).assert_within(gradcheck::tolerance(12));
        let mut dx = L::zeros();
        binary_cross_entropy_backward_into(&p, &t, 1.0, &mut dx, Write::Overwrite).unwrap();
        gradcheck::check(&p, &dx, |p| binary_cross_entropy(p, &t).unwrap())
            .assert_within(gradcheck::tolerance(12));
    }

    #[test]
    fn losses_agree_with_their_definitions_and_do_not_overflow() {
        let x = Matrix::<Const<1>, Const<2>, f64>::from_rows([[1000.0, -1000.0]]);
        assert_eq!(cross_entropy(&x, &[0]).unwrap(), 0.0);
        assert_eq!(cross_entropy(&x, &[1]).unwrap(), 2000.0);
        let t = Matrix::<Const<1>, Const<2>, f64>::from_rows([[1.0, 0.0]]);
        assert_eq!(binary_cross_entropy(&x, &t).unwrap(), 0.0);
        let y = Matrix::<Const<1>, Const<2>, f64>::from_rows([[1.0, 3.0]]);
        assert_eq!(mse(&y, &t).unwrap(), (0.0 + 9.0) / 2.0);
    }

    #[test]
    fn bad_labels_are_errors_naming_the_row_and_the_count() {
        let x = logits();
        let mut d = L::filled_with(Const, Const, 7.0);
        let err = cross_entropy_backward_into(&x, &[0, 1, 3, 9], 1.0, &mut d, Write::Overwrite);
        assert_eq!(
            err,
            Err(ShapeError::Label {
                row: 2,
                label: 3,
                classes: 3
            })
        );
        assert_eq!(d.as_slice(), &[7.0; 12], "untouched on error");
        assert_eq!(
            cross_entropy(&x, &[0, 1]).unwrap_err().to_string(),
            "4 rows of logits need 4 labels, one per row, but 2 were given"
        );
        let dynamic = Matrix::<Dyn, Const<3>, f64>::zeros_with(Dyn(2), Const);
        let mut wrong = Matrix::<Dyn, Const<3>, f64>::zeros_with(Dyn(3), Const);
        let err = cross_entropy_backward_into(&dynamic, &[0, 1], 1.0, &mut wrong, Write::Overwrite);
        assert!(matches!(err, Err(ShapeError::Mismatch { .. })));
    }
}
