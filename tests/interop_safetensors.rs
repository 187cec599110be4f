#![cfg(feature = "safetensors")]
//! The `safetensors` feature: a file written by PyTorch (`tests/data/torch_small.safetensors`,
//! made by `scripts/safetensors_golden.py`) reads into typed matrices bit for bit as the JSON
//! beside it says; a shape, rank or dtype the type does not take, and a missing tensor, are errors
//! naming the tensor; matrices written and read back are equal bit for bit; truncated and corrupt
//! files are errors, never panics.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use shapegrad::typenum::{U0, U2, U3};
use shapegrad::{
    Const, Dim, Dyn, MatRef, Matrix, SafetensorsError, Scalar, Tensors, TensorsWriter, dim,
};

dim!(In = 4, Out = 3, Batch = 2);

const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/torch_small.safetensors"
);
const GOLDEN_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/torch_small.json");

fn golden() -> Tensors {
    Tensors::read(GOLDEN).unwrap()
}

fn golden_bytes() -> Vec<u8> {
    std::fs::read(GOLDEN).unwrap()
}

fn golden_json() -> Value {
    serde_json::from_str(&std::fs::read_to_string(GOLDEN_JSON).unwrap()).unwrap()
}

/// An element of a JSON array of unsigned integers.
fn u64s(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// The bit patterns of a matrix's elements, row-major, as `u64`s.
fn bits<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Vec<u64> {
    m.as_slice()
        .iter()
        .map(|x| {
            let x: &dyn std::any::Any = x;
            match (x.downcast_ref::<f32>(), x.downcast_ref::<f64>()) {
                (Some(x), _) => u64::from(x.to_bits()),
                (_, Some(x)) => x.to_bits(),
                _ => unreachable!(),
            }
        })
        .collect()
}

/// `bits(m) == expected`, except that any NaN matches any NaN (a conversion need not keep the
/// payload).
#[track_caller]
fn assert_bits_up_to_nan<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>, expected: &[u64]) {
    assert_eq!(m.as_slice().len(), expected.len());
    for (k, (&x, &e)) in m.as_slice().iter().zip(expected).enumerate() {
        let e = if size_of::<T>() == 4 {
            f64::from(f32::from_bits(e as u32))
        } else {
            f64::from_bits(e)
        };
        if x.to_f64().is_nan() {
            assert!(e.is_nan(), "element {k}: NaN, expected {e}");
        } else {
            assert_eq!(bits(m)[k], expected[k], "element {k}: {x:?}, expected {e}");
        }
    }
}

/// A path in the target directory's scratch space, unique to `name`.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop_safetensors");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

// ---- The file PyTorch wrote ----

