// `dY * W` where `dY * Wᵀ` is meant: `*` takes views, and `w.t()` is the fix.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let dy = Matrix::<Batch, Out>::ones();
    let w = Matrix::<In, Out>::ones();
    let _dx = &dy * w.t();
}
