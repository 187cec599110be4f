// Elements are `f32` unless the type says otherwise: an `f64` matrix is not a `Matrix<_, _>`.
use shapegrad::{Const, Matrix};

fn main() {
    let m: Matrix<Const<2>, Const<2>> = Matrix::<Const<2>, Const<2>, f64>::rand(7);
    let _ = m;
}
