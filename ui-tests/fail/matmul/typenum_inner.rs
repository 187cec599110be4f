// typenum dimensions: a 4×3 matrix times a 4×5 one, the inner dimensions 3 and 4 differ.
use shapegrad::Matrix;
use shapegrad::typenum::{U3, U4, U5};

fn main() {
    let x = Matrix::<U4, U3>::ones();
    let a = Matrix::<U4, U5>::ones();
    let _y = x.matmul(&a);
}
