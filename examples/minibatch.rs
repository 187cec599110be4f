//! Minibatch gradient descent on a data set whose size is known only at run time.
//!
//! Linear regression: `n` rows of 8 features drawn uniformly from `[-1, 1)`, targets
//! `y = x·w* + noise` with 2 outputs and uniform noise in `[-0.1, 0.1)`, all from fixed seeds. The
//! data set is a `Matrix<Dyn, In>`; its first 80% are for training and the rest for validation,
//! both views of it (`rows_range`, no copy). Each epoch shuffles the training rows by
//! `(seed, epoch)` and cuts them into batches of the static size `B`: full batches gather into
//! `Matrix<B, In>`, the last, shorter one into `Matrix<Dyn, In>`, and the one generic `step`
//! trains on both, with the typed backward pass of `MatMul`.
//!
//! Run with `cargo run --release --example minibatch`. Prints the losses of each epoch; exits
//! non-zero if the learned weights are not within 0.02 of `w*` or the validation loss is not near
//! the noise's; the last line starts `minibatch check: OK` when both hold.

use std::process::ExitCode;
use std::time::Instant;

use shapegrad::{Batch, Batches, Dim, Dyn, MatMul, MatRef, Matrix, dim};

dim!(B = 64, In = 8, Out = 2);

/// The number of rows. The data set's row dimension is `Dyn`, as for data read from a file: the
/// code below takes `n` as a value and would run unchanged with a number read at run time.
const ROWS: usize = 1000;
const SEED: u64 = 7;
const EPOCHS: u64 = 20;
const LEARNING_RATE: f32 = 0.1;
/// The noise is uniform in `[-NOISE, NOISE)`.
const NOISE: f32 = 0.1;
/// The largest difference allowed between a learned weight and the true one.
const TOLERANCE: f32 = 0.02;

/// One step of gradient descent on a batch of any number of rows `R`, for the loss
/// `l = 1/(2m) · Σ ‖x·w − y‖²` over its `m` rows. Returns `Σ ‖x·w − y‖²` before the step.
fn step<R: Dim>(w: &mut Matrix<In, Out>, x: &Matrix<R, In>, y: &Matrix<R, Out>) -> f32 {
    let m = x.rows() as f32;
    let (squared_error, dw) = {
        let forward = MatMul::forward(x, &*w);
        let residual: Matrix<R, Out> = forward.output() - y;
        // dl/dY = (x·w − y) / m, and dl/dw = xᵀ · dl/dY: In × Out, the shape of w.
        let dy = &residual * (1.0 / m);
        (residual.map(|r| r * r).sum(), forward.backward_a(&dy))
    };
    *w -= &(&dw * LEARNING_RATE);
    squared_error
}

/// The mean squared error of `x·w` against `y`, per element.
fn mean_squared_error(x: MatRef<'_, Dyn, In>, y: MatRef<'_, Dyn, Out>, w: &Matrix<In, Out>) -> f32 {
    let residual = &x.matmul(w) - &y.to_matrix();
    residual.map(|r| r * r).sum() / (residual.rows() * residual.cols()) as f32
}

fn main() -> ExitCode {
    let start = Instant::now();
    let n = ROWS;

    // The data set, built at run time: its row count is a value, so its row dimension is Dyn.
    let w_star = Matrix::<In, Out>::from_fn(|i, j| ((i + 3 * j) as f32 * 0.7).sin());
    let x = Matrix::<Dyn, In>::rand_with(Dyn(n), In, SEED).map(|v| 2.0 * v - 1.0);
    let noise =
        Matrix::<Dyn, Out>::rand_with(Dyn(n), Out, SEED + 1).map(|v| NOISE * (2.0 * v - 1.0));
    let y = &x.matmul(&w_star) + &noise;

    // Training and validation rows: views of the data set, not copies.
    let n_train = n - n / 5;
    let (x_train, x_val) = (x.rows_range(0..n_train), x.rows_range(n_train..n));
    let (y_train, y_val) = (y.rows_range(0..n_train), y.rows_range(n_train..n));

    let b = B.size();
    println!(
        "linear regression, {n} rows of {} features and {} outputs: {n_train} for training, {} for \
         validation",
        In.size(),
        Out.size(),
        n - n_train
    );
    println!(
        "each epoch: {} batches of {b} rows (Matrix<B, In>) and {} (Matrix<Dyn, In>)",
        n_train / b,
        match n_train % b {
            0 => "no shorter one".to_owned(),
            rest => format!("one of {rest}"),
        }
    );
    let noise_floor = NOISE * NOISE / 3.0; // the variance of the uniform noise
    println!("noise floor (the noise's mean square): {noise_floor:.6}");
    println!();
    println!("epoch   train loss   validation loss");

    let mut w = Matrix::<In, Out>::zeros();
    for epoch in 0..EPOCHS {
        let mut squared_error = 0.0;
        for batch in &Batches::<B>::shuffled(n_train, SEED, epoch) {
            // Features and targets gathered with the same indices; one step function for both.
            squared_error += match batch {
                Batch::Full(rows) => step(&mut w, &rows.gather(x_train), &rows.gather(y_train)),
                Batch::Rest(rows) => step(&mut w, &rows.gather(x_train), &rows.gather(y_train)),
            };
        }
        let train = squared_error / (n_train * Out.size()) as f32;
        let val = mean_squared_error(x_val, y_val, &w);
        println!("{epoch:>5}   {train:>10.6}   {val:>15.6}");
    }

    let worst = (0..In.size())
        .flat_map(|i| (0..Out.size()).map(move |j| (i, j)))
        .map(|(i, j)| (w[(i, j)] - w_star[(i, j)]).abs())
        .fold(0.0f32, f32::max);
    let val = mean_squared_error(x_val, y_val, &w);
    let elapsed = start.elapsed();
    println!();
    println!("largest |w - w*|: {worst:.5} (allowed {TOLERANCE})");
    println!(
        "validation loss / noise floor: {:.3} (allowed 1.5)",
        val / noise_floor
    );
    println!("time: {:.1} ms", elapsed.as_secs_f64() * 1e3);
    if worst <= TOLERANCE && val <= 1.5 * noise_floor {
        println!(
            "minibatch check: OK (the weights learned from {n} rows in batches of {b} are within \
             {TOLERANCE} of w*)"
        );
        ExitCode::SUCCESS
    } else {
        println!("minibatch check: FAILED");
        ExitCode::FAILURE
    }
}
