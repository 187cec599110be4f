// A named dimension and a `Const` of the same size are different types: `In` is not `Const<3>`.
use shapegrad::{Const, Matrix, dim};

dim!(In = 3, Out = 2);

fn main() {
    let x = Matrix::<Const<8>, In>::ones();
    let w = Matrix::<Const<3>, Out>::ones();
    let _y = x.matmul(&w);
}
