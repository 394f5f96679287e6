//! Encoding of path segments, query strings, header values and form bodies.
//!
//! Parameters arrive as arbitrary `Serialize` values. They are first turned into
//! a `serde_json::Value` (so the encoding rules are written once, not per type)
//! and then flattened:
//!
//! * path: OpenAPI's `simple` style by default (arrays `3,4,5`, objects `k,v,k2,v2`), or
//!   `label`/`matrix` through [`encode_path_styled`];
//! * query: `null` skipped; scalars as text; arrays repeat the name
//!   (`tag=a&tag=b`); objects use deep-object brackets (`filter[status]=open`);
//!   any other OpenAPI style through [`query_styled_pairs`] (`tag=a,b`, `a%7Cb`, …),
//!   whose separators are written as the style says, not encoded with the items;
//! * headers: `null` skipped; scalars as text; arrays comma-joined; objects as
//!   `key,value` pairs (OpenAPI `simple` style);
//! * form bodies: Stripe-style nesting (`metadata[k]=v`, `items[0][price]=p`),
//!   `null` skipped.
//!
//! Names, items and values are percent-encoded except for RFC 3986 unreserved characters; the
//! separators a style writes between them (`,` `.` `;` `=`) are not. A list or object with no
//! members is undefined, as RFC 6570 says: no query parameter at all, an empty path segment
//! (which [`RequestSpec::require_path_params`](super::RequestSpec::require_path_params)
//! refuses).

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

/// How an OpenAPI parameter writes arrays and objects (its `style`; `explode` is passed beside
/// it). Scalars read the same in every style except [`Label`](Self::Label) and
/// [`Matrix`](Self::Matrix), which prefix them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// Query `form`: `id=3,4,5`, or `id=3&id=4&id=5` exploded; objects `id=k,v` or `k=v`.
    Form,
    /// Query `spaceDelimited`: `id=3 4 5`.
    SpaceDelimited,
    /// Query `pipeDelimited`: `id=3|4|5`.
    PipeDelimited,
    /// Query `deepObject`: `id[k]=v`.
    DeepObject,
    /// Path `simple`: `3,4,5`; objects `k,v` or `k=v` exploded.
    Simple,
    /// Path `label`: `.3,4,5`, or `.3.4.5` exploded.
    Label,
    /// Path `matrix`: `;id=3,4,5`, or `;id=3;id=4;id=5` exploded.
    Matrix,
    /// A parameter declared with `content: application/json`: the value as compact JSON.
    Json,
}

impl ParamStyle {
    /// The separator of joined (not exploded) array items and object entries in a query, as
    /// sent: `form`'s comma stays literal (servers that split before they decode need it so), a
    /// space or pipe is percent-encoded as anything else would be.
    fn query_delimiter(self) -> &'static str {
        match self {
            Self::SpaceDelimited => "%20",
            Self::PipeDelimited => "%7C",
            _ => ",",
        }
    }
}

/// Encodes any path parameter value as OpenAPI's default `simple` style: strings as they are,
/// numbers and booleans as text, arrays as `a,b`, objects as `k,v,k2,v2` (each item
/// percent-encoded, the commas not).
pub fn encode_path_value<V: Serialize + ?Sized>(value: &V) -> String {
    encode_path_styled("", value, ParamStyle::Simple, false)
}

/// Encodes a path parameter named `name` in `style` (`simple`, `label`, `matrix` or JSON;
/// a query style is read as `simple`), as OpenAPI's style table writes it.
///
/// ```
/// use atlaspay::runtime::encode::{encode_path_styled, ParamStyle};
///
/// assert_eq!(encode_path_styled("id", &["a b", "c"], ParamStyle::Simple, false), "a%20b,c");
/// assert_eq!(encode_path_styled("id", &[3, 4], ParamStyle::Label, true), ".3.4");
/// assert_eq!(encode_path_styled("id", &[3, 4], ParamStyle::Matrix, false), ";id=3,4");
/// assert_eq!(encode_path_styled("id", &[3, 4], ParamStyle::Matrix, true), ";id=3;id=4");
/// ```
pub fn encode_path_styled<V: Serialize + ?Sized>(
    name: &str,
    value: &V,
    style: ParamStyle,
    explode: bool,
) -> String {
    // A value that does not serialize leaves the segment empty, which the request refuses
    // (`RequestSpec::require_path_params`) rather than sending something else.
    match to_json_value(value) {
        Ok(value) => path_styled(name, &value, style, explode),
        Err(_) => String::new(),
    }
}

