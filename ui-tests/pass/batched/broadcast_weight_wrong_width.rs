// The weight broadcast over the batch is declared `Hidden × Model`, where `Model × Hidden` was
// meant: the items have `Model` columns.
use shapegrad::{Batched, Matrix, dim};

dim!(Batch = 2, Seq = 8, Model = 32, Hidden = 64);

fn main() {
    let x = Batched::<Batch, Seq, Model>::ones();
    let w = Matrix::<Model, Hidden>::ones();
    let _y = x.matmul_broadcast(&w);
}
