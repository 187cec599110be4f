//! Interop with `safetensors` (the `safetensors` feature): named tensors read from a
//! `.safetensors` file (the format PyTorch and Hugging Face save weights in) into typed matrices,
//! each checked against the dimensions its type declares, and matrices written to one.
//!
//! [`Tensors`] holds a file's bytes and its parsed header, and reads one tensor at a time into a
//! [`Matrix`]; [`TensorsWriter`] gathers borrowed matrices and writes them as one file. Anything
//! wrong, in the file or in what is asked of it, is a [`SafetensorsError`] naming the tensor: never
//! a panic, a silent conversion or a truncation.
//!
//! Elements are decoded little-endian from byte chunks, so the data may sit at any alignment in
//! the file, and no `unsafe` is used. The `safetensors` crate validates the header (every tensor's
//! dtype, shape and byte range); this module frames it (the 8-byte header length and the total
//! length), so that a corrupt file whose offsets sum past `usize::MAX` is an error here rather than
//! the overflow panic it is in the crate's `read_metadata` in debug builds (0.8.0; see
//! <https://github.com/safetensors/safetensors/pull/808>), and so that a truncated file says so.

use core::any::{Any, TypeId};
use core::fmt;
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ::safetensors::tensor::{Metadata, TensorInfo};
use ::safetensors::{Dtype, View};

use crate::{Dim, Dyn, IntoView, MatRef, Matrix, Scalar};

/// The most header bytes the `safetensors` crate reads (its `MAX_HEADER_SIZE`).
const MAX_HEADER: u64 = 100_000_000;

/// The reserved header key that holds the file's metadata, which no tensor may be named.
const METADATA_KEY: &str = "__metadata__";

/// A parsed `.safetensors` file: its tensors' names, dtypes and shapes, and their bytes, from
/// which [`matrix`](Self::matrix) reads one tensor at a time into a typed [`Matrix`].
///
/// `B` holds the whole file: a `Vec<u8>` from [`read`](Self::read), or any `AsRef<[u8]>` given to
/// [`from_bytes`](Self::from_bytes), such as a borrowed `&[u8]` or a memory map. Reading a tensor
/// copies its elements out (the file's data need not be aligned); the bytes are never modified.
///
/// # Which tensors fit which matrices
///
/// - A 2-D tensor of shape `[r, c]` reads as an `r × c` matrix: a static dimension must have that
///   size, a [`Dyn`] dimension takes it.
/// - A 1-D tensor of `n` elements (a bias, say) reads as a `1 × n` row when the type allows one,
///   and otherwise as an `n × 1` column: `Matrix<Const<1>, Out>`, `Matrix<Out, Const<1>>` and
///   `Matrix<Dyn, Dyn>` (a row) all read a bias of `Out` elements.
/// - A 0-D tensor (a scalar) reads as `1 × 1`.
/// - Tensors of three or more dimensions are an error; reshape them to 2-D before saving.
///
/// The stored dtype must be the matrix's element type, `F32` for `f32` and `F64` for `f64`;
/// anything else is an error, not a conversion. [`matrix_converted`](Self::matrix_converted)
/// converts on request, from `F16`, `BF16`, `F32` or `F64`.
///
/// ```rust
/// use shapegrad::{Const, Dyn, Matrix, Tensors, TensorsWriter, dim};
///
/// dim!(In = 4, Out = 3);
///
/// // Weights as a PyTorch `nn.Linear(4, 3)` keeps them: the weight out×in, the bias 1-D.
/// let w = Matrix::<Out, In>::from_fn(|i, j| (i * 4 + j) as f32);
/// let b = Matrix::<Const<1>, Out>::from_rows([[0.5, -0.5, 0.25]]);
/// let bytes = TensorsWriter::new()
///     .add("fc.weight", &w)
///     .add_1d("fc.bias", &b) // stored with shape [3], as PyTorch stores a bias
///     .metadata("format", "pt")
///     .to_bytes()
///     .unwrap();
///
/// let file = Tensors::from_bytes(bytes).unwrap(); // or Tensors::read("model.safetensors")
/// assert_eq!(file.names(), ["fc.bias", "fc.weight"]);
/// assert_eq!(file.shape("fc.bias").unwrap(), &[3]);
/// assert_eq!(file.metadata().get("format"), Some(&"pt"));
///
/// let w2: Matrix<Out, In> = file.matrix("fc.weight").unwrap();
/// assert_eq!(w2, w);
/// let b2: Matrix<Const<1>, Out> = file.matrix("fc.bias").unwrap(); // 1-D reads as a row
/// assert_eq!(b2, b);
/// let any: Matrix<Dyn, Dyn> = file.matrix("fc.weight").unwrap(); // Dyn takes the stored size
/// assert_eq!((any.rows(), any.cols()), (3, 4));
///
/// // A type of another shape is an error naming the tensor and both shapes.
/// let err = file.matrix::<In, Out, f32>("fc.weight").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "tensor `fc.weight` is stored as 3×4, but `Matrix<In, Out>` declares 4×3; its transpose \
///      fits: swap the type's dimensions and use `.t()` (PyTorch stores an `nn.Linear` weight \
///      as out×in)"
/// );
/// // So is another element type: F32 data does not read into an f64 matrix unasked.
/// let err = file.matrix::<Out, In, f64>("fc.weight").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "tensor `fc.weight` is stored as F32, but `Matrix<Out, In, f64>` holds f64: read it into \
///      an f32 matrix, or convert it with `Tensors::matrix_converted`"
/// );
/// let wide: Matrix<Out, In, f64> = file.matrix_converted("fc.weight").unwrap();
/// assert_eq!(wide.get(2, 3), Some(11.0));
/// ```
pub struct Tensors<B = Vec<u8>> {
    bytes: B,
    /// Where the data section starts: 8 + the header's length.
    data_start: usize,
    header: Metadata,
    /// The tensors' names, sorted.
    names: Vec<String>,
}

