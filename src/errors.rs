//! Shape errors as the compiler reports them, and how to fix each one.
//!
//! This page has no items: it is a catalogue. Every section is one case of the crate's UI test
//! suite. The file `ui-tests/fail/<topic>/<case>.rs` fails to compile, and the `text` block quotes
//! the start of the diagnostic rustc prints for it, verbatim from its `.stderr` snapshot. Its twin
//! `ui-tests/pass/<topic>/<case>.rs` is the same file with the fix, shown as a diff, and it compiles
//! and runs. `tests/error_docs.rs` checks every quote and every diff against those files, so this
//! page says what the pinned toolchain really prints. Line and column numbers refer to the case
//! files.
//!
//! # Reading the errors
//!
//! - **Inner dimensions differ** (`E0277`): in a product `left · right`, the first name is the left
//!   operand's column dimension and the second the right operand's row dimension. The label under
//!   the right operand says the same in words, and the note says what to do about it. What
//!   follows (the [`Agree`](crate::Agree) check that failed, and "required by a bound in `matmul`"
//!   with a snippet of this crate's source) adds nothing new: the lines quoted here are the story.
//! - **Mismatched types** (`E0308`): rustc's heading names no type; the label line below it does,
//!   as ``expected `Matrix<Batch, Out>`, found `Matrix<Batch, In>` ``, and so do the quotes here.
//!   These errors come from a value of one shape (a gradient, a view, a product's result) used
//!   where another shape is declared.
//! - **Not a static dimension, not an element type** (`E0277`): a constructor that reads the size
//!   from the type, such as `zeros()` or `try_from_vec`, called with a [`Dyn`](crate::Dyn) dimension
//!   (which is not a [`StaticDim`](crate::StaticDim)), or an element type that is not a
//!   [`Scalar`](crate::Scalar). The message says which, and the note names the fix.
//! - **Element types differ** (`E0277`): an `f64` operand in a product of `f32` matrices, or the
//!   other way round. The first type named is the product's, the second the operand's.
//!
//! # Limits
//!
//! - **typenum dimensions print as binary.** rustc names `U3` as `UInt<UInt<UTerm, B1>, B1>` and
//!   `U4` as `UInt<UInt<UInt<UTerm, B1>, B0>, B0>`: the bits of the size, most significant
//!   innermost. A literal with a row too many reports ``expected `B0`, found `B1` ``, one bit of the
//!   length. The library cannot change how rustc spells these types; for readable errors use
//!   `Const<N>` or a [`dim!`](crate::dim!) name.
//! - **`Const` may print with its path**, as `shapegrad::Const<3>`, because typenum has a `Const`
//!   of its own.
//! - **A `Dyn` inner dimension is checked at run time.** `Matrix<Dyn, _>` times `Matrix<Const<3>, _>`
//!   compiles; `try_matmul` returns a [`ShapeError`](crate::ShapeError) and `matmul` panics when
//!   the sizes disagree. No compile-time case can exist for it.
//! - **Generic code gets a misleading suggestion.** In a function generic over its dimensions,
//!   rustc adds "consider introducing a `where` clause", such as `where InnerDims: Agree<K, I>`.
//!   That is not the fix: with it, the product's type stops fitting the declared result (a
//!   mismatched-types error about `<InnerDims as Agree<K, I>>::Checked<I>`), and for static
//!   dimensions the function could only be called with equal ones. The fix is the missing `.t()`.
//!   A bound belongs only in code that mixes `Dyn` and static inner dimensions on purpose; the
//!   docs of [`Agree`](crate::Agree) show it.
//!
//! # Products and operators
//!
//! `matmul`, `matmul_into`, `*`, `+` and `-=` with operands whose dimensions do not fit.
//!
//! ## Adding matrices of different shapes
//!
//! Adding matrices of different shapes: `+` needs one type on both sides.
//!
//! Case `ui-tests/fail/matmul/add_shapes.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/matmul/add_shapes.rs:9:19
//!   |
//! 9 |     let _z = &y + &bias;
//!   |                   ^^^^^ expected `&Matrix<Batch, Out>`, found `&Matrix<Batch, Hidden>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let bias = Matrix::<Batch, Hidden>::ones();
//! +    let bias = Matrix::<Batch, Out>::ones();
//! ```
//!
//! ## Inner dimensions differ: `Const`
//!
//! A 2×3 matrix times a 4×5 one: the inner dimensions 3 and 4 differ.
//!
//! Case `ui-tests/fail/matmul/const_inner.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `shapegrad::Const<3>` and `shapegrad::Const<4>` differ
//!  --> ui-tests/fail/matmul/const_inner.rs:7:23
//!   |
//! 7 |     let _y = x.matmul(&a);
//!   |                ------ ^^ the right operand has `shapegrad::Const<4>` rows, but the left operand has `shapegrad::Const<3>` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let a = Matrix::<Const<4>, Const<5>>::ones();
//! +    let a = Matrix::<Const<3>, Const<5>>::ones();
//! ```
//!
//! ## `matmul_into` with an output of the wrong shape
//!
//! `matmul_into` writes `Batch × In` times `In × Out` into a buffer that must be `Batch × Out`.
//!
//! Case `ui-tests/fail/matmul/into_wrong_out.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/matmul/into_wrong_out.rs:10:23
//!    |
//! 10 |     x.matmul_into(&w, &mut y, Write::Overwrite);
//!    |       -----------     ^^^^^^ expected `&mut Matrix<Batch, Out>`, found `&mut Matrix<Batch, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let mut y = Matrix::<Batch, In>::zeros();
//! +    let mut y = Matrix::<Batch, Out>::zeros();
//! ```
//!
//! ## `*` with mismatched inner dimensions
//!
//! The `*` operator checks the inner dimensions like `matmul`.
//!
//! Case `ui-tests/fail/matmul/mul_operator.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `Hidden` differ
//!  --> ui-tests/fail/matmul/mul_operator.rs:9:17
//!   |
//! 9 |     let _y = &x * &w;
//!   |                 ^ the right operand has `Hidden` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let w = Matrix::<Hidden, Out>::ones();
//! +    let w = Matrix::<In, Out>::ones();
//! ```
//!
//! ## `*` with a transpose missing
//!
//! `dY * W` where `dY * Wᵀ` is meant: `*` takes views, and `w.t()` is the fix.
//!
//! Case `ui-tests/fail/matmul/mul_operator_view.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `Out` and `In` differ
//!  --> ui-tests/fail/matmul/mul_operator_view.rs:9:19
//!   |
//! 9 |     let _dx = &dy * &w;
//!   |                   ^ the right operand has `In` rows, but the left operand has `Out` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _dx = &dy * &w;
//! +    let _dx = &dy * w.t();
//! ```
//!
//! ## Inner dimensions differ: named dimensions
//!
//! The weight is declared `Hidden × Out`, but the input has `In` columns.
//!
//! Case `ui-tests/fail/matmul/named_inner.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `Hidden` differ
//!  --> ui-tests/fail/matmul/named_inner.rs:9:23
//!   |
//! 9 |     let _y = x.matmul(&w);
//!   |                ------ ^^ the right operand has `Hidden` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let w = Matrix::<Hidden, Out>::ones();
//! +    let w = Matrix::<In, Out>::ones();
//! ```
//!
//! ## Product bound to the wrong type
//!
//! `Batch × In` times `In × Out` is `Batch × Out`, not `Batch × In`.
//!
//! Case `ui-tests/fail/matmul/result_type.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/matmul/result_type.rs:9:32
//!   |
//! 9 |     let y: Matrix<Batch, In> = x.matmul(&w);
//!   |            -----------------   ^^^^^^^^^^^^ expected `Matrix<Batch, In>`, found `Matrix<Batch, Out>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let y: Matrix<Batch, In> = x.matmul(&w);
//! +    let y: Matrix<Batch, Out> = x.matmul(&w);
//! ```
//!
//! ## `-=` with a transposed shape
//!
//! An update step with a gradient of the transposed shape: `-=` needs the weight's own type.
//!
//! Case `ui-tests/fail/matmul/sub_assign_shapes.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/matmul/sub_assign_shapes.rs:9:10
//!   |
//! 9 |     w -= &dw;
//!   |          ^^^ expected `&Matrix<In, Out>`, found `&Matrix<Out, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    w -= &dw;
//! +    w -= &dw.transpose();
//! ```
//!
//! ## Operands swapped
//!
//! Operands swapped: `w · x` instead of `x · w`.
//!
//! Case `ui-tests/fail/matmul/swapped_operands.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `Out` and `Batch` differ
//!  --> ui-tests/fail/matmul/swapped_operands.rs:9:23
//!   |
//! 9 |     let _y = w.matmul(&x);
//!   |                ------ ^^ the right operand has `Batch` rows, but the left operand has `Out` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _y = w.matmul(&x);
//! +    let _y = x.matmul(&w);
//! ```
//!
//! ## Inner dimensions differ: typenum
//!
//! typenum dimensions: a 4×3 matrix times a 4×5 one, the inner dimensions 3 and 4 differ.
//!
//! Case `ui-tests/fail/matmul/typenum_inner.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `UInt<UInt<UTerm, B1>, B1>` and `UInt<UInt<UInt<UTerm, B1>, B0>, B0>` differ
//!  --> ui-tests/fail/matmul/typenum_inner.rs:8:23
//!   |
//! 8 |     let _y = x.matmul(&a);
//!   |                ------ ^^ the right operand has `UInt<UInt<UInt<UTerm, B1>, B0>, B0>` rows, but the left operand has `UInt<UInt<UTerm, B1>, B1>` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _y = x.matmul(&a);
//! +    let _y = x.t().matmul(&a);
//! ```
//!
//! # Views and transposes
//!
//! `m.t()` is a borrowed [`MatRef`](crate::MatRef) with its dimensions swapped in the type; it is not a `&Matrix`, and a transpose too many or too few is an inner mismatch.
//!
//! ## Two transposes
//!
//! Two transposes cancel: `x.t().t()` is `Batch × In` again.
//!
//! Case `ui-tests/fail/views/double_transpose.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `Batch` differ
//!  --> ui-tests/fail/views/double_transpose.rs:8:34
//!   |
//! 8 |     let _gram = x.t().t().matmul(&x);
//!   |                           ------ ^^ the right operand has `Batch` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _gram = x.t().t().matmul(&x);
//! +    let _gram = x.t().matmul(&x);
//! ```
//!
//! ## Gram matrix without the transpose
//!
//! The Gram matrix `Xᵀ · X` written without the transpose.
//!
//! Case `ui-tests/fail/views/gram_missing_t.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `Batch` differ
//!  --> ui-tests/fail/views/gram_missing_t.rs:8:26
//!   |
//! 8 |     let _gram = x.matmul(&x);
//!   |                   ------ ^^ the right operand has `Batch` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _gram = x.matmul(&x);
//! +    let _gram = x.t().matmul(&x);
//! ```
//!
//! ## An operand passed by value
//!
//! A product's operand passed by value: products borrow, so pass `&w` or a view.
//!
//! Case `ui-tests/fail/views/operand_by_value.rs`:
//!
//! ```text
//! error[E0277]: `Matrix<In, Out>` is not an operand for a product of `f32` matrices
//!  --> ui-tests/fail/views/operand_by_value.rs:9:23
//!   |
//! 9 |     let _y = x.matmul(w);
//!   |                ------ ^ the trait `RhsFor<'_, Batch, In, f32>` is not implemented for `Matrix<In, Out>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _y = x.matmul(w);
//! +    let _y = x.matmul(&w);
//! ```
//!
//! ## A `&Matrix` where a view is required
//!
//! A `&Matrix` passed where a transposed view is required: the shape is `Batch × In`, not `In × Batch`.
//!
//! Case `ui-tests/fail/views/owned_for_view.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/views/owned_for_view.rs:13:25
//!    |
//! 13 |     let _n = takes_view(&x);
//!    |              ---------- ^^ expected `MatRef<'_, In, Batch>`, found `&Matrix<Batch, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _n = takes_view(&x);
//! +    let _n = takes_view(x.t());
//! ```
//!
//! ## A transpose too many
//!
//! A transpose too many: a view on the left is checked like a matrix, and `x.t()` is `In × Batch`.
//!
//! Case `ui-tests/fail/views/transpose_too_many.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `Batch` and `In` differ
//!  --> ui-tests/fail/views/transpose_too_many.rs:9:27
//!   |
//! 9 |     let _y = x.t().matmul(&w);
//!   |                    ------ ^^ the right operand has `In` rows, but the left operand has `Batch` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _y = x.t().matmul(&w);
//! +    let _y = x.matmul(&w);
//! ```
//!
//! ## A view where `&Matrix` is required
//!
//! A view passed where a `&Matrix` is required: `.t()` borrows, it does not copy.
//!
//! Case `ui-tests/fail/views/view_for_owned.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/views/view_for_owned.rs:12:26
//!    |
//! 12 |     let _s = takes_owned(x.t());
//!    |              ----------- ^^^^^ expected `&Matrix<In, Batch>`, found `MatRef<'_, In, Batch>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _s = takes_owned(x.t());
//! +    let _s = takes_owned(&x.transpose());
//! ```
//!
//! ## A view bound to the untransposed type
//!
//! `.t()` swaps the dimensions in the type: the view of a `Batch × In` matrix is `In × Batch`.
//!
//! Case `ui-tests/fail/views/view_type.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/views/view_type.rs:8:37
//!   |
//! 8 |     let xt: MatRef<'_, Batch, In> = x.t();
//!   |             ---------------------   ^^^^^ expected `MatRef<'_, Batch, In>`, found `MatRef<'_, In, Batch>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let xt: MatRef<'_, Batch, In> = x.t();
//! +    let xt: MatRef<'_, In, Batch> = x.t();
//! ```
//!
//! # Backward passes
//!
//! Gradients by hand, `dX = dY · Aᵀ` and `dA = Xᵀ · dY`, and through [`MatMul`](crate::MatMul). A dropped transpose is rejected even on a square layer, because named dimensions of equal sizes are still different types.
//!
//! ## Accumulating into a gradient of the wrong shape
//!
//! Gradient accumulation into a buffer of the transposed shape: dW must be `In × Out`, like W.
//!
//! Case `ui-tests/fail/backward/accumulate_wrong_grad.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/backward/accumulate_wrong_grad.rs:11:41
//!    |
//! 11 |     mm.backward_a_into(&Matrix::ones(), &mut dw, Write::Accumulate);
//!    |        ---------------                  ^^^^^^^ expected `&mut Matrix<In, Out>`, found `&mut Matrix<Out, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let mut dw = Matrix::<Out, In>::zeros();
//! +    let mut dw = Matrix::<In, Out>::zeros();
//! ```
//!
//! ## `backward_x` where `backward_a` is meant
//!
//! `backward_x` gives the gradient of X (`Batch × In`); the weight's is `backward_a`.
//!
//! Case `ui-tests/fail/backward/backward_x_type.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/backward/backward_x_type.rs:11:31
//!    |
//! 11 |     let dw: Matrix<In, Out> = mm.backward_x(&dy);
//!    |             ---------------   ^^^^^^^^^^^^^^^^^^ expected `Matrix<In, Out>`, found `Matrix<Batch, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let dw: Matrix<In, Out> = mm.backward_x(&dy);
//! +    let dw: Matrix<In, Out> = mm.backward_a(&dy);
//! ```
//!
//! ## The bias gradient summed over the wrong axis
//!
//! A bias row `b: Matrix<Const<1>, Out>` is added to every row, so its gradient sums `dY` over the
//! batch: one sum per output, [`col_sums`](crate::Matrix::col_sums). Summing each row instead
//! gives a `Batch × 1` column.
//!
//! Case `ui-tests/fail/backward/bias_wrong_axis.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/backward/bias_wrong_axis.rs:7:5
//!   |
//! 6 | fn bias_grad(dy: &Matrix<Batch, Out>) -> Matrix<Const<1>, Out> {
//!   |                                          --------------------- expected `Matrix<shapegrad::Const<1>, Out>` because of return type
//! 7 |     dy.row_sums()
//!   |     ^^^^^^^^^^^^^ expected `Matrix<Const<1>, Out>`, found `Matrix<Batch, Const<1>>`
//!   |
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    dy.row_sums()
//! +    dy.col_sums()
//! ```
//!
//! ## dY transposed passed to `backward`
//!
//! dY passed transposed to `backward`: `Out × Batch` where `Batch × Out` is required.
//!
//! Case `ui-tests/fail/backward/dy_transposed.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/backward/dy_transposed.rs:11:30
//!    |
//! 11 |     let _grads = mm.backward(&dy.transpose());
//!    |                     -------- ^^^^^^^^^^^^^^^ expected `&Matrix<Batch, Out>`, found `&Matrix<Out, Batch>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _grads = mm.backward(&dy.transpose());
//! +    let _grads = mm.backward(&dy);
//! ```
//!
//! ## dY of the wrong shape passed to `backward`
//!
//! `backward` takes dY with the shape of Y (`Batch × Out`); this one is `Batch × In`.
//!
//! Case `ui-tests/fail/backward/dy_wrong_shape.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/backward/dy_wrong_shape.rs:11:30
//!    |
//! 11 |     let _grads = mm.backward(&dy);
//!    |                     -------- ^^^ expected `&Matrix<Batch, Out>`, found `&Matrix<Batch, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let dy = Matrix::<Batch, In>::ones();
//! +    let dy = Matrix::<Batch, Out>::ones();
//! ```
//!
//! ## `MatMul::forward` with mismatched inner dimensions
//!
//! `MatMul::forward` checks the inner dimensions like `matmul`.
//!
//! Case `ui-tests/fail/backward/forward_inner.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `Hidden` differ
//!  --> ui-tests/fail/backward/forward_inner.rs:9:35
//!   |
//! 9 |     let _mm = MatMul::forward(&x, &w);
//!   |               ---------------     ^^ the right operand has `Hidden` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let w = Matrix::<Hidden, Out>::ones();
//! +    let w = Matrix::<In, Out>::ones();
//! ```
//!
//! ## Generic backward: `dA = Xᵀ · dY` without `.t()`
//!
//! A handwritten backward, generic over the dimensions: dA = Xᵀ · dY with the transpose forgotten.
//!
//! Case `ui-tests/fail/backward/generic_da_missing_t.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `K` and `I` differ
//!  --> ui-tests/fail/backward/generic_da_missing_t.rs:5:14
//!   |
//! 5 |     x.matmul(dy)
//!   |       ------ ^^ the right operand has `I` rows, but the left operand has `K` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    x.matmul(dy)
//! +    x.t().matmul(dy)
//! ```
//!
//! ## Generic backward with `*`: `dA = Xᵀ · dY` without `.t()`
//!
//! The same mistake written with the operator: `*` reports it as one error too.
//!
//! Case `ui-tests/fail/backward/generic_da_operator_missing_t.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `K` and `I` differ
//!  --> ui-tests/fail/backward/generic_da_operator_missing_t.rs:6:7
//!   |
//! 6 |     x * dy
//!   |       ^ the right operand has `I` rows, but the left operand has `K` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    x * dy
//! +    x.t() * dy
//! ```
//!
//! ## Generic backward: `dX = dY · Aᵀ` without `.t()`
//!
//! A handwritten backward, generic over the dimensions: dX = dY · Aᵀ with the transpose forgotten.
//!
//! Case `ui-tests/fail/backward/generic_dx_missing_t.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `J` and `K` differ
//!  --> ui-tests/fail/backward/generic_dx_missing_t.rs:5:15
//!   |
//! 5 |     dy.matmul(a)
//!   |        ------ ^ the right operand has `K` rows, but the left operand has `J` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    dy.matmul(a)
//! +    dy.matmul(a.t())
//! ```
//!
//! ## A gradient bound to the wrong type
//!
//! The gradient of X has the shape of X, `I × K`, not the shape of A.
//!
//! Case `ui-tests/fail/backward/grad_wrong_type.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!   --> ui-tests/fail/backward/grad_wrong_type.rs:10:28
//!    |
//! 10 |     let dx: Matrix<K, J> = grads.dx;
//!    |             ------------   ^^^^^^^^ expected `Matrix<K, J>`, found `Matrix<I, K>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let dx: Matrix<K, J> = grads.dx;
//! +    let dx: Matrix<I, K> = grads.dx;
//! ```
//!
//! ## The gradient of X returned for the gradient of A
//!
//! The gradient of X returned where the gradient of the weight is expected.
//!
//! Case `ui-tests/fail/backward/grad_x_for_a.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/backward/grad_x_for_a.rs:7:5
//!   |
//! 6 | fn weight_grad(mm: &MatMul<'_, Batch, In, Out>, dy: &Matrix<Batch, Out>) -> Matrix<In, Out> {
//!   |                                                                             --------------- expected `Matrix<In, Out>` because of return type
//! 7 |     mm.backward(dy).dx
//!   |     ^^^^^^^^^^^^^^^^^^ expected `Matrix<In, Out>`, found `Matrix<Batch, In>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    mm.backward(dy).dx
//! +    mm.backward(dy).da
//! ```
//!
//! ## dY transposed in a handwritten backward
//!
//! dW = Xᵀ · dY written with dY transposed as well.
//!
//! Case `ui-tests/fail/backward/handwritten_dy_transposed.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `Batch` and `Out` differ
//!  --> ui-tests/fail/backward/handwritten_dy_transposed.rs:9:28
//!   |
//! 9 |     let _dw = x.t().matmul(dy.t());
//!   |                     ------ ^^^^^^ the right operand has `Out` rows, but the left operand has `Batch` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _dw = x.t().matmul(dy.t());
//! +    let _dw = x.t().matmul(&dy);
//! ```
//!
//! ## Operands swapped in `dX = dY · Wᵀ`
//!
//! dX = dY · Wᵀ written as `W · dY`: operands swapped.
//!
//! Case `ui-tests/fail/backward/operands_swapped.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `Out` and `Batch` differ
//!  --> ui-tests/fail/backward/operands_swapped.rs:9:24
//!   |
//! 9 |     let _dx = w.matmul(&dy);
//!   |                 ------ ^^^ the right operand has `Batch` rows, but the left operand has `Out` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _dx = w.matmul(&dy);
//! +    let _dx = dy.matmul(w.t());
//! ```
//!
//! ## Square layer: `dW = Xᵀ · dY` without `.t()`
//!
//! dW = Xᵀ · dY without the transpose, on a square layer: every size is 64, but `In` is not `Batch`.
//!
//! Case `ui-tests/fail/backward/square_da_missing_t.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `Batch` differ
//!  --> ui-tests/fail/backward/square_da_missing_t.rs:9:24
//!   |
//! 9 |     let _dw = x.matmul(&dy);
//!   |                 ------ ^^^ the right operand has `Batch` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _dw = x.matmul(&dy);
//! +    let _dw = x.t().matmul(&dy);
//! ```
//!
//! ## Square layer: `dX = dY · Wᵀ` without `.t()`
//!
//! dX = dY · Wᵀ without the transpose, on a square layer: every size is 64, but `Out` is not `In`.
//!
//! Case `ui-tests/fail/backward/square_dx_missing_t.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `Out` and `In` differ
//!  --> ui-tests/fail/backward/square_dx_missing_t.rs:9:25
//!   |
//! 9 |     let _dx = dy.matmul(&w);
//!   |                  ------ ^^ the right operand has `In` rows, but the left operand has `Out` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _dx = dy.matmul(&w);
//! +    let _dx = dy.matmul(w.t());
//! ```
//!
//! # Dimensions and literals
//!
//! Matrix literals are checked against their dimensions, and the three spellings of a static dimension (`Const<N>`, typenum's `UN`, a [`dim!`](crate::dim!) name) are three different types.
//!
//! ## Literal with a row too many: `Const`, `from_array`
//!
//! `from_array` infers the shape from the literal: three rows make `Const<3>`, not `Const<2>`.
//!
//! Case `ui-tests/fail/dims/from_array_extra_row.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dims/from_array_extra_row.rs:5:60
//!   |
//! 5 |     let m: Matrix<Const<2>, Const<2>> = Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//!   |                                         ------------------ ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected an array with a size of 2, found one with a size of 3
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let m: Matrix<Const<2>, Const<2>> = Matrix::from_array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//! +    let m: Matrix<Const<2>, Const<2>> = Matrix::from_array([[1.0, 2.0], [3.0, 4.0]]);
//! ```
//!
//! ## Literal with a row too many: `Const`, `from_rows`
//!
//! A literal with one row too many for a `Const<2> × Const<2>` matrix.
//!
//! Case `ui-tests/fail/dims/from_rows_extra_row.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dims/from_rows_extra_row.rs:5:54
//!   |
//! 5 |     let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//!   |              --------------------------------------- ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected an array with a size of 2, found one with a size of 3
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//! +    let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 4.0]]);
//! ```
//!
//! ## Literal with a row too many: named dimensions
//!
//! A literal with one row too many for a `Batch × In` matrix, `Batch = 2`.
//!
//! Case `ui-tests/fail/dims/named_extra_row.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dims/named_extra_row.rs:7:45
//!   |
//! 7 |     let _x = Matrix::<Batch, In>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//!   |              ------------------------------ ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected an array with a size of 2, found one with a size of 3
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _x = Matrix::<Batch, In>::from_rows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
//! +    let _x = Matrix::<Batch, In>::from_rows([[1.0, 2.0], [3.0, 4.0]]);
//! ```
//!
//! ## A named dimension is not a `Const` of its size
//!
//! A named dimension and a `Const` of the same size are different types: `In` is not `Const<3>`.
//!
//! Case `ui-tests/fail/dims/named_vs_const.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `In` and `shapegrad::Const<3>` differ
//!  --> ui-tests/fail/dims/named_vs_const.rs:9:23
//!   |
//! 9 |     let _y = x.matmul(&w);
//!   |                ------ ^^ the right operand has `shapegrad::Const<3>` rows, but the left operand has `In` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let w = Matrix::<Const<3>, Out>::ones();
//! +    let w = Matrix::<In, Out>::ones();
//! ```
//!
//! ## Literal with a row too short
//!
//! A literal whose second row is one element short: each row of a `Const<2>`-column matrix has 2.
//!
//! Case `ui-tests/fail/dims/short_row.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dims/short_row.rs:5:67
//!   |
//! 5 |     let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0]]);
//!   |                                                                   ^^^^^ expected an array with a size of 2, found one with a size of 1
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0]]);
//! +    let _m = Matrix::<Const<2>, Const<2>>::from_rows([[1.0, 2.0], [3.0, 4.0]]);
//! ```
//!
//! ## Literal with a row too many: typenum and `arr!`
//!
//! A typenum literal (`generic_array::arr!`) with one row too many for a `U2 × U2` matrix.
//!
//! Case `ui-tests/fail/dims/typenum_extra_row.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dims/typenum_extra_row.rs:7:42
//!   |
//! 7 |     let _m = Matrix::<U2, U2>::from_rows(arr![arr![1.0, 2.0], arr![3.0, 4.0], arr![5.0, 6.0]]);
//!   |              --------------------------- ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected `B0`, found `B1`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<U2, U2>::from_rows(arr![arr![1.0, 2.0], arr![3.0, 4.0], arr![5.0, 6.0]]);
//! +    let _m = Matrix::<U2, U2>::from_rows(arr![arr![1.0, 2.0], arr![3.0, 4.0]]);
//! ```
//!
//! ## `U3` is not `Const<3>`
//!
//! `U3` and `Const<3>` are one size spelt two ways, and still two types: spell each dimension one way.
//!
//! Case `ui-tests/fail/dims/typenum_vs_const.rs`:
//!
//! ```text
//! error[E0277]: inner dimensions `UInt<UInt<UTerm, B1>, B1>` and `shapegrad::Const<3>` differ
//!  --> ui-tests/fail/dims/typenum_vs_const.rs:9:23
//!   |
//! 9 |     let _y = x.matmul(&w);
//!   |                ------ ^^ the right operand has `shapegrad::Const<3>` rows, but the left operand has `UInt<UInt<UTerm, B1>, B1>` columns
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let w = Matrix::<Const<3>, Const<2>>::ones();
//! +    let w = Matrix::<U3, Const<2>>::ones();
//! ```
//!
//! ## A signature that promises the wrong dimension
//!
//! A layer's signature promises `Batch × Out`, but the product is `Batch × Hidden`.
//!
//! Case `ui-tests/fail/dims/wrong_named_dim.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dims/wrong_named_dim.rs:7:5
//!   |
//! 6 | fn layer(x: &Matrix<Batch, In>, w: &Matrix<In, Hidden>) -> Matrix<Batch, Out> {
//!   |                                                            ------------------ expected `Matrix<Batch, Out>` because of return type
//! 7 |     x.matmul(w)
//!   |     ^^^^^^^^^^^ expected `Matrix<Batch, Out>`, found `Matrix<Batch, Hidden>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -fn layer(x: &Matrix<Batch, In>, w: &Matrix<In, Hidden>) -> Matrix<Batch, Out> {
//! +fn layer(x: &Matrix<Batch, In>, w: &Matrix<In, Hidden>) -> Matrix<Batch, Hidden> {
//! ```
//!
//! # `Dyn` dimensions
//!
//! Mixing [`Dyn`](crate::Dyn) and static dimensions is a compile error only where a static size is required; an inner mismatch between a `Dyn` and a static dimension is checked at run time by `try_matmul` instead (see [`ShapeError`](crate::ShapeError)), so it has no case here.
//!
//! ## Adding a `Dyn` matrix and a static one
//!
//! `+` needs one type on both sides; a `Dyn × Dyn` matrix and a static one are two types.
//!
//! Case `ui-tests/fail/dyn/add_dyn_static.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dyn/add_dyn_static.rs:7:21
//!   |
//! 7 |     let _sum = &d + &s;
//!   |                     ^^ expected `&Matrix<Dyn, Dyn>`, found `&Matrix<Const<2>, Const<2>>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _sum = &d + &s;
//! +    let _sum = &d + &s.into_dyn();
//! ```
//!
//! ## dY with a `Dyn` where Y's dimension is static
//!
//! With `Dyn` batch rows, dY still has the static columns of Y: `Dyn × Const<4>`, not `Dyn × Dyn`.
//!
//! Case `ui-tests/fail/dyn/backward_dy_dyn.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dyn/backward_dy_dyn.rs:9:30
//!   |
//! 9 |     let _grads = mm.backward(&dy);
//!   |                     -------- ^^^ expected `&Matrix<Dyn, Const<4>>`, found `&Matrix<Dyn, Dyn>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let dy = Matrix::<Dyn, Dyn>::zeros_with(Dyn(2), Dyn(4));
//! +    let dy = Matrix::<Dyn, Const<4>>::zeros_with(Dyn(2), Const);
//! ```
//!
//! ## A `Dyn` product bound to a static type
//!
//! A product with `Dyn` rows has `Dyn` rows; going back to static is a checked conversion.
//!
//! Case `ui-tests/fail/dyn/dyn_result_type.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dyn/dyn_result_type.rs:7:41
//!   |
//! 7 |     let y: Matrix<Const<2>, Const<4>> = x.matmul(&a);
//!   |            --------------------------   ^^^^^^^^^^^^ expected `Matrix<Const<2>, Const<4>>`, found `Matrix<Dyn, Const<4>>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let y: Matrix<Const<2>, Const<4>> = x.matmul(&a);
//! +    let y: Matrix<Const<2>, Const<4>> = x.matmul(&a).try_into_dims().unwrap();
//! ```
//!
//! ## An array literal for `Dyn` rows
//!
//! With a [`Dyn`](crate::Dyn) row dimension, [`from_rows`](crate::Matrix::from_rows) takes its
//! rows as a `Vec`, whose length is the row count; an array literal would fix the count in its
//! type. rustc names the two types the other way round here: the `Vec` is what `from_rows`
//! expects, the array what it was given.
//!
//! Case `ui-tests/fail/dyn/from_rows_on_dyn.rs`:
//!
//! ```text
//! error[E0271]: type mismatch resolving `<Dyn as LiteralRows>::Rows<[f32; 2]> == [[{float}; 2]; 1]`
//!  --> ui-tests/fail/dyn/from_rows_on_dyn.rs:5:37
//!   |
//! 5 |     let _m: Matrix<Dyn, Const<2>> = Matrix::from_rows([[1.0, 2.0]]);
//!   |                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected `[[{float}; 2]; 1]`, found `Vec<[f32; 2]>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m: Matrix<Dyn, Const<2>> = Matrix::from_rows([[1.0, 2.0]]);
//! +    let _m: Matrix<Dyn, Const<2>> = Matrix::from_rows(vec![[1.0, 2.0]]);
//! ```
//!
//! ## `try_from_vec` on `Dyn` dimensions
//!
//! `try_from_vec` reads the shape from the type; with `Dyn` dimensions, pass the shape to `try_from_vec_with`.
//!
//! Case `ui-tests/fail/dyn/try_from_vec_on_dyn.rs`:
//!
//! ```text
//! error[E0277]: `Dyn` is not a static dimension: its size is not part of its type
//!  --> ui-tests/fail/dyn/try_from_vec_on_dyn.rs:6:14
//!   |
//! 6 |     let _m = Matrix::<Dyn, Dyn>::try_from_vec(vec![1.0; 6]);
//!   |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ this reads the size from the type, and `Dyn` has none
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Dyn, Dyn>::try_from_vec(vec![1.0; 6]);
//! +    let _m = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(2), Dyn(3), vec![1.0; 6]);
//! ```
//!
//! ## A `usize` where a `Dyn` is expected
//!
//! A run-time size is passed as `Dyn(n)`, not as a bare `usize`.
//!
//! Case `ui-tests/fail/dyn/usize_for_dyn.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/dyn/usize_for_dyn.rs:5:50
//!   |
//! 5 |     let _m = Matrix::<Dyn, Const<3>>::zeros_with(4, Const);
//!   |              ----------------------------------- ^ expected `Dyn`, found integer
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Dyn, Const<3>>::zeros_with(4, Const);
//! +    let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const);
//! ```
//!
//! ## `zeros()` on a `Dyn` dimension
//!
//! `zeros()` reads the shape from the type, and `Dyn` does not fix a size: use `zeros_with`.
//!
//! Case `ui-tests/fail/dyn/zeros_on_dyn.rs`:
//!
//! ```text
//! error[E0277]: `Dyn` is not a static dimension: its size is not part of its type
//!  --> ui-tests/fail/dyn/zeros_on_dyn.rs:5:14
//!   |
//! 5 |     let _m = Matrix::<Dyn, Const<3>>::zeros();
//!   |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ this reads the size from the type, and `Dyn` has none
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Dyn, Const<3>>::zeros();
//! +    let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const);
//! ```
//!
//! # Construction and element types
//!
//! Constructors take the dimensions from the type or as values, and the elements are `f32` or `f64`, never converted silently.
//!
//! ## An `f64` matrix where an `f32` one is expected
//!
//! Elements are `f32` unless the type says otherwise: an `f64` matrix is not a `Matrix<_, _>`.
//!
//! Case `ui-tests/fail/construction/f64_into_f32.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/construction/f64_into_f32.rs:5:41
//!   |
//! 5 |     let m: Matrix<Const<2>, Const<2>> = Matrix::<Const<2>, Const<2>, f64>::rand(7);
//!   |            --------------------------   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected `Matrix<Const<2>, Const<2>>`, found `Matrix<Const<2>, Const<2>, f64>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let m: Matrix<Const<2>, Const<2>> = Matrix::<Const<2>, Const<2>, f64>::rand(7);
//! +    let m: Matrix<Const<2>, Const<2>, f64> = Matrix::<Const<2>, Const<2>, f64>::rand(7);
//! ```
//!
//! ## An `f64` literal in an `f32` matrix
//!
//! An `f64` literal for an `f32` matrix.
//!
//! Case `ui-tests/fail/construction/f64_literal.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/construction/f64_literal.rs:5:56
//!   |
//! 5 |     let _m = Matrix::<Const<1>, Const<2>>::from_rows([[1.0f64, 2.0]]);
//!   |                                                        ^^^^^^ expected `f32`, found `f64`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Const<1>, Const<2>>::from_rows([[1.0f64, 2.0]]);
//! +    let _m = Matrix::<Const<1>, Const<2>>::from_rows([[1.0f32, 2.0]]);
//! ```
//!
//! ## `from_fn` returning the indices
//!
//! `from_fn` must return the element type, `f32`, not the `usize` indices it is given.
//!
//! Case `ui-tests/fail/construction/from_fn_usize.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/construction/from_fn_usize.rs:5:59
//!   |
//! 5 |     let _m = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| i + j);
//!   |                                                           ^^^^^ expected `f32`, found `usize`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| i + j);
//! +    let _m = Matrix::<Const<2>, Const<3>>::from_fn(|i, j| (i + j) as f32);
//! ```
//!
//! ## Integer elements
//!
//! Elements are `f32` or `f64`, what the GEMM backend serves; `i32` is not a `Scalar`.
//!
//! Case `ui-tests/fail/construction/integer_elements.rs`:
//!
//! ```text
//! error[E0277]: `i32` is not a matrix element type
//!  --> ui-tests/fail/construction/integer_elements.rs:5:14
//!   |
//! 5 |     let _m = Matrix::<Const<2>, Const<2>, i32>::zeros();
//!   |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ matrices hold `f32` or `f64`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Const<2>, Const<2>, i32>::zeros();
//! +    let _m = Matrix::<Const<2>, Const<2>, f64>::zeros();
//! ```
//!
//! ## An `f32` matrix times an `f64` one
//!
//! An `f32` matrix times an `f64` one: products never convert precision silently.
//!
//! Case `ui-tests/fail/construction/mixed_precision_matmul.rs`:
//!
//! ```text
//! error[E0277]: element types `f32` and `f64` differ
//!  --> ui-tests/fail/construction/mixed_precision_matmul.rs:7:23
//!   |
//! 7 |     let _y = x.matmul(&a);
//!   |                ------ ^^ this operand holds `f64`, but the product is of `f32` matrices
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let a = Matrix::<Const<3>, Const<4>, f64>::ones();
//! +    let a = Matrix::<Const<3>, Const<4>>::ones();
//! ```
//!
//! ## A `Vec<f64>` for an `f32` matrix
//!
//! `try_from_vec` takes a `Vec` of the matrix's element type: `f32` here.
//!
//! Case `ui-tests/fail/construction/try_from_vec_f64.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/construction/try_from_vec_f64.rs:7:45
//!   |
//! 7 |     let _m = Matrix::<U2, U3>::try_from_vec(data);
//!   |              ------------------------------ ^^^^ expected `Vec<f32>`, found `Vec<f64>`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let data: Vec<f64> = vec![1.0; 6];
//! +    let data: Vec<f32> = vec![1.0; 6];
//! ```
//!
//! ## `zeros_with` given another static size
//!
//! `zeros_with` takes the dimensions as values; a static one must be the type's: `Const::<3>`.
//!
//! Case `ui-tests/fail/construction/zeros_with_wrong_const.rs`:
//!
//! ```text
//! error[E0308]: mismatched types
//!  --> ui-tests/fail/construction/zeros_with_wrong_const.rs:5:58
//!   |
//! 5 |     let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const::<4>);
//!   |              -----------------------------------         ^^^^^^^^^^ expected `3`, found `4`
//! ```
//!
//! Fix:
//!
//! ```diff
//! -    let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const::<4>);
//! +    let _m = Matrix::<Dyn, Const<3>>::zeros_with(Dyn(4), Const::<3>);
//! ```
