#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod backend;
pub mod dim;
mod error;
pub mod errors;
mod grad;
mod matmul;
mod matrix;
mod plan;
mod rng;
mod scalar;
mod threads;
mod view;

pub use dim::{Agree, Const, Dim, Dyn, InnerDims, LiteralRows, StaticDim};
pub use error::ShapeError;
pub use grad::{Grads, MatMul};
pub use matmul::Write;
pub use matrix::Matrix;
pub use scalar::{SameElem, Scalar};
pub use threads::{
    AUTO_PARALLEL_MIN_MULADDS, Threads, current_threads, set_default_threads, with_threads,
};
pub use view::{IntoView, MatRef, RhsFor};

/// typenum, re-exported so its dimensions (`shapegrad::typenum::U128`) match shapegrad's version.
pub use typenum;

/// generic-array, re-exported for typenum-sized literals (`shapegrad::generic_array::arr!`).
pub use generic_array;
