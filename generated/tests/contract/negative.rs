//! The error side of the contract: error responses Prism is asked for with `Prefer: code=<status>`
//! come back as `Error::Api` with the status, the parsed Atlas error and a body that decodes into the
//! spec's `ErrorResponse`; requests without their credential are never sent; and a misspelt request
//! field is caught (a canary for the positive cases).

use std::time::Duration;

use atlaspay::Client;
use atlaspay::runtime::{Error, ErrorType, RequestSpec, SecurityScheme, decode_json};
use atlaspay::types::{
    CapturePayment, ConfirmPayment, CreateBankTransfer, CreateCustomer, ErrorResponse, ListCustomersParams,
    PayInvoice, PaymentMethodType, TokenProvider, TransferDirection,
};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::cases::check;

/// What the negative checks found.
pub struct Report {
    /// How many checks ran.
    pub checks: usize,
    /// One line per failed check.
    pub failures: Vec<String>,
}

const SESSION_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const PAYMENT_ID: &str = "7f3e2a1b-5c4d-4e6f-8a9b-0c1d2e3f4a5b";

/// The statuses the spec declares for every operation, and 402 for the payment ones.
const COMMON: [u16; 6] = [400, 401, 404, 409, 429, 500];
const PAYMENT: [u16; 7] = [400, 401, 402, 404, 409, 429, 500];

/// Runs every negative check against the mock server at `base_url`.
pub async fn run(base_url: &str) -> Report {
    let client = crate::client(base_url);
    let mut report = Report { checks: 0, failures: Vec::new() };

    for status in COMMON {
        let result = client
            .customers()
            .create(CreateCustomer::new("jane@example.com").name("Jane Doe"))
            .header("Prefer", format!("code={status}"))
            .send()
            .await;
        report.record("createCustomer (billing)", status, result.map(drop));
    }
    for status in [401, 404, 429, 500] {
        // A list request goes through the pagination code path.
        let result = client
            .customers()
            .list(ListCustomersParams::new().limit(10))
            .header("Prefer", format!("code={status}"))
            .send()
            .await;
        report.record("listCustomers (billing, list)", status, result.map(drop));
    }
    for status in [402, 404, 409] {
        let result = client
            .invoices()
            .pay("in_1OaBcD2eZvKYlo2C", PayInvoice::new().payment_method("pm_1OaBcD2eZvKYlo2C"))
            .header("Prefer", format!("code={status}"))
            .send()
            .await;
        report.record("payInvoice (billing)", status, result.map(drop));
    }
    for status in [400, 404, 409] {
        let result = client
            .bank_transfers()
            .create(CreateBankTransfer::new("ba_abc123", 4990, TransferDirection::Debit))
            .header("Prefer", format!("code={status}"))
            .send()
            .await;
        report.record("createBankTransfer (ACH)", status, result.map(drop));
    }
    for status in PAYMENT {
        let result = client
            .payments()
            .capture(PAYMENT_ID, CapturePayment::new().amount(2500))
            .header("Prefer", format!("code={status}"))
            .send()
            .await;
        report.record("capturePayment (payment)", status, result.map(drop));
    }
    for status in PAYMENT {
        let body =
            ConfirmPayment::new(PaymentMethodType::Card, TokenProvider::BasisTheory).token_id("tok_4f8a2c");
        let result = client
            .payments()
            .confirm(SESSION_ID, body)
            .header("Prefer", format!("code={status}"))
            .send()
            .await;
        report.record("confirmPayment (payment, client secret)", status, result.map(drop));
    }

    report.missing_credentials().await;
    report.misspelt_field_is_caught(&client).await;
    report
}

/// The `ErrorType` the spec documents for a status (`ErrorType` schema): `None` for 404, whose
/// declared example is the billing shape without `type`.
fn expected_type(status: u16) -> Option<ErrorType> {
    match status {
        400 => Some(ErrorType::InvalidRequestError),
        401 => Some(ErrorType::AuthenticationError),
        402 => Some(ErrorType::CardError),
        409 => Some(ErrorType::IdempotencyError),
        429 => Some(ErrorType::RateLimitError),
        500 => Some(ErrorType::ApiError),
        _ => None,
    }
}

