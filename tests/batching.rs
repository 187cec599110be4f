//! Batching and slicing: runs of rows as views, and rows gathered by index.
//!
//! - Views of a run of rows (`rows_range`, `fixed_rows`) equal the same rows copied, on
//!   row-major, transposed and strided views, for every run including the empty ones, and keep
//!   their parent's strides.
//! - Gathered rows (`select_rows`, `select_rows_as`) equal a reference gather written with `get`.
//! - Every error: its variant, its fields and its message.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
use shapegrad::{Const, Dim, Dyn, MatRef, Matrix, ShapeError, dim};

type C2 = Const<2>;
type C3 = Const<3>;

/// A `rows × cols` matrix whose element `(i, j)` is `100·i + j`: every element names its place.
fn numbered(rows: usize, cols: usize) -> Matrix<Dyn, Dyn> {
    Matrix::from_fn_with(Dyn(rows), Dyn(cols), |i, j| (100 * i + j) as f32)
}

/// Rows `start..end` of `view`, copied element by element through `get`.
fn copied_rows<R: Dim, C: Dim>(view: MatRef<'_, R, C>, start: usize, end: usize) -> Vec<f32> {
    (start..end)
        .flat_map(|i| (0..view.cols()).map(move |j| view.get(i, j).expect("in range")))
        .collect()
}

/// Rows `indices` of `view`, in that order, copied element by element through `get`.
fn gathered_rows<R: Dim, C: Dim>(view: MatRef<'_, R, C>, indices: &[usize]) -> Vec<f32> {
    indices
        .iter()
        .flat_map(|&i| (0..view.cols()).map(move |j| view.get(i, j).expect("in range")))
        .collect()
}

/// Three layouts of the same 7×4 numbers, as `Dyn × Dyn` views: row-major, the transpose of a
/// stored 4×7 (column-major), and every other row of a stored 14×4 (a row stride of 8).
struct Layouts {
    row_major: Matrix<Dyn, Dyn>,
    stored_t: Matrix<Dyn, Dyn>,
    stored_tall: Matrix<Dyn, Dyn>,
}

impl Layouts {
    fn new() -> Self {
        let row_major = numbered(7, 4);
        let stored_t = row_major.transpose();
        let stored_tall = Matrix::from_fn_with(Dyn(14), Dyn(4), |i, j| {
            if i % 2 == 0 {
                (100 * (i / 2) + j) as f32
            } else {
                -1.0
            }
        });
        Layouts {
            row_major,
            stored_t,
            stored_tall,
        }
    }

    fn views(&self) -> [(&'static str, MatRef<'_, Dyn, Dyn>); 3] {
        let strided =
            MatRef::try_from_strided(Dyn(7), Dyn(4), 8, 1, self.stored_tall.as_slice()).unwrap();
        [
            ("row-major", self.row_major.view()),
            ("transposed", self.stored_t.t()),
            ("strided", strided),
        ]
    }
}

// Runs of rows as views.

#[test]
fn every_run_of_rows_viewed_equals_the_same_rows_copied_on_every_layout() {
    let layouts = Layouts::new();
    for (layout, view) in layouts.views() {
        assert_eq!(view.to_matrix(), layouts.row_major, "{layout}");
        for start in 0..=7 {
            for end in start..=7 {
                let run = view.try_rows_range(start..end).unwrap();
                assert_eq!((run.rows(), run.cols()), (end - start, 4), "{layout}");
                assert_eq!(
                    run.to_matrix().as_slice(),
                    copied_rows(view, start, end),
                    "{layout}: rows {start}..{end}"
                );
                assert_eq!(
                    run.to_matrix().as_slice(),
                    &layouts.row_major.as_slice()[start * 4..end * 4],
                    "{layout}: rows {start}..{end}"
                );
                if end > start {
                    assert_eq!(
                        (run.row_stride(), run.col_stride()),
                        (view.row_stride(), view.col_stride()),
                        "{layout}: a non-empty run keeps the strides"
                    );
                }
                assert_eq!(view.rows_range(start..end).to_matrix(), run.to_matrix());
            }
        }
    }
}

