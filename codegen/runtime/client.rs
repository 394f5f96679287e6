//! The configured client: base URL, timeouts, retry settings and credentials.
//!
//! A [`Client`] is cheap to clone (one `Arc`) and safe to share between tasks.
//! Generated code wraps it in API-specific constructors and resource groups;
//! this module holds the API-agnostic part.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;
use reqwest::redirect::Policy;

use super::decode::RawResponse;
use super::error::Error;
use super::pagination::{ListRequest, Page, Pagination};
use super::request::{Request, RequestOptions, RequestSpec, error_chain, sensitive_value};
use super::retry::RetryPolicy;
use super::secret::Secret;
// @streams
use super::stream::{EventStream, Framing, ItemDecoder};

/// Per-API defaults, emitted by the generator as a `static`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientDefaults {
    /// The production base URL (e.g. `https://api.example.com/v1`).
    pub base_url: &'static str,
    /// The default `User-Agent` (e.g. `atlaspay-rust/0.1.0`).
    pub user_agent: &'static str,
    /// The header that carries idempotency keys (e.g. `Idempotency-Key`), if
    /// the API supports them. When set, every POST and PATCH gets one.
    pub idempotency_header: Option<&'static str>,
    /// The environment variable that conventionally holds the API key.
    pub api_key_env: Option<&'static str>,
}

/// A security scheme from the API description, emitted as a `static`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the API description (shown in errors, never its value).
    pub name: &'static str,
    /// The client builder's method that sets its credential (`secret_key`), named in errors.
    pub setter: &'static str,
    /// How the credential is put on the request.
    pub kind: SchemeKind,
}

/// How a credential is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// HTTP Basic authentication.
    Basic,
    /// `Authorization: <scheme> <credential>`, for an HTTP scheme other than Basic and Bearer
    /// (`Negotiate`, OAuth 1.0's `OAuth`, a vendor's signature scheme): the credential is sent as
    /// given, so it is whatever that scheme puts after its name.
    Http {
        /// The scheme's name, as the API description writes it.
        scheme: &'static str,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
}

/// Where an API key is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A stored credential value.
#[derive(Clone, Debug)]
pub(super) enum Credential {
    /// A token for Bearer, other HTTP and ApiKey schemes (for Basic: the username, empty password).
    Token(Secret),
    /// Username and password for Basic schemes.
    Basic { username: Secret, password: Secret },
}

impl Credential {
    /// The plain-text parts, for scrubbing echoes out of error bodies.
    pub(super) fn secrets(&self) -> Vec<&str> {
        match self {
            Self::Token(token) => vec![token.expose()],
            Self::Basic { username, password } => vec![username.expose(), password.expose()],
        }
    }
}

/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of retries (so at most three attempts).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default backoff cap of the first retry.
pub const DEFAULT_INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// Default largest backoff cap.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// Default limit on the size of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Builds a [`Client`]. Every setting has a sensible default.
///
/// ```no_run
/// # static DEFAULTS: atlaspay::runtime::ClientDefaults = atlaspay::runtime::ClientDefaults {
/// #     base_url: "https://api.example.com/v1", user_agent: "atlaspay-rust",
/// #     idempotency_header: Some("Idempotency-Key"), api_key_env: Some("ATLAS_API_KEY") };
/// # static BEARER: atlaspay::runtime::SecurityScheme = atlaspay::runtime::SecurityScheme {
/// #     name: "bearerAuth", setter: "bearer_auth", kind: atlaspay::runtime::SchemeKind::Bearer };
/// use std::time::Duration;
/// use atlaspay::runtime::ClientBuilder;
///
/// let client = ClientBuilder::new(&DEFAULTS)
///     .credential(&BEARER, "sk_test_123")
///     .timeout(Duration::from_secs(20))
///     .max_retries(3)
///     .build()?;
/// # Ok::<(), atlaspay::runtime::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    defaults: &'static ClientDefaults,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    credentials: Vec<(&'static SecurityScheme, Credential)>,
    env_credentials: Vec<&'static SecurityScheme>,
    max_response_bytes: u64,
    allow_http: bool,
    request_hooks: Vec<RequestHook>,
}