#[test]
fn the_golden_file_lists_what_pytorch_saved() {
    let file = golden();
    let json = golden_json();
    let tensors = json["tensors"].as_object().unwrap();
    let names: Vec<&str> = tensors.keys().map(String::as_str).collect();
    assert_eq!(file.names(), names);
    assert_eq!(
        file.metadata().into_iter().collect::<Vec<_>>(),
        [("format", "pt")]
    );
    for (name, e) in tensors {
        let shape: Vec<usize> = u64s(&e["shape"]).iter().map(|&d| d as usize).collect();
        assert_eq!(file.shape(name).unwrap(), shape, "{name}");
        assert_eq!(
            file.dtype(name).unwrap(),
            e["dtype"].as_str().unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        format!("{file:?}"),
        "{\"bfloat\": BF16 2×3, \"cube\": F32 2×1×2, \"double\": F64 2×5, \"fc.bias\": F32 [3], \
         \"fc.weight\": F32 3×4, \"half\": F16 2×3, \"ids\": I64 2×2, \"scalar\": F32 [], \
         \"special\": F32 1×6}"
    );
}

#[test]
fn a_pytorch_linear_layer_reads_into_typed_matrices_bit_for_bit() {
    let file = golden();
    let json = golden_json();
    let e = &json["tensors"];

    // nn.Linear(4, 3) keeps its weight out×in.
    let w: Matrix<Out, In> = file.matrix("fc.weight").unwrap();
    assert_eq!(bits(&w), u64s(&e["fc.weight"]["bits"]));
    let values: Vec<f64> = w.as_slice().iter().map(|&x| f64::from(x)).collect();
    assert_eq!(Value::from(values), e["fc.weight"]["values"]);

    // Its 1-D bias reads as a row, a column, or Dyn × Dyn (a row).
    let expected = u64s(&e["fc.bias"]["bits"]);
    let row: Matrix<Const<1>, Out> = file.matrix("fc.bias").unwrap();
    assert_eq!(bits(&row), expected);
    let col: Matrix<Out, Const<1>> = file.matrix("fc.bias").unwrap();
    assert_eq!(bits(&col), expected);
    let any: Matrix<Dyn, Dyn> = file.matrix("fc.bias").unwrap();
    assert_eq!((any.rows(), any.cols()), (1, 3));
    let rows_dyn: Matrix<Dyn, Const<1>> = file.matrix("fc.bias").unwrap();
    assert_eq!((rows_dyn.rows(), rows_dyn.cols()), (3, 1));
    assert_eq!(bits(&rows_dyn), expected);

    // The layer computed again: y = x·Wᵀ + b, against PyTorch's own output.
    let f = &json["forward"];
    let x_bits: Vec<f32> = u64s(&f["x_bits"])
        .iter()
        .map(|&b| f32::from_bits(b as u32))
        .collect();
    let x = Matrix::<Batch, In>::try_from_vec(x_bits).unwrap();
    let mut y = x.matmul(w.t());
    y.add_row_to_each(&row);
    let torch_y: Vec<f32> = u64s(&f["y_bits"])
        .iter()
        .map(|&b| f32::from_bits(b as u32))
        .collect();
    for i in 0..2 {
        for j in 0..3 {
            // Both against an f64 reference, to the tolerance of a 5-term sum (4 products + bias).
            let terms: Vec<f64> = (0..4)
                .map(|k| f64::from(x[(i, k)]) * f64::from(w[(j, k)]))
                .chain([f64::from(row[(0, j)])])
                .collect();
            let exact: f64 = terms.iter().sum();
            let abs_sum: f64 = terms.iter().map(|t| t.abs()).sum();
            let tol = common::dot_tolerance(5, f64::from(f32::EPSILON), abs_sum);
            assert!(
                (f64::from(y[(i, j)]) - exact).abs() <= tol,
                "shapegrad y[{i},{j}]"
            );
            assert!(
                (f64::from(torch_y[i * 3 + j]) - exact).abs() <= tol,
                "torch y[{i},{j}]"
            );
        }
    }
}

#[test]
fn f64_special_values_and_scalars_read_bit_for_bit() {
    let file = golden();
    let e = &golden_json()["tensors"];
    let d: Matrix<Const<2>, Const<5>, f64> = file.matrix("double").unwrap();
    assert_eq!(bits(&d), u64s(&e["double"]["bits"]));
    let d_values: Vec<f64> = d.as_slice().to_vec();
    assert_eq!(Value::from(d_values), e["double"]["values"]);

    // -0.0, ±inf, NaN, the smallest subnormal and f32::MAX, bit for bit.
    let s: Matrix<Const<1>, Const<6>> = file.matrix("special").unwrap();
    assert_eq!(bits(&s), u64s(&e["special"]["bits"]));
    assert!(s[(0, 0)] == 0.0 && s[(0, 0)].is_sign_negative());
    assert!(s[(0, 3)].is_nan());

    // A 0-D tensor reads as 1×1.
    let one: Matrix<Const<1>, Const<1>> = file.matrix("scalar").unwrap();
    assert_eq!(one.as_slice(), &[2.5]);
    let one: Matrix<Dyn, Dyn> = file.matrix("scalar").unwrap();
    assert_eq!((one.rows(), one.cols()), (1, 1));
}

#[test]
fn conversions_match_pytorchs_to_float32_and_float64() {
    let file = golden();
    let e = &golden_json()["tensors"];
    for name in [
        "fc.weight",
        "fc.bias",
        "double",
        "special",
        "scalar",
        "half",
        "bfloat",
    ] {
        let m32: Matrix<Dyn, Dyn> = file.matrix_converted(name).unwrap();
        assert_bits_up_to_nan(&m32, &u64s(&e[name]["f32_bits"]));
        let m64: Matrix<Dyn, Dyn, f64> = file.matrix_converted(name).unwrap();
        assert_bits_up_to_nan(&m64, &u64s(&e[name]["f64_bits"]));
    }
    // Where the dtype is already the matrix's, nothing is converted: NaN keeps its bits.
    let s: Matrix<Dyn, Dyn> = file.matrix_converted("special").unwrap();
    assert_eq!(bits(&s), u64s(&e["special"]["bits"]));
    // Half precision, with its shape checked like any other read.
    let h: Matrix<Const<2>, Const<3>, f64> = file.matrix_converted("half").unwrap();
    assert_eq!(h.rows(), 2);
    assert!(
        file.matrix_converted::<Const<3>, Const<2>, f32>("half")
            .is_err()
    );
}

// ---- Errors reading ----

/// The message of reading tensor `name` of the golden file as `Matrix<R, C, T>`.
fn read_error<R: Dim, C: Dim, T: Scalar>(name: &str) -> String {
    golden()
        .matrix::<R, C, T>(name)
        .expect_err(name)
        .to_string()
}

#[test]
fn a_shape_the_type_does_not_declare_names_the_tensor_and_both_shapes() {
    // The nn.Linear weight read as in×out: the transpose fits, and the message says so.
    assert_eq!(
        read_error::<In, Out, f32>("fc.weight"),
        "tensor `fc.weight` is stored as 3×4, but `Matrix<In, Out>` declares 4×3; its transpose \
         fits: swap the type's dimensions and use `.t()` (PyTorch stores an `nn.Linear` weight as \
         out×in)"
    );
    assert_eq!(
        read_error::<Const<3>, Const<5>, f32>("fc.weight"),
        "tensor `fc.weight` is stored as 3×4, but `Matrix<Const<3>, Const<5>>` declares 3×5"
    );
    assert_eq!(
        read_error::<U2, U3, f64>("double"),
        "tensor `double` is stored as 2×5, but `Matrix<U2, U3, f64>` declares 2×3"
    );
    assert_eq!(
        read_error::<Dyn, Const<3>, f64>("double"),
        "tensor `double` is stored as 2×5, but `Matrix<Dyn, Const<3>, f64>` declares 3 columns"
    );
    assert_eq!(
        read_error::<Const<5>, Dyn, f64>("double"),
        "tensor `double` is stored as 2×5, but `Matrix<Const<5>, Dyn, f64>` declares 5 rows; its \
         transpose fits: swap the type's dimensions and use `.t()` (PyTorch stores an \
         `nn.Linear` weight as out×in)"
    );
    assert_eq!(
        read_error::<Const<1>, In, f32>("fc.bias"),
        "tensor `fc.bias` is stored as 1-D, 3 elements, but `Matrix<Const<1>, In>` declares 1×4 \
         (a 1-D tensor reads as a row, or as a column when the type takes no such row)"
    );
    assert_eq!(
        read_error::<Const<2>, Const<2>, f32>("scalar"),
        "tensor `scalar` is stored as a 0-D scalar, but `Matrix<Const<2>, Const<2>>` declares 2×2 \
         (a 0-D tensor reads as 1×1)"
    );
    // The variant carries the same facts.
    let err = golden().matrix::<Out, Out, f32>("fc.weight").unwrap_err();
    let SafetensorsError::Shape {
        name,
        stored,
        declared,
        matrix,
    } = err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (name.as_str(), stored, declared, matrix.as_str()),
        (
            "fc.weight",
            vec![3, 4],
            (Some(3), Some(3)),
            "Matrix<Out, Out>"
        )
    );
}

