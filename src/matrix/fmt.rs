//! `Debug` for matrices and views: the shape and element type, then the rows.

use core::fmt;

use crate::{Dim, Matrix, Scalar};

pub(crate) fn debug_rows<T: Scalar>(
    f: &mut fmt::Formatter<'_>,
    kind: &str,
    rows: usize,
    cols: usize,
    at: impl Fn(usize, usize) -> T,
) -> fmt::Result {
    write!(f, "{kind}<{rows}×{cols}, {}> ", T::NAME)?;
    let mut list = f.debug_list();
    for i in 0..rows {
        list.entry(&(0..cols).map(|j| at(i, j)).collect::<Vec<_>>());
    }
    list.finish()
}

impl<R: Dim, C: Dim, T: Scalar> fmt::Debug for Matrix<R, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_rows(f, "Matrix", self.rows(), self.cols(), |i, j| {
            self.as_slice()[i * self.cols() + j]
        })
    }
}
