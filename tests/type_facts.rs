//! Facts about types, checked by the compiler: this file compiles only if every one holds.
//!
//! - The exact output type of every public operation, for all dimensions (generic functions whose
//!   declared return type must be exactly what the operation returns: Rust never converts one
//!   `Matrix` type into another implicitly), and `Mul::Output` for every operand pairing.
//! - Which products exist: `Mul` for matching shapes, none for mismatched ones, whatever the
//!   spelling of the dimensions; the `Agree` relation that decides it.
//! - Sizes and auto traits: static dimensions cost nothing, a static matrix is a `Vec`.
//!
//! A fact that stops holding is a compile error here, naming the fact.

use core::fmt::Debug;
use core::mem::size_of;
use core::ops::{Add, AddAssign, Index, Mul, Neg, Sub, SubAssign};

use shapegrad::typenum::{U0, U2, U3, U4, U128};
use shapegrad::{
    Agree, Batch as BatchOf, BatchIter, BatchRows, Batches, Const, Dim, Dyn, Grads, InnerDims,
    IntoView, LiteralRows, MatMul, MatRef, Matrix, RhsFor, SameElem, Scalar, ShapeError, StaticDim,
    Threads, Write, dim,
};
use static_assertions::{
    assert_impl_all, assert_not_impl_any, assert_type_eq_all, const_assert_eq,
};

type C2 = Const<2>;
type C3 = Const<3>;
type C4 = Const<4>;

// Same sizes, different names: a square layer whose transposes must not mix up.
dim!(Batch = 2, In = 3, Out = 3);

/// Exact output types of every operation, for every choice of dimensions and element type.
///
/// Each function declares the type an operation must return and returns the operation itself, so
/// it compiles only if the two are the same type. Generic functions are type-checked without being
/// called, which is why they never are.
#[allow(dead_code)]
mod signatures {
    use super::*;

    // Construction.

