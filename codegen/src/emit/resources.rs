//! Operations → one struct per resource with a method per operation (`src/resources/*.rs`).

use std::collections::BTreeSet;

use super::docs;
use super::tokens::{Scope, resolved, ty_text};
use crate::format::Parts;
use crate::ir::{
    Api, BodyEncoding, FixedParam, Idempotency, Operation, PageKind, ParamLocation, ParamStyle, PathParam,
    PathSegment, Resource, Response, StreamFraming, StyleKind, Ty, TypeKind, resolved_struct,
};
use crate::naming::Namespace;
use crate::source::{self, Doc, Source};

/// `src/resources/mod.rs`.
pub fn mod_file(api: &Api) -> Source {
    let mut s = Source::new();
    s.fixed(0, "//! One handle per resource, returned by the accessors on [`Client`](crate::Client).");
    for r in &api.resources {
        let (m, cfg) = (source::name(&r.name), format!("#[cfg(feature = {})]", source::lit(&r.feature)));
        s.line(0, &cfg);
        if r.flat {
            // Only an impl of the client: nothing to name from outside.
            s.line(0, &format!("mod {m};"));
            continue;
        }
        if r.name == "resources" {
            // `crate::resources::resources`: the API's own resource of that name.
            s.line(0, "#[allow(clippy::module_inception)]");
        }
        s.line(0, &format!("pub mod {m};"));
        s.line(0, &cfg);
        s.line(0, &format!("pub use {m}::{};", source::name(&r.type_name)));
    }
    s
}

/// `src/resources/<name>.rs`: the resource's handle and an impl with a method per operation,
/// all written as text in prettyplease's layout (a method whose layout is uncertain is
/// formatted alone; see `format::impl_block`).
pub fn resource_file(api: &Api, r: &Resource, krate: &str) -> Parts {
    if r.flat {
        return flat_resource_file(api, r, krate);
    }
    let name = source::name(&r.type_name);
    let mut head = Source::new();
    let module_doc =
        docs::paragraphs([Some(format!("The `{}` resource.", r.name).as_str()), r.doc.as_deref()]);
    head.docs(0, Doc::Inner, &docs::lines(&module_doc));
    let accessor = format!(
        "Operations on the `{}` resource; get one with [`Client::{}`](crate::Client::{}).",
        r.name,
        r.name.trim_start_matches("r#"),
        r.name
    );
    head.docs(0, Doc::Outer, &docs::lines(&docs::paragraphs([Some(accessor.as_str()), r.doc.as_deref()])));
    head.fixed(0, "#[derive(Debug, Clone, Copy)]");
    head.line(0, &format!("pub struct {name}<'a> {{"));
    head.fixed(4, "client: &'a crate::Client,");
    head.fixed(0, "}");
    let mut new = Source::new();
    new.fixed(4, "pub(crate) fn new(client: &'a crate::Client) -> Self {");
    new.fixed(8, "Self { client }");
    new.fixed(4, "}");
    let items = std::iter::once(new)
        .chain(r.operations.iter().map(|op| operation(api, r, op, "self.client", krate)))
        .collect();
    let mut parts = Parts::default();
    parts.source(head);
    parts.impl_block(format!("impl<'a> {name}<'a> {{"), items);
    parts
}

/// The file of a flat resource: its operations as methods of the client. Their layout is left to
/// prettyplease (`self` breaks differently from `self.client`, and few APIs have such methods).
fn flat_resource_file(api: &Api, r: &Resource, krate: &str) -> Parts {
    let mut head = Source::new();
    let doc = docs::paragraphs([
        Some("Operations that are methods of [`Client`](crate::Client)."),
        r.doc.as_deref(),
    ]);
    head.docs(0, Doc::Inner, &docs::lines(&doc));
    let items = r
        .operations
        .iter()
        .map(|op| {
            let mut method = operation(api, r, op, "self", krate);
            method.certain = false;
            method
        })
        .collect();
    let mut parts = Parts::default();
    parts.source(head);
    parts.impl_block("impl crate::Client {".to_owned(), items);
    parts
}

/// Each operation's method as written, by name, before any is formatted.
#[cfg(test)]
pub fn written_methods(api: &Api, r: &Resource, krate: &str) -> Vec<(String, Source)> {
    let receiver = if r.flat { "self" } else { "self.client" };
    r.operations.iter().map(|op| (op.fn_name.clone(), operation(api, r, op, receiver, krate))).collect()
}

