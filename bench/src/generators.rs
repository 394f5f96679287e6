//! Both generators' full path from the text of a spec to the formatted files of a crate.
//!
//! - ours: `codegen::generate` (load → ir → emit → `syn` + `prettyplease`), default `Config`
//!   as `cargo xtask corpus` uses it.
//! - progenitor 0.15.1: the text is parsed into an `openapiv3::OpenAPI` (JSON first, then YAML,
//!   as `cargo-progenitor` does), `Generator::default().generate_tokens(&spec)`, then
//!   `syn::parse2` + `prettyplease::unparse` as progenitor's README shows for `build.rs`, plus
//!   the `Cargo.toml` that `cargo-progenitor` would write for the output (without
//!   `--include-client`, i.e. depending on `progenitor-client`).

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Mutex, Once};

/// A generated crate: path relative to the crate root → content.
pub type Files = BTreeMap<String, String>;

/// Which generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Ours, with the runtime as a module of the crate (the default layout).
    Ours,
    /// Ours, with the runtime as its own crate beside the API crate (`runtime_crate`).
    OursRuntimeCrate,
    Progenitor,
}

impl Which {
    pub const BOTH: [Which; 2] = [Which::Ours, Which::Progenitor];

    pub fn label(self) -> &'static str {
        match self {
            Which::Ours => "ours",
            Which::OursRuntimeCrate => "ours-runtime-crate",
            Which::Progenitor => "progenitor",
        }
    }
}

/// A crate name derived from a spec's file stem (the rule of `cargo xtask corpus`).
pub fn crate_name(stem: &str) -> String {
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) { name } else { format!("api_{name}") }
}

/// Runs one generator; errors and panics become `Err` with the message.
pub fn generate(which: Which, text: &str, source_name: &str, crate_name: &str) -> Result<Files, String> {
    catch(|| match which {
        Which::Ours => ours(text, source_name, crate_name, false),
        Which::OursRuntimeCrate => ours(text, source_name, crate_name, true),
        Which::Progenitor => progenitor(text, crate_name),
    })
}

/// Our generator, text to files.
pub fn ours(text: &str, source_name: &str, crate_name: &str, runtime_crate: bool) -> Result<Files, String> {
    let mut config = codegen::Config::new(crate_name);
    config.generated_by = "cargo xtask bench".to_owned();
    config.runtime_crate = runtime_crate;
    match codegen::generate(text, source_name, &config) {
        Ok(krate) => Ok(krate.files),
        Err(diagnostics) => Err(diagnostics
            .0
            .first()
            .map(ToString::to_string)
            .unwrap_or_else(|| "generation failed without a diagnostic".to_owned())),
    }
}

/// progenitor 0.15.1, text to files.
pub fn progenitor(text: &str, crate_name: &str) -> Result<Files, String> {
    let spec = parse_openapi(text)?;
    let mut generator = progenitor::Generator::default();
    let tokens = generator.generate_tokens(&spec).map_err(|e| format!("gen fail: {e}"))?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("syn cannot parse the output: {e}"))?;
    let lib = prettyplease::unparse(&file);
    let mut files = Files::new();
    files.insert("Cargo.toml".to_owned(), progenitor_manifest(crate_name, &generator));
    files.insert("src/lib.rs".to_owned(), lib);
    Ok(files)
}

/// JSON first, then YAML, like `cargo-progenitor`'s `load_api`.
fn parse_openapi(text: &str) -> Result<openapiv3::OpenAPI, String> {
    match serde_json::from_str(text) {
        Ok(spec) => Ok(spec),
        Err(json) => serde_yaml::from_str(text).map_err(|yaml| {
            if text.trim_start().starts_with('{') {
                format!("parse fail (openapiv3, JSON): {json}")
            } else {
                format!("parse fail (openapiv3, YAML): {yaml}")
            }
        }),
    }
}

