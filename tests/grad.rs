//! The backward pass of `Y = X·A` is right: for a loss `l = sum(Y ⊙ G)` with a fixed random `G`
//! (so `dl/dY = G`), `MatMul::backward` returns
//!
//! - gradients that match central finite differences of `l` (in f64), and
//! - `dX = dY·Aᵀ` and `dA = Xᵀ·dY` as computed by a naive f64 reference (in f32, within the
//!   dot-product tolerance of `common::C`, whose inner dimension is `J` for `dX` and `I` for `dA`),
//!
//! for static, `Dyn` and mixed dimensions and for operands that are views; and it rejects a `Dyn`
//! `dY` of the wrong shape with a message naming both shapes.

mod common;

use common::{
    Dense, assert_product, assert_product_at, dot_tolerance, dyn_signed, sample_entries, signed,
};
use shapegrad::{Const, Dim, Dyn, Grads, MatMul, Matrix, Scalar, Write, dim};

/// Finite-difference step: `1e-6` times the scale of the entries, which all lie in `[-1, 1)`.
const H: f64 = 1e-6;

/// Checks `dX` and `dA` from `MatMul::backward(G)` against central differences of
/// `l(X, A) = sum(X·A ⊙ G)` at the listed entries of each.
///
/// Tolerance. `l` is linear in every single entry of `X` and of `A`, so the central difference has
/// no truncation error at all (the `O(h²)` term carries the third derivative, which is zero): what
/// remains is rounding, about `eps · |l| / h`. Made precise:
///
/// - Perturbing `X_pq` changes only row `p` of `Y`, so `l(X⁺) − l(X⁻)` equals
///   `Σ_j (Y⁺_pj − Y⁻_pj) · G_pj` exactly; the test sums that, so the rounding of the two full
///   `I·J`-term sums never enters. (Likewise column `q` of `Y` for `A_pq`.)
/// - Each touched `Y±_pj` is a `K`-term f64 dot product, off by at most `(K·eps/2) · s_pj` with
///   `s_pj = Σ_k |X_pk||A_kj|` (see `common::C`); a difference of two is off by twice that.
/// - Dividing by the step `2h` gives `|fd − dl/dX_pq| ≤ (K·eps/2) / h · Σ_j |G_pj| s_pj`.
/// - The analytic side, `dX_pq = Σ_j G_pj A_qj`, is a `J`-term f64 dot product:
///   off by at most `(J·eps/2) · Σ_j |G_pj A_qj|`.
///
/// The tolerance is `C = 2` times the sum of the two bounds, like every product tolerance here.
#[track_caller]
fn check_against_central_differences<I: Dim, K: Dim, J: Dim>(
    x: &Matrix<I, K, f64>,
    a: &Matrix<K, J, f64>,
    g: &Matrix<I, J, f64>,
    dx_at: &[(usize, usize)],
    da_at: &[(usize, usize)],
) {
    let (ni, nk, nj) = (x.rows(), x.cols(), a.cols());
    let eps = f64::EPSILON;
    let mm = MatMul::forward(x, a);
    let Grads { dx, da } = mm.backward(g);

    let mut xs = x.clone();
    for &(p, q) in dx_at {
        let x_pq = x[(p, q)];
        let (up, down) = (x_pq + H, x_pq - H);
        *xs.get_mut(p, q).expect("sampled entry of X") = up;
        let y_up = MatMul::forward(&xs, a).into_output();
        *xs.get_mut(p, q).expect("sampled entry of X") = down;
        let y_down = MatMul::forward(&xs, a).into_output();
        *xs.get_mut(p, q).expect("sampled entry of X") = x_pq;

        let dl: f64 = (0..nj)
            .map(|j| (y_up[(p, j)] - y_down[(p, j)]) * g[(p, j)])
            .sum();
        let fd = dl / (up - down);

        let s = |j: usize| -> f64 {
            (0..nk)
                .map(|k| {
                    let x_pk = if k == q {
                        x_pq.abs() + H
                    } else {
                        x[(p, k)].abs()
                    };
                    x_pk * a[(k, j)].abs()
                })
                .sum()
        };
        let touched: f64 = (0..nj).map(|j| g[(p, j)].abs() * s(j)).sum();
        let analytic: f64 = (0..nj).map(|j| (g[(p, j)] * a[(q, j)]).abs()).sum();
        let half_step = (up - down) / 2.0;
        let tol = common::C
            * (nk as f64 * eps / 2.0 * touched / half_step + nj as f64 * eps / 2.0 * analytic);
        let err = (dx[(p, q)] - fd).abs();
        assert!(
            err <= tol,
            "{ni}×{nk}·{nk}×{nj}: dX({p}, {q}) = {:e}, central difference {fd:e}, \
             error {err:e} exceeds tolerance {tol:e}",
            dx[(p, q)]
        );
    }

    let mut as_ = a.clone();
    for &(p, q) in da_at {
        let a_pq = a[(p, q)];
        let (up, down) = (a_pq + H, a_pq - H);
        *as_.get_mut(p, q).expect("sampled entry of A") = up;
        let y_up = MatMul::forward(x, &as_).into_output();
        *as_.get_mut(p, q).expect("sampled entry of A") = down;
        let y_down = MatMul::forward(x, &as_).into_output();
        *as_.get_mut(p, q).expect("sampled entry of A") = a_pq;

        let dl: f64 = (0..ni)
            .map(|i| (y_up[(i, q)] - y_down[(i, q)]) * g[(i, q)])
            .sum();
        let fd = dl / (up - down);

        let s = |i: usize| -> f64 {
            (0..nk)
                .map(|k| {
                    let a_kq = if k == p {
                        a_pq.abs() + H
                    } else {
                        a[(k, q)].abs()
                    };
                    x[(i, k)].abs() * a_kq
                })
                .sum()
        };
        let touched: f64 = (0..ni).map(|i| g[(i, q)].abs() * s(i)).sum();
        let analytic: f64 = (0..ni).map(|i| (x[(i, p)] * g[(i, q)]).abs()).sum();
        let half_step = (up - down) / 2.0;
        let tol = common::C
            * (nk as f64 * eps / 2.0 * touched / half_step + ni as f64 * eps / 2.0 * analytic);
        let err = (da[(p, q)] - fd).abs();
        assert!(
            err <= tol,
            "{ni}×{nk}·{nk}×{nj}: dA({p}, {q}) = {:e}, central difference {fd:e}, \
             error {err:e} exceeds tolerance {tol:e}",
            da[(p, q)]
        );
    }
}

