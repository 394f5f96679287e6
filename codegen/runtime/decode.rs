//! The raw response handed to decoders, and the standard decoders.
//!
//! Sending is not generic; only these small functions are instantiated per
//! response type. Generated operations pass one of them (usually
//! `decode_json::<T>`) to `Client::request`.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{DecodeError, Error};

/// A complete success response: status, headers and the whole body.
#[derive(Clone, Debug)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// Assembles a response (useful for decoders' tests).
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self { status, headers, body }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The request id from `X-Request-Id` (or `Request-Id`).
    pub fn request_id(&self) -> Option<&str> {
        header_request_id(&self.headers)
    }

    /// The `Content-Type` header, if present and readable.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|value| value.to_str().ok())
    }

    /// Splits into status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Bytes) {
        (self.status, self.headers, self.body)
    }
}

/// The request id header: `X-Request-Id`, falling back to `Request-Id` and the names AWS
/// (`X-Amzn-RequestId`, `X-Amz-Request-Id`) and Azure (`X-Ms-Request-Id`) use.
pub(super) fn header_request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-ms-request-id"]
        .iter()
        .filter_map(|name| headers.get(*name))
        .find_map(|value| value.to_str().ok())
}

/// Parses a whole JSON document, returning the failing path and error.
pub(super) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    // Tracking the field path slows decoding by about 60%; pay for it only to explain a failure.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => parse_json_with_path(body),
    }
}

#[cold]
fn parse_json_with_path<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| (err.path().to_string(), err.into_inner()))?;
    deserializer.end().map_err(|err| (".".to_owned(), err))?;
    Ok(value)
}

/// The path and message of a failure to decode a document, with the path inside a union's
/// variant, which [`decode_variant`] puts in front of its message, moved onto the path:
/// `data` and ``at `object.id`: missing field `id` `` are `data.object.id` and
/// ``missing field `id` ``.
pub(super) fn variant_path(mut path: String, mut message: String) -> (String, String) {
    while let Some((inner, rest)) = message.strip_prefix("at `").and_then(|m| m.split_once("`: ")) {
        path = if path.is_empty() || path == "." || path == "?" {
            inner.to_owned()
        } else if inner.starts_with('[') {
            format!("{path}{inner}")
        } else {
            format!("{path}.{inner}")
        };
        message = rest.to_owned();
    }
    (path, message)
}

/// Decodes the variant of a union that the value's tag or properties chose. A failure names the
/// field inside the variant (``at `data.object.amount`: invalid type: …``): the path the
/// enclosing document's decoding reports ends at the union.
pub fn decode_variant<T: DeserializeOwned, E: serde::de::Error>(value: &serde_json::Value) -> Result<T, E> {
    T::deserialize(value).map_err(|err| variant_error::<T, E>(value, err))
}

#[cold]
fn variant_error<T: DeserializeOwned, E: serde::de::Error>(
    value: &serde_json::Value,
    err: serde_json::Error,
) -> E {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Err(tracked) if tracked.path().iter().next().is_some() => {
            E::custom(format_args!("at `{}`: {}", tracked.path(), tracked.inner()))
        }
        _ => E::custom(err),
    }
}

/// Decodes a JSON body into `T`; failures name the field path.
///
/// ```
/// use atlaspay::runtime::{decode_json, RawResponse};
///
/// #[derive(serde::Deserialize, Debug)]
/// struct Customer { email: String }
///
/// let raw = RawResponse::new(
///     reqwest::StatusCode::OK,
///     Default::default(),
///     bytes::Bytes::from_static(br#"{"email": 42}"#),
/// );
/// let err = decode_json::<Customer>(&raw).unwrap_err();
/// assert_eq!(err.decode_error().unwrap().path, "email");
/// ```
pub fn decode_json<T: DeserializeOwned>(response: &RawResponse) -> Result<T, Error> {
    parse_json(&response.body).map_err(|(path, err)| json_error(response, path, err))
}

#[cold]
fn json_error(response: &RawResponse, path: String, err: serde_json::Error) -> Error {
    let request_id = response.request_id().map(str::to_owned);
    let not_json = not_json(response, &err);
    let mut error = DecodeError::from_json(path, err, response.status, request_id, &response.body);
    if let Some(what) = not_json {
        error.message = format!("{what}: {}", error.message);
    }
    tracing::debug!(status = response.status.as_u16(), error = %error, "response decode failed");
    error.into()
}

/// For a body that is not JSON at all (empty, HTML, cut off), what it is instead; the parser's
/// own message ("expected value at line 1 column 1") does not say. `None` for JSON of the wrong
/// shape, whose message names the field.
fn not_json(response: &RawResponse, err: &serde_json::Error) -> Option<String> {
    if !(err.is_syntax() || err.is_eof()) {
        return None;
    }
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Some("the response body is empty, expected JSON".to_owned());
    }
    match response.content_type() {
        Some(content_type) if !content_type.to_ascii_lowercase().contains("json") => {
            let shown: String = content_type.chars().take(100).collect();
            Some(format!("the response is not JSON (content-type `{shown}`)"))
        }
        _ if err.is_eof() => Some("the response body is not valid JSON (it ends too early)".to_owned()),
        _ => Some("the response body is not valid JSON".to_owned()),
    }
}

