// The gradient of the attention weights has the weights' type, `Seq × Seq` per head.
use shapegrad::{dim, Batched, RowSoftmax};

dim!(Heads = 2, Seq = 4, HeadDim = 3);

struct Grads {
    scores: Batched<Heads, Seq, Seq>,
}

fn main() {
    let y = Batched::<Heads, Seq, Seq>::ones().softmax_rows(RowSoftmax::Softmax);
    let dy = Batched::<Heads, Seq, Seq>::ones();
    let g = Grads {
        scores: Batched::softmax_rows_backward(RowSoftmax::Softmax, &y, &dy),
    };
    let _ = g.scores;
}
