//! Client construction (`src/client.rs`) and credentials (`src/auth.rs`).

use super::docs;
use crate::config::Config;
use crate::ir::{Api, ParamLocation, SchemeKind, SecurityScheme};
use crate::source::{Doc, MARGIN, Source, lit, name};

/// `src/auth.rs`: the security schemes and the client defaults.
pub fn auth_file(api: &Api, config: &Config) -> Source {
    let user_agent = format!("{}/{} (rust)", config.crate_name, config.crate_version);
    let option =
        |value: &Option<String>| value.as_deref().map_or("None".to_owned(), |v| format!("Some({})", lit(v)));
    let mut s = Source::new();
    s.fixed(0, "//! Credentials the API accepts and the client's defaults.");
    s.fixed(0, "/// Base URL, user agent and other defaults of [`Client`](crate::Client).");
    s.fixed(0, "pub static DEFAULTS: crate::runtime::ClientDefaults = crate::runtime::ClientDefaults {");
    s.line(4, &format!("base_url: {},", lit(&api.base_url)));
    s.line(4, &format!("user_agent: {},", lit(&user_agent)));
    s.line(4, &format!("idempotency_header: {},", option(&api.idempotency_header)));
    s.line(4, &format!("api_key_env: {},", option(&config.api_key_env)));
    s.fixed(0, "};");
    for scheme in &api.security_schemes {
        let doc = docs::paragraphs([
            Some(format!("The `{}` security scheme.", scheme.name).as_str()),
            scheme.doc.as_deref(),
        ]);
        s.docs(0, Doc::Outer, &docs::lines(&doc));
        // prettyplease never breaks after a const's `=`: the opening line stays whole.
        s.fixed(
            0,
            &format!(
                "pub const {}: crate::runtime::SecurityScheme = crate::runtime::SecurityScheme {{",
                name(&scheme.const_name)
            ),
        );
        s.line(4, &format!("name: {},", lit(&scheme.name)));
        s.line(4, &format!("setter: {},", lit(scheme.method_name.trim_start_matches("r#"))));
        match &scheme.kind {
            SchemeKind::Bearer => s.line(4, "kind: crate::runtime::SchemeKind::Bearer,"),
            SchemeKind::Basic => s.line(4, "kind: crate::runtime::SchemeKind::Basic,"),
            SchemeKind::Http { scheme } => {
                s.line(4, "kind: crate::runtime::SchemeKind::Http {");
                s.line(8, &format!("scheme: {},", lit(scheme)));
                s.line(4, "},");
            }
            SchemeKind::ApiKey { location, name: key } => {
                let location = match location {
                    ParamLocation::Query(_) => "Query",
                    ParamLocation::Cookie => "Cookie",
                    ParamLocation::Header | ParamLocation::Body => "Header",
                };
                s.line(4, "kind: crate::runtime::SchemeKind::ApiKey {");
                s.line(8, &format!("location: crate::runtime::ApiKeyLocation::{location},"));
                s.line(8, &format!("name: {},", lit(key)));
                s.line(4, "},");
            }
        }
        s.fixed(0, "};");
    }
    s
}

/// How examples and `Client::new` name a scheme's credential: an access token for OAuth, an
/// API key for the rest.
pub(super) struct CredentialWords {
    pub argument: &'static str,
    pub example: &'static str,
    pub noun: &'static str,
}

impl CredentialWords {
    pub(super) fn of(scheme: &SecurityScheme) -> Self {
        if scheme.oauth {
            CredentialWords { argument: "access_token", example: "my-access-token", noun: "token" }
        } else {
            CredentialWords { argument: "api_key", example: "my-api-key", noun: "key" }
        }
    }
}