fn path_styled(name: &str, value: &Value, style: ParamStyle, explode: bool) -> String {
    let text = |item: &Value| encode_path_segment(&item_text(item));
    let present = |(_, item): &(&String, &Value)| !item.is_null();
    // Items; an object's keys and values in turn; or, exploded, its `k=v` pairs.
    let (parts, pairs): (Vec<String>, bool) = match value {
        _ if style == ParamStyle::Json => (vec![encode_path_segment(&value.to_string())], false),
        Value::Null => (Vec::new(), false),
        Value::Array(items) => (items.iter().filter(|item| !item.is_null()).map(text).collect(), false),
        Value::Object(map) if explode => {
            let pairs = map.iter().filter(present);
            (pairs.map(|(key, item)| format!("{}={}", encode_path_segment(key), text(item))).collect(), true)
        }
        Value::Object(map) => {
            let halves =
                map.iter().filter(present).flat_map(|(key, item)| [encode_path_segment(key), text(item)]);
            (halves.collect(), false)
        }
        scalar => (vec![text(scalar)], false),
    };
    let name = encode_path_segment(name);
    // RFC 6570: `;id` for an empty value, not `;id=`.
    let named = |item: &str| if item.is_empty() { format!(";{name}") } else { format!(";{name}={item}") };
    match style {
        // An empty list or object, or null: undefined, so nothing (not even the prefix).
        _ if parts.is_empty() => String::new(),
        ParamStyle::Label => format!(".{}", parts.join(if explode { "." } else { "," })),
        ParamStyle::Matrix if explode && pairs => parts.iter().map(|pair| format!(";{pair}")).collect(),
        ParamStyle::Matrix if explode => parts.iter().map(|item| named(item)).collect(),
        ParamStyle::Matrix => named(&parts.join(",")),
        _ => parts.join(","),
    }
}

/// An array item's or object entry's text: scalars as text, anything nested as compact JSON.
fn item_text(item: &Value) -> String {
    scalar_text(item).unwrap_or_else(|| item.to_string())
}

/// Percent-encodes a query or form component (name or value).
pub fn encode_component(component: &str) -> String {
    utf8_percent_encode(component, NOT_UNRESERVED).to_string()
}

/// Joins `(name, value)` pairs into `a=1&b=2`, encoding both sides.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    join_pairs(pairs.iter().map(|(name, value)| (encode_component(name), encode_component(value))))
}

/// Joins percent-encoded `(name, value)` pairs into `a=1&b=2`.
pub fn join_encoded(pairs: &[(String, String)]) -> String {
    join_pairs(pairs.iter().map(|(name, value)| (name.as_str(), value.as_str())))
}

fn join_pairs<T: AsRef<str>>(pairs: impl Iterator<Item = (T, T)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name.as_ref());
        out.push('=');
        out.push_str(value.as_ref());
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

/// [`query_pairs`], percent-encoded as sent: arrays repeated (`tag=a&tag=b`), objects bracketed
/// (`created%5Bgte%5D=1`).
pub fn encoded_query_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let mut plain = Vec::new();
    query_pairs(name, value, &mut plain);
    extend_encoded(out, &plain);
}

/// Appends unencoded `(name, value)` pairs percent-encoded, as sent.
fn extend_encoded(out: &mut Vec<(String, String)>, plain: &[(String, String)]) {
    out.extend(plain.iter().map(|(name, value)| (encode_component(name), encode_component(value))));
}

