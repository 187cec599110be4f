// The gradient of log-softmax's input has the input's shape, `Batch × Classes`, not one value per
// example.
use shapegrad::{Matrix, RowSoftmax, dim};

dim!(Batch = 4, Classes = 10);

struct Grads {
    logits: Matrix<Batch, shapegrad::Const<1>>,
}

fn main() {
    let x = Matrix::<Batch, Classes>::rand(1);
    let z = x.log_softmax_rows();
    let dz = Matrix::<Batch, Classes>::ones();
    let dx = RowSoftmax::LogSoftmax.backward(&z, &dz);
    let _grads = Grads { logits: dx };
}
