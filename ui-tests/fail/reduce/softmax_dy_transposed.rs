// The gradient given to softmax's backward has the shape of its output, `Batch × Classes`.
use shapegrad::{Matrix, RowSoftmax, dim};

dim!(Batch = 4, Classes = 10);

fn main() {
    let p = Matrix::<Batch, Classes>::rand(1).softmax_rows();
    let dp = Matrix::<Classes, Batch>::ones();
    let _dx = RowSoftmax::Softmax.backward(&p, &dp);
}
