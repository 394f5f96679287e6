//! Describing a request ([`RequestSpec`]), sending it ([`Request`]) and the
//! success wrapper ([`Response`]).
//!
//! All of the sending — building the HTTP request, credentials, idempotency
//! keys, retries, timeouts, error mapping, tracing — lives in the private,
//! non-generic `execute` function. Generic code per response type only calls
//! it and runs the decoder, which keeps compile times flat for APIs with
//! hundreds of operations.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, PROXY_AUTHORIZATION,
    USER_AGENT,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use tracing::Instrument;

use super::client::{ApiKeyLocation, Client, ClientInner, Credential, SchemeKind, SecurityScheme};
use super::decode::{RawResponse, header_request_id};
use super::encode::{
    FormArrays, ParamStyle, encode_component, encode_pairs, encoded_query_pairs, form_pairs, header_text,
    join_encoded, query_styled_pairs, to_json_value,
};
use super::error::{ApiError, Error, redact_secrets};
use super::retry::{self, Failure, RetryPolicy};
// @streams
use super::stream::Opened;

/// A boxed, `Send` future, as returned by `IntoFuture` implementations here.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Header used for an explicit [`Request::idempotency_key`] when the API
/// declares no idempotency header of its own.
pub const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// A request body, ready to send (and to re-send on retry).
#[derive(Clone)]
struct Body {
    content_type: std::borrow::Cow<'static, str>,
    bytes: Bytes,
}

/// A body field whose value the server deduplicates a request by, and whether the client fills
/// it in where the body leaves it out (a key of no meaning but that) or not (an order id).
#[derive(Clone, Copy)]
struct BodyKey {
    field: &'static str,
    fill: bool,
}

