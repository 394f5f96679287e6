//! The one error type every operation returns, and the parsed error body.
//!
//! [`Error`] separates what a caller reacts to differently: the server said no
//! ([`Error::Api`], with the parsed body and request id), the network failed
//! ([`Error::Timeout`], [`Error::Transport`]), the response did not match the
//! schema ([`Error::Decode`], with the field path), or the request could not be
//! built ([`Error::InvalidRequest`], [`Error::MissingCredentials`],
//! [`Error::Config`]). No variant ever holds a credential: request headers are
//! never stored, URLs are dropped from transport errors, and error bodies are
//! scrubbed of the client's own keys.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::secret_names::is_secret_name;

/// Everything that can go wrong when calling the API.
///
/// ```no_run
/// # async fn demo(result: Result<(), atlaspay::runtime::Error>) {
/// use atlaspay::runtime::{Error, ErrorType};
///
/// match result {
///     Err(Error::Api(err)) if err.error_type() == Some(&ErrorType::CardError) => {
///         eprintln!("declined: {:?} ({:?})", err.message(), err.decline_code());
///     }
///     Err(err) if err.is_retryable() => eprintln!("try again later: {err}"),
///     Err(err) => eprintln!("failed: {err} (request id {:?})", err.request_id()),
///     Ok(()) => {}
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-success (non-2xx) status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No response arrived within the timeout, on every attempt.
    #[error("{method} {path}: timed out after {attempts} attempt(s) (per-attempt timeout {timeout:?})")]
    Timeout {
        /// HTTP method of the request.
        method: Method,
        /// Request path (without query string).
        path: String,
        /// How many attempts were made.
        attempts: u32,
        /// The per-attempt timeout in force.
        timeout: Duration,
    },
    /// The connection failed or broke (refused, reset, TLS, DNS…).
    #[error("{method} {path}: {message} (after {attempts} attempt(s))")]
    Transport {
        /// HTTP method of the request.
        method: Method,
        /// Request path (without query string).
        path: String,
        /// How many attempts were made.
        attempts: u32,
        /// The error and its causes, on one line.
        message: String,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },
    /// The response body was larger than the client's limit; it was not read further.
    #[error("{method} {path}: the response body is larger than the client's limit of {limit} bytes")]
    ResponseTooLarge {
        /// HTTP method of the request.
        method: Method,
        /// Request path (without query string).
        path: String,
        /// The limit in force (`ClientBuilder::max_response_bytes`).
        limit: u64,
    },
    /// A success response whose body did not match the expected type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The server reported an error inside a streamed response, after its success status: an
    /// `error` event, or an error object (`{"error": {…}}`) where an item was expected.
    #[error("{method} {path}: the server reported an error in the stream: {}", stream_error_text(body.as_deref(), data))]
    Stream {
        /// HTTP method of the request.
        method: Method,
        /// Request path (without query string).
        path: String,
        /// The event's name, if it had one (`error`).
        event: Option<String>,
        /// The error's fields, read as an error response's are.
        body: Option<Box<ApiErrorBody>>,
        /// The event's data, as sent.
        data: String,
    },
    /// A parameter or body could not be encoded, or the request was otherwise invalid.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What was wrong.
        message: String,
    },
    /// The operation needs credentials the client was not given; nothing was sent.
    #[error(
        "missing credentials: this operation needs {}: set {} with the client builder's {}{}",
        join_names(schemes),
        if schemes.len() > 1 { "one" } else { "it" },
        join_names(setters),
        on_a_client(setters, token_setters)
    )]
    MissingCredentials {
        /// Names of the security schemes that would satisfy the operation.
        schemes: Vec<&'static str>,
        /// The client builder's methods that set their credentials, in the same order.
        setters: Vec<&'static str>,
        /// Those of `setters` whose credential a built client also takes, through its
        /// `with_{setter}` (a per-session token, say): all but username-and-password ones.
        token_setters: Vec<&'static str>,
    },
    /// The client could not be built from the given settings, or the build lacks what a request
    /// needs (a TLS backend for https); nothing was sent.
    #[error("invalid client configuration: {message}")]
    Config {
        /// What was wrong.
        message: String,
    },
}

/// A stream error's message, or else the start of its data.
fn stream_error_text(body: Option<&ApiErrorBody>, data: &str) -> String {
    match body.and_then(|body| body.message.as_deref()) {
        Some(message) => message.to_owned(),
        None => data.chars().take(200).collect(),
    }
}

/// ", or on a built client with `with_client_secret`" where a client method sets one.
fn on_a_client(setters: &[&'static str], token_setters: &[&'static str]) -> String {
    let methods: Vec<String> = setters
        .iter()
        .filter(|setter| token_setters.contains(setter))
        .map(|setter| format!("with_{}", setter.trim_start_matches("r#")))
        .collect();
    if methods.is_empty() {
        String::new()
    } else {
        format!(", or on a built client with {}", join_names(&methods))
    }
}

/// "`a`", "`a` or `b`".
fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => "credentials".to_owned(),
        [one] => format!("`{}`", one.as_ref()),
        many => many.iter().map(|name| format!("`{}`", name.as_ref())).collect::<Vec<_>>().join(" or "),
    }
}

