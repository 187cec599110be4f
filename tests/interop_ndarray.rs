#![cfg(feature = "ndarray")]
//! The `ndarray` feature: `Array2` to `Matrix` and back, `ArrayView2` to `MatRef` and back, each
//! without copying where the layout allows (checked by pointer), element for element equal, and
//! every layout a `MatRef` cannot take an error naming what was given.

mod common;

use ndarray::{Array2, ArrayView2, ShapeBuilder, s};
use shapegrad::{Const, Dim, Dyn, MatRef, Matrix, Scalar, ShapeError};

/// A `rows × cols` array whose entries name their position, `100·i + j`: any mix-up of rows,
/// columns or offsets shows.
fn numbered<T: Scalar>(rows: usize, cols: usize) -> Array2<T> {
    Array2::from_shape_fn((rows, cols), |(i, j)| T::from_f64((100 * i + j) as f64))
}

/// Asserts that a `MatRef` and an ndarray view have one shape and equal elements.
#[track_caller]
fn assert_same<R: Dim, C: Dim, T: Scalar>(m: MatRef<'_, R, C, T>, v: &ArrayView2<'_, T>) {
    assert_eq!((m.rows(), m.cols()), v.dim(), "shape");
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            assert_eq!(m.get(i, j), Some(v[[i, j]]), "element ({i}, {j})");
        }
    }
}

/// Asserts that a `MatRef` reads the very memory `v` reads: same first element, same strides
/// along every axis it moves along. The `MatRef` goes back through `try_as_ndarray`, which builds
/// its view on the `MatRef`'s own slice, so equal pointers mean the `MatRef` copied nothing.
#[track_caller]
fn assert_no_copy<R: Dim, C: Dim, T: Scalar>(m: MatRef<'_, R, C, T>, v: &ArrayView2<'_, T>) {
    let back = m
        .try_as_ndarray()
        .expect("a MatRef made from ndarray fits ndarray");
    if v.is_empty() {
        assert_eq!(back.dim(), v.dim());
        return;
    }
    assert_eq!(back.as_ptr(), v.as_ptr(), "first element's address");
    let (r, c) = v.dim();
    if r > 1 {
        assert_eq!(back.strides()[0], v.strides()[0], "row stride");
        assert_eq!(m.row_stride() as isize, v.strides()[0], "row stride");
    }
    if c > 1 {
        assert_eq!(back.strides()[1], v.strides()[1], "column stride");
        assert_eq!(m.col_stride() as isize, v.strides()[1], "column stride");
    }
}

// Array2 to Matrix to Array2.

/// The shapes every round trip is run on: empty either way, one row, one column, and general.
const SHAPES: [(usize, usize); 8] = [
    (0, 0),
    (0, 5),
    (5, 0),
    (1, 7),
    (7, 1),
    (1, 1),
    (3, 4),
    (17, 33),
];

fn array_round_trip<T: Scalar>() {
    for (rows, cols) in SHAPES {
        let a = numbered::<T>(rows, cols);
        let expected = a.clone();
        let buffer = a.as_ptr();
        let m = Matrix::from_ndarray(a);
        assert_eq!(m.dims(), (Dyn(rows), Dyn(cols)), "{rows}×{cols}");
        assert_same(m.view(), &expected.view());
        let m_buffer = m.as_slice().as_ptr();
        let back = m
            .try_into_ndarray()
            .expect("every matrix here fits ndarray");
        assert_eq!(back, expected, "{rows}×{cols}");
        assert!(back.is_standard_layout(), "{rows}×{cols}");
        if rows * cols > 0 {
            assert_eq!(m_buffer, buffer, "{rows}×{cols}: from_ndarray copied");
            assert_eq!(
                back.as_ptr(),
                buffer,
                "{rows}×{cols}: try_into_ndarray copied"
            );
        }
    }
}

#[test]
fn array2_to_matrix_to_array2_is_the_identity_and_copies_nothing_f32() {
    array_round_trip::<f32>();
}

#[test]
fn array2_to_matrix_to_array2_is_the_identity_and_copies_nothing_f64() {
    array_round_trip::<f64>();
}

