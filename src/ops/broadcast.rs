//! Broadcasts: a [`Binary`] function of an `R × C` matrix and a `1 × C` row, repeated down every
//! row (`y[i, j] = f(a[i, j], row[0, j])`, a bias), or an `R × 1` column, repeated across every
//! column (`y[i, j] = f(a[i, j], col[i, 0])`, a per-example scale).
//!
//! The backward gives the matrix's gradient in its own type and reduces the broadcast operand's
//! (sums it along the axis it was repeated over) back to the operand's type:
//! `drow[0, j] = Σᵢ dy[i, j] · ∂f/∂b` is a `Matrix<Const<1>, C>`, `dcol[i, 0] = Σⱼ …` a
//! `Matrix<R, Const<1>>`. A bias of the wrong orientation, or a gradient reduced over the wrong
//! axis, does not compile. Each forward and backward is one pass over the matrix.

use super::binary::{check_shapes, per_variant, shape};
use crate::error::OrPanic;
use crate::{Binary, BinaryGrads, Const, Dim, Matrix, Scalar, ShapeError, Write};

/// The forwards: a row over every row, a column over every column.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `f(self[i, j], row[0, j])` for every element: `row` applied to every row, into a new
    /// matrix. [`add_row_to_each`](Self::add_row_to_each) adds a row in place.
    ///
    /// ```
    /// use shapegrad::{dim, Binary, Const, Matrix};
    /// dim!(Batch = 2, Out = 3);
    ///
    /// let y = Matrix::<Batch, Out>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let bias = Matrix::<Const<1>, Out>::from_rows([[0.5, 0.0, -0.5]]);
    /// let z = y.broadcast_row(Binary::Add, &bias);
    /// assert_eq!(z.as_slice(), &[1.5, 2.0, 2.5, 4.5, 5.0, 5.5]);
    /// ```
    ///
    /// A bias is a `1 × C` row; an `R × 1` column (the shape of one value per example) does not
    /// compile:
    ///
    /// ```compile_fail
    /// use shapegrad::{dim, Binary, Const, Matrix};
    /// dim!(Batch = 2, Out = 3);
    /// let y = Matrix::<Batch, Out>::ones();
    /// let bias = Matrix::<Batch, Const<1>>::ones();
    /// let _ = y.broadcast_row(Binary::Add, &bias); // expected `&Matrix<Const<1>, Out>`
    /// ```
    ///
    /// # Panics
    /// When `C` is [`Dyn`](crate::Dyn) and `row` has another number of columns, at the caller's
    /// line; see [`try_broadcast_row`](Self::try_broadcast_row).
    #[track_caller]
    pub fn broadcast_row(&self, f: Binary, row: &Matrix<Const<1>, C, T>) -> Self {
        self.try_broadcast_row(f, row).or_panic()
    }

    /// Like [`broadcast_row`](Self::broadcast_row), but a [`Dyn`](crate::Dyn) column count that
    /// disagrees is a [`ShapeError::Mismatch`].
    pub fn try_broadcast_row(
        &self,
        f: Binary,
        row: &Matrix<Const<1>, C, T>,
    ) -> Result<Self, ShapeError> {
        check_shapes(
            (1, self.cols()),
            [Some((
                shape(row),
                "broadcast_row: the row must have the matrix's columns",
            ))],
        )?;
        let mut data = Vec::with_capacity(self.as_slice().len());
        for a in self.rows_iter() {
            data.extend(a.iter().zip(row.as_slice()).map(|(&a, &b)| f.apply(a, b)));
        }
        Ok(Self::from_vec_unchecked(self.dims().0, self.dims().1, data))
    }

    /// `f(self[i, j], col[i, 0])` for every element: `col` applied to every column, into a new
    /// matrix.
    ///
    /// ```
    /// use shapegrad::{dim, Binary, Const, Matrix};
    /// dim!(Batch = 2, Out = 3);
    ///
    /// let y = Matrix::<Batch, Out>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let weight = Matrix::<Batch, Const<1>>::from_rows([[2.0], [0.5]]);
    /// let z = y.broadcast_col(Binary::Hadamard, &weight);
    /// assert_eq!(z.as_slice(), &[2.0, 4.0, 6.0, 2.0, 2.5, 3.0]);
    /// ```
    ///
    /// # Panics
    /// When `R` is [`Dyn`](crate::Dyn) and `col` has another number of rows, at the caller's
    /// line; see [`try_broadcast_col`](Self::try_broadcast_col).
    #[track_caller]
    pub fn broadcast_col(&self, f: Binary, col: &Matrix<R, Const<1>, T>) -> Self {
        self.try_broadcast_col(f, col).or_panic()
    }

    /// Like [`broadcast_col`](Self::broadcast_col), but a [`Dyn`](crate::Dyn) row count that
    /// disagrees is a [`ShapeError::Mismatch`].
    pub fn try_broadcast_col(
        &self,
        f: Binary,
        col: &Matrix<R, Const<1>, T>,
    ) -> Result<Self, ShapeError> {
        check_shapes(
            (self.rows(), 1),
            [Some((
                shape(col),
                "broadcast_col: the column must have the matrix's rows",
            ))],
        )?;
        let mut data = Vec::with_capacity(self.as_slice().len());
        for (a, &b) in self.rows_iter().zip(col.as_slice()) {
            data.extend(a.iter().map(|&a| f.apply(a, b)));
        }
        Ok(Self::from_vec_unchecked(self.dims().0, self.dims().1, data))
    }
}

