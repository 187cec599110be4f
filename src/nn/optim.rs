//! Optimizers: SGD (with momentum, Nesterov momentum and weight decay), Adam and AdamW, each
//! with PyTorch's update rule, over every parameter of a model at once.
//!
//! [`Optimizer::step`] visits the model's parameters ([`Params`]) and finds each one's gradient
//! in the step's [`Grads`] by the parameter itself ([`Grads::of`]); a parameter the step's graph
//! did not use has a zero gradient. State (momentum, moments) is kept per parameter in visit
//! order, allocated at the first step; later steps allocate nothing.

use super::{Params, Visit};
use crate::graph::Grads;
use crate::kernel::ElementLoop;
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
        let h = SgdStep {
            lr,
            momentum,
            dampening,
            nesterov,
            weight_decay,
            started,
        };
        for_each_param(model, grads, |i, p, g| {
            let buf = (momentum != T::ZERO).then(|| state(buffers, i, p.len()).as_mut_slice());
            // A parameter the loss does not reach has a gradient of zeros.
            crate::kernel::vectorized(SgdJob { h, p, g, buf });
        });
        self.started = true;
    }
}

/// The hyper-parameters of one SGD step.
#[derive(Clone, Copy)]
struct SgdStep<T> {
    lr: T,
    momentum: T,
    dampening: T,
    nesterov: bool,
    weight_decay: T,
    started: bool,
}

impl<T: Scalar> SgdStep<T> {
    /// Updates the parameter `p` with its gradient `g` and momentum buffer `buf` in one pass.
    /// The choices that hold for every element are made before the loops, so that each loop is
    /// one straight-line update the compiler vectorises.
    #[inline(always)]
    fn update(self, p: &mut [T], g: impl Iterator<Item = T>, buf: Option<&mut [T]>) {
        let SgdStep {
            lr,
            momentum: mu,
            dampening,
            nesterov,
            weight_decay: wd,
            started,
        } = self;
        let Some(buf) = buf else {
            for (p, g) in p.iter_mut().zip(g) {
                let d = g + wd * *p;
                *p -= lr * d;
            }
            return;
        };
        let each = p.iter_mut().zip(buf.iter_mut()).zip(g);
        match (started, nesterov) {
            (false, false) => each.for_each(|((p, b), g)| {
                *b = g + wd * *p;
                *p -= lr * *b;
            }),
            (false, true) => each.for_each(|((p, b), g)| {
                let d = g + wd * *p;
                *b = d;
                *p -= lr * (d + mu * *b);
            }),
            (true, false) => each.for_each(|((p, b), g)| {
                let d = g + wd * *p;
                *b = mu * *b + (T::ONE - dampening) * d;
                *p -= lr * *b;
            }),
            (true, true) => each.for_each(|((p, b), g)| {
                let d = g + wd * *p;
                *b = mu * *b + (T::ONE - dampening) * d;
                *p -= lr * (d + mu * *b);
            }),
        }
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

/// Adam's step size `lr / (1 − β₁ᵗ)` and `√(1 − β₂ᵗ)` at step `t`, computed in `f64` and then
/// rounded to `T`, as PyTorch computes them in Python floats.
///
/// In `f32` they would lose digits: `1 − β₂ᵗ` is about `t · 10⁻³` for `β₂ = 0.999`, so the
/// rounding error of `β₂ᵗ` (a few units of `2⁻²⁴ ≈ 6·10⁻⁸`) is a relative error of order `10⁻⁵`
/// in the difference, and half that in every update. The betas are `T`'s own values, widened
/// exactly: the moments weigh the gradients with them, and the corrections divide that weight
/// out. In `f64` nothing changes.
fn bias_corrections<T: Scalar>(lr: T, (b1, b2): (T, T), t: i32) -> (T, T) {
    let correction1 = 1.0 - b1.to_f64().powi(t);
    let correction2 = 1.0 - b2.to_f64().powi(t);
    (
        T::from_f64(lr.to_f64() / correction1),
        T::from_f64(correction2.sqrt()),
    )
}

impl<T: Scalar> Optimizer<T> for Adam<T> {
    fn step<P: Params<T> + ?Sized>(&mut self, model: &mut P, grads: &Grads<'_, '_, T>) {
        self.t += 1;
        let (b1, b2) = self.betas;
        let (lr, eps, wd, decoupled) = (self.lr, self.eps, self.weight_decay, self.decoupled);
        let (step_size, correction2_sqrt) = bias_corrections(lr, self.betas, self.t);
        let (moments, squares) = (&mut self.moments, &mut self.squares);
        let h = AdamStep {
            b1,
            b2,
            eps,
            step_size,
            correction2_sqrt,
            shrink: T::ONE - lr * wd,
            weight_decay: wd,
            decoupled,
        };
        for_each_param(model, grads, |i, p, g| {
            let m = state(moments, i, p.len());
            let v = state(squares, i, p.len());
            crate::kernel::vectorized(AdamJob { h, p, m, v, g });
        });
    }
}

/// The constants of one Adam step.
#[derive(Clone, Copy)]
struct AdamStep<T> {
    b1: T,
    b2: T,
    eps: T,
    step_size: T,
    correction2_sqrt: T,
    /// `1 − lr·λ`, the decoupled decay's factor.
    shrink: T,
    weight_decay: T,
    decoupled: bool,
}

impl<T: Scalar> AdamStep<T> {
    /// Updates the parameter `p`, its moments `m` and `v` with its gradient `g` in one pass. The
    /// choice between decoupled and coupled decay is made before the loop, so that the loop is
    /// one straight-line update the compiler vectorises.
    #[inline(always)]
    fn update(self, p: &mut [T], m: &mut [T], v: &mut [T], g: impl Iterator<Item = T>) {
        let AdamStep {
            b1,
            b2,
            eps,
            step_size,
            correction2_sqrt,
            shrink,
            weight_decay: wd,
            decoupled,
        } = self;
        let adam = |p: &mut T, m: &mut T, v: &mut T, d: T| {
            *m = b1 * *m + (T::ONE - b1) * d;
            *v = b2 * *v + (T::ONE - b2) * d * d;
            let denom = v.sqrt() / correction2_sqrt + eps;
            *p -= step_size * *m / denom;
        };
        let each = p.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(g);
        if decoupled {
            each.for_each(|(((p, m), v), d)| {
                *p *= shrink;
                adam(p, m, v, d);
            });
        } else {
            each.for_each(|(((p, m), v), d)| adam(p, m, v, d + wd * *p));
        }
    }
}

/// One parameter's SGD update, as a loop the kernel compiles for the CPU's vector width.
struct SgdJob<'a, T> {
    h: SgdStep<T>,
    p: &'a mut [T],
    g: Option<&'a [T]>,
    buf: Option<&'a mut [T]>,
}

impl<T: Scalar> ElementLoop for SgdJob<'_, T> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        // A parameter the loss does not reach has a gradient of zeros.
        match self.g {
            Some(g) => self.h.update(self.p, g.iter().copied(), self.buf),
            None => self.h.update(self.p, core::iter::repeat(T::ZERO), self.buf),
        }
    }
}

