#![cfg(feature = "nalgebra")]
//! The `nalgebra` feature: owned round trips (`SMatrix` and `DMatrix` to `Matrix` and back are
//! the identity), zero-copy views both ways (element-wise equal, same buffer), and products of
//! nalgebra-viewed operands against nalgebra's own.

mod common;

use nalgebra::{DMatrix, OMatrix, SMatrix};
use shapegrad::typenum::{U2, U3};
use shapegrad::{Const, Dim, Dyn, MatRef, Matrix, Scalar, ShapeError, dim};

use common::{Dense, assert_product, dot_tolerance, eps};

/// A value for entry `(i, j)` that differs for every entry and is not a small integer, so a
/// transposed or shifted read cannot pass for the right one.
fn value<T: Scalar>(i: usize, j: usize) -> T {
    T::from_f64((i * 1000 + j) as f64 + 0.25 - 1.0 / 3.0)
}

/// Every element of a shapegrad view equals the same element of a nalgebra matrix or view.
#[track_caller]
fn assert_same<T, R, C, NR, NC, S>(v: MatRef<'_, R, C, T>, n: &nalgebra::Matrix<T, NR, NC, S>)
where
    T: Scalar,
    R: Dim,
    C: Dim,
    NR: nalgebra::Dim,
    NC: nalgebra::Dim,
    S: nalgebra::RawStorage<T, NR, NC>,
{
    assert_eq!((v.rows(), v.cols()), n.shape(), "shapes differ");
    for i in 0..v.rows() {
        for j in 0..v.cols() {
            assert_eq!(v.get(i, j), Some(n[(i, j)]), "entry ({i}, {j}) differs");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Owned round trips.

fn smatrix_round_trip<T: Scalar, const R: usize, const C: usize>() {
    let s = SMatrix::<T, R, C>::from_fn(|i, j| value(i, j));
    let m: Matrix<Const<R>, Const<C>, T> = Matrix::from(s);
    assert_same(m.view(), &s);
    // Row-major on this side.
    let row_major: Vec<T> = (0..R)
        .flat_map(|i| (0..C).map(move |j| value(i, j)))
        .collect();
    assert_eq!(m.as_slice(), row_major.as_slice());
    let back: SMatrix<T, R, C> = m.clone().into();
    assert_eq!(back, s, "SMatrix -> Matrix -> SMatrix is not the identity");
    // And the borrowed conversion agrees with the owned one.
    assert_eq!(Matrix::from(&s), m);
}

fn smatrix_round_trips<T: Scalar>() {
    smatrix_round_trip::<T, 1, 1>();
    smatrix_round_trip::<T, 1, 7>();
    smatrix_round_trip::<T, 7, 1>();
    smatrix_round_trip::<T, 2, 3>();
    smatrix_round_trip::<T, 3, 2>();
    smatrix_round_trip::<T, 4, 4>();
    smatrix_round_trip::<T, 9, 5>();
    smatrix_round_trip::<T, 0, 3>();
    smatrix_round_trip::<T, 3, 0>();
    smatrix_round_trip::<T, 16, 33>();
}

#[test]
fn smatrix_to_matrix_and_back_is_the_identity_f32() {
    smatrix_round_trips::<f32>();
}

#[test]
fn smatrix_to_matrix_and_back_is_the_identity_f64() {
    smatrix_round_trips::<f64>();
}

#[test]
fn matrix_to_smatrix_and_back_is_the_identity() {
    let m = Matrix::<Const<3>, Const<5>, f64>::from_fn(value);
    let s = SMatrix::<f64, 3, 5>::from(m.clone());
    assert_same(m.view(), &s);
    assert_eq!(Matrix::from(s), m);
}

fn dmatrix_round_trip<T: Scalar>(rows: usize, cols: usize) {
    let d = DMatrix::<T>::from_fn(rows, cols, value);
    let m: Matrix<Dyn, Dyn, T> = Matrix::from(d.clone());
    assert_eq!((m.rows(), m.cols()), (rows, cols));
    assert_same(m.view(), &d);
    let back = DMatrix::<T>::from(m.clone());
    assert_eq!(
        back, d,
        "DMatrix -> Matrix -> DMatrix is not the identity ({rows}×{cols})"
    );
    assert_eq!(Matrix::from(&d), m);
    // Matrix -> DMatrix -> Matrix as well.
    assert_eq!(Matrix::from(DMatrix::from(m.clone())), m);
}

#[test]
fn dmatrix_to_matrix_and_back_is_the_identity() {
    for (rows, cols) in [
        (0, 0),
        (0, 5),
        (5, 0),
        (1, 1),
        (1, 9),
        (9, 1),
        (2, 3),
        (3, 2),
        (17, 31),
    ] {
        dmatrix_round_trip::<f32>(rows, cols);
        dmatrix_round_trip::<f64>(rows, cols);
    }
}

#[test]
fn any_dims_to_dmatrix() {
    dim!(Batch = 2, Features = 3);
    let named = Matrix::<Batch, Features, f64>::from_fn(value);
    let typenum = Matrix::<U2, U3, f64>::from_fn(value);
    let mixed = Matrix::<Dyn, Const<3>, f64>::from_fn_with(Dyn(2), Const, value);
    let want = DMatrix::<f64>::from_fn(2, 3, value);
    assert_eq!(DMatrix::from(named), want);
    assert_eq!(DMatrix::from(typenum), want);
    assert_eq!(DMatrix::from(mixed), want);
}

#[test]
fn mixed_nalgebra_dims_keep_their_kind() {
    // nalgebra's own mixed-dimension matrix: 3 static rows, dynamic columns.
    let o = OMatrix::<f32, nalgebra::U3, nalgebra::Dyn>::from_fn(4, value);
    let m = Matrix::from(&o);
    let _: &Matrix<Const<3>, Dyn, f32> = &m;
    assert_same(m.view(), &o);
    let v = MatRef::from_nalgebra(&o);
    let _: MatRef<'_, Const<3>, Dyn, f32> = v;
    assert_same(v, &o);
}

// ---------------------------------------------------------------------------------------------
// nalgebra -> MatRef, without copying.

#[test]
fn nalgebra_matrix_as_a_matref() {
    let d = DMatrix::<f64>::from_fn(4, 6, value);
    let v = MatRef::from_nalgebra(&d);
    let _: MatRef<'_, Dyn, Dyn, f64> = v;
    assert_same(v, &d);
    assert_eq!(
        (v.row_stride(), v.col_stride()),
        (1, 4),
        "column-major strides"
    );
    // Its transpose is nalgebra's transpose.
    assert_same(v.t(), &d.transpose());
    // Same buffer: viewed back into nalgebra, it starts where `d` does.
    assert_eq!(v.as_nalgebra().as_ptr(), d.as_ptr());
    assert_eq!(v.t().as_nalgebra_dyn().as_ptr(), d.as_ptr());

    let s = SMatrix::<f32, 3, 5>::from_fn(value);
    let v = MatRef::from_nalgebra(&s);
    let _: MatRef<'_, Const<3>, Const<5>, f32> = v;
    assert_same(v, &s);
    assert_same(v.t(), &s.transpose());
    let _: MatRef<'_, Const<5>, Const<3>, f32> = v.t();
    assert_eq!(v.as_nalgebra().as_ptr(), s.as_ptr());
}

#[test]
fn empty_and_thin_nalgebra_matrices_as_matrefs() {
    for (rows, cols) in [(0, 4), (4, 0), (0, 0), (1, 5), (5, 1)] {
        let d = DMatrix::<f32>::from_fn(rows, cols, value);
        let v = MatRef::from_nalgebra(&d);
        assert_same(v, &d);
        assert_same(v.t(), &d.transpose());
        assert_eq!(v.to_matrix(), Matrix::from(&d));
    }
}

#[test]
fn contiguous_nalgebra_views_as_matrefs() {
    let s = SMatrix::<f64, 3, 4>::from_fn(value);
    // Two whole columns of a statically sized matrix are contiguous.
    let cols = s.fixed_columns::<2>(1);
    let v = MatRef::from_nalgebra(&cols);
    let _: MatRef<'_, Const<3>, Const<2>, f64> = v;
    assert_same(v, &cols);
    assert_eq!(v.as_nalgebra().as_ptr(), s.as_ptr().wrapping_add(3));

    // One column of a dynamic matrix.
    let d = DMatrix::<f64>::from_fn(5, 3, value);
    let col = d.column(2);
    let v = MatRef::from_nalgebra(&col);
    let _: MatRef<'_, Dyn, Const<1>, f64> = v;
    assert_same(v, &col);
}

#[test]
fn strided_nalgebra_subviews_as_matrefs() {
    let d = DMatrix::<f64>::from_fn(6, 8, value);

    let block = d.view((1, 2), (3, 4));
    let v = MatRef::try_from_nalgebra_in(d.as_slice(), &block).unwrap();
    let _: MatRef<'_, Dyn, Dyn, f64> = v;
    assert_same(v, &block);
    assert_eq!((v.row_stride(), v.col_stride()), (1, 6));
    assert_same(v.t(), &block.transpose());
    // No copy: element (0, 0) of the view is element (1, 2) of `d`.
    assert_eq!(v.as_nalgebra().as_ptr(), &d[(1, 2)] as *const f64);

    // Every other row and every third column.
    let stepped = d.view_with_steps((0, 1), (3, 3), (1, 2));
    let v = MatRef::try_from_nalgebra_in(d.as_slice(), &stepped).unwrap();
    assert_same(v, &stepped);
    assert_eq!((v.row_stride(), v.col_stride()), (2, 18));
    assert_same(v.t(), &stepped.transpose());

    // A row: 1×8 with column stride 6.
    let row = d.row(4);
    let v = MatRef::try_from_nalgebra_in(d.as_slice(), &row).unwrap();
    let _: MatRef<'_, Const<1>, Dyn, f64> = v;
    assert_same(v, &row);

    // A view of a view.
    let inner = block.view((1, 1), (2, 2));
    let v = MatRef::try_from_nalgebra_in(d.as_slice(), &inner).unwrap();
    assert_same(v, &inner);

    // Static blocks of a static matrix keep static dimensions.
    let s = SMatrix::<f32, 5, 5>::from_fn(value);
    let b = s.fixed_view::<2, 3>(2, 1);
    let v = MatRef::try_from_nalgebra_in(s.as_slice(), &b).unwrap();
    let _: MatRef<'_, Const<2>, Const<3>, f32> = v;
    assert_same(v, &b);
    assert_same(v.t(), &b.transpose());

    // Contiguous matrices go through this path too.
    let v = MatRef::try_from_nalgebra_in(d.as_slice(), &d).unwrap();
    assert_same(v, &d);
}

#[test]
fn a_view_outside_the_buffer_is_an_error() {
    let d = DMatrix::<f64>::from_fn(6, 8, value);
    let block = d.view((1, 2), (3, 4));
    // The block's first element is at offset 2·6 + 1 = 13 and its last at 13 + 3·6 + 2 = 33.

    // A prefix of the buffer too short to hold the whole block.
    let err = MatRef::try_from_nalgebra_in(&d.as_slice()[..30], &block).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Strides {
            shape: (3, 4),
            strides: (1, 6),
            needed: 34,
            len: 30
        }
    );
    assert_eq!(
        err.to_string(),
        "a 3×4 view with strides (1, 6) needs a buffer of at least 34 elements, but the buffer \
         has 30"
    );
    // Exactly long enough is fine.
    let v = MatRef::try_from_nalgebra_in(&d.as_slice()[..34], &block).unwrap();
    assert_same(v, &block);

    // A buffer that starts after the block's first element does not hold it.
    let err = MatRef::try_from_nalgebra_in(&d.as_slice()[14..], &block).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Strides {
            shape: (3, 4),
            strides: (1, 6),
            needed: usize::MAX,
            len: 34
        }
    );

    // The buffer of another matrix, wherever it is: an error naming the view and the buffer.
    let other = vec![0.0f64; 48];
    match MatRef::try_from_nalgebra_in(&other, &block) {
        Err(ShapeError::Strides {
            shape,
            strides,
            needed,
            len,
        }) => {
            assert_eq!((shape, strides, len), ((3, 4), (1, 6), 48));
            assert!(needed > len);
        }
        other => panic!("expected a Strides error, got {other:?}"),
    }

    // An empty view needs nothing.
    let empty = d.view((2, 3), (0, 4));
    let v = MatRef::try_from_nalgebra_in(&other, &empty).unwrap();
    assert_eq!((v.rows(), v.cols()), (0, 4));
}

// ---------------------------------------------------------------------------------------------
// MatRef -> nalgebra, without copying.

#[test]
fn matref_as_a_nalgebra_view() {
    let m = Matrix::<Const<3>, Const<4>, f64>::from_fn(value);
    let n = m.view().as_nalgebra();
    let _: nalgebra::MatrixView<
        '_,
        f64,
        nalgebra::Const<3>,
        nalgebra::Const<4>,
        nalgebra::Dyn,
        nalgebra::Dyn,
    > = n;
    assert_same(m.view(), &n);
    assert_eq!(n.as_ptr(), m.as_slice().as_ptr(), "a copy was made");
    assert_eq!(n.strides(), (4, 1));

    // The transposed view: 4×3 with swapped strides, same buffer.
    let nt = m.t().as_nalgebra();
    let _: nalgebra::MatrixView<
        '_,
        f64,
        nalgebra::Const<4>,
        nalgebra::Const<3>,
        nalgebra::Dyn,
        nalgebra::Dyn,
    > = nt;
    assert_same(m.t(), &nt);
    assert_eq!(nt, n.transpose());
    assert_eq!(nt.as_ptr(), m.as_slice().as_ptr(), "a copy was made");
    assert_eq!(nt.strides(), (1, 4));

    // Dynamic dimensions stay dynamic.
    let d = Matrix::<Dyn, Dyn, f32>::from_fn_with(Dyn(5), Dyn(2), value);
    let n = d.t().as_nalgebra();
    let _: nalgebra::DMatrixView<'_, f32, nalgebra::Dyn, nalgebra::Dyn> = n;
    assert_same(d.t(), &n);
    assert_eq!(n.as_ptr(), d.as_slice().as_ptr());

    // typenum dimensions become nalgebra's static ones.
    let u = Matrix::<U2, U3, f32>::from_fn(value);
    let n = u.view().as_nalgebra();
    let _: nalgebra::MatrixView<
        '_,
        f32,
        nalgebra::Const<2>,
        nalgebra::Const<3>,
        nalgebra::Dyn,
        nalgebra::Dyn,
    > = n;
    assert_same(u.view(), &n);
}

#[test]
fn any_matref_as_a_dynamic_nalgebra_view() {
    dim!(Batch = 3, Features = 2);
    let x = Matrix::<Batch, Features, f64>::from_fn(value);
    let n = x.view().as_nalgebra_dyn();
    assert_same(x.view(), &n);
    assert_eq!(n.as_ptr(), x.as_slice().as_ptr());
    let nt = x.t().as_nalgebra_dyn();
    assert_same(x.t(), &nt);
    assert_eq!(nt.as_ptr(), x.as_slice().as_ptr());
}

#[test]
fn strided_matrefs_as_nalgebra_views() {
    // Every other row of a 6×5 buffer, then its transpose.
    let buf: Vec<f64> = (0..30).map(|k| k as f64 * 1.5).collect();
    let v = MatRef::try_from_strided(Dyn(3), Dyn(5), 10, 1, &buf).unwrap();
    let n = v.as_nalgebra();
    assert_same(v, &n);
    assert_eq!(n.as_ptr(), buf.as_ptr());
    assert_same(v.t(), &v.t().as_nalgebra());

    // Column-major data viewed by shapegrad, then by nalgebra: the same matrix as nalgebra's own.
    let d = DMatrix::<f64>::from_fn(4, 3, value);
    let v = MatRef::try_from_strided(Const::<4>, Const::<3>, 1, 4, d.as_slice()).unwrap();
    assert_eq!(v.as_nalgebra(), d);
    assert_eq!(v.as_nalgebra().as_ptr(), d.as_ptr());
}

#[test]
fn degenerate_matrefs_as_nalgebra_views() {
    let buf = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    // A single row whose row stride could never be used: any value is accepted by shapegrad, and
    // nalgebra must neither overflow nor panic on it.
    let row = MatRef::try_from_strided(Dyn(1), Dyn(3), usize::MAX, 2, &buf).unwrap();
    assert_same(row, &row.as_nalgebra());
    assert_same(row.t(), &row.t().as_nalgebra_dyn());
    // A single column, likewise.
    let col = MatRef::try_from_strided(Dyn(6), Dyn(1), 1, usize::MAX, &buf).unwrap();
    assert_same(col, &col.as_nalgebra());
    assert_same(col.t(), &col.t().as_nalgebra());
    // Broadcasts: stride 0, many rows of one element.
    let wide = MatRef::try_from_strided(Dyn(1000), Dyn(1000), 0, 0, &buf[..1]).unwrap();
    let n = wide.as_nalgebra();
    assert_eq!(n.shape(), (1000, 1000));
    assert_eq!(n[(999, 999)], 1.0);
    // Empty views with any strides and sizes, over an empty buffer.
    for (rows, cols, rs, cs) in [
        (0, 5, 7, 100),
        (5, 0, 100, 7),
        (0, 0, usize::MAX, usize::MAX),
        (usize::MAX, 0, usize::MAX, usize::MAX),
        (0, usize::MAX, usize::MAX, usize::MAX),
    ] {
        let e =
            MatRef::<Dyn, Dyn, f32>::try_from_strided(Dyn(rows), Dyn(cols), rs, cs, &[]).unwrap();
        assert_eq!(e.as_nalgebra().shape(), (rows, cols));
        assert_eq!(e.t().as_nalgebra_dyn().shape(), (cols, rows));
    }
    // An empty static view.
    let m = Matrix::<Const<0>, Const<4>, f64>::zeros();
    assert_eq!(m.view().as_nalgebra().shape(), (0, 4));
    assert_eq!(m.t().as_nalgebra().shape(), (4, 0));
}

#[test]
fn views_round_trip_without_copying() {
    // nalgebra -> shapegrad -> nalgebra, and shapegrad -> nalgebra -> shapegrad.
    let d = DMatrix::<f32>::from_fn(7, 3, value);
    let there = MatRef::from_nalgebra(&d);
    let back = there.as_nalgebra();
    assert_eq!(back, d);
    assert_eq!(back.as_ptr(), d.as_ptr());

    let m = Matrix::<Const<2>, Const<5>, f32>::from_fn(value);
    let n = m.view().as_nalgebra();
    let again = MatRef::try_from_nalgebra_in(m.as_slice(), &n).unwrap();
    let _: MatRef<'_, Const<2>, Const<5>, f32> = again;
    assert_same(again, &n);
    assert_eq!(
        (again.row_stride(), again.col_stride()),
        (m.view().row_stride(), m.view().col_stride())
    );
    assert_eq!(again.as_nalgebra().as_ptr(), m.as_slice().as_ptr());
}

// ---------------------------------------------------------------------------------------------
// Products on nalgebra-viewed operands.

/// `x · a` by shapegrad on views of nalgebra matrices, against nalgebra's own product: each
/// entry within `dot_tolerance(K, eps, Σ|terms|)` of nalgebra's, and of the f64 reference.
///
/// Both products are `K`-term dot products, each within `γ_K · Σ|terms| ≈ K · eps/2 · Σ|terms|`
/// of the exact value, so they differ by at most about `K · eps · Σ|terms|`; `dot_tolerance`
/// allows twice that.
#[track_caller]
fn assert_close_to_nalgebra<T: Scalar>(
    got: &Matrix<Dyn, Dyn, T>,
    theirs: &DMatrix<T>,
    x: &Dense,
    a: &Dense,
) {
    assert_eq!((got.rows(), got.cols()), theirs.shape());
    assert_product(got, x, a);
    let k = x.cols;
    for i in 0..got.rows() {
        for j in 0..got.cols() {
            let abs_sum: f64 = (0..k).map(|t| (x.at(i, t) * a.at(t, j)).abs()).sum();
            let ours = got[(i, j)].to_f64();
            let nal = theirs[(i, j)].to_f64();
            let tol = dot_tolerance(k, eps::<T>(), abs_sum);
            assert!(
                (ours - nal).abs() <= tol,
                "{} entry ({i}, {j}) of a {}×{k}·{k}×{}: shapegrad {ours:e}, nalgebra {nal:e}, \
                 difference {:e} exceeds {tol:e}",
                T::NAME,
                got.rows(),
                got.cols(),
                (ours - nal).abs()
            );
        }
    }
}

/// `T: RealField` for nalgebra's own product of `T`s (f32 and f64 are both).
fn products_match_nalgebra<T: Scalar + nalgebra::RealField>() {
    for (mi, (m, k, n)) in [
        (1, 1, 1),
        (3, 5, 2),
        (16, 16, 16),
        (37, 129, 21),
        (64, 7, 65),
    ]
    .into_iter()
    .enumerate()
    {
        let seed = mi as u64 * 16;
        let x = DMatrix::from(common::dyn_signed::<T>(m, k, seed));
        let a = DMatrix::from(common::dyn_signed::<T>(k, n, seed + 1));
        let (xd, ad) = (
            Dense::of(MatRef::from_nalgebra(&x)),
            Dense::of(MatRef::from_nalgebra(&a)),
        );

        // Both operands column-major, as nalgebra stores them.
        let got = MatRef::from_nalgebra(&x).matmul(MatRef::from_nalgebra(&a));
        assert_close_to_nalgebra(&got, &(&x * &a), &xd, &ad);

        // Transposed operands: (xᵀ)ᵀ · (aᵀ)ᵀ, from nalgebra's transposes.
        let (xt, at) = (x.transpose(), a.transpose());
        let got = MatRef::from_nalgebra(&xt)
            .t()
            .matmul(MatRef::from_nalgebra(&at).t());
        assert_close_to_nalgebra(&got, &(&x * &a), &xd, &ad);

        // Strided blocks of larger matrices.
        let big_x = DMatrix::from(common::dyn_signed::<T>(m + 3, k + 2, seed + 2));
        let big_a = DMatrix::from(common::dyn_signed::<T>(k + 4, n + 1, seed + 3));
        let (bx, ba) = (big_x.view((2, 1), (m, k)), big_a.view((3, 1), (k, n)));
        let vx = MatRef::try_from_nalgebra_in(big_x.as_slice(), &bx).unwrap();
        let va = MatRef::try_from_nalgebra_in(big_a.as_slice(), &ba).unwrap();
        let got = vx.matmul(va);
        assert_close_to_nalgebra(&got, &(bx * ba), &Dense::of(vx), &Dense::of(va));
    }
}

#[test]
fn products_of_nalgebra_views_match_nalgebra_f32() {
    products_match_nalgebra::<f32>();
}

#[test]
fn products_of_nalgebra_views_match_nalgebra_f64() {
    products_match_nalgebra::<f64>();
}

#[test]
fn static_product_of_nalgebra_views() {
    let x = SMatrix::<f64, 4, 6>::from_fn(|i, j| value::<f64>(i, j) / 1000.0);
    let a = SMatrix::<f64, 6, 3>::from_fn(|i, j| 1.0 - value::<f64>(j, i) / 1000.0);
    let got: Matrix<Const<4>, Const<3>, f64> =
        MatRef::from_nalgebra(&x).matmul(MatRef::from_nalgebra(&a));
    let theirs = x * a;
    let (xd, ad) = (
        Dense::of(MatRef::from_nalgebra(&x)),
        Dense::of(MatRef::from_nalgebra(&a)),
    );
    let theirs = DMatrix::from_fn(4, 3, |i, j| theirs[(i, j)]);
    assert_close_to_nalgebra(&got.into_dyn(), &theirs, &xd, &ad);
}