/// A function every request passes through just before it is sent: see
/// [`ClientBuilder::on_request`].
pub type RequestHook =
    Arc<dyn Fn(&mut reqwest::Request) -> Result<(), Box<dyn std::error::Error + Send + Sync>> + Send + Sync>;

impl ClientBuilder {
    /// A builder starting from the API's defaults.
    pub fn new(defaults: &'static ClientDefaults) -> Self {
        Self {
            defaults,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            initial_retry_delay: DEFAULT_INITIAL_RETRY_DELAY,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
            user_agent: None,
            http_client: None,
            credentials: Vec::new(),
            env_credentials: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_http: false,
            request_hooks: Vec::new(),
        }
    }

    /// The largest response body the client reads (default 64 MiB); a bigger one fails with
    /// [`Error::ResponseTooLarge`] instead of exhausting memory.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Overrides the base URL (https, or http for loopback hosts only unless
    /// [`allow_http`](Self::allow_http)). It replaces the default whole, path included: keep the
    /// API's base path (the default's, such as `/v1`) when pointing at another host.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Accepts a plain `http` base URL on any host (a mock server in another container, a
    /// sidecar proxy), not only on loopback ones. Credentials and bodies then cross the network
    /// unencrypted: never for a production API.
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Timeout of each attempt, from connecting to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default 10 s). Ignored with a custom [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2; at most 10 are made).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Backoff cap of the first retry (default 500 ms); doubles per retry.
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.initial_retry_delay = delay;
        self
    }

    /// Largest backoff cap (default 8 s).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = delay;
        self
    }

    /// Replaces the default `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, custom TLS roots…).
    ///
    /// Its own timeouts and redirect policy apply; the client built by default
    /// follows no redirects, so credentials never travel to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Runs `hook` on every request just before it is sent (each attempt of each call, each
    /// page of a list), after the client's own headers and credentials are on it: to sign it
    /// with a scheme the API description cannot state (AWS's SigV4, an HMAC of the body), add a
    /// header, or log it. Hooks run in the order added. An `Err` fails the call with
    /// [`Error::InvalidRequest`] carrying its message, and nothing is sent.
    pub fn on_request(
        mut self,
        hook: impl Fn(&mut reqwest::Request) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.request_hooks.push(Arc::new(hook));
        self
    }

    /// Sets the token for a Bearer, other HTTP or ApiKey scheme (for a Basic scheme: the
    /// username, with an empty password). Replaces an earlier value.
    pub fn credential(mut self, scheme: &'static SecurityScheme, token: impl Into<String>) -> Self {
        set_credential(&mut self.credentials, scheme, Credential::Token(Secret::new(token)));
        self
    }

    /// Sets username and password for a Basic scheme.
    pub fn basic_auth(
        mut self,
        scheme: &'static SecurityScheme,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        set_credential(
            &mut self.credentials,
            scheme,
            Credential::Basic { username: Secret::new(username), password: Secret::new(password) },
        );
        self
    }

    /// Reads the token for `scheme` from the environment variable named in
    /// [`ClientDefaults::api_key_env`] when [`Self::build`] runs; building
    /// fails if the variable is unset or empty.
    pub fn credential_from_env(mut self, scheme: &'static SecurityScheme) -> Self {
        self.env_credentials.push(scheme);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base =
            parse_base_url(self.base_url.as_deref().unwrap_or(self.defaults.base_url), self.allow_http)?;
        let base_url = base.as_str().trim_end_matches('/').to_owned();
        let user_agent_text = self.user_agent.as_deref().unwrap_or(self.defaults.user_agent);
        let user_agent = HeaderValue::from_str(user_agent_text).map_err(|_| {
            Error::config(format!("user agent `{user_agent_text}` is not a valid header value"))
        })?;
        if self.timeout.is_zero() {
            return Err(Error::config("timeout must be greater than zero"));
        }
        if let Some(name) = self.defaults.idempotency_header {
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::config(format!("idempotency header `{name}` is not a valid header name"))
            })?;
        }

        let mut credentials = self.credentials;
        for scheme in self.env_credentials {
            let Some(var) = self.defaults.api_key_env else {
                return Err(Error::config(format!(
                    "no API-key environment variable is defined for scheme `{}`",
                    scheme.name
                )));
            };
            match std::env::var(var) {
                Ok(token) if !token.is_empty() => {
                    set_credential(&mut credentials, scheme, Credential::Token(Secret::new(token)));
                }
                _ => {
                    return Err(Error::config(format!(
                        "environment variable `{var}` is not set (needed for scheme `{}`)",
                        scheme.name
                    )));
                }
            }
        }
        for (scheme, credential) in &credentials {
            check_credential(scheme, credential)?;
        }

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(Policy::none())
                .build()
                .map_err(|err| http_client_error(&err))?,
        };

        // Only another origin: on the same one, a link outside the base path is refused, not
        // moved under it.
        let documented_base =
            Url::parse(self.defaults.base_url).ok().filter(|documented| documented.origin() != base.origin());
        Ok(Client {
            inner: Arc::new(ClientInner {
                http: Some(http),
                startup_error: None,
                base: Some(base),
                documented_base,
                base_url,
                user_agent,
                idempotency_header: self.defaults.idempotency_header,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                retry: RetryPolicy::new(self.max_retries, self.initial_retry_delay, self.max_retry_delay),
                bearer_headers: bearer_headers(&credentials),
                credentials,
                request_hooks: self.request_hooks,
                refused: Vec::new(),
            }),
        })
    }
}

