//! The `serde` feature: a matrix serialises with its shape, `{ rows, cols, data }`, and reads back
//! exactly; data whose shape a static type does not allow, data of the wrong length and malformed
//! input are errors, never panics or truncations.
#![cfg(feature = "serde")]

use proptest::prelude::*;
use serde::Deserialize;
use serde::de::value::MapDeserializer;
use serde_json::{Value, json};
use shapegrad::typenum::{U0, U2, U3};
use shapegrad::{Const, Dim, Dyn, MatRef, Matrix, Scalar, dim};

dim!(Batch = 2, Features = 3);

/// Serialises to JSON and reads the result back as `M2`.
fn round_trip<M: serde::Serialize, M2: for<'de> Deserialize<'de>>(m: &M) -> M2 {
    let json = serde_json::to_string(m).unwrap();
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("reading back {json}: {e}"))
}

/// The error message of reading `json` as `M`, without serde_json's " at line … column …".
fn error<M: for<'de> Deserialize<'de> + core::fmt::Debug>(json: &str) -> String {
    let err = serde_json::from_str::<M>(json).expect_err(json).to_string();
    match err.rfind(" at line ") {
        Some(at) => err[..at].to_owned(),
        None => err,
    }
}

/// The same as `error`, from a `serde_json::Value`.
fn value_error<M: for<'de> Deserialize<'de> + core::fmt::Debug>(v: Value) -> String {
    serde_json::from_value::<M>(v).unwrap_err().to_string()
}

/// A 2×3 matrix with distinct, non-integer elements.
fn sample<R: Dim, C: Dim, T: Scalar>(r: R, c: C) -> Matrix<R, C, T> {
    Matrix::from_fn_with(r, c, |i, j| T::from_f64((i * 10 + j) as f64 + 0.25))
}

type S23 = Matrix<Const<2>, Const<3>>;

#[test]
fn a_matrix_is_written_with_its_shape_and_its_data_row_major() {
    let m = Matrix::from_array([[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.5]]);
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        json!({"rows": 2, "cols": 3, "data": [1.0, 2.0, 3.0, 4.0, 5.0, 6.5]})
    );
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"rows":2,"cols":3,"data":[1.0,2.0,3.0,4.0,5.0,6.5]}"#
    );
}

#[test]
fn static_dims_round_trip_f32_and_f64() {
    let a: S23 = sample(Const, Const);
    assert_eq!(round_trip::<_, S23>(&a), a);
    let b: Matrix<Const<2>, Const<3>, f64> = sample(Const, Const);
    assert_eq!(round_trip::<_, Matrix<Const<2>, Const<3>, f64>>(&b), b);
    // Values that need every digit.
    let c = Matrix::from_array([[0.1f32, 1.0 / 3.0, f32::MIN_POSITIVE, f32::MAX]]);
    assert_eq!(round_trip::<_, Matrix<Const<1>, Const<4>>>(&c), c);
    let d = Matrix::from_array([[0.1f64, 1.0 / 3.0, -f64::MIN_POSITIVE, f64::MAX, -0.0]]);
    let back: Matrix<Const<1>, Const<5>, f64> = round_trip(&d);
    assert_eq!(back, d);
    assert!(back.as_slice()[4].is_sign_negative());
}

#[test]
fn named_and_typenum_dims_round_trip() {
    let named: Matrix<Batch, Features> = sample(Batch, Features);
    assert_eq!(round_trip::<_, Matrix<Batch, Features>>(&named), named);
    let tn: Matrix<U2, U3, f64> = sample(U2::default(), U3::default());
    assert_eq!(round_trip::<_, Matrix<U2, U3, f64>>(&tn), tn);
    // The wire format has no dimension types: the same data reads into any spelling of 2×3.
    let as_const: Matrix<Const<2>, Const<3>, f64> = round_trip(&tn);
    assert_eq!(as_const.as_slice(), tn.as_slice());
    let as_named: Matrix<Batch, Features> = round_trip(&sample::<_, _, f32>(Const::<2>, Dyn(3)));
    assert_eq!(as_named, named);
}

