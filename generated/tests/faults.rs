//! The client against misbehaving servers on 127.0.0.1: bodies cut mid-way, truncated or
//! non-JSON success bodies, 2 MB error bodies, slow drips, silent servers and huge `Retry-After`;
//! and times written in another form than the description declares.
//!
//! Every case asserts the error variant, what its `Display` says and how many attempts the server
//! saw. Every server and loop is bounded in count and time (see `fault_server`), and every call is
//! wrapped in `bounded`, so a regression fails instead of hanging.
#![forbid(unsafe_code)]

mod common;

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use atlaspay::runtime::error::MAX_ERROR_FIELD_BYTES;
use atlaspay::runtime::retry::{MAX_RETRY_AFTER, RetryPolicy, retry_after};
use atlaspay::runtime::{Error, decode_json};
use common::*;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// Upper bound for one client call; far above what any case needs.
const CALL_LIMIT: Duration = Duration::from_secs(10);
/// How long a raw server waits for a further connection before it stops. Retries come within
/// milliseconds (backoff is at most 5 ms in tests), so silence this long means "no retry".
const IDLE: Duration = Duration::from_millis(500);
/// Upper bound for anything one raw-server connection does.
const CONNECTION_LIMIT: Duration = Duration::from_secs(10);
/// The error output the client shows must stay readable whatever the server sent.
const SHORT: usize = 2048;

/// Runs `future` and returns its output and duration; fails the test after `limit`.
async fn bounded<F: IntoFuture>(limit: Duration, future: F) -> (F::Output, Duration) {
    let started = Instant::now();
    let output = tokio::time::timeout(limit, future).await.expect("the call did not finish in time");
    (output, started.elapsed())
}

/// What the raw server does with one accepted connection, after reading the request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// A 200 head promising `length` body bytes, `sent` of them, then a close (FIN) or, with
    /// `reset`, an abortive close (RST).
    CutBody { length: usize, sent: &'static [u8], reset: bool },
    /// A 200 head, then `body` one byte every `every`, until done or the client hangs up.
    Drip { body: &'static [u8], every: Duration },
    /// No answer at all: hold the connection until the client gives up.
    Silent,
    /// A complete 200 with this JSON body.
    Answer(&'static str),
}

/// What the raw server saw on one connection.
#[derive(Debug)]
struct Seen {
    /// The request head and body.
    request: String,
    /// Body bytes written before the connection ended.
    body_sent: usize,
}

fn head_200(length: usize) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
    )
}

/// A raw TCP server on 127.0.0.1 that treats the n-th connection per `plan[n]`, each in its own
/// task (so a held connection does not delay the next one). It stops after the plan, or once no
/// connection is open and none has arrived for [`IDLE`]. Returns its base URL and, per
/// connection, what it saw.
async fn fault_server(plan: Vec<Fault>) -> (String, tokio::task::JoinHandle<Vec<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut connections: Vec<tokio::task::JoinHandle<Seen>> = Vec::new();
        let mut quiet_since = Instant::now();
        let mut plan = plan.into_iter();
        let mut next = plan.next();
        while let Some(fault) = next {
            let open = connections.iter().any(|c| !c.is_finished());
            if open {
                quiet_since = Instant::now();
            } else if quiet_since.elapsed() >= IDLE {
                break;
            }
            let Ok(accepted) = tokio::time::timeout(Duration::from_millis(20), listener.accept()).await
            else {
                continue;
            };
            let (socket, _) = accepted.unwrap();
            connections.push(tokio::spawn(async move {
                tokio::time::timeout(CONNECTION_LIMIT, serve(socket, fault))
                    .await
                    .expect("a fault connection ran too long")
            }));
            quiet_since = Instant::now();
            next = plan.next();
        }
        let mut seen = Vec::new();
        for connection in connections {
            seen.push(connection.await.unwrap());
        }
        seen
    });
    (base, handle)
}