/// Everything about one operation call except client-level settings: method,
/// path, parameters, body and the accepted security requirements.
///
/// Generated code fills it in; encoding failures are remembered and reported
/// as [`Error::InvalidRequest`] when the request is sent, never as panics.
///
/// ```
/// use atlaspay::runtime::{encode_path_segment, RequestSpec};
///
/// let mut spec = RequestSpec::new(
///     reqwest::Method::GET,
///     format!("/customers/{}", encode_path_segment("cus_123")),
///     &[],
/// );
/// spec.query("expand", &["invoices"]);
/// spec.query("limit", &Some(10));
/// assert_eq!(spec.path(), "/customers/cus_123");
/// ```
#[derive(Clone)]
pub struct RequestSpec {
    method: Method,
    path: String,
    security: &'static [&'static [&'static SecurityScheme]],
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    body: Option<Body>,
    error: Option<String>,
    /// Whether the server honours the client's idempotency header on this operation.
    accepts_idempotency_key: bool,
    /// The body field whose value the server deduplicates this request by.
    key_in_body: Option<BodyKey>,
    /// A boolean property the body is sent with, whatever it gives ([`Self::body_flag`]).
    body_flag: Option<(&'static str, bool)>,
}

impl RequestSpec {
    /// A request for `path` (already percent-encoded, starting with `/`).
    ///
    /// `security` lists alternatives; each alternative lists schemes that must
    /// all be configured. An empty alternative means "no auth needed"; an empty
    /// list means the operation takes no auth at all.
    pub fn new(
        method: Method,
        path: String,
        security: &'static [&'static [&'static SecurityScheme]],
    ) -> Self {
        Self {
            method,
            path,
            security,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            error: None,
            accepts_idempotency_key: false,
            key_in_body: None,
            body_flag: None,
        }
    }

    /// Marks the operation as one whose server honours the client's idempotency header (the
    /// spec declares it there): a POST or PATCH then carries a generated key (or the caller's),
    /// kept across its retries, and is retried as a GET is. Without it, such a request is only
    /// retried when it certainly did not reach the server, since the server could act on it
    /// twice; a caller's key is still sent.
    pub fn accepts_idempotency_key(&mut self) {
        self.accepts_idempotency_key = true;
    }

    /// Marks the body field `field` (such as `idempotency_key`) as the key the server
    /// deduplicates this request by. Where the body leaves it out, a JSON or form body gets the
    /// caller's [`Request::idempotency_key`] there, or else a generated one (the same on every
    /// retry); the request is then retried as a GET is.
    pub fn idempotency_key_in_body(&mut self, field: &'static str) {
        self.key_in_body = Some(BodyKey { field, fill: true });
    }

    /// Marks the body field `field` as a value of the caller's that the server deduplicates
    /// this request by (a create's `external_id`, an order id): a body that sets it is retried
    /// as a GET is; one that leaves it out only when it certainly did not reach the server.
    /// Nothing is filled in, and a caller's [`Request::idempotency_key`] goes in the header.
    pub fn deduplicated_by_body_field(&mut self, field: &'static str) {
        self.key_in_body = Some(BodyKey { field, fill: false });
    }

    /// Refuses the request (an [`Error::InvalidRequest`]) if a path parameter's encoded segment
    /// is empty (`""`, an empty list): `/customers/` for `/customers/{id}` would reach another
    /// endpoint.
    pub fn require_path_params(&mut self, segments: &[(&'static str, &str)]) {
        if let Some((name, _)) = segments.iter().find(|(_, segment)| segment.is_empty()) {
            self.fail(format!("path parameter `{name}` is empty"));
        }
    }

    /// Adds a query parameter: null skipped, scalars as text, arrays as repeated
    /// `name=v`, objects as `name[key]=v`.
    pub fn query<V: Serialize + ?Sized>(&mut self, name: &'static str, value: &V) {
        match to_json_value(value) {
            Ok(value) => encoded_query_pairs(name, &value, &mut self.query),
            Err(err) => self.fail(format!("query parameter `{name}`: {err}")),
        }
    }

    /// Adds a query parameter written in an OpenAPI `style` and `explode` (see
    /// [`query_styled_pairs`]): `ids=3,4,5` for `form` without `explode`, `size=20&page=2` for an
    /// exploded `form` object, and so on.
    pub fn query_styled<V: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &V,
        style: ParamStyle,
        explode: bool,
    ) {
        match to_json_value(value) {
            Ok(value) => query_styled_pairs(name, &value, style, explode, &mut self.query),
            Err(err) => self.fail(format!("query parameter `{name}`: {err}")),
        }
    }

    /// Adds a header parameter: null skipped, scalars as text, arrays comma-joined.
    pub fn header<V: Serialize + ?Sized>(&mut self, name: &'static str, value: &V) {
        let value = to_json_value(value);
        self.push_header(name, value);
    }

    fn push_header(&mut self, name: &'static str, value: Result<serde_json::Value, String>) {
        match value {
            Ok(value) => {
                if let Some(text) = header_text(&value) {
                    self.headers.push((name, text));
                }
            }
            Err(err) => self.fail(format!("header `{name}`: {err}")),
        }
    }

    /// Adds a cookie parameter (`name=value` in the `Cookie` header); null is skipped.
    pub fn cookie<V: Serialize + ?Sized>(&mut self, name: &'static str, value: &V) {
        match to_json_value(value) {
            Ok(value) => {
                if let Some(text) = header_text(&value) {
                    self.cookies.push((name, text));
                }
            }
            Err(err) => self.fail(format!("cookie `{name}`: {err}")),
        }
    }

    /// Sends the body with its boolean property `name` set to `value`, whatever the body gives,
    /// and with only that property where the body is left out: what asks the server to stream its
    /// answer, or not (OpenAI's `stream`), on an operation that answers either way, so that each
    /// method gets the answer it decodes. Call it before the body is set.
    pub fn body_flag(&mut self, name: &'static str, value: bool) {
        self.body_flag = Some((name, value));
    }

    /// Sets a JSON body (`application/json`).
    pub fn json_body<V: Serialize + ?Sized>(&mut self, body: &V) {
        if let Some(flag) = self.body_flag {
            match flagged(body, flag) {
                Ok(value) => self.json_text_body(&value),
                Err(err) => self.fail(format!("request body: {err}")),
            }
            return;
        }
        self.json_text_body(body);
    }

    fn json_text_body<V: Serialize + ?Sized>(&mut self, body: &V) {
        let mut out = Vec::with_capacity(128);
        let result = write_json(&mut out, body).map_err(|(path, err)| match path {
            Some(path) => format!("at `{path}`: {err}"),
            None => err,
        });
        self.set_body("application/json", result.map(|()| out));
    }

    /// Sets a JSON Lines body (`application/x-ndjson` and the like, as `content_type` names it):
    /// each item as one line of JSON.
    pub fn json_lines_body<V: Serialize>(&mut self, content_type: &'static str, items: &[V]) {
        let mut out = Vec::with_capacity(128 * items.len());
        for (i, item) in items.iter().enumerate() {
            if let Err((path, err)) = write_json(&mut out, item) {
                let at = path.map_or(String::new(), |path| format!(" at `{path}`"));
                self.fail(format!("request body: item {i}{at}: {err}"));
                return;
            }
            out.push(b'\n');
        }
        self.bytes_body(content_type, Bytes::from(out));
    }

    /// Asks for `media` in the `Accept` header, unless the operation sets that header itself.
    // @streams
    pub(super) fn accept(&mut self, media: &'static str) {
        if !self.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("accept")) {
            self.headers.push(("accept", media.to_owned()));
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body: objects nested with brackets (`a[b]=1`,
    /// `items[0][price]=p`), lists of values under their name (`tag=a&tag=b`); nulls are skipped.
    pub fn form_body<V: Serialize + ?Sized>(&mut self, body: &V) {
        self.form_body_with(body, FormArrays::default());
    }

    /// [`form_body`](Self::form_body) with the lists of values of some properties written with
    /// indices or joined, as their `encoding` says.
    pub fn form_body_with<V: Serialize + ?Sized>(&mut self, body: &V, arrays: FormArrays) {
        let value = match self.body_flag {
            Some(flag) => flagged(body, flag),
            None => to_json_value(body),
        };
        let encoded =
            value.and_then(|value| form_pairs(&value, arrays)).map(|pairs| encode_pairs(&pairs).into_bytes());
        self.set_body("application/x-www-form-urlencoded", encoded);
    }

    /// Sets a JSON body where the caller gave one (the operation's body is optional). Without
    /// one, nothing is sent, unless the operation takes its idempotency key in the body: then
    /// `{}` is sent, with the key in it.
    pub fn optional_json_body<V: Serialize>(&mut self, body: Option<&V>) {
        match body {
            Some(body) => self.json_body(body),
            None if self.fills_body_key() || self.body_flag.is_some() => {
                self.json_body(&serde_json::Map::new())
            }
            None => {}
        }
    }

    /// [`optional_json_body`](Self::optional_json_body) for an
    /// `application/x-www-form-urlencoded` body.
    pub fn optional_form_body<V: Serialize>(&mut self, body: Option<&V>) {
        self.optional_form_body_with(body, FormArrays::default());
    }

    /// [`optional_form_body`](Self::optional_form_body) with [`form_body_with`](Self::form_body_with)'s
    /// lists.
    pub fn optional_form_body_with<V: Serialize>(&mut self, body: Option<&V>, arrays: FormArrays) {
        match body {
            Some(body) => self.form_body_with(body, arrays),
            None if self.fills_body_key() || self.body_flag.is_some() => {
                self.form_body_with(&serde_json::Map::new(), arrays)
            }
            None => {}
        }
    }

    /// Whether the operation takes its idempotency key in the body, filled in where left out.
    fn fills_body_key(&self) -> bool {
        self.key_in_body.is_some_and(|key| key.fill)
    }

    /// Sets a raw body with the given content type.
    pub fn bytes_body(&mut self, content_type: &'static str, body: Bytes) {
        self.body = Some(Body { content_type: content_type.into(), bytes: body });
    }

    /// Sets a `multipart/form-data` body. It is encoded to bytes here, so retries can resend it.
    pub fn multipart_body<V: super::multipart::ToMultipart + ?Sized>(&mut self, body: &V) {
        let mut form = body.to_multipart();
        if let Some((name, value)) = self.body_flag {
            form.replace_field(name, &value);
        }
        if let Some(message) = form.error() {
            self.fail(format!("multipart body: {message}"));
            return;
        }
        let (content_type, bytes) = form.encode();
        self.body = Some(Body { content_type: content_type.into(), bytes });
    }

    /// Sets a text body with the given content type.
    pub fn text_body(&mut self, content_type: &'static str, body: String) {
        self.bytes_body(content_type, Bytes::from(body));
    }

    fn set_body(&mut self, content_type: &'static str, body: Result<Vec<u8>, String>) {
        match body {
            Ok(bytes) => self.bytes_body(content_type, Bytes::from(bytes)),
            Err(err) => self.fail(format!("request body: {err}")),
        }
    }

    /// Records why the request cannot be sent; sending it returns [`Error::InvalidRequest`] with
    /// the first such message.
    pub(super) fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The (encoded) path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters so far, as sent: percent-encoded `(name, value)` pairs (encoded
    /// when added, because a style's separators are written as it says, not encoded with the
    /// items).
    pub fn query_params(&self) -> &[(String, String)] {
        &self.query
    }

    /// Replaces every query parameter called `name` with one `name=value` (both unencoded).
    pub fn set_query_param(&mut self, name: &str, value: String) {
        let name = encode_component(name);
        self.query.retain(|(existing, _)| *existing != name);
        self.query.push((name, encode_component(&value)));
    }

    /// The first value of query parameter `name` (unencoded), as sent (percent-encoded), if set.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        let name = encode_component(name);
        self.query.iter().find(|(existing, _)| *existing == name).map(|(_, value)| value.as_str())
    }

    /// Points the request at `link`, the next page's URL as a list response gave it: absolute,
    /// or relative to this request's URL under `base`. The link's path and query replace the
    /// request's, since it carries every parameter the server wants for that page. A link to
    /// another host, or outside `base`'s path, is refused: the request's credentials would go
    /// with it. An `http` link to the `https` API's host is followed over https. A link under
    /// `documented` (the API description's server, where the client was pointed elsewhere: a
    /// proxy, a mock) is the same page under `base`, where the request goes.
    pub(super) fn follow_link(
        &mut self,
        base: &reqwest::Url,
        documented: Option<&reqwest::Url>,
        link: &str,
    ) -> Result<(), String> {
        let base_path = base.path().trim_end_matches('/');
        let mut current = base.clone();
        current.set_path(&format!("{base_path}{}", self.path));
        let query = join_encoded(&self.query);
        current.set_query((!query.is_empty()).then_some(query.as_str()));
        let target = current
            .join(link.trim())
            .map_err(|err| format!("the next page's link `{link}` is not a URL: {err}"))?;
        let Some(rest) = path_under(base, &target).or_else(|| path_under(documented?, &target)) else {
            return Err(format!(
                "the next page's link `{link}` points outside the API ({}); not followed, so that credentials stay with the API",
                base.as_str().trim_end_matches('/')
            ));
        };
        self.path = if rest.is_empty() { "/".to_owned() } else { rest.to_owned() };
        self.query = target
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => (pair.to_owned(), String::new()),
            })
            // An API key the link repeats is added again when the request is sent.
            .filter(|(name, _)| !self.query_keys().any(|key| encode_component(key) == *name))
            .collect();
        Ok(())
    }

    /// Names of the query parameters the request's security schemes put API keys in.
    fn query_keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.security.iter().flat_map(|alternative| alternative.iter()).filter_map(|scheme| {
            match scheme.kind {
                SchemeKind::ApiKey { location: ApiKeyLocation::Query, name } => Some(name),
                _ => None,
            }
        })
    }
}

/// `target`'s path below `base`'s (empty for `base` itself), if `target` is on `base`'s origin
/// (an `http` link to an `https` base's host counts) with no user info, and under its path.
fn path_under<'a>(base: &reqwest::Url, target: &'a reqwest::Url) -> Option<&'a str> {
    let same_origin = (target.scheme() == base.scheme()
        || (target.scheme() == "http" && base.scheme() == "https"))
        && target.host() == base.host()
        && target.port() == base.port()
        && target.username().is_empty()
        && target.password().is_none();
    let base_path = base.path().trim_end_matches('/');
    target
        .path()
        .strip_prefix(base_path)
        .filter(|rest| same_origin && (rest.is_empty() || rest.starts_with('/')))
}

/// Appends `value` as JSON; an error names the field it is at (`None` for the value itself).
fn write_json<V: Serialize + ?Sized>(out: &mut Vec<u8>, value: &V) -> Result<(), (Option<String>, String)> {
    serde_path_to_error::serialize(value, &mut serde_json::Serializer::new(out)).map_err(|err| {
        let path = err.path().to_string();
        ((path != ".").then_some(path), err.inner().to_string())
    })
}

/// A fresh idempotency key (UUID v4 text), for a body field that carries one.
pub fn new_idempotency_key() -> String {
    super::random::uuid_v4()
}

/// Shows method, path, parameter names and body size; never values.
impl fmt::Debug for RequestSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("RequestSpec")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &query)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|body| (&body.content_type, body.bytes.len())))
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// Per-request overrides shared by [`Request`] and list requests.
#[derive(Clone, Default)]
pub(super) struct RequestOptions {
    pub(super) idempotency_key: Option<String>,
    pub(super) timeout: Option<Duration>,
    /// The time the request may take in all: its attempts and the waits between them.
    pub(super) total_timeout: Option<Duration>,
    pub(super) max_retries: Option<u32>,
    pub(super) headers: Vec<(&'static str, String)>,
}

/// A prepared call; await it (or call [`Request::send`]) to run it.
///
/// ```no_run
/// # async fn demo(client: atlaspay::runtime::Client, spec: atlaspay::runtime::RequestSpec) -> Result<(), atlaspay::runtime::Error> {
/// use std::time::Duration;
/// use atlaspay::runtime::decode_json;
///
/// let customer: serde_json::Value = client
///     .request(spec, decode_json)
///     .idempotency_key("order-1234")
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<T> {
    client: Client,
    spec: RequestSpec,
    options: RequestOptions,
    read: Read<T>,
}

/// How a success response becomes the request's output.
enum Read<T> {
    /// The body is read whole, then decoded.
    Whole(fn(&RawResponse) -> Result<T, Error>),
    /// The body is left open and handed over as it arrives (an [`EventStream`]).
    // @streams
    Open(Box<dyn FnOnce(Opened) -> T + Send + Sync>),
}

impl<T: Send + 'static> Request<T> {
    pub(super) fn new(
        client: Client,
        spec: RequestSpec,
        decode: fn(&RawResponse) -> Result<T, Error>,
    ) -> Self {
        Self { client, spec, options: RequestOptions::default(), read: Read::Whole(decode) }
    }

