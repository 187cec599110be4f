//! Building blocks for training: the [`Linear`] layer, weight [initialisation](Init), the
//! [`Params`] a model lists once, and the [optimizers](Optimizer) that update them all.
//!
//! A training step with them:
//!
//! ```
//! use rand::SeedableRng;
//! use rand::rngs::Xoshiro256PlusPlus;
//! use shapegrad::nn::{Linear, Optimizer, Params, Sgd, Visit};
//! use shapegrad::{dim, graph::Tape, make_guard, Matrix};
//! dim!(Batch = 16, Pixels = 64, Hidden = 32, Classes = 10);
//!
//! struct Mlp {
//!     hidden: Linear<Pixels, Hidden>,
//!     out: Linear<Hidden, Classes>,
//! }
//! impl Params<f32> for Mlp {
//!     fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
//!         self.hidden.visit_params(v);
//!         self.out.visit_params(v);
//!     }
//! }
//!
//! let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
//! let mut model = Mlp { hidden: Linear::new(&mut rng), out: Linear::new(&mut rng) };
//! let (x, labels) = (Matrix::<Batch, Pixels>::rand(1), [3usize; 16]);
//! let (mut tape, mut sgd) = (Tape::new(), Sgd::new(0.1).momentum(0.9));
//! let mut losses = Vec::new();
//! for _step in 0..20 {
//!     make_guard!(guard);
//!     let g = tape.graph(guard);
//!     let h = g.relu(model.hidden.forward(&g, g.input(&x)));
//!     let loss = g.cross_entropy(model.out.forward(&g, h), &labels).unwrap();
//!     losses.push(g.scalar(loss));
//!     let grads = g.backward(loss);
//!     sgd.step(&mut model, &grads);
//! }
//! assert!(losses[19] < 0.1 * losses[0]);
//! ```

mod attention;
mod init;
mod linear;
mod optim;
mod params;
mod transformer;

pub use attention::Attention;
pub use init::Init;
pub use linear::Linear;
pub use optim::{Adam, Optimizer, Sgd};
pub use params::{Params, Visit, count_params};
pub use transformer::{LayerNorm, TransformerBlock};
