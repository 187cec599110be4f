// PyTorch stores `nn.Linear.weight` as `Out × In`; `Linear::from_torch` takes that layout, so a
// weight already transposed to `In × Out` does not fit.
use shapegrad::nn::Linear;
use shapegrad::{dim, Const, Matrix};

dim!(In = 3, Out = 2);

fn main() {
    let torch_weight = Matrix::<Out, In>::zeros();
    let bias = Matrix::<Const<1>, Out>::zeros();
    let _layer = Linear::<In, Out>::from_torch(&torch_weight, bias);
}
