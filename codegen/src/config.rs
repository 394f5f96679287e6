//! Generator settings: what the spec does not say about the crate to produce.
//!
//! Read from `openapi/codegen.toml` for the Atlas client; the CLI builds one from its flags.

use serde::Deserialize;

/// How the generated client decides which header carries idempotency keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyHeader {
    /// Use the header if the spec declares one named like `Idempotency-Key` on any operation:
    /// the operations that declare it send a fresh UUID v4 in it, reused across retries.
    Detect,
    /// No automatic idempotency keys, in a header or a body field; non-idempotent requests are
    /// retried only when they certainly did not reach the server.
    Disabled,
    /// This header: on the operations that declare it, or on every POST and PATCH when none
    /// does (and a body field named like it, `idempotency_key`, does not stand in for it).
    Named(String),
}

/// Settings for one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Cargo package name of the generated crate (`atlaspay`).
    pub crate_name: String,
    /// Cargo package version of the generated crate.
    pub crate_version: String,
    /// `description` in the generated Cargo.toml (defaults to the spec's `info.title`).
    pub description: Option<String>,
    /// `license` in the generated Cargo.toml.
    pub license: Option<String>,
    /// The command named in every `@generated` header.
    pub generated_by: String,
    /// Environment variable `Client::from_env` reads the API key from.
    pub api_key_env: Option<String>,
    /// Environment variable `Client::from_env` reads a base URL from, when it is set (a test
    /// server, a proxy). Only with [`api_key_env`](Self::api_key_env), without which there is no
    /// `from_env`.
    pub base_url_env: Option<String>,
    pub idempotency_header: IdempotencyHeader,
    /// Base URL to use instead of the spec's first server.
    pub base_url: Option<String>,
    /// Component schema whose values are webhook events; enables the `webhooks` module.
    pub webhook_event_schema: Option<String>,
    /// Name of the header carrying webhook signatures, for docs and examples.
    pub webhook_signature_header: Option<String>,
    /// Treat every warning as an error, and make an undocumented public item in the generated
    /// crate one too (`#![deny(missing_docs)]`): for specs we own, like Atlas's.
    pub strict: bool,
    /// Generate the runtime as its own crate in `runtime/` (a path dependency, re-exported as
    /// `runtime`) instead of a module copied into `src/runtime/`. The runtime then compiles once
    /// and stays built when the API crate is regenerated; the crate is no longer a single package.
    pub runtime_crate: bool,
    /// `[dev-dependencies]` of the generated crate, as `(name, TOML value)`: what hand-written
    /// tests and examples kept beside it need. The generated code and its own tests need none,
    /// and a dev-dependency costs every `cargo` command in the crate's workspace its resolution.
    /// Each value is a version requirement or a table, written as given: a `path` in it is
    /// relative to the generated crate's directory, as cargo reads it.
    pub dev_dependencies: Vec<(String, String)>,
    /// A Rust program to show as the README's example instead of one made from the spec (a
    /// hand-written quickstart that is compiled beside the crate), with `\n` line ends.
    pub readme_example: Option<String>,
}

