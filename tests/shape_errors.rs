//! Shapes that can only be checked at run time: buffers of the wrong length and `Dyn` dimensions
//! that disagree. Fallible calls return the `ShapeError` variant naming what was expected and what
//! was given, with an exact message, and never panic or truncate; their panicking twins panic with
//! that same message.

use shapegrad::{Const, Dyn, Grads, MatMul, MatRef, Matrix, ShapeError, Write};

type C2 = Const<2>;
type C3 = Const<3>;
type C4 = Const<4>;
type C5 = Const<5>;

/// A `rows × cols` matrix of ones with both dimensions `Dyn`.
fn dyn_ones(rows: usize, cols: usize) -> Matrix<Dyn, Dyn> {
    Matrix::filled_with(Dyn(rows), Dyn(cols), 1.0)
}

// Buffers of the wrong length.

#[test]
fn try_from_vec_rejects_a_buffer_one_too_long() {
    let err = Matrix::<C2, C3>::try_from_vec(vec![1.0; 7]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 2,
            cols: 3,
            expected: 6,
            given: 7
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×3 matrix needs 6 elements, but 7 were given"
    );
}

#[test]
fn try_from_vec_rejects_a_buffer_much_too_long_instead_of_truncating_it() {
    let err = Matrix::<C2, C2, f64>::try_from_vec(vec![0.5; 400]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 2,
            cols: 2,
            expected: 4,
            given: 400
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×2 matrix needs 4 elements, but 400 were given"
    );
}

#[test]
fn try_from_vec_rejects_a_buffer_one_too_short() {
    let err = Matrix::<C2, C3>::try_from_vec(vec![1.0; 5]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 2,
            cols: 3,
            expected: 6,
            given: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×3 matrix needs 6 elements, but 5 were given"
    );
}

#[test]
fn try_from_vec_rejects_an_empty_buffer() {
    let err = Matrix::<C3, C4>::try_from_vec(Vec::new()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 3,
            cols: 4,
            expected: 12,
            given: 0
        }
    );
    assert_eq!(
        err.to_string(),
        "a 3×4 matrix needs 12 elements, but 0 were given"
    );
}

#[test]
fn try_from_vec_of_the_right_length_keeps_every_element_in_row_major_order() {
    let data: Vec<f32> = (0..6).map(|v| v as f32).collect();
    let m = Matrix::<C2, C3>::try_from_vec(data.clone()).expect("6 elements for 2×3");
    assert_eq!(m.as_slice(), data.as_slice());
    assert_eq!(m[(1, 0)], 3.0);
}

#[test]
fn try_from_vec_with_dyn_dims_rejects_a_wrong_length() {
    let err = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(2), Dyn(4), vec![1.0; 9]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 2,
            cols: 4,
            expected: 8,
            given: 9
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×4 matrix needs 8 elements, but 9 were given"
    );
}

#[test]
fn try_from_vec_with_mixed_dims_rejects_a_wrong_length() {
    let err = Matrix::<C3, Dyn, f64>::try_from_vec_with(Const, Dyn(2), vec![1.0; 5]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 3,
            cols: 2,
            expected: 6,
            given: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "a 3×2 matrix needs 6 elements, but 5 were given"
    );
}

#[test]
fn try_from_vec_with_zero_rows_needs_an_empty_buffer() {
    let err = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(0), Dyn(5), vec![1.0]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 0,
            cols: 5,
            expected: 0,
            given: 1
        }
    );
    let m = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(0), Dyn(5), Vec::new()).expect("0×5");
    assert_eq!((m.rows(), m.cols()), (0, 5));
}

#[test]
fn try_from_vec_with_a_shape_too_large_for_memory_is_an_error_not_a_panic() {
    let err =
        Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(usize::MAX), Dyn(2), Vec::new()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::TooLarge {
            rows: usize::MAX,
            cols: 2
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "a {}×2 matrix is too large: its elements need more than isize::MAX bytes, the most \
             one allocation can hold",
            usize::MAX
        )
    );
}

#[test]
fn slice_view_rejects_a_slice_too_short() {
    let buf = [1.0f32; 5];
    let err = MatRef::try_from_slice(Dyn(3), Const::<2>, &buf).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 3,
            cols: 2,
            expected: 6,
            given: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "a 3×2 matrix needs 6 elements, but 5 were given"
    );
}

