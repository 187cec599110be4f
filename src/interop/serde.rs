//! Interop with `serde` (the `serde` feature): a [`Matrix`] serialises with its shape, as
//! `{ rows, cols, data }` with `data` row-major, and deserialises only into a type whose shape
//! agrees. A [`MatRef`] serialises the same way, so a view read back is an owned matrix.
//!
//! Written by hand, without serde's derive macros, so that the feature compiles no proc-macro
//! crate.

use core::fmt;
use core::marker::PhantomData;

use ::serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use ::serde::ser::{self, Serialize, SerializeSeq, SerializeStruct, Serializer};

use crate::{Dim, MatRef, Matrix, Scalar};

/// The struct name given to the serializer, the same for a matrix and a view.
const NAME: &str = "Matrix";
/// The fields, in the order they are written.
const FIELDS: &[&str] = &["rows", "cols", "data"];

/// Serialises as a struct `{ rows, cols, data }`: the shape, then the elements row-major.
///
/// Any serde format works; in JSON a 2×3 matrix is
/// `{"rows":2,"cols":3,"data":[1.0,2.0,3.0,4.0,5.0,6.0]}`.
///
/// Two things of JSON itself, whatever the matrix: it has no NaN or infinity (`serde_json`
/// writes them as `null`, which does not read back as a number), and `serde_json` reads `f32`
/// back bit for bit but `f64` only with its `float_roundtrip` feature; without it, an `f64` can
/// come back an ulp or two off. Formats that store floats as their bits (most binary ones) keep
/// every bit.
///
/// ```rust
/// use shapegrad::{Const, Dyn, Matrix};
///
/// let m = Matrix::from_array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]); // 2×3
/// let json = serde_json::to_string(&m).unwrap();
/// assert_eq!(json, r#"{"rows":2,"cols":3,"data":[1.0,2.0,3.0,4.0,5.0,6.0]}"#);
///
/// // Back into the same static type, or into `Dyn` dimensions, which take any shape.
/// let back: Matrix<Const<2>, Const<3>> = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, m);
/// let any: Matrix<Dyn, Dyn> = serde_json::from_str(&json).unwrap();
/// assert_eq!((any.rows(), any.cols()), (2, 3));
///
/// // A static type of another shape is an error naming both shapes.
/// let err = serde_json::from_str::<Matrix<Const<3>, Const<2>>>(&json).unwrap_err();
/// assert!(err.to_string().starts_with(
///     "expected a 3×2 matrix (the type's shape), but the data is a 2×3 matrix"
/// ));
///
/// // A view, such as a transpose, is written row-major like the matrix it shows.
/// let json_t = serde_json::to_string(&m.t()).unwrap();
/// assert_eq!(json_t, r#"{"rows":3,"cols":2,"data":[1.0,4.0,2.0,5.0,3.0,6.0]}"#);
/// let t: Matrix<Const<3>, Const<2>> = serde_json::from_str(&json_t).unwrap();
/// assert_eq!(t, m.transpose());
/// ```
impl<R: Dim, C: Dim, T: Scalar + Serialize> Serialize for Matrix<R, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct(NAME, FIELDS.len())?;
        s.serialize_field("rows", &self.rows())?;
        s.serialize_field("cols", &self.cols())?;
        s.serialize_field("data", self.as_slice())?;
        s.end()
    }
}

/// Serialises exactly as the owned [`Matrix`] it shows would: `{ rows, cols, data }`, with the
/// elements row-major whatever the view's strides, so it deserialises into a `Matrix`.
impl<R: Dim, C: Dim, T: Scalar + Serialize> Serialize for MatRef<'_, R, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct(NAME, FIELDS.len())?;
        s.serialize_field("rows", &self.rows())?;
        s.serialize_field("cols", &self.cols())?;
        s.serialize_field("data", &RowMajor(*self))?;
        s.end()
    }
}

/// A view's elements as a sequence, row by row.
struct RowMajor<'a, R: Dim, C: Dim, T: Scalar>(MatRef<'a, R, C, T>);

impl<R: Dim, C: Dim, T: Scalar + Serialize> Serialize for RowMajor<'_, R, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let (rows, cols) = (v.rows(), v.cols());
        // A view with zero strides can show more elements than `usize` counts; say so rather
        // than write a sequence whose announced length is wrong.
        let len = crate::matrix::element_count(rows, cols).map_err(ser::Error::custom)?;
        let (data, rs, cs) = (v.data(), v.row_stride(), v.col_stride());
        let mut seq = serializer.serialize_seq(Some(len))?;
        for i in 0..rows {
            for j in 0..cols {
                // In bounds: MatRef's invariant, (rows-1)·rs + (cols-1)·cs < data.len().
                seq.serialize_element(&data[i * rs + j * cs])?;
            }
        }
        seq.end()
    }
}

