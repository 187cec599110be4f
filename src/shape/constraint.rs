//! The bound-only traits: the one place where shapes and element types are compared.
//!
//! Each trait here exists to be a bound, and each carries a `#[diagnostic::on_unimplemented]`
//! message, so that a shape bug is reported in words that name both sides:
//!
//! - [`Agree`] (on [`InnerDims`]): a product's inner dimensions may meet;
//! - [`RhsFor`]: an operand is a right operand for a given left operand (its rows agree);
//! - [`IntoView`]: a value is an operand at all (`&Matrix`, a [`MatRef`], `&MatRef`);
//! - [`SameElem`]: two operands hold one element type;
//! - [`LiteralRows`]: a literal's rows have the number of rows the row dimension says;
//! - [`Product`]: a dimension is declared as the product of two others.

use crate::{Dim, Dyn, KnownDim, MatRef, Matrix, Scalar, StaticDim};

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

/// The check every product makes: `InnerDims: Agree<K, R>` holds when the left operand's columns
/// `K` and the right operand's rows `R` may meet.
///
/// This is the one place shape agreement is decided. It holds when `K` and `R` are the same type
/// (static, or a [runtime dimension](crate::shape::runtime), whose one binding makes its sizes
/// agree), and when one of them is [`Dyn`]: then the sizes are compared at run time.
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
    note = "a product needs the left operand's columns and the right operand's rows to be one dimension",
    note = "if an operand is meant transposed, `.t()` is that view, without a copy; if the element-wise product is meant, it is `a.hadamard(&b)`; if neither, a dimension was declared wrong"
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
impl<D: KnownDim> Agree<D, Dyn> for InnerDims {
    type Checked<E: Dim> = E;
    #[inline]
    fn checked<E: Dim>(e: E) -> E {
        e
    }
}

#[diagnostic::do_not_recommend]
impl<D: KnownDim> Agree<Dyn, D> for InnerDims {
    type Checked<E: Dim> = E;
    #[inline]
    fn checked<E: Dim>(e: E) -> E {
        e
    }
}

/// The check a product makes on an operand's element type: `E: SameElem<T>` holds when an
/// operand of `E` may join a product of `T` matrices, that is when `E` is `T`.
///
/// Its one impl is generic over `Self`, so when the check fails rustc has no near miss to quote:
/// an `f64` operand in an `f32` product reads "element types `f32` and `f64` differ".
#[diagnostic::on_unimplemented(
    message = "element types `{T}` and `{Self}` differ",
    label = "this operand holds `{Self}`, but the product is of `{T}` matrices",
    note = "both operands of a product, and its result, hold one element type"
)]
pub trait SameElem<T: Scalar>: Scalar {
    /// `data`, as the slice of `T` that it is.
    fn cast(data: &[Self]) -> &[T];
}

#[diagnostic::do_not_recommend]
impl<T: Scalar> SameElem<T> for T {
    #[inline]
    fn cast(data: &[T]) -> &[T] {
        data
    }
}

/// Anything that can become a view of a matrix of `T`: `&Matrix`, [`MatRef`] and `&MatRef`.
///
/// Products take their right operand through this trait, so `x.matmul(&a)` and `x.matmul(a.t())`
/// are the same call. The dimensions are associated types: they come from the operand itself,
/// which lets the compiler name both sides of a mismatch in its error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand for a product of `{T}` matrices",
    label = "expected `&Matrix<_, _, {T}>` or a view such as `m.t()`",
    note = "products borrow their operands: pass `&m`, `m.view()` or `m.t()`",
    note = "both operands of a product hold the same element type, here `{T}`"
)]
pub trait IntoView<'a, T: Scalar>: Copy {
    /// The row dimension.
    type Rows: Dim;
    /// The column dimension.
    type Cols: Dim;
    /// The view.
    fn into_view(self) -> MatRef<'a, Self::Rows, Self::Cols, T>;
}

