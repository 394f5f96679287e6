//! `cargo xtask corpus <DIR> [--jobs N] [--json OUT] [--expect-ok] [--examples] [--clippy] [--doc]`
//!
//! Generates a crate for every spec in DIR, `cargo check`s it (`cargo clippy` with `--clippy`,
//! so that clippy's default lints count as warnings too) and prints one row per spec:
//! `ok` (compiles with zero warnings), `warnings`, `compile-error`, `gen-error` (with the first
//! diagnostic), `panic` or `unsupported` (with the reason). Scratch crates live in
//! `target/corpus/<spec>`; all checks share one target directory per job, so dependencies are
//! built once.

use std::fmt::Write as _;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::process::{last_line, run_bounded};
use crate::root;
use codegen::Config;

/// A check that takes longer than this is stopped and reported as a compile error.
const CHECK_TIMEOUT: Duration = Duration::from_secs(900);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warnings,
    CompileError,
    GenError,
    Panic,
    Unsupported,
    /// Compiles, but an example of the spec does not survive decoding and encoding.
    Examples,
    /// Compiles, but a usage example in its docs does not.
    DocTests,
}

impl Status {
    fn label(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warnings => "warnings",
            Status::CompileError => "compile-error",
            Status::GenError => "gen-error",
            Status::Panic => "panic",
            Status::Unsupported => "unsupported",
            Status::Examples => "examples",
            Status::DocTests => "doc-tests",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub spec: String,
    /// Name of the generated crate (and of its scratch directory).
    pub crate_name: String,
    pub status: Status,
    pub gen_ms: u128,
    pub check_ms: u128,
    pub lines: usize,
    pub warnings: usize,
    pub gen_warnings: usize,
    pub detail: String,
}

struct Options {
    dir: PathBuf,
    jobs: usize,
    json: Option<PathBuf>,
    expect_ok: bool,
    checks: Checks,
}

/// What is run on each generated crate besides generating it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    /// Run the crate's example round-trip test after a clean check.
    pub examples: bool,
    /// `cargo clippy` instead of `cargo check`: clippy's default lints count as warnings.
    pub clippy: bool,
    /// Compile the usage examples in the crate's docs (`cargo test --doc`) after a clean check.
    pub doc: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut it = args.iter();
    let mut opts =
        Options { dir: PathBuf::new(), jobs: 1, json: None, expect_ok: false, checks: Checks::default() };
    let mut dir = None;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--jobs" => {
                opts.jobs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--jobs takes a positive number")?
            }
            "--json" => opts.json = Some(PathBuf::from(it.next().ok_or("--json takes a file")?)),
            "--expect-ok" => opts.expect_ok = true,
            "--examples" => opts.checks.examples = true,
            "--clippy" => opts.checks.clippy = true,
            "--doc" => opts.checks.doc = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => dir = Some(PathBuf::from(other)),
        }
    }
    opts.dir = dir.ok_or(
        "usage: cargo xtask corpus <DIR> [--jobs N] [--json OUT] [--expect-ok] [--examples] [--clippy] [--doc]",
    )?;
    Ok(opts)
}

