//! Shared by the integration tests: f64 copies of matrices, a naive f64 reference product, the
//! tolerance every computed product is held to, and random inputs.
//!
//! Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use shapegrad::{Dim, Dyn, IntoView, Matrix, Scalar};

/// The constant `c` in every dot-product tolerance `c · n · eps · Σ|terms|`.
///
/// Each output of a product is an `n`-term dot product. Computed in floating point, in any order
/// and with or without FMA, it is off by at most `γ_n · Σ|terms|`, where `γ_n = n·u / (1 − n·u)`
/// and `u = eps/2` is the unit roundoff (Higham, *Accuracy and Stability of Numerical Algorithms*,
/// §3.1): rounding error grows at most like `n · eps/2` relative to the sum of magnitudes. For
/// `f64` products the f64 reference carries a second error of the same size (for `f32` products it
/// is negligible: f32 × f32 is exact in f64). Together that is `n · eps · Σ|terms|`; `c = 2` leaves a
/// factor 2 for the `1/(1 − n·u)` factors and the test's own f64 arithmetic, nothing more.
pub const C: f64 = 2.0;

/// The largest error allowed for an `n`-term dot product in a type with machine epsilon `eps`
/// whose terms have absolute values summing to `abs_sum`. Zero terms allow no error at all.
pub fn dot_tolerance(n: usize, eps: f64, abs_sum: f64) -> f64 {
    C * n as f64 * eps * abs_sum
}

/// Machine epsilon of `T`, as an `f64`.
pub fn eps<T: Scalar>() -> f64 {
    T::EPSILON.to_f64()
}

/// A dense, row-major f64 copy of a matrix or a view: the input of every reference computation.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Dense {
    /// Copies any operand (`&Matrix`, a view, a transposed view) element by element through `get`,
    /// converting exactly to f64.
    pub fn of<'a, T: Scalar, V: IntoView<'a, T>>(m: V) -> Dense {
        let v = m.into_view();
        let (rows, cols) = (v.rows(), v.cols());
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(v.get(i, j).expect("index inside the view").to_f64());
            }
        }
        Dense { rows, cols, data }
    }

    pub fn at(&self, i: usize, j: usize) -> f64 {
        assert!(
            i < self.rows && j < self.cols,
            "reference index out of range"
        );
        self.data[i * self.cols + j]
    }

    /// The transpose, as a new dense copy.
    pub fn t(&self) -> Dense {
        let mut data = Vec::with_capacity(self.data.len());
        for j in 0..self.cols {
            for i in 0..self.rows {
                data.push(self.at(i, j));
            }
        }
        Dense {
            rows: self.cols,
            cols: self.rows,
            data,
        }
    }
}

/// Entry `(i, j)` of the naive product `x · a` in f64, with `Σ_k |x_ik · a_kj|`: a plain loop over
/// the inner dimension, the reference every product is compared with.
pub fn reference_entry(x: &Dense, a: &Dense, i: usize, j: usize) -> (f64, f64) {
    assert_eq!(x.cols, a.rows, "reference product of mismatched shapes");
    let (mut sum, mut abs_sum) = (0.0f64, 0.0f64);
    for k in 0..x.cols {
        let t = x.at(i, k) * a.at(k, j);
        sum += t;
        abs_sum += t.abs();
    }
    (sum, abs_sum)
}

/// Asserts that `got` is the product `x · a`: its shape is `x.rows × a.cols`, and at each listed
/// entry it is within [`dot_tolerance`] of the f64 reference, with `n = x.cols` and `T`'s epsilon.
#[track_caller]
pub fn assert_product_at<'a, T: Scalar, V: IntoView<'a, T>>(
    got: V,
    x: &Dense,
    a: &Dense,
    entries: impl IntoIterator<Item = (usize, usize)>,
) {
    if let Err(e) = product_error_at(got, x, a, entries) {
        panic!("{e}");
    }
}

/// [`assert_product_at`] at every entry: for products small enough to check in full.
#[track_caller]
pub fn assert_product<'a, T: Scalar, V: IntoView<'a, T>>(got: V, x: &Dense, a: &Dense) {
    let all = (0..x.rows).flat_map(|i| (0..a.cols).map(move |j| (i, j)));
    assert_product_at(got, x, a, all);
}

/// Entries to check in a product too large to check in full: the whole first and last row, the
/// whole first and last column (they meet every edge of the kernel's tiles), and 64 pseudo-random
/// entries from a fixed linear congruential sequence.
pub fn sample_entries(rows: usize, cols: usize) -> Vec<(usize, usize)> {
    if rows == 0 || cols == 0 {
        return Vec::new();
    }
    let mut entries = Vec::new();
    for j in 0..cols {
        entries.push((0, j));
        entries.push((rows - 1, j));
    }
    for i in 0..rows {
        entries.push((i, 0));
        entries.push((i, cols - 1));
    }
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..64 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let i = (state >> 33) as usize % rows;
        let j = (state >> 13) as usize % cols;
        entries.push((i, j));
    }
    entries
}

/// Seeded entries uniform in `[-1, 1)`: signed, so products exercise cancellation. (`2v − 1` is
/// exact for the generator's values, which lie on a grid of `2^-mantissa`.)
pub fn signed<R: Dim, C: Dim, T: Scalar>(rows: R, cols: C, seed: u64) -> Matrix<R, C, T> {
    Matrix::<R, C, T>::rand_with(rows, cols, seed).map(|v| v + v - T::ONE)
}

