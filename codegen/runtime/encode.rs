//! Encoding of path segments, query strings, header values and form bodies.
//!
//! Parameters arrive as arbitrary `Serialize` values. They are first turned into
//! a `serde_json::Value` (so the encoding rules are written once, not per type)
//! and then flattened:
//!
//! * query: `null` skipped; scalars as text; arrays repeat the name
//!   (`tag=a&tag=b`); objects use deep-object brackets (`filter[status]=open`);
//! * headers: `null` skipped; scalars as text; arrays comma-joined; objects as
//!   `key,value` pairs (OpenAPI `simple` style);
//! * form bodies: Stripe-style nesting (`metadata[k]=v`, `items[0][price]=p`),
//!   `null` skipped.
//!
//! Everything except RFC 3986 unreserved characters is percent-encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

/// Every byte except the RFC 3986 unreserved set `A-Z a-z 0-9 - . _ ~`.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path segment (everything but unreserved characters).
///
/// Generated code calls this for every path parameter, so a value such as
/// `a/b c` can never change the path's shape.
///
/// ```
/// use atlaspay::runtime::encode_path_segment;
///
/// assert_eq!(encode_path_segment("cus_123"), "cus_123");
/// assert_eq!(encode_path_segment("a/b c?d"), "a%2Fb%20c%3Fd");
/// ```
pub fn encode_path_segment(segment: &str) -> String {
    std::borrow::Cow::from(utf8_percent_encode(segment, NOT_UNRESERVED)).into_owned()
}

/// Encodes any path parameter value as one segment: strings as they are, numbers and booleans
/// as text, anything else (which a path cannot really hold) as compact JSON.
pub fn encode_path_value<V: Serialize + ?Sized>(value: &V) -> String {
    let text = match to_json_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => scalar_text(&other).unwrap_or_else(|| other.to_string()),
        Err(_) => String::new(),
    };
    encode_path_segment(&text)
}

/// Percent-encodes a query or form component (name or value).
pub fn encode_component(component: &str) -> String {
    utf8_percent_encode(component, NOT_UNRESERVED).to_string()
}

/// Joins `(name, value)` pairs into `a=1&b=2`, encoding both sides.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode_component(name));
        out.push('=');
        out.push_str(&encode_component(value));
    }
    out
}

/// Serializes a value to JSON, naming the failing field path on error.
pub(super) fn to_json_value<V: Serialize + ?Sized>(value: &V) -> Result<Value, String> {
    serde_path_to_error::serialize(value, serde_json::value::Serializer).map_err(|err| {
        let path = err.path().to_string();
        if path == "." || path.is_empty() {
            err.inner().to_string()
        } else {
            format!("at `{path}`: {}", err.inner())
        }
    })
}

/// The text of a scalar; `None` for null, arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// Flattens a query parameter into unencoded `(name, value)` pairs.
pub fn query_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                if is_scalar(item) {
                    query_pairs(name, item, out);
                } else {
                    query_pairs(&format!("{name}[{index}]"), item, out);
                }
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                query_pairs(&format!("{name}[{key}]"), item, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((name.to_owned(), text));
            }
        }
    }
}

/// The text of a header parameter; `None` when it is null (the header is omitted).
pub fn header_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|item| match item {
                    Value::Array(_) | Value::Object(_) => Some(item.to_string()),
                    other => scalar_text(other),
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(map) => {
            let mut parts = Vec::with_capacity(map.len() * 2);
            for (key, item) in map {
                if let Some(text) = scalar_text(item).or_else(|| match item {
                    Value::Null => None,
                    other => Some(other.to_string()),
                }) {
                    parts.push(key.clone());
                    parts.push(text);
                }
            }
            Some(parts.join(","))
        }
        scalar => scalar_text(scalar),
    }
}

fn form_flatten(name: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                form_flatten(format!("{name}[{index}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                form_flatten(format!("{name}[{key}]"), item, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((name, text));
            }
        }
    }
}

