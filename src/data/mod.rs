//! Feeding a data set to a training loop: [`Batches`](batches::Batches) of its rows, in order or
//! shuffled by a seed, the last, shorter batch typed apart from the full ones.

pub(crate) mod batches;
