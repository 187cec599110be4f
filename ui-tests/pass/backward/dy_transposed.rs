// dY passed transposed to `backward`: `Out × Batch` where `Batch × Out` is required.
use shapegrad::{MatMul, Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let mm = MatMul::forward(&x, &w);
    let dy = Matrix::<Batch, Out>::ones();
    let _grads = mm.backward(&dy);
}
