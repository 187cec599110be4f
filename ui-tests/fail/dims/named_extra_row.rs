// A literal with one row too many for a `Batch × In` matrix, `Batch = 2`.
use shapegrad::{Matrix, dim};

dim!(Batch = 2, In = 2);

fn main() {
    let _x = Matrix::<Batch, In>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
}