/// A path parameter's argument type and the call that encodes its segment (function and
/// argument). Strings take `&str` and lists `&[…]`; simple-style scalars skip serialization.
fn path_argument(api: &Api, p: &PathParam, arg: &str) -> (String, &'static str, Vec<String>) {
    let crate_ty = |t: &Ty| ty_text(t, &api.types, Scope::Crate);
    let (arg_ty, value) = match resolved(&p.ty, &api.types) {
        Ty::String => ("&str".to_owned(), arg.to_owned()),
        Ty::Named(id)
            if p.style == ParamStyle::SIMPLE && matches!(api.types[*id].kind, TypeKind::Enum(_)) =>
        {
            return (format!("&{}", crate_ty(&p.ty)), "encode_path_segment", vec![format!("{arg}.as_str()")]);
        }
        // Enums, unions, newtypes: whatever they serialize to.
        Ty::Named(_) => (format!("&{}", crate_ty(&p.ty)), arg.to_owned()),
        Ty::Vec(item) if matches!(resolved(item, &api.types), Ty::String) => (
            "&[impl AsRef<str>]".to_owned(),
            format!("&{arg}.iter().map(AsRef::as_ref).collect::<Vec<&str>>()"),
        ),
        Ty::Vec(item) => (format!("&[{}]", crate_ty(item)), arg.to_owned()),
        _ => (crate_ty(&p.ty), format!("&{arg}")),
    };
    let (function, args) = match resolved(&p.ty, &api.types) {
        Ty::String if p.style == ParamStyle::SIMPLE => ("encode_path_segment", vec![value]),
        _ if p.style == ParamStyle::SIMPLE => ("encode_path_value", vec![value]),
        _ => {
            let (name, style) = (source::lit(&p.json_name), style_text(p.style));
            ("encode_path_styled", vec![name, value, style, p.style.explode.to_string()])
        }
    };
    (arg_ty, function, args)
}

/// Whether `RequestSpec::query`'s rules (`name=a&name=b`, `name[key]=v`) write a query
/// parameter as its style says: for scalars in every style but JSON, and for arrays in exploded
/// `form`. Not for a structured `deepObject`, whose arrays are `name[]=a` (or may be, inside an
/// object).
fn written_as_default(api: &Api, t: &Ty, style: ParamStyle) -> bool {
    let scalar = |t: &Ty| match resolved(t, &api.types) {
        Ty::Named(id) => matches!(api.types[*id].kind, TypeKind::Enum(_)),
        Ty::Vec(_) | Ty::Map(_) | Ty::Object | Ty::Any | Ty::Nullable(_) => false,
        _ => true,
    };
    match style.kind {
        StyleKind::Json => false,
        _ if scalar(t) => true,
        kind => kind == StyleKind::Form && style.explode && matches!(resolved(t, &api.types), Ty::Vec(_)),
    }
}

/// `crate::runtime::ParamStyle::…` for a style.
fn style_text(style: ParamStyle) -> String {
    format!("crate::runtime::ParamStyle::{}", style.kind.variant())
}

