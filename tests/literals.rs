//! Matrices from literals: `from_rows` keeps the rows in order, row-major, for every spelling of a
//! static dimension, and with `Dyn` rows takes a `Vec` whose length is the row count.

use shapegrad::generic_array::arr;
use shapegrad::typenum::{U2, U3};
use shapegrad::{Const, Dim, Dyn, Matrix, dim};

#[test]
fn from_rows_is_row_major_for_every_static_spelling() {
    dim!(Two = 2, Three = 3);
    let want = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let c = Matrix::<Const<2>, Const<3>>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    let n = Matrix::<Two, Three>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    let u = Matrix::<U2, U3>::from_rows(arr![arr![1.0, 2.0, 3.0], arr![4.0, 5.0, 6.0]]);
    for m in [c.as_slice(), n.as_slice(), u.as_slice()] {
        assert_eq!(m, &want);
    }
    assert_eq!(c[(1, 0)], 4.0);
}

#[test]
fn from_rows_with_dyn_rows_counts_the_vec() {
    let rows: Vec<[f64; 2]> = (0..5).map(|i| [i as f64, -(i as f64)]).collect();
    let m = Matrix::<Dyn, Const<2>, f64>::from_rows(rows);
    assert_eq!(m.dims(), (Dyn(5), Const));
    assert_eq!(m[(3, 0)], 3.0);
    assert_eq!(m[(3, 1)], -3.0);
    assert_eq!(m.rows(), m.dims().0.size());
}

#[test]
fn from_rows_with_dyn_rows_and_typenum_columns() {
    let m = Matrix::<Dyn, U3>::from_rows(vec![arr![1.0, 2.0, 3.0]]);
    assert_eq!((m.rows(), m.cols()), (1, 3));
    assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0]);
}

#[test]
fn from_rows_with_an_empty_vec_has_no_rows() {
    let m = Matrix::<Dyn, Const<4>>::from_rows(Vec::new());
    assert_eq!((m.rows(), m.cols()), (0, 4));
    assert!(m.as_slice().is_empty());
    // It still takes part in products, as an empty batch.
    let w = Matrix::<Const<4>, Const<2>>::ones();
    assert_eq!(m.matmul(&w).rows(), 0);
}
