// A `Dyn` row count comes from the rows themselves: a `Vec` of them, not an array literal.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let _m: Matrix<Dyn, Const<2>> = Matrix::from_rows([[1.0, 2.0]]);
}
