//! Paths → operations grouped into resources, plus security schemes and pagination.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase};
use serde_json::{Map, Value};

use super::schema::{self, TypeBuilder};
use super::{
    Api, Body, BodyEncoding, EnvelopeField, Field, Idempotency, IntKind, Operation, PageKind, Pagination,
    ParamLocation, ParamStyle, PathParam, PathSegment, Resource, Response, SchemeKind, SecurityScheme,
    StyleKind, Ty, TypeKind, str_field,
};
use crate::config::{Config, IdempotencyHeader};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Spec;
use crate::naming::{self, Namespace};
use crate::pointer;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Names the generated `Client` and `ClientBuilder` already use.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "with_credential",
    "request",
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
    tb.register_components();
    let security_schemes = security_schemes(root, &mut tb);
    let idempotency_header = match &config.idempotency_header {
        IdempotencyHeader::Named(h) => Some(h.clone()),
        IdempotencyHeader::Disabled => None,
        IdempotencyHeader::Detect => detect_idempotency_header(root),
    };
    let ctx = Ctx {
        root,
        path_names: path_operation_names(root),
        schemes: &security_schemes,
        idempotency_header: idempotency_header.as_deref(),
    };

    let mut ops: Vec<(Option<String>, Operation)> = Vec::new();
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
                    Ok(built) => ops.push(built),
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
    for (_, op) in &mut ops {
        op.pagination = detect_pagination(&tb, op);
    }
    // A body field named like the header is the key where the header is not declared; a header
    // the config names but no operation declares is taken everywhere else (Stripe's spec
    // declares it nowhere); one some operations declare is honoured only there.
    let declared_anywhere = ops.iter().any(|(_, op)| op.idempotency == Idempotency::Header);
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

    let resources = group_resources(root, ops);
    let mut types = std::mem::take(&mut tb.types);
    for resource in &resources {
        for op in &resource.operations {
            let Some(params) = op.params else { continue };
            let method = format!("{}::{}", resource.type_name, op.fn_name.trim_start_matches("r#"));
            types[params].doc.get_or_insert_with(|| {
                format!(
                    "The parameters of [`{method}`](crate::resources::{method}): `{} {}`.",
                    op.method, op.path
                )
            });
        }
    }
    let mut warnings = std::mem::take(&mut tb.warnings);
    let mut examples = std::mem::take(&mut tb.examples);
    examples.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    examples.dedup_by(|a, b| a.pointer == b.pointer);
    schema::break_cycles(&mut types);
    let operations = || resources.iter().flat_map(|r| &r.operations);
    let request_roots: Vec<Ty> = operations().flat_map(request_roots).collect();
    let mut response_roots: Vec<Ty> = operations().filter_map(response_root).collect();
    if let Some(id) = webhook_event {
        response_roots.push(Ty::Named(id));
    }
    schema::mark_reachable(&mut types, &request_roots, true);
    schema::mark_reachable(&mut types, &response_roots, false);
    relax_directional_fields(&mut types);
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
        description: info.and_then(|i| str_field(i, "description")).map(str::to_owned),
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
    schemes: &'a [SecurityScheme],
    idempotency_header: Option<&'a str>,
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
) -> Result<(Option<String>, Operation), Diagnostic> {
    let Some(op_obj) = op.as_object() else {
        return Err(Diagnostic::new(op_ptr, "an operation must be an object"));
    };
    let spec_id = str_field(op, "operationId").filter(|s| !s.trim().is_empty());
    let name = match spec_id {
        Some(id) if !echoes_path(id, method, path) => id.to_owned(),
        _ => ctx
            .path_names
            .get(&format!("{method} {path}"))
            .cloned()
            .or_else(|| spec_id.map(str::to_owned))
            .unwrap_or_else(|| derived_operation_id(method, path)),
    };
    let raw_id = spec_id.map_or_else(|| name.clone(), str::to_owned);
    let fn_base = naming::plain_snake(&name);
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
            let Some(name) = str_field(p, "name") else {
                tb.warn(&p_ptr, "parameter without a name ignored");
                continue;
            };
            let location = str_field(p, "in").unwrap_or("query").to_owned();
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
            params.retain(|q| !(q.name == name && q.location == location));
            params.push(RawParam {
                value: p,
                style: ParamStyle::FORM,
                ptr: p_ptr.clone(),
                name: name.to_owned(),
                required: p.get("required").and_then(Value::as_bool) == Some(true) || location == "path",
                location,
                schema,
                doc: p.as_object().and_then(schema::doc_of),
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
    for piece in split_template(path) {
        match piece {
            TemplatePiece::Literal(text) => segments.push(PathSegment::Literal(text)),
            TemplatePiece::Param(name) => {
                if let Some(i) = path_params.iter().position(|p| p.json_name == name) {
                    segments.push(PathSegment::Param(i));
                    continue;
                }
                let declared = params.iter().find(|p| p.location == "path" && p.name == name);
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
                path_params.push(PathParam { json_name: name, rust_name, ty, doc, style });
            }
        }
    }
    for p in params.iter().filter(|p| p.location == "path") {
        if !path_params.iter().any(|pp| pp.json_name == p.name) {
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
        let field_name = naming::field_name(&p.name);
        fields.push(Field {
            json_name: p.name.clone(),
            rust_name: field_names.claim(&field_name),
            setter: setter_names.claim(&naming::method_name_of_field(field_name)),
            ty: u.ty,
            required: p.required,
            nullable: u.nullable,
            read_only: false,
            write_only: false,
            doc: p.doc.clone(),
            deprecated: p.deprecated,
            default: p.schema.as_ref().and_then(|(_, s)| s.get("default")).map(|d| d.to_string()),
            minimum: p.schema.as_ref().and_then(|(_, s)| s.as_object()).and_then(schema::integer_minimum),
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
    let (response, errors) = responses(tb, ctx.root, op_ptr, op_obj, &type_base)?;
    let security = operation_security(tb, ctx, op_ptr, op_obj);
    let resource_key = resource_key(op, path);
    Ok((
        resource_key,
        Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            fn_name: fn_base,
            operation_id: raw_id,
            summary: str_field(op, "summary").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
            doc: str_field(op, "description").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
            deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
            path_params,
            segments,
            params: params_type,
            body,
            response,
            errors,
            security,
            link_header: declares_link_header(ctx.root, op_ptr, op_obj),
            idempotency: if declares_idempotency_header { Idempotency::Header } else { Idempotency::None },
            pagination: None,
        },
    ))
}

/// The string field of an operation's body struct called `name` (`idempotency_key`), if it is
/// neither nullable nor of another type.
fn body_idempotency_field<'t>(types: &'t [super::TypeDef], op: &Operation, name: &str) -> Option<&'t Field> {
    let Ty::Named(id) = super::resolved(&op.body.as_ref()?.ty, types) else { return None };
    let TypeKind::Struct(s) = &types[*id].kind else { return None };
    s.fields.iter().find(|f| f.json_name == name && !f.nullable && f.ty == Ty::String)
}

/// Whether a success response of an operation declares a `Link` header.
fn declares_link_header(root: &Value, op_ptr: &str, op: &Map<String, Value>) -> bool {
    let responses_ptr = pointer::push(op_ptr, "responses");
    let responses = op.get("responses").and_then(Value::as_object).into_iter().flatten();
    responses.filter(|(code, _)| code.starts_with('2')).any(|(code, r)| {
        resolve_object(root, &pointer::push(&responses_ptr, code), r).is_ok_and(|(_, r)| {
            let headers = r.get("headers").and_then(Value::as_object).into_iter().flatten();
            headers.map(|(name, _)| name).any(|name| name.eq_ignore_ascii_case("link"))
        })
    })
}

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

/// `get /pets/{petId}/toys` → `get_pets_by_pet_id_toys`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by_{}", naming::words_snake(param)));
        } else {
            parts.push(naming::words_snake(seg));
        }
    }
    parts.join("_")
}

