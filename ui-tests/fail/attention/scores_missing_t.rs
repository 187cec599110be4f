// In a graph, attention scores are `q · kᵀ` per head: `batched_matmul(q, k)` multiplies
// `Seq × HeadDim` items by `Seq × HeadDim` items.
use shapegrad::graph::Tape;
use shapegrad::{Batched, dim, make_guard};

dim!(Batch = 2, Seq = 8, Heads = 4, HeadDim = 16, Model = Heads * HeadDim);

fn main() {
    let x = Batched::<Batch, Seq, Model>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let q = g.split_heads(g.input_batched(&x));
    let k = g.split_heads(g.input_batched(&x));
    let _scores = g.batched_matmul(q, k);
}
