//! Bad input to every fallible constructor and loader is an error, never a panic, a truncation or
//! a silent change: random lengths, shapes, strides, ranges, indices, labels and bindings, each
//! checked against the rule it must follow. On success nothing is lost (every element is where
//! the input put it); on failure the error names what was expected and what was given, and an
//! output buffer is left as it was.

use proptest::prelude::*;
use shapegrad::{Const, Dyn, MatRef, Matrix, ShapeError, Write, loss};

/// Sizes around the interesting ones: empty, one, small, and a few larger.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![Just(0usize), Just(1usize), 2usize..9, 9usize..40]
}

fn data(len: usize) -> Vec<f32> {
    (0..len).map(|i| i as f32 + 0.5).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_buffer_of_any_length_builds_a_matrix_or_names_both_lengths(
        rows in size(), cols in size(), len in 0usize..200,
    ) {
        let v = data(len);
        match Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(rows), Dyn(cols), v.clone()) {
            Ok(m) => {
                prop_assert_eq!(len, rows * cols);
                prop_assert_eq!(m.as_slice(), &v[..]);
            }
            Err(e) => {
                prop_assert_ne!(len, rows * cols);
                prop_assert_eq!(e, ShapeError::Length { rows, cols, expected: rows * cols, given: len });
            }
        }
        match MatRef::try_from_slice(Dyn(rows), Dyn(cols), &v) {
            Ok(m) => prop_assert_eq!(m.to_matrix().into_vec(), v.clone()),
            Err(e) => prop_assert_eq!(e, ShapeError::Length { rows, cols, expected: rows * cols, given: len }),
        }
        let fixed = Matrix::<Const<3>, Const<4>>::try_from_vec(v.clone());
        prop_assert_eq!(fixed.is_ok(), len == 12);
        if let Ok(m) = fixed {
            prop_assert_eq!(m.as_slice(), &v[..]);
        }
    }

    #[test]
    fn strided_views_fit_their_buffer_or_say_how_much_they_need(
        rows in size(), cols in size(), rs in 0usize..12, cs in 0usize..12, len in 0usize..300,
    ) {
        let v = data(len);
        let needed = if rows == 0 || cols == 0 { 0 } else { (rows - 1) * rs + (cols - 1) * cs + 1 };
        match MatRef::try_from_strided(Dyn(rows), Dyn(cols), rs, cs, &v) {
            Ok(m) => {
                prop_assert!(needed <= len);
                for i in 0..rows {
                    for j in 0..cols {
                        prop_assert_eq!(m.get(i, j), Some(v[i * rs + j * cs]));
                    }
                }
            }
            Err(e) => {
                prop_assert!(needed > len);
                prop_assert_eq!(e, ShapeError::Strides { shape: (rows, cols), strides: (rs, cs), needed, len });
            }
        }
    }

    #[test]
    fn row_ranges_and_selections_are_in_range_or_name_the_offender(
        rows in size(), cols in 1usize..5, start in 0usize..45, end in 0usize..45,
        indices in prop::collection::vec(0usize..45, 0..12),
    ) {
        let m = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(rows), Dyn(cols), data(rows * cols)).unwrap();
        match m.try_rows_range(start..end) {
            Ok(view) => {
                prop_assert!(start <= end && end <= rows);
                for i in 0..end - start {
                    for j in 0..cols {
                        prop_assert_eq!(view.get(i, j), m.get(start + i, j));
                    }
                }
            }
            Err(e) => {
                prop_assert!(start > end || end > rows);
                prop_assert_eq!(e, ShapeError::RowRange { start, end, rows });
            }
        }
        match m.try_select_rows(&indices) {
            Ok(picked) => {
                prop_assert!(indices.iter().all(|&i| i < rows));
                for (k, &i) in indices.iter().enumerate() {
                    for j in 0..cols {
                        prop_assert_eq!(picked.get(k, j), m.get(i, j));
                    }
                }
            }
            Err(e) => {
                let position = indices.iter().position(|&i| i >= rows).unwrap();
                prop_assert_eq!(e, ShapeError::RowIndex { index: indices[position], position, rows });
            }
        }
        // A static row count that is not the number of indices names both.
        let four = m.try_select_rows_as::<Const<4>>(&indices);
        if indices.len() != 4 {
            prop_assert_eq!(four.unwrap_err(), ShapeError::RowCount { expected: 4, given: indices.len() });
        }
    }

    #[test]
    fn retyping_to_static_dims_keeps_every_element_or_names_both_shapes(
        rows in size(), cols in size(),
    ) {
        let m = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(rows), Dyn(cols), data(rows * cols)).unwrap();
        match m.clone().try_into_dims::<Const<2>, Const<3>>() {
            Ok(s) => {
                prop_assert_eq!((rows, cols), (2, 3));
                prop_assert_eq!(s.as_slice(), m.as_slice());
            }
            Err(e) => prop_assert_eq!(e, ShapeError::Retype { expected: (2, 3), given: (rows, cols) }),
        }
    }

    #[test]
    fn labels_are_classes_one_per_row_or_the_first_bad_one_is_named(
        rows in 0usize..6, classes in 0usize..5, labels in prop::collection::vec(0usize..7, 0..7),
    ) {
        let logits = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(rows), Dyn(classes));
        let mut d = Matrix::<Dyn, Dyn, f64>::filled_with(Dyn(rows), Dyn(classes), 3.0);
        let before = d.clone();
        let forward = loss::cross_entropy(&logits, &labels);
        let backward = loss::cross_entropy_backward_into(&logits, &labels, 1.0, &mut d, Write::Overwrite);
        if labels.len() != rows {
            let e = ShapeError::Labels { rows, given: labels.len() };
            prop_assert_eq!(forward.unwrap_err(), e.clone());
            prop_assert_eq!(backward.unwrap_err(), e);
            prop_assert_eq!(&d, &before);
        } else if let Some(row) = labels.iter().position(|&l| l >= classes) {
            let e = ShapeError::Label { row, label: labels[row], classes };
            prop_assert_eq!(forward.unwrap_err(), e.clone());
            prop_assert_eq!(backward.unwrap_err(), e);
            prop_assert_eq!(&d, &before);
        } else {
            prop_assert!(forward.is_ok());
            prop_assert!(backward.is_ok());
        }
    }
}

#[test]
fn a_runtime_dimension_keeps_its_first_binding_whatever_comes_after() {
    shapegrad::dim!(Count = dyn);
    let first = Count::bind(7).unwrap();
    for given in [0, 1, 6, 8, usize::MAX] {
        assert_eq!(
            Count::bind(given),
            Err(ShapeError::Bound {
                dim: "Count",
                bound: 7,
                given
            })
        );
        let raw = Matrix::<Dyn, Const<1>>::zeros_with(Dyn(given.min(64)), Const);
        if given.min(64) != 7 {
            assert!(raw.try_into_dims::<Count, Const<1>>().is_err());
        }
    }
    assert_eq!(Count::bound(), Some(first));
}
