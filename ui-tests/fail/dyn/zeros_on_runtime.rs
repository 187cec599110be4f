// `zeros()` reads the size from the type, and a runtime dimension's size is bound at run time.
use shapegrad::{dim, Matrix};

dim!(Samples = dyn, Features = 2);

fn main() {
    let samples = Samples::bind(10).unwrap();
    let _x = Matrix::<Samples, Features>::zeros();
    let _ = samples;
}
