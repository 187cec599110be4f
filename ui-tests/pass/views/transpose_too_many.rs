// A transpose too many: a view on the left is checked like a matrix, and `x.t()` is `In × Batch`.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let _y = x.matmul(&w);
}
