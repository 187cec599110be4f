//! An MLP that reads handwritten digits: scikit-learn's 1,797 8×8 images of the digits 0 to 9
//! (`data/digits.csv.gz`, the UCI data set; see `data/README.md`), trained with typed autodiff.
//!
//! The model is `Pixels → Hidden (ReLU) → Classes`, its dimensions declared once below, so the
//! types read as the architecture: a weight declared `Hidden × Pixels`, a bias of the wrong
//! orientation or logits of the wrong width do not compile. The number of images is read from
//! the file, so it is a runtime dimension (`Images`), bound once when the data is loaded.
//!
//! A seeded 80/20 split; each epoch shuffles the training images by `(seed, epoch)` into batches
//! of `Batch` rows (the last one shorter, `Dyn` rows, through the same generic step) and trains
//! with Adam on softmax cross-entropy, on one thread. Prints a line per epoch (mean loss, train
//! and test accuracy, time) and exits non-zero unless the test accuracy reaches 95 %.
//!
//! Run with `cargo run --release --example digits`.

use std::error::Error;
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use shapegrad::graph::Tape;
use shapegrad::nn::{Adam, Linear, Optimizer, Params, Visit};
use shapegrad::{Batches, Dim, Matrix, Threads, dim, make_guard, set_default_threads};

dim!(Images = dyn, Pixels = 64, Hidden = 128, Classes = 10, Batch = 32);

const SEED: u64 = 2024;
const EPOCHS: u64 = 30;
const LEARNING_RATE: f32 = 3e-3;
const TARGET_ACCURACY: f64 = 0.95;

/// The classifier: its layers' types say the network's shape.
struct Mlp {
    hidden: Linear<Pixels, Hidden>,
    out: Linear<Hidden, Classes>,
}

impl Params<f32> for Mlp {
    fn visit_params<V: Visit<f32>>(&mut self, v: &mut V) {
        self.hidden.visit_params(v);
        self.out.visit_params(v);
    }
}

impl Mlp {
    /// The class scores of each row of `x`, without a graph: for evaluation.
    fn logits<R: Dim>(&self, x: &Matrix<R, Pixels>) -> Matrix<R, Classes> {
        let mut h = x.matmul(&self.hidden.weight);
        h.add_row_to_each(&self.hidden.bias);
        let mut logits = h.relu().matmul(&self.out.weight);
        logits.add_row_to_each(&self.out.bias);
        logits
    }

    /// The fraction of rows of `x` whose highest score is their label.
    fn accuracy<R: Dim>(&self, x: &Matrix<R, Pixels>, labels: &[usize]) -> f64 {
        let logits = self.logits(x);
        let right = (0..logits.rows())
            .filter(|&i| argmax(&logits, i) == labels[i])
            .count();
        right as f64 / labels.len().max(1) as f64
    }
}

/// The column of row `i`'s largest element.
fn argmax<R: Dim>(m: &Matrix<R, Classes>, i: usize) -> usize {
    (0..m.cols())
        .max_by(|&a, &b| m[(i, a)].total_cmp(&m[(i, b)]))
        .unwrap_or(0)
}

/// One training step on a batch of any number of rows `R`; returns the batch's mean loss.
fn step<R: Dim>(
    model: &mut Mlp,
    adam: &mut Adam,
    tape: &mut Tape,
    x: &Matrix<R, Pixels>,
    labels: &[usize],
) -> Result<f32, Box<dyn Error>> {
    make_guard!(guard);
    let g = tape.graph(guard);
    let h = g.relu(model.hidden.forward(&g, g.input(x)));
    let logits = model.out.forward(&g, h);
    let loss = g.cross_entropy(logits, labels)?;
    let value = g.scalar(loss);
    let grads = g.backward(loss);
    adam.step(model, &grads);
    Ok(value)
}

/// The images, one per row, and their labels.
type Digits = (Matrix<Images, Pixels>, Vec<usize>);

