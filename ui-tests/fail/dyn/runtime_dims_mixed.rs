// Two runtime dimensions are two types, even with equal sizes: attention weights over `Seq`
// cannot weigh values declared with `Batch` rows.
use shapegrad::{dim, Matrix};

dim!(Seq = dyn, Batch = dyn, Model = 4);

fn main() {
    let (seq, batch) = (Seq::bind(3).unwrap(), Batch::bind(3).unwrap());
    let weights = Matrix::<Seq, Seq>::zeros_with(seq, seq);
    let values = Matrix::<Batch, Model>::zeros_with(batch, Model);
    let _out: Matrix<Seq, Model> = weights.matmul(&values);
    let _ = batch;
}
