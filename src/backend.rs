//! The one call into the GEMM backend (the `gemm` crate), and the crate's only unsafe code.
//!
//! Everything typed ends here: dimensions are plain `usize`s, transposes are strides, and the
//! function is generic only over the element type (`f32` or `f64`), so each shape the user writes
//! costs a few lines of monomorphised glue, never a copy of the GEMM.
#![allow(unsafe_code)]

use crate::{Dyn, MatRef, Scalar};

/// `dst = scale · lhs · rhs`, or `dst += scale · lhs · rhs` when `accumulate` is set.
///
/// `dst` is a row-major `lhs.rows() × rhs.cols()` buffer. Panics if the sizes do not fit
/// together: the typed layer has already proven that they do, so a panic here is a bug in
/// shapegrad, and the checks cost nothing next to the product.
pub(crate) fn gemm<T: Scalar>(
    dst: &mut [T],
    lhs: MatRef<'_, Dyn, Dyn, T>,
    rhs: MatRef<'_, Dyn, Dyn, T>,
    scale: T,
    accumulate: bool,
) {
    let (m, k, n) = (lhs.rows(), lhs.cols(), rhs.cols());
    assert_eq!(
        rhs.rows(),
        k,
        "shapegrad bug: inner dimensions reached the kernel unequal"
    );
    assert_eq!(
        dst.len(),
        m * n,
        "shapegrad bug: destination has the wrong length"
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            dst.fill(T::ZERO);
        }
        return;
    }
    let parallelism = match crate::threads::threads_for(m, n, k) {
        1 => gemm::Parallelism::None,
        t => gemm::Parallelism::Rayon(t),
    };
    // Strides index within slices, whose lengths never exceed isize::MAX: the casts are lossless.
    let stride = |s: usize| s as isize;
    // SAFETY: `gemm::gemm` reads `lhs` at offsets i·rs + p·cs for i < m, p < k, `rhs` at p·rs + j·cs
    // for p < k, j < n, and writes `dst` at i·n + j. `MatRef`'s invariant (established by its only
    // constructors, `row_major` and `t`, and kept by `erase`) is that every such offset of a
    // non-empty view is inside its slice; `dst.len() == m·n` was asserted above, with m, n, k > 0.
    // `dst` is a `&mut` borrow, so it aliases neither operand. The element type is `f32` or `f64`
    // (`Scalar` is sealed), both of which the backend serves.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            stride(n),
            accumulate,
            lhs.data().as_ptr(),
            stride(lhs.col_stride()),
            stride(lhs.row_stride()),
            rhs.data().as_ptr(),
            stride(rhs.col_stride()),
            stride(rhs.row_stride()),
            T::ONE,
            scale,
            false,
            false,
            false,
            parallelism,
        );
    }
}