    fn zeros<R: StaticDim, C: StaticDim, T: Scalar>() -> Matrix<R, C, T> {
        Matrix::zeros()
    }
    fn ones<R: StaticDim, C: StaticDim, T: Scalar>() -> Matrix<R, C, T> {
        Matrix::ones()
    }
    fn from_fn<R: StaticDim, C: StaticDim, T: Scalar>() -> Matrix<R, C, T> {
        Matrix::from_fn(|_, _| T::ZERO)
    }
    fn rand<R: StaticDim, C: StaticDim, T: Scalar>() -> Matrix<R, C, T> {
        Matrix::rand(0)
    }
    fn try_from_vec<R: StaticDim, C: StaticDim, T: Scalar>(
        v: Vec<T>,
    ) -> Result<Matrix<R, C, T>, ShapeError> {
        Matrix::try_from_vec(v)
    }
    fn from_rows<R: LiteralRows, C: StaticDim, T: Scalar>(
        rows: R::Rows<C::Array<T>>,
    ) -> Matrix<R, C, T> {
        Matrix::from_rows(rows)
    }
    fn from_array<const R: usize, const C: usize, T: Scalar>(
        rows: [[T; C]; R],
    ) -> Matrix<Const<R>, Const<C>, T> {
        Matrix::from_array(rows)
    }
    fn zeros_with<R: Dim, C: Dim, T: Scalar>(r: R, c: C) -> Matrix<R, C, T> {
        Matrix::zeros_with(r, c)
    }
    fn filled_with<R: Dim, C: Dim, T: Scalar>(r: R, c: C) -> Matrix<R, C, T> {
        Matrix::filled_with(r, c, T::ONE)
    }
    fn from_fn_with<R: Dim, C: Dim, T: Scalar>(r: R, c: C) -> Matrix<R, C, T> {
        Matrix::from_fn_with(r, c, |_, _| T::ONE)
    }
    fn rand_with<R: Dim, C: Dim, T: Scalar>(r: R, c: C) -> Matrix<R, C, T> {
        Matrix::rand_with(r, c, 0)
    }
    fn try_from_vec_with<R: Dim, C: Dim, T: Scalar>(
        r: R,
        c: C,
        v: Vec<T>,
    ) -> Result<Matrix<R, C, T>, ShapeError> {
        Matrix::try_from_vec_with(r, c, v)
    }
    fn try_from_slice<R: Dim, C: Dim, T: Scalar>(
        r: R,
        c: C,
        s: &[T],
    ) -> Result<MatRef<'_, R, C, T>, ShapeError> {
        MatRef::try_from_slice(r, c, s)
    }

    // Accessors and conversions.

    fn sizes<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> (usize, usize) {
        (m.rows(), m.cols())
    }
    fn dims<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> (R, C) {
        m.dims()
    }
    fn as_slice<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> &[T] {
        m.as_slice()
    }
    fn as_mut_slice<R: Dim, C: Dim, T: Scalar>(m: &mut Matrix<R, C, T>) -> &mut [T] {
        m.as_mut_slice()
    }
    fn into_vec<R: Dim, C: Dim, T: Scalar>(m: Matrix<R, C, T>) -> Vec<T> {
        m.into_vec()
    }
    fn get<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Option<T> {
        m.get(0, 0)
    }
    fn get_mut<R: Dim, C: Dim, T: Scalar>(m: &mut Matrix<R, C, T>) -> Option<&mut T> {
        m.get_mut(0, 0)
    }
    fn index<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> T {
        m[(0, 0)]
    }
    fn map<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Matrix<R, C, T> {
        m.map(|v| v)
    }
    fn sum<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> T {
        m.sum()
    }
    // Sums along one axis keep the other; the bias row is `1 × C`.
    fn col_sums<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Matrix<Const<1>, C, T> {
        m.col_sums()
    }
    fn row_sums<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Matrix<R, Const<1>, T> {
        m.row_sums()
    }
    fn add_row_to_each<R: Dim, C: Dim, T: Scalar>(
        m: &mut Matrix<R, C, T>,
        b: &Matrix<Const<1>, C, T>,
    ) {
        m.add_row_to_each(b);
    }
    fn try_add_row_to_each<R: Dim, C: Dim, T: Scalar>(
        m: &mut Matrix<R, C, T>,
        b: &Matrix<Const<1>, C, T>,
    ) -> Result<(), ShapeError> {
        m.try_add_row_to_each(b)
    }
    fn into_dyn<R: Dim, C: Dim, T: Scalar>(m: Matrix<R, C, T>) -> Matrix<Dyn, Dyn, T> {
        m.into_dyn()
    }
    fn try_into_dims<R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar>(
        m: Matrix<R, C, T>,
    ) -> Result<Matrix<R2, C2, T>, ShapeError> {
        m.try_into_dims()
    }

    // Views and transposes: the dimensions swap, the element type and lifetime stay.

    fn try_into_dims_view<'a, R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar>(
        v: MatRef<'a, R, C, T>,
    ) -> Result<MatRef<'a, R2, C2, T>, ShapeError> {
        v.try_into_dims()
    }
    fn view<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> MatRef<'_, R, C, T> {
        m.view()
    }
    fn t<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> MatRef<'_, C, R, T> {
        m.t()
    }
    fn transpose<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Matrix<C, R, T> {
        m.transpose()
    }
    fn view_t<'a, R: Dim, C: Dim, T: Scalar>(v: MatRef<'a, R, C, T>) -> MatRef<'a, C, R, T> {
        v.t()
    }
    fn view_t_t<'a, R: Dim, C: Dim, T: Scalar>(v: MatRef<'a, R, C, T>) -> MatRef<'a, R, C, T> {
        v.t().t()
    }
    fn view_to_matrix<R: Dim, C: Dim, T: Scalar>(v: MatRef<'_, R, C, T>) -> Matrix<R, C, T> {
        v.to_matrix()
    }
    fn view_accessors<R: Dim, C: Dim, T: Scalar>(
        v: MatRef<'_, R, C, T>,
    ) -> (usize, usize, (R, C), usize, usize, Option<T>) {
        (
            v.rows(),
            v.cols(),
            v.dims(),
            v.row_stride(),
            v.col_stride(),
            v.get(0, 0),
        )
    }
    fn into_view<'a, V: IntoView<'a, T>, T: Scalar>(v: V) -> MatRef<'a, V::Rows, V::Cols, T> {
        v.into_view()
    }

    // Products: `I × K` times `K × J` is `I × J`, whatever the operands are.

    fn matmul<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        a: &Matrix<K, J, T>,
    ) -> Matrix<I, J, T> {
        x.matmul(a)
    }
    fn matmul_transposed_rhs<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        at: &Matrix<J, K, T>,
    ) -> Matrix<I, J, T> {
        x.matmul(at.t())
    }
    fn matmul_transposed_lhs<I: Dim, K: Dim, J: Dim, T: Scalar>(
        xt: &Matrix<K, I, T>,
        a: &Matrix<K, J, T>,
    ) -> Matrix<I, J, T> {
        xt.t().matmul(a)
    }
    fn matmul_both_transposed<I: Dim, K: Dim, J: Dim, T: Scalar>(
        xt: &Matrix<K, I, T>,
        at: &Matrix<J, K, T>,
    ) -> Matrix<I, J, T> {
        xt.t().matmul(at.t())
    }
    fn matmul_view_ref<'a, I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: MatRef<'a, I, K, T>,
        a: &MatRef<'a, K, J, T>,
    ) -> Matrix<I, J, T> {
        x.matmul(a)
    }
    fn try_matmul<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        a: &Matrix<K, J, T>,
    ) -> Result<Matrix<I, J, T>, ShapeError> {
        x.try_matmul(a)
    }
    fn try_matmul_view<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: MatRef<'_, I, K, T>,
        a: &Matrix<K, J, T>,
    ) -> Result<Matrix<I, J, T>, ShapeError> {
        x.try_matmul(a)
    }
    /// A `Dyn` inner dimension meets a static one; the output keeps the outer dimensions.
    fn matmul_dyn_inner<I: Dim, K: StaticDim, J: Dim, T: Scalar>(
        x: &Matrix<I, Dyn, T>,
        a: &Matrix<K, J, T>,
    ) -> Matrix<I, J, T> {
        x.matmul(a)
    }
    fn matmul_static_inner_dyn_rows<I: Dim, K: StaticDim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        a: &Matrix<Dyn, J, T>,
    ) -> Matrix<I, J, T> {
        x.matmul(a)
    }
    fn matmul_into<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        a: &Matrix<K, J, T>,
        y: &mut Matrix<I, J, T>,
    ) {
        x.matmul_into(a, y, Write::Overwrite)
    }
    fn try_matmul_into<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: MatRef<'_, I, K, T>,
        at: &Matrix<J, K, T>,
        y: &mut Matrix<I, J, T>,
    ) -> Result<(), ShapeError> {
        x.try_matmul_into(at.t(), y, Write::Accumulate)
    }
    fn mul_matrix_matrix<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        a: &Matrix<K, J, T>,
    ) -> Matrix<I, J, T> {
        x * a
    }
    fn mul_matrix_view<I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &Matrix<I, K, T>,
        at: &Matrix<J, K, T>,
    ) -> Matrix<I, J, T> {
        x * at.t()
    }
    fn mul_view_matrix<I: Dim, K: Dim, J: Dim, T: Scalar>(
        xt: &Matrix<K, I, T>,
        a: &Matrix<K, J, T>,
    ) -> Matrix<I, J, T> {
        xt.t() * a
    }
    fn mul_view_view<I: Dim, K: Dim, J: Dim, T: Scalar>(
        xt: &Matrix<K, I, T>,
        at: &Matrix<J, K, T>,
    ) -> Matrix<I, J, T> {
        xt.t() * at.t()
    }

    // Element-wise operations keep the type.

    fn add<R: Dim, C: Dim, T: Scalar>(p: &Matrix<R, C, T>, q: &Matrix<R, C, T>) -> Matrix<R, C, T> {
        p + q
    }
    fn sub<R: Dim, C: Dim, T: Scalar>(p: &Matrix<R, C, T>, q: &Matrix<R, C, T>) -> Matrix<R, C, T> {
        p - q
    }
    fn scale<R: Dim, C: Dim, T: Scalar>(p: &Matrix<R, C, T>) -> Matrix<R, C, T> {
        p * T::ONE
    }
    fn neg<R: Dim, C: Dim, T: Scalar>(p: &Matrix<R, C, T>) -> Matrix<R, C, T> {
        -p
    }
    fn add_sub_assign<R: Dim, C: Dim, T: Scalar>(p: &mut Matrix<R, C, T>, q: &Matrix<R, C, T>) {
        *p += q;
        *p -= q;
    }

    // The backward pass: `dx` has the type of `X`, `da` the type of `A`.

    fn forward<'a, I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &'a Matrix<I, K, T>,
        a: &'a Matrix<K, J, T>,
    ) -> MatMul<'a, I, K, J, T> {
        MatMul::forward(x, a)
    }
    fn forward_views<'a, I: Dim, K: Dim, J: Dim, T: Scalar>(
        xt: &'a Matrix<K, I, T>,
        at: &'a Matrix<J, K, T>,
    ) -> MatMul<'a, I, K, J, T> {
        MatMul::forward(xt.t(), at.t())
    }
    fn try_forward<'a, I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &'a Matrix<I, K, T>,
        a: &'a Matrix<K, J, T>,
    ) -> Result<MatMul<'a, I, K, J, T>, ShapeError> {
        MatMul::try_forward(x, a)
    }
    fn forward_into<'a, I: Dim, K: Dim, J: Dim, T: Scalar>(
        x: &'a Matrix<I, K, T>,
        a: &'a Matrix<K, J, T>,
        y: Matrix<I, J, T>,
    ) -> MatMul<'a, I, K, J, T> {
        MatMul::forward_into(x, a, y)
    }
    /// `X`'s column dimension is `Dyn`, `A`'s rows static: the gradient of `A` takes `X`'s.
    fn forward_dyn_inner<'a, I: Dim, K: StaticDim, J: Dim, T: Scalar>(
        x: &'a Matrix<I, Dyn, T>,
        a: &'a Matrix<K, J, T>,
    ) -> MatMul<'a, I, Dyn, J, T> {
        MatMul::forward(x, a)
    }
    fn output<'m, I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: &'m MatMul<'_, I, K, J, T>,
    ) -> &'m Matrix<I, J, T> {
        mm.output()
    }
    fn into_output<I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: MatMul<'_, I, K, J, T>,
    ) -> Matrix<I, J, T> {
        mm.into_output()
    }
    fn backward<I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: &MatMul<'_, I, K, J, T>,
        dy: &Matrix<I, J, T>,
    ) -> Grads<I, K, J, T> {
        mm.backward(dy)
    }
    fn backward_fields<I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: &MatMul<'_, I, K, J, T>,
        dy: &Matrix<I, J, T>,
    ) -> (Matrix<I, K, T>, Matrix<K, J, T>) {
        let Grads { dx, da } = mm.backward(dy);
        (dx, da)
    }
    fn backward_x<I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: &MatMul<'_, I, K, J, T>,
        dy: &Matrix<I, J, T>,
    ) -> Matrix<I, K, T> {
        mm.backward_x(dy)
    }
    fn backward_a<I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: &MatMul<'_, I, K, J, T>,
        dy: &Matrix<I, J, T>,
    ) -> Matrix<K, J, T> {
        mm.backward_a(dy)
    }
    fn backward_into<I: Dim, K: Dim, J: Dim, T: Scalar>(
        mm: &MatMul<'_, I, K, J, T>,
        dy: &Matrix<I, J, T>,
        grads: &mut Grads<I, K, J, T>,
        dx: &mut Matrix<I, K, T>,
        da: &mut Matrix<K, J, T>,
    ) {
        mm.backward_into(dy, grads, Write::Overwrite);
        mm.backward_x_into(dy, dx, Write::Accumulate);
        mm.backward_a_into(dy, da, Write::Accumulate);
    }

    /// The square layer of the README: `In` and `Out` have one size, and the gradients still have
    /// the types of their operands, not the transposed ones.
    fn square_layer_gradients(
        mm: &MatMul<'_, Batch, In, Out>,
        dy: &Matrix<Batch, Out>,
    ) -> (Matrix<Batch, In>, Matrix<In, Out>) {
        let Grads { dx, da } = mm.backward(dy);
        (dx, da)
    }
    /// The same gradients by hand: `dX = dY·Wᵀ`, `dW = Xᵀ·dY`.
    fn square_layer_by_hand(
        x: &Matrix<Batch, In>,
        w: &Matrix<In, Out>,
        dy: &Matrix<Batch, Out>,
    ) -> (Matrix<Batch, In>, Matrix<In, Out>) {
        (dy.matmul(w.t()), x.t().matmul(dy))
    }

    // Rows: a run of them is a view of the same columns, `Dyn` rows or the static `N`; gathered
    // rows are a new matrix, `Dyn` rows or the `R2` asked for.

    fn rows_range<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> MatRef<'_, Dyn, C, T> {
        m.rows_range(0..1)
    }
    fn try_rows_range_view<'a, R: Dim, C: Dim, T: Scalar>(
        v: MatRef<'a, R, C, T>,
    ) -> Result<MatRef<'a, Dyn, C, T>, ShapeError> {
        v.try_rows_range(0..1)
    }
    fn fixed_rows<N: StaticDim, R: Dim, C: Dim, T: Scalar>(
        m: &Matrix<R, C, T>,
    ) -> MatRef<'_, N, C, T> {
        m.fixed_rows::<N>(0)
    }
    fn try_fixed_rows_view<'a, N: StaticDim, R: Dim, C: Dim, T: Scalar>(
        v: MatRef<'a, R, C, T>,
    ) -> Result<MatRef<'a, N, C, T>, ShapeError> {
        v.try_fixed_rows::<N>(0)
    }
    fn select_rows<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Matrix<Dyn, C, T> {
        m.select_rows(&[0])
    }
    fn try_select_rows_view<R: Dim, C: Dim, T: Scalar>(
        v: MatRef<'_, R, C, T>,
    ) -> Result<Matrix<Dyn, C, T>, ShapeError> {
        v.try_select_rows(&[0])
    }
    fn select_rows_as<R2: Dim, R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Matrix<R2, C, T> {
        m.select_rows_as::<R2>(&[0])
    }
    fn try_select_rows_as_view<R2: Dim, R: Dim, C: Dim, T: Scalar>(
        v: MatRef<'_, R, C, T>,
    ) -> Result<Matrix<R2, C, T>, ShapeError> {
        v.try_select_rows_as::<R2>(&[0])
    }

    // Batches: full batches gather with the batch dimension, the rest with `Dyn`.

    fn batches<B: StaticDim>(n: usize) -> (Batches<B>, Batches<B>) {
        (Batches::in_order(n).drop_last(), Batches::shuffled(n, 0, 0))
    }
    fn batch_iter<B: StaticDim>(b: &Batches<B>) -> (BatchIter<'_, B>, &[usize]) {
        (b.iter(), b.order())
    }
    fn batch_items<'a, B: StaticDim>(b: &'a Batches<B>) -> Option<(&'a [usize], BatchOf<'a, B>)> {
        let batch = b.into_iter().next()?;
        Some((batch.indices(), batch))
    }
    fn gather_full<B: StaticDim, C: Dim, T: Scalar>(
        rows: BatchRows<'_, B>,
        x: &Matrix<Dyn, C, T>,
        labels: &[usize],
    ) -> (Matrix<B, C, T>, Vec<usize>, B) {
        (rows.gather(x), rows.gather_slice(labels), rows.dim())
    }
    fn try_gather_rest<C: Dim, T: Scalar>(
        rows: BatchRows<'_, Dyn>,
        x: MatRef<'_, Dyn, C, T>,
    ) -> Result<Matrix<Dyn, C, T>, ShapeError> {
        rows.try_gather(x)
    }
    fn try_gather_slice_rest(
        rows: BatchRows<'_, Dyn>,
        labels: &[u8],
    ) -> Result<Vec<u8>, ShapeError> {
        rows.try_gather_slice(labels)
    }

    // Dimensions and thread policies.

    fn dim_size<D: Dim>(d: D) -> (usize, Option<D>, Option<usize>) {
        (d.size(), D::from_size(d.size()), D::FIXED)
    }
    fn with_threads_returns_the_closures_value<R>(f: impl FnOnce() -> R) -> R {
        shapegrad::with_threads(Threads::Sequential, f)
    }
    fn current_threads() -> Threads {
        shapegrad::current_threads()
    }
}

