// A typenum literal (`generic_array::arr!`) with one row too many for a `U2 × U2` matrix.
use shapegrad::Matrix;
use shapegrad::generic_array::arr;
use shapegrad::typenum::U2;

fn main() {
    let _m = Matrix::<U2, U2>::from_rows(arr![arr![1.0, 2.0], arr![3.0, 4.0], arr![5.0, 6.0]]);
}
