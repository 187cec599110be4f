//! Products are numerically right: every product is compared with a naive f64 reference (a triple
//! loop over f64 copies of the inputs), entry by entry, within `c · K · eps · Σ_k |x_ik · a_kj|`
//! (see `common::C` for why). Covers f32 and f64; degenerate, odd, zero and large shapes; views and
//! transposed views on either side; the `*` operator for every operand pairing; static, `Dyn` and
//! mixed dimensions; in-place products; thread policies.
//!
//! The reference loops run unoptimised, so large products are checked at sampled entries only.

mod common;

use common::{
    Dense, assert_product, assert_product_at, dot_tolerance, dyn_signed, eps, sample_entries,
    seed_for, signed,
};
use shapegrad::typenum::{U0, U3, U4, U5};
use shapegrad::{Const, Dim, Dyn, MatRef, Matrix, Scalar, Threads, Write, dim, with_threads};

/// Sizes that are not multiples of any SIMD width (4, 8 or 16 lanes) or of the kernel's tiles.
const ODD: [usize; 6] = [3, 7, 17, 33, 65, 127];

/// `X: i×k` and `A: k×j` with `Dyn` dimensions and signed random entries, different per shape.
fn operands<T: Scalar>(i: usize, k: usize, j: usize) -> (Matrix<Dyn, Dyn, T>, Matrix<Dyn, Dyn, T>) {
    (
        dyn_signed(i, k, seed_for((i, k, j), 0)),
        dyn_signed(k, j, seed_for((i, k, j), 1)),
    )
}

/// `x.matmul(&a)` for `Dyn` operands of the given sizes, checked at every entry.
#[track_caller]
fn check_dyn_product<T: Scalar>(i: usize, k: usize, j: usize) {
    let (x, a) = operands::<T>(i, k, j);
    let y = x.matmul(&a);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

/// [`check_dyn_product`] in both element types.
#[track_caller]
fn check_both_types(i: usize, k: usize, j: usize) {
    check_dyn_product::<f32>(i, k, j);
    check_dyn_product::<f64>(i, k, j);
}

#[test]
fn integer_literals_multiply_exactly() {
    let x = Matrix::from_array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    let a = Matrix::from_array([[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]]);
    let y: Matrix<Const<2>, Const<2>> = x.matmul(&a);
    assert_eq!(y.as_slice(), &[58.0, 64.0, 139.0, 154.0]);
}

#[test]
fn one_by_one_times_one_by_one_is_the_scalar_product() {
    check_both_types(1, 1, 1);
    let x = Matrix::<Const<1>, Const<1>, f64>::from_array([[1.5]]);
    let a = Matrix::<Const<1>, Const<1>, f64>::from_array([[-2.25]]);
    assert_eq!(x.matmul(&a).as_slice(), &[-3.375]);
}

#[test]
fn row_vector_times_matrix() {
    for n in [1, 2, 3, 7, 17, 33, 64, 65, 127, 128, 129] {
        for j in [1, 5, n] {
            check_both_types(1, n, j);
        }
    }
}

#[test]
fn matrix_times_column_vector() {
    for n in [1, 2, 3, 7, 17, 33, 64, 65, 127, 128, 129] {
        for i in [1, 5, n] {
            check_both_types(i, n, 1);
        }
    }
}

#[test]
fn inner_dimension_one_is_an_outer_product() {
    for i in [1, 2, 3, 7, 17, 65, 127] {
        for j in [1, 4, 7, 33, 127] {
            check_both_types(i, 1, j);
        }
    }
}

#[test]
fn sizes_off_the_simd_width_multiply_correctly() {
    for &i in &ODD[..4] {
        for &k in &ODD[..4] {
            for &j in &ODD[..4] {
                check_both_types(i, k, j);
            }
        }
    }
    for (i, k, j) in [
        (65, 127, 3),
        (127, 3, 65),
        (3, 65, 127),
        (127, 127, 7),
        (7, 127, 127),
        (65, 65, 65),
    ] {
        check_both_types(i, k, j);
    }
}

#[test]
fn sizes_just_around_powers_of_two_multiply_correctly() {
    for (i, k, j) in [
        (15, 16, 17),
        (31, 32, 33),
        (63, 64, 65),
        (17, 16, 15),
        (33, 32, 31),
    ] {
        check_both_types(i, k, j);
    }
}

#[track_caller]
fn check_zero_inner<T: Scalar>(i: usize, j: usize) {
    let x = Matrix::<Dyn, Dyn, T>::zeros_with(Dyn(i), Dyn(0));
    let a = Matrix::<Dyn, Dyn, T>::zeros_with(Dyn(0), Dyn(j));
    let y = x.matmul(&a);
    assert_eq!((y.rows(), y.cols()), (i, j));
    assert!(
        y.as_slice().iter().all(|&v| v == T::ZERO),
        "{i}×0 · 0×{j} in {} is not all zeros: {y:?}",
        T::NAME
    );
}

#[test]
fn zero_inner_dimension_gives_a_zero_matrix() {
    for (i, j) in [(1, 1), (3, 5), (17, 4), (128, 65)] {
        check_zero_inner::<f32>(i, j);
        check_zero_inner::<f64>(i, j);
    }
}

#[test]
fn zero_inner_dimension_through_transposed_views_gives_a_zero_matrix() {
    let xt = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(6)); // X = xtᵀ: 6×0
    let at = Matrix::<Dyn, Dyn>::zeros_with(Dyn(4), Dyn(0)); // A = atᵀ: 0×4
    let y = xt.t().matmul(at.t());
    assert_eq!((y.rows(), y.cols()), (6, 4));
    assert!(y.as_slice().iter().all(|&v| v == 0.0), "{y:?}");
}

