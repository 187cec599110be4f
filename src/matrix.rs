//! [`Matrix`]: an owned, row-major, heap-allocated matrix whose dimensions are types.

use core::fmt;
use core::ops::{Add, AddAssign, Index, Mul, Neg, Sub, SubAssign};

use crate::{Dim, Dyn, LiteralRows, MatRef, Scalar, ShapeError, StaticDim};

/// An owned `R × C` matrix of `T` (`f32` unless said otherwise), stored row-major on the heap.
///
/// `R` and `C` are [`Dim`]s: [`Const<N>`](crate::Const), typenum's `U…`, a name declared with
/// [`dim!`](crate::dim!), or [`Dyn`]. They are stored as values, so a fully static matrix is
/// a `Vec<T>` and nothing else. `T` is a [`Scalar`], `f32` or `f64`: the type itself names any
/// `T`, but every constructor asks for `T: Scalar`, so that is where another element type fails.
///
/// ```
/// use shapegrad::{Const, Matrix};
///
/// let x = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (i * 3 + j) as f32);
/// assert_eq!(x.as_slice(), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
/// assert_eq!(x.get(1, 2), Some(5.0));
/// assert_eq!(x.get(2, 0), None);
/// assert_eq!((x.rows(), x.cols()), (2, 3));
/// ```
#[derive(Clone, PartialEq)]
pub struct Matrix<R: Dim, C: Dim, T = f32> {
    // Invariant: data.len() == rows.size() * cols.size().
    data: Vec<T>,
    rows: R,
    cols: C,
}

/// The number of elements of a `rows × cols` matrix, or [`ShapeError::TooLarge`] when it
/// overflows `usize`.
pub(crate) fn element_count(rows: usize, cols: usize) -> Result<usize, ShapeError> {
    rows.checked_mul(cols)
        .ok_or(ShapeError::TooLarge { rows, cols })
}

/// `Ok` when a buffer of `len` elements is exactly a `rows × cols` matrix.
pub(crate) fn check_len(rows: usize, cols: usize, len: usize) -> Result<(), ShapeError> {
    let expected = element_count(rows, cols)?;
    if expected == len {
        Ok(())
    } else {
        Err(ShapeError::Length {
            rows,
            cols,
            expected,
            given: len,
        })
    }
}

/// The element count of a matrix about to be allocated; panics with [`ShapeError::TooLarge`]'s
/// message when it overflows, as `Vec` does on capacity overflow.
#[track_caller]
fn alloc_count(rows: usize, cols: usize) -> usize {
    element_count(rows, cols).unwrap_or_else(|e| panic!("{e}"))
}

fn static_dims<R: StaticDim, C: StaticDim>() -> (R, C) {
    (R::default(), C::default())
}

/// Constructors for matrices whose dimensions are all static: the type says the shape.
///
/// The `StaticDim` bounds sit on each function rather than on the block, so that calling one on
/// a [`Dyn`] matrix reports the missing `StaticDim` with its own message instead of a list of
/// every constructor.
impl<R: Dim, C: Dim, T> Matrix<R, C, T> {
    /// All zeros.
    pub fn zeros() -> Self
    where
        T: Scalar,
        R: StaticDim,
        C: StaticDim,
    {
        let (r, c) = static_dims();
        Self::zeros_with(r, c)
    }

    /// All ones.
    pub fn ones() -> Self
    where
        T: Scalar,
        R: StaticDim,
        C: StaticDim,
    {
        let (r, c) = static_dims();
        Self::filled_with(r, c, T::ONE)
    }

    /// Element `(i, j)` is `f(i, j)`.
    pub fn from_fn(f: impl FnMut(usize, usize) -> T) -> Self
    where
        T: Scalar,
        R: StaticDim,
        C: StaticDim,
    {
        let (r, c) = static_dims();
        Self::from_fn_with(r, c, f)
    }

