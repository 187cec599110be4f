//! Storage and access, no maths: the owned [`Matrix`], the borrowed [`MatRef`] view, their
//! constructors, their `Debug` and row iterators.

mod construct;
mod fmt;
mod iter;
mod owned;
mod view;

pub(crate) use construct::{check_len, element_count};
pub(crate) use fmt::debug_rows;
pub use iter::{RowsIter, RowsIterMut};
pub use owned::Matrix;
pub(crate) use owned::retype;
pub use view::MatRef;
