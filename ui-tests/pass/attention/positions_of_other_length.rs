// A term added to every item has the items' shape: a position table for `MaxSeq` positions
// does not fit sequences of `Seq`.
use shapegrad::graph::Tape;
use shapegrad::{Batched, Matrix, dim, make_guard};

dim!(Batch = 2, Seq = 8, MaxSeq = 16, Model = 32);

fn main() {
    let x = Batched::<Batch, Seq, Model>::ones();
    let positions = Matrix::<Seq, Model>::zeros();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let _h = g.add_items(g.input_batched(&x), g.param(&positions));
}