    /// Takes a row-major buffer of exactly `R × C` elements.
    ///
    /// # Errors
    /// [`ShapeError::Length`] naming both lengths when `data` is longer or shorter: the buffer is
    /// never truncated or padded.
    ///
    /// ```
    /// use shapegrad::{Matrix, typenum::{U2, U3}};
    /// let m = Matrix::<U2, U3>::try_from_vec(vec![1.0; 6]).unwrap();
    /// assert_eq!(m.cols(), 3);
    /// let err = Matrix::<U2, U3>::try_from_vec(vec![1.0; 7]).unwrap_err();
    /// assert_eq!(err.to_string(), "a 2×3 matrix needs 6 elements, but 7 were given");
    /// ```
    pub fn try_from_vec(data: Vec<T>) -> Result<Self, ShapeError>
    where
        T: Scalar,
        R: StaticDim,
        C: StaticDim,
    {
        let (r, c) = static_dims();
        Self::try_from_vec_with(r, c, data)
    }

    /// Uniform random entries in `[0, 1)`, like `torch.rand`, from a seeded generator: the same
    /// seed gives the same matrix on every machine.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let a = Matrix::<Const<4>, Const<4>, f64>::rand(42);
    /// assert_eq!(a, Matrix::rand(42));
    /// assert!(a.as_slice().iter().all(|&v| (0.0..1.0).contains(&v)));
    /// ```
    pub fn rand(seed: u64) -> Self
    where
        T: Scalar,
        R: StaticDim,
        C: StaticDim,
    {
        let (r, c) = static_dims();
        Self::rand_with(r, c, seed)
    }
}

impl<R: LiteralRows, C: StaticDim, T: Scalar> Matrix<R, C, T> {
    /// A matrix from its rows, each an array of exactly `C` elements: checked at compile time.
    ///
    /// The row type comes from `C`, `[T; N]` for [`Const`](crate::Const) and named dimensions,
    /// `GenericArray` for typenum. With a static `R` the rows are an array of exactly `R` of them,
    /// so a literal with a row too many or too few does not compile; with [`Dyn`] rows they are a
    /// `Vec`, and its length is the number of rows.
    ///
    /// ```
    /// use shapegrad::{dim, Dyn, Matrix, typenum::{U2, U3}};
    /// use shapegrad::generic_array::arr;
    ///
    /// dim!(Batch = 2, Features = 3);
    /// let a = Matrix::<Batch, Features>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let b = Matrix::<U2, U3>::from_rows(arr![arr![1.0, 2.0, 3.0], arr![4.0, 5.0, 6.0]]);
    /// let c = Matrix::<Dyn, Features>::from_rows(vec![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(a.as_slice(), b.as_slice());
    /// assert_eq!(a.as_slice(), c.as_slice());
    /// ```
    pub fn from_rows(rows: R::Rows<C::Array<T>>) -> Self {
        let r = R::of_rows(&rows);
        let data = rows
            .as_ref()
            .iter()
            .flat_map(|row| row.as_ref().iter().copied())
            .collect();
        Self::from_vec_unchecked(r, C::default(), data)
    }
}

impl<const R: usize, const C: usize, T: Scalar> Matrix<crate::Const<R>, crate::Const<C>, T> {
    /// A literal whose shape is inferred from the array: `[[T; C]; R]` gives `Matrix<Const<R>, Const<C>>`.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let m = Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let _: &Matrix<Const<3>, Const<2>> = &m;
    /// ```
    pub fn from_array(rows: [[T; C]; R]) -> Self {
        Self::from_rows(rows)
    }
}