#[test]
fn dyn_dims_round_trip_and_take_any_shape() {
    let d: Matrix<Dyn, Dyn> = sample(Dyn(4), Dyn(7));
    assert_eq!(round_trip::<_, Matrix<Dyn, Dyn>>(&d), d);
    let mixed: Matrix<Dyn, Const<3>, f64> = sample(Dyn(5), Const);
    assert_eq!(round_trip::<_, Matrix<Dyn, Const<3>, f64>>(&mixed), mixed);
    for (r, c) in [(0, 0), (1, 1), (3, 2), (2, 3), (1, 9), (9, 1)] {
        let json = json!({"rows": r, "cols": c, "data": vec![1.5; r * c]});
        let m: Matrix<Dyn, Dyn> = serde_json::from_value(json).unwrap();
        assert_eq!((m.rows(), m.cols()), (r, c));
        assert!(m.as_slice().iter().all(|&x| x == 1.5));
    }
    // A static matrix read as Dyn, and back.
    let s: S23 = sample(Const, Const);
    let d: Matrix<Dyn, Dyn> = round_trip(&s);
    assert_eq!(d, s.clone().into_dyn());
    assert_eq!(round_trip::<_, S23>(&d), s);
}

#[test]
fn empty_matrices_round_trip() {
    let a = Matrix::<Const<0>, Const<3>>::zeros();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        r#"{"rows":0,"cols":3,"data":[]}"#
    );
    assert_eq!(round_trip::<_, Matrix<Const<0>, Const<3>>>(&a), a);
    let b = Matrix::<Const<4>, U0, f64>::zeros();
    assert_eq!(round_trip::<_, Matrix<Const<4>, U0, f64>>(&b), b);
    let c = Matrix::<Dyn, Dyn>::zeros_with(Dyn(0), Dyn(0));
    assert_eq!(round_trip::<_, Matrix<Dyn, Dyn>>(&c), c);
    let d = Matrix::<Dyn, Const<5>>::zeros_with(Dyn(0), Const);
    assert_eq!(round_trip::<_, Matrix<Dyn, Const<5>>>(&d), d);
    // 0×3 is not 3×0, nor 0×0.
    assert_eq!(
        error::<Matrix<Const<3>, Const<0>>>(r#"{"rows":0,"cols":3,"data":[]}"#),
        "expected a 3×0 matrix (the type's shape), but the data is a 0×3 matrix"
    );
    assert_eq!(
        error::<Matrix<Const<0>, Const<3>>>(r#"{"rows":0,"cols":3,"data":[1.0]}"#),
        "a 0×3 matrix needs 0 elements, but 1 were given"
    );
}

#[test]
fn a_view_is_written_row_major_like_the_matrix_it_shows() {
    let m: S23 = sample(Const, Const);
    assert_eq!(
        serde_json::to_value(m.view()).unwrap(),
        serde_json::to_value(&m).unwrap()
    );
    // The transpose's strides are not row-major; its data is written row-major all the same.
    let t: Matrix<Const<3>, Const<2>> = round_trip(&m.t());
    assert_eq!(t, m.transpose());
    // A column-major buffer, and every other row of a larger one.
    let col_major = [1.0f64, 4.0, 2.0, 5.0, 3.0, 6.0];
    let v = MatRef::try_from_strided(Const::<2>, Const::<3>, 1, 2, &col_major).unwrap();
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"rows":2,"cols":3,"data":[1.0,2.0,3.0,4.0,5.0,6.0]}"#
    );
    let buf: Vec<f32> = (0..12).map(|x| x as f32).collect();
    let every_other = MatRef::try_from_strided(Dyn(2), Dyn(3), 6, 1, &buf).unwrap();
    let back: Matrix<Dyn, Dyn> = round_trip(&every_other);
    assert_eq!(back.as_slice(), &[0.0, 1.0, 2.0, 6.0, 7.0, 8.0]);
    // Empty views, and a view of one element repeated (zero strides).
    let empty = MatRef::try_from_strided(Dyn(0), Dyn(4), 9, 9, &buf[..0]).unwrap();
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"rows":0,"cols":4,"data":[]}"#
    );
    let repeated = MatRef::try_from_strided(Dyn(2), Dyn(2), 0, 0, &buf[5..6]).unwrap();
    assert_eq!(
        serde_json::to_string(&repeated).unwrap(),
        r#"{"rows":2,"cols":2,"data":[5.0,5.0,5.0,5.0]}"#
    );
}

