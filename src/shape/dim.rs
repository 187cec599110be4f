//! Dimensions: the types that stand for a matrix's number of rows or columns.
//!
//! A dimension is either *static*, its size fixed by its type, or [`Dyn`], its size known only at run
//! time. Static dimensions come in three spellings, each accepted by every API:
//!
//! - [`Const<N>`]: a const generic, `Const<128>`;
//! - typenum's unsigned integers: `typenum::U128`;
//! - named dimensions made with [`dim!`](crate::dim!): `dim!(pub Batch = 128);`. Two named dimensions
//!   are different types even when their sizes agree, so a product that would be wrong only by a
//!   transpose on a square shape is still rejected.
//!
//! The spellings are different types: `Const<3>`, `U3` and a named dimension of size 3 do not meet
//! in a product. Pick one per dimension; [`Matrix::try_into_dims`](crate::Matrix::try_into_dims)
//! converts between them, checked at run time.
//!
//! A fourth kind, the runtime dimension (`dim!(pub Samples = dyn);`), is named like a static
//! one but has its size bound once at run time: see [`runtime`](super::runtime).
//!
//! Whether two dimensions may meet in a product is decided in one place:
//! [`Agree`](crate::Agree), in [`constraint`](super::constraint).

use core::fmt::Debug;

use generic_array::{ArrayLength, GenericArray};
use typenum::{Bit, UInt, UTerm, Unsigned};

/// A matrix dimension: a number of rows or columns, carried as a value.
///
/// Static dimensions are zero-sized; [`Dyn`] holds a `usize`. Implement it through
/// [`dim!`](crate::dim!) rather than by hand.
pub trait Dim: Copy + Debug + Send + Sync + 'static {
    /// The size the type fixes at compile time, or `None` for [`Dyn`] and runtime dimensions.
    const FIXED: Option<usize>;

    /// The name of a [runtime dimension](crate::shape::runtime) (`dim!(Name = dyn)`), for error
    /// messages; `None` for every other dimension.
    const RUNTIME_NAME: Option<&'static str> = None;

    /// The size this dimension stands for.
    fn size(self) -> usize;

    /// The dimension of size `n`, or `None` when `Self` is static and fixes another size, or is a
    /// [runtime dimension](crate::shape::runtime) bound to another size (an unbound one is bound
    /// to `n` here).
    ///
    /// ```
    /// use shapegrad::{Const, Dim, Dyn};
    /// assert_eq!(Const::<3>::from_size(3), Some(Const::<3>));
    /// assert_eq!(Const::<3>::from_size(4), None);
    /// assert_eq!(Dyn::from_size(4), Some(Dyn(4)));
    /// ```
    fn from_size(n: usize) -> Option<Self>;

    /// The size the type fixes now: [`FIXED`](Self::FIXED) for a static dimension, the binding
    /// of a [runtime dimension](crate::shape::runtime), `None` for [`Dyn`] or a runtime
    /// dimension not bound yet.
    fn type_size() -> Option<usize> {
        Self::FIXED
    }
}

/// A dimension whose size is part of its type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a static dimension: its size is not part of its type",
    label = "this reads the size from the type, and `{Self}` has none",
    note = "for a `Dyn` or runtime dimension, use the `_with` constructor, which takes the sizes as values: `zeros_with(Dyn(n), Const)`"
)]
///
/// `Array<T>` is the array type with exactly `SIZE` elements, which makes matrix literals checked
/// at compile time: `[T; N]` for [`Const<N>`] and named dimensions, `GenericArray<T, U>` for typenum.
pub trait StaticDim: Dim + Default {
    /// The size, known at compile time.
    const SIZE: usize;
    /// An array of exactly `SIZE` elements of `T`.
    type Array<T>: AsRef<[T]>;
}

/// A dimension whose size is the const generic `N`: `Const<3>` is three rows or columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Const<const N: usize>;

impl<const N: usize> Dim for Const<N> {
    const FIXED: Option<usize> = Some(N);
    #[inline]
    fn size(self) -> usize {
        N
    }
    #[inline]
    fn from_size(n: usize) -> Option<Self> {
        (n == N).then_some(Const)
    }
}

