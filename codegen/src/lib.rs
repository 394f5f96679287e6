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
mod doc_blocks;
mod emit;
mod format;
mod ir;
pub mod load;
mod markdown;
mod naming;
pub mod output;
mod pointer;
/// The runtime's rule for names that hold credentials, compiled here too to pick the fields
/// whose `Debug` is redacted.
#[path = "../runtime/secret_names.rs"]
mod secret_names;
mod source;
mod swagger2;

use std::collections::BTreeMap;

pub use config::{CRATE_NAME_RULE, Config, IdempotencyHeader, crate_name_from, is_valid_crate_name};
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
    generate_with(spec_text, source_name, config, format::Rendering::default())
}

fn generate_with(
    spec_text: &str,
    source_name: &str,
    config: &Config,
    how: format::Rendering,
) -> Result<GeneratedCrate, Diagnostics> {
    let spec = load::load(spec_text)?;
    let api = ir::lower(&spec, config)?;
    let files = emit::crate_files(&api, config, source_name, how)?;
    Ok(GeneratedCrate { files, warnings: api.warnings })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use heck::ToSnakeCase;
    use proptest::prelude::*;
    use serde_json::json;

    use super::format::{DocComments, Rendering};
    use super::*;

    /// The crate generated with doc comments formatted, and spliced: with the fallback, or,
    /// when `fallback` is false, as an error if any piece needs it.
    fn plain_and_spliced(
        text: &str,
        config: &Config,
        fallback: bool,
    ) -> (Result<GeneratedCrate, Diagnostics>, Result<GeneratedCrate, Diagnostics>) {
        let how = |docs| Rendering { parallel: true, docs };
        let spliced = if fallback { DocComments::Spliced } else { DocComments::SplicedOnly };
        (
            generate_with(text, "spec", config, how(DocComments::Plain)),
            generate_with(text, "spec", config, how(spliced)),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever the descriptions say (control characters, comment markers, slashes, code
        /// fences, the placeholder mark itself), splicing gives the formatted bytes, and needs
        /// the fallback only for a text with the mark in it.
        #[test]
        fn spliced_doc_comments_equal_formatted_ones_for_any_text(
            texts in prop::collection::vec(
                prop_oneof![
                    any::<String>(),
                    "[ /*!\\\"`#\u{0}\r\n\t]{0,12}",
                    Just("/leading slash\n//two\n```\ncode\n".to_owned()),
                ],
                5,
            )
        ) {
            let spec = json!({
                "openapi": "3.0.3",
                "info": { "title": texts[0], "version": "1", "description": texts[1] },
                "paths": { "/things": { "get": {
                    "operationId": "listThings",
                    "summary": texts[2],
                    "description": texts[3],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Thing" } } } } }
                } } },
                "components": { "schemas": { "Thing": {
                    "type": "object",
                    "description": texts[4],
                    "properties": {
                        "name": { "type": "string", "description": texts[1] },
                        "kind": { "type": "string", "enum": [texts[0], texts[2], "a"] }
                    }
                } } }
            });
            // The placeholder mark in a text makes its piece take the fallback; only then.
            let fallback = texts.iter().any(|t| t.contains('\u{0}'));
            let (plain, spliced) = plain_and_spliced(&spec.to_string(), &Config::new("any_text"), fallback);
            match (plain, spliced) {
                (Ok(plain), Ok(spliced)) => prop_assert_eq!(plain.files, spliced.files),
                (Err(plain), Err(spliced)) => prop_assert_eq!(plain.to_string(), spliced.to_string()),
                (plain, spliced) => prop_assert!(false, "{:?} vs {:?}", plain.err(), spliced.err()),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Struct definitions and builders written as text equal their formatted selves for any
        /// number, length, type and requiredness of fields, and any resource features (`cfg`).
        #[test]
        fn written_types_equal_formatted_ones_for_any_fields(
            fields in prop::collection::vec((1usize..50, 0usize..5, any::<bool>(), any::<bool>()), 0..12),
            tags in prop::collection::vec(1usize..30, 1..4),
        ) {
            let kinds = [
                json!({ "type": "string" }),
                json!({ "type": "integer", "format": "int64" }),
                json!({ "type": "array", "items": { "type": "string", "format": "uuid" } }),
                json!({ "type": "object", "additionalProperties": { "type": "boolean" } }),
                json!({ "$ref": "#/components/schemas/Other" }),
            ];
            let mut properties = serde_json::Map::new();
            let mut required = Vec::new();
            for (i, (len, kind, is_required, nullable)) in fields.iter().enumerate() {
                let name = format!("{}{i}", "f".repeat(*len));
                let mut schema = kinds[*kind].clone();
                if *nullable && *kind != 4 {
                    schema["nullable"] = json!(true);
                }
                properties.insert(name.clone(), schema);
                if *is_required {
                    required.push(name);
                }
            }
            // One operation per tag, each sending the type: its `cfg` lists every tag.
            let mut paths = serde_json::Map::new();
            for (i, len) in tags.iter().enumerate() {
                paths.insert(format!("/t{i}"), json!({ "post": {
                    "operationId": format!("send{i}"),
                    "tags": [format!("{}{i}", "t".repeat(*len))],
                    "requestBody": { "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Thing" } } } },
                    "responses": { "204": { "description": "none" } }
                } }));
            }
            let spec = json!({
                "openapi": "3.0.3",
                "info": { "title": "Fields", "version": "1" },
                "paths": paths,
                "components": { "schemas": {
                    "Thing": { "type": "object", "properties": properties, "required": required },
                    "Other": { "type": "string", "enum": ["a", "b"] }
                } }
            });
            let (plain, written) = plain_and_spliced(&spec.to_string(), &Config::new("fields"), false);
            let (plain, written) = (plain.unwrap(), written.unwrap());
            prop_assert_eq!(&plain.files["src/types.rs"], &written.files["src/types.rs"]);
        }
    }

    /// The file after its `// @generated` line, as `syn` + `prettyplease` print it.
    fn reformatted(file: &str) -> (&str, String) {
        let body = file.split_once('\n').map_or(file, |(_, body)| body);
        (body, prettyplease::unparse(&syn::parse_file(body).unwrap()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Resource methods written as text are what prettyplease prints for the whole file, for
        /// any length of the names that decide where their lines break: operation, path pieces
        /// and parameters, query, header and styled parameters, body and response types,
        /// credentials.
        #[test]
        fn written_resource_files_equal_formatted_ones_for_any_name_length(
            op in 1usize..60,
            path_params in prop::collection::vec((1usize..40, 1usize..30), 0..4),
            params in prop::collection::vec((1usize..45, 0usize..4), 0..4),
            schemes in prop::collection::vec(1usize..30, 0..3),
            response in 1usize..70,
            body in prop::option::of(1usize..70),
            literal in 1usize..90,
            tag in 1usize..80,
            by_status in any::<bool>(),
        ) {
            let mut path = String::new();
            let mut parameters = Vec::new();
            for (i, (name, literal)) in path_params.iter().enumerate() {
                let name = format!("{}{i}", "p".repeat(*name));
                path.push_str(&format!("/{}/{{{name}}}", "l".repeat(*literal)));
                parameters.push(json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }));
            }
            if path.is_empty() {
                path = format!("/{}", "t".repeat(literal));
            }
            for (i, (name, kind)) in params.iter().enumerate() {
                let name = format!("{}{i}", "q".repeat(*name));
                parameters.push(match kind {
                    0 => json!({ "name": name, "in": "query", "schema": { "type": "integer" } }),
                    1 => json!({ "name": name, "in": "query", "required": true, "schema": { "type": "string" } }),
                    2 => json!({ "name": name, "in": "query", "style": "pipeDelimited",
                                 "schema": { "type": "array", "items": { "type": "string" } } }),
                    _ => json!({ "name": name, "in": "header", "schema": { "type": "string" } }),
                });
            }
            let scheme_names: Vec<String> = schemes.iter().enumerate().map(|(i, n)| format!("{}{i}", "s".repeat(*n))).collect();
            let mut security_schemes = serde_json::Map::new();
            for name in &scheme_names {
                security_schemes.insert(name.clone(), json!({ "type": "http", "scheme": "bearer" }));
            }
            let response_name = format!("R{}", "r".repeat(response));
            let tag = format!("things{}", "s".repeat(tag));
            let mut operation = json!({
                "operationId": format!("{}Op", "o".repeat(op)),
                "tags": [tag.as_str()],
                "parameters": parameters,
                "security": [scheme_names.iter().map(|n| (n.clone(), json!([]))).collect::<serde_json::Map<_, _>>()],
                "responses": { "200": { "description": "ok", "content": { "application/json": {
                    "schema": { "$ref": format!("#/components/schemas/{response_name}") } } } } }
            });
            let mut schemas = serde_json::Map::new();
            let object = json!({ "type": "object", "properties": { "id": { "type": "string" } } });
            if by_status {
                // Two success bodies: decoded by status through `{Op}Response::decode`.
                operation["responses"]["202"] = json!({ "description": "accepted", "content": {
                    "application/json": { "schema": { "type": "object", "properties": { "job": { "type": "string" } } } } } });
            }
            schemas.insert(response_name, object.clone());
            if let Some(body) = body {
                let body_name = format!("B{}", "b".repeat(body));
                operation["requestBody"] = json!({ "required": true, "content": { "application/json": {
                    "schema": { "$ref": format!("#/components/schemas/{body_name}") } } } });
                schemas.insert(body_name, object);
            }
            let method = if body.is_some() { "post" } else { "get" };
            let spec = json!({
                "openapi": "3.0.3",
                "info": { "title": "Methods", "version": "1" },
                "paths": { path: { method: operation } },
                "components": { "schemas": schemas, "securitySchemes": security_schemes }
            });
            let (plain, written) = plain_and_spliced(&spec.to_string(), &Config::new("methods"), false);
            let (plain, written) = (plain.unwrap(), written.unwrap());
            let module = format!("src/resources/{}.rs", tag.to_snake_case());
            let file = &written.files[&module];
            prop_assert_eq!(&plain.files[&module], file);
            let (body, formatted) = reformatted(file);
            prop_assert_eq!(body, formatted.as_str());
        }
    }

    /// Resource files, written as text, are what prettyplease prints on the test specs, the
    /// corpus and Atlas (every kind of pagination, body and parameter among them), and few of
    /// their methods need formatting (or the fast path would be gone while the files still
    /// matched).
    #[test]
    fn written_resource_files_equal_formatted_ones_and_rarely_need_formatting() {
        let (mut methods, mut formatted) = (0, Vec::new());
        for (file_name, config, api) in lowered_test_specs() {
            for r in &api.resources {
                for (name, item) in emit::resources::written_methods(&api, r, "krate") {
                    methods += 1;
                    if !item.certain {
                        formatted.push(format!("{file_name} {name}"));
                    }
                }
            }
            let krate = emit::crate_files(&api, &config, "spec", format::Rendering::default()).unwrap();
            for (path, file) in krate.iter().filter(|(path, _)| path.starts_with("src/resources/")) {
                let (body, reformatted) = reformatted(file);
                assert!(body == reformatted, "{file_name}: {path} is not what prettyplease prints");
            }
        }
        assert!(methods > 800, "{methods} methods");
        // 52 of 891 when written: mostly box.json's, whose names alone pass the margin.
        assert!(formatted.len() * 10 < methods, "{} of {methods} formatted: {formatted:?}", formatted.len());
    }

    /// Names and lengths for `lengths_spec`.
    #[derive(Clone, Copy, Debug)]
    struct Lengths {
        krate: usize,
        tag: usize,
        scheme: usize,
        primary: usize,
        url: usize,
        runtime_crate: bool,
        env: bool,
    }

    /// A one-operation API whose crate, resource, security scheme and server names have the
    /// given lengths: where they cross prettyplease's margin, the written files change layout.
    fn lengths_spec(l: Lengths) -> (String, Config) {
        // A basic scheme named `b` has the 1-letter setter that keeps its signature on one line.
        let names = ["b", "t", "k"].map(|kind| format!("{kind}{}", "s".repeat(l.scheme)));
        let spec = json!({
            "openapi": "3.0.3",
            "info": { "title": "Lengths", "version": "1" },
            "servers": [{ "url": format!("https://{}.example", "u".repeat(l.url)) }],
            "security": [{ names[l.primary].as_str(): [] }],
            "paths": { "/things": { "get": {
                "operationId": "listThings",
                "tags": ["t".repeat(l.tag)],
                "responses": { "204": { "description": "none" } }
            } } },
            "components": { "securitySchemes": {
                names[0].as_str(): { "type": "http", "scheme": "basic" },
                names[1].as_str(): { "type": "http", "scheme": "bearer" },
                names[2].as_str(): { "type": "apiKey", "in": "header", "name": "X-Key" }
            } }
        });
        let mut config = Config::new(format!("c{}", "x".repeat(l.krate)));
        config.runtime_crate = l.runtime_crate;
        config.api_key_env = l.env.then(|| "LENGTHS_KEY".to_owned());
        (spec.to_string(), config)
    }

    /// The written files of `lengths_spec(l)`, formatted and as written: equal, or the first
    /// that differs.
    fn written_equal_formatted(l: Lengths) -> Result<(), String> {
        let (spec, config) = lengths_spec(l);
        let (plain, written) = plain_and_spliced(&spec, &config, false);
        let (plain, written) = (plain.map_err(|e| e.to_string())?, written.map_err(|e| e.to_string())?);
        for file in ["src/lib.rs", "src/client.rs", "src/auth.rs", "src/resources/mod.rs"] {
            if plain.files[file] != written.files[file] {
                return Err(format!(
                    "{l:?}: {file} differs:\n{}\nvs\n{}",
                    plain.files[file], written.files[file]
                ));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// The files written in prettyplease's layout (crate root, client, credentials,
        /// resource list) equal their formatted selves for any combination of name lengths.
        #[test]
        fn written_files_equal_formatted_ones_for_any_name_length(
            krate in 1usize..70,
            tag in 1usize..70,
            scheme in 0usize..40,
            primary in 0usize..3,
            url in 0usize..80,
            runtime_crate in any::<bool>(),
            env in any::<bool>(),
        ) {
            let l = Lengths { krate, tag, scheme, primary, url, runtime_crate, env };
            prop_assert_eq!(written_equal_formatted(l), Ok(()));
        }
    }

    /// Every length across the margin, one name at a time: the `api_client!` call (crate name,
    /// with each primary credential), the basic-auth setter's signature, the accessors.
    #[test]
    fn written_files_equal_formatted_ones_at_every_length_around_the_margin() {
        let base =
            Lengths { krate: 1, tag: 1, scheme: 0, primary: 0, url: 0, runtime_crate: true, env: true };
        for primary in 0..3 {
            for krate in 1..=70 {
                written_equal_formatted(Lengths { krate, primary, ..base }).unwrap();
            }
        }
        for scheme in 0..=40 {
            written_equal_formatted(Lengths { scheme, ..base }).unwrap();
        }
        for tag in 1..=70 {
            written_equal_formatted(Lengths { tag, ..base }).unwrap();
        }
    }

    /// The test specs and the corpus, each with the default `Config`, and the Atlas spec with
    /// its own.
    fn test_specs() -> Vec<(std::path::PathBuf, Config)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs: Vec<(std::path::PathBuf, Config)> = Vec::new();
        for dir in ["codegen/tests/specs", "corpus"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json" || e == "yaml") {
                    specs.push((path, Config::new("spliced")));
                }
            }
        }
        let atlas = Config::from_toml_file(&root.join("openapi/codegen.toml")).unwrap();
        specs.push((root.join("openapi/atlas.yaml"), atlas));
        specs.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(specs.len() > 25, "{} specs", specs.len());
        specs
    }

    /// The test specs that lower without errors, with their models.
    fn lowered_test_specs() -> Vec<(String, Config, ir::Api)> {
        let mut out = Vec::new();
        for (path, config) in test_specs() {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Ok(api) =
                load::load(&text).map_err(Diagnostics::from).and_then(|spec| ir::lower(&spec, &config))
            {
                out.push((path.file_name().unwrap().to_string_lossy().into_owned(), config, api));
            }
        }
        out
    }

    /// The written files need no formatting on the test specs and the Atlas spec, so they are
    /// as fast as intended (a layout that was always uncertain would pass every other test).
    /// Two corpus APIs have resource names long enough to need it.
    #[test]
    fn written_files_need_no_formatting_on_the_test_specs_and_atlas() {
        let mut formatted = Vec::new();
        for (file_name, config, api) in lowered_test_specs() {
            for (file, source) in emit::written_files(&api, &config) {
                if !source.certain {
                    formatted.push(format!("{file_name} {file}"));
                }
            }
        }
        assert_eq!(
            formatted,
            [
                "box.json src/client.rs",
                "box.json src/resources/mod.rs",
                "twilio-messaging-v1.json src/client.rs",
                "twilio-messaging-v1.json src/resources/mod.rs"
            ]
        );
    }

    /// Struct and enum definitions and builders are written as text, so that a type costs
    /// little formatting; only a line past prettyplease's margin (a long field type or setter)
    /// makes one go through `syn`. On the test specs, the corpus and Atlas that is rare, or the
    /// fast path would be gone while every other test still passed.
    #[test]
    fn type_definitions_rarely_need_formatting() {
        let (mut written, mut formatted) = (0, Vec::new());
        for (file_name, _, api) in lowered_test_specs() {
            for (name, source) in emit::types::written_definitions(&api) {
                written += 1;
                if !source.certain {
                    formatted.push(format!("{file_name} {name}"));
                }
            }
        }
        assert!(written > 2000, "{written} definitions");
        assert!(formatted.len() * 20 < written, "{} of {written} formatted: {formatted:?}", formatted.len());
    }

    /// Doc comments spliced in after formatting give the same bytes as formatted ones, and
    /// never need the fallback, on the test specs, the Atlas spec and the real-world corpus.
    #[test]
    fn spliced_doc_comments_equal_formatted_ones() {
        for (path, config) in test_specs() {
            let text = std::fs::read_to_string(&path).unwrap();
            match plain_and_spliced(&text, &config, false) {
                (Ok(plain), Ok(spliced)) => {
                    for (file, text) in &plain.files {
                        assert!(spliced.files[file] == *text, "{}: {file} differs", path.display());
                    }
                    assert_eq!(plain.files.len(), spliced.files.len());
                }
                (Err(plain), Err(spliced)) => assert_eq!(plain.to_string(), spliced.to_string()),
                (plain, spliced) => panic!("{}: {:?} vs {:?}", path.display(), plain.err(), spliced.err()),
            }
        }
    }
}
