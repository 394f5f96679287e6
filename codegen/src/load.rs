//! Text → document: YAML or JSON, version detection.
//!
//! The document is kept as a `serde_json::Value` tree rather than a typed model: real-world
//! specs break typed models in countless small ways, and a value tree lets every later stage
//! read leniently while still naming the exact JSON pointer of whatever it could not use.
//! `serde_json`'s map is a `BTreeMap`, so every walk over the tree is in sorted key order and the
//! output cannot depend on the order in which the input happened to list its keys.

use serde_json::{Map, Number, Value};

use crate::diagnostics::Diagnostic;

/// Which OpenAPI dialect the document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    /// OpenAPI 3.0.x (`nullable`, `example`).
    V30,
    /// OpenAPI 3.1.x (JSON Schema 2020-12: type arrays, `const`, `examples`, `webhooks`).
    V31,
}

/// A parsed OpenAPI document.
#[derive(Debug, Clone)]
pub struct Spec {
    pub root: Value,
    pub version: SpecVersion,
}

/// Parses YAML or JSON text (an optional UTF-8 byte-order mark is ignored) and checks the
/// version field.
pub fn load(text: &str) -> Result<Spec, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = parse(text)?;
    let Value::Object(map) = &root else {
        return Err(Diagnostic::new("#", "the document is not a mapping of OpenAPI fields"));
    };
    if let Some(version) = map.get("openapi") {
        let version = match version {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(Diagnostic::new(
                    "#/openapi",
                    format!("the version must be a string like \"3.0.3\", found {other}"),
                ));
            }
        };
        let version = if version.starts_with("3.0") || version == "3" {
            SpecVersion::V30
        } else if version.starts_with("3.") {
            SpecVersion::V31
        } else {
            return Err(Diagnostic::new(
                "#/openapi",
                format!("unsupported OpenAPI version {version:?}; 3.0.x and 3.1.x are supported"),
            ));
        };
        return Ok(Spec { root, version });
    }
    if let Some(version) = map.get("swagger") {
        if version.as_str() == Some("2.0") || version.as_f64() == Some(2.0) {
            let root = crate::swagger2::convert(root)?;
            return Ok(Spec { root, version: SpecVersion::V30 });
        }
        return Err(Diagnostic::new(
            "#/swagger",
            format!("unsupported Swagger version {version}; only 2.0 can be converted"),
        ));
    }
    Err(Diagnostic::new(
        "#",
        "not an OpenAPI document: it has neither an `openapi` nor a `swagger` version field",
    ))
}

fn parse(text: &str) -> Result<Value, Diagnostic> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| {
            Diagnostic::new("#", format!("invalid JSON at line {} column {}: {e}", e.line(), e.column()))
        });
    }
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at =
            e.location().map(|l| format!(" at line {} column {}", l.line(), l.column())).unwrap_or_default();
        Diagnostic::new("#", format!("invalid YAML{at}: {e}"))
    })?;
    yaml.apply_merge().map_err(|e| Diagnostic::new("#", format!("invalid YAML merge key (`<<`): {e}")))?;
    Ok(yaml_to_json(yaml))
}

/// Converts a YAML tree into a JSON one. YAML allows non-string keys (`200:` is an integer);
/// OpenAPI means their text, so keys are stringified.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64().and_then(Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (k, v) in mapping {
                map.insert(yaml_key(k), yaml_to_json(v));
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Null => "null".to_owned(),
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Tagged(t) => yaml_key(t.value),
        other => serde_yaml::to_string(&other).map(|s| s.trim().to_owned()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_yaml_with_integer_keys_and_bom() {
        let spec = load("\u{feff}openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n").unwrap();
        assert_eq!(spec.version, SpecVersion::V30);
        assert!(crate::pointer::get(&spec.root, "#/paths/~1a/get/responses/200").is_some());
    }

    #[test]
    fn loads_json_and_detects_31() {
        let spec = load(r#"{"openapi": "3.1.0", "info": {}}"#).unwrap();
        assert_eq!(spec.version, SpecVersion::V31);
    }

    #[test]
    fn reports_syntax_errors_with_location() {
        let err = load("{\"openapi\": \"3.0.0\",,}").unwrap_err();
        assert!(err.message.contains("line 1"), "{err}");
        let err = load("openapi: 3.0.0\n  bad: [").unwrap_err();
        assert!(err.message.contains("invalid YAML"), "{err}");
    }

    #[test]
    fn rejects_non_openapi_documents() {
        assert!(load("just: text").unwrap_err().message.contains("not an OpenAPI document"));
        assert!(load("- a\n- b").unwrap_err().message.contains("not a mapping"));
        assert_eq!(load("openapi: 4.0.0").unwrap_err().pointer, "#/openapi");
    }

    #[test]
    fn applies_yaml_merge_keys() {
        let spec = load("openapi: 3.0.0\nbase: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n").unwrap();
        assert_eq!(crate::pointer::get(&spec.root, "#/derived/x"), Some(&Value::from(1)));
    }
}