    // @streams
    pub(super) fn streamed(
        client: Client,
        spec: RequestSpec,
        open: Box<dyn FnOnce(Opened) -> T + Send + Sync>,
    ) -> Self {
        Self { client, spec, options: RequestOptions::default(), read: Read::Open(open) }
    }

    /// Uses this idempotency key (instead of a generated one) on every attempt: in the
    /// idempotency header, or in the body field where the operation takes its key there (a bank
    /// transfer's `idempotency_key`; a body that sets a different one is refused). A key on an
    /// operation whose server does not honour it is still sent, but does not make a POST safe to
    /// retry.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Overrides the per-attempt timeout for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Bounds the time this request may take in all, its retries and the waits before them
    /// included: no attempt starts or runs past it, and a retry that could not finish in time
    /// is not made. Without it, the bound is every attempt's timeout plus the longest waits.
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.options.total_timeout = Some(total);
        self
    }

    /// Overrides the number of retries for this request (0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// Adds (or replaces) a header on this request.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.options.headers.push((name, value.into()));
        self
    }

    /// Sends the request and decodes the body.
    pub async fn send(self) -> Result<T, Error> {
        self.into_future().await
    }

    /// Sends the request and returns the body with status, headers, request id
    /// and rate-limit information.
    pub async fn send_with_response(self) -> Result<Response<T>, Error> {
        match self.read {
            Read::Whole(decode) => {
                let raw = execute(&self.client, &self.spec, &self.options).await?;
                let body = decode(&raw)?;
                Ok(Response::new(raw, body))
            }
            // @streams
            Read::Open(open) => {
                let opened = execute_open(&self.client, &self.spec, &self.options).await?;
                // Cloned, not taken: the stream reads its request id from them.
                let (status, headers) = (opened.response.status(), opened.response.headers().clone());
                Ok(Response::from_parts(status, headers, open(opened)))
            }
        }
    }
}

#[cfg(feature = "blocking")]
impl<T: Send + 'static> Request<T> {
    /// [`send`](Self::send) from synchronous code (the `blocking` feature): sends the request and
    /// waits for its decoded body. From async code it blocks the calling thread until then:
    /// `.await` the request there instead.
    pub fn send_blocking(self) -> Result<T, Error> {
        super::blocking::wait("send_blocking", self.into_future())?
    }

    /// [`send_with_response`](Self::send_with_response) from synchronous code (the `blocking`
    /// feature).
    pub fn send_with_response_blocking(self) -> Result<Response<T>, Error> {
        super::blocking::wait("send_with_response_blocking", self.send_with_response())?
    }
}

impl<T: Send + 'static> IntoFuture for Request<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            match self.read {
                Read::Whole(decode) => decode(&execute(&self.client, &self.spec, &self.options).await?),
                // @streams
                Read::Open(open) => Ok(open(execute_open(&self.client, &self.spec, &self.options).await?)),
            }
        })
    }
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.spec.method)
            .field("path", &self.spec.path)
            .finish_non_exhaustive()
    }
}

/// A decoded success response with its metadata.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// `X-Request-Id` (or `Request-Id`), if sent.
    pub request_id: Option<String>,
    /// The rate-limit headers, if sent.
    pub rate_limit: RateLimit,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    pub(super) fn new(raw: RawResponse, body: T) -> Self {
        let (status, headers, _) = raw.into_parts();
        Self::from_parts(status, headers, body)
    }

    pub(super) fn from_parts(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self {
            status,
            request_id: header_request_id(&headers).map(str::to_owned),
            rate_limit: RateLimit::from_headers(&headers),
            headers,
            body,
        }
    }

    /// The decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Transforms the body, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            rate_limit: self.rate_limit,
            body: f(self.body),
        }
    }
}

/// Rate-limit state from `X-RateLimit-Limit`, `-Remaining` and `-Reset`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets, in Unix seconds.
    pub reset: Option<i64>,
}

impl RateLimit {
    /// Reads the three headers; missing or unparseable ones are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        fn get<N: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<N> {
            headers.get(name)?.to_str().ok()?.trim().parse().ok()
        }
        Self {
            limit: get(headers, "x-ratelimit-limit"),
            remaining: get(headers, "x-ratelimit-remaining"),
            reset: get(headers, "x-ratelimit-reset"),
        }
    }

    /// The reset time as a date-time.
    pub fn reset_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.reset?, 0)
    }
}

// ---------------------------------------------------------------------------
// Sending (non-generic)
// ---------------------------------------------------------------------------

/// Sends a request with retries and returns the success response, or the
/// mapped error. One tracing span per call.
pub(super) fn execute<'a, S: ReadSuccess>(
    client: &'a Client,
    spec: &'a RequestSpec,
    options: &'a RequestOptions,
) -> impl Future<Output = Result<S, Error>> + Send + 'a {
    let span = tracing::info_span!(
        "http_request",
        method = %spec.method,
        path = %spec.path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    run(&client.inner, spec, options).instrument(span)
}

/// Sends a request as [`execute`] does, but leaves a success response's body unread, to be
/// streamed.
// @streams
pub(super) async fn execute_open(
    client: &Client,
    spec: &RequestSpec,
    options: &RequestOptions,
) -> Result<Opened, Error> {
    let response = execute(client, spec, options).await?;
    Ok(Opened {
        response,
        method: spec.method.clone(),
        path: spec.path.clone(),
        idle_timeout: options.timeout.unwrap_or(client.inner.timeout),
        max_frame_bytes: client.inner.max_response_bytes,
    })
}

/// A built request and how to send it.
struct Prepared {
    request: reqwest::Request,
    retry_safe: bool,
    policy: RetryPolicy,
    timeout: Duration,
}

