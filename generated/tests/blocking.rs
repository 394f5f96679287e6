//! Calls from synchronous code (the `blocking` feature, which the dev-dependencies turn on):
//! the generated client's own methods against a wiremock server on 127.0.0.1, run on a runtime
//! of the test's so that the test thread itself has none.
#![forbid(unsafe_code)]

use std::time::Duration;

use atlaspay::types::ListCustomersParams;
use atlaspay::{Client, Error};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server on its own multi-threaded runtime, which keeps serving between the test's calls.
fn server() -> (Runtime, MockServer) {
    let runtime = Runtime::new().expect("a runtime for the server");
    let server = runtime.block_on(MockServer::start());
    (runtime, server)
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .secret_key("sk_test_123")
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("a client")
}

fn customer(id: &str) -> Value {
    json!({ "id": id, "object": "customer", "email": format!("{id}@example.com") })
}

fn page(ids: &[&str], has_more: bool, total: usize) -> ResponseTemplate {
    let data: Vec<Value> = ids.iter().map(|id| customer(id)).collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({ "object": "list", "data": data, "has_more": has_more, "total_count": total }))
}

#[test]
fn a_call_from_synchronous_code_sends_and_decodes() {
    let (runtime, server) = server();
    runtime.block_on(
        Mock::given(method("GET"))
            .and(path("/customers/cus_1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(customer("cus_1")))
            .expect(2)
            .mount(&server),
    );
    let client = client(&server);
    let first = client.customers().retrieve("cus_1").send_blocking().unwrap();
    assert_eq!(first.id, "cus_1");
    assert_eq!(first.email.as_deref(), Some("cus_1@example.com"));
    // A second call after the first has returned: the pooled connection is still served.
    let second = client.customers().retrieve("cus_1").send_with_response_blocking().unwrap();
    assert_eq!(second.status.as_u16(), 200);
    assert_eq!(second.body.id, "cus_1");
    runtime.block_on(server.verify());
}

#[test]
fn an_api_error_comes_back_as_it_does_from_await() {
    let (runtime, server) = server();
    runtime.block_on(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_json(
                json!({ "error": { "type": "invalid_request_error", "code": "not_found", "message": "No such customer" } }),
            ))
            .mount(&server),
    );
    let err = client(&server).customers().retrieve("cus_404").send_blocking().unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.code(), Some("not_found"));
}

#[test]
fn a_list_is_walked_page_by_page_and_collected() {
    let (runtime, server) = server();
    runtime.block_on(async {
        // The first page as the caller asks for it (no offset), then by offset.
        Mock::given(method("GET"))
            .and(path("/customers"))
            .and(query_param_is_missing("offset"))
            .respond_with(page(&["cus_1", "cus_2"], true, 5))
            .mount(&server)
            .await;
        for (offset, ids, has_more) in [("2", &["cus_3", "cus_4"][..], true), ("4", &["cus_5"][..], false)] {
            Mock::given(method("GET"))
                .and(path("/customers"))
                .and(query_param("limit", "2"))
                .and(query_param("offset", offset))
                .respond_with(page(ids, has_more, 5))
                .mount(&server)
                .await;
        }
    });
    let client = client(&server);
    let list = || client.customers().list(ListCustomersParams::new().limit(2));

    let first = list().send_blocking().unwrap();
    assert_eq!(first.data.len(), 2);
    assert!(first.has_more);

    let walked: Vec<String> =
        list().into_iter_blocking().map(|c| c.map(|c| c.id)).collect::<Result<_, Error>>().unwrap();
    assert_eq!(walked, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    // Lazily: the first item comes after one page, and the iterator stops where it is dropped.
    let mut items = list().into_iter_blocking();
    assert_eq!(items.next().unwrap().unwrap().id, "cus_1");
    drop(items);

    let collected = list().collect_all_blocking().unwrap();
    assert_eq!(collected.len(), 5);
    let requests = runtime.block_on(server.received_requests()).unwrap();
    // One page, three pages, one page, three pages.
    assert_eq!(requests.len(), 8);
}

#[test]
fn a_blocking_call_works_from_spawn_blocking_and_is_refused_on_its_own_runtime_thread() {
    let (runtime, server) = server();
    runtime.block_on(
        Mock::given(method("GET"))
            .and(path("/customers/cus_1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(customer("cus_1")))
            .mount(&server),
    );
    let client = client(&server);
    // The usual way to call synchronous code from async code.
    let from_async = client.clone();
    let id = runtime
        .block_on(runtime.spawn_blocking(move || from_async.customers().retrieve("cus_1").send_blocking()))
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(id, "cus_1");

    // A request hook runs on the blocking runtime's thread: a blocking call there would wait for
    // itself, so it is refused, and the hook's error says why.
    let inner = client.clone();
    let hooked = Client::builder()
        .secret_key("sk_test_123")
        .base_url(server.uri())
        .max_retries(0)
        .on_request(move |_| {
            inner.customers().retrieve("cus_1").send_blocking()?;
            Ok(())
        })
        .build()
        .unwrap();
    let sent_before = runtime.block_on(server.received_requests()).unwrap().len();
    let err = hooked.customers().retrieve("cus_1").send_blocking().unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(
        err.to_string().contains(
            "a request hook refused it: invalid request: `send_blocking` was called on the thread that runs blocking calls"
        ),
        "{err}"
    );
    assert_eq!(runtime.block_on(server.received_requests()).unwrap().len(), sent_before);
}

#[test]
fn a_panic_in_a_blocking_call_is_raised_on_the_calling_thread() {
    let (_runtime, server) = server();
    let panicking = Client::builder()
        .secret_key("sk_test_123")
        .base_url(server.uri())
        .on_request(|_| panic!("the hook panicked"))
        .build()
        .unwrap();
    let call = std::panic::AssertUnwindSafe(move || panicking.customers().retrieve("cus_1").send_blocking());
    let caught = std::panic::catch_unwind(call);
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"the hook panicked"));
}