/// One method, at an indent of 4: its docs, signature and body. The layouts of `spec.x(…)`
/// calls hold because the local is named `spec`: prettyplease keeps a call on a receiver of
/// at most 4 characters on its line (`is_short_ident`) and breaks before `.x` on a longer one.
fn operation(api: &Api, r: &Resource, op: &Operation, receiver: &str, krate: &str) -> Source {
    let crate_ty = |t: &Ty| ty_text(t, &api.types, Scope::Crate);
    let mut args = vec!["&self".to_owned()];
    let mut locals = Namespace::new();
    for p in &op.path_params {
        locals.reserve(&p.rust_name);
    }
    let params_arg = source::name(&locals.claim("params"));
    let body_arg = source::name(&locals.claim("body"));

    // Each path parameter is encoded once, into a local, and refused if empty: `/customers/`
    // for `/customers/{id}` would be another endpoint.
    let mut encode_segments = Source::new();
    let mut path_parts = Vec::new();
    let mut segment_locals: Vec<Option<String>> = vec![None; op.path_params.len()];
    let mut required_segments = Vec::new();
    for seg in &op.segments {
        match seg {
            PathSegment::Literal(text) => path_parts.push(source::lit(text)),
            PathSegment::Param(i) => {
                // A parameter used twice in the path (`/{id}/x/{id}`) is one argument.
                let local = segment_locals[*i].get_or_insert_with(|| {
                    let p = &op.path_params[*i];
                    let arg = source::name(&p.rust_name);
                    let (arg_ty, function, encode_args) = path_argument(api, p, &arg);
                    args.push(format!("{arg}: {arg_ty}"));
                    let local = source::name(
                        &locals.claim(&format!("{}_segment", p.rust_name.trim_start_matches("r#"))),
                    );
                    let head = format!("let {local} = crate::runtime::{function}");
                    encode_segments.call(8, &head, &encode_args, ";");
                    required_segments.push(format!("({}, &{local})", source::lit(&p.json_name)));
                    local
                });
                path_parts.push(format!("&{local}"));
            }
        }
    }

    let mut statements = Source::new();
    if !required_segments.is_empty() {
        require_path_params(&mut statements, &required_segments);
    }
    for fixed in &op.fixed {
        let function = format!("spec.{}", fixed.location.function());
        statements.call(8, &function, &[source::lit(&fixed.name), source::lit(&fixed.value)], ";");
    }
    // A stream is asked for by the media type the description names, where the runtime's
    // default for its framing is another (JSON Lines go by several names).
    if let Response::Stream(stream) = &op.response
        && !matches!(stream.media.as_str(), "text/event-stream" | "application/json-seq")
    {
        statements.call(8, "spec.header", &[source::lit("Accept"), source::lit(&stream.media)], ";");
    }
    if let Some(params_id) = op.params {
        let params_ty = crate_ty(&Ty::Named(params_id));
        if optional_params(api, op) {
            args.push(format!("{params_arg}: impl Into<Option<{params_ty}>>"));
            statements.line(8, &format!("let {params_arg} = {params_arg}.into().unwrap_or_default();"));
        } else {
            args.push(format!("{params_arg}: {params_ty}"));
        }
        if let TypeKind::Params(s) = &api.types[params_id].kind {
            for f in &s.fields {
                let field = format!("{params_arg}.{}", source::name(&f.rust_name));
                let (name, value) = (source::lit(&f.json_name), format!("&{field}"));
                let function = f.location.function();
                match f.location {
                    ParamLocation::Query(style) if !written_as_default(api, &f.ty, style) => {
                        let args = [name.clone(), value, style_text(style), style.explode.to_string()];
                        statements.call(8, "spec.query_styled", &args, ";");
                    }
                    _ => statements.call(8, &format!("spec.{function}"), &[name.clone(), value], ";"),
                }
                // A required parameter's default, when the caller left it unset (a scalar, so
                // written the same in any style).
                if let Some(default) = &f.sent_default {
                    statements.line(8, &format!("if {field}.is_none() {{"));
                    statements.call(12, &format!("spec.{function}"), &[name, source::lit(default)], ";");
                    statements.fixed(8, "}");
                }
            }
        }
    }
    if op.idempotency == Idempotency::Header && matches!(op.method.as_str(), "POST" | "PATCH") {
        statements.fixed(8, "spec.accepts_idempotency_key();");
    }
    if let Some(body) = &op.body {
        let content_type = source::lit(&body.content_type);
        match body.encoding {
            _ if free_multipart(api, op) => {
                args.push(format!("{body_arg}: crate::runtime::Multipart"));
                statements.call(8, "spec.multipart_body", &[format!("&{body_arg}")], ";");
            }
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                let body_ty = crate_ty(&body.ty);
                let optional = optional_body(api, op);
                args.push(if optional {
                    format!("{body_arg}: impl Into<Option<{body_ty}>>")
                } else {
                    format!("{body_arg}: {body_ty}")
                });
                if let Idempotency::BodyField { rust_name, json_name, required } = &op.idempotency {
                    // The runtime puts the key into a JSON or form body that leaves it out; a
                    // multipart one gets it here.
                    if !required && body.encoding == BodyEncoding::Multipart {
                        let field = source::name(rust_name);
                        statements.line(8, &format!("let mut {body_arg} = {body_arg};"));
                        statements.line(
                            8,
                            &format!(
                                "{body_arg}.{field}.get_or_insert_with(crate::runtime::new_idempotency_key);"
                            ),
                        );
                    }
                    statements.call(8, "spec.idempotency_key_in_body", &[source::lit(json_name)], ";");
                }
                if let Idempotency::CallerBodyField { json_name } = &op.idempotency {
                    statements.call(8, "spec.deduplicated_by_body_field", &[source::lit(json_name)], ";");
                }
                let value = if optional && body.encoding != BodyEncoding::Multipart {
                    format!("{body_arg}.into().as_ref()")
                } else {
                    format!("&{body_arg}")
                };
                let styled = !(body.form_indexed.is_empty() && body.form_joined.is_empty());
                // The body property that asks for a stream: set by a streaming call, and cleared
                // by its JSON twin, so that each gets the answer it decodes.
                if let Some((flag, on)) = stream_flag(api, op) {
                    statements.call(8, "spec.body_flag", &[source::lit(flag), on.to_string()], ";");
                }
                let function = match (body.encoding, optional) {
                    (BodyEncoding::Json, true) => "optional_json_body",
                    (BodyEncoding::Json, false) => "json_body",
                    (BodyEncoding::Multipart, _) => "multipart_body",
                    (_, true) if styled => "optional_form_body_with",
                    (_, true) => "optional_form_body",
                    (_, false) if styled => "form_body_with",
                    (_, false) => "form_body",
                };
                let mut call_args = vec![value];
                if styled {
                    let list = |names: &[String]| {
                        format!("&[{}]", names.iter().map(|n| source::lit(n)).collect::<Vec<_>>().join(", "))
                    };
                    call_args.push(format!(
                        "crate::runtime::FormArrays {{ indexed: {}, joined: {} }}",
                        list(&body.form_indexed),
                        list(&body.form_joined)
                    ));
                    // A struct literal past prettyplease's width for one is laid out by it.
                    statements.certain = false;
                }
                statements.call(8, &format!("spec.{function}"), &call_args, ";");
            }
            BodyEncoding::JsonLines => {
                args.push(format!("{body_arg}: {}", crate_ty(&body.ty)));
                statements.call(8, "spec.json_lines_body", &[content_type, format!("&{body_arg}")], ";");
            }
            BodyEncoding::Bytes => {
                args.push(format!("{body_arg}: impl Into<bytes::Bytes>"));
                statements.call(8, "spec.bytes_body", &[content_type, format!("{body_arg}.into()")], ";");
            }
            BodyEncoding::Text => {
                args.push(format!("{body_arg}: impl Into<String>"));
                statements.call(8, "spec.text_body", &[content_type, format!("{body_arg}.into()")], ";");
            }
        }
    }

    let mut s = Source::new();
    let mut doc = docs::lines(&operation_doc(api, op));
    if let Some(example) = super::usage::method_example(api, r, op, krate) {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.extend(docs::trusted_lines(&example));
    }
    s.docs(4, Doc::Outer, &doc);
    if op.deprecated {
        match deprecation_note(api, op) {
            Some(note) => {
                let note = format!("note = {}", source::lit(&note));
                let attribute = format!("#[deprecated({note})]");
                if 4 + attribute.len() <= source::MARGIN {
                    s.fixed(4, &attribute);
                } else {
                    // As prettyplease breaks it: the literal, which cannot break, on its own line.
                    s.fixed(4, "#[deprecated(");
                    s.fixed(8, &note);
                    s.fixed(4, ")]");
                }
            }
            None => s.fixed(4, "#[deprecated]"),
        }
    }
    let ret = match (&op.pagination, &op.response) {
        (Some(p), _) => {
            let page = match &p.envelope {
                Some((id, _)) => crate_ty(&Ty::Named(*id)),
                // A bare array: the runtime's `Page` for `Vec`.
                None => crate_ty(&Ty::Vec(Box::new(p.item.clone()))),
            };
            format!("crate::runtime::ListRequest<{page}>")
        }
        (None, Response::Json(t)) => format!("crate::runtime::Request<{}>", crate_ty(t)),
        (None, Response::Empty) => "crate::runtime::Request<()>".to_owned(),
        (None, Response::Text) => "crate::runtime::Request<String>".to_owned(),
        (None, Response::ByStatus(id)) => format!("crate::runtime::Request<{}>", crate_ty(&Ty::Named(*id))),
        (None, Response::Bytes) => "crate::runtime::Request<bytes::Bytes>".to_owned(),
        (None, Response::Stream(stream)) => {
            let item = match &stream.item {
                Some(item) => crate_ty(item),
                None => "crate::runtime::ServerSentEvent".to_owned(),
            };
            format!("crate::runtime::Request<crate::runtime::EventStream<{item}>>")
        }
    };
    s.signature(4, &format!("pub fn {}", source::name(&op.fn_name)), &args, &format!("-> {ret}"));
    s.append(encode_segments);
    let binding = if statements.text.is_empty() { "let spec" } else { "let mut spec" };
    let method = format!("reqwest::Method::{}", source::name(&op.method));
    let security = security_text(api, &op.security);
    let path = if op.path_params.is_empty() {
        let literal: String = op
            .segments
            .iter()
            .map(|segment| match segment {
                PathSegment::Literal(text) => text.as_str(),
                PathSegment::Param(_) => "",
            })
            .collect();
        PathExpr::Literal(source::lit(&literal))
    } else {
        PathExpr::Concat(path_parts)
    };
    let one_line =
        format!("{binding} = crate::runtime::RequestSpec::new({method}, {}, {security});", path.one_line());
    if 8 + one_line.len() <= source::MARGIN {
        s.fixed(8, &one_line);
    } else {
        s.fixed(8, &format!("{binding} = crate::runtime::RequestSpec::new("));
        s.fixed(12, &format!("{method},"));
        path.write_argument(&mut s, 12);
        s.items(12, &[security]);
        s.fixed(8, ");");
    }
    s.append(statements);
    match (&op.pagination, &op.response) {
        (Some(p), _) => {
            let some_or_none = |param: &Option<String>| match param {
                Some(name) => format!("Some({})", source::lit(name)),
                None => "None".to_owned(),
            };
            let (variant, fields) = match &p.kind {
                PageKind::Offset { limit_param, offset_param, .. } => (
                    "Offset",
                    vec![("limit", source::lit(limit_param)), ("offset", source::lit(offset_param))],
                ),
                PageKind::AfterLastId { limit_param, cursor_param, .. }
                | PageKind::Token { limit_param, cursor_param, .. } => (
                    "Cursor",
                    vec![("limit", some_or_none(limit_param)), ("cursor", source::lit(cursor_param))],
                ),
                PageKind::NextLink { limit_param, cursor_param, .. } => (
                    "NextLink",
                    vec![("limit", some_or_none(limit_param)), ("cursor", some_or_none(cursor_param))],
                ),
                PageKind::LinkHeader { limit_param } => {
                    ("LinkHeader", vec![("limit", some_or_none(limit_param))])
                }
                PageKind::PageNumber { limit_param, page_param, first, .. } => (
                    "PageNumber",
                    vec![
                        ("limit", some_or_none(limit_param)),
                        ("page", source::lit(page_param)),
                        ("first", first.to_string()),
                    ],
                ),
            };
            // A struct literal wider than prettyplease's limit for one (34) is always broken,
            // and so is the call around it.
            s.fixed(8, receiver);
            s.fixed(12, ".list(");
            s.fixed(16, "spec,");
            s.fixed(16, &format!("crate::runtime::Pagination::{variant} {{"));
            let fields: Vec<String> =
                fields.into_iter().map(|(field, value)| format!("{field}: {value}")).collect();
            s.items(20, &fields);
            s.fixed(16, "},");
            s.fixed(12, ")");
        }
        (None, response) => {
            let decoder = |name: &str| format!("crate::runtime::{name}");
            let (method, args) = match response {
                Response::Json(_) => ("request", vec![decoder("decode_json")]),
                Response::Empty => ("request", vec![decoder("decode_empty")]),
                Response::Text => ("request", vec![decoder("decode_text")]),
                Response::Bytes => ("request", vec![decoder("decode_bytes")]),
                Response::ByStatus(id) => ("request", vec![format!("{}::decode", crate_ty(&Ty::Named(*id)))]),
                Response::Stream(stream) => {
                    let framing = match stream.framing {
                        StreamFraming::ServerSentEvents => "ServerSentEvents",
                        StreamFraming::JsonLines => "JsonLines",
                        StreamFraming::JsonSeq => "JsonSeq",
                    };
                    let item = match (&stream.item, stream.whole_event, stream.text_data) {
                        (None, ..) => "raw_event",
                        (Some(_), false, _) => "decode_event_data",
                        (Some(_), true, false) => "decode_whole_event",
                        (Some(_), true, true) => "decode_whole_event_text",
                    };
                    ("request_stream", vec![format!("crate::runtime::Framing::{framing}"), decoder(item)])
                }
            };
            let args: Vec<String> = std::iter::once("spec".to_owned()).chain(args).collect();
            let one_line = format!("{receiver}.{method}({})", args.join(", "));
            if 8 + one_line.len() <= source::MARGIN {
                s.fixed(8, &one_line);
            } else {
                // `self.client` stays together; the method call goes to the next line.
                s.fixed(8, receiver);
                s.call(12, &format!(".{method}"), &args, "");
            }
        }
    }
    s.fixed(4, "}");
    s
}