impl Report {
    fn fail(&mut self, what: impl Into<String>) {
        self.failures.push(what.into());
    }

    /// Checks one answer to a `Prefer: code=<status>` request.
    fn record(&mut self, operation: &str, status: u16, result: Result<(), Error>) {
        self.checks += 1;
        let problems = error_problems(status, result);
        if !problems.is_empty() {
            self.fail(format!("{operation} with Prefer: code={status}: {}", problems.join("; ")));
        }
    }

    /// An operation whose credential the client lacks fails with `MissingCredentials` before anything
    /// is sent: the client points at a listener that must see no connection.
    async fn missing_credentials(&mut self) {
        let listener = match TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(err) => return self.fail(format!("missing credentials: cannot bind a listener: {err}")),
        };
        let base_url = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(err) => return self.fail(format!("missing credentials: no listener address: {err}")),
        };
        let builder = || Client::builder().base_url(base_url.as_str()).max_retries(0);
        let secret_key_only = builder().secret_key("sk_test_contract").build().expect("client builds");
        let client_secret_only = builder().client_secret("cs_test_contract").build().expect("client builds");
        let neither = builder().build().expect("client builds");

        let confirm =
            ConfirmPayment::new(PaymentMethodType::Card, TokenProvider::BasisTheory).token_id("tok_1");
        let outcomes = [
            (
                "confirmPayment without a client secret",
                secret_key_only.payments().confirm(SESSION_ID, confirm).send().await.map(drop),
                vec!["clientSecret"],
            ),
            (
                "createCustomer without a secret key",
                client_secret_only
                    .customers()
                    .create(CreateCustomer::new("jane@example.com"))
                    .send()
                    .await
                    .map(drop),
                vec!["secretKey"],
            ),
            (
                "listCustomers without a secret key",
                client_secret_only.customers().list(ListCustomersParams::new()).send().await.map(drop),
                vec!["secretKey"],
            ),
            (
                "retrieveSession without any credential",
                neither.sessions().retrieve(SESSION_ID).send().await.map(drop),
                vec!["secretKey", "clientSecret"],
            ),
        ];
        for (what, result, expected) in outcomes {
            self.checks += 1;
            match result {
                Err(Error::MissingCredentials { schemes, .. }) if schemes == expected => {}
                other => {
                    self.fail(format!("{what}: expected MissingCredentials {expected:?}, got {other:?}"))
                }
            }
        }
        self.checks += 1;
        if let Ok(Ok((_, peer))) = tokio::time::timeout(Duration::from_millis(300), listener.accept()).await {
            self.fail(format!(
                "a request without its credential reached the server (connection from {peer})"
            ));
        }
    }

    /// The canary: a body with a misspelt field (`nmae`) sent through the runtime to
    /// `createCustomer` must fail the positive check, naming the violation. If this passes, the
    /// positive cases could not catch a wrong field name (for example because the request schema
    /// lost `additionalProperties: false`).
    async fn misspelt_field_is_caught(&mut self, client: &Client) {
        static SECRET_KEY: &[&[&SecurityScheme]] = &[&[&atlaspay::auth::SECRET_KEY]];
        self.checks += 1;
        let mut spec = RequestSpec::new(Method::POST, "/customers".to_owned(), SECRET_KEY);
        spec.json_body(&json!({"email": "jane@example.com", "nmae": "Jane Doe"}));
        let result = client.request(spec, decode_json::<Value>).send_with_response().await;
        match check(result) {
            Ok(()) => self.fail(
                "canary: a createCustomer body with the misspelt field `nmae` passed the contract check; \
                 Prism no longer rejects unknown request fields (is `additionalProperties: false` still on \
                 CreateCustomer?)",
            ),
            Err(message) if message.contains("sl-violations") && message.contains("nmae") => {}
            Err(message) => self
                .fail(format!("canary: the misspelt field failed, but not as a named violation: {message}")),
        }
    }
}

