// `zeros()` reads the shape from the type, and `Dyn` does not fix a size: use `zeros_with`.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const);
}
