//! Storage and access, no maths: the owned [`Matrix`], the borrowed [`MatRef`] view, their
//! constructors, runs and gathers of their rows, row iterators, and their `Debug`.

mod construct;
mod fmt;
mod iter;
mod owned;
mod rows;
mod view;

pub(crate) use construct::{check_len, element_count};
pub(crate) use fmt::debug_rows;
pub use iter::{RowsIter, RowsIterMut};
pub use owned::Matrix;
pub(crate) use owned::{retype, retype_dims};
pub(crate) use rows::check_indices;
pub use view::MatRef;
