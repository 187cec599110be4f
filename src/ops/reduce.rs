//! Reductions: the sum of all elements, of each column (a `1 × C` row) and of each row
//! (an `R × 1` column).

use crate::{Const, Dim, Matrix, Scalar};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The sum of all elements.
    pub fn sum(&self) -> T {
        self.as_slice().iter().copied().sum()
    }

    /// The sum of each column, as a `1 × C` row: `out[0, j] = Σᵢ self[i, j]`.
    ///
    /// This is the gradient of a bias row `b` added to every row of `Y = X · A + b`:
    /// `db = dY.col_sums()`. The row's type is `Matrix<Const<1>, C>`, the bias's own, so summing
    /// over the wrong axis ([`row_sums`](Self::row_sums), an `R × 1` column) does not compile.
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 3, Out = 2);
    ///
    /// let dy = Matrix::<Batch, Out>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let db: Matrix<Const<1>, Out> = dy.col_sums();
    /// assert_eq!(db.as_slice(), &[9.0, 12.0]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has no rows and more [`Dyn`](crate::Dyn) columns than one allocation can
    /// hold ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn col_sums(&self) -> Matrix<Const<1>, C, T> {
        let mut out = Matrix::zeros_with(Const, self.dims().1);
        let sums = out.as_mut_slice();
        if !sums.is_empty() {
            for row in self.as_slice().chunks_exact(sums.len()) {
                sums.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
            }
        }
        out
    }

    /// The sum of each row, as an `R × 1` column: `out[i, 0] = Σⱼ self[i, j]`.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let m = Matrix::<Const<2>, Const<3>>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(m.row_sums().as_slice(), &[6.0, 15.0]);
    /// ```
    ///
    /// # Panics
    /// When the matrix has no columns and more [`Dyn`](crate::Dyn) rows than one allocation can
    /// hold ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn row_sums(&self) -> Matrix<R, Const<1>, T> {
        match self.cols() {
            0 => Matrix::zeros_with(self.dims().0, Const),
            c => {
                let out = self
                    .as_slice()
                    .chunks_exact(c)
                    .map(|row| row.iter().copied().sum())
                    .collect();
                Matrix::from_vec_unchecked(self.dims().0, Const, out)
            }
        }
    }
}
