//! [`Batched`]: a batch of matrices of one shape, owned in one contiguous buffer.

use core::fmt;

use crate::error::OrPanic;
use crate::{Dim, Dyn, MatRef, Matrix, Scalar, ShapeError, StaticDim};

use super::BatchedRef;

/// A batch of `B` matrices, each `R × C`, in one row-major buffer of `B·R·C` elements, item after
/// item: item `k`'s element `(i, j)` is at `k·R·C + i·C + j`.
///
/// Every item is a [`MatRef`] of the buffer ([`item`](Self::item)), so it takes part in any 2-D
/// product without a copy; [`t`](Self::t) transposes every item at once, so `q.matmul(k.t())` is
/// `Q·Kᵀ` for each item. Since the items follow one another, the whole batch is also one
/// `(B·R) × C` matrix ([`flat`](Self::flat)), which is how one weight matrix is applied to every
/// item in a single product ([`matmul_broadcast`](Self::matmul_broadcast)).
///
/// ```
/// use shapegrad::{dim, Batched, Matrix};
/// dim!(Heads = 2, Seq = 3, HeadDim = 4);
///
/// let q = Batched::<Heads, Seq, HeadDim>::rand(1);
/// let k = Batched::<Heads, Seq, HeadDim>::rand(2);
/// // Q·Kᵀ per head: Seq × HeadDim times HeadDim × Seq.
/// let scores: Batched<Heads, Seq, Seq> = q.matmul(k.t());
/// let head1: Matrix<Seq, Seq> = q.item(1).matmul(k.item(1).t());
/// assert_eq!(scores.item(1).to_matrix(), head1);
/// assert_eq!(scores.dims(), (Heads, Seq, Seq));
/// ```
#[derive(Clone, PartialEq)]
pub struct Batched<B: Dim, R: Dim, C: Dim, T: Scalar = f32> {
    // Invariant: flat.rows() == batch.size() * rows.size().
    batch: B,
    rows: R,
    flat: Matrix<Dyn, C, T>,
}

/// `b · r`, the rows of the flat matrix, or [`ShapeError::TooLarge`] when it overflows.
fn flat_rows(b: usize, r: usize, c: usize) -> Result<usize, ShapeError> {
    b.checked_mul(r).ok_or(ShapeError::TooLarge {
        rows: usize::MAX,
        cols: c,
    })
}

impl<B: Dim, R: Dim, C: Dim, T: Scalar> Batched<B, R, C, T> {
    /// A batch over `flat`, whose `batch · rows` rows are checked by the caller.
    pub(crate) fn from_flat_unchecked(batch: B, rows: R, flat: Matrix<Dyn, C, T>) -> Self {
        debug_assert_eq!(Some(flat.rows()), batch.size().checked_mul(rows.size()));
        Batched { batch, rows, flat }
    }

    /// The batch of `batch` items of `rows × cols`, every element `value`.
    pub(crate) fn try_filled_with(
        batch: B,
        rows: R,
        cols: C,
        value: T,
    ) -> Result<Self, ShapeError> {
        let n = flat_rows(batch.size(), rows.size(), cols.size())?;
        let flat = Matrix::try_filled_with(Dyn(n), cols, value)?;
        Ok(Self::from_flat_unchecked(batch, rows, flat))
    }

    /// All zeros: `batch` items of `rows × cols`.
    ///
    /// ```
    /// use shapegrad::{Batched, Const, Dyn};
    /// let x = Batched::<Dyn, Const<2>, Const<3>>::zeros_with(Dyn(4), Const, Const);
    /// assert_eq!((x.batch(), x.rows(), x.cols()), (4, 2, 3));
    /// assert_eq!(x.as_slice().len(), 24);
    /// ```
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn zeros_with(batch: B, rows: R, cols: C) -> Self {
        Self::try_filled_with(batch, rows, cols, T::ZERO).or_panic()
    }