#[test]
fn static_zero_inner_dimension_gives_a_zero_matrix() {
    let x = Matrix::<U3, U0, f64>::zeros();
    let a = Matrix::<U0, U4, f64>::zeros();
    let y: Matrix<U3, U4, f64> = x.matmul(&a);
    assert_eq!(y.as_slice(), &[0.0; 12]);
}

#[test]
fn zero_rows_give_an_empty_product() {
    let x = dyn_signed::<f32>(0, 7, 1);
    let a = dyn_signed::<f32>(7, 5, 2);
    let y = x.matmul(&a);
    assert_eq!((y.rows(), y.cols()), (0, 5));
    assert!(y.as_slice().is_empty());
}

#[test]
fn zero_columns_give_an_empty_product() {
    let x = dyn_signed::<f64>(5, 7, 1);
    let a = dyn_signed::<f64>(7, 0, 2);
    let y = x.matmul(&a);
    assert_eq!((y.rows(), y.cols()), (5, 0));
    assert!(y.as_slice().is_empty());
}

#[test]
fn all_dimensions_zero_give_an_empty_product() {
    let x = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(0));
    let y = x.matmul(&x);
    assert_eq!((y.rows(), y.cols()), (0, 0));
    assert!(y.as_slice().is_empty());
}

dim!(I = 128, K = 256, J = 512);

#[track_caller]
fn check_seed_shape<T: Scalar>() {
    let x = signed::<I, K, T>(I, K, 42);
    let a = signed::<K, J, T>(K, J, 43);
    let y: Matrix<I, J, T> = x.matmul(&a);
    assert_product_at(
        &y,
        &Dense::of(&x),
        &Dense::of(&a),
        sample_entries(y.rows(), y.cols()),
    );
}

#[test]
fn seed_shape_128_256_512_matches_reference_at_sampled_entries() {
    check_seed_shape::<f32>();
    check_seed_shape::<f64>();
}

#[track_caller]
fn check_sampled<T: Scalar>(i: usize, k: usize, j: usize) {
    let (x, a) = operands::<T>(i, k, j);
    let y = x.matmul(&a);
    assert_product_at(&y, &Dense::of(&x), &Dense::of(&a), sample_entries(i, j));
}

#[test]
fn odd_large_shape_255_257_129_matches_reference_at_sampled_entries() {
    check_sampled::<f32>(255, 257, 129);
    check_sampled::<f64>(255, 257, 129);
}

