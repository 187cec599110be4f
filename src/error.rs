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
#[derive(Clone, PartialEq, Eq)]
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
    /// `rows × cols` elements take more than `isize::MAX` bytes (or overflow `usize` when
    /// counted): no allocation can hold such a matrix.
    TooLarge {
        /// Rows asked for.
        rows: usize,
        /// Columns asked for.
        cols: usize,
    },
    /// A strided view would reach past the end of its buffer.
    Strides {
        /// Shape of the view, `(rows, cols)`.
        shape: (usize, usize),
        /// Distance in elements between consecutive rows and between consecutive columns.
        strides: (usize, usize),
        /// The number of elements the view needs: one past its last element's offset.
        needed: usize,
        /// The buffer's length.
        len: usize,
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
    /// A [runtime dimension](crate::shape::runtime) met a size other than the one it is bound to:
    /// a second binding, a conversion, or data with another number of rows or columns.
    Bound {
        /// The dimension's name, as declared with `dim!(Name = dyn)`.
        dim: &'static str,
        /// The size it is bound to.
        bound: usize,
        /// The size that was given.
        given: usize,
    },
    /// Class labels for the rows of a matrix of logits are not one per row.
    Labels {
        /// The number of rows, each needing a label.
        rows: usize,
        /// The number of labels given.
        given: usize,
    },
    /// A class label is not below the number of classes (the logits' columns).
    Label {
        /// The row whose label it is.
        row: usize,
        /// The label.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
    /// A strided view (from another crate, such as an ndarray view) steps backwards through memory
    /// along an axis it moves along; a [`MatRef`](crate::MatRef)'s strides are unsigned.
    NegativeStride {
        /// Shape of the view, `(rows, cols)`.
        shape: (usize, usize),
        /// The view's strides, in elements, as it gave them.
        strides: (isize, isize),
    },
    /// A strided view from another crate does not fill one contiguous block of memory (it skips
    /// elements, or repeats them with a zero stride), so that crate lends no slice covering it,
    /// which a [`MatRef`](crate::MatRef) needs.
    NotContiguous {
        /// Shape of the view, `(rows, cols)`.
        shape: (usize, usize),
        /// The view's strides, in elements.
        strides: (usize, usize),
    },
    /// A strided view from another crate does not lie inside the buffer it was given with.
    OutsideBuffer {
        /// Shape of the view, `(rows, cols)`.
        shape: (usize, usize),
        /// The view's strides, in elements.
        strides: (usize, usize),
        /// The buffer's length, in elements.
        len: usize,
    },
    /// A slice that receives one value per row (or column) has another length.
    SliceLength {
        /// What the operation is doing, such as `"argmax_rows_into: one index per row"`.
        op: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        given: usize,
    },
    /// An operation that needs at least one element along an axis met a matrix with none there,
    /// such as the largest element of each row of a matrix with no columns.
    EmptyAxis {
        /// What the operation is doing, and why it needs an element.
        op: &'static str,
        /// What there must be at least one of: `"row"` or `"column"`.
        axis: &'static str,
        /// The matrix's shape, `(rows, cols)`.
        shape: (usize, usize),
    },
    /// ndarray cannot hold an array of this shape: the product of its nonzero axis lengths exceeds
    /// `isize::MAX` (an empty matrix with an axis that long, or a view repeating its elements
    /// through zero strides).
    TooLargeForNdarray {
        /// The shape, `(rows, cols)`.
        shape: (usize, usize),
    },
    /// A run of rows, `start..end`, that is not inside the matrix: it reaches past the last row,
    /// or it starts after it ends.
    RowRange {
        /// The first row asked for.
        start: usize,
        /// One past the last row asked for (`start + N` for a run of a static `N` rows, saturated
        /// at `usize::MAX`).
        end: usize,
        /// The number of rows the matrix has.
        rows: usize,
    },
    /// A row index, in a list of rows to gather, that is not a row of the matrix (or an element
    /// of the slice) gathered from.
    RowIndex {
        /// The index.
        index: usize,
        /// Where it is in the list of indices, from 0.
        position: usize,
        /// The number of rows there are: the valid indices are `0..rows`.
        rows: usize,
    },
    /// A list of row indices whose length is not the number of rows the static row dimension of
    /// the result fixes.
    RowCount {
        /// The number of rows the row dimension fixes.
        expected: usize,
        /// The number of indices given.
        given: usize,
    },
    /// A matrix or view given dimension types that fix another shape.
    Retype {
        /// The shape the new dimension types accept, `(rows, cols)`: a static dimension's size,
        /// or for a [`Dyn`](crate::Dyn) one the size it was given.
        expected: (usize, usize),
        /// The shape of the matrix, `(rows, cols)`.
        given: (usize, usize),
    },
    /// Two batches that meet item by item, or a batch and its destination, have different
    /// numbers of items (their batch dimensions are [`Dyn`](crate::Dyn), or one runtime
    /// dimension).
    BatchCount {
        /// What the operation is doing, such as `"batched matmul"`.
        op: &'static str,
        /// The number of items required.
        expected: usize,
        /// The number of items given.
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
                "a {rows}×{cols} matrix is too large: its elements need more than isize::MAX \
                 bytes, the most one allocation can hold"
            ),
            ShapeError::Strides {
                shape,
                strides,
                needed,
                len,
            } => write!(
                f,
                "a {}×{} view with strides ({}, {}) needs a buffer of at least {needed} elements, \
                 but the buffer has {len}",
                shape.0, shape.1, strides.0, strides.1
            ),
            ShapeError::Inner { lhs, rhs } => {
                write!(
                    f,
                    "inner dimensions differ: the left operand is {}×{} and the right operand is \
                     {}×{}, so {} columns meet {} rows",
                    lhs.0, lhs.1, rhs.0, rhs.1, lhs.1, rhs.0
                )?;
                match transpose_hint(lhs, rhs) {
                    Some(Hint::Right) => write!(
                        f,
                        "; transposed with `.t()`, the right operand would be {}×{} and agree",
                        rhs.1, rhs.0
                    ),
                    Some(Hint::Left) => write!(
                        f,
                        "; transposed with `.t()`, the left operand would be {}×{} and agree",
                        lhs.1, lhs.0
                    ),
                    Some(Hint::Either) => write!(
                        f,
                        "; transposing either operand with `.t()` would make them agree"
                    ),
                    Some(Hint::Swap) => write!(
                        f,
                        "; in the other order, {}×{} times {}×{}, they would agree",
                        rhs.0, rhs.1, lhs.0, lhs.1
                    ),
                    None => write!(
                        f,
                        "; no transpose makes these sizes agree, so check how the operands' \
                         sizes were set"
                    ),
                }
            }
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
            ShapeError::Bound { dim, bound, given } => write!(
                f,
                "the runtime dimension `{dim}` is bound to {bound}, but {given} was given"
            ),
            ShapeError::Labels { rows, given } => write!(
                f,
                "{rows} rows of logits need {rows} labels, one per row, but {given} were given"
            ),
            ShapeError::Label {
                row,
                label,
                classes,
            } => match classes {
                0 => write!(
                    f,
                    "label {label} in row {row} is not a class: there are no classes"
                ),
                1 => write!(
                    f,
                    "label {label} in row {row} is not a class: there is 1 class, 0"
                ),
                _ => write!(
                    f,
                    "label {label} in row {row} is not a class: there are {classes} classes, 0 to {}",
                    classes - 1
                ),
            },
            ShapeError::NegativeStride { shape, strides } => write!(
                f,
                "a {}×{} view with strides ({}, {}) runs backwards through memory, which a MatRef \
                 cannot: copy it with `.as_standard_layout()` and view the copy",
                shape.0, shape.1, strides.0, strides.1
            ),
            ShapeError::NotContiguous { shape, strides } => write!(
                f,
                "a {}×{} view with strides ({}, {}) is not one contiguous block of memory, so it \
                 comes with no slice for a MatRef to borrow: pass the slice of the array it was \
                 cut from to `MatRef::try_from_ndarray_in`, or copy it with \
                 `.as_standard_layout()`",
                shape.0, shape.1, strides.0, strides.1
            ),
            ShapeError::OutsideBuffer {
                shape,
                strides,
                len,
            } => write!(
                f,
                "a {}×{} view with strides ({}, {}) does not lie inside the buffer of {len} \
                 elements given with it: pass the slice of the array the view was cut from",
                shape.0, shape.1, strides.0, strides.1
            ),
            ShapeError::SliceLength {
                op,
                expected,
                given,
            } => write!(
                f,
                "{op}: expected a slice of {expected} elements, but its length is {given}"
            ),
            ShapeError::EmptyAxis { op, axis, shape } => write!(
                f,
                "{op}: expected a matrix with at least one {axis}, but a {}×{} matrix was given",
                shape.0, shape.1
            ),
            ShapeError::TooLargeForNdarray { shape } => write!(
                f,
                "ndarray cannot hold a {}×{} array: it needs the product of the nonzero axis \
                 lengths to be at most isize::MAX",
                shape.0, shape.1
            ),
            ShapeError::RowRange { start, end, rows } if start > end => write!(
                f,
                "the row range {start}..{end} starts after it ends (the matrix has {})",
                count(rows, "row", "rows")
            ),
            ShapeError::RowRange { start, end, rows } => write!(
                f,
                "rows {start}..{end} are out of range for a matrix of {}",
                count(rows, "row", "rows")
            ),
            ShapeError::RowIndex {
                index,
                position,
                rows,
            } => write!(
                f,
                "row index {index}, at position {position} of the indices, is out of range for \
                 {}",
                count(rows, "row", "rows")
            ),
            ShapeError::RowCount { expected, given } => write!(
                f,
                "the row dimension fixes {}, but {} given",
                count(expected, "row", "rows"),
                count(given, "row index was", "row indices were")
            ),
            ShapeError::Retype { expected, given } => {
                write!(
                    f,
                    "cannot retype a {}×{} matrix as {}×{}: ",
                    given.0, given.1, expected.0, expected.1
                )?;
                match (expected.0 != given.0, expected.1 != given.1) {
                    (true, false) => write!(
                        f,
                        "the row type fixes {}, but the matrix has {}",
                        count(expected.0, "row", "rows"),
                        given.0
                    ),
                    (false, true) => write!(
                        f,
                        "the column type fixes {}, but the matrix has {}",
                        count(expected.1, "column", "columns"),
                        given.1
                    ),
                    _ => write!(
                        f,
                        "the dimension types fix {} and {}, but the matrix has {} and {}",
                        count(expected.0, "row", "rows"),
                        count(expected.1, "column", "columns"),
                        count(given.0, "row", "rows"),
                        count(given.1, "column", "columns")
                    ),
                }
            }
            ShapeError::BatchCount {
                op,
                expected,
                given,
            } => write!(
                f,
                "{op}: expected a batch of {}, but a batch of {} was given",
                count(expected, "item", "items"),
                count(given, "item", "items")
            ),
        }
    }
}

