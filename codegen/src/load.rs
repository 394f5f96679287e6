//! Text → document: YAML or JSON, version detection.
//!
//! The document is kept as a `serde_json::Value` tree rather than a typed model: real-world
//! specs break typed models in countless small ways, and a value tree lets every later stage
//! read leniently while still naming the exact JSON pointer of whatever it could not use.
//! `serde_json`'s map is a `BTreeMap`, so every walk over the tree is in sorted key order and the
//! output cannot depend on the order in which the input happened to list its keys.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::de::DeserializeSeed;
use serde_json::map::Entry;
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
    /// What reading the text forgave (JSON that only YAML accepts, a key given twice).
    pub warnings: Vec<Diagnostic>,
}

/// Parses YAML or JSON text (an optional UTF-8 byte-order mark is ignored) and checks the
/// version field.
pub fn load(text: &str) -> Result<Spec, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut root, warnings) = parse(text)?;
    // JSON Schema 2020-12's plain-name references (`$ref: '#tag'` to a schema with
    // `$anchor: tag`), which OpenAPI 3.1 allows, are rewritten as the pointers they stand for.
    if text.contains("$anchor") {
        resolve_anchors(&mut root);
    }
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
        return Ok(Spec { root, version, warnings });
    }
    if let Some(version) = map.get("swagger") {
        if version.as_str() == Some("2.0") || version.as_f64() == Some(2.0) {
            let root = crate::swagger2::convert(root)?;
            return Ok(Spec { root, version: SpecVersion::V30, warnings });
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

/// Rewrites each `$ref` that names an anchor (`#tag`) declared once in the document as the
/// pointer of the schema that declares it. An anchor declared twice (under different `$id`s) is
/// left alone, and later reported as a reference that cannot be followed.
fn resolve_anchors(root: &mut Value) {
    let mut anchors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut stack = vec![("#".to_owned(), &*root)];
    while let Some((at, value)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(anchor)) = map.get("$anchor") {
                    anchors.entry(anchor.clone()).or_default().push(at.clone());
                }
                stack.extend(map.iter().map(|(key, v)| (crate::pointer::push(&at, key), v)));
            }
            Value::Array(items) => {
                stack.extend(
                    items.iter().enumerate().map(|(i, v)| (crate::pointer::push(&at, &i.to_string()), v)),
                );
            }
            _ => {}
        }
    }
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref")
                    && let Some(name) = reference.strip_prefix('#')
                    && let Some([pointer]) = anchors.get(name).map(Vec::as_slice)
                {
                    *reference = pointer.clone();
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn parse(text: &str) -> Result<(Value, Vec<Diagnostic>), Diagnostic> {
    if text.trim_start().starts_with('{') {
        let context = Context::new(Syntax::Json);
        let mut json = serde_json::Deserializer::from_str(text);
        // `end`: text after the document (a stray `}` closing it early) is an error, as
        // `serde_json::from_str` makes it, not silently dropped.
        let read = (Node { context: &context, place: None })
            .deserialize(&mut json)
            .and_then(|value| json.end().map(|()| value));
        return match read {
            Ok(value) => Ok((value, context.into_warnings())),
            // JSON is YAML, and YAML forgives what hand-edited JSON often has (a trailing comma):
            // read as YAML, with a warning, it loses nothing; otherwise JSON's error stands.
            Err(e) => {
                let json_error = format!("invalid JSON at line {} column {}: {e}", e.line(), e.column());
                match parse_yaml(text) {
                    Ok((value, mut warnings)) => {
                        let forgiven = format!("{json_error}; read as YAML, which allows it");
                        warnings.insert(0, Diagnostic::new("#", forgiven));
                        Ok((value, warnings))
                    }
                    Err(_) => Err(Diagnostic::new("#", json_error)),
                }
            }
        };
    }
    parse_yaml(text)
}

fn parse_yaml(text: &str) -> Result<(Value, Vec<Diagnostic>), Diagnostic> {
    let context = Context::new(Syntax::Yaml);
    let value = (Node { context: &context, place: None })
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            Diagnostic::new("#", format!("invalid YAML{at}: {e}"))
        })?;
    Ok((value, context.into_warnings()))
}

/// Which text a [`Node`] reads: YAML's merge keys (`<<`) mean nothing in JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
}

/// Where in the document a value is: its key or index, below its parent's place. Each lives on
/// the stack of the mapping or sequence that reads the value, so keeping the path costs no
/// allocation; a pointer is spelled out only for a warning.
#[derive(Clone, Copy)]
struct Place<'p> {
    step: Step<'p>,
    parent: Option<&'p Place<'p>>,
}