impl Error {
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(err) => Some(err.status),
            Self::Decode(err) => Some(err.status),
            _ => None,
        }
    }

    /// The server's request id (from `X-Request-Id`/`Request-Id` or the error body).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(err) => err.request_id.as_deref(),
            Self::Decode(err) => err.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether retrying the same request later may succeed (timeouts, connection
    /// failures, 408, a 409 that [`ApiError::is_transient_conflict`], 429, 5xx). It says
    /// nothing of whether sending it again is safe: a POST the server does not deduplicate may
    /// have been carried out before it timed out or got its 5xx, which is why the client did not
    /// retry it (the operation's docs say which are retried).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(err) => super::retry::status_is_retryable(err.status, err.is_transient_conflict()),
            Self::Timeout { .. } => true,
            Self::Transport { source, .. } => super::retry::transport_is_retryable(source),
            _ => false,
        }
    }

    /// The machine-readable code of an API error (`card_declined`, `not_found`, …), if any:
    /// [`ApiError::code`].
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Stream { body, .. } => body.as_ref()?.code.as_deref(),
            _ => self.api_error()?.code(),
        }
    }

    /// The API error, when the server answered with a non-success status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(err) => Some(err),
            _ => None,
        }
    }

    /// The decode error, when a success body did not match its type.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match self {
            Self::Decode(err) => Some(err),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether the server refused the request for its rate limit (HTTP 429): see
    /// [`ApiError::retry_after`] and [`ApiError::rate_limit`].
    pub fn is_rate_limited(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_rate_limited)
    }

    /// Whether the server answered that what the request names does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_not_found)
    }

    /// How long the server asked to wait before trying again, for an API error that says
    /// ([`ApiError::retry_after`]).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error()?.retry_after()
    }

    pub(super) fn invalid_request(message: impl Into<String>) -> Self {
        Self::InvalidRequest { message: message.into() }
    }

    pub(super) fn config(message: impl Into<String>) -> Self {
        Self::Config { message: message.into() }
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        Self::Api(Box::new(err))
    }
}

impl From<DecodeError> for Error {
    fn from(err: DecodeError) -> Self {
        Self::Decode(Box::new(err))
    }
}

/// A non-success response: status, headers, request id, parsed body and raw bytes.
///
/// `Debug` shows the raw body as its length and an excerpt, so logging an error never dumps a
/// multi-megabyte body.
#[derive(Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// `X-Request-Id` (or `Request-Id`) header, else the body's `request_id`.
    pub request_id: Option<String>,
    /// The error body, when it had a recognisable shape.
    pub body: Option<ApiErrorBody>,
    /// The raw response body (with the client's own credentials scrubbed).
    pub raw: Bytes,
    /// The request's method.
    pub method: Method,
    /// The request's path (without the query string); empty for an error not made by a request.
    pub path: String,
    /// How many attempts the request took; this response answered the last.
    pub attempts: u32,
    /// Whether an earlier attempt may have been carried out by the server: it timed out, broke
    /// off, or was answered with a 5xx or a 409 saying it was still running. An answer such as
    /// "already canceled" or "invalid state" may then mean that attempt did what was asked, so
    /// look the object up before acting again.
    pub earlier_attempt_may_have_applied: bool,
}

impl ApiError {
    /// Builds an error from a response, parsing the body leniently.
    pub fn new(status: StatusCode, headers: HeaderMap, raw: Bytes) -> Self {
        let body = ApiErrorBody::parse(&raw);
        let request_id = super::decode::header_request_id(&headers)
            .map(str::to_owned)
            .or_else(|| body.as_ref().and_then(|b| b.request_id.clone()));
        Self {
            status,
            headers,
            request_id,
            body,
            raw,
            method: Method::GET,
            path: String::new(),
            attempts: 1,
            earlier_attempt_may_have_applied: false,
        }
    }

    /// The same error, said to answer attempt `attempts` of a `method` request to `path`.
    pub fn for_request(mut self, method: Method, path: impl Into<String>, attempts: u32) -> Self {
        (self.method, self.path, self.attempts) = (method, path.into(), attempts);
        self
    }

