// An `f64` literal for an `f32` matrix.
use shapegrad::{Const, Matrix};

fn main() {
    let _m = Matrix::<Const<1>, Const<2>>::from_rows([[1.0f64, 2.0]]);
}