/// `spec.require_path_params(&[("id", &id_segment), …]);`, broken as prettyplease breaks it:
/// first the call, then the array.
fn require_path_params(s: &mut Source, segments: &[String]) {
    let array = format!("&[{}]", segments.join(", "));
    // The array alone fits on the broken call's line (its comma is not counted), so `call`
    // writes it on one line or that one.
    if 12 + array.len() <= source::MARGIN {
        s.call(8, "spec.require_path_params", &[array], ";");
        return;
    }
    s.fixed(8, "spec.require_path_params(");
    s.fixed(12, "&[");
    s.items(16, segments);
    s.fixed(12, "],");
    s.fixed(8, ");");
}

/// A request's path: a literal, or its pieces joined (`["/a/", &id_segment].concat()`).
enum PathExpr {
    Literal(String),
    Concat(Vec<String>),
}

impl PathExpr {
    fn one_line(&self) -> String {
        match self {
            PathExpr::Literal(path) => format!("String::from({path})"),
            PathExpr::Concat(parts) => format!("[{}].concat()", parts.join(", ")),
        }
    }

    /// As an argument of a broken call, at `indent`: prettyplease breaks the method call before
    /// `.concat()` first, then the array.
    fn write_argument(&self, s: &mut Source, indent: usize) {
        let parts = match self {
            PathExpr::Literal(path) => return s.call(indent, "String::from", &[path], ","),
            PathExpr::Concat(parts) => parts,
        };
        let array = format!("[{}]", parts.join(", "));
        if indent + array.len() + ".concat(),".len() <= source::MARGIN {
            s.fixed(indent, &format!("{array}.concat(),"));
            return;
        }
        if indent + array.len() <= source::MARGIN {
            s.fixed(indent, &array);
        } else {
            s.fixed(indent, "[");
            s.items(indent + 4, parts);
            s.fixed(indent, "]");
        }
        s.fixed(indent + 4, ".concat(),");
    }
}