    /// The human-readable message from the body, if any.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref()?.message.as_deref()
    }

    /// The error type (`card_error`, `invalid_request_error`, …), if any. Compare it with this
    /// [`ErrorType`], which the client crate also exports at its root; a schema the API
    /// description happens to call `ErrorType` is a different type.
    pub fn error_type(&self) -> Option<&ErrorType> {
        self.body.as_ref()?.r#type.as_ref()
    }

    /// The machine-readable error code (`card_declined`, `not_found`, …), if any.
    pub fn code(&self) -> Option<&str> {
        self.body.as_ref()?.code.as_deref()
    }

    /// The decline code of a card error, if any.
    pub fn decline_code(&self) -> Option<&str> {
        self.body.as_ref()?.decline_code.as_deref()
    }

    /// The request parameter the error is about, if any.
    pub fn param(&self) -> Option<&str> {
        self.body.as_ref()?.param.as_deref()
    }

    /// A documentation link for the error, if any.
    pub fn doc_url(&self) -> Option<&str> {
        self.body.as_ref()?.doc_url.as_deref()
    }

    /// Whether the server refused the request for its rate limit (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS
    }

    /// Whether the server answered that what the request names does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
    }

    /// A field of the error body beyond the ones read above (Atlas's `existing_customer_id`),
    /// from its error object (`{"error": {…}}`) or else its top level.
    pub fn body_field(&self, name: &str) -> Option<Value> {
        let body: Value = serde_json::from_slice(&self.raw).ok()?;
        body.get("error").and_then(|error| error.get(name)).or_else(|| body.get(name)).cloned()
    }

    /// How long the server asked to wait before trying again: its `Retry-After`, or on a 429
    /// without one the time until `X-RateLimit-Reset` (plus up to a second of jitter). The
    /// client's own retries wait up to [`MAX_RETRY_AFTER`](super::retry::MAX_RETRY_AFTER); a
    /// longer wait ends the request at once with this error, for the caller to try again later.
    pub fn retry_after(&self) -> Option<Duration> {
        super::retry::server_wait(self.status, &self.headers, std::time::SystemTime::now())
    }

    /// The response's rate-limit headers (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).
    pub fn rate_limit(&self) -> super::RateLimit {
        super::RateLimit::from_headers(&self.headers)
    }

    /// Whether the server reported an idempotency-key conflict (`idempotency_error`).
    pub fn is_idempotency_error(&self) -> bool {
        self.error_type() == Some(&ErrorType::IdempotencyError)
    }

    /// Whether this is a 409 that says the conflicting request is still running, so that the
    /// same request may succeed later: the idempotency key is in use (`idempotency_key_in_use`),
    /// the session is being processed (`session_already_processing`), or a lock timed out
    /// (`lock_timeout`, Stripe's). Only these codes: other conflicts, such as a key reused with
    /// other parameters, an object already in its final state (`session_already_completed`) or
    /// a value already taken (`email_in_use`), stay as they are.
    pub fn is_transient_conflict(&self) -> bool {
        const TRANSIENT: [&str; 3] = ["idempotency_key_in_use", "session_already_processing", "lock_timeout"];
        self.status == reqwest::StatusCode::CONFLICT
            && self.code().is_some_and(|code| TRANSIENT.contains(&code))
    }

    /// Decodes the raw body as the operation's declared error schema `E`.
    pub fn decode_body<E: DeserializeOwned>(&self) -> Result<E, Error> {
        super::decode::parse_json(&self.raw).map_err(|(path, err)| {
            DecodeError::from_json(path, err, self.status, self.request_id.clone(), &self.raw).into()
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{} {}: ", self.method, self.path)?;
        }
        write!(f, "HTTP {}", self.status)?;
        if let Some(body) = &self.body {
            match (&body.r#type, &body.code) {
                (Some(kind), Some(code)) => write!(f, ": {kind}/{}", one_line(code, 80))?,
                (Some(kind), None) => write!(f, ": {kind}")?,
                (None, Some(code)) => write!(f, ": {}", one_line(code, 80))?,
                (None, None) => {}
            }
            if let Some(message) = &body.message {
                write!(f, ": {}", one_line(message, 300))?;
            }
            if let Some(decline) = &body.decline_code {
                write!(f, " (decline_code: {})", one_line(decline, 80))?;
            }
            if let Some(param) = &body.param {
                write!(f, " (param: {})", one_line(param, 80))?;
            }
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " [request_id: {}]", one_line(request_id, 100))?;
        }
        if self.earlier_attempt_may_have_applied {
            write!(
                f,
                " (attempt {}: an earlier attempt may have been carried out; check before sending it again)",
                self.attempts
            )?;
        } else if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("request_id", &self.request_id.as_deref().map(Cut))
            .field("body", &self.body)
            .field("raw", &RawExcerpt(&self.raw))
            .field("method", &self.method)
            .field("path", &self.path)
            .field("attempts", &self.attempts)
            .field("earlier_attempt_may_have_applied", &self.earlier_attempt_may_have_applied)
            .finish()
    }
}

/// Shows at most [`DEBUG_FIELD_CHARS`] characters of a string in `Debug` output.
struct Cut<'a>(&'a str);

/// Characters of one text field shown by the `Debug` of [`ApiError`] and [`ApiErrorBody`].
const DEBUG_FIELD_CHARS: usize = 200;

impl fmt::Debug for Cut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(DEBUG_FIELD_CHARS) {
            Some((end, _)) => write!(f, "{:?}…", self.0.get(..end).unwrap_or_default()),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// A body in `Debug` output: its length and an excerpt of its start.
struct RawExcerpt<'a>(&'a [u8]);

impl fmt::Debug for RawExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes {:?}", self.0.len(), body_excerpt(self.0, None))
    }
}

/// Collapses control characters to spaces and truncates on a char boundary.
fn one_line(text: &str, max_chars: usize) -> String {
    let mut out: String =
        text.chars().take(max_chars).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// The error body, parsed leniently from the common shapes.
///
/// Recognised: `{"error":{"type","code","message","param","decline_code",
/// "request_id","doc_url"}}` (Stripe style), `{"error":{"code","message"}}`,
/// `{"error":"text"}`, `{"error":"code","error_description":"text"}` (OAuth),
/// and top-level `message`, `detail`, `error_description`, `title`, `Message` or `errorMessage`,
/// with `code`, `errorCode`, `error_code` or `Code`, and `type` or `errorType` (Adyen's are
/// `errorCode`/`errorType`); AWS's code is the name in its `__type`.
///
/// Each text field keeps at most [`MAX_ERROR_FIELD_BYTES`] (cut on a character boundary and
/// marked with `…`); the whole body stays in [`ApiError::raw`]. `Debug` shows 200 characters
/// per field.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApiErrorBody {
    /// Broad category (`card_error`, `invalid_request_error`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<ErrorType>,
    /// Machine-readable code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The parameter the error relates to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Card decline reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// Link to documentation about the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Request id echoed in the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The most bytes one parsed error field keeps: a multi-megabyte `message` is kept once, in the
/// raw body, not twice.
pub const MAX_ERROR_FIELD_BYTES: usize = 8 * 1024;

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if text.len() > MAX_ERROR_FIELD_BYTES => {
            let mut end = MAX_ERROR_FIELD_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            Some(format!("{}…", text.get(..end).unwrap_or_default()))
        }
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

impl fmt::Debug for ApiErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn cut(field: &Option<String>) -> Option<Cut<'_>> {
            field.as_deref().map(Cut)
        }
        f.debug_struct("ApiErrorBody")
            .field("type", &self.r#type.as_ref().map(|kind| Cut(kind.as_str())))
            .field("code", &cut(&self.code))
            .field("message", &cut(&self.message))
            .field("param", &cut(&self.param))
            .field("decline_code", &cut(&self.decline_code))
            .field("doc_url", &cut(&self.doc_url))
            .field("request_id", &cut(&self.request_id))
            .finish()
    }
}

fn first_text(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| text(map.get(*key)))
}

impl ApiErrorBody {
    /// Parses a raw body; `None` when it is not JSON or has no recognisable field.
    pub fn parse(raw: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(raw).ok()?;
        Self::from_value(&value)
    }