/// The manifest `cargo-progenitor` writes: its fixed dependencies plus those the type space
/// reports using. Versions are the ones progenitor 0.15.1 builds its own generated test clients
/// against (its dev-dependencies).
fn progenitor_manifest(crate_name: &str, generator: &progenitor::Generator) -> String {
    let types = generator.get_type_space();
    let mut deps = vec![
        "bytes = \"1.9\"".to_owned(),
        "futures-core = \"0.3\"".to_owned(),
        "progenitor-client = \"=0.15.1\"".to_owned(),
        "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }"
            .to_owned(),
        "serde = { version = \"1.0\", features = [\"derive\"] }".to_owned(),
        "serde_urlencoded = \"0.7\"".to_owned(),
    ];
    if types.uses_regress() {
        deps.push("regress = \"0.12\"".to_owned());
    }
    if types.uses_uuid() {
        deps.push("uuid = { version = \"1.0\", features = [\"serde\", \"v4\"] }".to_owned());
    }
    if types.uses_chrono() {
        deps.push(
            "chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }".to_owned(),
        );
    }
    if generator.uses_futures() {
        deps.push("futures = \"0.3\"".to_owned());
    }
    if generator.uses_websockets() {
        deps.push("base64 = \"0.23\"".to_owned());
        deps.push("rand = \"0.10\"".to_owned());
    }
    if types.uses_serde_json() {
        deps.push("serde_json = \"1.0\"".to_owned());
    }
    deps.sort_unstable();
    format!(
        "[package]\nname = \"{crate_name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{}\n\n[workspace]\n",
        deps.join("\n")
    )
}

/// Where one generation spends its time, in milliseconds per stage (one run, after a warm-up).
///
/// - ours: `load` (text → value tree, `codegen::load::load`), `lower + emit + format` (the rest of
///   `codegen::generate`), and, as a proxy for the formatting share, `re-format output` (the
///   generated non-runtime `.rs` files parsed again with `syn` and printed with `prettyplease`).
/// - progenitor: `parse (openapiv3)`, `generate_tokens`, `syn::parse2 + prettyplease`.
pub fn stages(
    which: Which,
    text: &str,
    source_name: &str,
    crate_name: &str,
) -> Result<Vec<(String, f64)>, String> {
    use std::time::Instant;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1_000.0;
    generate(which, text, source_name, crate_name)?;
    catch(|| match which {
        Which::Ours | Which::OursRuntimeCrate => {
            let t = Instant::now();
            codegen::load::load(text).map_err(|d| d.to_string())?;
            let load = ms(t);
            let t = Instant::now();
            let files = ours(text, source_name, crate_name, which == Which::OursRuntimeCrate)?;
            let total = ms(t);
            let (mut parse, mut print) = (0.0, 0.0);
            for (path, content) in &files {
                if path.ends_with(".rs") && !path.starts_with("src/runtime/") && !path.starts_with("runtime/")
                {
                    let t = Instant::now();
                    let file = syn::parse_file(content).map_err(|e| format!("{path}: {e}"))?;
                    parse += ms(t);
                    let t = Instant::now();
                    std::hint::black_box(prettyplease::unparse(&file));
                    print += ms(t);
                }
            }
            let reformat = parse + print;
            Ok(vec![
                ("load".to_owned(), load),
                ("lower + emit + format".to_owned(), total - load),
                ("total".to_owned(), total),
                ("re-format output (proxy for the format share)".to_owned(), reformat),
                ("  of which syn::parse_file".to_owned(), parse),
                ("  of which prettyplease".to_owned(), print),
            ])
        }
        Which::Progenitor => {
            let t = Instant::now();
            let spec = parse_openapi(text)?;
            let parse = ms(t);
            let t = Instant::now();
            let mut generator = progenitor::Generator::default();
            let tokens = generator.generate_tokens(&spec).map_err(|e| e.to_string())?;
            let generate = ms(t);
            let t = Instant::now();
            let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
            std::hint::black_box(prettyplease::unparse(&file));
            let format = ms(t);
            Ok(vec![
                ("parse (openapiv3)".to_owned(), parse),
                ("generate_tokens".to_owned(), generate),
                ("syn::parse2 + prettyplease".to_owned(), format),
                ("total".to_owned(), parse + generate + format),
            ])
        }
    })
}

