//! Runtime dimensions: a named dimension whose size is bound once, at run time, and which from
//! then on is checked by the compiler like a static one.
//!
//! `dim!(pub Samples = dyn);` declares `Samples`, a type of its own. Its size is not in the type;
//! it is bound the first time the program names it, with [`Samples::bind(n)`](RuntimeDim::bind)
//! or by converting a [`Dyn`](crate::Dyn) matrix into it
//! ([`try_into_dims`](crate::Matrix::try_into_dims)), and every later binding must agree. Because
//! `Samples` and `Seq` are different types, a product that mixes them does not compile, with
//! the same error as two static dimensions; a product of two `Samples` needs no run-time check.
//!
//! A value of a runtime dimension exists only once its size is bound: the type has no
//! constructor other than binding, and the value carries its size, so reading it costs no lookup.
//!
//! The binding is for the whole process, one per declaration: a `dim!(… = dyn)` inside a
//! function is bound once, not once per call. A size that changes from one call to the next
//! (a sequence length per batch) is a [`Dyn`](crate::Dyn) dimension instead.
//!
//! ```
//! use shapegrad::{dim, Dim, Matrix, Dyn};
//!
//! dim!(Samples = dyn, Features = 3);
//!
//! // Sizes read from a file at run time.
//! let raw = Matrix::<Dyn, Features>::zeros_with(Dyn(5), Features);
//! // Binds `Samples` to 5, once; from here on `Samples` is checked by the types.
//! let x: Matrix<Samples, Features> = raw.try_into_dims().unwrap();
//! let gram: Matrix<Samples, Samples> = x.matmul(x.t());
//! assert_eq!(gram.rows(), 5);
//!
//! // A later binding must agree.
//! assert!(Samples::bind(5).is_ok());
//! let err = Samples::bind(6).unwrap_err();
//! assert_eq!(err.to_string(), "the runtime dimension `Samples` is bound to 5, but 6 was given");
//! ```

use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use std::sync::OnceLock;

use crate::{Dim, ShapeError};

/// A dimension declared with `dim!(Name = dyn)`: named, with a size bound once at run time.
///
/// Implemented by [`dim!`](crate::dim!) only; the items marked hidden are its plumbing.
pub trait RuntimeDim: Dim {
    /// The name the dimension was declared with, for error messages.
    const NAME: &'static str;

    /// Binds the dimension to `size`, or checks `size` against the size it is already bound to.
    ///
    /// # Errors
    /// [`ShapeError::Bound`] when the dimension is already bound to another size.
    ///
    /// ```
    /// use shapegrad::{dim, Dim, RuntimeDim};
    /// dim!(Tokens = dyn);
    /// let t = Tokens::bind(7).unwrap();
    /// assert_eq!(t.size(), 7);
    /// assert_eq!(Tokens::bound(), Some(t));
    /// assert!(Tokens::bind(8).is_err());
    /// ```
    fn bind(size: usize) -> Result<Self, ShapeError> {
        let bound = *Self::slot().0.get_or_init(|| size);
        if bound == size {
            Ok(Self::from_bound(Bound::new(size)))
        } else {
            Err(ShapeError::Bound {
                dim: Self::NAME,
                bound,
                given: size,
            })
        }
    }

    /// The dimension, if it has been bound: its value is the proof that its size is known.
    fn bound() -> Option<Self> {
        Self::slot()
            .0
            .get()
            .map(|&size| Self::from_bound(Bound::new(size)))
    }

    /// Where the size is kept: one slot per declaration.
    #[doc(hidden)]
    fn slot() -> &'static SizeSlot;

    /// The dimension, given its binding.
    #[doc(hidden)]
    fn from_bound(bound: Bound<Self>) -> Self;
}

/// The cell a runtime dimension's size is bound in, once per process.
#[doc(hidden)]
pub struct SizeSlot(OnceLock<usize>);

impl SizeSlot {
    /// An unbound slot.
    #[doc(hidden)]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        SizeSlot(OnceLock::new())
    }
}

/// The size a runtime dimension `D` is bound to. Made only by [`RuntimeDim::bind`] and
/// [`RuntimeDim::bound`], from `D`'s slot, so every `Bound<D>` holds the same size.
pub struct Bound<D> {
    size: usize,
    // `fn() -> D`: the brand, without owning a `D` (auto traits hold for every `D`).
    brand: PhantomData<fn() -> D>,
}

impl<D> Bound<D> {
    fn new(size: usize) -> Self {
        Bound {
            size,
            brand: PhantomData,
        }
    }

    /// The bound size.
    #[inline]
    pub fn size(self) -> usize {
        self.size
    }
}

// Written out rather than derived: a derive would ask `D` for each trait, and `D` is the
// dimension that holds this very `Bound`.
impl<D> Clone for Bound<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D> Copy for Bound<D> {}
impl<D> PartialEq for Bound<D> {
    fn eq(&self, other: &Self) -> bool {
        self.size == other.size
    }
}
impl<D> Eq for Bound<D> {}
impl<D> Hash for Bound<D> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.size.hash(state);
    }
}
impl<D> fmt::Debug for Bound<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.size.fmt(f)
    }
}

/// [`Dim::from_size`] for a runtime dimension: binds it to `n`, or checks `n` against its binding.
#[doc(hidden)]
pub fn from_size<D: RuntimeDim>(n: usize) -> Option<D> {
    D::bind(n).ok()
}

/// A dimension whose type fixes its size: every static dimension, and every runtime dimension
/// (bound before any value of it exists). Everything but [`Dyn`](crate::Dyn).
///
/// A product whose inner dimensions are one such type and [`Dyn`](crate::Dyn) compiles, and
/// compares the sizes at run time.
pub trait KnownDim: Dim {}

impl<D: crate::StaticDim> KnownDim for D {}

#[cfg(test)]
mod tests {
    use crate::{Dim, ShapeError};

    #[test]
    fn binding_is_once_and_later_bindings_must_agree() {
        crate::dim!(Rows = dyn);
        assert_eq!(Rows::bound(), None);
        assert_eq!(Rows::from_size(4).map(Dim::size), Some(4));
        assert_eq!(Rows::bound().map(Dim::size), Some(4));
        assert_eq!(
            Rows::bind(3),
            Err(ShapeError::Bound {
                dim: "Rows",
                bound: 4,
                given: 3
            })
        );
        assert_eq!(Rows::from_size(3), None);
        assert_eq!(format!("{:?}", Rows::bind(4).unwrap()), "Rows(4)");
    }

    #[test]
    fn each_declaration_has_its_own_slot() {
        crate::dim!(A = dyn, B = dyn);
        assert_eq!(A::bind(2).map(Dim::size), Ok(2));
        assert_eq!(B::bind(3).map(Dim::size), Ok(3));
        assert_eq!(<A as Dim>::FIXED, None);
    }
}
