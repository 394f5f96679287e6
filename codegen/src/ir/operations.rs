//! Paths → operations (parameters, bodies, responses, idempotency) grouped into resources.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use super::operation_names::{
    DeclaredIds, UNGROUPED, declared_ids, derived_operation_id, echoes_path, location_prefix_len,
    path_operation_names, resource_key, shared_path_words, singular_phrase, split_path_key,
    strip_resource_words, without_fastapi_suffix, without_location,
};
use super::pagination::detect_pagination;
use super::schema::{self, TypeBuilder};
use super::security::{operation_security, primary_scheme, security_schemes};
use super::{
    Api, Body, BodyEncoding, Field, FixedParam, Idempotency, Operation, ParamLocation, ParamStyle, PathParam,
    PathSegment, Resource, Response, SecurityScheme, StreamBody, StreamFraming, StyleKind, Ty, TypeKind,
    str_field,
};
use crate::config::{Config, IdempotencyHeader};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Spec;
use crate::naming::{self, Namespace};
use crate::pointer;

pub(super) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Names the generated `Client` and `ClientBuilder` already use.
pub(super) const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "with_credential",
    "request",
    "request_stream",
    "list",
    "clone",
    "fmt",
    "base_url",
    "timeout",
    "connect_timeout",
    "max_retries",
    "initial_retry_delay",
    "max_retry_delay",
    "user_agent",
    "http_client",
    "credential",
    "basic_auth",
    "credential_from_env",
    "max_response_bytes",
    "build",
    "build_infallible",
    "has_credential",
    "as_runtime",
    "from_runtime",
    "from",
    "default",
];

/// Builds the whole model from a loaded document.
pub fn build(spec: &Spec, config: &Config) -> Result<Api, Diagnostics> {
    let root = &spec.root;
    let mut tb = TypeBuilder::new(root, true);
    tb.warnings.extend(spec.warnings.iter().cloned());
    tb.register_components();
    let security_schemes = security_schemes(root, &mut tb);
    let idempotency_header = match &config.idempotency_header {
        IdempotencyHeader::Named(h) => Some(h.clone()),
        IdempotencyHeader::Disabled => None,
        IdempotencyHeader::Detect => detect_idempotency_header(root),
    };
    let shared_words = shared_path_words(root);
    let ctx = Ctx {
        root,
        path_names: path_operation_names(root, &shared_words),
        ids: declared_ids(root),
        schemes: &security_schemes,
        idempotency_header: idempotency_header.as_deref(),
        shared_words,
    };

    let mut ops: Vec<(Option<String>, Operation)> = Vec::new();
    // Beside each operation, the stream its answer also comes as, if it does (its twin's).
    let mut also_streamed: Vec<Option<StreamBody>> = Vec::new();
    // Operations whose `x-idempotency-field` names a body field: index, value, pointer.
    let mut caller_keys: Vec<(usize, &Value, String)> = Vec::new();
    let mut used_ids = Namespace::new();
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        let paths_ptr = pointer::push("#", "paths");
        for (path, item) in paths {
            let item_ptr = pointer::push(&paths_ptr, path);
            let (item_ptr, item) = match resolve_object(root, &item_ptr, item) {
                Ok(found) => found,
                Err(d) => {
                    tb.warnings.push(d);
                    continue;
                }
            };
            let Some(item_obj) = item.as_object() else { continue };
            for method in METHODS {
                let Some(op) = item_obj.get(*method) else { continue };
                let op_ptr = pointer::push(&item_ptr, method);
                match build_operation(&mut tb, &ctx, path, method, item_obj, op, &op_ptr, &mut used_ids) {
                    Ok((key, built, stream)) => {
                        if let Some(field) = op.get(IDEMPOTENCY_FIELD) {
                            caller_keys.push((ops.len(), field, pointer::push(&op_ptr, IDEMPOTENCY_FIELD)));
                        }
                        ops.push((key, built));
                        also_streamed.push(stream);
                    }
                    Err(d) => tb.warn(&d.pointer, format!("operation skipped: {}", d.message)),
                }
            }
        }
    }
    // Build every type the operations and components reach. A schema that cannot be built
    // becomes an untyped value rather than failing the whole crate.
    while let Err(d) = tb.drain() {
        tb.warnings.push(d);
    }
    for ty in tb.types.iter_mut().filter(|t| matches!(t.kind, TypeKind::Pending)) {
        ty.kind = TypeKind::Alias(Ty::Any);
    }
    for ((_, op), also) in ops.iter_mut().zip(&mut also_streamed) {
        let body = op.body.as_ref();
        let own = match &mut op.response {
            Response::Stream(stream) => Some(stream),
            _ => None,
        };
        for stream in own.into_iter().chain(also.as_mut()) {
            refine_stream(stream, body, &tb.types);
        }
    }
    // A body field named like the header is the key where the header is not declared; a header
    // the config names but no operation declares is taken everywhere else (Stripe's spec
    // declares it nowhere); one some operations declare is honoured only there.
    let declared_anywhere = ops.iter().any(|(_, op)| op.idempotency == Idempotency::Header);
    for (index, field, at) in caller_keys {
        let op = &mut ops[index].1;
        let Some(name) = field.as_str() else {
            tb.warn(&at, "`x-idempotency-field` must name a property of the request body; ignored");
            continue;
        };
        // A header the server honours makes every request safe to retry, with or without the
        // field.
        if op.idempotency == Idempotency::Header {
            continue;
        }
        let encoding = op.body.as_ref().map(|body| body.encoding);
        if !matches!(encoding, Some(BodyEncoding::Json | BodyEncoding::Form)) {
            tb.warn(
                &at,
                format!("`{name}` is not a field of a JSON or form body, the client cannot read it; ignored"),
            );
            continue;
        }
        if body_field(&tb.types, op, name).is_none() {
            tb.warn(
                &at,
                format!("the request body has no property `{name}` that holds a string or number; ignored"),
            );
            continue;
        }
        op.idempotency = Idempotency::CallerBodyField { json_name: name.to_owned() };
    }
    for (_, op) in &mut ops {
        if op.idempotency != Idempotency::None || !matches!(op.method.as_str(), "POST" | "PATCH") {
            continue;
        }
        if config.idempotency_header != IdempotencyHeader::Disabled {
            let name = idempotency_header.as_deref().unwrap_or("Idempotency-Key");
            if let Some(field) = body_idempotency_field(&tb.types, op, &name.to_snake_case()) {
                op.idempotency = Idempotency::BodyField {
                    rust_name: field.rust_name.clone(),
                    json_name: field.json_name.clone(),
                    required: field.required,
                };
                continue;
            }
        }
        if idempotency_header.is_some() && !declared_anywhere {
            op.idempotency = Idempotency::Header;
        }
    }

    let webhook_event = match &config.webhook_event_schema {
        Some(name) => match tb.component(name) {
            Some(id) => Some(id),
            None => {
                return Err(Diagnostic::new(
                    "#/components/schemas",
                    format!("the webhook event schema {name:?} named in the config does not exist"),
                )
                .into());
            }
        },
        None => None,
    };

    // The client's methods besides its accessors: its own, and a copy with each credential.
    let mut client_methods: Vec<String> = CLIENT_METHODS.iter().map(|m| (*m).to_owned()).collect();
    client_methods
        .extend(security_schemes.iter().map(|s| format!("with_{}", s.method_name.trim_start_matches("r#"))));
    let twins: BTreeMap<(String, String), StreamBody> = ops
        .iter()
        .zip(also_streamed)
        .filter_map(|((_, op), stream)| Some(((op.method.clone(), op.path.clone()), stream?)))
        .collect();
    let mut resources = group_resources(root, ops, &client_methods, &twins);
    tb.merge_identical_enums();
    let mut types = std::mem::take(&mut tb.types);
    for resource in &resources {
        for op in &resource.operations {
            let Some(params) = op.params else { continue };
            let fn_name = op.fn_name.trim_start_matches("r#");
            let (method, link) = if resource.flat {
                (format!("Client::{fn_name}"), format!("crate::Client::{fn_name}"))
            } else {
                let method = format!("{}::{fn_name}", resource.type_name);
                let link = format!("crate::resources::{method}");
                (method, link)
            };
            types[params].doc.get_or_insert_with(|| {
                format!("The parameters of [`{method}`]({link}): `{} {}`.", op.method, op.path)
            });
        }
    }
    let mut warnings = std::mem::take(&mut tb.warnings);
    let mut examples = std::mem::take(&mut tb.examples);
    examples.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    examples.dedup_by(|a, b| a.pointer == b.pointer);
    schema::drop_self_variants(&mut types, &mut warnings);
    schema::break_cycles(&mut types);
    let operations = || resources.iter().flat_map(|r| &r.operations);
    let request_roots: Vec<Ty> = operations().flat_map(request_roots).collect();
    let mut response_roots: Vec<Ty> = operations().filter_map(response_root).collect();
    if let Some(id) = webhook_event {
        response_roots.push(Ty::Named(id));
    }
    schema::mark_reachable(&mut types, &request_roots, |t| t.in_request = true);
    schema::mark_reachable(&mut types, &response_roots, |t| t.in_response = true);
    schema::mark_untagged_variants(&mut types);
    relax_directional_fields(&mut types);
    // Once every field reads as it will be emitted (`Option` or not, tri-state or not).
    for op in resources.iter_mut().flat_map(|r| &mut r.operations) {
        op.pagination = detect_pagination(&types, op);
    }
    assign_features(&mut types, &resources, webhook_event);

    let primary_scheme = primary_scheme(root, &security_schemes, &resources);
    let info = root.get("info");
    let base_url = config.base_url.clone().unwrap_or_else(|| server_url(root));
    if config.strict && !warnings.is_empty() {
        return Err(Diagnostics(warnings));
    }
    warnings.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
    warnings.dedup();
    Ok(Api {
        title: info.and_then(|i| str_field(i, "title")).unwrap_or("API").to_owned(),
        description: info.and_then(|i| str_field(i, "description")).map(crate::markdown::rustdoc_text),
        version: info.and_then(|i| i.get("version")).map(value_text).unwrap_or_default(),
        base_url,
        types,
        resources,
        security_schemes,
        primary_scheme,
        idempotency_header,
        webhook_event,
        examples,
        warnings,
    })
}