impl Tensors<Vec<u8>> {
    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    /// [`SafetensorsError::Io`] when the file cannot be read, and [`SafetensorsError::Corrupt`]
    /// (naming the path) when it is not a valid safetensors file, truncated for instance.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, SafetensorsError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| SafetensorsError::Io {
            path: path.to_owned(),
            op: "read",
            source,
        })?;
        Self::parse(bytes, Some(path))
    }
}

impl<B: AsRef<[u8]>> Tensors<B> {
    /// Parses a whole safetensors file held in memory: a `Vec<u8>`, a borrowed `&[u8]`, or any
    /// other `AsRef<[u8]>`, such as a memory map.
    ///
    /// # Errors
    /// [`SafetensorsError::Corrupt`] when the bytes are not a valid safetensors file: too short,
    /// a header that is not JSON or does not describe the data that follows, data missing or
    /// left over. Never a panic, whatever the bytes.
    pub fn from_bytes(bytes: B) -> Result<Self, SafetensorsError> {
        Self::parse(bytes, None)
    }

    fn parse(bytes: B, path: Option<&Path>) -> Result<Self, SafetensorsError> {
        let (data_start, header) =
            frame(bytes.as_ref()).map_err(|reason| SafetensorsError::Corrupt {
                path: path.map(Path::to_owned),
                reason,
            })?;
        let mut names = header.offset_keys();
        names.sort_unstable();
        Ok(Tensors {
            bytes,
            data_start,
            header,
            names,
        })
    }

    /// The names of the tensors in the file, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    /// The stored shape of tensor `name`: `[rows, cols]` for a 2-D tensor, `[n]` for a 1-D one,
    /// `[]` for a scalar, and so on.
    ///
    /// # Errors
    /// [`SafetensorsError::Missing`] when the file has no tensor of that name.
    pub fn shape(&self, name: &str) -> Result<&[usize], SafetensorsError> {
        Ok(&self.info(name)?.shape)
    }

    /// The stored dtype of tensor `name`, as safetensors names it: `"F32"`, `"F64"`, `"BF16"`,
    /// `"I64"`, ….
    ///
    /// # Errors
    /// [`SafetensorsError::Missing`] when the file has no tensor of that name.
    pub fn dtype(&self, name: &str) -> Result<String, SafetensorsError> {
        Ok(self.info(name)?.dtype.to_string())
    }

