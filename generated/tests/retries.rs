//! Retries, backoff, Retry-After, timeouts and idempotency keys.

mod common;

use std::time::{Duration, Instant};

use atlaspay::runtime::{Error, decode_json};
use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok_body() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1"}))
}

/// Every request the server saw carried the same, non-empty idempotency key.
async fn assert_same_idempotency_key(server: &MockServer, attempts: usize) -> String {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), attempts);
    let keys: Vec<String> = requests
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .expect("idempotency key on every attempt")
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    keys[0].clone()
}

async fn create_customer(server: &MockServer) -> Result<Value, Error> {
    let mut spec = keyed_spec(Method::POST, "/customers");
    spec.json_body(&json!({"email": "jane@example.com"}));
    client(server).request(spec, decode_json::<Value>).await
}

#[tokio::test]
async fn post_500_is_retried_with_the_same_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ok_body())
        .expect(1)
        .mount(&server)
        .await;
    let body = create_customer(&server).await.unwrap();
    assert_eq!(body["id"], "cus_1");
    let key = assert_same_idempotency_key(&server, 3).await;
    let parsed = uuid::Uuid::parse_str(&key).unwrap();
    assert_eq!(parsed.get_version_num(), 4);
}

#[tokio::test]
async fn get_503_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ok_body()).expect(1).mount(&server).await;
    let body: Value =
        client(&server).request(spec(Method::GET, "/customers/cus_1"), decode_json).await.unwrap();
    assert_eq!(body["id"], "cus_1");
    // Safe methods get no idempotency key.
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers.get("idempotency-key").is_none()));
}

/// Answers the first POST with a 429 carrying `headers` and the second with 200; returns how
/// long the call took, after checking both attempts carried one idempotency key.
async fn elapsed_over_a_429(headers: &[(&str, String)]) -> Duration {
    let server = MockServer::start().await;
    let mut limited = ResponseTemplate::new(429)
        .set_body_json(json!({"error": {"type": "rate_limit_error", "message": "slow down"}}));
    for (name, value) in headers {
        limited = limited.insert_header(*name, value.as_str());
    }
    Mock::given(method("POST")).respond_with(limited).up_to_n_times(1).expect(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ok_body()).expect(1).mount(&server).await;
    let started = Instant::now();
    create_customer(&server).await.unwrap();
    let elapsed = started.elapsed();
    assert_same_idempotency_key(&server, 2).await;
    elapsed
}

