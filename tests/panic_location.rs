//! Every panic a `Dyn` shape can cause points at the caller's line.
//!
//! Each case below triggers one panicking method or operator with `Dyn` sizes that disagree (or a
//! shape too large to allocate), catches the panic, and checks where the panic hook says it
//! happened: this file, on the line of the call, which the `case!` macro reads with `line!()`
//! from the line it is written on. A closure or a function without `#[track_caller]` anywhere
//! between the call and the `panic!` would move that location into shapegrad's sources. Each case
//! also checks that the message is the `Display` of the [`ShapeError`] the fallible twin returns
//! (or, for indexing, the out-of-range message).
//!
//! The hook: tests run in parallel threads, and the panic hook is one per process, so it is
//! installed once and records the location in a thread-local slot, only on a thread that is
//! inside [`catch`]. Panics on any other thread go on to the hook it replaced (the default one,
//! which prints them), so outside a `catch` nothing behaves differently.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use shapegrad::Write::{Accumulate, Overwrite};
use shapegrad::{
    Batch, Batches, Binary, Const, Dyn, Grads, MatMul, Matrix, Reduce, RowSoftmax, Scale,
    ShapeError,
};

/// Where a caught panic happened, and its message.
#[derive(Debug)]
struct Caught {
    file: String,
    line: u32,
    message: String,
}

thread_local! {
    /// Whether this thread is inside `catch`, so the hook should record rather than print.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The location the hook recorded for this thread's last panic.
    static LOCATION: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let location = info.location().map(|l| (l.file().to_owned(), l.line()));
                LOCATION.with(|slot| *slot.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, which must panic, and returns where and with what message.
fn catch(f: impl FnOnce()) -> Caught {
    install_hook();
    LOCATION.with(|slot| slot.borrow_mut().take());
    CATCHING.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    let payload = match result {
        Ok(()) => panic!("the call did not panic"),
        Err(payload) => payload,
    };
    let message = if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        panic!("the panic's payload is not a string")
    };
    let (file, line) = LOCATION
        .with(|slot| slot.borrow_mut().take())
        .expect("the hook recorded no location");
    Caught {
        file,
        line,
        message,
    }
}

/// One panicking call: its source text, the line it is written on, and the call itself.
struct Case<'a> {
    text: &'static str,
    line: u32,
    call: Box<dyn FnOnce() + 'a>,
}

/// `case!(call)`: `line!()` is the line where `case!(` is written, which must be the line of the
/// call, so each `case!(…)` stays short enough for rustfmt to keep it on one line (a case split
/// over lines fails, naming itself).
macro_rules! case {
    ($call:expr) => {
        Case {
            text: stringify!($call),
            line: line!(),
            call: Box::new(|| {
                let _ = $call;
            }),
        }
    };
}

/// Runs `case` and checks that it panicked on its own line of this file, with `message`.
fn check(case: Case<'_>, message: &str) {
    let Case { text, line, call } = case;
    let caught = catch(call);
    assert_eq!(
        (caught.file.as_str(), caught.line),
        ("tests/panic_location.rs", line),
        "`{text}`: the panic points at {}:{}, not at the caller's line ({caught:?})",
        caught.file,
        caught.line,
    );
    assert_eq!(caught.message, message, "`{text}`: the panic's message");
}

/// [`check`] for every case of a table that expects one message.
fn check_all(cases: Vec<Case<'_>>, message: &str) {
    assert!(!cases.is_empty());
    for case in cases {
        check(case, message);
    }
}

/// A `rows × cols` matrix of ones with both dimensions `Dyn`.
fn ones(rows: usize, cols: usize) -> Matrix<Dyn, Dyn> {
    Matrix::filled_with(Dyn(rows), Dyn(cols), 1.0)
}

type C2 = Const<2>;
type C3 = Const<3>;
type C4 = Const<4>;
type C5 = Const<5>;

/// Panics at its caller's line.
#[track_caller]
fn fails_at_the_caller() -> u8 {
    panic!("here")
}

/// Panics at its own line, which it gives as its message.
fn fails_inside() -> u8 {
    panic!("{}", line!())
}