fn is_idempotent_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// Picks the first alternative whose schemes all have credentials (no schemes when the
/// operation takes no auth).
fn select_credentials(
    inner: &ClientInner,
    security: &'static [&'static [&'static SecurityScheme]],
) -> Result<&'static [&'static SecurityScheme], Error> {
    if security.is_empty() {
        return Ok(&[]);
    }
    if let Some(alternative) = security
        .iter()
        .find(|alternative| alternative.iter().all(|scheme| inner.credential(scheme).is_some()))
    {
        return Ok(alternative);
    }
    // A credential given but refused says why, rather than that none was given.
    let needed =
        |name: &str| security.iter().flat_map(|alternative| alternative.iter()).any(|s| s.name == name);
    if let Some((_, why)) = inner.refused.iter().find(|(name, _)| needed(name)) {
        return Err(Error::config(why.clone()));
    }
    let (mut schemes, mut setters, mut token_setters) = (Vec::new(), Vec::new(), Vec::new());
    for scheme in security.iter().flat_map(|alternative| alternative.iter()) {
        if inner.credential(scheme).is_none() && !schemes.contains(&scheme.name) {
            schemes.push(scheme.name);
            setters.push(scheme.setter);
            if scheme.kind != SchemeKind::Basic {
                token_setters.push(scheme.setter);
            }
        }
    }
    Err(Error::MissingCredentials { schemes, setters, token_setters })
}

fn is_sensitive(name: &HeaderName) -> bool {
    name == AUTHORIZATION || name == PROXY_AUTHORIZATION || name == COOKIE
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), Error> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid_request(format!("`{name}` is not a valid header name")))?;
    let mut header_value = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_request(format!("the value of header `{name}` is not a valid header value"))
    })?;
    if is_sensitive(&header_name) {
        header_value.set_sensitive(true);
    }
    headers.insert(header_name, header_value);
    Ok(())
}

fn credential_error(scheme: &SecurityScheme) -> Error {
    Error::invalid_request(format!(
        "the credential for scheme `{}` cannot be sent (not a valid header value or wrong kind)",
        scheme.name
    ))
}

pub(super) fn sensitive_value(text: &str, scheme: &SecurityScheme) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(text).map_err(|_| credential_error(scheme))?;
    value.set_sensitive(true);
    Ok(value)
}

/// `.` or `..`, also percent-encoded (`%2e`), which URL parsers treat alike.
fn is_dot_segment(segment: &str) -> bool {
    segment.len() <= 6
        && [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."].iter().any(|dot| segment.eq_ignore_ascii_case(dot))
}

/// The credentials of the chosen security alternative, with their schemes.
fn chosen_credentials<'a>(
    inner: &'a ClientInner,
    schemes: &'static [&'static SecurityScheme],
) -> impl Iterator<Item = (&'static SecurityScheme, &'a Credential)> {
    schemes.iter().filter_map(|scheme| inner.credential(scheme).map(|credential| (*scheme, credential)))
}

/// Builds the HTTP request for one attempt. `generated_key` keeps the idempotency key generated
/// for the first attempt, so that every retry sends the same one.
fn prepare(
    inner: &ClientInner,
    spec: &RequestSpec,
    options: &RequestOptions,
    generated_key: &mut Option<HeaderValue>,
) -> Result<Prepared, Error> {
    let method = &spec.method;
    if let Some(message) = &inner.startup_error {
        return Err(Error::config(message.clone()));
    }
    if let Some(message) = &spec.error {
        return Err(Error::invalid_request(format!("{method} {}: {message}", spec.path)));
    }
    if !spec.path.starts_with('/') {
        return Err(Error::invalid_request(format!("path `{}` must start with `/`", spec.path)));
    }
    if spec.path.split('/').any(is_dot_segment) {
        // URL parsers resolve `.` and `..` (even percent-encoded) against the path, so an id of
        // `..` would silently address another endpoint.
        return Err(Error::invalid_request(format!(
            "{method} {}: a path segment (usually a path parameter) is `.` or `..`, which would change the path",
            spec.path
        )));
    }
    let schemes = select_credentials(inner, spec.security)?;

    // URL: base + path + query (+ API keys sent as query parameters). The base was parsed when
    // the client was built; only the path and query are parsed here.
    let Some(base) = &inner.base else {
        return Err(Error::config("the client has no base URL"));
    };
    let mut url = base.clone();
    let base_path = base.path().trim_end_matches('/');
    let mut path = String::with_capacity(base_path.len() + spec.path.len());
    path.push_str(base_path);
    path.push_str(&spec.path);
    url.set_path(&path);
    let mut query_keys = Vec::new();
    for (scheme, credential) in chosen_credentials(inner, schemes) {
        if let (SchemeKind::ApiKey { location: ApiKeyLocation::Query, name }, Credential::Token(token)) =
            (scheme.kind, credential)
        {
            query_keys.push((name.to_owned(), token.expose().to_owned()));
        }
    }
    if !spec.query.is_empty() || !query_keys.is_empty() {
        let mut query = join_encoded(&spec.query);
        if !spec.query.is_empty() && !query_keys.is_empty() {
            query.push('&');
        }
        query.push_str(&encode_pairs(&query_keys));
        url.set_query(Some(&query));
    }

    // Headers: caller's, then defaults, then idempotency key, then credentials.
    let mut headers = HeaderMap::with_capacity(8);
    for (name, value) in spec.headers.iter().chain(options.headers.iter()) {
        insert_header(&mut headers, name, value)?;
    }
    if !headers.contains_key(ACCEPT) {
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    }
    if !headers.contains_key(USER_AGENT) {
        headers.insert(USER_AGENT, inner.user_agent.clone());
    }
    if let Some(body) = &spec.body
        && !headers.contains_key(CONTENT_TYPE)
    {
        insert_header(&mut headers, "content-type", &body.content_type)?;
    }

    if options.idempotency_key.as_deref() == Some("") {
        return Err(Error::invalid_request("the idempotency key is empty"));
    }
    // The body, with the key the server deduplicates it by if it takes one there, and whether
    // it carries that key.
    let (body, body_keyed) = match (&spec.body, spec.key_in_body) {
        (Some(body), Some(key)) => {
            let (bytes, keyed) = body_with_key(body, key, options.idempotency_key.as_deref(), generated_key)?;
            (Some(bytes), keyed)
        }
        (body, _) => (body.as_ref().map(|body| body.bytes.clone()), false),
    };
    // Idempotency: safe methods need no key; POST and PATCH get one where the server honours it.
    let retry_safe = if is_idempotent_method(method) && options.idempotency_key.is_none() {
        true
    } else {
        // The server deduplicates by the client's header on this operation.
        let header_honoured = inner.idempotency_header.is_some() && spec.accepts_idempotency_key;
        let idempotency_name = inner.idempotency_header.unwrap_or(DEFAULT_IDEMPOTENCY_HEADER);
        let idempotency_header = HeaderName::from_bytes(idempotency_name.as_bytes())
            .map_err(|_| Error::config(format!("`{idempotency_name}` is not a valid header name")))?;
        if let Some(key) = options.idempotency_key.as_ref().filter(|_| !spec.fills_body_key()) {
            let value = HeaderValue::from_str(key)
                .map_err(|_| Error::invalid_request("the idempotency key is not a valid header value"))?;
            headers.insert(idempotency_header.clone(), value);
        } else if header_honoured
            && (*method == Method::POST || *method == Method::PATCH)
            && !headers.contains_key(&idempotency_header)
        {
            headers.insert(idempotency_header.clone(), generated(generated_key)?);
        }
        // A key in the header makes a retry safe only where the server honours it there: a
        // caller's key on another operation is sent, but does not make the request safe to send
        // twice. A body with the key the server deduplicates by (a transfer's `idempotency_key`,
        // a session's `external_id`) is.
        is_idempotent_method(method)
            || body_keyed
            || (header_honoured && headers.contains_key(&idempotency_header))
    };

    let mut basic: Option<(&str, &str)> = None;
    let mut cookies: Vec<String> =
        spec.cookies.iter().map(|(name, value)| format!("{name}={}", encode_cookie_value(value))).collect();
    for (scheme, credential) in chosen_credentials(inner, schemes) {
        match (scheme.kind, credential) {
            (SchemeKind::Bearer | SchemeKind::Http { .. }, Credential::Token(_)) => {
                let value = inner.bearer_header(scheme).ok_or_else(|| credential_error(scheme))?;
                headers.insert(AUTHORIZATION, value.clone());
            }
            (SchemeKind::Basic, Credential::Token(username)) => {
                basic = Some((username.expose(), ""));
            }
            (SchemeKind::Basic, Credential::Basic { username, password }) => {
                basic = Some((username.expose(), password.expose()));
            }
            (SchemeKind::ApiKey { location: ApiKeyLocation::Header, name }, Credential::Token(token)) => {
                let header_name =
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| credential_error(scheme))?;
                headers.insert(header_name, sensitive_value(token.expose(), scheme)?);
            }
            (SchemeKind::ApiKey { location: ApiKeyLocation::Cookie, name }, Credential::Token(token)) => {
                cookies.push(format!("{name}={}", token.expose()))
            }
            (SchemeKind::ApiKey { location: ApiKeyLocation::Query, .. }, Credential::Token(_)) => {}
            (_, Credential::Basic { .. }) => return Err(credential_error(scheme)),
        }
    }
    if !cookies.is_empty() {
        if let Some(existing) = headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
            cookies.insert(0, existing.to_owned());
        }
        let value = cookies.join("; ");
        let value = HeaderValue::from_str(&value)
            .map_err(|_| Error::invalid_request("a cookie credential is not a valid header value"))?;
        let mut value = value;
        value.set_sensitive(true);
        headers.insert(COOKIE, value);
    }

    let Some(http) = &inner.http else {
        return Err(Error::config("the client has no HTTP stack"));
    };
    // The request is assembled directly: a `RequestBuilder` would merge the header map into
    // its own, entry by entry.
    let mut request = reqwest::Request::new(method.clone(), url);
    *request.headers_mut() = headers;
    if let Some(body) = body {
        *request.body_mut() = Some(body.into());
    }
    if let Some((username, password)) = basic {
        request = reqwest::RequestBuilder::from_parts(http.clone(), request)
            .basic_auth(username, Some(password))
            .build()
            .map_err(|err| {
                Error::invalid_request(format!(
                    "{method} {}: cannot build the request: {}",
                    spec.path,
                    err.without_url()
                ))
            })?;
    }

    for hook in &inner.request_hooks {
        hook(&mut request).map_err(|err| {
            Error::invalid_request(format!("{method} {}: a request hook refused it: {err}", spec.path))
        })?;
    }

    let policy = inner.retry;
    let policy = RetryPolicy::new(
        options.max_retries.unwrap_or(policy.max_retries),
        policy.initial_delay,
        policy.max_delay,
    );
    let timeout = options.timeout.unwrap_or(inner.timeout);
    if timeout.is_zero() {
        return Err(Error::invalid_request("timeout must be greater than zero"));
    }
    Ok(Prepared { request, retry_safe, policy, timeout })
}

