// A literal checked at compile time needs static dimensions: build it static, then convert.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let _m: Matrix<Dyn, Const<2>> = Matrix::from_rows([[1.0, 2.0]]);
}