#[test]
fn a_run_of_rows_of_a_view_of_a_run_is_the_run_of_the_whole() {
    let layouts = Layouts::new();
    for (layout, view) in layouts.views() {
        let inner = view.rows_range(2..6).rows_range(1..3);
        assert_eq!(
            inner.to_matrix().as_slice(),
            copied_rows(view, 3, 5),
            "{layout}"
        );
        // And of its transpose: columns 1..3 of rows 2..6.
        let cols = view.rows_range(2..6).t().rows_range(1..3).t();
        let want: Vec<f32> = (2..6)
            .flat_map(|i| (1..3).map(move |j| (100 * i + j) as f32))
            .collect();
        assert_eq!(cols.to_matrix().as_slice(), want, "{layout}");
    }
}

#[test]
fn empty_runs_of_rows_are_views_of_no_rows_anywhere_from_the_first_row_to_past_the_last() {
    let m = numbered(3, 2);
    for at in 0..=3 {
        let empty = m.try_rows_range(at..at).unwrap();
        assert_eq!((empty.rows(), empty.cols()), (0, 2));
        assert_eq!(empty.to_matrix(), Matrix::zeros_with(Dyn(0), Dyn(2)));
        assert_eq!(empty.get(0, 0), None);
        // An empty view still multiplies: 0×2 · 2×5 is 0×5.
        assert_eq!(empty.matmul(&numbered(2, 5)).rows(), 0);
        // Its transpose has rows, of no columns.
        assert_eq!(
            empty.t().try_rows_range(0..2).unwrap().to_matrix().rows(),
            2
        );
    }
    // Matrices with no rows, or no columns.
    let no_rows = numbered(0, 3);
    assert_eq!(no_rows.try_rows_range(0..0).unwrap().cols(), 3);
    let no_cols = Matrix::<Dyn, Const<0>>::zeros_with(Dyn(5), Const);
    let run = no_cols.try_rows_range(2..5).unwrap();
    assert_eq!((run.rows(), run.cols()), (3, 0));
    assert_eq!(run.to_matrix(), Matrix::zeros_with(Dyn(3), Const));
    // A matrix of more rows than any buffer could hold, of no columns.
    let huge = Matrix::<Dyn, Const<0>>::zeros_with(Dyn(usize::MAX), Const);
    let run = huge.try_rows_range(usize::MAX - 2..usize::MAX).unwrap();
    assert_eq!(run.rows(), 2);
    let run: MatRef<'_, C3, Const<0>> = huge.try_fixed_rows(usize::MAX - 3).unwrap();
    assert_eq!(run.rows(), 3);
}

#[test]
fn fixed_rows_equal_the_run_of_rows_they_type_on_every_layout() {
    dim!(Four = 4);
    let layouts = Layouts::new();
    for (layout, view) in layouts.views() {
        for start in 0..=3 {
            let fixed: MatRef<'_, Four, Dyn> = view.try_fixed_rows(start).unwrap();
            assert_eq!(
                fixed.to_matrix().as_slice(),
                view.rows_range(start..start + 4).to_matrix().as_slice(),
                "{layout}: rows {start}.."
            );
            assert_eq!(
                (fixed.row_stride(), fixed.col_stride()),
                (view.row_stride(), view.col_stride())
            );
            assert_eq!(
                view.fixed_rows::<Four>(start).to_matrix(),
                fixed.to_matrix()
            );
        }
        assert_eq!(
            view.try_fixed_rows::<Four>(4).unwrap_err(),
            ShapeError::RowRange {
                start: 4,
                end: 8,
                rows: 7
            },
            "{layout}"
        );
        // Zero rows from anywhere up to one past the last.
        let none: MatRef<'_, Const<0>, Dyn> = view.try_fixed_rows(7).unwrap();
        assert_eq!(none.to_matrix().as_slice(), &[] as &[f32]);
    }
}

