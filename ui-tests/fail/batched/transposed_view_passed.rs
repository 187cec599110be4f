// `attend` takes the queries as they are, `Seq × HeadDim` per head; `q.t()` is every item
// transposed.
use shapegrad::{Batched, BatchedRef, dim};

dim!(Heads = 4, Seq = 8, HeadDim = 16);

fn attend(q: BatchedRef<'_, Heads, Seq, HeadDim>, k: &Batched<Heads, Seq, HeadDim>) -> Batched<Heads, Seq, Seq> {
    q.matmul(k.t())
}

fn main() {
    let q = Batched::<Heads, Seq, HeadDim>::ones();
    let k = Batched::<Heads, Seq, HeadDim>::ones();
    let _scores = attend(q.t(), &k);
}
