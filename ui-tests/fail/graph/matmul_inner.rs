// A product in a graph has the shape rules of `Matrix::matmul`.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Matrix};

dim!(Batch = 4, In = 3, Hidden = 5);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<Hidden, In>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let _h = g.matmul(g.input(&x), g.param(&w));
}