    /// The file's metadata, the free-form string pairs stored under the header's
    /// `__metadata__` key (PyTorch writes `format: pt`), sorted by key; empty when it has none.
    pub fn metadata(&self) -> BTreeMap<&str, &str> {
        let mut out = BTreeMap::new();
        if let Some(map) = self.header.metadata() {
            out.extend(map.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        out
    }

    /// Gives back the bytes the file was parsed from.
    pub fn into_bytes(self) -> B {
        self.bytes
    }

    /// Reads tensor `name` into a `Matrix<R, C, T>`: a static dimension must have the stored size,
    /// a [`Dyn`] one takes it. A 1-D tensor reads as a row, or as a column when the type takes no
    /// such row; a 0-D one as `1 × 1` (see [`Tensors`]).
    ///
    /// The dtype must be `T`'s, `F32` for `f32` or `F64` for `f64`; the elements are then the
    /// stored ones bit for bit, NaN payloads and `-0.0` included.
    ///
    /// # Errors
    /// Each naming the tensor: [`Missing`](SafetensorsError::Missing) when there is no such
    /// tensor, [`Rank`](SafetensorsError::Rank) when it has more than two dimensions,
    /// [`Shape`](SafetensorsError::Shape) when its shape is not one the type declares, and
    /// [`Dtype`](SafetensorsError::Dtype) when its dtype is not `T`'s.
    pub fn matrix<R: Dim, C: Dim, T: Scalar>(
        &self,
        name: &str,
    ) -> Result<Matrix<R, C, T>, SafetensorsError> {
        let fits = |r: usize, c: usize| Some((R::from_size(r)?, C::from_size(c)?));
        self.read_matrix(name, (R::FIXED, C::FIXED), fits, Mode::Exact)
    }

    /// Reads tensor `name` into a `rows × cols` matrix: like [`matrix`](Self::matrix), but the
    /// stored shape must be exactly the sizes given, [`Dyn`] ones included.
    ///
    /// ```rust
    /// use shapegrad::{Const, Dyn, Matrix, Tensors, TensorsWriter};
    ///
    /// let x = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(5), Const);
    /// let file = Tensors::from_bytes(TensorsWriter::new().add("x", &x).to_bytes().unwrap()).unwrap();
    /// let back: Matrix<Dyn, Const<2>> = file.matrix_with("x", Dyn(5), Const).unwrap();
    /// assert_eq!(back, x);
    /// let err = file.matrix_with::<_, _, f32>("x", Dyn(4), Const::<2>).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "tensor `x` is stored as 5×2, but `Matrix<Dyn, Const<2>>` declares 4×2"
    /// );
    /// ```
    ///
    /// # Errors
    /// As for [`matrix`](Self::matrix).
    pub fn matrix_with<R: Dim, C: Dim, T: Scalar>(
        &self,
        name: &str,
        rows: R,
        cols: C,
    ) -> Result<Matrix<R, C, T>, SafetensorsError> {
        let (nr, nc) = (rows.size(), cols.size());
        let fits = |r: usize, c: usize| (r == nr && c == nc).then_some((rows, cols));
        self.read_matrix(name, (Some(nr), Some(nc)), fits, Mode::Exact)
    }

    /// Reads tensor `name` like [`matrix`](Self::matrix), converting its elements to `T` from any
    /// floating-point dtype: `F16`, `BF16`, `F32` or `F64`.
    ///
    /// Every conversion is exact except `F64` into `f32`, which rounds to nearest (ties to even,
    /// as PyTorch's `.float()` does; values beyond `f32`'s range become infinite). NaN stays NaN,
    /// though its payload may not survive a conversion. When the dtype is `T`'s already, nothing
    /// is converted and the elements are the stored bits.
    ///
    /// # Errors
    /// As for [`matrix`](Self::matrix); [`Dtype`](SafetensorsError::Dtype) only for dtypes that
    /// are not floating-point (integers, booleans, 8-bit and smaller floats).
    pub fn matrix_converted<R: Dim, C: Dim, T: Scalar>(
        &self,
        name: &str,
    ) -> Result<Matrix<R, C, T>, SafetensorsError> {
        let fits = |r: usize, c: usize| Some((R::from_size(r)?, C::from_size(c)?));
        self.read_matrix(name, (R::FIXED, C::FIXED), fits, Mode::Convert)
    }

    /// The header's entry for tensor `name`.
    fn info(&self, name: &str) -> Result<&TensorInfo, SafetensorsError> {
        self.header
            .info(name)
            .ok_or_else(|| SafetensorsError::Missing {
                name: name.to_owned(),
                available: self.names.clone(),
            })
    }

    /// The one reading path: the shape, then the dtype, then the elements.
    fn read_matrix<R: Dim, C: Dim, T: Scalar>(
        &self,
        name: &str,
        declared: (Option<usize>, Option<usize>),
        fits: impl Fn(usize, usize) -> Option<(R, C)>,
        mode: Mode,
    ) -> Result<Matrix<R, C, T>, SafetensorsError> {
        let info = self.info(name)?;
        let shape = &info.shape;
        let (rows, cols) = match shape[..] {
            [] => fits(1, 1),
            [n] => fits(1, n).or_else(|| fits(n, 1)),
            [r, c] => fits(r, c),
            _ => {
                return Err(SafetensorsError::Rank {
                    name: name.to_owned(),
                    shape: shape.clone(),
                    matrix: matrix_type::<R, C, T>(),
                });
            }
        }
        .ok_or_else(|| SafetensorsError::Shape {
            name: name.to_owned(),
            stored: shape.clone(),
            declared,
            matrix: matrix_type::<R, C, T>(),
        })?;

        let dtype_error = || SafetensorsError::Dtype {
            name: name.to_owned(),
            stored: info.dtype.to_string(),
            requested: T::NAME,
            matrix: matrix_type::<R, C, T>(),
        };
        let bytes = self.tensor_bytes(name, info)?;
        let data = if info.dtype == dtype_of::<T>() {
            decode_exact::<T>(bytes)
        } else {
            match mode {
                Mode::Exact => return Err(dtype_error()),
                Mode::Convert => decode_as_f64(info.dtype, bytes)
                    .ok_or_else(dtype_error)?
                    .into_iter()
                    .map(T::from_f64)
                    .collect(),
            }
        };
        // The header's sizes were validated against the data, so this length check cannot fail.
        Matrix::try_from_vec_with(rows, cols, data).map_err(|e| SafetensorsError::Corrupt {
            path: None,
            reason: format!("tensor `{name}`: {e}"),
        })
    }

    /// The bytes of one tensor, from its validated offsets.
    fn tensor_bytes(&self, name: &str, info: &TensorInfo) -> Result<&[u8], SafetensorsError> {
        let (start, end) = info.data_offsets;
        self.bytes
            .as_ref()
            .get(self.data_start..)
            .and_then(|data| data.get(start..end))
            .ok_or_else(|| SafetensorsError::Corrupt {
                path: None,
                reason: format!("tensor `{name}`'s bytes {start}..{end} lie outside the data"),
            })
    }
}

/// `Debug` lists the tensors, each with its dtype and shape, not the bytes.
impl<B> fmt::Debug for Tensors<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entry<'a>(&'a TensorInfo);
        impl fmt::Debug for Entry<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0.dtype, Shape(&self.0.shape))
            }
        }
        let mut map = f.debug_map();
        for name in &self.names {
            if let Some(info) = self.header.info(name) {
                map.entry(name, &Entry(info));
            }
        }
        map.finish()
    }
}