fn every_entry(rows: usize, cols: usize) -> Vec<(usize, usize)> {
    (0..rows)
        .flat_map(|i| (0..cols).map(move |j| (i, j)))
        .collect()
}

/// Small shapes, degenerate and odd, for checks at every entry.
const SMALL: [(usize, usize, usize); 8] = [
    (1, 1, 1),
    (2, 3, 4),
    (4, 3, 2),
    (5, 1, 3),
    (1, 6, 1),
    (3, 7, 2),
    (7, 17, 5),
    (9, 4, 33),
];

/// A `Dyn` matrix of `T`.
type DynMat<T> = Matrix<Dyn, Dyn, T>;

/// `X: i×k`, `A: k×j` and `G: i×j`, with `Dyn` dimensions and signed random entries.
fn problem<T: Scalar>((i, k, j): (usize, usize, usize)) -> (DynMat<T>, DynMat<T>, DynMat<T>) {
    let seed = common::seed_for((i, k, j), 0);
    (
        dyn_signed(i, k, seed ^ 1),
        dyn_signed(k, j, seed ^ 2),
        dyn_signed(i, j, seed ^ 3),
    )
}

#[test]
fn dx_matches_central_differences_at_every_entry() {
    for shape in SMALL {
        let (x, a, g) = problem::<f64>(shape);
        check_against_central_differences(&x, &a, &g, &every_entry(shape.0, shape.1), &[]);
    }
}

#[test]
fn da_matches_central_differences_at_every_entry() {
    for shape in SMALL {
        let (x, a, g) = problem::<f64>(shape);
        check_against_central_differences(&x, &a, &g, &[], &every_entry(shape.1, shape.2));
    }
}

dim!(I = 128, K = 256, J = 512);

/// 24 entries spread over a matrix, its four corners first.
fn spread(rows: usize, cols: usize) -> Vec<(usize, usize)> {
    let mut at = vec![(0, 0), (0, cols - 1), (rows - 1, 0), (rows - 1, cols - 1)];
    at.extend((0..20).map(|s| ((s * 7919 + 3) % rows, (s * 104_729 + 11) % cols)));
    at
}