#[test]
fn matrix_with_checks_dyn_sizes_too() {
    let file = golden();
    let w: Matrix<Dyn, Dyn> = file.matrix_with("fc.weight", Dyn(3), Dyn(4)).unwrap();
    assert_eq!(
        w.as_slice(),
        file.matrix::<Out, In, f32>("fc.weight").unwrap().as_slice()
    );
    assert_eq!(
        file.matrix_with::<_, _, f32>("fc.weight", Dyn(4), Dyn(3))
            .unwrap_err()
            .to_string(),
        "tensor `fc.weight` is stored as 3×4, but `Matrix<Dyn, Dyn>` declares 4×3; its transpose \
         fits: swap the type's dimensions and use `.t()` (PyTorch stores an `nn.Linear` weight as \
         out×in)"
    );
    let b: Matrix<Dyn, Const<1>> = file.matrix_with("fc.bias", Dyn(3), Const).unwrap();
    assert_eq!(b.rows(), 3);
}

#[test]
fn more_than_two_dimensions_is_a_rank_error() {
    assert_eq!(
        read_error::<Dyn, Dyn, f32>("cube"),
        "tensor `cube` has 3 dimensions, 2×1×2, but `Matrix<Dyn, Dyn>` reads only 2-D tensors (and \
         1-D ones as a row or a column, 0-D ones as 1×1): reshape it to 2-D before saving"
    );
    assert!(matches!(
        golden().matrix_converted::<Dyn, Dyn, f64>("cube"),
        Err(SafetensorsError::Rank { .. })
    ));
}