/// Whether a read may convert the element type.
#[derive(Clone, Copy)]
enum Mode {
    Exact,
    Convert,
}

/// Checks the framing of a safetensors file, then has the `safetensors` crate parse and validate
/// its header: where the data section starts, and the header; or what is wrong, as a clause.
///
/// The framing repeats `SafeTensors::read_metadata`, with the total length checked without
/// overflow.
fn frame(bytes: &[u8]) -> Result<(usize, Metadata), String> {
    let len = bytes.len();
    let Some((n, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(format!(
            "it is {len} byte{} long, too short for the 8-byte header length every safetensors \
             file starts with",
            plural(len)
        ));
    };
    let n = u64::from_le_bytes(*n);
    if n > MAX_HEADER {
        return Err(format!(
            "its header length, {n} bytes, is over the limit of {MAX_HEADER}: it is corrupt, or \
             not a safetensors file"
        ));
    }
    let Some(header) = usize::try_from(n).ok().and_then(|n| rest.get(..n)) else {
        return Err(format!(
            "its header is {n} bytes long, but only {} bytes follow the header length: it is \
             truncated",
            rest.len()
        ));
    };
    let n = header.len();
    let header: Metadata =
        serde_json::from_slice(header).map_err(|e| format!("its header is invalid: {e}"))?;
    // Validated by the crate: the tensors' byte ranges tile 0..data_len exactly.
    let described = header.data_len();
    let present = rest.len() - n;
    if described != present {
        let what = if described > present {
            "it is truncated"
        } else {
            "there are bytes after the last tensor"
        };
        return Err(format!(
            "its header describes {described} bytes of tensor data, but {present} follow the \
             header: {what}"
        ));
    }
    Ok((8 + n, header))
}

/// The safetensors dtype that holds `T` exactly.
fn dtype_of<T: Scalar>() -> Dtype {
    // `Scalar` is sealed: `T` is f32 or f64.
    if TypeId::of::<T>() == TypeId::of::<f64>() {
        Dtype::F64
    } else {
        Dtype::F32
    }
}

/// Little-endian bytes of `T`'s dtype as `T`s, bit for bit. Any trailing partial element is
/// ignored; the caller's length check (the header was validated) makes there be none.
fn decode_exact<T: Scalar>(bytes: &[u8]) -> Vec<T> {
    let (f32s, _) = bytes.as_chunks::<4>();
    let (f64s, _) = bytes.as_chunks::<8>();
    let decoded: Box<dyn Any> = match dtype_of::<T>() {
        Dtype::F64 => Box::new(
            f64s.iter()
                .map(|b| f64::from_le_bytes(*b))
                .collect::<Vec<_>>(),
        ),
        _ => Box::new(
            f32s.iter()
                .map(|b| f32::from_le_bytes(*b))
                .collect::<Vec<_>>(),
        ),
    };
    match decoded.downcast::<Vec<T>>() {
        Ok(v) => *v,
        Err(_) => unreachable!("Scalar is sealed: f32 or f64"),
    }
}

/// The elements of a floating-point dtype as `f64`s (each exactly), or `None` for other dtypes.
fn decode_as_f64(dtype: Dtype, bytes: &[u8]) -> Option<Vec<f64>> {
    let out = match dtype {
        Dtype::F64 => bytes
            .as_chunks::<8>()
            .0
            .iter()
            .map(|b| f64::from_le_bytes(*b))
            .collect(),
        Dtype::F32 => bytes
            .as_chunks::<4>()
            .0
            .iter()
            .map(|b| f64::from(f32::from_le_bytes(*b)))
            .collect(),
        Dtype::BF16 => bytes
            .as_chunks::<2>()
            .0
            .iter()
            // bfloat16 is the top half of a float32.
            .map(|b| f64::from(f32::from_bits(u32::from(u16::from_le_bytes(*b)) << 16)))
            .collect(),
        Dtype::F16 => bytes
            .as_chunks::<2>()
            .0
            .iter()
            .map(|b| f16_to_f64(u16::from_le_bytes(*b)))
            .collect(),
        _ => return None,
    };
    Some(out)
}

/// An IEEE half-precision value, exactly, by its bits: 1 sign, 5 exponent, 10 fraction.
fn f16_to_f64(h: u16) -> f64 {
    let sign = u64::from(h >> 15) << 63;
    let exp = u64::from((h >> 10) & 0x1f);
    let frac = u64::from(h & 0x3ff);
    match exp {
        // Zero and subnormals: frac · 2^-24, exact in f64.
        0 => {
            let magnitude = frac as f64 * f64::from_bits((1023 - 24) << 52);
            f64::from_bits(sign | magnitude.to_bits())
        }
        // Infinity and NaN, the fraction kept as the payload.
        31 => f64::from_bits(sign | (0x7ff << 52) | (frac << 42)),
        // Normal: rebias the exponent (15 to 1023), widen the fraction (10 to 52 bits).
        _ => f64::from_bits(sign | ((exp + 1023 - 15) << 52) | (frac << 42)),
    }
}

/// Matrices to be written to one safetensors file, each under a name: borrowed, and encoded only
/// when the file is written. Any mix of `f32` (stored as `F32`) and `f64` (stored as `F64`)
/// matrices and views, of any dimensions.
///
/// A matrix is stored 2-D, with shape `[rows, cols]`, by [`add`](Self::add), or 1-D, with shape
/// `[n]`, by [`add_1d`](Self::add_1d), which is how PyTorch stores a bias. A view (a transpose
/// from `.t()`, or any strided [`MatRef`]) is written row-major like the matrix it shows. Every
/// element is written bit for bit, so reading the file back gives matrices equal to these, NaN
/// payloads and `-0.0` included.
///
/// The checks wait for [`to_bytes`](Self::to_bytes) or [`write`](Self::write), so that `add` can
/// be chained; see [`Tensors`] for an example.
pub struct TensorsWriter<'a> {
    tensors: Vec<Entry<'a>>,
    metadata: BTreeMap<String, String>,
}

