// A view passed where a `&Matrix` is required: `.t()` borrows, it does not copy.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3);

fn takes_owned(m: &Matrix<In, Batch>) -> f32 {
    m.sum()
}

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let _s = takes_owned(&x.transpose());
}