#[test]
fn another_dtype_is_an_error_never_a_silent_conversion() {
    assert_eq!(
        read_error::<Const<2>, Const<5>, f32>("double"),
        "tensor `double` is stored as F64, but `Matrix<Const<2>, Const<5>>` holds f32: read it \
         into an f64 matrix, or convert it with `Tensors::matrix_converted`"
    );
    assert_eq!(
        read_error::<Out, In, f64>("fc.weight"),
        "tensor `fc.weight` is stored as F32, but `Matrix<Out, In, f64>` holds f64: read it into \
         an f32 matrix, or convert it with `Tensors::matrix_converted`"
    );
    assert_eq!(
        read_error::<Dyn, Dyn, f32>("half"),
        "tensor `half` is stored as F16, but `Matrix<Dyn, Dyn>` holds f32: convert it with \
         `Tensors::matrix_converted`"
    );
    assert_eq!(
        read_error::<Dyn, Dyn, f64>("bfloat"),
        "tensor `bfloat` is stored as BF16, but `Matrix<Dyn, Dyn, f64>` holds f64: convert it \
         with `Tensors::matrix_converted`"
    );
    let ids = "tensor `ids` is stored as I64, which no matrix holds (`Matrix<Const<2>, Const<2>>` \
               was asked for): matrices read F32 and F64, and convert F16 and BF16 with \
               `Tensors::matrix_converted`";
    assert_eq!(read_error::<Const<2>, Const<2>, f32>("ids"), ids);
    let converted = golden().matrix_converted::<Const<2>, Const<2>, f32>("ids");
    assert_eq!(converted.unwrap_err().to_string(), ids);
}

#[test]
fn a_missing_tensor_names_the_ones_there_are() {
    let file = golden();
    assert_eq!(
        read_error::<Out, In, f32>("fc.weights"),
        "no tensor is named `fc.weights`; the file has 9: `bfloat`, `cube`, `double`, `fc.bias`, \
         `fc.weight`, `half`, `ids`, `scalar`, `special`"
    );
    assert!(matches!(
        file.shape("nope"),
        Err(SafetensorsError::Missing { name, available }) if name == "nope" && available.len() == 9
    ));
    assert!(file.dtype("nope").is_err());

    // Past ten names, the rest are counted.
    let m = Matrix::<Const<1>, Const<1>>::zeros();
    let names: Vec<String> = (0..13).map(|i| format!("layer{i:02}")).collect();
    let mut w = TensorsWriter::new();
    for name in &names {
        w = w.add(name.as_str(), &m);
    }
    let file = Tensors::from_bytes(w.to_bytes().unwrap()).unwrap();
    assert_eq!(
        file.matrix::<Dyn, Dyn, f32>("layer13")
            .unwrap_err()
            .to_string(),
        "no tensor is named `layer13`; the file has 13: `layer00`, `layer01`, `layer02`, \
         `layer03`, `layer04`, `layer05`, `layer06`, `layer07`, `layer08`, `layer09` and 3 more"
    );
    let empty = Tensors::from_bytes(TensorsWriter::new().to_bytes().unwrap()).unwrap();
    assert!(empty.names().is_empty());
    assert_eq!(
        empty.matrix::<Dyn, Dyn, f32>("w").unwrap_err().to_string(),
        "no tensor is named `w`; the file has none"
    );
}

#[test]
fn io_errors_name_the_path() {
    let missing = scratch("does-not-exist.safetensors");
    let _ = std::fs::remove_file(&missing);
    let err = Tensors::read(&missing).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("could not read `{}`: ", missing.display())),
        "{text}"
    );
    assert!(matches!(err, SafetensorsError::Io { op: "read", .. }));

    let m = Matrix::<Const<1>, Const<1>>::zeros();
    let nowhere = scratch("no-such-dir").join("w.safetensors");
    let err = TensorsWriter::new()
        .add("w", &m)
        .write(&nowhere)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("could not write `{}`: ", nowhere.display())),
        "{err}"
    );
}

// ---- Writing, and reading back ----

/// Writes the file to bytes and parses them back.
fn written(w: &TensorsWriter<'_>) -> Tensors {
    Tensors::from_bytes(w.to_bytes().unwrap()).unwrap()
}

/// A matrix with distinct, non-integer elements.
fn sample<R: Dim, C: Dim, T: Scalar>(r: R, c: C) -> Matrix<R, C, T> {
    Matrix::from_fn_with(r, c, |i, j| T::from_f64((i * 10 + j) as f64 + 0.25))
}

