// `U3` and `Const<3>` are one size spelt two ways, and still two types:
// spell each dimension one way.
use shapegrad::typenum::U3;
use shapegrad::{Const, Matrix};

fn main() {
    let x = Matrix::<Const<8>, U3>::ones();
    let w = Matrix::<U3, Const<2>>::ones();
    let _y = x.matmul(&w);
}
