// `+` needs one type on both sides; a `Dyn × Dyn` matrix and a static one are two types.
use shapegrad::{Const, Dyn, Matrix};

fn main() {
    let d = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(2));
    let s = Matrix::<Const<2>, Const<2>>::ones();
    let _sum = &d + &s.into_dyn();
}
