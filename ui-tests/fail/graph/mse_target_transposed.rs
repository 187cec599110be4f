// A loss compares a prediction with a target of the same shape: a target stored transposed is
// another type.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Matrix};

dim!(Batch = 4, Out = 2);

fn main() {
    let prediction = Matrix::<Batch, Out>::ones();
    let target = Matrix::<Out, Batch>::zeros();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let _loss = g.mse(g.param(&prediction), g.input(&target));
}