/// `&[&[&SCHEME_A], &[]]`: the alternatives of credentials an operation accepts.
fn security_text(api: &Api, security: &[Vec<usize>]) -> String {
    let alternatives: Vec<String> = security
        .iter()
        .map(|set| {
            let schemes: Vec<String> = set
                .iter()
                .map(|&i| format!("&crate::auth::{}", source::name(&api.security_schemes[i].const_name)))
                .collect();
            format!("&[{}]", schemes.join(", "))
        })
        .collect();
    format!("&[{}]", alternatives.join(", "))
}

/// Whether the operation's parameters are all optional, so that the caller may pass `None` for
/// their defaults (`customers().list(None)`).
pub(super) fn optional_params(api: &Api, op: &Operation) -> bool {
    op.params.is_some_and(|id| match &api.types[id].kind {
        TypeKind::Params(s) => s.fields.iter().all(|f| !f.required),
        _ => false,
    })
}

/// Whether the caller may leave the body out (`None`): a JSON or form body the description
/// does not require. Not one that may itself be `null`, where `None` would say two things, nor,
/// where `requestBody.required` is left unset, one with required fields: such a description
/// (Twilio's, for every create) means the body, not that it is optional.
pub(super) fn optional_body(api: &Api, op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|body| {
        let fields_required = || {
            resolved_struct(&body.ty, &api.types).is_some_and(|(_, s)| s.fields.iter().any(|f| f.required))
        };
        let may_be_left_out = match body.required {
            Some(required) => !required,
            None => !fields_required(),
        };
        may_be_left_out
            && matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form)
            && !matches!(resolved(&body.ty, &api.types), Ty::Nullable(_))
    })
}

/// Whether the operation takes a multipart body that declares no fields, which the caller
/// builds as a runtime `Multipart`.
pub(super) fn free_multipart(api: &Api, op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|body| {
        body.encoding == BodyEncoding::Multipart && super::types::multipart_struct(api, &body.ty).is_none()
    })
}