/// One segment of a path, for naming: a parameter, or a literal's words in snake case.
enum NameSegment {
    Param,
    Literal(String),
}

/// The segments of a path that say something: `None` when a segment mixes literal text and a
/// parameter (`{id}.json`) or has no ASCII letter or digit (`日本`, `-`). Version segments
/// (`v1`, `v2.1`) and `api` are dropped.
fn name_segments(path: &str) -> Option<Vec<NameSegment>> {
    let mut out = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if is_param_segment(seg) && seg.matches('{').count() == 1 {
            out.push(NameSegment::Param);
        } else if seg.contains(['{', '}']) {
            return None;
        } else {
            let words = naming::words_snake(seg);
            // A segment without ASCII letters or digits (`日本`, `-`) cannot be named, and
            // dropping it would name another path.
            if words.is_empty() {
                return None;
            }
            if !is_location_segment(seg) {
                out.push(NameSegment::Literal(words));
            }
        }
    }
    Some(out)
}

/// A segment that says where the API lives, not what an operation does: a version (`v1`,
/// `v2.1`) or `api`.
fn is_location_segment(seg: &str) -> bool {
    let is_version =
        seg.len() > 1 && seg.starts_with('v') && seg[1..].chars().all(|c| c.is_ascii_digit() || c == '.');
    is_version || seg == "api"
}

/// `{id}`: a segment that is a parameter (at least in form).
fn is_param_segment(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

/// A path with its parameters written `{}`, so that `/a/{id}` and `/a/{a_id}` compare equal.
fn path_shape(segments: &[&str]) -> String {
    let mut out = String::new();
    for seg in segments {
        out.push('/');
        out.push_str(if is_param_segment(seg) { "{}" } else { seg });
    }
    out
}

/// The shapes of every path prefix that a parameter segment follows somewhere in the document:
/// `/v1/customers` when `/v1/customers/{customer}` exists. Those name collections.
fn collection_prefixes(root: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in root.get("paths").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        for (i, seg) in segments.iter().enumerate() {
            if i > 0 && is_param_segment(seg) {
                out.insert(path_shape(&segments[..i]));
            }
        }
    }
    out
}

/// Whether an `operationId` only spells out its method and path, as Stripe's
/// `GetCustomersCustomerBankAccountsId` does for `GET /v1/customers/{customer}/bank_accounts/{id}`
/// (versions and `api` may be left out): it names nothing the path does not.
fn echoes_path(id: &str, method: &str, path: &str) -> bool {
    let id_words = naming::words_snake(id);
    let mut all = vec![method.to_owned()];
    let mut named = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let words = naming::words_snake(seg);
        if words.is_empty() {
            continue;
        }
        if !is_location_segment(seg) {
            named.push(words.clone());
        }
        all.push(words);
    }
    id_words == all.join("_") || id_words == named.join("_")
}

