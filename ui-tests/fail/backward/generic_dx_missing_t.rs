// A handwritten backward, generic over the dimensions: dX = dY · Aᵀ with the transpose forgotten.
use shapegrad::{Dim, Matrix};

fn grad_x<I: Dim, K: Dim, J: Dim>(dy: &Matrix<I, J>, a: &Matrix<K, J>) -> Matrix<I, K> {
    dy.matmul(a)
}

fn main() {
    let dy = Matrix::<shapegrad::Const<2>, shapegrad::Const<4>>::ones();
    let a = Matrix::<shapegrad::Const<3>, shapegrad::Const<4>>::ones();
    let _dx = grad_x(&dy, &a);
}