fn operation_doc(api: &Api, op: &Operation) -> String {
    let endpoint = format!("`{} {}` (`{}`)", op.method, op.path, op.operation_id);
    let args: Vec<String> = op
        .path_params
        .iter()
        .filter_map(|p| {
            Some(format!(
                "- `{}`: {}",
                p.rust_name.trim_start_matches("r#"),
                p.doc.as_deref()?.replace('\n', " ")
            ))
        })
        .collect();
    let args = args.join("\n");
    let mut notes = Vec::new();
    if !op.fixed.is_empty() {
        notes.push(format!("Sent with every call: {}.", fixed_values(&op.fixed)));
    }
    if free_multipart(api, op) {
        notes.push(
            "The form declares no fields: build `body` with [`Multipart`](crate::runtime::Multipart)'s `field` and `file`."
                .to_owned(),
        );
    }
    match (optional_params(api, op), optional_body(api, op)) {
        (true, true) => notes.push(
            "The parameters (all optional) and the body may each be `None`, to leave them out.".to_owned(),
        ),
        (true, false) => notes.push("The parameters may be `None`: all of them are optional.".to_owned()),
        (false, true) => notes.push("The body may be `None`, to leave it out.".to_owned()),
        (false, false) => {}
    }
    if let Some(body) = op.body.as_ref().filter(|body| body.encoding == BodyEncoding::JsonLines) {
        notes.push(format!("The body is sent as JSON Lines (`{}`): one item per line.", body.content_type));
    }
    let multipart = op.body.as_ref().is_some_and(|body| body.encoding == BodyEncoding::Multipart);
    if let Idempotency::BodyField { json_name: name, required, .. } = &op.idempotency {
        notes.push(if *required {
            format!("The server deduplicates this request by `{name}`, so it is retried like a GET after a timeout or a 5xx.")
        } else if multipart {
            format!("Without `{name}` in the body, a generated one is sent (the same on every retry), so a retried request cannot act twice. To choose the key, set `{name}` on the body: a key given to the request is refused, as a multipart body is not rewritten.")
        } else {
            format!("Without `{name}` in the body, the key given to the request (`.idempotency_key(…)`) is sent there, or else a generated one (the same on every retry), so a retried request cannot act twice; set your own to look up the result of a request whose answer was lost.")
        });
    }
    let writes = matches!(op.method.as_str(), "POST" | "PATCH");
    match (&op.idempotency, &api.idempotency_header) {
        (Idempotency::Header, Some(header)) if writes => notes.push(format!(
            "It carries an `{header}` header, generated or given with `.idempotency_key(…)`, the same on every retry, so it is retried after a timeout or a 5xx like a GET."
        )),
        // Where some operations are keyed, say which are not.
        (Idempotency::None, Some(_)) if writes => notes.push(
            "The server does not deduplicate it, so it is not retried once it may have reached the server: after a timeout or a 5xx, check before sending it again.".to_owned(),
        ),
        _ => {}
    }
    if let Idempotency::CallerBodyField { json_name: name } = &op.idempotency {
        notes.push(format!("A request whose `{name}` the server has seen is answered with what the first one made, so one that sets `{name}` is retried after a timeout or a 5xx like a GET; one without is retried only when it certainly did not reach the server."));
    }
    if let Some(pagination) = &op.pagination {
        notes.push(
            "Await it for one page, or call `into_stream()` to walk every item across pages.".to_owned(),
        );
        // Stripe's cursors do not shift; an offset or a page number does, under a walk that
        // cancels what it walks, and a user of Stripe's SDKs would not expect it.
        if let Some(by) = pagination.kind.position() {
            notes.push(format!(
                "Pages are fetched by {by}: items created or deleted during a walk shift the pages after them, so an item may be skipped or seen twice. To change the items as you go (cancel each, say), gather them first with `collect_all()`."
            ));
        }
    }
    if let Some(twin) = stream_twin(api, op).map(|twin| twin.fn_name.trim_start_matches("r#")) {
        notes.push(format!(
            "To receive the answer as it is made, call [`{twin}`](Self::{twin}), which asks for it as a stream."
        ));
    }
    if let Response::Stream(stream) = &op.response {
        let (framing, each) = match stream.framing {
            StreamFraming::ServerSentEvents => ("Server-Sent Events", "event"),
            StreamFraming::JsonLines => ("JSON Lines", "line"),
            StreamFraming::JsonSeq => ("a JSON text sequence", "record"),
        };
        let item = match &stream.item {
            Some(item) if stream.whole_event => {
                format!("{} (each event's name beside its data)", type_label(api, item))
            }
            Some(item) => type_label(api, item),
            None => "[`ServerSentEvent`](crate::runtime::ServerSentEvent) (as sent)".to_owned(),
        };
        let note = format!(
            "The answer comes as {framing}. Awaited, this resolves once the server has answered, to an [`EventStream`](crate::runtime::EventStream) of {item}, one per {each} as it arrives (`try_next()` reads the next)."
        );
        notes.push(note);
    }
    match stream_flag(api, op) {
        Some((flag, true)) => {
            notes.push(format!("The body's `{flag}` is sent as `true`, which asks for the stream."))
        }
        Some((flag, false)) => {
            notes.push(format!("The body's `{flag}` is sent as `false`, which asks for one answer in JSON."))
        }
        None => {}
    }
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{}`", s.replace('`', "'"))).collect();
        notes.push(format!("Scopes the API description lists for it: {}.", scopes.join(", ")));
    }
    // Statuses grouped by body type: "`400`, `404` ([`Error`])".
    let mut groups: Vec<(Option<&Ty>, Vec<String>)> = Vec::new();
    for (status, t) in &op.errors {
        match groups.iter_mut().find(|(g, _)| *g == t.as_ref()) {
            Some((_, statuses)) => statuses.push(format!("`{status}`")),
            None => groups.push((t.as_ref(), vec![format!("`{status}`")])),
        }
    }
    let errors: Vec<String> = groups
        .into_iter()
        .map(|(t, statuses)| match t {
            Some(t) => format!("{} ({})", statuses.join(", "), type_label(api, t)),
            None => statuses.join(", "),
        })
        .collect();
    if !errors.is_empty() {
        notes.push(format!(
            "Declared error responses: {}. They surface as [`Error::Api`](crate::Error::Api); decode a body with `ApiError::decode_body`.",
            errors.join(", ")
        ));
    }
    let notes = notes.join("\n\n");
    docs::paragraphs([
        op.summary.as_deref(),
        op.doc.as_deref(),
        Some(endpoint.as_str()),
        Some(args.as_str()),
        Some(notes.as_str()),
    ])
}

