// The gradient of the broadcast bias has the bias's type, `1 × Out`; `da` is the gradient of the
// `Batch × Out` input.
use shapegrad::{Binary, Const, Matrix, dim};

dim!(Batch = 8, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let bias = Matrix::<Const<1>, Out>::zeros();
    let grads = Binary::Add.backward_row(&y, &bias, &Matrix::ones());
    let dy: Matrix<Batch, Out> = grads.db;
    let _ = dy;
}
