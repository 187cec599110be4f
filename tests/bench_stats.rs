//! The benchmark's statistics, `bench/src/stats.rs`, tested here: the benchmark crate is not a
//! default member of the workspace, so its own tests would not run under `cargo test`. The file
//! is plain `std`; its `#[cfg(test)]` tests run as this test binary's. Not in the published
//! package, which has no `bench/`.

#[path = "../bench/src/stats.rs"]
mod stats;
