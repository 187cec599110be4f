//! Element-wise functions of two matrices with a typed backward: `a + b`, `a − b`, the Hadamard
//! product `a ⊙ b` and the quotient `a ⊘ b` ([`Binary`]), and `k · a` for a scalar `k`
//! ([`Scale`]).
//!
//! Both operands of a [`Binary`] are `Matrix<R, C, T>`, one type, so a Hadamard product of
//! transposed shapes (`Matrix<A, B>` ⊙ `Matrix<B, A>`) does not compile; only
//! [`Dyn`](crate::Dyn) sizes are compared at run time. The backward of `y = f(a, b)` is
//! `da = dy ⊙ ∂f/∂a` and `db = dy ⊙ ∂f/∂b`, each a matrix of its operand's type
//! ([`BinaryGrads`]). The same [`Binary`] broadcast over rows or columns is in `broadcast.rs`.
//!
//! # Names
//!
//! `*` is the matrix product here, as in the maths, so the element-wise product cannot be `*` as
//! it is in ndarray (where the matrix product is `dot`), and a method called `mul` would read as
//! the matrix product. nalgebra calls it `component_mul` (and `component_div`), the words of
//! vectors. shapegrad calls it [`hadamard`](Matrix::hadamard): the name of `⊙`, the operator the
//! backward formulas in these docs and in the literature are written with. Division has no such
//! standard name; [`div_elem`](Matrix::div_elem) says that it is element by element.

use crate::error::OrPanic;
use crate::{Dim, Matrix, Scalar, ShapeError, Write};

/// An element-wise function of two matrices of one type, and its partial derivatives.
///
/// The [`Matrix`] methods apply one: `+` or [`try_add`](Matrix::try_add), `-` or
/// [`try_sub`](Matrix::try_sub), [`hadamard`](Matrix::hadamard), [`div_elem`](Matrix::div_elem),
/// or any of them with [`binary`](Matrix::binary). [`backward`](Self::backward) gives the
/// gradients of both operands; [`backward_row`](Self::backward_row) and
/// [`backward_col`](Self::backward_col) those of a broadcast.
///
/// ```
/// use shapegrad::{Binary, BinaryGrads, Const, Matrix};
/// type M = Matrix<Const<1>, Const<3>>;
///
/// let (a, b) = (M::from_rows([[1.0, 2.0, 3.0]]), M::from_rows([[4.0, 5.0, 6.0]]));
/// let y = a.hadamard(&b);
/// assert_eq!(y.as_slice(), &[4.0, 10.0, 18.0]);
/// // l = Σ y, so dl/dy is all ones: the gradient of each operand is the other operand.
/// let BinaryGrads { da, db } = Binary::Hadamard.backward(&a, &b, &M::ones());
/// assert_eq!((da, db), (b, a));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Binary {
    /// `a + b`.
    Add,
    /// `a − b`.
    Sub,
    /// `a · b`, element by element: the Hadamard product `a ⊙ b`.
    Hadamard,
    /// `a / b`, element by element: `±∞` or NaN where `b` is 0, as in IEEE arithmetic.
    Div,
}

/// `$body` once per variant of the [`Binary`] `$f`, with `$g` bound to that variant: in each copy
/// the compiler knows which function `$g` is, so a loop in `$body` (or in an `#[inline(always)]`
/// function it calls) is compiled for that function alone and vectorised, with no choice of
/// function per element.
macro_rules! per_variant {
    ($f:expr, $g:ident => $body:expr) => {
        match $f {
            Binary::Add => {
                let $g = Binary::Add;
                $body
            }
            Binary::Sub => {
                let $g = Binary::Sub;
                $body
            }
            Binary::Hadamard => {
                let $g = Binary::Hadamard;
                $body
            }
            Binary::Div => {
                let $g = Binary::Div;
                $body
            }
        }
    };
}
pub(crate) use per_variant;

