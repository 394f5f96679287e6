//! TLS backends. The client crate offers reqwest's `rustls-tls` (its default),
//! `rustls-tls-native-roots` and `native-tls` as features. Built with none of them, and with no
//! TLS feature of reqwest from elsewhere in the build, https cannot work: the first request says
//! so, rather than failing like a network error and being retried. CI runs this file in both
//! builds (`cargo xtask ci`, step "features").
#![forbid(unsafe_code)]

mod common;

use std::time::Duration;

use atlaspay::runtime::{Error, decode_json};
use common::*;
use reqwest::Method;
use serde_json::Value;

/// `GET /customers` against an https base URL on loopback where nothing listens, with two
/// retries allowed.
async fn get_refused_https() -> Error {
    let base = refused_base().await.replacen("http://", "https://", 1);
    let client = builder(&DEFAULTS, &base).max_retries(2).build().unwrap();
    let call = client.request(spec(Method::GET, "/customers"), decode_json::<Value>);
    let result = tokio::time::timeout(Duration::from_secs(10), call).await;
    result.expect("the call did not finish in time").unwrap_err()
}

#[cfg(not(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls")))]
#[tokio::test]
async fn without_a_tls_backend_https_fails_at_once_naming_the_features() {
    let err = get_refused_https().await;
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("GET /customers: https needs a TLS backend and this build has none"), "{text}");
    for feature in ["`rustls-tls`", "`rustls-tls-native-roots`", "`native-tls`"] {
        assert!(text.contains(feature), "{text}");
    }
}

#[cfg(any(feature = "rustls-tls", feature = "rustls-tls-native-roots", feature = "native-tls"))]
#[tokio::test]
async fn with_a_tls_backend_https_goes_to_the_network() {
    // Refused by the port: a transport error, retried like any other, and no word of TLS backends.
    let err = get_refused_https().await;
    match &err {
        Error::Transport { attempts, .. } => assert_eq!(*attempts, 3, "{err}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert!(!err.to_string().contains("TLS backend"), "{err}");
}