#[test]
fn long_inner_dimension_matches_reference_at_sampled_entries() {
    check_sampled::<f32>(9, 4099, 11);
    check_sampled::<f64>(9, 4099, 11);
}

/// The largest matrix the tests build: 2048×2048 f32 (16 MiB) is heap data, so construction and a
/// product with its own transposed view run on a thread with a 2 MiB stack, the default size of a
/// test thread, whatever `RUST_MIN_STACK` says.
#[test]
fn f32_2048_square_times_its_transposed_view_fits_a_2_mib_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            type N = Const<2048>;
            let m = signed::<N, N, f32>(Const, Const, 2048);
            let y: Matrix<N, N> = m.matmul(m.t());
            let row = |i: usize| &m.as_slice()[i * 2048..(i + 1) * 2048];
            for (i, j) in [
                (0, 0),
                (0, 2047),
                (2047, 0),
                (2047, 2047),
                (1, 2),
                (1000, 1000),
                (1234, 567),
                (777, 2046),
                (2046, 1023),
            ] {
                let (want, abs_sum) = row(i)
                    .iter()
                    .zip(row(j))
                    .map(|(&p, &q)| f64::from(p) * f64::from(q))
                    .fold((0.0, 0.0), |(s, m), t| (s + t, m + f64::abs(t)));
                let got = f64::from(y[(i, j)]);
                let tol = dot_tolerance(2048, eps::<f32>(), abs_sum);
                assert!(
                    (got - want).abs() <= tol,
                    "2048² · 2048²ᵀ: entry ({i}, {j}) is {got:e}, reference {want:e}, tolerance {tol:e}"
                );
            }
        })
        .expect("spawn a thread with a 2 MiB stack");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

/// Shapes for the view tests: degenerate, odd and around the kernel's tile sizes.
const VIEW_SHAPES: [(usize, usize, usize); 8] = [
    (1, 1, 1),
    (1, 7, 3),
    (7, 1, 3),
    (3, 7, 1),
    (17, 33, 7),
    (33, 17, 65),
    (65, 127, 3),
    (16, 16, 16),
];

/// Runs `product(x, xt, a, at)` for every view shape in both element types, where `xt` and `at`
/// are owned transposed copies, so `xt.t()` and `at.t()` hold the same numbers as `x` and `a`;
/// the result must be `x · a`.
fn for_view_shapes(
    product32: impl Fn(
        &Matrix<Dyn, Dyn, f32>,
        &Matrix<Dyn, Dyn, f32>,
        &Matrix<Dyn, Dyn, f32>,
        &Matrix<Dyn, Dyn, f32>,
    ) -> Matrix<Dyn, Dyn, f32>,
    product64: impl Fn(
        &Matrix<Dyn, Dyn, f64>,
        &Matrix<Dyn, Dyn, f64>,
        &Matrix<Dyn, Dyn, f64>,
        &Matrix<Dyn, Dyn, f64>,
    ) -> Matrix<Dyn, Dyn, f64>,
) {
    for (i, k, j) in VIEW_SHAPES {
        let (x, a) = operands::<f32>(i, k, j);
        let y = product32(&x, &x.transpose(), &a, &a.transpose());
        assert_product(&y, &Dense::of(&x), &Dense::of(&a));
        let (x, a) = operands::<f64>(i, k, j);
        let y = product64(&x, &x.transpose(), &a, &a.transpose());
        assert_product(&y, &Dense::of(&x), &Dense::of(&a));
    }
}

#[test]
fn transpose_copies_entry_i_j_to_j_i() {
    let m = dyn_signed::<f32>(3, 5, 9);
    let t = m.transpose();
    assert_eq!((t.rows(), t.cols()), (5, 3));
    for i in 0..3 {
        for j in 0..5 {
            assert_eq!(t[(j, i)], m[(i, j)]);
        }
    }
}

#[test]
fn plain_view_on_the_left_multiplies_like_the_matrix() {
    for_view_shapes(
        |x, _, a, _| x.view().matmul(a),
        |x, _, a, _| x.view().matmul(a),
    );
}

