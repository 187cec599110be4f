//! The compile-time guarantees, checked: every case in `ui-tests/fail/` must fail to build with
//! exactly the diagnostic in its `.stderr` snapshot, and its twin in `ui-tests/pass/`, the same
//! file with the bug fixed, must build and run.
//!
//! Bless new or changed snapshots deliberately with `TRYBUILD=overwrite cargo test --test ui`,
//! then read every `.stderr` diff (`git diff ui-tests`) before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for topic in ["matmul", "views", "backward", "dims", "dyn", "construction"] {
        t.compile_fail(format!("ui-tests/fail/{topic}/*.rs"));
        t.pass(format!("ui-tests/pass/{topic}/*.rs"));
    }
}
