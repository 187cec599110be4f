// Splitting the model width into heads needs it to be exactly `Heads × HeadDim`: declared as that
// product, its size is theirs by construction.
use shapegrad::{dim, Matrix};

dim!(Seq = 4, Heads = 2, HeadDim = 3, Model = Heads * HeadDim);

fn main() {
    let x = Matrix::<Seq, Model>::ones();
    let _heads = x.split_heads::<Heads, HeadDim>();
}
