// `from_fn` must return the element type, `f32`, not the `usize` indices it is given.
use shapegrad::{Const, Matrix};

fn main() {
    let _m = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (i + j) as f32);
}