#[test]
fn slice_view_rejects_a_slice_too_long() {
    let buf = [1.0f64; 7];
    let err = MatRef::try_from_slice(C2::default(), C3::default(), &buf).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Length {
            rows: 2,
            cols: 3,
            expected: 6,
            given: 7
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×3 matrix needs 6 elements, but 7 were given"
    );
}

// Shapes whose element count does not fit in a `usize`.
//
// No such matrix can exist, so constructors must refuse one, naming the shape, in every build
// profile. These tests once failed: `Matrix::filled_with` (behind `zeros`, `ones` and
// `zeros_with`) multiplied `rows · cols` unchecked, so a release build wrapped 2^62 · 4 to 0 and
// returned a 2^62×4 matrix holding no elements, and `x.t().matmul(&x)` then handed the GEMM a
// 4×2^62 operand over an empty buffer: a segfault from safe code.

#[test]
#[should_panic(expected = "4611686018427387904×4")]
fn zeros_with_a_dyn_shape_whose_element_count_overflows_usize_panics_naming_the_shape() {
    let _ = Matrix::<Dyn, Dyn>::zeros_with(Dyn(1 << 62), Dyn(4));
}

#[test]
#[should_panic(expected = "4611686018427387904×4")]
fn zeros_of_a_static_shape_whose_element_count_overflows_usize_panics_naming_the_shape() {
    let _ = Matrix::<Const<{ 1 << 62 }>, C4>::zeros();
}

// Inner dimensions that disagree at run time.

/// The message for a 2×3 left operand meeting a 4×5 right operand.
const INNER_2X3_4X5: &str = "inner dimensions differ: the left operand is 2×3 and the right operand \
     is 4×5, so 3 columns meet 4 rows; no transpose makes these sizes agree, so check how the operands' sizes were set";

const INNER_2X3_4X5_ERR: ShapeError = ShapeError::Inner {
    lhs: (2, 3),
    rhs: (4, 5),
};

/// A 2×3 left operand whose column dimension is `Dyn`.
fn lhs_2x3() -> Matrix<C2, Dyn> {
    Matrix::zeros_with(Const, Dyn(3))
}

#[test]
fn try_matmul_dyn_inner_against_static_rows_is_an_inner_error_naming_both_shapes() {
    let err = lhs_2x3()
        .try_matmul(&Matrix::<C4, C5>::zeros())
        .unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
    assert_eq!(err.to_string(), INNER_2X3_4X5);
}

#[test]
fn try_matmul_static_inner_against_dyn_rows_is_an_inner_error_naming_both_shapes() {
    let x = Matrix::<C2, C3>::zeros();
    let a = Matrix::<Dyn, C5>::zeros_with(Dyn(4), Const);
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
    assert_eq!(err.to_string(), INNER_2X3_4X5);
}

#[test]
fn try_matmul_of_dyn_matrices_is_an_inner_error_naming_both_shapes() {
    let x = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(3));
    let a = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(4), Dyn(5));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
    assert_eq!(err.to_string(), INNER_2X3_4X5);
}

#[test]
fn try_matmul_names_the_shapes_of_transposed_views_as_they_are_used() {
    let xt = Matrix::<Dyn, Dyn>::zeros_with(Dyn(3), Dyn(2)); // xt.t() is 2×3
    let at = Matrix::<Dyn, Dyn>::zeros_with(Dyn(5), Dyn(4)); // at.t() is 4×5
    let err = xt.t().try_matmul(at.t()).unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
    assert_eq!(err.to_string(), INNER_2X3_4X5);
}

#[test]
#[should_panic(
    expected = "inner dimensions differ: the left operand is 2×3 and the right operand is 4×5, so 3 columns meet 4 rows; no transpose makes these sizes agree, so check how the operands' sizes were set"
)]
fn matmul_panics_with_the_inner_error_message() {
    let _ = lhs_2x3().matmul(&Matrix::<C4, C5>::zeros());
}

