// `matmul_into` writes `Batch × In` times `In × Out` into a buffer that must be `Batch × Out`.
use shapegrad::{Matrix, Write, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let mut y = Matrix::<Batch, Out>::zeros();
    x.matmul_into(&w, &mut y, Write::Overwrite);
}
