// Adding matrices of different shapes: `+` needs one type on both sides.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, Hidden = 16, Out = 2);

fn main() {
    let y = Matrix::<Batch, Out>::ones();
    let bias = Matrix::<Batch, Out>::ones();
    let _z = &y + &bias;
}