#[test]
fn seed_shape_gradients_match_central_differences_at_sampled_entries() {
    let x = signed::<I, K, f64>(I, K, 42);
    let a = signed::<K, J, f64>(K, J, 43);
    let g = signed::<I, J, f64>(I, J, 44);
    check_against_central_differences(&x, &a, &g, &spread(128, 256), &spread(256, 512));
}

#[test]
fn gradients_with_named_static_dims_match_central_differences() {
    dim!(Batch = 5, In = 7, Out = 3);
    let x = signed::<Batch, In, f64>(Batch, In, 1);
    let w = signed::<In, Out, f64>(In, Out, 2);
    let g = signed::<Batch, Out, f64>(Batch, Out, 3);
    check_against_central_differences(&x, &w, &g, &every_entry(5, 7), &every_entry(7, 3));
}

/// `dX = dY·Aᵀ`: a product with inner dimension `J`, checked like any product.
#[track_caller]
fn assert_dx_formula<T: Scalar>(dx: &Matrix<impl Dim, impl Dim, T>, dy: &Dense, a: &Dense) {
    assert_product(dx, dy, &a.t());
}

/// `dA = Xᵀ·dY`: a product with inner dimension `I`, checked like any product.
#[track_caller]
fn assert_da_formula<T: Scalar>(da: &Matrix<impl Dim, impl Dim, T>, x: &Dense, dy: &Dense) {
    assert_product(da, &x.t(), dy);
}

const FORMULA_SHAPES: [(usize, usize, usize); 8] = [
    (1, 1, 1),
    (1, 17, 3),
    (17, 1, 3),
    (3, 17, 1),
    (7, 33, 65),
    (65, 7, 33),
    (33, 65, 7),
    (127, 3, 17),
];

#[test]
fn dx_is_dy_times_a_transposed() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let dx = MatMul::forward(&x, &a).backward(&g).dx;
        assert_dx_formula(&dx, &Dense::of(&g), &Dense::of(&a));
    }
}

#[test]
fn da_is_x_transposed_times_dy() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let da = MatMul::forward(&x, &a).backward(&g).da;
        assert_da_formula(&da, &Dense::of(&x), &Dense::of(&g));
    }
}

#[test]
fn seed_shape_gradients_match_the_formulas_at_sampled_entries() {
    let x = signed::<I, K, f32>(I, K, 42);
    let a = signed::<K, J, f32>(K, J, 43);
    let g = signed::<I, J, f32>(I, J, 44);
    let Grads { dx, da } = MatMul::forward(&x, &a).backward(&g);
    let (xr, ar, gr) = (Dense::of(&x), Dense::of(&a), Dense::of(&g));
    assert_product_at(&dx, &gr, &ar.t(), sample_entries(128, 256));
    assert_product_at(&da, &xr.t(), &gr, sample_entries(256, 512));
}

#[test]
fn gradients_for_all_ones_dy_are_row_and_column_sums() {
    // l = sum(Y): dX_pq = Σ_j A_qj and dA_pq = Σ_i X_ip, the seed article's special case.
    let (x, a, _) = problem::<f64>((6, 5, 4));
    let ones = Matrix::<Dyn, Dyn, f64>::filled_with(Dyn(6), Dyn(4), 1.0);
    let Grads { dx, da } = MatMul::forward(&x, &a).backward(&ones);
    assert_dx_formula(&dx, &Dense::of(&ones), &Dense::of(&a));
    assert_da_formula(&da, &Dense::of(&x), &Dense::of(&ones));
}

#[test]
fn forward_output_is_the_product() {
    for shape in FORMULA_SHAPES {
        let (x, a, _) = problem::<f32>(shape);
        let mm = MatMul::forward(&x, &a);
        assert_product(mm.output(), &Dense::of(&x), &Dense::of(&a));
    }
}

#[test]
fn into_output_is_the_output() {
    let (x, a, _) = problem::<f32>((7, 33, 65));
    let mm = MatMul::forward(&x, &a);
    let y = mm.output().clone();
    assert_eq!(mm.into_output(), y);
}

#[test]
fn backward_x_is_the_dx_of_backward() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let mm = MatMul::forward(&x, &a);
        assert_eq!(mm.backward_x(&g), mm.backward(&g).dx);
    }
}

#[test]
fn backward_a_is_the_da_of_backward() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let mm = MatMul::forward(&x, &a);
        assert_eq!(mm.backward_a(&g), mm.backward(&g).da);
    }
}