/// The backwards of the broadcasts.
impl Binary {
    /// The gradients of [`broadcast_row`](Matrix::broadcast_row)'s operands: `da = dy ⊙ ∂f/∂a`,
    /// of `a`'s type, and `db[0, j] = Σᵢ dy[i, j] · ∂f/∂b`, of the row's type.
    ///
    /// For [`Binary::Add`], `db` is `dy.col_sums()`, the gradient of a bias:
    ///
    /// ```
    /// use shapegrad::{dim, Binary, BinaryGrads, Const, Matrix};
    /// dim!(Batch = 3, Out = 2);
    ///
    /// let y = Matrix::<Batch, Out>::zeros();
    /// let bias = Matrix::<Const<1>, Out>::ones();
    /// let dz = Matrix::<Batch, Out>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let BinaryGrads { da, db } = Binary::Add.backward_row(&y, &bias, &dz);
    /// let (dy, dbias): (Matrix<Batch, Out>, Matrix<Const<1>, Out>) = (da, db);
    /// assert_eq!(dbias, dz.col_sums());
    /// assert_eq!(dy, dz);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `row` or `dy` disagrees with `a`'s, at the caller's
    /// line; see [`try_backward_row_into`](Self::try_backward_row_into).
    #[track_caller]
    pub fn backward_row<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        row: &Matrix<Const<1>, C, T>,
        dy: &Matrix<R, C, T>,
    ) -> BinaryGrads<Matrix<R, C, T>, Matrix<Const<1>, C, T>> {
        let (r, c) = a.dims();
        let (mut da, mut db) = (Matrix::zeros_with(r, c), Matrix::zeros_with(Const, c));
        self.try_backward_row_into(a, row, dy, Some(&mut da), Some(&mut db), Write::Overwrite)
            .or_panic();
        BinaryGrads { da, db }
    }

    /// Writes the gradients of [`broadcast_row`](Matrix::broadcast_row)'s operands into `da` and
    /// `drow`, replacing ([`Write::Overwrite`]) or adding to ([`Write::Accumulate`]) what they
    /// hold, in one pass over `a` and `dy` and without allocating. Either may be `None` when that
    /// operand needs no gradient.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size disagrees: `row` or `drow` without
    /// `a`'s columns, `dy` or `da` without `a`'s shape. `da` and `drow` are then untouched.
    pub fn try_backward_row_into<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        row: &Matrix<Const<1>, C, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        mut drow: Option<&mut Matrix<Const<1>, C, T>>,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_shapes(
            (1, a.cols()),
            [
                Some((
                    shape(row),
                    "row broadcast backward: the row must have a's columns",
                )),
                drow.as_deref().map(|m| {
                    (
                        shape(m),
                        "row broadcast backward: drow must have the row's shape",
                    )
                }),
            ],
        )?;
        check_shapes(
            shape(a),
            [
                Some((shape(dy), "row broadcast backward: dy must have a's shape")),
                da.as_deref()
                    .map(|m| (shape(m), "row broadcast backward: da must have a's shape")),
            ],
        )?;
        // The row's gradient is a sum over rows, added up in place: from zero to overwrite.
        if let (Some(drow), Write::Overwrite) = (drow.as_deref_mut(), write) {
            drow.as_mut_slice().fill(T::ZERO);
        }
        match write {
            Write::Overwrite => {
                per_variant!(self, f => f.row_grads(a, row, dy, da, drow, |d, v| *d = v))
            }
            Write::Accumulate => {
                per_variant!(self, f => f.row_grads(a, row, dy, da, drow, |d, v| *d += v))
            }
        }
        Ok(())
    }

    /// The loops of [`try_backward_row_into`](Self::try_backward_row_into), after its checks:
    /// `put` writes or adds one element of `da`; `drow` is always added to.
    #[inline(always)]
    fn row_grads<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        row: &Matrix<Const<1>, C, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        mut drow: Option<&mut Matrix<Const<1>, C, T>>,
        put: impl Fn(&mut T, T),
    ) {
        let b = row.as_slice();
        let mut da_rows = da.map(Matrix::rows_iter_mut);
        for (a, g) in a.rows_iter().zip(dy.rows_iter()) {
            let terms = a.iter().zip(b).zip(g);
            match (
                da_rows.as_mut().and_then(Iterator::next),
                drow.as_deref_mut(),
            ) {
                (Some(da), Some(db)) => {
                    let out = da.iter_mut().zip(db.as_mut_slice());
                    for ((da, db), ((&a, &b), &g)) in out.zip(terms) {
                        let (pa, pb) = self.partials(a, b);
                        put(da, g * pa);
                        *db += g * pb;
                    }
                }
                (Some(da), None) => {
                    for (da, ((&a, &b), &g)) in da.iter_mut().zip(terms) {
                        put(da, g * self.partials(a, b).0);
                    }
                }
                (None, Some(db)) => {
                    for (db, ((&a, &b), &g)) in db.as_mut_slice().iter_mut().zip(terms) {
                        *db += g * self.partials(a, b).1;
                    }
                }
                (None, None) => return,
            }
        }
    }

    /// The gradients of [`broadcast_col`](Matrix::broadcast_col)'s operands: `da = dy ⊙ ∂f/∂a`,
    /// of `a`'s type, and `db[i, 0] = Σⱼ dy[i, j] · ∂f/∂b`, of the column's type.
    ///
    /// ```
    /// use shapegrad::{dim, Binary, BinaryGrads, Const, Matrix};
    /// dim!(Batch = 2, Out = 3);
    ///
    /// let y = Matrix::<Batch, Out>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let w = Matrix::<Batch, Const<1>>::from_rows([[2.0], [0.5]]);
    /// // l = Σ y ⊙ w: dl/dw is the sum of each row of y.
    /// let BinaryGrads { db, .. } = Binary::Hadamard.backward_col(&y, &w, &Matrix::ones());
    /// let dw: Matrix<Batch, Const<1>> = db;
    /// assert_eq!(dw, y.row_sums());
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `col` or `dy` disagrees with `a`'s, at the caller's
    /// line; see [`try_backward_col_into`](Self::try_backward_col_into).
    #[track_caller]
    pub fn backward_col<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        col: &Matrix<R, Const<1>, T>,
        dy: &Matrix<R, C, T>,
    ) -> BinaryGrads<Matrix<R, C, T>, Matrix<R, Const<1>, T>> {
        let (r, c) = a.dims();
        let (mut da, mut db) = (Matrix::zeros_with(r, c), Matrix::zeros_with(r, Const));
        self.try_backward_col_into(a, col, dy, Some(&mut da), Some(&mut db), Write::Overwrite)
            .or_panic();
        BinaryGrads { da, db }
    }

    /// Writes the gradients of [`broadcast_col`](Matrix::broadcast_col)'s operands into `da` and
    /// `dcol`, replacing ([`Write::Overwrite`]) or adding to ([`Write::Accumulate`]) what they
    /// hold, in one pass over `a` and `dy` and without allocating. Either may be `None` when that
    /// operand needs no gradient.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size disagrees: `col` or `dcol`
    /// without `a`'s rows, `dy` or `da` without `a`'s shape. `da` and `dcol` are then untouched.
    pub fn try_backward_col_into<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        col: &Matrix<R, Const<1>, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        dcol: Option<&mut Matrix<R, Const<1>, T>>,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_shapes(
            (a.rows(), 1),
            [
                Some((
                    shape(col),
                    "column broadcast backward: the column must have a's rows",
                )),
                dcol.as_deref().map(|m| {
                    (
                        shape(m),
                        "column broadcast backward: dcol must have the column's shape",
                    )
                }),
            ],
        )?;
        check_shapes(
            shape(a),
            [
                Some((
                    shape(dy),
                    "column broadcast backward: dy must have a's shape",
                )),
                da.as_deref().map(|m| {
                    (
                        shape(m),
                        "column broadcast backward: da must have a's shape",
                    )
                }),
            ],
        )?;
        match write {
            Write::Overwrite => {
                per_variant!(self, f => f.col_grads(a, col, dy, da, dcol, |d, v| *d = v))
            }
            Write::Accumulate => {
                per_variant!(self, f => f.col_grads(a, col, dy, da, dcol, |d, v| *d += v))
            }
        }
        Ok(())
    }

    /// The loops of [`try_backward_col_into`](Self::try_backward_col_into), after its checks:
    /// `put` writes or adds one element of `da` or `dcol`.
    #[inline(always)]
    fn col_grads<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        col: &Matrix<R, Const<1>, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        dcol: Option<&mut Matrix<R, Const<1>, T>>,
        put: impl Fn(&mut T, T),
    ) {
        let rows = a.rows_iter().zip(dy.rows_iter()).zip(col.as_slice());
        match (da, dcol) {
            (Some(da), Some(dcol)) => {
                let out = da.rows_iter_mut().zip(dcol.as_mut_slice());
                for ((da, db), ((a, g), &b)) in out.zip(rows) {
                    let mut sum = T::ZERO;
                    for ((da, &a), &g) in da.iter_mut().zip(a).zip(g) {
                        let (pa, pb) = self.partials(a, b);
                        put(da, g * pa);
                        sum += g * pb;
                    }
                    put(db, sum);
                }
            }
            (Some(da), None) => {
                for (da, ((a, g), &b)) in da.rows_iter_mut().zip(rows) {
                    for ((da, &a), &g) in da.iter_mut().zip(a).zip(g) {
                        put(da, g * self.partials(a, b).0);
                    }
                }
            }
            (None, Some(dcol)) => {
                for (db, ((a, g), &b)) in dcol.as_mut_slice().iter_mut().zip(rows) {
                    let terms = a.iter().zip(g);
                    put(db, terms.map(|(&a, &g)| g * self.partials(a, b).1).sum());
                }
            }
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Binary, BinaryGrads, Const, Dim, Dyn, Matrix, Write, gradcheck};

    const ALL: [Binary; 4] = [Binary::Add, Binary::Sub, Binary::Hadamard, Binary::Div];

    /// Random `a` in [−2, 2), and a `rows × cols` broadcast operand kept away from 0.
    fn operands<R: Dim, C: Dim, R2: Dim, C2: Dim>(
        (rows, cols): (R, C),
        (b_rows, b_cols): (R2, C2),
        seed: u64,
    ) -> (Matrix<R, C, f64>, Matrix<R2, C2, f64>) {
        let a = Matrix::rand_with(rows, cols, seed).map(|v| 4.0 * v - 2.0);
        let b = Matrix::rand_with(b_rows, b_cols, seed + 1).map(|v: f64| {
            let v = 4.0 * v - 2.0;
            v + 0.5 * v.signum()
        });
        (a, b)
    }

    fn check_row<R: Dim, C: Dim>(f: Binary, rows: R, cols: C, seed: u64) {
        let (a, row) = operands((rows, cols), (Const::<1>, cols), seed);
        let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 2).map(|v| v - 0.5);
        let BinaryGrads { da, db } = f.backward_row(&a, &row, &r);
        let loss = |(a, row): &(Matrix<R, C, f64>, Matrix<Const<1>, C, f64>)| {
            a.broadcast_row(f, row).hadamard(&r).sum()
        };
        let report = gradcheck::check(&(a, row), &(da, db), loss);
        let tol = gradcheck::tolerance(rows.size() * cols.size());
        assert!(report.max_error() <= tol, "{f:?} row: {report}");
    }

    fn check_col<R: Dim, C: Dim>(f: Binary, rows: R, cols: C, seed: u64) {
        let (a, col) = operands((rows, cols), (rows, Const::<1>), seed);
        let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 2).map(|v| v - 0.5);
        let BinaryGrads { da, db } = f.backward_col(&a, &col, &r);
        let loss = |(a, col): &(Matrix<R, C, f64>, Matrix<R, Const<1>, f64>)| {
            a.broadcast_col(f, col).hadamard(&r).sum()
        };
        let report = gradcheck::check(&(a, col), &(da, db), loss);
        let tol = gradcheck::tolerance(rows.size() * cols.size());
        assert!(report.max_error() <= tol, "{f:?} col: {report}");
    }

    #[test]
    fn every_backward_matches_central_differences_static_and_dyn() {
        for (i, f) in ALL.into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_row(f, Const::<3>, Const::<5>, seed);
            check_row(f, Dyn(7), Const::<2>, seed + 3);
            check_row(f, Const::<4>, Dyn(3), seed + 4);
            check_row(f, Dyn(1), Dyn(11), seed + 5);
            check_col(f, Const::<3>, Const::<5>, seed + 6);
            check_col(f, Dyn(7), Const::<2>, seed + 7);
            check_col(f, Const::<4>, Dyn(3), seed + 8);
            check_col(f, Dyn(11), Dyn(1), seed + 9);
        }
    }

    #[test]
    fn forwards_match_their_definitions_and_add_row_to_each() {
        let a = Matrix::<Const<2>, Const<3>, f64>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let row = Matrix::<Const<1>, Const<3>, f64>::from_rows([[1.0, -1.0, 2.0]]);
        let col = Matrix::<Const<2>, Const<1>, f64>::from_rows([[2.0], [-4.0]]);
        let mut in_place = a.clone();
        in_place.add_row_to_each(&row);
        assert_eq!(a.broadcast_row(Binary::Add, &row), in_place);
        for f in ALL {
            let by_row = Matrix::from_fn(|i, j| f.apply(a[(i, j)], row[(0, j)]));
            let by_col = Matrix::from_fn(|i, j| f.apply(a[(i, j)], col[(i, 0)]));
            assert_eq!(a.broadcast_row(f, &row), by_row, "{f:?}");
            assert_eq!(a.broadcast_col(f, &col), by_col, "{f:?}");
        }
    }

    #[test]
    fn an_add_reduces_to_the_column_and_row_sums() {
        let a = Matrix::<Dyn, Const<3>, f64>::rand_with(Dyn(4), Const, 1);
        let dy = Matrix::<Dyn, Const<3>, f64>::rand_with(Dyn(4), Const, 2);
        let grads = Binary::Add.backward_row(&a, &Matrix::zeros_with(Const, Const), &dy);
        assert_eq!((&grads.da, &grads.db), (&dy, &dy.col_sums()));
        let grads = Binary::Add.backward_col(&a, &Matrix::zeros_with(Dyn(4), Const), &dy);
        assert_eq!((&grads.da, &grads.db), (&dy, &dy.row_sums()));
    }

    #[test]
    fn f32_follows_f64_to_within_rounding() {
        let (a64, row64) = operands((Const::<4>, Const::<6>), (Const::<1>, Const::<6>), 3);
        let col64 = Matrix::<Const<4>, Const<1>, f64>::from_fn(|i, _| row64[(0, i)]);
        let a32 = Matrix::<Const<4>, Const<6>, f32>::from_fn(|i, j| a64[(i, j)] as f32);
        let row32 = Matrix::<Const<1>, Const<6>, f32>::from_fn(|_, j| row64[(0, j)] as f32);
        let col32 = Matrix::<Const<4>, Const<1>, f32>::from_fn(|i, _| row64[(0, i)] as f32);
        for f in ALL {
            let pairs = [
                (a32.broadcast_row(f, &row32), a64.broadcast_row(f, &row64)),
                (a32.broadcast_col(f, &col32), a64.broadcast_col(f, &col64)),
            ];
            for (got, want) in pairs {
                for (g, w) in got.as_slice().iter().zip(want.as_slice()) {
                    let tol = 8.0 * f64::from(f32::EPSILON) * w.abs().max(1.0);
                    assert!((f64::from(*g) - w).abs() <= tol, "{f:?}: {g} vs {w}");
                }
            }
        }
    }

    #[test]
    fn backward_into_accumulates_writes_one_side_and_checks_dyn_sizes() {
        let a = Matrix::<Dyn, Dyn, f64>::from_fn_with(Dyn(2), Dyn(2), |i, j| (2 * i + j) as f64);
        let dy = Matrix::filled_with(Dyn(2), Dyn(2), 1.0);
        let row = Matrix::<Const<1>, Dyn, f64>::filled_with(Const, Dyn(2), 2.0);
        let (mut da, mut drow) = (dy.clone(), Matrix::filled_with(Const, Dyn(2), 1.0));
        Binary::Hadamard
            .try_backward_row_into(
                &a,
                &row,
                &dy,
                Some(&mut da),
                Some(&mut drow),
                Write::Accumulate,
            )
            .unwrap();
        assert_eq!(da.as_slice(), &[3.0; 4]);
        assert_eq!(drow.as_slice(), &[1.0 + 2.0, 1.0 + 4.0]);
        Binary::Hadamard
            .try_backward_row_into(&a, &row, &dy, None, Some(&mut drow), Write::Overwrite)
            .unwrap();
        assert_eq!(drow.as_slice(), &[2.0, 4.0]);
        assert_eq!(da.as_slice(), &[3.0; 4], "da was not asked for");

        let wide = Matrix::<Const<1>, Dyn, f64>::filled_with(Const, Dyn(3), 2.0);
        let err = Binary::Add.try_backward_row_into(
            &a,
            &wide,
            &dy,
            Some(&mut da),
            None,
            Write::Overwrite,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "row broadcast backward: the row must have a's columns: expected a 1×2 matrix, but \
             a 1×3 matrix was given"
        );
        let mut drow3 = wide.clone();
        let err = Binary::Add.try_backward_row_into(
            &a,
            &row,
            &dy,
            Some(&mut da),
            Some(&mut drow3),
            Write::Overwrite,
        );
        assert!(
            err.unwrap_err()
                .to_string()
                .starts_with("row broadcast backward: drow")
        );
        assert_eq!(
            (da.as_slice(), &drow3),
            (&[3.0; 4][..], &wide),
            "untouched on error"
        );
        let err = a.try_broadcast_row(Binary::Add, &wide).unwrap_err();
        assert_eq!(
            err.to_string(),
            "broadcast_row: the row must have the matrix's columns: expected a 1×2 matrix, but \
             a 1×3 matrix was given"
        );

        let col = Matrix::<Dyn, Const<1>, f64>::filled_with(Dyn(2), Const, 2.0);
        let mut dcol = Matrix::filled_with(Dyn(2), Const, 1.0);
        Binary::Div
            .try_backward_col_into(&a, &col, &dy, None, Some(&mut dcol), Write::Accumulate)
            .unwrap();
        // d(a / b)/db = −a / b², summed over each row: −(0 + 1)/4 and −(2 + 3)/4.
        assert_eq!(dcol.as_slice(), &[1.0 - 0.25, 1.0 - 1.25]);
        let tall = Matrix::<Dyn, Const<1>, f64>::filled_with(Dyn(3), Const, 2.0);
        let err = Binary::Add.try_backward_col_into(
            &a,
            &tall,
            &dy,
            None,
            Some(&mut dcol),
            Write::Overwrite,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "column broadcast backward: the column must have a's rows: expected a 2×1 matrix, \
             but a 3×1 matrix was given"
        );
        assert_eq!(dcol.as_slice(), &[0.75, -0.25], "untouched on error");
        let err = a.try_broadcast_col(Binary::Add, &tall).unwrap_err();
        assert_eq!(
            err.to_string(),
            "broadcast_col: the column must have the matrix's rows: expected a 2×1 matrix, but \
             a 3×1 matrix was given"
        );
    }

    #[test]
    fn matrices_without_rows_or_columns_reduce_to_zeros() {
        let a = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(3), Dyn(0));
        let col = Matrix::filled_with(Dyn(3), Const, 2.0);
        assert_eq!(a.broadcast_col(Binary::Add, &col), a);
        let grads = Binary::Hadamard.backward_col(&a, &col, &a);
        assert_eq!(grads.db.as_slice(), &[0.0; 3]);
        let a = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(0), Dyn(2));
        let row = Matrix::filled_with(Const, Dyn(2), 2.0);
        assert_eq!(a.broadcast_row(Binary::Add, &row), a);
        let mut drow = row.clone();
        Binary::Add
            .try_backward_row_into(&a, &row, &a, None, Some(&mut drow), Write::Overwrite)
            .unwrap();
        assert_eq!(drow.as_slice(), &[0.0; 2]);
    }
}