#[derive(Clone, Copy)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// The JSON pointer of `place` (`#` for the root).
fn pointer_of(place: Option<&Place<'_>>) -> String {
    let mut steps = Vec::new();
    let mut at = place;
    while let Some(place) = at {
        steps.push(place.step);
        at = place.parent;
    }
    steps.iter().rev().fold("#".to_owned(), |pointer, step| match step {
        Step::Key(key) => crate::pointer::push(&pointer, key),
        Step::Index(i) => crate::pointer::push(&pointer, &i.to_string()),
    })
}

/// What reading a document keeps beside the value: the keys a mapping gave twice (each a
/// warning: the later value is used, so the earlier one would be lost silently).
struct Context {
    syntax: Syntax,
    repeated: RefCell<Vec<Diagnostic>>,
}

impl Context {
    fn new(syntax: Syntax) -> Self {
        Self { syntax, repeated: RefCell::new(Vec::new()) }
    }

    fn into_warnings(self) -> Vec<Diagnostic> {
        self.repeated.into_inner()
    }
}

/// A document read straight into a JSON value, keeping a [`Context`]; `place` is where the
/// value being read is (`None` at the root).
///
/// Written by hand rather than through `serde_yaml::Value` because real specs break its rules:
/// YAML allows non-string keys (`200:` is an integer; OpenAPI means its text), and many
/// published specs repeat a key (the last one wins, as in JSON, with a warning that names the
/// mapping). Merge keys (`<<`) are applied; tags are ignored.
#[derive(Clone, Copy)]
struct Node<'c, 'p> {
    context: &'c Context,
    place: Option<&'p Place<'p>>,
}

impl<'c> Node<'c, '_> {
    /// The node for a value at `place`, below this one.
    fn at<'q>(self, place: &'q Place<'q>) -> Node<'c, 'q> {
        Node { context: self.context, place: Some(place) }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A float as JSON has it; JSON has no NaN or infinity, so those are null.
fn float(v: f64) -> Value {
    Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
}