/// `n` and the noun that agrees with it: `count(1, "row", "rows")` is "1 row".
fn count(n: usize, one: &'static str, many: &'static str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Debug` prints the message, as `Display` does, so that `unwrap()` on a failed check reads as
/// the sentence it is rather than as a struct.
impl fmt::Debug for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ShapeError {}

/// What would make the inner dimensions of a product agree, when something simple would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hint {
    /// `lhs · rhs.t()`.
    Right,
    /// `lhs.t() · rhs`.
    Left,
    /// Both of the above.
    Either,
    /// `rhs · lhs` (or, the same sizes, `lhs.t() · rhs.t()`).
    Swap,
}

/// The change that would make a product of an `lhs` by an `rhs` matrix agree, if one would: a
/// `.t()` is suggested only where transposing that operand makes the inner sizes equal.
fn transpose_hint(lhs: (usize, usize), rhs: (usize, usize)) -> Option<Hint> {
    // `lhs · rhs.t()` meets lhs.1 with rhs.1; `lhs.t() · rhs` meets lhs.0 with rhs.0.
    match (lhs.1 == rhs.1, lhs.0 == rhs.0) {
        (true, true) => Some(Hint::Either),
        (true, false) => Some(Hint::Right),
        (false, true) => Some(Hint::Left),
        // `rhs · lhs` meets rhs.1 with lhs.0.
        (false, false) => (lhs.0 == rhs.1).then_some(Hint::Swap),
    }
}

/// Turns a failed run-time check into a panic at the caller's line, with the error's message.
///
/// The conveniences that panic (`matmul`, `+`, `add_row_to_each`, …) call this directly, with no
/// closure in between, so that `#[track_caller]` reports the user's line and not shapegrad's.
pub(crate) trait OrPanic<T> {
    /// The value, or a panic with the error's `Display`.
    #[track_caller]
    fn or_panic(self) -> T;
}

impl<T> OrPanic<T> for Result<T, ShapeError> {
    #[track_caller]
    #[inline]
    fn or_panic(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }
}
