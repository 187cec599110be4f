//! Attention and the transformer block against PyTorch, forward and every gradient (issue 23
//! item 3).
//!
//! `scripts/attention_golden.py` ran, in PyTorch, in `f32` and in `f64`:
//!
//! - `F.scaled_dot_product_attention(q, k, v, is_causal=c)` on `(Batch, Heads, Seq, HeadDim)`
//!   tensors, causal and not, with the loss `sum(out * r)`: the output, the loss, `dq`, `dk`,
//!   `dv`;
//! - a pre-norm transformer block written out as [`TransformerBlock`] is (layer norms, four
//!   `nn.Linear` projections, heads by `.view(B, S, H, Dh).transpose(1, 2)`, the exact GELU),
//!   causal and not, with the loss `sum(y * r)`: `y`, the loss, `dx` and the gradient of every
//!   parameter;
//! - two such blocks one after the other, causal: the same, for both blocks' parameters;
//!
//! and wrote them to `tests/data/torch_attention/`, with the inputs (`q`, `k`, `v`, `x`, `r` and
//! every weight, drawn once in `f32` and used widened, exactly, by the `f64` runs). These tests
//! build the same computations from shapegrad's graph ops and [`TransformerBlock`], from those
//! inputs, and compare every recorded tensor. PyTorch is not needed to run them.
//!
//! The stacking is what shapegrad's batches in a graph are: PyTorch's contiguous
//! `(Batch, Heads, Seq, HeadDim)` tensor is, element for element, a
//! `Matrix<((Batch, Heads), Seq), HeadDim>`, and `(Batch, Seq, Model)` a
//! `Matrix<(Batch, Seq), Model>`. A `Linear` weight is stored `In × Out`, PyTorch's `Out × In`:
//! the weights go in through [`Linear::from_torch`] and their gradients are transposed before
//! the comparison.
//!
//! # Tolerances
//!
//! `tol` is `1e-5` for `f32` and `1e-10` for `f64`, as in `tests/torch_golden.rs`. A computed
//! tensor `a` agrees with PyTorch's `b` when
//!
//! ```text
//! maxₖ |aₖ − bₖ| ≤ tol · maxⱼ |bⱼ|
//! ```
//!
//! the error relative to the tensor's scale, in the max norm (equivalently, every element
//! within `tol · max(|bₖ|, s)` for `s = maxⱼ |bⱼ|`). The loss, a single number, agrees when
//! `|a − b| ≤ tol · |b|`.
//!
//! Why the tensor's scale and not each element's own magnitude: nearly every tensor here is a
//! sum whose terms are of the tensor's scale and cancel. A row of attention output is
//! `Σⱼ pᵢⱼ vⱼ`; the gradient of a score is `pᵢⱼ (dpᵢⱼ − Σₗ pᵢₗ dpᵢₗ)`, a difference;
//! layer norm's backward subtracts the row's means of the incoming gradient twice; `dx` adds
//! the residual path to the paths through both norms. An element that comes out near zero
//! from such a sum carries the absolute rounding error of its terms, about `ε · s` times a
//! modest factor, whoever computes it; holding it to `ε · |bₖ|` would measure the cancellation,
//! not agreement with PyTorch. A floor above `s` has no such reason, so the test uses `s`.
//!
//! One tensor is zero in exact arithmetic: the gradient of the key projection's bias. Adding
//! `b` to every key adds `q_i · b / √HeadDim` to the whole row `i` of the scores, which softmax
//! ignores (the causal mask keeps its `−∞`), so the loss does not depend on `b`. What PyTorch
//! and shapegrad record for it is rounding residue, `Σₜ dKₜ` over the tokens' key gradients
//! `dKₜ` that cancel exactly, so its own scale is a few `ε` times theirs and relative to itself
//! it is noise (the two disagree by 50–180 % of it in both dtypes). It is measured instead at the
//! scale of its terms, that of the key weight's gradient `Σₜ aₜ dKₜ` (`aₜ` the layer-normed
//! token, of order one): `max|a − b| ≤ tol · max|d key.weight|`, by the same argument as the
//! floor `s`. [`the_key_bias_gradient_is_rounding_in_pytorch_too`] checks in the golden files
//! that PyTorch's is within a few `ε` of zero at that scale.
//!
//! The loss `Σ yₖ rₖ` cancels as well, but it is one number and is held to its own magnitude.
//! Its condition number `Σ |yₖ rₖ| / |Σ yₖ rₖ|` is 57 for the causal block (30 without the
//! mask, 17 for two blocks, 2–4 for attention alone), so rounding errors of `ε` in `y` become
//! a few `1e-6` in the loss: the largest `f32` difference of all, about `3e-6`, is the causal
//! block's loss, and PyTorch's `f32` loss is as far from its `f64` one.
//!
//! The tolerances are far above rounding (`ε` is `1.2e-7` and `2.2e-16`) and far below a
//! difference of model: [`a_wrong_model_is_far_outside_the_tolerance`] shows non-causal
//! attention against the causal files off by 15 % to 100 % of the scale in the output and in
//! `dq`, `dk`, `dv`, `dx`; and a layer norm without its `eps` (a change of about
//! `eps / (2·variance)` in every normalised value) off by `6e-5`, beyond even the `f32`
//! tolerance and half a million times the `f64` one.
//!
//! The `f32` tests print, per tensor, the largest difference from PyTorch's `f32` run and, for
//! information, how far our `f32` and PyTorch's `f32` each are from PyTorch's `f64` run (the
//! exact result of the same inputs, to `f32`'s eyes): two such distances alike say that what
//! separates the `f32` runs is rounding, not algorithm. Run
//! `cargo test --test torch_attention -- --nocapture --test-threads 1` for the tables.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use shapegrad::graph::{Grads, Tape};
use shapegrad::nn::{Attention, LayerNorm, Linear, TransformerBlock};
use shapegrad::{Const, Dim, Matrix, Scalar, StaticDim, dim, make_guard};

