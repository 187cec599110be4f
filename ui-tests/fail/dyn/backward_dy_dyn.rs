// With `Dyn` batch rows, dY still has the static columns of Y: `Dyn × Const<4>`, not `Dyn × Dyn`.
use shapegrad::{Const, Dyn, MatMul, Matrix};

fn main() {
    let x = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(2), Const);
    let a = Matrix::<Const<3>, Const<4>>::zeros();
    let mm = MatMul::forward(&x, &a);
    let dy = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(4));
    let _grads = mm.backward(&dy);
}
