// An `f32` matrix times an `f64` one: products never convert precision silently.
use shapegrad::{Const, Matrix};

fn main() {
    let x = Matrix::<Const<2>, Const<3>>::ones();
    let a = Matrix::<Const<3>, Const<4>, f64>::ones();
    let _y = x.matmul(&a);
}
