// A handwritten backward with `*`, generic over the dimensions: dA = Xᵀ · dY with the transpose
// forgotten.
use shapegrad::{Dim, Matrix};

fn grad_a<I: Dim, K: Dim, J: Dim>(x: &Matrix<I, K>, dy: &Matrix<I, J>) -> Matrix<K, J> {
    x.t() * dy
}

fn main() {
    let x = Matrix::<shapegrad::Const<2>, shapegrad::Const<3>>::ones();
    let dy = Matrix::<shapegrad::Const<2>, shapegrad::Const<4>>::ones();
    let _da = grad_a(&x, &dy);
}