/// A `rows × cols` matrix with both dimensions [`Dyn`], signed random entries: for shape sweeps.
pub fn dyn_signed<T: Scalar>(rows: usize, cols: usize, seed: u64) -> Matrix<Dyn, Dyn, T> {
    signed(Dyn(rows), Dyn(cols), seed)
}

/// A seed that differs for every shape and operand, so no two inputs share their entries.
pub fn seed_for(shape: (usize, usize, usize), operand: u64) -> u64 {
    let (i, k, j) = shape;
    ((i as u64) << 40) ^ ((k as u64) << 20) ^ (j as u64) ^ (operand << 60)
}

/// Like [`assert_product_at`], but returns the first entry that breaks the tolerance, described,
/// instead of panicking: for callers that name the case (layout, thread count, ...) in their own
/// failure message, or collect every failing case before failing.
pub fn product_error_at<'a, T: Scalar, V: IntoView<'a, T>>(
    got: V,
    x: &Dense,
    a: &Dense,
    entries: impl IntoIterator<Item = (usize, usize)>,
) -> Result<(), String> {
    error_at(got, x, a, entries.into_iter().map(|entry| (entry, None)))
}

/// Checks a product accumulated into a destination: at each listed entry `(i, j)`, paired with
/// what the destination held before (`before`, exactly, as f64), `got` must be
/// `before + Σ_k x_ik a_kj`. That is a dot product with one more term, `before · 1`, so the
/// tolerance is [`dot_tolerance`] with `n = x.cols + 1` and `|before|` added to the sum of
/// magnitudes: the same derivation, nothing looser. Returns the first failing entry, described.
pub fn accumulated_error_at<'a, T: Scalar, V: IntoView<'a, T>>(
    got: V,
    x: &Dense,
    a: &Dense,
    entries: impl IntoIterator<Item = ((usize, usize), f64)>,
) -> Result<(), String> {
    error_at(
        got,
        x,
        a,
        entries
            .into_iter()
            .map(|(entry, before)| (entry, Some(before))),
    )
}

/// The check behind [`product_error_at`] (`before` is `None`) and [`accumulated_error_at`].
fn error_at<'a, T: Scalar, V: IntoView<'a, T>>(
    got: V,
    x: &Dense,
    a: &Dense,
    entries: impl Iterator<Item = ((usize, usize), Option<f64>)>,
) -> Result<(), String> {
    let got = got.into_view();
    if (got.rows(), got.cols()) != (x.rows, a.cols) {
        return Err(format!(
            "the product of a {}×{} and a {}×{} matrix is {}×{}",
            x.rows,
            x.cols,
            a.rows,
            a.cols,
            got.rows(),
            got.cols()
        ));
    }
    let depth = x.cols;
    let a_columns = columns(a);
    for ((i, j), before) in entries {
        assert!(i < x.rows && j < a.cols, "reference index out of range");
        let (sum, abs_sum) = dot(
            &x.data[i * depth..(i + 1) * depth],
            &a_columns[j * depth..(j + 1) * depth],
        );
        let (want, terms, magnitude) = match before {
            None => (sum, x.cols, abs_sum),
            Some(b) => (b + sum, x.cols + 1, abs_sum + b.abs()),
        };
        let value = got.get(i, j).expect("entry inside the product").to_f64();
        let tol = dot_tolerance(terms, eps::<T>(), magnitude);
        let within = (value - want).abs() <= tol; // false for NaN too
        if !within {
            let what = if before.is_some() {
                "accumulated product"
            } else {
                "product"
            };
            return Err(format!(
                "{} {what} {}×{} · {}×{}: entry ({i}, {j}) is {value:e}, reference {want:e}, \
                 error {:e} exceeds tolerance {tol:e}",
                T::NAME,
                x.rows,
                x.cols,
                a.rows,
                a.cols,
                (value - want).abs()
            ));
        }
    }
    Ok(())
}

/// `a`'s columns, each one contiguous: `a` transposed, row-major.
fn columns(a: &Dense) -> Vec<f64> {
    let (rows, cols) = (a.rows, a.cols);
    let src = a.data.as_slice();
    let mut out = vec![0.0; src.len()];
    let dst = out.as_mut_slice();
    let mut r = 0;
    while r < rows {
        let mut c = 0;
        while c < cols {
            dst[c * rows + r] = src[r * cols + c];
            c += 1;
        }
        r += 1;
    }
    out
}

/// `Σ_t p_t·q_t` and `Σ_t |p_t·q_t|` in f64, in order of `t`: the sums [`reference_entry`]
/// computes, bit for bit, written as a `while` loop over slices (no iterator or `Index` calls),
/// because the test crates run unoptimised and deep sampled products would otherwise dominate.
fn dot(p: &[f64], q: &[f64]) -> (f64, f64) {
    assert_eq!(p.len(), q.len(), "dot product of unequal lengths");
    let (mut sum, mut abs_sum) = (0.0f64, 0.0f64);
    let mut t = 0;
    while t < p.len() {
        let term = p[t] * q[t];
        sum += term;
        abs_sum += term.abs();
        t += 1;
    }
    (sum, abs_sum)
}