/// A name for an operation the spec does not name (no `operationId`, or one that echoes the
/// path), the way hand-written SDKs name them: from the path's shape and the method.
///
/// - an item (`/customers/{id}`): `retrieve_customer`, `update_customer`, `delete_customer`;
/// - a collection (a path that an item path extends): `list_customers`, `create_customer`;
/// - a singleton (another literal with a `GET` and a write): `retrieve_customer_discount`;
/// - a `GET` of another literal: listed when plural (`list_invoices_upcoming_lines`, `list_stats`),
///   else its words (`customers_search`, `retrieve_balance`);
/// - a `POST` to another literal is an action: `verify_customer_source` for
///   `/customers/{customer}/sources/{id}/verify`, `apple_pay_sessions` for `/applePay/sessions`
///   (`None` when it is the first literal).
///
/// The resource's own words are removed later (`list`, `verify_source`). `None` when the path
/// has no literal, a segment mixes text and parameters, or two parameters end it
/// (`/timezone/{area}/{location}`), and for `HEAD`/`OPTIONS`/`TRACE`.
fn rest_operation_id(
    method: &str,
    path: &str,
    item: &Map<String, Value>,
    collections: &BTreeSet<String>,
) -> Option<String> {
    let segments = name_segments(path)?;
    let target = segments.iter().rposition(|s| matches!(s, NameSegment::Literal(_)))?;
    let NameSegment::Literal(target_words) = &segments[target] else { return None };
    let is_item = target + 1 < segments.len();
    // `/timezone/{area}/{location}`: one verb cannot tell it from `/timezone/{area}`.
    if target + 2 < segments.len() {
        return None;
    }
    // Literals before the target, singular where a parameter follows (`customers/{id}` →
    // `customer`).
    let mut context: Vec<String> = Vec::new();
    for (i, seg) in segments[..target].iter().enumerate() {
        if let NameSegment::Literal(words) = seg {
            let before_param = matches!(segments.get(i + 1), Some(NameSegment::Param));
            context.push(if before_param { singular_phrase(words) } else { words.clone() });
        }
    }
    let raw: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let literal_end = raw.iter().rposition(|s| !is_param_segment(s)).map_or(0, |i| i + 1);
    let is_collection = is_item || collections.contains(&path_shape(&raw[..literal_end]));
    let write = |m: &str| matches!(m, "post" | "put" | "patch");
    let verb_of = |method: &str| match method {
        "get" => Some("retrieve"),
        "delete" => Some("delete"),
        m if write(m) => Some("update"),
        _ => None,
    };
    let mut words: Vec<String> = Vec::new();
    if is_item {
        words.push(verb_of(method)?.to_owned());
        words.extend(context);
        words.push(singular_phrase(target_words));
    } else if is_collection {
        let (verb, noun) = match method {
            "get" => ("list", target_words.clone()),
            "post" => ("create", singular_phrase(target_words)),
            "put" | "patch" => ("update", target_words.clone()),
            "delete" => ("delete", target_words.clone()),
            _ => return None,
        };
        words.push(verb.to_owned());
        words.extend(context);
        words.push(noun);
    } else {
        let has_write = ["post", "put", "patch", "delete"].iter().any(|m| item.contains_key(*m));
        let singleton = item.contains_key("get") && has_write;
        let plural = singular_phrase(target_words) != *target_words;
        match method {
            // A plural is read as a list (`/invoices/upcoming/lines`, `/stats`), anything else
            // as what it names (`/customers/search`, or `retrieve_balance` for `/balance`).
            "get" if plural => {
                words.push("list".to_owned());
                words.extend(context);
                words.push(target_words.clone());
            }
            "get" if !singleton && !context.is_empty() => {
                words.extend(context);
                words.push(target_words.clone());
            }
            // A `POST` beside a `GET` of a plural adds to that list (`/conversations/{id}/messages`).
            "post" if plural && item.contains_key("get") => {
                words.push("create".to_owned());
                words.extend(context);
                words.push(singular_phrase(target_words));
            }
            // Any other `POST` is an action, never an update: `POST /search` beside `GET /search`
            // queries. One to the first literal keeps its method's name: the resource's name as
            // a method name (`search().search()`) says less.
            "post" if context.is_empty() => return None,
            // An action on an item is named verb first (`verify_customer_source`), one under
            // a namespace in path order (`apple_pay_sessions`).
            "post" if matches!(segments[target - 1], NameSegment::Param) => {
                words.push(target_words.clone());
                words.extend(context);
            }
            "post" => {
                words.extend(context);
                words.push(target_words.clone());
            }
            _ => {
                words.push(verb_of(method)?.to_owned());
                words.extend(context);
                words.push(target_words.clone());
            }
        }
    }
    Some(words.join("_"))
}

/// `bank_accounts` → `bank_account`: the last word made singular.
fn singular_phrase(words: &str) -> String {
    match words.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", naming::singular(last)),
        None => naming::singular(words),
    }
}

/// What an operation is grouped by: its first tag, or its path's first word.
fn resource_key(op: &Value, path: &str) -> Option<String> {
    let tag = op.get("tags").and_then(Value::as_array).and_then(|t| t.first()).and_then(Value::as_str);
    tag.map(str::to_owned).or_else(|| first_path_word(path))
}