#[tokio::test]
async fn retry_after_on_429_overrides_backoff() {
    let elapsed = elapsed_over_a_429(&[("Retry-After", "1".to_owned())]).await;
    // Backoff is configured to at most 5 ms; only Retry-After explains a 1 s wait.
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// A 429 without `Retry-After` waits until `X-RateLimit-Reset` (a Unix time), not the short
/// backoff that would run straight into the same limit.
#[tokio::test]
async fn a_429_without_retry_after_waits_until_the_rate_limit_resets() {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let reset = [("X-RateLimit-Remaining", "0".to_owned()), ("X-RateLimit-Reset", (now + 2).to_string())];
    let elapsed = elapsed_over_a_429(&reset).await;
    // Backoff is at most 5 ms; the reset, 1 to 2 s ahead (plus up to 1 s of jitter), explains the wait.
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn dropped_connection_is_retried_with_the_same_idempotency_key() {
    // First connection: read the request, then hang up without answering.
    let (base, server) = flaky_server(vec![Conn::HangUp, Conn::Respond], Duration::from_secs(5)).await;
    let client = builder(&DEFAULTS, &base).build().unwrap();
    let mut spec = keyed_spec(Method::POST, "/payments");
    spec.json_body(&json!({"amount": 4990}));
    let body: Value = client.request(spec, decode_json).await.unwrap();
    assert_eq!(body, json!({"ok": true}));
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 2);
    let keys: Vec<_> = seen.iter().map(|r| raw_header(r, "idempotency-key").unwrap()).collect();
    assert_eq!(keys[0], keys[1]);
    assert!(seen[1].ends_with(r#"{"amount":4990}"#), "{}", seen[1]);
}

#[tokio::test]
async fn connection_closed_on_accept_is_retried() {
    let (base, server) =
        flaky_server(vec![Conn::Close, Conn::Close, Conn::Respond], Duration::from_secs(5)).await;
    let client = builder(&DEFAULTS, &base).build().unwrap();
    let body: Value = client.request(spec(Method::GET, "/customers"), decode_json).await.unwrap();
    assert_eq!(body, json!({"ok": true}));
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen[2].starts_with("GET /v1/customers HTTP/1.1"), "{}", seen[2]);
}

#[tokio::test]
async fn dropped_connection_without_idempotency_is_not_resent() {
    // An API without idempotency keys: a POST that may have been processed
    // must not be sent twice.
    // Retries would come within milliseconds; 500 ms of silence means none.
    let (base, server) = flaky_server(vec![Conn::HangUp, Conn::Respond], Duration::from_millis(500)).await;
    let client = builder(&NO_IDEMPOTENCY, &base).build().unwrap();
    let err = client.request(spec(Method::POST, "/payments"), decode_json::<Value>).await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err:?}");
    assert!(err.is_retryable());
    drop(client);
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 1, "the POST was sent twice without an idempotency key");
    assert!(raw_header(&seen[0], "idempotency-key").is_none());
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let base = refused_base().await;
    let client = builder(&NO_IDEMPOTENCY, &base).build().unwrap();
    let err = client.request(spec(Method::POST, "/payments"), decode_json::<Value>).await.unwrap_err();
    // Connect failures never reached a server, so even this POST is retried.
    match &err {
        Error::Transport { attempts, message, .. } => {
            assert_eq!(*attempts, 3);
            assert!(message.to_lowercase().contains("connect"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("POST /payments: "), "{err}");
}

#[tokio::test]
async fn timeout_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok_body().set_delay(Duration::from_millis(1500)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ok_body()).expect(1).mount(&server).await;
    let client = builder(&DEFAULTS, &server.uri()).timeout(Duration::from_millis(200)).build().unwrap();
    let mut spec = keyed_spec(Method::POST, "/customers");
    spec.json_body(&json!({}));
    let started = Instant::now();
    let body: Value = client.request(spec, decode_json).await.unwrap();
    assert_eq!(body["id"], "cus_1");
    assert!(started.elapsed() < Duration::from_millis(1200), "{:?}", started.elapsed());
    assert_same_idempotency_key(&server, 2).await;
}

#[tokio::test]
async fn timeouts_exhaust_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_body().set_delay(Duration::from_millis(1000)))
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&DEFAULTS, &server.uri()).build().unwrap();
    let err = client
        .request(spec(Method::GET, "/slow"), decode_json::<Value>)
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .await
        .unwrap_err();
    match &err {
        Error::Timeout { attempts, timeout, .. } => {
            assert_eq!(*attempts, 2);
            assert_eq!(*timeout, Duration::from_millis(100));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_timeout() && err.is_retryable());
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/bad"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"type": "invalid_request_error", "code": "missing_required_param", "param": "amount", "message": "amount is required"}}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/v1/declined"))
        .respond_with(ResponseTemplate::new(402).set_body_json(
            json!({"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card was declined"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/missing")).respond_with(ResponseTemplate::new(404)).expect(1).mount(&server).await;
    let client = client(&server);
    for (method, path, status) in [
        (Method::POST, "/bad", 400),
        (Method::GET, "/bad", 400),
        (Method::POST, "/declined", 402),
        (Method::GET, "/missing", 404),
    ] {
        let err = client.request(spec(method, path), decode_json::<Value>).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn attempts_never_exceed_the_cap() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/default")).respond_with(ResponseTemplate::new(500)).expect(3).mount(&server).await;
    Mock::given(path("/v1/none")).respond_with(ResponseTemplate::new(502)).expect(1).mount(&server).await;
    Mock::given(path("/v1/five")).respond_with(ResponseTemplate::new(503)).expect(6).mount(&server).await;
    let client = client(&server);
    let err = client.request(keyed_spec(Method::POST, "/default"), decode_json::<Value>).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    client.request(spec(Method::GET, "/none"), decode_json::<Value>).max_retries(0).await.unwrap_err();
    let five = builder(&DEFAULTS, &server.uri()).max_retries(5).build().unwrap();
    five.request(spec(Method::GET, "/five"), decode_json::<Value>).await.unwrap_err();
}

#[tokio::test]
async fn only_409s_whose_conflicting_request_is_still_running_are_retried() {
    let server = MockServer::start().await;
    let conflict = |kind: &str, code: &str| {
        ResponseTemplate::new(409)
            .set_body_json(json!({"error": {"type": kind, "code": code, "message": "conflict"}}))
    };
    // Retried: the key's first request, or the session, is still being processed.
    for (at, kind, code) in [
        ("/v1/in-use", "idempotency_error", "idempotency_key_in_use"),
        ("/v1/processing", "invalid_request_error", "session_already_processing"),
    ] {
        Mock::given(path(at))
            .respond_with(conflict(kind, code))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path(at)).respond_with(ok_body()).expect(1).mount(&server).await;
    }
    // Not retried: a key reused with other parameters, a session in its final state, a billing
    // conflict without a code.
    for (at, kind, code) in [
        ("/v1/reused", "idempotency_error", "idempotency_key_reused"),
        ("/v1/completed", "invalid_request_error", "session_already_completed"),
        ("/v1/taken", "invalid_request_error", "email_in_use"),
    ] {
        Mock::given(path(at)).respond_with(conflict(kind, code)).expect(1).mount(&server).await;
    }
    Mock::given(path("/v1/billing"))
        .respond_with(
            ResponseTemplate::new(409).set_body_json(json!({"error": "Subscription is already canceled"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    for at in ["/in-use", "/processing"] {
        let _: Value = client.request(keyed_spec(Method::POST, at), decode_json).await.unwrap();
    }
    for at in ["/reused", "/completed", "/taken", "/billing"] {
        let err = client.request(keyed_spec(Method::POST, at), decode_json::<Value>).await.unwrap_err();
        let api = err.api_error().unwrap();
        assert!(!err.is_retryable() && !api.is_transient_conflict(), "{at}: {err:?}");
        assert_eq!(api.is_idempotency_error(), at == "/reused", "{at}");
    }
}

/// Bank transfers dedupe by a body field and sessions by `external_id`: a POST of an operation
/// that does not declare the idempotency header gets no generated key, and is not sent again
/// once it may have reached the server, so the server cannot act on it twice.
#[tokio::test]
async fn a_post_whose_server_ignores_the_header_gets_no_key_and_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/bank-transfers"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/slow"))
        .respond_with(ok_body().set_delay(Duration::from_millis(1000)))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&DEFAULTS, &server.uri()).timeout(Duration::from_millis(100)).build().unwrap();
    let err = client.request(spec(Method::POST, "/bank-transfers"), decode_json::<Value>).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let err = client.request(spec(Method::POST, "/slow"), decode_json::<Value>).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers.get("idempotency-key").is_none()));
    // The caller's own key goes in the header, but the server does not deduplicate by it here:
    // the request is still sent once.
    Mock::given(path("/v1/keyed")).respond_with(ResponseTemplate::new(500)).expect(1).mount(&server).await;
    let keyed =
        client.request(spec(Method::POST, "/keyed"), decode_json::<Value>).idempotency_key("payout-7");
    assert_eq!(keyed.await.unwrap_err().status().map(|s| s.as_u16()), Some(500));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.last().unwrap().headers.get("idempotency-key").unwrap(), "payout-7");
}

