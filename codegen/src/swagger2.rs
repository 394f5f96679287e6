//! Swagger 2.0 → OpenAPI 3.0 conversion on the value tree.
//!
//! Many public APIs still publish Swagger 2.0. Rather than refuse them, the document is rewritten
//! into the 3.0 shape the rest of the generator reads: `definitions` become component schemas,
//! `body`/`formData` parameters become request bodies, response `schema`s get a media type from
//! `produces`, `host`/`basePath`/`schemes` become `servers`, and `securityDefinitions` become
//! security schemes. Pointers in later diagnostics refer to the converted document, whose paths
//! mirror the original closely (`#/paths/...`, `#/components/schemas/X` for `#/definitions/X`).

use serde_json::{Map, Value, json};

use crate::diagnostics::Diagnostic;

const PARAM_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
];

/// Converts a Swagger 2.0 document into an OpenAPI 3.0.3 one.
pub fn convert(mut root: Value) -> Result<Value, Diagnostic> {
    rewrite_refs(&mut root);
    let Value::Object(src) = root else {
        return Err(Diagnostic::new("#", "the document is not a mapping"));
    };
    let global_consumes = string_list(src.get("consumes"));
    let global_produces = string_list(src.get("produces"));
    let global_params = src.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();

    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    out.insert("info".into(), src.get("info").cloned().unwrap_or_else(|| json!({})));
    out.insert("servers".into(), servers(&src));
    for key in ["tags", "security", "externalDocs"] {
        if let Some(v) = src.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for (k, v) in &src {
        if k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }

    let mut components = Map::new();
    if let Some(defs) = src.get("definitions").and_then(Value::as_object) {
        let schemas = defs.iter().map(|(k, v)| (k.clone(), convert_schema(v.clone()))).collect();
        components.insert("schemas".into(), Value::Object(schemas));
    }
    let plain_params: Map<String, Value> = global_params
        .iter()
        .filter(|(_, p)| !matches!(p.get("in").and_then(Value::as_str), Some("body" | "formData")))
        .map(|(k, p)| (k.clone(), convert_parameter(p)))
        .collect();
    if !plain_params.is_empty() {
        components.insert("parameters".into(), Value::Object(plain_params));
    }
    if let Some(responses) = src.get("responses").and_then(Value::as_object) {
        let converted =
            responses.iter().map(|(k, r)| (k.clone(), convert_response(r, &global_produces))).collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(defs) = src.get("securityDefinitions").and_then(Value::as_object) {
        let schemes = defs.iter().map(|(k, d)| (k.clone(), convert_security(d))).collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    out.insert("components".into(), Value::Object(components));

    let mut paths = Map::new();
    if let Some(src_paths) = src.get("paths").and_then(Value::as_object) {
        for (path, item) in src_paths {
            let Some(item) = item.as_object() else { continue };
            let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            let mut new_item = Map::new();
            for (method, op) in item {
                if method == "parameters" {
                    continue;
                }
                let Some(op) = op.as_object() else {
                    new_item.insert(method.clone(), op.clone());
                    continue;
                };
                if method.starts_with("x-") {
                    new_item.insert(method.clone(), Value::Object(op.clone()));
                    continue;
                }
                let ctx = OpContext {
                    consumes: string_list(op.get("consumes")).or_else(|| global_consumes.clone()),
                    produces: string_list(op.get("produces")).or_else(|| global_produces.clone()),
                    global_params: &global_params,
                };
                new_item.insert(method.clone(), convert_operation(op, &shared, &ctx));
            }
            paths.insert(path.clone(), Value::Object(new_item));
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    Ok(Value::Object(out))
}

struct OpContext<'a> {
    consumes: Option<Vec<String>>,
    produces: Option<Vec<String>>,
    global_params: &'a Map<String, Value>,
}

fn servers(src: &Map<String, Value>) -> Value {
    let base_path = src.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = src.get("host").and_then(Value::as_str) else {
        return if base_path.is_empty() { json!([]) } else { json!([{ "url": base_path }]) };
    };
    let schemes = string_list(src.get("schemes")).unwrap_or_default();
    let scheme =
        if schemes.iter().any(|s| s == "https") || schemes.is_empty() { "https" } else { &schemes[0] };
    json!([{ "url": format!("{scheme}://{host}{base_path}") }])
}

fn convert_operation(op: &Map<String, Value>, shared: &[Value], ctx: &OpContext<'_>) -> Value {
    let mut out = Map::new();
    for (k, v) in op {
        if !matches!(k.as_str(), "parameters" | "responses" | "consumes" | "produces" | "schemes") {
            out.insert(k.clone(), v.clone());
        }
    }
    // Operation parameters override path-level ones with the same name and location.
    let mut params: Vec<Value> = Vec::new();
    let op_params = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
    for p in shared.iter().chain(op_params.iter()) {
        let p = resolve_param(p, ctx.global_params);
        let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
        params.retain(|q| key(q) != key(&p));
        params.push(p);
    }
    let mut new_params = Vec::new();
    let mut form_fields = Map::new();
    let mut form_required = Vec::new();
    let mut has_file = false;
    for p in params {
        match p.get("in").and_then(Value::as_str) {
            Some("body") => {
                let schema = p.get("schema").cloned().map(convert_schema).unwrap_or_else(|| json!({}));
                let types = ctx.consumes.clone().unwrap_or_else(|| vec!["application/json".into()]);
                let content: Map<String, Value> =
                    types.into_iter().map(|t| (t, json!({ "schema": schema.clone() }))).collect();
                let mut body = json!({ "content": content });
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    body["required"] = json!(true);
                }
                if let Some(d) = p.get("description") {
                    body["description"] = d.clone();
                }
                out.insert("requestBody".into(), body);
            }
            Some("formData") => {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("field").to_owned();
                if p.get("type").and_then(Value::as_str) == Some("file") {
                    has_file = true;
                }
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    form_required.push(Value::String(name.clone()));
                }
                let mut schema = param_schema(&p);
                if let (Some(d), Some(obj)) = (p.get("description"), schema.as_object_mut()) {
                    obj.insert("description".into(), d.clone());
                }
                form_fields.insert(name, schema);
            }
            _ => new_params.push(convert_parameter(&p)),
        }
    }
    if !form_fields.is_empty() {
        let multipart =
            has_file || ctx.consumes.as_ref().is_some_and(|c| c.iter().any(|t| t.contains("multipart")));
        let media = if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
        let mut schema = json!({ "type": "object", "properties": form_fields });
        // A form with a required field cannot be left out.
        let required = !form_required.is_empty();
        if required {
            schema["required"] = Value::Array(form_required);
        }
        out.insert(
            "requestBody".into(),
            json!({ "content": { media: { "schema": schema } }, "required": required }),
        );
    }
    if !new_params.is_empty() {
        out.insert("parameters".into(), Value::Array(new_params));
    }
    let produces = ctx.produces.clone().unwrap_or_default();
    let mut responses = Map::new();
    if let Some(src) = op.get("responses").and_then(Value::as_object) {
        for (code, r) in src {
            responses.insert(code.clone(), convert_response(r, &Some(produces.clone())));
        }
    }
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

fn resolve_param(p: &Value, globals: &Map<String, Value>) -> Value {
    if let Some(r) = p.get("$ref").and_then(Value::as_str)
        && let Some(name) = r.strip_prefix("#/components/parameters/")
        && let Some(found) = globals.get(name)
    {
        return found.clone();
    }
    p.clone()
}

fn convert_parameter(p: &Value) -> Value {
    if p.get("$ref").is_some() {
        return p.clone();
    }
    let mut out = Map::new();
    for key in ["name", "in", "description", "required", "deprecated", "allowEmptyValue"] {
        if let Some(v) = p.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for (k, v) in p.as_object().into_iter().flatten() {
        if k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }
    let array = p.get("type").and_then(Value::as_str) == Some("array");
    match p.get("collectionFormat").and_then(Value::as_str) {
        Some("multi") => {
            out.insert("explode".into(), json!(true));
        }
        // `csv` is Swagger 2's default, where OpenAPI 3's query default is exploded.
        Some("csv") | None if array => {
            out.insert("explode".into(), json!(false));
        }
        Some("ssv") => {
            out.insert("style".into(), json!("spaceDelimited"));
        }
        Some("pipes") => {
            out.insert("style".into(), json!("pipeDelimited"));
        }
        _ => {}
    }
    out.insert("schema".into(), param_schema(p));
    Value::Object(out)
}

/// The schema of a non-body parameter, whose schema keywords sit on the parameter itself.
fn param_schema(p: &Value) -> Value {
    let mut schema = Map::new();
    for key in PARAM_SCHEMA_KEYS {
        if let Some(v) = p.get(*key) {
            schema.insert((*key).into(), v.clone());
        }
    }
    if let Some(Value::Object(items)) = schema.get("items") {
        let items = param_schema(&Value::Object(items.clone()));
        schema.insert("items".into(), items);
    }
    if p.get("x-nullable").and_then(Value::as_bool) == Some(true) {
        schema.insert("nullable".into(), json!(true));
    }
    convert_schema(Value::Object(schema))
}

fn convert_response(r: &Value, produces: &Option<Vec<String>>) -> Value {
    if r.get("$ref").is_some() {
        return r.clone();
    }
    let mut out = Map::new();
    out.insert("description".into(), r.get("description").cloned().unwrap_or_else(|| json!("")));
    if let Some(schema) = r.get("schema") {
        let schema = convert_schema(schema.clone());
        let types =
            produces.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| vec!["application/json".into()]);
        let content: Map<String, Value> =
            types.into_iter().map(|t| (t, json!({ "schema": schema.clone() }))).collect();
        out.insert("content".into(), Value::Object(content));
    }
    if let Some(headers) = r.get("headers").and_then(Value::as_object) {
        let converted: Map<String, Value> = headers
            .iter()
            .map(|(k, h)| {
                let mut header = json!({ "schema": param_schema(h) });
                if let Some(d) = h.get("description") {
                    header["description"] = d.clone();
                }
                (k.clone(), header)
            })
            .collect();
        out.insert("headers".into(), Value::Object(converted));
    }
    Value::Object(out)
}

fn convert_security(d: &Value) -> Value {
    let description = d.get("description").cloned();
    let mut out = match d.get("type").and_then(Value::as_str) {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        Some("apiKey") => json!({
            "type": "apiKey",
            "name": d.get("name").cloned().unwrap_or_else(|| json!("api_key")),
            "in": d.get("in").cloned().unwrap_or_else(|| json!("header")),
        }),
        Some("oauth2") => {
            let scopes = d.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let mut flow = json!({ "scopes": scopes });
            if let Some(u) = d.get("authorizationUrl") {
                flow["authorizationUrl"] = u.clone();
            }
            if let Some(u) = d.get("tokenUrl") {
                flow["tokenUrl"] = u.clone();
            }
            let name = match d.get("flow").and_then(Value::as_str) {
                Some("password") => "password",
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                _ => "implicit",
            };
            json!({ "type": "oauth2", "flows": { name: flow } })
        }
        _ => d.clone(),
    };
    if let (Some(desc), Some(obj)) = (description, out.as_object_mut()) {
        obj.insert("description".into(), desc);
    }
    out
}

/// Schema keywords that differ between Swagger 2.0 and OpenAPI 3.0.
fn convert_schema(mut schema: Value) -> Value {
    fix_schema(&mut schema, 0);
    schema
}

fn fix_schema(schema: &mut Value, depth: usize) {
    if depth > 200 {
        return;
    }
    match schema {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("file") {
                map.insert("type".into(), json!("string"));
                map.insert("format".into(), json!("binary"));
            }
            if map.remove("x-nullable").and_then(|v| v.as_bool()) == Some(true) {
                map.insert("nullable".into(), json!(true));
            }
            if let Some(Value::String(prop)) = map.get("discriminator").cloned() {
                map.insert("discriminator".into(), json!({ "propertyName": prop }));
            }
            for v in map.values_mut() {
                fix_schema(v, depth + 1);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fix_schema(v, depth + 1)),
        _ => {}
    }
}

/// Points Swagger 2.0 references at their OpenAPI 3.0 locations.
fn rewrite_refs(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("$ref") {
                    for (from, to) in [
                        ("#/definitions/", "#/components/schemas/"),
                        ("#/parameters/", "#/components/parameters/"),
                        ("#/responses/", "#/components/responses/"),
                    ] {
                        if let Some(rest) = r.strip_prefix(from) {
                            *r = format!("{to}{rest}");
                            break;
                        }
                    }
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn string_list(v: Option<&Value>) -> Option<Vec<String>> {
    let items = v?.as_array()?;
    Some(items.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_main_constructs() {
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "host": "api.example.com", "basePath": "/v2", "schemes": ["https"],
            "consumes": ["application/json"], "produces": ["application/json"],
            "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key", "in": "header"}},
            "definitions": {"Pet": {"type": "object", "properties": {"photo": {"type": "file"}, "tag": {"type": "string", "x-nullable": true}}}},
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}],
                "post": {
                    "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}},
                                   {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
                                   {"name": "ids", "in": "query", "type": "array", "items": {"type": "integer"}},
                                   {"name": "kinds", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}}
                },
                "put": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [{"name": "file", "in": "formData", "type": "file", "required": true}],
                    "responses": {"204": {"description": "done"}}
                }
            }}
        });
        let out = convert(doc).unwrap();
        assert_eq!(out["servers"][0]["url"], "https://api.example.com/v2");
        assert_eq!(out["components"]["schemas"]["Pet"]["properties"]["photo"]["format"], "binary");
        assert_eq!(out["components"]["schemas"]["Pet"]["properties"]["tag"]["nullable"], true);
        assert_eq!(out["components"]["securitySchemes"]["key"]["in"], "header");
        let post = &out["paths"]["/pets/{id}"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(post["requestBody"]["required"], true);
        assert_eq!(post["parameters"][0]["name"], "id");
        assert_eq!(post["parameters"][1]["explode"], true);
        assert_eq!(post["parameters"][2]["explode"], false, "Swagger 2 arrays are csv unless told");
        assert_eq!(post["parameters"][3]["style"], "pipeDelimited");
        assert_eq!(post["parameters"][0].get("explode"), None, "only arrays have a collection format");
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        let put = &out["paths"]["/pets/{id}"]["put"];
        let form = &put["requestBody"]["content"]["multipart/form-data"]["schema"];
        assert_eq!(form["properties"]["file"]["format"], "binary");
        assert_eq!(form["required"][0], "file");
        assert_eq!(put["requestBody"]["required"], true, "a form with a required field is a required body");
    }
}