#[test]
fn f32_and_f64_static_and_dyn_matrices_round_trip() {
    let a: Matrix<Out, In> = sample(Out, In);
    let b: Matrix<Const<2>, Const<5>, f64> = sample(Const, Const);
    let c: Matrix<U2, U3> = sample(U2::default(), U3::default());
    let d: Matrix<Dyn, Dyn, f64> = sample(Dyn(7), Dyn(3));
    let e: Matrix<Dyn, Const<4>> = sample(Dyn(6), Const);
    let w = TensorsWriter::new()
        .add("a", &a)
        .add("b", &b)
        .add("c", &c)
        .add("d", &d)
        .add("e", e.view())
        .metadata("format", "pt")
        .metadata("note", "written by shapegrad");
    let file = written(&w);
    assert_eq!(file.names(), ["a", "b", "c", "d", "e"]);
    assert_eq!(file.dtype("a").unwrap(), "F32");
    assert_eq!(file.dtype("b").unwrap(), "F64");
    assert_eq!(file.shape("d").unwrap(), &[7, 3]);
    assert_eq!(
        file.metadata().into_iter().collect::<Vec<_>>(),
        [("format", "pt"), ("note", "written by shapegrad")]
    );
    assert_eq!(file.matrix::<Out, In, f32>("a").unwrap(), a);
    assert_eq!(file.matrix::<Const<2>, Const<5>, f64>("b").unwrap(), b);
    assert_eq!(file.matrix::<U2, U3, f32>("c").unwrap(), c);
    assert_eq!(file.matrix::<Dyn, Dyn, f64>("d").unwrap(), d);
    assert_eq!(file.matrix::<Dyn, Const<4>, f32>("e").unwrap(), e);
    // The file does not know the dimension types: any spelling of the shape reads it.
    let c_named: Matrix<Batch, Out> = file.matrix("c").unwrap();
    assert_eq!(c_named.as_slice(), c.as_slice());
    let a_dyn: Matrix<Dyn, Dyn> = file.matrix("a").unwrap();
    assert_eq!(a_dyn, a.clone().into_dyn());
}

#[test]
fn every_bit_survives_a_round_trip() {
    let f32s = [
        -0.0f32,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::from_bits(0x7f80_0001), // signalling NaN
        f32::from_bits(0xffc0_1234), // negative NaN with a payload
        f32::from_bits(1),
        f32::MAX,
    ];
    let f64s = [
        -0.0f64,
        f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::from_bits(0xfff8_dead_beef_0000),
        f64::from_bits(1),
        f64::MIN,
        0.1,
        1.0 / 3.0,
    ];
    let a = Matrix::<Const<2>, Const<4>>::try_from_vec(f32s.to_vec()).unwrap();
    let b = Matrix::<Const<4>, Const<2>, f64>::try_from_vec(f64s.to_vec()).unwrap();
    let file = written(&TensorsWriter::new().add("a", &a).add("b", &b));
    let a2: Matrix<Const<2>, Const<4>> = file.matrix("a").unwrap();
    let b2: Matrix<Const<4>, Const<2>, f64> = file.matrix("b").unwrap();
    assert_eq!(bits(&a2), bits(&a));
    assert_eq!(bits(&b2), bits(&b));
}

#[test]
fn empty_matrices_round_trip() {
    let a = Matrix::<Const<0>, Const<3>>::zeros();
    let b = Matrix::<Const<4>, U0, f64>::zeros();
    let c = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(0));
    let file = written(
        &TensorsWriter::new()
            .add("a", &a)
            .add("b", &b)
            .add("c", &c)
            .add_1d("d", &a),
    );
    assert_eq!(file.shape("a").unwrap(), &[0, 3]);
    assert_eq!(file.shape("d").unwrap(), &[0]);
    assert_eq!(file.matrix::<Const<0>, Const<3>, f32>("a").unwrap(), a);
    assert_eq!(file.matrix::<Const<4>, U0, f64>("b").unwrap(), b);
    assert_eq!(file.matrix::<Dyn, Dyn, f32>("c").unwrap(), c);
    // 0×3 is not 3×0.
    assert_eq!(
        file.matrix::<Const<3>, Const<0>, f32>("a")
            .unwrap_err()
            .to_string(),
        "tensor `a` is stored as 0×3, but `Matrix<Const<3>, Const<0>>` declares 3×0; its \
         transpose fits: swap the type's dimensions and use `.t()` (PyTorch stores an \
         `nn.Linear` weight as out×in)"
    );
    // An empty 1-D tensor reads as a 1×0 row.
    let d: Matrix<Dyn, Dyn> = file.matrix("d").unwrap();
    assert_eq!((d.rows(), d.cols()), (1, 0));
}

