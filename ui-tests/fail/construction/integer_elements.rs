// Elements are `f32` or `f64`, what the GEMM backend serves; `i32` is not a `Scalar`.
use shapegrad::{Const, Matrix};

fn main() {
    let _m = Matrix::<Const<2>, Const<2>, i32>::zeros();
}
