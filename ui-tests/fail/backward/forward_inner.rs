// `MatMul::forward` checks the inner dimensions like `matmul`.
use shapegrad::{MatMul, Matrix, dim};

dim!(Batch = 8, In = 3, Hidden = 16, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<Hidden, Out>::ones();
    let _mm = MatMul::forward(&x, &w);
}