#[test]
fn an_array_in_another_layout_is_copied_in_row_major_order() {
    let a = numbered::<f64>(3, 4);
    let mut fortran = Array2::<f64>::zeros((3, 4).f());
    fortran.assign(&a);
    let sliced = numbered::<f64>(6, 9).slice_move(s![1..4, 2..6]); // an offset into a larger Vec
    let reversed = numbered::<f64>(3, 4).slice_move(s![..;-1, ..]);
    let tail = numbered::<f64>(5, 4).slice_move(s![..3, ..]); // standard, but the Vec is longer
    for (what, array) in [
        ("column-major", fortran),
        ("transposed", numbered::<f64>(4, 3).reversed_axes()),
        ("a slice of a larger array", sliced),
        ("reversed rows", reversed),
        ("the first rows of a larger array", tail),
    ] {
        let expected = array.clone();
        let m = Matrix::from_ndarray(array);
        assert_same(m.view(), &expected.view());
        assert_eq!(m.as_slice().len(), expected.len(), "{what}");
        let back = m.try_into_ndarray().unwrap();
        assert_eq!(back, expected, "{what}");
        assert!(back.is_standard_layout(), "{what}");
    }
}

#[test]
fn array2_into_a_static_matrix_checks_the_shape_and_copies_nothing() {
    let a = numbered::<f32>(2, 3);
    let buffer = a.as_ptr();
    let m: Matrix<Const<2>, Const<3>> = a.try_into().expect("2×3 fits Const<2>×Const<3>");
    assert_eq!(m.as_slice().as_ptr(), buffer);
    assert_eq!(m.get(1, 2), Some(102.0));
    let mixed: Matrix<Dyn, Const<3>, f64> = numbered::<f64>(5, 3).try_into().unwrap();
    assert_eq!(mixed.dims(), (Dyn(5), Const));
    let back: Array2<f32> = m.try_into().unwrap();
    assert_eq!(back, numbered::<f32>(2, 3));
}

#[test]
fn array2_into_a_static_matrix_of_another_shape_is_an_error_naming_both() {
    let err = Matrix::<Const<2>, Const<3>>::try_from(numbered::<f32>(3, 2)).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: "Array2 to Matrix: the dimension types fix the shape",
            expected: (2, 3),
            given: (3, 2),
        }
    );
    assert_eq!(
        err.to_string(),
        "Array2 to Matrix: the dimension types fix the shape: expected a 2×3 matrix, but a 3×2 \
         matrix was given"
    );
    // A `Dyn` axis takes the given size, so only the static one can disagree.
    let err = Matrix::<Dyn, Const<4>, f64>::try_from(numbered::<f64>(7, 5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Array2 to Matrix: the dimension types fix the shape: expected a 7×4 matrix, but a 7×5 \
         matrix was given"
    );
}

// ArrayView2 to MatRef.

#[test]
fn contiguous_views_become_matrefs_without_copying() {
    let a = numbered::<f32>(4, 5);
    let fortran = {
        let mut f = Array2::<f32>::zeros((4, 5).f());
        f.assign(&a);
        f
    };
    for (what, v) in [
        ("the whole array", a.view()),
        ("its transpose", a.t()),
        ("a range of rows", a.slice(s![1..3, ..])),
        ("one row", a.slice(s![2..3, ..])),
        (
            "one column of the transpose",
            a.t().slice_move(s![.., 1..2]),
        ),
        ("a column-major array", fortran.view()),
        ("a range of its columns", fortran.slice(s![.., 1..4])),
        ("no rows", a.slice(s![2..2, ..])),
    ] {
        let m = MatRef::try_from_ndarray(v).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_same(m, &v);
        assert_no_copy(m, &v);
    }
}

#[test]
fn views_with_gaps_become_matrefs_without_copying_given_their_buffer() {
    let a = numbered::<f64>(4, 5);
    let buffer = a.as_slice_memory_order().unwrap();
    for (what, v) in [
        ("the transpose", a.t()),
        ("every other column", a.slice(s![.., ..;2])),
        ("every other row", a.slice(s![..;2, ..])),
        ("a block", a.slice(s![1..3, 2..])),
        (
            "a block, transposed",
            a.slice(s![1..3, 2..]).reversed_axes(),
        ),
        ("every third element both ways", a.slice(s![1.., ..;3])),
        ("one element", a.slice(s![3..4, 4..5])),
        ("a broadcast row", a.row(1).broadcast((3, 5)).unwrap()),
        ("no columns", a.slice(s![.., 5..])),
    ] {
        let m = MatRef::try_from_ndarray_in(v, buffer).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_same(m, &v);
        assert_no_copy(m, &v);
    }
}