    /// Every element `value`: `batch` items of `rows × cols`.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn filled_with(batch: B, rows: R, cols: C, value: T) -> Self {
        Self::try_filled_with(batch, rows, cols, value).or_panic()
    }

    /// Element `(i, j)` of item `k` is `f(k, i, j)`.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn from_fn_with(
        batch: B,
        rows: R,
        cols: C,
        mut f: impl FnMut(usize, usize, usize) -> T,
    ) -> Self {
        let (r, c) = (rows.size(), cols.size());
        let n = flat_rows(batch.size(), r, c).or_panic();
        let flat = Matrix::from_fn_with(Dyn(n), cols, |fi, j| f(fi / r, fi % r, j));
        Self::from_flat_unchecked(batch, rows, flat)
    }

    /// Takes a buffer of exactly `batch · rows · cols` elements, item after item, each row-major.
    ///
    /// # Errors
    /// [`ShapeError::Length`] naming the length needed (as a `(batch·rows) × cols` matrix) and
    /// the length given; [`ShapeError::TooLarge`] when the count overflows.
    ///
    /// ```
    /// use shapegrad::{Batched, Const, Dyn};
    /// let x = Batched::try_from_vec_with(Dyn(2), Const::<1>, Const::<2>, vec![1.0, 2.0, 3.0, 4.0])
    ///     .unwrap();
    /// assert_eq!(x.get(1, 0, 1), Some(4.0));
    /// let err = Batched::try_from_vec_with(Dyn(3), Const::<1>, Const::<2>, vec![1.0; 4]).unwrap_err();
    /// assert_eq!(err.to_string(), "a 3×2 matrix needs 6 elements, but 4 were given");
    /// ```
    pub fn try_from_vec_with(batch: B, rows: R, cols: C, data: Vec<T>) -> Result<Self, ShapeError> {
        let n = flat_rows(batch.size(), rows.size(), cols.size())?;
        let flat = Matrix::try_from_vec_with(Dyn(n), cols, data)?;
        Ok(Self::from_flat_unchecked(batch, rows, flat))
    }

    /// The batch read from a `(batch · rows) × cols` matrix, items stacked row-wise: the inverse
    /// of [`into_flat`](Self::into_flat), without a copy.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when `flat` does not have `batch · rows` rows.
    pub fn try_from_flat(batch: B, rows: R, flat: Matrix<Dyn, C, T>) -> Result<Self, ShapeError> {
        let n = flat_rows(batch.size(), rows.size(), flat.cols())?;
        if flat.rows() != n {
            return Err(ShapeError::Mismatch {
                op: "Batched::try_from_flat: the matrix has batch · rows rows",
                expected: (n, flat.cols()),
                given: (flat.rows(), flat.cols()),
            });
        }
        Ok(Self::from_flat_unchecked(batch, rows, flat))
    }

    /// Uniform random entries in `[0, 1)` from a seeded generator; the same seed fills a batch
    /// as it would fill the `(batch · rows) × cols` matrix.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn rand_with(batch: B, rows: R, cols: C, seed: u64) -> Self {
        let n = flat_rows(batch.size(), rows.size(), cols.size()).or_panic();
        Self::from_flat_unchecked(batch, rows, Matrix::rand_with(Dyn(n), cols, seed))
    }

    /// All zeros, the shape given by the types.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn zeros() -> Self
    where
        B: StaticDim,
        R: StaticDim,
        C: StaticDim,
    {
        Self::zeros_with(B::default(), R::default(), C::default())
    }

    /// All ones, the shape given by the types.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn ones() -> Self
    where
        B: StaticDim,
        R: StaticDim,
        C: StaticDim,
    {
        Self::filled_with(B::default(), R::default(), C::default(), T::ONE)
    }

    /// Element `(i, j)` of item `k` is `f(k, i, j)`, the shape given by the types.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn from_fn(f: impl FnMut(usize, usize, usize) -> T) -> Self
    where
        B: StaticDim,
        R: StaticDim,
        C: StaticDim,
    {
        Self::from_fn_with(B::default(), R::default(), C::default(), f)
    }

    /// Takes a buffer of exactly `B · R · C` elements, the shape given by the types.
    ///
    /// # Errors
    /// [`ShapeError::Length`] naming both lengths when they differ.
    pub fn try_from_vec(data: Vec<T>) -> Result<Self, ShapeError>
    where
        B: StaticDim,
        R: StaticDim,
        C: StaticDim,
    {
        Self::try_from_vec_with(B::default(), R::default(), C::default(), data)
    }

    /// Uniform random entries in `[0, 1)` from a seeded generator, the shape given by the types.
    ///
    /// # Panics
    /// When the elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn rand(seed: u64) -> Self
    where
        B: StaticDim,
        R: StaticDim,
        C: StaticDim,
    {
        Self::rand_with(B::default(), R::default(), C::default(), seed)
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
        self.flat.cols()
    }

    /// The dimensions as values: `(batch, rows, cols)`.
    #[inline]
    pub fn dims(&self) -> (B, R, C) {
        (self.batch, self.rows, self.flat.dims().1)
    }

    /// The whole buffer, item after item, each row-major.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        self.flat.as_slice()
    }

    /// The whole buffer, mutably.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.flat.as_mut_slice()
    }

    /// The buffer, by value.
    pub fn into_vec(self) -> Vec<T> {
        self.flat.into_vec()
    }

    /// Element `(i, j)` of item `k`, or `None` when out of range.
    #[inline]
    pub fn get(&self, k: usize, i: usize, j: usize) -> Option<T> {
        self.view().get(k, i, j)
    }

    /// The elements of one item: `rows × cols` of them.
    #[inline]
    fn item_len(&self) -> usize {
        // At most the buffer's length when the batch has an item; an empty batch never indexes
        // an item, so saturating there is harmless.
        self.rows().saturating_mul(self.cols())
    }

    /// Item `k` as a view of the buffer, no copy.
    ///
    /// # Panics
    /// When `k` is not below [`batch`](Self::batch).
    #[inline]
    #[track_caller]
    pub fn item(&self, k: usize) -> MatRef<'_, R, C, T> {
        self.view().item(k)
    }

    /// Item `k`'s elements, row-major, to change in place.
    ///
    /// # Panics
    /// When `k` is not below [`batch`](Self::batch).
    #[track_caller]
    pub fn item_mut(&mut self, k: usize) -> &mut [T] {
        let b = self.batch();
        assert!(k < b, "item {k} is out of range for a batch of {b} items");
        let n = self.item_len();
        &mut self.flat.as_mut_slice()[k * n..(k + 1) * n]
    }

    /// Every item as a view, in order.
    pub fn items(&self) -> impl ExactSizeIterator<Item = MatRef<'_, R, C, T>> + '_ {
        let v = self.view();
        (0..self.batch()).map(move |k| v.item(k))
    }

    /// Every item's elements, row-major, to change in place, in order.
    pub fn items_mut(&mut self) -> impl Iterator<Item = &mut [T]> + '_ {
        let n = self.item_len();
        let b = self.batch();
        // `chunks_mut` needs a nonzero size; items of no elements are empty slices.
        let mut chunks = self.flat.as_mut_slice().chunks_mut(n.max(1));
        (0..b).map(move |_| {
            if n == 0 {
                <&mut [T]>::default()
            } else {
                chunks.next().unwrap_or_default()
            }
        })
    }

    /// The whole batch as a view.
    #[inline]
    pub fn view(&self) -> BatchedRef<'_, B, R, C, T> {
        BatchedRef::contiguous(self.as_slice(), self.batch, self.rows, self.flat.dims().1)
    }

    /// Every item transposed, as a view of the same buffer: `C × R` items, no copy.
    #[inline]
    pub fn t(&self) -> BatchedRef<'_, B, C, R, T> {
        self.view().t()
    }

    /// The whole batch as one `(batch · rows) × cols` matrix view, items stacked row-wise, no
    /// copy: what a 2-D product that treats every row alike (a weight applied to each item)
    /// takes.
    #[inline]
    pub fn flat(&self) -> MatRef<'_, Dyn, C, T> {
        self.flat.view()
    }

    /// The whole batch as one `(batch · rows) × cols` matrix, by value, no copy.
    pub fn into_flat(self) -> Matrix<Dyn, C, T> {
        self.flat
    }

    /// The whole batch as one matrix whose rows are typed `(B, R)`: the items stacked, as a
    /// [graph](crate::graph) holds them. No copy.
    ///
    /// ```
    /// use shapegrad::{Batched, Const, MatRef};
    /// let b = Batched::<Const<2>, Const<3>, Const<4>, f64>::rand(1);
    /// let s: MatRef<(Const<2>, Const<3>), Const<4>, f64> = b.stacked();
    /// assert_eq!(s.get(3 + 1, 2), b.get(1, 1, 2));
    /// assert_eq!(Batched::from_stacked(s.to_matrix()), b);
    /// ```
    pub fn stacked(&self) -> MatRef<'_, (B, R), C, T> {
        self.flat.view().with_rows((self.batch, self.rows))
    }

    /// The batch whose items are the stacked rows of `m`: the inverse of
    /// [`stacked`](Self::stacked), for a value or gradient read from a graph. No copy.
    pub fn from_stacked(m: Matrix<(B, R), C, T>) -> Self {
        let ((batch, rows), cols) = m.dims();
        let flat = Matrix::from_vec_unchecked(Dyn(batch.size() * rows.size()), cols, m.into_vec());
        Batched { batch, rows, flat }
    }

    /// The flat matrix: row-wise ops run on it as on any matrix.
    pub(crate) fn flat_matrix(&self) -> &Matrix<Dyn, C, T> {
        &self.flat
    }

    /// The flat matrix, mutably: products write into it directly.
    pub(crate) fn flat_mut(&mut self) -> &mut Matrix<Dyn, C, T> {
        &mut self.flat
    }
}

impl<B: Dim, R: Dim, C: Dim, T: Scalar> fmt::Debug for Batched<B, R, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.view(), f)
    }
}
