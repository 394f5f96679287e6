//! `cargo xtask gen` and `cargo xtask check`.

use std::collections::BTreeMap;
use std::fs;

use codegen::{Config, output};
use similar::TextDiff;

use crate::root;

const SPEC: &str = "openapi/atlas.yaml";
const CONFIG: &str = "openapi/codegen.toml";
const OUT: &str = "generated";

/// Generates the Atlas crate in memory.
pub fn atlas_files() -> Result<BTreeMap<String, String>, String> {
    let root = root();
    let spec = fs::read_to_string(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let mut config = Config::from_toml_file(&root.join(CONFIG))?;
    config.generated_by = "cargo xtask gen".to_owned();
    let krate = codegen::generate(&spec, SPEC, &config)
        .map_err(|d| format!("generating from {SPEC} failed:\n{d}"))?;
    Ok(krate.files)
}

pub fn write() -> Result<(), String> {
    let files = atlas_files()?;
    let out = root().join(OUT);
    let report = output::write_crate(&out, &files).map_err(|e| format!("cannot write {OUT}/: {e}"))?;
    for f in &report.written {
        println!("wrote   {OUT}/{f}");
    }
    for f in &report.removed {
        println!("removed {OUT}/{f}");
    }
    println!(
        "{OUT}/: {} written, {} unchanged, {} removed",
        report.written.len(),
        report.unchanged,
        report.removed.len()
    );
    Ok(())
}

pub fn check() -> Result<(), String> {
    let expected = atlas_files()?;
    let actual = output::read_crate(&root().join(OUT)).map_err(|e| format!("cannot read {OUT}/: {e}"))?;
    let diff = drift(&expected, &actual);
    if diff.is_empty() {
        println!("{OUT}/ is up to date with {SPEC}");
        return Ok(());
    }
    print!("{diff}");
    Err(format!("{OUT}/ has drifted from {SPEC}; run `cargo xtask gen` and commit the result"))
}

/// A unified diff from what is on disk to what would be generated; empty when identical.
pub fn drift(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let paths: std::collections::BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    for path in paths {
        let (old, new) = (actual.get(path), expected.get(path));
        if old == new {
            continue;
        }
        let (old, new) = (old.map(String::as_str).unwrap_or(""), new.map(String::as_str).unwrap_or(""));
        let a = format!("a/{OUT}/{path}");
        let b = format!("b/{OUT}/{path}");
        out.push_str(
            &TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(&a, &b).to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_shows_changed_added_and_removed_files() {
        let mut expected = BTreeMap::new();
        expected.insert("src/a.rs".to_owned(), "one\ntwo\n".to_owned());
        expected.insert("src/new.rs".to_owned(), "x\n".to_owned());
        let mut actual = BTreeMap::new();
        actual.insert("src/a.rs".to_owned(), "one\nTWO\n".to_owned());
        actual.insert("src/old.rs".to_owned(), "y\n".to_owned());
        let diff = drift(&expected, &actual);
        assert!(diff.contains("-TWO\n+two\n"), "{diff}");
        assert!(diff.contains("+++ b/generated/src/new.rs"), "{diff}");
        assert!(diff.contains("--- a/generated/src/old.rs"), "{diff}");
        assert!(drift(&expected, &expected).is_empty());
    }
}

#[cfg(test)]
mod readme_tests {
    /// The README's usage example is `generated/examples/quickstart.rs`, which CI compiles; the
    /// two must not drift apart.
    #[test]
    fn readme_example_is_the_compiled_quickstart() {
        let readme = std::fs::read_to_string(crate::root().join("README.md")).unwrap();
        let start =
            readme.find("```rust,no_run\n").expect("README has a rust example") + "```rust,no_run\n".len();
        let end = start + readme[start..].find("```").expect("the example is closed");
        let example =
            std::fs::read_to_string(crate::root().join("generated/examples/quickstart.rs")).unwrap();
        assert_eq!(
            &readme[start..end],
            example,
            "README example and generated/examples/quickstart.rs differ"
        );
    }
}