struct Ctx<'a> {
    root: &'a Value,
    /// Names from the path's shape, by `"<method> <path>"` (see `path_operation_names`).
    path_names: BTreeMap<String, String>,
    ids: DeclaredIds,
    schemes: &'a [SecurityScheme],
    idempotency_header: Option<&'a str>,
    /// Path words more than one operation starts with (see `resource_key`).
    shared_words: BTreeSet<String>,
}

struct RawParam<'a> {
    ptr: String,
    name: String,
    location: String,
    required: bool,
    schema: Option<(String, &'a Value)>,
    doc: Option<String>,
    deprecated: bool,
    /// The parameter object, for its style.
    value: &'a Value,
    /// Read once every parameter is known (see `build_operation`).
    style: ParamStyle,
}

impl RawParam<'_> {
    /// A scalar example: the parameter's own (`example`, or the first of `examples`), or its
    /// schema's.
    fn example(&self, root: &Value) -> Option<Value> {
        let own = self.value.as_object().filter(|o| o.contains_key("example") || o.contains_key("examples"));
        match own {
            Some(own) => schema::scalar_example(root, own),
            None => self
                .schema
                .as_ref()
                .and_then(|(_, s)| schema::own_or_referenced(root, s, |s| schema::scalar_example(root, s))),
        }
    }

    /// The one value its schema allows, as sent (see [`schema::constant_value`]); `None` where
    /// Azure's `x-ms-enum` says `modelAsString: true`, its mark of an enum that grows (AutoRest
    /// makes a required one-value enum a constant only without it).
    ///
    /// Only where the value is written as it is (not in a path's `label` or `matrix` style, nor
    /// as JSON text), is not empty in a path (which `require_path_params` refuses), and is not
    /// a credential's (a placeholder key stays the caller's to give).
    fn constant(&self, root: &Value) -> Option<String> {
        let extensible = |o: &Map<String, Value>| {
            o.get("x-ms-enum").and_then(|e| e.get("modelAsString")).and_then(Value::as_bool) == Some(true)
        };
        let (_, schema) = self.schema.as_ref()?;
        let grows = self.value.as_object().is_some_and(extensible)
            || schema::own_or_referenced(root, schema, |o| extensible(o).then_some(())).is_some();
        let as_written = matches!(self.style.kind, StyleKind::Form | StyleKind::Simple);
        if grows || !as_written || crate::secret_names::is_secret_name(self.name.as_bytes()) {
            return None;
        }
        schema::own_or_referenced(root, schema, schema::constant_value)
            .filter(|value| !(value.is_empty() && self.location == "path"))
    }
}

/// The API description's version for a required `api-version` string parameter that declares
/// no value of its own: an Azure description's `info.version` is the `api-version` its
/// operations take (`2021-06-01`, `2021-06-01-preview`, `7.1`, `2018-12-01.8.0`; AutoRest sends
/// it as a constant). 6,596 operations in 521 APIs.guru specs otherwise take it on every call.
/// A version of another shape (`1`, `v2`) is no such value.
fn api_version_default(root: &Value, p: &RawParam<'_>, ty: &Ty) -> Option<String> {
    if !(p.required && p.name.eq_ignore_ascii_case("api-version") && *ty == Ty::String) {
        return None;
    }
    let version = root.pointer("/info/version")?.as_str()?;
    is_api_version(version).then(|| version.to_owned())
}

/// Whether a version reads like an Azure `api-version`: a date (`2021-06-01…`) or a
/// `major.minor` (`7.1…`), in URL-safe characters.
fn is_api_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|b| b.iter().all(u8::is_ascii_digit));
    let date = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10);
    let major = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let major_minor = major > 0 && bytes.get(major) == Some(&b'.') && digits(major + 1..major + 2);
    let plain = bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(b));
    (date || major_minor) && plain
}

/// A path parameter's one value as path text, as the runtime's `encode_path_segment` writes
/// a given one: unreserved characters as they are, others `%XX`-escaped (`/` and `;` too, so it
/// stays one segment and no server reads a matrix parameter into it).
fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A parameter's `style` and `explode`, defaulted as OpenAPI says for its location. A style
/// the location does not define is reported and replaced by the default. A parameter given by
/// `content` with a JSON media type is sent as JSON text, unless its schema is a scalar: specs
/// that declare every parameter by `content` (stream-io's 129) mean `/blocklists/abc`, not
/// `/blocklists/"abc"`, and a number or boolean reads the same either way.
fn param_style(tb: &mut TypeBuilder<'_>, root: &Value, ptr: &str, p: &Value, location: &str) -> ParamStyle {
    let json_schema = match (p.get("schema"), p.get("content").and_then(Value::as_object)) {
        (None, Some(content)) => {
            content.iter().next().filter(|(media, _)| is_json_media(media)).map(|(_, m)| m)
        }
        _ => None,
    };
    if let Some(media) = json_schema
        && !media.get("schema").is_some_and(|s| is_scalar_schema(root, ptr, s, 0))
    {
        return ParamStyle { kind: StyleKind::Json, explode: false };
    }
    let (default, allowed): (StyleKind, &[(&str, StyleKind)]) = match location {
        "query" => (
            StyleKind::Form,
            &[
                ("form", StyleKind::Form),
                ("spaceDelimited", StyleKind::SpaceDelimited),
                ("pipeDelimited", StyleKind::PipeDelimited),
                ("deepObject", StyleKind::DeepObject),
            ],
        ),
        "path" => (
            StyleKind::Simple,
            &[("simple", StyleKind::Simple), ("label", StyleKind::Label), ("matrix", StyleKind::Matrix)],
        ),
        // Headers are `simple` and cookies `form`; `explode` is not read for them: the runtime
        // writes both unexploded.
        _ => return ParamStyle::SIMPLE,
    };
    let kind = match p.get("style") {
        None => default,
        Some(declared) => {
            match allowed.iter().find(|(name, _)| Some(*name) == declared.as_str()) {
                Some((_, kind)) => *kind,
                None => {
                    let default_name = allowed[0].0;
                    tb.warn(
                    &pointer::push(ptr, "style"),
                    format!("style {declared} is not defined for {location} parameters; using \"{default_name}\""),
                );
                    default
                }
            }
        }
    };
    let explode = p.get("explode").and_then(Value::as_bool).unwrap_or(kind == StyleKind::Form);
    ParamStyle { kind, explode }
}

