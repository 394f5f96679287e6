//! Error mapping, error bodies, decode errors, credentials and redaction.

mod common;

use std::time::Duration;

use atlaspay::ErrorType;
use atlaspay::runtime::{ClientBuilder, Error, RequestSpec, decode_json};
use atlaspay::types::{ErrorResponse, RefundPayment};
use common::*;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn atlas_payment_error_shape_parses_with_request_id() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/payments/pay_1/capture"))
        .respond_with(
            ResponseTemplate::new(402).insert_header("X-Request-Id", "req_1700000000_abc123").set_body_json(
                json!({"error": {
                    "type": "card_error",
                    "code": "card_declined",
                    "message": "Your card was declined",
                    "decline_code": "insufficient_funds",
                    "param": null,
                    "request_id": "req_body_ignored",
                    "doc_url": "https://docs.atlas.co/errors/card_declined"
                }}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .request(spec(Method::POST, "/payments/pay_1/capture"), decode_json::<Value>)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(402));
    assert_eq!(err.request_id(), Some("req_1700000000_abc123"));
    let api = err.api_error().unwrap();
    let body = api.body.as_ref().unwrap();
    assert_eq!(body.r#type, Some(ErrorType::CardError));
    assert_eq!(body.code.as_deref(), Some("card_declined"));
    assert_eq!(body.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(body.param, None);
    assert_eq!(body.doc_url.as_deref(), Some("https://docs.atlas.co/errors/card_declined"));
    assert_eq!(api.message(), Some("Your card was declined"));
    assert_eq!(
        err.to_string(),
        "POST /payments/pay_1/capture: HTTP 402 Payment Required: card_error/card_declined: Your card was declined (decline_code: insufficient_funds) [request_id: req_1700000000_abc123]"
    );
}

#[tokio::test]
async fn atlas_billing_error_shape_parses_and_decodes_into_declared_schema() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/customers/cus_404"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req_2")
                .set_body_json(json!({"error": {"code": "not_found", "message": "Customer not found"}})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .request(spec(Method::GET, "/customers/cus_404"), decode_json::<Value>)
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.error_type(), None);
    assert_eq!(api.code(), Some("not_found"));
    assert_eq!(api.message(), Some("Customer not found"));
    assert_eq!(api.request_id.as_deref(), Some("req_2"));
    assert_eq!(
        err.to_string(),
        "GET /customers/cus_404: HTTP 404 Not Found: not_found: Customer not found [request_id: req_2]"
    );

    #[derive(Deserialize, Debug)]
    struct BillingError {
        error: BillingErrorDetail,
    }
    #[derive(Deserialize, Debug)]
    struct BillingErrorDetail {
        code: String,
    }
    assert_eq!(api.decode_body::<BillingError>().unwrap().error.code, "not_found");
}

/// Older payment functions answer `{"error": "<message>"}`: the message is read, and the body
/// decodes into the declared `ErrorResponse`, as its `LegacyError` variant.
#[tokio::test]
async fn legacy_message_only_error_body_decodes_into_the_declared_error_response() {
    let server = MockServer::start().await;
    let payment_id = "7f3e2a1b-5c4d-4e6f-8a9b-0c1d2e3f4a5b";
    Mock::given(path(format!("/v1/refund-payment/{payment_id}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "Payment not found"})))
        .expect(1)
        .mount(&server)
        .await;
    let atlas = atlas_client(&server);
    let err = atlas.payments().refund(payment_id, RefundPayment::new()).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.message(), Some("Payment not found"));
    match api.decode_body::<ErrorResponse>().unwrap() {
        ErrorResponse::LegacyError(legacy) => assert_eq!(legacy.error, "Payment not found"),
        other => panic!("decoded as {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "POST /refund-payment/7f3e2a1b-5c4d-4e6f-8a9b-0c1d2e3f4a5b: HTTP 404 Not Found: Payment not found"
    );
}

#[tokio::test]
async fn unparseable_error_bodies_keep_the_raw_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(418).set_body_string("<html>teapot</html>"))
        .mount(&server)
        .await;
    let err = client(&server).request(spec(Method::GET, "/x"), decode_json::<Value>).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert!(api.body.is_none());
    assert_eq!(&api.raw[..], b"<html>teapot</html>");
    assert_eq!(err.to_string(), "GET /x: HTTP 418 I'm a teapot");
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct CustomerList {
    data: Vec<Item>,
}
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Item {
    customer: Customer,
}
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Customer {
    email: String,
}

#[tokio::test]
async fn malformed_success_body_names_the_field_path() {
    let server = MockServer::start().await;
    let good = json!({"customer": {"email": "a@example.com"}});
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Request-Id", "req_decode")
                .set_body_json(json!({"data": [good, good, good, {"customer": {"email": 42}}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .request(spec(Method::GET, "/customers"), decode_json::<CustomerList>)
        .await
        .unwrap_err();
    let decode = err.decode_error().unwrap();
    assert_eq!(decode.path, "data[3].customer.email");
    assert!(decode.message.contains("invalid type: integer `42`"), "{}", decode.message);
    assert_eq!(decode.request_id.as_deref(), Some("req_decode"));
    assert!(decode.excerpt.contains("\"email\":42"), "{}", decode.excerpt);
    assert!(decode.excerpt.len() <= 520);
    let shown = err.to_string();
    assert!(shown.contains("at `data[3].customer.email`"), "{shown}");
    assert!(shown.contains("[request_id: req_decode]"), "{shown}");
    assert!(!shown.contains("a@example.com"), "Display must not include the excerpt: {shown}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn missing_credentials_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = ClientBuilder::new(&DEFAULTS).base_url(server.uri()).build().unwrap();
    static EITHER: &[&[&atlaspay::runtime::SecurityScheme]] = &[&[&BEARER], &[&CLIENT_SECRET_AUTH]];
    let err = client
        .request(RequestSpec::new(Method::GET, "/customers".into(), EITHER), decode_json::<Value>)
        .await
        .unwrap_err();
    match &err {
        Error::MissingCredentials { schemes, setters, token_setters } => {
            assert_eq!(schemes, &["bearerAuth", "clientSecret"]);
            assert_eq!(setters, &["bearer_auth", "client_secret"]);
            assert_eq!(
                token_setters,
                &["bearer_auth", "client_secret"],
                "neither is a username and password"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("`bearerAuth` or `clientSecret`"), "{err}");
    assert!(
        err.to_string().ends_with("or on a built client with `with_bearer_auth` or `with_client_secret`"),
        "{err}"
    );
}

#[test]
fn base_url_must_be_https_unless_loopback() {
    let build = |url: &str| ClientBuilder::new(&DEFAULTS).base_url(url).build();
    let err = build("http://api.example.com/v1").unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    let shown = err.to_string();
    assert!(shown.contains("http://api.example.com/v1"), "{shown}");
    assert!(shown.contains("https"), "{shown}");
    for bad in ["ftp://api.example.com", "not a url", "http://192.168.1.10:8080"] {
        let err = build(bad).unwrap_err();
        assert!(err.to_string().contains(bad), "{err}");
    }
    for good in [
        "https://api.example.com/v1/",
        "http://localhost:4010",
        "http://127.0.0.1:4010/",
        "http://[::1]:4010",
    ] {
        build(good).unwrap();
    }
    assert_eq!(
        build("https://api.example.com/functions/v1///").unwrap().base_url(),
        "https://api.example.com/functions/v1"
    );
    // The generated default is used when no override is given.
    assert_eq!(ClientBuilder::new(&DEFAULTS).build().unwrap().base_url(), "https://api.example.test/v1");
}

#[test]
fn env_credential_must_exist() {
    let err = ClientBuilder::new(&DEFAULTS).credential_from_env(&BEARER).build().unwrap_err();
    assert!(err.to_string().contains("ATLASPAY_TEST_KEY_THAT_IS_NEVER_SET"), "{err}");
}

/// Collects Display, Debug and every source's Display of an error.
fn render(err: &Error) -> String {
    let mut out = format!("{err}\n{err:?}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        out.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    out
}

#[tokio::test]
async fn no_key_material_in_client_or_any_error() {
    let server = MockServer::start().await;
    // A server that echoes the key it was sent.
    Mock::given(path("/v1/echo"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "type": "authentication_error",
            "message": format!("Invalid API key provided: {SECRET_KEY}")
        }})))
        .mount(&server)
        .await;
    Mock::given(path("/v1/bad-json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let client = builder(&DEFAULTS, &server.uri())
        .basic_auth(&BASIC, "user", "hunter2")
        .build()
        .unwrap()
        .with_credential(&CLIENT_SECRET_AUTH, CLIENT_SECRET)
        .with_credential(&QUERY_KEY, SECRET_KEY);
    let shown = format!("{client:?}");
    assert!(shown.contains("bearerAuth") && shown.contains("clientSecret"), "{shown}");
    assert!(shown.contains("basicAuth") && shown.contains("queryKey"), "{shown}");
    assert_no_secret(&shown);
    assert_no_secret(&format!("{:?}", builder(&DEFAULTS, "http://localhost")));

    let mut errors = Vec::new();
    // Api (with the key echoed back in the body).
    let echo = client.request(spec(Method::GET, "/echo"), decode_json::<Value>).await.unwrap_err();
    assert!(echo.api_error().unwrap().message().unwrap().contains("[redacted]"), "{echo}");
    errors.push(echo);
    // Decode.
    errors.push(client.request(spec(Method::GET, "/bad-json"), decode_json::<Value>).await.unwrap_err());
    // Timeout.
    errors.push(
        client
            .request(spec(Method::GET, "/slow"), decode_json::<Value>)
            .timeout(Duration::from_millis(50))
            .max_retries(0)
            .await
            .unwrap_err(),
    );
    // Transport, with the key in the query string of the failing URL.
    static QUERY_ONLY: &[&[&atlaspay::runtime::SecurityScheme]] = &[&[&QUERY_KEY]];
    let refused = builder(&DEFAULTS, &refused_base().await)
        .credential(&QUERY_KEY, SECRET_KEY)
        .max_retries(0)
        .build()
        .unwrap();
    let transport = refused
        .request(RequestSpec::new(Method::GET, "/customers".into(), QUERY_ONLY), decode_json::<Value>)
        .await
        .unwrap_err();
    assert!(matches!(transport, Error::Transport { .. }), "{transport:?}");
    errors.push(transport);
    // Config: a credential that cannot be a header value is refused when the client is built;
    // the same given to a built client fails each of its requests. InvalidRequest: a bad param.
    let err =
        builder(&DEFAULTS, &server.uri()).credential(&BEARER, "sk_test_SECRET123\n").build().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    errors.push(err);
    let invalid = client.with_credential(&BEARER, "sk_test_SECRET123\n");
    let err = invalid.request(spec(Method::GET, "/echo"), decode_json::<Value>).await.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    errors.push(err);
    let mut bad_param = spec(Method::GET, "/echo");
    bad_param.query("filter", &std::collections::BTreeMap::from([((1, 2), 3)]));
    let err = client.request(bad_param, decode_json::<Value>).await.unwrap_err();
    assert!(err.to_string().contains("query parameter `filter`"), "{err}");
    errors.push(err);
    // MissingCredentials and Config.
    errors.push(
        ClientBuilder::new(&DEFAULTS)
            .base_url(server.uri())
            .build()
            .unwrap()
            .request(spec(Method::GET, "/echo"), decode_json::<Value>)
            .await
            .unwrap_err(),
    );
    errors.push(
        ClientBuilder::new(&DEFAULTS)
            .base_url("http://api.example.com")
            .credential(&BEARER, SECRET_KEY)
            .build()
            .unwrap_err(),
    );
    errors.push(ClientBuilder::new(&DEFAULTS).basic_auth(&BEARER, "user", "hunter2").build().unwrap_err());

    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Api(_) => "api",
            Error::Decode(_) => "decode",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::InvalidRequest { .. } => "invalid",
            Error::MissingCredentials { .. } => "missing",
            Error::Config { .. } => "config",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "api",
            "decode",
            "timeout",
            "transport",
            "config",
            "config",
            "invalid",
            "missing",
            "config",
            "config"
        ]
    );
    for err in &errors {
        let text = render(err);
        if std::env::var_os("SHOW_ERRORS").is_some() {
            eprintln!("---\n{text}");
        }
        assert_no_secret(&text);
        assert_eq!(format!("{err}").lines().count(), 1, "{err}");
    }
}

#[tokio::test]
async fn error_accessors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("Request-Id", "req_fallback").set_body_json(
                json!({"error": {"type": "rate_limit_error", "message": "Too many requests"}}),
            ),
        )
        .mount(&server)
        .await;
    let err = builder(&DEFAULTS, &server.uri())
        .max_retries(0)
        .build()
        .unwrap()
        .request(spec(Method::GET, "/x"), decode_json::<Value>)
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.request_id(), Some("req_fallback"));
    assert_eq!(err.api_error().unwrap().error_type(), Some(&ErrorType::RateLimitError));
    assert!(err.decode_error().is_none());
}
