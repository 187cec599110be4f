//! What a dimension is, and when two agree.
//!
//! [`dim`] defines the dimensions ([`Dim`], [`StaticDim`], [`Const`], [`Dyn`], typenum's
//! unsigned integers and the named dimensions of [`dim!`](crate::dim!)); [`constraint`] holds
//! the traits that exist only as bounds, each with the diagnostic a user sees when it fails.

pub mod constraint;
pub mod dim;

pub use constraint::{Agree, InnerDims, IntoView, LiteralRows, RhsFor, SameElem};
pub use dim::{Const, Dim, Dyn, StaticDim};
