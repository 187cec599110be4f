// A Hadamard product of transposed shapes: both operands of `⊙` have one type, `Batch × Out`.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let gate = Matrix::<Out, Batch>::ones();
    let _z = y.hadamard(&gate.transpose());
}