/// Names for the operations the spec does not name (see `rest_operation_id`), by
/// `"<method> <path>"`. One that would get the same method on its resource as another operation
/// (`/api/baskets/{name}` beside `/baskets/{name}`, or a named `export` beside
/// `/users/{id}/export`) keeps the name derived from its full path instead.
fn path_operation_names(root: &Value) -> BTreeMap<String, String> {
    let collections = collection_prefixes(root);
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    // Per resource and method name: the operations named from their paths, and whether one the
    // spec names has it too.
    let mut by_method: BTreeMap<(String, String), (Vec<String>, bool)> = BTreeMap::new();
    for (path, item) in root.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let Ok((_, item)) = resolve_object(root, "#/paths", item) else { continue };
        let Some(item) = item.as_object() else { continue };
        for method in METHODS {
            let Some(op) = item.get(*method) else { continue };
            let spec_id = str_field(op, "operationId").filter(|s| !s.trim().is_empty());
            let explicit = spec_id.filter(|id| !echoes_path(id, method, path));
            let Some(name) =
                explicit.map(str::to_owned).or_else(|| rest_operation_id(method, path, item, &collections))
            else {
                continue;
            };
            let resource = naming::plain_snake(&resource_key(op, path).unwrap_or_default());
            let words: Vec<&str> = resource.split('_').collect();
            let method_name = strip_words(&naming::plain_snake(&name), &words);
            let entry = by_method.entry((resource, method_name)).or_default();
            if explicit.is_some() {
                entry.1 = true;
            } else {
                let key = format!("{method} {path}");
                entry.0.push(key.clone());
                named.insert(key, name);
            }
        }
    }
    for (keys, named_by_spec) in by_method.into_values() {
        if keys.len() > 1 || named_by_spec {
            for key in keys {
                named.remove(&key);
            }
        }
    }
    named
}

/// The first path segment that names something (`/v1/customers/{id}` → `customers`).
fn first_path_word(path: &str) -> Option<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .find(|s| !is_location_segment(s))
        .map(str::to_owned)
}

/// Follows `$ref`s of non-schema objects (parameters, responses, bodies, path items); returns
/// the object and the pointer it lives at (nested schemas are named by that pointer).
fn resolve_object<'a>(root: &'a Value, at: &str, v: &'a Value) -> Result<(String, &'a Value), Diagnostic> {
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

/// An HTTP token (RFC 9110 §5.6.2), which an auth scheme's name must be.
fn is_http_token(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
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
    let rank = |media: &str| {
        let m = media.to_ascii_lowercase();
        if is_json_media(&m) {
            0
        } else if m.starts_with("application/x-www-form-urlencoded") {
            1
        } else if m.starts_with("multipart/") {
            2
        } else if m.starts_with("text/") {
            4
        } else {
            3
        }
    };
    let Some((media, media_obj)) = content.iter().min_by_key(|(m, _)| rank(m)) else {
        return Ok(None);
    };
    let media_ptr = pointer::push(&content_ptr, media);
    let encoding = match rank(media) {
        0 => BodyEncoding::Json,
        1 => BodyEncoding::Form,
        2 => BodyEncoding::Multipart,
        4 => BodyEncoding::Text,
        _ => BodyEncoding::Bytes,
    };
    let hint = tb.name_or(format!("{type_base}Request"), format!("{type_base}RequestBody"));
    let ty = match (encoding, media_obj.get("schema")) {
        (BodyEncoding::Bytes, _) => Ty::Binary,
        (BodyEncoding::Text, _) => Ty::String,
        (_, Some(schema)) => tb.ty(schema, &pointer::push(&media_ptr, "schema"), &hint, 0)?.ty,
        (_, None) => Ty::Any,
    };
    if encoding == BodyEncoding::Json {
        tb.collect_examples(&media_ptr, media_obj, &ty);
    }
    let content_type =
        if media.contains('*') { "application/octet-stream".to_owned() } else { media.clone() };
    Ok(Some(Body { ty, encoding, content_type }))
}

type Responses = (Response, Vec<(String, Option<Ty>)>);

fn responses<'a>(
    tb: &mut TypeBuilder<'a>,
    root: &'a Value,
    op_ptr: &str,
    op: &'a Map<String, Value>,
    type_base: &str,
) -> Result<Responses, Diagnostic> {
    let responses_ptr = pointer::push(op_ptr, "responses");
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Ok((Response::Empty, Vec::new()));
    };
    let is_success = |code: &str| code.starts_with('2');
    let has_success = responses.keys().any(|c| is_success(c));
    let answers = |code: &str| is_success(code) || (!has_success && code == "default");
    // With several success statuses, an inline body is named for its status (`…CreatedResponse`),
    // leaving `…Response` to the enum of them.
    let by_status = responses.keys().filter(|c| answers(c)).count() > 1;
    let mut success: Vec<(String, Response)> = Vec::new();
    let mut errors = Vec::new();
    for (code, r) in responses {
        if code.starts_with("x-") {
            continue;
        }
        let r_ptr = pointer::push(&responses_ptr, code);
        let (r_ptr, r) = resolve_object(root, &r_ptr, r)?;
        let hint = if by_status && answers(code) {
            format!("{type_base}{}Response", status_variant_name(code))
        } else if is_success(code) || !has_success {
            tb.name_or(format!("{type_base}Response"), format!("{type_base}ResponseBody"))
        } else {
            format!("{type_base}{}Response", naming::type_name(code))
        };
        let parsed = response_body(tb, &r_ptr, r, &hint)?;
        if answers(code) {
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
                    body,
                })
                .collect();
            let name = tb.name_or(format!("{type_base}Response"), format!("{type_base}ResponseByStatus"));
            let id = tb.add_type(responses_ptr.clone(), &name, TypeKind::Responses(variants));
            Response::ByStatus(id)
        }
    };
    Ok((response, errors))
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

