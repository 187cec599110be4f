// The gradient of the right operand of Q·Kᵀ is the gradient of Kᵀ, a batch of `HeadDim × Seq`,
// not of K.
use shapegrad::{Batched, BatchedMatMul, dim};

dim!(Heads = 4, Seq = 8, HeadDim = 16);

fn main() {
    let q = Batched::<Heads, Seq, HeadDim>::ones();
    let k = Batched::<Heads, Seq, HeadDim>::ones();
    let mm = BatchedMatMul::forward(&q, k.t());
    let dy = Batched::<Heads, Seq, Seq>::ones();
    let _dk: Batched<Heads, Seq, HeadDim> = mm.backward(&dy).db.t().to_batched();
}