/// One tensor to write.
struct Entry<'a> {
    name: String,
    view: Box<dyn Encode + 'a>,
    one_d: bool,
}

impl Default for TensorsWriter<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> TensorsWriter<'a> {
    /// A writer with no tensors and no metadata.
    pub fn new() -> Self {
        TensorsWriter {
            tensors: Vec::new(),
            metadata: BTreeMap::new(),
        }
    }

    /// Adds `matrix` (a `&Matrix`, a [`MatRef`] such as `m.t()`, or a `&MatRef`) under `name`,
    /// stored 2-D with shape `[rows, cols]`.
    ///
    /// Names must be distinct, and none may be `__metadata__`, the header's reserved key: both
    /// are checked when the file is written.
    #[must_use]
    pub fn add<T: Scalar>(mut self, name: impl Into<String>, matrix: impl IntoView<'a, T>) -> Self {
        self.push(name.into(), matrix.into_view().erase(), false);
        self
    }

    /// Adds `matrix` under `name`, stored 1-D with shape `[n]`: a single row or column of `n`
    /// elements, such as a bias, as PyTorch stores one (an `nn.Linear` bias has shape `[out]`).
    ///
    /// A matrix with more than one row and more than one column is
    /// [`SafetensorsError::NotAVector`] when the file is written: flattening it would lose its
    /// shape. Read back, the tensor is a row or a column, whichever the type asks for.
    #[must_use]
    pub fn add_1d<T: Scalar>(
        mut self,
        name: impl Into<String>,
        matrix: impl IntoView<'a, T>,
    ) -> Self {
        self.push(name.into(), matrix.into_view().erase(), true);
        self
    }

    /// Adds the metadata pair `key: value`, which readers find under the header's `__metadata__`
    /// key (PyTorch's `save_file` conventionally writes `format: pt`). A second value for the same
    /// key replaces the first.
    #[must_use]
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    fn push<T: Scalar>(&mut self, name: String, view: MatRef<'a, Dyn, Dyn, T>, one_d: bool) {
        self.tensors.push(Entry {
            name,
            view: Box::new(view),
            one_d,
        });
    }

    /// The whole file, as bytes.
    ///
    /// # Errors
    /// [`Duplicate`](SafetensorsError::Duplicate) when two tensors share a name,
    /// [`ReservedName`](SafetensorsError::ReservedName) for a tensor named `__metadata__`,
    /// [`NotAVector`](SafetensorsError::NotAVector) for an [`add_1d`](Self::add_1d) matrix that
    /// is neither a row nor a column, [`TooLarge`](SafetensorsError::TooLarge) for a view whose
    /// bytes would not fit in memory (possible only through zero strides), and
    /// [`Unwritable`](SafetensorsError::Unwritable) for what the `safetensors` crate refuses to
    /// write (a header over 100 MB).
    pub fn to_bytes(&self) -> Result<Vec<u8>, SafetensorsError> {
        let mut seen = HashSet::new();
        let mut outs = Vec::with_capacity(self.tensors.len());
        for entry in &self.tensors {
            let name = &entry.name;
            if name == METADATA_KEY {
                return Err(SafetensorsError::ReservedName { name: name.clone() });
            }
            // Checked here, not left to the crate: its `serialize` panics on a repeated name
            // (0.8.0: an index out of bounds where it writes the header).
            if !seen.insert(name.as_str()) {
                return Err(SafetensorsError::Duplicate { name: name.clone() });
            }
            let (rows, cols) = entry.view.dims();
            let shape = if !entry.one_d {
                vec![rows, cols]
            } else if rows <= 1 || cols <= 1 {
                vec![rows * cols]
            } else {
                return Err(SafetensorsError::NotAVector {
                    name: name.clone(),
                    rows,
                    cols,
                });
            };
            let dtype = entry.view.dtype();
            let width = dtype.bitsize() / 8;
            let len = rows
                .checked_mul(cols)
                .and_then(|n| n.checked_mul(width))
                .filter(|&bytes| bytes <= isize::MAX as usize)
                .ok_or_else(|| SafetensorsError::TooLarge {
                    name: name.clone(),
                    rows,
                    cols,
                })?;
            outs.push((
                name.as_str(),
                Out {
                    dtype,
                    shape,
                    len,
                    view: &*entry.view,
                },
            ));
        }
        let metadata = (!self.metadata.is_empty()).then(|| {
            self.metadata
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        });
        ::safetensors::serialize(outs, metadata).map_err(|e| SafetensorsError::Unwritable {
            reason: e.to_string(),
        })
    }

    /// Writes the file to `path`, replacing any file there.
    ///
    /// The bytes go to a new file beside `path` that is then renamed over it, so that a failed
    /// write (a full disk, say) leaves any file already at `path` whole rather than truncated.
    ///
    /// # Errors
    /// Those of [`to_bytes`](Self::to_bytes), and [`SafetensorsError::Io`] naming `path` when
    /// the file cannot be written.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), SafetensorsError> {
        let path = path.as_ref();
        let bytes = self.to_bytes()?;
        replace(path, &bytes).map_err(|source| SafetensorsError::Io {
            path: path.to_owned(),
            op: "write",
            source,
        })
    }
}

