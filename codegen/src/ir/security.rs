//! Security schemes, which of them each operation accepts, and the client's primary one.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use serde_json::{Map, Value};

use super::operations::{CLIENT_METHODS, resolve_object};
use super::schema::{self, TypeBuilder};
use super::{ParamLocation, ParamStyle, Resource, SchemeKind, SecurityScheme, str_field};
use crate::naming::{self, Namespace};
use crate::pointer;

pub(super) fn security_schemes(root: &Value, tb: &mut TypeBuilder<'_>) -> Vec<SecurityScheme> {
    let mut out = Vec::new();
    let Some(schemes) = root.pointer("/components/securitySchemes").and_then(Value::as_object) else {
        return out;
    };
    let base = pointer::push(&pointer::push("#", "components"), "securitySchemes");
    let mut methods = Namespace::new();
    for m in CLIENT_METHODS {
        methods.reserve(m);
    }
    let mut consts = Namespace::new();
    let is_oauth =
        |s: &Value| matches!(s.get("type").and_then(Value::as_str), Some("oauth2" | "openIdConnect"));
    let oauth_schemes =
        schemes.values().filter(|s| is_oauth(resolve_object(root, "#", s).map_or(s, |(_, r)| r))).count();
    let access_token_taken = schemes.keys().any(|name| naming::plain_snake(name) == "access_token");
    for (name, s) in schemes {
        let ptr = pointer::push(&base, name);
        let Ok((_, s)) = resolve_object(root, &ptr, s) else {
            tb.warn(&ptr, "unresolvable security scheme ignored");
            continue;
        };
        let kind = match str_field(s, "type").unwrap_or("") {
            "http" => match str_field(s, "scheme").map(str::to_ascii_lowercase).as_deref() {
                Some("basic") => SchemeKind::Basic,
                Some("bearer") => SchemeKind::Bearer,
                _ => match str_field(s, "scheme") {
                    Some(scheme) if is_http_token(scheme) => SchemeKind::Http { scheme: scheme.to_owned() },
                    other => {
                        let problem = match other {
                            Some(scheme) => {
                                format!(
                                    "HTTP auth scheme `{}` is not a valid scheme name",
                                    scheme.escape_debug()
                                )
                            }
                            None => "HTTP auth scheme without a `scheme`".to_owned(),
                        };
                        tb.warn(&ptr, format!("{problem}; the credential is sent as a bearer token"));
                        SchemeKind::Bearer
                    }
                },
            },
            "apiKey" => {
                let location = match str_field(s, "in") {
                    Some("query") => ParamLocation::Query(ParamStyle::FORM),
                    Some("cookie") => ParamLocation::Cookie,
                    _ => ParamLocation::Header,
                };
                SchemeKind::ApiKey { location, name: str_field(s, "name").unwrap_or("api_key").to_owned() }
            }
            "oauth2" | "openIdConnect" => SchemeKind::Bearer,
            other => {
                tb.warn(&ptr, format!("security scheme type {other:?} is not supported; ignored"));
                continue;
            }
        };
        let snake = naming::plain_snake(name);
        let oauth = is_oauth(s);
        // The one OAuth scheme, named for the protocol (`oauth_2_0`, `OAuth2`), is set with
        // `access_token(…)`, what its credential is, unless another scheme is called that.
        let generic =
            matches!(snake.replace('_', "").as_str(), "oauth" | "oauth2" | "oauth20") && !access_token_taken;
        let method = if oauth && oauth_schemes == 1 && generic { "access_token" } else { snake.as_str() };
        out.push(SecurityScheme {
            name: name.clone(),
            const_name: consts.claim(&snake.to_shouty_snake_case()),
            method_name: methods.claim(method),
            kind,
            oauth,
            doc: s.as_object().and_then(schema::doc_of),
        });
    }
    out
}

/// What an operation's security requirements (its own, or else the document's) say.
pub(super) struct Requirements {
    /// Alternatives of scheme sets (indices into the schemes).
    pub alternatives: Vec<Vec<usize>>,
    /// The scopes they list (`{oauth: [playlist-modify-public]}`), each once, in order.
    pub scopes: Vec<String>,
}

pub(super) fn operation_security(
    tb: &mut TypeBuilder<'_>,
    root: &Value,
    schemes: &[SecurityScheme],
    op_ptr: &str,
    op: &Map<String, Value>,
) -> Requirements {
    let mut out = Requirements { alternatives: Vec::new(), scopes: Vec::new() };
    let (list, ptr) = match op.get("security") {
        Some(s) => (s, pointer::push(op_ptr, "security")),
        None => match root.get("security") {
            Some(s) => (s, pointer::push("#", "security")),
            None => return out,
        },
    };
    'alternatives: for (i, req) in list.as_array().into_iter().flatten().enumerate() {
        let req = req.as_object().into_iter().flatten();
        for scope in req.clone().filter_map(|(_, scopes)| scopes.as_array()).flatten() {
            if let Some(scope) = scope.as_str().map(str::trim).filter(|s| !s.is_empty())
                && !out.scopes.iter().any(|s| s == scope)
            {
                out.scopes.push(scope.to_owned());
            }
        }
        let mut set = Vec::new();
        for name in req.map(|(k, _)| k) {
            match schemes.iter().position(|s| &s.name == name) {
                Some(idx) => set.push(idx),
                None => {
                    tb.warn(
                        &pointer::push(&ptr, &i.to_string()),
                        format!("unknown security scheme {name:?}"),
                    );
                    continue 'alternatives;
                }
            }
        }
        if !out.alternatives.contains(&set) {
            out.alternatives.push(set);
        }
    }
    out
}

pub(super) fn primary_scheme(
    root: &Value,
    schemes: &[SecurityScheme],
    resources: &[Resource],
) -> Option<usize> {
    let from_root = root
        .get("security")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find_map(|r| r.as_object().and_then(|o| o.keys().next().cloned())))
        .and_then(|name| schemes.iter().position(|s| s.name == name));
    if from_root.is_some() {
        return from_root;
    }
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for op in resources.iter().flat_map(|r| &r.operations) {
        for idx in op.security.iter().flatten() {
            *counts.entry(*idx).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|&(idx, n)| (n, std::cmp::Reverse(idx))).map(|(idx, _)| idx)
}

/// An HTTP token (RFC 9110 §5.6.2), which an auth scheme's name must be.
fn is_http_token(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