#[test]
#[should_panic(
    expected = "inner dimensions differ: the left operand is 2×3 and the right operand is 4×5, so 3 columns meet 4 rows; no transpose makes these sizes agree, so check how the operands' sizes were set"
)]
fn view_matmul_panics_with_the_inner_error_message() {
    let x = lhs_2x3();
    let _ = x.view().matmul(Matrix::<C4, C5>::zeros().view());
}

#[test]
#[should_panic(
    expected = "inner dimensions differ: the left operand is 2×3 and the right operand is 4×5, so 3 columns meet 4 rows; no transpose makes these sizes agree, so check how the operands' sizes were set"
)]
fn mul_operator_panics_with_the_inner_error_message() {
    let _ = &lhs_2x3() * &Matrix::<C4, C5>::zeros();
}

#[test]
fn try_matmul_into_with_mismatched_inner_dims_is_an_inner_error_and_leaves_the_destination() {
    let mut y = Matrix::<C2, C5>::filled_with(Const, Const, 7.0);
    let err = lhs_2x3()
        .try_matmul_into(&Matrix::<C4, C5>::zeros(), &mut y, Write::Overwrite)
        .unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
    assert_eq!(y.as_slice(), &[7.0; 10]);
}

#[test]
fn try_matmul_into_a_destination_of_the_wrong_dyn_shape_is_a_mismatch_error() {
    let x = dyn_ones(2, 3);
    let a = dyn_ones(3, 4);
    let mut y = Matrix::<Dyn, Dyn>::filled_with(Dyn(3), Dyn(4), 7.0);
    let err = x
        .try_matmul_into(&a, &mut y, Write::Accumulate)
        .unwrap_err();
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: "matmul_into: the destination must have the product's shape",
            expected: (2, 4),
            given: (3, 4),
        }
    );
    assert_eq!(
        err.to_string(),
        "matmul_into: the destination must have the product's shape: expected a 2×4 matrix, \
         but a 3×4 matrix was given"
    );
    assert_eq!(y.as_slice(), &[7.0; 12], "the destination was written");
}

#[test]
#[should_panic(
    expected = "matmul_into: the destination must have the product's shape: expected a 2×4 matrix, but a 2×5 matrix was given"
)]
fn matmul_into_a_destination_of_the_wrong_dyn_shape_panics_naming_both_shapes() {
    let x = dyn_ones(2, 3);
    let a = dyn_ones(3, 4);
    let mut y = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(5));
    x.matmul_into(&a, &mut y, Write::Overwrite);
}

// Converting dimension types.

#[test]
fn try_into_dims_with_the_wrong_row_count_names_both_shapes() {
    let d = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(3));
    let err = d.try_into_dims::<C3, C3>().unwrap_err();
    assert_eq!(
        err,
        ShapeError::Retype {
            expected: (3, 3),
            given: (2, 3)
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot retype a 2×3 matrix as 3×3: the row type fixes 3 rows, but the matrix has 2"
    );
}

#[test]
fn try_into_dims_with_the_wrong_column_count_names_both_shapes() {
    let d = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(3));
    let err = d.try_into_dims::<C2, C4>().unwrap_err();
    assert_eq!(
        err,
        ShapeError::Retype {
            expected: (2, 4),
            given: (2, 3)
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot retype a 2×3 matrix as 2×4: the column type fixes 4 columns, but the matrix has 3"
    );
}