#[test]
fn the_harness_tells_the_callers_line_from_the_line_of_the_panic() {
    assert_eq!(file!(), "tests/panic_location.rs");
    check(case!(fails_at_the_caller()), "here");
    let caught = catch(|| {
        fails_inside();
    });
    assert_eq!(caught.file, file!());
    assert_eq!(caught.line.to_string(), caught.message);
}

// Products.

#[test]
fn products_whose_dyn_inner_dimensions_disagree_panic_at_the_callers_line() {
    // 2×3 times 4×5 in every spelling: all `Dyn` (x, a); a `Dyn` inner dimension meeting static
    // rows (xk, ak); static columns meeting `Dyn` rows (xs, ar); transposed views (xt, at).
    let (x, a) = (ones(2, 3), ones(4, 5));
    let xk = Matrix::<C2, Dyn>::filled_with(Const, Dyn(3), 1.0);
    let ak = Matrix::<C4, C5>::ones();
    let xs = Matrix::<C2, C3>::ones();
    let ar = Matrix::<Dyn, C5>::filled_with(Dyn(4), Const, 1.0);
    let (xt, at) = (ones(3, 2), ones(5, 4));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Inner {
            lhs: (2, 3),
            rhs: (4, 5)
        }
    );
    assert_eq!(xk.try_matmul(&ak).unwrap_err(), err);
    assert_eq!(xs.try_matmul(&ar).unwrap_err(), err);

    let (mut o1, mut o2, mut o3, mut o4) = (ones(2, 5), Matrix::zeros(), ones(2, 5), ones(2, 5));
    let cases = vec![
        case!(x.matmul(&a)),
        case!(xk.matmul(&ak)),
        case!(xs.matmul(&ar)),
        case!(x.matmul(a.view())),
        case!(x.matmul(at.t())),
        case!(x.view().matmul(&a)),
        case!(xt.t().matmul(at.t())),
        case!(x.matmul_into(&a, &mut o1, Overwrite)),
        case!(xk.matmul_into(&ak, &mut o2, Overwrite)),
        case!(x.view().matmul_into(&a, &mut o3, Accumulate)),
        case!(xt.t().matmul_into(at.t(), &mut o4, Overwrite)),
        case!(&x * &a),
        case!(&x * a.view()),
        case!(x.view() * &a),
        case!(x.view() * a.view()),
        case!(xt.t() * at.t()),
        case!(&xk * &ak),
        case!(xk.view() * ak.t().t()),
        case!(&xs * ar.view()),
    ];
    check_all(cases, &err.to_string());
    let _: &Matrix<C2, C5> = &o2;
}

#[test]
fn products_into_a_destination_of_the_wrong_dyn_shape_panic_at_the_callers_line() {
    let (x, a) = (ones(2, 3), ones(3, 4));
    let err = x
        .try_matmul_into(&a, &mut ones(3, 4), Overwrite)
        .unwrap_err();
    let dst = "matmul_into: the destination must have the product's shape";
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: dst,
            expected: (2, 4),
            given: (3, 4)
        }
    );

    let (mut o1, mut o2) = (ones(3, 4), ones(3, 4));
    let cases = vec![
        case!(x.matmul_into(&a, &mut o1, Overwrite)),
        case!(x.view().matmul_into(a.view(), &mut o2, Accumulate)),
    ];
    check_all(cases, &err.to_string());
    // The check came before any write.
    assert_eq!((o1, o2), (ones(3, 4), ones(3, 4)));
}

#[test]
fn products_too_large_to_allocate_panic_at_the_callers_line() {
    // 2^40×0 times 0×2^40: the inner sizes agree, but the product has 2^80 elements.
    let n = 1 << 40;
    let x = Matrix::<Dyn, Dyn>::zeros_with(Dyn(n), Dyn(0));
    let a = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(n));
    let err = x.try_matmul(&a).unwrap_err();
    assert_eq!(err, ShapeError::TooLarge { rows: n, cols: n });
    assert_eq!(MatMul::try_forward(&x, &a).err(), Some(err.clone()));

    let cases = vec![
        case!(x.matmul(&a)),
        case!(x.view().matmul(a.view())),
        case!(&x * &a),
        case!(x.view() * a.view()),
        case!(MatMul::forward(&x, &a)),
    ];
    check_all(cases, &err.to_string());
}

