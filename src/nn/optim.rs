//! Optimizers: SGD (with momentum, Nesterov momentum and weight decay), Adam and AdamW, each
//! with PyTorch's update rule, over every parameter of a model at once.
//!
//! [`Optimizer::step`] visits the model's parameters ([`Params`]) and finds each one's gradient
//! in the step's [`Grads`] by the parameter itself ([`Grads::of`]); a parameter the step's graph
//! did not use has a zero gradient. State (momentum, moments) is kept per parameter in visit
//! order, allocated at the first step; later steps allocate nothing.

use super::{Params, Visit};
use crate::graph::Grads;
use crate::{Dim, Matrix, Scalar};

/// Updates every parameter of a model from its gradient.
pub trait Optimizer<T: Scalar> {
    /// One update of every parameter of `model` from `grads`.
    fn step<P: Params<T> + ?Sized>(&mut self, model: &mut P, grads: &Grads<'_, '_, T>);
}

/// One parameter's elements and its gradient's (zeros when the graph did not use it), and its
/// position in visit order; what each optimizer's update needs.
fn for_each_param<T: Scalar, P: Params<T> + ?Sized>(
    model: &mut P,
    grads: &Grads<'_, '_, T>,
    mut update: impl FnMut(usize, &mut [T], Option<&[T]>),
) {
    struct Each<'g, 'a, 'b, T: Scalar, F> {
        grads: &'g Grads<'a, 'b, T>,
        index: usize,
        update: F,
    }
    impl<T: Scalar, F: FnMut(usize, &mut [T], Option<&[T]>)> Visit<T> for Each<'_, '_, '_, T, F> {
        fn visit<R: Dim, C: Dim>(&mut self, p: &mut Matrix<R, C, T>) {
            let g = self.grads.slice_of(p.as_slice());
            (self.update)(self.index, p.as_mut_slice(), g);
            self.index += 1;
        }
    }
    let mut each = Each {
        grads,
        index: 0,
        update: &mut update,
    };
    model.visit_params(&mut each);
}

/// A state buffer per parameter, grown at the first step.
fn state<T: Scalar>(states: &mut Vec<Vec<T>>, index: usize, len: usize) -> &mut Vec<T> {
    while states.len() <= index {
        states.push(Vec::new());
    }
    let s = &mut states[index];
    if s.len() != len {
        s.clear();
        s.resize(len, T::ZERO);
    }
    s
}

/// Stochastic gradient descent, PyTorch's `torch.optim.SGD`: with weight decay `λ` the gradient
/// is `g + λp`; with momentum `μ` the step follows `b ← μb + (1 − dampening)g` (`b = g` at the
/// first step), or `g + μb` with Nesterov; then `p ← p − lr · step`.
///
/// ```
/// use shapegrad::nn::Sgd;
/// let sgd = Sgd::new(0.1).momentum(0.9).nesterov(true).weight_decay(1e-4);
/// # let _ = sgd;
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<T: Scalar = f32> {
    lr: T,
    momentum: T,
    dampening: T,
    nesterov: bool,
    weight_decay: T,
    buffers: Vec<Vec<T>>,
    started: bool,
}

impl<T: Scalar> Sgd<T> {
    /// Plain SGD with learning rate `lr`.
    pub fn new(lr: T) -> Self {
        Sgd {
            lr,
            momentum: T::ZERO,
            dampening: T::ZERO,
            nesterov: false,
            weight_decay: T::ZERO,
            buffers: Vec::new(),
            started: false,
        }
    }

    /// With momentum `μ`.
    pub fn momentum(mut self, momentum: T) -> Self {
        self.momentum = momentum;
        self
    }

    /// With dampening of the momentum.
    pub fn dampening(mut self, dampening: T) -> Self {
        self.dampening = dampening;
        self
    }

    /// With Nesterov momentum.
    pub fn nesterov(mut self, nesterov: bool) -> Self {
        self.nesterov = nesterov;
        self
    }

    /// With L2 weight decay `λ`, added to the gradient.
    pub fn weight_decay(mut self, weight_decay: T) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// The learning rate.
    pub fn lr(&self) -> T {
        self.lr
    }

    /// Changes the learning rate, for a schedule.
    pub fn set_lr(&mut self, lr: T) {
        self.lr = lr;
    }
}

