// `backward` starts from a scalar loss, a `1 × 1`: reduce a matrix first.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Matrix};

dim!(Batch = 4, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let loss = g.mean(g.square(g.param(&y)));
    let _grads = g.backward(loss);
}
