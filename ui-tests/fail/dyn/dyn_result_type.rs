// A product with `Dyn` rows has `Dyn` rows; going back to static is a checked conversion.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let x = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(2), Const);
    let a = Matrix::<Const<3>, Const<4>>::zeros();
    let y: Matrix<Const<2>, Const<4>> = x.matmul(&a);
    let _ = y;
}
