//! Against PyTorch, number for number (issue 24 item 5).
//!
//! `scripts/torch_golden.py` trained a 64 → 128 → 10 MLP with softmax cross-entropy for ten steps
//! in PyTorch, once per optimizer and dtype, and wrote the losses and final weights to
//! `tests/data/torch_mlp/`; it also ran each optimizer alone on fixed gradients. These tests run
//! the same steps through shapegrad's graph and optimizers, from the same initial weights and
//! data (generated here by the script's formula, bit for bit), and compare. PyTorch is not
//! needed to run them.
//!
//! # Tolerances
//!
//! `tol` is `1e-5` for `f32` and `1e-10` for `f64`. A computed tensor `a` agrees with PyTorch's
//! `b` when, for every element,
//!
//! ```text
//! |aₖ − bₖ| ≤ tol · max(|bₖ|, s),   s = maxⱼ |bⱼ| (the largest magnitude in PyTorch's tensor)
//! ```
//!
//! which, since `|bₖ| ≤ s`, is `maxₖ |aₖ − bₖ| ≤ tol · maxⱼ |bⱼ|`: the error relative to the
//! tensor's scale, norm-wise in the max norm. The floor `s` is the scale every element was
//! computed at. A final weight is its initial value minus ten updates; the rounding error of each
//! subtraction is relative to the larger operand, and each update comes from a gradient that is a
//! sum over the batch whose error is relative to the sum of its terms' magnitudes, not to the
//! (possibly cancelled) sum. Those magnitudes are the tensor's: every initial value lies within
//! the initialisation bound `1/√fan_in`, and ten steps move the weights by a few per cent. So an
//! element that ends near zero carries an absolute error of order `ε · s`, and holding it to
//! `ε · |bₖ|` would test cancellation, not agreement; a floor above `s` has no such reason.
//!
//! A loss `a` agrees with PyTorch's `b` when `|a − b| ≤ tol · |b|` (the losses are about 2.3).
//!
//! Both tolerances are far above rounding (`ε` is `1.2e-7` and `2.2e-16`) and far below what
//! any difference of update rule or loss reduction would cause (see the optimizer-step test).
//! The largest `f32` differences are under AdamW, at the few weights whose first gradient is
//! about `1e-7` where most are about `1e-3`. Such a gradient is a sum over the batch whose terms
//! cancelled, so its rounding error is large relative to it (about `1e-3`); SGD moves the weight
//! by `lr · g` and the error stays negligible, but Adam's first step `lr · g / (|g| + ε)` is
//! nearly `±lr` whatever `|g|` is, and carries that relative error, times `ε / (|g| + ε)`, into
//! the weight: about `1e-7`, in PyTorch's `f32` as in ours. The `f32` tests print how far each
//! `f32` run is from PyTorch's `f64` one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use shapegrad::graph::Tape;
use shapegrad::nn::{Adam, Linear, Optimizer, Params, Sgd, Visit};
use shapegrad::{Const, Matrix, Scalar, StaticDim, dim, make_guard};

dim!(
    Batch = 32,
    Inputs = 64,
    Hidden = 128,
    Classes = 10,
    Elems = 8
);

/// The agreement tolerance of the module docs: `1e-5` in `f32`, `1e-10` in `f64`.
fn tol<T: Scalar>() -> f64 {
    match T::NAME {
        "f32" => 1e-5,
        "f64" => 1e-10,
        other => panic!("no PyTorch golden files for {other}"),
    }
}

/// The suffix of a dtype's golden files.
fn suffix<T: Scalar>() -> &'static str {
    match T::NAME {
        "f32" => "f32",
        _ => "f64",
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/torch_mlp")
}

