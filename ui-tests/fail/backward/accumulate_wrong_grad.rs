// Gradient accumulation into a buffer of the transposed shape: dW must be `In × Out`, like W.
use shapegrad::{MatMul, Matrix, Write, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let mm = MatMul::forward(&x, &w);
    let mut dw = Matrix::<Out, In>::zeros();
    mm.backward_a_into(&Matrix::ones(), &mut dw, Write::Accumulate);
}
