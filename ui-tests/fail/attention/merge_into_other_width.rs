// Heads merge back into the dimension declared as their product: `Hidden` is not
// `Heads × HeadDim`, even though its size is.
use shapegrad::graph::{Tape, Var};
use shapegrad::{Batched, dim, make_guard};

dim!(Batch = 2, Seq = 8, Heads = 4, HeadDim = 16, Model = Heads * HeadDim, Hidden = 64);

fn main() {
    let x = Batched::<Batch, Seq, Model>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let heads = g.split_heads(g.input_batched(&x));
    let _merged: Var<(Batch, Seq), Hidden> = g.merge_heads(heads);
}