#[allow(clippy::too_many_arguments)]
fn build_operation<'a>(
    tb: &mut TypeBuilder<'a>,
    ctx: &Ctx<'a>,
    path: &str,
    method: &str,
    item: &'a Map<String, Value>,
    op: &'a Value,
    op_ptr: &str,
    used_ids: &mut Namespace,
) -> Result<(Option<String>, Operation, Option<StreamBody>), Diagnostic> {
    let Some(op_obj) = op.as_object() else {
        return Err(Diagnostic::new(op_ptr, "an operation must be an object"));
    };
    let spec_id = str_field(op, "operationId").filter(|s| !s.trim().is_empty());
    // FastAPI's id without its path, prefixed with the resource where another id has the same
    // function name (`users_list`, `items_list`: types `UsersListParams`, `ItemsListParams`).
    let declared = spec_id.map(|id| {
        let name = without_fastapi_suffix(id, method, path);
        match resource_key(op, path, &ctx.shared_words) {
            Some(resource)
                if name.len() != id.len() && ctx.ids.shared_fastapi.contains(&naming::plain_snake(name)) =>
            {
                format!("{resource}_{name}")
            }
            _ => name.to_owned(),
        }
    });
    let name = match declared.as_deref() {
        Some(id) if !echoes_path(id, method, path) => id.to_owned(),
        _ => ctx
            .path_names
            .get(&format!("{method} {path}"))
            .cloned()
            .or_else(|| spec_id.map(str::to_owned))
            .unwrap_or_else(|| derived_operation_id(method, path)),
    };
    let raw_id = spec_id.map_or_else(|| name.clone(), str::to_owned);
    // Without its articles (`get_an_album` → `get_album`), unless another id is that.
    let snake = naming::plain_snake(&name);
    let fn_base = match naming::without_articles(&snake) {
        shorter if shorter != snake && ctx.ids.snake.contains(&shorter) => snake,
        shorter => shorter,
    };
    // Type names are unique across the API; method names only within a resource (see
    // `group_resources`), so `GET /v1/account` and `GET /v1/accounts/{account}` both read
    // `retrieve` on their resources though both are `retrieve_account` here.
    let type_base = naming::type_name(&used_ids.claim(&fn_base));

    let mut declares_idempotency_header = false;
    // Parameters: path-level ones, overridden by operation-level ones with the same name and
    // location.
    let mut params: Vec<RawParam<'a>> = Vec::new();
    let item_ptr = op_ptr.rsplit_once('/').map(|(head, _)| head).unwrap_or(op_ptr);
    let lists = [
        (item.get("parameters"), pointer::push(item_ptr, "parameters")),
        (op_obj.get("parameters"), pointer::push(op_ptr, "parameters")),
    ];
    for (list, list_ptr) in lists {
        for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
            let p_ptr = pointer::push(&list_ptr, &i.to_string());
            let (p_ptr, p) = resolve_object(ctx.root, &p_ptr, p)?;
            // OpenAPI 3.2's `querystring` is the whole query string, one object written as a
            // form: its properties are the query's pairs, as an exploded `form` object's are.
            let querystring = str_field(p, "in") == Some("querystring");
            if querystring
                && !p
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|c| c.keys().any(|m| m.starts_with("application/x-www-form-urlencoded")))
            {
                tb.warn(&p_ptr, "a `querystring` parameter is supported as `application/x-www-form-urlencoded` content only; ignored");
                continue;
            }
            let Some(name) = str_field(p, "name").or(querystring.then_some("query")) else {
                tb.warn(&p_ptr, "parameter without a name ignored");
                continue;
            };
            let location =
                if querystring { "query" } else { str_field(p, "in").unwrap_or("query") }.to_owned();
            let schema = match p.get("schema") {
                Some(s) => Some((pointer::push(&p_ptr, "schema"), s)),
                None => p.get("content").and_then(Value::as_object).and_then(|c| {
                    c.iter().next().and_then(|(media, m)| {
                        m.get("schema").map(|s| {
                            (
                                pointer::push(
                                    &pointer::push(&pointer::push(&p_ptr, "content"), media),
                                    "schema",
                                ),
                                s,
                            )
                        })
                    })
                }),
            };
            // Spotify describes its parameters in their schemas.
            let doc = p.as_object().and_then(schema::doc_of).or_else(|| {
                schema.as_ref().and_then(|(_, s)| schema::own_or_referenced(ctx.root, s, schema::doc_of))
            });
            // Header names are case-insensitive: `X-MS-Version` replaces `x-ms-version`.
            let same_name = |q: &RawParam<'_>| {
                q.name == name || (location == "header" && q.name.eq_ignore_ascii_case(name))
            };
            params.retain(|q| !(same_name(q) && q.location == location));
            params.push(RawParam {
                value: p,
                style: ParamStyle::FORM,
                ptr: p_ptr.clone(),
                name: name.to_owned(),
                required: p.get("required").and_then(Value::as_bool) == Some(true) || location == "path",
                location,
                schema,
                doc,
                deprecated: p.get("deprecated").and_then(Value::as_bool) == Some(true),
            });
        }
    }

    // Styles are read once operation-level parameters have replaced path-level ones, so a
    // replaced declaration is not reported.
    for p in &mut params {
        p.style = param_style(tb, ctx.root, &p.ptr, p.value, &p.location);
    }

    // Path parameters, in template order.
    let mut arg_names = Namespace::new();
    arg_names.reserve("self");
    let mut path_params: Vec<PathParam> = Vec::new();
    let mut segments = Vec::new();
    // Path parameters that allow one value, written into the path.
    let mut constant_path: Vec<String> = Vec::new();
    let (request_path, mut path_query) = request_target(path);
    // A pair the operation also declares as a parameter is sent from the declaration, with the
    // pair's value as its default (`/search?mode=full` beside an optional `mode`).
    let mut fixed: Vec<FixedParam> = Vec::new();
    path_query.retain(|(name, value)| {
        let declared = params.iter().any(|p| p.location == "query" && p.name == *name);
        if !declared {
            fixed.push(FixedParam {
                location: ParamLocation::Query(ParamStyle::FORM),
                name: name.clone(),
                value: value.clone(),
            });
        }
        declared
    });
    for piece in split_template(request_path) {
        match piece {
            TemplatePiece::Literal(text) => segments.push(PathSegment::Literal(text)),
            TemplatePiece::Param(name) => {
                if let Some(i) = path_params.iter().position(|p| p.json_name == name) {
                    segments.push(PathSegment::Param(i));
                    continue;
                }
                let declared = params.iter().find(|p| p.location == "path" && p.name == name);
                if let Some(value) = declared.and_then(|p| p.constant(ctx.root)) {
                    segments.push(PathSegment::Literal(encode_path_segment(&value)));
                    constant_path.push(name);
                    continue;
                }
                let example = declared.and_then(|p| p.example(ctx.root));
                let (ty, doc, style) = match declared {
                    Some(p) => {
                        let ty = match &p.schema {
                            Some((sp, s)) => {
                                let hint = format!("{type_base}{}", naming::type_name(&p.name));
                                tb.ty(s, sp, &hint, 0)?.ty
                            }
                            None => Ty::String,
                        };
                        (path_param_ty(tb, ty, p.style, &p.ptr), p.doc.clone(), p.style)
                    }
                    None => {
                        tb.warn(
                            op_ptr,
                            format!("path parameter {{{name}}} is not declared; treating it as a string"),
                        );
                        (Ty::String, None, ParamStyle::SIMPLE)
                    }
                };
                let rust_name = arg_names.claim(&naming::field_name(&name));
                segments.push(PathSegment::Param(path_params.len()));
                path_params.push(PathParam { json_name: name, rust_name, ty, doc, style, example });
            }
        }
    }
    for p in params.iter().filter(|p| p.location == "path") {
        if !path_params.iter().any(|pp| pp.json_name == p.name) && !constant_path.contains(&p.name) {
            tb.warn(
                &p.ptr,
                format!("path parameter {:?} does not appear in the path template; ignored", p.name),
            );
        }
    }

    // Query, header and cookie parameters → one struct.
    let mut fields = Vec::new();
    let mut field_names = Namespace::new();
    let mut setter_names = Namespace::new();
    setter_names.reserve("new");
    for p in &params {
        let location = match p.location.as_str() {
            "query" => ParamLocation::Query(p.style),
            "header" => ParamLocation::Header,
            "cookie" => ParamLocation::Cookie,
            "path" => continue,
            other => {
                tb.warn(&p.ptr, format!("parameter location {other:?} is not supported; ignored"));
                continue;
            }
        };
        if location == ParamLocation::Header {
            let lower = p.name.to_ascii_lowercase();
            let idempotency = ctx.idempotency_header.is_some_and(|h| h.eq_ignore_ascii_case(&p.name));
            declares_idempotency_header |= idempotency;
            if idempotency || ["accept", "content-type", "authorization"].contains(&lower.as_str()) {
                continue;
            }
        }
        // A required parameter that allows one value is sent without the caller giving it.
        if p.required
            && let Some(value) = p.constant(ctx.root)
        {
            fixed.push(FixedParam { location, name: p.name.clone(), value });
            continue;
        }
        let u = match &p.schema {
            Some((sp, s)) => {
                let hint = format!("{type_base}{}", naming::type_name(&p.name));
                let u = tb.ty(s, sp, &hint, 0)?;
                // A type declared by this parameter's own schema says what it is for.
                if let Ty::Named(id) = &u.ty
                    && tb.types[*id].pointer == *sp
                    && tb.types[*id].doc.is_none()
                {
                    tb.types[*id].doc = Some(format!(
                        "The values of the `{}` {} parameter of `{} {path}`.",
                        p.name,
                        p.location,
                        method.to_ascii_uppercase()
                    ));
                }
                u
            }
            None => super::TyUse::new(Ty::String),
        };
        let default =
            p.schema.as_ref().and_then(|(_, s)| schema::own_or_referenced(ctx.root, s, |o| o.get("default")));
        // A required parameter with a default need not be given: its default is sent. Not a
        // credential's (a placeholder key), nor a list's or an object's. The path template's
        // own pair for it is sent the same way, required or not.
        let scalar = !matches!(super::resolved(&u.ty, &tb.types), Ty::Vec(_) | Ty::Map(_) | Ty::Object)
            && super::resolved_struct(&u.ty, &tb.types).is_none();
        let in_path = matches!(location, ParamLocation::Query(_))
            .then(|| path_query.iter().find(|(name, _)| *name == p.name).map(|(_, value)| value.clone()))
            .flatten();
        let declared_default = default.and_then(schema::scalar_text).filter(|_| p.required);
        // Written as it is: a JSON-text or `deepObject` parameter's value is sent otherwise.
        let as_written = !matches!(p.style.kind, StyleKind::Json | StyleKind::DeepObject);
        let sent_default = in_path
            .or(declared_default)
            .or_else(|| api_version_default(ctx.root, p, &u.ty))
            .filter(|_| scalar && as_written && !crate::secret_names::is_secret_name(p.name.as_bytes()));
        let field_name = naming::field_name(&p.name);
        fields.push(Field {
            json_name: p.name.clone(),
            rust_name: field_names.claim(&field_name),
            setter: setter_names.claim(&naming::method_name_of_field(field_name)),
            ty: u.ty,
            required: p.required && sent_default.is_none(),
            nullable: u.nullable,
            read_only: false,
            write_only: false,
            doc: p.doc.clone(),
            deprecated: p.deprecated,
            // What the parameter's schema says, or else the schema it refers to (`$ref: Page`).
            default: default.map(|d| d.to_string()),
            sent_default,
            minimum: p
                .schema
                .as_ref()
                .and_then(|(_, s)| schema::own_or_referenced(ctx.root, s, schema::integer_minimum)),
            example: p.example(ctx.root),
            boxed: false,
            location,
        });
    }
    let params_type = if fields.is_empty() {
        None
    } else {
        Some(tb.add_params_type(pointer::push(op_ptr, "parameters"), &format!("{type_base}Params"), fields))
    };

    let body = match op_obj.get("requestBody") {
        Some(b) => request_body(tb, ctx.root, &pointer::push(op_ptr, "requestBody"), b, &type_base)?,
        None => None,
    };
    let Responses { response, stream, errors, link_header } =
        responses(tb, ctx.root, op_ptr, op_obj, &type_base)?;
    let requirements = operation_security(tb, ctx.root, ctx.schemes, op_ptr, op_obj);
    let resource_key = resource_key(op, path, &ctx.shared_words);
    Ok((
        resource_key,
        Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            fn_name: fn_base,
            operation_id: raw_id,
            summary: spec_text(str_field(op, "summary")),
            doc: spec_text(str_field(op, "description")),
            deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
            path_params,
            segments,
            fixed,
            params: params_type,
            body,
            response,
            errors,
            security: requirements.alternatives,
            scopes: requirements.scopes,
            link_header,
            has_stream_twin: stream.is_some(),
            idempotency: if declares_idempotency_header { Idempotency::Header } else { Idempotency::None },
            pagination: None,
        },
        stream,
    ))
}

/// The twin of an operation that answers in JSON or as a stream: the same call, named `name`
/// (`…_stream`), that asks for the stream and returns its items.
fn streamed_twin(op: &Operation, stream: StreamBody, name: String) -> Operation {
    Operation { fn_name: name, response: Response::Stream(stream), has_stream_twin: false, ..op.clone() }
}

