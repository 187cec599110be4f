// Softmax along rows gives one distribution per example, laid out `Batch × Classes`, not the
// `Classes × Batch` of one column per example.
use shapegrad::{Matrix, dim};

dim!(Batch = 4, Classes = 10);

fn probabilities(logits: &Matrix<Batch, Classes>) -> Matrix<Classes, Batch> {
    logits.softmax_rows().transpose()
}

fn main() {
    let _p = probabilities(&Matrix::rand(1));
}
