// A 2×3 matrix times a 4×5 one: the inner dimensions 3 and 4 differ.
use shapegrad::{Const, Matrix};

fn main() {
    let x = Matrix::<Const<2>, Const<3>>::ones();
    let a = Matrix::<Const<3>, Const<5>>::ones();
    let _y = x.matmul(&a);
}
