//! TLS backends. The client crate offers `rustls` (its default) and `native-tls` as features.
//! Built with neither, and with no TLS feature of reqwest from elsewhere in the build, https
//! cannot work: the first request says so, rather than failing like a network error and being
//! retried. With rustls, a loopback https server shows the handshake verifies the server against
//! the trusted roots, and that a refused certificate is not retried (not with `native-tls` also
//! on: reqwest then picks native-tls, whose errors are not recognised).
//! CI runs this file in several builds (`cargo xtask ci`, step "features").
#![forbid(unsafe_code)]

mod common;

use std::time::Duration;

use atlaspay::runtime::{Client, Error, decode_json};
use common::*;
use reqwest::Method;
use serde_json::Value;

/// `GET /customers` through `client`, given at most 10 s.
async fn get_customers(client: &Client) -> Result<Value, Error> {
    let call = client.request(spec(Method::GET, "/customers"), decode_json::<Value>);
    tokio::time::timeout(Duration::from_secs(10), call).await.expect("the call did not finish in time")
}

/// `GET /customers` against an https base URL on loopback where nothing listens, with two
/// retries allowed.
async fn get_refused_https() -> Error {
    let base = refused_base().await.replacen("http://", "https://", 1);
    let client = builder(&DEFAULTS, &base).max_retries(2).build().unwrap();
    get_customers(&client).await.unwrap_err()
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[tokio::test]
async fn without_a_tls_backend_https_fails_at_once_naming_the_features() {
    let err = get_refused_https().await;
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("GET /customers: https needs a TLS backend and this build has none"), "{text}");
    for feature in ["`rustls`", "`native-tls`"] {
        assert!(text.contains(feature), "{text}");
    }
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
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

/// Handshakes with a loopback rustls server: only when reqwest uses rustls (with `native-tls` on
/// too, reqwest picks native-tls).
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
mod handshake {
    use super::*;

    /// The test CA and the server certificate it issued (`make.sh` there).
    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

    /// A TLS server on 127.0.0.1 with the certificate of `tests/fixtures/tls` (issued by the test CA
    /// for 127.0.0.1 and localhost), answering each of at most `connections` requests with 200
    /// `{"ok":true}`; it stops after them, or when none arrives within 5 s. Returns its https base
    /// URL and, per connection, the request read or the handshake's error.
    async fn tls_server(
        connections: usize,
    ) -> (String, tokio::task::JoinHandle<Vec<Result<String, String>>>) {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};

        let chain = vec![CertificateDer::from_pem_file(format!("{FIXTURES}/server.pem")).unwrap()];
        let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/server.key")).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("https://{}", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..connections {
                let Ok(Ok((socket, _))) =
                    tokio::time::timeout(Duration::from_secs(5), listener.accept()).await
                else {
                    break;
                };
                let mut stream =
                    match tokio::time::timeout(Duration::from_secs(5), acceptor.accept(socket)).await {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(err)) => {
                            seen.push(Err(err.to_string()));
                            continue;
                        }
                        Err(_) => {
                            seen.push(Err("no handshake within 5 s".to_owned()));
                            continue;
                        }
                    };
                seen.push(Ok(read_request(&mut stream).await));
                respond_ok(&mut stream).await;
            }
            seen
        });
        (base, handle)
    }

    #[tokio::test]
    async fn a_server_the_system_does_not_trust_is_refused_at_the_handshake() {
        let (base, server) = tls_server(1).await;
        // Retries allowed, yet one attempt: a refused certificate is refused again on the next.
        let client = builder(&DEFAULTS, &base).max_retries(2).build().unwrap();
        let err = get_customers(&client).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
        assert!(!err.is_retryable(), "{err:?}");
        // Linux's verifier is webpki's; macOS and Windows name the reason in their own words.
        let reason = if cfg!(target_os = "linux") { ": UnknownIssuer" } else { "" };
        assert!(text.contains(&format!("invalid peer certificate{reason}")), "{text}");
        // The server saw the client give up during the handshake: no request was sent in clear.
        let seen = server.await.unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].is_err(), "{seen:?}");
    }

    /// reqwest clients given to `http_client` that trust the test CA: beside the system's roots
    /// (`tls_certs_merge`), and alone (`tls_certs_only`, as where the system has no trust store).
    #[tokio::test]
    async fn a_client_trusting_the_test_ca_talks_to_the_server_over_tls() {
        let ca =
            reqwest::Certificate::from_pem(&std::fs::read(format!("{FIXTURES}/ca.pem")).unwrap()).unwrap();
        let trusting = [
            reqwest::Client::builder().tls_certs_merge([ca.clone()]),
            reqwest::Client::builder().tls_certs_only([ca]),
        ];
        for http in trusting {
            let (base, server) = tls_server(1).await;
            let client =
                builder(&DEFAULTS, &base).http_client(http.build().unwrap()).max_retries(0).build().unwrap();
            let body = get_customers(&client).await.unwrap();
            assert_eq!(body, serde_json::json!({ "ok": true }));
            let seen = server.await.unwrap();
            let request = seen[0].as_ref().unwrap();
            assert!(request.starts_with("GET /v1/customers HTTP/1.1\r\n"), "{request}");
            assert_eq!(raw_header(request, "authorization").as_deref(), Some("Bearer sk_test_SECRET123"));
        }
    }

    /// The system's trust store, which the default client verifies against: on Linux what
    /// rustls-native-certs reads for the platform verifier, `SSL_CERT_FILE` among it.
    #[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
    mod system_roots {
        use super::*;

        /// Set in the child process [`in_child_with_system_roots`] starts.
        const CHILD: &str = "ATLAS_TLS_TEST_CHILD";

        /// True in the child; otherwise runs this module's test `name` again in a child process
        /// whose system trust store is `cert_file` (`SSL_CERT_FILE`), checks that it passed, and
        /// returns false. The environment is the whole process's: the other tests must not see it.
        fn in_child_with_system_roots(name: &str, cert_file: &str) -> bool {
            if std::env::var_os(CHILD).is_some() {
                return true;
            }
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args([&format!("handshake::system_roots::{name}"), "--exact", "--test-threads=1"])
                .env(CHILD, "1")
                .env("SSL_CERT_FILE", cert_file)
                .env_remove("SSL_CERT_DIR")
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success() && stdout.contains("1 passed"), "{stdout}\n{stderr}");
            false
        }

        /// A private CA in the system's trust store is trusted by the default client.
        #[tokio::test]
        async fn a_ca_in_the_system_trust_store_is_trusted_by_default() {
            let name = "a_ca_in_the_system_trust_store_is_trusted_by_default";
            if !in_child_with_system_roots(name, &format!("{FIXTURES}/ca.pem")) {
                return;
            }
            let (base, server) = tls_server(1).await;
            let client = builder(&DEFAULTS, &base).max_retries(0).build().unwrap();
            let body = get_customers(&client).await.unwrap();
            assert_eq!(body, serde_json::json!({ "ok": true }));
            assert!(server.await.unwrap()[0].is_ok());
        }

        /// A system without CA certificates (a slim container image) can verify no server:
        /// building the client fails with the cause and what to do, not reqwest's bare
        /// "builder error".
        #[test]
        fn without_system_certificates_the_client_says_what_is_missing() {
            let name = "without_system_certificates_the_client_says_what_is_missing";
            if !in_child_with_system_roots(name, "/dev/null") {
                return;
            }
            let err = builder(&DEFAULTS, "https://127.0.0.1:9").build().unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
            assert!(text.contains("cannot build the HTTP client: builder error: "), "{text}");
            assert!(text.contains("No CA certificates were loaded from the system"), "{text}");
            assert!(text.contains("SSL_CERT_FILE") && text.contains("`tls_certs_only`"), "{text}");
        }
    }
}