async fn serve(mut socket: TcpStream, fault: Fault) -> Seen {
    let request = read_request(&mut socket).await;
    let mut body_sent = 0;
    match fault {
        Fault::CutBody { length, sent, reset } => {
            let _ = socket.write_all(head_200(length).as_bytes()).await;
            if socket.write_all(sent).await.is_ok() {
                body_sent = sent.len();
            }
            let _ = socket.flush().await;
            // Let the client read the head and the partial body before the connection dies.
            tokio::time::sleep(Duration::from_millis(50)).await;
            if reset {
                let _ = socket.set_zero_linger();
            }
            drop(socket);
        }
        Fault::Drip { body, every } => {
            let _ = socket.write_all(head_200(body.len()).as_bytes()).await;
            for byte in body {
                tokio::time::sleep(every).await;
                if socket.write_all(std::slice::from_ref(byte)).await.is_err() {
                    break;
                }
                body_sent += 1;
            }
        }
        Fault::Silent => {
            // Returns when the client closes the connection (0 bytes or an error).
            let mut buffer = [0u8; 1024];
            while let Ok(1..) = socket.read(&mut buffer).await {}
        }
        Fault::Answer(body) => {
            let _ = socket.write_all(head_200(body.len()).as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
            body_sent = body.len();
            let _ = socket.shutdown().await;
        }
    }
    Seen { request, body_sent }
}

/// The idempotency keys of the requests, one per request (`None` when absent).
fn keys(seen: &[Seen]) -> Vec<Option<String>> {
    seen.iter().map(|s| raw_header(&s.request, "idempotency-key")).collect()
}

async fn wiremock_keys(server: &MockServer) -> Vec<Option<String>> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| r.headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_owned()))
        .collect()
}

