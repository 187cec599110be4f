//! candle 0.11 on the CPU, as its examples train (candle-examples' mnist-training): layers made by
//! `candle_nn::linear` from a `VarBuilder` over a `VarMap`, the map's variables given the shared
//! weights with `set_one`, the loss `candle_nn::loss::cross_entropy`, and an optimizer of the
//! `candle_nn::Optimizer` trait stepped by `backward_step`. The batch is a plain tensor, not a
//! `Var`, so its gradient is not computed.
//!
//! candle's own `SGD` has no momentum ("contrary to the PyTorch implementation of SGD, this
//! version does not support momentum"), so SGD with momentum is written here the way candle's
//! optimizers are written: the same trait, one `Var` of state per parameter, tensor operations
//! and `Var::set`.

use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::{AdamW, Linear, Optimizer, ParamsAdamW, VarBuilder, VarMap};

use crate::Contestant;
use crate::data::{self, Opt, Workload};

struct Mlp {
    layers: Vec<Linear>,
}

impl Module for Mlp {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for (k, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h)?;
            if k + 1 < self.layers.len() {
                h = h.relu()?;
            }
        }
        Ok(h)
    }
}

/// PyTorch's `torch.optim.SGD` with momentum (no dampening, not Nesterov): `b ← μb + g` (`b = g`
/// at the first step), `p ← p − lr·b`.
struct SgdMomentum {
    vars: Vec<(Var, Option<Var>)>,
    lr: f64,
    momentum: f64,
}

impl Optimizer for SgdMomentum {
    type Config = (f64, f64);

    fn new(vars: Vec<Var>, (lr, momentum): (f64, f64)) -> candle_core::Result<Self> {
        let vars = vars
            .into_iter()
            .filter(|v| v.dtype().is_float())
            .map(|v| (v, None))
            .collect();
        Ok(SgdMomentum { vars, lr, momentum })
    }

    fn step(&mut self, grads: &candle_core::backprop::GradStore) -> candle_core::Result<()> {
        for (var, buf) in self.vars.iter_mut() {
            let Some(g) = grads.get(var) else { continue };
            let b = match buf {
                Some(b) => {
                    b.set(&((b.as_tensor() * self.momentum)? + g)?)?;
                    b
                }
                None => buf.insert(Var::from_tensor(g)?),
            };
            var.set(&var.sub(&(b.as_tensor() * self.lr)?)?)?;
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}

struct Run<O> {
    model: Mlp,
    opt: O,
    batches: Vec<(Tensor, Tensor)>,
    step: usize,
    /// Owns the variables.
    _varmap: VarMap,
}

impl<O: Optimizer> Contestant for Run<O> {
    fn name(&self) -> &'static str {
        "candle"
    }

    fn run(&mut self, steps: usize) -> Vec<(f64, f32)> {
        crate::timed(steps, || {
            let (x, y) = &self.batches[self.step % self.batches.len()];
            self.step += 1;
            let logits = self.model.forward(x).expect("forward");
            let loss = candle_nn::loss::cross_entropy(&logits, y).expect("loss");
            self.opt.backward_step(&loss).expect("backward and update");
            loss.to_scalar::<f32>().expect("a scalar")
        })
    }
}

pub fn new(w: &Workload, opt: Opt) -> Box<dyn Contestant> {
    build(w, opt).expect("candle model")
}

fn build(w: &Workload, opt: Opt) -> candle_core::Result<Box<dyn Contestant>> {
    let dev = Device::Cpu;
    let mut varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let mut layers = Vec::new();
    for (k, l) in w.layers.iter().enumerate() {
        let name = format!("l{}", k + 1);
        layers.push(candle_nn::linear(l.inputs, l.outputs, vb.pp(&name))?);
        let weight = Tensor::from_vec(l.weight_out_in(), (l.outputs, l.inputs), &dev)?;
        varmap.set_one(format!("{name}.weight"), weight)?;
        varmap.set_one(
            format!("{name}.bias"),
            Tensor::new(l.bias.as_slice(), &dev)?,
        )?;
    }
    let batches = w
        .batches
        .iter()
        .map(|b| {
            let x = Tensor::from_vec(b.x.clone(), (w.batch, w.features()), &dev)?;
            let labels: Vec<u32> = b.labels.iter().map(|&c| c as u32).collect();
            Ok((x, Tensor::new(labels.as_slice(), &dev)?))
        })
        .collect::<candle_core::Result<_>>()?;
    let model = Mlp { layers };
    Ok(match opt {
        Opt::Sgd => Box::new(Run {
            model,
            opt: SgdMomentum::new(varmap.all_vars(), (data::SGD_LR, data::SGD_MOMENTUM))?,
            batches,
            step: 0,
            _varmap: varmap,
        }),
        Opt::AdamW => Box::new(Run {
            model,
            opt: AdamW::new(
                varmap.all_vars(),
                ParamsAdamW {
                    lr: data::ADAMW_LR,
                    beta1: data::ADAM_BETAS.0,
                    beta2: data::ADAM_BETAS.1,
                    eps: data::ADAM_EPS,
                    weight_decay: data::ADAMW_WEIGHT_DECAY,
                },
            )?,
            batches,
            step: 0,
            _varmap: varmap,
        }),
    })
}