/// Lines of the crate's `.rs` files; `with_runtime = false` leaves out our hand-written runtime
/// copy under `src/runtime/` or `runtime/` (progenitor's runtime is the `progenitor-client`
/// dependency).
pub fn rust_lines(files: &Files, with_runtime: bool) -> usize {
    let runtime = |path: &str| path.starts_with("src/runtime/") || path.starts_with("runtime/");
    files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && (with_runtime || !runtime(path)))
        .map(|(_, content)| content.lines().count())
        .sum()
}

/// Writes a crate (its own `[workspace]`, so it is checked standalone).
pub fn write(dir: &Path, files: &Files) -> Result<(), String> {
    let mut files = files.clone();
    if let Some(manifest) = files.get_mut("Cargo.toml")
        && !manifest.contains("\n[workspace]")
    {
        manifest.push_str("\n[workspace]\n");
    }
    codegen::output::write_crate(dir, &files)
        .map(|_| ())
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static QUIET_HOOK: Once = Once::new();

/// Runs `f`, turning a panic into `Err("panic: <message> at <file>:<line>")`. Installs (once) a
/// panic hook that records the message instead of printing it.
pub fn catch<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", short_path(l.file()), l.line()))
                .unwrap_or_default();
            let message = payload_text(info.payload());
            *LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("{message}{location}"));
        }));
    });
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let recorded = LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner()).take();
            Err(format!("panic: {}", recorded.unwrap_or_else(|| payload_text(&*payload))))
        }
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panic with a non-string payload".to_owned())
}

/// `…/registry/src/index.crates.io-…/typify-impl-0.8.0/src/lib.rs` → `typify-impl-0.8.0/src/lib.rs`.
fn short_path(file: &str) -> &str {
    match file.find("/registry/src/") {
        Some(i) => {
            let rest = &file[i + "/registry/src/".len()..];
            rest.split_once('/').map_or(rest, |(_, tail)| tail)
        }
        None => file,
    }
}

/// Peak resident set size of this process so far (`VmHWM` in `/proc/self/status`), in KiB.
pub fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETS: &str = r##"{
      "openapi": "3.0.3",
      "info": {"title": "pets", "version": "1"},
      "paths": {"/pets/{id}": {"get": {
        "operationId": "getPet",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {
          "schema": {"$ref": "#/components/schemas/Pet"}}}}}}}},
      "components": {"schemas": {"Pet": {"type": "object", "required": ["id"],
        "properties": {"id": {"type": "string"}, "born": {"type": "string", "format": "date-time"}}}}}
    }"##;

    #[test]
    fn both_generators_produce_a_crate() {
        let ours = generate(Which::Ours, PETS, "pets.json", "pets").unwrap();
        assert!(ours.contains_key("src/lib.rs") && ours.contains_key("Cargo.toml"));
        assert!(rust_lines(&ours, true) > rust_lines(&ours, false));
        let theirs = generate(Which::Progenitor, PETS, "pets.json", "pets").unwrap();
        assert!(theirs["src/lib.rs"].contains("pub struct Pet"), "{}", theirs["src/lib.rs"]);
        assert!(theirs["Cargo.toml"].contains("chrono"), "{}", theirs["Cargo.toml"]);
        assert_eq!(rust_lines(&theirs, true), rust_lines(&theirs, false));
    }

    #[test]
    fn failures_and_panics_are_messages() {
        let err = generate(
            Which::Progenitor,
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "x",
            "x",
        )
        .unwrap_err();
        assert!(err.contains("3.1.0"), "{err}");
        let err = catch::<()>(|| panic!("boom {}", 1)).unwrap_err();
        assert!(err.starts_with("panic: boom 1 at "), "{err}");
    }

    #[test]
    fn crate_names() {
        assert_eq!(crate_name("progenitor-nexus"), "progenitor_nexus");
        assert_eq!(crate_name("2fa"), "api_2fa");
    }
}