/// The idempotency key generated for this request, made on its first attempt and the same on
/// every retry, in the header or in the body.
fn generated(generated_key: &mut Option<HeaderValue>) -> Result<HeaderValue, Error> {
    if let Some(value) = generated_key {
        return Ok(value.clone());
    }
    let value = HeaderValue::from_str(&new_idempotency_key())
        .map_err(|_| Error::invalid_request("generated idempotency key is invalid"))?;
    Ok(generated_key.insert(value).clone())
}

/// The body with the key the server deduplicates it by in `key.field`, and whether it has one:
/// the body's own, or else (where the client fills it) the caller's, or else the one generated
/// for this request's first attempt. An empty value is none. Only JSON objects and forms can
/// take one the body leaves out; multipart bodies get theirs in generated code. The body's
/// other bytes are kept as they are (a JSON body is not parsed and printed again, which would
/// turn integers beyond 64 bits into floats).
fn body_with_key(
    body: &Body,
    key: BodyKey,
    caller_key: Option<&str>,
    generated_key: &mut Option<HeaderValue>,
) -> Result<(Bytes, bool), Error> {
    let BodyKey { field, fill } = key;
    let content_type = body.content_type.as_ref();
    let form = content_type == "application/x-www-form-urlencoded";
    let json = match content_type {
        "application/json" => {
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&body.bytes).ok()
        }
        _ => None,
    };
    let own = match &json {
        Some(object) => object.get(field).and_then(|value| match value {
            serde_json::Value::String(own) => Some(own.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }),
        None if form => form_value(&body.bytes, field),
        None => None,
    }
    .filter(|own| !own.is_empty());
    let value = match (own, caller_key) {
        (Some(own), Some(caller)) if fill && own != caller => {
            return Err(Error::invalid_request(format!(
                "two idempotency keys: the body's `{field}` and another given to the request; set one"
            )));
        }
        (Some(_), _) => return Ok((body.bytes.clone(), true)),
        (None, _) if !fill => return Ok((body.bytes.clone(), false)),
        (None, _) if json.is_none() && !form => {
            if caller_key.is_some() {
                return Err(Error::invalid_request(format!(
                    "this operation takes its idempotency key in the body field `{field}`: set it there"
                )));
            }
            return Ok((body.bytes.clone(), true));
        }
        (None, Some(caller)) => caller.to_owned(),
        (None, None) => generated(generated_key)?.to_str().unwrap_or_default().to_owned(),
    };
    let bytes = match &json {
        Some(object) => with_json_field(&body.bytes, object.contains_key(field), field, &value)?,
        None => with_form_field(&body.bytes, field, &value),
    };
    Ok((Bytes::from(bytes), true))
}

/// A JSON object's bytes with `"field": value` first. One that already has the field (`null`
/// or empty) is printed again with it replaced: two members of one name would be read either way.
fn with_json_field(object: &[u8], has_field: bool, field: &str, value: &str) -> Result<Vec<u8>, Error> {
    let error = |err: serde_json::Error| Error::invalid_request(format!("request body: {err}"));
    if has_field {
        let mut map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(object).map_err(error)?;
        map.insert(field.to_owned(), serde_json::Value::String(value.to_owned()));
        return serde_json::to_vec(&map).map_err(error);
    }
    let start = object.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let rest = object.get(start + 1..).unwrap_or_default();
    let empty = rest.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'}');
    let mut out = Vec::with_capacity(object.len() + field.len() + value.len() + 8);
    out.push(b'{');
    serde_json::to_writer(&mut out, field).map_err(error)?;
    out.push(b':');
    serde_json::to_writer(&mut out, value).map_err(error)?;
    if !empty {
        out.push(b',');
    }
    out.extend_from_slice(rest);
    Ok(out)
}

/// A form's bytes with `field=value` last, instead of any (empty) pair of that name.
fn with_form_field(form: &[u8], field: &str, value: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(form.len() + field.len() + value.len() + 2);
    for pair in
        form.split(|b| *b == b'&').filter(|pair| !pair.is_empty() && form_pair(pair).0 != field.as_bytes())
    {
        if !out.is_empty() {
            out.push(b'&');
        }
        out.extend_from_slice(pair);
    }
    if !out.is_empty() {
        out.push(b'&');
    }
    out.extend_from_slice(super::encode::encode_pairs(&[(field.to_owned(), value.to_owned())]).as_bytes());
    out
}

/// The decoded value of the form field `field` (a name without characters to encode).
fn form_value(form: &[u8], field: &str) -> Option<String> {
    form.split(|b| *b == b'&').find_map(|pair| {
        let (name, value) = form_pair(pair);
        if name != field.as_bytes() {
            return None;
        }
        let value: Vec<u8> = value.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
        Some(percent_encoding::percent_decode(&value).decode_utf8_lossy().into_owned())
    })
}

/// A form pair's encoded name and value (`a=1` → `a`, `1`; `a` → `a`, empty).
fn form_pair(pair: &[u8]) -> (&[u8], &[u8]) {
    match pair.iter().position(|b| *b == b'=') {
        Some(at) => (&pair[..at], &pair[at + 1..]),
        None => (pair, &[]),
    }
}

/// The plain-text credentials this request sends, to scrub echoes of them out of error bodies.
fn sent_secrets<'a>(inner: &'a ClientInner, spec: &RequestSpec) -> Vec<&'a str> {
    let schemes = select_credentials(inner, spec.security).unwrap_or_default();
    chosen_credentials(inner, schemes).flat_map(|(_, credential)| credential.secrets()).collect()
}

