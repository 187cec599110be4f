//! Interop with `rand` (the `rand` feature): matrices whose entries are drawn from any
//! [`Distribution`] with any [`Rng`], such as a layer's initial weights.
//!
//! The built-in [`Matrix::rand`] (a seeded SplitMix64, uniform in `[0, 1)`) needs no feature;
//! these take the generator and the distribution from `rand`.

use ::rand::Rng;
use ::rand::distr::Distribution;

use crate::{Dim, Matrix, Scalar, StaticDim};

/// Random matrices whose dimensions are all static: the type says the shape.
impl<R: Dim, C: Dim, T> Matrix<R, C, T> {
    /// Entries drawn from `dist` with `rng`, one sample per element in row-major order: element
    /// `(i, j)` is sample number `i · C + j`, so the same generator state gives the same matrix.
    ///
    /// `rng` is any [`rand::Rng`]; `dist` is any [`rand::distr::Distribution`] of `T`, such as
    /// `Uniform`, `StandardUniform` (uniform in `[0, 1)`) or `rand_distr`'s `Normal`, passed by
    /// value or by reference.
    ///
    /// A Kaiming (He) uniform initialisation for a ReLU layer, `U(-b, b)` with
    /// `b = √(6 / fan_in)`:
    ///
    /// ```rust
    /// use rand::SeedableRng;
    /// use rand::distr::Uniform;
    /// use rand::rngs::Xoshiro256PlusPlus;
    /// use shapegrad::{dim, Matrix, StaticDim};
    ///
    /// dim!(In = 784, Hidden = 128);
    ///
    /// let b = (6.0 / In::SIZE as f32).sqrt();
    /// let kaiming = Uniform::new(-b, b).unwrap();
    /// let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    /// let w = Matrix::<In, Hidden>::random(&mut rng, kaiming);
    /// assert!(w.as_slice().iter().all(|&x| -b <= x && x <= b));
    ///
    /// // The same seed, the same weights.
    /// let mut again = Xoshiro256PlusPlus::seed_from_u64(42);
    /// assert_eq!(w, Matrix::random(&mut again, kaiming));
    /// ```
    ///
    /// # Panics
    /// When `R × C` elements are more than one allocation can hold
    /// ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn random<G, D>(rng: &mut G, dist: D) -> Self
    where
        T: Scalar,
        R: StaticDim,
        C: StaticDim,
        G: Rng + ?Sized,
        D: Distribution<T>,
    {
        Self::random_with(R::default(), C::default(), rng, dist)
    }
}

/// Random matrices of any dimensions, static or [`Dyn`](crate::Dyn): the dimensions are passed
/// as values.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Entries drawn from `dist` with `rng`, `rows × cols`, one sample per element in row-major
    /// order: element `(i, j)` is sample number `i · cols + j`.
    ///
    /// ```rust
    /// use rand::SeedableRng;
    /// use rand::distr::StandardUniform;
    /// use rand::rngs::Xoshiro256PlusPlus;
    /// use shapegrad::{Const, Dyn, Matrix};
    ///
    /// let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    /// let m = Matrix::<Dyn, Const<3>, f64>::random_with(Dyn(5), Const, &mut rng, StandardUniform);
    /// assert_eq!((m.rows(), m.cols()), (5, 3));
    /// assert!(m.as_slice().iter().all(|&x| (0.0..1.0).contains(&x)));
    /// ```
    ///
    /// # Panics
    /// When `rows × cols` elements are more than one allocation can hold
    /// ([`ShapeError::TooLarge`](crate::ShapeError::TooLarge)).
    #[track_caller]
    pub fn random_with<G, D>(rows: R, cols: C, rng: &mut G, dist: D) -> Self
    where
        G: Rng + ?Sized,
        D: Distribution<T>,
    {
        Self::from_fn_with(rows, cols, |_, _| dist.sample(rng))
    }
}
