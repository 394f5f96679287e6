//! Operations → one struct per resource with a method per operation (`src/resources/*.rs`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs;
use super::tokens::{Scope, ident, resolved, ty};
use crate::ir::{
    Api, BodyEncoding, Idempotency, Operation, PageKind, ParamLocation, ParamStyle, PathParam, PathSegment,
    Resource, Response, StyleKind, Ty, TypeKind,
};
use crate::naming::Namespace;
use crate::source::{self, Source};

/// `src/resources/mod.rs`.
pub fn mod_file(api: &Api) -> Source {
    let mut s = Source::new();
    s.fixed(0, "//! One handle per resource, returned by the accessors on [`Client`](crate::Client).");
    for r in &api.resources {
        let (m, cfg) = (source::name(&r.name), format!("#[cfg(feature = {})]", source::lit(&r.feature)));
        s.line(0, &cfg);
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

/// `src/resources/<name>.rs`.
pub fn resource_file(api: &Api, r: &Resource) -> TokenStream {
    let name = ident(&r.type_name);
    let module_doc = docs::inner(&docs::paragraphs([
        Some(format!("The `{}` resource.", r.name).as_str()),
        r.doc.as_deref(),
    ]));
    let struct_doc = docs::outer(Some(&docs::paragraphs([
        Some(
            format!(
                "Operations on the `{}` resource; get one with [`Client::{}`](crate::Client::{}).",
                r.name,
                r.name.trim_start_matches("r#"),
                r.name
            )
            .as_str(),
        ),
        r.doc.as_deref(),
    ])));
    let methods = r.operations.iter().map(|op| operation(api, op));
    quote! {
        #module_doc
        #struct_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a> {
            client: &'a crate::Client,
        }
        impl<'a> #name<'a> {
            pub(crate) fn new(client: &'a crate::Client) -> Self {
                Self { client }
            }
            #(#methods)*
        }
    }
}

/// A path parameter's argument type and the expression that writes its segment. Strings take
/// `&str` and lists `&[…]`; simple-style scalars skip serialization.
fn path_argument(api: &Api, p: &PathParam, arg: &Ident) -> (TokenStream, TokenStream) {
    let (arg_ty, value) = match resolved(&p.ty, &api.types) {
        Ty::String => (quote!(&str), quote!(#arg)),
        Ty::Named(id)
            if p.style == ParamStyle::SIMPLE && matches!(api.types[*id].kind, TypeKind::Enum(_)) =>
        {
            let t = ty(&p.ty, &api.types, Scope::Crate);
            return (quote!(&#t), quote!(crate::runtime::encode_path_segment(#arg.as_str())));
        }
        // Enums, unions, newtypes: whatever they serialize to.
        Ty::Named(_) => {
            let t = ty(&p.ty, &api.types, Scope::Crate);
            (quote!(&#t), quote!(#arg))
        }
        Ty::Vec(item) if matches!(resolved(item, &api.types), Ty::String) => {
            (quote!(&[impl AsRef<str>]), quote!(&#arg.iter().map(AsRef::as_ref).collect::<Vec<&str>>()))
        }
        Ty::Vec(item) => {
            let t = ty(item, &api.types, Scope::Crate);
            (quote!(&[#t]), quote!(#arg))
        }
        _ => (ty(&p.ty, &api.types, Scope::Crate), quote!(&#arg)),
    };
    let segment = match resolved(&p.ty, &api.types) {
        Ty::String if p.style == ParamStyle::SIMPLE => quote!(crate::runtime::encode_path_segment(#value)),
        _ if p.style == ParamStyle::SIMPLE => quote!(crate::runtime::encode_path_value(#value)),
        _ => {
            let (name, style, explode) = (&p.json_name, style_tokens(p.style), p.style.explode);
            quote!(crate::runtime::encode_path_styled(#name, #value, #style, #explode))
        }
    };
    (arg_ty, segment)
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
fn style_tokens(style: ParamStyle) -> TokenStream {
    let variant = ident(style.kind.variant());
    quote!(crate::runtime::ParamStyle::#variant)
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let fname = ident(&op.fn_name);
    let mut args = Vec::new();
    let mut locals = Namespace::new();
    for p in &op.path_params {
        locals.reserve(&p.rust_name);
    }
    let params_arg = ident(&locals.claim("params"));
    let body_arg = ident(&locals.claim("body"));

    // Each path parameter is encoded once, into a local, and refused if empty: `/customers/`
    // for `/customers/{id}` would be another endpoint.
    let mut path_parts = Vec::new();
    let mut segment_locals: Vec<Option<Ident>> = vec![None; op.path_params.len()];
    let (mut encode_segments, mut required_segments) = (Vec::new(), Vec::new());
    for seg in &op.segments {
        match seg {
            PathSegment::Literal(text) => path_parts.push(quote!(#text)),
            PathSegment::Param(i) => {
                // A parameter used twice in the path (`/{id}/x/{id}`) is one argument.
                let local = segment_locals[*i].get_or_insert_with(|| {
                    let p = &op.path_params[*i];
                    let arg = ident(&p.rust_name);
                    let (arg_ty, segment) = path_argument(api, p, &arg);
                    args.push(quote!(#arg: #arg_ty));
                    let local =
                        ident(&locals.claim(&format!("{}_segment", p.rust_name.trim_start_matches("r#"))));
                    encode_segments.push(quote!(let #local = #segment;));
                    let name = &p.json_name;
                    required_segments.push(quote!((#name, &#local)));
                    local
                });
                path_parts.push(quote!(&#local));
            }
        }
    }
    let path_expr = if op.path_params.is_empty() {
        let path = &op.path;
        quote!(String::from(#path))
    } else {
        quote!([#(#path_parts),*].concat())
    };

    let mut statements = Vec::new();
    if !required_segments.is_empty() {
        statements.push(quote!(spec.require_path_params(&[#(#required_segments),*]);));
    }
    if let Some(params_id) = op.params {
        let params_ty = ty(&Ty::Named(params_id), &api.types, Scope::Crate);
        if optional_params(api, op) {
            args.push(quote!(#params_arg: impl Into<Option<#params_ty>>));
            statements.push(quote!(let #params_arg = #params_arg.into().unwrap_or_default();));
        } else {
            args.push(quote!(#params_arg: #params_ty));
        }
        if let TypeKind::Params(s) = &api.types[params_id].kind {
            for f in &s.fields {
                let field = ident(&f.rust_name);
                let name = &f.json_name;
                statements.push(match f.location {
                    ParamLocation::Header => quote!(spec.header(#name, &#params_arg.#field);),
                    ParamLocation::Cookie => quote!(spec.cookie(#name, &#params_arg.#field);),
                    ParamLocation::Query(style) if !written_as_default(api, &f.ty, style) => {
                        let (style, explode) = (style_tokens(style), style.explode);
                        quote!(spec.query_styled(#name, &#params_arg.#field, #style, #explode);)
                    }
                    ParamLocation::Query(_) | ParamLocation::Body => {
                        quote!(spec.query(#name, &#params_arg.#field);)
                    }
                });
            }
        }
    }
    if op.idempotency == Idempotency::Header && matches!(op.method.as_str(), "POST" | "PATCH") {
        statements.push(quote!(spec.accepts_idempotency_key();));
    }
    if let Some(body) = &op.body {
        let content_type = &body.content_type;
        match body.encoding {
            _ if free_multipart(api, op) => {
                args.push(quote!(#body_arg: crate::runtime::Multipart));
                statements.push(quote!(spec.multipart_body(&#body_arg);));
            }
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                let body_ty = ty(&body.ty, &api.types, Scope::Crate);
                let optional = optional_body(api, op);
                args.push(if optional {
                    quote!(#body_arg: impl Into<Option<#body_ty>>)
                } else {
                    quote!(#body_arg: #body_ty)
                });
                if let Idempotency::BodyField { rust_name, json_name, required } = &op.idempotency {
                    // The runtime puts the key into a JSON or form body that leaves it out; a
                    // multipart one gets it here.
                    if !required && body.encoding == BodyEncoding::Multipart {
                        let field = ident(rust_name);
                        statements.push(quote! {
                            let mut #body_arg = #body_arg;
                            #body_arg.#field.get_or_insert_with(crate::runtime::new_idempotency_key);
                        });
                    }
                    statements.push(quote!(spec.idempotency_key_in_body(#json_name);));
                }
                if let Idempotency::CallerBodyField { json_name } = &op.idempotency {
                    statements.push(quote!(spec.deduplicated_by_body_field(#json_name);));
                }
                statements.push(match body.encoding {
                    BodyEncoding::Json if optional => {
                        quote!(spec.optional_json_body(#body_arg.into().as_ref());)
                    }
                    BodyEncoding::Form if optional => {
                        quote!(spec.optional_form_body(#body_arg.into().as_ref());)
                    }
                    BodyEncoding::Json => quote!(spec.json_body(&#body_arg);),
                    BodyEncoding::Multipart => quote!(spec.multipart_body(&#body_arg);),
                    _ => quote!(spec.form_body(&#body_arg);),
                });
            }
            BodyEncoding::Bytes => {
                args.push(quote!(#body_arg: impl Into<bytes::Bytes>));
                statements.push(quote!(spec.bytes_body(#content_type, #body_arg.into());));
            }
            BodyEncoding::Text => {
                args.push(quote!(#body_arg: impl Into<String>));
                statements.push(quote!(spec.text_body(#content_type, #body_arg.into());));
            }
        }
    }

    let method = ident(&op.method);
    let security = security_expr(api, &op.security);
    let spec_binding = if statements.is_empty() { quote!(let spec) } else { quote!(let mut spec) };
    let (ret, call) = match (&op.pagination, &op.response) {
        (Some(p), _) => {
            let page = match &p.envelope {
                Some((id, _)) => ty(&Ty::Named(*id), &api.types, Scope::Crate),
                // A bare array: the runtime's `Page` for `Vec`.
                None => ty(&Ty::Vec(Box::new(p.item.clone())), &api.types, Scope::Crate),
            };
            let name_or_none = |param: &Option<String>| match param {
                Some(name) => quote!(Some(#name)),
                None => quote!(None),
            };
            let pagination = match &p.kind {
                PageKind::Offset { limit_param, offset_param, .. } => {
                    quote!(crate::runtime::Pagination::Offset { limit: #limit_param, offset: #offset_param })
                }
                PageKind::AfterLastId { limit_param, cursor_param, .. }
                | PageKind::Token { limit_param, cursor_param, .. } => {
                    let limit = name_or_none(limit_param);
                    quote!(crate::runtime::Pagination::Cursor { limit: #limit, cursor: #cursor_param })
                }
                PageKind::NextLink { limit_param, cursor_param, .. } => {
                    let (limit, cursor) = (name_or_none(limit_param), name_or_none(cursor_param));
                    quote!(crate::runtime::Pagination::NextLink { limit: #limit, cursor: #cursor })
                }
                PageKind::LinkHeader { limit_param } => {
                    let limit = name_or_none(limit_param);
                    quote!(crate::runtime::Pagination::LinkHeader { limit: #limit })
                }
                PageKind::PageNumber { limit_param, page_param, first, .. } => {
                    let limit = name_or_none(limit_param);
                    let first = proc_macro2::Literal::u64_unsuffixed(*first);
                    quote!(crate::runtime::Pagination::PageNumber { limit: #limit, page: #page_param, first: #first })
                }
            };
            (quote!(crate::runtime::ListRequest<#page>), quote!(self.client.list(spec, #pagination)))
        }
        (None, Response::Json(t)) => {
            let t = ty(t, &api.types, Scope::Crate);
            (
                quote!(crate::runtime::Request<#t>),
                // `decode_json`'s type parameter is inferred from the return type.
                quote!(self.client.request(spec, crate::runtime::decode_json)),
            )
        }
        (None, Response::Empty) => (
            quote!(crate::runtime::Request<()>),
            quote!(self.client.request(spec, crate::runtime::decode_empty)),
        ),
        (None, Response::Text) => (
            quote!(crate::runtime::Request<String>),
            quote!(self.client.request(spec, crate::runtime::decode_text)),
        ),
        (None, Response::ByStatus(id)) => {
            let t = ty(&Ty::Named(*id), &api.types, Scope::Crate);
            (quote!(crate::runtime::Request<#t>), quote!(self.client.request(spec, #t::decode)))
        }
        (None, Response::Bytes) => (
            quote!(crate::runtime::Request<bytes::Bytes>),
            quote!(self.client.request(spec, crate::runtime::decode_bytes)),
        ),
    };
    let doc = docs::outer(Some(&operation_doc(api, op)));
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { quote!() };
    quote! {
        #doc
        #deprecated
        pub fn #fname(&self, #(#args),*) -> #ret {
            #(#encode_segments)*
            #spec_binding = crate::runtime::RequestSpec::new(reqwest::Method::#method, #path_expr, #security);
            #(#statements)*
            #call
        }
    }
}

/// `&[&[&SCHEME_A], &[]]`: the alternatives of credentials an operation accepts.
fn security_expr(api: &Api, security: &[Vec<usize>]) -> TokenStream {
    let alternatives = security.iter().map(|set| {
        let schemes = set.iter().map(|&i| {
            let c = ident(&api.security_schemes[i].const_name);
            quote!(&crate::auth::#c)
        });
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alternatives),*])
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
/// does not require. Not one that may itself be `null`, where `None` would say two things.
fn optional_body(api: &Api, op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|body| {
        !body.required
            && matches!(body.encoding, BodyEncoding::Json | BodyEncoding::Form)
            && !matches!(resolved(&body.ty, &api.types), Ty::Nullable(_))
    })
}

/// Whether the operation takes a multipart body that declares no fields, which the caller
/// builds as a runtime `Multipart`.
fn free_multipart(api: &Api, op: &Operation) -> bool {
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
    if op.pagination.is_some() {
        notes.push(
            "Await it for one page, or call `into_stream()` to walk every item across pages.".to_owned(),
        );
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

fn type_label(api: &Api, t: &Ty) -> String {
    match t {
        Ty::Named(id) => format!("[`{0}`](crate::types::{0})", api.types[*id].name),
        _ => "JSON".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(security_expr(&api, &[]).to_string(), "& []");
        assert_eq!(security_expr(&api, &[vec![]]).to_string(), "& [& []]");
    }
}
