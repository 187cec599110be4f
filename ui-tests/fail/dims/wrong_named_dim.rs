// A layer's signature promises `Batch × Out`, but the product is `Batch × Hidden`.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Hidden = 16, Out = 2);

fn layer(x: &Matrix<Batch, In>, w: &Matrix<In, Hidden>) -> Matrix<Batch, Out> {
    x.matmul(w)
}

fn main() {
    let _h = layer(&Matrix::ones(), &Matrix::ones());
}