/// Flattens a form body (which must be an object, or null for an empty body)
/// into Stripe-style `(name, value)` pairs.
pub fn form_pairs(value: &Value) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, item) in map {
                form_flatten(key.clone(), item, &mut out);
            }
        }
        other => {
            return Err(format!("a form body must serialize to an object, not {}", json_kind(other)));
        }
    }
    Ok(out)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn path_values_of_any_type() {
        assert_eq!(encode_path_value("a b"), "a%20b");
        assert_eq!(encode_path_value(&42), "42");
        assert_eq!(encode_path_value(&true), "true");
        assert_eq!(encode_path_value(&serde_json::json!("x/y")), "x%2Fy");
    }

    #[test]
    fn path_segments() {
        assert_eq!(encode_path_segment("cus_AZaz09-._~"), "cus_AZaz09-._~");
        assert_eq!(encode_path_segment("a/b"), "a%2Fb");
        assert_eq!(encode_path_segment("a b+c%"), "a%20b%2Bc%25");
        assert_eq!(encode_path_segment("..?#"), "..%3F%23");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment(""), "");
    }

    #[test]
    fn query_flattening() {
        let mut out = Vec::new();
        query_pairs("limit", &json!(10), &mut out);
        query_pairs("none", &json!(null), &mut out);
        query_pairs("q", &json!("a b&c"), &mut out);
        query_pairs("flag", &json!(true), &mut out);
        query_pairs("tag", &json!(["x", "y", null]), &mut out);
        query_pairs("created", &json!({"gte": 1, "lt": 2, "skip": null}), &mut out);
        assert_eq!(
            out,
            pairs(&[
                ("limit", "10"),
                ("q", "a b&c"),
                ("flag", "true"),
                ("tag", "x"),
                ("tag", "y"),
                ("created[gte]", "1"),
                ("created[lt]", "2"),
            ])
        );
        assert_eq!(
            encode_pairs(&out),
            "limit=10&q=a%20b%26c&flag=true&tag=x&tag=y&created%5Bgte%5D=1&created%5Blt%5D=2"
        );
    }

    #[test]
    fn nested_query_arrays_of_objects_are_indexed() {
        let mut out = Vec::new();
        query_pairs("f", &json!([{"a": 1}, "s"]), &mut out);
        assert_eq!(out, pairs(&[("f[0][a]", "1"), ("f", "s")]));
    }

    #[test]
    fn header_values() {
        assert_eq!(header_text(&json!(null)), None);
        assert_eq!(header_text(&json!("v")).as_deref(), Some("v"));
        assert_eq!(header_text(&json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(header_text(&json!(["a", 2, false])).as_deref(), Some("a,2,false"));
        assert_eq!(header_text(&json!({"a": 1, "b": "x"})).as_deref(), Some("a,1,b,x"));
    }

    #[test]
    fn stripe_style_form() {
        let body = json!({
            "amount": 4990,
            "currency": "usd",
            "customer": null,
            "metadata": {"order": "A 1", "empty": null},
            "line_items": [{"price": "price_1", "quantity": 2}, {"price": "price_2"}],
            "expand": ["customer"],
            "capture": false
        });
        let out = form_pairs(&body).unwrap();
        assert_eq!(
            out,
            pairs(&[
                ("amount", "4990"),
                ("capture", "false"),
                ("currency", "usd"),
                ("expand[0]", "customer"),
                ("line_items[0][price]", "price_1"),
                ("line_items[0][quantity]", "2"),
                ("line_items[1][price]", "price_2"),
                ("metadata[order]", "A 1"),
            ])
        );
        assert_eq!(
            encode_pairs(&out[4..6]),
            "line_items%5B0%5D%5Bprice%5D=price_1&line_items%5B0%5D%5Bquantity%5D=2"
        );
        assert!(form_pairs(&json!(null)).unwrap().is_empty());
        assert!(form_pairs(&json!([1])).unwrap_err().contains("an array"));
    }

    #[test]
    fn serialization_errors_name_the_path() {
        use std::collections::BTreeMap;
        #[derive(serde::Serialize)]
        struct Outer {
            inner: BTreeMap<(u8, u8), u8>,
        }
        let value = Outer { inner: BTreeMap::from([((1, 2), 3)]) };
        let err = to_json_value(&value).unwrap_err();
        assert!(err.contains("inner"), "{err}");
    }
}
