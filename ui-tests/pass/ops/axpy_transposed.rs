// An update step `w -= lr · dw` with a gradient of the transposed shape: `axpy` needs the
// weight's own type.
use shapegrad::{Matrix, dim};

dim!(In = 3, Out = 2);

fn main() {
    let mut w = Matrix::<In, Out>::ones();
    let dw = Matrix::<Out, In>::ones();
    w.axpy(-0.1, &dw.transpose());
}
