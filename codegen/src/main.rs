//! `codegen <SPEC> --out <DIR> [--crate-name NAME] [--config FILE] [--strict] [--runtime-crate]`
//!
//! Turns any OpenAPI document into a standalone client crate (its own `[workspace]`, no path
//! dependencies), buildable with `cargo check` in DIR. With `--runtime-crate`, the runtime is a
//! second crate in `DIR/runtime/` (a path dependency inside DIR) that compiles once and stays
//! built when the API crate is regenerated.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::{Config, generate, is_valid_crate_name, output};

const USAGE: &str = "usage: codegen <SPEC> --out <DIR> [--crate-name NAME] [--config codegen.toml] [--strict] \
                     [--runtime-crate]";

struct Args {
    spec: PathBuf,
    out: PathBuf,
    crate_name: Option<String>,
    config: Option<PathBuf>,
    strict: bool,
    runtime_crate: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args_os().skip(1);
    let (mut spec, mut out, mut crate_name, mut config) = (None, None, None, None);
    let (mut strict, mut runtime_crate) = (false, false);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.to_str() {
            Some("--out") => out = Some(PathBuf::from(value("--out")?)),
            Some("--crate-name") => {
                crate_name = Some(
                    value("--crate-name")?
                        .into_string()
                        .map_err(|_| "--crate-name must be UTF-8".to_owned())?,
                )
            }
            Some("--config") => config = Some(PathBuf::from(value("--config")?)),
            Some("--strict") => strict = true,
            Some("--runtime-crate") => runtime_crate = true,
            Some("-h" | "--help") => return Err(USAGE.to_owned()),
            Some(flag) if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ if spec.is_none() => spec = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {}\n{USAGE}", arg.to_string_lossy())),
        }
    }
    Ok(Args {
        spec: spec.ok_or_else(|| format!("missing <SPEC>\n{USAGE}"))?,
        out: out.ok_or_else(|| format!("missing --out <DIR>\n{USAGE}"))?,
        crate_name,
        config,
        strict,
        runtime_crate,
    })
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let text = std::fs::read(&args.spec).map_err(|e| format!("cannot read {}: {e}", args.spec.display()))?;
    let text = match String::from_utf8(text) {
        Ok(text) => text,
        Err(e) => {
            // Specs saved in a legacy encoding usually differ only in descriptions.
            eprintln!(
                "warning: {} is not valid UTF-8 ({e}); invalid bytes are replaced",
                args.spec.display()
            );
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let mut config = match &args.config {
        Some(path) => Config::from_toml_file(path)?,
        None => Config::new(default_crate_name(&args.spec)),
    };
    if let Some(name) = args.crate_name {
        if !is_valid_crate_name(&name) {
            return Err(format!("{name:?} is not a valid crate name ({})", codegen::CRATE_NAME_RULE));
        }
        config.crate_name = name;
    }
    config.strict |= args.strict;
    config.runtime_crate |= args.runtime_crate;
    config.generated_by = "codegen".to_owned();
    let source = args.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut krate = generate(&text, &source, &config).map_err(|d| format!("{}\n{d}", args.spec.display()))?;
    for w in &krate.warnings {
        eprintln!("warning: {w}");
    }
    // A standalone crate: its own workspace, so it builds wherever it is written.
    if let Some(manifest) = krate.files.get_mut("Cargo.toml") {
        manifest.push_str("\n[workspace]\n");
    }
    let report = output::write_crate(&args.out, &krate.files)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    eprintln!(
        "wrote {} files ({} unchanged, {} removed) to {} with {} warnings",
        report.written.len(),
        report.unchanged,
        report.removed.len(),
        args.out.display(),
        krate.warnings.len()
    );
    Ok(())
}

/// `openapi/petstore-v2.yaml` → `petstore_v2`.
fn default_crate_name(spec: &std::path::Path) -> String {
    codegen::crate_name_from(&spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