fn response_body<'a>(
    tb: &mut TypeBuilder<'a>,
    r_ptr: &str,
    r: &'a Value,
    hint: &str,
) -> Result<Response, Diagnostic> {
    let Some(content) = r.get("content").and_then(Value::as_object) else {
        return Ok(Response::Empty);
    };
    let content_ptr = pointer::push(r_ptr, "content");
    if let Some((media, m)) = content.iter().find(|(media, _)| is_json_media(media)) {
        return Ok(match m.get("schema") {
            Some(s) => Response::Json(
                tb.ty(s, &pointer::push(&pointer::push(&content_ptr, media), "schema"), hint, 0)?.ty,
            ),
            None => Response::Json(Ty::Any),
        });
    }
    if let Some((media, m)) = content.iter().find(|(media, _)| media.as_str() == "*/*")
        && let Some(s) = m.get("schema").filter(|s| s.get("format").and_then(Value::as_str) != Some("binary"))
    {
        return Ok(Response::Json(
            tb.ty(s, &pointer::push(&pointer::push(&content_ptr, media), "schema"), hint, 0)?.ty,
        ));
    }
    if content.is_empty() {
        return Ok(Response::Empty);
    }
    if content.keys().all(|m| m.starts_with("text/")) {
        return Ok(Response::Text);
    }
    Ok(Response::Bytes)
}

fn security_schemes(root: &Value, tb: &mut TypeBuilder<'_>) -> Vec<SecurityScheme> {
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
        out.push(SecurityScheme {
            name: name.clone(),
            const_name: consts.claim(&snake.to_shouty_snake_case()),
            method_name: methods.claim(&snake),
            kind,
            doc: s.as_object().and_then(schema::doc_of),
        });
    }
    out
}