/// Constructors for any dimensions, static or [`Dyn`]: the dimensions are passed as values.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The one constructor: every other one has already checked `data.len() == rows · cols`
    /// (without overflow), the invariant `MatRef`'s bounds rest on.
    fn from_vec_unchecked(rows: R, cols: C, data: Vec<T>) -> Self {
        debug_assert_eq!(element_count(rows.size(), cols.size()), Ok(data.len()));
        Matrix { data, rows, cols }
    }

    /// All zeros, `rows × cols`.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let m = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(5), Const);
    /// assert_eq!((m.rows(), m.cols()), (5, 2));
    /// ```
    pub fn zeros_with(rows: R, cols: C) -> Self {
        Self::filled_with(rows, cols, T::ZERO)
    }

    /// Every element `value`, `rows × cols`.
    ///
    /// # Panics
    /// When `rows × cols` overflows `usize` (the allocation would fail anyway).
    #[track_caller]
    pub fn filled_with(rows: R, cols: C, value: T) -> Self {
        let n = alloc_count(rows.size(), cols.size());
        Self::from_vec_unchecked(rows, cols, vec![value; n])
    }

    /// Element `(i, j)` is `f(i, j)`, `rows × cols`.
    ///
    /// # Panics
    /// When `rows × cols` overflows `usize` (the allocation would fail anyway).
    #[track_caller]
    pub fn from_fn_with(rows: R, cols: C, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let (r, c) = (rows.size(), cols.size());
        let mut data = Vec::with_capacity(alloc_count(r, c));
        for i in 0..r {
            data.extend((0..c).map(|j| f(i, j)));
        }
        Self::from_vec_unchecked(rows, cols, data)
    }

    /// Takes a row-major buffer of exactly `rows × cols` elements.
    ///
    /// # Errors
    /// [`ShapeError::Length`] naming both lengths when they differ.
    ///
    /// ```
    /// use shapegrad::{Dyn, Matrix};
    /// let err = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(2), Dyn(2), vec![1.0; 3]).unwrap_err();
    /// assert_eq!(err.to_string(), "a 2×2 matrix needs 4 elements, but 3 were given");
    /// ```
    pub fn try_from_vec_with(rows: R, cols: C, data: Vec<T>) -> Result<Self, ShapeError> {
        check_len(rows.size(), cols.size(), data.len())?;
        Ok(Self::from_vec_unchecked(rows, cols, data))
    }

    /// Uniform random entries in `[0, 1)` from a seeded generator, `rows × cols`.
    pub fn rand_with(rows: R, cols: C, seed: u64) -> Self {
        let mut rng = crate::rng::SplitMix64::new(seed);
        Self::from_fn_with(rows, cols, |_, _| {
            T::from_f64(rng.next_unit(T::MANTISSA_DIGITS))
        })
    }

    /// Number of rows.
    #[inline]
    pub fn rows(&self) -> usize {
        self.rows.size()
    }

    /// Number of columns.
    #[inline]
    pub fn cols(&self) -> usize {
        self.cols.size()
    }

    /// The dimensions as values: zero-sized for static dimensions.
    #[inline]
    pub fn dims(&self) -> (R, C) {
        (self.rows, self.cols)
    }

    /// The elements, row-major.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// The elements, row-major, mutable. The shape cannot change through it.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The row-major buffer.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// The element at row `i`, column `j`, or `None` when out of range.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> Option<T> {
        (i < self.rows() && j < self.cols()).then(|| self.data[i * self.cols() + j])
    }

    /// A mutable reference to the element at row `i`, column `j`, or `None` when out of range.
    #[inline]
    pub fn get_mut(&mut self, i: usize, j: usize) -> Option<&mut T> {
        let cols = self.cols();
        (i < self.rows() && j < cols).then(|| &mut self.data[i * cols + j])
    }

    /// A view of the whole matrix.
    #[inline]
    pub fn view(&self) -> MatRef<'_, R, C, T> {
        MatRef::row_major(&self.data, self.rows, self.cols)
    }

    /// The transpose as a zero-copy view: `C × R`, same buffer, strides swapped.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let a = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (10 * i + j) as f32);
    /// let at = a.t();
    /// assert_eq!((at.rows(), at.cols()), (3, 2));
    /// assert_eq!(at.get(2, 1), a.get(1, 2));
    /// ```
    #[inline]
    pub fn t(&self) -> MatRef<'_, C, R, T> {
        self.view().t()
    }

    /// The transpose as a new owned matrix (a copy). Products never need it: use [`t`](Self::t).
    pub fn transpose(&self) -> Matrix<C, R, T> {
        self.t().to_matrix()
    }

    /// Applies `f` to every element.
    pub fn map(&self, f: impl FnMut(T) -> T) -> Self {
        Self::from_vec_unchecked(
            self.rows,
            self.cols,
            self.data.iter().copied().map(f).collect(),
        )
    }

    /// The sum of all elements.
    pub fn sum(&self) -> T {
        self.data.iter().copied().sum()
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
    pub fn col_sums(&self) -> Matrix<crate::Const<1>, C, T> {
        let mut out = vec![T::ZERO; self.cols()];
        if !out.is_empty() {
            for row in self.data.chunks_exact(out.len()) {
                out.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
            }
        }
        Matrix::from_vec_unchecked(crate::Const, self.cols, out)
    }

    /// The sum of each row, as an `R × 1` column: `out[i, 0] = Σⱼ self[i, j]`.
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// let m = Matrix::<Const<2>, Const<3>>::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(m.row_sums().as_slice(), &[6.0, 15.0]);
    /// ```
    pub fn row_sums(&self) -> Matrix<R, crate::Const<1>, T> {
        let out = match self.cols() {
            0 => vec![T::ZERO; self.rows()],
            c => self
                .data
                .chunks_exact(c)
                .map(|row| row.iter().copied().sum())
                .collect(),
        };
        Matrix::from_vec_unchecked(self.rows, crate::Const, out)
    }

    /// Adds `row` to every row: `self[i, j] += row[0, j]`, the broadcast that adds a bias.
    ///
    /// ```
    /// use shapegrad::{dim, Const, Matrix};
    /// dim!(Batch = 2, In = 3, Out = 2);
    ///
    /// let (x, w) = (Matrix::<Batch, In>::ones(), Matrix::<In, Out>::ones());
    /// let b = Matrix::<Const<1>, Out>::from_rows([[0.5, -0.5]]);
    /// let mut y = x.matmul(&w);
    /// y.add_row_to_each(&b);
    /// assert_eq!(y.as_slice(), &[3.5, 2.5, 3.5, 2.5]);
    /// ```
    ///
    /// # Panics
    /// When `C` is [`Dyn`] and `row` has another number of columns; see
    /// [`try_add_row_to_each`](Self::try_add_row_to_each).
    #[track_caller]
    pub fn add_row_to_each(&mut self, row: &Matrix<crate::Const<1>, C, T>) {
        self.try_add_row_to_each(row)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Like [`add_row_to_each`](Self::add_row_to_each), but a [`Dyn`] column count that
    /// disagrees is a [`ShapeError::Mismatch`], and `self` is left untouched.
    pub fn try_add_row_to_each(
        &mut self,
        row: &Matrix<crate::Const<1>, C, T>,
    ) -> Result<(), ShapeError> {
        let c = self.cols();
        if row.cols() != c {
            return Err(ShapeError::Mismatch {
                op: "add_row_to_each: the row must have the matrix's columns",
                expected: (1, c),
                given: (1, row.cols()),
            });
        }
        if c > 0 {
            for dst in self.data.chunks_exact_mut(c) {
                dst.iter_mut().zip(&row.data).for_each(|(d, &b)| *d += b);
            }
        }
        Ok(())
    }

    /// The same data with both dimensions [`Dyn`].
    pub fn into_dyn(self) -> Matrix<Dyn, Dyn, T> {
        let (r, c) = (Dyn(self.rows()), Dyn(self.cols()));
        Matrix::from_vec_unchecked(r, c, self.data)
    }

    /// The same data under other dimension types, checked at run time: the way from [`Dyn`] back
    /// to static dimensions.
    ///
    /// # Errors
    /// [`ShapeError::Dim`] when a static `R2` or `C2` fixes a size other than this matrix's.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let d = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(3));
    /// let s: Matrix<Const<2>, Const<3>> = d.clone().try_into_dims().unwrap();
    /// let err = d.try_into_dims::<Const<3>, Const<3>>().unwrap_err();
    /// assert_eq!(err.to_string(), "rows: the dimension type fixes the size at 3, but 2 was given");
    /// # let _ = s;
    /// ```
    pub fn try_into_dims<R2: Dim, C2: Dim>(self) -> Result<Matrix<R2, C2, T>, ShapeError> {
        let rows = retype(self.rows, "rows")?;
        let cols = retype(self.cols, "columns")?;
        Ok(Matrix::from_vec_unchecked(rows, cols, self.data))
    }

    fn check_same_shape(&self, other: &Self, op: &'static str) -> Result<(), ShapeError> {
        if self.rows() == other.rows() && self.cols() == other.cols() {
            Ok(())
        } else {
            Err(ShapeError::Mismatch {
                op,
                expected: (self.rows(), self.cols()),
                given: (other.rows(), other.cols()),
            })
        }
    }

    fn zip_with(&self, other: &Self, op: &'static str, f: impl Fn(T, T) -> T) -> Self {
        if let Err(e) = self.check_same_shape(other, op) {
            panic!("{e}");
        }
        let data = self
            .data
            .iter()
            .zip(&other.data)
            .map(|(&a, &b)| f(a, b))
            .collect();
        Self::from_vec_unchecked(self.rows, self.cols, data)
    }
}

/// Converts a dimension value to another dimension type of the same size.
pub(crate) fn retype<D: Dim, D2: Dim>(d: D, axis: &'static str) -> Result<D2, ShapeError> {
    D2::from_size(d.size()).ok_or(ShapeError::Dim {
        axis,
        expected: D2::FIXED.unwrap_or(d.size()),
        given: d.size(),
    })
}

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
            self.data[i * self.cols() + j]
        })
    }
}

