// The causal mask applies to the `Seq × Seq` scores, not to the `Seq × HeadDim` values.
use shapegrad::graph::Tape;
use shapegrad::{Batched, dim, make_guard};

dim!(Batch = 2, Seq = 8, Heads = 4, HeadDim = 16, Model = Heads * HeadDim);

fn main() {
    let x = Batched::<Batch, Seq, Model>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let q = g.split_heads(g.input_batched(&x));
    let v = g.split_heads(g.input_batched(&x));
    let scores = g.batched_matmul(q, q.t());
    let _masked = g.causal_mask_items(scores);
    let _ = (scores, v);
}
