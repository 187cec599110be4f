// The gradient of X returned where the gradient of the weight is expected.
use shapegrad::{MatMul, Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn weight_grad(mm: &MatMul<'_, Batch, In, Out>, dy: &Matrix<Batch, Out>) -> Matrix<In, Out> {
    mm.backward(dy).dx
}

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let _dw = weight_grad(&MatMul::forward(&x, &w), &Matrix::ones());
}