/// `m[(i, j)]`: the element at row `i`, column `j`; panics when out of range.
impl<R: Dim, C: Dim, T: Scalar> Index<(usize, usize)> for Matrix<R, C, T> {
    type Output = T;
    fn index(&self, (i, j): (usize, usize)) -> &T {
        assert!(
            i < self.rows() && j < self.cols(),
            "index ({i}, {j}) out of range for a {}×{} matrix",
            self.rows(),
            self.cols()
        );
        &self.data[i * self.cols() + j]
    }
}

/// Element-wise sum of two matrices of one type; [`Dyn`] sizes must agree (panics otherwise).
impl<R: Dim, C: Dim, T: Scalar> Add for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn add(self, rhs: Self) -> Matrix<R, C, T> {
        self.zip_with(rhs, "add", |a, b| a + b)
    }
}

/// Element-wise difference of two matrices of one type; [`Dyn`] sizes must agree (panics otherwise).
impl<R: Dim, C: Dim, T: Scalar> Sub for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn sub(self, rhs: Self) -> Matrix<R, C, T> {
        self.zip_with(rhs, "sub", |a, b| a - b)
    }
}

/// `a += &b`, element-wise; [`Dyn`] sizes must agree (panics otherwise).
impl<R: Dim, C: Dim, T: Scalar> AddAssign<&Matrix<R, C, T>> for Matrix<R, C, T> {
    fn add_assign(&mut self, rhs: &Matrix<R, C, T>) {
        if let Err(e) = self.check_same_shape(rhs, "add_assign") {
            panic!("{e}");
        }
        self.data
            .iter_mut()
            .zip(&rhs.data)
            .for_each(|(a, &b)| *a += b);
    }
}

/// `a -= &b`, element-wise; [`Dyn`] sizes must agree (panics otherwise).
impl<R: Dim, C: Dim, T: Scalar> SubAssign<&Matrix<R, C, T>> for Matrix<R, C, T> {
    fn sub_assign(&mut self, rhs: &Matrix<R, C, T>) {
        if let Err(e) = self.check_same_shape(rhs, "sub_assign") {
            panic!("{e}");
        }
        self.data
            .iter_mut()
            .zip(&rhs.data)
            .for_each(|(a, &b)| *a -= b);
    }
}

/// Every element times a scalar.
impl<R: Dim, C: Dim, T: Scalar> Mul<T> for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn mul(self, k: T) -> Matrix<R, C, T> {
        self.map(|v| v * k)
    }
}

/// Every element negated.
impl<R: Dim, C: Dim, T: Scalar> Neg for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    fn neg(self) -> Matrix<R, C, T> {
        self.map(|v| -v)
    }
}
