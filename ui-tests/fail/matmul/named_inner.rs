// The weight is declared `Hidden × Out`, but the input has `In` columns.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Hidden = 16, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<Hidden, Out>::ones();
    let _y = x.matmul(&w);
}