#[test]
fn views_are_written_row_major_like_the_matrix_they_show() {
    let m: Matrix<Const<2>, Const<3>> = sample(Const, Const);
    let col_major = [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0];
    let cm = MatRef::try_from_strided(Const::<2>, Const::<3>, 1, 2, &col_major).unwrap();
    let buf: Vec<f32> = (0..12).map(|x| x as f32).collect();
    let every_other = MatRef::try_from_strided(Dyn(2), Dyn(3), 6, 1, &buf).unwrap();
    let repeated = MatRef::try_from_strided(Dyn(3), Dyn(2), 0, 0, &buf[5..6]).unwrap();
    let file = written(
        &TensorsWriter::new()
            .add("t", m.t())
            .add("cm", cm)
            .add("every_other", every_other)
            .add("repeated", repeated),
    );
    assert_eq!(
        file.matrix::<Const<3>, Const<2>, f32>("t").unwrap(),
        m.transpose()
    );
    assert_eq!(
        file.matrix::<Const<2>, Const<3>, f64>("cm")
            .unwrap()
            .as_slice(),
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    );
    assert_eq!(
        file.matrix::<Dyn, Dyn, f32>("every_other")
            .unwrap()
            .as_slice(),
        &[0.0, 1.0, 2.0, 6.0, 7.0, 8.0]
    );
    assert_eq!(
        file.matrix::<Dyn, Dyn, f32>("repeated").unwrap().as_slice(),
        &[5.0; 6]
    );
}

#[test]
fn one_d_tensors_are_written_for_rows_and_columns_and_read_back_as_either() {
    let row = Matrix::<Const<1>, Out>::from_rows([[0.5, -0.5, 0.25]]);
    let col = row.transpose();
    let file = written(&TensorsWriter::new().add_1d("row", &row).add_1d("col", &col));
    assert_eq!(file.shape("row").unwrap(), &[3]);
    assert_eq!(file.shape("col").unwrap(), &[3]);
    assert_eq!(file.matrix::<Const<1>, Out, f32>("col").unwrap(), row);
    assert_eq!(file.matrix::<Out, Const<1>, f32>("row").unwrap(), col);

    let square = Matrix::<Const<2>, Const<2>>::zeros();
    let err = TensorsWriter::new()
        .add_1d("w", &square)
        .to_bytes()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `w` is 2×2, so it cannot be stored 1-D: only a single row or column can (store it \
         2-D with `add`)"
    );
}

#[test]
fn a_file_written_to_disk_reads_back_and_replaces_the_old_one() {
    let path = scratch("round_trip.safetensors");
    let a: Matrix<Out, In> = sample(Out, In);
    let b: Matrix<Dyn, Dyn, f64> = sample(Dyn(2), Dyn(2));
    TensorsWriter::new().add("a", &a).write(&path).unwrap();
    TensorsWriter::new().add("b", &b).write(&path).unwrap();
    let file = Tensors::read(&path).unwrap();
    assert_eq!(file.names(), ["b"]);
    assert_eq!(file.matrix::<Dyn, Dyn, f64>("b").unwrap(), b);
    // No temporary file is left beside it.
    let dir = path.parent().unwrap();
    let strays: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
    // The bytes on disk are the bytes `to_bytes` gives, and a borrowed slice parses too.
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes, TensorsWriter::new().add("b", &b).to_bytes().unwrap());
    let borrowed = Tensors::from_bytes(&bytes[..]).unwrap();
    assert_eq!(borrowed.matrix::<Dyn, Dyn, f64>("b").unwrap(), b);
    assert_eq!(borrowed.into_bytes(), &bytes[..]);
}

#[test]
fn names_must_be_distinct_and_not_reserved() {
    let m = Matrix::<Const<1>, Const<2>>::zeros();
    let m64 = Matrix::<Const<1>, Const<2>, f64>::zeros();
    let err = TensorsWriter::new()
        .add("w", &m)
        .add("w", &m64)
        .to_bytes()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "two tensors are named `w`; names in a file are distinct"
    );
    let err = TensorsWriter::new()
        .add("__metadata__", &m)
        .to_bytes()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a tensor cannot be named `__metadata__`: the header keeps the file's metadata under that \
         key"
    );
    // Names are any strings otherwise.
    let odd = "名前 with \"quotes\" and\nnewlines";
    let file = written(&TensorsWriter::new().add(odd, &m).add("", &m64));
    assert_eq!(file.names(), ["", odd]);
    assert_eq!(file.matrix::<Const<1>, Const<2>, f32>(odd).unwrap(), m);
}

#[test]
fn a_view_too_large_to_write_is_an_error() {
    let one = [1.0f32];
    let huge = MatRef::try_from_strided(Dyn(usize::MAX), Dyn(2), 0, 0, &one).unwrap();
    let err = TensorsWriter::new().add("w", huge).to_bytes().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "tensor `w`, {}×2, has more bytes than one allocation can hold",
            usize::MAX
        )
    );
}

// ---- Truncated and corrupt files ----

