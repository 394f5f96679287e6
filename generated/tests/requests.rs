//! What goes on the wire: credentials, headers, query strings, bodies, and
//! what comes back in `Response`.

mod common;

use atlaspay::runtime::{
    ClientBuilder, RateLimit, RequestSpec, SchemeKind, SecurityScheme, decode_bytes, decode_empty,
    decode_json, decode_text,
};
use common::*;
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};
use wiremock::matchers::{body_string, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
}

#[tokio::test]
async fn default_headers_bearer_and_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header("authorization", "Bearer sk_test_SECRET123"))
        .and(header("user-agent", "atlaspay-tests/0.0.0"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(header_exists("idempotency-key"))
        .and(body_string(r#"{"email":"jane@example.com","metadata":{"a":"1"}}"#))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let mut spec = keyed_spec(Method::POST, "/customers");
    spec.json_body(&json!({"email": "jane@example.com", "metadata": {"a": "1"}}));
    let _: Value = client(&server).request(spec, decode_json).await.unwrap();
}

#[tokio::test]
async fn query_and_header_parameters_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).expect(1).mount(&server).await;
    #[derive(Serialize)]
    struct Created {
        gte: i64,
        lt: Option<i64>,
    }
    let mut spec = spec(Method::GET, "/customers");
    spec.query("limit", &10);
    spec.query("email", &"a+b@example.com");
    spec.query("starting_after", &None::<String>);
    spec.query("expand", &["data.customer", "data.invoice"]);
    spec.query("created", &Created { gte: 1, lt: None });
    spec.query("live", &true);
    spec.header("X-Trace", &["a", "b"]);
    spec.header("X-Absent", &None::<u8>);
    let _: Value = client(&server).request(spec, decode_json).header("X-Extra", "yes").await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        request.url.query(),
        Some(
            "limit=10&email=a%2Bb%40example.com&expand=data.customer&expand=data.invoice&created%5Bgte%5D=1&live=true"
        )
    );
    assert_eq!(request.headers["x-trace"], "a,b");
    assert_eq!(request.headers["x-extra"], "yes");
    assert!(request.headers.get("x-absent").is_none());
    assert!(request.headers.get("content-type").is_none());
}

#[tokio::test]
async fn path_parameters_stay_one_segment_under_the_base_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).expect(2).mount(&server).await;
    // A base URL with a trailing slash, ids with every delimiter and dot segments.
    let client = ClientBuilder::new(&DEFAULTS)
        .base_url(format!("{}/v1/", server.uri()))
        .credential(&BEARER, "sk_test_SECRET123")
        .build()
        .unwrap();
    for id in ["a/b?c#d e", "caf\u{e9}%2F"] {
        let path = format!("/customers/{}", atlaspay::runtime::encode_path_segment(id));
        let mut spec = RequestSpec::new(Method::GET, path, PUBLIC);
        spec.query("q", &"x&y");
        let _: Value = client.request(spec, decode_json).await.unwrap();
    }
    // `.` and `..` would be resolved away by any URL parser (even as `%2E`): refused, not sent.
    for id in [".", "..", "%2E%2e", ".%2E"] {
        let spec = RequestSpec::new(Method::GET, format!("/customers/{id}/refunds"), PUBLIC);
        let err = client.request(spec, decode_json::<Value>).await.unwrap_err();
        assert!(matches!(err, atlaspay::Error::InvalidRequest { .. }), "{err:?}");
        assert!(err.to_string().contains("is `.` or `..`"), "{err}");
    }
    let seen: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| format!("{}?{}", request.url.path(), request.url.query().unwrap_or("")))
        .collect();
    assert_eq!(seen, ["/v1/customers/a%2Fb%3Fc%23d%20e?q=x%26y", "/v1/customers/caf%C3%A9%252F?q=x%26y",]);
}