/// Accepts any success body and discards it (for operations without content).
pub fn decode_empty(_response: &RawResponse) -> Result<(), Error> {
    Ok(())
}

/// Returns the body bytes as they are.
pub fn decode_bytes(response: &RawResponse) -> Result<Bytes, Error> {
    Ok(response.body.clone())
}

/// Returns the body as UTF-8 text; invalid UTF-8 is a decode error.
pub fn decode_text(response: &RawResponse) -> Result<String, Error> {
    match std::str::from_utf8(&response.body) {
        Ok(text) => Ok(text.to_owned()),
        Err(err) => Err(DecodeError::new(
            format!("response body is not valid UTF-8: {err}"),
            response.status,
            response.request_id().map(str::to_owned),
            &response.body,
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A union's variant: an object whose `data.amount` is an integer.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        data: Inner,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        amount: i64,
    }

    #[test]
    fn a_union_variant_that_fails_names_the_field_inside_it() {
        let decode = |value: serde_json::Value| decode_variant::<Outer, serde_json::Error>(&value);
        assert!(decode(serde_json::json!({"data": {"amount": 1}})).is_ok());
        let nested = decode(serde_json::json!({"data": {"amount": "1"}})).unwrap_err().to_string();
        assert_eq!(nested, "at `data.amount`: invalid type: string \"1\", expected i64");
        // At the variant's own level there is no path to add.
        let missing = decode(serde_json::json!({})).unwrap_err().to_string();
        assert_eq!(missing, "missing field `data`");
    }

    #[test]
    fn a_failure_inside_a_union_is_reported_at_its_whole_path() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Union(Outer);
        impl<'de> serde::Deserialize<'de> for Union {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                decode_variant(&value).map(Union)
            }
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            events: Vec<Union>,
        }
        let r = raw(br#"{"events":[{"data":{"amount":1}},{"data":{"amount":"x"}}]}"#);
        let err = decode_json::<Doc>(&r).unwrap_err();
        let decode = err.decode_error().unwrap();
        assert_eq!(decode.path, "events[1].data.amount");
        assert!(decode.message.starts_with("invalid type: string \"x\", expected i64"), "{}", decode.message);
        // A union at the root, and one inside another.
        let at = |path: &str, message: &str| variant_path(path.to_owned(), message.to_owned());
        assert_eq!(
            at(".", "at `data.id`: missing field"),
            ("data.id".to_owned(), "missing field".to_owned())
        );
        assert_eq!(at("a", "at `b`: at `[2].c`: m"), ("a.b[2].c".to_owned(), "m".to_owned()));
        assert_eq!(at("a", "missing field"), ("a".to_owned(), "missing field".to_owned()));
    }

    fn raw(body: &'static [u8]) -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "req_fallback".parse().unwrap());
        RawResponse::new(StatusCode::OK, headers, Bytes::from_static(body))
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct List {
        data: Vec<Item>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        customer: Customer,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Customer {
        email: String,
    }

    #[test]
    fn json_path_in_errors() {
        let r = raw(br#"{"data":[{"customer":{"email":"a"}},{"customer":{"email":null}}]}"#);
        let err = decode_json::<List>(&r).unwrap_err();
        let decode = err.decode_error().unwrap();
        assert_eq!(decode.path, "data[1].customer.email");
        assert!(decode.message.contains("invalid type: null"), "{}", decode.message);
        assert_eq!(err.request_id(), Some("req_fallback"));
        assert_eq!(err.status(), Some(StatusCode::OK));
        let shown = err.to_string();
        assert!(shown.contains("`data[1].customer.email`"), "{shown}");
        assert!(!shown.contains("\"a\""), "{shown}");
    }

    #[test]
    fn trailing_garbage_and_empty_bodies() {
        assert!(decode_json::<serde_json::Value>(&raw(b"{} x")).is_err());
        assert!(decode_json::<serde_json::Value>(&raw(b"")).is_err());
        decode_empty(&raw(b"anything")).unwrap();
    }

    #[test]
    fn text_and_bytes() {
        assert_eq!(decode_text(&raw("héllo".as_bytes())).unwrap(), "héllo");
        let err = decode_text(&raw(&[0x66, 0xff])).unwrap_err();
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
        assert_eq!(&decode_bytes(&raw(b"\x00\x01")).unwrap()[..], b"\x00\x01");
    }

    #[test]
    fn request_id_prefers_x_request_id() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "b".parse().unwrap());
        headers.insert("x-request-id", "a".parse().unwrap());
        assert_eq!(header_request_id(&headers), Some("a"));
        assert_eq!(header_request_id(&HeaderMap::new()), None);
        for name in ["X-Amzn-RequestId", "x-amz-request-id", "x-ms-request-id"] {
            let mut headers = HeaderMap::new();
            headers.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                "c".parse().unwrap(),
            );
            assert_eq!(header_request_id(&headers), Some("c"), "{name}");
        }
    }
}