impl Config {
    /// Defaults for a crate generated from an arbitrary spec.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Config {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            description: None,
            license: None,
            generated_by: "codegen".to_owned(),
            api_key_env: None,
            base_url_env: None,
            idempotency_header: IdempotencyHeader::Detect,
            base_url: None,
            webhook_event_schema: None,
            webhook_signature_header: None,
            strict: false,
            runtime_crate: false,
            dev_dependencies: Vec::new(),
            readme_example: None,
        }
    }

    /// Reads the `codegen.toml` at `path`, and the files it names relative to its directory
    /// (`package.readme_example`).
    pub fn from_toml_file(path: &std::path::Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file: ConfigFile = toml::from_str(&text).map_err(|e| format!("codegen.toml: {e}"))?;
        let example = file.package.readme_example.clone();
        let mut config = Self::from_file(file)?;
        if let Some(example) = example {
            let at = path.parent().unwrap_or(std::path::Path::new(".")).join(&example);
            let text = std::fs::read_to_string(&at).map_err(|e| {
                format!("codegen.toml: package.readme_example: cannot read {}: {e}", at.display())
            })?;
            // The same bytes on every checkout, whatever its line ends.
            config.readme_example = Some(text.replace("\r\n", "\n"));
        }
        Ok(config)
    }

    /// The crate's name as Rust code spells it (`my-api` → `my_api`), for paths in doc examples.
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// The package name of the runtime crate (`atlaspay-runtime`, `my_api_runtime`).
    pub fn runtime_crate_name(&self) -> String {
        let separator = if self.crate_name.contains('_') { '_' } else { '-' };
        format!("{}{separator}runtime", self.crate_name)
    }

    /// The runtime crate's name as Rust code spells it (`atlaspay_runtime`).
    pub fn runtime_crate_ident(&self) -> String {
        self.runtime_crate_name().replace('-', "_")
    }

    /// Parses `codegen.toml`.
    /// Reads a `codegen.toml`'s text, refusing a `package.readme_example`, which is read relative
    /// to the file ([`from_toml_file`](Self::from_toml_file) does that).
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| format!("codegen.toml: {e}"))?;
        if file.package.readme_example.is_some() {
            return Err("codegen.toml: package.readme_example is read relative to the file: read it with Config::from_toml_file".to_owned());
        }
        Self::from_file(file)
    }

    fn from_file(file: ConfigFile) -> Result<Self, String> {
        let mut config = Config::new(file.package.name);
        config.crate_version = file.package.version;
        config.description = file.package.description;
        config.license = file.package.license;
        config.runtime_crate = file.package.runtime_crate.unwrap_or(false);
        config.strict = file.strict.unwrap_or(false);
        if let Some(client) = file.client {
            config.api_key_env = client.api_key_env;
            config.base_url_env = client.base_url_env;
            config.base_url = client.base_url;
            config.idempotency_header = match client.idempotency_header {
                None => IdempotencyHeader::Detect,
                Some(h) if h.is_empty() => IdempotencyHeader::Disabled,
                Some(h) => IdempotencyHeader::Named(h),
            };
        }
        if let Some(webhooks) = file.webhooks {
            config.webhook_event_schema = Some(webhooks.event_schema);
            config.webhook_signature_header = webhooks.signature_header;
        }
        // A `BTreeMap`, so the manifest lists them sorted whatever the order in the file.
        for (name, value) in file.dev_dependencies.unwrap_or_default() {
            if !is_valid_crate_name(&name) {
                return Err(format!(
                    "codegen.toml: dev-dependencies: {name:?} is not a valid crate name ({CRATE_NAME_RULE})"
                ));
            }
            if !matches!(value, toml::Value::String(_) | toml::Value::Table(_)) {
                return Err(format!(
                    "codegen.toml: dev-dependencies: {name}: expected a version (\"1\") or a table \
                     ({{ version = \"1\", features = [..] }}), found {value}"
                ));
            }
            config.dev_dependencies.push((name, value.to_string()));
        }
        if !is_valid_crate_name(&config.crate_name) {
            return Err(format!(
                "codegen.toml: package.name {:?} is not a valid crate name ({CRATE_NAME_RULE})",
                config.crate_name
            ));
        }
        Ok(config)
    }
}

/// A valid, lint-clean crate name from any text (a file name): lowercase ASCII words joined by
/// single underscores, starting with a letter (`Some API (v3).json` stem → `some_api_v3`).
pub fn crate_name_from(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let name = words.join("_");
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("api_{name}").trim_end_matches('_').to_owned()
    } else if is_valid_crate_name(&name) {
        name
    } else {
        // `box.json`: a keyword or a standard crate's name could not be named in code.
        format!("{name}_api")
    }
}

/// What [`is_valid_crate_name`] asks, for error messages.
pub const CRATE_NAME_RULE: &str = "ASCII letters, digits, `-` and `_`, starting with a letter; \
     not a Rust keyword, `std`, `core`, `alloc`, `proc_macro` or `test`";

