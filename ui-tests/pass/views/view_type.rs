// `.t()` swaps the dimensions in the type: the view of a `Batch × In` matrix is `In × Batch`.
use shapegrad::{MatRef, Matrix, dim};

dim!(Batch = 8, In = 3);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let xt: MatRef<'_, In, Batch> = x.t();
    let _ = xt;
}
