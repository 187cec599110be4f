// The gradient of X has the shape of X, `I × K`, not the shape of A.
use shapegrad::{MatMul, Matrix, dim};

dim!(I = 2, K = 3, J = 4);

fn main() {
    let x = Matrix::<I, K>::ones();
    let a = Matrix::<K, J>::ones();
    let grads = MatMul::forward(&x, &a).backward(&Matrix::ones());
    let dx: Matrix<K, J> = grads.dx;
    let _ = dx;
}