/// The spec files of a directory, sorted.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .collect();
    specs.sort();
    Ok(specs)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let opts = parse(args)?;
    let dir = if opts.dir.is_absolute() {
        opts.dir.clone()
    } else {
        std::env::current_dir().unwrap_or_default().join(&opts.dir)
    };
    let specs = spec_files(&dir)?;
    if specs.is_empty() {
        return Err(format!("no .json/.yaml/.yml specs in {}", dir.display()));
    }
    let scratch = root().join("target/corpus");
    fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    println!(
        "{:<34} {:<13} {:>8} {:>9} {:>8} {:>5}  detail",
        "spec", "status", "gen ms", "check ms", "lines", "warn"
    );
    let next = AtomicUsize::new(0);
    let rows = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for job in 0..opts.jobs.min(specs.len()) {
            let (specs, next, rows, scratch) = (&specs, &next, &rows, &scratch);
            s.spawn(move || {
                let target = root().join(if job == 0 {
                    "target/generated-crates".to_owned()
                } else {
                    format!("target/generated-crates-{job}")
                });
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(spec) = specs.get(i) else { break };
                    let row = one(spec, scratch, &target, opts.checks);
                    print_row(&row);
                    rows.lock().unwrap_or_else(|p| p.into_inner()).push(row);
                }
            });
        }
    });
    let mut rows = rows.into_inner().unwrap_or_else(|p| p.into_inner());
    rows.sort_by(|a, b| a.spec.cmp(&b.spec));
    let ok = rows.iter().filter(|r| r.status == Status::Ok).count();
    println!("corpus: {ok} ok of {}", rows.len());
    if let Some(path) = &opts.json {
        fs::write(path, to_json(&rows)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if opts.expect_ok && ok != rows.len() {
        let bad: Vec<String> = rows
            .iter()
            .filter(|r| r.status != Status::Ok)
            .map(|r| format!("{} ({})", r.spec, r.status.label()))
            .collect();
        return Err(format!("not every spec is ok: {}", bad.join(", ")));
    }
    Ok(())
}

fn print_row(r: &Row) {
    let detail: String = r.detail.chars().take(160).collect();
    println!(
        "{:<34} {:<13} {:>8} {:>9} {:>8} {:>5}  {}",
        r.spec,
        r.status.label(),
        r.gen_ms,
        r.check_ms,
        r.lines,
        r.warnings,
        detail.replace('\n', " ")
    );
}

/// Generates (catching panics) and checks one spec.
pub fn one(spec: &Path, scratch: &Path, target: &Path, checks: Checks) -> Row {
    let (row, files) = generate_one(spec);
    let Some(files) = files else { return row };
    let has_examples = files.contains_key("src/examples.rs");
    let mut row = check_one(row, files, scratch, target, checks.clippy);
    if checks.examples
        && has_examples
        && row.status == Status::Ok
        && let Err(e) = examples_test(&scratch.join(&row.crate_name), target)
    {
        row.status = Status::Examples;
        row.detail = e;
    }
    if checks.doc
        && row.status == Status::Ok
        && let Err(e) = doc_test(&scratch.join(&row.crate_name), target)
    {
        row.status = Status::DocTests;
        row.detail = e;
    }
    row
}

/// Generation alone: the row, and the files to check unless generation failed (then the row is
/// final).
fn generate_one(spec: &Path) -> (Row, Option<std::collections::BTreeMap<String, String>>) {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut row = Row {
        spec: spec.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        crate_name: crate_name(&stem),
        status: Status::Ok,
        gen_ms: 0,
        check_ms: 0,
        lines: 0,
        warnings: 0,
        gen_warnings: 0,
        detail: String::new(),
    };
    let text = match fs::read(spec) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            row.status = Status::GenError;
            row.detail = format!("cannot read: {e}");
            return (row, None);
        }
    };
    let mut config = Config::new(&row.crate_name);
    config.generated_by = "cargo xtask corpus".to_owned();
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| codegen::generate(&text, &row.spec, &config)));
    row.gen_ms = started.elapsed().as_millis();
    let krate = match result {
        Err(payload) => {
            row.status = Status::Panic;
            row.detail = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "panic".to_owned());
            return (row, None);
        }
        Ok(Err(diagnostics)) => {
            let first = diagnostics.0.first().map(|d| d.to_string()).unwrap_or_default();
            row.status = if first.contains("unsupported") || first.contains("not an OpenAPI document") {
                Status::Unsupported
            } else {
                Status::GenError
            };
            row.detail = first;
            return (row, None);
        }
        Ok(Ok(krate)) => krate,
    };
    row.gen_warnings = krate.warnings.len();
    row.lines = krate.files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, c)| c.lines().count()).sum();
    (row, Some(krate.files))
}

fn check_one(
    mut row: Row,
    mut files: std::collections::BTreeMap<String, String>,
    scratch: &Path,
    target: &Path,
    clippy: bool,
) -> Row {
    let dir = scratch.join(&row.crate_name);
    if let Some(manifest) = files.get_mut("Cargo.toml") {
        manifest.push_str("\n[workspace]\n");
    }
    if let Err(e) = codegen::output::write_crate(&dir, &files) {
        row.status = Status::GenError;
        row.detail = format!("cannot write {}: {e}", dir.display());
        return row;
    }
    // The workspace lockfile pins the same dependency versions as the Atlas crate, so every
    // scratch crate reuses the dependency artifacts in the shared target directory.
    let _ = fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"));
    let started = Instant::now();
    let check = cargo_check(&dir, target, clippy);
    row.check_ms = started.elapsed().as_millis();
    match check {
        Err(e) => {
            row.status = Status::CompileError;
            row.detail = e;
        }
        Ok(c) => {
            row.warnings = c.warnings;
            if c.errors > 0 || !c.success {
                row.status = Status::CompileError;
                row.detail = c.first.unwrap_or_else(|| "cargo check failed".to_owned());
            } else if c.warnings > 0 {
                row.status = Status::Warnings;
                row.detail = c.first.unwrap_or_default();
            } else if row.gen_warnings > 0 {
                row.detail = format!("{} generator warnings", row.gen_warnings);
            }
        }
    }
    row
}

fn crate_name(stem: &str) -> String {
    codegen::crate_name_from(stem)
}

struct CheckResult {
    success: bool,
    errors: usize,
    warnings: usize,
    /// The first error (or warning) rendered on one line.
    first: Option<String>,
}

/// Runs a cargo command in `dir` with a shared target dir, killed after `CHECK_TIMEOUT`.
fn run_cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(bool, String, String), String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cmd.args(args).current_dir(dir).env("CARGO_TARGET_DIR", target).env_remove("RUSTFLAGS");
    run_bounded(cmd, CHECK_TIMEOUT)
}