fn operation_security(
    tb: &mut TypeBuilder<'_>,
    ctx: &Ctx<'_>,
    op_ptr: &str,
    op: &Map<String, Value>,
) -> Vec<Vec<usize>> {
    let (list, ptr) = match op.get("security") {
        Some(s) => (s, pointer::push(op_ptr, "security")),
        None => match ctx.root.get("security") {
            Some(s) => (s, pointer::push("#", "security")),
            None => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    'alternatives: for (i, req) in list.as_array().into_iter().flatten().enumerate() {
        let mut set = Vec::new();
        for name in req.as_object().into_iter().flatten().map(|(k, _)| k) {
            match ctx.schemes.iter().position(|s| &s.name == name) {
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
        if !out.contains(&set) {
            out.push(set);
        }
    }
    out
}

fn primary_scheme(root: &Value, schemes: &[SecurityScheme], resources: &[Resource]) -> Option<usize> {
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

fn detect_pagination(tb: &TypeBuilder<'_>, op: &Operation) -> Option<Pagination> {
    /// Page-size parameters of cursor-paged lists.
    const LIMITS: &[&str] = &[
        "limit",
        "pageSize",
        "page_size",
        "maxResults",
        "max_results",
        "MaxResults",
        "maxItems",
        "max_items",
        "MaxItems",
        "per_page",
        "perPage",
    ];
    /// Cursor parameters that take a token the previous page returned.
    const TOKEN_PARAMS: &[&str] = &[
        "pageToken",
        "page_token",
        "cursor",
        "nextToken",
        "next_token",
        "NextToken",
        "continuationToken",
        "continuation_token",
        "marker",
        "Marker",
        "pageCursor",
        "page_cursor",
    ];
    /// Envelope fields that carry the next page's token.
    const TOKEN_FIELDS: &[&str] = &[
        "nextPageToken",
        "next_page_token",
        "nextToken",
        "next_token",
        "NextToken",
        "nextCursor",
        "next_cursor",
        "continuationToken",
        "continuation_token",
        "nextMarker",
        "next_marker",
        "NextMarker",
        "nextPageCursor",
        "next_page_cursor",
    ];
    /// Offset parameters besides `offset` (integers only: `start` is a date elsewhere).
    const OFFSETS: &[&str] = &["offset", "skip", "$skip", "start", "startAt", "startIndex", "start_index"];
    /// Page-number parameters.
    const PAGES: &[&str] = &["page", "Page", "pageNumber", "page_number"];
    /// Page-size parameters that go with an offset, besides [`LIMITS`]'.
    const OFFSET_LIMITS: &[&str] = &["$top", "top", "count", "rows", "size", "take"];
    /// Envelope fields that count the items of all pages (not `count`, which some APIs use for
    /// the page's own).
    const TOTALS: &[&str] = &[
        "total",
        "total_count",
        "totalCount",
        "TotalCount",
        "totalResults",
        "total_results",
        "totalItems",
        "total_items",
        "totalSize",
        "total_size",
        "totalElements",
        "totalRecords",
        "total_records",
        "total_entries",
        "numFound",
    ];
    /// Envelope fields that carry the next page's URL.
    const LINK_FIELDS: &[&str] = &[
        "next",
        "nextLink",
        "next_link",
        "@odata.nextLink",
        "odata.nextLink",
        "nextUrl",
        "next_url",
        "nextPageUrl",
        "next_page_url",
        "nextPageLink",
    ];
    if op.method != "GET" {
        return None;
    }
    let types = &tb.types;
    let TypeKind::Params(params) = &types[op.params?].kind else { return None };
    let find = |names: &[&str]| {
        params
            .fields
            .iter()
            .find(|f| matches!(f.location, ParamLocation::Query(_)) && names.contains(&f.json_name.as_str()))
            .map(|f| f.json_name.clone())
    };
    // The integer query parameter with one of these names.
    let int = |names: &[&str]| {
        params.fields.iter().find(|f| {
            matches!(f.location, ParamLocation::Query(_))
                && names.contains(&f.json_name.as_str())
                && matches!(super::resolved(&f.ty, types), Ty::Int(_))
        })
    };
    // A page number the server counts from a known first page: without one, the page after the
    // first could be 1 or 2.
    let page_number = || {
        let f = int(PAGES)?;
        Some((f.json_name.clone(), first_page(f)?))
    };
    // An offset and a page size, both integers.
    let offset = || {
        let limit = int(LIMITS).or_else(|| int(OFFSET_LIMITS))?;
        let offset = int(OFFSETS)?;
        // Counted from 1 (Europeana's `start`), the walk's offsets would be one off.
        if offset.default.as_deref().is_some_and(|default| default != "0") {
            return None;
        }
        // `start` beside `end` is one bound of a range (Mist's epoch seconds), not an offset.
        let range = ["end", "stop", "to", "until", "end_time", "endTime", "finish"];
        if offset.json_name == "start" && params.fields.iter().any(|f| range.contains(&f.json_name.as_str()))
        {
            return None;
        }
        Some((limit.json_name.clone(), offset.json_name.clone()))
    };
    // A `Link` header pages a list that takes a paging parameter (GitHub's `per_page`, `page`,
    // `since`); one declared beside nothing of the kind is for something else (`describedby`).
    let link_header = op.link_header
        && (find(LIMITS).is_some()
            || find(TOKEN_PARAMS).is_some()
            || find(OFFSETS).is_some()
            || find(PAGES).is_some()
            || find(&["since", "after", "before"]).is_some());
    let Response::Json(response) = &op.response else { return None };
    if let Ty::Vec(item) = super::resolved(response, types) {
        let kind = if link_header {
            PageKind::LinkHeader { limit_param: find(LIMITS) }
        } else if let Some((limit_param, offset_param)) = offset() {
            PageKind::Offset { limit_param, offset_param, has_more: None, total: None }
        } else {
            let (page_param, first) = page_number()?;
            PageKind::PageNumber { limit_param: find(LIMITS), page_param, first, has_more: None }
        };
        return Some(Pagination { envelope: None, item: (**item).clone(), kind });
    }
    let Ty::Named(envelope) = response else { return None };
    let TypeKind::Struct(s) = &types[*envelope].kind else { return None };
    let typed = |t: &Ty| super::resolved(t, types).clone();
    let named = |name: &str, ty: Ty| s.fields.iter().find(|f| f.json_name == name && typed(&f.ty) == ty);
    // The item array: the one called `data`, `items` or `results`, or else the only array.
    let arrays: Vec<&super::Field> = s.fields.iter().filter(|f| matches!(typed(&f.ty), Ty::Vec(_))).collect();
    let items = arrays
        .iter()
        .find(|f| ["data", "items", "results"].contains(&f.json_name.as_str()))
        .or_else(|| if arrays.len() == 1 { arrays.first() } else { None })?;
    let Ty::Vec(item) = typed(&items.ty) else { return None };
    let has_more = named("has_more", Ty::Bool).map(EnvelopeField::of);
    let kind = if let (Some(limit_param), Some(offset_param), Some(has_more)) =
        (find(&["limit"]), find(&["offset"]), has_more.clone())
    {
        PageKind::Offset { limit_param, offset_param, has_more: Some(has_more), total: None }
    } else if let (Some(cursor_param), Some(has_more), Some(id)) =
        (find(&["starting_after"]), has_more.clone(), item_id(types, &item))
    {
        PageKind::AfterLastId { limit_param: find(LIMITS), cursor_param, has_more, id }
    } else if let Some((cursor_param, token)) = find(TOKEN_PARAMS).and_then(|cursor_param| {
        let token = field_path(types, *envelope, &|ty| *ty == Ty::String, &|names| {
            let last = names[names.len() - 1];
            TOKEN_FIELDS.contains(&last) || last == cursor_param
        })?;
        Some((cursor_param, token))
    }) {
        PageKind::Token { limit_param: find(LIMITS), cursor_param, token }
    } else if let Some(link) = field_path(types, *envelope, &|ty| *ty == Ty::String, &|names| {
        let last = names[names.len() - 1];
        // A field named like a query parameter (`next` for `?next=`) holds that parameter's value.
        let is_param = params.fields.iter().any(|f| f.json_name == last);
        let link = LINK_FIELDS.contains(&last)
            || (last == "href" && names.len() > 1 && names[names.len() - 2] == "next");
        link && !is_param
    }) {
        PageKind::NextLink { limit_param: find(LIMITS), cursor_param: find(TOKEN_PARAMS), link }
    } else if link_header {
        PageKind::LinkHeader { limit_param: find(LIMITS) }
    } else if let Some((limit_param, offset_param)) = offset() {
        let total =
            field_path(types, *envelope, &|ty| matches!(ty, Ty::Int(k) if *k != IntKind::U64), &|names| {
                TOTALS.contains(&names[names.len() - 1])
            });
        PageKind::Offset { limit_param, offset_param, has_more, total }
    } else {
        let (page_param, first) = page_number()?;
        PageKind::PageNumber { limit_param: find(LIMITS), page_param, first, has_more }
    };
    Some(Pagination { envelope: Some((*envelope, EnvelopeField::of(items))), item: (*item).clone(), kind })
}

/// The first page of a page-number parameter: its declared default; 1 when that is the smallest
/// it allows (0 as the smallest is often only a loose bound); or what its description says
/// (`(default: 1)`, `Defaults to 1`, `1-based`, `starting at 0`).
fn first_page(f: &super::Field) -> Option<u64> {
    if let Some(default) = &f.default {
        return default.parse().ok();
    }
    if f.minimum == Some(1) {
        return Some(1);
    }
    let doc = f.doc.as_deref()?.to_ascii_lowercase();
    let words: Vec<&str> =
        doc.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).collect();
    let number = |w: &str| match w {
        "0" => Some(0),
        "1" => Some(1),
        _ => None,
    };
    words.iter().enumerate().find_map(|(i, w)| {
        if let Some((n, "based" | "indexed")) = w.split_once('-') {
            return number(n).or(match n {
                "zero" => Some(0),
                "one" => Some(1),
                _ => None,
            });
        }
        let leads = ["default", "defaults", "starting", "starts", "start", "beginning", "begins", "first"];
        if !leads.contains(w) {
            return None;
        }
        let filler = ["to", "is", "at", "from", "with", "value", "page", "of", "number"];
        let next = words[i + 1..].iter().take(4).find(|w| !filler.contains(w))?;
        number(next)
    })
}

/// Objects of an envelope that hold its paging fields (`links.next`, `meta.next_cursor`).
const CONTAINERS: &[&str] = &[
    "links",
    "_links",
    "meta",
    "_meta",
    "metadata",
    "_metadata",
    "response_metadata",
    "pagination",
    "paging",
    "page_info",
    "pageInfo",
    "cursors",
    "next",
];

/// The shallowest field of `envelope`, or of its [`CONTAINERS`] at most two deep, of a type
/// `leaf` takes and whose JSON name `accept` takes (given the names of the containers on the
/// way, then its own), as the fields leading to it. A field that reads `null` and absent
/// differently (request types' optional nullable ones) is never on the path.
fn field_path(
    types: &[super::TypeDef],
    envelope: super::TypeId,
    leaf: &dyn Fn(&Ty) -> bool,
    accept: &dyn Fn(&[&str]) -> bool,
) -> Option<Vec<EnvelopeField>> {
    let mut level: Vec<(super::TypeId, Vec<&super::Field>)> = vec![(envelope, Vec::new())];
    for _ in 0..3 {
        let mut next = Vec::new();
        for (owner, path) in level {
            let TypeKind::Struct(s) = &types[owner].kind else { continue };
            for f in &s.fields {
                if types[owner].in_request && !f.required && f.nullable {
                    continue;
                }
                let mut path = path.clone();
                path.push(f);
                match super::resolved(&f.ty, types) {
                    Ty::Named(id) if CONTAINERS.contains(&f.json_name.as_str()) => next.push((*id, path)),
                    ty if leaf(ty) => {
                        let names: Vec<&str> = path.iter().map(|f| f.json_name.as_str()).collect();
                        if accept(&names) {
                            return Some(path.into_iter().map(EnvelopeField::of).collect());
                        }
                    }
                    _ => {}
                }
            }
        }
        level = next;
    }
    None
}

/// An item's `id` field, when the item is an object with a string `id`.
fn item_id(types: &[super::TypeDef], item: &Ty) -> Option<EnvelopeField> {
    let Ty::Named(id) = super::resolved(item, types) else { return None };
    let TypeKind::Struct(s) = &types[*id].kind else { return None };
    let f = s.fields.iter().find(|f| f.json_name == "id" && *super::resolved(&f.ty, types) == Ty::String)?;
    Some(EnvelopeField::of(f))
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
                if (f.read_only && in_request) || (f.write_only && in_response) {
                    f.required = false;
                }
            }
        }
    }
}

