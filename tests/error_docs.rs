//! Keeps `src/errors.rs` (the `shapegrad::errors` docs page) and the UI suite in `ui-tests/` true
//! to each other.
//!
//! The page is a list of sections. Each names one case on a line of its own,
//! "Case `ui-tests/fail/<topic>/<case>.rs`:", followed by a `text` code block quoting the
//! diagnostic and a `diff` code block showing the fix. The checks are strict:
//!
//! - the `text` block is the first lines of the case's `.stderr` snapshot, verbatim, starting at
//!   its first `error` line;
//! - the `diff` block's `-` lines are exactly the lines of the failing case that its pass twin
//!   replaces, and its `+` lines exactly the replacements;
//! - every case in `ui-tests/fail/` is documented once, and every case has a snapshot and a pass twin;
//! - a snapshot longer than [`MAX_LINES`] is listed in [`LONG`] with the reason.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The length a snapshot should keep to.
const MAX_LINES: usize = 20;

/// Snapshots longer than [`MAX_LINES`], and why. rustc prints these lines; they are not trimmed
/// by hand. Remove an entry when its snapshot gets short enough.
const LONG: &[(&str, &str)] = &[];

const TOPICS: &[&str] = &["matmul", "views", "backward", "dims", "dyn", "construction"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_owned()).collect()
}

/// Every failing case, as `topic/name`.
fn cases() -> BTreeSet<String> {
    let mut cases = BTreeSet::new();
    for topic in TOPICS {
        let dir = root().join("ui-tests/fail").join(topic);
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "rs") {
                let name = path.file_stem().unwrap().to_str().unwrap();
                cases.insert(format!("{topic}/{name}"));
            }
        }
    }
    cases
}

fn fail_rs(case: &str) -> PathBuf {
    root().join(format!("ui-tests/fail/{case}.rs"))
}

fn pass_rs(case: &str) -> PathBuf {
    root().join(format!("ui-tests/pass/{case}.rs"))
}

fn stderr(case: &str) -> PathBuf {
    root().join(format!("ui-tests/fail/{case}.stderr"))
}

