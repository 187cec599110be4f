// A literal with one row too many for a `Const<2> × Const<2>` matrix.
use shapegrad::{Const, Matrix};

fn main() {
    let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
}
