//! burn 0.22 on its `flex` backend (pure-Rust CPU), as its book's custom training loop trains: a
//! `#[derive(Module)]` model of `nn::Linear` layers on `Device::flex().autodiff()`, the loss
//! `nn::loss::CrossEntropyLoss`, then `loss.backward()`, `GradientsParams::from_grads` and the
//! optimizer's `step(lr, model, grads)`. The batch is a tensor that does not require its
//! gradient, so its gradient is not computed.
//!
//! burn's defaults differ from PyTorch's, so the configs name every value: SGD's momentum has
//! dampening 0.1 by default (0 here), AdamW's ε is 1e-5 and its weight decay 1e-4 by default
//! (1e-8 and 1e-2 here).

use burn::module::{Module, Param};
use burn::nn::loss::{CrossEntropyLoss, CrossEntropyLossConfig};
use burn::nn::{Linear, Relu};
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::Contestant;
use crate::data::{self, Opt, Workload};

#[derive(Module, Debug)]
struct Mlp {
    layers: Vec<Linear>,
    activation: Relu,
}

impl Mlp {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let mut h = x;
        for (k, layer) in self.layers.iter().enumerate() {
            h = layer.forward(h);
            if k + 1 < self.layers.len() {
                h = self.activation.forward(h);
            }
        }
        h
    }
}

struct Run {
    model: Option<Mlp>,
    opt: ModuleOptimizer,
    lr: f64,
    loss: CrossEntropyLoss,
    batches: Vec<(Tensor<2>, Tensor<1, Int>)>,
    step: usize,
}

impl Contestant for Run {
    fn name(&self) -> &'static str {
        "burn"
    }

    fn run(&mut self, steps: usize) -> Vec<(f64, f32)> {
        crate::timed(steps, || {
            let (x, y) = &self.batches[self.step % self.batches.len()];
            self.step += 1;
            let model = self.model.take().expect("model");
            let logits = model.forward(x.clone());
            let loss = self.loss.forward(logits, y.clone());
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            self.model = Some(self.opt.step(self.lr, model, grads));
            loss.into_scalar::<f32>()
        })
    }
}

pub fn new(w: &Workload, opt: Opt) -> Box<dyn Contestant> {
    let device = Device::flex().autodiff();
    let layers = w
        .layers
        .iter()
        .map(|l| Linear {
            weight: Param::from_data(
                TensorData::new(l.weight.clone(), [l.inputs, l.outputs]),
                &device,
            ),
            bias: Some(Param::from_data(
                TensorData::new(l.bias.clone(), [l.outputs]),
                &device,
            )),
        })
        .collect();
    let batches = w
        .batches
        .iter()
        .map(|b| {
            let x = Tensor::<2>::from_data(
                TensorData::new(b.x.clone(), [w.batch, w.features()]),
                &device,
            );
            let labels: Vec<i64> = b.labels.iter().map(|&c| c as i64).collect();
            let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [w.batch]), &device);
            (x, y)
        })
        .collect();
    let (opt, lr) = match opt {
        Opt::Sgd => (
            SgdConfig::new()
                .with_momentum(Some(
                    MomentumConfig::new()
                        .with_momentum(data::SGD_MOMENTUM)
                        .with_dampening(0.0)
                        .with_nesterov(false),
                ))
                .init(),
            data::SGD_LR,
        ),
        Opt::AdamW => (
            AdamWConfig::new()
                .with_beta_1(data::ADAM_BETAS.0 as f32)
                .with_beta_2(data::ADAM_BETAS.1 as f32)
                .with_epsilon(data::ADAM_EPS as f32)
                .with_weight_decay(data::ADAMW_WEIGHT_DECAY as f32)
                .init(),
            data::ADAMW_LR,
        ),
    };
    Box::new(Run {
        model: Some(Mlp {
            layers,
            activation: Relu::new(),
        }),
        opt,
        lr,
        loss: CrossEntropyLossConfig::new().init(&device),
        batches,
        step: 0,
    })
}