#[test]
fn try_into_dims_to_a_dyn_dimension_keeps_its_size_in_the_expected_shape() {
    let d = Matrix::<Dyn, Dyn>::zeros_with(Dyn(1), Dyn(3));
    let err = d.try_into_dims::<Dyn, Const<1>>().unwrap_err();
    assert_eq!(
        err,
        ShapeError::Retype {
            expected: (1, 1),
            given: (1, 3)
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot retype a 1×3 matrix as 1×1: the column type fixes 1 column, but the matrix has 3"
    );
}

#[test]
fn try_into_dims_between_static_types_of_different_sizes_names_both_shapes() {
    let err = Matrix::<C2, C3>::zeros()
        .try_into_dims::<C3, C2>()
        .unwrap_err();
    assert_eq!(
        err,
        ShapeError::Retype {
            expected: (3, 2),
            given: (2, 3)
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot retype a 2×3 matrix as 3×2: the dimension types fix 3 rows and 2 columns, but \
         the matrix has 2 rows and 3 columns"
    );
}

#[test]
fn a_view_retyped_to_the_wrong_sizes_is_the_same_error_and_to_the_right_ones_is_the_same_view() {
    let m = Matrix::<Dyn, Dyn>::from_fn_with(Dyn(2), Dyn(3), |i, j| (i * 3 + j) as f32);
    let err = m.view().try_into_dims::<C3, C3>().unwrap_err();
    assert_eq!(err, m.clone().try_into_dims::<C3, C3>().unwrap_err());
    let t: shapegrad::MatRef<'_, C3, C2> = m.t().try_into_dims().expect("the transpose is 3×2");
    assert_eq!((t.row_stride(), t.col_stride()), (1, 3));
    assert_eq!(t.to_matrix(), m.transpose().try_into_dims().unwrap());
}

#[test]
fn try_into_dims_with_matching_sizes_keeps_the_data() {
    let d = Matrix::<Dyn, Dyn>::from_fn_with(Dyn(2), Dyn(3), |i, j| (i * 3 + j) as f32);
    let s: Matrix<C2, C3> = d
        .clone()
        .try_into_dims()
        .expect("2×3 fits Const<2>, Const<3>");
    assert_eq!(s.as_slice(), d.as_slice());
    let back: Matrix<Dyn, C3> = s.try_into_dims().expect("any size fits Dyn");
    assert_eq!(back.as_slice(), d.as_slice());
}

// Element-wise operations on `Dyn` matrices of different shapes.

fn dyn_2x3() -> Matrix<Dyn, Dyn> {
    Matrix::filled_with(Dyn(2), Dyn(3), 1.0)
}

fn dyn_3x2() -> Matrix<Dyn, Dyn> {
    Matrix::filled_with(Dyn(3), Dyn(2), 1.0)
}

#[test]
#[should_panic(
    expected = "add: both operands must have one shape: expected a 2×3 matrix, but a 3×2 matrix was given"
)]
fn adding_dyn_matrices_of_different_shapes_panics_naming_both_shapes() {
    let _ = &dyn_2x3() + &dyn_3x2();
}

#[test]
#[should_panic(
    expected = "sub: both operands must have one shape: expected a 3×2 matrix, but a 2×3 matrix was given"
)]
fn subtracting_dyn_matrices_of_different_shapes_panics_naming_both_shapes() {
    let _ = &dyn_3x2() - &dyn_2x3();
}

#[test]
#[should_panic(
    expected = "add_assign: both operands must have one shape: expected a 2×3 matrix, but a 3×2 matrix was given"
)]
fn add_assign_of_a_dyn_matrix_of_another_shape_panics_naming_both_shapes() {
    let mut m = dyn_2x3();
    m += &dyn_3x2();
}

#[test]
#[should_panic(
    expected = "sub_assign: both operands must have one shape: expected a 2×3 matrix, but a 2×2 matrix was given"
)]
fn sub_assign_of_a_dyn_matrix_of_another_shape_panics_naming_both_shapes() {
    let mut m = dyn_2x3();
    m -= &Matrix::filled_with(Dyn(2), Dyn(2), 1.0);
}

// Indexing out of range.

#[test]
#[should_panic(expected = "index (2, 0) out of range for a 2×3 matrix")]
fn indexing_past_the_last_row_panics_naming_the_shape() {
    let _ = Matrix::<C2, C3>::zeros()[(2, 0)];
}

#[test]
#[should_panic(expected = "index (0, 3) out of range for a 2×3 matrix")]
fn indexing_past_the_last_column_panics_naming_the_shape() {
    // (0, 3) is inside the buffer (row 1, column 0), so only the shape check can catch it.
    let _ = Matrix::<C2, C3>::zeros()[(0, 3)];
}

#[test]
fn get_past_the_last_column_is_none_even_inside_the_buffer() {
    let m = Matrix::<C2, C3>::from_fn(|i, j| (i * 3 + j) as f32);
    assert_eq!(m.get(0, 3), None);
    assert_eq!(m.t().get(3, 0), None);
    assert_eq!(m.get(2, 0), None);
}

// The forward pass of a product that remembers its operands.