// `Mul::Output` for every pairing of `&Matrix` and `MatRef`, in both element types.

type MulOut<L, R> = <L as Mul<R>>::Output;
type Ref<R, C, T = f32> = &'static Matrix<R, C, T>;
type View<R, C, T = f32> = MatRef<'static, R, C, T>;

assert_type_eq_all!(MulOut<Ref<C2, C3>, Ref<C3, C4>>, Matrix<C2, C4>);
assert_type_eq_all!(MulOut<Ref<C2, C3>, View<C3, C4>>, Matrix<C2, C4>);
assert_type_eq_all!(MulOut<View<C2, C3>, Ref<C3, C4>>, Matrix<C2, C4>);
assert_type_eq_all!(MulOut<View<C2, C3>, View<C3, C4>>, Matrix<C2, C4>);
assert_type_eq_all!(MulOut<Ref<C2, C3, f64>, Ref<C3, C4, f64>>, Matrix<C2, C4, f64>);
assert_type_eq_all!(MulOut<View<C2, C3, f64>, View<C3, C4, f64>>, Matrix<C2, C4, f64>);
assert_type_eq_all!(MulOut<Ref<Batch, In>, Ref<In, Out>>, Matrix<Batch, Out>);
assert_type_eq_all!(MulOut<Ref<U2, U3>, Ref<U3, U4>>, Matrix<U2, U4>);
// A `Dyn` inner dimension on either side: the outer dimensions stay as they were.
assert_type_eq_all!(MulOut<Ref<C2, Dyn>, Ref<C3, C4>>, Matrix<C2, C4>);
assert_type_eq_all!(MulOut<Ref<C2, C3>, Ref<Dyn, Dyn>>, Matrix<C2, Dyn>);
assert_type_eq_all!(MulOut<Ref<Dyn, Dyn>, Ref<Dyn, Dyn>>, Matrix<Dyn, Dyn>);
// Element-wise operators and indexing.
assert_type_eq_all!(<Ref<C2, C3> as Add>::Output, Matrix<C2, C3>);
assert_type_eq_all!(<Ref<C2, C3> as Sub>::Output, Matrix<C2, C3>);
assert_type_eq_all!(<Ref<C2, C3> as Neg>::Output, Matrix<C2, C3>);
assert_type_eq_all!(<Ref<C2, C3, f64> as Mul<f64>>::Output, Matrix<C2, C3, f64>);
assert_type_eq_all!(<Matrix<C2, C3, f64> as Index<(usize, usize)>>::Output, f64);
// The operand trait's associated dimensions come from the operand, transposed for `.t()` views.
assert_type_eq_all!(<Ref<C2, C3> as IntoView<'static, f32>>::Rows, C2);
assert_type_eq_all!(<Ref<C2, C3> as IntoView<'static, f32>>::Cols, C3);
assert_type_eq_all!(<View<C3, C2> as IntoView<'static, f32>>::Rows, C3);
assert_type_eq_all!(<&'static View<C3, C2> as IntoView<'static, f32>>::Cols, C2);

// Products that exist.

assert_impl_all!(Ref<C2, C3>: Mul<Ref<C3, C4>>, Mul<View<C3, C4>>);
assert_impl_all!(View<C2, C3>: Mul<Ref<C3, C4>>, Mul<View<C3, C4>>);
assert_impl_all!(Ref<Batch, In>: Mul<Ref<In, Out>>, Mul<View<In, Out>>);
assert_impl_all!(Ref<Batch, Out>: Mul<View<Out, In>>); // dY · Wᵀ, the view of W: In × Out
assert_impl_all!(Ref<U2, U3>: Mul<Ref<U3, U4>>);
assert_impl_all!(Ref<C2, Dyn>: Mul<Ref<C4, C2>>, Mul<Ref<Dyn, C2>>);
assert_impl_all!(Ref<C2, C3>: Mul<Ref<Dyn, C4>>);
assert_impl_all!(Ref<Batch, In>: Mul<Ref<Dyn, Out>>);
assert_impl_all!(Ref<C2, C3>: RhsFor<'static, C2, C2, f32>, IntoView<'static, f32>);
assert_impl_all!(View<C2, C3>: RhsFor<'static, C2, C2, f32>, RhsFor<'static, C2, Dyn, f32>);
assert_impl_all!(&'static View<C2, C3>: IntoView<'static, f32>);

// Products that do not exist: the inner dimensions differ, in every spelling of a dimension.

assert_not_impl_any!(Ref<C2, C3>: Mul<Ref<C4, C2>>, Mul<View<C4, C2>>, Mul<Ref<C2, C3>>);
assert_not_impl_any!(View<C2, C3>: Mul<Ref<C4, C2>>, Mul<View<C4, C2>>, Mul<View<C2, C3>>);
// Named dimensions of equal size are still different dimensions.
assert_not_impl_any!(Ref<Batch, In>: Mul<Ref<Out, In>>, Mul<View<Out, In>>);
assert_not_impl_any!(Ref<Batch, Out>: Mul<Ref<In, Out>>); // dY · W: the forgotten transpose
assert_not_impl_any!(View<In, Batch>: Mul<Ref<Out, In>>);
// typenum.
assert_not_impl_any!(Ref<U2, U3>: Mul<Ref<U4, U2>>, Mul<View<U2, U3>>);
// Static dimensions of equal size but different spelling do not meet without `Dyn`.
assert_not_impl_any!(Ref<C2, C3>: Mul<Ref<U3, C2>>);
assert_not_impl_any!(Ref<C2, U3>: Mul<Ref<C3, C2>>);
assert_not_impl_any!(Ref<C2, In>: Mul<Ref<C3, C2>>);
// Transposed views: `x.t()` of a 2×3 `x` is 3×2 and cannot take a 3-row operand.
assert_not_impl_any!(View<C3, C2>: Mul<Ref<C3, C4>>, Mul<View<C3, C4>>);
assert_not_impl_any!(Ref<C2, C3>: Mul<View<C4, C3>>); // x · a.t() when a.t() is 4×3
// Element types never mix.
assert_not_impl_any!(Ref<C2, C3, f32>: Mul<Ref<C3, C4, f64>>);
assert_not_impl_any!(View<C2, C3, f64>: Mul<View<C3, C4, f32>>);
// Operands are borrowed: an owned matrix is not an operand.
assert_not_impl_any!(Matrix<C3, C4>: IntoView<'static, f32>, RhsFor<'static, C2, C3, f32>);
assert_not_impl_any!(Ref<C3, C4>: RhsFor<'static, C2, C4, f32>, RhsFor<'static, C2, U3, f32>);

// `SameElem`: an element type meets only itself, so an `f64` operand is no operand of an `f32`
// product.
assert_impl_all!(f32: SameElem<f32>);
assert_impl_all!(f64: SameElem<f64>);
assert_not_impl_any!(f32: SameElem<f64>);
assert_not_impl_any!(f64: SameElem<f32>);
assert_impl_all!(Ref<C3, C4, f64>: IntoView<'static, f64>, RhsFor<'static, C2, C3, f64>);
assert_not_impl_any!(Ref<C3, C4, f64>: IntoView<'static, f32>, RhsFor<'static, C2, C3, f32>);
assert_not_impl_any!(View<C3, C4, f32>: IntoView<'static, f64>, RhsFor<'static, C2, C3, f64>);

// `Agree`: a dimension meets itself and `Dyn`, nothing else.

assert_impl_all!(InnerDims: Agree<C3, C3>, Agree<C3, Dyn>, Agree<Dyn, C3>, Agree<Dyn, Dyn>);
assert_impl_all!(InnerDims: Agree<Dyn, U3>, Agree<Dyn, In>, Agree<U3, U3>, Agree<U3, Dyn>);
assert_impl_all!(InnerDims: Agree<In, In>, Agree<In, Dyn>, Agree<U0, U0>, Agree<U0, Dyn>);
assert_not_impl_any!(InnerDims: Agree<C3, C4>, Agree<C3, U3>, Agree<C3, In>, Agree<C3, C2>);
assert_not_impl_any!(InnerDims: Agree<In, Out>, Agree<In, C3>, Agree<In, U3>, Agree<Out, In>);
assert_not_impl_any!(InnerDims: Agree<U3, U4>, Agree<U3, C3>);

// A product is `OutRows × OutCols`: the left operand's rows and the right operand's columns,
// through `Agree::Checked`.
assert_type_eq_all!(<InnerDims as Agree<C3, Dyn>>::Checked<C4>, C4);
assert_type_eq_all!(<InnerDims as Agree<In, In>>::Checked<Out>, Out);
assert_type_eq_all!(<Ref<C3, C4> as RhsFor<'static, C2, Dyn, f32>>::OutRows, C2);
assert_type_eq_all!(<Ref<C3, C4> as RhsFor<'static, C2, Dyn, f32>>::OutCols, C4);
assert_type_eq_all!(
    <View<Dyn, Out> as RhsFor<'static, Batch, In, f32>>::OutRows,
    Batch
);
assert_type_eq_all!(
    <View<Dyn, Out> as RhsFor<'static, Batch, In, f32>>::OutCols,
    Out
);

// Rows for `from_rows`: an array of exactly a static dimension's size, a `Vec` for `Dyn`.
assert_impl_all!(C3: LiteralRows);
assert_impl_all!(U3: LiteralRows);
assert_impl_all!(In: LiteralRows);
assert_impl_all!(Dyn: LiteralRows);
assert_type_eq_all!(<C3 as LiteralRows>::Rows<[f32; 2]>, [[f32; 2]; 3]);
assert_type_eq_all!(<In as LiteralRows>::Rows<f64>, [f64; 3]);
assert_type_eq_all!(<Dyn as LiteralRows>::Rows<[f32; 2]>, Vec<[f32; 2]>);

// Kinds of dimension.

assert_impl_all!(C3: StaticDim, Dim, Copy, Default, Send, Sync);
assert_impl_all!(U128: StaticDim, Dim, Copy, Default);
assert_impl_all!(U0: StaticDim, Dim);
assert_impl_all!(In: StaticDim, Dim, Copy, Default, Debug);
assert_impl_all!(Dyn: Dim, Copy, Send, Sync);
assert_not_impl_any!(Dyn: StaticDim, Default);

// Auto traits and derives.

assert_impl_all!(Matrix<C3, C4>: Send, Sync, Clone, PartialEq, Debug);
assert_impl_all!(Matrix<Dyn, Dyn, f64>: Send, Sync, Clone, PartialEq, Debug);
assert_not_impl_any!(Matrix<C3, C4>: Copy);
assert_impl_all!(View<C3, C4>: Copy, Clone, Send, Sync, Debug);
assert_impl_all!(MatRef<'static, Dyn, Dyn, f64>: Copy, Send, Sync);
assert_impl_all!(Grads<Batch, In, Out>: Clone, Debug, PartialEq, Send, Sync);
assert_impl_all!(MatMul<'static, Batch, In, Out>: Clone, Debug, Send, Sync);
assert_impl_all!(ShapeError: std::error::Error, Clone, PartialEq, Eq, Send, Sync, Debug);
assert_impl_all!(Matrix<C2, C3>: AddAssign<Ref<C2, C3>>, SubAssign<Ref<C2, C3>>);
assert_impl_all!(Write: Copy, Eq, Debug);
assert_impl_all!(Batches<In>: Clone, Debug, PartialEq, Send, Sync);
assert_impl_all!(BatchIter<'static, In>: ExactSizeIterator, Clone, Debug, Send, Sync);
assert_impl_all!(BatchOf<'static, In>: Copy, Debug, PartialEq, Send, Sync);
assert_impl_all!(BatchRows<'static, Dyn>: Copy, Debug, PartialEq, Send, Sync);
assert_type_eq_all!(
    <&'static Batches<In> as IntoIterator>::Item,
    BatchOf<'static, In>
);

// Sizes: static dimensions are zero-sized, so a static matrix is exactly a `Vec`; a view is a
// slice and two strides; each `Dyn` dimension adds one `usize`.

const_assert_eq!(size_of::<C3>(), 0);
const_assert_eq!(size_of::<U128>(), 0);
const_assert_eq!(size_of::<In>(), 0);
const_assert_eq!(size_of::<Dyn>(), size_of::<usize>());
const_assert_eq!(size_of::<Matrix<C3, C4>>(), size_of::<Vec<f32>>());
const_assert_eq!(size_of::<Matrix<Batch, In, f64>>(), size_of::<Vec<f64>>());
const_assert_eq!(size_of::<Matrix<U128, U128>>(), size_of::<Vec<f32>>());
const_assert_eq!(
    size_of::<Matrix<Const<2048>, Const<2048>>>(),
    size_of::<Vec<f32>>()
);
const_assert_eq!(
    size_of::<Matrix<C3, Dyn>>(),
    size_of::<Vec<f32>>() + size_of::<usize>()
);
const_assert_eq!(
    size_of::<Matrix<Dyn, Dyn>>(),
    size_of::<Vec<f32>>() + 2 * size_of::<usize>()
);
const_assert_eq!(
    size_of::<View<C3, C4>>(),
    size_of::<&[f32]>() + 2 * size_of::<usize>()
);
const_assert_eq!(size_of::<Grads<C2, C3, C4>>(), 2 * size_of::<Vec<f32>>());