// The forward and backward passes of `MatMul`.

#[test]
fn forward_passes_whose_dyn_inner_dimensions_disagree_panic_at_the_callers_line() {
    let (x, a) = (ones(2, 3), ones(4, 5));
    let xk = Matrix::<C2, Dyn>::filled_with(Const, Dyn(3), 1.0);
    let ak = Matrix::<C4, C5>::ones();
    let err = MatMul::try_forward(&x, &a).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Inner {
            lhs: (2, 3),
            rhs: (4, 5)
        }
    );
    assert_eq!(MatMul::try_forward(&xk, &ak).unwrap_err(), err);

    let cases = vec![
        case!(MatMul::forward(&x, &a)),
        case!(MatMul::forward(x.view(), a.t().t())),
        case!(MatMul::forward(&xk, &ak)),
        case!(MatMul::forward_into(&x, &a, ones(2, 5))),
        case!(MatMul::forward_into(&xk, &ak, Matrix::zeros())),
    ];
    check_all(cases, &err.to_string());
}

#[test]
fn forward_into_a_buffer_of_the_wrong_dyn_shape_panics_at_the_callers_line() {
    let (x, a) = (ones(2, 3), ones(3, 5));
    let err = x
        .try_matmul_into(&a, &mut ones(3, 5), Overwrite)
        .unwrap_err();
    let dst = "matmul_into: the destination must have the product's shape";
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: dst,
            expected: (2, 5),
            given: (3, 5)
        }
    );
    check(
        case!(MatMul::forward_into(&x, &a, ones(3, 5))),
        &err.to_string(),
    );
}

#[test]
fn backward_passes_given_a_dy_of_the_wrong_dyn_shape_panic_at_the_callers_line() {
    let (x, a) = (ones(2, 3), ones(3, 5));
    let mm = MatMul::forward(&x, &a);
    let dy = ones(3, 5); // Y is 2×5
    let op = "backward: dY must have the shape of Y";
    let err = ShapeError::Mismatch {
        op,
        expected: (2, 5),
        given: (3, 5),
    };

    let mut grads = Grads {
        dx: ones(2, 3),
        da: ones(3, 5),
    };
    let (mut dx, mut da) = (ones(2, 3), ones(3, 5));
    let cases = vec![
        case!(mm.backward(&dy)),
        case!(mm.backward_x(&dy)),
        case!(mm.backward_a(&dy)),
        case!(mm.backward_into(&dy, &mut grads, Overwrite)),
        case!(mm.backward_x_into(&dy, &mut dx, Accumulate)),
        case!(mm.backward_a_into(&dy, &mut da, Overwrite)),
    ];
    check_all(cases, &err.to_string());
}

#[test]
fn backward_passes_into_a_gradient_buffer_of_the_wrong_dyn_shape_panic_at_the_callers_line() {
    let (x, a) = (ones(2, 3), ones(3, 5));
    let mm = MatMul::forward(&x, &a);
    let dy = ones(2, 5);

    // dX = dY · Aᵀ is 2×3; given 3×3.
    let err = ShapeError::Mismatch {
        op: "backward: dX must have the shape of X",
        expected: (2, 3),
        given: (3, 3),
    };
    let mut grads = Grads {
        dx: ones(3, 3),
        da: ones(3, 5),
    };
    let mut dx = ones(3, 3);
    let cases = vec![
        case!(mm.backward_into(&dy, &mut grads, Overwrite)),
        case!(mm.backward_x_into(&dy, &mut dx, Accumulate)),
    ];
    check_all(cases, &err.to_string());

    // dA = Xᵀ · dY is 3×5; given 3×4.
    let err = ShapeError::Mismatch {
        op: "backward: dA must have the shape of A",
        expected: (3, 5),
        given: (3, 4),
    };
    let mut grads = Grads {
        dx: ones(2, 3),
        da: ones(3, 4),
    };
    let mut da = ones(3, 4);
    let cases = vec![
        case!(mm.backward_into(&dy, &mut grads, Accumulate)),
        case!(mm.backward_a_into(&dy, &mut da, Overwrite)),
    ];
    check_all(cases, &err.to_string());
}