/// Asserts that there are `attempts` keys, all present and equal.
fn assert_one_key(keys: &[Option<String>], attempts: usize) {
    assert_eq!(keys.len(), attempts, "{keys:?}");
    let first = keys[0].as_deref().expect("an idempotency key on the first attempt");
    assert!(!first.is_empty());
    assert!(keys.iter().all(|k| k.as_deref() == Some(first)), "keys differ between attempts: {keys:?}");
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Customer {
    id: String,
    object: String,
}

const CUT: Fault = Fault::CutBody { length: 100, sent: br#"{"id":"cus_1","object":"cus"#, reset: false };
const RESET: Fault = Fault::CutBody { length: 100, sent: br#"{"id":"cus_1","object":"cus"#, reset: true };

fn post_customer() -> atlaspay::runtime::RequestSpec {
    let mut spec = keyed_spec(Method::POST, "/customers");
    spec.json_body(&json!({"email": "jane@example.com"}));
    spec
}

// ---------------------------------------------------------------------------
// Connections that die mid-body
// ---------------------------------------------------------------------------

#[tokio::test]
async fn body_cut_mid_way_is_retried_then_reported_as_transport() {
    let (base, server) = fault_server(vec![CUT, RESET, CUT]).await;
    let client = builder(&DEFAULTS, &base).build().unwrap();
    let (result, elapsed) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/customers/cus_1"), decode_json::<Customer>))
            .await;
    let err = result.unwrap_err();
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 3, "a GET whose body was cut is retried up to max_retries");
    assert!(seen.iter().all(|s| s.body_sent > 0), "{seen:?}");
    match &err {
        Error::Transport { attempts, message, .. } => {
            assert_eq!(*attempts, 3);
            assert!(message.contains("body"), "{message}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.starts_with("GET /customers/cus_1: "), "{shown}");
    assert!(shown.ends_with("(after 3 attempt(s))"), "{shown}");
    assert!(shown.len() < SHORT && format!("{err:?}").len() < 2 * SHORT, "{err:?}");
    assert!(err.is_retryable(), "a cut connection may well work next time");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn body_cut_mid_way_then_a_good_answer_succeeds() {
    let (base, server) =
        fault_server(vec![RESET, Fault::Answer(r#"{"id":"cus_1","object":"customer"}"#)]).await;
    let client = builder(&DEFAULTS, &base).build().unwrap();
    let (result, _) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/customers/cus_1"), decode_json::<Customer>))
            .await;
    let customer = result.unwrap_or_else(|e| panic!("{e} | {e:?}"));
    assert_eq!(customer.object, "customer");
    assert_eq!(server.await.unwrap().len(), 2);
}

#[tokio::test]
async fn post_cut_mid_body_is_retried_with_the_same_key_and_body() {
    let (base, server) = fault_server(vec![CUT, RESET, CUT]).await;
    let client = builder(&DEFAULTS, &base).build().unwrap();
    let (result, _) = bounded(CALL_LIMIT, client.request(post_customer(), decode_json::<Customer>)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 3, .. }), "{err:?}");
    let seen = server.await.unwrap();
    assert_one_key(&keys(&seen), 3);
    for s in &seen {
        assert!(s.request.ends_with(r#"{"email":"jane@example.com"}"#), "{}", s.request);
    }
}

#[tokio::test]
async fn post_without_an_idempotency_header_cut_mid_body_is_sent_once() {
    // The server may have processed the POST: without a key it must not be sent again.
    for fault in [CUT, RESET] {
        let (base, server) = fault_server(vec![fault, Fault::Answer("{}")]).await;
        let client = builder(&NO_IDEMPOTENCY, &base).build().unwrap();
        let (result, _) = bounded(CALL_LIMIT, client.request(post_customer(), decode_json::<Value>)).await;
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{fault:?}: {err:?}");
        assert!(err.to_string().starts_with("POST /customers: "), "{err}");
        drop(client);
        let seen = server.await.unwrap();
        assert_eq!(seen.len(), 1, "{fault:?}: the POST was re-sent without an idempotency key");
        assert_eq!(keys(&seen), [None]);
    }
}

#[tokio::test]
async fn post_500_is_resent_only_with_its_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;

    let keyless = builder(&NO_IDEMPOTENCY, &server.uri()).build().unwrap();
    let (result, _) = bounded(CALL_LIMIT, keyless.request(post_customer(), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.to_string(), "POST /customers: HTTP 500 Internal Server Error");
    assert_eq!(wiremock_keys(&server).await, [None], "sent more than once, or with a key");

    server.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let keyed = builder(&DEFAULTS, &server.uri()).build().unwrap();
    let (result, _) = bounded(CALL_LIMIT, keyed.request(post_customer(), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_one_key(&wiremock_keys(&server).await, 3);
    // A 500 may come after the server did the work: the caller is told so.
    assert!(err.api_error().unwrap().earlier_attempt_may_have_applied);
    assert_eq!(
        err.to_string(),
        "POST /customers: HTTP 500 Internal Server Error (attempt 3: an earlier attempt may have been carried out; check before sending it again)"
    );
}

// ---------------------------------------------------------------------------
// Success bodies that are not what was promised
// ---------------------------------------------------------------------------

/// Mounts one GET answer and returns the error of decoding it as `Customer`, with the number of
/// requests the server saw.
async fn decode_failure(response: ResponseTemplate) -> (Error, usize) {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v1/customers/cus_1")).respond_with(response).mount(&server).await;
    let (result, _) = bounded(
        CALL_LIMIT,
        client(&server).request(spec(Method::GET, "/customers/cus_1"), decode_json::<Customer>),
    )
    .await;
    let err = result.unwrap_err();
    (err, server.received_requests().await.unwrap().len())
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_and_not_retried() {
    let body = r#"{"id":"cus_1","obj"#;
    let response = ResponseTemplate::new(200)
        .insert_header("x-request-id", "req_trunc")
        .set_body_raw(body.as_bytes().to_vec(), "application/json");
    let (err, attempts) = decode_failure(response).await;
    assert_eq!(attempts, 1, "a GET that got a complete (if bad) answer is not retried");
    let decode = err.decode_error().unwrap_or_else(|| panic!("expected a decode error, got {err:?}"));
    assert!(decode.message.contains("EOF while parsing"), "{}", decode.message);
    assert_eq!(decode.excerpt, body);
    assert_eq!(decode.request_id.as_deref(), Some("req_trunc"));
    let shown = err.to_string();
    assert!(shown.starts_with("failed to decode response body (HTTP 200 OK)"), "{shown}");
    assert!(shown.contains("EOF while parsing"), "{shown}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn html_instead_of_json_is_a_decode_error_that_says_so() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let response = ResponseTemplate::new(200).set_body_raw(html.as_bytes().to_vec(), "text/html");
    let (err, attempts) = decode_failure(response).await;
    assert_eq!(attempts, 1);
    let decode = err.decode_error().unwrap_or_else(|| panic!("expected a decode error, got {err:?}"));
    assert_eq!(decode.path, ".");
    assert!(decode.message.contains("not JSON"), "{}", decode.message);
    assert!(decode.message.contains("text/html"), "{}", decode.message);
    assert_eq!(decode.excerpt, html, "the excerpt shows what came instead");
    let shown = err.to_string();
    assert!(shown.contains("not JSON") && shown.contains("text/html"), "{shown}");
    assert!(!shown.contains("nginx"), "Display never includes the body: {shown}");
    assert!(format!("{err:?}").contains("<html>"), "Debug shows the excerpt");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn empty_200_body_is_a_decode_error() {
    let response = ResponseTemplate::new(200).insert_header("content-type", "application/json");
    let (err, attempts) = decode_failure(response).await;
    assert_eq!(attempts, 1);
    let decode = err.decode_error().unwrap_or_else(|| panic!("expected a decode error, got {err:?}"));
    assert!(decode.message.contains("empty"), "{}", decode.message);
    assert_eq!(decode.excerpt, "");
    assert!(err.to_string().contains("empty"), "{err}");
}

// ---------------------------------------------------------------------------
// Huge error bodies
// ---------------------------------------------------------------------------

const TWO_MB: usize = 2 * 1024 * 1024;

/// A 2 MB Atlas-shaped error whose message is almost all of it.
fn huge_error_body() -> Vec<u8> {
    let filler = "x".repeat(TWO_MB);
    let body = json!({"error": {"type": "invalid_request_error", "code": "too_big", "message": filler}});
    serde_json::to_vec(&body).unwrap()
}

/// Display and Debug of an error (and of its `ApiError`) stay short.
fn assert_short(err: &Error) {
    let shown = err.to_string();
    let debug = format!("{err:?}");
    assert!(shown.len() < SHORT, "Display is {} bytes", shown.len());
    assert!(debug.len() < SHORT, "Debug is {} bytes: {}", debug.len(), &debug[..SHORT.min(debug.len())]);
    if let Some(api) = err.api_error() {
        assert!(format!("{api:?}").len() < SHORT);
        assert!(format!("{:?}", api.body).len() < SHORT);
    }
}

#[tokio::test]
async fn huge_400_body_is_parsed_and_kept_but_output_stays_short() {
    let body = huge_error_body();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let (result, _) =
        bounded(CALL_LIMIT, client(&server).request(post_customer(), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "400 is not retried");
    let api = err.api_error().unwrap_or_else(|| panic!("expected an API error, got {err:?}"));
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.code(), Some("too_big"));
    assert_eq!(api.raw.len(), body.len(), "the raw body is kept whole");
    assert!(api.raw == body);
    let message = api.message().unwrap();
    assert!(message.starts_with("xxxx") && message.ends_with('…'), "parsed message is capped");
    assert!(message.len() <= MAX_ERROR_FIELD_BYTES + '…'.len_utf8());
    assert!(
        err.to_string()
            .starts_with("POST /customers: HTTP 400 Bad Request: invalid_request_error/too_big: xxx"),
        "{err}"
    );
    assert_short(&err);
}

#[tokio::test]
async fn huge_500_bodies_are_retried_and_the_last_one_kept() {
    let body = huge_error_body();
    let server = MockServer::start().await;
    Mock::given(path("/v1/flaky"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(body.clone(), "application/json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/flaky"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let client = client(&server);

    let (result, _) =
        bounded(CALL_LIMIT, client.request(keyed_spec(Method::POST, "/flaky"), decode_json::<Value>)).await;
    assert_eq!(result.unwrap(), json!({"ok": true}));
    assert_one_key(&wiremock_keys(&server).await, 2);

    // Not JSON at all: kept as raw bytes only.
    server.reset().await;
    let html = format!("<html>{}</html>", "y".repeat(TWO_MB)).into_bytes();
    Mock::given(path("/v1/down"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html.clone(), "text/html"))
        .mount(&server)
        .await;
    let (result, _) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/down"), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    let api = err.api_error().unwrap();
    assert!(api.body.is_none());
    assert!(api.raw == html);
    assert_eq!(err.to_string(), "GET /down: HTTP 502 Bad Gateway (after 3 attempts)");
    assert_short(&err);
}

// ---------------------------------------------------------------------------
// Slow and silent servers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn slow_drip_body_times_out_within_the_per_attempt_timeout() {
    // 64 bytes at one per 200 ms would take 12.8 s; each attempt may take 600 ms.
    const BODY: &[u8] = br#"{"id":"cus_1","object":"customer","email":"jane@example.com"}   "#;
    let drip = Fault::Drip { body: BODY, every: Duration::from_millis(200) };
    let (base, server) = fault_server(vec![drip, drip, drip]).await;
    let client =
        builder(&DEFAULTS, &base).timeout(Duration::from_millis(600)).max_retries(1).build().unwrap();
    let (result, elapsed) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/customers/cus_1"), decode_json::<Customer>))
            .await;
    let err = result.unwrap_err();
    match &err {
        Error::Timeout { attempts, timeout, .. } => {
            assert_eq!(*attempts, 2);
            assert_eq!(*timeout, Duration::from_millis(600));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "GET /customers/cus_1: timed out after 2 attempt(s) (per-attempt timeout 600ms)"
    );
    assert!(err.is_timeout() && err.is_retryable());
    assert!(elapsed >= Duration::from_millis(1200) && elapsed < Duration::from_secs(3), "{elapsed:?}");
    drop(client);
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 2);
    // The head arrived at once: the timeout covers the body, not just the head.
    assert!(seen.iter().all(|s| (1..BODY.len()).contains(&s.body_sent)), "{seen:?}");
}

#[tokio::test]
async fn a_body_in_many_small_chunks_is_assembled_whole() {
    // One byte per write: the client sees many chunks and must join them in order.
    const BODY: &[u8] = br#"{"id":"cus_1","object":"customer","email":"jane@example.com"}"#;
    let drip = Fault::Drip { body: BODY, every: Duration::from_millis(2) };
    let (base, server) = fault_server(vec![drip]).await;
    let client = builder(&DEFAULTS, &base).build().unwrap();
    let (result, _) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/customers/cus_1"), decode_json::<Value>))
            .await;
    let body = result.unwrap_or_else(|e| panic!("{e} | {e:?}"));
    assert_eq!(body, serde_json::from_slice::<Value>(BODY).unwrap());
    drop(client);
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body_sent, BODY.len());
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let (base, server) = fault_server(vec![Fault::Silent, Fault::Silent, Fault::Silent]).await;
    let client =
        builder(&DEFAULTS, &base).timeout(Duration::from_millis(300)).max_retries(1).build().unwrap();
    let (result, elapsed) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/customers"), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("timed out after 2 attempt(s)"), "{err}");
    assert!(elapsed >= Duration::from_millis(600) && elapsed < Duration::from_secs(2), "{elapsed:?}");
    drop(client);
    assert_eq!(server.await.unwrap().len(), 2);
}

#[tokio::test]
async fn post_without_an_idempotency_header_that_times_out_is_sent_once() {
    let (base, server) = fault_server(vec![Fault::Silent, Fault::Silent]).await;
    let client = builder(&NO_IDEMPOTENCY, &base).timeout(Duration::from_millis(300)).build().unwrap();
    let (result, elapsed) = bounded(CALL_LIMIT, client.request(post_customer(), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    drop(client);
    let seen = server.await.unwrap();
    assert_eq!(seen.len(), 1, "the POST was re-sent without an idempotency key");
    assert_eq!(keys(&seen), [None]);
}

// ---------------------------------------------------------------------------
// Retry-After
// ---------------------------------------------------------------------------

#[test]
fn huge_retry_after_is_read_whole_and_the_total_deadline_bounds_waits() {
    let mut headers = HeaderMap::new();
    for value in ["86400", "1e12", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        let wait = retry_after(&headers, std::time::SystemTime::now());
        assert!(wait.is_some_and(|wait| wait >= Duration::from_secs(86_400)), "{value}: {wait:?}");
    }
    assert_eq!(MAX_RETRY_AFTER, Duration::from_secs(60));
    // Defaults (2 retries): every attempt's timeout plus at most one capped wait per retry.
    let policy = RetryPolicy::new(2, Duration::from_millis(1), Duration::from_millis(5));
    assert_eq!(policy.total_budget(Duration::from_millis(300)), Duration::from_millis(900 + 120_000));
}

#[tokio::test]
async fn a_retry_after_beyond_the_clients_longest_wait_ends_the_call_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "86400"))
        .mount(&server)
        .await;
    let client =
        builder(&DEFAULTS, &server.uri()).timeout(Duration::from_millis(300)).max_retries(2).build().unwrap();
    // Neither a minute's wait only to be refused again, nor a retry sooner than asked: one
    // request, and the error at once, saying how long the server asked for.
    let (result, elapsed) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/customers"), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(err.to_string(), "GET /customers: HTTP 503 Service Unavailable");
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(86_400)));
    let api = err.api_error().unwrap();
    assert_eq!(api.headers.get(RETRY_AFTER).unwrap(), "86400");
}

// ---------------------------------------------------------------------------
// Response size limit
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_is_refused_by_its_length() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 10_000], "application/json"))
        .mount(&server)
        .await;
    let client = builder(&DEFAULTS, &server.uri()).max_response_bytes(1024).build().unwrap();
    let (result, _) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/big"), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 1024, .. }), "{err:?}");
    assert!(err.to_string().contains("larger than the client's limit of 1024 bytes"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "not retried");
}

#[tokio::test]
async fn a_body_without_a_length_stops_at_the_limit() {
    // A close-delimited body (no Content-Length) of 64 KiB: the client must stop reading at 4 KiB.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut served = 0;
        while let Ok(Ok((mut socket, _))) = tokio::time::timeout(IDLE, listener.accept()).await {
            served += 1;
            let _ = read_request(&mut socket).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                .await;
            for _ in 0..64 {
                if socket.write_all(&[b' '; 1024]).await.is_err() {
                    break;
                }
            }
        }
        served
    });
    let client = builder(&DEFAULTS, &base).max_response_bytes(4096).build().unwrap();
    let (result, _) =
        bounded(CALL_LIMIT, client.request(spec(Method::GET, "/stream"), decode_json::<Value>)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 4096, .. }), "{err:?}");
    assert_eq!(server.await.unwrap(), 1, "not retried");
}

/// A create whose answer does not decode still made its object: the error keeps the whole body
/// (its id, its client secret), while `Debug` shows only the excerpt, with the secret hidden.
#[tokio::test]
async fn a_create_whose_answer_does_not_decode_keeps_the_whole_body() {
    let server = MockServer::start().await;
    let padding = "x".repeat(2000);
    let body = format!(
        r#"{{"id":"sess_1","client_secret":"cs_live_abc","amount":"4990","note":"{padding}","currency":"USD"}}"#
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(body.clone().into_bytes(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let atlas = atlaspay::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .secret_key(SECRET_KEY)
        .build()
        .unwrap();
    let err = atlas.sessions().create(atlaspay::types::CreateSession::new(4990, "USD")).await.unwrap_err();
    let decode = err.decode_error().unwrap();
    assert_eq!(decode.path, "amount");
    assert_eq!(decode.body, body.as_bytes());
    let made: Value = serde_json::from_slice(&decode.body).unwrap();
    assert_eq!(made["id"], "sess_1");
    let shown = format!("{err:?}");
    assert!(!shown.contains("cs_live_abc") && !shown.contains(&padding), "{shown}");
    assert!(shown.contains("body_len: 2"), "{shown}");
}

/// A time in another form than the description declares: ISO text where Unix seconds are
/// declared (the ACH guide writes its times as ISO text), read as those seconds and written
/// back as the declared integer, rather than failing the whole transfer.
#[test]
fn unix_seconds_sent_as_text_are_read_as_seconds() {
    let transfer: atlaspay::types::BankTransfer = serde_json::from_value(json!({
        "id": "bt_1",
        "object": "bank_transfer",
        "created": 1704844800,
        "initiated_at": "2024-01-10T00:00:00Z",
        "settled_at": "1704931200",
        "returned_at": null
    }))
    .unwrap();
    assert_eq!(transfer.created, Some(atlaspay::UnixTime(1_704_844_800)));
    assert_eq!(transfer.initiated_at, Some(atlaspay::UnixTime(1_704_844_800)));
    assert_eq!(transfer.settled_at, Some(atlaspay::UnixTime(1_704_931_200)));
    assert_eq!(transfer.returned_at, None);
    let written = serde_json::to_value(&transfer).unwrap();
    assert_eq!(written["initiated_at"], json!(1704844800));
    // Text that is no time is refused, saying what was expected.
    let err = serde_json::from_value::<atlaspay::types::BankTransfer>(json!({
        "id": "bt_1", "object": "bank_transfer", "settled_at": "tomorrow"
    }))
    .unwrap_err();
    assert_eq!(err.to_string(), "invalid value: string \"tomorrow\", expected Unix seconds");
}