/// The fields of an event stream's own frames (WHATWG's `event`, `data`, `id`, `retry`).
const EVENT_FIELDS: [&str; 4] = ["event", "data", "id", "retry"];

/// What a stream's items are, once the types are built:
/// - an event whose schema is a string is handed over as it is;
/// - a type that describes the whole event is decoded from it: one with `event` and `data`
///   properties (OpenAI's assistant events), or a union of such, or one whose properties are
///   all an event's fields, `data` among them (OpenAPI 3.2's `itemSchema`); where its `data`
///   is a string, the data is kept as text;
/// - a boolean `stream` property of the body (JSON, form or multipart) asks for the stream.
fn refine_stream(stream: &mut StreamBody, body: Option<&Body>, types: &[super::TypeDef]) {
    stream.flag = body_field_of(types, body, "stream", |ty| *ty == Ty::Bool).map(|f| f.json_name.clone());
    if stream.framing != StreamFraming::ServerSentEvents {
        return;
    }
    let Some(item) = &stream.item else { return };
    if matches!(super::resolved(item, types), Ty::String | Ty::Binary) {
        stream.item = None;
        return;
    }
    // The `data` field's type of each form the item takes, where every form is a whole event.
    let event_data = |ty: &Ty| {
        let (_, s) = super::resolved_struct(ty, types)?;
        let has = |name: &str| s.fields.iter().any(|f| f.json_name == name);
        let only_event_fields = s.fields.iter().all(|f| EVENT_FIELDS.contains(&f.json_name.as_str()));
        let data = s.fields.iter().find(|f| f.json_name == "data")?;
        (has("event") || only_event_fields).then(|| super::resolved(&data.ty, types).clone())
    };
    let forms: Option<Vec<Ty>> = match super::resolved(item, types) {
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Union(u) if !u.variants.is_empty() => {
                u.variants.iter().map(|v| event_data(&v.ty)).collect()
            }
            TypeKind::Union(_) => None,
            _ => event_data(item).map(|data| vec![data]),
        },
        _ => None,
    };
    if let Some(data) = forms {
        stream.whole_event = true;
        stream.text_data = data.iter().all(|ty| *ty == Ty::String);
    }
}

/// The string field of an operation's body struct called `name` (`idempotency_key`), if it is
/// neither nullable nor of another type.
fn body_idempotency_field<'t>(types: &'t [super::TypeDef], op: &Operation, name: &str) -> Option<&'t Field> {
    body_field(types, op, name).filter(|f| !f.nullable && f.ty == Ty::String)
}

/// The field of an operation's body struct called `name`, if it holds a string or a number.
fn body_field<'t>(types: &'t [super::TypeDef], op: &Operation, name: &str) -> Option<&'t Field> {
    body_field_of(types, op.body.as_ref(), name, |ty| {
        matches!(ty, Ty::String | Ty::Int(_) | Ty::F64 | Ty::Uuid)
    })
}

/// The field of a request body's struct (JSON, form or multipart) called `name`, if its type
/// (resolved) is one `holds` accepts.
fn body_field_of<'t>(
    types: &'t [super::TypeDef],
    body: Option<&Body>,
    name: &str,
    holds: impl Fn(&Ty) -> bool,
) -> Option<&'t Field> {
    let (_, s) = super::resolved_struct(&body?.ty, types)?;
    s.fields.iter().find(|f| f.json_name == name && holds(super::resolved(&f.ty, types)))
}

/// The operation extension naming the body field whose value (of the caller's) the server
/// deduplicates requests by.
const IDEMPOTENCY_FIELD: &str = "x-idempotency-field";

/// Path arguments must print as one path segment: scalars, and arrays of scalars joined as the
/// parameter's style says. Deeper structures are taken as strings, unless sent as JSON.
fn path_param_ty(tb: &mut TypeBuilder<'_>, ty: Ty, style: ParamStyle, at: &str) -> Ty {
    let structured = |ty: &Ty| matches!(ty, Ty::Vec(_) | Ty::Map(_) | Ty::Object | Ty::Nullable(_));
    match ty {
        _ if style.kind == StyleKind::Json => ty,
        Ty::Binary => Ty::String,
        // A schema that constrains nothing is a string as far as a path goes.
        Ty::Any => Ty::String,
        Ty::Vec(item) if !structured(&item) && !matches!(*item, Ty::Any | Ty::Binary) => Ty::Vec(item),
        Ty::Vec(_) | Ty::Map(_) | Ty::Object | Ty::Nullable(_) => {
            tb.warn(at, "a structured path parameter is passed as a string");
            Ty::String
        }
        _ => ty,
    }
}

enum TemplatePiece {
    Literal(String),
    Param(String),
}

/// The path a request goes to, and the literal query pairs of the path template: what follows a
/// `#` is not sent (AWS's `/#Action=AssumeRole` tells operations of one endpoint apart), and
/// `?a=b&c={c}` pairs are query parameters, those of a `{parameter}` sent from its declaration.
/// A `#` or `?` inside a `{parameter}` is part of its name. The pairs are decoded (`%20` and `+`
/// are spaces), as the request encodes them again.
fn request_target(path: &str) -> (&str, Vec<(String, String)>) {
    let (path, query) = split_path_key(path);
    let Some(query) = query else { return (path, Vec::new()) };
    let decode = |text: &str| crate::pointer::percent_decode(&text.replace('+', " "));
    let pairs = query
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let literal = !name.is_empty() && !name.contains(['{', '}']) && !value.contains(['{', '}']);
            literal.then(|| (decode(name), decode(value)))
        })
        .collect();
    (path, pairs)
}

fn split_template(path: &str) -> Vec<TemplatePiece> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else { break };
        if open > 0 {
            out.push(TemplatePiece::Literal(rest[..open].to_owned()));
        }
        out.push(TemplatePiece::Param(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(TemplatePiece::Literal(rest.to_owned()));
    }
    out
}

/// Follows `$ref`s of non-schema objects (parameters, responses, bodies, path items); returns
/// the object and the pointer it lives at (nested schemas are named by that pointer).
pub(super) fn resolve_object<'a>(
    root: &'a Value,
    at: &str,
    v: &'a Value,
) -> Result<(String, &'a Value), Diagnostic> {
    let mut current = (at.to_owned(), v);
    for _ in 0..32 {
        let Some(reference) = current.1.get("$ref").and_then(Value::as_str) else {
            return Ok(current);
        };
        let Some(target) = pointer::canonical(reference).map(Cow::into_owned) else {
            return Err(Diagnostic::new(at, format!("reference {reference:?} points outside this document")));
        };
        let value = pointer::get(root, &target)
            .ok_or_else(|| Diagnostic::new(at, format!("$ref target {reference:?} does not exist")))?;
        current = (target, value);
    }
    Err(Diagnostic::new(at, "$ref chain longer than 32 links (circular?)"))
}

/// Whether a schema only admits strings, numbers and booleans (and null): a `type` or 3.1 type
/// array of those, an `enum` of them, or one `allOf`/`oneOf`/`anyOf` part that is.
fn is_scalar_schema(root: &Value, ptr: &str, schema: &Value, depth: usize) -> bool {
    const SCALARS: [&str; 5] = ["string", "integer", "number", "boolean", "null"];
    let Ok((_, schema)) = resolve_object(root, ptr, schema) else { return false };
    match schema.get("type") {
        Some(Value::String(t)) => return SCALARS.contains(&t.as_str()),
        Some(Value::Array(types)) => {
            return types.iter().all(|t| t.as_str().is_some_and(|t| SCALARS.contains(&t)));
        }
        _ => {}
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().all(|v| !matches!(v, Value::Array(_) | Value::Object(_)));
    }
    let single_part = ["allOf", "oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array).filter(|parts| parts.len() == 1));
    match single_part {
        Some(parts) if depth < 8 => is_scalar_schema(root, ptr, &parts[0], depth + 1),
        _ => false,
    }
}

fn is_json_media(media: &str) -> bool {
    let essence = super::media_essence(media);
    essence == "application/json"
        || essence == "text/json"
        || essence.ends_with("+json")
        || (essence.starts_with("application/") && essence.contains("json"))
}

fn request_body<'a>(
    tb: &mut TypeBuilder<'a>,
    root: &'a Value,
    ptr: &str,
    body: &'a Value,
    type_base: &str,
) -> Result<Option<Body>, Diagnostic> {
    let (ptr, body) = resolve_object(root, ptr, body)?;
    let ptr = ptr.as_str();
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    let content_ptr = pointer::push(ptr, "content");
    let json_lines = |media: &str| StreamFraming::of_media(media) == Some(StreamFraming::JsonLines);
    let rank = |media: &str| {
        let m = media.to_ascii_lowercase();
        if json_lines(&m) {
            1
        } else if is_json_media(&m) {
            0
        } else if m.starts_with("application/x-www-form-urlencoded") {
            2
        } else if m.starts_with("multipart/") {
            3
        } else if m.starts_with("text/") {
            5
        } else {
            4
        }
    };
    let Some((media, media_obj)) = content.iter().min_by_key(|(m, _)| rank(m)) else {
        return Ok(None);
    };
    let media_ptr = pointer::push(&content_ptr, media);
    // An optional body that can only be `{}` carries nothing, so it is no argument: Stripe's
    // description gives one to each of its 236 GETs and DELETEs (`properties: {}`,
    // `additionalProperties: false`), which made every list call `list(None, None)`.
    let required = body.get("required").and_then(Value::as_bool);
    if required != Some(true)
        && media_obj
            .get("schema")
            .is_some_and(|s| schema::own_or_referenced(root, s, empty_closed_object).is_some())
    {
        return Ok(None);
    }
    let encoding = match rank(media) {
        0 => BodyEncoding::Json,
        1 => BodyEncoding::JsonLines,
        2 => BodyEncoding::Form,
        3 => BodyEncoding::Multipart,
        5 => BodyEncoding::Text,
        _ => BodyEncoding::Bytes,
    };
    let hint = tb.name_or(format!("{type_base}Request"), format!("{type_base}RequestBody"));
    let ty = match (encoding, media_obj.get("schema")) {
        (BodyEncoding::Bytes, _) => Ty::Binary,
        (BodyEncoding::Text, _) => Ty::String,
        // The schema of a line (3.2's `itemSchema`, or `schema`), or of all of them as an array.
        (BodyEncoding::JsonLines, schema) => {
            let (item_ptr, item) = match (media_obj.get("itemSchema"), schema) {
                (Some(item), _) => (pointer::push(&media_ptr, "itemSchema"), Some(item)),
                (None, Some(s))
                    if s.get("type").and_then(Value::as_str) == Some("array")
                        && s.get("items").is_some_and(Value::is_object) =>
                {
                    (pointer::push(&pointer::push(&media_ptr, "schema"), "items"), s.get("items"))
                }
                (None, s) => (pointer::push(&media_ptr, "schema"), s),
            };
            let item = match item {
                Some(item) => tb.ty(item, &item_ptr, &format!("{hint}Item"), 0)?.ty,
                None => Ty::Any,
            };
            Ty::Vec(Box::new(item))
        }
        (_, Some(schema)) => tb.ty(schema, &pointer::push(&media_ptr, "schema"), &hint, 0)?.ty,
        (_, None) => Ty::Any,
    };
    if encoding == BodyEncoding::Json {
        tb.collect_examples(&media_ptr, media_obj, &ty);
    }
    let content_type =
        if media.contains('*') { "application/octet-stream".to_owned() } else { media.clone() };
    let (mut form_indexed, mut form_joined) = (Vec::new(), Vec::new());
    if encoding == BodyEncoding::Form {
        for (name, property) in media_obj.get("encoding").and_then(Value::as_object).into_iter().flatten() {
            let style = property.get("style").and_then(Value::as_str).unwrap_or("form");
            let explode = property.get("explode").and_then(Value::as_bool).unwrap_or(style == "form");
            match style {
                "deepObject" => form_indexed.push(name.clone()),
                "form" if !explode => form_joined.push(name.clone()),
                _ => {}
            }
        }
    }
    let example = media_obj
        .as_object()
        .and_then(|m| schema::first_example(root, m))
        .or_else(|| {
            let schema = media_obj.get("schema")?;
            schema::own_or_referenced(root, schema, |s| schema::first_example(root, s))
        })
        .filter(|e| e.is_object())
        .cloned();
    Ok(Some(Body { ty, encoding, content_type, required, form_indexed, form_joined, example }))
}