/// The method that asks for `op`'s answer as a stream, if another does.
fn stream_twin<'a>(api: &'a Api, op: &Operation) -> Option<&'a Operation> {
    if !op.has_stream_twin {
        return None;
    }
    api.resources.iter().flat_map(|r| &r.operations).find(|twin| {
        matches!(twin.response, Response::Stream(_)) && twin.method == op.method && twin.path == op.path
    })
}

/// The body property that asks for a stream, and the value `op` sends in it: `true` for a
/// streaming operation, `false` for the JSON one beside it.
fn stream_flag<'a>(api: &'a Api, op: &'a Operation) -> Option<(&'a str, bool)> {
    let (stream, on) = match &op.response {
        Response::Stream(stream) => (stream, true),
        _ => match &stream_twin(api, op)?.response {
            Response::Stream(stream) => (stream, false),
            _ => return None,
        },
    };
    Some((stream.flag.as_deref()?, on))
}

/// The fixed values of an operation by location: "header `X-Amz-Target: Svc.Op`; query
/// `Action=DescribeInstances`, `Version=2016-11-15`".
fn fixed_values(fixed: &[FixedParam]) -> String {
    let mut groups: Vec<String> = Vec::new();
    for location in ["header", "query", "cookie"] {
        let values: Vec<String> = fixed
            .iter()
            .filter(|f| f.location.function() == location)
            .map(|f| {
                let separator = if location == "header" { ": " } else { "=" };
                format!("`{}{separator}{}`", f.name.replace('`', "'"), f.value.replace('`', "'"))
            })
            .collect();
        if !values.is_empty() {
            groups.push(format!("{location} {}", values.join(", ")));
        }
    }
    groups.join("; ")
}

fn type_label(api: &Api, t: &Ty) -> String {
    match t {
        Ty::Named(id) => format!("[`{0}`](crate::types::{0})", api.types[*id].name),
        _ => "JSON".to_owned(),
    }
}

/// What a deprecated operation's warning says: the sentence of its description (or summary)
/// that says what replaces it or when it goes, with the call this crate has for an operation
/// it names (`Deprecated; use GET /v2/images instead.`). `None` where no sentence says more
/// than "deprecated", or none reads cleanly in one line.
fn deprecation_note(api: &Api, op: &Operation) -> Option<String> {
    const MAX_NOTE: usize = 200;
    // Not "use" alone ("This allows you to use a single key…"), nor "instead" alone ("Returns
    // 204 instead of the object"): "instead" counts where the sentence names an operation.
    const SAYS: [&str; 5] = ["deprecat", "replaced by", "superseded", "sunset", "will be removed"];
    let named_in = |sentence: &str| {
        let mentions = Mentions::of(sentence);
        api.resources
            .iter()
            .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
            .find(|(_, other)| !std::ptr::eq(*other, op) && !other.deprecated && mentions.name(other))
    };
    let text =
        [op.doc.as_deref(), op.summary.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n");
    let (sentence, named) = sentences(&text).into_iter().find_map(|sentence| {
        let plain = sentence.replace("**", "").replace("__", "");
        // More than "Deprecated." or "DEPRECATED - do not use", in one plain line.
        let clean = plain.split_whitespace().count() >= 4
            && plain.len() <= MAX_NOTE
            && !plain.contains(['<', '>', '|', '[', '\\']);
        let lower = plain.to_lowercase();
        let deprecating = SAYS.iter().any(|word| lower.contains(word));
        if !clean || !(deprecating || lower.contains("instead")) {
            return None;
        }
        let named = named_in(&plain);
        (deprecating || named.is_some()).then_some((plain, named))
    })?;
    Some(match named {
        Some((r, other)) => {
            let args = if other.path_params.is_empty() && other.body.is_none() && other.params.is_none() {
                ""
            } else {
                "…"
            };
            let stop = if sentence.ends_with(['.', '!', '?']) { "" } else { "." };
            format!(
                "{sentence}{stop} In this crate: `client.{}({args})`.",
                r.call(&other.fn_name).replace("r#", "")
            )
        }
        None => sentence,
    })
}

/// A text's sentences, each on one line: cut after `.`, `!` or `?` followed by a space (not
/// after an abbreviation such as "e.g."), and at line breaks.
fn sentences(text: &str) -> Vec<String> {
    const ABBREVIATIONS: [&str; 6] = ["e.g.", "i.e.", "etc.", "vs.", "cf.", "approx."];
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (k, &(i, c)) in chars.iter().enumerate() {
            let next_is_space = chars.get(k + 1).is_some_and(|&(_, n)| n == ' ');
            if !matches!(c, '.' | '!' | '?') || !next_is_space {
                continue;
            }
            // `c` is ASCII: the byte after it starts the next character.
            let sentence = &line[start..=i];
            let word = sentence.rsplit(' ').next().unwrap_or_default().to_lowercase();
            if !ABBREVIATIONS.contains(&word.as_str()) {
                out.push(sentence.trim().to_owned());
                start = i + 1;
            }
        }
        out.push(line[start..].trim().to_owned());
    }
    out.retain(|sentence| !sentence.is_empty());
    out
}

