//! The maths, one file (or folder) per op family, each forward beside its typed backward.
//!
//! - [`matmul`](self::matmul): products (`matmul`, `*`, `_into` with [`Write`](crate::Write)) and
//!   [`MatMul`](crate::MatMul), whose backward is written with the same typed products;
//! - `elementwise`: `+`, `-`, a scalar factor, `map`, the broadcast of a bias row;
//! - `reduce`: sums over all elements, over rows and over columns.

mod elementwise;
pub(crate) mod matmul;
mod reduce;
