//! Row iterators: [`Matrix::rows_iter`] lends each row as a slice, [`Matrix::rows_iter_mut`] as a
//! mutable slice.
//!
//! They are `chunks_exact` over the row-major buffer, except that a matrix with no columns still
//! has its rows: `R` empty slices, where `chunks_exact(0)` would panic.

use core::iter::FusedIterator;

use crate::{Dim, Matrix, Scalar};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The rows, each a slice of [`cols`](Self::cols) elements, top to bottom.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let m = Matrix::<Const<2>, Const<3>>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let last: Vec<f32> = m.rows_iter().map(|row| row[2]).collect();
    /// assert_eq!(last, [3.0, 6.0]);
    /// assert_eq!(m.rows_iter().len(), 2);
    /// ```
    pub fn rows_iter(&self) -> RowsIter<'_, T> {
        RowsIter {
            rest: self.as_slice(),
            cols: self.cols(),
            left: self.rows(),
        }
    }

    /// The rows as mutable slices, top to bottom: for an operation on each row in place.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let mut m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 3.0], [2.0, 2.0]]);
    /// for row in m.rows_iter_mut() {
    ///     let total: f32 = row.iter().sum();
    ///     row.iter_mut().for_each(|v| *v /= total);
    /// }
    /// assert_eq!(m.as_slice(), &[0.25, 0.75, 0.5, 0.5]);
    /// ```
    pub fn rows_iter_mut(&mut self) -> RowsIterMut<'_, T> {
        let (cols, left) = (self.cols(), self.rows());
        RowsIterMut {
            rest: self.as_mut_slice(),
            cols,
            left,
        }
    }
}

/// The rows of a [`Matrix`] as slices, from [`Matrix::rows_iter`].
#[derive(Clone, Debug)]
pub struct RowsIter<'a, T> {
    /// The rows not yet lent, row-major.
    rest: &'a [T],
    /// Elements per row.
    cols: usize,
    /// Rows not yet lent: `rest.len() / cols`, and the only count when `cols` is 0.
    left: usize,
}

impl<'a, T> Iterator for RowsIter<'a, T> {
    type Item = &'a [T];

    #[inline]
    fn next(&mut self) -> Option<&'a [T]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (row, rest) = self.rest.split_at(self.cols);
        self.rest = rest;
        Some(row)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a, T> DoubleEndedIterator for RowsIter<'a, T> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a [T]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (rest, row) = self.rest.split_at(self.rest.len() - self.cols);
        self.rest = rest;
        Some(row)
    }
}

impl<T> ExactSizeIterator for RowsIter<'_, T> {}

impl<T> FusedIterator for RowsIter<'_, T> {}

/// The rows of a [`Matrix`] as mutable slices, from [`Matrix::rows_iter_mut`].
#[derive(Debug)]
pub struct RowsIterMut<'a, T> {
    /// The rows not yet lent, row-major.
    rest: &'a mut [T],
    /// Elements per row.
    cols: usize,
    /// Rows not yet lent: `rest.len() / cols`, and the only count when `cols` is 0.
    left: usize,
}

impl<'a, T> Iterator for RowsIterMut<'a, T> {
    type Item = &'a mut [T];

    #[inline]
    fn next(&mut self) -> Option<&'a mut [T]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // Moves the slice out, so that both halves keep the lifetime `'a`.
        let (row, rest) = core::mem::take(&mut self.rest).split_at_mut(self.cols);
        self.rest = rest;
        Some(row)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a, T> DoubleEndedIterator for RowsIterMut<'a, T> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a mut [T]> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let rest = core::mem::take(&mut self.rest);
        let at = rest.len() - self.cols;
        let (rest, row) = rest.split_at_mut(at);
        self.rest = rest;
        Some(row)
    }
}

impl<T> ExactSizeIterator for RowsIterMut<'_, T> {}

impl<T> FusedIterator for RowsIterMut<'_, T> {}

#[cfg(test)]
mod tests {
    use crate::{Const, Dyn, Matrix};

    #[test]
    fn rows_come_in_order_from_either_end() {
        let mut m = Matrix::<Const<3>, Const<2>>::from_fn(|i, j| (10 * i + j) as f32);
        let rows: Vec<&[f32]> = m.rows_iter().collect();
        assert_eq!(rows, [[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]]);
        let mut it = m.rows_iter();
        assert_eq!(it.next_back(), Some(&[20.0, 21.0][..]));
        assert_eq!(it.len(), 2);
        assert_eq!(it.next(), Some(&[0.0, 1.0][..]));
        assert_eq!(it.next_back(), Some(&[10.0, 11.0][..]));
        assert_eq!((it.next(), it.next_back()), (None, None));

        let mut it = m.rows_iter_mut();
        it.next_back().unwrap()[0] = -2.0;
        it.next().unwrap()[1] = -1.0;
        assert_eq!(it.len(), 1);
        it.next().unwrap().fill(5.0);
        assert!(it.next().is_none() && it.next_back().is_none());
        assert_eq!(m.as_slice(), &[0.0, -1.0, 5.0, 5.0, -2.0, 21.0]);
    }

    #[test]
    fn a_matrix_without_columns_has_empty_rows_and_one_without_rows_none() {
        let mut m = Matrix::<Dyn, Dyn>::zeros_with(Dyn(3), Dyn(0));
        assert_eq!(m.rows_iter().collect::<Vec<_>>(), [&[] as &[f32]; 3]);
        assert_eq!(m.rows_iter().rev().count(), 3);
        assert_eq!(m.rows_iter_mut().count(), 3);
        assert_eq!(m.rows_iter_mut().rev().count(), 3);
        let mut m = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(4));
        assert_eq!(m.rows_iter().count(), 0);
        assert_eq!(m.rows_iter_mut().next_back(), None);
    }
}
