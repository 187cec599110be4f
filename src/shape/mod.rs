//! What a dimension is, and when two agree.
//!
//! [`dim`] defines the dimensions ([`Dim`], [`StaticDim`], [`Const`], [`Dyn`], typenum's
//! unsigned integers and the named dimensions of [`dim!`](crate::dim!)); [`runtime`] the
//! dimensions named like static ones whose size is bound once at run time; [`constraint`] holds
//! the traits that exist only as bounds, each with the diagnostic a user sees when it fails.

pub mod constraint;
pub mod dim;
pub mod runtime;

pub use constraint::{Agree, InnerDims, IntoView, LiteralRows, Product, RhsFor, SameElem};
pub use dim::{Const, Dim, Dyn, StaticDim};
pub use runtime::{KnownDim, RuntimeDim};
