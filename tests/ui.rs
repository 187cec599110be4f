//! The compile-time guarantees, checked: every case in `ui-tests/fail/` must fail to build with
//! exactly the diagnostic in its `.stderr` snapshot, and its twin in `ui-tests/pass/`, the same
//! file with the bug fixed, must build and run.
//!
//! Bless new or changed snapshots deliberately with `TRYBUILD=overwrite cargo test --test ui`,
//! then read every `.stderr` diff (`git diff ui-tests`) before committing it.

use std::path::Path;

const TOPICS: [&str; 11] = [
    "matmul",
    "views",
    "backward",
    "dims",
    "dyn",
    "construction",
    "graph",
    "reduce",
    "ops",
    "batched",
    "attention",
];

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for topic in TOPICS {
        t.compile_fail(format!("ui-tests/fail/{topic}/*.rs"));
        t.pass(format!("ui-tests/pass/{topic}/*.rs"));
    }
}

/// Every failing case has a reviewed snapshot and a passing twin, and every twin a failing case;
/// no file sits outside the topics the suite runs.
#[test]
fn every_case_has_a_snapshot_and_a_twin() {
    let names = |dir: &Path, ext: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .map(|p| {
                p.file_stem()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        v.sort();
        v
    };
    for side in ["fail", "pass"] {
        let mut topics: Vec<String> = TOPICS.map(String::from).to_vec();
        topics.sort();
        let found: Vec<String> = std::fs::read_dir(Path::new("ui-tests").join(side))
            .expect("ui-tests/{side}")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(
            found, topics,
            "ui-tests/{side} holds exactly the suite's topics"
        );
    }
    for topic in TOPICS {
        let fail = Path::new("ui-tests/fail").join(topic);
        let pass = Path::new("ui-tests/pass").join(topic);
        let cases = names(&fail, "rs");
        assert!(!cases.is_empty(), "{}: no cases", fail.display());
        assert_eq!(
            cases,
            names(&fail, "stderr"),
            "{}: a case without its snapshot, or the other way round",
            fail.display()
        );
        assert_eq!(
            cases,
            names(&pass, "rs"),
            "{topic}: a failing case without its passing twin, or the other way round"
        );
    }
}
