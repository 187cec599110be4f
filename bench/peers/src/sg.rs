//! shapegrad: the step of `bench/src/bin/train.rs`, typed layers on a tape reused from step to
//! step, the input batch a graph input (so no gradient of it is computed).

use shapegrad::graph::Tape;
use shapegrad::nn::{Adam, Linear, Optimizer, Params, Sgd, Visit};
use shapegrad::{Matrix, StaticDim, make_guard};

use crate::Contestant;
use crate::data::{self, Opt, Workload};
use crate::data::{Batch1, Batch2, Classes, Hidden1, Hidden2, Pixels1, Pixels2};

struct W1 {
    l1: Linear<Pixels1, Hidden1>,
    l2: Linear<Hidden1, Classes>,
}

struct W2 {
    l1: Linear<Pixels2, Hidden2>,
    l2: Linear<Hidden2, Hidden2>,
    l3: Linear<Hidden2, Classes>,
}

impl Params<f32> for W1 {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.l1.visit_params(v);
        self.l2.visit_params(v);
    }
}

impl Params<f32> for W2 {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.l1.visit_params(v);
        self.l2.visit_params(v);
        self.l3.visit_params(v);
    }
}

/// A model that makes one step on a batch of `B` rows of `P` features.
trait Model<B: StaticDim, P: StaticDim>: Params<f32> {
    fn step<O: Optimizer<f32>>(
        &mut self,
        tape: &mut Tape,
        opt: &mut O,
        x: &Matrix<B, P>,
        labels: &[usize],
    ) -> f32;
}

impl Model<Batch1, Pixels1> for W1 {
    fn step<O: Optimizer<f32>>(
        &mut self,
        tape: &mut Tape,
        opt: &mut O,
        x: &Matrix<Batch1, Pixels1>,
        labels: &[usize],
    ) -> f32 {
        make_guard!(guard);
        let g = tape.graph(guard);
        let h = g.relu(self.l1.forward(&g, g.input(x)));
        let loss = g
            .cross_entropy(self.l2.forward(&g, h), labels)
            .expect("labels are classes");
        let value = g.scalar(loss);
        let grads = g.backward(loss);
        opt.step(self, &grads);
        value
    }
}

impl Model<Batch2, Pixels2> for W2 {
    fn step<O: Optimizer<f32>>(
        &mut self,
        tape: &mut Tape,
        opt: &mut O,
        x: &Matrix<Batch2, Pixels2>,
        labels: &[usize],
    ) -> f32 {
        make_guard!(guard);
        let g = tape.graph(guard);
        let h1 = g.relu(self.l1.forward(&g, g.input(x)));
        let h2 = g.relu(self.l2.forward(&g, h1));
        let loss = g
            .cross_entropy(self.l3.forward(&g, h2), labels)
            .expect("labels are classes");
        let value = g.scalar(loss);
        let grads = g.backward(loss);
        opt.step(self, &grads);
        value
    }
}

fn linear<I: StaticDim, O: StaticDim>(l: &data::Layer) -> Linear<I, O> {
    Linear {
        weight: Matrix::try_from_vec(l.weight.clone()).expect("weight shape"),
        bias: Matrix::try_from_vec(l.bias.clone()).expect("bias shape"),
    }
}

struct Run<M, O, B: StaticDim, P: StaticDim> {
    model: M,
    opt: O,
    tape: Tape,
    batches: Vec<(Matrix<B, P>, Vec<usize>)>,
    step: usize,
}

impl<M: Model<B, P>, O: Optimizer<f32>, B: StaticDim, P: StaticDim> Contestant for Run<M, O, B, P> {
    fn name(&self) -> &'static str {
        "shapegrad"
    }

    fn run(&mut self, steps: usize) -> Vec<(f64, f32)> {
        crate::timed(steps, || {
            let (x, labels) = &self.batches[self.step % self.batches.len()];
            self.step += 1;
            self.model.step(&mut self.tape, &mut self.opt, x, labels)
        })
    }
}

fn run<M: Model<B, P> + 'static, B: StaticDim + 'static, P: StaticDim + 'static>(
    model: M,
    w: &Workload,
    opt: Opt,
) -> Box<dyn Contestant> {
    let batches = w
        .batches
        .iter()
        .map(|b| {
            let x = Matrix::try_from_vec(b.x.clone()).expect("batch shape");
            (x, b.labels.clone())
        })
        .collect();
    match opt {
        Opt::Sgd => Box::new(Run {
            model,
            opt: Sgd::new(data::SGD_LR as f32).momentum(data::SGD_MOMENTUM as f32),
            tape: Tape::new(),
            batches,
            step: 0,
        }),
        Opt::AdamW => Box::new(Run {
            model,
            opt: Adam::adamw(data::ADAMW_LR as f32, data::ADAMW_WEIGHT_DECAY as f32)
                .betas(data::ADAM_BETAS.0 as f32, data::ADAM_BETAS.1 as f32)
                .eps(data::ADAM_EPS as f32),
            tape: Tape::new(),
            batches,
            step: 0,
        }),
    }
}

pub fn new(w: &Workload, opt: Opt) -> Box<dyn Contestant> {
    match w.name {
        "W1" => run::<_, Batch1, Pixels1>(
            W1 {
                l1: linear(&w.layers[0]),
                l2: linear(&w.layers[1]),
            },
            w,
            opt,
        ),
        _ => run::<_, Batch2, Pixels2>(
            W2 {
                l1: linear(&w.layers[0]),
                l2: linear(&w.layers[1]),
                l3: linear(&w.layers[2]),
            },
            w,
            opt,
        ),
    }
}