/// Why reqwest could not build the default HTTP client, with its causes (its own text is only
/// "builder error"). On Linux the usual cause is a system without CA certificates (a slim or
/// scratch container image): rustls's platform verifier has nothing to trust.
fn http_client_error(err: &reqwest::Error) -> Error {
    let chain = error_chain(err);
    let hint = if chain.contains("No CA certificates") {
        " (install the system's CA certificates, point SSL_CERT_FILE at a PEM bundle, or give \
         `http_client` a reqwest client built with `tls_certs_only`)"
    } else {
        ""
    };
    Error::config(format!("cannot build the HTTP client: {chain}{hint}"))
}

impl ClientBuilder {
    /// Builds the client without failing: if the settings cannot be used (an invalid base
    /// URL, an HTTP stack that does not start), every request returns that [`Error::Config`]
    /// instead. This backs the infallible `Client::new`; use [`Self::build`] to handle
    /// configuration errors up front.
    pub fn build_infallible(mut self) -> Client {
        // A credential that cannot be sent fails only the operations that would send it.
        let mut refused = Vec::new();
        for (scheme, credential) in std::mem::take(&mut self.credentials) {
            admit(&mut self.credentials, &mut refused, scheme, credential);
        }
        let defaults = self.defaults;
        let timeout = self.timeout;
        let credentials = self.credentials.clone();
        match self.build() {
            Ok(mut client) => {
                if let Some(inner) = Arc::get_mut(&mut client.inner) {
                    inner.refused = refused;
                }
                client
            }
            Err(error) => Client {
                inner: Arc::new(ClientInner {
                    http: None,
                    startup_error: Some(startup_message(error)),
                    base_url: defaults.base_url.trim_end_matches('/').to_owned(),
                    base: None,
                    documented_base: None,
                    user_agent: HeaderValue::from_static("invalid-client"),
                    idempotency_header: defaults.idempotency_header,
                    timeout,
                    max_response_bytes: 0,
                    retry: RetryPolicy::new(0, Duration::ZERO, Duration::ZERO),
                    bearer_headers: bearer_headers(&credentials),
                    credentials,
                    // Nothing is sent, so nothing passes through them.
                    request_hooks: Vec::new(),
                    refused,
                }),
            },
        }
    }
}