/// Parses `bytes` and, if that succeeds, reads every tensor every way; the point is that nothing
/// panics. Returns whether the bytes parsed.
fn exercise(bytes: &[u8]) -> bool {
    let Ok(file) = Tensors::from_bytes(bytes) else {
        return false;
    };
    let _ = format!("{file:?}");
    let _ = file.metadata();
    for name in file.names() {
        let _ = (file.shape(name), file.dtype(name));
        let _ = file
            .matrix::<Dyn, Dyn, f32>(name)
            .map_err(|e| e.to_string());
        let _ = file
            .matrix::<Dyn, Dyn, f64>(name)
            .map_err(|e| e.to_string());
        let _ = file.matrix_converted::<Dyn, Dyn, f32>(name);
        let _ = file.matrix_converted::<Dyn, Dyn, f64>(name);
        let _ = file
            .matrix::<Const<1>, Dyn, f32>(name)
            .map_err(|e| e.to_string());
        let _ = file.matrix::<Out, In, f32>(name).map_err(|e| e.to_string());
    }
    true
}

#[test]
fn every_truncation_of_the_golden_file_is_an_error() {
    let bytes = golden_bytes();
    for len in 0..bytes.len() {
        match Tensors::from_bytes(&bytes[..len]) {
            Err(SafetensorsError::Corrupt { path: None, reason }) => {
                assert!(!reason.is_empty());
            }
            other => panic!("{len} bytes: {other:?}"),
        }
    }
    assert!(exercise(&bytes));
}

#[test]
fn truncation_errors_say_what_is_missing() {
    let bytes = golden_bytes();
    let header = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let message = |len: usize| Tensors::from_bytes(&bytes[..len]).unwrap_err().to_string();
    assert_eq!(
        message(7),
        "the bytes are not a valid safetensors file: it is 7 bytes long, too short for the 8-byte \
         header length every safetensors file starts with"
    );
    assert_eq!(
        message(100),
        format!(
            "the bytes are not a valid safetensors file: its header is {header} bytes long, but \
             only 92 bytes follow the header length: it is truncated"
        )
    );
    let data = bytes.len() - 8 - header;
    assert_eq!(
        message(bytes.len() - 1),
        format!(
            "the bytes are not a valid safetensors file: its header describes {data} bytes of \
             tensor data, but {} follow the header: it is truncated",
            data - 1
        )
    );
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        Tensors::from_bytes(longer).unwrap_err().to_string(),
        format!(
            "the bytes are not a valid safetensors file: its header describes {data} bytes of \
             tensor data, but {} follow the header: there are bytes after the last tensor",
            data + 1
        )
    );
    // Read from a file, the error names it.
    let path = scratch("truncated.safetensors");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let text = Tensors::read(&path).unwrap_err().to_string();
    assert!(
        text.starts_with(&format!(
            "`{}` is not a valid safetensors file: its header",
            path.display()
        )),
        "{text}"
    );
}

/// A file with `header` as its JSON header and `data` after it.
fn file_with(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn corrupt_headers_are_errors() {
    let cases: &[(&str, &[u8])] = &[
        ("", b""),
        ("{", b""),
        ("[]", b""),
        ("null", b""),
        ("{\"a\": 1}", b""),
        (
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            &[0; 4],
        ),
        (
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            &[0; 8],
        ),
        (
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}",
            &[0; 4],
        ),
        (
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
            &[0; 4],
        ),
        (
            "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            &[0; 4],
        ),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", &[0; 4]),
        (
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}",
            &[0; 4],
        ),
        (
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\
              \"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            &[0; 4],
        ),
        ("{\"__metadata__\":{\"k\":1}}", b""),
        ("\u{0}", b""),
    ];
    for &(header, data) in cases {
        let bytes = file_with(header, data);
        assert!(
            matches!(
                Tensors::from_bytes(&bytes[..]),
                Err(SafetensorsError::Corrupt { .. })
            ),
            "{header}"
        );
    }
    // Invalid UTF-8 in the header.
    let mut bytes = file_with("{\"\u{e9}\":1}", b"");
    bytes[10] = 0xff;
    assert!(Tensors::from_bytes(bytes).is_err());
    // A header length past the limit, and one past the end of the file.
    let mut huge = u64::MAX.to_le_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    assert_eq!(
        Tensors::from_bytes(huge).unwrap_err().to_string(),
        "the bytes are not a valid safetensors file: its header length, 18446744073709551615 \
         bytes, is over the limit of 100000000: it is corrupt, or not a safetensors file"
    );
    // A valid file: an empty header, no tensors.
    assert!(
        Tensors::from_bytes(file_with("{}", b""))
            .unwrap()
            .names()
            .is_empty()
    );
}

