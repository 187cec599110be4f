#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;
/// Every shape bug the compiler catches, grouped by kind: the error rustc prints, and the fix.
pub mod errors {
    #![doc = include_str!("../docs/errors.md")]
}
mod interop;
mod kernel;
mod matrix;
mod ops;
mod rng;
mod scalar;
pub mod shape;
mod threads;

pub use error::ShapeError;
#[cfg(feature = "nalgebra")]
pub use interop::nalgebra::{FromNalgebraDim, ToNalgebraDim};
#[cfg(feature = "safetensors")]
pub use interop::safetensors::{SafetensorsError, Tensors, TensorsWriter};
pub use matrix::{MatRef, Matrix};
pub use ops::matmul::{Grads, MatMul, Write};
pub use scalar::Scalar;
pub use shape::{
    Agree, Const, Dim, Dyn, InnerDims, IntoView, LiteralRows, RhsFor, SameElem, StaticDim,
};
pub use threads::{
    AUTO_PARALLEL_MIN_MULADDS, Threads, current_threads, set_default_threads, with_threads,
};

/// typenum, re-exported so its dimensions (`shapegrad::typenum::U128`) match shapegrad's version.
pub use typenum;

/// generic-array, re-exported for typenum-sized literals (`shapegrad::generic_array::arr!`).
pub use generic_array;
