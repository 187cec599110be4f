//! The `rand` feature: matrices drawn from any `rand::Rng` and any distribution, one sample per
//! element in row-major order, so the same generator state gives the same matrix.
#![cfg(feature = "rand")]

use core::convert::Infallible;

use rand::distr::{Distribution, StandardUniform, Uniform};
use rand::rngs::{SmallRng, Xoshiro256PlusPlus};
use rand::{Rng, SeedableRng, TryRng};
use shapegrad::typenum::{U2, U5};
use shapegrad::{Const, Dyn, Matrix, StaticDim, dim};

dim!(In = 64, Out = 16);

fn seeded(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// A generator written here, not taken from rand: `random` takes any `Rng`. It counts up, so
/// every draw is predictable.
struct Counter(u64);

impl TryRng for Counter {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.try_next_u64().map(|x| x as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 += 1;
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}

/// A distribution that returns the generator's next `u64` as a float, to see the draw order.
struct Raw;

impl Distribution<f64> for Raw {
    fn sample<G: Rng + ?Sized>(&self, rng: &mut G) -> f64 {
        rng.next_u64() as f64
    }
}

#[test]
fn values_come_from_the_distribution() {
    let b = (6.0 / In::SIZE as f32).sqrt();
    let kaiming = Uniform::new(-b, b).unwrap();
    let w = Matrix::<In, Out>::random(&mut seeded(1), kaiming);
    assert!(w.as_slice().iter().all(|&x| -b <= x && x <= b));
    // Spread over the range, not stuck in a corner of it.
    let (min, max) = w
        .as_slice()
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    assert!(min < -0.9 * b && max > 0.9 * b, "[{min}, {max}]");
    let mean = w.as_slice().iter().sum::<f32>() / w.as_slice().len() as f32;
    assert!(mean.abs() < 0.05 * b, "mean {mean}");

    let u = Uniform::new(2.0f64, 3.0).unwrap();
    let m = Matrix::<Dyn, Dyn, f64>::random_with(Dyn(30), Dyn(40), &mut seeded(2), u);
    assert!(m.as_slice().iter().all(|&x| (2.0..=3.0).contains(&x)));
    let s = Matrix::<U5, U2, f64>::random(&mut seeded(3), StandardUniform);
    assert!(s.as_slice().iter().all(|&x| (0.0..1.0).contains(&x)));
    // A distribution with a single value gives exactly that value.
    let one = Uniform::new_inclusive(0.5f32, 0.5).unwrap();
    let ones = Matrix::<Const<3>, Const<3>>::random(&mut seeded(4), one);
    assert_eq!(ones, Matrix::filled_with(Const, Const, 0.5));
}

#[test]
fn the_same_generator_state_gives_the_same_matrix() {
    let u = Uniform::new(-1.0f32, 1.0).unwrap();
    let a = Matrix::<In, Out>::random(&mut seeded(42), u);
    assert_eq!(a, Matrix::<In, Out>::random(&mut seeded(42), u));
    assert_ne!(a, Matrix::<In, Out>::random(&mut seeded(43), u));
    // Static and Dyn dimensions of the same shape draw the same values.
    let d = Matrix::<Dyn, Dyn>::random_with(Dyn(64), Dyn(16), &mut seeded(42), u);
    assert_eq!(d.as_slice(), a.as_slice());
    // Each call advances the generator: two draws in a row differ, and equal a replay.
    let mut rng = seeded(42);
    let first = Matrix::<In, Out>::random(&mut rng, u);
    let second = Matrix::<In, Out>::random(&mut rng, u);
    assert_eq!(first, a);
    assert_ne!(first, second);
    let mut replay = seeded(42);
    let both = Matrix::<Dyn, Out>::random_with(Dyn(128), Out, &mut replay, u);
    assert_eq!(
        both.as_slice(),
        [first.as_slice(), second.as_slice()].concat()
    );
    // A cloned generator continues identically; a distribution by reference works too.
    let mut rng = SmallRng::seed_from_u64(9);
    let mut clone = rng.clone();
    let by_ref: &Uniform<f32> = &u;
    assert_eq!(
        Matrix::<U5, U2>::random(&mut rng, by_ref),
        Matrix::<U5, U2>::random(&mut clone, u)
    );
}

#[test]
fn one_draw_per_element_in_row_major_order() {
    let m = Matrix::<Const<2>, Const<3>, f64>::random(&mut Counter(0), Raw);
    assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let mut rng = Counter(10);
    let d = Matrix::<Dyn, Const<2>, f64>::random_with(Dyn(3), Const, &mut rng, Raw);
    assert_eq!(d.as_slice(), &[11.0, 12.0, 13.0, 14.0, 15.0, 16.0]);
    assert_eq!(rng.0, 16, "exactly rows × cols draws");
}

#[test]
fn shapes_static_dyn_and_empty() {
    let u = Uniform::new(0.0f32, 1.0).unwrap();
    let mut rng = seeded(5);
    let a = Matrix::<Const<3>, U5>::random(&mut rng, u);
    assert_eq!((a.rows(), a.cols()), (3, 5));
    let b = Matrix::<Dyn, In>::random_with(Dyn(7), In, &mut rng, u);
    assert_eq!((b.rows(), b.cols()), (7, 64));
    let c = Matrix::<Dyn, Dyn>::random_with(Dyn(4), Dyn(9), &mut rng, u);
    assert_eq!((c.rows(), c.cols()), (4, 9));
    // Empty matrices draw nothing.
    let mut counter = Counter(0);
    let e = Matrix::<Const<0>, Const<4>, f64>::random(&mut counter, Raw);
    assert_eq!((e.rows(), e.cols()), (0, 4));
    let f = Matrix::<Dyn, Dyn, f64>::random_with(Dyn(5), Dyn(0), &mut counter, Raw);
    assert_eq!((f.rows(), f.cols()), (5, 0));
    assert_eq!(counter.0, 0);
}

#[test]
fn a_dyn_rng_works() {
    // `G: ?Sized`: a generator behind a trait object.
    let mut boxed: Box<dyn Rng<Error = Infallible>> = Box::new(seeded(11));
    let m = Matrix::<U2, U5>::random(&mut *boxed, StandardUniform);
    let n: Matrix<U2, U5> = Matrix::random(&mut seeded(11), StandardUniform);
    assert_eq!(m, n);
}