#[test]
fn try_forward_with_mismatched_dyn_inner_dims_is_an_inner_error() {
    let x = lhs_2x3();
    let a = Matrix::<C4, C5>::zeros();
    let err = MatMul::try_forward(&x, &a).unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
    assert_eq!(err.to_string(), INNER_2X3_4X5);
}

#[test]
fn try_forward_with_mismatched_dyn_matrices_is_an_inner_error() {
    let x = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(3));
    let a = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(4), Dyn(5));
    let err = MatMul::try_forward(&x, &a).unwrap_err();
    assert_eq!(err, INNER_2X3_4X5_ERR);
}

#[test]
fn try_forward_with_matching_dyn_inner_dims_succeeds() {
    let x = lhs_2x3();
    let a = Matrix::<Dyn, C5>::zeros_with(Dyn(3), Const);
    let mm = MatMul::try_forward(&x, &a).expect("3 columns meet 3 rows");
    let Grads { dx, da } = mm.backward(&Matrix::zeros());
    assert_eq!(
        ((dx.rows(), dx.cols()), (da.rows(), da.cols())),
        ((2, 3), (3, 5))
    );
}

#[test]
#[should_panic(
    expected = "inner dimensions differ: the left operand is 2×3 and the right operand is 4×5, so 3 columns meet 4 rows; no transpose makes these sizes agree, so check how the operands' sizes were set"
)]
fn forward_with_mismatched_dyn_inner_dims_panics_with_the_inner_error_message() {
    let x = lhs_2x3();
    let a = Matrix::<C4, C5>::zeros();
    let _ = MatMul::forward(&x, &a);
}

#[test]
#[should_panic(
    expected = "matmul_into: the destination must have the product's shape: expected a 2×5 matrix, but a 3×5 matrix was given"
)]
fn forward_into_a_buffer_of_the_wrong_dyn_shape_panics_naming_both_shapes() {
    let x = dyn_ones(2, 3);
    let a = dyn_ones(3, 5);
    let _ = MatMul::forward_into(&x, &a, Matrix::zeros_with(Dyn(3), Dyn(5)));
}

// A downstream `Agree` impl that lies about the product's dimensions. `Agree` is public and may be
// implemented outside the crate, so the kernel's bounds cannot rest on `Checked<D>` being `D`:
// retyping a view to a dimension of another size panics instead of reaching the kernel.

mod lying_agree {
    use shapegrad::{Agree, Const, Dim, InnerDims, Matrix, Write, dim};

    dim!(Left = 3, Right = 3);

    impl Agree<Left, Right> for InnerDims {
        type Checked<D: Dim> = Const<7>;
        fn checked<D: Dim>(_: D) -> Const<7> {
            Const
        }
    }

    #[test]
    #[should_panic(expected = "a retyped row dimension changed its size")]
    fn a_product_whose_rows_would_change_size_panics() {
        let x = Matrix::<Const<2>, Left>::ones();
        let a = Matrix::<Right, Const<4>>::ones();
        let _ = x.matmul(&a);
    }

    #[test]
    #[should_panic(expected = "a retyped row dimension changed its size")]
    fn an_operator_product_whose_rows_would_change_size_panics() {
        let x = Matrix::<Const<2>, Left>::ones();
        let a = Matrix::<Right, Const<4>>::ones();
        let _ = &x * &a;
    }

    #[test]
    #[should_panic(expected = "a retyped column dimension changed its size")]
    fn a_product_whose_columns_would_change_size_panics() {
        let x = Matrix::<Const<2>, Left>::ones();
        let a = Matrix::<Right, Const<4>>::ones();
        let mut out = Matrix::<Const<2>, Const<7>>::zeros();
        x.matmul_into(&a, &mut out, Write::Overwrite);
    }
}

// `Debug` reads as `Display`, so that `unwrap()` and `{:?}` print the message.

