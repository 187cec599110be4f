//! [`ShapeError`]: a shape that could only be checked at run time did not hold.

use core::fmt;

/// A shape check that had to wait for run time failed: data of the wrong length, or a [`Dyn`]
/// dimension that disagrees with the dimension it meets.
///
/// Every variant says what was expected and what was given; its `Display` is written to be read
/// by the person who made the call.
///
/// ```
/// use shapegrad::{Const, Matrix, ShapeError};
///
/// let err = Matrix::<Const<2>, Const<3>>::try_from_vec(vec![0.0; 5]).unwrap_err();
/// assert_eq!(err, ShapeError::Length { rows: 2, cols: 3, expected: 6, given: 5 });
/// assert_eq!(
///     err.to_string(),
///     "a 2×3 matrix needs 6 elements, but 5 were given"
/// );
/// ```
///
/// [`Dyn`]: crate::Dyn
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShapeError {
    /// A buffer's length is not rows × cols.
    Length {
        /// Rows of the matrix being built.
        rows: usize,
        /// Columns of the matrix being built.
        cols: usize,
        /// The length a `rows × cols` matrix needs.
        expected: usize,
        /// The length that was given.
        given: usize,
    },
    /// `rows × cols` elements overflow `usize`: no buffer can hold such a matrix.
    TooLarge {
        /// Rows asked for.
        rows: usize,
        /// Columns asked for.
        cols: usize,
    },
    /// The inner dimensions of a product differ at run time (one of them is [`Dyn`](crate::Dyn)).
    Inner {
        /// Shape of the left operand, `(rows, cols)`.
        lhs: (usize, usize),
        /// Shape of the right operand, `(rows, cols)`.
        rhs: (usize, usize),
    },
    /// Two operands or an operand and its destination should have one shape and do not.
    Mismatch {
        /// What the operation is doing, such as `"add"` or `"backward: dY"`.
        op: &'static str,
        /// The shape required, `(rows, cols)`.
        expected: (usize, usize),
        /// The shape given, `(rows, cols)`.
        given: (usize, usize),
    },
    /// A run-time size does not fit a static dimension's fixed size.
    Dim {
        /// Which axis: `"rows"` or `"columns"`.
        axis: &'static str,
        /// The size the static dimension fixes.
        expected: usize,
        /// The size that was given.
        given: usize,
    },
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ShapeError::Length {
                rows,
                cols,
                expected,
                given,
            } => write!(
                f,
                "a {rows}×{cols} matrix needs {expected} elements, but {given} were given"
            ),
            ShapeError::TooLarge { rows, cols } => write!(
                f,
                "a {rows}×{cols} matrix has more elements than a usize can count"
            ),
            ShapeError::Inner { lhs, rhs } => write!(
                f,
                "inner dimensions differ: the left operand is {}×{} and the right operand is {}×{}, \
                 so {} columns meet {} rows; if one operand should be transposed, call `.t()` on it",
                lhs.0, lhs.1, rhs.0, rhs.1, lhs.1, rhs.0
            ),
            ShapeError::Mismatch {
                op,
                expected,
                given,
            } => write!(
                f,
                "{op}: expected a {}×{} matrix, but a {}×{} matrix was given",
                expected.0, expected.1, given.0, given.1
            ),
            ShapeError::Dim {
                axis,
                expected,
                given,
            } => write!(
                f,
                "{axis}: the dimension type fixes the size at {expected}, but {given} was given"
            ),
        }
    }
}

impl std::error::Error for ShapeError {}
