//! A bias row `b` added to every row of `Y = X·A + b`:
//!
//! - `add_row_to_each` adds it, exactly, and rejects a `Dyn` row of another width;
//! - `col_sums` of `dl/dY` is `db`, the bias gradient, as central differences of
//!   `l = sum(Y ⊙ G)` confirm (in f64);
//! - `col_sums` and `row_sums` match an f64 reference within the summation tolerance of
//!   `common::C` (in f32), and are zeros, of the right shape, for empty matrices.

mod common;

use common::{dot_tolerance, dyn_signed, eps, signed};
use shapegrad::{Const, Dim, Dyn, Matrix, Scalar, ShapeError, dim};

/// Finite-difference step: `1e-6` times the scale of the entries, which all lie in `[-1, 1)`.
const H: f64 = 1e-6;

/// `Y = X·A + b`, computed the way a user would: the product, then the broadcast.
fn affine<R: Dim, K: Dim, C: Dim>(
    x: &Matrix<R, K, f64>,
    a: &Matrix<K, C, f64>,
    b: &Matrix<Const<1>, C, f64>,
) -> Matrix<R, C, f64> {
    let mut y = x.matmul(a);
    y.add_row_to_each(b);
    y
}

/// Checks `db = col_sums(G)` against central differences of `l(b) = sum((X·A + b) ⊙ G)` at every
/// entry of `b`.
///
/// Tolerance. `l` is linear in `b`, so the central difference has no truncation error; what
/// remains is rounding. Perturbing `b_q` changes only column `q` of `Y`, and the test sums that
/// column alone, `Σ_i (Y⁺_iq − Y⁻_iq) · G_iq`. The product `P = X·A` is the same in both
/// evaluations, so each `Y±_iq = P_iq + b±_q` is one rounded addition, off by at most
/// `eps/2 · |Y±_iq|`; a difference of two is off by `eps · (|P_iq| + |b_q| + h)`. Dividing by the
/// step gives `eps · Σ_i |G_iq| (|P_iq| + |b_q| + h) / (2h)`. The `I`-term sums on both sides (the
/// difference quotient's and `col_sums`') add the dot-product bound `I · eps · Σ_i |G_iq|` each.
#[track_caller]
fn check_bias_gradient<R: Dim, K: Dim, C: Dim>(
    x: &Matrix<R, K, f64>,
    a: &Matrix<K, C, f64>,
    b: &Matrix<Const<1>, C, f64>,
    g: &Matrix<R, C, f64>,
) {
    let (ni, nj) = (x.rows(), a.cols());
    let db = g.col_sums();
    let p = x.matmul(a);
    let mut bs = b.clone();
    for q in 0..nj {
        let b_q = b[(0, q)];
        let (up, down) = (b_q + H, b_q - H);
        *bs.get_mut(0, q).expect("entry of b") = up;
        let y_up = affine(x, a, &bs);
        *bs.get_mut(0, q).expect("entry of b") = down;
        let y_down = affine(x, a, &bs);
        *bs.get_mut(0, q).expect("entry of b") = b_q;

        let dl: f64 = (0..ni)
            .map(|i| (y_up[(i, q)] - y_down[(i, q)]) * g[(i, q)])
            .sum();
        let fd = dl / (up - down);

        let g_abs: f64 = (0..ni).map(|i| g[(i, q)].abs()).sum();
        let touched: f64 = (0..ni)
            .map(|i| g[(i, q)].abs() * (p[(i, q)].abs() + b_q.abs() + H))
            .sum();
        let tol = common::C * f64::EPSILON * touched / (up - down)
            + 2.0 * dot_tolerance(ni, f64::EPSILON, g_abs);
        let err = (db[(0, q)] - fd).abs();
        assert!(
            err <= tol,
            "{ni}×{nj}: db({q}) = {:e}, central difference {fd:e}, error {err:e} exceeds \
             tolerance {tol:e}",
            db[(0, q)]
        );
    }
}

#[test]
fn bias_gradient_is_the_column_sum_of_dy_by_central_differences() {
    for (i, k, j) in [(1, 1, 1), (3, 4, 5), (8, 2, 7), (17, 9, 33)] {
        let seed = common::seed_for((i, k, j), 0);
        let x = dyn_signed::<f64>(i, k, seed ^ 1);
        let a = dyn_signed::<f64>(k, j, seed ^ 2);
        let b = signed::<Const<1>, Dyn, f64>(Const, Dyn(j), seed ^ 3);
        let g = dyn_signed::<f64>(i, j, seed ^ 4);
        check_bias_gradient(&x, &a, &b, &g);
    }
}

