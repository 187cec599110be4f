// Attention scores are Q·Kᵀ per head; Q·K multiplies `Seq × HeadDim` by `Seq × HeadDim`.
use shapegrad::{Batched, dim};

dim!(Heads = 4, Seq = 8, HeadDim = 16);

fn main() {
    let q = Batched::<Heads, Seq, HeadDim>::ones();
    let k = Batched::<Heads, Seq, HeadDim>::ones();
    let _scores = q.matmul(k.t());
}
