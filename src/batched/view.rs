//! [`BatchedRef`]: a borrowed, strided view of a batch of matrices; `.t()` transposes every item.

use core::fmt;

use crate::{Dim, MatRef, Scalar};

/// A borrowed view of a batch of `B` matrices, each `R × C`: a slice, the three dimensions, the
/// distance between items and a stride for rows and for columns within each item.
///
/// Views come from [`Batched::view`](crate::Batched::view) and [`Batched::t`](crate::Batched::t).
/// Transposing swaps every item's dimensions and strides, while the distance between items stays,
/// so `k.t()` costs nothing, and each item reaches the GEMM kernel as strides.
///
/// ```
/// use shapegrad::{Batched, Const, Dyn};
/// let x = Batched::from_fn_with(Dyn(2), Const::<2>, Const::<3>, |k, i, j| (100 * k + 10 * i + j) as f32);
/// let xt = x.t(); // two 3×2 items
/// assert_eq!((xt.batch(), xt.rows(), xt.cols()), (2, 3, 2));
/// assert_eq!(xt.get(1, 2, 0), Some(102.0));
/// assert_eq!(xt.item(1).to_matrix(), x.item(1).t().to_matrix());
/// ```
pub struct BatchedRef<'a, B: Dim, R: Dim, C: Dim, T: Scalar = f32> {
    // Invariant: data.len() == batch · rows · cols, batch_stride == rows · cols, and the strides
    // are (cols, 1) or, transposed, (1, rows): every item lies inside its own run of the buffer.
    data: &'a [T],
    batch: B,
    rows: R,
    cols: C,
    batch_stride: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<B: Dim, R: Dim, C: Dim, T: Scalar> Clone for BatchedRef<'_, B, R, C, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B: Dim, R: Dim, C: Dim, T: Scalar> Copy for BatchedRef<'_, B, R, C, T> {}

impl<'a, B: Dim, R: Dim, C: Dim, T: Scalar> BatchedRef<'a, B, R, C, T> {
    /// A view of a buffer of exactly `batch · rows · cols` elements, items contiguous and each
    /// row-major: what a [`Batched`](crate::Batched) holds.
    pub(crate) fn contiguous(data: &'a [T], batch: B, rows: R, cols: C) -> Self {
        let item = rows.size().saturating_mul(cols.size());
        assert_eq!(
            batch.size().checked_mul(item),
            Some(data.len()),
            "shapegrad bug: a batched view over a buffer of the wrong length"
        );
        BatchedRef {
            data,
            batch,
            rows,
            cols,
            batch_stride: item,
            row_stride: cols.size(),
            col_stride: 1,
        }
    }

    /// Number of items.
    #[inline]
    pub fn batch(&self) -> usize {
        self.batch.size()
    }

    /// Number of rows of every item.
    #[inline]
    pub fn rows(&self) -> usize {
        self.rows.size()
    }

    /// Number of columns of every item.
    #[inline]
    pub fn cols(&self) -> usize {
        self.cols.size()
    }

    /// The dimensions as values: `(batch, rows, cols)`.
    #[inline]
    pub fn dims(&self) -> (B, R, C) {
        (self.batch, self.rows, self.cols)
    }

    /// Element `(i, j)` of item `k`, or `None` when out of range.
    #[inline]
    pub fn get(&self, k: usize, i: usize, j: usize) -> Option<T> {
        (k < self.batch() && i < self.rows() && j < self.cols())
            .then(|| self.data[k * self.batch_stride + i * self.row_stride + j * self.col_stride])
    }

    /// Item `k`, as a view of the same buffer: no copy; a transposed batch gives transposed items.
    ///
    /// # Panics
    /// When `k` is not below [`batch`](Self::batch).
    #[track_caller]
    pub fn item(&self, k: usize) -> MatRef<'a, R, C, T> {
        let b = self.batch();
        assert!(k < b, "item {k} is out of range for a batch of {b} items");
        let start = k * self.batch_stride;
        let data = &self.data[start..start + self.batch_stride];
        match MatRef::try_from_strided(self.rows, self.cols, self.row_stride, self.col_stride, data)
        {
            Ok(v) => v,
            Err(e) => panic!("shapegrad bug: an item outside its run of the buffer: {e}"),
        }
    }

    /// Every item as a view, in order.
    pub fn items(self) -> impl ExactSizeIterator<Item = MatRef<'a, R, C, T>> {
        (0..self.batch()).map(move |k| self.item(k))
    }

    /// Every item transposed, as a view of the same buffer: a batch of `C × R` items, no copy.
    /// The batch dimension and the distance between items stay.
    #[inline]
    pub fn t(self) -> BatchedRef<'a, B, C, R, T> {
        BatchedRef {
            data: self.data,
            batch: self.batch,
            rows: self.cols,
            cols: self.rows,
            batch_stride: self.batch_stride,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }

    /// The same view with its batch and row dimensions retyped, after a run-time check of their
    /// sizes.
    pub(crate) fn try_retype<B2: Dim, R2: Dim>(
        self,
    ) -> Result<BatchedRef<'a, B2, R2, C, T>, crate::ShapeError> {
        Ok(BatchedRef {
            data: self.data,
            batch: crate::matrix::retype(self.batch, "batch")?,
            rows: crate::matrix::retype(self.rows, "rows")?,
            cols: self.cols,
            batch_stride: self.batch_stride,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        })
    }

    /// The same view with its column dimension retyped to `cols`.
    ///
    /// # Panics
    /// When `cols` has another size; checked in every build, because the bounds invariant rests
    /// on it.
    #[track_caller]
    pub(crate) fn with_cols<C2: Dim>(self, cols: C2) -> BatchedRef<'a, B, R, C2, T> {
        assert_eq!(
            cols.size(),
            self.cols(),
            "a retyped column dimension changed its size"
        );
        BatchedRef {
            data: self.data,
            batch: self.batch,
            rows: self.rows,
            cols,
            batch_stride: self.batch_stride,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// Copies the view into an owned batch, every item row-major.
    pub fn to_batched(&self) -> crate::Batched<B, R, C, T> {
        crate::Batched::from_fn_with(self.batch, self.rows, self.cols, |k, i, j| {
            self.data[k * self.batch_stride + i * self.row_stride + j * self.col_stride]
        })
    }
}

impl<B: Dim, R: Dim, C: Dim, T: Scalar> fmt::Debug for BatchedRef<'_, B, R, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items()).finish()
    }
}
