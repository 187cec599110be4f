// A `&Matrix` passed where a transposed view is required:
// the shape is `Batch × In`, not `In × Batch`.
use shapegrad::{MatRef, Matrix, dim};

dim!(Batch = 8, In = 3);

fn takes_view(m: MatRef<'_, In, Batch>) -> usize {
    m.rows()
}

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let _n = takes_view(x.t());
}