/// `Some` for an object schema that admits only `{}`: no properties, none besides them, and
/// nothing composed into it.
fn empty_closed_object(schema: &Map<String, Value>) -> Option<()> {
    let object = schema.get("type").is_none_or(|t| t.as_str() == Some("object"));
    let no_properties = schema.get("properties").is_none_or(|p| p.as_object().is_some_and(Map::is_empty));
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    let composed =
        ["allOf", "anyOf", "oneOf", "patternProperties", "$ref"].iter().any(|k| schema.contains_key(*k));
    (object && no_properties && closed && !composed).then_some(())
}

/// What an operation answers: its success response, its declared errors, and whether a success
/// response declares a `Link` header (RFC 8288: a list's next page, GitHub's).
struct Responses {
    response: Response,
    /// The stream a success response offers beside JSON (OpenAI's completions): the operation's
    /// `…_stream` twin returns it.
    stream: Option<StreamBody>,
    errors: Vec<(String, Option<Ty>)>,
    link_header: bool,
}

fn responses<'a>(
    tb: &mut TypeBuilder<'a>,
    root: &'a Value,
    op_ptr: &str,
    op: &'a Map<String, Value>,
    type_base: &str,
) -> Result<Responses, Diagnostic> {
    let responses_ptr = pointer::push(op_ptr, "responses");
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Ok(Responses {
            response: Response::Empty,
            stream: None,
            errors: Vec::new(),
            link_header: false,
        });
    };
    let is_success = |code: &str| code.starts_with('2');
    let has_success = responses.keys().any(|c| is_success(c));
    let answers = |code: &str| is_success(code) || (!has_success && code == "default");
    let answering: Vec<(&str, String, &Value)> = responses
        .iter()
        .filter(|(code, _)| answers(code))
        .filter_map(|(code, r)| {
            let (ptr, r) = resolve_object(root, &pointer::push(&responses_ptr, code), r).ok()?;
            Some((code.as_str(), ptr, r))
        })
        .collect();
    let link_header = answering.iter().filter(|(code, ..)| is_success(code)).any(|(_, _, r)| {
        let headers = r.get("headers").and_then(Value::as_object).into_iter().flatten();
        headers.map(|(name, _)| name).any(|name| name.eq_ignore_ascii_case("link"))
    });
    // With several success responses (not several statuses sharing one), an inline body is named
    // for its status (`…CreatedResponse`), leaving `…Response` to the enum of them.
    let by_status = answering.iter().map(|(_, ptr, _)| ptr).collect::<BTreeSet<_>>().len() > 1;
    let mut success: Vec<(String, Response)> = Vec::new();
    let mut stream = None;
    let mut errors = Vec::new();
    for (code, r) in responses {
        if code.starts_with("x-") {
            continue;
        }
        let r_ptr = pointer::push(&responses_ptr, code);
        let (r_ptr, r) = resolve_object(root, &r_ptr, r)?;
        // A response the components declare (`$ref: '#/components/responses/Unauthorized'`)
        // is one type wherever it is used, so it is named after itself, not after the first
        // operation that happens to use it.
        let hint = if pointer::is_component(&r_ptr, "responses") {
            let name = naming::type_name(&pointer::last_token(&r_ptr));
            let name = name.strip_suffix("Response").filter(|stem| !stem.is_empty()).unwrap_or(&name);
            tb.name_or(format!("{name}Response"), format!("{name}ResponseBody"))
        } else if by_status && answers(code) {
            format!("{type_base}{}Response", status_variant_name(code))
        } else if answers(code) {
            tb.name_or(format!("{type_base}Response"), format!("{type_base}ResponseBody"))
        } else {
            naming::type_name(&format!("{type_base} {code} response"))
        };
        let (parsed, also_streamed) = response_body(tb, &r_ptr, r, &hint)?;
        if answers(code) {
            stream = stream.or(also_streamed);
            success.push((code.clone(), parsed));
        } else {
            let ty = match parsed {
                Response::Json(ty) => Some(ty),
                _ => None,
            };
            errors.push((code.clone(), ty));
        }
    }
    // Several success codes usually share one body; when they do not, the result is an enum
    // with a variant per status.
    let distinct: Vec<&Response> = success.iter().fold(Vec::new(), |mut acc, (_, r)| {
        if !acc.contains(&r) {
            acc.push(r);
        }
        acc
    });
    let response = match distinct.as_slice() {
        [] => Response::Empty,
        [only] => (*only).clone(),
        _ => {
            let mut names = Namespace::new();
            let variants = success
                .into_iter()
                .map(|(status, body)| super::StatusVariant {
                    name: names.claim(&status_variant_name(&status)),
                    status,
                    // One status of several cannot be streamed: its body is read whole.
                    body: if matches!(body, Response::Stream(_)) { Response::Text } else { body },
                })
                .collect();
            let name = tb.name_or(format!("{type_base}Response"), format!("{type_base}ResponseByStatus"));
            let id = tb.add_type(responses_ptr.clone(), &name, TypeKind::Responses(variants));
            Response::ByStatus(id)
        }
    };
    // A stream beside JSON is offered where JSON is the one answer.
    let stream = stream.filter(|_| matches!(response, Response::Json(_)));
    Ok(Responses { response, stream, errors, link_header })
}

/// `200` → `Ok`, `201` → `Created`, `2XX` → `Success`…
fn status_variant_name(status: &str) -> String {
    match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritative",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        "207" => "MultiStatus",
        "208" => "AlreadyReported",
        "226" => "ImUsed",
        "2XX" | "2xx" => "Success",
        "default" => "Default",
        other => return format!("Status{}", naming::type_name(other)),
    }
    .to_owned()
}

/// A response's body; and where it offers both JSON and a stream (OpenAI's completions, which
/// stream when asked to), the stream too.
fn response_body<'a>(
    tb: &mut TypeBuilder<'a>,
    r_ptr: &str,
    r: &'a Value,
    hint: &str,
) -> Result<(Response, Option<StreamBody>), Diagnostic> {
    let Some(content) = r.get("content").and_then(Value::as_object) else {
        return Ok((Response::Empty, None));
    };
    let content_ptr = pointer::push(r_ptr, "content");
    let stream = match content.iter().find_map(|(media, m)| Some((media, m, StreamFraming::of_media(media)?)))
    {
        Some((media, m, framing)) => Some(stream_body(tb, &content_ptr, media, m, framing, hint)?),
        None => None,
    };
    let json =
        content.iter().find(|(media, _)| is_json_media(media) && StreamFraming::of_media(media).is_none());
    if let Some((media, m)) = json {
        let ty = match m.get("schema") {
            Some(s) => tb.ty(s, &pointer::push(&pointer::push(&content_ptr, media), "schema"), hint, 0)?.ty,
            None => Ty::Any,
        };
        return Ok((Response::Json(ty), stream));
    }
    if let Some(stream) = stream {
        return Ok((Response::Stream(stream), None));
    }
    if let Some((media, m)) = content.iter().find(|(media, _)| media.as_str() == "*/*")
        && let Some(s) = m.get("schema").filter(|s| s.get("format").and_then(Value::as_str) != Some("binary"))
    {
        let ty = tb.ty(s, &pointer::push(&pointer::push(&content_ptr, media), "schema"), hint, 0)?.ty;
        return Ok((Response::Json(ty), None));
    }
    if content.is_empty() {
        return Ok((Response::Empty, None));
    }
    if content.keys().all(|m| m.starts_with("text/")) {
        return Ok((Response::Text, None));
    }
    Ok((Response::Bytes, None))
}