impl<T: Scalar> Optimizer<T> for Sgd<T> {
    fn step<P: Params<T> + ?Sized>(&mut self, model: &mut P, grads: &Grads<'_, '_, T>) {
        let Sgd {
            lr,
            momentum,
            dampening,
            nesterov,
            weight_decay,
            ref mut buffers,
            started,
        } = *self;
        for_each_param(model, grads, |i, p, g| {
            let buf = (momentum != T::ZERO).then(|| state(buffers, i, p.len()));
            let mut buf = buf.map(|b| b.as_mut_slice());
            for (k, p) in p.iter_mut().enumerate() {
                let mut d = g.map_or(T::ZERO, |g| g[k]) + weight_decay * *p;
                if let Some(b) = buf.as_deref_mut() {
                    b[k] = if started {
                        momentum * b[k] + (T::ONE - dampening) * d
                    } else {
                        d
                    };
                    d = if nesterov { d + momentum * b[k] } else { b[k] };
                }
                *p -= lr * d;
            }
        });
        self.started = true;
    }
}

/// Adam, PyTorch's `torch.optim.Adam` (and, with decoupled weight decay, `AdamW`):
/// `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`, and
/// `p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)`.
///
/// Weight decay `λ` is added to the gradient (`Adam`), or, made by [`adamw`](Self::adamw),
/// applied to the parameter first as `p ← p(1 − lr·λ)` (`AdamW`).
///
/// ```
/// use shapegrad::nn::Adam;
/// let adam = Adam::new(1e-3);                  // PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8
/// let adamw = Adam::adamw(1e-3, 1e-2);         // torch.optim.AdamW(lr=1e-3, weight_decay=1e-2)
/// # let _ = (adam, adamw);
/// ```
#[derive(Clone, Debug)]
pub struct Adam<T: Scalar = f32> {
    lr: T,
    betas: (T, T),
    eps: T,
    weight_decay: T,
    decoupled: bool,
    t: i32,
    moments: Vec<Vec<T>>,
    squares: Vec<Vec<T>>,
}

impl<T: Scalar> Adam<T> {
    /// Adam with learning rate `lr` and PyTorch's defaults: `β = (0.9, 0.999)`, `ε = 1e-8`, no
    /// weight decay.
    pub fn new(lr: T) -> Self {
        Adam {
            lr,
            betas: (T::from_f64(0.9), T::from_f64(0.999)),
            eps: T::from_f64(1e-8),
            weight_decay: T::ZERO,
            decoupled: false,
            t: 0,
            moments: Vec::new(),
            squares: Vec::new(),
        }
    }

    /// AdamW: Adam with decoupled weight decay `λ` (PyTorch's default is `1e-2`).
    pub fn adamw(lr: T, weight_decay: T) -> Self {
        Adam {
            weight_decay,
            decoupled: true,
            ..Self::new(lr)
        }
    }

    /// With other `β₁`, `β₂`.
    pub fn betas(mut self, beta1: T, beta2: T) -> Self {
        self.betas = (beta1, beta2);
        self
    }

    /// With another `ε`.
    pub fn eps(mut self, eps: T) -> Self {
        self.eps = eps;
        self
    }

    /// With weight decay `λ`: added to the gradient for Adam, decoupled for AdamW.
    pub fn weight_decay(mut self, weight_decay: T) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// The learning rate.
    pub fn lr(&self) -> T {
        self.lr
    }

    /// Changes the learning rate, for a schedule.
    pub fn set_lr(&mut self, lr: T) {
        self.lr = lr;
    }
}

impl<T: Scalar> Optimizer<T> for Adam<T> {
    fn step<P: Params<T> + ?Sized>(&mut self, model: &mut P, grads: &Grads<'_, '_, T>) {
        self.t += 1;
        let (b1, b2) = self.betas;
        let (lr, eps, wd, decoupled) = (self.lr, self.eps, self.weight_decay, self.decoupled);
        let correction1 = T::ONE - b1.powi(self.t);
        let correction2_sqrt = (T::ONE - b2.powi(self.t)).sqrt();
        let step_size = lr / correction1;
        let (moments, squares) = (&mut self.moments, &mut self.squares);
        for_each_param(model, grads, |i, p, g| {
            let m = state(moments, i, p.len());
            let v = state(squares, i, p.len());
            for (k, p) in p.iter_mut().enumerate() {
                let mut d = g.map_or(T::ZERO, |g| g[k]);
                if decoupled {
                    *p *= T::ONE - lr * wd;
                } else {
                    d += wd * *p;
                }
                m[k] = b1 * m[k] + (T::ONE - b1) * d;
                v[k] = b2 * v[k] + (T::ONE - b2) * d * d;
                let denom = v[k].sqrt() / correction2_sqrt + eps;
                *p -= step_size * m[k] / denom;
            }
        });
    }
}