#[test]
fn a_view_too_large_to_count_is_a_serialisation_error() {
    // Zero strides let a one-element buffer show usize::MAX × 2 elements, more than a
    // sequence length can say: an error, not a panic and not a wrong length.
    let one = [1.0f32];
    let v = MatRef::try_from_strided(Dyn(usize::MAX), Dyn(2), 0, 0, &one).unwrap();
    let err = serde_json::to_string(&v).unwrap_err().to_string();
    assert!(err.contains("is too large"), "{err}");
}

#[test]
fn a_static_type_of_another_shape_is_an_error_naming_both_shapes() {
    let json = r#"{"rows":3,"cols":2,"data":[1,2,3,4,5,6]}"#;
    assert_eq!(
        error::<S23>(json),
        "expected a 2×3 matrix (the type's shape), but the data is a 3×2 matrix"
    );
    assert_eq!(
        error::<Matrix<Batch, Features>>(json),
        "expected a 2×3 matrix (the type's shape), but the data is a 3×2 matrix"
    );
    assert_eq!(
        error::<Matrix<U2, U3, f64>>(json),
        "expected a 2×3 matrix (the type's shape), but the data is a 3×2 matrix"
    );
    // One axis wrong is enough.
    assert_eq!(
        error::<Matrix<Const<3>, Const<3>>>(json),
        "expected a 3×3 matrix (the type's shape), but the data is a 3×2 matrix"
    );
    // With one `Dyn` axis, the message says which axis the type fixes.
    assert_eq!(
        error::<Matrix<Dyn, Const<3>>>(json),
        "expected a 3×3 matrix (the type fixes 3 columns and takes any number of rows), \
         but the data is a 3×2 matrix"
    );
    assert_eq!(
        error::<Matrix<Const<1>, Dyn>>(json),
        "expected a 1×2 matrix (the type fixes 1 row and takes any number of columns), \
         but the data is a 3×2 matrix"
    );
    // The shape is checked before the data: a wrong shape with a wrong length names the shapes.
    assert_eq!(
        error::<S23>(r#"{"rows":3,"cols":3,"data":[]}"#),
        "expected a 2×3 matrix (the type's shape), but the data is a 3×3 matrix"
    );
}

#[test]
fn data_of_the_wrong_length_is_the_length_error() {
    assert_eq!(
        error::<S23>(r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6,7]}"#),
        "a 2×3 matrix needs 6 elements, but 7 were given"
    );
    assert_eq!(
        error::<S23>(r#"{"rows":2,"cols":3,"data":[1,2,3,4,5]}"#),
        "a 2×3 matrix needs 6 elements, but 5 were given"
    );
    assert_eq!(
        error::<Matrix<Dyn, Dyn, f64>>(r#"{"rows":4,"cols":1,"data":[]}"#),
        "a 4×1 matrix needs 4 elements, but 0 were given"
    );
    // The same message as building the matrix from a buffer.
    let direct = Matrix::<Dyn, Dyn>::try_from_vec_with(Dyn(2), Dyn(2), vec![0.0; 3]).unwrap_err();
    assert_eq!(
        error::<Matrix<Dyn, Dyn>>(r#"{"rows":2,"cols":2,"data":[0,0,0]}"#),
        direct.to_string()
    );
}

#[test]
fn a_shape_too_large_to_count_is_an_error() {
    let json = format!(r#"{{"rows":{},"cols":2,"data":[]}}"#, usize::MAX);
    let err = error::<Matrix<Dyn, Dyn>>(&json);
    assert!(err.contains("is too large"), "{err}");
}

#[test]
fn fields_in_any_order_and_the_sequence_form_are_read() {
    let m: S23 = sample(Const, Const);
    let reordered = json!({"data": m.as_slice(), "cols": 3, "rows": 2});
    assert_eq!(serde_json::from_value::<S23>(reordered).unwrap(), m);
    let seq = json!([2, 3, m.as_slice()]);
    assert_eq!(serde_json::from_value::<S23>(seq.clone()).unwrap(), m);
    assert_eq!(serde_json::from_str::<S23>(&seq.to_string()).unwrap(), m);
    // The sequence form is checked like the map form.
    assert_eq!(
        value_error::<Matrix<Const<3>, Const<2>>>(seq),
        "expected a 3×2 matrix (the type's shape), but the data is a 2×3 matrix"
    );
}

#[test]
fn missing_duplicate_and_unknown_fields_are_errors() {
    assert_eq!(
        error::<S23>(r#"{"cols":3,"data":[1,2,3,4,5,6]}"#),
        "missing field `rows`"
    );
    assert_eq!(
        error::<S23>(r#"{"rows":2,"data":[1,2,3,4,5,6]}"#),
        "missing field `cols`"
    );
    assert_eq!(
        error::<S23>(r#"{"rows":2,"cols":3}"#),
        "missing field `data`"
    );
    assert_eq!(error::<S23>("{}"), "missing field `rows`");
    assert_eq!(
        error::<S23>(r#"{"rows":2,"rows":2,"cols":3,"data":[1,2,3,4,5,6]}"#),
        "duplicate field `rows`"
    );
    assert_eq!(
        error::<S23>(r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6],"data":[1,2,3,4,5,6]}"#),
        "duplicate field `data`"
    );
    assert_eq!(
        error::<S23>(r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6],"layout":"col"}"#),
        "unknown field `layout`, expected one of `rows`, `cols`, `data`"
    );
}

#[test]
fn values_of_the_wrong_type_are_errors() {
    let cases = [
        r#"{"rows":"2","cols":3,"data":[1,2,3,4,5,6]}"#,
        r#"{"rows":-2,"cols":3,"data":[1,2,3,4,5,6]}"#,
        r#"{"rows":2.0,"cols":3,"data":[1,2,3,4,5,6]}"#,
        r#"{"rows":null,"cols":3,"data":[1,2,3,4,5,6]}"#,
        r#"{"rows":2,"cols":3,"data":"123456"}"#,
        r#"{"rows":2,"cols":3,"data":{"0":1}}"#,
        r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,"6"]}"#,
        r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,null]}"#,
        r#"{"rows":2,"cols":3,"data":[[1,2,3],[4,5,6]]}"#,
        r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6],"extra":1}"#,
        "2",
        "null",
        r#""matrix""#,
        "[2,3]",
        "[2]",
        "[]",
        "[2,3,[1,2,3,4,5,6],7]",
        "[2,3,[1,2,3,4,5,6],[]]",
        r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6]"#,
        r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,6]} x"#,
        "",
    ];
    for json in cases {
        assert!(serde_json::from_str::<S23>(json).is_err(), "{json}");
        assert!(
            serde_json::from_str::<Matrix<Dyn, Dyn, f64>>(json).is_err(),
            "{json}"
        );
    }
    assert_eq!(
        error::<S23>(r#"{"rows":-2,"cols":3,"data":[1,2,3,4,5,6]}"#),
        "invalid value: integer `-2`, expected usize"
    );
    assert_eq!(
        error::<S23>(r#"{"rows":2,"cols":3,"data":[1,2,3,4,5,"6"]}"#),
        r#"invalid type: string "6", expected f32"#
    );
    assert_eq!(
        error::<S23>("[2,3]"),
        "invalid length 2, expected a matrix: a struct with fields `rows`, `cols` and `data`"
    );
    assert_eq!(
        error::<S23>("[2,3,[1,2,3,4,5,6],7,8]"),
        "invalid length 5, expected a sequence of 3 elements: rows, cols and data"
    );
}

#[test]
fn nan_has_no_json_number_so_it_does_not_read_back() {
    // serde_json writes non-finite floats as `null`; reading them back is an error, not a panic
    // and not a silently different matrix.
    let m = Matrix::from_array([[1.0f32, f32::NAN], [f32::INFINITY, 0.0]]);
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, r#"{"rows":2,"cols":2,"data":[1.0,null,null,0.0]}"#);
    assert!(serde_json::from_str::<Matrix<Const<2>, Const<2>>>(&json).is_err());
}

#[test]
fn fields_named_by_index_are_read_too() {
    // Formats that number a struct's fields hand the visitor 0, 1, 2 for rows, cols, data.
    let fields = vec![
        (2u64, json!([1, 2, 3, 4, 5, 6])),
        (0, json!(2)),
        (1, json!(3)),
    ];
    let de = MapDeserializer::<_, serde_json::Error>::new(fields.into_iter());
    let m = S23::deserialize(de).unwrap();
    assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);

    let fields = vec![(0u64, json!(2)), (1, json!(3)), (3, json!(0))];
    let de = MapDeserializer::<_, serde_json::Error>::new(fields.into_iter());
    let err = S23::deserialize(de).unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid value: integer `3`, expected a field index 0, 1 or 2"
    );
}

