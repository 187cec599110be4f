// The backward of `row_sums` takes the gradient of its `Batch × 1` column; a `1 × Features` row,
// the gradient of `col_sums`, is the other reduction's.
use shapegrad::{Const, Matrix, Reduce, dim};

dim!(Batch = 4, Features = 3);

fn main() {
    let x = Matrix::<Batch, Features>::rand(1);
    let _s = x.row_sums();
    let ds = Matrix::<Const<1>, Features>::ones();
    let _dx = Reduce::Sum.row_backward(x.dims(), &ds);
}