#[test]
fn the_owned_forms_are_the_forms_of_the_view() {
    let m = numbered(5, 3);
    let v = m.view();
    assert_eq!(
        m.try_rows_range(1..4).unwrap().to_matrix(),
        v.try_rows_range(1..4).unwrap().to_matrix()
    );
    assert_eq!(
        m.rows_range(1..4).to_matrix(),
        v.rows_range(1..4).to_matrix()
    );
    assert_eq!(
        m.try_fixed_rows::<C2>(3).unwrap().to_matrix(),
        v.try_fixed_rows::<C2>(3).unwrap().to_matrix()
    );
    assert_eq!(
        m.fixed_rows::<C2>(3).to_matrix(),
        v.fixed_rows::<C2>(3).to_matrix()
    );
    assert_eq!(
        m.try_rows_range(2..9).unwrap_err(),
        v.try_rows_range(2..9).unwrap_err()
    );
    let idx = [4, 0, 4];
    assert_eq!(m.try_select_rows(&idx), v.try_select_rows(&idx));
    assert_eq!(m.select_rows(&idx), v.select_rows(&idx));
    assert_eq!(
        m.try_select_rows_as::<C3>(&idx),
        v.try_select_rows_as::<C3>(&idx)
    );
    assert_eq!(m.select_rows_as::<C3>(&idx), v.select_rows_as::<C3>(&idx));
    assert_eq!(m.try_select_rows(&[5]), v.try_select_rows(&[5]));
}

#[test]
#[allow(clippy::reversed_empty_ranges)] // backwards ranges are among the cases
fn a_run_of_rows_past_the_end_is_an_error_naming_the_range_and_the_row_count() {
    let m = numbered(5, 3);
    let cases = [
        (3..6, "rows 3..6 are out of range for a matrix of 5 rows"),
        (5..6, "rows 5..6 are out of range for a matrix of 5 rows"),
        (6..6, "rows 6..6 are out of range for a matrix of 5 rows"),
        (
            4..2,
            "the row range 4..2 starts after it ends (the matrix has 5 rows)",
        ),
        (
            9..1,
            "the row range 9..1 starts after it ends (the matrix has 5 rows)",
        ),
    ];
    for (range, message) in cases {
        let err = m.try_rows_range(range.clone()).unwrap_err();
        assert_eq!(
            err,
            ShapeError::RowRange {
                start: range.start,
                end: range.end,
                rows: 5
            }
        );
        assert_eq!(err.to_string(), message);
        assert_eq!(m.t().t().try_rows_range(range).unwrap_err(), err);
    }
    let one = numbered(1, 3);
    assert_eq!(
        one.try_rows_range(0..2).unwrap_err().to_string(),
        "rows 0..2 are out of range for a matrix of 1 row"
    );
}