#[test]
fn every_slice_of_a_small_array_reads_the_same_through_a_matref() {
    // Every start, end and step of both axes, either way round: each view with non-negative
    // strides is a `MatRef` of the same elements over the same memory.
    let a = numbered::<f32>(4, 5);
    let buffer = a.as_slice().unwrap();
    let mut seen = 0;
    for (r0, r1, rs) in
        (0..=4).flat_map(|s| (s..=4).flat_map(move |e| (1..=3).map(move |t| (s, e, t))))
    {
        for (c0, c1, cs) in
            (0..=5).flat_map(|s| (s..=5).flat_map(move |e| (1..=3).map(move |t| (s, e, t))))
        {
            let v = a.slice(s![r0..r1;rs, c0..c1;cs]);
            for v in [v, v.reversed_axes()] {
                let m = MatRef::try_from_ndarray_in(v, buffer).unwrap();
                assert_same(m, &v);
                assert_no_copy(m, &v);
                // Without the buffer, exactly the views ndarray lends as a slice convert.
                match MatRef::try_from_ndarray(v) {
                    Ok(m) => {
                        assert!(v.is_empty() || v.as_slice_memory_order().is_some());
                        assert_no_copy(m, &v);
                    }
                    Err(err) => {
                        assert!(v.as_slice_memory_order().is_none());
                        assert!(matches!(err, ShapeError::NotContiguous { .. }), "{err}");
                    }
                }
                seen += 1;
            }
        }
    }
    assert!(seen > 1000);
}

#[test]
fn a_view_with_gaps_and_no_buffer_is_an_error_naming_the_way_in() {
    let a = numbered::<f32>(4, 5);
    let err = MatRef::try_from_ndarray(a.slice(s![.., ..;2])).unwrap_err();
    assert_eq!(
        err,
        ShapeError::NotContiguous {
            shape: (4, 3),
            strides: (5, 2)
        }
    );
    assert_eq!(
        err.to_string(),
        "a 4×3 view with strides (5, 2) is not one contiguous block of memory, so it comes with \
         no slice for a MatRef to borrow: pass the slice of the array it was cut from to \
         `MatRef::try_from_ndarray_in`, or copy it with `.as_standard_layout()`"
    );
    // Both suggested fixes work.
    let m = MatRef::try_from_ndarray_in(a.slice(s![.., ..;2]), a.as_slice().unwrap()).unwrap();
    assert_same(m, &a.slice(s![.., ..;2]));
    let copy = a.slice(s![.., ..;2]).as_standard_layout().into_owned();
    assert_same(
        MatRef::try_from_ndarray(copy.view()).unwrap(),
        &a.slice(s![.., ..;2]),
    );
    let err = MatRef::try_from_ndarray(a.slice(s![1..3, 2..])).unwrap_err();
    assert_eq!(
        err,
        ShapeError::NotContiguous {
            shape: (2, 3),
            strides: (5, 1)
        }
    );
}

#[test]
fn a_negatively_strided_view_is_a_negative_stride_error_not_a_panic() {
    let a = numbered::<f32>(3, 4);
    let reversed = a.slice(s![..;-1, ..]);
    let expected = ShapeError::NegativeStride {
        shape: (3, 4),
        strides: (-4, 1),
    };
    let message = "a 3×4 view with strides (-4, 1) runs backwards through memory, which a MatRef \
                   cannot: copy it with `.as_standard_layout()` and view the copy";
    let err = MatRef::try_from_ndarray(reversed).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(err.to_string(), message);
    let err = MatRef::try_from_ndarray_in(reversed, a.as_slice().unwrap()).unwrap_err();
    assert_eq!(err, expected);
    let err = MatRef::<Dyn, Const<4>>::try_from(reversed).unwrap_err();
    assert_eq!(err, expected);
    // Backwards along columns, and through a transpose.
    let err = MatRef::try_from_ndarray(a.slice(s![.., ..;-2]).reversed_axes()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::NegativeStride {
            shape: (2, 3),
            strides: (-2, 4)
        }
    );
    // The suggested fix works (`.to_owned()` would not: it keeps the reversed strides).
    let copy = reversed.as_standard_layout();
    assert_same(MatRef::try_from_ndarray(copy.view()).unwrap(), &reversed);
    assert!(MatRef::try_from_ndarray(reversed.to_owned().view()).is_err());
}

#[test]
fn a_negative_stride_that_is_never_used_is_no_error() {
    let a = numbered::<f64>(3, 4);
    // One row, reversed: its row stride is negative, but it never moves along rows.
    let row = a.slice(s![1..2;-1, ..]);
    let m = MatRef::try_from_ndarray(row).unwrap();
    assert_same(m, &row);
    assert_no_copy(m, &row);
    // An empty view reads nothing, whatever its strides.
    let empty = a.slice(s![..;-1, 2..2]);
    let m = MatRef::try_from_ndarray(empty).unwrap();
    assert_eq!((m.rows(), m.cols()), (3, 0));
}