/// One error of every variant the public API returns, each reached through it. The variants for
/// data from another crate are reached only through that crate's feature.
fn one_error_of_each_variant() -> Vec<ShapeError> {
    let mut out = dyn_ones(3, 4);
    let mut errors = vec![
        Matrix::<C2, C3>::try_from_vec(vec![0.0; 5]).unwrap_err(),
        Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(usize::MAX), Dyn(2), Vec::new()).unwrap_err(),
        MatRef::<Dyn, Dyn>::try_from_strided(Dyn(2), Dyn(3), 1, 3, &[0.0; 6]).unwrap_err(),
        dyn_ones(2, 3).try_matmul(&dyn_ones(4, 5)).unwrap_err(),
        dyn_ones(2, 3)
            .try_matmul_into(&dyn_ones(3, 4), &mut out, Write::Overwrite)
            .unwrap_err(),
        {
            shapegrad::dim!(Width = dyn);
            Width::bind(1).and_then(|_| Width::bind(2)).unwrap_err()
        },
        shapegrad::loss::cross_entropy(&dyn_ones(2, 3), &[0]).unwrap_err(),
        shapegrad::loss::cross_entropy(&dyn_ones(2, 3), &[0, 3]).unwrap_err(),
        dyn_ones(2, 3)
            .try_argmax_rows_into(&mut [0; 3])
            .unwrap_err(),
        dyn_ones(2, 0)
            .try_argmax_rows_into(&mut [0; 2])
            .unwrap_err(),
    ];
    #[cfg(feature = "ndarray")]
    {
        use ndarray::{Array2, s};
        let a = Array2::<f32>::zeros((3, 4));
        let other = Array2::<f32>::zeros((3, 4));
        errors.extend([
            MatRef::try_from_ndarray(a.slice(s![..;-1, ..])).unwrap_err(),
            MatRef::try_from_ndarray(a.slice(s![.., ..;2])).unwrap_err(),
            MatRef::try_from_ndarray_in(other.view(), a.as_slice().unwrap()).unwrap_err(),
            Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(usize::MAX))
                .try_as_ndarray()
                .unwrap_err(),
        ]);
    }
    errors.extend([
        dyn_ones(2, 3).view().try_rows_range(1..4).unwrap_err(),
        dyn_ones(2, 3).try_select_rows(&[0, 2]).unwrap_err(),
        dyn_ones(2, 3)
            .try_select_rows_as::<C3>(&[0, 1])
            .unwrap_err(),
        dyn_ones(2, 3).try_into_dims::<C3, C3>().unwrap_err(),
        shapegrad::Batched::<Dyn, C2, C3>::zeros_with(Dyn(2), C2::default(), C3::default())
            .try_matmul(
                shapegrad::Batched::<Dyn, C2, C3>::zeros_with(Dyn(3), C2::default(), C3::default())
                    .t(),
            )
            .unwrap_err(),
    ]);
    errors
}

/// The variants [`one_error_of_each_variant`] returns, in order.
fn every_variant() -> Vec<&'static str> {
    // `Dim` is left out: it is returned only by internal checks that cannot fail through the
    // public API (the right operand of `MatMul` retyped to the left operand's inner dimension
    // after their sizes were compared).
    let mut names = vec![
        "Length",
        "TooLarge",
        "Strides",
        "Inner",
        "Mismatch",
        "Bound",
        "Labels",
        "Label",
        "SliceLength",
        "EmptyAxis",
    ];
    #[cfg(feature = "ndarray")]
    names.extend([
        "NegativeStride",
        "NotContiguous",
        "OutsideBuffer",
        "TooLargeForNdarray",
    ]);
    names.extend(["RowRange", "RowIndex", "RowCount", "Retype", "BatchCount"]);
    names
}

/// The variant's name. No wildcard arm: a new variant does not compile here until it is added to
/// [`one_error_of_each_variant`] too.
fn variant(err: &ShapeError) -> &'static str {
    match err {
        ShapeError::Length { .. } => "Length",
        ShapeError::TooLarge { .. } => "TooLarge",
        ShapeError::Strides { .. } => "Strides",
        ShapeError::Inner { .. } => "Inner",
        ShapeError::Mismatch { .. } => "Mismatch",
        ShapeError::Dim { .. } => "Dim",
        ShapeError::Bound { .. } => "Bound",
        ShapeError::Labels { .. } => "Labels",
        ShapeError::Label { .. } => "Label",
        ShapeError::SliceLength { .. } => "SliceLength",
        ShapeError::EmptyAxis { .. } => "EmptyAxis",
        ShapeError::NegativeStride { .. } => "NegativeStride",
        ShapeError::NotContiguous { .. } => "NotContiguous",
        ShapeError::OutsideBuffer { .. } => "OutsideBuffer",
        ShapeError::TooLargeForNdarray { .. } => "TooLargeForNdarray",
        ShapeError::RowRange { .. } => "RowRange",
        ShapeError::RowIndex { .. } => "RowIndex",
        ShapeError::RowCount { .. } => "RowCount",
        ShapeError::Retype { .. } => "Retype",
        ShapeError::BatchCount { .. } => "BatchCount",
    }
}