#[tokio::test]
async fn caller_idempotency_key_is_sent_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(header("Idempotency-Key", "order-1234"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("Idempotency-Key", "order-1234"))
        .respond_with(ok_body())
        .expect(1)
        .mount(&server)
        .await;
    let _: Value = client(&server)
        .request(keyed_spec(Method::POST, "/customers"), decode_json)
        .idempotency_key("order-1234")
        .await
        .unwrap();
}

#[tokio::test]
async fn non_idempotent_requests_without_keys_retry_only_when_told_to() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/fails")).respond_with(ResponseTemplate::new(500)).expect(1).mount(&server).await;
    Mock::given(path("/v1/busy"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/busy")).respond_with(ok_body()).expect(1).mount(&server).await;
    Mock::given(path("/v1/read")).respond_with(ResponseTemplate::new(500)).expect(3).mount(&server).await;
    let client = builder(&NO_IDEMPOTENCY, &server.uri()).build().unwrap();
    client.request(spec(Method::POST, "/fails"), decode_json::<Value>).await.unwrap_err();
    let _: Value = client.request(spec(Method::PATCH, "/busy"), decode_json).await.unwrap();
    client.request(spec(Method::GET, "/read"), decode_json::<Value>).await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers.get("idempotency-key").is_none()));
}