impl<'de> serde::de::Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        // Beyond 64 bits, as serde_json reads such a JSON number: the nearest float.
        Ok(i64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let place = Place { step: Step::Index(items.len()), parent: self.place };
            match seq.next_element_seed(self.at(&place))? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged = Vec::new();
        while let Some(key) = access.next_key_seed(self)? {
            let key = match key {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            let value =
                access.next_value_seed(self.at(&Place { step: Step::Key(&key), parent: self.place }))?;
            if key == "<<" && self.context.syntax == Syntax::Yaml {
                merged.push(value);
                continue;
            }
            match map.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(mut entry) => {
                    self.context.repeated.borrow_mut().push(Diagnostic::new(
                        pointer_of(self.place),
                        format!(
                            "the key `{}` is given more than once; the last one is used and the others are ignored",
                            entry.key()
                        ),
                    ));
                    entry.insert(value);
                }
            }
        }
        // Merge keys: explicit entries win; earlier merged mappings win over later ones.
        for source in merged {
            let sources = match source {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                if let Value::Object(entries) = source {
                    for (k, v) in entries {
                        map.entry(k).or_insert(v);
                    }
                }
            }
        }
        Ok(Value::Object(map))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!tag value`): keep the value, drop the tag.
        use serde::de::VariantAccess;
        let (_tag, variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
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
    fn a_repeated_key_keeps_the_last_value_and_warns_where() {
        let yaml = "openapi: 3.0.3\ncomponents:\n  schemas:\n    Shape: {type: string}\n    Circle: {}\n    Shape: {type: integer}\ntags:\n  - name: a\n    name: b\n";
        let spec = load(yaml).unwrap();
        assert_eq!(spec.root["components"]["schemas"]["Shape"]["type"], "integer");
        let warnings: Vec<String> = spec.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "#/components/schemas: the key `Shape` is given more than once; the last one is used and the others are ignored",
                "#/tags/0: the key `name` is given more than once; the last one is used and the others are ignored",
            ]
        );
        // The same in JSON, where `<<` is a key like any other, not YAML's merge key.
        let json =
            r#"{"openapi": "3.0.3", "paths": {"/a~b": {"get": {}, "get": {"x": 1}}}, "<<": {"info": {}}}"#;
        let spec = load(json).unwrap();
        assert_eq!(spec.root["paths"]["/a~b"]["get"]["x"], 1);
        assert!(spec.root.get("<<").is_some() && spec.root.get("info").is_none());
        assert_eq!(spec.warnings.len(), 1);
        assert_eq!(spec.warnings[0].pointer, "#/paths/~1a~0b");
        // Text after the document is an error, not dropped (nor is it YAML).
        let early = load(r#"{"openapi": "3.0.3", "info": {}}, "paths": {"/a": {}}}"#).unwrap_err();
        assert!(
            early.message.starts_with("invalid JSON at line 1 column 33: trailing characters"),
            "{early}"
        );
        // Without repeats, nothing to say.
        assert!(load(r#"{"openapi": "3.0.3", "a": {"b": [1, {"c": 2}]}}"#).unwrap().warnings.is_empty());
    }

    #[test]
    fn loads_json_and_detects_31() {
        let spec = load(r#"{"openapi": "3.1.0", "info": {}}"#).unwrap();
        assert_eq!(spec.version, SpecVersion::V31);
    }

    #[test]
    fn reads_yaml_integers_beyond_64_bits_as_json_does() {
        let text = "openapi: 3.0.3\nx-min: -9223372036854776000\nx-max: 18446744073709551616\nx-ok: -5\n";
        let spec = load(text).unwrap();
        let json = load("{\"openapi\": \"3.0.3\", \"x-min\": -9223372036854776000, \"x-max\": 18446744073709551616, \"x-ok\": -5}").unwrap();
        assert_eq!(spec.root, json.root);
        assert_eq!(spec.root["x-min"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(spec.root["x-ok"].as_i64(), Some(-5));
    }

    #[test]
    fn reads_json_with_a_trailing_comma_as_yaml_with_a_warning() {
        let spec = load("{\"openapi\": \"3.0.3\", \"paths\": {\"/a\": {},},\n}").unwrap();
        assert!(spec.root["paths"]["/a"].is_object());
        assert_eq!(spec.warnings.len(), 1);
        assert!(
            spec.warnings[0].message.starts_with("invalid JSON at line 1 column"),
            "{}",
            spec.warnings[0]
        );
        assert!(spec.warnings[0].message.ends_with("read as YAML, which allows it"), "{}", spec.warnings[0]);
    }

    #[test]
    fn plain_name_references_are_the_pointers_of_their_anchors() {
        let text = "openapi: 3.1.0\ncomponents:\n  schemas:\n    Tag:\n      $anchor: tag\n      type: string\n    \
                    Other:\n      properties:\n        label:\n          $ref: '#tag'\n        size:\n          $ref: '#size'\n      \
                    $defs:\n        size:\n          $anchor: size\n          type: integer\n    \
                    Twice:\n      $defs:\n        a:\n          $anchor: dup\n        b:\n          $anchor: dup\n      \
                    properties:\n        x:\n          $ref: '#dup'\n";
        let spec = load(text).unwrap();
        let other = &spec.root["components"]["schemas"]["Other"];
        assert_eq!(other["properties"]["label"]["$ref"], "#/components/schemas/Tag");
        assert_eq!(other["properties"]["size"]["$ref"], "#/components/schemas/Other/$defs/size");
        assert_eq!(
            spec.root["components"]["schemas"]["Twice"]["properties"]["x"]["$ref"], "#dup",
            "ambiguous"
        );
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
    fn repeated_yaml_keys_keep_the_last() {
        let spec =
            load("openapi: 3.0.0\ncomponents:\n  schemas:\n    A: {type: string}\n    A: {type: integer}\n")
                .unwrap();
        assert_eq!(
            crate::pointer::get(&spec.root, "#/components/schemas/A/type"),
            Some(&Value::from("integer"))
        );
    }

    #[test]
    fn yaml_tags_and_odd_keys() {
        let spec =
            load("openapi: 3.0.0\nx: !!binary aGVsbG8=\ny: !custom {a: 1}\n1.5: f\ntrue: b\n~: n\n").unwrap();
        assert_eq!(crate::pointer::get(&spec.root, "#/y/a"), Some(&Value::from(1)));
        assert!(crate::pointer::get(&spec.root, "#/1.5").is_some());
        assert!(crate::pointer::get(&spec.root, "#/true").is_some());
        assert!(crate::pointer::get(&spec.root, "#/null").is_some());
    }

    #[test]
    fn applies_yaml_merge_keys() {
        let spec = load("openapi: 3.0.0\nbase: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n").unwrap();
        assert_eq!(crate::pointer::get(&spec.root, "#/derived/x"), Some(&Value::from(1)));
    }
}