#[test]
fn plain_view_on_the_right_multiplies_like_the_matrix() {
    for_view_shapes(
        |x, _, a, _| x.matmul(a.view()),
        |x, _, a, _| x.matmul(a.view()),
    );
}

#[test]
fn transposed_view_on_the_right() {
    for_view_shapes(
        |x, _, _, at| x.matmul(at.t()),
        |x, _, _, at| x.matmul(at.t()),
    );
}

#[test]
fn transposed_view_on_the_left() {
    for_view_shapes(
        |_, xt, a, _| xt.t().matmul(a),
        |_, xt, a, _| xt.t().matmul(a),
    );
}

#[test]
fn transposed_views_on_both_sides() {
    for_view_shapes(
        |_, xt, _, at| xt.t().matmul(at.t()),
        |_, xt, _, at| xt.t().matmul(at.t()),
    );
}

#[test]
fn transposed_views_on_both_sides_at_the_seed_shape() {
    let xt = signed::<K, I, f32>(K, I, 5); // X = xtᵀ: 128×256
    let at = signed::<J, K, f32>(J, K, 6); // A = atᵀ: 256×512
    let y: Matrix<I, J> = xt.t().matmul(at.t());
    assert_product_at(
        &y,
        &Dense::of(xt.t()),
        &Dense::of(at.t()),
        sample_entries(y.rows(), y.cols()),
    );
}

#[test]
fn a_transposed_view_transposed_again_is_the_original() {
    for_view_shapes(
        |x, _, a, _| x.t().t().matmul(a.t().t()),
        |x, _, a, _| x.t().t().matmul(a.t().t()),
    );
}

#[test]
fn product_of_a_matrix_with_its_own_transpose_is_the_gram_matrix() {
    let x = dyn_signed::<f64>(17, 33, 4);
    assert_product(&x.matmul(x.t()), &Dense::of(&x), &Dense::of(x.t()));
    assert_product(&x.t().matmul(&x), &Dense::of(x.t()), &Dense::of(&x));
}

#[test]
fn views_over_slices_multiply_like_matrices() {
    let xs: Vec<f32> = (0..21).map(|v| v as f32 * 0.25 - 2.0).collect();
    let as_: Vec<f32> = (0..35).map(|v| 1.5 - v as f32 * 0.125).collect();
    let x = MatRef::try_from_slice(Dyn(3), Const::<7>, &xs).expect("3×7 from 21 elements");
    let a = MatRef::try_from_slice(Const::<7>, Dyn(5), &as_).expect("7×5 from 35 elements");
    let y: Matrix<Dyn, Dyn> = x.matmul(a);
    assert_product(&y, &Dense::of(x), &Dense::of(a));
    let y: Matrix<Dyn, Dyn> = a.t().matmul(x.t());
    assert_product(&y, &Dense::of(a.t()), &Dense::of(x.t()));
}

#[test]
fn mul_operator_matrix_times_matrix() {
    for_view_shapes(|x, _, a, _| x * a, |x, _, a, _| x * a);
}

#[test]
fn mul_operator_matrix_times_view() {
    for_view_shapes(|x, _, _, at| x * at.t(), |x, _, _, at| x * at.t());
    for_view_shapes(|x, _, a, _| x * a.view(), |x, _, a, _| x * a.view());
}

#[test]
fn mul_operator_view_times_matrix() {
    for_view_shapes(|_, xt, a, _| xt.t() * a, |_, xt, a, _| xt.t() * a);
    for_view_shapes(|x, _, a, _| x.view() * a, |x, _, a, _| x.view() * a);
}

#[test]
fn mul_operator_view_times_view() {
    for_view_shapes(
        |_, xt, _, at| xt.t() * at.t(),
        |_, xt, _, at| xt.t() * at.t(),
    );
    for_view_shapes(
        |x, _, a, _| x.view() * a.view(),
        |x, _, a, _| x.view() * a.view(),
    );
}

