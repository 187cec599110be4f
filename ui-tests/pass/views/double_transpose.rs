// Two transposes cancel: `x.t().t()` is `Batch × In` again.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let _gram = x.t().matmul(&x);
}
