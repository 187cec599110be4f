//! The maths, one file (or folder) per op family, each forward beside its typed backward.
//!
//! - [`matmul`](self::matmul): products (`matmul`, `*`, `_into` with [`Write`](crate::Write)) and
//!   [`MatMul`](crate::MatMul), whose backward is written with the same typed products;
//! - `elementwise`: `+`, `-`, `+=`, `-=`, a scalar factor or shift, `map`, `zip_map`, `axpy`,
//!   the broadcast of a bias row in place;
//! - `binary`: element-wise functions of two matrices of one type ([`Binary`](crate::Binary):
//!   add, sub, the Hadamard product, divide) and a scalar factor ([`Scale`](crate::Scale)), each
//!   with a typed backward that gives both operands' gradients
//!   ([`BinaryGrads`](crate::BinaryGrads));
//! - `broadcast`: a [`Binary`](crate::Binary) function of a matrix and a `1 × C` row or an
//!   `R × 1` column, whose backward reduces the row's or column's gradient to its own type;
//! - `reduce`: sums and means over all elements, per column (`1 × C`) and per row (`R × 1`),
//!   with [`Reduce`](crate::Reduce), their typed backward; the index of each row's largest element;
//! - `softmax`: softmax and log-softmax along rows ([`RowSoftmax`](crate::RowSoftmax)), stable,
//!   each with a typed backward;
//! - `norm`: layer normalisation of each row with a `1 × C` gain and bias
//!   ([`LayerNorm`](crate::LayerNorm)), whose typed backward recomputes each row's statistics;
//! - `mask`: the causal mask of attention scores (`causal_mask`), with its backward;
//! - [`loss`](crate::loss): mean squared error, softmax cross-entropy with class labels and
//!   binary cross-entropy, from logits, each with its backward;
//! - `unary`: element-wise functions ([`Unary`](crate::Unary): activations, exp, ln, sqrt,
//!   square), each with its derivative and a typed backward.
//!
//! A backward is a function of typed matrices, generic over their dimensions, so that its body is
//! checked once for every shape: a gradient of the wrong shape, or a dropped transpose, does not
//! compile. The autodiff graph calls the same functions.

pub(crate) mod binary;
mod broadcast;
mod elementwise;
pub mod loss;
pub(crate) mod mask;
pub(crate) mod matmul;
pub(crate) mod norm;
pub(crate) mod reduce;
pub(crate) mod softmax;
pub(crate) mod unary;
