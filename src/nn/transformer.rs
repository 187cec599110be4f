//! [`LayerNorm`] and a pre-norm [`TransformerBlock`]: attention and an MLP, each behind a layer
//! norm and around a residual connection.

use rand_core::Rng;

use super::{Attention, Linear, Params, Visit};
use crate::graph::{Graph, Var};
use crate::shape::Product;
use crate::{Const, Dim, Matrix, Scalar, StaticDim};

/// Layer normalisation of each row of `C` features, as PyTorch's `nn.LayerNorm(C)`: the row
/// centred, divided by `sqrt(variance + eps)` (the biased variance), times a `1 × C` gain, plus
/// a `1 × C` bias.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNorm<C: Dim, T: Scalar = f32> {
    /// The gain `γ`, a `1 × C` row; ones when made by [`new`](Self::new).
    pub gain: Matrix<Const<1>, C, T>,
    /// The bias `β`, a `1 × C` row; zeros when made by [`new`](Self::new).
    pub bias: Matrix<Const<1>, C, T>,
    /// Added to the variance before its square root; `1e-5` when made by [`new`](Self::new),
    /// PyTorch's default.
    pub eps: T,
}

impl<C: StaticDim, T: Scalar> LayerNorm<C, T> {
    /// Gain ones, bias zeros, `eps = 1e-5`, as PyTorch initialises `nn.LayerNorm`.
    pub fn new() -> Self {
        Self::new_with(C::default())
    }
}

impl<C: StaticDim, T: Scalar> Default for LayerNorm<C, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Dim, T: Scalar> LayerNorm<C, T> {
    /// [`new`](Self::new) with the dimension as a value, for [`Dyn`](crate::Dyn) and runtime
    /// dimensions.
    pub fn new_with(cols: C) -> Self {
        LayerNorm {
            gain: Matrix::filled_with(Const, cols, T::ONE),
            bias: Matrix::zeros_with(Const, cols),
            eps: T::from_f64(1e-5),
        }
    }

    /// Every row of `x` normalised, recorded in `g`; the gain and bias become parameters.
    pub fn forward<'id, 'p, R: Dim>(
        &'p self,
        g: &Graph<'id, '_, 'p, T>,
        x: Var<'id, R, C>,
    ) -> Var<'id, R, C> {
        g.layer_norm(x, g.param(&self.gain), g.param(&self.bias), self.eps)
    }
}

impl<C: Dim, T: Scalar> Params<T> for LayerNorm<C, T> {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        v.visit(&mut self.gain);
        v.visit(&mut self.bias);
    }
}

/// A pre-norm transformer block over a batch of sequences of `Model` features:
///
/// ```text
/// h = x + attention(norm1(x))
/// y = h + W2 · gelu(W1 · norm2(h) + b1) + b2          (an MLP through `Hidden` features)
/// ```
///
/// as GPT-2 and PyTorch's `nn.TransformerEncoderLayer(norm_first=True)` (with GELU) arrange it.
///
/// ```
/// use rand::SeedableRng;
/// use rand::rngs::Xoshiro256PlusPlus;
/// use shapegrad::{dim, graph::Tape, make_guard, nn::TransformerBlock, Batched};
/// dim!(Batch = 2, Seq = 5, Heads = 2, HeadDim = 4, Model = Heads * HeadDim, Hidden = 32);
///
/// let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
/// let block = TransformerBlock::<Model, Heads, HeadDim, Hidden>::new(&mut rng);
/// let x = Batched::<Batch, Seq, Model>::rand(1);
///
/// let mut tape = Tape::new();
/// make_guard!(guard);
/// let g = tape.graph(guard);
/// let y = block.forward(&g, g.input_batched(&x));
/// let loss = g.mean(g.square(y));
/// let grads = g.backward(loss);
/// let d_query = grads.of(&block.attention.query.weight).unwrap();
/// assert_eq!((d_query.rows(), d_query.cols()), (8, 8));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TransformerBlock<Model: Dim, Heads: Dim, HeadDim: Dim, Hidden: Dim, T: Scalar = f32> {
    /// The norm before attention.
    pub norm1: LayerNorm<Model, T>,
    /// Multi-head self-attention.
    pub attention: Attention<Model, Heads, HeadDim, T>,
    /// The norm before the MLP.
    pub norm2: LayerNorm<Model, T>,
    /// The MLP's first layer, `Model → Hidden`, followed by GELU.
    pub up: Linear<Model, Hidden, T>,
    /// The MLP's second layer, `Hidden → Model`.
    pub down: Linear<Hidden, Model, T>,
}

impl<Model, Heads, HeadDim, Hidden, T> TransformerBlock<Model, Heads, HeadDim, Hidden, T>
where
    Model: StaticDim + Product<Heads, HeadDim>,
    Heads: StaticDim,
    HeadDim: StaticDim,
    Hidden: StaticDim,
    T: Scalar,
{
    /// A block initialised as PyTorch initialises its layers: norms to gain one and bias zero,
    /// the attention's projections then the MLP's layers drawn from `rng` in that order; not
    /// causal.
    pub fn new<G: Rng + ?Sized>(rng: &mut G) -> Self {
        let attention = Attention::new(rng);
        let up = Linear::new(rng);
        let down = Linear::new(rng);
        TransformerBlock {
            norm1: LayerNorm::new(),
            attention,
            norm2: LayerNorm::new(),
            up,
            down,
        }
    }

    /// The same block with causal attention or not.
    pub fn causal(mut self, causal: bool) -> Self {
        self.attention.causal = causal;
        self
    }

    /// The block applied to every sequence of `x`, recorded in `g`.
    pub fn forward<'id, 'p, B: Dim, S: Dim>(
        &'p self,
        g: &Graph<'id, '_, 'p, T>,
        x: Var<'id, (B, S), Model>,
    ) -> Var<'id, (B, S), Model> {
        let h = g.add(x, self.attention.forward(g, self.norm1.forward(g, x)));
        let mlp = self
            .down
            .forward(g, g.gelu(self.up.forward(g, self.norm2.forward(g, h))));
        g.add(h, mlp)
    }
}

impl<Model: Dim, Heads: Dim, HeadDim: Dim, Hidden: Dim, T: Scalar> Params<T>
    for TransformerBlock<Model, Heads, HeadDim, Hidden, T>
{
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        self.norm1.visit_params(v);
        self.attention.visit_params(v);
        self.norm2.visit_params(v);
        self.up.visit_params(v);
        self.down.visit_params(v);
    }
}