impl fmt::Debug for TensorsWriter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for entry in &self.tensors {
            let (rows, cols) = entry.view.dims();
            let shape = if entry.one_d {
                format!("[{}] (1-D)", rows.saturating_mul(cols))
            } else {
                format!("{rows}×{cols}")
            };
            map.entry(&entry.name, &format_args!("{} {shape}", entry.view.dtype()));
        }
        map.finish()
    }
}

/// Writes `bytes` to a fresh file beside `path`, then renames it to `path`.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let mut tmp_name = OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = path.with_file_name(tmp_name);
    let written = std::fs::File::create_new(&tmp)
        .and_then(|mut file| io::Write::write_all(&mut file, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Best effort: the error to report is the write's.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// A view waiting to be written, its element type erased.
trait Encode {
    /// `(rows, cols)`.
    fn dims(&self) -> (usize, usize);
    /// The dtype it is stored as.
    fn dtype(&self) -> Dtype;
    /// Its elements, row-major, little-endian.
    fn encode(&self) -> Vec<u8>;
}

impl<T: Scalar> Encode for MatRef<'_, Dyn, Dyn, T> {
    fn dims(&self) -> (usize, usize) {
        (self.rows(), self.cols())
    }

    fn dtype(&self) -> Dtype {
        dtype_of::<T>()
    }

    fn encode(&self) -> Vec<u8> {
        let (rows, cols) = (self.rows(), self.cols());
        let (data, rs, cs) = (self.data(), self.row_stride(), self.col_stride());
        // The size was checked by `to_bytes` before this is called.
        let mut out = Vec::with_capacity(rows * cols * size_of::<T>());
        for i in 0..rows {
            for j in 0..cols {
                // In bounds: MatRef's invariant, (rows-1)·rs + (cols-1)·cs < data.len().
                let x: &dyn Any = &data[i * rs + j * cs];
                if let Some(x) = x.downcast_ref::<f32>() {
                    out.extend_from_slice(&x.to_le_bytes());
                } else if let Some(x) = x.downcast_ref::<f64>() {
                    out.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        out
    }
}

/// One tensor as the `safetensors` crate writes it.
struct Out<'e> {
    dtype: Dtype,
    shape: Vec<usize>,
    /// Its length in bytes.
    len: usize,
    view: &'e dyn Encode,
}

impl View for Out<'_> {
    fn dtype(&self) -> Dtype {
        self.dtype
    }

    fn shape(&self) -> &[usize] {
        &self.shape
    }

    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        self.view.encode().into()
    }

    fn data_len(&self) -> usize {
        self.len
    }
}

/// A tensor that could not be read from, or written to, a safetensors file.
///
/// Every variant names what it is about (the tensor, the file) and its `Display` is a sentence
/// for the person who made the call, saying what was stored and what was asked for.
///
/// ```rust
/// use shapegrad::{Const, Matrix, SafetensorsError, Tensors, TensorsWriter};
///
/// let m = Matrix::<Const<2>, Const<3>>::zeros();
/// let file = Tensors::from_bytes(TensorsWriter::new().add("w", &m).to_bytes().unwrap()).unwrap();
///
/// let err = file.matrix::<Const<2>, Const<3>, f32>("v").unwrap_err();
/// assert!(matches!(err, SafetensorsError::Missing { .. }));
/// assert_eq!(err.to_string(), "no tensor is named `v`; the file has 1: `w`");
///
/// let err = Tensors::from_bytes(&[1u8, 0, 0]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the bytes are not a valid safetensors file: it is 3 bytes long, too short for the 8-byte \
///      header length every safetensors file starts with"
/// );
/// ```
#[non_exhaustive]
pub enum SafetensorsError {
    /// The file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done: `"read"` or `"write"`.
        op: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
    /// The bytes are not a valid safetensors file: too short, truncated, a header that is not
    /// JSON or does not describe the data after it.
    Corrupt {
        /// The file, when the bytes were read from one.
        path: Option<PathBuf>,
        /// What is wrong, as a clause ("it is truncated", the `safetensors` crate's or
        /// `serde_json`'s message, …).
        reason: String,
    },
    /// No tensor has the name asked for.
    Missing {
        /// The name asked for.
        name: String,
        /// The names the file has, sorted.
        available: Vec<String>,
    },
    /// The tensor has more than two dimensions, so no matrix holds it.
    Rank {
        /// The tensor's name.
        name: String,
        /// Its stored shape.
        shape: Vec<usize>,
        /// The matrix type asked for, such as `Matrix<Hidden, In>`.
        matrix: String,
    },
    /// The tensor's shape is not one the matrix type declares.
    Shape {
        /// The tensor's name.
        name: String,
        /// Its stored shape: `[rows, cols]`, or `[n]` for a 1-D tensor, `[]` for a scalar.
        stored: Vec<usize>,
        /// The rows and columns asked for; `None` for a [`Dyn`](crate::Dyn) dimension, which
        /// takes any size.
        declared: (Option<usize>, Option<usize>),
        /// The matrix type asked for, such as `Matrix<Hidden, In>`.
        matrix: String,
    },
    /// The tensor's dtype is not the matrix's element type (or, when converting, not a
    /// floating-point dtype).
    Dtype {
        /// The tensor's name.
        name: String,
        /// The stored dtype as safetensors names it: `"F64"`, `"BF16"`, `"I64"`, ….
        stored: String,
        /// The element type asked for: `"f32"` or `"f64"`.
        requested: &'static str,
        /// The matrix type asked for, such as `Matrix<Hidden, In>`.
        matrix: String,
    },
    /// Two tensors to be written share a name.
    Duplicate {
        /// The name.
        name: String,
    },
    /// A tensor to be written is named `__metadata__`, the header's key for the metadata.
    ReservedName {
        /// The name.
        name: String,
    },
    /// A matrix given to [`TensorsWriter::add_1d`] is neither a single row nor a single column.
    NotAVector {
        /// The tensor's name.
        name: String,
        /// Its rows.
        rows: usize,
        /// Its columns.
        cols: usize,
    },
    /// A view to be written has more bytes than memory can hold (possible only through zero
    /// strides, which repeat elements).
    TooLarge {
        /// The tensor's name.
        name: String,
        /// Its rows.
        rows: usize,
        /// Its columns.
        cols: usize,
    },
    /// The `safetensors` crate refused to write the file (its header would be over 100 MB).
    Unwritable {
        /// The crate's message.
        reason: String,
    },
}

impl fmt::Display for SafetensorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SafetensorsError::Io { path, op, source } => {
                write!(f, "could not {op} `{}`: {source}", path.display())
            }
            SafetensorsError::Corrupt { path, reason } => match path {
                Some(path) => write!(
                    f,
                    "`{}` is not a valid safetensors file: {reason}",
                    path.display()
                ),
                None => write!(f, "the bytes are not a valid safetensors file: {reason}"),
            },
            SafetensorsError::Missing { name, available } => {
                write!(f, "no tensor is named `{name}`; ")?;
                const LISTED: usize = 10;
                match available.len() {
                    0 => f.write_str("the file has none"),
                    n => {
                        write!(f, "the file has {n}: ")?;
                        for (i, other) in available.iter().take(LISTED).enumerate() {
                            let sep = if i == 0 { "" } else { ", " };
                            write!(f, "{sep}`{other}`")?;
                        }
                        if n > LISTED {
                            write!(f, " and {} more", n - LISTED)?;
                        }
                        Ok(())
                    }
                }
            }
            SafetensorsError::Rank {
                name,
                shape,
                matrix,
            } => write!(
                f,
                "tensor `{name}` has {} dimensions, {}, but `{matrix}` reads only 2-D tensors (and \
                 1-D ones as a row or a column, 0-D ones as 1×1): reshape it to 2-D before saving",
                shape.len(),
                Shape(shape)
            ),
            SafetensorsError::Shape {
                name,
                stored,
                declared,
                matrix,
            } => {
                write!(f, "tensor `{name}` is stored as ")?;
                match stored[..] {
                    [] => f.write_str("a 0-D scalar")?,
                    [n] => write!(f, "1-D, {n} element{}", plural(n))?,
                    _ => write!(f, "{}", Shape(stored))?,
                }
                write!(f, ", but `{matrix}` declares ")?;
                match *declared {
                    (Some(r), Some(c)) => write!(f, "{r}×{c}")?,
                    (None, Some(c)) => write!(f, "{c} column{}", plural(c))?,
                    (Some(r), None) => write!(f, "{r} row{}", plural(r))?,
                    (None, None) => f.write_str("any shape")?,
                }
                match stored.len() {
                    0 => f.write_str(" (a 0-D tensor reads as 1×1)")?,
                    1 => f.write_str(
                        " (a 1-D tensor reads as a row, or as a column when the type takes no \
                         such row)",
                    )?,
                    _ => {}
                }
                // A 2-D tensor stored transposed, such as an `nn.Linear` weight read as in×out.
                let takes = |want: Option<usize>, n: usize| want.is_none_or(|w| w == n);
                if let [r, c] = stored[..]
                    && r != c
                    && takes(declared.0, c)
                    && takes(declared.1, r)
                {
                    f.write_str(
                        "; its transpose fits: swap the type's dimensions and use `.t()` \
                         (PyTorch stores an `nn.Linear` weight as out×in)",
                    )?;
                }
                Ok(())
            }
            SafetensorsError::Dtype {
                name,
                stored,
                requested,
                matrix,
            } => {
                write!(f, "tensor `{name}` is stored as {stored}, ")?;
                match stored.as_str() {
                    "F32" | "F64" => write!(
                        f,
                        "but `{matrix}` holds {requested}: read it into an {} matrix, or convert \
                         it with `Tensors::matrix_converted`",
                        stored.to_lowercase()
                    ),
                    "F16" | "BF16" => write!(
                        f,
                        "but `{matrix}` holds {requested}: convert it with \
                         `Tensors::matrix_converted`"
                    ),
                    _ => write!(
                        f,
                        "which no matrix holds (`{matrix}` was asked for): matrices read F32 and \
                         F64, and convert F16 and BF16 with `Tensors::matrix_converted`"
                    ),
                }
            }
            SafetensorsError::Duplicate { name } => {
                write!(
                    f,
                    "two tensors are named `{name}`; names in a file are distinct"
                )
            }
            SafetensorsError::ReservedName { name } => write!(
                f,
                "a tensor cannot be named `{name}`: the header keeps the file's metadata under \
                 that key"
            ),
            SafetensorsError::NotAVector { name, rows, cols } => write!(
                f,
                "tensor `{name}` is {rows}×{cols}, so it cannot be stored 1-D: only a single row \
                 or column can (store it 2-D with `add`)"
            ),
            SafetensorsError::TooLarge { name, rows, cols } => write!(
                f,
                "tensor `{name}`, {rows}×{cols}, has more bytes than one allocation can hold"
            ),
            SafetensorsError::Unwritable { reason } => {
                write!(f, "the safetensors file cannot be written: {reason}")
            }
        }
    }
}

