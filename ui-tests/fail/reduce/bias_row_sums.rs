// A bias gradient summed per example (`row_sums`, one value per row) where one sum per output
// was meant (`col_sums`, the `1 × Out` row the bias is).
use shapegrad::{Const, Matrix, dim};

dim!(Batch = 8, Out = 2);

fn main() {
    let dy = Matrix::<Batch, Out>::ones();
    let db: Matrix<Const<1>, Out> = dy.row_sums();
    let _ = db;
}
