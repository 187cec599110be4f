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
//! Whether two dimensions may meet in a product is decided in one place: [`Agree`].

use core::fmt::Debug;

use generic_array::{ArrayLength, GenericArray};
use typenum::{Bit, UInt, UTerm, Unsigned};

/// A matrix dimension: a number of rows or columns, carried as a value.
///
/// Static dimensions are zero-sized; [`Dyn`] holds a `usize`. Implement it through
/// [`dim!`](crate::dim!) rather than by hand.
pub trait Dim: Copy + Debug + Send + Sync + 'static {
    /// The size the type fixes, or `None` for [`Dyn`].
    const FIXED: Option<usize>;

    /// The size this dimension stands for.
    fn size(self) -> usize;

    /// The dimension of size `n`, or `None` when `Self` is static and fixes another size.
    ///
    /// ```
    /// use shapegrad::{Const, Dim, Dyn};
    /// assert_eq!(Const::<3>::from_size(3), Some(Const::<3>));
    /// assert_eq!(Const::<3>::from_size(4), None);
    /// assert_eq!(Dyn::from_size(4), Some(Dyn(4)));
    /// ```
    fn from_size(n: usize) -> Option<Self>;
}

/// A dimension whose size is part of its type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a static dimension: its size is not part of its type",
    label = "this reads the size from the type, and `{Self}` has none",
    note = "for a `Dyn` dimension, use the `_with` constructor, which takes the sizes as values: `zeros_with(Dyn(n), Const)`"
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

/// A row dimension that [`Matrix::from_rows`](crate::Matrix::from_rows) can read from its rows:
/// a [`StaticDim`], whose rows come as an array of exactly its size, or [`Dyn`], whose rows come
/// as a `Vec` of any length.
///
/// ```
/// use shapegrad::{Const, Dyn, Matrix};
///
/// let fixed = Matrix::<Const<2>, Const<3>>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// let grown = Matrix::<Dyn, Const<3>>::from_rows(vec![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// assert_eq!(fixed.as_slice(), grown.as_slice());
/// ```
pub trait LiteralRows: Dim {
    /// The rows, each an `X`: an array of exactly the dimension's size, or a `Vec` for [`Dyn`].
    type Rows<X>: AsRef<[X]>;

    /// The dimension of `rows`: the static one, or `Dyn(rows.len())`.
    fn of_rows<X>(rows: &Self::Rows<X>) -> Self;
}

impl<D: StaticDim> LiteralRows for D {
    type Rows<X> = D::Array<X>;
    #[inline]
    fn of_rows<X>(_: &Self::Rows<X>) -> Self {
        D::default()
    }
}

impl LiteralRows for Dyn {
    type Rows<X> = Vec<X>;
    #[inline]
    fn of_rows<X>(rows: &Vec<X>) -> Self {
        Dyn(rows.len())
    }
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

/// The check every product makes: `InnerDims: Agree<K, R>` holds when the left operand's columns
/// `K` and the right operand's rows `R` may meet.
///
/// This is the one place shape agreement is decided. It holds when `K` and `R` are the same type,
/// and when one of them is [`Dyn`]: then the sizes are compared at run time.
///
/// The check has a `Self` type of the library's own, [`InnerDims`], so that a failed check is
/// reported in words that name both dimensions and nothing else.
///
/// Generic code needs no bound when the inner dimensions are one type parameter (`Matrix<I, K>`
/// times `Matrix<K, J>`). When they may be different types, one of them `Dyn`, it states the
/// check as a bound, and names the product's dimensions in it, since the product is typed
/// through [`Checked`](Self::Checked):
///
/// ```
/// use shapegrad::{Agree, Const, Dim, Dyn, InnerDims, Matrix};
///
/// fn project<I: Dim, K: Dim, R: Dim, J: Dim>(x: &Matrix<I, K>, w: &Matrix<R, J>) -> Matrix<I, J>
/// where
///     InnerDims: Agree<K, R, Checked<I> = I, Checked<J> = J>,
/// {
///     x.matmul(w)
/// }
///
/// let x = Matrix::<Const<2>, Dyn>::filled_with(Const, Dyn(3), 1.0);
/// let w = Matrix::<Const<3>, Const<4>>::ones();
/// let y: Matrix<Const<2>, Const<4>> = project(&x, &w);
/// assert_eq!(y.get(1, 3), Some(3.0));
/// ```
#[diagnostic::on_unimplemented(
    message = "inner dimensions `{K}` and `{R}` differ",
    label = "the right operand has `{R}` rows, but the left operand has `{K}` columns",
    note = "a product needs the left operand's columns and the right operand's rows to be one dimension; to use an operand transposed, call `.t()` on it (a zero-copy view)"
)]
pub trait Agree<K: Dim, R: Dim> {
    /// A dimension of the product, `D`, once the check has passed: always `D`.
    ///
    /// The product's rows and columns go through this projection so that a failed check leaves
    /// them unknown: the compiler then reports the one error above, not a second,
    /// mismatched-types error about the product. Under a `where InnerDims: Agree<K, R>` bound
    /// the compiler cannot see that it is `D`; say so in the bound: `Checked<D> = D`.
    type Checked<D: Dim>: Dim;

    /// `d` as a [`Checked<D>`](Self::Checked).
    fn checked<D: Dim>(d: D) -> Self::Checked<D>;
}

/// The `Self` type of [`Agree`]: the inner dimensions of a product.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InnerDims;

#[diagnostic::do_not_recommend]
impl<D: Dim> Agree<D, D> for InnerDims {
    type Checked<E: Dim> = E;
    #[inline]
    fn checked<E: Dim>(e: E) -> E {
        e
    }
}

#[diagnostic::do_not_recommend]
impl<D: StaticDim> Agree<D, Dyn> for InnerDims {
    type Checked<E: Dim> = E;
    #[inline]
    fn checked<E: Dim>(e: E) -> E {
        e
    }
}

#[diagnostic::do_not_recommend]
impl<D: StaticDim> Agree<Dyn, D> for InnerDims {
    type Checked<E: Dim> = E;
    #[inline]
    fn checked<E: Dim>(e: E) -> E {
        e
    }
}

/// Declares named dimensions: zero-sized types with a fixed size and a name of their own.
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
#[macro_export]
macro_rules! dim {
    ($($vis:vis $name:ident = $size:literal),+ $(,)?) => {
        $(
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

            impl $crate::StaticDim for $name {
                const SIZE: usize = $size;
                type Array<T> = [T; $size];
            }
        )+
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
    fn from_size_accepts_only_the_fixed_size() {
        assert!(U3::from_size(3).is_some());
        assert!(U3::from_size(2).is_none());
        assert!(UTerm::from_size(0).is_some());
        assert!(UTerm::from_size(1).is_none());
    }
}