#[tokio::test]
async fn an_empty_path_parameter_is_refused_not_sent_to_another_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).expect(0).mount(&server).await;
    let client = atlaspay::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .secret_key(SECRET_KEY)
        .build()
        .unwrap();
    // `GET /customers/` would be the list endpoint.
    let err = client.customers().retrieve("").await.unwrap_err();
    assert!(matches!(err, atlaspay::Error::InvalidRequest { .. }), "{err:?}");
    assert!(err.to_string().contains("path parameter `customer_id` is empty"), "{err}");
}

#[tokio::test]
async fn form_bodies_use_stripe_style_nesting() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "amount=4990&line_items%5B0%5D%5Bprice%5D=price_1&line_items%5B0%5D%5Bquantity%5D=1&metadata%5Border%5D=A%201",
        ))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let mut spec = spec(Method::POST, "/checkout-sessions");
    spec.form_body(&json!({
        "amount": 4990,
        "customer": null,
        "line_items": [{"price": "price_1", "quantity": 1}],
        "metadata": {"order": "A 1"}
    }));
    let _: Value = client(&server).request(spec, decode_json).await.unwrap();
}

#[tokio::test]
async fn raw_and_text_bodies_and_decoders() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/upload"))
        .and(header("content-type", "application/octet-stream"))
        .and(body_string("\u{1}\u{2}"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0xde, 0xad]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/text"))
        .and(header("content-type", "text/plain"))
        .and(header("accept", "text/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_string("héllo"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/binary-as-text"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0x66, 0xff]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/empty")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    let client = client(&server);
    let mut upload = spec(Method::PUT, "/upload");
    upload.bytes_body("application/octet-stream", bytes::Bytes::from_static(b"\x01\x02"));
    let body = client.request(upload, decode_bytes).await.unwrap();
    assert_eq!(&body[..], &[0xde, 0xad]);
    let mut text = spec(Method::PUT, "/text");
    text.text_body("text/plain", "hi".to_owned());
    text.header("Accept", &"text/plain");
    assert_eq!(client.request(text, decode_text).await.unwrap(), "héllo");
    let err = client.request(spec(Method::GET, "/binary-as-text"), decode_text).await.unwrap_err();
    assert!(err.decode_error().is_some(), "{err:?}");
    client.request(spec(Method::DELETE, "/empty"), decode_empty).await.unwrap();
}

#[tokio::test]
async fn response_metadata() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Request-Id", "req_meta")
                .insert_header("X-RateLimit-Limit", "1000")
                .insert_header("X-RateLimit-Remaining", "998")
                .insert_header("X-RateLimit-Reset", "1700000060")
                .set_body_json(json!({"id": "cus_1"})),
        )
        .mount(&server)
        .await;
    let response = client(&server)
        .request(spec(Method::POST, "/customers"), decode_json::<Value>)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 201);
    assert_eq!(response.request_id.as_deref(), Some("req_meta"));
    assert_eq!(
        response.rate_limit,
        RateLimit { limit: Some(1000), remaining: Some(998), reset: Some(1_700_000_060) }
    );
    assert_eq!(response.rate_limit.reset_at().unwrap().timestamp(), 1_700_000_060);
    assert_eq!(response.into_body()["id"], "cus_1");
}