impl Binary {
    /// `f(a, b)`.
    #[inline]
    pub fn apply<T: Scalar>(self, a: T, b: T) -> T {
        match self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Hadamard => a * b,
            Binary::Div => a / b,
        }
    }

    /// The partial derivatives `(∂f/∂a, ∂f/∂b)` at `(a, b)`.
    ///
    /// ```
    /// use shapegrad::Binary;
    /// assert_eq!(Binary::Div.partials(3.0_f64, 2.0), (0.5, -0.75));
    /// ```
    #[inline]
    pub fn partials<T: Scalar>(self, a: T, b: T) -> (T, T) {
        match self {
            Binary::Add => (T::ONE, T::ONE),
            Binary::Sub => (T::ONE, -T::ONE),
            Binary::Hadamard => (b, a),
            Binary::Div => {
                let inv = T::ONE / b;
                (inv, -a * inv * inv)
            }
        }
    }

    /// What the forward says when `b` has another [`Dyn`](crate::Dyn) shape than `a`: the name a
    /// user calls it by, and what must agree.
    pub(crate) fn forward_op(self) -> &'static str {
        match self {
            Binary::Add => "add: both operands must have one shape",
            Binary::Sub => "sub: both operands must have one shape",
            Binary::Hadamard => "hadamard: both operands must have one shape",
            Binary::Div => "div_elem: both operands must have one shape",
        }
    }

    /// The gradients of both operands, `da = dy ⊙ ∂f/∂a` and `db = dy ⊙ ∂f/∂b`, given the
    /// forward's operands `a` and `b` and `dy = dl/dy`.
    ///
    /// ```
    /// use shapegrad::{Binary, Const, Matrix};
    /// type M = Matrix<Const<1>, Const<2>, f64>;
    ///
    /// let (a, b) = (M::from_rows([[3.0, 1.0]]), M::from_rows([[2.0, 4.0]]));
    /// let grads = Binary::Div.backward(&a, &b, &M::ones());
    /// assert_eq!(grads.da.as_slice(), &[0.5, 0.25]); // 1 / b
    /// assert_eq!(grads.db.as_slice(), &[-0.75, -0.0625]); // −a / b²
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `b` or `dy` differs from `a`'s, at the caller's line;
    /// see [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        b: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
    ) -> BinaryGrads<Matrix<R, C, T>> {
        let (r, c) = a.dims();
        let (mut da, mut db) = (Matrix::zeros_with(r, c), Matrix::zeros_with(r, c));
        self.try_backward_into(a, b, dy, Some(&mut da), Some(&mut db), Write::Overwrite)
            .or_panic();
        BinaryGrads { da, db }
    }

    /// Writes `dy ⊙ ∂f/∂a` into `da` and `dy ⊙ ∂f/∂b` into `db`, replacing
    /// ([`Write::Overwrite`]) or adding to ([`Write::Accumulate`]) what they hold, in one pass and
    /// without allocating. Either may be `None` when that operand needs no gradient (a constant
    /// mask, a fixed input); nothing is computed for it.
    ///
    /// ```
    /// use shapegrad::{Binary, Const, Matrix, Write};
    /// type M = Matrix<Const<1>, Const<2>>;
    ///
    /// let (x, mask) = (M::from_rows([[2.0, 3.0]]), M::from_rows([[1.0, 0.0]]));
    /// let mut dx = M::from_rows([[10.0, 10.0]]);
    /// // y = x ⊙ mask; the mask is a constant, so only x's gradient is asked for.
    /// Binary::Hadamard
    ///     .try_backward_into(&x, &mask, &M::ones(), Some(&mut dx), None, Write::Accumulate)
    ///     .unwrap();
    /// assert_eq!(dx.as_slice(), &[11.0, 10.0]);
    /// ```
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `b`, `dy`, `da` or `db`
    /// differs from `a`'s; `da` and `db` are then untouched.
    pub fn try_backward_into<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        b: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        db: Option<&mut Matrix<R, C, T>>,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_shapes(
            shape(a),
            [
                Some((shape(b), "binary backward: b must have a's shape")),
                Some((shape(dy), "binary backward: dy must have a's shape")),
                da.as_deref()
                    .map(|m| (shape(m), "binary backward: da must have a's shape")),
                db.as_deref()
                    .map(|m| (shape(m), "binary backward: db must have a's shape")),
            ],
        )?;
        match write {
            Write::Overwrite => per_variant!(self, f => f.grads(a, b, dy, da, db, |d, v| *d = v)),
            Write::Accumulate => per_variant!(self, f => f.grads(a, b, dy, da, db, |d, v| *d += v)),
        }
        Ok(())
    }

    /// The loops of [`try_backward_into`](Self::try_backward_into), after its checks: `put`
    /// writes or adds one value.
    #[inline(always)]
    fn grads<R: Dim, C: Dim, T: Scalar>(
        self,
        a: &Matrix<R, C, T>,
        b: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        db: Option<&mut Matrix<R, C, T>>,
        put: impl Fn(&mut T, T),
    ) {
        let terms = a.as_slice().iter().zip(b.as_slice()).zip(dy.as_slice());
        match (da, db) {
            (Some(da), Some(db)) => {
                let out = da.as_mut_slice().iter_mut().zip(db.as_mut_slice());
                for ((da, db), ((&a, &b), &g)) in out.zip(terms) {
                    let (pa, pb) = self.partials(a, b);
                    put(da, g * pa);
                    put(db, g * pb);
                }
            }
            (Some(da), None) => {
                for (da, ((&a, &b), &g)) in da.as_mut_slice().iter_mut().zip(terms) {
                    put(da, g * self.partials(a, b).0);
                }
            }
            (None, Some(db)) => {
                for (db, ((&a, &b), &g)) in db.as_mut_slice().iter_mut().zip(terms) {
                    put(db, g * self.partials(a, b).1);
                }
            }
            (None, None) => {}
        }
    }
}