/// `deepObject`'s bracketed keys (`filter[status]=open`), unencoded. OpenAPI leaves arrays there
/// undefined; they take the trailing brackets that qs, Rails, PHP and Stripe read
/// (`expand[]=a&expand[]=b`; repeating `expand=` leaves such servers the last item alone), with
/// indices when their items are structured, so that each item's keys stay together
/// (`items[0][price]=p`).
fn deep_object_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let key = if is_scalar(item) { format!("{name}[]") } else { format!("{name}[{index}]") };
                deep_object_pairs(&key, item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                deep_object_pairs(&format!("{name}[{key}]"), item, out);
            }
        }
        scalar => query_pairs(name, scalar, out),
    }
}

/// Flattens a query parameter written in `style` and `explode` into `(name, value)` pairs as
/// sent, percent-encoded, as OpenAPI's style table writes them (a path style is read as
/// `form`): joined arrays `id=3,4,5` (`3%204%205`, `3%7C4%7C5`), exploded objects
/// `k=v&k2=v2`, deep objects `id%5Bk%5D=v`. Joined items are encoded one by one, so a comma
/// inside an item (`%2C`) is told apart from the comma between items.
///
/// ```
/// use atlaspay::runtime::encode::{query_styled_pairs, ParamStyle};
///
/// let mut pairs = Vec::new();
/// query_styled_pairs("id", &serde_json::json!(["a,b", "c"]), ParamStyle::Form, false, &mut pairs);
/// query_styled_pairs("page", &serde_json::json!({"size": 20}), ParamStyle::Form, true, &mut pairs);
/// assert_eq!(pairs, [("id".to_owned(), "a%2Cb,c".to_owned()), ("size".to_owned(), "20".to_owned())]);
/// ```
pub fn query_styled_pairs(
    name: &str,
    value: &Value,
    style: ParamStyle,
    explode: bool,
    out: &mut Vec<(String, String)>,
) {
    let joined = |parts: Vec<String>| {
        let encoded: Vec<String> = parts.iter().map(|part| encode_component(part)).collect();
        (encode_component(name), encoded.join(style.query_delimiter()))
    };
    let mut plain = Vec::new();
    match value {
        Value::Null => {}
        _ if style == ParamStyle::Json => {
            out.push((encode_component(name), encode_component(&value.to_string())))
        }
        _ if style == ParamStyle::DeepObject => deep_object_pairs(name, value, &mut plain),
        Value::Array(_) if explode => query_pairs(name, value, &mut plain),
        Value::Object(map) if explode => {
            for (key, item) in map {
                query_pairs(key, item, &mut plain);
            }
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().filter(|item| !item.is_null()).map(item_text).collect();
            // No members: undefined (RFC 6570), so no parameter rather than `name=`.
            if !items.is_empty() {
                out.push(joined(items));
            }
        }
        Value::Object(map) => {
            let entries = map.iter().filter(|(_, item)| !item.is_null());
            let halves: Vec<String> =
                entries.flat_map(|(key, item)| [key.clone(), item_text(item)]).collect();
            if !halves.is_empty() {
                out.push(joined(halves));
            }
        }
        scalar => query_pairs(name, scalar, &mut plain),
    }
    extend_encoded(out, &plain);
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

/// How a form body writes a top-level property that is a list of values, by the property's
/// `encoding` in the API description. Unnamed ones are written as OpenAPI's default `form`
/// style does, each value under the property's name (`tag=a&tag=b`, which Twilio reads).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormArrays {
    /// Written with indices (`expand[0]=a`, `deepObject`: Stripe's).
    pub indexed: &'static [&'static str],
    /// Written joined by commas (`tag=a,b`: `form` without `explode`).
    pub joined: &'static [&'static str],
}