// Element-wise arithmetic.

#[test]
fn element_wise_operators_on_dyn_shapes_that_differ_panic_at_the_callers_line() {
    let (a, b) = (ones(2, 3), ones(3, 2));
    let (mut m_add, mut m_sub, mut m_axpy) = (ones(2, 3), ones(2, 3), ones(2, 3));
    let cases = vec![
        (case!(&a + &b), "add: both operands must have one shape"),
        (case!(&a - &b), "sub: both operands must have one shape"),
        (
            case!(m_add += &b),
            "add_assign: both operands must have one shape",
        ),
        (
            case!(m_sub -= &b),
            "sub_assign: both operands must have one shape",
        ),
        (
            case!(a.zip_map(&b, f32::max)),
            "zip_map: both operands must have one shape",
        ),
        (
            case!(m_axpy.axpy(2.0, &b)),
            "axpy: x must have the matrix's shape",
        ),
    ];
    for (case, op) in cases {
        let err = ShapeError::Mismatch {
            op,
            expected: (2, 3),
            given: (3, 2),
        };
        check(case, &err.to_string());
    }
    // No left operand was touched.
    assert_eq!((m_add, m_sub, m_axpy), (ones(2, 3), ones(2, 3), ones(2, 3)));
}

#[test]
fn binary_ops_on_dyn_shapes_that_differ_panic_at_the_callers_line() {
    let (a, b) = (ones(2, 3), ones(3, 2));
    let cases = vec![
        (
            case!(a.hadamard(&b)),
            "hadamard: both operands must have one shape",
        ),
        (
            case!(a.div_elem(&b)),
            "div_elem: both operands must have one shape",
        ),
        (
            case!(a.binary(Binary::Sub, &b)),
            "sub: both operands must have one shape",
        ),
    ];
    for (case, op) in cases {
        let err = ShapeError::Mismatch {
            op,
            expected: (2, 3),
            given: (3, 2),
        };
        check(case, &err.to_string());
    }
}

#[test]
fn binary_backward_passes_given_a_dy_of_the_wrong_dyn_shape_panic_at_the_callers_line() {
    let (a, b, dy) = (ones(2, 3), ones(2, 3), ones(3, 2));
    let err = Binary::Hadamard
        .try_backward_into(&a, &b, &dy, None, None, Overwrite)
        .unwrap_err();
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: "binary backward: dy must have a's shape",
            expected: (2, 3),
            given: (3, 2)
        }
    );
    check(
        case!(Binary::Hadamard.backward(&a, &b, &dy)),
        &err.to_string(),
    );
    let err = Scale(2.0)
        .try_backward_into(&a, &dy, None, None, Accumulate)
        .unwrap_err();
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: "scale backward: dy must have a's shape",
            expected: (2, 3),
            given: (3, 2)
        }
    );
    check(case!(Scale(2.0).backward(&a, &dy)), &err.to_string());
}

#[test]
fn broadcasts_of_the_wrong_dyn_size_panic_at_the_callers_line() {
    let (a, dy) = (ones(2, 3), ones(2, 3));
    let row = Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(2), 1.0);
    let col = Matrix::<Dyn, Const<1>>::filled_with(Dyn(3), Const, 1.0);

    let err = a.try_broadcast_row(Binary::Add, &row).unwrap_err();
    check(case!(a.broadcast_row(Binary::Add, &row)), &err.to_string());
    let err = a.try_broadcast_col(Binary::Hadamard, &col).unwrap_err();
    check(
        case!(a.broadcast_col(Binary::Hadamard, &col)),
        &err.to_string(),
    );

    let err = Binary::Add
        .try_backward_row_into(&a, &row, &dy, None, None, Overwrite)
        .unwrap_err();
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op: "row broadcast backward: the row must have a's columns",
            expected: (1, 3),
            given: (1, 2)
        }
    );
    check(
        case!(Binary::Add.backward_row(&a, &row, &dy)),
        &err.to_string(),
    );
    let err = Binary::Div
        .try_backward_col_into(&a, &col, &dy, None, None, Accumulate)
        .unwrap_err();
    check(
        case!(Binary::Div.backward_col(&a, &col, &dy)),
        &err.to_string(),
    );
}