dim!(
    Batch = 2,
    Seq = 5,
    Heads = 2,
    HeadDim = 4,
    Model = Heads * HeadDim,
    Hidden = 16
);

type Block<T> = TransformerBlock<Model, Heads, HeadDim, Hidden, T>;
/// A batch of sequences of tokens, PyTorch's `(Batch, Seq, Model)`.
type Tokens<T> = Matrix<(Batch, Seq), Model, T>;
/// Every head of every sequence, PyTorch's `(Batch, Heads, Seq, HeadDim)`.
type PerHead<T> = Matrix<((Batch, Heads), Seq), HeadDim, T>;

/// The agreement tolerance of the module docs: `1e-5` in `f32`, `1e-10` in `f64`.
fn tol<T: Scalar>() -> f64 {
    match T::NAME {
        "f32" => 1e-5,
        "f64" => 1e-10,
        other => panic!("no PyTorch golden files for {other}"),
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/torch_attention")
}

fn manifest() -> Value {
    let path = data_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (written by scripts/attention_golden.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The tensors of one golden file, each with its name and shape from the manifest, widened to
/// `f64` (exact).
struct Golden {
    file: String,
    tensors: Vec<(String, Vec<usize>, Vec<f64>)>,
}

impl Golden {
    fn load(manifest: &Value, file: &str) -> Self {
        let entry = &manifest["files"][file];
        let elem = match entry["dtype"].as_str() {
            Some("f32") => 4,
            Some("f64") => 8,
            other => panic!("{file}: dtype {other:?}"),
        };
        let path = data_dir().join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let values: Vec<f64> = bytes
            .chunks_exact(elem)
            .map(|c| match c.len() {
                4 => f64::from(f32::from_le_bytes(c.try_into().unwrap())),
                _ => f64::from_le_bytes(c.try_into().unwrap()),
            })
            .collect();
        assert_eq!(
            (values.len() * elem, values.len() as u64),
            (bytes.len(), entry["elements"].as_u64().unwrap()),
            "{file}: whole floats, as many as the manifest says"
        );
        let mut tensors = Vec::new();
        let mut end = 0;
        for t in entry["tensors"].as_array().expect("a list of tensors") {
            let name = t["name"].as_str().unwrap().to_string();
            let shape: Vec<usize> = t["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap() as usize)
                .collect();
            let offset = t["offset"].as_u64().unwrap() as usize;
            assert_eq!(offset, end, "{file}: {name} follows the previous tensor");
            end = offset + shape.iter().product::<usize>();
            tensors.push((name, shape, values[offset..end].to_vec()));
        }
        assert_eq!(end, values.len(), "{file}: every element is in a tensor");
        Golden {
            file: file.to_string(),
            tensors,
        }
    }

    /// Tensor `name`, checked to have PyTorch shape `shape`, row-major.
    fn get(&self, name: &str, shape: &[usize]) -> &[f64] {
        let (_, s, v) = self
            .tensors
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{}: no tensor {name}", self.file));
        assert_eq!(s, shape, "{}: the shape of {name}", self.file);
        v
    }

    /// Tensor `name`, whatever its shape.
    fn values(&self, name: &str) -> Option<&[f64]> {
        self.tensors
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, v)| &v[..])
    }

    /// The names of the tensors of case `case` (`"<case>."` and a tensor).
    fn names_in(&self, case: &str) -> BTreeSet<String> {
        let prefix = format!("{case}.");
        self.tensors
            .iter()
            .filter_map(|(n, _, _)| n.strip_prefix(&prefix).map(str::to_string))
            .collect()
    }
}

/// The matrix of `rows × cols` whose elements are `values` (exact in `T`), row-major.
fn matrix<R: Dim, C: Dim, T: Scalar>(rows: R, cols: C, values: &[f64]) -> Matrix<R, C, T> {
    Matrix::try_from_vec_with(rows, cols, values.iter().map(|&v| T::from_f64(v)).collect())
        .expect("the sizes were checked against the manifest")
}

fn to_f64<T: Scalar>(values: &[T]) -> Vec<f64> {
    values.iter().map(|x| x.to_f64()).collect()
}

/// The tensors one computation produced, named as in the golden files without the case prefix.
type Computed = Vec<(String, Vec<f64>)>;

// ---------------------------------------------------------------------------------------------
// The computations.

/// `F.scaled_dot_product_attention(q, k, v, is_causal=causal)` with graph ops, the loss
/// `sum(out ⊙ r)`: the output, the loss and the gradients of `q`, `k`, `v`.
fn sdpa<T: Scalar>(inputs: &Golden, causal: bool) -> Computed {
    let shape = [Batch::SIZE, Heads::SIZE, Seq::SIZE, HeadDim::SIZE];
    let per_head = |name: &str| -> PerHead<T> {
        matrix(((Batch, Heads), Seq), HeadDim, inputs.get(name, &shape))
    };
    let (q, k, v, r) = (
        per_head("sdpa.q"),
        per_head("sdpa.k"),
        per_head("sdpa.v"),
        per_head("sdpa.r"),
    );
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let (qv, kv, vv) = (g.param(&q), g.param(&k), g.param(&v));
    let scale = T::ONE / T::from_usize(HeadDim::SIZE).sqrt();
    let scores = g.scale(g.batched_matmul(qv, kv.t()), scale);
    let scores = if causal {
        g.causal_mask_items(scores)
    } else {
        scores
    };
    let out = g.batched_matmul(g.softmax_rows(scores), vv);
    let loss = g.sum(g.hadamard(out, g.input(&r)));
    let out_value = g.value(out);
    let loss_value = g.scalar(loss);
    let grads = g.backward(loss);
    vec![
        ("out".into(), to_f64(out_value.as_slice())),
        ("loss".into(), vec![loss_value.to_f64()]),
        ("dq".into(), to_f64(grads.get(qv).to_matrix().as_slice())),
        ("dk".into(), to_f64(grads.get(kv).to_matrix().as_slice())),
        ("dv".into(), to_f64(grads.get(vv).to_matrix().as_slice())),
    ]
}

/// The script's `nn.Linear` `name` (`name.weight`, `Out × In`, and `name.bias`).
fn linear<In: StaticDim, Out: StaticDim, T: Scalar>(
    inputs: &Golden,
    name: &str,
) -> Linear<In, Out, T> {
    let weight = inputs.get(&format!("{name}.weight"), &[Out::SIZE, In::SIZE]);
    let bias = inputs.get(&format!("{name}.bias"), &[Out::SIZE]);
    Linear::from_torch(
        &matrix(Out::default(), In::default(), weight),
        matrix(Const::<1>, Out::default(), bias),
    )
}

/// The script's `nn.LayerNorm` `name`, with `eps` (PyTorch's `1e-5`, or another to test the
/// test).
fn layer_norm<T: Scalar>(inputs: &Golden, name: &str, eps: f64) -> LayerNorm<Model, T> {
    LayerNorm {
        gain: matrix(
            Const::<1>,
            Model,
            inputs.get(&format!("{name}.weight"), &[Model::SIZE]),
        ),
        bias: matrix(
            Const::<1>,
            Model,
            inputs.get(&format!("{name}.bias"), &[Model::SIZE]),
        ),
        eps: T::from_f64(eps),
    }
}

/// The script's block `block1` or `block2`, causal or not, its layer norms' `eps` as given.
fn block<T: Scalar>(inputs: &Golden, which: &str, causal: bool, eps: f64) -> Block<T> {
    let p = |name: &str| format!("{which}.{name}");
    TransformerBlock {
        norm1: layer_norm(inputs, &p("norm1"), eps),
        attention: Attention::from_projections(
            linear(inputs, &p("query")),
            linear(inputs, &p("key")),
            linear(inputs, &p("value")),
            linear(inputs, &p("output")),
        )
        .causal(causal),
        norm2: layer_norm(inputs, &p("norm2"), eps),
        up: linear(inputs, &p("up")),
        down: linear(inputs, &p("down")),
    }
}

/// The `eps` of PyTorch's layer norms, from the manifest.
fn torch_eps(manifest: &Value) -> f64 {
    manifest["layer_norm_eps"].as_f64().unwrap()
}

/// The gradient of parameter `m`, in PyTorch's layout: transposed when `m` is a `Linear`
/// weight (`In × Out` here, `Out × In` there), as is otherwise (rows `1 × C`, PyTorch's `(C,)`).
fn grad_of<R: Dim, C: Dim, T: Scalar>(
    grads: &Grads<'_, '_, T>,
    m: &Matrix<R, C, T>,
    transposed: bool,
) -> Vec<f64> {
    let d = grads
        .of(m)
        .expect("every parameter is a leaf of the graph")
        .to_matrix();
    if transposed {
        to_f64(d.transpose().as_slice())
    } else {
        to_f64(d.as_slice())
    }
}

/// The gradients of every parameter of `b`, named as the script's `Block` names them.
fn block_grads<T: Scalar>(grads: &Grads<'_, '_, T>, b: &Block<T>, prefix: &str) -> Computed {
    let a = &b.attention;
    let named = [
        ("norm1.weight", grad_of(grads, &b.norm1.gain, false)),
        ("norm1.bias", grad_of(grads, &b.norm1.bias, false)),
        ("query.weight", grad_of(grads, &a.query.weight, true)),
        ("query.bias", grad_of(grads, &a.query.bias, false)),
        ("key.weight", grad_of(grads, &a.key.weight, true)),
        ("key.bias", grad_of(grads, &a.key.bias, false)),
        ("value.weight", grad_of(grads, &a.value.weight, true)),
        ("value.bias", grad_of(grads, &a.value.bias, false)),
        ("output.weight", grad_of(grads, &a.output.weight, true)),
        ("output.bias", grad_of(grads, &a.output.bias, false)),
        ("norm2.weight", grad_of(grads, &b.norm2.gain, false)),
        ("norm2.bias", grad_of(grads, &b.norm2.bias, false)),
        ("up.weight", grad_of(grads, &b.up.weight, true)),
        ("up.bias", grad_of(grads, &b.up.bias, false)),
        ("down.weight", grad_of(grads, &b.down.weight, true)),
        ("down.bias", grad_of(grads, &b.down.bias, false)),
    ];
    named
        .into_iter()
        .map(|(n, v)| (format!("{prefix}{n}"), v))
        .collect()
}

/// `blocks` applied one after the other to the script's `x`, the loss `sum(y ⊙ r)`: `y`, the
/// loss, `dx` and the gradients of every block's parameters (`grad.<param>` for one block,
/// `grad.block<i>.<param>` for several).
fn run_blocks<T: Scalar>(inputs: &Golden, blocks: &[Block<T>]) -> Computed {
    let shape = [Batch::SIZE, Seq::SIZE, Model::SIZE];
    let x: Tokens<T> = matrix((Batch, Seq), Model, inputs.get("x", &shape));
    let r: Tokens<T> = matrix((Batch, Seq), Model, inputs.get("r", &shape));
    let mut tape = Tape::new();
    make_guard!(guard);
    let g = tape.graph(guard);
    let xv = g.param(&x);
    let mut y = xv;
    for b in blocks {
        y = b.forward(&g, y);
    }
    let loss = g.sum(g.hadamard(y, g.input(&r)));
    let y_value = g.value(y);
    let loss_value = g.scalar(loss);
    let grads = g.backward(loss);
    let mut out: Computed = vec![
        ("y".into(), to_f64(y_value.as_slice())),
        ("loss".into(), vec![loss_value.to_f64()]),
        ("dx".into(), to_f64(grads.get(xv).to_matrix().as_slice())),
    ];
    for (i, b) in blocks.iter().enumerate() {
        let prefix = if blocks.len() == 1 {
            "grad.".to_string()
        } else {
            format!("grad.block{}.", i + 1)
        };
        out.extend(block_grads(&grads, b, &prefix));
    }
    out
}

/// Case `case` of the golden files computed by shapegrad in `T`, with the layer norms' `eps`
/// as given; `causal` overrides the case's own causality (to test the test).
fn compute<T: Scalar>(case: &str, causal: bool, eps: f64) -> Computed {
    let manifest = manifest();
    let inputs = Golden::load(&manifest, "inputs.f32.bin");
    match case {
        "sdpa.noncausal" | "sdpa.causal" => sdpa::<T>(&inputs, causal),
        "block.noncausal" | "block.causal" => {
            run_blocks(&inputs, &[block::<T>(&inputs, "block1", causal, eps)])
        }
        "stack.causal" => run_blocks(
            &inputs,
            &[
                block::<T>(&inputs, "block1", causal, eps),
                block::<T>(&inputs, "block2", causal, eps),
            ],
        ),
        other => panic!("no case {other}"),
    }
}

/// Every case the script records, with whether it is causal.
const CASES: [(&str, bool); 5] = [
    ("sdpa.noncausal", false),
    ("sdpa.causal", true),
    ("block.noncausal", false),
    ("block.causal", true),
    ("stack.causal", true),
];

// ---------------------------------------------------------------------------------------------
// The comparison.

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// How far `a` is from `b`: the largest absolute difference and that over the scale `s`, which
/// is `max|b|` unless given (the tested quantity; for a one-element tensor, the loss, plainly
/// `|a − b| / |b|`).
fn diff(a: &[f64], b: &[f64], scale: Option<f64>) -> (f64, f64) {
    assert_eq!(a.len(), b.len());
    let s = scale.unwrap_or_else(|| max_abs(b));
    let abs = a
        .iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    (abs, if s > 0.0 { abs / s } else { abs })
}

/// The tensor whose scale is that of `name`'s terms, when `name` is exactly zero in exact
/// arithmetic: the key bias's gradient, measured at the key weight's (module docs).
fn scale_from(name: &str) -> Option<String> {
    name.strip_suffix("key.bias")
        .map(|block| format!("{block}key.weight"))
}

/// One tensor's comparison: its name, the largest absolute and relative differences from
/// PyTorch in the same dtype, and for an `f32` run the relative distances of ours and of
/// PyTorch's from PyTorch's `f64` run.
struct Row {
    name: String,
    abs: f64,
    rel: f64,
    against_f64: Option<(f64, f64)>,
}

/// `ours`, computed in `T` for `case`, against the golden files: one row per tensor, after
/// checking that `ours` has exactly the case's recorded tensors.
fn measure<T: Scalar>(case: &str, ours: &Computed) -> Vec<Row> {
    let manifest = manifest();
    let torch = Golden::load(&manifest, &format!("outputs.{}.bin", T::NAME));
    let torch64 = Golden::load(&manifest, "outputs.f64.bin");
    let computed: BTreeSet<String> = ours.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(
        computed,
        torch.names_in(case),
        "{case}: the tensors computed are the ones recorded"
    );
    ours.iter()
        .map(|(name, a)| {
            let full = format!("{case}.{name}");
            let scale = |g: &Golden| {
                scale_from(name).map(|n| max_abs(g.values(&format!("{case}.{n}")).unwrap()))
            };
            let b = torch.values(&full).unwrap();
            let (abs, rel) = diff(a, b, scale(&torch));
            let against_f64 = (T::NAME == "f32").then(|| {
                let exact = torch64.values(&full).unwrap();
                let s = scale(&torch64);
                (diff(a, exact, s).1, diff(b, exact, s).1)
            });
            Row {
                name: name.clone(),
                abs,
                rel,
                against_f64,
            }
        })
        .collect()
}

/// Case `case` computed in `T` against PyTorch's: prints a table of the differences (markdown,
/// to quote) and panics with it if a tensor is outside the tolerance.
fn check<T: Scalar>(case: &str) {
    let causal = CASES
        .iter()
        .find(|(c, _)| *c == case)
        .unwrap_or_else(|| panic!("no case {case}"))
        .1;
    let manifest = manifest();
    let ours = compute::<T>(case, causal, torch_eps(&manifest));
    let rows = measure::<T>(case, &ours);
    let tol = tol::<T>();
    let mut report = format!(
        "{case} in {}, against torch {} (`{}`); pass: max rel ≤ {tol:e}\n\n",
        T::NAME,
        manifest["torch_version"].as_str().unwrap_or("?"),
        manifest["sdpa_cpu_kernel"][0].as_str().unwrap_or("?"),
    );
    if T::NAME == "f32" {
        report.push_str(
            "| tensor | max abs | max rel | ours f32 vs torch f64 | torch f32 vs torch f64 |\n\
             |---|---|---|---|---|\n",
        );
    } else {
        report.push_str("| tensor | max abs | max rel |\n|---|---|---|\n");
    }
    let mut failed = Vec::new();
    for row in &rows {
        let verdict = if row.rel <= tol {
            ""
        } else {
            failed.push(row.name.clone());
            " FAIL"
        };
        let scale = scale_from(&row.name).map_or(String::new(), |n| format!(" (at {n}'s scale)"));
        write!(
            report,
            "| {case}.{}{scale} | {:.2e} | {:.2e}{verdict} |",
            row.name, row.abs, row.rel
        )
        .unwrap();
        if let Some((ours64, torch64)) = row.against_f64 {
            write!(report, " {ours64:.2e} | {torch64:.2e} |").unwrap();
        }
        report.push('\n');
    }
    let worst = rows.iter().fold(0.0f64, |m, r| m.max(r.rel));
    writeln!(report, "\nworst max rel {worst:.2e} (tolerance {tol:e})").unwrap();
    println!("{report}");
    assert!(
        failed.is_empty(),
        "{case} in {}: {failed:?} disagree with PyTorch:\n{report}",
        T::NAME
    );
}

#[test]
fn sdpa_matches_pytorch_in_f32() {
    check::<f32>("sdpa.noncausal");
}

#[test]
fn sdpa_matches_pytorch_in_f64() {
    check::<f64>("sdpa.noncausal");
}

#[test]
fn causal_sdpa_matches_pytorch_in_f32() {
    check::<f32>("sdpa.causal");
}

#[test]
fn causal_sdpa_matches_pytorch_in_f64() {
    check::<f64>("sdpa.causal");
}

#[test]
fn transformer_block_matches_pytorch_in_f32() {
    check::<f32>("block.noncausal");
}

#[test]
fn transformer_block_matches_pytorch_in_f64() {
    check::<f64>("block.noncausal");
}

#[test]
fn causal_transformer_block_matches_pytorch_in_f32() {
    check::<f32>("block.causal");
}

#[test]
fn causal_transformer_block_matches_pytorch_in_f64() {
    check::<f64>("block.causal");
}

#[test]
fn two_causal_blocks_match_pytorch_in_f32() {
    check::<f32>("stack.causal");
}

#[test]
fn two_causal_blocks_match_pytorch_in_f64() {
    check::<f64>("stack.causal");
}

/// Every case the script recorded is one of the tests above, in both dtypes, so a case added to
/// the script without a test here does not go unchecked; and the inputs are all used.
#[test]
fn every_recorded_case_is_tested() {
    let manifest = manifest();
    for dtype in ["f32", "f64"] {
        let outputs = Golden::load(&manifest, &format!("outputs.{dtype}.bin"));
        let recorded: BTreeSet<String> = outputs
            .tensors
            .iter()
            .map(|(n, _, _)| {
                let mut parts = n.splitn(3, '.');
                format!("{}.{}", parts.next().unwrap(), parts.next().unwrap())
            })
            .collect();
        let tested: BTreeSet<String> = CASES.iter().map(|(c, _)| c.to_string()).collect();
        assert_eq!(recorded, tested, "outputs.{dtype}.bin");
    }
    let inputs = Golden::load(&manifest, "inputs.f32.bin");
    let roots: BTreeSet<&str> = inputs
        .tensors
        .iter()
        .map(|(n, _, _)| n.split('.').next().unwrap())
        .collect();
    assert_eq!(
        roots,
        BTreeSet::from(["block1", "block2", "r", "sdpa", "x"]),
        "the inputs are the ones the cases read"
    );
}

/// The key bias's gradient is zero in exact arithmetic (module docs), and PyTorch's is, in both
/// dtypes, rounding residue: a few `ε` of the key weight's gradient's scale. This is why the
/// tests measure it at that scale, not at its own.
#[test]
fn the_key_bias_gradient_is_rounding_in_pytorch_too() {
    let manifest = manifest();
    let mut report = String::new();
    for (dtype, eps) in [("f32", f64::from(f32::EPSILON)), ("f64", f64::EPSILON)] {
        let outputs = Golden::load(&manifest, &format!("outputs.{dtype}.bin"));
        let mut seen = 0;
        for (name, _, bias) in &outputs.tensors {
            let Some(weight) = scale_from(name) else {
                continue;
            };
            seen += 1;
            let ratio = max_abs(bias) / max_abs(outputs.values(&weight).unwrap()) / eps;
            writeln!(
                report,
                "{name} {dtype}: max|d bias| = {ratio:.1} ε · max|d weight|"
            )
            .unwrap();
            assert!(
                ratio < 64.0,
                "{name} in {dtype} is not rounding: {ratio:.1} ε"
            );
        }
        assert_eq!(seen, 4, "one key bias per block per case");
    }
    println!("{report}");
}

/// The test cannot pass vacuously: models that differ from PyTorch's in one respect are far
/// outside the tolerance. Non-causal attention against the causal files (every position but
/// the last of each sequence sees the future) is off by more than `1e-2` relative in the
/// output and in every gradient of `q`, `k`, `v`, `x`; and a layer norm with `eps = 0`
/// instead of `1e-5` moves the block's tensors by more than the `f32` tolerance, which the
/// `f64` comparison would see half a million times over.
#[test]
fn a_wrong_model_is_far_outside_the_tolerance() {
    let eps = torch_eps(&manifest());
    let mut report = String::new();
    for case in ["sdpa.causal", "block.causal", "stack.causal"] {
        let rows = measure::<f64>(case, &compute::<f64>(case, false, eps));
        for row in &rows {
            writeln!(report, "non-causal vs {case}.{}: {:.2e}", row.name, row.rel).unwrap();
        }
        for name in ["out", "dq", "dk", "dv", "y", "dx"] {
            if let Some(row) = rows.iter().find(|r| r.name == name) {
                assert!(
                    row.rel > 1e-2,
                    "non-causal attention is close to the causal {case}.{name}: {:.2e}",
                    row.rel
                );
            }
        }
    }
    let rows = measure::<f64>(
        "block.noncausal",
        &compute::<f64>("block.noncausal", false, 0.0),
    );
    let worst = rows.iter().fold(0.0f64, |m, r| m.max(r.rel));
    writeln!(report, "eps = 0 vs block.noncausal: worst {worst:.2e}").unwrap();
    println!("{report}");
    assert!(
        worst > tol::<f32>(),
        "a layer norm without eps is within {worst:.2e} of PyTorch's"
    );
}
