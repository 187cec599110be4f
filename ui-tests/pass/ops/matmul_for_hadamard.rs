// `*` is the matrix product; the element-wise (Hadamard) product of two `Batch × Out` matrices is
// `hadamard`.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let mask = Matrix::<Batch, Out>::ones();
    let _z = y.hadamard(&mask);
}
