// A literal whose second row is one element short: each row of a `Const<2>`-column matrix has 2.
use shapegrad::{Const, Matrix};

fn main() {
    let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0]]);
}