/// A streamed body: its items' type from OpenAPI 3.2's `itemSchema`, or else from `schema`,
/// which for JSON Lines may describe the whole stream as an array of them. What an event's
/// schema says is refined once the types are built ([`refine_stream`]).
fn stream_body<'a>(
    tb: &mut TypeBuilder<'a>,
    content_ptr: &str,
    media: &str,
    m: &'a Value,
    framing: StreamFraming,
    hint: &str,
) -> Result<StreamBody, Diagnostic> {
    let media_ptr = &pointer::push(content_ptr, media);
    let hint = format!("{}Event", hint.strip_suffix("Response").unwrap_or(hint));
    let (ptr, schema) = match (m.get("itemSchema"), m.get("schema")) {
        (Some(s), _) => (pointer::push(media_ptr, "itemSchema"), Some(s)),
        (None, Some(s))
            if framing != StreamFraming::ServerSentEvents
                && s.get("type").and_then(Value::as_str) == Some("array")
                && s.get("items").is_some_and(Value::is_object) =>
        {
            (pointer::push(&pointer::push(media_ptr, "schema"), "items"), s.get("items"))
        }
        (None, s) => (pointer::push(media_ptr, "schema"), s),
    };
    let item = match schema {
        Some(s) => Some(tb.ty(s, &ptr, &hint, 0)?.ty),
        None if framing == StreamFraming::ServerSentEvents => None,
        None => Some(Ty::Any),
    };
    Ok(StreamBody {
        framing,
        media: media.to_owned(),
        item,
        whole_event: false,
        text_data: false,
        flag: None,
    })
}

fn detect_idempotency_header(root: &Value) -> Option<String> {
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.get("in").and_then(Value::as_str) == Some("header")
                    && let Some(name) = map.get("name").and_then(Value::as_str)
                    && name.eq_ignore_ascii_case("idempotency-key")
                {
                    return Some(name.to_owned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}

/// The types an operation sends: its body and its parameters struct.
fn request_roots(op: &Operation) -> impl Iterator<Item = Ty> + '_ {
    op.body.iter().map(|b| b.ty.clone()).chain(op.params.map(Ty::Named))
}

/// The type an operation's success response decodes into, if any.
fn response_root(op: &Operation) -> Option<Ty> {
    match &op.response {
        Response::Json(ty) => Some(ty.clone()),
        Response::ByStatus(id) => Some(Ty::Named(*id)),
        Response::Stream(stream) => stream.item.clone(),
        Response::Empty | Response::Text | Response::Bytes => None,
    }
}

/// Records which cargo features need each type (see `TypeDef::features`): the resources whose
/// operations use it, or `extra_types` (index `resources.len()`) for component schemas no
/// operation uses. Webhook payloads, types every resource uses, and everything those mention
/// stay ungated.
fn assign_features(types: &mut [super::TypeDef], resources: &[Resource], webhook_event: Option<usize>) {
    let mut root_sets: Vec<Vec<Ty>> = resources
        .iter()
        .map(|resource| {
            let mut roots = Vec::new();
            for op in &resource.operations {
                roots.extend(op.path_params.iter().map(|p| p.ty.clone()));
                roots.extend(request_roots(op));
                roots.extend(response_root(op));
                roots.extend(op.errors.iter().filter_map(|(_, ty)| ty.clone()));
            }
            roots
        })
        .collect();
    let used_by_operations = schema::reachable(types, &root_sets.concat());
    let webhook = match webhook_event {
        Some(id) => schema::reachable(types, &[Ty::Named(id)]),
        None => vec![false; types.len()],
    };
    root_sets.push(
        (0..types.len())
            .filter(|&i| {
                !used_by_operations[i] && !webhook[i] && types[i].pointer.starts_with("#/components/schemas/")
            })
            .map(Ty::Named)
            .collect(),
    );
    for (index, roots) in root_sets.iter().enumerate() {
        let used = schema::reachable(types, roots);
        for (t, used) in types.iter_mut().zip(used) {
            if used {
                t.features.push(index);
            }
        }
    }
    for (t, webhook) in types.iter_mut().zip(webhook) {
        if webhook || t.features.len() >= resources.len() {
            t.features.clear();
        }
    }
    // Whatever an ungated type mentions must be ungated too (the reachable set is closed, so
    // one pass suffices).
    let ungated: Vec<Ty> =
        (0..types.len()).filter(|&i| types[i].features.is_empty()).map(Ty::Named).collect();
    let needed = schema::reachable(types, &ungated);
    for (t, needed) in types.iter_mut().zip(needed) {
        if needed {
            t.features.clear();
        }
    }
}

/// Read-only fields are not sent, write-only fields are not returned: neither can be required in
/// the direction where it is absent.
fn relax_directional_fields(types: &mut [super::TypeDef]) {
    for t in types.iter_mut() {
        let (in_request, in_response) = (t.in_request, t.in_response);
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                // A deprecated property is the first a server stops sending (Spotify's album
                // `label`), so in a response it is optional even where the schema requires it:
                // its absence must not fail the whole response. A request still sends it.
                let stopped = f.deprecated && in_response && !in_request;
                if (f.read_only && in_request) || (f.write_only && in_response) || stopped {
                    f.required = false;
                }
            }
        }
    }
}

/// Groups operations by tag (or first path word), in order of first appearance, and gives each
/// operation a method name without the resource's own words (`create_customer` → `create`).
///
/// The operations with no resource of their own are the client's methods (see
/// [`Resource::flat`]): those keep clear of `client_methods` and the accessors.
fn group_resources(
    root: &Value,
    ops: Vec<(Option<String>, Operation)>,
    client_methods: &[String],
    twins: &BTreeMap<(String, String), StreamBody>,
) -> Vec<Resource> {
    let tag_docs: BTreeMap<String, String> = root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| Some((str_field(t, "name")?.to_owned(), spec_text(str_field(t, "description"))?)))
        .collect();
    // By name: the first tag (or path word) of that name, and the operations.
    let mut groups: BTreeMap<String, (String, Vec<Operation>)> = BTreeMap::new();
    let mut ungrouped = Vec::new();
    for (key, op) in ops {
        match key {
            Some(key) => {
                groups.entry(naming::plain_snake(&key)).or_insert_with(|| (key, Vec::new())).1.push(op)
            }
            None => ungrouped.push(op),
        }
    }
    let prefix = location_prefix_len(groups.keys().map(String::as_str));
    let mut accessor_names = Namespace::new();
    for m in CLIENT_METHODS {
        accessor_names.reserve(m);
    }
    // Each group's accessor (and module) name, the name it was claimed for, its tag and its
    // operations; then the operations of no resource under a name of their own (`operations`, or
    // `operations_2` beside a tag of that name).
    let mut named: Vec<(String, String, Option<String>, Vec<Operation>)> = groups
        .into_iter()
        .map(|(snake, (tag, ops))| {
            let snake = without_location(&snake, prefix);
            (accessor_names.claim(&snake), snake, Some(tag), ops)
        })
        .collect();
    let accessors: Vec<String> = named.iter().map(|(name, ..)| name.clone()).collect();
    if !ungrouped.is_empty() {
        named.push((accessor_names.claim(UNGROUPED), UNGROUPED.to_owned(), None, ungrouped));
    }
    named.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut type_names = Namespace::new();
    // Cargo features: the runtime's are taken, so a resource named like one gets another.
    let mut features = Namespace::new();
    super::RUNTIME_FEATURES.iter().chain(&["default"]).for_each(|f| features.reserve(f));
    let mut resources = Vec::new();
    for (name, snake, tag, mut operations) in named {
        let flat = tag.is_none();
        // A flat resource's words are none of its methods' (`operations` names nothing).
        let words: Vec<&str> = if flat { Vec::new() } else { snake.split('_').collect() };
        let mut method_names = Namespace::new();
        method_names.reserve("new");
        method_names.reserve("client");
        // A flat resource's methods are the client's: clear of its others and its accessors.
        let taken: BTreeSet<&str> = if flat {
            client_methods.iter().chain(&accessors).map(|m| m.trim_start_matches("r#")).collect()
        } else {
            BTreeSet::new()
        };
        taken.iter().for_each(|m| method_names.reserve(m));
        let stripped: Vec<(String, bool)> =
            operations.iter().map(|op| strip_resource_words(&op.fn_name, &words)).collect();
        for (i, op) in operations.iter_mut().enumerate() {
            // Of names that read alike without the resource's words, the one that named it as
            // the resource does keeps the short name (`get` for `get_item`, beside
            // `get_items` on `item`); with no such one, or several (`get_custom_role` and
            // `get_custom_roles` on `custom_roles`), they all keep the words rather than one of
            // them turning numbered.
            let (name, exact) = &stripped[i];
            let alike: Vec<bool> =
                stripped.iter().filter(|(other, _)| other == name).map(|(_, exact)| *exact).collect();
            let keeps = alike.len() == 1 || (*exact && alike.iter().filter(|e| **e).count() == 1);
            let stripped = if keeps { name.clone() } else { op.fn_name.clone() };
            // A name a std trait method, the constructor or the client accessor has (`clone`,
            // `new`) keeps the resource's word (`clone_game`) rather than turning setter-like
            // (`set_clone`) or numbered.
            let free = |name: &&str| {
                !naming::is_reserved_method(&naming::field_name(name))
                    && *name != "client"
                    && !taken.contains(naming::method_name(name).trim_start_matches("r#"))
            };
            let name = [stripped.as_str(), op.fn_name.as_str()]
                .into_iter()
                .find(free)
                .map_or_else(|| format!("{}_{}", op.fn_name, singular_phrase(&snake)), str::to_owned);
            op.fn_name = method_names.claim(&naming::method_name(&name));
        }
        // An operation that can also stream gets its twin beside it, named after it once every
        // operation of the description has its name, so that a twin never takes one of theirs.
        let mut operations_and_twins = Vec::with_capacity(operations.len());
        for op in operations {
            let twin = twins.get(&(op.method.clone(), op.path.clone())).map(|stream| {
                let name = format!("{}_stream", op.fn_name.trim_start_matches("r#"));
                streamed_twin(&op, stream.clone(), method_names.claim(&naming::method_name(&name)))
            });
            operations_and_twins.push(op);
            operations_and_twins.extend(twin);
        }
        let operations = operations_and_twins;
        let bare = name.trim_start_matches("r#");
        // A tag named like a runtime feature (`native-tls` is hyphenated, so only `rustls` and
        // `blocking` can be; cargo's `default` is a reserved accessor) is `rustls_resource`,
        // and a tag of that name then `rustls_resource2`.
        let wanted = if super::RUNTIME_FEATURES.contains(&bare) {
            format!("{bare}_resource")
        } else {
            bare.to_owned()
        };
        let feature = features.claim(&wanted);
        resources.push(Resource {
            feature,
            name,
            type_name: type_names.claim(&naming::type_name(&snake)),
            doc: match tag {
                Some(tag) => tag_docs.get(&tag).cloned(),
                None => Some("The operations that no tag or path word of their own groups.".to_owned()),
            },
            operations,
            flat,
        });
    }
    resources
}