/// The JSON of a matrix with the given fields.
fn json_of(rows: usize, cols: usize, data: &[f64]) -> String {
    serde_json::to_string(&json!({"rows": rows, "cols": cols, "data": data})).unwrap()
}

/// Whether serde_json reads every f64 it writes back exactly. Its default parser is
/// best-effort (serde-rs/json#536): of 20 million random finite f64, 29% came back 1 ULP off and
/// 0.2% 2 ULPs off, none further; this value is one it misses. Its `float_roundtrip` feature
/// makes it exact. f32 is exact either way, and so is shapegrad's part: the `serde_json::Value`
/// round trips below, which parse no text, are checked bit for bit.
fn json_text_reads_f64_exactly() -> bool {
    let hard = f64::from_bits(17_206_188_762_041_554_309);
    serde_json::from_str::<f64>(&serde_json::to_string(&hard).unwrap()).unwrap() == hard
}

/// A finite float from any bits: a non-finite pattern keeps its sign and mantissa with a zero
/// exponent.
fn finite32(bits: u32) -> f32 {
    let x = f32::from_bits(bits);
    if x.is_finite() {
        x
    } else {
        f32::from_bits(bits & 0x807F_FFFF)
    }
}

fn finite64(bits: u64) -> f64 {
    let x = f64::from_bits(bits);
    if x.is_finite() {
        x
    } else {
        f64::from_bits(bits & 0x800F_FFFF_FFFF_FFFF)
    }
}