#[test]
fn a_view_outside_its_buffer_is_an_error_not_a_read() {
    let a = numbered::<f32>(4, 5);
    let other = numbered::<f32>(4, 5);
    let buffer = a.as_slice().unwrap();
    let err = MatRef::try_from_ndarray_in(other.slice(s![.., ..;2]), buffer).unwrap_err();
    assert_eq!(
        err,
        ShapeError::OutsideBuffer {
            shape: (4, 3),
            strides: (5, 2),
            len: 20
        }
    );
    assert_eq!(
        err.to_string(),
        "a 4×3 view with strides (5, 2) does not lie inside the buffer of 20 elements given with \
         it: pass the slice of the array the view was cut from"
    );
    // Starting inside the buffer but running past its end, or starting before it.
    let err = MatRef::try_from_ndarray_in(a.slice(s![.., ..;2]), &buffer[..19]).unwrap_err();
    assert!(
        matches!(err, ShapeError::OutsideBuffer { len: 19, .. }),
        "{err}"
    );
    let err = MatRef::try_from_ndarray_in(a.view(), &buffer[1..]).unwrap_err();
    assert!(
        matches!(err, ShapeError::OutsideBuffer { len: 19, .. }),
        "{err}"
    );
}

#[test]
fn a_view_into_a_static_matref_checks_the_shape() {
    let a = numbered::<f32>(2, 3);
    let m: MatRef<Const<2>, Const<3>> = a.view().try_into().unwrap();
    assert_same(m, &a.view());
    assert_no_copy(m, &a.view());
    let mt: MatRef<Const<3>, Dyn> = a.t().try_into().unwrap();
    assert_no_copy(mt, &a.t());
    let err = MatRef::<Const<2>, Const<3>>::try_from(a.t()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: "ArrayView2 to MatRef: the dimension types fix the shape",
            expected: (2, 3),
            given: (3, 2),
        }
    );
    assert_eq!(
        err.to_string(),
        "ArrayView2 to MatRef: the dimension types fix the shape: expected a 2×3 matrix, but a \
         3×2 matrix was given"
    );
}

// MatRef to ArrayView2.

#[test]
fn matrefs_become_ndarray_views_without_copying() {
    let m = Matrix::<Dyn, Dyn>::from_fn_with(Dyn(3), Dyn(4), |i, j| (100 * i + j) as f32);
    let buf = m.as_slice().as_ptr();
    let v = m.try_as_ndarray().unwrap();
    assert_eq!(v, numbered::<f32>(3, 4));
    assert_eq!((v.as_ptr(), v.strides()), (buf, &[4, 1][..]));
    let vt = m.t().try_as_ndarray().unwrap();
    assert_eq!(vt, numbered::<f32>(3, 4).t());
    assert_eq!((vt.as_ptr(), vt.strides()), (buf, &[1, 4][..]));
    let from_trait = ArrayView2::try_from(&m).unwrap();
    assert_eq!(from_trait.as_ptr(), buf);
    // A strided MatRef over a plain buffer: every other row of a 4×3 matrix.
    let data: Vec<f64> = (0..12).map(f64::from).collect();
    let every_other_row = MatRef::try_from_strided(Dyn(2), Dyn(3), 6, 1, &data).unwrap();
    let v = ArrayView2::try_from(every_other_row).unwrap();
    assert_same(every_other_row, &v);
    assert_eq!((v.as_ptr(), v.strides()), (data.as_ptr(), &[6, 1][..]));
    // And back: the same MatRef.
    let again = MatRef::try_from_ndarray_in(v, &data).unwrap();
    assert_eq!(
        (again.row_stride(), again.col_stride()),
        (every_other_row.row_stride(), every_other_row.col_stride())
    );
    assert_no_copy(again, &v);
}

#[test]
fn a_stride_that_is_never_used_need_not_fit_ndarray() {
    // One row: its row stride is never used, and usize::MAX does not fit ndarray's isize.
    let data = [1.0f32, 2.0, 3.0];
    let m = MatRef::try_from_strided(Dyn(1), Dyn(3), usize::MAX, 1, &data).unwrap();
    let v = m.try_as_ndarray().unwrap();
    assert_same(m, &v);
    let empty = MatRef::<Dyn, Dyn>::try_from_strided(Dyn(0), Dyn(3), 9, usize::MAX, &[]).unwrap();
    assert_eq!(empty.try_as_ndarray().unwrap().dim(), (0, 3));
}

