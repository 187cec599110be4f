// A residual connection adds two values of one shape: `x + f(x)` where `f(x)` came out
// transposed is another type.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Matrix};

dim!(Seq = 4, Model = 3);

fn main() {
    let x = Matrix::<Seq, Model>::ones();
    let w = Matrix::<Model, Model>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let xv = g.input(&x);
    let fx = g.relu(g.matmul(g.param(&w), g.input(&x.transpose())));
    let _y = g.add(xv, fx);
}
