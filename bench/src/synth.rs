//! A large OpenAPI document made from a real one: the original plus renamed copies of its paths,
//! operations, tags and components, until the pretty-printed JSON reaches a size.
//!
//! Copy `k` (k ≥ 1) prefixes every path with `/c{k}`, suffixes every operationId and every
//! component name with `_c{k}`, renames tags to `"{tag} c{k}"` (so each copy is its own set of
//! resources), and rewrites every string that points into a renamed component
//! (`#/components/schemas/Foo…` → `#/components/schemas/Foo_c{k}…`). Security schemes are shared.
//! The result is as valid as the input, with every name unique.

use serde::Serialize;
use serde_json::{Map, Value};

/// What was synthesized.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub copies: usize,
    pub bytes: usize,
    pub paths: usize,
    pub operations: usize,
    pub schemas: usize,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Replicates `source` (JSON or YAML) until the JSON text has at least `min_bytes`, using at most
/// `max_copies` copies in total (the original counts as one).
pub fn synthesize(source: &str, min_bytes: usize, max_copies: usize) -> Result<(String, Summary), String> {
    let original: Value = match serde_json::from_str(source) {
        Ok(v) => v,
        Err(_) => serde_yaml::from_str(source).map_err(|e| format!("not JSON or YAML: {e}"))?,
    };
    if !original.is_object() || !original["paths"].is_object() {
        return Err("the source has no `paths` object".to_owned());
    }
    let copy_bytes = serde_json::to_string_pretty(&original).map_err(|e| e.to_string())?.len().max(1);
    let copies = min_bytes.div_ceil(copy_bytes).clamp(1, max_copies.max(1));
    let mut out = original.clone();
    for k in 1..copies {
        merge(&mut out, renamed(&original, k));
    }
    let mut text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    text.push('\n');
    let paths = out["paths"].as_object().map_or(0, Map::len);
    let operations = out["paths"].as_object().map_or(0, |p| {
        p.values().map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count()).sum()
    });
    let schemas = out["components"]["schemas"].as_object().map_or(0, Map::len);
    let bytes = text.len();
    Ok((text, Summary { copies, bytes, paths, operations, schemas }))
}

/// The renamed copy `k` of the paths, components and tags of `spec` (other top-level keys absent).
fn renamed(spec: &Value, k: usize) -> Value {
    let suffix = format!("_c{k}");
    let kinds: Vec<String> = spec["components"]
        .as_object()
        .map(|c| c.keys().filter(|kind| *kind != "securitySchemes").cloned().collect())
        .unwrap_or_default();
    let mut copy = Map::new();

    let mut paths = Map::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let mut item = item.clone();
        rewrite_refs(&mut item, &kinds, &suffix);
        if let Some(item) = item.as_object_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    if let Some(Value::String(id)) = op.get_mut("operationId") {
                        id.push_str(&suffix);
                    }
                    if let Some(Value::Array(tags)) = op.get_mut("tags") {
                        for tag in tags.iter_mut() {
                            if let Value::String(t) = tag {
                                *t = format!("{t} c{k}");
                            }
                        }
                    }
                }
            }
        }
        paths.insert(format!("/c{k}{path}"), item);
    }
    copy.insert("paths".to_owned(), Value::Object(paths));

    let mut components = Map::new();
    for kind in &kinds {
        let mut entries = Map::new();
        for (name, value) in spec["components"][kind.as_str()].as_object().into_iter().flatten() {
            let mut value = value.clone();
            rewrite_refs(&mut value, &kinds, &suffix);
            entries.insert(format!("{name}{suffix}"), value);
        }
        components.insert(kind.clone(), Value::Object(entries));
    }
    copy.insert("components".to_owned(), Value::Object(components));

    let tags: Vec<Value> = spec["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| {
            let mut tag = tag.clone();
            if let Some(Value::String(name)) = tag.get_mut("name") {
                *name = format!("{name} c{k}");
            }
            tag
        })
        .collect();
    copy.insert("tags".to_owned(), Value::Array(tags));
    Value::Object(copy)
}

/// Appends `suffix` to the component name of every string `#/components/{kind}/{name}[/…]`.
/// Iterative (an explicit stack), so deep documents cannot overflow the call stack.
fn rewrite_refs(value: &mut Value, kinds: &[String], suffix: &str) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => {
                if let Some(rest) = s.strip_prefix("#/components/")
                    && let Some((kind, tail)) = rest.split_once('/')
                    && kinds.iter().any(|k| k == kind)
                {
                    let (name, after) = tail.split_once('/').map_or((tail, None), |(n, a)| (n, Some(a)));
                    let mut new = format!("#/components/{kind}/{name}{suffix}");
                    if let Some(after) = after {
                        new.push('/');
                        new.push_str(after);
                    }
                    *s = new;
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// Adds the paths, components and tags of `copy` to `out`.
fn merge(out: &mut Value, copy: Value) {
    let Value::Object(copy) = copy else { return };
    let Some(out) = out.as_object_mut() else { return };
    for (key, value) in copy {
        match (out.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(new)) if key == "paths" => existing.extend(new),
            (Some(Value::Object(existing)), Value::Object(new)) if key == "components" => {
                for (kind, entries) in new {
                    match (existing.get_mut(&kind), entries) {
                        (Some(Value::Object(have)), Value::Object(add)) => have.extend(add),
                        (_, entries) => {
                            existing.insert(kind, entries);
                        }
                    }
                }
            }
            (Some(Value::Array(existing)), Value::Array(new)) => existing.extend(new),
            (None, value) => {
                out.insert(key, value);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_renamed_consistently() {
        let spec = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "tags": [{"name": "Pets"}],
          "paths": {"/pets": {"get": {"operationId": "listPets", "tags": ["Pets"],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/Pet"}}}}}}}},
          "components": {"schemas": {"Pet": {"type": "object", "properties": {
            "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Pet/properties/kids"}}}}},
            "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}}}"##;
        let (text, summary) = synthesize(spec, 1, 3).unwrap();
        assert_eq!(summary.copies, 1);
        assert!(!text.is_empty());
        let (text, summary) = synthesize(spec, 2_000, 3).unwrap();
        assert_eq!((summary.copies, summary.paths, summary.operations, summary.schemas), (3, 3, 3, 3));
        let v: Value = serde_json::from_str(&text).unwrap();
        let op = &v["paths"]["/c2/pets"]["get"];
        assert_eq!(op["operationId"], "listPets_c2");
        assert_eq!(op["tags"][0], "Pets c2");
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet_c2"
        );
        assert_eq!(
            v["components"]["schemas"]["Pet_c1"]["properties"]["kids"]["items"]["$ref"],
            "#/components/schemas/Pet_c1/properties/kids"
        );
        assert_eq!(v["components"]["securitySchemes"].as_object().unwrap().len(), 1);
        assert_eq!(v["tags"].as_array().unwrap().len(), 3);
    }
}
