// A layer's input dimension must be the batch's feature dimension: `Linear<In, Out>` maps `In`
// features to `Out`, and one declared the other way round does not take the batch.
use shapegrad::graph::Tape;
use shapegrad::nn::Linear;
use shapegrad::{dim, make_guard, Matrix};

dim!(Batch = 4, Pixels = 6, Hidden = 5);

fn main() {
    let layer = Linear::<Hidden, Pixels>::zeros();
    let x = Matrix::<Batch, Pixels>::ones();
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let _h = layer.forward(&g, g.input(&x));
}
