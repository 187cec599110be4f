// dX = dY · Wᵀ written as `W · dY`: operands swapped.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let dy = Matrix::<Batch, Out>::ones();
    let w = Matrix::<In, Out>::ones();
    let _dx = dy.matmul(w.t());
}
