// A `Dyn` matrix is not a matrix of a runtime dimension until it is converted, which binds or
// checks the dimension's size.
use shapegrad::{dim, Dyn, Matrix};

dim!(Samples = dyn, Features = 2);

fn main() {
    let raw = Matrix::<Dyn, Features>::zeros_with(Dyn(10), Features);
    let _x: Matrix<Samples, Features> = raw.try_into_dims().unwrap();
}