/// A right operand for a product whose left operand is `I × K`: any [`IntoView`] whose rows meet
/// `K`, that is for which [`InnerDims: Agree<K, Rows>`](crate::Agree) holds. Never implemented
/// by hand; the blanket impl covers every operand, and its one condition is where a mismatch is
/// reported.
///
/// The product is `Matrix<OutRows, OutCols>`, which is `Matrix<I, Cols>`. Products name their
/// result through these two types, not as `I` and `Cols`, so that when the check fails both are
/// left unknown: a mistake is then reported once, as the inner-dimension error, and not again as
/// a result type that does not fit.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand for a product of `{T}` matrices",
    label = "expected `&Matrix<_, _, {T}>` or a view such as `m.t()`",
    note = "products borrow their operands: pass `&m`, `m.view()` or `m.t()`"
)]
pub trait RhsFor<'a, I: Dim, K: Dim, T: Scalar>: IntoView<'a, T> {
    /// The product's row dimension: `I`, once the check has passed
    /// ([`Agree::Checked`]).
    type OutRows: Dim;
    /// The product's column dimension: [`Cols`](IntoView::Cols), once the check has passed.
    type OutCols: Dim;

    /// The left operand's row dimension, as [`OutRows`](Self::OutRows).
    fn out_rows(rows: I) -> Self::OutRows;

    /// The operand as a view whose columns are [`OutCols`](Self::OutCols).
    fn into_rhs(self) -> MatRef<'a, Self::Rows, Self::OutCols, T>;
}

impl<'a, I: Dim, K: Dim, T: Scalar, B: IntoView<'a, T>> RhsFor<'a, I, K, T> for B
where
    crate::InnerDims: crate::Agree<K, B::Rows>,
{
    type OutRows = <crate::InnerDims as crate::Agree<K, B::Rows>>::Checked<I>;
    type OutCols = <crate::InnerDims as crate::Agree<K, B::Rows>>::Checked<B::Cols>;

    #[inline]
    fn out_rows(rows: I) -> Self::OutRows {
        <crate::InnerDims as crate::Agree<K, B::Rows>>::checked(rows)
    }

    #[inline]
    fn into_rhs(self) -> MatRef<'a, B::Rows, Self::OutCols, T> {
        let view = self.into_view();
        let cols = <crate::InnerDims as crate::Agree<K, B::Rows>>::checked(view.dims().1);
        view.with_cols(cols)
    }
}

impl<'a, R: Dim, C: Dim, T: Scalar, E: Scalar> IntoView<'a, T> for &'a Matrix<R, C, E>
where
    E: SameElem<T>,
{
    type Rows = R;
    type Cols = C;
    #[inline]
    fn into_view(self) -> MatRef<'a, R, C, T> {
        self.view().with_elems()
    }
}

impl<'a, R: Dim, C: Dim, T: Scalar, E: Scalar> IntoView<'a, T> for MatRef<'a, R, C, E>
where
    E: SameElem<T>,
{
    type Rows = R;
    type Cols = C;
    #[inline]
    fn into_view(self) -> MatRef<'a, R, C, T> {
        self.with_elems()
    }
}

impl<'a, R: Dim, C: Dim, T: Scalar, E: Scalar> IntoView<'a, T> for &MatRef<'a, R, C, E>
where
    E: SameElem<T>,
{
    type Rows = R;
    type Cols = C;
    #[inline]
    fn into_view(self) -> MatRef<'a, R, C, T> {
        self.with_elems()
    }
}

/// `Self` is the dimension `A × B`: declared as that product with
/// `dim!(Model = Heads * HeadDim)`, so its size is `A`'s times `B`'s by construction.
///
/// Splitting a `Model`-wide matrix into `Heads` blocks of `HeadDim` columns, and merging them
/// back, asks for this bound: the sizes are proven equal by the types, with no run-time check.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared as the product `{A} × {B}`",
    label = "this needs `{Self}` to be exactly `{A} × {B}`",
    note = "declare it as that product, `dim!({Self} = {A} * {B})`, so that its size is theirs by construction"
)]
pub trait Product<A: StaticDim, B: StaticDim>: StaticDim {}
