// A broadcast over the wrong axis: a `1 × Out` bias is repeated down the rows, with
// `broadcast_row`; `broadcast_col` repeats a `Batch × 1` column across the columns.
use shapegrad::{Binary, Const, Matrix, dim};

dim!(Batch = 8, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let bias = Matrix::<Const<1>, Out>::zeros();
    let _z = y.broadcast_row(Binary::Add, &bias);
}