/// Groups operations by tag (or first path word), in order of first appearance, and gives each
/// operation a method name without the resource's own words (`create_customer` → `create`).
fn group_resources(root: &Value, ops: Vec<(Option<String>, Operation)>) -> Vec<Resource> {
    let tag_docs: BTreeMap<String, String> = root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((str_field(t, "name")?.to_owned(), str_field(t, "description")?.trim().to_owned()))
        })
        .collect();
    let mut groups: BTreeMap<String, (String, Vec<Operation>)> = BTreeMap::new();
    for (key, op) in ops {
        let key = key.unwrap_or_else(|| "default".to_owned());
        let snake = naming::plain_snake(&key);
        groups.entry(snake).or_insert_with(|| (key.clone(), Vec::new())).1.push(op);
    }
    let mut accessor_names = Namespace::new();
    for m in CLIENT_METHODS {
        accessor_names.reserve(m);
    }
    let mut type_names = Namespace::new();
    let mut resources = Vec::new();
    for (snake, (tag, mut operations)) in groups {
        let words: Vec<&str> = snake.split('_').collect();
        let mut method_names = Namespace::new();
        method_names.reserve("new");
        method_names.reserve("client");
        for op in &mut operations {
            let stripped = strip_words(&op.fn_name, &words);
            // A name a std trait method, the constructor or the client accessor has (`clone`,
            // `new`) keeps the resource's word (`clone_game`) rather than turning setter-like
            // (`set_clone`) or numbered.
            let free =
                |name: &&str| !naming::is_reserved_method(&naming::field_name(name)) && *name != "client";
            let name = [stripped.as_str(), op.fn_name.as_str()]
                .into_iter()
                .find(free)
                .map_or_else(|| format!("{}_{}", op.fn_name, singular_phrase(&snake)), str::to_owned);
            op.fn_name = method_names.claim(&naming::method_name(&name));
        }
        let name = accessor_names.claim(&snake);
        let bare = name.trim_start_matches("r#");
        // A tag named like a TLS backend (`native-tls` is hyphenated, so only `rustls` can be;
        // cargo's `default` is a reserved accessor).
        let feature =
            if super::TLS_FEATURES.contains(&bare) { format!("{bare}_resource") } else { bare.to_owned() };
        resources.push(Resource {
            feature,
            name,
            type_name: type_names.claim(&naming::type_name(&snake)),
            doc: tag_docs.get(&tag).cloned(),
            operations,
        });
    }
    resources
}

