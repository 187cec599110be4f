// The attention weights are one `Seq × Seq` item per (sequence, head); the values must be split
// into heads too, or the batches differ: `(Batch, Heads)` items against `Batch` items.
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
    let weights = g.softmax_rows(g.batched_matmul(q, q.t()));
    let _out = g.batched_matmul(weights, v);
}