/// Everything wrong with the answer to a request for an error with `status`.
fn error_problems(status: u16, result: Result<(), Error>) -> Vec<String> {
    let err = match result {
        Err(err @ Error::Api(_)) => err,
        Ok(()) => return vec!["expected Error::Api, got a success".to_owned()],
        Err(other) => return vec![format!("expected Error::Api, got {other:?}")],
    };
    let Some(api) = err.api_error() else {
        return vec![format!("api_error() is None for {err:?}")];
    };
    let mut problems = Vec::new();
    if err.status().map(|s| s.as_u16()) != Some(status) {
        problems.push(format!("status {:?} (body {})", err.status(), String::from_utf8_lossy(&api.raw)));
        return problems;
    }
    if let Some(violations) = api.headers.get("sl-violations") {
        problems.push(format!(
            "Prism reported sl-violations: {}",
            String::from_utf8_lossy(violations.as_bytes())
        ));
    }
    if err.request_id().is_none() {
        problems.push("no request id (X-Request-Id)".to_owned());
    }
    if status == 429 && !api.headers.contains_key("retry-after") {
        problems.push("no Retry-After header".to_owned());
    }
    // The documented retry policy: 429, 5xx and the spec's 409 (its key is still in use by a
    // request being processed); not declines or other 4xx.
    if err.is_retryable() != matches!(status, 409 | 429 | 500) {
        problems.push(format!("is_retryable() is {}", err.is_retryable()));
    }
    let Some(body) = err.api_error().and_then(|e| e.body.as_ref()) else {
        problems.push(format!("the error body was not parsed: {}", String::from_utf8_lossy(&api.raw)));
        return problems;
    };
    if body.code.as_deref().is_none_or(str::is_empty) {
        problems.push(format!("no error code in {body:?}"));
    }
    if body.message.as_deref().is_none_or(str::is_empty) {
        problems.push(format!("no error message in {body:?}"));
    }
    if body.r#type != expected_type(status) {
        problems.push(format!("error type {:?}, expected {:?}", body.r#type, expected_type(status)));
    }
    if status == 402 && body.decline_code.as_deref().is_none_or(str::is_empty) {
        problems.push("a card error without decline_code".to_owned());
    }
    if (status == 409) != api.is_idempotency_error() {
        problems.push(format!("is_idempotency_error() is {}", api.is_idempotency_error()));
    }
    // The declared schema: the full `Error` shape when there is a type, `BillingError` otherwise,
    // with the same code and message the lenient parser found.
    match api.decode_body::<ErrorResponse>() {
        Ok(ErrorResponse::Error(full)) => {
            let details = &full.error;
            if body.r#type.as_ref().map(ErrorType::as_str) != Some(details.r#type.as_str())
                || body.code.as_deref() != Some(details.code.as_str())
                || body.message.as_deref() != Some(details.message.as_str())
                || body.decline_code != details.decline_code
            {
                problems.push(format!("the typed body {details:?} disagrees with the parsed one {body:?}"));
            }
        }
        Ok(ErrorResponse::BillingError(billing)) => {
            let details = &billing.error;
            if body.r#type.is_some()
                || body.code.as_deref() != Some(details.code.as_str())
                || body.message.as_deref() != Some(details.message.as_str())
            {
                problems.push(format!(
                    "the typed billing body {details:?} disagrees with the parsed one {body:?}"
                ));
            }
        }
        // The older functions' `{"error": "<message>"}`, which no declared error response uses.
        Ok(ErrorResponse::LegacyError(legacy)) => {
            problems.push(format!("a message-only body {legacy:?} where the spec declares a code"))
        }
        Err(err) => problems.push(format!("decode_body::<ErrorResponse>() failed: {err}")),
    }
    problems
}
