// The bias gradient summed over the wrong axis: one sum per example instead of one per output.
use shapegrad::{Const, Matrix, dim};

dim!(Batch = 8, Out = 2);

fn bias_grad(dy: &Matrix<Batch, Out>) -> Matrix<Const<1>, Out> {
    dy.row_sums()
}

fn main() {
    let _db = bias_grad(&Matrix::ones());
}
