// A bias is a `1 × C` row added to every row; an `R × 1` column is not one.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Const, Matrix};

dim!(Batch = 4, Hidden = 5);

fn main() {
    let x = Matrix::<Batch, Hidden>::ones();
    let b = Matrix::<Const<1>, Hidden>::zeros();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let _h = g.add_row(g.input(&x), g.param(&b));
}
