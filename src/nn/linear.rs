//! [`Linear`]: `y = x · W + b`, an `In → Out` layer.

use rand_core::Rng;

use super::{Init, Params, Visit};
use crate::graph::{Graph, Var};
use crate::{Const, Dim, Matrix, Scalar, StaticDim};

/// A fully connected layer `y = x · W + b` from `In` features to `Out`: `W` is `In × Out` and
/// `b` a `1 × Out` row added to every row.
///
/// The weight is stored `In × Out`, the transpose of PyTorch's `nn.Linear.weight` (`Out × In`),
/// so that the forward is `x · W` with no transpose; [`from_torch`](Self::from_torch) takes
/// PyTorch's layout. A layer with `In` and `Out` swapped is another type, so it does not fit.
///
/// ```
/// use rand::SeedableRng;
/// use rand::rngs::Xoshiro256PlusPlus;
/// use shapegrad::{dim, graph::Tape, make_guard, nn::Linear, Matrix};
/// dim!(Batch = 8, Pixels = 64, Classes = 10);
///
/// let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
/// let layer = Linear::<Pixels, Classes>::new(&mut rng);
/// let x = Matrix::<Batch, Pixels>::rand(1);
///
/// let mut tape = Tape::new();
/// make_guard!(guard);
/// let g = tape.graph(guard);
/// let logits = layer.forward(&g, g.input(&x));
/// assert_eq!((logits.rows(), logits.cols()), (8, 10));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Linear<In: Dim, Out: Dim, T: Scalar = f32> {
    /// `W`, `In × Out`.
    pub weight: Matrix<In, Out, T>,
    /// `b`, a `1 × Out` row.
    pub bias: Matrix<Const<1>, Out, T>,
}

impl<In: StaticDim, Out: StaticDim, T: Scalar> Linear<In, Out, T> {
    /// A layer initialised as PyTorch's `nn.Linear` is: weight and bias uniform in
    /// `[−1/√In, 1/√In)`, drawn from `rng` (weight first, row-major, then bias).
    ///
    /// # Panics
    /// When `In × Out` elements are more than one allocation can hold.
    #[track_caller]
    pub fn new<G: Rng + ?Sized>(rng: &mut G) -> Self {
        Self::new_with(In::default(), Out::default(), rng)
    }

    /// A layer of zeros.
    pub fn zeros() -> Self {
        Linear {
            weight: Matrix::zeros(),
            bias: Matrix::zeros(),
        }
    }
}

impl<In: Dim, Out: Dim, T: Scalar> Linear<In, Out, T> {
    /// [`new`](Self::new) with the dimensions as values, for [`Dyn`](crate::Dyn) and runtime
    /// dimensions.
    ///
    /// # Panics
    /// When `In × Out` elements are more than one allocation can hold.
    #[track_caller]
    pub fn new_with<G: Rng + ?Sized>(inputs: In, outputs: Out, rng: &mut G) -> Self {
        let weight = Matrix::init_with(inputs, outputs, Init::TorchLinear, rng);
        let fan_in = inputs.size();
        let bias = Matrix::from_fn_with(Const, outputs, |_, _| {
            T::from_f64(Init::TorchLinear.draw(rng, fan_in, 1))
        });
        Linear { weight, bias }
    }

    /// A layer from PyTorch's layout: `weight` is `Out × In` (`nn.Linear.weight`), stored here
    /// transposed.
    pub fn from_torch(weight: &Matrix<Out, In, T>, bias: Matrix<Const<1>, Out, T>) -> Self {
        Linear {
            weight: weight.transpose(),
            bias,
        }
    }

    /// `x · W + b` for a batch `x` of `B` rows, recorded in `g`; the layer's weight and bias
    /// become parameters of the graph.
    pub fn forward<'id, 'p, B: Dim>(
        &'p self,
        g: &Graph<'id, '_, 'p, T>,
        x: Var<'id, B, In>,
    ) -> Var<'id, B, Out> {
        g.linear(x, g.param(&self.weight), g.param(&self.bias))
    }
}

impl<In: Dim, Out: Dim, T: Scalar> Params<T> for Linear<In, Out, T> {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        v.visit(&mut self.weight);
        v.visit(&mut self.bias);
    }
}
