//! Generic code, written the way a user of the crate writes it: functions generic over their
//! dimensions compile with the bounds the docs give, keep the product's type, and compute the
//! same numbers as the concrete calls.
//!
//! - Inner dimensions that are one type parameter need no bound at all.
//! - Inner dimensions that may differ as types (one of them `Dyn`) need
//!   `InnerDims: Agree<K, R, Checked<I> = I, Checked<J> = J>`; a run-time disagreement is then a
//!   `ShapeError`, as in concrete code.

mod common;

use common::{Dense, assert_product, signed};
use shapegrad::{Agree, Const, Dim, Dyn, Grads, InnerDims, MatMul, Matrix, ShapeError, dim};

dim!(Batch = 5, In = 7, Out = 3);

// One type parameter per dimension: no bound.

fn forward<I: Dim, K: Dim, J: Dim>(x: &Matrix<I, K>, a: &Matrix<K, J>) -> Matrix<I, J> {
    x.matmul(a)
}

fn backward_by_hand<I: Dim, K: Dim, J: Dim>(
    x: &Matrix<I, K>,
    a: &Matrix<K, J>,
    dy: &Matrix<I, J>,
) -> (Matrix<I, K>, Matrix<K, J>) {
    (dy.matmul(a.t()), x.t().matmul(dy))
}

fn backward_with_operators<I: Dim, K: Dim, J: Dim>(
    x: &Matrix<I, K>,
    a: &Matrix<K, J>,
    dy: &Matrix<I, J>,
) -> (Matrix<I, K>, Matrix<K, J>) {
    (dy * a.t(), x.t() * dy)
}

fn through_matmul<'a, I: Dim, K: Dim, J: Dim>(
    x: &'a Matrix<I, K>,
    a: &'a Matrix<K, J>,
    dy: &Matrix<I, J>,
) -> Grads<I, K, J> {
    MatMul::forward(x, a).backward(dy)
}

#[test]
fn generic_forward_and_backward_need_no_bound_and_match_the_reference() {
    let x: Matrix<Batch, In> = signed(Batch, In, 1);
    let a: Matrix<In, Out> = signed(In, Out, 2);
    let dy: Matrix<Batch, Out> = signed(Batch, Out, 3);
    let (xd, ad, dyd) = (Dense::of(&x), Dense::of(&a), Dense::of(&dy));

    assert_product(&forward(&x, &a), &xd, &ad);
    for (dx, da) in [
        backward_by_hand(&x, &a, &dy),
        backward_with_operators(&x, &a, &dy),
    ] {
        assert_product(&dx, &dyd, &ad.t());
        assert_product(&da, &xd.t(), &dyd);
    }
    let grads = through_matmul(&x, &a, &dy);
    assert_product(&grads.dx, &dyd, &ad.t());
    assert_product(&grads.da, &xd.t(), &dyd);
}

// Inner dimensions of different types: the bound names the product's dimensions.

fn mixed<I: Dim, K: Dim, R: Dim, J: Dim>(x: &Matrix<I, K>, a: &Matrix<R, J>) -> Matrix<I, J>
where
    InnerDims: Agree<K, R, Checked<I> = I, Checked<J> = J>,
{
    x.matmul(a)
}

fn mixed_operator<I: Dim, K: Dim, R: Dim, J: Dim>(
    x: &Matrix<I, K>,
    a: &Matrix<R, J>,
) -> Matrix<I, J>
where
    InnerDims: Agree<K, R, Checked<I> = I, Checked<J> = J>,
{
    x * a
}

fn mixed_fallible<I: Dim, K: Dim, R: Dim, J: Dim>(
    x: &Matrix<I, K>,
    a: &Matrix<R, J>,
) -> Result<Matrix<I, J>, ShapeError>
where
    InnerDims: Agree<K, R, Checked<I> = I, Checked<J> = J>,
{
    x.try_matmul(a)
}

#[test]
fn generic_code_mixing_dyn_and_static_inner_dims_keeps_the_product_type() {
    let x: Matrix<Batch, Dyn> = signed(Batch, Dyn(7), 4);
    let a: Matrix<In, Out> = signed(In, Out, 5);
    let (xd, ad) = (Dense::of(&x), Dense::of(&a));

    let y: Matrix<Batch, Out> = mixed(&x, &a);
    assert_product(&y, &xd, &ad);
    let y: Matrix<Batch, Out> = mixed_operator(&x, &a);
    assert_product(&y, &xd, &ad);
    let y: Matrix<Batch, Out> = mixed_fallible(&x, &a).unwrap();
    assert_product(&y, &xd, &ad);

    // The other way round: a static left operand against `Dyn` rows.
    let x: Matrix<Batch, In> = signed(Batch, In, 6);
    let a: Matrix<Dyn, Const<2>> = signed(Dyn(7), Const, 7);
    let y: Matrix<Batch, Const<2>> = mixed(&x, &a);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn generic_code_mixing_dyn_reports_a_runtime_disagreement_as_an_inner_error() {
    let x: Matrix<Batch, Dyn> = signed(Batch, Dyn(6), 8);
    let a: Matrix<In, Out> = signed(In, Out, 9);
    assert_eq!(
        mixed_fallible(&x, &a).unwrap_err(),
        ShapeError::Inner {
            lhs: (5, 6),
            rhs: (7, 3)
        }
    );
}
