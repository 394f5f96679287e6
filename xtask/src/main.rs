//! Project automation. Run `cargo xtask help` for the commands.
//!
//! Orchestration and I/O only: generation itself is `codegen::generate`.

#![forbid(unsafe_code)]

mod bench;
mod ci;
mod corpus;
mod fuzz;
mod generate;
mod process;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  gen                 regenerate generated/ from openapi/atlas.yaml and openapi/codegen.toml
  check               fail with a diff when generated/ differs from what gen would write
  ci                  the whole test suite (what .ci/run and CI run)
  corpus <DIR> [--jobs N] [--json OUT] [--expect-ok] [--examples]
                      generate and `cargo check` a client for every spec in DIR
                      (--examples: also round-trip the spec's examples)
  bench [--corpus DIR] [--runs N] [--json OUT]
                      benchmarks: our generator vs progenitor, client runtime vs bare reqwest
  fuzz [--seconds N] [--seed S]
                      mutate real specs at random and report any generator panic
  help                this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => generate::write(),
        Some("check") => generate::check(),
        Some("ci") => ci::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("help" | "-h" | "--help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}
