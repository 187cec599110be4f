// Accumulating a gradient of the transposed shape: `+=` takes a matrix of the left side's own
// type (or a scalar, which it adds to every element).
use shapegrad::{Matrix, dim};

dim!(In = 3, Out = 2);

fn main() {
    let mut dw = Matrix::<In, Out>::zeros();
    let step = Matrix::<Out, In>::ones();
    dw += &step;
}