#[test]
fn adding_a_bias_row_of_the_wrong_dyn_width_panics_at_the_callers_line() {
    let mut y = Matrix::<Dyn, Dyn>::zeros_with(Dyn(4), Dyn(3));
    let b = Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(2), 1.0);
    let err = y.clone().try_add_row_to_each(&b).unwrap_err();
    let op = "add_row_to_each: the row must have the matrix's columns";
    assert_eq!(
        err,
        ShapeError::Mismatch {
            op,
            expected: (1, 3),
            given: (1, 2)
        }
    );
    check(case!(y.add_row_to_each(&b)), &err.to_string());
    assert_eq!(y.as_slice(), &[0.0; 12], "y was written");
}

// Indexing.

#[test]
fn indexing_out_of_range_panics_at_the_callers_line() {
    let d = ones(2, 3);
    let s = Matrix::<C2, C3>::ones();
    let cases = vec![case!(d[(2, 0)]), case!(s[(2, 0)])];
    check_all(cases, "index (2, 0) out of range for a 2×3 matrix");
    // Inside the buffer (row 1, column 0), so only the shape check can catch it.
    let cases = vec![case!(d[(0, 3)]), case!(s[(0, 3)])];
    check_all(cases, "index (0, 3) out of range for a 2×3 matrix");
}

// Runs and gathers of rows.

#[test]
fn runs_of_rows_out_of_range_panic_at_the_callers_line() {
    let (d, s) = (ones(2, 3), Matrix::<C2, C3>::ones());
    let err = d.try_rows_range(1..4).unwrap_err();
    assert_eq!(
        err,
        ShapeError::RowRange {
            start: 1,
            end: 4,
            rows: 2
        }
    );
    let cases = vec![
        case!(d.rows_range(1..4)),
        case!(s.rows_range(1..4)),
        case!(d.view().rows_range(1..4)),
        case!(s.t().t().rows_range(1..4)),
        case!(d.fixed_rows::<C3>(1)),
        case!(s.fixed_rows::<C3>(1)),
        case!(d.view().fixed_rows::<C3>(1)),
        case!(s.t().t().fixed_rows::<C3>(1)),
    ];
    check_all(cases, &err.to_string());
}

#[test]
fn gathers_of_rows_out_of_range_panic_at_the_callers_line() {
    let (d, s) = (ones(2, 3), Matrix::<C2, C3>::ones());
    let err = d.try_select_rows(&[0, 2]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::RowIndex {
            index: 2,
            position: 1,
            rows: 2
        }
    );
    let labels = [0usize; 2];
    let batches = Batches::<C2>::in_order(4);
    let Some(Batch::Full(rows)) = batches.iter().nth(1) else {
        panic!("two full batches")
    };
    let cases = vec![
        case!(d.select_rows(&[0, 2])),
        case!(s.select_rows(&[0, 2])),
        case!(d.view().select_rows(&[0, 2])),
        case!(s.t().t().select_rows(&[0, 2])),
        case!(d.select_rows_as::<C2>(&[0, 2])),
        case!(s.select_rows_as::<Dyn>(&[0, 2])),
        case!(d.view().select_rows_as::<C2>(&[0, 2])),
    ];
    check_all(cases, &err.to_string());

    // The batch's indices are 2 and 3, past the end of two rows.
    let err = ShapeError::RowIndex {
        index: 2,
        position: 0,
        rows: 2,
    };
    let cases = vec![
        case!(rows.gather(&d)),
        case!(rows.gather(s.view())),
        case!(rows.gather_slice(&labels)),
    ];
    check_all(cases, &err.to_string());
}