pub(super) enum AttemptError {
    Timeout,
    Transport(reqwest::Error),
    /// The body exceeded the client's size limit.
    TooLarge,
}

/// How a request takes a success response: read whole ([`RawResponse`]), or left open for its
/// body to be streamed (`reqwest::Response`).
pub(super) trait ReadSuccess: Sized + Send + 'static {
    fn read(
        response: reqwest::Response,
        limit: u64,
    ) -> impl Future<Output = Result<Self, AttemptError>> + Send;
    fn status(&self) -> StatusCode;
    fn headers(&self) -> &HeaderMap;
}

impl ReadSuccess for RawResponse {
    fn read(
        response: reqwest::Response,
        limit: u64,
    ) -> impl Future<Output = Result<Self, AttemptError>> + Send {
        read_whole(response, limit)
    }
    fn status(&self) -> StatusCode {
        self.status()
    }
    fn headers(&self) -> &HeaderMap {
        self.headers()
    }
}

// @streams
impl ReadSuccess for reqwest::Response {
    async fn read(response: reqwest::Response, _limit: u64) -> Result<Self, AttemptError> {
        Ok(response)
    }
    fn status(&self) -> StatusCode {
        self.status()
    }
    fn headers(&self) -> &HeaderMap {
        self.headers()
    }
}

/// What an attempt got back: a success, taken as the request takes it, or a failure status with
/// its whole body.
enum Answer<S> {
    Success(S),
    Failure(RawResponse),
}

/// One attempt: send, then take the body, within `timeout`.
async fn send_once<S: ReadSuccess>(
    http: &reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
    limit: u64,
) -> Result<Answer<S>, AttemptError> {
    let exchange = async {
        let response = http.execute(request).await.map_err(AttemptError::transport)?;
        if response.status().is_success() {
            return S::read(response, limit).await.map(Answer::Success);
        }
        read_whole(response, limit).await.map(Answer::Failure)
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(AttemptError::Timeout),
    }
}

/// Reads a whole body, up to `limit` bytes.
async fn read_whole(mut response: reqwest::Response, limit: u64) -> Result<RawResponse, AttemptError> {
    let status = response.status();
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(AttemptError::TooLarge);
    }
    let headers = std::mem::take(response.headers_mut());
    let expected = response.content_length();
    // Read chunk by chunk so an endless or huge body stops at the limit. A body that arrives
    // in one chunk (the usual case for small JSON) is kept as it is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(AttemptError::transport)? {
        let received = first.as_ref().map_or(0, Bytes::len) + body.len();
        if (received + chunk.len()) as u64 > limit {
            return Err(AttemptError::TooLarge);
        }
        if first.is_none() && body.is_empty() {
            first = Some(chunk);
            continue;
        }
        if let Some(first) = first.take() {
            let capacity = expected.map_or(0, |len| usize::try_from(len).unwrap_or(0));
            body.reserve(capacity.max(first.len() + chunk.len()));
            body.extend_from_slice(&first);
        }
        body.extend_from_slice(&chunk);
    }
    let body = match first {
        Some(only) => only,
        None => body.freeze(),
    };
    Ok(RawResponse::new(status, headers, body))
}

impl AttemptError {
    fn transport(err: reqwest::Error) -> Self {
        AttemptError::Transport(err.without_url())
    }
}

fn timeout_error(spec: &RequestSpec, attempts: u32, timeout: Duration) -> Error {
    Error::Timeout { method: spec.method.clone(), path: spec.path.clone(), attempts, timeout }
}

/// The error and its causes on one line (the URL is already removed). A body cut off mid-way,
/// which reqwest calls "error decoding response body", is named for what it is.
pub(crate) fn error_chain(err: &reqwest::Error) -> String {
    let (mut message, mut source) = if retry::body_interruption(err) {
        // reqwest's own words ("error decoding response body") would mislead: nothing was decoded.
        let mut cause = std::error::Error::source(err);
        while let Some(inner) = cause.and_then(|c| c.downcast_ref::<reqwest::Error>()) {
            cause = std::error::Error::source(inner);
        }
        ("connection failed while reading the response body".to_owned(), cause)
    } else {
        (err.to_string(), std::error::Error::source(err))
    };
    let mut depth = 0;
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        depth += 1;
        if depth >= 8 {
            break;
        }
        source = cause.source();
    }
    message
}

/// Whether the crate was built with one of its TLS backend features. An application can also
/// give reqwest a backend directly, so without one https may still work.
const TLS_BACKEND_FEATURE: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

const MISSING_TLS: &str = "https needs a TLS backend and this build has none: enable the client \
    crate's `rustls` (its default) or `native-tls` feature, or a TLS feature of reqwest";