#[test]
fn bias_gradient_with_named_static_dims_by_central_differences() {
    dim!(Batch = 6, In = 5, Out = 4);
    let x = signed::<Batch, In, f64>(Batch, In, 1);
    let w = signed::<In, Out, f64>(In, Out, 2);
    let b = signed::<Const<1>, Out, f64>(Const, Out, 3);
    let g = signed::<Batch, Out, f64>(Batch, Out, 4);
    check_bias_gradient(&x, &w, &b, &g);
}

/// `col_sums` and `row_sums` of `m` against f64 sums, each within the `n`-term tolerance.
#[track_caller]
fn check_sums<T: Scalar>(m: &Matrix<Dyn, Dyn, T>) {
    let (r, c) = (m.rows(), m.cols());
    let at = |i: usize, j: usize| m[(i, j)].to_f64();
    let cols = m.col_sums();
    assert_eq!((cols.rows(), cols.cols()), (1, c));
    for j in 0..c {
        let exact: f64 = (0..r).map(|i| at(i, j)).sum();
        let abs: f64 = (0..r).map(|i| at(i, j).abs()).sum();
        let err = (cols[(0, j)].to_f64() - exact).abs();
        let tol = dot_tolerance(r, eps::<T>(), abs);
        assert!(
            err <= tol,
            "{r}×{c}: column {j} sum off by {err:e} > {tol:e}"
        );
    }
    let rows = m.row_sums();
    assert_eq!((rows.rows(), rows.cols()), (r, 1));
    for i in 0..r {
        let exact: f64 = (0..c).map(|j| at(i, j)).sum();
        let abs: f64 = (0..c).map(|j| at(i, j).abs()).sum();
        let err = (rows[(i, 0)].to_f64() - exact).abs();
        let tol = dot_tolerance(c, eps::<T>(), abs);
        assert!(err <= tol, "{r}×{c}: row {i} sum off by {err:e} > {tol:e}");
    }
}

#[test]
fn col_sums_and_row_sums_match_an_f64_reference() {
    for (r, c) in [(1, 1), (1, 9), (9, 1), (7, 13), (128, 512), (1000, 3)] {
        let seed = common::seed_for((r, c, 0), 5);
        check_sums(&dyn_signed::<f32>(r, c, seed));
        check_sums(&dyn_signed::<f64>(r, c, seed));
    }
}

#[test]
fn sums_of_empty_matrices_are_zeros_of_the_right_shape() {
    let no_rows = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(0), Const);
    assert_eq!(no_rows.col_sums().as_slice(), &[0.0, 0.0, 0.0]);
    assert_eq!(no_rows.row_sums().rows(), 0);
    let no_cols = Matrix::<Const<2>, Dyn>::zeros_with(Const, Dyn(0));
    assert_eq!(no_cols.row_sums().as_slice(), &[0.0, 0.0]);
    assert_eq!(no_cols.col_sums().cols(), 0);
}

#[test]
fn add_row_to_each_adds_the_row_to_every_row_exactly() {
    let mut m = signed::<Const<5>, Const<3>, f32>(Const, Const, 7);
    let before = m.clone();
    let b = signed::<Const<1>, Const<3>, f32>(Const, Const, 8);
    m.add_row_to_each(&b);
    for i in 0..5 {
        for j in 0..3 {
            assert_eq!(m[(i, j)], before[(i, j)] + b[(0, j)], "entry ({i}, {j})");
        }
    }
}

#[test]
fn add_row_to_each_on_a_matrix_without_rows_does_nothing() {
    let mut m = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(0), Const);
    m.add_row_to_each(&Matrix::ones());
    assert_eq!(m.rows(), 0);
}

#[test]
fn try_add_row_to_each_rejects_a_dyn_row_of_another_width_and_leaves_the_matrix_untouched() {
    let mut m = Matrix::<Dyn, Dyn>::filled_with(Dyn(2), Dyn(3), 1.0);
    let b = Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(4), 1.0);
    let err = m.try_add_row_to_each(&b).unwrap_err();
    assert!(matches!(
        err,
        ShapeError::Mismatch {
            expected: (1, 3),
            given: (1, 4),
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "add_row_to_each: the row must have the matrix's columns: expected a 1×3 matrix, \
         but a 1×4 matrix was given"
    );
    assert_eq!(m.as_slice(), &[1.0; 6]);
}

#[test]
#[should_panic(expected = "expected a 1×3 matrix, but a 1×4 matrix was given")]
fn add_row_to_each_panics_on_a_dyn_row_of_another_width() {
    let mut m = Matrix::<Dyn, Dyn>::filled_with(Dyn(2), Dyn(3), 1.0);
    m.add_row_to_each(&Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(4), 1.0));
}