    /// Extracts the known fields from a JSON value; `None` when none is present.
    pub fn from_value(value: &Value) -> Option<Self> {
        let mut body = Self::default();
        match value {
            Value::Object(top) => {
                match top.get("error") {
                    Some(Value::Object(inner)) => {
                        body.r#type = text(inner.get("type")).map(ErrorType::from);
                        body.code = text(inner.get("code"));
                        body.message =
                            first_text(inner, &["message", "detail", "description", "error_description"]);
                        body.param = text(inner.get("param"));
                        body.decline_code = text(inner.get("decline_code"));
                        body.doc_url = text(inner.get("doc_url"));
                        body.request_id = text(inner.get("request_id"));
                    }
                    Some(Value::String(error)) => match text(top.get("error_description")) {
                        Some(description) => {
                            body.code = Some(error.clone());
                            body.message = Some(description);
                        }
                        None => body.message = Some(error.clone()),
                    },
                    _ => {}
                }
                if body.message.is_none() {
                    body.message = first_text(
                        top,
                        &["message", "detail", "error_description", "title", "Message", "errorMessage"],
                    );
                }
                if body.code.is_none() {
                    // Adyen's is `errorCode`; AWS's is the exception's name, after a `#` in
                    // `__type` (`com.amazonaws.acm#ResourceNotFoundException`).
                    body.code = first_text(top, &["code", "errorCode", "error_code", "Code"]).or_else(|| {
                        // Smithy's protocols cut a `:` and what follows (`…#Name:http://…`).
                        text(top.get("__type")).map(|kind| {
                            let name = kind.rsplit('#').next().unwrap_or_default();
                            name.split(':').next().unwrap_or_default().to_owned()
                        })
                    });
                }
                if body.r#type.is_none()
                    && let Some(kind) = first_text(top, &["type", "errorType"])
                {
                    // RFC 7807 `type` is a URI, not a category.
                    if kind.contains(':') || kind.contains('/') {
                        body.doc_url.get_or_insert(kind);
                    } else {
                        body.r#type = Some(ErrorType::from(kind));
                    }
                }
                if body.request_id.is_none() {
                    body.request_id = text(top.get("request_id"));
                }
                if body.doc_url.is_none() {
                    // Twilio's is `more_info`.
                    body.doc_url = first_text(top, &["doc_url", "more_info"]);
                }
            }
            Value::String(message) => body.message = Some(message.clone()),
            _ => return None,
        }
        (body != Self::default()).then_some(body)
    }
}

/// The broad error category, open to values added later.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorType {
    /// `api_error`: a server-side problem.
    ApiError,
    /// `authentication_error`: bad or missing key.
    AuthenticationError,
    /// `card_error`: the card was declined or is invalid.
    CardError,
    /// `idempotency_error`: the idempotency key is in use by a request still being processed
    /// (`idempotency_key_in_use`), or was reused with other parameters.
    IdempotencyError,
    /// `invalid_request_error`: bad parameters.
    InvalidRequestError,
    /// `rate_limit_error`: too many requests.
    RateLimitError,
    /// `validation_error`: a parameter failed validation.
    ValidationError,
    /// Any other value, kept verbatim.
    Unknown(String),
}

impl ErrorType {
    /// The wire value (`card_error`, …).
    pub fn as_str(&self) -> &str {
        match self {
            Self::ApiError => "api_error",
            Self::AuthenticationError => "authentication_error",
            Self::CardError => "card_error",
            Self::IdempotencyError => "idempotency_error",
            Self::InvalidRequestError => "invalid_request_error",
            Self::RateLimitError => "rate_limit_error",
            Self::ValidationError => "validation_error",
            Self::Unknown(other) => other,
        }
    }
}