#[diagnostic::do_not_recommend]
impl<const N: usize> StaticDim for Const<N> {
    const SIZE: usize = N;
    type Array<T> = [T; N];
}

/// A dimension whose size is known only at run time.
///
/// Products that meet a `Dyn` dimension are checked when they run: `try_matmul` returns a
/// [`ShapeError`](crate::ShapeError), `matmul` panics with the same message.
///
/// ```
/// use shapegrad::{Dim, Dyn};
/// assert_eq!(Dyn(5).size(), 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dyn(pub usize);

impl Dim for Dyn {
    const FIXED: Option<usize> = None;
    #[inline]
    fn size(self) -> usize {
        self.0
    }
    #[inline]
    fn from_size(n: usize) -> Option<Self> {
        Some(Dyn(n))
    }
}

/// The rows of a batch stacked one item after another: `(B, R)` is `B` items of `R` rows each,
/// `B·R` rows in all, item `k`'s rows being `k·R .. (k+1)·R`.
///
/// This is how a [graph](crate::graph) holds a batch of `R × C` matrices: a `Var<(B, R), C>`.
/// Every op that works row by row (element-wise ops, a bias row, softmax along the rows, the
/// losses) works on it unchanged, a product by a 2-D weight multiplies every item by it, and
/// the ops that work item by item (batched products, heads, the causal mask) know the items
/// from the type. The size is the product; from a total alone, [`from_size`](Dim::from_size)
/// can split it only when one of the two sizes is known.
///
/// ```
/// use shapegrad::{Const, Dim, Dyn};
/// assert_eq!((Dyn(4), Const::<3>).size(), 12);
/// assert_eq!(<(Dyn, Const<3>)>::from_size(12), Some((Dyn(4), Const::<3>)));
/// assert_eq!(<(Dyn, Const<3>)>::from_size(10), None);
/// assert_eq!(<(Dyn, Dyn)>::from_size(12), None);
/// ```
impl<B: Dim, R: Dim> Dim for (B, R) {
    const FIXED: Option<usize> = match (B::FIXED, R::FIXED) {
        (Some(b), Some(r)) => Some(b * r),
        _ => None,
    };
    #[inline]
    fn size(self) -> usize {
        self.0.size() * self.1.size()
    }
    fn from_size(n: usize) -> Option<Self> {
        match (B::type_size(), R::type_size()) {
            (Some(b), Some(r)) => (b * r == n).then_some((B::from_size(b)?, R::from_size(r)?)),
            (Some(b), None) if b > 0 && n.is_multiple_of(b) => {
                Some((B::from_size(b)?, R::from_size(n / b)?))
            }
            (None, Some(r)) if r > 0 && n.is_multiple_of(r) => {
                Some((B::from_size(n / r)?, R::from_size(r)?))
            }
            _ => None,
        }
    }
    fn type_size() -> Option<usize> {
        Some(B::type_size()? * R::type_size()?)
    }
}

impl Dim for UTerm {
    const FIXED: Option<usize> = Some(0);
    #[inline]
    fn size(self) -> usize {
        0
    }
    #[inline]
    fn from_size(n: usize) -> Option<Self> {
        (n == 0).then_some(UTerm)
    }
}

#[diagnostic::do_not_recommend]
impl StaticDim for UTerm {
    const SIZE: usize = 0;
    type Array<T> = GenericArray<T, UTerm>;
}

impl<U: Unsigned + Send + Sync + Debug, B: Bit + Send + Sync + Debug> Dim for UInt<U, B> {
    const FIXED: Option<usize> = Some(<Self as Unsigned>::USIZE);
    #[inline]
    fn size(self) -> usize {
        <Self as Unsigned>::USIZE
    }
    #[inline]
    fn from_size(n: usize) -> Option<Self> {
        (n == <Self as Unsigned>::USIZE).then(Self::default)
    }
}

#[diagnostic::do_not_recommend]
impl<U: Unsigned + Send + Sync + Debug, B: Bit + Send + Sync + Debug> StaticDim for UInt<U, B>
where
    UInt<U, B>: ArrayLength,
{
    const SIZE: usize = <Self as Unsigned>::USIZE;
    type Array<T> = GenericArray<T, Self>;
}

