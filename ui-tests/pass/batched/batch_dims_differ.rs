// Item k of one batch meets item k of the other, so a batch of `Heads` cannot meet a batch of
// `Layers`, even of the same size.
use shapegrad::{Batched, dim};

dim!(Heads = 4, Layers = 4, Seq = 8, HeadDim = 16);

fn main() {
    let q = Batched::<Heads, Seq, HeadDim>::ones();
    let k = Batched::<Heads, Seq, HeadDim>::ones();
    let _scores = q.matmul(k.t());
}