impl From<&str> for ErrorType {
    fn from(value: &str) -> Self {
        match value {
            "api_error" => Self::ApiError,
            "authentication_error" => Self::AuthenticationError,
            "card_error" => Self::CardError,
            "idempotency_error" => Self::IdempotencyError,
            "invalid_request_error" => Self::InvalidRequestError,
            "rate_limit_error" => Self::RateLimitError,
            "validation_error" => Self::ValidationError,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

impl From<String> for ErrorType {
    fn from(value: String) -> Self {
        match Self::from(value.as_str()) {
            Self::Unknown(_) => Self::Unknown(value),
            known => known,
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(self.as_str(), 80))
    }
}

impl Serialize for ErrorType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::str_enum::deserialize_str_enum(deserializer)
    }
}

/// Maximum number of body bytes kept in a [`DecodeError`] excerpt.
pub const MAX_EXCERPT_BYTES: usize = 512;

/// A response body that did not match the expected type.
#[derive(Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// Path of the failing field, e.g. `data[3].customer.email` (`.` for the root).
    pub path: String,
    /// The deserializer's message.
    pub message: String,
    /// HTTP status of the response.
    pub status: StatusCode,
    /// The response's request id, if any.
    pub request_id: Option<String>,
    /// Up to about 512 bytes of the body, around the error position when known.
    pub excerpt: String,
    /// The whole body, so that nothing the server sent is lost: after a create whose answer did
    /// not decode, the object it made is still here (`serde_json::from_slice::<Value>`).
    /// `Debug` and `Display` show only [`excerpt`](Self::excerpt), which hides secrets.
    pub body: Bytes,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("excerpt", &self.excerpt)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl DecodeError {
    /// A decode error with a custom message (no field path).
    pub fn new(
        message: impl Into<String>,
        status: StatusCode,
        request_id: Option<String>,
        body: &Bytes,
    ) -> Self {
        Self {
            path: ".".to_owned(),
            message: message.into(),
            status,
            request_id,
            excerpt: body_excerpt(body, None),
            body: body.clone(),
        }
    }

    /// Builds a decode error from a JSON failure at `path` (as printed by
    /// `serde_path_to_error`, `.` for the root).
    pub fn from_json(
        path: String,
        err: serde_json::Error,
        status: StatusCode,
        request_id: Option<String>,
        body: &Bytes,
    ) -> Self {
        let offset = byte_offset(body, err.line(), err.column());
        // `?` is serde_path_to_error's "unknown segment" (e.g. a syntax error
        // before any key was read): report that as the root.
        let path = if path == "?" { ".".to_owned() } else { path };
        let excerpt = body_excerpt(body, offset);
        let (path, message) = failure_at(path, &err);
        Self { path, message, status, request_id, excerpt, body: body.clone() }
    }
}

/// The path and message of a failure to decode a document, the path inside a union joined on
/// ([`variant_path`](super::decode::variant_path)); a value that did not decode is quoted in
/// the message, but not when its field is named like a secret's.
pub(super) fn failure_at(path: String, err: &serde_json::Error) -> (String, String) {
    let (path, mut message) = super::decode::variant_path(path, err.to_string());
    let field = path.rsplit(['.', '[']).next().unwrap_or_default().trim_end_matches(']');
    if is_secret_name(field.as_bytes()) {
        message = redact_quoted_value(&message);
    }
    (path, message)
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to decode response body (HTTP {})", self.status)?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", one_line(&self.path, 200))?;
        }
        write!(f, ": {}", one_line(&self.message, 300))?;
        if let Some(request_id) = &self.request_id {
            write!(f, " [request_id: {}]", one_line(request_id, 100))?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// Byte offset of a 1-based (line, column) position; `None` when unknown.
fn byte_offset(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    let mut current = 1usize;
    for (index, byte) in body.iter().enumerate() {
        if current == line {
            break;
        }
        if *byte == b'\n' {
            current += 1;
            start = index + 1;
        }
    }
    Some(start.saturating_add(column.saturating_sub(1)).min(body.len()))
}

fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

/// Up to [`MAX_EXCERPT_BYTES`] of `body` around `around` (or from the start),
/// cut on UTF-8 character boundaries; `…` marks cut ends. The values of JSON
/// fields named like secrets (`client_secret`, `password`, `api_key`,
/// `access_token`…; see `is_secret_name`) read `[redacted]`, so that logging an
/// error does not log a credential the response carried.
pub fn body_excerpt(body: &[u8], around: Option<usize>) -> String {
    let (body, around) = redact_secret_fields(body, around);
    let body = &body[..];
    let len = body.len();
    let (mut start, mut end) = if len <= MAX_EXCERPT_BYTES {
        (0, len)
    } else {
        let center = around.unwrap_or(0).min(len);
        let start = center.saturating_sub(MAX_EXCERPT_BYTES / 2);
        let end = start.saturating_add(MAX_EXCERPT_BYTES).min(len);
        (end.saturating_sub(MAX_EXCERPT_BYTES), end)
    };
    while start < end && body.get(start).copied().is_some_and(is_continuation) {
        start += 1;
    }
    while end > start && end < len && body.get(end).copied().is_some_and(is_continuation) {
        end -= 1;
    }
    let slice = body.get(start..end).unwrap_or_default();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&String::from_utf8_lossy(slice));
    if end < len {
        out.push('…');
    }
    out
}

