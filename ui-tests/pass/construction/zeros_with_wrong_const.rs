// `zeros_with` takes the dimensions as values; a static one must be the type's: `Const::<3>`.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const::<3>);
}
