//! The generated crate's own `Client` and `ClientBuilder`.
//!
//! A generated crate adds constructors, credential setters and resource accessors to its
//! client. Inherent methods cannot be added to a type of another crate, and the runtime may be
//! its own crate, so the generated crate defines thin newtypes with [`api_client!`] and adds
//! its methods to those. The macro keeps the forwarding out of the generated source.

/// Defines `Client` and `ClientBuilder` in the calling module: newtypes over the runtime's
/// [`Client`](super::Client) and [`ClientBuilder`](super::ClientBuilder) that forward their
/// settings and low-level calls, and `Client::builder`, which starts from the API's
/// [`ClientDefaults`](super::ClientDefaults). `api_client!(my_api, DEFAULTS)` names the
/// calling crate (for the doc example) and its defaults, a path in scope at the call; an
/// optional third argument is the example's line that sets the API's credential, e.g.
/// `"    .secret_key(\"my-api-key\")"`. The calling module adds the other constructors, the
/// credential setters and the resource accessors.
///
/// Neither type implements `Default`, nor `Client` `From<runtime::Client>` (it has
/// `from_runtime`): the first impl of a trait in a crate makes coherence walk every impl of that
/// trait in scope, up to 20 ms (`Default`), a tenth of a small generated crate's `cargo check`.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_client {
    ($krate:ident, $defaults:path $(, $credential_line:literal)?) => {
        /// A configured client of this API. Cloning is cheap and shares the connection pool.
        ///
        /// Its `Debug` output shows settings and credential scheme names, never their values.
        #[derive(Clone)]
        pub struct Client($crate::runtime::Client);

        impl Client {
            /// A builder to configure base URL, timeouts, retries and credentials.
            ///
            /// ```
            #[doc = concat!("# fn main() -> Result<(), ", stringify!($krate), "::Error> {")]
            /// use std::time::Duration;
            ///
            #[doc = concat!("let client = ", stringify!($krate), "::Client::builder()")]
            $(#[doc = $credential_line])?
            ///     .base_url("http://127.0.0.1:4010") // https, or http on loopback only
            ///     .timeout(Duration::from_secs(20))
            ///     .max_retries(3)
            ///     .build()?;
            /// # let _ = client;
            /// # Ok(())
            /// # }
            /// ```
            pub fn builder() -> ClientBuilder {
                ClientBuilder($crate::runtime::ClientBuilder::new(&$defaults))
            }

            /// Prepares a request that the generated operations do not cover; `decode` turns a
            /// success response into `T`. Nothing is sent until the returned request is awaited.
            pub fn request<T: Send + 'static>(
                &self,
                spec: $crate::runtime::RequestSpec,
                decode: fn(&$crate::runtime::RawResponse) -> ::std::result::Result<T, $crate::runtime::Error>,
            ) -> $crate::runtime::Request<T> {
                self.0.request(spec, decode)
            }

            /// Prepares a request whose success body is streamed: awaited, it resolves to an
            /// [`EventStream`]($crate::runtime::EventStream) of items, each decoded by `decode`
            /// as its frame arrives.
            // @streams
            pub fn request_stream<T: Send + 'static>(
                &self,
                spec: $crate::runtime::RequestSpec,
                framing: $crate::runtime::Framing,
                decode: $crate::runtime::stream::ItemDecoder<T>,
            ) -> $crate::runtime::Request<$crate::runtime::EventStream<T>> {
                self.0.request_stream(spec, framing, decode)
            }

            /// Prepares a paginated list request (each page decoded as JSON `T`).
            pub fn list<T: $crate::runtime::Page>(
                &self,
                spec: $crate::runtime::RequestSpec,
                pagination: $crate::runtime::Pagination,
            ) -> $crate::runtime::ListRequest<T> {
                self.0.list(spec, pagination)
            }

            /// A copy of this client with one more (or a replaced) credential; the connection
            /// pool is shared.
            pub fn with_credential(
                &self,
                scheme: &'static $crate::runtime::SecurityScheme,
                token: impl Into<String>,
            ) -> Self {
                Self(self.0.with_credential(scheme, token))
            }

            /// The validated base URL (no trailing slash).
            pub fn base_url(&self) -> &str {
                self.0.base_url()
            }

            /// Whether a credential is configured for `scheme`.
            pub fn has_credential(&self, scheme: &$crate::runtime::SecurityScheme) -> bool {
                self.0.has_credential(scheme)
            }

            /// The runtime client underneath.
            pub fn as_runtime(&self) -> &$crate::runtime::Client {
                &self.0
            }

            /// This API's client over a runtime client built or configured elsewhere.
            pub fn from_runtime(client: $crate::runtime::Client) -> Self {
                Self(client)
            }
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        /// Builds a [`Client`]. Every setting has a sensible default; the `Debug` output never
        /// shows credential values.
        #[must_use]
        pub struct ClientBuilder($crate::runtime::ClientBuilder);

        impl ClientBuilder {
            /// The largest response body the client reads (default 64 MiB); a bigger one fails
            /// with `Error::ResponseTooLarge` instead of exhausting memory.
            pub fn max_response_bytes(self, limit: u64) -> Self {
                Self(self.0.max_response_bytes(limit))
            }

            /// Overrides the base URL (https, or http for loopback hosts only unless
            /// [`allow_http`](Self::allow_http)). It replaces the default whole, path included:
            /// keep the API's base path when pointing at another host.
            pub fn base_url(self, base_url: impl Into<String>) -> Self {
                Self(self.0.base_url(base_url))
            }

            /// Accepts a plain `http` base URL on any host (a mock server in another container,
            /// a sidecar proxy), not only on loopback ones. Credentials and bodies then cross the
            /// network unencrypted: never for a production API.
            pub fn allow_http(self) -> Self {
                Self(self.0.allow_http())
            }

            /// Timeout of each attempt, from connecting to the end of the body (default 60 s).
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                Self(self.0.timeout(timeout))
            }

            /// Connect timeout (default 10 s). Ignored with a custom [`Self::http_client`].
            pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
                Self(self.0.connect_timeout(timeout))
            }

            /// Retries after the first attempt (default 2; at most 10 are made).
            pub fn max_retries(self, retries: u32) -> Self {
                Self(self.0.max_retries(retries))
            }

            /// Backoff cap of the first retry (default 500 ms); doubles per retry.
            pub fn initial_retry_delay(self, delay: ::std::time::Duration) -> Self {
                Self(self.0.initial_retry_delay(delay))
            }

            /// Largest backoff cap (default 8 s).
            pub fn max_retry_delay(self, delay: ::std::time::Duration) -> Self {
                Self(self.0.max_retry_delay(delay))
            }

            /// Replaces the default `User-Agent`.
            pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
                Self(self.0.user_agent(user_agent))
            }

            /// Uses a preconfigured `reqwest::Client` (proxies, custom TLS roots…). Its own
            /// timeouts and redirect policy apply; the client built by default follows no
            /// redirects, so credentials never travel to another host.
            pub fn http_client(self, client: ::reqwest::Client) -> Self {
                Self(self.0.http_client(client))
            }

            /// Runs `hook` on every request just before it is sent (each attempt, each page),
            /// after the client's own headers and credentials: to sign it with a scheme the API
            /// description cannot state, add a header, or log it. An `Err` fails the call with
            /// `Error::InvalidRequest` carrying its message, and nothing is sent.
            ///
            /// ```
            #[doc = concat!("# fn main() -> Result<(), ", stringify!($krate), "::Error> {")]
            #[doc = concat!("let client = ", stringify!($krate), "::Client::builder()")]
            $(#[doc = $credential_line])?
            ///     .base_url("http://127.0.0.1:4010")
            ///     .on_request(|request| {
            ///         request.headers_mut().insert("x-trace-id", "trace-123".parse()?);
            ///         Ok(())
            ///     })
            ///     .build()?;
            /// # let _ = client;
            /// # Ok(())
            /// # }
            /// ```
            pub fn on_request(
                self,
                hook: impl Fn(&mut ::reqwest::Request) -> ::std::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>>
                    + Send
                    + Sync
                    + 'static,
            ) -> Self {
                Self(self.0.on_request(hook))
            }

            /// Sets the token for a Bearer, other HTTP or ApiKey scheme (for a Basic scheme: the
            /// username, with an empty password). Replaces an earlier value.
            pub fn credential(
                self,
                scheme: &'static $crate::runtime::SecurityScheme,
                token: impl Into<String>,
            ) -> Self {
                Self(self.0.credential(scheme, token))
            }

            /// Sets username and password for a Basic scheme.
            pub fn basic_auth(
                self,
                scheme: &'static $crate::runtime::SecurityScheme,
                username: impl Into<String>,
                password: impl Into<String>,
            ) -> Self {
                Self(self.0.basic_auth(scheme, username, password))
            }

            /// Reads the token for `scheme` from the API's environment variable when
            /// [`Self::build`] runs; building fails if the variable is unset or empty.
            pub fn credential_from_env(self, scheme: &'static $crate::runtime::SecurityScheme) -> Self {
                Self(self.0.credential_from_env(scheme))
            }

            /// Validates the settings and builds the client.
            pub fn build(self) -> ::std::result::Result<Client, $crate::runtime::Error> {
                self.0.build().map(Client)
            }

            /// Builds the client without failing: if the settings cannot be used, every request
            /// returns that `Error::Config` instead. Use [`Self::build`] to handle
            /// configuration errors up front.
            pub fn build_infallible(self) -> Client {
                Client(self.0.build_infallible())
            }
        }

        impl ::std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}
#[doc(hidden)]
pub use crate::__api_client as api_client;
