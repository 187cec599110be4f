//! [`Batches`]: the rows of a data set cut into batches of a static size `B`, in order or
//! shuffled by a seed. Each batch is a [`Batch`]: `Full`, with `B` rows typed `B`, or `Rest`,
//! the last, shorter one, typed [`Dyn`]. Its [`BatchRows`] gather the same rows from every
//! matrix or slice of the data set, so features and labels stay paired.

use core::iter::FusedIterator;

use crate::error::OrPanic;
use crate::matrix::check_indices;
use crate::rng::SplitMix64;
use crate::{Dim, Dyn, IntoView, Matrix, Scalar, ShapeError, StaticDim};

/// One epoch of a data set of `n` rows, cut into batches of `B` rows: every row exactly once, in
/// order or in an order shuffled by a seed.
///
/// Iterating yields [`Batch::Full`] batches of exactly `B` rows, whose gathered matrices have the
/// static row dimension `B`, then, when `B` does not divide `n`, one [`Batch::Rest`] of the
/// `n mod B` rows left, whose matrices have [`Dyn`] rows (unless [`drop_last`](Self::drop_last)
/// drops it). One generic step function serves both: only the row dimension differs.
///
/// ```
/// use shapegrad::{dim, Batch, Batches, Dim, Dyn, Matrix};
/// dim!(B = 4, In = 3);
///
/// // A step written once, for any row dimension.
/// fn step<R: Dim>(x: &Matrix<R, In>, labels: &[usize]) -> usize {
///     assert_eq!(x.rows(), labels.len());
///     x.rows()
/// }
///
/// let n = 10; // known only at run time
/// let x = Matrix::<Dyn, In>::from_fn_with(Dyn(n), In, |i, j| (i * 3 + j) as f32);
/// let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();
///
/// let mut seen = 0;
/// for epoch in 0..2 {
///     for batch in &Batches::<B>::shuffled(n, 42, epoch) {
///         seen += match batch {
///             Batch::Full(rows) => step(&rows.gather(&x), &rows.gather_slice(&labels)),
///             Batch::Rest(rows) => step(&rows.gather(&x), &rows.gather_slice(&labels)),
///         };
///     }
/// }
/// assert_eq!(seen, 2 * n);
/// ```
///
/// A batch dimension of size 0 is a compile error where `Batches` is built:
///
/// ```compile_fail
/// let _ = shapegrad::Batches::<shapegrad::Const<0>>::in_order(10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batches<B: StaticDim> {
    /// The rows of the epoch, in the order they are visited: a permutation of `0..n`.
    order: Vec<usize>,
    batch: B,
    drop_last: bool,
}

impl<B: StaticDim> Batches<B> {
    /// The batches of the rows `0..n` in order: rows `0..B` first, then `B..2B`, and so on.
    ///
    /// ```
    /// use shapegrad::{Batches, Const};
    /// let batches = Batches::<Const<2>>::in_order(5);
    /// let indices: Vec<&[usize]> = batches.iter().map(|b| b.indices()).collect();
    /// assert_eq!(indices, [&[0, 1][..], &[2, 3], &[4]]);
    /// ```
    pub fn in_order(n: usize) -> Self {
        Self::from_order((0..n).collect())
    }

    /// The batches of the rows `0..n` in a shuffled order, drawn from `seed` and `epoch` alone:
    /// the same arguments give the same order on every platform, and each epoch of a seed its
    /// own order. Every order is equally likely (Fisher–Yates, with unbiased draws).
    ///
    /// ```
    /// use shapegrad::{Batches, Const};
    /// type B = Const<3>;
    /// let a = Batches::<B>::shuffled(10, 7, 0);
    /// assert_eq!(a, Batches::<B>::shuffled(10, 7, 0));
    /// assert_ne!(a.order(), Batches::<B>::shuffled(10, 7, 1).order());
    ///
    /// let mut rows = a.order().to_vec();
    /// rows.sort_unstable();
    /// assert_eq!(rows, (0..10).collect::<Vec<_>>());
    /// ```
    pub fn shuffled(n: usize, seed: u64, epoch: u64) -> Self {
        let mut order: Vec<usize> = (0..n).collect();
        SplitMix64::for_stream(seed, epoch).shuffle(&mut order);
        Self::from_order(order)
    }

