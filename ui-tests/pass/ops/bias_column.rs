// A bias of the wrong orientation: a bias is one value per output, a `1 × Out` row, not one per
// example.
use shapegrad::{Binary, Const, Matrix, dim};

dim!(Batch = 8, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let bias = Matrix::<Const<1>, Out>::zeros();
    let _z = y.broadcast_row(Binary::Add, &bias);
}