/// A description's text, trimmed, as rustdoc takes it; `None` when empty.
fn spec_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(crate::markdown::rustdoc_text)
}

/// The client's default base URL: the first `https` server, else the first server (a plain
/// `http` one is refused by the client unless allowed: AWS's descriptions list
/// `http://acm.{region}.amazonaws.com` before its `https` twin).
fn server_url(root: &Value) -> String {
    let servers = root.get("servers").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let urls: Vec<String> = servers.iter().map(expanded_server_url).collect();
    let https = urls.iter().find(|url| url.to_ascii_lowercase().starts_with("https://"));
    https.or(urls.first()).cloned().unwrap_or_default()
}

/// A server's URL with its variables at their defaults.
fn expanded_server_url(server: &Value) -> String {
    let mut url = str_field(server, "url").unwrap_or("").to_owned();
    if let Some(vars) = server.get("variables").and_then(Value::as_object) {
        for (name, var) in vars {
            let default = var.get("default").map(value_text).unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), &default);
        }
    }
    url
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_of_no_resource_are_the_clients_and_leave_the_others_their_names() {
        let op = |id: &str, tag: Option<&str>| {
            let mut op =
                serde_json::json!({ "operationId": id, "responses": { "204": { "description": "ok" } } });
            if let Some(tag) = tag {
                op["tags"] = serde_json::json!([tag]);
            }
            op
        };
        let doc = serde_json::json!({
            "openapi": "3.0.0", "info": { "title": "t", "version": "1" },
            "paths": {
                "/v1/Services": { "get": op("ListService", Some("ChatV1Service")) },
                "/v1/Roles": { "get": op("ListRole", Some("ChatV1Role")) },
                "/v1/Operations": { "get": op("ListOperations", Some("ChatV1Operations")) },
                "/#Action=Ping": { "post": op("Ping", None) }
            }
        });
        let spec = crate::load::load(&doc.to_string()).expect("loads");
        let api = build(&spec, &Config::new("t")).expect("builds");
        let resources: Vec<String> = api
            .resources
            .iter()
            .map(|r| format!("{}{} {}", r.name, if r.flat { " (flat)" } else { "" }, r.operations[0].fn_name))
            .collect();
        // The ungrouped `Ping` neither keeps `chat_v1` on the others nor joins `operations`.
        assert_eq!(resources, ["operations list", "operations_2 (flat) ping", "role list", "service list"]);
    }

    #[test]
    fn the_default_base_url_is_the_first_https_server() {
        let doc = |servers: serde_json::Value| serde_json::json!({ "servers": servers });
        let aws = doc(serde_json::json!([
            { "url": "http://acm.{region}.amazonaws.com", "variables": { "region": { "default": "us-east-1" } } },
            { "url": "https://acm.{region}.amazonaws.com", "variables": { "region": { "default": "us-east-1" } } }
        ]));
        assert_eq!(server_url(&aws), "https://acm.us-east-1.amazonaws.com");
        assert_eq!(
            server_url(&doc(serde_json::json!([{ "url": "http://localhost:8080" }]))),
            "http://localhost:8080"
        );
        assert_eq!(
            server_url(&doc(serde_json::json!([{ "url": "/v1" }, { "url": "HTTPS://x.io" }]))),
            "HTTPS://x.io"
        );
        assert_eq!(server_url(&serde_json::json!({})), "");
    }

    #[test]
    fn a_request_goes_to_the_path_before_a_fragment_or_query() {
        assert_eq!(request_target("/#Action=AssumeRole"), ("/", vec![]));
        assert_eq!(request_target("/#X-Amz-Target=Acm.ListCertificates"), ("/", vec![]));
        let pairs =
            |p: &[(&str, &str)]| p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        assert_eq!(
            request_target("/rest?method=flickr.favorites.getList&format=json"),
            ("/rest", pairs(&[("method", "flickr.favorites.getList"), ("format", "json")]))
        );
        // Pairs of a parameter are sent from its declaration; a bare name is a pair too.
        assert_eq!(request_target("/alerts?lat={lat}&lon={lon}&v"), ("/alerts", pairs(&[("v", "")])));
        assert_eq!(request_target("/items/{id}"), ("/items/{id}", vec![]));
        assert_eq!(request_target("/files/{name#x}/{q?}#frag"), ("/files/{name#x}/{q?}", vec![]));
        assert_eq!(request_target("/rest?q=a%20b+c&x#frag"), ("/rest", pairs(&[("q", "a b c"), ("x", "")])));
    }

    /// Method names per resource, as `resource.method METHOD path`.
    fn method_names(doc: serde_json::Value) -> Vec<String> {
        let spec = crate::load::load(&doc.to_string()).expect("loads");
        let api = build(&spec, &Config::new("t")).expect("builds");
        api.resources
            .iter()
            .flat_map(|r| {
                r.operations
                    .iter()
                    .map(move |op| format!("{}.{} {} {}", r.name, op.fn_name, op.method, op.path))
            })
            .collect()
    }

    fn ops(methods: &[&str]) -> serde_json::Value {
        let mut item = serde_json::Map::new();
        for m in methods {
            let (method, id) = m.split_once(':').map_or((*m, None), |(m, id)| (m, Some(id)));
            let mut op = serde_json::json!({ "responses": { "204": { "description": "ok" } } });
            if let Some(id) = id {
                op["operationId"] = id.into();
            }
            item.insert(method.to_owned(), op);
        }
        serde_json::Value::Object(item)
    }

    #[test]
    fn idempotency_keys_go_where_the_spec_declares_them_or_everywhere_if_it_declares_none() {
        // `/a` and `/b` POST, PATCH and DELETE; `/c` POSTs a body with an `idempotency_key`.
        let keyed = |declared: &[&str], config_header: IdempotencyHeader| {
            let header = serde_json::json!([{ "name": "idempotency-key", "in": "header", "schema": { "type": "string" } }]);
            let mut paths = serde_json::Map::new();
            for path in ["/a", "/b", "/c"] {
                let mut item = ops(&["post", "patch", "delete"]);
                if declared.contains(&path) {
                    item["post"]["parameters"] = header.clone();
                }
                if path == "/c" {
                    item = ops(&["post"]);
                    item["post"]["requestBody"] = serde_json::json!({ "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "amount": { "type": "integer" }, "idempotency_key": { "type": "string" } }
                    } } } });
                }
                paths.insert(path.to_owned(), item);
            }
            let doc = serde_json::json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": paths });
            let spec = crate::load::load(&doc.to_string()).expect("loads");
            let mut config = Config::new("t");
            config.idempotency_header = config_header;
            let api = build(&spec, &config).expect("builds");
            let mut keyed: Vec<String> = api
                .operations()
                .filter_map(|op| match &op.idempotency {
                    Idempotency::None => None,
                    Idempotency::Header => Some(format!("{} {}", op.method, op.path)),
                    Idempotency::BodyField { json_name, required, .. } => {
                        Some(format!("{} {} body {json_name} required={required}", op.method, op.path))
                    }
                    Idempotency::CallerBodyField { json_name } => {
                        Some(format!("{} {} caller's {json_name}", op.method, op.path))
                    }
                })
                .collect();
            keyed.sort();
            keyed
        };
        let named = || IdempotencyHeader::Named("Idempotency-Key".into());
        let body = "POST /c body idempotency_key required=false";
        assert_eq!(keyed(&["/a"], named()), ["POST /a", body]);
        assert_eq!(keyed(&["/a"], IdempotencyHeader::Detect), ["POST /a", body]);
        // A header no operation declares is taken everywhere, but not where the body has the key.
        assert_eq!(keyed(&[], named()), ["PATCH /a", "PATCH /b", "POST /a", "POST /b", body]);
        assert_eq!(keyed(&[], IdempotencyHeader::Detect), [body]);
        assert!(keyed(&["/a", "/b"], IdempotencyHeader::Disabled).is_empty());
    }

    #[test]
    fn an_idempotency_field_keys_json_and_form_bodies_without_undoing_a_declared_header() {
        use serde_json::json;
        let schema = json!({ "type": "object", "properties": { "order_ref": { "type": "string" } } });
        let body = |media: &str| json!({ "content": { media: { "schema": schema.clone() } } });
        let header = json!([{ "name": "Idempotency-Key", "in": "header", "schema": { "type": "string" } }]);
        let op = |id: &str, body: Option<serde_json::Value>, declares: bool| {
            let mut op = json!({ "operationId": id, "x-idempotency-field": "order_ref",
                "responses": { "204": { "description": "ok" } } });
            if let Some(body) = body {
                op["requestBody"] = body;
            }
            if declares {
                op["parameters"] = header.clone();
            }
            json!({ "post": op })
        };
        let mut refunds = op("createRefund", None, false);
        refunds["post"].as_object_mut().unwrap().remove("x-idempotency-field");
        let doc = json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {
            // The only operation that declares the header: the API still declares it somewhere,
            // so `/refunds` does not take it.
            "/orders": op("createOrder", Some(body("application/json")), true),
            "/refunds": refunds,
            "/sessions": op("createSession", Some(body("application/x-www-form-urlencoded")), false),
            "/uploads": op("createUpload", Some(body("multipart/form-data")), false),
            "/notes": op("createNote", None, false),
        } });
        let spec = crate::load::load(&doc.to_string()).expect("loads");
        let mut config = Config::new("t");
        config.idempotency_header = IdempotencyHeader::Named("Idempotency-Key".into());
        let api = build(&spec, &config).expect("builds");
        let keyed: BTreeMap<&str, &Idempotency> =
            api.operations().map(|op| (op.path.as_str(), &op.idempotency)).collect();
        let caller = Idempotency::CallerBodyField { json_name: "order_ref".into() };
        assert_eq!(keyed["/orders"], &Idempotency::Header);
        assert_eq!(keyed["/refunds"], &Idempotency::None);
        assert_eq!(keyed["/sessions"], &caller);
        assert_eq!(keyed["/uploads"], &Idempotency::None);
        assert_eq!(keyed["/notes"], &Idempotency::None);
        let warned: Vec<&str> = api.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            warned,
            ["#/paths/~1notes/post/x-idempotency-field", "#/paths/~1uploads/post/x-idempotency-field"]
        );
    }

    #[test]
    fn an_optional_body_that_can_only_be_empty_is_no_argument() {
        use serde_json::json;
        let closed = json!({ "type": "object", "properties": {}, "additionalProperties": false });
        let op = |schema: serde_json::Value, required: bool| {
            json!({ "operationId": "op", "responses": { "204": { "description": "ok" } },
                "requestBody": { "required": required,
                    "content": { "application/x-www-form-urlencoded": { "schema": schema } } } })
        };
        let doc = json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" },
            "components": { "schemas": { "Empty": closed } },
            "paths": {
                // Stripe's GETs and DELETEs, inline and through a `$ref`.
                "/customers": { "get": op(closed.clone(), false) },
                "/customers/{id}": { "delete": op(json!({ "$ref": "#/components/schemas/Empty" }), false),
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }] },
                // A required one must be sent; an open one may carry anything.
                "/a": { "post": op(closed.clone(), true) },
                "/b": { "post": op(json!({ "type": "object" }), false) },
                "/c": { "post": op(json!({ "type": "object", "additionalProperties": false,
                    "properties": { "name": { "type": "string" } } }), false) },
            } });
        let spec = crate::load::load(&doc.to_string()).expect("loads");
        let api = build(&spec, &Config::new("t")).expect("builds");
        let bodies: BTreeMap<&str, bool> =
            api.operations().map(|op| (op.path.as_str(), op.body.is_some())).collect();
        assert_eq!(
            bodies,
            BTreeMap::from([
                ("/a", true),
                ("/b", true),
                ("/c", true),
                ("/customers", false),
                ("/customers/{id}", false)
            ])
        );
    }

    #[test]
    fn a_constant_path_segment_is_encoded_as_the_runtime_encodes_a_given_one() {
        assert_eq!(encode_path_segment("json lines"), "json%20lines");
        assert_eq!(encode_path_segment("x;y/z{1}=é~"), "x%3By%2Fz%7B1%7D%3D%C3%A9~");
    }

    #[test]
    fn api_versions_are_dates_or_major_minor() {
        for version in ["2021-06-01", "2021-06-01-preview", "7.1", "7.0-preview", "2018-12-01.8.0", "2.0.0"] {
            assert!(is_api_version(version), "{version}");
        }
        for version in ["1", "v2", "", "2021-6-1", "Wed Oct 07 2020 00:00:00 GMT+0000", "1.x", "2021-06-01?x"]
        {
            assert!(!is_api_version(version), "{version}");
        }
    }

    #[test]
    fn a_name_a_std_method_or_the_constructor_has_keeps_the_resources_word() {
        let tagged = |id: &str| {
            serde_json::json!({ "post": {
                "tags": ["pets"], "operationId": id, "responses": { "204": { "description": "ok" } }
            } })
        };
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/pets": tagged("addPet"),
                "/pets/copy": tagged("clone"),
                "/pets/fresh": tagged("new"),
                "/pets/client": tagged("client"),
                "/pets/{id}/next": tagged("nextPet"),
            }
        });
        let mut names = method_names(doc);
        names.sort();
        assert_eq!(
            names,
            [
                "pets.add_pet POST /pets",
                "pets.client_pet POST /pets/client",
                "pets.clone_pet POST /pets/copy",
                "pets.new_pet POST /pets/fresh",
                "pets.next_pet POST /pets/{id}/next",
            ]
        );
    }

    #[test]
    fn names_unnamed_operations_from_the_paths_shape() {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/v1/customers": ops(&["get:GetCustomers", "post:PostCustomers"]),
                "/v1/customers/search": ops(&["get:GetCustomersSearch"]),
                "/v1/customers/{customer}": ops(&["get:GetCustomersCustomer", "post:PostCustomersCustomer", "delete:DeleteCustomersCustomer"]),
                "/v1/customers/{customer}/bank_accounts": ops(&["get", "post"]),
                "/v1/customers/{customer}/bank_accounts/{id}": ops(&["get", "delete"]),
                "/v1/customers/{customer}/sources/{id}/verify": ops(&["post"]),
                "/v1/customers/{customer}/discount": ops(&["get", "delete"]),
                "/v1/customers/{customer}/line_items": ops(&["get"]),
                "/v1/account": ops(&["get:GetAccount"]),
                "/v1/accounts/{account}": ops(&["get:GetAccountsAccount"]),
                "/v1/accounts/{account}/external_accounts": ops(&["get"]),
                "/v1/accounts/{account}/external_accounts/{id}": ops(&["get"]),
                "/applePay/sessions": ops(&["post"]),
                "/search": ops(&["post"]),
                "/timezone/{area}/{location}": ops(&["get"]),
                "/api/baskets/{name}": ops(&["get"]),
                "/baskets/{name}": ops(&["get"]),
                "/users/{id}/export": ops(&["get"]),
                "/users/export": ops(&["post:exportUsers"]),
                "/conversations/{id}/messages": ops(&["get", "post"]),
                "/commands/send": ops(&["get", "post"]),
                "/places/日本": ops(&["get"]),
                "/clients/{id}/roles/{role}": {
                    "delete": { "tags": ["roles"], "responses": { "204": { "description": "ok" } } }
                }
            }
        });
        let names = method_names(doc);
        for expected in [
            // Stripe's operationIds only spell out method and path.
            "customers.list GET /v1/customers",
            "customers.create POST /v1/customers",
            "customers.search GET /v1/customers/search",
            "customers.retrieve GET /v1/customers/{customer}",
            "customers.update POST /v1/customers/{customer}",
            "customers.delete DELETE /v1/customers/{customer}",
            // No operationId at all.
            "customers.list_bank_accounts GET /v1/customers/{customer}/bank_accounts",
            "customers.create_bank_account POST /v1/customers/{customer}/bank_accounts",
            "customers.retrieve_bank_account GET /v1/customers/{customer}/bank_accounts/{id}",
            "customers.delete_bank_account DELETE /v1/customers/{customer}/bank_accounts/{id}",
            "customers.verify_source POST /v1/customers/{customer}/sources/{id}/verify",
            "customers.retrieve_discount GET /v1/customers/{customer}/discount",
            "customers.delete_discount DELETE /v1/customers/{customer}/discount",
            "customers.list_line_items GET /v1/customers/{customer}/line_items",
            // Both are `retrieve_account` before the resource's words go; each resource has one.
            "account.retrieve GET /v1/account",
            "accounts.retrieve GET /v1/accounts/{account}",
            "accounts.list_external_accounts GET /v1/accounts/{account}/external_accounts",
            "accounts.retrieve_external_account GET /v1/accounts/{account}/external_accounts/{id}",
            "apple_pay.sessions POST /applePay/sessions",
            // What the shape cannot name keeps the name from method and path.
            "search.post POST /search",
            "timezone.get_by_area_by_location GET /timezone/{area}/{location}",
            "baskets.get_api_baskets_by_name GET /api/baskets/{name}",
            "baskets.get_by_name GET /baskets/{name}",
            "users.get_by_id_export GET /users/{id}/export",
            "users.export POST /users/export",
            // A POST beside a GET adds to a plural, and is an action otherwise, never an update.
            "conversations.list_messages GET /conversations/{id}/messages",
            "conversations.create_message POST /conversations/{id}/messages",
            "commands.retrieve_send GET /commands/send",
            "commands.send POST /commands/send",
            // A segment that cannot be named keeps the name from method and path.
            "places.get GET /places/日本",
            // The resource's words are not stripped from the end: that would name the client.
            "roles.delete_client_role DELETE /clients/{id}/roles/{role}",
        ] {
            assert!(names.contains(&expected.to_owned()), "{expected} not in {names:#?}");
        }
        assert_eq!(names.len(), 31);
    }

    #[test]
    fn splits_templates() {
        let pieces = split_template("/a/{b}/c{d}");
        let text: Vec<String> = pieces
            .iter()
            .map(|p| match p {
                TemplatePiece::Literal(l) => format!("L{l}"),
                TemplatePiece::Param(p) => format!("P{p}"),
            })
            .collect();
        assert_eq!(text, ["L/a/", "Pb", "L/c", "Pd"]);
    }

    #[test]
    fn recognizes_json_media_types() {
        assert!(is_json_media("application/json"));
        assert!(is_json_media("application/json; charset=utf-8"));
        assert!(is_json_media("application/problem+json"));
        assert!(is_json_media("application/vnd.api+json"));
        assert!(!is_json_media("text/plain"));
        assert!(!is_json_media("application/octet-stream"));
    }
}