/// Flattens a form body (which must be an object, or null for an empty body) into `(name,
/// value)` pairs: objects with brackets (`metadata[order]=1`, `items[0][price]=p`), a list of
/// values as `arrays` says.
pub fn form_pairs(value: &Value, arrays: FormArrays) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, item) in map {
                // A list of values (nulls left out, as everywhere in a form).
                let values = match item {
                    Value::Array(items) if !arrays.indexed.contains(&key.as_str()) => items
                        .iter()
                        .filter(|item| !item.is_null())
                        .map(scalar_text)
                        .collect::<Option<Vec<String>>>(),
                    _ => None,
                };
                match values {
                    Some(values) if values.is_empty() => {}
                    Some(values) if arrays.joined.contains(&key.as_str()) => {
                        out.push((key.clone(), values.join(",")));
                    }
                    Some(values) => out.extend(values.into_iter().map(|value| (key.clone(), value))),
                    None => form_flatten(key.clone(), item, &mut out),
                }
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

    /// The examples of OpenAPI 3.1's style table (§4.8.12.4), `color` being `"blue"`,
    /// `["blue", "black", "brown"]` or `{"B": 150, "G": 200, "R": 100}` (serde_json's maps are
    /// sorted, so an object's entries come in key order).
    #[test]
    fn path_styles_follow_the_openapi_table() {
        let (primitive, array, object) =
            (json!("blue"), json!(["blue", "black", "brown"]), json!({"R": 100, "G": 200, "B": 150}));
        let cases = [
            (ParamStyle::Simple, false, ["blue", "blue,black,brown", "B,150,G,200,R,100"]),
            (ParamStyle::Simple, true, ["blue", "blue,black,brown", "B=150,G=200,R=100"]),
            (ParamStyle::Label, false, [".blue", ".blue,black,brown", ".B,150,G,200,R,100"]),
            (ParamStyle::Label, true, [".blue", ".blue.black.brown", ".B=150.G=200.R=100"]),
            (
                ParamStyle::Matrix,
                false,
                [";color=blue", ";color=blue,black,brown", ";color=B,150,G,200,R,100"],
            ),
            (
                ParamStyle::Matrix,
                true,
                [";color=blue", ";color=blue;color=black;color=brown", ";B=150;G=200;R=100"],
            ),
        ];
        for (style, explode, expected) in cases {
            for (value, want) in [&primitive, &array, &object].into_iter().zip(expected) {
                assert_eq!(
                    encode_path_styled("color", value, style, explode),
                    want,
                    "{style:?} {explode} {value}"
                );
            }
        }
        // No members is undefined (RFC 6570): nothing, not even the prefix; an empty string is
        // a value.
        for style in [ParamStyle::Simple, ParamStyle::Label, ParamStyle::Matrix] {
            for empty in [json!([]), json!({}), json!(null), json!([null])] {
                assert_eq!(encode_path_styled("color", &empty, style, true), "", "{style:?} {empty}");
                assert_eq!(encode_path_styled("color", &empty, style, false), "", "{style:?} {empty}");
            }
        }
        assert_eq!(encode_path_styled("color", "", ParamStyle::Matrix, false), ";color");
        assert_eq!(encode_path_styled("color", &["", "a"], ParamStyle::Matrix, true), ";color;color=a");
        assert_eq!(encode_path_styled("color", "", ParamStyle::Label, false), ".");
    }

    #[test]
    fn path_style_items_are_encoded_and_separators_are_not() {
        assert_eq!(encode_path_value(&["a/b", "c,d", "e f"]), "a%2Fb,c%2Cd,e%20f");
        assert_eq!(encode_path_value(&[1, 2]), "1,2");
        assert_eq!(encode_path_styled("a b", &[1], ParamStyle::Matrix, false), ";a%20b=1");
        assert_eq!(encode_path_styled("id", &json!({"k": [1]}), ParamStyle::Simple, false), "k,%5B1%5D");
        assert_eq!(encode_path_styled("f", &json!({"a": 1}), ParamStyle::Json, false), "%7B%22a%22%3A1%7D");
        assert_eq!(encode_path_value(&json!([1, null, 2])), "1,2");
    }

    #[test]
    fn query_styles_follow_the_openapi_table() {
        let (array, object) = (json!(["blue", "black", "brown"]), json!({"R": 100, "G": 200, "B": 150}));
        let cases = [
            (ParamStyle::Form, true, "color=blue&color=black&color=brown", "B=150&G=200&R=100"),
            (ParamStyle::Form, false, "color=blue,black,brown", "color=B,150,G,200,R,100"),
            (
                ParamStyle::SpaceDelimited,
                false,
                "color=blue%20black%20brown",
                "color=B%20150%20G%20200%20R%20100",
            ),
            (
                ParamStyle::PipeDelimited,
                false,
                "color=blue%7Cblack%7Cbrown",
                "color=B%7C150%7CG%7C200%7CR%7C100",
            ),
            (ParamStyle::SpaceDelimited, true, "color=blue&color=black&color=brown", "B=150&G=200&R=100"),
            (
                ParamStyle::DeepObject,
                true,
                "color%5B%5D=blue&color%5B%5D=black&color%5B%5D=brown",
                "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100",
            ),
        ];
        for (style, explode, want_array, want_object) in cases {
            for (value, want) in [(&array, want_array), (&object, want_object)] {
                let mut out = Vec::new();
                query_styled_pairs("color", value, style, explode, &mut out);
                assert_eq!(join_encoded(&out), want, "{style:?} {explode} {value}");
            }
        }
        let mut out = Vec::new();
        query_styled_pairs("color", &json!("blue"), ParamStyle::PipeDelimited, false, &mut out);
        query_styled_pairs("none", &json!(null), ParamStyle::Form, false, &mut out);
        // No members: undefined, so no parameter (RFC 6570), joined or not.
        query_styled_pairs("empty", &json!([]), ParamStyle::Form, false, &mut out);
        query_styled_pairs("nulls", &json!([null]), ParamStyle::PipeDelimited, false, &mut out);
        query_styled_pairs("no_keys", &json!({}), ParamStyle::Form, false, &mut out);
        query_styled_pairs("gone", &json!([]), ParamStyle::Form, true, &mut out);
        query_styled_pairs("blank", &json!([""]), ParamStyle::Form, false, &mut out);
        query_styled_pairs("filter", &json!({"a": [1, "x"]}), ParamStyle::Json, false, &mut out);
        query_styled_pairs("a b", &json!(["x,y", "z&"]), ParamStyle::Form, false, &mut out);
        query_styled_pairs("p", &json!(["x|y", "z"]), ParamStyle::PipeDelimited, false, &mut out);
        let nested = json!({"in": [1, 2], "items": [{"price": "p"}], "gte": null});
        query_styled_pairs("f", &nested, ParamStyle::DeepObject, true, &mut out);
        let want = [
            ("color", "blue"),
            ("blank", ""),
            ("filter", "%7B%22a%22%3A%5B1%2C%22x%22%5D%7D"),
            // An item's own comma is encoded and the comma between items is not; a pipe is
            // encoded either way, as URLs require.
            ("a%20b", "x%2Cy,z%26"),
            ("p", "x%7Cy%7Cz"),
            // Arrays in a deep object: trailing brackets for scalars, indices for objects.
            ("f%5Bin%5D%5B%5D", "1"),
            ("f%5Bin%5D%5B%5D", "2"),
            ("f%5Bitems%5D%5B0%5D%5Bprice%5D", "p"),
        ];
        assert_eq!(out, pairs(&want));
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
        let stripe = FormArrays { indexed: &["expand"], joined: &[] };
        let out = form_pairs(&body, stripe).unwrap();
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
        assert!(form_pairs(&json!(null), stripe).unwrap().is_empty());
        assert!(form_pairs(&json!([1]), stripe).unwrap_err().contains("an array"));
    }

    #[test]
    fn form_lists_of_values_are_written_as_their_encoding_says() {
        let body =
            json!({"tag": ["a b", 2, null, true], "ids": ["x", "y"], "empty": [], "objects": [{"k": "v"}]});
        let default = form_pairs(&body, FormArrays::default()).unwrap();
        assert_eq!(
            default,
            pairs(&[
                ("ids", "x"),
                ("ids", "y"),
                ("objects[0][k]", "v"),
                ("tag", "a b"),
                ("tag", "2"),
                ("tag", "true")
            ])
        );
        assert_eq!(encode_pairs(&default[..2]), "ids=x&ids=y");
        let styled = form_pairs(&body, FormArrays { indexed: &["tag"], joined: &["ids", "empty"] }).unwrap();
        assert_eq!(
            styled,
            pairs(&[
                ("ids", "x,y"),
                ("objects[0][k]", "v"),
                ("tag[0]", "a b"),
                ("tag[1]", "2"),
                ("tag[3]", "true")
            ])
        );
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