#[test]
fn mul_operator_on_static_dimensions() {
    let x = signed::<Const<5>, Const<9>, f32>(Const, Const, 1);
    let a = signed::<Const<9>, Const<4>, f32>(Const, Const, 2);
    let y: Matrix<Const<5>, Const<4>> = &x * &a;
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn static_lhs_times_dyn_rhs() {
    let x = signed::<Const<3>, Const<7>, f32>(Const, Const, 1);
    let a = dyn_signed::<f32>(7, 5, 2);
    let y: Matrix<Const<3>, Dyn> = x.matmul(&a);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn dyn_lhs_times_static_rhs() {
    let x = dyn_signed::<f64>(6, 7, 1);
    let a = signed::<Const<7>, Const<5>, f64>(Const, Const, 2);
    let y: Matrix<Dyn, Const<5>, f64> = x.matmul(&a);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn static_outer_dims_with_a_dyn_inner_dim() {
    let x = signed::<Const<3>, Dyn, f32>(Const, Dyn(17), 1);
    let a = signed::<Dyn, Const<5>, f32>(Dyn(17), Const, 2);
    let y: Matrix<Const<3>, Const<5>> = x.matmul(&a);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn typenum_dimensions_multiply_like_const_ones() {
    let x = signed::<U3, U5, f64>(U3::default(), U5::default(), 1);
    let a = signed::<U5, U4, f64>(U5::default(), U4::default(), 2);
    let y: Matrix<U3, U4, f64> = x.matmul(&a);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

dim!(Batch = 7, In = 33, Out = 17);

#[test]
fn named_dimensions_multiply_like_const_ones() {
    let x = signed::<Batch, In, f32>(Batch, In, 1);
    let w = signed::<In, Out, f32>(In, Out, 2);
    let y: Matrix<Batch, Out> = x.matmul(&w);
    assert_product(&y, &Dense::of(&x), &Dense::of(&w));
}

#[test]
fn into_dyn_keeps_the_product() {
    let x = signed::<Batch, In, f64>(Batch, In, 1);
    let w = signed::<In, Out, f64>(In, Out, 2);
    let (xd, wd) = (x.clone().into_dyn(), w.clone().into_dyn());
    let y = xd.matmul(&wd);
    assert_eq!((y.rows(), y.cols()), (Batch.size(), Out.size()));
    assert_product(&y, &Dense::of(&x), &Dense::of(&w));
}

#[test]
fn try_matmul_returns_the_product_when_dyn_sizes_agree() {
    let (x, a) = operands::<f32>(5, 9, 4);
    let y = x.try_matmul(&a).expect("9 columns meet 9 rows");
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
    let y = x.view().try_matmul(&a).expect("9 columns meet 9 rows");
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn matmul_into_overwrite_ignores_what_the_destination_held() {
    let (x, a) = operands::<f32>(17, 33, 7);
    let mut y = Matrix::<Dyn, Dyn>::filled_with(Dyn(17), Dyn(7), f32::NAN);
    x.matmul_into(&a, &mut y, Write::Overwrite);
    assert_product(&y, &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn matmul_into_accumulate_adds_the_product_to_the_destination() {
    let (x, a) = operands::<f64>(17, 33, 7);
    let before = dyn_signed::<f64>(17, 7, 99);
    let mut y = before.clone();
    x.matmul_into(a.view(), &mut y, Write::Accumulate);
    // y_ij = before_ij + Σ_k x_ik a_kj: a dot product with one more term.
    let (xr, ar) = (Dense::of(&x), Dense::of(&a));
    for i in 0..17 {
        for j in 0..7 {
            let (sum, abs_sum) = common::reference_entry(&xr, &ar, i, j);
            let want = before[(i, j)] + sum;
            let tol = dot_tolerance(33 + 1, eps::<f64>(), abs_sum + before[(i, j)].abs());
            assert!(
                (y[(i, j)] - want).abs() <= tol,
                "entry ({i}, {j}) is {}, want {want}, tolerance {tol:e}",
                y[(i, j)]
            );
        }
    }
}

#[test]
fn matmul_into_with_zero_inner_dimension_overwrites_with_zeros() {
    let x = Matrix::<Dyn, Dyn>::zeros_with(Dyn(3), Dyn(0));
    let a = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(4));
    let mut y = Matrix::<Dyn, Dyn>::filled_with(Dyn(3), Dyn(4), 5.0);
    x.matmul_into(&a, &mut y, Write::Overwrite);
    assert_eq!(y.as_slice(), &[0.0; 12]);
}

#[test]
fn matmul_into_with_zero_inner_dimension_accumulates_nothing() {
    let x = Matrix::<Dyn, Dyn>::zeros_with(Dyn(3), Dyn(0));
    let a = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(4));
    let mut y = Matrix::<Dyn, Dyn>::filled_with(Dyn(3), Dyn(4), 5.0);
    x.matmul_into(&a, &mut y, Write::Accumulate);
    assert_eq!(y.as_slice(), &[5.0; 12]);
}

#[test]
fn sequential_policy_computes_the_product() {
    let (x, a) = operands::<f32>(200, 210, 190);
    let y = with_threads(Threads::Sequential, || x.matmul(&a));
    assert_product_at(&y, &Dense::of(&x), &Dense::of(&a), sample_entries(200, 190));
}

#[test]
fn two_thread_policy_computes_the_product() {
    let two = Threads::Fixed(2.try_into().expect("2 is not zero"));
    for (i, k, j) in [(200, 210, 190), (5, 300, 3), (1, 64, 257)] {
        let (x, a) = operands::<f64>(i, k, j);
        let y = with_threads(two, || x.matmul(&a));
        assert_product_at(&y, &Dense::of(&x), &Dense::of(&a), sample_entries(i, j));
        let (xt, at) = (x.transpose(), a.transpose());
        let y = with_threads(two, || xt.t().matmul(at.t()));
        assert_product_at(&y, &Dense::of(&x), &Dense::of(&a), sample_entries(i, j));
    }
}

/// A weight gradient `Xᵀ·dY` with a batch of 32 and a 512×1024 destination, which two threads
/// split into blocks of rows (each with its rows aligned to cache lines).
#[test]
fn two_thread_policy_computes_a_thin_weight_gradient() {
    check_thin_weight_gradient_on_two_threads::<f32>();
    check_thin_weight_gradient_on_two_threads::<f64>();
}

#[track_caller]
fn check_thin_weight_gradient_on_two_threads<T: Scalar>() {
    let two = Threads::Fixed(2.try_into().expect("2 is not zero"));
    let (i, k, j) = (512, 32, 1024);
    let (x, a) = operands::<T>(i, k, j);
    let xt = x.transpose();
    let y = with_threads(two, || xt.t().matmul(&a));
    assert_product_at(&y, &Dense::of(&x), &Dense::of(&a), sample_entries(i, j));
}

/// Views of any strides, built with `try_from_strided`, multiply like the matrices they show:
/// every other row and column of a larger buffer (neither stride 1), a column-major buffer, and
/// a row repeated by a zero stride, as either operand, against the f64 reference.
#[test]
fn strided_views_multiply_like_the_matrices_they_show() {
    fn check<T: Scalar>() {
        let big: Matrix<Dyn, Dyn, T> = dyn_signed(40, 70, 11);
        let buf = big.as_slice();
        // 20×35: rows 0, 2, 4, … and columns 0, 2, 4, … of the 40×70 matrix.
        let sparse = MatRef::try_from_strided(Dyn(20), Dyn(35), 140, 2, buf).unwrap();
        // 35×20 column-major: element (i, j) at i + 35·j.
        let col_major = MatRef::try_from_strided(Dyn(35), Dyn(20), 1, 35, buf).unwrap();
        // 35×20 whose every row is the buffer's first 20 elements.
        let repeated = MatRef::try_from_strided(Dyn(35), Dyn(20), 0, 1, buf).unwrap();
        for rhs in [col_major, repeated] {
            let y = sparse.matmul(rhs);
            assert_product(&y, &Dense::of(sparse), &Dense::of(rhs));
            let y = rhs.t().matmul(sparse.t());
            assert_product(&y, &Dense::of(rhs.t()), &Dense::of(sparse.t()));
        }
    }
    for threads in [Threads::Sequential, Threads::Fixed(2.try_into().unwrap())] {
        with_threads(threads, || {
            check::<f32>();
            check::<f64>();
        });
    }
}