    fn from_order(order: Vec<usize>) -> Self {
        const {
            assert!(
                B::SIZE > 0,
                "the batch dimension of `Batches<B>` has size 0: a batch needs at least one row"
            );
        }
        Batches {
            order,
            batch: B::default(),
            drop_last: false,
        }
    }

    /// The same batches without the last, shorter one: every batch is [`Batch::Full`], and the
    /// `n mod B` rows left over are not visited this epoch.
    ///
    /// ```
    /// use shapegrad::{Batches, Const};
    /// assert_eq!(Batches::<Const<4>>::in_order(10).iter().len(), 3);
    /// assert_eq!(Batches::<Const<4>>::in_order(10).drop_last().iter().len(), 2);
    /// ```
    pub fn drop_last(mut self) -> Self {
        self.drop_last = true;
        self
    }

    /// The rows in the order the batches visit them: a permutation of `0..n`, including the rows
    /// that [`drop_last`](Self::drop_last) leaves out.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The batches, in order: the full ones, then the rest, if any.
    pub fn iter(&self) -> BatchIter<'_, B> {
        BatchIter {
            rest: &self.order,
            batch: self.batch,
            drop_last: self.drop_last,
        }
    }
}

impl<'a, B: StaticDim> IntoIterator for &'a Batches<B> {
    type Item = Batch<'a, B>;
    type IntoIter = BatchIter<'a, B>;
    fn into_iter(self) -> BatchIter<'a, B> {
        self.iter()
    }
}

/// One batch: its row indices, typed by how many there are.
///
/// The two variants hold the same kind of [`BatchRows`], differing only in the row dimension, so
/// both arms of a `match` call one generic function:
///
/// ```
/// # use shapegrad::{Batch, Batches, Const, Dim, Dyn, Matrix};
/// # fn step<R: Dim>(x: &Matrix<R, Const<2>>) {}
/// # let x = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(5), Const);
/// for batch in &Batches::<Const<2>>::in_order(x.rows()) {
///     match batch {
///         Batch::Full(rows) => step(&rows.gather(&x)), // Matrix<Const<2>, Const<2>>
///         Batch::Rest(rows) => step(&rows.gather(&x)), // Matrix<Dyn, Const<2>>
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch<'a, B: StaticDim> {
    /// Exactly `B` rows.
    Full(BatchRows<'a, B>),
    /// The last batch, when `B` does not divide the number of rows: the rows left over, at least
    /// one and fewer than `B`.
    Rest(BatchRows<'a, Dyn>),
}

impl<'a, B: StaticDim> Batch<'a, B> {
    /// The row indices of this batch, in the order its gathered rows come.
    pub fn indices(&self) -> &'a [usize] {
        match self {
            Batch::Full(rows) => rows.indices(),
            Batch::Rest(rows) => rows.indices(),
        }
    }
}

/// The row indices of one batch, with the row dimension `R` of the matrices gathered from them:
/// the static batch dimension for a full batch, [`Dyn`] for the rest.
///
/// Gather every part of the data set through the same `BatchRows`, so that row `k` of the
/// features and element `k` of the labels come from the same row of the data set. Anything with
/// at least as many rows as the data set can be gathered from; an index past its end is a
/// [`ShapeError::RowIndex`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchRows<'a, R: Dim> {
    // Invariant: indices.len() == rows.size().
    indices: &'a [usize],
    rows: R,
}

