//! The snapshot specs' crates compile without a single warning, runtime included: every crate is
//! written to a scratch workspace and checked with `cargo clippy -D warnings`; one of them also
//! with the runtime as its own crate. Their doc examples (a usage example per method) compile,
//! the runtime's unit tests run inside one, and so do tests of the requests, page walks and
//! streams three of them make.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::Config;

#[test]
fn snapshot_crates_pass_clippy_without_warnings() {
    let specs_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("snapshot-crates");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).unwrap();
    let mut members = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(&specs_dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().replace('-', "_");
        let text = fs::read_to_string(&path).unwrap();
        let mut config = Config::new(format!("snapshot_{name}"));
        config.generated_by = "codegen compile test".to_owned();
        let krate = codegen::generate(&text, &name, &config).unwrap_or_else(|d| panic!("{name}: {d}"));
        codegen::output::write_crate(&scratch.join(&name), &krate.files).unwrap();
        members.push(format!("{name:?}"));
        if name == "pagination" {
            add_test(&scratch.join(&name), "pagination_walk.rs", "walk");
        }
        if name == "operations" {
            add_test(&scratch.join(&name), "operations_requests.rs", "requests");
        }
        if name == "streams" {
            add_test(&scratch.join(&name), "streams_requests.rs", "streams");
        }
        // Once, the same API with the runtime as its own crate (a path dependency in `runtime/`).
        if name == "operations" {
            config.runtime_crate = true;
            config.crate_name = "snapshot_operations_split".to_owned();
            let krate = codegen::generate(&text, &name, &config).unwrap_or_else(|d| panic!("{name}: {d}"));
            let split = format!("{name}_runtime_crate");
            codegen::output::write_crate(&scratch.join(&split), &krate.files).unwrap();
            members.push(format!("{split:?}"));
            // And with HTTP Basic as the primary credential (the doc examples differ).
            let basic_text = text.replace("security:\n  - bearer: []", "security:\n  - basic: []");
            assert_ne!(basic_text, text, "operations.yaml no longer starts with bearer security");
            let mut config = Config::new("snapshot_operations_basic");
            config.generated_by = "codegen compile test".to_owned();
            let krate =
                codegen::generate(&basic_text, &name, &config).unwrap_or_else(|d| panic!("{name}: {d}"));
            codegen::output::write_crate(&scratch.join("operations_basic"), &krate.files).unwrap();
            members.push("\"operations_basic\"".to_owned());
        }
    }
    fs::write(
        scratch.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", ")),
    )
    .unwrap();
    // Same dependency versions as the workspace (the generated Atlas crate uses the same set).
    let workspace_lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    fs::copy(workspace_lock, scratch.join("Cargo.lock")).unwrap();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/generated-crates");
    let clippy = |extra: &[&str]| {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["clippy", "--workspace", "--quiet"])
            .args(extra)
            .args(["--", "-D", "warnings"])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (success, stderr) = clippy(&[]);
    assert!(success, "generated crates do not pass clippy:\n{stderr}");
    assert!(!stderr.contains("warning"), "generated crates have warnings:\n{stderr}");

    // `cargo test` in the scratch workspace: its stdout, after asserting that it passed.
    let cargo_test = |what: &str, args: &[&str]| {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["test", "--quiet"])
            .args(args)
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{what} fail:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    };

    // The doc examples compile (and run where they are not `no_run`), in every crate: each
    // method's usage example among them, and the crate's, for each kind of primary credential
    // (bearer, basic, none).
    let stdout = cargo_test("doc examples", &["--doc", "--workspace"]);
    // One result per member, and one for the split crate's runtime (a path dependency inside the
    // workspace, so a member too).
    assert_eq!(stdout.matches("test result: ok").count(), members.len() + 1, "{stdout}");

    // The runtime's own unit tests pass as a module of a generated crate (its paths are written
    // for that layout, and rewritten for a runtime crate).
    let stdout = cargo_test("the runtime's unit tests as a module", &["-p", "snapshot_operations", "--lib"]);
    assert!(stdout.contains("test result: ok."), "{stdout}");

    // The generated list methods walk pages against a loopback server.
    let stdout = cargo_test("pagination walks", &["-p", "snapshot_pagination", "--test", "walk"]);
    assert!(stdout.contains("test result: ok. 27 passed"), "{stdout}");
    // And operations send what they send without an argument.
    let stdout = cargo_test("operation requests", &["-p", "snapshot_operations", "--test", "requests"]);
    assert!(stdout.contains("test result: ok. 5 passed"), "{stdout}");
    // And streamed responses arrive item by item, awaited and from synchronous code.
    let stdout = cargo_test(
        "streamed responses",
        &["-p", "snapshot_streams", "--features", "blocking", "--test", "streams"],
    );
    assert!(stdout.contains("test result: ok. 14 passed"), "{stdout}");

    // Calls from synchronous code compile cleanly in every crate.
    let (success, stderr) = clippy(&["--features", "blocking"]);
    assert!(success, "with `blocking`, generated crates fail:\n{stderr}");
    assert!(!stderr.contains("warning"), "with `blocking`, generated crates warn:\n{stderr}");

    // Every resource is a cargo feature: with all of them off, only the ungated core remains,
    // and that must compile cleanly too.
    let (success, stderr) = clippy(&["--no-default-features"]);
    assert!(success, "without default features, generated crates fail:\n{stderr}");
    assert!(!stderr.contains("warning"), "without default features, generated crates warn:\n{stderr}");
}

/// Gives a generated crate `tests/{name}.rs`, a copy of `tests/generated_tests/{file}`, and the
/// dev-dependencies it needs.
fn add_test(krate: &Path, file: &str, name: &str) {
    let test = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated_tests").join(file);
    fs::create_dir_all(krate.join("tests")).unwrap();
    fs::copy(test, krate.join(format!("tests/{name}.rs"))).unwrap();
    let manifest = krate.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).unwrap();
    assert!(!text.contains("[dev-dependencies]"), "the generated manifest now has dev-dependencies");
    text.push_str(concat!(
        "\n[dev-dependencies]\n",
        "futures-util = \"0.3\"\n",
        "tokio = { version = \"1\", features = [\"io-util\", \"macros\", \"net\", \"rt-multi-thread\", \"sync\"] }\n",
        "wiremock = \"0.6\"\n",
    ));
    fs::write(manifest, text).unwrap();
}