/// Whether a transport error is reqwest refusing an `https` URL for want of any TLS backend. Its
/// words (hyper-util's "invalid URL, scheme is not http") name neither the cause nor the fix, and a
/// retry cannot help.
fn missing_tls(tls_backend_feature: bool, connect: bool, message: &str) -> bool {
    !tls_backend_feature && connect && message.contains("scheme is not http")
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

async fn run<S: ReadSuccess>(
    inner: &ClientInner,
    spec: &RequestSpec,
    options: &RequestOptions,
) -> Result<S, Error> {
    let mut generated_key = None;
    let Prepared { request, retry_safe, policy, timeout } = prepare(inner, spec, options, &mut generated_key)
        .inspect_err(|err| {
            tracing::debug!(error = %err, "request not sent");
        })?;
    // The first attempt sends the request as built; a retry builds it again (with the same
    // idempotency key) rather than every call paying for a copy it rarely needs.
    let mut first_request = Some(request);
    let span = tracing::Span::current();
    let budget = policy.total_budget(timeout);
    let budget = options.total_timeout.map_or(budget, |total| budget.min(total));
    let deadline = Instant::now().checked_add(budget);
    let mut attempt: u32 = 0;
    // Whether a failed attempt may have been carried out, for an API error answering a later one.
    let mut may_have_applied = false;
    loop {
        span.record("attempt", attempt);
        let per_attempt = match deadline {
            Some(deadline) if attempt > 0 || options.total_timeout.is_some() => {
                timeout.min(deadline.saturating_duration_since(Instant::now()))
            }
            _ => timeout,
        };
        if per_attempt.is_zero() {
            return Err(timeout_error(spec, attempt, timeout));
        }
        let request = match first_request.take() {
            Some(request) => request,
            None => prepare(inner, spec, options, &mut generated_key)?.request,
        };
        tracing::debug!(attempt, timeout_ms = millis(per_attempt), "sending request");
        let sent_at = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);

        let Some(http) = &inner.http else {
            return Err(Error::config("the client has no HTTP stack"));
        };
        let (error, failure, server_wait) =
            match send_once::<S>(http, request, per_attempt, inner.max_response_bytes).await {
                Ok(answer) => {
                    let (status, headers) = match &answer {
                        Answer::Success(success) => (success.status(), success.headers()),
                        Answer::Failure(raw) => (raw.status(), raw.headers()),
                    };
                    if !span.is_disabled() {
                        span.record("status", status.as_u16());
                        if let Some(request_id) = header_request_id(headers) {
                            span.record("request_id", request_id);
                        }
                    }
                    if let Some(sent_at) = sent_at {
                        tracing::debug!(
                            attempt,
                            status = status.as_u16(),
                            elapsed_ms = millis(sent_at.elapsed()),
                            "response received"
                        );
                    }
                    let raw = match answer {
                        Answer::Success(success) => return Ok(success),
                        Answer::Failure(raw) => raw,
                    };
                    let (status, headers, body) = raw.into_parts();
                    let body = redact_secrets(body, &sent_secrets(inner, spec));
                    let server_wait = retry::server_wait(status, &headers, SystemTime::now());
                    let mut api = ApiError::new(status, headers, body).for_request(
                        spec.method.clone(),
                        &*spec.path,
                        attempt + 1,
                    );
                    api.earlier_attempt_may_have_applied = may_have_applied;
                    let failure = Failure::Status {
                        status,
                        transient_conflict: api.is_transient_conflict(),
                        has_server_wait: server_wait.is_some(),
                    };
                    (Error::from(api), failure, server_wait)
                }
                Err(AttemptError::Timeout) => {
                    (timeout_error(spec, attempt + 1, timeout), Failure::Timeout, None)
                }
                Err(AttemptError::TooLarge) => (
                    Error::ResponseTooLarge {
                        method: spec.method.clone(),
                        path: spec.path.clone(),
                        limit: inner.max_response_bytes,
                    },
                    Failure::Transport { retryable: false },
                    None,
                ),
                Err(AttemptError::Transport(err)) => {
                    // A connect error is retried even for an unsafe request, unless it is of a kind
                    // no retry can help (a refused certificate).
                    let failure = if err.is_connect() && retry::transport_is_retryable(&err) {
                        Failure::Connect
                    } else if err.is_timeout() {
                        Failure::Timeout
                    } else {
                        Failure::Transport { retryable: retry::transport_is_retryable(&err) }
                    };
                    let error = if err.is_timeout() {
                        timeout_error(spec, attempt + 1, timeout)
                    } else {
                        let message = error_chain(&err);
                        if missing_tls(TLS_BACKEND_FEATURE, err.is_connect(), &message) {
                            // The build, not the network: no retry can help.
                            return Err(Error::Config {
                                message: format!(
                                    "{} {}: {MISSING_TLS} (reqwest: {message})",
                                    spec.method, spec.path
                                ),
                            });
                        }
                        Error::Transport {
                            method: spec.method.clone(),
                            path: spec.path.clone(),
                            attempts: attempt + 1,
                            message,
                            source: err,
                        }
                    };
                    (error, failure, None)
                }
            };

        if attempt >= policy.max_retries || !retry::should_retry(failure, retry_safe) {
            if attempt > 0 {
                tracing::warn!(attempts = attempt + 1, error = %error, "request failed after retries");
            } else {
                tracing::debug!(error = %error, "request failed");
            }
            return Err(error);
        }
        if server_wait.is_some_and(|wait| wait > retry::MAX_RETRY_AFTER) {
            // Its `retry_after()` tells the caller when to come back.
            tracing::warn!(attempts = attempt + 1, error = %error, "the server asks for a longer wait than the client's");
            return Err(error);
        }
        // Repeating a GET changes nothing, whatever the first attempt did.
        may_have_applied |= !matches!(spec.method, Method::GET | Method::HEAD | Method::OPTIONS)
            && failure.may_have_applied();
        let wait = server_wait.unwrap_or_else(|| policy.backoff(attempt));
        let fits = match deadline {
            Some(deadline) => Instant::now().checked_add(wait).is_some_and(|resume| resume < deadline),
            None => true,
        };
        if !fits {
            tracing::warn!(attempts = attempt + 1, error = %error, "no time left to retry");
            return Err(error);
        }
        tracing::info!(
            attempt,
            wait_ms = millis(wait),
            server_wait = server_wait.is_some(),
            error = %error,
            "retrying request"
        );
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

/// The body as a JSON value with its boolean property `name` set to `value` (an object's; any
/// other value is sent as it is).
fn flagged<V: Serialize + ?Sized>(
    body: &V,
    (name, value): (&'static str, bool),
) -> Result<serde_json::Value, String> {
    let mut json = to_json_value(body)?;
    if let serde_json::Value::Object(fields) = &mut json {
        fields.insert(name.to_owned(), serde_json::Value::Bool(value));
    }
    Ok(json)
}

/// Cookie values may not contain separators, quotes or control characters; anything else is
/// percent-encoded.
fn encode_cookie_value(value: &str) -> String {
    const COOKIE: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');
    percent_encoding::utf8_percent_encode(value, COOKIE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_lines_body_is_one_line_per_item_and_an_item_that_cannot_be_written_is_named() {
        let mut spec = RequestSpec::new(Method::POST, "/bulk".into(), &[]);
        spec.json_lines_body(
            "application/x-ndjson",
            &[serde_json::json!({"a": "x\ny"}), serde_json::json!(2)],
        );
        let body = spec.body.as_ref().unwrap();
        assert_eq!(
            (body.content_type.as_ref(), &body.bytes[..]),
            ("application/x-ndjson", &b"{\"a\":\"x\\ny\"}\n2\n"[..])
        );
        assert_eq!(spec.error, None);
        // serde_json writes only string keys.
        let keyed = |key: Vec<u8>| std::collections::BTreeMap::from([(key, 1)]);
        let mut spec = RequestSpec::new(Method::POST, "/bulk".into(), &[]);
        spec.json_lines_body("application/x-ndjson", &[keyed(vec![]), keyed(vec![1])]);
        assert_eq!(spec.error.as_deref(), Some("request body: item 0: key must be a string"));
    }

    /// `follow_link` from `GET /v2/items?limit=2` under `base`: the path and query it leaves.
    fn followed(base: &str, link: &str) -> Result<(String, String), String> {
        let base = reqwest::Url::parse(base).unwrap();
        let mut spec = RequestSpec::new(Method::GET, "/items".into(), &[]);
        spec.set_query_param("limit", "2".into());
        spec.follow_link(&base, None, link)?;
        Ok((spec.path, join_encoded(&spec.query)))
    }

    #[test]
    fn a_next_link_is_followed_under_the_base_url_only() {
        let ok = |path: &str, query: &str| Ok((path.to_owned(), query.to_owned()));
        let base = "https://api.example.com/v2";
        assert_eq!(followed(base, "https://api.example.com/v2/items?page=2"), ok("/items", "page=2"));
        // Behind a proxy that does not say it terminates TLS, Django writes `http` links.
        assert_eq!(
            followed(base, "http://api.example.com/v2/items?page=2&limit=2"),
            ok("/items", "page=2&limit=2")
        );
        assert_eq!(followed(base, "/v2/items/all?after=a%2Fb"), ok("/items/all", "after=a%2Fb"));
        assert_eq!(followed(base, "?page=3"), ok("/items", "page=3"));
        assert_eq!(followed("https://api.example.com", "https://API.example.com/items"), ok("/items", ""));
        for foreign in [
            "https://evil.example/v2/items",
            "https://api.example.com:8443/v2/items",
            "https://user:pw@api.example.com/v2/items",
            "https://api.example.com/v1/items",
            "https://api.example.com/v2x/items",
            "/v2/../v1/items",
        ] {
            let err = followed(base, foreign).unwrap_err();
            assert!(err.contains(foreign) && err.contains("outside the API"), "{err}");
        }
        // The API's own scheme is never downgraded.
        assert!(followed("http://127.0.0.1:8080", "https://127.0.0.1:8080/items").is_err());
    }

    #[test]
    fn a_link_on_the_documented_server_is_followed_under_the_base_the_client_was_given() {
        let base = reqwest::Url::parse("http://127.0.0.1:8080/proxy").unwrap();
        let documented = reqwest::Url::parse("https://api.example.com/v2").unwrap();
        let follow = |link: &str| {
            let mut spec = RequestSpec::new(Method::GET, "/items".into(), &[]);
            spec.follow_link(&base, Some(&documented), link).map(|()| (spec.path, join_encoded(&spec.query)))
        };
        assert_eq!(
            follow("https://api.example.com/v2/items?page=2"),
            Ok(("/items".to_owned(), "page=2".to_owned()))
        );
        assert_eq!(
            follow("http://127.0.0.1:8080/proxy/items?page=3"),
            Ok(("/items".to_owned(), "page=3".to_owned()))
        );
        for foreign in [
            "https://api.example.com/v1/items",
            "https://evil.example/v2/items",
            "https://api.example.com:444/v2/x",
        ] {
            let err = follow(foreign).unwrap_err();
            assert!(err.contains("outside the API (http://127.0.0.1:8080/proxy)"), "{err}");
        }
    }

    #[test]
    fn spec_records_first_error_and_skips_nulls() {
        let mut spec = RequestSpec::new(Method::POST, "/x".into(), &[]);
        spec.query("a", &None::<u8>);
        spec.header("h", &None::<u8>);
        assert!(spec.query_params().is_empty());
        spec.form_body(&[1, 2]);
        spec.json_body(&std::collections::BTreeMap::from([((1, 2), 3)]));
        assert!(spec.error.as_deref().unwrap().contains("form body"), "{:?}", spec.error);
        let shown = format!("{spec:?}");
        assert!(shown.contains("/x"), "{shown}");
    }

    #[test]
    fn a_refused_https_url_is_blamed_on_missing_tls_only_without_a_backend_feature() {
        // reqwest 0.13's words for an https request in a build without TLS.
        let refused = "error sending request: client error (Connect): invalid URL, scheme is not http";
        assert!(missing_tls(false, true, refused));
        assert!(!missing_tls(true, true, refused), "a backend feature is on: something else is wrong");
        assert!(!missing_tls(false, false, refused));
        assert!(!missing_tls(false, true, "error sending request: tcp connect error: Connection refused"));
    }

    #[test]
    fn a_body_key_is_the_bodys_or_the_callers_or_one_generated_once() {
        let json = |bytes: &'static [u8]| Body {
            content_type: "application/json".into(),
            bytes: Bytes::from_static(bytes),
        };
        let form = |bytes: &'static [u8]| Body {
            content_type: "application/x-www-form-urlencoded".into(),
            bytes: Bytes::from_static(bytes),
        };
        let fill = BodyKey { field: "idempotency_key", fill: true };
        let keep = BodyKey { field: "external_id", fill: false };
        let text = |(bytes, keyed): (Bytes, bool)| (String::from_utf8(bytes.to_vec()).unwrap(), keyed);
        let mut generated = None;
        let mut key = |body: &Body, key: BodyKey, caller: Option<&str>| {
            body_with_key(body, key, caller, &mut generated).map(text).map_err(|err| err.to_string())
        };
        // The body's own, null counting as left out.
        let own = json(br#"{"amount":1,"idempotency_key":"k1"}"#);
        assert_eq!(
            key(&own, fill, None).unwrap(),
            (r#"{"amount":1,"idempotency_key":"k1"}"#.to_owned(), true)
        );
        assert!(key(&own, fill, Some("k1")).unwrap().1);
        assert!(key(&own, fill, Some("k2")).unwrap_err().contains("two idempotency keys"));
        let null = json(br#"{"idempotency_key":null}"#);
        assert_eq!(key(&null, fill, Some("k3")).unwrap(), (r#"{"idempotency_key":"k3"}"#.to_owned(), true));
        // Forms: the value decoded, or the caller's appended.
        assert!(key(&form(b"a=1&idempotency_key=k+4%21"), fill, Some("k 4!")).unwrap().1);
        assert_eq!(
            key(&form(b"a=1"), fill, Some("k 5")).unwrap(),
            ("a=1&idempotency_key=k%205".to_owned(), true)
        );
        // One generated key for every attempt.
        let first = key(&json(b"{}"), fill, None).unwrap().0;
        assert_eq!(key(&json(b"{}"), fill, None).unwrap().0, first);
        assert!(first.starts_with(r#"{"idempotency_key":""#), "{first}");
        // A value of the caller's is never made up: keyed only when the body has it.
        assert!(key(&json(br#"{"external_id":"o1"}"#), keep, Some("other")).unwrap().1);
        assert_eq!(key(&json(b"{}"), keep, Some("o2")).unwrap(), ("{}".to_owned(), false));
        // The rest of a JSON body stays as it was: order, and integers beyond 64 bits.
        let big = json(br#"{"b":1180591620717411303425,"a":[1]}"#);
        assert_eq!(
            key(&big, fill, Some("k7")).unwrap().0,
            r#"{"idempotency_key":"k7","b":1180591620717411303425,"a":[1]}"#
        );
        // An empty key is none: the caller's replaces it, once.
        let empty = json(br#"{"idempotency_key":"","a":1}"#);
        assert_eq!(key(&empty, fill, Some("k8")).unwrap().0, r#"{"a":1,"idempotency_key":"k8"}"#);
        assert_eq!(
            key(&form(b"idempotency_key=&a=1"), fill, Some("k9")).unwrap().0,
            "a=1&idempotency_key=k9"
        );
        assert!(!key(&json(br#"{"external_id":""}"#), keep, None).unwrap().1);
        // A body the client cannot add a field to.
        let bytes = Body {
            content_type: "multipart/form-data; boundary=x".into(),
            bytes: Bytes::from_static(b"--x--"),
        };
        assert!(key(&bytes, fill, Some("k6")).unwrap_err().contains("set it there"));
    }

    #[test]
    fn set_query_param_replaces() {
        let mut spec = RequestSpec::new(Method::GET, "/x".into(), &[]);
        spec.query("limit", &5);
        spec.query("offset", &1);
        spec.set_query_param("offset", "7".into());
        assert_eq!(spec.query_param("offset"), Some("7"));
        assert_eq!(spec.query_param("limit"), Some("5"));
        assert_eq!(spec.query_params().len(), 2);
    }

    #[test]
    fn styled_query_parameters_are_written_as_declared() {
        let mut spec = RequestSpec::new(Method::GET, "/x".into(), &[]);
        spec.query_styled("select", &["id", "name"], ParamStyle::Form, false);
        spec.query_styled("page", &serde_json::json!({"size": 20}), ParamStyle::Form, true);
        spec.query_styled("where", &serde_json::json!({"a": [1]}), ParamStyle::Json, false);
        spec.query_styled("unset", &None::<Vec<u8>>, ParamStyle::PipeDelimited, false);
        let pairs: Vec<(&str, &str)> =
            spec.query_params().iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("select", "id,name"), ("size", "20"), ("where", "%7B%22a%22%3A%5B1%5D%7D")]);
        assert!(spec.error.is_none());
        spec.query_styled("keys", &std::collections::BTreeMap::from([((1, 2), 3)]), ParamStyle::Form, false);
        assert!(spec.error.as_deref().unwrap().contains("query parameter `keys`"), "{:?}", spec.error);
    }

    #[test]
    fn a_form_built_by_hand_is_the_multipart_body() {
        let mut form = super::super::multipart::Multipart::new();
        form.field("purpose", "evidence");
        let mut spec = RequestSpec::new(Method::POST, "/files".into(), &[]);
        spec.multipart_body(&form);
        let body = spec.body.as_ref().expect("a body");
        assert!(body.content_type.starts_with("multipart/form-data; boundary="), "{}", body.content_type);
        let text = String::from_utf8_lossy(&body.bytes);
        assert!(text.contains("name=\"purpose\"\r\n\r\nevidence\r\n"), "{text}");
    }

    #[test]
    fn a_body_flag_is_set_whatever_the_body_gives_in_every_encoding() {
        let body = |spec: &RequestSpec| {
            String::from_utf8_lossy(&spec.body.as_ref().expect("a body").bytes).into_owned()
        };
        let flagged = |value| {
            let mut spec = RequestSpec::new(Method::POST, "/c".into(), &[]);
            spec.body_flag("stream", value);
            spec
        };
        let mut spec = flagged(true);
        spec.json_body(&serde_json::json!({"prompt": "x", "stream": false}));
        assert_eq!(body(&spec), r#"{"prompt":"x","stream":true}"#);
        let mut spec = flagged(false);
        spec.optional_json_body::<serde_json::Value>(None);
        assert_eq!(body(&spec), r#"{"stream":false}"#);
        let mut spec = flagged(true);
        spec.form_body(&serde_json::json!({"prompt": "x"}));
        assert_eq!(body(&spec), "prompt=x&stream=true");
        let mut form = super::super::multipart::Multipart::new();
        form.field("stream", &false);
        form.field("model", "m");
        let mut spec = flagged(true);
        spec.multipart_body(&form);
        let text = body(&spec);
        assert_eq!(text.matches("name=\"stream\"").count(), 1, "{text}");
        assert!(
            text.contains("name=\"stream\"\r\n\r\ntrue\r\n") && text.contains("name=\"model\""),
            "{text}"
        );
    }

    #[test]
    fn rate_limit_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "1000".parse().unwrap());
        headers.insert("x-ratelimit-remaining", " 999 ".parse().unwrap());
        headers.insert("x-ratelimit-reset", "nope".parse().unwrap());
        let rate = RateLimit::from_headers(&headers);
        assert_eq!(rate, RateLimit { limit: Some(1000), remaining: Some(999), reset: None });
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), RateLimit::default());
    }
}
