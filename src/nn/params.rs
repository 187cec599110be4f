//! [`Params`]: a model lists its parameters once, and optimizers visit them all.

use crate::{Dim, Matrix, Scalar};

/// Something that is shown every parameter of a model in turn, with its type: an optimizer.
pub trait Visit<T: Scalar> {
    /// Called once per parameter, in the model's fixed order.
    fn visit<R: Dim, C: Dim>(&mut self, param: &mut Matrix<R, C, T>);
}

/// A model (or layer) whose parameters an optimizer can reach: each is named once, in
/// [`visit_params`](Self::visit_params), and the order is the optimizer's key for its state.
///
/// Implemented for `Matrix` (one parameter), [`Linear`](super::Linear), tuples, arrays and
/// `Vec`s of `Params`; a model implements it by visiting its fields:
///
/// ```
/// use shapegrad::{dim, nn::{Linear, Params, Visit}};
/// dim!(Pixels = 64, Hidden = 32, Classes = 10);
///
/// struct Mlp {
///     hidden: Linear<Pixels, Hidden>,
///     out: Linear<Hidden, Classes>,
/// }
///
/// impl Params<f32> for Mlp {
///     fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
///         self.hidden.visit_params(v);
///         self.out.visit_params(v);
///     }
/// }
/// ```
pub trait Params<T: Scalar> {
    /// Shows `v` every parameter, always in the same order.
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V);
}

impl<R: Dim, C: Dim, T: Scalar> Params<T> for Matrix<R, C, T> {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        v.visit(self);
    }
}

impl<T: Scalar, P: Params<T>, const N: usize> Params<T> for [P; N] {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        self.iter_mut().for_each(|p| p.visit_params(v));
    }
}

impl<T: Scalar, P: Params<T>> Params<T> for Vec<P> {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        self.iter_mut().for_each(|p| p.visit_params(v));
    }
}

impl<T: Scalar, P: Params<T> + ?Sized> Params<T> for &mut P {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        (**self).visit_params(v);
    }
}

/// `Params` for a tuple: its fields in order.
macro_rules! tuple_params {
    ($($p:ident $i:tt),+) => {
        impl<T: Scalar, $($p: Params<T>),+> Params<T> for ($($p,)+) {
            fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
                $(self.$i.visit_params(v);)+
            }
        }
    };
}

tuple_params!(A 0);
tuple_params!(A 0, B 1);
tuple_params!(A 0, B 1, C 2);
tuple_params!(A 0, B 1, C 2, D 3);
tuple_params!(A 0, B 1, C 2, D 3, E 4);
tuple_params!(A 0, B 1, C 2, D 3, E 4, F 5);

/// The number of parameters and of their elements: what a model's summary prints.
///
/// ```
/// use shapegrad::{dim, nn::{count_params, Linear}};
/// dim!(In = 3, Out = 2);
/// let mut layer = Linear::<In, Out>::zeros();
/// assert_eq!(count_params(&mut layer), (2, 3 * 2 + 2));
/// ```
pub fn count_params<T: Scalar, P: Params<T> + ?Sized>(model: &mut P) -> (usize, usize) {
    struct Count(usize, usize);
    impl<T: Scalar> Visit<T> for Count {
        fn visit<R: Dim, C: Dim>(&mut self, p: &mut Matrix<R, C, T>) {
            self.0 += 1;
            self.1 += p.as_slice().len();
        }
    }
    let mut c = Count(0, 0);
    model.visit_params(&mut c);
    (c.0, c.1)
}