#[test]
fn backward_through_a_transposed_view_of_x() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let xt = x.transpose(); // K×I, so xt.t() holds X
        let Grads { dx, da } = MatMul::forward(xt.t(), &a).backward(&g);
        assert_dx_formula(&dx, &Dense::of(&g), &Dense::of(&a));
        assert_da_formula(&da, &Dense::of(&x), &Dense::of(&g));
    }
}

#[test]
fn backward_through_a_transposed_view_of_a() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let at = a.transpose(); // J×K, so at.t() holds A
        let Grads { dx, da } = MatMul::forward(&x, at.t()).backward(&g);
        assert_dx_formula(&dx, &Dense::of(&g), &Dense::of(&a));
        assert_da_formula(&da, &Dense::of(&x), &Dense::of(&g));
    }
}

#[test]
fn backward_through_transposed_views_of_both_operands() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f64>(shape);
        let (xt, at) = (x.transpose(), a.transpose());
        let Grads { dx, da } = MatMul::forward(xt.t(), at.t()).backward(&g);
        assert_dx_formula(&dx, &Dense::of(&g), &Dense::of(&a));
        assert_da_formula(&da, &Dense::of(&x), &Dense::of(&g));
    }
}

#[test]
fn backward_with_a_dyn_inner_dim_meeting_a_static_one() {
    // X: Const<4> × Dyn(6), A: Const<6> × Const<3>; the gradient of A takes X's column type.
    let x = signed::<Const<4>, Dyn, f32>(Const, Dyn(6), 1);
    let a = signed::<Const<6>, Const<3>, f32>(Const, Const, 2);
    let g = signed::<Const<4>, Const<3>, f32>(Const, Const, 3);
    let Grads { dx, da } = MatMul::forward(&x, &a).backward(&g);
    let (dx, da): (Matrix<Const<4>, Dyn>, Matrix<Dyn, Const<3>>) = (dx, da);
    assert_dx_formula(&dx, &Dense::of(&g), &Dense::of(&a));
    assert_da_formula(&da, &Dense::of(&x), &Dense::of(&g));
}

#[test]
fn backward_with_a_static_inner_dim_meeting_a_dyn_one() {
    let x = signed::<Const<4>, Const<6>, f32>(Const, Const, 1);
    let a = signed::<Dyn, Const<3>, f32>(Dyn(6), Const, 2);
    let g = signed::<Const<4>, Const<3>, f32>(Const, Const, 3);
    let Grads { dx, da } = MatMul::forward(&x, &a).backward(&g);
    let (dx, da): (Matrix<Const<4>, Const<6>>, Matrix<Const<6>, Const<3>>) = (dx, da);
    assert_dx_formula(&dx, &Dense::of(&g), &Dense::of(&a));
    assert_da_formula(&da, &Dense::of(&x), &Dense::of(&g));
}

#[test]
fn backward_with_zero_sized_dyn_dims() {
    // K = 0: Y is all zeros, dX is I×0, dA is 0×J. I = 0: dA = Xᵀ·dY sums nothing, so it is zero.
    let (x, a, g) = problem::<f32>((3, 0, 4));
    let Grads { dx, da } = MatMul::forward(&x, &a).backward(&g);
    assert_eq!(
        ((dx.rows(), dx.cols()), (da.rows(), da.cols())),
        ((3, 0), (0, 4))
    );
    let (x, a, g) = problem::<f32>((0, 5, 4));
    let Grads { dx, da } = MatMul::forward(&x, &a).backward(&g);
    assert_eq!((dx.rows(), dx.cols()), (0, 5));
    assert_eq!((da.rows(), da.cols()), (5, 4));
    assert!(da.as_slice().iter().all(|&v| v == 0.0), "{da:?}");
}

/// `X: 2×5`, `A: 5×3` with `Dyn` dimensions, so `Y` and `dY` are `2×3`.
fn dyn_layer() -> (Matrix<Dyn, Dyn>, Matrix<Dyn, Dyn>) {
    (dyn_signed(2, 5, 1), dyn_signed(5, 3, 2))
}

#[test]
#[should_panic(
    expected = "backward: dY must have the shape of Y: expected a 2×3 matrix, but a 3×2 matrix was given"
)]
fn backward_rejects_a_dyn_dy_of_the_wrong_shape() {
    let (x, a) = dyn_layer();
    let _ = MatMul::forward(&x, &a).backward(&Matrix::zeros_with(Dyn(3), Dyn(2)));
}