/// Cargo's rule (ASCII alphanumerics, `-` and `_`, starting with a letter), and a name code can
/// use: not a Rust keyword (`box`), nor a crate of the standard library's (`core`), nor `test`.
pub fn is_valid_crate_name(name: &str) -> bool {
    let ident = name.replace('-', "_");
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !crate::naming::is_keyword(&ident)
        && !matches!(ident.as_str(), "std" | "core" | "alloc" | "proc_macro" | "test")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Fail on any warning.
    strict: Option<bool>,
    package: PackageSection,
    client: Option<ClientSection>,
    webhooks: Option<WebhooksSection>,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<std::collections::BTreeMap<String, toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageSection {
    name: String,
    version: String,
    description: Option<String>,
    license: Option<String>,
    runtime_crate: Option<bool>,
    /// A file, relative to this one, whose program is the README's example.
    readme_example: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientSection {
    api_key_env: Option<String>,
    base_url_env: Option<String>,
    idempotency_header: Option<String>,
    base_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhooksSection {
    event_schema: String,
    signature_header: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_file() {
        let config = Config::from_toml(
            r#"
            [package]
            name = "atlaspay"
            version = "1.2.3"
            runtime_crate = true
            [client]
            api_key_env = "ATLAS_API_KEY"
            base_url_env = "ATLAS_BASE_URL"
            idempotency_header = "Idempotency-Key"
            [webhooks]
            event_schema = "Event"
            "#,
        )
        .unwrap();
        assert_eq!(config.crate_version, "1.2.3");
        assert_eq!(config.base_url_env.as_deref(), Some("ATLAS_BASE_URL"));
        assert_eq!(config.idempotency_header, IdempotencyHeader::Named("Idempotency-Key".into()));
        assert_eq!(config.webhook_event_schema.as_deref(), Some("Event"));
        assert!(config.runtime_crate);
        assert_eq!(config.runtime_crate_name(), "atlaspay-runtime");
        assert_eq!(config.runtime_crate_ident(), "atlaspay_runtime");
        assert_eq!(Config::new("my_api").runtime_crate_name(), "my_api_runtime");
        assert!(!Config::new("my_api").runtime_crate);
        assert!(config.dev_dependencies.is_empty());
    }

    #[test]
    fn a_readme_example_is_read_relative_to_the_file() {
        let dir = std::env::temp_dir().join(format!("codegen-config-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("examples")).unwrap();
        let program = "fn main() {}\n";
        std::fs::write(dir.join("examples/quickstart.rs"), program).unwrap();
        let toml = "[package]\nname = 'a'\nversion = '1.0.0'\nreadme_example = 'examples/quickstart.rs'\n";
        std::fs::write(dir.join("codegen.toml"), toml).unwrap();
        let config = Config::from_toml_file(&dir.join("codegen.toml")).unwrap();
        assert_eq!(config.readme_example.as_deref(), Some(program));
        std::fs::write(dir.join("examples/quickstart.rs"), program.replace('\n', "\r\n")).unwrap();
        let crlf = Config::from_toml_file(&dir.join("codegen.toml")).unwrap();
        assert_eq!(crlf.readme_example.as_deref(), Some(program), "line ends are read as \\n");
        // Named but missing: an error naming the setting and the path.
        std::fs::write(dir.join("codegen.toml"), toml.replace("quickstart", "gone")).unwrap();
        let err = Config::from_toml_file(&dir.join("codegen.toml")).unwrap_err();
        assert!(
            err.contains("package.readme_example: cannot read") && err.contains("examples/gone.rs"),
            "{err}"
        );
        // Text alone has no directory to read it from.
        assert!(Config::from_toml(toml).unwrap_err().contains("from_toml_file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dev_dependencies_are_kept_as_toml_values_in_name_order() {
        let config = Config::from_toml(
            r#"
            [package]
            name = "a"
            version = "1.0.0"
            [dev-dependencies]
            wiremock = "0.6"
            tokio = { version = "1", features = ["macros"] }
            "#,
        )
        .unwrap();
        assert_eq!(
            config.dev_dependencies,
            [
                ("tokio".to_owned(), r#"{ version = "1", features = ["macros"] }"#.to_owned()),
                ("wiremock".to_owned(), r#""0.6""#.to_owned()),
            ]
        );
        let err = Config::from_toml("[package]\nname='a'\nversion='1'\n[dev-dependencies]\n'a b' = '1'")
            .unwrap_err();
        assert!(err.contains("dev-dependencies: \"a b\" is not a valid crate name"), "{err}");
        for value in ["1", "true", "[\"1\"]"] {
            let err = Config::from_toml(&format!(
                "[package]\nname='a'\nversion='1'\n[dev-dependencies]\nb = {value}"
            ))
            .unwrap_err();
            assert!(err.contains("dev-dependencies: b: expected a version"), "{value}: {err}");
            assert!(err.contains(&format!("found {value}")), "{value}: {err}");
        }
    }

    #[test]
    fn crate_names_from_file_names() {
        assert_eq!(crate_name_from("vtex.local-Subscriptions-API--v3-"), "vtex_local_subscriptions_api_v3");
        assert_eq!(crate_name_from("2fa"), "api_2fa");
        assert_eq!(crate_name_from("Ünïcode spec"), "n_code_spec");
        assert_eq!(crate_name_from("..."), "api");
        assert!(is_valid_crate_name(&crate_name_from("")));
        // Names code could not spell: `box::Client` does not parse.
        assert_eq!(crate_name_from("box"), "box_api");
        assert_eq!(crate_name_from("Core"), "core_api");
        assert!(
            !is_valid_crate_name("box") && !is_valid_crate_name("test") && !is_valid_crate_name("proc-macro")
        );
        assert!(is_valid_crate_name("box-sdk"));
    }

    #[test]
    fn rejects_typos_and_bad_names() {
        let err = Config::from_toml("[package]\nname='a'\nversion='1'\nnmae='x'").unwrap_err();
        assert!(err.contains("nmae"), "{err}");
        let err = Config::from_toml("[package]\nname='1a'\nversion='1'").unwrap_err();
        assert!(err.contains("not a valid crate name"), "{err}");
    }
}