/// The gradients of both operands of a binary op: `da` has the type of the first operand, `db`
/// the type of the second.
///
/// For [`Binary`] both are `Matrix<R, C, T>`; for a broadcast
/// ([`Binary::backward_row`]) `db` is the row's `Matrix<Const<1>, C, T>`, and for [`Scale`] it is
/// the scalar `T`. A gradient given to the other operand's type does not compile, unless the two
/// types are the same.
#[derive(Clone, Debug, PartialEq)]
pub struct BinaryGrads<A, B = A> {
    /// `dl/da`, of the first operand's type.
    pub da: A,
    /// `dl/db`, of the second operand's type.
    pub db: B,
}

/// `k · a`, every element of a matrix times a scalar `k`: the forward is
/// [`scale`](Matrix::scale) (or `&a * k`), and [`backward`](Self::backward) gives the gradients of
/// both, `da = k · dy` and `dk = Σ dy ⊙ a`, a matrix and a scalar.
///
/// ```
/// use shapegrad::{Const, Matrix, Scale};
/// type M = Matrix<Const<1>, Const<2>>;
///
/// let a = M::from_rows([[1.0, 2.0]]);
/// assert_eq!(a.scale(3.0).as_slice(), &[3.0, 6.0]);
/// let grads = Scale(3.0).backward(&a, &M::ones());
/// assert_eq!(grads.da.as_slice(), &[3.0, 3.0]);
/// assert_eq!(grads.db, 3.0); // 1 + 2
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale<T: Scalar = f32>(pub T);

impl<T: Scalar> Scale<T> {
    /// The gradients of the matrix and of the factor: `da = k · dy`, `db = dk = Σ dy ⊙ a`.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `dy` differs from `a`'s, at the caller's line; see
    /// [`try_backward_into`](Self::try_backward_into).
    #[track_caller]
    pub fn backward<R: Dim, C: Dim>(
        self,
        a: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
    ) -> BinaryGrads<Matrix<R, C, T>, T> {
        let (r, c) = a.dims();
        let (mut da, mut dk) = (Matrix::zeros_with(r, c), T::ZERO);
        self.try_backward_into(a, dy, Some(&mut da), Some(&mut dk), Write::Overwrite)
            .or_panic();
        BinaryGrads { da, db: dk }
    }

    /// Writes `k · dy` into `da` and `Σ dy ⊙ a` into `dk`, replacing ([`Write::Overwrite`]) or
    /// adding to ([`Write::Accumulate`]) what they hold, in one pass and without allocating.
    /// Either may be `None`: a constant factor (a learning rate, `1/n`) needs no gradient.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `dy` or `da` differs from
    /// `a`'s; `da` and `dk` are then untouched.
    pub fn try_backward_into<R: Dim, C: Dim>(
        self,
        a: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        dk: Option<&mut T>,
        write: Write,
    ) -> Result<(), ShapeError> {
        check_shapes(
            shape(a),
            [
                Some((shape(dy), "scale backward: dy must have a's shape")),
                da.as_deref()
                    .map(|m| (shape(m), "scale backward: da must have a's shape")),
            ],
        )?;
        match write {
            Write::Overwrite => self.grads(a, dy, da, dk, |d, v| *d = v),
            Write::Accumulate => self.grads(a, dy, da, dk, |d, v| *d += v),
        }
        Ok(())
    }

