// dW = Xᵀ · dY written with dY transposed as well.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let dy = Matrix::<Batch, Out>::ones();
    let _dw = x.t().matmul(dy.t());
}
