// `try_from_vec` takes a `Vec` of the matrix's element type: `f32` here.
use shapegrad::Matrix;
use shapegrad::typenum::{U2, U3};

fn main() {
    let data: Vec<f32> = vec![1.0; 6];
    let _m = Matrix::<U2, U3>::try_from_vec(data);
}
