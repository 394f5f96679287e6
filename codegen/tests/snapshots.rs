//! Data-driven snapshot tests: every spec in `tests/specs/` is generated and compared with the
//! files in `tests/snapshots/<spec>/` (the runtime copies, identical for all, are left out).
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p codegen --test snapshots` rewrites the snapshots; review
//! the diff before committing it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::Config;

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs")
}

fn snapshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Every spec file name (`structs.yaml`) with its snapshot name (`structs`).
pub fn specs() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(specs_dir())
        .expect("tests/specs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    out
}

fn generate(name: &str, path: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(path).unwrap();
    let mut config = Config::new(format!("snapshot_{name}"));
    config.generated_by = "codegen snapshot test".to_owned();
    let krate = codegen::generate(
        &text,
        &format!("tests/specs/{}", path.file_name().unwrap().to_string_lossy()),
        &config,
    )
    .unwrap_or_else(|d| panic!("{name}: generation failed:\n{d}"));
    let mut files: BTreeMap<String, String> =
        krate.files.into_iter().filter(|(p, _)| !p.starts_with("src/runtime/")).collect();
    let warnings: Vec<String> = krate.warnings.iter().map(|w| w.to_string()).collect();
    files.insert("warnings.txt".to_owned(), warnings.iter().map(|w| format!("{w}\n")).collect());
    files
}

#[test]
fn generated_code_matches_snapshots() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for (name, path) in specs() {
        let files = generate(&name, &path);
        let dir = snapshots_dir().join(&name);
        if update {
            let _ = fs::remove_dir_all(&dir);
            for (rel, content) in &files {
                let p = dir.join(rel);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, content).unwrap();
            }
            continue;
        }
        let existing = codegen_snapshot_files(&dir);
        if existing.keys().collect::<Vec<_>>() != files.keys().collect::<Vec<_>>() {
            failures.push(format!(
                "{name}: file set differs\n  expected {:?}\n  got      {:?}",
                existing.keys().collect::<Vec<_>>(),
                files.keys().collect::<Vec<_>>()
            ));
            continue;
        }
        for (rel, content) in &files {
            if existing.get(rel) != Some(content) {
                failures.push(format!("{name}/{rel} differs from its snapshot"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nRun `UPDATE_SNAPSHOTS=1 cargo test -p codegen --test snapshots` and review the diff.",
        failures.join("\n")
    );
}

fn codegen_snapshot_files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for entry in entries {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn generation_is_deterministic() {
    for (name, path) in specs() {
        assert_eq!(generate(&name, &path), generate(&name, &path), "{name}");
    }
}

/// With `runtime_crate`, the runtime moves to its own crate in `runtime/` and the API crate's
/// code stays the same; only its manifest and root module say where the runtime is.
#[test]
fn a_runtime_crate_holds_the_same_runtime() {
    let path = specs_dir().join("operations.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let mut config = Config::new("snapshot_operations");
    let module = codegen::generate(&text, "operations.yaml", &config).unwrap().files;
    config.runtime_crate = true;
    let split = codegen::generate(&text, "operations.yaml", &config).unwrap().files;

    let moved = |path: &str| match path.strip_prefix("src/runtime/") {
        Some("mod.rs") => "runtime/src/lib.rs".to_owned(),
        Some(rest) => format!("runtime/src/{rest}"),
        None => path.to_owned(),
    };
    let mut expected: Vec<String> = module.keys().map(|p| moved(p)).collect();
    expected.push("runtime/Cargo.toml".to_owned());
    // The API streams nothing, so its own copy of the runtime leaves streaming out; a runtime
    // crate, versioned on its own, keeps it.
    assert!(!module.contains_key("src/runtime/stream.rs"));
    assert!(module["src/runtime/request.rs"].contains("#[cfg(any())] // @streams\n"));
    assert!(!split["runtime/src/request.rs"].contains("#[cfg(any())]"));
    expected.push("runtime/src/stream.rs".to_owned());
    expected.sort();
    assert_eq!(split.keys().cloned().collect::<Vec<_>>(), expected);

    for (path, text) in &module {
        let other = &split[&moved(path)];
        match path.as_str() {
            "Cargo.toml" => {
                assert!(other.contains(
                    "\n[dependencies]\nsnapshot_operations_runtime = { path = \"runtime\", version = \"=0.1.0\", default-features = false }\n"
                ), "{other}");
                // The TLS backends forward to the runtime crate, or enable what the runtime
                // compiled in the crate needs.
                for line in
                    ["rustls = [\"reqwest/rustls\", \"dep:rustls\"]", "native-tls = [\"reqwest/native-tls\"]"]
                {
                    assert!(text.contains(&format!("\n{line}\n")), "{text}");
                }
                for f in ["rustls", "native-tls"] {
                    assert!(
                        other.contains(&format!("\n{f} = [\"snapshot_operations_runtime/{f}\"]\n")),
                        "{other}"
                    );
                }
                assert!(
                    text.contains(
                        "\ndefault = [\"forms\", \"items\", \"operations\", \"transfers\", \"twice\", \"undeclared\", \"rustls\"]\n"
                    )
                );
                assert!(
                    other.contains(
                        "\ndefault = [\"forms\", \"items\", \"operations\", \"transfers\", \"twice\", \"undeclared\", \"rustls\"]\n"
                    )
                );
            }
            "src/lib.rs" => {
                assert!(text.contains("\npub mod runtime;\n"), "{text}");
                assert!(other.contains("\npub use snapshot_operations_runtime as runtime;\n"), "{other}");
                assert_eq!(
                    text.replace("pub mod runtime;", ""),
                    other.replace("pub use snapshot_operations_runtime as runtime;", "")
                );
            }
            "src/runtime/mod.rs" => {
                assert!(text.contains("#[cfg(test)]\npub mod round_trip;"));
                assert!(
                    other.contains("#[doc(hidden)]\npub mod round_trip;"),
                    "test support compiles for the API crate's tests"
                );
            }
            "src/runtime/str_enum.rs" => {
                assert!(text.contains("$crate::runtime::deserialize_str_enum"));
                assert!(
                    other.contains("$crate::deserialize_str_enum"),
                    "the macro names the runtime crate's root"
                );
            }
            p if p.starts_with("src/runtime/") => {}
            _ => assert_eq!(text, other, "{path} differs between the layouts"),
        }
    }
    let manifest = &split["runtime/Cargo.toml"];
    assert!(manifest.contains("name = \"snapshot_operations_runtime\"\nversion = \"0.1.0\""), "{manifest}");
    assert!(!manifest.contains("[workspace]") && !manifest.contains("path ="), "{manifest}");
    assert!(
        manifest.contains(
            "\n[features]\ndefault = [\"rustls\"]\n\
             rustls = [\"reqwest/rustls\", \"dep:rustls\"]\n\
             native-tls = [\"reqwest/native-tls\"]\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains(
            "\nreqwest = { version = \"0.13\", default-features = false, features = [\"stream\"] }\n"
        )
    );
}
