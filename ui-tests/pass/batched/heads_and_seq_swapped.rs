// A head split is a batch of `Heads` items of `Seq × HeadDim`; heads and sequence swapped is
// another type.
use shapegrad::{dim, Batched, Matrix};

dim!(Seq = 4, Heads = 2, HeadDim = 3, Model = Heads * HeadDim);

fn main() {
    let x = Matrix::<Seq, Model>::ones();
    let _heads: Batched<Heads, Seq, HeadDim> = x.split_heads();
}