#[test]
fn gathers_into_a_static_row_dimension_of_another_size_panic_at_the_callers_line() {
    let d = ones(2, 3);
    let err = d.try_select_rows_as::<C3>(&[0, 1]).unwrap_err();
    assert_eq!(
        err,
        ShapeError::RowCount {
            expected: 3,
            given: 2
        }
    );
    let cases = vec![
        case!(d.select_rows_as::<C3>(&[0, 1])),
        case!(d.view().select_rows_as::<C3>(&[0, 1])),
    ];
    check_all(cases, &err.to_string());
}

#[test]
fn indexing_mutably_out_of_range_panics_at_the_callers_line() {
    let (mut d, mut s) = (ones(2, 3), Matrix::<C2, C3>::ones());
    let cases = vec![case!(d[(2, 0)] = 0.0), case!(s[(2, 0)] += 1.0)];
    check_all(cases, "index (2, 0) out of range for a 2×3 matrix");
    let cases = vec![case!(d[(0, 3)] = 0.0), case!(s[(0, 3)] *= 2.0)];
    check_all(cases, "index (0, 3) out of range for a 2×3 matrix");
    assert_eq!(
        (d, s),
        (ones(2, 3), Matrix::ones()),
        "an element was written"
    );
}

// Shapes too large to allocate.

#[test]
fn constructors_of_a_shape_whose_element_count_overflows_usize_panic_at_the_callers_line() {
    let (r, c) = (Dyn(1 << 62), Dyn(4));
    let err = Matrix::<Dyn, Dyn>::try_from_vec_with(r, c, Vec::new()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::TooLarge {
            rows: 1 << 62,
            cols: 4
        }
    );

    let cases = vec![
        case!(Matrix::<Dyn, Dyn>::filled_with(r, c, 1.0)),
        case!(Matrix::<Dyn, Dyn>::from_fn_with(r, c, |_, _| 0.0)),
        case!(Matrix::<Dyn, Dyn>::zeros_with(r, c)),
        case!(Matrix::<Dyn, Dyn, f64>::rand_with(r, c, 7)),
        case!(Matrix::<Const<{ 1 << 62 }>, C4>::zeros()),
        case!(Matrix::<Const<{ 1 << 62 }>, C4>::ones()),
        case!(Matrix::<Const<{ 1 << 62 }>, C4>::from_fn(|_, _| 0.0)),
        case!(Matrix::<Const<{ 1 << 62 }>, C4>::rand(7)),
    ];
    check_all(cases, &err.to_string());
}

#[test]
fn constructors_of_a_shape_whose_bytes_overflow_panic_at_the_callers_line() {
    // The element counts fit in a usize, but not their bytes: 2^62 f32s are 2^64 bytes, and 2^61
    // f32s or f64s are at least 2^63, past isize::MAX, the most one allocation can hold. `Vec`
    // itself would panic with "capacity overflow" at a line of the standard library.
    let (r62, r61, c) = (Dyn(1 << 62), Dyn(1 << 61), Dyn(1));
    let cases = vec![
        (case!(Matrix::<Dyn, Dyn>::filled_with(r62, c, 1.0)), r62),
        (
            case!(Matrix::<Dyn, Dyn>::from_fn_with(r62, c, |_, _| 0.0)),
            r62,
        ),
        (case!(Matrix::<Dyn, Dyn>::zeros_with(r62, c)), r62),
        (case!(Matrix::<Dyn, Dyn>::rand_with(r62, c, 7)), r62),
        (case!(Matrix::<Dyn, Dyn>::zeros_with(r61, c)), r61),
        (case!(Matrix::<Dyn, Dyn, f64>::rand_with(r61, c, 7)), r61),
    ];
    for (case, rows) in cases {
        check(
            case,
            &ShapeError::TooLarge {
                rows: rows.0,
                cols: 1,
            }
            .to_string(),
        );
    }
}

#[test]
fn sums_of_an_empty_matrix_too_long_to_allocate_panic_at_the_callers_line() {
    // No elements, so the matrix exists; its 1×2^62 column sums (2^64 bytes) cannot.
    let n = 1 << 62;
    let wide = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(n));
    let tall = Matrix::<Dyn, Dyn>::zeros_with(Dyn(n), Dyn(0));
    let err = ShapeError::TooLarge { rows: 1, cols: n };
    check(case!(wide.col_sums()), &err.to_string());
    let err = ShapeError::TooLarge { rows: n, cols: 1 };
    check(case!(tall.row_sums()), &err.to_string());
}

