// Attention weights are a softmax over the keys: scores computed as K·Qᵀ are `Keys × Queries`,
// so their rows run over the queries, and weighing the values with them does not compile.
use shapegrad::{dim, Batched, RowSoftmax};

dim!(Heads = 2, Queries = 4, Keys = 6, HeadDim = 3);

fn main() {
    let q = Batched::<Heads, Queries, HeadDim>::ones();
    let k = Batched::<Heads, Keys, HeadDim>::ones();
    let v = Batched::<Heads, Keys, HeadDim>::ones();
    let scores = k.matmul(q.t());
    let weights = scores.softmax_rows(RowSoftmax::Softmax);
    let _out = weights.matmul(&v);
}
