// dW = Xᵀ · dY without the transpose, on a square layer: every size is 64, but `In` is not `Batch`.
use shapegrad::{Matrix, dim};

dim!(Batch = 64, In = 64, Out = 64);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let dy = Matrix::<Batch, Out>::ones();
    let _dw = x.t().matmul(&dy);
}
