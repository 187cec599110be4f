#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod batched;
mod data;
mod error;
pub mod gradcheck;
pub mod graph;
pub mod nn;
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

pub use batched::{
    BatchDims, Batched, BatchedGrads, BatchedMatMul, BatchedRef, BatchedRhsFor, BroadcastGrads,
    BroadcastMatMul, IntoBatchedView, SameBatch,
};
pub use data::batches::{Batch, BatchIter, BatchRows, Batches};
pub use error::ShapeError;
#[cfg(feature = "nalgebra")]
pub use interop::nalgebra::{FromNalgebraDim, ToNalgebraDim};
#[cfg(feature = "safetensors")]
pub use interop::safetensors::{SafetensorsError, Tensors, TensorsWriter};
pub use matrix::{MatRef, Matrix, RowsIter, RowsIterMut};
pub use ops::binary::{Binary, BinaryGrads, Scale};
pub use ops::loss;
pub use ops::matmul::{Grads, MatMul, Write};
pub use ops::norm::{LayerNorm, LayerNormGrads};
pub use ops::reduce::Reduce;
pub use ops::softmax::RowSoftmax;
pub use ops::unary::Unary;
pub use scalar::Scalar;
pub use shape::{
    Agree, Const, Dim, Dyn, InnerDims, IntoView, KnownDim, LiteralRows, RhsFor, RuntimeDim,
    SameElem, StaticDim,
};
pub use threads::{
    AUTO_PARALLEL_MIN_MULADDS, Threads, current_threads, set_default_threads, with_threads,
};

/// Makes a fresh brand for a [`graph::Graph`]: `make_guard!(guard); let g = tape.graph(guard);`.
///
/// From the `generativity` crate: each use creates a lifetime no other use can unify with, so
/// handles of two graphs never mix.
pub use generativity::make_guard;

/// typenum, re-exported so its dimensions (`shapegrad::typenum::U128`) match shapegrad's version.
pub use typenum;

/// generic-array, re-exported for typenum-sized literals (`shapegrad::generic_array::arr!`).
pub use generic_array;