/// Shows settings and credential scheme names; never credential values, and
/// only whether a custom HTTP client is set (its default headers may be secret).
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.credentials.iter().map(|(scheme, _)| scheme.name).collect();
        let from_env: Vec<&str> = self.env_credentials.iter().map(|scheme| scheme.name).collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().unwrap_or(self.defaults.base_url))
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("initial_retry_delay", &self.initial_retry_delay)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("custom_http_client", &self.http_client.is_some())
            .field("credentials", &names)
            .field("credentials_from_env", &from_env)
            .field("request_hooks", &self.request_hooks.len())
            .finish_non_exhaustive()
    }
}

/// Refuses a credential that could only be answered with a 401, before anything is sent: a
/// Basic one for another scheme, an empty token (an unset variable read by hand), or one a
/// header cannot carry (a key read from a file with its line break).
fn check_credential(scheme: &SecurityScheme, credential: &Credential) -> Result<(), Error> {
    let Credential::Token(token) = credential else {
        return match scheme.kind {
            SchemeKind::Basic => Ok(()),
            _ => Err(Error::config(format!(
                "basic_auth was given for scheme `{}`, which is not an HTTP Basic scheme",
                scheme.name
            ))),
        };
    };
    if token.is_empty() {
        return Err(Error::config(format!(
            "the credential for scheme `{}` is empty: pass the key to `{}`",
            scheme.name, scheme.setter
        )));
    }
    let in_header = match scheme.kind {
        SchemeKind::ApiKey { location, .. } => location != ApiKeyLocation::Query,
        _ => true,
    };
    if in_header && HeaderValue::from_str(token.expose()).is_err() {
        return Err(Error::config(format!(
            "the credential for scheme `{}` has a character a header cannot carry (a line break or \
             other control character); check how `{}` was given it",
            scheme.name, scheme.setter
        )));
    }
    Ok(())
}

/// What a client that could not be built answers every request with: a `Config` error's
/// message alone, as each request's error is a `Config` again.
fn startup_message(error: Error) -> String {
    match error {
        Error::Config { message } => message,
        other => other.to_string(),
    }
}

