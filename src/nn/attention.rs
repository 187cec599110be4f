//! [`Attention`]: multi-head scaled dot-product self-attention, with named dimensions.

use core::marker::PhantomData;

use rand_core::Rng;

use super::{Linear, Params, Visit};
use crate::graph::{Graph, Var};
use crate::shape::Product;
use crate::{Dim, Scalar, StaticDim};

/// Multi-head self-attention over a batch of sequences: `Model` features split into `Heads`
/// heads of `HeadDim`, as PyTorch's `scaled_dot_product_attention` per head.
///
/// For the tokens `x` of `B` sequences of `S` positions (a `Var<(B, S), Model>`):
///
/// ```text
/// q, k, v = x·Wq + bq, x·Wk + bk, x·Wv + bv                 (B, S) × Model
/// per head h:  softmax((q_h / √HeadDim) · k_hᵀ [+ causal mask]) · v_h
/// heads merged back to (B, S) × Model, then · Wo + bo
/// ```
///
/// `Model` must be declared as `Heads × HeadDim` (`dim!(Model = Heads * HeadDim)`), so the split
/// into heads and the merge back agree by the types. Each step's transposes are checked by the
/// compiler: scores are `q · kᵀ`, `Seq × Seq` per head; `q · k` does not compile.
///
/// ```
/// use rand::SeedableRng;
/// use rand::rngs::Xoshiro256PlusPlus;
/// use shapegrad::{dim, graph::Tape, make_guard, nn::Attention, Batched};
/// dim!(Batch = 2, Seq = 5, Heads = 2, HeadDim = 4, Model = Heads * HeadDim);
///
/// let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
/// let attention = Attention::<Model, Heads, HeadDim>::new(&mut rng).causal(true);
/// let x = Batched::<Batch, Seq, Model>::rand(1);
///
/// let mut tape = Tape::new();
/// make_guard!(guard);
/// let g = tape.graph(guard);
/// let y = attention.forward(&g, g.input_batched(&x));
/// assert_eq!((y.batch(), y.rows(), y.cols()), (2, 10, 8));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Attention<Model: Dim, Heads: Dim, HeadDim: Dim, T: Scalar = f32> {
    /// The query projection.
    pub query: Linear<Model, Model, T>,
    /// The key projection.
    pub key: Linear<Model, Model, T>,
    /// The value projection.
    pub value: Linear<Model, Model, T>,
    /// The output projection, after the heads are merged.
    pub output: Linear<Model, Model, T>,
    /// Whether position `i` attends to positions `0..=i` only.
    pub causal: bool,
    heads: PhantomData<(Heads, HeadDim)>,
}

impl<Model, Heads, HeadDim, T> Attention<Model, Heads, HeadDim, T>
where
    Model: StaticDim + Product<Heads, HeadDim>,
    Heads: StaticDim,
    HeadDim: StaticDim,
    T: Scalar,
{
    /// Attention with its four projections initialised as PyTorch's `nn.Linear` (query, key,
    /// value, output, in that order, from `rng`); not causal.
    pub fn new<G: Rng + ?Sized>(rng: &mut G) -> Self {
        let query = Linear::new(rng);
        let key = Linear::new(rng);
        let value = Linear::new(rng);
        let output = Linear::new(rng);
        Self::from_projections(query, key, value, output)
    }

    /// Attention with the given projections; not causal.
    pub fn from_projections(
        query: Linear<Model, Model, T>,
        key: Linear<Model, Model, T>,
        value: Linear<Model, Model, T>,
        output: Linear<Model, Model, T>,
    ) -> Self {
        Attention {
            query,
            key,
            value,
            output,
            causal: false,
            heads: PhantomData,
        }
    }

    /// The same attention, causal or not.
    pub fn causal(mut self, causal: bool) -> Self {
        self.causal = causal;
        self
    }

    /// Self-attention of every sequence of `x`, recorded in `g`.
    pub fn forward<'id, 'p, B: Dim, S: Dim>(
        &'p self,
        g: &Graph<'id, '_, 'p, T>,
        x: Var<'id, (B, S), Model>,
    ) -> Var<'id, (B, S), Model> {
        let heads = |w: &'p Linear<Model, Model, T>| -> Var<'id, ((B, Heads), S), HeadDim> {
            g.split_heads(w.forward(g, x))
        };
        let (q, k, v) = (heads(&self.query), heads(&self.key), heads(&self.value));
        // The queries are scaled rather than the scores: `S × HeadDim` elements, not `S × S`.
        let scale = T::ONE / T::from_usize(HeadDim::SIZE).sqrt();
        let scores = g.batched_matmul(g.scale(q, scale), k.t());
        let scores = if self.causal {
            g.causal_mask_items(scores)
        } else {
            scores
        };
        let attended = g.batched_matmul(g.softmax_rows(scores), v);
        let merged: Var<'id, (B, S), Model> = g.merge_heads(attended);
        self.output.forward(g, merged)
    }
}

impl<Model: Dim, Heads: Dim, HeadDim: Dim, T: Scalar> Params<T>
    for Attention<Model, Heads, HeadDim, T>
{
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        self.query.visit_params(v);
        self.key.visit_params(v);
        self.value.visit_params(v);
        self.output.visit_params(v);
    }
}
