// The gradient of `col_means` has the shape of its input, `Batch × Features`, not the shape of
// the mean.
use shapegrad::{Const, Matrix, Reduce, dim};

dim!(Batch = 4, Features = 3);

fn main() {
    let x = Matrix::<Batch, Features>::rand(1);
    let _mu = x.col_means();
    let dmu = Matrix::<Const<1>, Features>::ones();
    let dx: Matrix<Batch, Features> = Reduce::Mean.col_backward(x.dims(), &dmu);
    let _ = dx;
}
