//! dfdx 0.13 on its `Cpu` device, as its mnist example trains: the model a tuple of builder
//! types (`(Linear<I, O>, ReLU)`, ...) built by `build_module`, gradients allocated once by
//! `alloc_grads` and handed back and forth (`traced`, `backward`, `zero_grads`), the loss
//! `cross_entropy_with_logits_loss` of one-hot targets, and its `Sgd` and `Adam` optimizers.
//!
//! dfdx's tape enters through the input (`x.traced(grads)`), and it has no way to mark a tensor
//! as not needing its gradient, so its first layer also computes the gradient of the batch.

use dfdx::optim::{Adam, AdamConfig, Momentum, Sgd, SgdConfig, WeightDecay};
use dfdx::prelude::*;

use crate::Contestant;
use crate::data::{self, Opt, Workload};

type Mlp1 = ((Linear<64, 128>, ReLU), Linear<128, 10>);
type Mlp2 = (
    (Linear<784, 1024>, ReLU),
    (Linear<1024, 1024>, ReLU),
    Linear<1024, 10>,
);

type Layer<const I: usize, const O: usize> = dfdx::nn::modules::Linear<I, O, f32, Cpu>;
type Batch<const B: usize, const P: usize> = Tensor<Rank2<B, P>, f32, Cpu>;
type Traced<const B: usize, const P: usize> = Tensor<Rank2<B, P>, f32, Cpu, OwnedTape<f32, Cpu>>;

struct Run<M, O, const B: usize, const P: usize> {
    model: M,
    opt: O,
    grads: Option<Gradients<f32, Cpu>>,
    batches: Vec<(Batch<B, P>, Batch<B, 10>)>,
    step: usize,
}

impl<M, O, const B: usize, const P: usize> Contestant for Run<M, O, B, P>
where
    M: ModuleMut<Traced<B, P>, Output = Traced<B, 10>> + ZeroGrads<f32, Cpu>,
    O: Optimizer<M, Cpu, f32>,
{
    fn name(&self) -> &'static str {
        "dfdx"
    }

    fn run(&mut self, steps: usize) -> Vec<(f64, f32)> {
        crate::timed(steps, || {
            let (x, y) = &self.batches[self.step % self.batches.len()];
            self.step += 1;
            let grads = self.grads.take().expect("gradients");
            let logits = self.model.forward_mut(x.clone().traced(grads));
            let loss = cross_entropy_with_logits_loss(logits, y.clone());
            let value = loss.array();
            let mut grads = loss.backward();
            self.opt
                .update(&mut self.model, &grads)
                .expect("every parameter used");
            self.model.zero_grads(&mut grads);
            self.grads = Some(grads);
            value
        })
    }
}

fn load<const I: usize, const O: usize>(layer: &mut Layer<I, O>, l: &data::Layer) {
    layer.weight.copy_from(&l.weight_out_in());
    layer.bias.copy_from(&l.bias);
}

fn run<M, const B: usize, const P: usize>(
    dev: &Cpu,
    model: M,
    w: &Workload,
    opt: Opt,
) -> Box<dyn Contestant>
where
    M: ModuleMut<Traced<B, P>, Output = Traced<B, 10>>
        + ZeroGrads<f32, Cpu>
        + TensorCollection<f32, Cpu>
        + 'static,
{
    let batches = w
        .batches
        .iter()
        .map(|b| {
            let x: Batch<B, P> = dev.tensor_from_vec(b.x.clone(), (Const, Const));
            let mut onehot = vec![0.0; B * 10];
            for (i, &c) in b.labels.iter().enumerate() {
                onehot[i * 10 + c] = 1.0;
            }
            let y: Batch<B, 10> = dev.tensor_from_vec(onehot, (Const, Const));
            (x, y)
        })
        .collect();
    let grads = Some(model.alloc_grads());
    match opt {
        Opt::Sgd => {
            let opt = Sgd::new(
                &model,
                SgdConfig {
                    lr: data::SGD_LR,
                    momentum: Some(Momentum::Classic(data::SGD_MOMENTUM)),
                    weight_decay: None,
                },
            );
            Box::new(Run {
                model,
                opt,
                grads,
                batches,
                step: 0,
            })
        }
        Opt::AdamW => {
            let opt = Adam::new(
                &model,
                AdamConfig {
                    lr: data::ADAMW_LR,
                    betas: [data::ADAM_BETAS.0, data::ADAM_BETAS.1],
                    eps: data::ADAM_EPS,
                    weight_decay: Some(WeightDecay::Decoupled(data::ADAMW_WEIGHT_DECAY)),
                },
            );
            Box::new(Run {
                model,
                opt,
                grads,
                batches,
                step: 0,
            })
        }
    }
}

pub fn new(w: &Workload, opt: Opt) -> Box<dyn Contestant> {
    let dev = Cpu::default();
    match w.name {
        "W1" => {
            let mut m = dev.build_module::<Mlp1, f32>();
            load(&mut m.0.0, &w.layers[0]);
            load(&mut m.1, &w.layers[1]);
            run::<_, 64, 64>(&dev, m, w, opt)
        }
        _ => {
            let mut m = dev.build_module::<Mlp2, f32>();
            load(&mut m.0.0, &w.layers[0]);
            load(&mut m.1.0, &w.layers[1]);
            load(&mut m.2, &w.layers[2]);
            run::<_, 256, 784>(&dev, m, w, opt)
        }
    }
}
