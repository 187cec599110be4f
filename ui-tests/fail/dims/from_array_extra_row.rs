// `from_array` infers the shape from the literal: three rows make `Const<3>`, not `Const<2>`.
use shapegrad::{Const, Matrix};

fn main() {
    let m: Matrix<Const<2>, Const<2>> = Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    let _ = m;
}
