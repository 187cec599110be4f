// A causal mask is for a sequence attending to itself: square scores, one dimension for both
// axes. The scores of queries against keys of another sequence have none.
use shapegrad::{dim, Batched};

dim!(Heads = 2, Queries = 4, Keys = 6, HeadDim = 3);

fn main() {
    let q = Batched::<Heads, Queries, HeadDim>::ones();
    let k = Batched::<Heads, Keys, HeadDim>::ones();
    let scores = q.matmul(k.t());
    let _masked = scores.causal_mask();
}
