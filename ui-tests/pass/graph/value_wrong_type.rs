// A value read out of the graph has its handle's type.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Matrix};

dim!(Batch = 4, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let y = g.matmul(g.input(&x), g.param(&w));
    let _logits: Matrix<Batch, Out> = g.value(y);
}
