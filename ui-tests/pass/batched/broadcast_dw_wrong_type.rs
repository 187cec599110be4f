// The weight gradient of a broadcast product sums over the batch: it is one `Model × Hidden`
// matrix, the shape of W, not a batch.
use shapegrad::{Batched, BroadcastMatMul, Matrix, dim};

dim!(Batch = 2, Seq = 8, Model = 32, Hidden = 64);

fn main() {
    let x = Batched::<Batch, Seq, Model>::ones();
    let w = Matrix::<Model, Hidden>::ones();
    let mm = BroadcastMatMul::forward(&x, &w);
    let dy = Batched::<Batch, Seq, Hidden>::ones();
    let _dw: Matrix<Model, Hidden> = mm.backward(&dy).dw;
}
