// `try_from_vec` reads the shape from the type; with `Dyn` dimensions,
// pass the shape to `try_from_vec_with`.
use shapegrad::{Dyn, Matrix};

fn main() {
    let _m = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(2), Dyn(3), vec![1.0; 6]);
}