#[test]
fn offsets_summing_past_usize_max_are_an_error_not_an_overflow() {
    // Eight U8 tensors of 2^61 - 1 bytes, laid end to end: the data would end at 2^64 - 8, and
    // adding the header's length overflows (a panic inside the safetensors crate's own
    // `read_metadata`, which this feature does not call).
    let size: u64 = (1 << 61) - 1;
    let entries: Vec<String> = (0..8u64)
        .map(|i| {
            format!(
                "\"t{i}\":{{\"dtype\":\"U8\",\"shape\":[{size}],\"data_offsets\":[{},{}]}}",
                i * size,
                (i + 1) * size
            )
        })
        .collect();
    let bytes = file_with(&format!("{{{}}}", entries.join(",")), b"");
    assert_eq!(
        Tensors::from_bytes(bytes).unwrap_err().to_string(),
        "the bytes are not a valid safetensors file: its header describes 18446744073709551608 \
         bytes of tensor data, but 0 follow the header: it is truncated"
    );
}

#[test]
fn huge_empty_shapes_read_without_allocating() {
    let header =
        "{\"e\":{\"dtype\":\"F64\",\"shape\":[0,4611686018427387904],\"data_offsets\":[0,0]}}";
    let file = Tensors::from_bytes(file_with(header, b"")).unwrap();
    let m: Matrix<Dyn, Dyn, f64> = file.matrix("e").unwrap();
    assert_eq!((m.rows(), m.cols()), (0, 1 << 62));
    assert!(file.matrix::<Const<0>, Const<4>, f64>("e").is_err());
}

#[test]
fn unaligned_data_reads_correctly() {
    // A header of 9 bytes puts the data at offset 17, which no f32 or f64 is aligned to; and the
    // parsed buffer itself starts one byte into an allocation.
    let x = 1.5f64;
    let header = "{\"x\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}}";
    let mut padded = vec![0u8];
    padded.extend_from_slice(&file_with(header, &x.to_le_bytes()));
    let file = Tensors::from_bytes(&padded[1..]).unwrap();
    assert_eq!(
        file.matrix::<Dyn, Dyn, f64>("x").unwrap().as_slice(),
        &[1.5]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random bytes overwritten anywhere in the golden file: an error or a file that reads,
    /// never a panic.
    #[test]
    fn corrupted_bytes_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = golden_bytes();
        let len = bytes.len();
        for (at, value) in flips {
            bytes[at.index(len)] = value;
        }
        exercise(&bytes);
    }

    /// Bytes flipped in the header only, where most of the structure is.
    #[test]
    fn corrupted_headers_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
    ) {
        let mut bytes = golden_bytes();
        let header = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        for (at, value) in flips {
            bytes[8 + at.index(header)] = value;
        }
        exercise(&bytes);
    }

    /// Any prefix of the golden file, with any suffix of random bytes.
    #[test]
    fn spliced_files_never_panic(cut in 0usize..900, tail in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = golden_bytes();
        bytes.truncate(cut);
        bytes.extend_from_slice(&tail);
        exercise(&bytes);
    }

    /// Any bit patterns, of any shape, f32 and f64 together, come back bit for bit.
    #[test]
    fn random_matrices_round_trip_bit_for_bit(
        r in 0usize..5,
        c in 0usize..5,
        seed32 in prop::collection::vec(any::<u32>(), 25),
        seed64 in prop::collection::vec(any::<u64>(), 25),
        transpose in any::<bool>(),
    ) {
        let a = Matrix::<Dyn, Dyn>::from_fn_with(Dyn(r), Dyn(c), |i, j| f32::from_bits(seed32[i * 5 + j]));
        let b = Matrix::<Dyn, Dyn, f64>::from_fn_with(Dyn(c), Dyn(r), |i, j| f64::from_bits(seed64[i * 5 + j]));
        let w = if transpose {
            TensorsWriter::new().add("a", a.t()).add("b", b.t())
        } else {
            TensorsWriter::new().add("a", &a).add("b", &b)
        };
        let file = written(&w);
        let a2: Matrix<Dyn, Dyn> = file.matrix("a").unwrap();
        let b2: Matrix<Dyn, Dyn, f64> = file.matrix("b").unwrap();
        if transpose {
            prop_assert_eq!(bits(&a2), bits(&a.transpose()));
            prop_assert_eq!(bits(&b2), bits(&b.transpose()));
        } else {
            prop_assert_eq!(bits(&a2), bits(&a));
            prop_assert_eq!(bits(&b2), bits(&b));
        }
    }
}