/// One parameter's Adam update, as a loop the kernel compiles for the CPU's vector width.
struct AdamJob<'a, T> {
    h: AdamStep<T>,
    p: &'a mut [T],
    m: &'a mut [T],
    v: &'a mut [T],
    g: Option<&'a [T]>,
}

impl<T: Scalar> ElementLoop for AdamJob<'_, T> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        match self.g {
            Some(g) => self.h.update(self.p, self.m, self.v, g.iter().copied()),
            None => self
                .h
                .update(self.p, self.m, self.v, core::iter::repeat(T::ZERO)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Tape;
    use crate::{Const, make_guard};

    type Row = Matrix<Const<1>, Const<4>, f64>;

    /// Each step's update `p₍ₜ₋₁₎ − pₜ` of 30 Adam steps in `T` from `p = 0`, with PyTorch's
    /// default betas rounded to `f32` (so that both types use the same numbers), `lr = 2⁻¹⁰`,
    /// `ε = 2⁻²⁷` and varying dyadic gradients, each given exactly through a graph (the loss
    /// `p · g` has gradient `gᵀ`).
    fn adam_updates<T: Scalar>() -> Vec<[f64; 4]> {
        let t = |x: f64| T::from_f64(x);
        let mut adam = Adam::new(t(2f64.powi(-10)))
            .betas(t(f64::from(0.9f32)), t(f64::from(0.999f32)))
            .eps(t(2f64.powi(-27)));
        let mut p = Matrix::<Const<1>, Const<4>, T>::zeros();
        let mut updates = Vec::new();
        for step in 0..30 {
            let s = f64::from(step);
            let g = Matrix::<Const<4>, Const<1>, T>::from_fn(|k, _| {
                t([1.0, -0.5, 0.25 * (s % 3.0 + 1.0), 0.125 * s - 2.0][k])
            });
            let before = p.clone();
            {
                let mut tape = Tape::new();
                make_guard!(guard);
                let graph = tape.graph(guard);
                let loss = graph.matmul(graph.param(&p), graph.input(&g));
                let grads = graph.backward(loss);
                adam.step(&mut p, &grads);
            }
            let (b, a) = (before.as_slice(), p.as_slice());
            updates.push(core::array::from_fn(|k| b[k].to_f64() - a[k].to_f64()));
        }
        updates
    }

    /// `f32` Adam takes the steps `f64` Adam takes, to `f32` precision: each update within
    /// `8·ε₃₂` of it relatively (the roundings of the moments, their square root, the division and
    /// the step size, with room), plus `ε₃₂ · |p|` for the rounding of `p` before and after,
    /// which the update is read through. With the bias correction `1 − β₂ᵗ ≈ t · 10⁻³` computed
    /// in `f32` the update of step 2 was already off by `3.3e-6` relative, three times that bound;
    /// now the largest error is a third of it.
    #[test]
    fn adam_in_f32_takes_the_steps_of_adam_in_f64() {
        let (ours, exact) = (adam_updates::<f32>(), adam_updates::<f64>());
        let eps = f64::from(f32::EPSILON);
        let mut p = Row::zeros();
        for (step, (u32s, u64s)) in ours.iter().zip(&exact).enumerate() {
            for k in 0..4 {
                let before = p.as_slice()[k].abs();
                p.as_mut_slice()[k] -= u64s[k];
                let after = p.as_slice()[k].abs();
                let bound = 8.0 * eps * u64s[k].abs() + eps * before.max(after);
                let err = (u32s[k] - u64s[k]).abs();
                assert!(
                    err <= bound,
                    "step {}, element {k}: {} in f32, {} in f64, error {err:e} > {bound:e}",
                    step + 1,
                    u32s[k],
                    u64s[k]
                );
            }
        }
    }
}