#[test]
fn means_of_an_empty_matrix_too_long_to_allocate_panic_at_the_callers_line() {
    let n = 1 << 62;
    let wide = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(n));
    let tall = Matrix::<Dyn, Dyn>::zeros_with(Dyn(n), Dyn(0));
    let err = ShapeError::TooLarge { rows: 1, cols: n };
    check(case!(wide.col_means()), &err.to_string());
    let err = ShapeError::TooLarge { rows: n, cols: 1 };
    check(case!(tall.row_means()), &err.to_string());
}

// Reductions, their backward, and softmax.

#[test]
fn reduction_backward_given_a_dy_of_the_wrong_dyn_size_panics_at_the_callers_line() {
    let dims = (Dyn(3), Dyn(2));
    let dy_col = Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(4), 1.0);
    let dy_row = Matrix::<Dyn, Const<1>>::filled_with(Dyn(2), Const, 1.0);
    let mut dx = ones(3, 2);
    for kind in [Reduce::Sum, Reduce::Mean] {
        let err = kind
            .try_col_backward_into(&dy_col, &mut dx, Overwrite)
            .unwrap_err();
        check(case!(kind.col_backward(dims, &dy_col)), &err.to_string());
        let err = kind
            .try_row_backward_into(&dy_row, &mut dx, Accumulate)
            .unwrap_err();
        check(case!(kind.row_backward(dims, &dy_row)), &err.to_string());
    }
    assert_eq!(dx, ones(3, 2), "dx was written");
}

#[test]
fn reduction_backward_of_a_shape_too_large_to_allocate_panics_at_the_callers_line() {
    let dims = (Dyn(1 << 62), Dyn(4));
    let err = ShapeError::TooLarge {
        rows: 1 << 62,
        cols: 4,
    };
    let dy_col = Matrix::<Const<1>, Dyn>::zeros_with(Const, Dyn(4));
    let cases = vec![
        case!(Reduce::Mean.col_backward(dims, &dy_col)),
        case!(Reduce::Sum.all_backward(dims, 1.0_f32)),
        case!(Reduce::Mean.all_backward(dims, 1.0_f64)),
    ];
    check_all(cases, &err.to_string());
    let dy_row = Matrix::<Dyn, Const<1>>::zeros_with(Dyn(2), Const);
    let err = ShapeError::TooLarge {
        rows: 2,
        cols: 1 << 62,
    };
    let wide = (Dyn(2), Dyn(1 << 62));
    check(
        case!(Reduce::Sum.row_backward(wide, &dy_row)),
        &err.to_string(),
    );
}

#[test]
fn argmax_of_rows_with_no_elements_panics_at_the_callers_line() {
    let no_cols = ones(3, 0);
    let err = no_cols.try_argmax_rows_into(&mut [0; 3]).unwrap_err();
    check(case!(no_cols.argmax_rows()), &err.to_string());
}

#[test]
fn softmax_backward_given_a_dy_of_the_wrong_dyn_shape_panics_at_the_callers_line() {
    let y = ones(2, 3).softmax_rows();
    let dy = ones(3, 2);
    let mut dx = ones(2, 3);
    for f in [RowSoftmax::Softmax, RowSoftmax::LogSoftmax] {
        let err = f
            .try_backward_into(&y, &dy, &mut dx, Overwrite)
            .unwrap_err();
        check(case!(f.backward(&y, &dy)), &err.to_string());
    }
    assert_eq!(dx, ones(2, 3), "dx was written");
}

#[test]
fn backward_into_checks_both_buffers_before_writing_either() {
    let (x, a) = (ones(2, 3), ones(3, 5));
    let mm = MatMul::forward(&x, &a);
    let dy = ones(2, 5);
    // dX is right, dA is not: the panic must come before dX is written.
    let mut grads = Grads {
        dx: Matrix::zeros_with(Dyn(2), Dyn(3)),
        da: ones(3, 4),
    };
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        mm.backward_into(&dy, &mut grads, Overwrite);
    }));
    assert!(caught.is_err());
    assert!(
        grads.dx.as_slice().iter().all(|&v| v == 0.0),
        "dX was written"
    );
}