#[test]
fn debug_of_every_variant_is_its_display() {
    let errors = one_error_of_each_variant();
    let names: Vec<_> = errors.iter().map(variant).collect();
    assert_eq!(names, every_variant());
    for err in &errors {
        assert_eq!(format!("{err:?}"), err.to_string(), "{}", variant(err));
        assert_eq!(format!("{err:#?}"), err.to_string(), "{}", variant(err));
    }
}

#[test]
#[should_panic(
    expected = "called `Result::unwrap()` on an `Err` value: inner dimensions differ: the left operand is 2×3 and the right operand is 4×5, so 3 columns meet 4 rows; no transpose makes these sizes agree, so check how the operands' sizes were set"
)]
fn unwrap_of_a_shape_error_prints_the_message() {
    let _ = dyn_ones(2, 3).try_matmul(&dyn_ones(4, 5)).unwrap();
}

#[test]
#[should_panic(
    expected = "called `Result::unwrap()` on an `Err` value: cannot retype a 2×3 matrix as 3×3: the row type fixes 3 rows, but the matrix has 2"
)]
fn unwrap_of_a_retype_error_prints_the_message() {
    let _ = dyn_ones(2, 3).try_into_dims::<C3, C3>().unwrap();
}

// The `.t()` hint of an inner-dimension error: given where a transpose makes the sizes agree, and
// only there.

#[test]
fn inner_error_suggests_transposing_the_right_operand_when_that_agrees() {
    let (x, a) = (dyn_ones(2, 3), dyn_ones(4, 3));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inner dimensions differ: the left operand is 2×3 and the right operand is 4×3, so 3 \
         columns meet 4 rows; transposed with `.t()`, the right operand would be 3×4 and agree"
    );
    // The suggestion holds, and the other one would not.
    assert!(x.try_matmul(a.t()).is_ok());
    assert!(x.t().try_matmul(&a).is_err());
}

#[test]
fn inner_error_suggests_transposing_the_left_operand_when_that_agrees() {
    let (x, a) = (dyn_ones(3, 2), dyn_ones(3, 4));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inner dimensions differ: the left operand is 3×2 and the right operand is 3×4, so 2 \
         columns meet 3 rows; transposed with `.t()`, the left operand would be 2×3 and agree"
    );
    assert!(x.t().try_matmul(&a).is_ok());
    assert!(x.try_matmul(a.t()).is_err());
}

#[test]
fn inner_error_says_either_transpose_agrees_when_both_do() {
    let (x, a) = (dyn_ones(2, 3), dyn_ones(2, 3));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inner dimensions differ: the left operand is 2×3 and the right operand is 2×3, so 3 \
         columns meet 2 rows; transposing either operand with `.t()` would make them agree"
    );
    assert!(x.t().try_matmul(&a).is_ok());
    assert!(x.try_matmul(a.t()).is_ok());
}

#[test]
fn inner_error_suggests_the_other_order_and_no_transpose_when_only_swapping_agrees() {
    let (x, a) = (dyn_ones(2, 3), dyn_ones(4, 2));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inner dimensions differ: the left operand is 2×3 and the right operand is 4×2, so 3 \
         columns meet 4 rows; in the other order, 4×2 times 2×3, they would agree"
    );
    assert!(!err.to_string().contains(".t()"));
    assert!(a.try_matmul(&x).is_ok());
    assert!(x.t().try_matmul(&a).is_err());
    assert!(x.try_matmul(a.t()).is_err());
}

#[test]
fn inner_error_suggests_nothing_that_cannot_help() {
    let (x, a) = (dyn_ones(2, 3), dyn_ones(4, 5));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(err.to_string(), INNER_2X3_4X5);
    assert!(!err.to_string().contains(".t()"));
    assert!(!err.to_string().contains("other order"));
    assert!(x.t().try_matmul(&a).is_err());
    assert!(x.try_matmul(a.t()).is_err());
    assert!(a.try_matmul(&x).is_err());
}