impl<'a, R: Dim> BatchRows<'a, R> {
    /// The row indices, in the order the gathered rows come.
    pub fn indices(&self) -> &'a [usize] {
        self.indices
    }

    /// The row dimension of what this batch gathers; its size is the number of indices.
    pub fn dim(&self) -> R {
        self.rows
    }

    /// This batch's rows of `from` (a `&Matrix`, a [`MatRef`](crate::MatRef) or a `&MatRef`),
    /// copied into a new matrix whose row dimension is `R`; see
    /// [`MatRef::try_select_rows_as`](crate::MatRef::try_select_rows_as).
    ///
    /// # Errors
    /// [`ShapeError::RowIndex`] when `from` has fewer rows than the data set the batches were cut
    /// from and an index of this batch is past its end, and [`ShapeError::TooLarge`] when the
    /// result would be too large to allocate.
    ///
    /// ```
    /// use shapegrad::{Batch, Batches, Const, Dyn, Matrix, ShapeError};
    /// let x = Matrix::<Dyn, Const<1>>::from_fn_with(Dyn(3), Const, |i, _| i as f32);
    /// let batches = Batches::<Const<2>>::in_order(5); // 5 rows, but x has 3
    /// let Some(Batch::Full(second)) = batches.iter().nth(1) else { unreachable!() };
    /// let err = second.try_gather(&x).unwrap_err();
    /// assert_eq!(err, ShapeError::RowIndex { index: 3, position: 1, rows: 3 });
    /// ```
    pub fn try_gather<'m, V, T>(&self, from: V) -> Result<Matrix<R, V::Cols, T>, ShapeError>
    where
        V: IntoView<'m, T>,
        T: Scalar,
    {
        from.into_view().try_select_rows_as(self.indices)
    }

    /// This batch's rows of `from`, copied into a new matrix whose row dimension is `R`; see
    /// [`try_gather`](Self::try_gather).
    ///
    /// # Panics
    /// When an index is past the end of `from`, with the message of the [`ShapeError`] that
    /// `try_gather` returns, at the caller's line.
    #[track_caller]
    pub fn gather<'m, V, T>(&self, from: V) -> Matrix<R, V::Cols, T>
    where
        V: IntoView<'m, T>,
        T: Scalar,
    {
        from.into_view().try_select_rows_as(self.indices).or_panic()
    }

    /// This batch's elements of `items`, such as class labels, one per row of the data set: element
    /// `k` of the result is `items[indices[k]]`.
    ///
    /// # Errors
    /// [`ShapeError::RowIndex`] when an index is past the end of `items`.
    ///
    /// ```
    /// use shapegrad::{Batch, Batches, Const};
    /// let labels = vec![10, 11, 12, 13, 14];
    /// let batches = Batches::<Const<2>>::in_order(labels.len());
    /// let Some(Batch::Full(second)) = batches.iter().nth(1) else { unreachable!() };
    /// let picked = second.try_gather_slice(&labels).unwrap();
    /// assert_eq!(picked, [12, 13]);
    ///
    /// // Labels for fewer rows than the batches were cut from.
    /// assert_eq!(
    ///     second.try_gather_slice(&labels[..1]).unwrap_err().to_string(),
    ///     "row index 2, at position 0 of the indices, is out of range for 1 row"
    /// );
    /// ```
    pub fn try_gather_slice<L: Clone>(&self, items: &[L]) -> Result<Vec<L>, ShapeError> {
        check_indices(self.indices, items.len())?;
        Ok(self.indices.iter().map(|&i| items[i].clone()).collect())
    }

    /// This batch's elements of `items`; see [`try_gather_slice`](Self::try_gather_slice).
    ///
    /// # Panics
    /// When an index is past the end of `items`, with the message of the [`ShapeError`] that
    /// `try_gather_slice` returns, at the caller's line.
    #[track_caller]
    pub fn gather_slice<L: Clone>(&self, items: &[L]) -> Vec<L> {
        self.try_gather_slice(items).or_panic()
    }
}

/// The batches of one epoch, from [`Batches::iter`]: every full batch, then the rest, if any.
#[derive(Clone, Debug)]
pub struct BatchIter<'a, B: StaticDim> {
    /// The rows not yet handed out.
    rest: &'a [usize],
    batch: B,
    drop_last: bool,
}

impl<'a, B: StaticDim> Iterator for BatchIter<'a, B> {
    type Item = Batch<'a, B>;

    fn next(&mut self) -> Option<Batch<'a, B>> {
        if self.rest.len() >= B::SIZE {
            let (indices, rest) = self.rest.split_at(B::SIZE);
            self.rest = rest;
            return Some(Batch::Full(BatchRows {
                indices,
                rows: self.batch,
            }));
        }
        let indices = core::mem::take(&mut self.rest);
        (!indices.is_empty() && !self.drop_last).then_some(Batch::Rest(BatchRows {
            indices,
            rows: Dyn(indices.len()),
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.rest.len();
        let left = n / B::SIZE + usize::from(!n.is_multiple_of(B::SIZE) && !self.drop_last);
        (left, Some(left))
    }
}

impl<B: StaticDim> ExactSizeIterator for BatchIter<'_, B> {}

impl<B: StaticDim> FusedIterator for BatchIter<'_, B> {}
