// A product's operand passed by value: products borrow, so pass `&w` or a view.
use shapegrad::{Matrix, dim};

dim!(Batch = 8, In = 3, Out = 2);

fn main() {
    let x = Matrix::<Batch, In>::ones();
    let w = Matrix::<In, Out>::ones();
    let _y = x.matmul(w);
}
