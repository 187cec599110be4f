// dX = dY · Wᵀ without the transpose, on a square layer: every size is 64, but `Out` is not `In`.
use shapegrad::{Matrix, dim};

dim!(Batch = 64, In = 64, Out = 64);

fn main() {
    let dy = Matrix::<Batch, Out>::ones();
    let w = Matrix::<In, Out>::ones();
    let _dx = dy.matmul(&w);
}