/// The lines that differ between a failing case and its pass twin: (removed, added). The twins
/// must be one file with one contiguous change.
fn fix(case: &str) -> (Vec<String>, Vec<String>) {
    let fail = lines(&read(&fail_rs(case)));
    let pass = lines(&read(&pass_rs(case)));
    let prefix = fail.iter().zip(&pass).take_while(|(a, b)| a == b).count();
    let suffix = fail[prefix..]
        .iter()
        .rev()
        .zip(pass[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        fail[prefix..fail.len() - suffix].to_vec(),
        pass[prefix..pass.len() - suffix].to_vec(),
    )
}

/// One documented case: its name, the quoted diagnostic and the diff.
struct Section {
    case: String,
    quote: Vec<String>,
    diff: Vec<String>,
}

/// Parses `src/errors.rs`.
fn sections() -> Vec<Section> {
    let page = read(&root().join("src/errors.rs"));
    let mut doc = Vec::new();
    for (n, line) in page.lines().enumerate() {
        let text = line
            .strip_prefix("//!")
            .unwrap_or_else(|| panic!("src/errors.rs:{}: not a `//!` line", n + 1));
        doc.push(text.strip_prefix(' ').unwrap_or(text).trim_end().to_owned());
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut lines = doc.iter();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("Case `") {
            let case = rest
                .strip_prefix("ui-tests/fail/")
                .and_then(|r| r.strip_suffix(".rs`:"))
                .unwrap_or_else(|| panic!("malformed case line: {line}"));
            sections.push(Section {
                case: case.to_owned(),
                quote: Vec::new(),
                diff: Vec::new(),
            });
        } else if line == "```text" || line == "```diff" {
            let section = sections
                .last_mut()
                .unwrap_or_else(|| panic!("{line} block before any Case line"));
            let block = if line == "```text" {
                &mut section.quote
            } else {
                &mut section.diff
            };
            assert!(block.is_empty(), "{}: a second {line} block", section.case);
            for l in lines.by_ref().take_while(|l| *l != "```") {
                block.push(l.clone());
            }
        }
    }
    sections
}

#[test]
fn every_case_is_documented_once() {
    let documented: Vec<String> = sections().into_iter().map(|s| s.case).collect();
    let unique: BTreeSet<String> = documented.iter().cloned().collect();
    assert_eq!(unique.len(), documented.len(), "a case is documented twice");
    let cases = cases();
    let missing: Vec<_> = cases.difference(&unique).collect();
    let stale: Vec<_> = unique.difference(&cases).collect();
    assert!(
        missing.is_empty(),
        "cases missing from src/errors.rs: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "src/errors.rs documents cases that do not exist: {stale:?}"
    );
}

#[test]
fn every_quote_is_the_start_of_its_snapshot() {
    for s in sections() {
        let snapshot = lines(&read(&stderr(&s.case)));
        assert!(!s.quote.is_empty(), "{}: no ```text block", s.case);
        let first_error = snapshot
            .iter()
            .find(|l| l.starts_with("error"))
            .unwrap_or_else(|| panic!("{}: snapshot has no error line", s.case));
        assert_eq!(
            &s.quote[0], first_error,
            "{}: the quote must start at the snapshot's first error line",
            s.case
        );
        let start = snapshot.iter().position(|l| l == first_error).unwrap();
        assert!(
            snapshot[start..].starts_with(&s.quote),
            "{}: the quote is not verbatim from ui-tests/fail/{}.stderr\nquoted:\n{}\nsnapshot:\n{}",
            s.case,
            s.case,
            s.quote.join("\n"),
            snapshot.join("\n")
        );
    }
}

#[test]
fn every_diff_is_the_fix_between_the_twins() {
    for s in sections() {
        let (removed, added) = fix(&s.case);
        let mut doc_removed = Vec::new();
        let mut doc_added = Vec::new();
        for line in &s.diff {
            match line.split_at_checked(1) {
                Some(("-", rest)) => doc_removed.push(rest.to_owned()),
                Some(("+", rest)) => doc_added.push(rest.to_owned()),
                _ => panic!("{}: diff line without `-` or `+`: {line:?}", s.case),
            }
        }
        assert_eq!(doc_removed, removed, "{}: `-` lines of the fix", s.case);
        assert_eq!(doc_added, added, "{}: `+` lines of the fix", s.case);
    }
}

#[test]
fn every_case_has_a_snapshot_and_a_pass_twin_that_differs_only_in_the_fix() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} compile-fail cases", cases.len());
    for case in &cases {
        assert!(stderr(case).is_file(), "{case}: no .stderr snapshot");
        assert!(pass_rs(case).is_file(), "{case}: no pass twin");
        let (removed, added) = fix(case);
        assert!(
            !removed.is_empty() || !added.is_empty(),
            "{case}: the twins are identical"
        );
    }
    for topic in TOPICS {
        for side in ["fail", "pass"] {
            let dir = root().join("ui-tests").join(side).join(topic);
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_stem().unwrap().to_str().unwrap();
                let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
                let known = match (side, ext) {
                    ("fail", "rs" | "stderr") | ("pass", "rs") => {
                        cases.contains(&format!("{topic}/{name}"))
                    }
                    _ => false,
                };
                assert!(known, "stray file: {}", path.display());
            }
        }
    }
    assert!(
        !root().join("wip").exists(),
        "trybuild left `wip/` behind: review or delete it"
    );
}

#[test]
fn snapshots_are_short_or_explained() {
    let long: BTreeSet<&str> = LONG.iter().map(|(case, _)| *case).collect();
    let mut unexplained = Vec::new();
    let mut stale = Vec::new();
    for case in cases() {
        let n = read(&stderr(&case)).lines().count();
        match (n > MAX_LINES, long.contains(case.as_str())) {
            (true, false) => unexplained.push(format!("{case} ({n} lines)")),
            (false, true) => stale.push(format!("{case} ({n} lines)")),
            _ => {}
        }
    }
    assert!(
        unexplained.is_empty(),
        "snapshots over {MAX_LINES} lines, not listed in LONG: {unexplained:?}"
    );
    assert!(
        stale.is_empty(),
        "listed in LONG but {MAX_LINES} lines or fewer now: {stale:?}"
    );
}

/// The README's example error is quoted from a snapshot: its lines must appear there, in order.
#[test]
fn the_readme_quotes_a_real_snapshot() {
    let readme = read(&root().join("README.md"));
    let case = "backward/square_dx_missing_t";
    assert!(
        readme.contains(&format!("ui-tests/fail/{case}.rs")),
        "the README names the case it quotes"
    );
    let quote: Vec<&str> = readme
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the README has a text block with the error")
        .lines()
        .collect();
    let snapshot = lines(&read(&stderr(case)));
    let mut rest = snapshot.iter();
    for line in &quote {
        assert!(
            rest.any(|s| s == line),
            "README line not in {case}.stderr (in order): {line:?}"
        );
    }
    assert!(quote.len() >= 5 && quote[0].starts_with("error[E0277]: inner dimensions"));
}