#[tokio::test]
async fn other_credential_kinds() {
    let server = MockServer::start().await;
    // base64("user:pass") = dXNlcjpwYXNz; base64("sk_test_SECRET123:") for key-as-username.
    Mock::given(path("/v1/basic"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/basic-key"))
        .and(header("authorization", "Basic c2tfdGVzdF9TRUNSRVQxMjM6"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/header"))
        .and(header("x-api-key", "k_header"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/query"))
        .and(query_param("api_key", "k query"))
        .and(query_param("limit", "3"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/cookie"))
        .and(header("cookie", "session=k_cookie"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/signed"))
        .and(header("authorization", "payone-hmac-sha256 key-1:c2ln"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    static BASIC_ONLY: &[&[&SecurityScheme]] = &[&[&BASIC]];
    static HEADER_ONLY: &[&[&SecurityScheme]] = &[&[&HEADER_KEY]];
    static QUERY_ONLY: &[&[&SecurityScheme]] = &[&[&QUERY_KEY]];
    static COOKIE_ONLY: &[&[&SecurityScheme]] = &[&[&COOKIE_KEY]];
    static HMAC: SecurityScheme = SecurityScheme {
        name: "hmac",
        setter: "hmac",
        kind: SchemeKind::Http { scheme: "payone-hmac-sha256" },
    };
    static HMAC_ONLY: &[&[&SecurityScheme]] = &[&[&HMAC]];
    let client = ClientBuilder::new(&DEFAULTS)
        .base_url(format!("{}/v1", server.uri()))
        .basic_auth(&BASIC, "user", "pass")
        .credential(&HEADER_KEY, "k_header")
        .credential(&QUERY_KEY, "k query")
        .credential(&COOKIE_KEY, "k_cookie")
        .credential(&HMAC, "key-1:c2ln")
        .build()
        .unwrap();
    let call = |path: &str, security: &'static [&'static [&'static SecurityScheme]]| {
        RequestSpec::new(Method::GET, path.to_owned(), security)
    };
    let _: Value = client.request(call("/basic", BASIC_ONLY), decode_json).await.unwrap();
    let _: Value = client
        .with_credential(&BASIC, SECRET_KEY)
        .request(call("/basic-key", BASIC_ONLY), decode_json)
        .await
        .unwrap();
    let _: Value = client.request(call("/header", HEADER_ONLY), decode_json).await.unwrap();
    let mut query = call("/query", QUERY_ONLY);
    query.query("limit", &3);
    let _: Value = client.request(query, decode_json).await.unwrap();
    let _: Value = client.request(call("/cookie", COOKIE_ONLY), decode_json).await.unwrap();
    // Another HTTP scheme: its own name, then the credential as given.
    let _: Value = client.request(call("/signed", HMAC_ONLY), decode_json).await.unwrap();
    // Only the chosen scheme's credential is sent.
    for request in server.received_requests().await.unwrap() {
        let sent_key = request.headers.get("x-api-key").is_some();
        assert_eq!(sent_key, request.url.path() == "/v1/header");
    }
}

#[tokio::test]
async fn security_alternatives_and_public_operations() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/confirm"))
        .and(header("authorization", "Bearer cs_test_SECRET456"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/health")).respond_with(ok()).expect(2).mount(&server).await;
    // Secret key first, client secret as the alternative; only the latter is set.
    static KEY_OR_CLIENT_SECRET: &[&[&SecurityScheme]] = &[&[&BEARER], &[&CLIENT_SECRET_AUTH]];
    static OPTIONAL_AUTH: &[&[&SecurityScheme]] = &[&[&HEADER_KEY], &[]];
    let anonymous = ClientBuilder::new(&DEFAULTS).base_url(format!("{}/v1", server.uri())).build().unwrap();
    let browser = anonymous.with_credential(&CLIENT_SECRET_AUTH, CLIENT_SECRET);
    assert!(browser.has_credential(&CLIENT_SECRET_AUTH) && !anonymous.has_credential(&CLIENT_SECRET_AUTH));
    let _: Value = browser
        .request(RequestSpec::new(Method::POST, "/confirm".into(), KEY_OR_CLIENT_SECRET), decode_json)
        .await
        .unwrap();
    for security in [PUBLIC, OPTIONAL_AUTH] {
        let _: Value = anonymous
            .request(RequestSpec::new(Method::GET, "/health".into(), security), decode_json)
            .await
            .unwrap();
    }
    let health = server.received_requests().await.unwrap();
    assert!(
        health
            .iter()
            .filter(|r| r.url.path() == "/v1/health")
            .all(|r| r.headers.get("authorization").is_none())
    );
}

#[tokio::test]
async fn credential_from_env() {
    static FROM_PATH: atlaspay::runtime::ClientDefaults = atlaspay::runtime::ClientDefaults {
        base_url: "https://api.example.test",
        user_agent: "t",
        idempotency_header: None,
        api_key_env: Some("PATH"),
    };
    let Ok(expected) = std::env::var("PATH") else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(header("authorization", format!("Bearer {expected}").as_str()))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let client =
        ClientBuilder::new(&FROM_PATH).base_url(server.uri()).credential_from_env(&BEARER).build().unwrap();
    let _: Value = client.request(spec(Method::GET, "/x"), decode_json).await.unwrap();
}

#[tokio::test]
async fn invalid_parameters_fail_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).expect(0).mount(&server).await;
    let client = client(&server);
    let mut bad_header = spec(Method::GET, "/x");
    bad_header.header("X-Name", &"line\nbreak");
    let err = client.request(bad_header, decode_json::<Value>).await.unwrap_err();
    assert!(err.to_string().contains("`X-Name`"), "{err}");
    let mut bad_body = spec(Method::POST, "/x");
    bad_body.form_body(&"just a string");
    let err = client.request(bad_body, decode_json::<Value>).await.unwrap_err();
    assert!(err.to_string().contains("request body"), "{err}");
    let bad_path = RequestSpec::new(Method::GET, "no-slash".into(), PUBLIC);
    assert!(client.request(bad_path, decode_json::<Value>).await.is_err());
    // An empty idempotency key is no key: refused rather than sent.
    let keyed = client.request(spec(Method::POST, "/x"), decode_json::<Value>).idempotency_key("");
    let err = keyed.await.unwrap_err();
    assert!(err.to_string().contains("idempotency key is empty"), "{err}");
    // A token that cannot be a header value, or an empty one: each request says which scheme,
    // never the value.
    let bad_token = client.with_credential(&BEARER, "sk_test_\nSPLIT");
    let err = bad_token.request(spec(Method::GET, "/x"), decode_json::<Value>).await.unwrap_err();
    assert!(matches!(err, atlaspay::Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("`bearerAuth` has a character a header cannot carry"), "{err}");
    assert!(!err.to_string().contains("SPLIT"), "{err}");
    let empty = client.with_credential(&BEARER, "");
    let err = empty.request(spec(Method::GET, "/x"), decode_json::<Value>).await.unwrap_err();
    assert!(err.to_string().contains("`bearerAuth` is empty"), "{err}");
}

#[tokio::test]
async fn request_futures_are_send_and_spawnable() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).expect(4).mount(&server).await;
    let client = client(&server);
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client.request(spec(Method::GET, &format!("/items/{i}")), decode_json::<Value>).send().await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn an_api_client_over_a_runtime_client_keeps_its_settings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/health"))
        .and(header("user-agent", "atlaspay-tests/0.0.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "healthy"})))
        .expect(1)
        .mount(&server)
        .await;
    // Built with the test defaults (user agent, base path), not the API's own.
    let atlas = atlaspay::Client::from_runtime(client(&server));
    assert_eq!(atlas.base_url(), format!("{}/v1", server.uri()));
    assert!(atlas.has_credential(&BEARER));
    let health = atlas.health().retrieve().await.unwrap();
    assert_eq!(health.status, atlaspay::types::HealthStatus::Healthy);
    assert_eq!(atlas.as_runtime().base_url(), atlas.base_url());
}

/// Deleting a bank account answers `{"deleted": true}` alone (unlike customers and coupons,
/// which add `id` and `object`); that decodes.
#[tokio::test]
async fn a_bank_account_delete_answered_with_deleted_alone_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/bank-accounts/ba_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .expect(1)
        .mount(&server)
        .await;
    let atlas = atlas_client(&server);
    let deleted = atlas.bank_accounts().delete("ba_1").await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id, None);
}

/// The guides' create-session answer, with a prefixed id where the API reference has a UUID:
/// a session the server created must not come back as a decode error.
#[tokio::test]
async fn the_documented_create_session_response_decodes() {
    let server = MockServer::start().await;
    let documented = r#"{"id":"sess_2xK9mN7vQ3pL8wYz","object":"payment_session","status":"requires_payment_method","amount":4990,"currency":"USD","client_secret":"cs_abc123xyz789","payment_method_types":["card","apple_pay"],"capture_method":"automatic","created_at":"2024-01-15T10:30:00Z","livemode":false}"#;
    Mock::given(path("/v1/create-session"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(documented, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = atlaspay::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .secret_key(SECRET_KEY)
        .build()
        .unwrap();
    let session = client.sessions().create(atlaspay::types::CreateSession::new(4990, "USD")).await.unwrap();
    assert_eq!(session.id, "sess_2xK9mN7vQ3pL8wYz");
    assert_eq!(session.amount, Some(4990));
}

/// A map field's setter takes any pairs: an array of `&str` tuples as well as a map.
#[test]
fn map_setters_take_pairs_of_anything_string_like() {
    use atlaspay::types::CreateCustomer;
    let from_pairs = CreateCustomer::new("a@example.com").metadata([("plan", "pro"), ("seats", "3")]);
    let map: indexmap::IndexMap<String, String> =
        [("plan".to_owned(), "pro".to_owned()), ("seats".to_owned(), "3".to_owned())].into_iter().collect();
    let from_map = CreateCustomer::new("a@example.com").metadata(map);
    let json = serde_json::to_value(&from_pairs).unwrap();
    assert_eq!(json["metadata"], json!({"plan": "pro", "seats": "3"}));
    assert_eq!(json, serde_json::to_value(&from_map).unwrap());
}

/// A number setter takes an integer too (`percent_off(50)`), and a Unix-time setter a
/// `chrono::DateTime<Utc>` or seconds.
#[test]
fn number_and_time_setters_take_what_converts() {
    use atlaspay::types::{CouponDuration, CreateCoupon};
    let whole = CreateCoupon::new(CouponDuration::Once).percent_off(50).redeem_by(1_700_000_000_i64);
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let typed = CreateCoupon::new(CouponDuration::Once).percent_off(50.0).redeem_by(at);
    let json = serde_json::to_value(&whole).unwrap();
    assert_eq!((json["percent_off"].as_f64(), json["redeem_by"].as_i64()), (Some(50.0), Some(1_700_000_000)));
    assert_eq!(json, serde_json::to_value(&typed).unwrap());
}

/// A field where `null` clears the value has a setter that sends it; left alone, the field is
/// not sent at all.
#[test]
fn a_clear_setter_sends_null_and_an_unset_field_sends_nothing() {
    use atlaspay::types::{Address, UpdateCustomer};
    let cleared = UpdateCustomer::new().name("Jane").clear_billing_address();
    assert_eq!(serde_json::to_value(&cleared).unwrap(), json!({"name": "Jane", "billing_address": null}));
    let set = UpdateCustomer::new().billing_address(Address::new().city("Springfield"));
    assert_eq!(serde_json::to_value(&set).unwrap(), json!({"billing_address": {"city": "Springfield"}}));
    assert_eq!(serde_json::to_value(UpdateCustomer::new()).unwrap(), json!({}));
}

/// A body the spec does not require is an `Option`: `None` sends none (no `Content-Type`
/// either), a value is sent as it would be were it required.
#[tokio::test]
async fn an_optional_body_left_out_sends_no_body() {
    use atlaspay::types::RefundPayment;
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ok()).expect(2).mount(&server).await;
    let atlas = atlas_client(&server);
    let _ = atlas.payments().capture("pay_1", None).send_with_response().await;
    let _ = atlas.payments().refund("pay_1", RefundPayment::new().amount(1000)).send_with_response().await;
    let requests = server.received_requests().await.unwrap();
    let (capture, refund) = (&requests[0], &requests[1]);
    assert_eq!(capture.url.path(), "/v1/capture-payment/pay_1");
    assert!(capture.body.is_empty(), "{:?}", String::from_utf8_lossy(&capture.body));
    assert_eq!(capture.headers.get("content-type"), None);
    assert!(capture.headers.get("idempotency-key").is_some(), "a capture is keyed, body or not");
    assert_eq!(refund.url.path(), "/v1/refund-payment/pay_1");
    assert_eq!(refund.body, br#"{"amount":1000}"#);
    assert_eq!(refund.headers.get("content-type").unwrap(), "application/json");
}

/// An operation that takes its idempotency key in the body still gets one when its optional
/// body is left out: `{}` (or an empty form) with the key in it, the caller's or a generated one.
#[tokio::test]
async fn an_optional_body_left_out_still_carries_a_body_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ok()).expect(3).mount(&server).await;
    let api = client(&server);
    let mut json = spec(Method::POST, "/transfers");
    json.idempotency_key_in_body("idempotency_key");
    json.optional_json_body::<Value>(None);
    let _: Value = api.request(json, decode_json).idempotency_key("order-7").await.unwrap();
    let mut form = spec(Method::POST, "/transfers");
    form.idempotency_key_in_body("idempotency_key");
    form.optional_form_body::<Value>(None);
    let _: Value = api.request(form, decode_json).idempotency_key("order-8").await.unwrap();
    let mut generated = spec(Method::POST, "/transfers");
    generated.idempotency_key_in_body("idempotency_key");
    generated.optional_json_body::<Value>(None);
    let _: Value = api.request(generated, decode_json).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].body, br#"{"idempotency_key":"order-7"}"#);
    assert_eq!(requests[0].headers.get("idempotency-key"), None, "the key goes in the body alone");
    assert_eq!(requests[1].body, b"idempotency_key=order-8");
    assert_eq!(requests[1].headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    let body: Value = serde_json::from_slice(&requests[2].body).unwrap();
    assert_eq!(body["idempotency_key"].as_str().map(str::len), Some(36), "a generated UUID: {body}");
}

/// Parameters that are all optional are an `Option` too: `None` sends none of them.
#[tokio::test]
async fn optional_parameters_left_out_send_no_query() {
    use atlaspay::types::ListCustomersParams;
    let server = MockServer::start().await;
    let page = json!({"object": "list", "data": [], "has_more": false, "total_count": 0});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(2)
        .mount(&server)
        .await;
    let atlas = atlas_client(&server);
    atlas.customers().list(None).await.unwrap();
    atlas.customers().list(ListCustomersParams::new().limit(5)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[1].url.query(), Some("limit=5"));
}

/// `Debug` of a type with fields named like credentials (a session's `client_secret`, a
/// cryptogram, a card's number and CVC) shows whether each is set, never its value; the other
/// fields print as `#[derive(Debug)]` prints them.
#[test]
fn debug_output_hides_credentials() {
    use atlaspay::types::{ConfirmPaymentVgsData, PaymentSession};
    let session: PaymentSession = serde_json::from_value(json!({
        "id": "sess_1", "object": "payment_session", "client_secret": "cs_live_SECRET", "amount": 4990,
        "webhookToken": "wh_SECRET", "note": "kept"
    }))
    .unwrap();
    let shown = format!("{session:?}");
    assert!(!shown.contains("cs_live_SECRET"), "{shown}");
    assert!(shown.starts_with("PaymentSession { amount: Some(4990), "), "{shown}");
    assert!(
        shown.contains("client_secret: Some([redacted])") && shown.contains(r#"id: "sess_1""#),
        "{shown}"
    );
    assert_eq!(session.client_secret.as_deref(), Some("cs_live_SECRET"), "the value itself is untouched");
    // Undeclared properties too, by the same rule (any case, `_` or none).
    assert!(!shown.contains("wh_SECRET") && shown.contains(r#""webhookToken": [redacted]"#), "{shown}");
    assert!(shown.contains(r#""note": String("kept")"#), "{shown}");

    let card = ConfirmPaymentVgsData::new().card_number("4242424242424242").card_cvc("123");
    let shown = format!("{card:?}");
    assert!(!shown.contains("4242") && !shown.contains("123"), "{shown}");
    assert!(shown.contains("card_cvc: Some([redacted])") && shown.contains("card_expiry: None"), "{shown}");
}

#[tokio::test]
async fn request_hooks_see_every_attempt_after_the_credentials_and_can_refuse_it() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header("x-signature", "sha-of:{\"email\":\"jane@example.com\"}"))
        .and(header("x-attempt", "2"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    // Any other attempt: a 500, retried with its key.
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&attempts);
    let client = builder(&DEFAULTS, &server.uri())
        .on_request(move |request| {
            // The client's own headers are on it already, its credential included.
            assert_eq!(request.headers()["authorization"], "Bearer sk_test_SECRET123");
            let body = request.body().and_then(|body| body.as_bytes()).unwrap_or_default();
            let signature = format!("sha-of:{}", String::from_utf8_lossy(body));
            request.headers_mut().insert("x-signature", signature.parse()?);
            Ok(())
        })
        .on_request(move |request| {
            let attempt = seen.fetch_add(1, Ordering::SeqCst);
            request.headers_mut().insert("x-attempt", attempt.to_string().parse()?);
            Ok(())
        })
        .build()
        .unwrap();
    let mut create = keyed_spec(Method::POST, "/customers");
    create.json_body(&json!({"email": "jane@example.com"}));
    let _: Value = client.request(create, decode_json).await.unwrap();
    // Two 500s, then the third attempt: each attempt went through both hooks.
    assert_eq!(attempts.load(Ordering::SeqCst), 3);

    // A hook's error fails the call with its message, and nothing more is sent.
    let sent_before = server.received_requests().await.unwrap().len();
    let refusing = builder(&DEFAULTS, &server.uri())
        .on_request(|_| Err("no signing key for this region".into()))
        .build()
        .unwrap();
    let err = refusing.request(spec(Method::GET, "/customers"), decode_json::<Value>).await.unwrap_err();
    assert!(matches!(err, atlaspay::Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid request: GET /customers: a request hook refused it: no signing key for this region"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), sent_before);
    // A copy with another credential keeps the hooks.
    let err = refusing
        .with_credential(&BEARER, "sk_test_other")
        .request(spec(Method::GET, "/x"), decode_json::<Value>)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("a request hook refused it"), "{err}");
}

#[tokio::test]
async fn a_refused_credential_fails_only_the_operations_that_need_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).mount(&server).await;
    // `Client::new("")`'s way: built without failing, the empty key refused.
    let client = builder(&DEFAULTS, &server.uri()).credential(&BEARER, "").build_infallible();
    let err = client.request(spec(Method::GET, "/x"), decode_json::<Value>).await.unwrap_err();
    assert!(matches!(err, atlaspay::Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("the credential for scheme `bearerAuth` is empty"), "{err}");
    // An operation without auth is sent.
    let public = RequestSpec::new(Method::GET, "/public".into(), PUBLIC);
    let _: Value = client.request(public, decode_json).await.unwrap();
    // One that takes the key or a client secret is sent with the secret given afterwards.
    static EITHER: &[&[&SecurityScheme]] = &[&[&BEARER], &[&CLIENT_SECRET_AUTH]];
    let with_secret = client.with_credential(&CLIENT_SECRET_AUTH, CLIENT_SECRET);
    let confirm = RequestSpec::new(Method::GET, "/confirm".into(), EITHER);
    let _: Value = with_secret.request(confirm, decode_json).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].headers["authorization"], format!("Bearer {CLIENT_SECRET}"));
    // And a good key given later mends it.
    let mended = client.with_credential(&BEARER, SECRET_KEY);
    let _: Value = mended.request(spec(Method::GET, "/x"), decode_json).await.unwrap();
}
