// A runtime dimension's value exists only once its size is bound: it cannot be made from a number.
use shapegrad::{dim, Matrix};

dim!(Samples = dyn, Features = 2);

fn main() {
    let samples = Samples::bind(100).unwrap();
    let _x = Matrix::<Samples, Features>::zeros_with(samples, Features);
}
