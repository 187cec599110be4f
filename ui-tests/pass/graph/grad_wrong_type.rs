// A gradient has its parameter's type: the gradient of an `In × Out` weight is `In × Out`.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, MatRef, Matrix};

dim!(In = 3, Out = 2);

fn main() {
    let w = Matrix::<In, Out>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let wv = g.param(&w);
    let loss = g.sum(g.square(wv));
    let grads = g.backward(loss);
    let _dw: MatRef<In, Out> = grads.get(wv);
}