/// `Debug` prints the message, as `Display` does, so that `unwrap()` on a failed read reads as the
/// sentence it is.
impl fmt::Debug for SafetensorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The message includes any underlying error's, so there is no separate `source`.
impl std::error::Error for SafetensorsError {}

/// A shape as `3×4`, `[5]` or `[]`.
struct Shape<'a>(&'a [usize]);

impl fmt::Display for Shape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => f.write_str("[]"),
            [n] => write!(f, "[{n}]"),
            dims => {
                for (i, d) in dims.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "×" };
                    write!(f, "{sep}{d}")?;
                }
                Ok(())
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `Matrix<R, C>`, or `Matrix<R, C, f64>`, as a user would write the type.
fn matrix_type<R: Dim, C: Dim, T: Scalar>() -> String {
    let (r, c) = (dim_name::<R>(), dim_name::<C>());
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        format!("Matrix<{r}, {c}>")
    } else {
        format!("Matrix<{r}, {c}, {}>", T::NAME)
    }
}

/// A dimension type's name without its module path: `Const<4>`, `Dyn`, `Hidden`, and `U128` for
/// typenum's nested `UInt<…>`.
fn dim_name<D: Dim>() -> String {
    let full = core::any::type_name::<D>();
    if full.starts_with("typenum::")
        && let Some(n) = D::FIXED
    {
        return format!("U{n}");
    }
    // Drop every path segment, that is every identifier followed by `::`.
    let mut out = String::with_capacity(full.len());
    let mut chars = full.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == ':' && chars.peek() == Some(&':') {
            chars.next();
            let kept = out
                .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_')
                .len();
            out.truncate(kept);
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_decodes_exactly() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x7bff), 65504.0);
        assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
        assert_eq!(f16_to_f64(0x03ff), 1023.0 * 2f64.powi(-24));
        assert_eq!(f16_to_f64(0x0400), 2f64.powi(-14));
        assert_eq!(f16_to_f64(0x3555), 0.333251953125);
        assert_eq!(f16_to_f64(0x7c00), f64::INFINITY);
        assert_eq!(f16_to_f64(0xfc00), f64::NEG_INFINITY);
        assert!(f16_to_f64(0x7e00).is_nan());
        assert_eq!(f16_to_f64(0x8000).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn dimension_names_are_written_as_in_source() {
        crate::dim!(Hidden = 7);
        assert_eq!(dim_name::<Hidden>(), "Hidden");
        assert_eq!(dim_name::<crate::Const<4>>(), "Const<4>");
        assert_eq!(dim_name::<Dyn>(), "Dyn");
        assert_eq!(dim_name::<typenum::U128>(), "U128");
        assert_eq!(dim_name::<typenum::U0>(), "U0");
        assert_eq!(
            matrix_type::<Hidden, crate::Const<4>, f64>(),
            "Matrix<Hidden, Const<4>, f64>"
        );
        assert_eq!(matrix_type::<Dyn, typenum::U3, f32>(), "Matrix<Dyn, U3>");
    }
}