#[tokio::test]
async fn explicit_key_on_a_keyless_api_does_not_make_post_retry_safe() {
    // Without an API-declared header, an explicit key is sent as
    // `Idempotency-Key` but does not make a POST retry-safe.
    let server = MockServer::start().await;
    Mock::given(header("Idempotency-Key", "k1"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&NO_IDEMPOTENCY, &server.uri()).build().unwrap();
    client.request(spec(Method::POST, "/x"), decode_json::<Value>).idempotency_key("k1").await.unwrap_err();
}

fn atlas(server: &MockServer) -> atlaspay::Client {
    atlaspay::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .secret_key(SECRET_KEY)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
        .build()
        .unwrap()
}

/// Bank transfers are deduplicated by the body's `idempotency_key`: the client fills one in when
/// it is left out and sends the same body on every retry, with no header the server would ignore.
#[tokio::test]
async fn a_bank_transfer_is_retried_with_the_same_body_key_and_a_callers_key_is_kept() {
    use atlaspay::types::{CreateBankTransfer, TransferDirection};
    let server = MockServer::start().await;
    Mock::given(path("/v1/bank-transfers"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/v1/bank-transfers"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "try again"})))
        .mount(&server)
        .await;
    let atlas = atlas(&server);
    let transfer = || CreateBankTransfer::new("ba_1", 2999, TransferDirection::Debit);
    atlas.bank_transfers().create(transfer()).await.unwrap_err();
    atlas.bank_transfers().create(transfer().idempotency_key("payout-7")).max_retries(1).await.unwrap_err();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 5, "three attempts, then two");
    assert!(requests.iter().all(|r| r.headers.get("idempotency-key").is_none()));
    let keys: Vec<String> = requests
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["idempotency_key"].as_str().unwrap().to_owned()
        })
        .collect();
    uuid::Uuid::parse_str(&keys[0]).unwrap();
    assert_eq!(keys[..3], [keys[0].clone(), keys[0].clone(), keys[0].clone()]);
    assert_eq!(keys[3..], ["payout-7", "payout-7"]);
    // Each call is its own transfer, with its own key.
    atlas.bank_transfers().create(transfer()).max_retries(0).await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    let last: Value = serde_json::from_slice(&requests[5].body).unwrap();
    assert_ne!(last["idempotency_key"].as_str(), Some(keys[0].as_str()));
}

/// A session's create matches the key against `external_id`, so a generated one would not stop a
/// second session: none is sent, and a create without `external_id` is not repeated after a 5xx,
/// even with the caller's key. One with `external_id` is, since the server answers a repeat with
/// the session the first made.
#[tokio::test]
async fn a_session_create_is_retried_only_with_an_external_id_and_a_paying_invoice_gets_a_key() {
    use atlaspay::types::{CreateSession, PayInvoice};
    let server = MockServer::start().await;
    Mock::given(path("/v1/create-session")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    Mock::given(path("/v1/invoices/in_1/pay")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    let atlas = atlas(&server);
    atlas.sessions().create(CreateSession::new(4990, "USD")).await.unwrap_err();
    atlas.invoices().pay("in_1", PayInvoice::new()).max_retries(1).await.unwrap_err();
    // The caller's key alone is sent, but the server matches it against `external_id` only.
    atlas.sessions().create(CreateSession::new(4990, "USD")).idempotency_key("order-9").await.unwrap_err();
    atlas
        .sessions()
        .create(CreateSession::new(4990, "USD").external_id("order-9"))
        .idempotency_key("order-9")
        .max_retries(1)
        .await
        .unwrap_err();
    atlas
        .sessions()
        .create(CreateSession::new(4990, "USD").external_id("order-10"))
        .max_retries(1)
        .await
        .unwrap_err();
    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.url.path(), r.headers.get("idempotency-key").map(|v| v.to_str().unwrap())))
        .collect();
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert_eq!(seen[0], ("/v1/create-session", None));
    assert_eq!(seen[1].0, "/v1/invoices/in_1/pay");
    assert!(seen[1].1.is_some() && seen[1] == seen[2], "{seen:?}");
    assert_eq!(seen[3], ("/v1/create-session", Some("order-9")));
    assert_eq!(seen[4..6], [("/v1/create-session", Some("order-9")); 2]);
    assert_eq!(seen[6..], [("/v1/create-session", None); 2]);
    // The body is the caller's, untouched.
    let body: Value = serde_json::from_slice(&requests[7].body).unwrap();
    assert_eq!(body, json!({"amount": 4990, "currency": "USD", "external_id": "order-10"}));
}