/// `src/client.rs`: constructors, credential setters and resource accessors.
pub fn client_file(api: &Api, config: &Config) -> Source {
    let krate = config.crate_ident();
    let primary = api.primary_scheme.map(|i| &api.security_schemes[i]);
    let mut s = Source::new();
    s.fixed(0, "//! The API's [`Client`]: constructors, credential setters and resource accessors.");
    s.line(0, "use crate::auth::DEFAULTS;");
    // The builder example's line that sets the primary credential (a line of the doc example
    // the runtime's `api_client!` writes).
    let credential_line = primary.map(|scheme| {
        let setter = scheme.method_name.trim_start_matches("r#");
        let line = match scheme.kind {
            SchemeKind::Basic => format!("    .{setter}(\"user\", \"password\")"),
            _ => format!("    .{setter}(\"{}\")", CredentialWords::of(scheme).example),
        };
        format!(", {}", lit(&line))
    });
    let args = format!("{}, DEFAULTS{}", name(&krate), credential_line.unwrap_or_default());
    let call = format!("crate::runtime::api_client::api_client!({args});");
    if call.len() <= MARGIN {
        s.line(0, &call);
    } else {
        s.line(0, "crate::runtime::api_client::api_client!(");
        s.line(4, &args);
        s.line(0, ");");
    }
    s.line(0, "impl Client {");
    match primary {
        Some(scheme) if scheme.kind == SchemeKind::Basic => {
            s.fixed(4, "/// Creates a client with the default settings and HTTP basic credentials.");
            s.line(4, "pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {");
            s.line(
                8,
                &format!(
                    "Self::builder().{}(username, password).build_infallible()",
                    name(&scheme.method_name)
                ),
            );
            s.line(4, "}");
        }
        Some(scheme) => {
            let doc = format!(
                " Creates a client with the default settings that authenticates with `{}`.",
                scheme.name
            );
            s.docs(4, Doc::Outer, &[doc]);
            s.fixed(4, "///");
            s.fixed(4, "/// A misconfiguration cannot happen here; if the HTTP stack fails to start, every");
            s.fixed(
                4,
                "/// request returns that error (see [`ClientBuilder::build`](crate::ClientBuilder::build)",
            );
            s.fixed(4, "/// to handle it up front).");
            s.fixed(4, "///");
            let CredentialWords { argument, example, noun } = CredentialWords::of(scheme);
            s.docs(
                4,
                Doc::Outer,
                &docs::trusted_lines(&format!(
                    "```\nlet client = {krate}::Client::new(\"{example}\");\n// The {noun} never shows in debug output or errors.\nassert!(!format!(\"{{client:?}}\").contains(\"{example}\"));\n```"
                )),
            );
            s.line(4, &format!("pub fn new({argument}: impl Into<String>) -> Self {{"));
            s.line(
                8,
                &format!("Self::builder().{}({argument}).build_infallible()", name(&scheme.method_name)),
            );
            s.line(4, "}");
        }
        // No `Default` impl to go with it: see the runtime's `api_client!`.
        None => {
            s.fixed(4, "/// Creates a client with the default settings.");
            s.line(4, "#[allow(clippy::new_without_default)]");
            s.line(4, "pub fn new() -> Self {");
            s.line(8, "Self::builder().build_infallible()");
            s.line(4, "}");
        }
    }
    if let (Some(scheme), Some(var)) = (primary, &config.api_key_env)
        && scheme.kind != SchemeKind::Basic
    {
        let summary = match &config.base_url_env {
            Some(url_var) => format!(
                " Creates a client from the `{var}` environment variable, calling the URL in `{url_var}` instead of the default where that is set (a plain-http URL only on a loopback host: for another, build the client with `Client::builder()` and `allow_http`)."
            ),
            None => format!(" Creates a client from the `{var}` environment variable."),
        };
        s.docs(4, Doc::Outer, &[summary, String::new()]);
        s.docs(
            4,
            Doc::Outer,
            &docs::trusted_lines(&format!(
                "```no_run\n# fn main() -> Result<(), {krate}::Error> {{\nlet client = {krate}::Client::from_env()?; // reads {var}\n# Ok(())\n# }}\n```"
            )),
        );
        s.line(4, "pub fn from_env() -> Result<Self, crate::Error> {");
        let builder =
            format!("Self::builder().credential_from_env(&crate::auth::{})", name(&scheme.const_name));
        match &config.base_url_env {
            Some(url_var) => {
                s.line(8, &format!("let mut builder = {builder};"));
                s.line(8, &format!("let url = std::env::var({}).unwrap_or_default();", lit(url_var)));
                s.line(8, "if !url.is_empty() {");
                s.line(12, "builder = builder.base_url(url);");
                s.line(8, "}");
                s.line(8, "builder.build()");
            }
            None => s.line(8, &format!("{builder}.build()")),
        }
        s.line(4, "}");
    }
    for (index, scheme) in
        api.security_schemes.iter().enumerate().filter(|(_, s)| s.kind != SchemeKind::Basic)
    {
        s.docs(4, Doc::Outer, &[scheme_copy_doc(api, index)]);
        let method = name(&format!("with_{}", scheme.method_name.trim_start_matches("r#")));
        s.line(4, &format!("pub fn {method}(&self, token: impl Into<String>) -> Self {{"));
        s.line(8, &format!("self.with_credential(&crate::auth::{}, token)", name(&scheme.const_name)));
        s.line(4, "}");
    }
    for r in api.resources.iter().filter(|r| !r.flat) {
        let doc = docs::paragraphs([
            Some(format!("The `{}` operations.", r.name.trim_start_matches("r#")).as_str()),
            r.doc.as_deref(),
        ]);
        s.docs(4, Doc::Outer, &docs::lines(&doc));
        let t = name(&r.type_name);
        s.line(4, &format!("#[cfg(feature = {})]", lit(&r.feature)));
        s.line(4, &format!("pub fn {}(&self) -> crate::resources::{t}<'_> {{", name(&r.name)));
        s.line(8, &format!("crate::resources::{t}::new(self)"));
        s.line(4, "}");
    }
    s.line(0, "}");
    // The credential setters, if the API declares any credentials.
    if !api.security_schemes.is_empty() {
        s.line(0, "impl ClientBuilder {");
        for scheme in &api.security_schemes {
            s.docs(
                4,
                Doc::Outer,
                &[format!(" Sets the credential for the `{}` security scheme.", scheme.name)],
            );
            let (m, c) = (name(&scheme.method_name), name(&scheme.const_name));
            match &scheme.kind {
                SchemeKind::Basic => {
                    s.fn_head(&m, &["self", "username: impl Into<String>", "password: impl Into<String>"]);
                    s.line(8, &format!("self.basic_auth(&crate::auth::{c}, username, password)"));
                }
                kind => {
                    if let SchemeKind::Http { scheme: http } = kind {
                        let doc = format!(
                            " Sent as `Authorization: {http} <token>`: pass what follows the scheme's name."
                        );
                        s.docs(4, Doc::Outer, &[String::new(), doc]);
                    }
                    s.line(4, &format!("pub fn {m}(self, token: impl Into<String>) -> Self {{"));
                    s.line(8, &format!("self.credential(&crate::auth::{c}, token)"));
                }
            }
            s.line(4, "}");
        }
        s.line(0, "}");
    }
    s
}

/// The doc of `Client::with_…`: which operations take the scheme, the first eight by name.
fn scheme_copy_doc(api: &Api, index: usize) -> String {
    const SHOWN: usize = 8;
    let calls: Vec<String> = api
        .resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |op| (r, op)))
        .filter(|(_, op)| op.security.iter().any(|alternative| alternative.contains(&index)))
        .map(|(r, op)| format!("`{}()`", r.call(op.fn_name.trim_start_matches("r#")).replace("r#", "")))
        .collect();
    let name = &api.security_schemes[index].name;
    let which = match calls.as_slice() {
        [] => return format!(" A copy of this client that also authenticates with `{name}`."),
        [one] => format!("{one} takes"),
        [first @ .., last] if calls.len() <= SHOWN => format!("{} and {last} take", first.join(", ")),
        _ => format!("{} and {} more take", calls[..SHOWN].join(", "), calls.len() - SHOWN),
    };
    format!(" A copy of this client that also authenticates with `{name}`, which {which}.")
}
