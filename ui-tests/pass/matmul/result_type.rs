// `Batch × In` times `In × Out` is `Batch × Out`, not `Batch × In`.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let y: Matrix<Batch, Out> = x.matmul(&w);
    let _ = y;
}
