//! Hand-written runtime shared by every generated client.
//!
//! The generator copies these files into the client crate (as `src/runtime/`)
//! or into a runtime crate beside it; generated operations describe each call
//! with a [`RequestSpec`] and hand it to a [`Client`], which owns transport,
//! credentials, retries, idempotency keys, error mapping and pagination.
//! Nothing here is specific to one API. An item after a comment line that reads `@streams`
//! is compiled out (`#[cfg(any())]`) of a crate none of whose operations streams, which then has
//! no `stream.rs`.
//!
//! ```no_run
//! use atlaspay::runtime::{
//!     decode_json, ClientBuilder, ClientDefaults, RequestSpec, SchemeKind, SecurityScheme,
//! };
//!
//! static DEFAULTS: ClientDefaults = ClientDefaults {
//!     base_url: "https://api.example.com/v1",
//!     user_agent: "atlaspay-rust/0.1.0",
//!     idempotency_header: Some("Idempotency-Key"),
//!     api_key_env: Some("ATLAS_API_KEY"),
//! };
//! static BEARER: SecurityScheme = SecurityScheme { name: "bearerAuth", setter: "bearer_auth", kind: SchemeKind::Bearer };
//! // Security requirements must be `'static`: emit them as a `static` (or `const`).
//! static SECURED: &[&[&SecurityScheme]] = &[&[&BEARER]];
//!
//! # async fn demo() -> Result<(), atlaspay::runtime::Error> {
//! let client = ClientBuilder::new(&DEFAULTS).credential(&BEARER, "sk_test_123").build()?;
//! let mut spec = RequestSpec::new(reqwest::Method::POST, "/customers".to_owned(), SECURED);
//! spec.json_body(&serde_json::json!({ "email": "jane@example.com" }));
//! let customer: serde_json::Value = client.request(spec, decode_json).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api_client;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod client;
pub mod decode;
pub mod encode;
pub mod error;
pub mod multipart;
pub mod nullable;
pub mod object;
pub mod pagination;
mod random;
pub mod request;
pub mod retry;
#[cfg(test)]
pub mod round_trip;
pub mod secret;
mod secret_names;
pub mod str_enum;
// @streams
pub mod stream;
pub mod timestamp;
pub mod webhooks;

pub use client::{
    ApiKeyLocation, Client, ClientBuilder, ClientDefaults, RequestHook, SchemeKind, SecurityScheme,
};
pub use decode::{RawResponse, decode_bytes, decode_empty, decode_json, decode_text, decode_variant};
pub use encode::{FormArrays, ParamStyle, encode_path_segment, encode_path_styled, encode_path_value};
pub use error::{ApiError, ApiErrorBody, DecodeError, Error, ErrorType};
pub use multipart::{Binary, Multipart, ToMultipart};
pub use nullable::Nullable;
pub use pagination::{ListRequest, Page, Pagination};
pub use request::{RateLimit, Request, RequestSpec, Response, new_idempotency_key};
pub use secret::Secret;
pub use str_enum::deserialize_str_enum;
// @streams
pub use stream::{
    EventStream, Framing, ItemDecoder, ServerSentEvent, decode_event_data, decode_whole_event,
    decode_whole_event_text, raw_event,
};
pub use timestamp::UnixTime;

/// Stream combinators for [`ListRequest::into_stream`] (`try_next`, `try_collect`), so that an
/// application walking a list needs no `futures-util` of its own.
pub use futures_util::{StreamExt, TryStreamExt};
/// The HTTP stack the client is built on, for naming its types (`reqwest::StatusCode`,
/// `reqwest::header::HeaderMap`) and building a `reqwest::Client` of the same version for
/// [`ClientBuilder::http_client`].
pub use reqwest;

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn public_types_are_thread_safe() {
        send_sync::<super::Client>();
        send_sync::<super::ClientBuilder>();
        send_sync::<super::Error>();
        send_sync::<super::RequestSpec>();
        send_sync::<super::Request<serde_json::Value>>();
        send_sync::<super::Response<serde_json::Value>>();
        send_sync::<super::RawResponse>();
    }
}