/// Declares named dimensions: types with a name of their own and a size fixed either in the
/// type (`Name = 128`) or once at run time (`Name = dyn`).
///
/// Two named dimensions are different types even when their sizes agree, so `Matrix<In, Out>`
/// and `Matrix<Out, In>` never mix up, even for a square layer.
///
/// ```
/// use shapegrad::{dim, Dim, Matrix};
///
/// dim!(pub Batch = 4);
/// dim!(In = 3, Out = 3);
///
/// let x = Matrix::<Batch, In>::ones();
/// let w = Matrix::<In, Out>::ones();
/// let y: Matrix<Batch, Out> = x.matmul(&w);
/// assert_eq!((y.rows(), y.cols()), (4, 3));
/// assert_eq!(In.size(), Out.size()); // same size, different types
/// ```
///
/// `Name = A * B` declares a dimension whose size is the product of two static ones, and which
/// is known to the types as that product ([`Product`](crate::shape::Product)): a model width
/// split into heads, `dim!(Heads = 4, HeadDim = 16, Model = Heads * HeadDim)`. Its size is theirs
/// by construction, so splitting it needs no check.
///
/// ```
/// use shapegrad::{dim, shape::Product, StaticDim};
/// dim!(Heads = 4, HeadDim = 16, Model = Heads * HeadDim);
/// assert_eq!(Model::SIZE, 64);
/// fn heads<M: Product<H, D>, H: StaticDim, D: StaticDim>(_: M) -> usize { H::SIZE }
/// assert_eq!(heads::<Model, Heads, HeadDim>(Model), 4);
/// ```
///
/// `Name = dyn` declares a [runtime dimension](crate::shape::runtime): its size is bound once,
/// by `Name::bind(n)` or by converting a [`Dyn`] matrix into it, and from then on it is checked
/// by the compiler like a static one. Its values exist only once it is bound, so a constructor
/// takes its size from a value, as for `Dyn`:
///
/// ```
/// use shapegrad::{dim, Matrix};
///
/// dim!(Samples = dyn, Features = 8);
///
/// let n = 100; // read from a file
/// let samples = Samples::bind(n).unwrap();
/// let x = Matrix::<Samples, Features>::zeros_with(samples, Features);
/// assert_eq!(x.rows(), 100);
/// ```
#[macro_export]
macro_rules! dim {
    () => {};
    ($vis:vis $name:ident = dyn $(, $($rest:tt)*)?) => {
        #[doc = concat!("Runtime dimension `", stringify!($name), "`: its size is bound once, at run time.")]
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        $vis struct $name($crate::shape::runtime::Bound<$name>);

        impl $name {
            #[doc = concat!("Binds `", stringify!($name), "` to `size`, or checks `size` against its binding.")]
            ///
            /// # Errors
            /// [`ShapeError::Bound`]($crate::ShapeError::Bound) when it is bound to another size.
            #[allow(dead_code)]
            $vis fn bind(size: usize) -> ::core::result::Result<Self, $crate::ShapeError> {
                <Self as $crate::shape::runtime::RuntimeDim>::bind(size)
            }

            #[doc = concat!("`", stringify!($name), "`, if it has been bound.")]
            #[allow(dead_code, clippy::self_named_constructors)]
            $vis fn bound() -> ::core::option::Option<Self> {
                <Self as $crate::shape::runtime::RuntimeDim>::bound()
            }
        }

        impl $crate::shape::runtime::RuntimeDim for $name {
            const NAME: &'static str = stringify!($name);
            fn slot() -> &'static $crate::shape::runtime::SizeSlot {
                static SLOT: $crate::shape::runtime::SizeSlot = $crate::shape::runtime::SizeSlot::new();
                &SLOT
            }
            fn from_bound(bound: $crate::shape::runtime::Bound<Self>) -> Self {
                $name(bound)
            }
        }

        impl $crate::shape::runtime::KnownDim for $name {}

        impl $crate::Dim for $name {
            const FIXED: ::core::option::Option<usize> = ::core::option::Option::None;
            const RUNTIME_NAME: ::core::option::Option<&'static str> =
                ::core::option::Option::Some(stringify!($name));
            #[inline]
            fn size(self) -> usize {
                self.0.size()
            }
            #[inline]
            fn from_size(n: usize) -> ::core::option::Option<Self> {
                $crate::shape::runtime::from_size(n)
            }
            fn type_size() -> ::core::option::Option<usize> {
                <Self as $crate::shape::runtime::RuntimeDim>::bound().map($crate::Dim::size)
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        $crate::dim!($($($rest)*)?);
    };
    ($vis:vis $name:ident = $a:ident * $b:ident $(, $($rest:tt)*)?) => {
        #[doc = concat!(
            "Named dimension `", stringify!($name), "`: the product `",
            stringify!($a), " × ", stringify!($b), "`."
        )]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        $vis struct $name;

        impl $crate::Dim for $name {
            const FIXED: ::core::option::Option<usize> = ::core::option::Option::Some(
                <$a as $crate::StaticDim>::SIZE * <$b as $crate::StaticDim>::SIZE,
            );
            #[inline]
            fn size(self) -> usize {
                <$name as $crate::StaticDim>::SIZE
            }
            #[inline]
            fn from_size(n: usize) -> ::core::option::Option<Self> {
                (n == <$name as $crate::StaticDim>::SIZE).then_some($name)
            }
        }

        #[diagnostic::do_not_recommend]
        impl $crate::StaticDim for $name {
            const SIZE: usize = <$a as $crate::StaticDim>::SIZE * <$b as $crate::StaticDim>::SIZE;
            type Array<T> = [T; <$a as $crate::StaticDim>::SIZE * <$b as $crate::StaticDim>::SIZE];
        }

        impl $crate::shape::Product<$a, $b> for $name {}

        $crate::dim!($($($rest)*)?);
    };
    ($vis:vis $name:ident = $size:literal $(, $($rest:tt)*)?) => {
        #[doc = concat!("Named dimension `", stringify!($name), "` of size ", stringify!($size), ".")]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        $vis struct $name;

        impl $crate::Dim for $name {
            const FIXED: ::core::option::Option<usize> = ::core::option::Option::Some($size);
            #[inline]
            fn size(self) -> usize {
                $size
            }
            #[inline]
            fn from_size(n: usize) -> ::core::option::Option<Self> {
                (n == $size).then_some($name)
            }
        }

        #[diagnostic::do_not_recommend]
        impl $crate::StaticDim for $name {
            const SIZE: usize = $size;
            type Array<T> = [T; $size];
        }

        $crate::dim!($($($rest)*)?);
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::{U0, U3, U128};

    #[test]
    fn sizes_of_every_kind_of_dim() {
        crate::dim!(Rows = 7);
        assert_eq!(Const::<5>.size(), 5);
        assert_eq!(U128::default().size(), 128);
        assert_eq!(U0::default().size(), 0);
        assert_eq!(<U3 as StaticDim>::SIZE, 3);
        assert_eq!(Rows.size(), 7);
        assert_eq!(Dyn(9).size(), 9);
    }

    #[test]
    fn a_product_dimension_has_the_product_size_and_literals_of_it() {
        crate::dim!(Heads = 3, HeadDim = 2, Model = Heads * HeadDim);
        assert_eq!(<Model as StaticDim>::SIZE, 6);
        assert_eq!(<Model as Dim>::FIXED, Some(6));
        assert_eq!(Model.size(), 6);
        assert_eq!(Model::from_size(6), Some(Model));
        assert_eq!(Model::from_size(5), None);
        let m = crate::Matrix::<Const<1>, Model>::from_rows([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]);
        assert_eq!(m.cols(), 6);
        fn split<M: crate::shape::Product<H, D>, H: StaticDim, D: StaticDim>(
            _: M,
        ) -> (usize, usize) {
            (H::SIZE, D::SIZE)
        }
        assert_eq!(split::<Model, Heads, HeadDim>(Model), (3, 2));
    }

    #[test]
    fn from_size_accepts_only_the_fixed_size() {
        assert!(U3::from_size(3).is_some());
        assert!(U3::from_size(2).is_none());
        assert!(UTerm::from_size(0).is_some());
        assert!(UTerm::from_size(1).is_none());
    }
}
