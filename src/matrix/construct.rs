//! Constructors: from a shape (zeros, ones, a function, a seeded random fill), from a buffer
//! (checked, never truncated) and from literals (checked at compile time).

use crate::error::OrPanic;
use crate::{Dim, LiteralRows, Matrix, Scalar, ShapeError, StaticDim};

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

/// The element count of a `rows × cols` matrix of `T` about to be allocated, or
/// [`ShapeError::TooLarge`] when no allocation can hold it: more than `isize::MAX` bytes, where
/// `Vec` would panic with "capacity overflow" at a line of the standard library.
pub(crate) fn alloc_count<T>(rows: usize, cols: usize) -> Result<usize, ShapeError> {
    let n = element_count(rows, cols)?;
    match n.checked_mul(size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(n),
        _ => Err(ShapeError::TooLarge { rows, cols }),
    }
}

fn static_dims<R: StaticDim, C: StaticDim>() -> (R, C) {
    (R::default(), C::default())
}

/// Constructors for matrices whose dimensions are all static: the type says the shape.
///
/// The `StaticDim` bounds sit on each function rather than on the block, so that calling one on
/// a [`Dyn`](crate::Dyn) matrix reports the missing `StaticDim` with its own message instead of a list of
/// every constructor.
impl<R: Dim, C: Dim, T> Matrix<R, C, T> {
    /// All zeros.
    ///
    /// # Panics
    /// When `R × C` elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
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
    ///
    /// # Panics
    /// When `R × C` elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
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
    ///
    /// # Panics
    /// When `R × C` elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
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
    ///
    /// # Panics
    /// When `R × C` elements are more than one allocation can hold ([`ShapeError::TooLarge`]).
    #[track_caller]
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
    /// so a literal with a row too many or too few does not compile; with [`Dyn`](crate::Dyn) rows they are a
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

/// Constructors for any dimensions, static or [`Dyn`](crate::Dyn): the dimensions are passed as values.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// All zeros, `rows × cols`.
    ///
    /// ```
    /// use shapegrad::{Const, Dyn, Matrix};
    /// let m = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(5), Const);
    /// assert_eq!((m.rows(), m.cols()), (5, 2));
    /// ```
    ///
    /// # Panics
    /// When `rows × cols` elements are more than one allocation can hold
    /// ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn zeros_with(rows: R, cols: C) -> Self {
        Self::filled_with(rows, cols, T::ZERO)
    }

    /// Every element `value`, `rows × cols`.
    ///
    /// # Panics
    /// When `rows × cols` elements are more than one allocation can hold
    /// ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn filled_with(rows: R, cols: C, value: T) -> Self {
        Self::try_filled_with(rows, cols, value).or_panic()
    }

    /// Like [`filled_with`](Self::filled_with), but a shape too large to allocate is an error.
    pub(crate) fn try_filled_with(rows: R, cols: C, value: T) -> Result<Self, ShapeError> {
        let n = alloc_count::<T>(rows.size(), cols.size())?;
        Ok(Self::from_vec_unchecked(rows, cols, vec![value; n]))
    }

    /// Element `(i, j)` is `f(i, j)`, `rows × cols`.
    ///
    /// # Panics
    /// When `rows × cols` elements are more than one allocation can hold
    /// ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn from_fn_with(rows: R, cols: C, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let (r, c) = (rows.size(), cols.size());
        let mut data = Vec::with_capacity(alloc_count::<T>(r, c).or_panic());
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
    ///
    /// When one dimension is a [runtime dimension](crate::shape::runtime) and the buffer holds a
    /// whole number of rows (or columns) of the other, the error is [`ShapeError::Bound`], naming
    /// that dimension, its bound size and the size the data has:
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(Samples = dyn, Features = 2);
    /// let samples = Samples::bind(3).unwrap();
    /// let err = Matrix::<Samples, Features>::try_from_vec_with(samples, Features, vec![0.0; 8])
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "the runtime dimension `Samples` is bound to 3, but 4 was given");
    /// ```
    pub fn try_from_vec_with(rows: R, cols: C, data: Vec<T>) -> Result<Self, ShapeError> {
        let (r, c) = (rows.size(), cols.size());
        check_len(r, c, data.len()).map_err(|e| {
            let whole = |other: usize| {
                (other > 0 && data.len().is_multiple_of(other)).then(|| data.len() / other)
            };
            match (R::RUNTIME_NAME, C::RUNTIME_NAME) {
                (Some(dim), None) if let Some(given) = whole(c) => ShapeError::Bound {
                    dim,
                    bound: r,
                    given,
                },
                (None, Some(dim)) if let Some(given) = whole(r) => ShapeError::Bound {
                    dim,
                    bound: c,
                    given,
                },
                _ => e,
            }
        })?;
        Ok(Self::from_vec_unchecked(rows, cols, data))
    }

    /// Uniform random entries in `[0, 1)` from a seeded generator, `rows × cols`.
    ///
    /// # Panics
    /// When `rows × cols` elements are more than one allocation can hold
    /// ([`ShapeError::TooLarge`]).
    #[track_caller]
    pub fn rand_with(rows: R, cols: C, seed: u64) -> Self {
        let mut rng = crate::rng::SplitMix64::new(seed);
        Self::from_fn_with(rows, cols, |_, _| {
            T::from_f64(rng.next_unit(T::MANTISSA_DIGITS))
        })
    }
}
