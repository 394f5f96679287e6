//! OpenAPI 3.0/3.1 (and Swagger 2.0) → Rust client crate.
//!
//! The generator is a pure function: [`generate`] takes the spec text and a [`Config`] and
//! returns the files of a crate. It reads and writes nothing; `xtask` and the CLI do the I/O.
//!
//! Pipeline: [`load`](load::load) (YAML/JSON → value tree) → `ir` (resolved types and
//! operations) → `emit` (`quote!` tokens) → `format` (`syn` + `prettyplease`).
#![forbid(unsafe_code)]

mod config;
mod diagnostics;
mod emit;
mod format;
mod ir;
pub mod load;
mod naming;
pub mod output;
mod pointer;
mod swagger2;

use std::collections::BTreeMap;

pub use config::{Config, IdempotencyHeader, crate_name_from, is_valid_crate_name};
pub use diagnostics::{Diagnostic, Diagnostics};

/// The files of a generated crate, keyed by path relative to the crate root.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    pub files: BTreeMap<String, String>,
    /// Constructs that were generated approximately (each names its JSON pointer).
    pub warnings: Vec<Diagnostic>,
}

/// Generates a client crate from the text of an OpenAPI document.
///
/// `source_name` is how the `@generated` headers name the input (e.g. `openapi/atlas.yaml`).
pub fn generate(spec_text: &str, source_name: &str, config: &Config) -> Result<GeneratedCrate, Diagnostics> {
    let spec = load::load(spec_text)?;
    let api = ir::lower(&spec, config)?;
    let files = emit::crate_files(&api, config, source_name)?;
    Ok(GeneratedCrate { files, warnings: api.warnings })
}
