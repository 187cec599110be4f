//! Keeps `docs/errors.md` (the `shapegrad::errors` page) true to the UI suite. After each
//! `<!-- case: topic/name -->` marker come three blocks: the bug (`rust,ignore`), whose lines are in
//! `ui-tests/fail/<case>.rs`; the error (`text`), whose lines are in `<case>.stderr`, contiguous and
//! in order; the fix (`rust,ignore`), whose lines are in the pass twin `ui-tests/pass/<case>.rs`.
//! README.md's one quoted error is held to the same rules.

use std::fs;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The `# ` headings the cases are grouped under, in order.
const KINDS: &str = "Products, Gradients, Literals and spellings, Element types, `Dyn`, Views, Autodiff graphs, Attention";

fn read(path: &str) -> String {
    fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A code block (info string, lines) and a case (name, the `# ` heading it is under, blocks).
type Block<'a> = (&'a str, Vec<&'a str>);
type Case<'a> = (&'a str, &'a str, Vec<Block<'a>>);

fn parse(page: &str) -> Vec<Case<'_>> {
    let (mut cases, mut kind, mut block) = (Vec::<Case>::new(), "", None::<Block>);
    for line in page.lines().map(str::trim_end) {
        let case = line.strip_prefix("<!-- case: ");
        match (&mut block, line.strip_prefix("```"), case) {
            // A block before the first marker belongs to no case.
            (Some(_), Some(""), _) => match cases.last_mut() {
                Some(case) => case.2.extend(block.take()),
                None => block = None,
            },
            (Some((.., lines)), ..) => lines.push(line),
            (None, Some(info), _) => block = Some((info, vec![])),
            (None, _, Some(name)) => cases.push((name.trim_end_matches(" -->"), kind, vec![])),
            (None, ..) => kind = line.strip_prefix("# ").unwrap_or(kind),
        }
    }
    cases
}

/// What is wrong with one case, if anything.
fn check((name, _, blocks): &Case) -> Vec<String> {
    let [("rust,ignore", bug), ("text", quote), ("rust,ignore", fix)] = &blocks[..] else {
        return vec![format!("{name}: want a bug, an error and a fix block")];
    };
    if !quote.first().is_some_and(|l| l.starts_with("error")) {
        return vec![format!("{name}: the quote must start at an `error` line")];
    }
    let [fail, pass] = ["fail", "pass"].map(|side| read(&format!("ui-tests/{side}/{name}.rs")));
    let stderr = read(&format!("ui-tests/fail/{name}.stderr"));
    let stderr: Vec<&str> = stderr.lines().map(str::trim_end).collect();
    let has = |file: &str, line: &&str| file.lines().any(|l| l.trim() == line.trim());
    let mut out = Vec::new();
    if !stderr.windows(quote.len()).any(|w| w == &quote[..]) {
        let at = stderr.iter().position(|l| *l == quote[0]).unwrap_or(0);
        let pairs = quote.iter().zip(&stderr[at..]);
        let k = pairs.take_while(|(q, s)| q == s).count();
        let (n, m, page) = (k + 1, at + k + 1, quote[k]);
        let file = stderr.get(at + k).unwrap_or(&"(end of file)");
        out.push(format!(
            "{name}: quote line {n} is {page:?}\n  but .stderr line {m} is {file:?}"
        ));
    }
    for (side, file, lines) in [("fail", &fail, bug), ("pass", &pass, fix)] {
        for line in lines.iter().filter(|l| !has(file, l)) {
            out.push(format!("{name}: {line:?} is not in {side}/{name}.rs"));
        }
    }
    if bug.iter().all(|l| has(&pass, l)) || fix.iter().all(|l| has(&fail, l)) {
        out.push(format!("{name}: the bug and fix blocks show no change"));
    }
    out
}

#[test]
fn the_errors_page_quotes_the_ui_suite() {
    let page = read("docs/errors.md");
    let cases = parse(&page);
    let mut kinds: Vec<&str> = cases.iter().map(|c| c.1).collect();
    kinds.dedup();
    assert_eq!(kinds.join(", "), KINDS, "the kind headings");
    let n = cases.len();
    assert!((15..=30).contains(&n), "{n} cases, not 15 to 30");
    let problems = cases.iter().flat_map(check).collect::<Vec<_>>().join("\n");
    assert!(problems.is_empty(), "docs/errors.md:\n{problems}");
}

/// The README's one quoted error is checked the same way.
#[test]
fn the_readme_quotes_the_ui_suite() {
    let readme = read("README.md");
    let cases = parse(&readme);
    assert_eq!(cases.len(), 1, "README.md quotes one case");
    let problems = check(&cases[0]).join("\n");
    assert!(problems.is_empty(), "README.md:\n{problems}");
}