/// `body` with the value of every field [`is_secret_name`] replaced by `[redacted]` (a string's
/// contents, or a whole number, object or array, written as the string `"[redacted]"`), and
/// `around` moved to match. Strings are read with their escapes, so a quote inside one does not
/// end it.
fn redact_secret_fields(body: &[u8], around: Option<usize>) -> (std::borrow::Cow<'_, [u8]>, Option<usize>) {
    // The end of the contents of the string starting at `start` (an opening quote): the index
    // of its closing quote, or the body's end.
    let contents_end = |start: usize| {
        let mut i = start + 1;
        while i < body.len() {
            match body[i] {
                b'\\' => i += 2,
                b'"' => return i,
                _ => i += 1,
            }
        }
        body.len()
    };
    let skip_space = |mut i: usize| {
        while body.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    // The end (exclusive) of the object or array starting at `start`, or the body's end.
    let container_end = |start: usize| {
        let mut depth = 0usize;
        let mut i = start;
        while i < body.len() {
            match body[i] {
                b'"' => i = contents_end(i),
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        body.len()
    };
    // (start, end, replacement) of each value to hide.
    let mut cuts: Vec<(usize, usize, &[u8])> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'"' {
            i += 1;
            continue;
        }
        let key_end = contents_end(i);
        let colon = skip_space(key_end + 1);
        if body.get(colon) == Some(&b':') && is_secret_name(&body[i + 1..key_end]) {
            let value = skip_space(colon + 1);
            // (start, end, replacement, where to read on).
            let cut = match body.get(value) {
                Some(b'"') => {
                    let end = contents_end(value);
                    Some((value + 1, end, &b"[redacted]"[..], end + 1))
                }
                Some(b'{' | b'[') => {
                    let end = container_end(value);
                    Some((value, end, &b"\"[redacted]\""[..], end))
                }
                Some(b'n') | None => None,
                Some(_) => {
                    let end = body[value..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                        .map_or(body.len(), |n| value + n);
                    Some((value, end, &b"\"[redacted]\""[..], end))
                }
            };
            if let Some((start, end, replacement, resume)) = cut {
                cuts.push((start, end, replacement));
                i = resume.max(start + 1);
                continue;
            }
        }
        i = key_end + 1;
    }
    if cuts.is_empty() {
        return (std::borrow::Cow::Borrowed(body), around);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut moved = around;
    let mut copied = 0;
    for (start, end, replacement) in cuts {
        out.extend_from_slice(&body[copied..start]);
        out.extend_from_slice(replacement);
        if let (Some(at), Some(original)) = (moved.as_mut(), around) {
            if original >= end {
                *at = at.saturating_sub(end - start).saturating_add(replacement.len());
            } else if original > start {
                *at = out.len();
            }
        }
        copied = end;
    }
    out.extend_from_slice(&body[copied..]);
    (std::borrow::Cow::Owned(out), moved)
}

/// `message` with its first quoted (or backticked) part, the value serde quotes, replaced by
/// `[redacted]`: for a field [`is_secret_name`] whose value did not decode.
fn redact_quoted_value(message: &str) -> String {
    let Some(open) = message.find(['"', '`']) else { return message.to_owned() };
    let quote = message[open..].chars().next().unwrap_or('"');
    let close = message[open + 1..].rfind(quote).map(|n| open + 1 + n);
    // serde writes the value first; an enum's allowed names follow in backticks of their own.
    let close = match quote {
        '`' => message[open + 1..].find('`').map(|n| open + 1 + n),
        _ => close,
    };
    match close {
        Some(close) => format!("{}[redacted]{}", &message[..=open], &message[close..]),
        None => format!("{}[redacted]", &message[..=open]),
    }
}

/// Replaces every occurrence of any of `secrets` in `raw` with `[redacted]`.
///
/// Error bodies sometimes echo the key that was sent; this keeps such echoes
/// out of [`ApiError::raw`], its parsed body, and therefore out of logs.
pub(super) fn redact_secrets(raw: Bytes, secrets: &[&str]) -> Bytes {
    let secrets: Vec<&[u8]> = secrets.iter().map(|s| s.as_bytes()).filter(|s| s.len() >= 4).collect();
    let contains = |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    if !secrets.iter().any(|s| contains(&raw, s)) {
        return raw;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut index = 0;
    'outer: while index < raw.len() {
        for secret in &secrets {
            if raw.get(index..index + secret.len()) == Some(*secret) {
                out.extend_from_slice(b"[redacted]");
                index += secret.len();
                continue 'outer;
            }
        }
        if let Some(byte) = raw.get(index) {
            out.push(*byte);
        }
        index += 1;
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Option<ApiErrorBody> {
        ApiErrorBody::parse(json.as_bytes())
    }

    #[test]
    fn a_rate_limited_error_says_how_long_to_wait() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        headers.insert("x-ratelimit-limit", "100".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        let limited =
            Error::Api(Box::new(ApiError::new(StatusCode::TOO_MANY_REQUESTS, headers, Bytes::new())));
        assert!(limited.is_rate_limited());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        let rate = limited.api_error().unwrap().rate_limit();
        assert_eq!((rate.limit, rate.remaining, rate.reset), (Some(100), Some(0), None));
        let unavailable = Error::Api(Box::new(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            HeaderMap::new(),
            Bytes::new(),
        )));
        assert!(!unavailable.is_rate_limited());
        assert_eq!(unavailable.retry_after(), None);
        assert!(!Error::invalid_request("x").is_rate_limited());
    }

    #[test]
    fn a_404_is_not_found_and_nothing_else_is() {
        let error = |status| Error::Api(Box::new(ApiError::new(status, HeaderMap::new(), Bytes::new())));
        assert!(error(StatusCode::NOT_FOUND).is_not_found());
        assert!(error(StatusCode::NOT_FOUND).api_error().unwrap().is_not_found());
        assert!(!error(StatusCode::GONE).is_not_found());
        assert!(!error(StatusCode::TOO_MANY_REQUESTS).is_not_found());
        assert!(!Error::invalid_request("x").is_not_found());
    }

    #[test]
    fn body_fields_beyond_the_typed_ones_are_read_from_the_error_object_or_the_top() {
        let error =
            |raw: &'static str| ApiError::new(StatusCode::BAD_REQUEST, HeaderMap::new(), Bytes::from(raw));
        let nested = error(r#"{"error":{"code":"customer_exists","existing_customer_id":"cus_1"}}"#);
        assert_eq!(nested.body_field("existing_customer_id"), Some(Value::from("cus_1")));
        assert_eq!(nested.code(), Some("customer_exists"));
        let flat = error(r#"{"detail":"bad","fields":["email"]}"#);
        assert_eq!(flat.body_field("fields"), Some(serde_json::json!(["email"])));
        assert_eq!(flat.body_field("missing"), None);
        assert_eq!(error("not json").body_field("detail"), None);
    }

    #[test]
    fn stripe_shape() {
        let body = parse(
            r#"{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined","decline_code":"insufficient_funds","param":null,"request_id":"req_1a2b3c_abc123","doc_url":"https://docs.atlas.co/errors/card_declined"}}"#,
        )
        .unwrap();
        assert_eq!(body.r#type, Some(ErrorType::CardError));
        assert_eq!(body.code.as_deref(), Some("card_declined"));
        assert_eq!(body.message.as_deref(), Some("Your card was declined"));
        assert_eq!(body.decline_code.as_deref(), Some("insufficient_funds"));
        assert_eq!(body.param, None);
        assert_eq!(body.request_id.as_deref(), Some("req_1a2b3c_abc123"));
        assert_eq!(body.doc_url.as_deref(), Some("https://docs.atlas.co/errors/card_declined"));
    }

    #[test]
    fn other_shapes() {
        let billing = parse(r#"{"error":{"code":"not_found","message":"No such customer"}}"#).unwrap();
        assert_eq!(billing.r#type, None);
        assert_eq!(billing.code.as_deref(), Some("not_found"));
        assert_eq!(billing.message.as_deref(), Some("No such customer"));

        let twilio = parse(
            r#"{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"#,
        )
        .unwrap();
        assert_eq!(twilio.code.as_deref(), Some("20404"));
        assert_eq!(twilio.doc_url.as_deref(), Some("https://www.twilio.com/docs/errors/20404"));

        let plain = parse(r#"{"error":"Session not found"}"#).unwrap();
        assert_eq!(plain.message.as_deref(), Some("Session not found"));

        let oauth = parse(r#"{"error":"invalid_grant","error_description":"expired"}"#).unwrap();
        assert_eq!(oauth.code.as_deref(), Some("invalid_grant"));
        assert_eq!(oauth.message.as_deref(), Some("expired"));

        for (json, message) in [
            (r#"{"message":"m1","code":42}"#, "m1"),
            (r#"{"detail":"m2"}"#, "m2"),
            (r#"{"error_description":"m3"}"#, "m3"),
            (r#"{"title":"m4","type":"https://example.com/probs/x"}"#, "m4"),
            (r#""m5""#, "m5"),
        ] {
            assert_eq!(parse(json).unwrap().message.as_deref(), Some(message), "{json}");
        }
        assert_eq!(parse(r#"{"message":"m1","code":42}"#).unwrap().code.as_deref(), Some("42"));
        let problem = parse(r#"{"title":"m4","type":"https://example.com/probs/x"}"#).unwrap();
        assert_eq!(problem.r#type, None);
        assert_eq!(problem.doc_url.as_deref(), Some("https://example.com/probs/x"));

        let adyen = parse(
            r#"{"status":422,"errorCode":"14_030","message":"Return URL is missing.","errorType":"validation","pspReference":"X"}"#,
        )
        .unwrap();
        assert_eq!(adyen.code.as_deref(), Some("14_030"));
        assert_eq!(adyen.r#type, Some(ErrorType::from("validation".to_owned())));
        assert_eq!(adyen.message.as_deref(), Some("Return URL is missing."));

        let aws =
            parse(r#"{"__type":"com.amazonaws.acm#ResourceNotFoundException","Message":"No cert"}"#).unwrap();
        assert_eq!(aws.code.as_deref(), Some("ResourceNotFoundException"));
        assert_eq!(aws.message.as_deref(), Some("No cert"));
        let suffixed = parse(r#"{"__type":"aws.x#FooError:http://internal.amazon.com/x"}"#).unwrap();
        assert_eq!(suffixed.code.as_deref(), Some("FooError"));
        let bare = parse(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#).unwrap();
        assert_eq!(bare.code.as_deref(), Some("ThrottlingException"));
        assert_eq!(bare.message.as_deref(), Some("Rate exceeded"));
    }

    #[test]
    fn unparseable_bodies_give_none() {
        for raw in ["", "<html>502</html>", "[1,2]", "{}", r#"{"foo":1}"#, "null", "\u{0}\u{1}"] {
            assert_eq!(parse(raw), None, "{raw:?}");
        }
        assert_eq!(ApiErrorBody::parse(&[0xff, 0xfe]), None);
    }

    #[test]
    fn error_type_is_open_and_round_trips() {
        for name in [
            "api_error",
            "authentication_error",
            "card_error",
            "idempotency_error",
            "invalid_request_error",
            "rate_limit_error",
            "validation_error",
            "brand_new_error",
        ] {
            let kind: ErrorType = serde_json::from_value(Value::String(name.into())).unwrap();
            assert_eq!(kind.as_str(), name);
            assert_eq!(serde_json::to_value(&kind).unwrap(), Value::String(name.into()));
        }
        assert_eq!(ErrorType::from("x"), ErrorType::Unknown("x".into()));
    }

    #[test]
    fn api_error_display_is_one_line() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req_h".parse().unwrap());
        let err = ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            headers,
            Bytes::from_static(
                br#"{"error":{"type":"card_error","code":"card_declined","message":"Your card\nwas declined","decline_code":"insufficient_funds","request_id":"req_b"}}"#,
            ),
        );
        assert_eq!(err.request_id.as_deref(), Some("req_h"));
        assert_eq!(
            err.to_string(),
            "HTTP 402 Payment Required: card_error/card_declined: Your card was declined (decline_code: insufficient_funds) [request_id: req_h]"
        );
        let no_body = ApiError::new(StatusCode::BAD_GATEWAY, HeaderMap::new(), Bytes::new());
        assert_eq!(no_body.to_string(), "HTTP 502 Bad Gateway");
        assert_eq!(no_body.message(), None);
    }

    #[test]
    fn request_id_falls_back_to_body() {
        let err = ApiError::new(
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            Bytes::from_static(br#"{"error":{"message":"x","request_id":"req_body"}}"#),
        );
        assert_eq!(err.request_id.as_deref(), Some("req_body"));
    }

    #[test]
    fn decode_body_into_declared_schema() {
        #[derive(serde::Deserialize, Debug)]
        struct Declared {
            error: Inner,
        }
        #[derive(serde::Deserialize, Debug)]
        struct Inner {
            code: String,
        }
        let err = ApiError::new(
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            Bytes::from_static(br#"{"error":{"code":"not_found","message":"x"}}"#),
        );
        assert_eq!(err.decode_body::<Declared>().unwrap().error.code, "not_found");
        let bad =
            ApiError::new(StatusCode::NOT_FOUND, HeaderMap::new(), Bytes::from_static(b"{\"error\":{}}"));
        let decode = bad.decode_body::<Declared>().unwrap_err();
        assert_eq!(decode.decode_error().unwrap().path, "error");
        assert_eq!(decode.status(), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn excerpts_redact_the_values_of_fields_named_like_secrets() {
        let body = br#"{"id":"sess_1","client_secret" : "cs_abc\"123","nested":{"Password":"hunter2","api_key":null},"token_id":"tok_1","note":"client_secret"}"#;
        let excerpt = body_excerpt(body, None);
        assert_eq!(
            excerpt,
            r#"{"id":"sess_1","client_secret" : "[redacted]","nested":{"Password":"[redacted]","api_key":null},"token_id":"tok_1","note":"client_secret"}"#
        );
        // The excerpt of a long body stays around the error, wherever the redactions fall.
        let long =
            format!(r#"{{"client_secret":"{}","pad":"{}","amount":"x"}}"#, "s".repeat(900), "p".repeat(900));
        let at = long.find(r#""amount""#).unwrap();
        let excerpt = body_excerpt(long.as_bytes(), Some(at));
        assert!(excerpt.contains(r#""amount":"x""#) && !excerpt.contains("sss"), "{excerpt}");
        let start = body_excerpt(long.as_bytes(), None);
        assert!(start.starts_with(r#"{"client_secret":"[redacted]","pad":"ppp"#), "{start}");
        // Any prefix of a body (cut mid-escape, mid-key, mid-value), with the error anywhere.
        let tricky = r#"{"a\"secret":"x\\","password":"é\"","b":["secret",{"api_key":"k"}]}"#.repeat(40);
        for end in 0..=tricky.len() {
            for around in [None, Some(0), Some(end / 2), Some(end)] {
                let excerpt = body_excerpt(&tricky.as_bytes()[..end], around);
                assert!(!excerpt.contains("é\\\"\"") && !excerpt.contains(r#""k""#), "{excerpt}");
            }
        }
        // Values that are not strings, and more names of credentials.
        let more = br#"{"client_secret":{"value":"cs_1"},"api_keys":["sk_1"],"account_number":123456789,"cvc":"123","authorization":"Bearer t","token":"tok_1","cryptogram":"AgAAAA","pin":null,"next_page_token":"n1","last4":"4242"}"#;
        assert_eq!(
            body_excerpt(more, None),
            r#"{"client_secret":"[redacted]","api_keys":"[redacted]","account_number":"[redacted]","cvc":"[redacted]","authorization":"[redacted]","token":"[redacted]","cryptogram":"[redacted]","pin":null,"next_page_token":"n1","last4":"4242"}"#
        );
        // A body cut inside a secret's value still hides what there is of it.
        assert_eq!(body_excerpt(br#"{"password":"hunt"#, None), r#"{"password":"[redacted]"#);
    }

    #[test]
    fn a_secret_that_did_not_decode_is_not_quoted_in_the_message() {
        let body = Bytes::from_static(br#"{"client_secret":"cs_live_1","amount":"x"}"#);
        let decode = |path: &str| {
            let err = serde_json::from_slice::<u32>(br#""cs_live_1""#).unwrap_err();
            DecodeError::from_json(path.to_owned(), err, StatusCode::OK, None, &body)
        };
        let hidden = decode("data[0].client_secret");
        assert_eq!(hidden.message, r#"invalid type: string "[redacted]", expected u32 at line 1 column 11"#);
        assert!(!hidden.to_string().contains("cs_live_1") && !format!("{hidden:?}").contains("cs_live_1"));
        assert!(decode("amount").message.contains("cs_live_1"));
        assert_eq!(
            redact_quoted_value("unknown variant `sk_1`, expected `a` or `b`"),
            "unknown variant `[redacted]`, expected `a` or `b`"
        );
        assert_eq!(redact_quoted_value("no quotes"), "no quotes");
        assert_eq!(redact_quoted_value(r#"cut "sk"#), r#"cut "[redacted]"#);
    }

    #[test]
    fn excerpts_are_bounded_and_on_char_boundaries() {
        assert_eq!(body_excerpt(b"short", None), "short");
        let long = "é".repeat(1000); // 2000 bytes
        let excerpt = body_excerpt(long.as_bytes(), None);
        assert!(excerpt.len() <= MAX_EXCERPT_BYTES + 3, "{}", excerpt.len());
        assert!(excerpt.ends_with('…'));
        assert!(!excerpt.contains('\u{fffd}'));
        let middle = body_excerpt(long.as_bytes(), Some(1001));
        assert!(middle.starts_with('…') && middle.ends_with('…'));
        assert!(!middle.contains('\u{fffd}'));
        let end = body_excerpt(long.as_bytes(), Some(5000));
        assert!(end.starts_with('…') && !end.ends_with('…'));
        assert!(!body_excerpt(&[0xff; 10], None).is_empty());
    }

    #[test]
    fn byte_offsets() {
        assert_eq!(byte_offset(b"ab\ncd", 2, 2), Some(4));
        assert_eq!(byte_offset(b"abc", 1, 1), Some(0));
        assert_eq!(byte_offset(b"abc", 0, 0), None);
        assert_eq!(byte_offset(b"abc", 9, 99), Some(3));
    }

    #[test]
    fn redaction() {
        let raw = Bytes::from_static(b"Invalid API key sk_test_SECRET123 (sk_test_SECRET123)");
        let out = redact_secrets(raw, &["sk_test_SECRET123"]);
        assert_eq!(&out[..], b"Invalid API key [redacted] ([redacted])");
        let untouched = Bytes::from_static(b"nothing here");
        assert_eq!(redact_secrets(untouched.clone(), &["sk_test_SECRET123", ""]), untouched);
    }

    #[test]
    fn missing_credentials_display() {
        let err = Error::MissingCredentials {
            schemes: vec!["bearerAuth", "clientSecret"],
            setters: vec!["bearer_auth", "client_secret"],
            token_setters: vec!["client_secret"],
        };
        assert_eq!(
            err.to_string(),
            "missing credentials: this operation needs `bearerAuth` or `clientSecret`: set one with the client builder's `bearer_auth` or `client_secret`, or on a built client with `with_client_secret`"
        );
        let basic = Error::MissingCredentials {
            schemes: vec!["basic"],
            setters: vec!["basic"],
            token_setters: vec![],
        };
        assert_eq!(
            basic.to_string(),
            "missing credentials: this operation needs `basic`: set it with the client builder's `basic`"
        );
    }
}