#[test]
fn a_shape_ndarray_cannot_hold_is_an_error_not_a_panic() {
    let long = isize::MAX as usize + 1;
    let m = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(long));
    let expected = ShapeError::TooLargeForNdarray { shape: (0, long) };
    assert_eq!(m.try_as_ndarray().unwrap_err(), expected);
    assert_eq!(
        m.t().try_as_ndarray().unwrap_err(),
        ShapeError::TooLargeForNdarray { shape: (long, 0) }
    );
    assert_eq!(
        m.clone().try_into_ndarray().unwrap_err().to_string(),
        "ndarray cannot hold a 0×9223372036854775808 array: it needs the product of the nonzero \
         axis lengths to be at most isize::MAX"
    );
    // Zero strides repeat one element over a shape of 2^64 elements.
    let one = [1.0f64];
    let v = MatRef::try_from_strided(Dyn(1 << 32), Dyn(1 << 32), 0, 0, &one).unwrap();
    assert_eq!(
        ArrayView2::try_from(v).unwrap_err(),
        ShapeError::TooLargeForNdarray {
            shape: (1 << 32, 1 << 32)
        }
    );
    // The largest shape that fits still converts.
    let v = MatRef::try_from_strided(Dyn(1), Dyn(isize::MAX as usize), 0, 0, &one).unwrap();
    assert_eq!(v.try_as_ndarray().unwrap().dim(), (1, isize::MAX as usize));
}

// A product on ndarray data.

/// `x · a` computed by shapegrad on zero-copy views of ndarray arrays (one of them with gaps, one
/// transposed) agrees with ndarray's `dot`, entry by entry, within the tolerance of a `k`-term
/// dot product: each result is within `k·u·Σ|terms|` of the exact value (`u = eps/2`, Higham
/// §3.1), so the two differ by at most `k·eps·Σ|terms|`, and `dot_tolerance` allows twice that.
fn product_agrees_with_dot<T: Scalar + ndarray::LinalgScalar>(m: usize, k: usize, n: usize) {
    let seed = common::seed_for((m, k, n), 0);
    // x is the middle k columns of an m×(k+3) array, so its view has gaps.
    let wide: Array2<T> = common::dyn_signed::<T>(m, k + 3, seed)
        .try_into_ndarray()
        .unwrap();
    let x = wide.slice(s![.., 1..k + 1]);
    // a is the transpose of an n×k array.
    let a_t: Array2<T> = common::dyn_signed::<T>(n, k, seed ^ 1)
        .try_into_ndarray()
        .unwrap();
    let a = a_t.t();

    let xm = MatRef::try_from_ndarray_in(x, wide.as_slice().unwrap()).unwrap();
    let am = MatRef::try_from_ndarray(a).unwrap();
    assert_no_copy(xm, &x);
    assert_no_copy(am, &a);
    let got = xm.matmul(am);
    let want = x.dot(&a);

    assert_eq!((got.rows(), got.cols()), want.dim());
    for i in 0..m {
        for j in 0..n {
            let abs_sum: f64 = (0..k).map(|t| (x[[i, t]] * a[[t, j]]).to_f64().abs()).sum();
            let tol = common::dot_tolerance(k, common::eps::<T>(), abs_sum);
            let (g, w) = (got[(i, j)].to_f64(), want[[i, j]].to_f64());
            assert!(
                (g - w).abs() <= tol,
                "{} {m}×{k}·{k}×{n}: entry ({i}, {j}) is {g:e}, ndarray's dot {w:e}, tolerance \
                 {tol:e}",
                T::NAME
            );
        }
    }
}

#[test]
fn a_product_on_ndarray_views_agrees_with_ndarray_dot_f32() {
    for (m, k, n) in [(1, 1, 1), (5, 7, 3), (17, 33, 9), (64, 257, 40)] {
        product_agrees_with_dot::<f32>(m, k, n);
    }
}

#[test]
fn a_product_on_ndarray_views_agrees_with_ndarray_dot_f64() {
    for (m, k, n) in [(1, 1, 1), (5, 7, 3), (17, 33, 9), (64, 257, 40)] {
        product_agrees_with_dot::<f64>(m, k, n);
    }
}

#[test]
fn a_product_back_in_ndarray_is_the_same_buffer() {
    let x = numbered::<f64>(3, 4);
    let y = MatRef::try_from_ndarray(x.view())
        .unwrap()
        .matmul(MatRef::try_from_ndarray(x.t()).unwrap());
    let buf = y.as_slice().as_ptr();
    let gram = y.try_into_ndarray().unwrap();
    assert_eq!(gram.as_ptr(), buf);
    assert_eq!(gram, x.dot(&x.t())); // small integers: exact
}