/// Removes the resource's words (plural, or singular for the last word) from an operation name.
fn strip_words(fn_name: &str, resource: &[&str]) -> String {
    let words: Vec<&str> = fn_name.split('_').filter(|w| !w.is_empty()).collect();
    let mut singular: Vec<String> = resource.iter().map(|w| (*w).to_owned()).collect();
    if let Some(last) = singular.last_mut() {
        *last = naming::singular(last);
    }
    let plural: Vec<String> = resource.iter().map(|w| (*w).to_owned()).collect();
    // The earliest occurrence of either form, as the name's first words or right after its
    // verb: `list_account_external_accounts` on `accounts` is `list_external_accounts`, not
    // `list_account_external`, and `delete_client_role` on `roles` stays (`delete_client`
    // would name another object).
    let n = plural.len();
    if n == 0 || n >= words.len() {
        return fn_name.to_owned();
    }
    let matches = |start: usize, candidate: &[String]| {
        words[start..start + n].iter().zip(candidate).all(|(a, b)| a == b)
    };
    match (0..=(words.len() - n).min(1)).find(|&s| matches(s, &plural) || matches(s, &singular)) {
        Some(start) => {
            words[..start].iter().chain(&words[start + n..]).copied().collect::<Vec<_>>().join("_")
        }
        None => fn_name.to_owned(),
    }
}

fn server_url(root: &Value) -> String {
    let Some(server) = root.get("servers").and_then(Value::as_array).and_then(|s| s.first()) else {
        return String::new();
    };
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
    fn strips_resource_words() {
        assert_eq!(strip_words("create_customer", &["customers"]), "create");
        assert_eq!(strip_words("list_customers", &["customers"]), "list");
        assert_eq!(strip_words("create_checkout_session", &["checkout", "sessions"]), "create");
        assert_eq!(
            strip_words("retrieve_three_d_secure_result", &["three", "d", "secure"]),
            "retrieve_result"
        );
        assert_eq!(strip_words("customers", &["customers"]), "customers");
        assert_eq!(strip_words("customers_search", &["customers"]), "search");
        assert_eq!(strip_words("list_account_external_accounts", &["accounts"]), "list_external_accounts");
        assert_eq!(strip_words("delete_client_role", &["roles"]), "delete_client_role");
        assert_eq!(
            strip_words("proxy_card_collection", &["card", "collection", "proxy"]),
            "proxy_card_collection"
        );
    }

    #[test]
    fn first_pages_come_from_the_default_the_minimum_or_the_description() {
        let page = |default: Option<&str>, minimum: Option<i64>, doc: Option<&str>| {
            first_page(&Field {
                json_name: "page".into(),
                rust_name: "page".into(),
                setter: "page".into(),
                ty: Ty::Int(IntKind::I64),
                required: false,
                nullable: false,
                read_only: false,
                write_only: false,
                doc: doc.map(str::to_owned),
                deprecated: false,
                default: default.map(str::to_owned),
                minimum,
                boxed: false,
                location: ParamLocation::Query(ParamStyle::FORM),
            })
        };
        assert_eq!(page(Some("0"), Some(1), Some("1-based")), Some(0));
        assert_eq!(page(Some("\"1\""), None, None), None);
        assert_eq!(page(None, Some(1), None), Some(1));
        assert_eq!(page(None, Some(0), None), None);
        assert_eq!(page(None, None, None), None);
        for (doc, first) in [
            ("page number of results to return (1-based)", Some(1)),
            ("Zero-based page index.", Some(0)),
            ("Promotions' list page (default: 1).", Some(1)),
            ("The current page to fetch results from. Defaults to 1", Some(1)),
            ("Page to return, starting at page 0", Some(0)),
            ("The first page is 1.", Some(1)),
            ("Defaults to 10 items a page.", None),
            ("The default page size is 1 item.", None),
            ("A page number within the paginated result set.", None),
        ] {
            assert_eq!(page(None, None, Some(doc)), first, "{doc}");
        }
    }

    #[test]
    fn derives_operation_ids_and_resources() {
        assert_eq!(derived_operation_id("get", "/pets/{petId}/toys"), "get_pets_by_pet_id_toys");
        assert_eq!(first_path_word("/v1/customers/{id}").as_deref(), Some("customers"));
        assert_eq!(first_path_word("/api/v2.1/x").as_deref(), Some("x"));
        assert_eq!(first_path_word("/{id}"), None);
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
    fn recognizes_operation_ids_that_echo_the_path() {
        assert!(echoes_path(
            "GetCustomersCustomerBankAccountsId",
            "get",
            "/v1/customers/{customer}/bank_accounts/{id}"
        ));
        assert!(echoes_path("get_v1_customers", "get", "/v1/customers"));
        assert!(echoes_path("getHealth", "get", "/health"));
        assert!(!echoes_path("listCustomers", "get", "/customers"));
        assert!(!echoes_path("GetCustomer", "get", "/v1/customers/{customer}"));
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