proptest! {
    /// Any shape and length fed to a static 2×3 type, a half-static and a `Dyn` type: it reads
    /// back exactly when the shape fits the type and the length is rows × cols; otherwise it is
    /// the shape error or, when only the length is wrong, the length error.
    #[test]
    fn every_shape_and_length_is_checked(
        rows in 0usize..6,
        cols in 0usize..6,
        extra in -3isize..=3,
    ) {
        let len = (rows * cols).saturating_add_signed(extra);
        let data: Vec<f64> = (0..len).map(|k| k as f64 + 0.25).collect();
        let json = json_of(rows, cols, &data);
        let length_ok = len == rows * cols;
        let length_msg = format!(
            "a {rows}×{cols} matrix needs {} elements, but {len} were given",
            rows * cols
        );

        // Static 2×3.
        match serde_json::from_str::<Matrix<Const<2>, Const<3>, f64>>(&json) {
            Ok(m) => {
                prop_assert!((rows, cols) == (2, 3) && length_ok);
                prop_assert_eq!(m.as_slice(), &data[..]);
            }
            Err(e) if (rows, cols) != (2, 3) => prop_assert!(e.to_string().starts_with(&format!(
                "expected a 2×3 matrix (the type's shape), but the data is a {rows}×{cols} matrix"
            )), "{}", e),
            Err(e) => prop_assert!(!length_ok && e.to_string().starts_with(&length_msg), "{}", e),
        }

        // Dyn rows, 3 columns.
        match serde_json::from_str::<Matrix<Dyn, Const<3>, f64>>(&json) {
            Ok(m) => {
                prop_assert!(cols == 3 && length_ok);
                prop_assert_eq!(m.rows(), rows);
                prop_assert_eq!(m.as_slice(), &data[..]);
            }
            Err(e) if cols != 3 => prop_assert!(e.to_string().starts_with(&format!(
                "expected a {rows}×3 matrix (the type fixes 3 columns and takes any number of \
                 rows), but the data is a {rows}×{cols} matrix"
            )), "{}", e),
            Err(e) => prop_assert!(!length_ok && e.to_string().starts_with(&length_msg), "{}", e),
        }

        // Dyn × Dyn: only the length can be wrong.
        match serde_json::from_str::<Matrix<Dyn, Dyn, f64>>(&json) {
            Ok(m) => {
                prop_assert!(length_ok);
                prop_assert_eq!((m.rows(), m.cols()), (rows, cols));
                prop_assert_eq!(m.as_slice(), &data[..]);
            }
            Err(e) => prop_assert!(!length_ok && e.to_string().starts_with(&length_msg), "{}", e),
        }
    }

    /// Finite values of every magnitude and sign round-trip bit for bit, f32 and f64, static
    /// and `Dyn`.
    #[test]
    fn finite_values_round_trip_exactly(
        rows in 0usize..5,
        cols in 0usize..5,
        bits32 in prop::collection::vec(any::<u32>(), 25),
        bits64 in prop::collection::vec(any::<u64>(), 25),
    ) {
        let exact64 = json_text_reads_f64_exactly();

        let a = Matrix::<Dyn, Dyn>::from_fn_with(Dyn(rows), Dyn(cols), |i, j| {
            finite32(bits32[i * 5 + j])
        });
        let through_text: Matrix<Dyn, Dyn> = round_trip(&a);
        let through_value: Matrix<Dyn, Dyn> =
            serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
        for b in [&through_text, &through_value] {
            prop_assert_eq!((b.rows(), b.cols()), (rows, cols));
            for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
                prop_assert_eq!(x.to_bits(), y.to_bits(), "{:e} read back as {:e}", x, y);
            }
        }

        let c = Matrix::<Dyn, Dyn, f64>::from_fn_with(Dyn(rows), Dyn(cols), |i, j| {
            finite64(bits64[i * 5 + j])
        });
        let through_value: Matrix<Dyn, Dyn, f64> =
            serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        prop_assert_eq!((through_value.rows(), through_value.cols()), (rows, cols));
        for (x, y) in c.as_slice().iter().zip(through_value.as_slice()) {
            prop_assert_eq!(x.to_bits(), y.to_bits(), "{:e} read back as {:e}", x, y);
        }
        let through_text: Matrix<Dyn, Dyn, f64> = round_trip(&c);
        prop_assert_eq!((through_text.rows(), through_text.cols()), (rows, cols));
        for (x, y) in c.as_slice().iter().zip(through_text.as_slice()) {
            let ulps = x.to_bits().abs_diff(y.to_bits());
            prop_assert!(ulps == 0 || (!exact64 && ulps <= 2), "{:e} read back as {:e}", x, y);
        }

        // A static type reads the same text.
        if (rows, cols) == (2, 3) {
            let s: Matrix<Const<2>, Const<3>> = round_trip(&a);
            prop_assert_eq!(s.as_slice(), a.as_slice());
        }
    }
}

#[test]
fn a_runtime_dim_binds_on_first_read_and_checks_every_later_one() {
    shapegrad::dim!(Rows = dyn);
    let five = r#"{"rows":5,"cols":2,"data":[0,1,2,3,4,5,6,7,8,9]}"#;
    let m: Matrix<Rows, Const<2>> = serde_json::from_str(five).unwrap();
    assert_eq!(m.dims().0, Rows::bind(5).unwrap());
    let seven = r#"{"rows":7,"cols":2,"data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13]}"#;
    let err = serde_json::from_str::<Matrix<Rows, Const<2>>>(seven).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("expected a 5×2 matrix (the type's shape), but the data is a 7×2 matrix"),
        "{err}"
    );
}