/// What a sentence may name an operation by, read once for all of them: `METHOD /path` pairs,
/// words (an operation id such as `list-exports-views`), and backticked spans (a summary such
/// as `` `List Monitoring Metrics` ``, lower-cased).
struct Mentions {
    calls: Vec<(String, String)>,
    words: BTreeSet<String>,
    quoted: Vec<String>,
}

impl Mentions {
    fn of(text: &str) -> Self {
        const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
        let tokens: Vec<&str> = text.split_whitespace().map(|t| t.trim_matches('`')).collect();
        let calls = tokens
            .windows(2)
            .filter(|pair| METHODS.contains(&pair[0]) && pair[1].starts_with('/'))
            .map(|pair| {
                (pair[0].to_owned(), pair[1].trim_end_matches(['.', ',', ';', ':', ')', '`']).to_owned())
            })
            .collect();
        let words = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let quoted = text.split('`').skip(1).step_by(2).map(str::to_lowercase).collect();
        Mentions { calls, words, quoted }
    }

    /// Whether the text names `op`, by its method and whole path, its id or its summary.
    fn name(&self, op: &Operation) -> bool {
        self.calls.iter().any(|(method, path)| *method == op.method && *path == op.path)
            || self.words.contains(&op.operation_id)
            || op.summary.as_deref().is_some_and(|s| self.quoted.iter().any(|q| *q == s.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deprecated_operation_says_what_its_description_says_to_use_instead() {
        let spec = r#"
openapi: 3.0.3
info: {title: Demo, version: "1"}
paths:
  /v1/images:
    get:
      operationId: listImagesV1
      deprecated: true
      description: "Lists images. **Deprecated**; use `GET /v2/images` instead. It goes in 2027."
      responses: {'200': {description: ok}}
  /v2/images:
    get:
      operationId: listImages
      summary: List images
      responses: {'200': {description: ok}}
  /v2/images/{id}:
    get:
      operationId: getImage
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      deprecated: true
      summary: DEPRECATED
      responses: {'200': {description: ok}}
  /v2/old:
    get:
      operationId: old
      deprecated: true
      description: "This route is deprecated, see <a href='x'>the guide</a>."
      responses: {'200': {description: ok}}
  /v2/legacy:
    delete:
      operationId: legacy
      deprecated: true
      description: "Returns 204 instead of the deleted image, for old apps."
      responses: {'204': {description: gone}}
"#;
        let api =
            crate::ir::lower(&crate::load::load(spec).unwrap(), &crate::config::Config::new("demo")).unwrap();
        let note = |id: &str| {
            let op = api.operations().find(|op| op.operation_id == id).unwrap();
            deprecation_note(&api, op)
        };
        assert_eq!(
            note("listImagesV1").as_deref(),
            Some("Deprecated; use `GET /v2/images` instead. In this crate: `client.images().list()`.")
        );
        // Nothing beyond the word, or nothing that reads as one plain line.
        assert_eq!(note("getImage"), None);
        assert_eq!(note("old"), None);
        // "instead" says nothing of the deprecation unless the sentence names an operation.
        assert_eq!(note("legacy"), None);
        let list = api.operations().find(|op| op.operation_id == "listImages").unwrap();
        let names = |text: &str| Mentions::of(text).name(list);
        assert!(names("use GET /v2/images."));
        assert!(names("use `GET /v2/images` instead"));
        assert!(!names("use GET /v2/images/{id}"));
        assert!(!names("use POST /v2/images"));
        assert!(names("replaced by the listImages call"));
        assert!(!names("replaced by the listImagesV2 call"));
        assert!(names("please use the `List images` API"));
        assert!(!names("please use the `List images of a user` API"));
        assert_eq!(sentences("One. Two: a.b!  Three?\nFour"), ["One.", "Two: a.b!", "Three?", "Four"]);
        assert_eq!(
            sentences("Use another, e.g. the new one. Done"),
            ["Use another, e.g. the new one.", "Done"]
        );
    }

    #[test]
    fn empty_security_is_an_empty_slice() {
        let api = crate::ir::Api {
            title: String::new(),
            description: None,
            version: String::new(),
            base_url: String::new(),
            types: Vec::new(),
            resources: Vec::new(),
            security_schemes: Vec::new(),
            primary_scheme: None,
            idempotency_header: None,
            webhook_event: None,
            examples: Vec::new(),
            warnings: Vec::new(),
        };
        assert_eq!(security_text(&api, &[]), "&[]");
        assert_eq!(security_text(&api, &[vec![]]), "&[&[]]");
    }
}