    /// The loop of [`try_backward_into`](Self::try_backward_into), after its checks: `put`
    /// writes or adds one value.
    fn grads<R: Dim, C: Dim>(
        self,
        a: &Matrix<R, C, T>,
        dy: &Matrix<R, C, T>,
        da: Option<&mut Matrix<R, C, T>>,
        dk: Option<&mut T>,
        put: impl Fn(&mut T, T),
    ) {
        let k = self.0;
        let terms = a.as_slice().iter().zip(dy.as_slice());
        match (da, dk) {
            (Some(da), Some(dk)) => {
                let mut sum = T::ZERO;
                for (d, (&a, &g)) in da.as_mut_slice().iter_mut().zip(terms) {
                    put(d, k * g);
                    sum += g * a;
                }
                put(dk, sum);
            }
            (Some(da), None) => {
                for (d, (_, &g)) in da.as_mut_slice().iter_mut().zip(terms) {
                    put(d, k * g);
                }
            }
            (None, Some(dk)) => put(dk, terms.map(|(&a, &g)| g * a).sum()),
            (None, None) => {}
        }
    }
}

/// `(rows, cols)` of a matrix.
pub(super) fn shape<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> (usize, usize) {
    (m.rows(), m.cols())
}

/// `Ok` when `b` has `a`'s shape (always, unless a dimension is [`Dyn`](crate::Dyn)), else a
/// [`ShapeError::Mismatch`] saying `op`.
pub(super) fn same_shape<R: Dim, C: Dim, T: Scalar>(
    op: &'static str,
    a: &Matrix<R, C, T>,
    b: &Matrix<R, C, T>,
) -> Result<(), ShapeError> {
    check_shapes(shape(a), [Some((shape(b), op))])
}