fn cargo_check(dir: &Path, target: &Path, clippy: bool) -> Result<CheckResult, String> {
    let command = if clippy { "clippy" } else { "check" };
    let (success, stdout, stderr) =
        run_cargo(dir, target, &[command, "--quiet", "--message-format", "json"])?;
    let mut result = CheckResult { success, errors: 0, warnings: 0, first: None };
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if msg["reason"] != "compiler-message" {
            continue;
        }
        let level = msg["message"]["level"].as_str().unwrap_or("");
        let text =
            msg["message"]["rendered"].as_str().unwrap_or("").lines().take(3).collect::<Vec<_>>().join(" | ");
        match level {
            "error" => {
                result.errors += 1;
                if result.first.as_ref().is_none_or(|f| f.starts_with("warning")) {
                    result.first = Some(text);
                }
            }
            // The summary line ("N warnings emitted") is not a warning itself.
            "warning" if !(msg["message"]["code"].is_null() && text.contains("warnings emitted")) => {
                result.warnings += 1;
                if result.first.is_none() {
                    result.first = Some(text);
                }
            }
            _ => {}
        }
    }
    if !result.success && result.first.is_none() {
        result.first = Some(last_line(&stderr).to_owned());
    }
    Ok(result)
}

/// Runs the generated crate's example round-trip test; the error is the first failing example.
fn examples_test(dir: &Path, target: &Path) -> Result<(), String> {
    let Some(text) = failed_output(dir, target, &["test", "--quiet", "--lib", "examples_round_trip"])? else {
        return Ok(());
    };
    let summary = text.lines().find(|l| l.contains("do not round-trip")).unwrap_or("");
    let first = text.lines().find(|l| l.starts_with("#/")).unwrap_or_else(|| last_line(&text));
    Err(format!("{} {}", summary.trim(), first.trim()))
}

/// Compiles the crate's doc tests (its usage examples, `no_run`); the error is the first one.
fn doc_test(dir: &Path, target: &Path) -> Result<(), String> {
    let Some(text) = failed_output(dir, target, &["test", "--quiet", "--doc"])? else {
        return Ok(());
    };
    let first = text.lines().find(|l| l.starts_with("error")).unwrap_or_else(|| last_line(&text));
    let place = text.lines().find(|l| l.starts_with("---- ")).unwrap_or("");
    Err(format!("{} {}", first.trim(), place.trim()))
}

/// Runs a cargo command in a generated crate: `None` when it succeeds, else what it wrote (its
/// stdout, then its stderr).
fn failed_output(dir: &Path, target: &Path, args: &[&str]) -> Result<Option<String>, String> {
    let (success, stdout, stderr) = run_cargo(dir, target, args)?;
    Ok((!success).then(|| format!("{stdout}\n{stderr}")))
}

fn to_json(rows: &[Row]) -> String {
    let mut out = String::from("[\n");
    for (i, r) in rows.iter().enumerate() {
        let obj = serde_json::json!({
            "spec": r.spec,
            "status": r.status.label(),
            "gen_ms": r.gen_ms,
            "check_ms": r.check_ms,
            "lines": r.lines,
            "warnings": r.warnings,
            "generator_warnings": r.gen_warnings,
            "detail": r.detail,
        });
        let _ = write!(out, "  {obj}{}", if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid() {
        assert_eq!(crate_name("progenitor-nexus"), "progenitor_nexus");
        assert_eq!(crate_name("2fa"), "api_2fa");
        assert!(codegen::is_valid_crate_name(&crate_name("Ünïcode spec")));
    }

    #[test]
    fn generator_failures_are_classified() {
        let dir = std::env::temp_dir().join(format!("xtask-corpus-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let spec = dir.join("bad.yaml");
        fs::write(&spec, "swagger: '1.2'\n").unwrap();
        let (row, files) = generate_one(&spec);
        assert!(files.is_none());
        assert_eq!(row.status, Status::Unsupported, "{row:?}");
        fs::write(&spec, "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses: {200: {content: {application/json: {schema: {$ref: '#/nope'}}}}}\n").unwrap();
        let (row, files) = generate_one(&spec);
        let files = files.unwrap();
        assert_eq!(row.gen_warnings, 1, "{row:?}");
        assert!(files.contains_key("src/lib.rs"));
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A doc test that does not compile is reported with its error and where it is.
    #[test]
    fn failing_doc_tests_are_reported() {
        let dir = std::env::temp_dir().join(format!("xtask-doc-test-{}", std::process::id()));
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"doc_demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n[workspace]\n",
        )
        .unwrap();
        let lib = "/// ```no_run\n/// doc_demo::missing();\n/// ```\npub fn present() {}\n";
        fs::write(dir.join("src/lib.rs"), lib).unwrap();
        let target = dir.join("target");
        let err = doc_test(&dir, &target).unwrap_err();
        assert!(err.starts_with("error[E0425]"), "{err}");
        assert!(err.contains("---- src/lib.rs - present (line 1) stdout ----"), "{err}");
        fs::write(dir.join("src/lib.rs"), lib.replace("missing", "present")).unwrap();
        assert_eq!(doc_test(&dir, &target), Ok(()));
        fs::remove_dir_all(&dir).unwrap();
    }
}