/// Deserialises the struct [`Serialize`] writes, `{ rows, cols, data }`, from a map (any order)
/// or a sequence of exactly three elements, and checks it against the type:
///
/// - `rows` and `cols` must be the sizes a static `R` and `C` fix; a [`Dyn`](crate::Dyn)
///   dimension takes any size. Otherwise the error names both shapes: "expected a 2×3 matrix
///   (the type's shape), but the data is a 3×2 matrix".
/// - `data` must hold exactly `rows × cols` elements, the [`ShapeError::Length`] message
///   otherwise ("a 2×3 matrix needs 6 elements, but 7 were given"): never truncated or padded.
/// - A missing, duplicate or unknown field, or an element of the wrong type, is serde's usual
///   error. Unknown fields are rejected rather than ignored, since a field this type does not
///   know (a layout, say) could change what the data means.
///
/// Malformed input is always an error, never a panic. See [`Serialize`] for an example.
///
/// [`ShapeError::Length`]: crate::ShapeError::Length
impl<'de, R: Dim, C: Dim, T: Scalar + Deserialize<'de>> Deserialize<'de> for Matrix<R, C, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(NAME, FIELDS, MatrixVisitor(PhantomData))
    }
}

struct MatrixVisitor<R, C, T>(PhantomData<(R, C, T)>);

impl<'de, R: Dim, C: Dim, T: Scalar + Deserialize<'de>> Visitor<'de> for MatrixVisitor<R, C, T> {
    type Value = Matrix<R, C, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a matrix: a struct with fields `rows`, `cols` and `data`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let rows: usize = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let cols: usize = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        let data: Vec<T> = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(2, &self))?;
        // Elements after the third are an error, not dropped.
        let mut len = FIELDS.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            len += 1;
        }
        if len != FIELDS.len() {
            return Err(de::Error::invalid_length(
                len,
                &"a sequence of 3 elements: rows, cols and data",
            ));
        }
        build(rows, cols, data)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rows: Option<usize> = None;
        let mut cols: Option<usize> = None;
        let mut data: Option<Vec<T>> = None;
        while let Some(field) = map.next_key()? {
            match field {
                Field::Rows => set(&mut rows, "rows", map.next_value()?)?,
                Field::Cols => set(&mut cols, "cols", map.next_value()?)?,
                Field::Data => set(&mut data, "data", map.next_value()?)?,
            }
        }
        build(
            rows.ok_or_else(|| de::Error::missing_field("rows"))?,
            cols.ok_or_else(|| de::Error::missing_field("cols"))?,
            data.ok_or_else(|| de::Error::missing_field("data"))?,
        )
    }
}

/// Stores a field's value, or fails when the field was already seen.
fn set<V, E: de::Error>(slot: &mut Option<V>, name: &'static str, value: V) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

/// The matrix, once its shape is checked against the type and its data against its shape.
fn build<R: Dim, C: Dim, T: Scalar, E: de::Error>(
    rows: usize,
    cols: usize,
    data: Vec<T>,
) -> Result<Matrix<R, C, T>, E> {
    match (R::from_size(rows), C::from_size(cols)) {
        (Some(r), Some(c)) => Matrix::try_from_vec_with(r, c, data).map_err(E::custom),
        _ => Err(E::custom(WrongShape::<R, C> {
            rows,
            cols,
            dims: PhantomData,
        })),
    }
}

/// The error for data whose shape a static dimension of the type does not allow.
struct WrongShape<R, C> {
    rows: usize,
    cols: usize,
    dims: PhantomData<(R, C)>,
}

impl<R: Dim, C: Dim> fmt::Display for WrongShape<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, cols) = (self.rows, self.cols);
        // A `Dyn` dimension takes the data's size, so the expected shape is the one the type
        // would accept given the data.
        let expected = (
            R::type_size().unwrap_or(rows),
            C::type_size().unwrap_or(cols),
        );
        write!(f, "expected a {}×{} matrix ", expected.0, expected.1)?;
        match (R::type_size(), C::type_size()) {
            (Some(_), Some(_)) | (None, None) => f.write_str("(the type's shape)")?,
            (None, Some(c)) => write!(
                f,
                "(the type fixes {c} column{} and takes any number of rows)",
                plural(c)
            )?,
            (Some(r), None) => write!(
                f,
                "(the type fixes {r} row{} and takes any number of columns)",
                plural(r)
            )?,
        }
        write!(f, ", but the data is a {rows}×{cols} matrix")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A field name, read from a string, bytes or (in formats that number fields) an index.
enum Field {
    Rows,
    Cols,
    Data,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`rows`, `cols` or `data`")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field, E> {
        match v {
            0 => Ok(Field::Rows),
            1 => Ok(Field::Cols),
            2 => Ok(Field::Data),
            _ => Err(E::invalid_value(
                de::Unexpected::Unsigned(v),
                &"a field index 0, 1 or 2",
            )),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        match v {
            "rows" => Ok(Field::Rows),
            "cols" => Ok(Field::Cols),
            "data" => Ok(Field::Data),
            _ => Err(E::unknown_field(v, FIELDS)),
        }
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Field, E> {
        match v {
            b"rows" => Ok(Field::Rows),
            b"cols" => Ok(Field::Cols),
            b"data" => Ok(Field::Data),
            _ => Err(E::unknown_field(&String::from_utf8_lossy(v), FIELDS)),
        }
    }
}