#[test]
#[should_panic(
    expected = "backward: dY must have the shape of Y: expected a 2×3 matrix, but a 2×4 matrix was given"
)]
fn backward_x_rejects_a_dyn_dy_of_the_wrong_shape() {
    let (x, a) = dyn_layer();
    let _ = MatMul::forward(&x, &a).backward_x(&Matrix::zeros_with(Dyn(2), Dyn(4)));
}

#[test]
#[should_panic(
    expected = "backward: dY must have the shape of Y: expected a 2×3 matrix, but a 1×3 matrix was given"
)]
fn backward_a_rejects_a_dyn_dy_of_the_wrong_shape() {
    let (x, a) = dyn_layer();
    let _ = MatMul::forward(&x, &a).backward_a(&Matrix::zeros_with(Dyn(1), Dyn(3)));
}

#[test]
#[should_panic(
    expected = "backward: dY must have the shape of Y: expected a 2×3 matrix, but a 3×3 matrix was given"
)]
fn backward_into_rejects_a_dyn_dy_of_the_wrong_shape() {
    let (x, a) = dyn_layer();
    let mut grads = Grads {
        dx: Matrix::zeros_with(Dyn(2), Dyn(5)),
        da: Matrix::zeros_with(Dyn(5), Dyn(3)),
    };
    MatMul::forward(&x, &a).backward_into(
        &Matrix::zeros_with(Dyn(3), Dyn(3)),
        &mut grads,
        Write::Overwrite,
    );
}

#[test]
fn forward_into_output_is_the_product() {
    let (x, a, _) = problem::<f32>((7, 33, 65));
    let stale = Matrix::<Dyn, Dyn>::filled_with(Dyn(7), Dyn(65), f32::NAN);
    let mm = MatMul::forward_into(&x, &a, stale);
    assert_product(mm.output(), &Dense::of(&x), &Dense::of(&a));
}

#[test]
fn backward_into_overwrite_writes_the_gradients_of_backward() {
    for shape in FORMULA_SHAPES {
        let (x, a, g) = problem::<f32>(shape);
        let (i, k, j) = shape;
        let mm = MatMul::forward(&x, &a);
        let mut grads = Grads {
            dx: Matrix::filled_with(Dyn(i), Dyn(k), f32::NAN),
            da: Matrix::filled_with(Dyn(k), Dyn(j), f32::NAN),
        };
        mm.backward_into(&g, &mut grads, Write::Overwrite);
        assert_eq!(grads, mm.backward(&g));
    }
}

#[test]
fn backward_into_accumulate_adds_the_gradients_to_the_buffers() {
    let (i, k, j) = (7, 33, 17);
    let (x, a, g) = problem::<f64>((i, k, j));
    let mm = MatMul::forward(&x, &a);
    let old = Grads {
        dx: dyn_signed::<f64>(i, k, 10),
        da: dyn_signed::<f64>(k, j, 11),
    };
    let mut grads = old.clone();
    mm.backward_into(&g, &mut grads, Write::Accumulate);
    // Each entry is the old value plus a dot product: one more term than the product alone.
    let (xr, ar, gr) = (Dense::of(&x), Dense::of(&a), Dense::of(&g));
    let eps = f64::EPSILON;
    for p in 0..i {
        for q in 0..k {
            let (sum, abs_sum) = common::reference_entry(&gr, &ar.t(), p, q);
            let want = old.dx[(p, q)] + sum;
            let tol = dot_tolerance(j + 1, eps, abs_sum + old.dx[(p, q)].abs());
            let got = grads.dx[(p, q)];
            assert!(
                (got - want).abs() <= tol,
                "dX({p}, {q}) = {got}, want {want}"
            );
        }
    }
    for p in 0..k {
        for q in 0..j {
            let (sum, abs_sum) = common::reference_entry(&xr.t(), &gr, p, q);
            let want = old.da[(p, q)] + sum;
            let tol = dot_tolerance(i + 1, eps, abs_sum + old.da[(p, q)].abs());
            let got = grads.da[(p, q)];
            assert!(
                (got - want).abs() <= tol,
                "dA({p}, {q}) = {got}, want {want}"
            );
        }
    }
}