fn read_json(file: &str) -> Value {
    let path = data_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (written by scripts/torch_golden.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON array of numbers as `f64`s (serde_json's `float_roundtrip` reads Python's shortest
/// round-trip repr exactly; an `f32` value is exact in `f64`, so `T::from_f64` gets it back).
fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The initial weights and features: the script's formula, reproduced bit for bit.

/// SplitMix64 (Steele, Lea and Flood, 2014), as `splitmix64` in the script.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `n` integers in `[−bound, bound]`: each output modulo `2·bound + 1`, minus `bound`, as
/// `integers` in the script.
fn integers(seed: u64, n: usize, bound: u64) -> Vec<i64> {
    let mut g = SplitMix64(seed);
    (0..n)
        .map(|_| (g.next() % (2 * bound + 1)) as i64 - bound as i64)
        .collect()
}

/// A generated tensor, `(seed, elements, bound, divisor)` as the script's specs: its values
/// `k / divisor`, exact in `f32` (|k| ≤ 512 and the divisor is a power of two).
fn generate(seed: u64, n: usize, bound: u64, divisor: f64) -> Vec<f64> {
    integers(seed, n, bound)
        .into_iter()
        .map(|k| k as f64 / divisor)
        .collect()
}

/// The script's `WEIGHT_SPECS`, in PyTorch's layout (`hidden.weight` is `Hidden × Inputs`).
fn initial_weights() -> [Vec<f64>; 4] {
    [
        generate(1, Hidden::SIZE * Inputs::SIZE, 512, 4096.0),
        generate(2, Hidden::SIZE, 512, 4096.0),
        generate(3, Classes::SIZE * Hidden::SIZE, 362, 4096.0),
        generate(4, Classes::SIZE, 362, 4096.0),
    ]
}

/// Batch `step`'s features, the script's `features_spec(step)`.
fn features(step: usize) -> Vec<f64> {
    generate(100 + step as u64, Batch::SIZE * Inputs::SIZE, 16, 16.0)
}

/// The names of the four tensors, in the order of the generators and of the golden files.
const TENSORS: [&str; 4] = ["hidden.weight", "hidden.bias", "out.weight", "out.bias"];

/// The manifest's record of what the script generated: each tensor's seed, bound and divisor,
/// the exact sum of its integers and its first values, checked against ours.
#[test]
fn the_generator_reproduces_the_scripts_weights_and_features() {
    let manifest = read_json("manifest.json");
    let generated = &manifest["generated"];
    let check = |name: &str, record: &Value, values: &[f64]| {
        let divisor = record["divisor"].as_f64().unwrap();
        let sum_k: f64 = values.iter().map(|v| v * divisor).sum();
        assert_eq!(sum_k, record["sum_k"].as_f64().unwrap(), "{name}: sum of k");
        let first = numbers(&record["first"]);
        assert_eq!(&values[..first.len()], &first[..], "{name}: first values");
    };
    for (name, values) in TENSORS.iter().zip(initial_weights()) {
        check(name, &generated["weights"][name], &values);
    }
    for step in 0..10 {
        check(
            &format!("features of batch {step}"),
            &generated["features"][step],
            &features(step),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The MLP, trained as the script trains it.

struct Mlp<T: Scalar> {
    hidden: Linear<Inputs, Hidden, T>,
    out: Linear<Hidden, Classes, T>,
}

impl<T: Scalar> Params<T> for Mlp<T> {
    fn visit_params<V: Visit<T>>(&mut self, v: &mut V) {
        self.hidden.visit_params(v);
        self.out.visit_params(v);
    }
}

/// A row-major matrix from `f64` values that are exact in `T`.
fn matrix<R: StaticDim, C: StaticDim, T: Scalar>(values: &[f64]) -> Matrix<R, C, T> {
    assert_eq!(values.len(), R::SIZE * C::SIZE);
    Matrix::from_fn(|i, j| T::from_f64(values[i * C::SIZE + j]))
}

impl<T: Scalar> Mlp<T> {
    /// The script's initial weights, through [`Linear::from_torch`] (PyTorch's `Out × In`).
    fn initial() -> Self {
        let [w1, b1, w2, b2] = initial_weights();
        Mlp {
            hidden: Linear::from_torch(&matrix(&w1), matrix(&b1)),
            out: Linear::from_torch(&matrix(&w2), matrix(&b2)),
        }
    }

    /// The four tensors in PyTorch's layout and the golden files' order, as `f64`.
    fn torch_layout(&self) -> [Vec<f64>; 4] {
        let f = |s: &[T]| s.iter().map(|x| x.to_f64()).collect::<Vec<_>>();
        [
            f(self.hidden.weight.transpose().as_slice()),
            f(self.hidden.bias.as_slice()),
            f(self.out.weight.transpose().as_slice()),
            f(self.out.bias.as_slice()),
        ]
    }
}

/// Ten steps of `opt`, step `t` on batch `t`: the losses (each before its step's update) and the
/// trained model.
fn train<T: Scalar, O: Optimizer<T>>(mut opt: O, labels: &[Vec<usize>]) -> (Vec<f64>, Mlp<T>) {
    let mut model = Mlp::<T>::initial();
    let mut tape = Tape::new();
    let mut losses = Vec::new();
    for (step, labels) in labels.iter().enumerate() {
        let x = matrix::<Batch, Inputs, T>(&features(step));
        make_guard!(guard);
        let g = tape.graph(guard);
        let h = g.relu(model.hidden.forward(&g, g.input(&x)));
        let loss = g
            .cross_entropy(model.out.forward(&g, h), labels)
            .expect("one label per row, each a class");
        losses.push(g.scalar(loss).to_f64());
        let grads = g.backward(loss);
        opt.step(&mut model, &grads);
    }
    (losses, model)
}

/// shapegrad's optimizer for PyTorch's `torch.optim.<kind>` with the keyword arguments the
/// script gave it; a missing argument is PyTorch's default, and one not known here a panic.
enum Torch<T: Scalar> {
    Sgd(Sgd<T>),
    Adam(Adam<T>),
}

impl<T: Scalar> Torch<T> {
    fn from_settings(kind: &str, settings: &Value) -> Self {
        let get =
            |key: &str, default: f64| settings.get(key).map_or(default, |v| v.as_f64().unwrap());
        let t = T::from_f64;
        let known: &[&str] = match kind {
            "SGD" => &["lr", "momentum", "dampening", "nesterov", "weight_decay"],
            _ => &["lr", "betas", "eps", "weight_decay"],
        };
        for key in settings.as_object().expect("settings are an object").keys() {
            assert!(
                known.contains(&key.as_str()),
                "torch.optim.{kind}({key}=…) is not mapped"
            );
        }
        match kind {
            "SGD" => Torch::Sgd(
                Sgd::new(t(get("lr", 1e-3)))
                    .momentum(t(get("momentum", 0.0)))
                    .dampening(t(get("dampening", 0.0)))
                    .nesterov(settings.get("nesterov").is_some_and(|v| v == true))
                    .weight_decay(t(get("weight_decay", 0.0))),
            ),
            "Adam" | "AdamW" => {
                let lr = t(get("lr", 1e-3));
                let adam = if kind == "AdamW" {
                    Adam::adamw(lr, t(get("weight_decay", 1e-2)))
                } else {
                    Adam::new(lr).weight_decay(t(get("weight_decay", 0.0)))
                };
                let betas = settings.get("betas").map_or(vec![0.9, 0.999], numbers);
                Torch::Adam(
                    adam.betas(t(betas[0]), t(betas[1]))
                        .eps(t(get("eps", 1e-8))),
                )
            }
            other => panic!("no shapegrad optimizer for torch.optim.{other}"),
        }
    }
}

impl<T: Scalar> Optimizer<T> for Torch<T> {
    fn step<P: Params<T> + ?Sized>(
        &mut self,
        model: &mut P,
        grads: &shapegrad::graph::Grads<'_, '_, T>,
    ) {
        match self {
            Torch::Sgd(o) => o.step(model, grads),
            Torch::Adam(o) => o.step(model, grads),
        }
    }
}

/// How far `ours` is from PyTorch's `theirs`: the largest absolute difference, the largest
/// difference relative to `max(|b|, s)` (the tested quantity, module docs), and, for
/// information, the largest plain element-wise `|a − b| / |b|`.
#[derive(Clone, Copy, Debug, Default)]
struct Diff {
    abs: f64,
    scaled: f64,
    elementwise: f64,
}

fn diff(ours: &[f64], theirs: &[f64]) -> Diff {
    assert_eq!(ours.len(), theirs.len());
    let s = theirs.iter().fold(0.0f64, |m, b| m.max(b.abs()));
    let mut d = Diff::default();
    for (&a, &b) in ours.iter().zip(theirs) {
        let e = (a - b).abs();
        d.abs = d.abs.max(e);
        d.scaled = d.scaled.max(e / b.abs().max(s));
        if b != 0.0 {
            d.elementwise = d.elementwise.max(e / b.abs());
        }
    }
    d
}

/// The golden weights of a run, in `T` (exact: the file holds `T`'s bits), as `f64`.
fn golden_weights(file: &str, elem: usize) -> Vec<f64> {
    let path = data_dir().join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        bytes.len() % elem,
        0,
        "{file}: not whole {elem}-byte floats"
    );
    bytes
        .chunks_exact(elem)
        .map(|c| match c.len() {
            4 => f64::from(f32::from_le_bytes(c.try_into().unwrap())),
            _ => f64::from_le_bytes(c.try_into().unwrap()),
        })
        .collect()
}

/// Trains run `name` in `T` as the manifest describes it, compares the losses and the final
/// weights with PyTorch's, prints the comparison, and panics with it if anything is outside the
/// tolerance.
fn check_run<T: Scalar>(name: &str) {
    let manifest = read_json("manifest.json");
    let run = manifest["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name && r["dtype"] == suffix::<T>())
        .unwrap_or_else(|| panic!("no run {name} in {} in the manifest", suffix::<T>()));
    let labels: Vec<Vec<usize>> = manifest["generated"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| numbers(l).into_iter().map(|c| c as usize).collect())
        .collect();
    let kind = run["optimizer"].as_str().unwrap();
    let opt = Torch::<T>::from_settings(kind, &run["settings"]);
    let (losses, model) = train(opt, &labels);

    let tol = tol::<T>();
    let mut report = format!(
        "{name} ({kind} {}) in {}, against torch {}; tolerance {tol:e} (module docs)\n",
        run["settings"],
        T::NAME,
        manifest["torch_version"].as_str().unwrap_or("?"),
    );
    let mut ok = true;

    let torch_losses = numbers(&run["losses"]);
    assert_eq!(losses.len(), torch_losses.len());
    let mut worst_loss = 0.0f64;
    for (step, (&a, &b)) in losses.iter().zip(&torch_losses).enumerate() {
        let rel = (a - b).abs() / b.abs();
        worst_loss = worst_loss.max(rel);
        if rel > tol {
            ok = false;
            writeln!(
                report,
                "  loss at step {step}: ours {a:e}, torch {b:e}, relative {rel:.2e}  FAIL"
            )
            .unwrap();
        }
    }
    writeln!(report, "  losses          max relative {worst_loss:.2e}").unwrap();

    let golden = golden_weights(run["file"].as_str().unwrap(), size_of::<T>());
    let ours = model.torch_layout();
    let mut offset = 0;
    for (tensor, ours) in TENSORS.iter().zip(&ours) {
        let theirs = &golden[offset..offset + ours.len()];
        offset += ours.len();
        let d = diff(ours, theirs);
        let verdict = if d.scaled <= tol { "" } else { "  FAIL" };
        ok &= d.scaled <= tol;
        writeln!(
            report,
            "  {tensor:<15} max abs {:.2e}  max rel (floor s) {:.2e}  max plain rel {:.2e}{verdict}",
            d.abs, d.scaled, d.elementwise
        )
        .unwrap();
    }
    assert_eq!(
        offset,
        golden.len(),
        "{name}: the file has more than the four tensors"
    );
    if T::NAME == "f32" {
        f32_against_f64(&manifest, name, &ours, &golden, &mut report);
    }
    println!("{report}");
    assert!(ok, "shapegrad disagrees with PyTorch:\n{report}");
}

/// For information, with an `f32` run: how far our `f32` weights and PyTorch's are each from
/// PyTorch's `f64` run of the same optimizer, which is the exact result to `f32`'s eyes. The two
/// distances being alike says that a difference between the `f32` runs is the rounding of `f32`
/// arithmetic, amplified as the problem amplifies it, and not a difference of algorithm.
fn f32_against_f64(
    manifest: &Value,
    name: &str,
    ours: &[Vec<f64>; 4],
    torch32: &[f64],
    report: &mut String,
) {
    let Some(run) = manifest["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name && r["dtype"] == "f64")
    else {
        return;
    };
    let torch64 = golden_weights(run["file"].as_str().unwrap(), 8);
    writeln!(report, "  against torch's f64 run (max rel, floor s):").unwrap();
    let mut offset = 0;
    for (tensor, ours) in TENSORS.iter().zip(ours) {
        let exact = &torch64[offset..offset + ours.len()];
        let theirs = &torch32[offset..offset + ours.len()];
        offset += ours.len();
        writeln!(
            report,
            "  {tensor:<15} ours f32 {:.2e}  torch f32 {:.2e}",
            diff(ours, exact).scaled,
            diff(theirs, exact).scaled
        )
        .unwrap();
    }
}

#[test]
fn sgd_with_momentum_matches_pytorch_in_f32() {
    check_run::<f32>("sgd_momentum");
}

#[test]
fn sgd_with_momentum_matches_pytorch_in_f64() {
    check_run::<f64>("sgd_momentum");
}

#[test]
fn adamw_matches_pytorch_in_f32() {
    check_run::<f32>("adamw");
}

#[test]
fn adamw_matches_pytorch_in_f64() {
    check_run::<f64>("adamw");
}

#[test]
fn sgd_with_nesterov_and_weight_decay_matches_pytorch_in_f64() {
    check_run::<f64>("sgd_nesterov_wd");
}

#[test]
fn adam_with_l2_weight_decay_matches_pytorch_in_f64() {
    check_run::<f64>("adam_l2");
}

/// Every run the script recorded is one of the tests above, so a run added to the script
/// without a test here does not go unchecked.
#[test]
fn every_recorded_run_is_tested() {
    let tested = [
        "sgd_momentum f32",
        "sgd_momentum f64",
        "adamw f32",
        "adamw f64",
        "sgd_nesterov_wd f64",
        "adam_l2 f64",
    ];
    let manifest = read_json("manifest.json");
    let recorded: Vec<String> = manifest["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["name"].as_str().unwrap(),
                r["dtype"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(recorded, tested);
}

// ---------------------------------------------------------------------------------------------
// The optimizers alone, step by step.

/// Six steps of `opt` on an 8-element parameter given the recorded gradients: the parameter
/// after each step. The gradient reaches the optimizer through a graph, as in training: the loss
/// is `p · g` for the `1 × 8` parameter `p` and the step's gradient as an `8 × 1` input `g`, whose
/// gradient with respect to `p` is `gᵀ` exactly (each element is `1 · gₖ`).
fn optimizer_steps<T: Scalar>(mut opt: Torch<T>, p0: &[f64], grads: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut p = matrix::<Const<1>, Elems, T>(p0);
    let mut tape = Tape::new();
    let mut after = Vec::new();
    for grad in grads {
        let g_col = matrix::<Elems, Const<1>, T>(grad);
        make_guard!(guard);
        let g = tape.graph(guard);
        let loss = g.matmul(g.param(&p), g.input(&g_col));
        let grads = g.backward(loss);
        assert_eq!(
            grads.of(&p).unwrap().to_matrix().as_slice(),
            g_col.as_slice(),
            "the gradient is the recorded one, exactly"
        );
        opt.step(&mut p, &grads);
        after.push(p.as_slice().iter().map(|x| x.to_f64()).collect());
    }
    after
}

/// Each optimizer's update rule against PyTorch's, after every one of six steps, on exact
/// inputs: the momentum buffer at the first step (the gradient itself, not `(1 − dampening)·g`),
/// dampening, Nesterov, L2 weight decay for SGD and Adam, AdamW's decay applied before the Adam
/// step (`p(1 − lr·λ)` then the step, not after it), and Adam's bias corrections at each step.
///
/// Same tolerance definition as the MLP, the scale `s` now the parameter's largest magnitude
/// (about 2). The settings are chosen so that each of those alternatives differs from PyTorch's
/// rule by far more than the tolerance at some step: for AdamW (lr 0.1, λ 0.5) decaying after
/// the step instead of before moves `p` by `lr²·λ·|update| ≈ 5e-3`; a buffer started at
/// `(1 − dampening)·g` (dampening 0.5) by `lr·0.5·|g| ≥ 3e-3`; no bias correction in Adam by a
/// factor of up to 10 at step 1.
#[test]
fn each_optimizer_matches_pytorch_step_by_step() {
    let steps = read_json("optimizer_steps.json");
    let p0 = numbers(&steps["p0"]);
    let grads: Vec<Vec<f64>> = steps["grads"]
        .as_array()
        .unwrap()
        .iter()
        .map(numbers)
        .collect();
    let mut report = String::new();
    let mut ok = true;
    for run in steps["runs"].as_array().unwrap() {
        let (name, kind, dtype) = (
            run["name"].as_str().unwrap(),
            run["optimizer"].as_str().unwrap(),
            run["dtype"].as_str().unwrap(),
        );
        let (ours, tol) = match dtype {
            "f32" => (
                optimizer_steps(
                    Torch::<f32>::from_settings(kind, &run["settings"]),
                    &p0,
                    &grads,
                ),
                tol::<f32>(),
            ),
            _ => (
                optimizer_steps(
                    Torch::<f64>::from_settings(kind, &run["settings"]),
                    &p0,
                    &grads,
                ),
                tol::<f64>(),
            ),
        };
        let theirs: Vec<Vec<f64>> = run["after_each_step"]
            .as_array()
            .unwrap()
            .iter()
            .map(numbers)
            .collect();
        let mut worst = Diff::default();
        for (step, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            let d = diff(a, b);
            if d.scaled > tol {
                ok = false;
                writeln!(
                    report,
                    "  {name} {dtype} step {}: ours {a:?}\n    torch {b:?}  FAIL",
                    step + 1
                )
                .unwrap();
            }
            worst.abs = worst.abs.max(d.abs);
            worst.scaled = worst.scaled.max(d.scaled);
            worst.elementwise = worst.elementwise.max(d.elementwise);
        }
        writeln!(
            report,
            "  {name:<16} {dtype}  max abs {:.2e}  max rel (floor s) {:.2e}  max plain rel {:.2e}",
            worst.abs, worst.scaled, worst.elementwise
        )
        .unwrap();
    }
    println!(
        "optimizers alone, six steps each, against torch {}:\n{report}",
        steps["torch_version"]
    );
    assert!(ok, "an optimizer disagrees with PyTorch:\n{report}");
}