/// The images, scaled to `[0, 1]`, and their labels, from the compressed CSV.
fn load() -> Result<Digits, Box<dyn Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    let (mut pixels, mut labels) = (Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != Pixels.size() + 1 {
            return Err(format!(
                "{path}, line {}: {} fields, expected {} pixels and a label",
                n + 1,
                fields.len(),
                Pixels.size()
            )
            .into());
        }
        for f in &fields[..Pixels.size()] {
            pixels.push(f.trim().parse::<f32>()? / 16.0);
        }
        let label: usize = fields[Pixels.size()].trim().parse()?;
        if label >= Classes.size() {
            return Err(format!("{path}, line {}: label {label} is not a digit", n + 1).into());
        }
        labels.push(label);
    }
    // The number of images is known only now: bind it, once.
    let images = Images::bind(labels.len())?;
    let x = Matrix::try_from_vec_with(images, Pixels, pixels)?;
    Ok((x, labels))
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("digits: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool, Box<dyn Error>> {
    set_default_threads(Threads::Sequential);
    let start = Instant::now();
    let (x, labels) = load()?;

    // A seeded split: the first 80 % of a shuffled order for training, the rest for testing.
    let order = Batches::<Batch>::shuffled(labels.len(), SEED, 0);
    let n_train = labels.len() * 4 / 5;
    let (train_idx, test_idx) = order.order().split_at(n_train);
    let (x_train, x_test) = (x.select_rows(train_idx), x.select_rows(test_idx));
    let gather = |idx: &[usize]| idx.iter().map(|&i| labels[i]).collect::<Vec<_>>();
    let (y_train, y_test) = (gather(train_idx), gather(test_idx));
    println!(
        "digits: {} images of {} pixels, {} for training and {} for testing; \
         {}-{}-{} MLP, Adam, batches of {}, one thread",
        labels.len(),
        Pixels.size(),
        n_train,
        labels.len() - n_train,
        Pixels.size(),
        Hidden.size(),
        Classes.size(),
        Batch.size()
    );

    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let mut model = Mlp {
        hidden: Linear::new(&mut rng),
        out: Linear::new(&mut rng),
    };
    let (mut adam, mut tape) = (Adam::new(LEARNING_RATE), Tape::new());
    println!("epoch   loss     train acc   test acc   time");
    let mut test_accuracy = 0.0;
    for epoch in 0..EPOCHS {
        let epoch_start = Instant::now();
        let (mut loss_sum, mut rows) = (0.0f64, 0usize);
        for batch in &Batches::<Batch>::shuffled(n_train, SEED, epoch + 1) {
            let (loss, n) = match batch {
                shapegrad::Batch::Full(b) => {
                    let ys = b.try_gather_slice(&y_train)?;
                    let x = b.try_gather(&x_train)?;
                    (step(&mut model, &mut adam, &mut tape, &x, &ys)?, ys.len())
                }
                shapegrad::Batch::Rest(b) => {
                    let ys = b.try_gather_slice(&y_train)?;
                    let x = b.try_gather(&x_train)?;
                    (step(&mut model, &mut adam, &mut tape, &x, &ys)?, ys.len())
                }
            };
            loss_sum += f64::from(loss) * n as f64;
            rows += n;
        }
        let train_accuracy = model.accuracy(&x_train, &y_train);
        test_accuracy = model.accuracy(&x_test, &y_test);
        println!(
            "{:>5}   {:.4}   {:>8.2} %  {:>7.2} %   {:.2} ms",
            epoch + 1,
            loss_sum / rows as f64,
            100.0 * train_accuracy,
            100.0 * test_accuracy,
            epoch_start.elapsed().as_secs_f64() * 1e3
        );
    }
    let ok = test_accuracy >= TARGET_ACCURACY;
    println!(
        "digits check: {} (test accuracy {:.2} %, target {:.0} %; {:.2} s in all)",
        if ok { "OK" } else { "FAILED" },
        100.0 * test_accuracy,
        100.0 * TARGET_ACCURACY,
        start.elapsed().as_secs_f64()
    );
    Ok(ok)
}
