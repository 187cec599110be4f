// The gradient of a batched product's left operand, generic over every dimension: dA = dY·Bᵀ.
// Without the transpose, `J` columns meet `K` rows.
use shapegrad::{Batched, BatchedRef, Dim, Write};

fn da_into<B: Dim, I: Dim, K: Dim, J: Dim>(
    b: BatchedRef<'_, B, K, J>,
    dy: &Batched<B, I, J>,
    da: &mut Batched<B, I, K>,
) {
    dy.matmul_into(b.t(), da, Write::Overwrite);
}

fn main() {
    let _ = da_into::<shapegrad::Const<2>, shapegrad::Const<3>, shapegrad::Const<4>, shapegrad::Const<5>>;
}