#[test]
fn fixed_rows_past_the_end_are_an_error_naming_the_range_and_the_row_count() {
    let m = numbered(5, 3);
    let err = m.try_fixed_rows::<C3>(3).unwrap_err();
    assert_eq!(
        err,
        ShapeError::RowRange {
            start: 3,
            end: 6,
            rows: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "rows 3..6 are out of range for a matrix of 5 rows"
    );
    // A start past the end, and one so large that `start + N` overflows: the end saturates.
    assert_eq!(
        m.try_fixed_rows::<C3>(7).unwrap_err(),
        ShapeError::RowRange {
            start: 7,
            end: 10,
            rows: 5
        }
    );
    assert_eq!(
        m.try_fixed_rows::<C3>(usize::MAX - 1).unwrap_err(),
        ShapeError::RowRange {
            start: usize::MAX - 1,
            end: usize::MAX,
            rows: 5
        }
    );
    // A static row count too large for the matrix, from its first row.
    assert_eq!(
        numbered(2, 3)
            .try_fixed_rows::<C3>(0)
            .unwrap_err()
            .to_string(),
        "rows 0..3 are out of range for a matrix of 2 rows"
    );
}

// Rows gathered by index.

#[test]
fn gathered_rows_equal_a_reference_gather_on_every_layout() {
    let layouts = Layouts::new();
    let lists: [&[usize]; 6] = [
        &[],
        &[0],
        &[6],
        &[3, 1, 4, 1, 5],
        &[6, 5, 4, 3, 2, 1, 0],
        &[2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    ];
    for (layout, view) in layouts.views() {
        for indices in lists {
            let got = view.try_select_rows(indices).unwrap();
            assert_eq!((got.rows(), got.cols()), (indices.len(), 4));
            assert_eq!(
                got.as_slice(),
                gathered_rows(view, indices),
                "{layout}: {indices:?}"
            );
            assert_eq!(view.select_rows(indices), got);
            let dyn_rows: Matrix<Dyn, Dyn> = view.try_select_rows_as(indices).unwrap();
            assert_eq!(dyn_rows, got);
        }
        // A static row dimension of the right size.
        let three: Matrix<C3, Dyn> = view.try_select_rows_as(&[6, 0, 3]).unwrap();
        assert_eq!(three.as_slice(), gathered_rows(view, &[6, 0, 3]));
        assert_eq!(view.select_rows_as::<C3>(&[6, 0, 3]), three);
        // Rows of the transpose are the columns.
        let cols = view.t().try_select_rows(&[3, 0]).unwrap();
        assert_eq!(cols, view.to_matrix().transpose().select_rows(&[3, 0]));
    }
}

#[test]
fn gathering_from_a_matrix_with_no_columns_or_no_rows() {
    let no_cols = Matrix::<Dyn, Const<0>>::zeros_with(Dyn(4), Const);
    let got = no_cols.try_select_rows(&[3, 0, 3]).unwrap();
    assert_eq!((got.rows(), got.cols()), (3, 0));
    assert_eq!(
        no_cols.try_select_rows(&[4]).unwrap_err(),
        ShapeError::RowIndex {
            index: 4,
            position: 0,
            rows: 4
        }
    );
    let no_rows = numbered(0, 2);
    assert_eq!(no_rows.try_select_rows(&[]).unwrap().rows(), 0);
    assert_eq!(
        no_rows.try_select_rows(&[0]).unwrap_err().to_string(),
        "row index 0, at position 0 of the indices, is out of range for 0 rows"
    );
}

#[test]
fn an_index_out_of_range_is_an_error_naming_the_index_its_position_and_the_row_count() {
    let m = numbered(5, 3);
    let err = m.try_select_rows(&[0, 4, 5, 9]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::RowIndex {
            index: 5,
            position: 2,
            rows: 5
        },
        "the first index out of range"
    );
    assert_eq!(
        err.to_string(),
        "row index 5, at position 2 of the indices, is out of range for 5 rows"
    );
    assert_eq!(m.t().t().try_select_rows(&[0, 4, 5, 9]).unwrap_err(), err);
    assert_eq!(
        m.try_select_rows_as::<Const<4>>(&[0, 4, 5, 9]).unwrap_err(),
        err
    );
    assert_eq!(
        m.try_select_rows(&[usize::MAX]).unwrap_err().to_string(),
        format!(
            "row index {}, at position 0 of the indices, is out of range for 5 rows",
            usize::MAX
        )
    );
}

#[test]
fn a_static_row_dimension_of_another_size_than_the_index_count_is_an_error_naming_both() {
    dim!(Batch = 4);
    let m = numbered(5, 3);
    let err = m.try_select_rows_as::<Batch>(&[0, 1, 2]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::RowCount {
            expected: 4,
            given: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "the row dimension fixes 4 rows, but 3 row indices were given"
    );
    // The count is checked first, then the indices: nothing is truncated or padded.
    assert_eq!(
        m.try_select_rows_as::<Batch>(&[9; 5]).unwrap_err(),
        ShapeError::RowCount {
            expected: 4,
            given: 5
        }
    );
    assert_eq!(
        m.try_select_rows_as::<Const<1>>(&[])
            .unwrap_err()
            .to_string(),
        "the row dimension fixes 1 row, but 0 row indices were given"
    );
    assert_eq!(
        m.try_select_rows_as::<C2>(&[1]).unwrap_err().to_string(),
        "the row dimension fixes 2 rows, but 1 row index was given"
    );
}

/// The proptest configuration: a fixed seed, no failure file, so a run is reproducible.
fn config() -> Config {
    Config {
        cases: 256,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0xBA7C_0001),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_run_of_rows_of_any_layout_equals_the_copy(
        rows in 0usize..12,
        cols in 0usize..6,
        transposed in any::<bool>(),
        a in 0usize..13,
        b in 0usize..13,
    ) {
        let stored = numbered(rows, cols);
        let view = if transposed { stored.t().try_into_dims::<Dyn, Dyn>().unwrap() } else { stored.view() };
        let (start, end) = (a.min(b), a.max(b));
        match view.try_rows_range(start..end) {
            Ok(run) => {
                prop_assert!(end <= view.rows());
                let copy = run.to_matrix();
                prop_assert_eq!(copy.as_slice(), copied_rows(view, start, end));
            }
            Err(err) => {
                prop_assert!(end > view.rows());
                prop_assert_eq!(err, ShapeError::RowRange { start, end, rows: view.rows() });
            }
        }
    }
}