/// A key given to a bank transfer's request goes where the server reads it, the body; one that
/// differs from the body's own is refused rather than half-sent.
#[tokio::test]
async fn a_bank_transfers_request_key_goes_into_its_body() {
    use atlaspay::types::{CreateBankTransfer, TransferDirection};
    let server = MockServer::start().await;
    Mock::given(path("/v1/bank-transfers")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let atlas = atlas(&server);
    let transfer = || CreateBankTransfer::new("ba_1", 2999, TransferDirection::Debit);
    atlas.bank_transfers().create(transfer()).idempotency_key("payout-8").max_retries(1).await.unwrap_err();
    let same = transfer().idempotency_key("payout-9");
    atlas.bank_transfers().create(same).idempotency_key("payout-9").max_retries(0).await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    let keys: Vec<Value> = requests
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["idempotency_key"].clone())
        .collect();
    assert_eq!(keys, [json!("payout-8"), json!("payout-8"), json!("payout-9")]);
    assert!(requests.iter().all(|r| r.headers.get("idempotency-key").is_none()));

    let err = atlas
        .bank_transfers()
        .create(transfer().idempotency_key("a"))
        .idempotency_key("b")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(err.to_string().contains("two idempotency keys"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "the refused request was not sent");
}

/// `total_timeout` bounds a request's attempts and waits together: a server that keeps failing
/// slowly gets at most as many attempts as fit, not every retry allowed.
#[tokio::test]
async fn total_timeout_bounds_the_attempts_and_waits_together() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/customers/cus_1"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(150)))
        .mount(&server)
        .await;
    let atlas = atlas(&server);
    let started = Instant::now();
    let err = atlas
        .customers()
        .retrieve("cus_1")
        .max_retries(5)
        .total_timeout(Duration::from_millis(400))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let sent = server.received_requests().await.unwrap().len();
    // Six attempts of 150 ms would not fit in 400 ms; the last that starts is cut short.
    assert!((1..=3).contains(&sent), "{sent} attempts: {err}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert!(err.is_timeout() || err.status().is_some_and(|s| s.as_u16() == 503), "{err}");
}

/// A DELETE whose first attempt got a 500 after the server had acted is answered "already
/// canceled" on the retry: the error says an earlier attempt may have done it. A GET's never
/// does (repeating it changes nothing), nor does one whose earlier attempt was turned away (429).
#[tokio::test]
async fn an_error_after_an_attempt_that_may_have_applied_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let canceled =
        json!({"error": {"code": "already_canceled", "message": "Subscription is already canceled"}});
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(400).set_body_json(canceled))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(spec(Method::DELETE, "/subscriptions/sub_9"), decode_json::<Value>)
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!((api.attempts, api.earlier_attempt_may_have_applied), (2, true));
    assert_eq!(err.code(), Some("already_canceled"));
    assert_eq!(
        err.to_string(),
        "DELETE /subscriptions/sub_9: HTTP 400 Bad Request: already_canceled: Subscription is already canceled \
         (attempt 2: an earlier attempt may have been carried out; check before sending it again)"
    );

    server.reset().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let err = client(&server)
        .request(spec(Method::GET, "/customers/cus_1"), decode_json::<Value>)
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!((api.attempts, api.earlier_attempt_may_have_applied), (2, false));
    assert_eq!(err.to_string(), "GET /customers/cus_1: HTTP 404 Not Found (after 2 attempts)");

    server.reset().await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "0");
    Mock::given(method("DELETE")).respond_with(limited).up_to_n_times(1).mount(&server).await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let err = client(&server)
        .request(spec(Method::DELETE, "/customers/cus_1"), decode_json::<Value>)
        .await
        .unwrap_err();
    assert!(!err.api_error().unwrap().earlier_attempt_may_have_applied, "a 429 was not carried out");
}

/// A 429 whose rate limit resets an hour from now ends the call at once, with one request
/// sent: waiting a minute would only be refused again.
#[tokio::test]
async fn a_rate_limit_reset_far_off_ends_the_call_at_once() {
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600;
    let limited = ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", reset.to_string().as_str());
    Mock::given(method("GET")).respond_with(limited).mount(&server).await;
    let started = Instant::now();
    let err =
        client(&server).request(spec(Method::GET, "/customers"), decode_json::<Value>).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(err.is_rate_limited());
    let wait = err.retry_after().unwrap();
    assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3601), "{wait:?}");
}
