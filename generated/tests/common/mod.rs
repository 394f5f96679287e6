//! Shared fixtures for the runtime's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use atlaspay::runtime::{
    ApiKeyLocation, Client, ClientBuilder, ClientDefaults, RequestSpec, SchemeKind, SecurityScheme,
};
use reqwest::Method;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::MockServer;

/// A recognisable fake key: it must never show up in Debug/Display output.
pub const SECRET_KEY: &str = "sk_test_SECRET123";
pub const CLIENT_SECRET: &str = "cs_test_SECRET456";

pub static DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "https://api.example.test/v1",
    user_agent: "atlaspay-tests/0.0.0",
    idempotency_header: Some("Idempotency-Key"),
    api_key_env: Some("ATLASPAY_TEST_KEY_THAT_IS_NEVER_SET"),
};

pub static NO_IDEMPOTENCY: ClientDefaults = ClientDefaults {
    base_url: "https://api.example.test/v1",
    user_agent: "atlaspay-tests/0.0.0",
    idempotency_header: None,
    api_key_env: None,
};

pub static BEARER: SecurityScheme =
    SecurityScheme { name: "bearerAuth", setter: "bearer_auth", kind: SchemeKind::Bearer };
pub static CLIENT_SECRET_AUTH: SecurityScheme =
    SecurityScheme { name: "clientSecret", setter: "client_secret", kind: SchemeKind::Bearer };
pub static BASIC: SecurityScheme =
    SecurityScheme { name: "basicAuth", setter: "basic_auth", kind: SchemeKind::Basic };
pub static HEADER_KEY: SecurityScheme = SecurityScheme {
    name: "headerKey",
    setter: "header_key",
    kind: SchemeKind::ApiKey { location: ApiKeyLocation::Header, name: "X-Api-Key" },
};
pub static QUERY_KEY: SecurityScheme = SecurityScheme {
    name: "queryKey",
    setter: "query_key",
    kind: SchemeKind::ApiKey { location: ApiKeyLocation::Query, name: "api_key" },
};
pub static COOKIE_KEY: SecurityScheme = SecurityScheme {
    name: "cookieKey",
    setter: "cookie_key",
    kind: SchemeKind::ApiKey { location: ApiKeyLocation::Cookie, name: "session" },
};

pub static SECURED: &[&[&SecurityScheme]] = &[&[&BEARER]];
pub static PUBLIC: &[&[&SecurityScheme]] = &[];

/// A builder aimed at `base` with the fake key and test-sized delays.
pub fn builder(defaults: &'static ClientDefaults, base: &str) -> ClientBuilder {
    ClientBuilder::new(defaults)
        .base_url(format!("{base}/v1/"))
        .credential(&BEARER, SECRET_KEY)
        .timeout(Duration::from_secs(5))
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
}

pub fn client(server: &MockServer) -> Client {
    builder(&DEFAULTS, &server.uri()).build().unwrap()
}

pub fn spec(method: Method, path: &str) -> RequestSpec {
    RequestSpec::new(method, path.to_owned(), SECURED)
}

/// A request of an operation whose server honours the idempotency header (the spec declares it).
pub fn keyed_spec(method: Method, path: &str) -> RequestSpec {
    let mut spec = spec(method, path);
    spec.accepts_idempotency_key();
    spec
}

/// Reads one HTTP/1.1 request (head and Content-Length body) from a socket.
pub async fn read_request(socket: &mut (impl AsyncRead + Unpin)) -> String {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            let n = socket.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            buffer.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buffer).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if buffer.len() >= end + 4 + length {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), read).await;
    String::from_utf8_lossy(&buffer).to_string()
}

/// The value of header `name` in a raw request head.
pub fn raw_header(request: &str, name: &str) -> Option<String> {
    request.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
    })
}

/// What the raw test server does with one accepted connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conn {
    /// Close at once, without reading anything.
    Close,
    /// Read the whole request, then hang up without answering.
    HangUp,
    /// Read the request and answer 200 `{"ok":true}`.
    Respond,
}

/// A raw TCP server on 127.0.0.1 that treats each accepted connection per
/// `plan`, then stops; it also stops when no connection arrives within `idle`.
/// Returns its base URL and the requests it read.
pub async fn flaky_server(plan: Vec<Conn>, idle: Duration) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut seen = Vec::new();
        for conn in plan {
            let accepted = tokio::time::timeout(idle, listener.accept()).await;
            let Ok(Ok((mut socket, _))) = accepted else {
                break;
            };
            if conn == Conn::Close {
                seen.push(String::new());
                drop(socket);
                continue;
            }
            let request = read_request(&mut socket).await;
            seen.push(request);
            if conn == Conn::Respond {
                respond_ok(&mut socket).await;
            }
        }
        seen
    });
    (base, handle)
}

/// Answers 200 `{"ok":true}` and closes the connection (errors ignored: the client may be gone).
pub async fn respond_ok(stream: &mut (impl AsyncWrite + Unpin)) {
    let body = br#"{"ok":true}"#;
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
}

/// A loopback port with nothing listening (connections are refused).
pub async fn refused_base() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

pub fn assert_no_secret(text: &str) {
    for needle in ["SECRET123", "SECRET456", "hunter2"] {
        assert!(!text.contains(needle), "key material leaked: {text}");
    }
}

/// The generated client, with a secret key, against a mock server (retries off).
pub fn atlas_client(server: &MockServer) -> atlaspay::Client {
    atlaspay::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .secret_key(SECRET_KEY)
        .max_retries(0)
        .build()
        .expect("the client builds")
}