#[test]
fn graph_ops_with_dyn_sizes_that_disagree_panic_at_the_callers_line() {
    use shapegrad::graph::Tape;
    use shapegrad::make_guard;
    let (a, b) = (ones(2, 3), ones(4, 1));
    let row1 = Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(5), 1.0);
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (av, bv, r1) = (g.input(&a), g.input(&b), g.input(&row1));
    check(
        case!(g.matmul(av, bv)),
        &ShapeError::Inner {
            lhs: (2, 3),
            rhs: (4, 1),
        }
        .to_string(),
    );
    check(
        case!(g.add(av, bv)),
        &ShapeError::Mismatch {
            op: "add: both operands must have one shape",
            expected: (2, 3),
            given: (4, 1),
        }
        .to_string(),
    );
    check(
        case!(g.add_row(av, r1)),
        &ShapeError::Mismatch {
            op: "add_row: the row must have the matrix's columns",
            expected: (1, 3),
            given: (1, 5),
        }
        .to_string(),
    );
}

#[test]
fn a_causal_mask_of_a_non_square_dyn_matrix_panics_at_the_callers_line() {
    use shapegrad::graph::Tape;
    use shapegrad::make_guard;
    let wide = ones(2, 3);
    let message = ShapeError::Mismatch {
        op: "causal_mask: the scores of a sequence against itself are square",
        expected: (2, 2),
        given: (2, 3),
    }
    .to_string();
    check(case!(wide.causal_mask()), &message);
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let v = g.input(&wide);
    check(case!(g.causal_mask(v)), &message);
}

#[test]
fn batched_and_layer_graph_ops_with_dyn_sizes_that_disagree_panic_at_the_callers_line() {
    use shapegrad::Batched;
    use shapegrad::graph::Tape;
    use shapegrad::make_guard;
    let q = Batched::<Dyn, Dyn, Dyn>::zeros_with(Dyn(2), Dyn(3), Dyn(4));
    let k = Batched::<Dyn, Dyn, Dyn>::zeros_with(Dyn(3), Dyn(3), Dyn(4));
    let wide = Batched::<Dyn, Dyn, Dyn>::zeros_with(Dyn(2), Dyn(3), Dyn(5));
    let positions = ones(4, 4);
    let (x, w) = (ones(2, 3), ones(3, 4));
    let (row4, row5) = (
        Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(4), 1.0),
        Matrix::<Const<1>, Dyn>::filled_with(Const, Dyn(5), 1.0),
    );
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (qv, kv, wv) = (
        g.input_batched(&q),
        g.input_batched(&k),
        g.input_batched(&wide),
    );
    let (pv, xv, wt) = (g.input(&positions), g.input(&x), g.input(&w));
    let (r4, r5) = (g.input(&row4), g.input(&row5));
    check(
        case!(g.batched_matmul(qv, kv.t())),
        &ShapeError::BatchCount {
            op: "batched matmul: the right operand has the left operand's batch size",
            expected: 2,
            given: 3,
        }
        .to_string(),
    );
    check(
        case!(g.causal_mask_items(wv)),
        &ShapeError::Mismatch {
            op: "causal_mask_items: the scores of a sequence against itself are square",
            expected: (3, 3),
            given: (3, 5),
        }
        .to_string(),
    );
    check(
        case!(g.add_items(qv, pv)),
        &ShapeError::Mismatch {
            op: "add_items: the matrix added to every item has the items' shape",
            expected: (3, 4),
            given: (4, 4),
        }
        .to_string(),
    );
    check(
        case!(g.linear(xv, wt, r5)),
        &ShapeError::Mismatch {
            op: "linear: the bias row has the weight's columns",
            expected: (1, 4),
            given: (1, 5),
        }
        .to_string(),
    );
    check(
        case!(g.layer_norm(wt, r4, r5, 1e-5)),
        &ShapeError::Mismatch {
            op: "layer_norm: the bias has the matrix's columns",
            expected: (1, 4),
            given: (1, 5),
        }
        .to_string(),
    );
}
