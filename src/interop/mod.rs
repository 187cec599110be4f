//! Conversions to and from other crates' types, each behind the cargo feature of the same name,
//! all off by default.

#[cfg(feature = "nalgebra")]
pub(crate) mod nalgebra;
#[cfg(feature = "ndarray")]
mod ndarray;
#[cfg(feature = "rand")]
mod rand;
#[cfg(feature = "safetensors")]
pub(crate) mod safetensors;
#[cfg(feature = "serde")]
mod serde;