/// `Ok` when every given shape is `expected`; otherwise the first that is not, as a
/// [`ShapeError::Mismatch`] with its message. `None` stands for an operand that was not given.
pub(super) fn check_shapes<const N: usize>(
    expected: (usize, usize),
    given: [Option<((usize, usize), &'static str)>; N],
) -> Result<(), ShapeError> {
    match given.into_iter().flatten().find(|&(g, _)| g != expected) {
        None => Ok(()),
        Some((given, op)) => Err(ShapeError::Mismatch {
            op,
            expected,
            given,
        }),
    }
}

/// The forwards: one method per [`Binary`] function, and `k · a`.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `f(self, other)` element by element, for any [`Binary`] function.
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `other` differs, at the caller's line; see
    /// [`try_binary`](Self::try_binary).
    #[track_caller]
    pub fn binary(&self, f: Binary, other: &Self) -> Self {
        self.try_binary(f, other).or_panic()
    }

    /// `f(self, other)` element by element, or a [`ShapeError::Mismatch`] when a
    /// [`Dyn`](crate::Dyn) size of `other` differs.
    pub fn try_binary(&self, f: Binary, other: &Self) -> Result<Self, ShapeError> {
        self.try_zip_with(other, f.forward_op(), |a, b| f.apply(a, b))
    }

    /// Writes `f(self, other)` into `out`, without allocating.
    ///
    /// # Errors
    /// [`ShapeError::Mismatch`] when a [`Dyn`](crate::Dyn) size of `other` or `out` differs;
    /// `out` is then untouched.
    pub fn try_binary_into(
        &self,
        f: Binary,
        other: &Self,
        out: &mut Self,
    ) -> Result<(), ShapeError> {
        check_shapes(
            shape(self),
            [
                Some((shape(other), f.forward_op())),
                Some((
                    shape(out),
                    "binary_into: the destination must have the operands' shape",
                )),
            ],
        )?;
        let terms = self.as_slice().iter().zip(other.as_slice());
        let each = out.as_mut_slice().iter_mut().zip(terms);
        per_variant!(f, f => each.for_each(|(o, (&a, &b))| *o = f.apply(a, b)));
        Ok(())
    }

    /// `self + other`, or a [`ShapeError::Mismatch`] where `+` would panic: the fallible twin of
    /// `&a + &b` for [`Dyn`](crate::Dyn) sizes.
    pub fn try_add(&self, other: &Self) -> Result<Self, ShapeError> {
        self.try_binary(Binary::Add, other)
    }

    /// `self − other`, or a [`ShapeError::Mismatch`] where `-` would panic: the fallible twin of
    /// `&a - &b` for [`Dyn`](crate::Dyn) sizes.
    pub fn try_sub(&self, other: &Self) -> Result<Self, ShapeError> {
        self.try_binary(Binary::Sub, other)
    }

    /// The Hadamard product `self ⊙ other`: each element times the matching element
    /// ([`Binary::Hadamard`]). `*` is the matrix product; this is the element-wise one.
    ///
    /// Both operands have one type, so a product of transposed shapes does not compile:
    ///
    /// ```
    /// use shapegrad::{dim, Matrix};
    /// dim!(Batch = 2, Out = 3);
    ///
    /// let y = Matrix::<Batch, Out>::from_rows([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]);
    /// let mask = y.map(|v| if v > 0.0 { 1.0 } else { 0.0 });
    /// assert_eq!(y.hadamard(&mask).as_slice(), &[1.0, 0.0, 3.0, 0.0, 5.0, 0.0]);
    /// ```
    ///
    /// ```compile_fail
    /// use shapegrad::{dim, Matrix};
    /// dim!(Batch = 2, Out = 3);
    /// let (y, g) = (Matrix::<Batch, Out>::ones(), Matrix::<Out, Batch>::ones());
    /// let _ = y.hadamard(&g); // expected `&Matrix<Batch, Out>`, found `&Matrix<Out, Batch>`
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `other` differs, at the caller's line; see
    /// [`try_hadamard`](Self::try_hadamard).
    #[track_caller]
    pub fn hadamard(&self, other: &Self) -> Self {
        self.try_binary(Binary::Hadamard, other).or_panic()
    }

    /// Like [`hadamard`](Self::hadamard), but a [`Dyn`](crate::Dyn) size that disagrees is a
    /// [`ShapeError::Mismatch`].
    pub fn try_hadamard(&self, other: &Self) -> Result<Self, ShapeError> {
        self.try_binary(Binary::Hadamard, other)
    }

    /// `self / other`, element by element ([`Binary::Div`]).
    ///
    /// ```
    /// use shapegrad::{Const, Matrix};
    /// type M = Matrix<Const<1>, Const<3>>;
    /// let q = M::from_rows([[1.0, 6.0, -1.0]]).div_elem(&M::from_rows([[2.0, 3.0, 0.0]]));
    /// assert_eq!(q.as_slice(), &[0.5, 2.0, f32::NEG_INFINITY]);
    /// ```
    ///
    /// # Panics
    /// When a [`Dyn`](crate::Dyn) size of `other` differs, at the caller's line; see
    /// [`try_div_elem`](Self::try_div_elem).
    #[track_caller]
    pub fn div_elem(&self, other: &Self) -> Self {
        self.try_binary(Binary::Div, other).or_panic()
    }

    /// Like [`div_elem`](Self::div_elem), but a [`Dyn`](crate::Dyn) size that disagrees is a
    /// [`ShapeError::Mismatch`].
    pub fn try_div_elem(&self, other: &Self) -> Result<Self, ShapeError> {
        self.try_binary(Binary::Div, other)
    }

    /// Every element times `k`: the same as `&self * k`; its backward is [`Scale`].
    pub fn scale(&self, k: T) -> Self {
        self.map(|v| v * k)
    }
}

#[cfg(test)]
mod tests {
    use super::{Binary, BinaryGrads, Scale};
    use crate::{Const, Dim, Dyn, Matrix, Write, gradcheck};

    const ALL: [Binary; 4] = [Binary::Add, Binary::Sub, Binary::Hadamard, Binary::Div];

    /// A random `rows × cols` pair of operands; `b` is kept away from 0, where `a / b` blows up.
    fn operands<R: Dim, C: Dim>(
        rows: R,
        cols: C,
        seed: u64,
    ) -> (Matrix<R, C, f64>, Matrix<R, C, f64>) {
        let a = Matrix::rand_with(rows, cols, seed).map(|v| 4.0 * v - 2.0);
        let b = Matrix::rand_with(rows, cols, seed + 1).map(|v: f64| {
            let v = 4.0 * v - 2.0;
            v + 0.5 * v.signum()
        });
        (a, b)
    }

    /// Checks `f`'s backward at random `rows × cols` operands against central differences of
    /// `l = Σ f(a, b) ⊙ r`.
    fn check_one<R: Dim, C: Dim>(f: Binary, rows: R, cols: C, seed: u64) {
        let (a, b) = operands(rows, cols, seed);
        let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 2).map(|v| v - 0.5);
        let BinaryGrads { da, db } = f.backward(&a, &b, &r);
        let loss = |(a, b): &(Matrix<R, C, f64>, Matrix<R, C, f64>)| -> f64 {
            a.binary(f, b).hadamard(&r).sum()
        };
        let report = gradcheck::check(&(a, b), &(da, db), loss);
        let tol = gradcheck::tolerance(rows.size() * cols.size());
        assert!(report.max_error() <= tol, "{f:?}: {report}");
    }

    #[test]
    fn every_backward_matches_central_differences_static_and_dyn() {
        for (i, f) in ALL.into_iter().enumerate() {
            let seed = 10 * i as u64;
            check_one(f, Const::<3>, Const::<5>, seed);
            check_one(f, Dyn(7), Const::<2>, seed + 3);
            check_one(f, Dyn(1), Dyn(11), seed + 5);
        }
    }

    #[test]
    fn scale_backward_matches_central_differences_static_and_dyn() {
        fn check_scale<R: Dim, C: Dim>(rows: R, cols: C, seed: u64) {
            let a = Matrix::<R, C, f64>::rand_with(rows, cols, seed).map(|v| 4.0 * v - 2.0);
            let r = Matrix::<R, C, f64>::rand_with(rows, cols, seed + 1).map(|v| v - 0.5);
            // The factor as a 1×1 matrix, so the checker can nudge it.
            let k = Matrix::<Const<1>, Const<1>, f64>::from_rows([[-1.75]]);
            let BinaryGrads { da, db } = Scale(k[(0, 0)]).backward(&a, &r);
            let dk = Matrix::from_rows([[db]]);
            let loss = |(a, k): &(Matrix<R, C, f64>, Matrix<Const<1>, Const<1>, f64>)| {
                a.scale(k[(0, 0)]).hadamard(&r).sum()
            };
            let report = gradcheck::check(&(a, k), &(da, dk), loss);
            report.assert_within(gradcheck::tolerance(rows.size() * cols.size()));
        }
        check_scale(Const::<4>, Const::<3>, 1);
        check_scale(Dyn(5), Const::<2>, 2);
        check_scale(Dyn(2), Dyn(6), 3);
    }

    #[test]
    fn forward_values_and_partials_match_the_definitions() {
        type M = Matrix<Const<1>, Const<3>, f64>;
        let (a, b) = (
            M::from_rows([[1.5, -2.0, 0.0]]),
            M::from_rows([[2.0, 4.0, -1.0]]),
        );
        assert_eq!((&a + &b).as_slice(), &[3.5, 2.0, -1.0]);
        assert_eq!(a.try_add(&b).unwrap(), &a + &b);
        assert_eq!(a.try_sub(&b).unwrap().as_slice(), &[-0.5, -6.0, 1.0]);
        assert_eq!(a.hadamard(&b).as_slice(), &[3.0, -8.0, 0.0]);
        assert_eq!(a.div_elem(&b).as_slice(), &[0.75, -0.5, -0.0]);
        assert_eq!(a.scale(-2.0), &a * -2.0);
        for f in ALL {
            assert_eq!(a.binary(f, &b), a.try_binary(f, &b).unwrap());
            let mut out = M::zeros();
            a.try_binary_into(f, &b, &mut out).unwrap();
            assert_eq!(out, a.binary(f, &b), "{f:?}");
        }
        assert_eq!(Binary::Sub.partials(1.0, 2.0), (1.0, -1.0));
        assert_eq!(Binary::Hadamard.partials(3.0, 5.0), (5.0, 3.0));
    }

    #[test]
    fn f32_follows_f64_to_within_rounding() {
        let (a64, b64) = operands(Const::<4>, Const::<6>, 3);
        let to32 = |m: &Matrix<Const<4>, Const<6>, f64>| {
            Matrix::<Const<4>, Const<6>, f32>::from_fn(|i, j| m[(i, j)] as f32)
        };
        let (a32, b32) = (to32(&a64), to32(&b64));
        for f in ALL {
            let want = a64.binary(f, &b64);
            let got = a32.binary(f, &b32);
            let grads64 = f.backward(&a64, &b64, &want);
            let grads32 = f.backward(&a32, &b32, &got);
            let pairs = [
                (got.as_slice(), want.as_slice()),
                (grads32.da.as_slice(), grads64.da.as_slice()),
                (grads32.db.as_slice(), grads64.db.as_slice()),
            ];
            for (got, want) in pairs {
                for (g, w) in got.iter().zip(want) {
                    // The inputs' own rounding to f32, then a few roundings in each op.
                    let tol = 8.0 * f64::from(f32::EPSILON) * w.abs().max(1.0);
                    assert!((f64::from(*g) - w).abs() <= tol, "{f:?}: {g} vs {w}");
                }
            }
        }
    }

    #[test]
    fn backward_into_accumulates_writes_one_side_and_checks_dyn_sizes() {
        let m = |v: [f64; 4]| Matrix::try_from_vec_with(Dyn(2), Dyn(2), v.to_vec()).unwrap();
        let (a, b, dy) = (
            m([1.0, 2.0, 3.0, 4.0]),
            m([5.0, 6.0, 7.0, 8.0]),
            m([1.0; 4]),
        );
        let (mut da, mut db) = (m([1.0; 4]), m([1.0; 4]));
        Binary::Hadamard
            .try_backward_into(&a, &b, &dy, Some(&mut da), Some(&mut db), Write::Accumulate)
            .unwrap();
        assert_eq!(da.as_slice(), &[6.0, 7.0, 8.0, 9.0]);
        assert_eq!(db.as_slice(), &[2.0, 3.0, 4.0, 5.0]);
        Binary::Sub
            .try_backward_into(&a, &b, &dy, None, Some(&mut db), Write::Overwrite)
            .unwrap();
        assert_eq!(db.as_slice(), &[-1.0; 4]);
        assert_eq!(da.as_slice(), &[6.0, 7.0, 8.0, 9.0], "da was not asked for");

        // A wrong db is found before da is written.
        let mut short = Matrix::filled_with(Dyn(1), Dyn(2), 0.0);
        let err = Binary::Add.try_backward_into(
            &a,
            &b,
            &dy,
            Some(&mut da),
            Some(&mut short),
            Write::Overwrite,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "binary backward: db must have a's shape: expected a 2×2 matrix, but a 1×2 matrix \
             was given"
        );
        assert_eq!(da.as_slice(), &[6.0, 7.0, 8.0, 9.0], "untouched on error");
        let err = Binary::Add.try_backward_into(&a, &b, &short, None, None, Write::Overwrite);
        assert_eq!(
            err.unwrap_err().to_string(),
            "binary backward: dy must have a's shape: expected a 2×2 matrix, but a 1×2 matrix \
             was given"
        );
        let err = a.try_hadamard(&short).unwrap_err();
        assert_eq!(
            err.to_string(),
            "hadamard: both operands must have one shape: expected a 2×2 matrix, but a 1×2 \
             matrix was given"
        );
        let err = a.try_div_elem(&short).unwrap_err().to_string();
        assert!(
            err.starts_with("div_elem: both operands must have one shape"),
            "{err}"
        );
        let mut out = short.clone();
        let err = a.try_binary_into(Binary::Add, &b, &mut out).unwrap_err();
        assert_eq!(
            err.to_string(),
            "binary_into: the destination must have the operands' shape: expected a 2×2 \
             matrix, but a 1×2 matrix was given"
        );
        assert_eq!(out, short, "untouched on error");
    }

    #[test]
    fn scale_backward_into_accumulates_and_checks_dyn_sizes() {
        let a = Matrix::<Dyn, Const<2>, f64>::from_rows(vec![[1.0, 2.0], [3.0, 4.0]]);
        let dy = Matrix::filled_with(Dyn(2), Const, 0.5);
        let (mut da, mut dk) = (Matrix::filled_with(Dyn(2), Const, 1.0), 1.0);
        Scale(2.0)
            .try_backward_into(&a, &dy, Some(&mut da), Some(&mut dk), Write::Accumulate)
            .unwrap();
        assert_eq!((da.as_slice(), dk), (&[2.0; 4][..], 6.0));
        Scale(2.0)
            .try_backward_into(&a, &dy, None, Some(&mut dk), Write::Overwrite)
            .unwrap();
        assert_eq!(dk, 5.0);
        let short = Matrix::filled_with(Dyn(1), Const, 0.5);
        let err = Scale(2.0).try_backward_into(
            &a,
            &short,
            Some(&mut da),
            Some(&mut dk),
            Write::Overwrite,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "scale backward: dy must have a's shape: expected a 2×2 matrix, but a 1×2 matrix \
             was given"
        );
        assert_eq!(
            (da.as_slice(), dk),
            (&[2.0; 4][..], 5.0),
            "untouched on error"
        );
    }
}
