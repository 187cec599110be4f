// A run-time size is passed as `Dyn(n)`, not as a bare `usize`.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let _m = Matrix::<Dyn, Const<3>>::zeros_with(4, Const);
}