/// For the builders that cannot fail: puts `credential` in place of any earlier one for
/// `scheme`, or, where it could only fail ([`check_credential`]), records why in `refused`
/// instead, so that the operations needing the scheme fail with that and the others are sent.
fn admit(
    credentials: &mut Vec<(&'static SecurityScheme, Credential)>,
    refused: &mut Vec<(&'static str, String)>,
    scheme: &'static SecurityScheme,
    credential: Credential,
) {
    refused.retain(|(name, _)| *name != scheme.name);
    match check_credential(scheme, &credential) {
        Ok(()) => set_credential(credentials, scheme, credential),
        Err(error) => {
            credentials.retain(|(s, _)| s.name != scheme.name);
            refused.push((scheme.name, startup_message(error)));
        }
    }
}

fn set_credential(
    credentials: &mut Vec<(&'static SecurityScheme, Credential)>,
    scheme: &'static SecurityScheme,
    credential: Credential,
) {
    match credentials.iter_mut().find(|(s, _)| s.name == scheme.name) {
        Some(slot) => *slot = (scheme, credential),
        None => credentials.push((scheme, credential)),
    }
}

/// A URL for error messages: any `user:password@` part replaced by `***@`.
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{host}{tail}"),
        None => url.to_owned(),
    }
}

/// Checks a base URL and returns it normalized, without trailing slashes.
///
/// It must be an absolute `https` URL, or `http` when the host is loopback
/// (`localhost`, `127.0.0.0/8`, `::1`); it may not carry credentials, a
/// query or a fragment.
pub fn validate_base_url(base_url: &str) -> Result<String, Error> {
    Ok(parse_base_url(base_url, false)?.as_str().trim_end_matches('/').to_owned())
}

/// [`validate_base_url`], returning the parsed URL (trailing slashes of its path kept).
fn parse_base_url(base_url: &str, allow_http: bool) -> Result<Url, Error> {
    let trimmed = base_url.trim();
    let shown = redact_userinfo(trimmed);
    let parsed = Url::parse(trimmed)
        .map_err(|err| Error::config(format!("base URL `{shown}` is not a valid URL: {err}")))?;
    let host = parsed
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or_else(|| Error::config(format!("base URL `{shown}` has no host")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(host) => {}
        "http" => {
            return Err(Error::config(format!(
                "base URL `{shown}` must use https (plain http is only allowed for loopback hosts such as localhost or 127.0.0.1, or after `ClientBuilder::allow_http`)"
            )));
        }
        other => {
            return Err(Error::config(format!(
                "base URL `{shown}` has unsupported scheme `{other}` (use https)"
            )));
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config(format!(
            "base URL `{shown}` must not contain credentials; configure them on the client builder"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(format!("base URL `{shown}` must not have a query or fragment")));
    }
    Ok(parsed)
}

/// `localhost`, `127.0.0.0/8` or `::1` (as printed by the URL parser).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

pub(super) struct ClientInner {
    /// `None` only for a client whose settings could not be used (see
    /// [`ClientBuilder::build_infallible`]); `startup_error` says why.
    pub(super) http: Option<reqwest::Client>,
    /// Why every request fails without being sent: settings that could not be used.
    pub(super) startup_error: Option<String>,
    /// [`ClientBuilder::on_request`]'s hooks, in order.
    pub(super) request_hooks: Vec<RequestHook>,
    /// Credentials refused by scheme name, with why (an empty one, one a header cannot carry),
    /// given to `build_infallible` or `with_credential`: the operations that need one of these
    /// schemes fail with that [`Error::Config`]; the others are sent.
    pub(super) refused: Vec<(&'static str, String)>,
    pub(super) base_url: String,
    /// `base_url` parsed once, so a request only appends its path and query.
    pub(super) base: Option<Url>,
    /// The API description's server, when the client was pointed elsewhere (a proxy, a mock, a
    /// regional host): next-page links the API writes with it are followed under `base`.
    pub(super) documented_base: Option<Url>,
    pub(super) user_agent: HeaderValue,
    pub(super) idempotency_header: Option<&'static str>,
    pub(super) timeout: Duration,
    pub(super) max_response_bytes: u64,
    pub(super) retry: RetryPolicy,
    pub(super) credentials: Vec<(&'static SecurityScheme, Credential)>,
    /// `Authorization: Bearer …` values of the bearer credentials, made once per client.
    pub(super) bearer_headers: Vec<(&'static str, HeaderValue)>,
}

/// The ready-made `Authorization` value of every bearer or other HTTP-scheme credential (an
/// invalid one is left out here and reported when a request would send it).
fn bearer_headers(credentials: &[(&'static SecurityScheme, Credential)]) -> Vec<(&'static str, HeaderValue)> {
    credentials
        .iter()
        .filter_map(|(scheme, credential)| {
            let prefix = match scheme.kind {
                SchemeKind::Bearer => "Bearer",
                SchemeKind::Http { scheme: name } => name,
                _ => return None,
            };
            let Credential::Token(token) = credential else { return None };
            sensitive_value(&format!("{prefix} {}", token.expose()), scheme)
                .ok()
                .map(|value| (scheme.name, value))
        })
        .collect()
}

impl ClientInner {
    pub(super) fn bearer_header(&self, scheme: &SecurityScheme) -> Option<&HeaderValue> {
        self.bearer_headers.iter().find(|(name, _)| *name == scheme.name).map(|(_, value)| value)
    }

    pub(super) fn credential(&self, scheme: &SecurityScheme) -> Option<&Credential> {
        self.credentials.iter().find(|(s, _)| s.name == scheme.name).map(|(_, credential)| credential)
    }
}

/// A configured API client. Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<ClientInner>,
}

impl Client {
    /// Prepares a request; `decode` turns a success response into `T`.
    /// Nothing is sent until the returned [`Request`] is awaited.
    pub fn request<T: Send + 'static>(
        &self,
        spec: RequestSpec,
        decode: fn(&RawResponse) -> Result<T, Error>,
    ) -> Request<T> {
        Request::new(self.clone(), spec, decode)
    }

    /// Prepares a request whose success body is streamed: awaited, it resolves (once a success
    /// status is in) to an [`EventStream`] of items, each decoded by `decode` as its frame
    /// arrives.
    // @streams
    pub fn request_stream<T: Send + 'static>(
        &self,
        mut spec: RequestSpec,
        framing: Framing,
        decode: ItemDecoder<T>,
    ) -> Request<EventStream<T>> {
        spec.accept(framing.accept());
        Request::streamed(
            self.clone(),
            spec,
            Box::new(move |opened| EventStream::new(opened, framing, decode)),
        )
    }

    /// Prepares a paginated list request (each page decoded as JSON `T`).
    pub fn list<T: Page>(&self, spec: RequestSpec, pagination: Pagination) -> ListRequest<T> {
        ListRequest::new(self.clone(), spec, pagination, RequestOptions::default())
    }

    /// A copy of this client with one more (or a replaced) credential; the
    /// connection pool is shared. Useful to act with a client secret next to a
    /// secret key.
    pub fn with_credential(&self, scheme: &'static SecurityScheme, token: impl Into<String>) -> Client {
        let mut credentials = self.inner.credentials.clone();
        let mut refused = self.inner.refused.clone();
        admit(&mut credentials, &mut refused, scheme, Credential::Token(Secret::new(token)));
        Client {
            inner: Arc::new(ClientInner {
                http: self.inner.http.clone(),
                startup_error: self.inner.startup_error.clone(),
                base_url: self.inner.base_url.clone(),
                base: self.inner.base.clone(),
                documented_base: self.inner.documented_base.clone(),
                user_agent: self.inner.user_agent.clone(),
                idempotency_header: self.inner.idempotency_header,
                timeout: self.inner.timeout,
                max_response_bytes: self.inner.max_response_bytes,
                retry: self.inner.retry,
                bearer_headers: bearer_headers(&credentials),
                credentials,
                request_hooks: self.inner.request_hooks.clone(),
                refused,
            }),
        }
    }

    /// The validated base URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether a credential is configured for `scheme`.
    pub fn has_credential(&self, scheme: &SecurityScheme) -> bool {
        self.inner.credential(scheme).is_some()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.inner.credentials.iter().map(|(scheme, _)| scheme.name).collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("max_retries", &self.inner.retry.max_retries)
            .field("timeout", &self.inner.timeout)
            .field("credentials", &names)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_on_the_documented_server_are_mapped_only_from_another_origin() {
        static DEFAULTS: ClientDefaults = ClientDefaults {
            base_url: "https://api.example.com/v1",
            user_agent: "test",
            idempotency_header: None,
            api_key_env: None,
        };
        let documented = |base: Option<&str>| {
            let builder = ClientBuilder::new(&DEFAULTS).allow_http();
            let builder = match base {
                Some(base) => builder.base_url(base),
                None => builder,
            };
            builder.build().unwrap().inner.documented_base.as_ref().map(Url::to_string)
        };
        assert_eq!(documented(None), None);
        assert_eq!(documented(Some("https://api.example.com/v2")), None);
        assert_eq!(
            documented(Some("http://127.0.0.1:9/proxy")).as_deref(),
            Some("https://api.example.com/v1")
        );
    }

    #[test]
    fn a_client_that_could_not_be_built_says_why_once_per_request() {
        static PLAIN_HTTP: ClientDefaults = ClientDefaults {
            base_url: "http://api.example.com",
            user_agent: "test",
            idempotency_header: None,
            api_key_env: None,
        };
        let client = ClientBuilder::new(&PLAIN_HTTP).build_infallible();
        // Each request fails with `Error::Config` of this message, which adds the prefix once.
        let message = client.inner.startup_error.clone().unwrap();
        assert!(message.contains("must use https"), "{message}");
        let text = Error::config(message).to_string();
        assert_eq!(text.matches("invalid client configuration").count(), 1, "{text}");
    }

    #[test]
    fn credentials_that_could_only_fail_are_refused_before_anything_is_sent() {
        static DEFAULTS: ClientDefaults = ClientDefaults {
            base_url: "https://api.example.com",
            user_agent: "test",
            idempotency_header: None,
            api_key_env: None,
        };
        static BEARER: SecurityScheme =
            SecurityScheme { name: "bearerAuth", setter: "secret_key", kind: SchemeKind::Bearer };
        static QUERY_KEY: SecurityScheme = SecurityScheme {
            name: "queryKey",
            setter: "query_key",
            kind: SchemeKind::ApiKey { location: ApiKeyLocation::Query, name: "key" },
        };
        let build = |scheme: &'static SecurityScheme, token: &str| {
            ClientBuilder::new(&DEFAULTS).credential(scheme, token).build().err().map(|e| e.to_string())
        };
        assert_eq!(
            build(&BEARER, "").as_deref(),
            Some(
                "invalid client configuration: the credential for scheme `bearerAuth` is empty: pass the \
                 key to `secret_key`"
            )
        );
        let line_break = build(&BEARER, "sk_test_123\n").unwrap();
        assert!(line_break.contains("`bearerAuth` has a character a header cannot carry"), "{line_break}");
        assert!(!line_break.contains("sk_test"), "the key is never shown: {line_break}");
        assert_eq!(build(&BEARER, "sk_test_123"), None);
        // A query parameter is percent-encoded: any text can be sent.
        assert_eq!(build(&QUERY_KEY, "a\nb"), None);
        assert!(build(&QUERY_KEY, "").is_some());

        // A built client given an empty secret keeps why, for the operations that need it; a
        // good one given after replaces it.
        let client = ClientBuilder::new(&DEFAULTS).credential(&BEARER, "sk_test_123").build().unwrap();
        let refused = client.with_credential(&BEARER, "");
        assert_eq!(refused.inner.startup_error, None);
        assert!(refused.inner.credential(&BEARER).is_none());
        assert!(refused.inner.refused[0].1.contains("`bearerAuth` is empty"), "{:?}", refused.inner.refused);
        let mended = refused.with_credential(&BEARER, "sk_test_456");
        assert!(mended.inner.refused.is_empty() && mended.inner.credential(&BEARER).is_some());
        // Built infallibly, the same.
        let infallible = ClientBuilder::new(&DEFAULTS).credential(&BEARER, "").build_infallible();
        assert_eq!(infallible.inner.startup_error, None);
        assert_eq!(infallible.inner.refused.len(), 1);
    }

    #[test]
    fn base_url_rules() {
        for ok in [
            "https://api.example.com/v1",
            "https://api.example.com/v1///",
            " https://api.example.com ",
            "http://localhost:8080",
            "http://LOCALHOST/x/",
            "http://127.0.0.1:1",
            "http://127.1.2.3",
            "http://[::1]:9000/api",
        ] {
            let url = validate_base_url(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(!url.ends_with('/'), "{url}");
        }
        assert_eq!(validate_base_url("https://api.example.com/v1/").unwrap(), "https://api.example.com/v1");
        for (bad, needle) in [
            ("http://api.example.com", "must use https"),
            ("http://10.0.0.1", "must use https"),
            ("http://localhost.evil.com", "must use https"),
            ("ftp://api.example.com", "unsupported scheme"),
            ("api.example.com", "not a valid URL"),
            ("", "not a valid URL"),
            ("https://user:pw@api.example.com", "must not contain credentials"),
            ("https://api.example.com/?a=1", "query or fragment"),
        ] {
            let err = validate_base_url(bad).unwrap_err().to_string();
            assert!(err.contains(needle), "{bad}: {err}");
            assert!(!err.contains("pw@"), "{err}");
        }
        let err = validate_base_url("http://api.example.com").unwrap_err().to_string();
        assert!(err.contains("`http://api.example.com`"), "{err}");
        // Any host, once allowed; other schemes still not.
        assert_eq!(
            parse_base_url("http://atlas-mock:4010/v1", true).unwrap().as_str(),
            "http://atlas-mock:4010/v1"
        );
        assert!(parse_base_url("ftp://atlas-mock", true).is_err());
    }

    #[test]
    fn userinfo_is_redacted_in_messages() {
        assert_eq!(redact_userinfo("https://u:p@h/x"), "https://***@h/x");
        assert_eq!(redact_userinfo("https://h/x@y"), "https://h/x@y");
        assert_eq!(redact_userinfo("nothing"), "nothing");
    }
}