#[test]
fn inner_error_mentions_a_transpose_exactly_when_one_would_agree() {
    // Every mismatched product of shapes up to 4×4: the message names the right (left) operand's
    // transpose exactly when `lhs · rhs.t()` (`lhs.t() · rhs`) agrees, and the other order exactly
    // when neither transpose does but `rhs · lhs` would.
    let shapes: Vec<(usize, usize)> = (1..=4).flat_map(|r| (1..=4).map(move |c| (r, c))).collect();
    for (&(l0, l1), &(r0, r1)) in shapes
        .iter()
        .flat_map(|l| shapes.iter().map(move |r| (l, r)))
    {
        let (x, a) = (dyn_ones(l0, l1), dyn_ones(r0, r1));
        let Err(err) = x.try_matmul(&a) else {
            continue; // the inner sizes agree
        };
        let msg = err.to_string();
        let right = x.try_matmul(a.t()).is_ok();
        let left = x.t().try_matmul(&a).is_ok();
        let swap = a.try_matmul(&x).is_ok();
        let case = format!("{l0}×{l1} · {r0}×{r1}: {msg}");
        assert_eq!(msg.contains(".t()"), right || left, "{case}");
        assert_eq!(
            msg.contains("the right operand would be"),
            right && !left,
            "{case}"
        );
        assert_eq!(
            msg.contains("the left operand would be"),
            left && !right,
            "{case}"
        );
        assert_eq!(msg.contains("either operand"), left && right, "{case}");
        assert_eq!(
            msg.contains("in the other order"),
            swap && !left && !right,
            "{case}"
        );
        assert_eq!(
            msg.contains("no transpose makes these sizes agree"),
            !swap && !left && !right,
            "{case}"
        );
    }
}

// Strided views: any layout that stays inside its buffer, and an error naming the shape, the
// strides, the length needed and the length given for one that does not.

#[test]
fn a_strided_view_reads_any_layout_inside_its_buffer() {
    let buf: Vec<f32> = (0..12).map(|v| v as f32).collect();
    // Every other row of a 4×3 row-major matrix: a 2×3 view with row stride 6.
    let v = MatRef::try_from_strided(Dyn(2), Dyn(3), 6, 1, &buf).unwrap();
    assert_eq!(v.to_matrix().as_slice(), &[0.0, 1.0, 2.0, 6.0, 7.0, 8.0]);
    // Column-major 3×4 (the whole buffer), its last element at offset 2 + 3·3 = 11.
    let v = MatRef::try_from_strided(Dyn(3), Dyn(4), 1, 3, &buf).unwrap();
    assert_eq!(v.get(2, 3), Some(11.0));
    // A zero stride repeats one row; an empty view fits an empty buffer.
    let v = MatRef::try_from_strided(Dyn(3), Dyn(2), 0, 1, &buf[..2]).unwrap();
    assert_eq!(v.to_matrix().as_slice(), &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    assert!(MatRef::<Dyn, Dyn>::try_from_strided(Dyn(0), Dyn(5), 9, 9, &[]).is_ok());
}

#[test]
fn a_strided_view_past_its_buffer_is_an_error_naming_what_it_needs() {
    let buf = [0.0f32; 11];
    let err = MatRef::<Dyn, Dyn>::try_from_strided(Dyn(3), Dyn(4), 1, 3, &buf).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Strides {
            shape: (3, 4),
            strides: (1, 3),
            needed: 12,
            len: 11
        }
    );
    assert_eq!(
        err.to_string(),
        "a 3×4 view with strides (1, 3) needs a buffer of at least 12 elements, but the buffer \
         has 11"
    );
    // An offset that overflows usize is the same error, not a panic.
    let err =
        MatRef::<Dyn, Dyn>::try_from_strided(Dyn(3), Dyn(1), usize::MAX, 1, &buf).unwrap_err();
    assert!(matches!(
        err,
        ShapeError::Strides {
            needed: usize::MAX,
            len: 11,
            ..
        }
    ));
}
