// Each graph has a brand of its own: a handle made by one graph cannot be used in another.
use shapegrad::graph::Tape;
use shapegrad::{dim, make_guard, Matrix};

dim!(In = 3, Out = 2);

fn main() {
    let w = Matrix::<In, Out>::ones();
    let (mut tape1, mut tape2) = (Tape::new(), Tape::new());
    make_guard!(guard1);
    make_guard!(guard2);
    let g1 = tape1.graph(guard1);
    let g2 = tape2.graph(guard2);
    let w1 = g1.param(&w);
    let w2 = g2.param(&w);
    let _loss = g2.sum(g2.square(w2));
    let _ = (w2, g1);
}
