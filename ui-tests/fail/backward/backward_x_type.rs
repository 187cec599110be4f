// `backward_x` gives the gradient of X (`Batch × In`); the weight's is `backward_a`.
use shapegrad::{MatMul, Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let mm = MatMul::forward(&x, &w);
    let dy = Matrix::<Batch, Out>::ones();
    let dw: Matrix<In, Out> = mm.backward_x(&dy);
    let _ = dw;
}
