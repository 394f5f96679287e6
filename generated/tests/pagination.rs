//! Offset and cursor pagination: first page, lazy streams, stopping rules.

mod common;

use std::time::Duration;

use atlaspay::runtime::{Client, Error, Page, Pagination, RequestSpec};
use common::*;
use futures_util::StreamExt;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Deserialize, Debug)]
struct CustomerList {
    data: Vec<Customer>,
    has_more: bool,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Customer {
    id: String,
}

impl Page for CustomerList {
    type Item = Customer;
    fn into_items(self) -> Vec<Customer> {
        self.data
    }
    fn has_more(&self) -> bool {
        self.has_more
    }
}

const OFFSET: Pagination = Pagination::Offset { limit: "limit", offset: "offset" };

fn page(ids: &[&str], has_more: bool) -> ResponseTemplate {
    let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({"object": "list", "data": data, "has_more": has_more, "total_count": 5}))
}

fn list(
    client: &Client,
    limit: Option<u64>,
    offset: Option<u64>,
) -> atlaspay::runtime::ListRequest<CustomerList> {
    let mut spec: RequestSpec = spec(Method::GET, "/customers");
    spec.query("limit", &limit);
    spec.query("offset", &offset);
    client.list::<CustomerList>(spec, OFFSET)
}

/// The query string of every request the server received, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect()
}

fn ids(items: &[Customer]) -> Vec<&str> {
    items.iter().map(|c| c.id.as_str()).collect()
}

async fn mount_page(server: &MockServer, offset: Option<&str>, response: ResponseTemplate, expect: u64) {
    let mock = Mock::given(method("GET")).and(path("/v1/customers")).and(query_param("limit", "2"));
    let mock = match offset {
        Some(offset) => mock.and(query_param("offset", offset)),
        None => mock.and(query_param_is_missing("offset")),
    };
    mock.respond_with(response).expect(expect).mount(server).await;
}

#[tokio::test]
async fn three_pages_with_exact_limit_and_offset() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(&["c1", "c2"], true), 1).await;
    mount_page(&server, Some("2"), page(&["c3", "c4"], true), 1).await;
    mount_page(&server, Some("4"), page(&["c5"], false), 1).await;
    let items: Vec<Customer> =
        list(&client(&server), Some(2), None).into_stream().map(Result::unwrap).collect().await;
    assert_eq!(ids(&items), ["c1", "c2", "c3", "c4", "c5"]);
    let queries = queries(&server).await;
    assert_eq!(queries, ["limit=2", "limit=2&offset=2", "limit=2&offset=4"]);
}

#[tokio::test]
async fn collect_all_starts_at_the_callers_offset() {
    let server = MockServer::start().await;
    mount_page(&server, Some("10"), page(&["c11", "c12"], true), 1).await;
    mount_page(&server, Some("12"), page(&["c13"], false), 1).await;
    let items = list(&client(&server), Some(2), Some(10)).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["c11", "c12", "c13"]);
}

#[tokio::test]
async fn empty_list_yields_nothing() {
    let server = MockServer::start().await;
    // Even a (buggy) has_more=true on an empty page ends the stream.
    mount_page(&server, None, page(&[], true), 1).await;
    let mut stream = list(&client(&server), Some(2), None).into_stream();
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn pages_are_fetched_lazily_and_a_dropped_stream_fetches_no_more() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(&["c1", "c2"], true), 1).await;
    mount_page(&server, Some("2"), page(&["c3"], false), 0).await;
    let mut stream = list(&client(&server), Some(2), None).into_stream();
    assert_eq!(stream.next().await.unwrap().unwrap().id, "c1");
    drop(stream);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn errors_end_the_stream() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(&["c1", "c2"], true), 1).await;
    mount_page(
        &server,
        Some("2"),
        ResponseTemplate::new(400)
            .set_body_json(json!({"error": {"code": "invalid_offset", "message": "bad offset"}})),
        1,
    )
    .await;
    let results: Vec<Result<Customer, Error>> =
        list(&client(&server), Some(2), None).into_stream().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.api_error().unwrap().code(), Some("invalid_offset"));
}

#[tokio::test]
async fn first_page_and_page_metadata() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(&["c1", "c2"], true).insert_header("X-Request-Id", "req_page"), 2).await;
    let client = client(&server);
    let first = list(&client, Some(2), None).await.unwrap();
    assert_eq!(ids(&first.data), ["c1", "c2"]);
    assert!(first.has_more);
    let response = list(&client, Some(2), None)
        .timeout(Duration::from_secs(2))
        .max_retries(0)
        .header("X-Debug", "1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.request_id.as_deref(), Some("req_page"));
    assert_eq!(response.body.data.len(), 2);
}

#[tokio::test]
async fn max_pages_and_page_size() {
    let server = MockServer::start().await;
    mount_page(&server, None, page(&["c1", "c2"], true), 1).await;
    mount_page(&server, Some("2"), page(&["c3", "c4"], true), 0).await;
    let items = list(&client(&server), None, None).page_size(2).max_pages(1).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["c1", "c2"]);
}

#[tokio::test]
async fn invalid_caller_offset_is_an_error_not_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(page(&[], false)).expect(0).mount(&server).await;
    let mut spec = spec(Method::GET, "/customers");
    spec.query("offset", &"ten");
    let results: Vec<_> = client(&server).list::<CustomerList>(spec, OFFSET).into_stream().collect().await;
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::InvalidRequest { .. })));
}

/// A token-paged list, as Google's APIs page (`pageToken` → `nextPageToken`).
#[derive(Deserialize, Debug)]
struct TokenList {
    #[serde(default)]
    items: Vec<Customer>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
}

impl Page for TokenList {
    type Item = Customer;
    fn into_items(self) -> Vec<Customer> {
        self.items
    }
    fn has_more(&self) -> bool {
        self.next_cursor().is_some()
    }
    fn next_cursor(&self) -> Option<String> {
        self.next_page_token.clone()
    }
}

const TOKEN: Pagination = Pagination::Cursor { limit: Some("pageSize"), cursor: "pageToken" };

fn token_page(ids: &[&str], next: Option<&str>) -> ResponseTemplate {
    let items: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    ResponseTemplate::new(200).set_body_json(json!({"items": items, "nextPageToken": next}))
}

async fn mount_token_page(server: &MockServer, token: Option<&str>, response: ResponseTemplate, expect: u64) {
    let mock = Mock::given(method("GET")).and(path("/v1/things"));
    let mock = match token {
        Some(token) => mock.and(query_param("pageToken", token)),
        None => mock.and(query_param_is_missing("pageToken")),
    };
    mock.respond_with(response).expect(expect).mount(server).await;
}

fn token_list(client: &Client, token: Option<&str>) -> atlaspay::runtime::ListRequest<TokenList> {
    let mut spec = spec(Method::GET, "/things");
    spec.query("pageToken", &token);
    client.list::<TokenList>(spec, TOKEN)
}

#[tokio::test]
async fn token_pages_are_followed_through_an_empty_page() {
    let server = MockServer::start().await;
    mount_token_page(&server, None, token_page(&["a", "b"], Some("t1")), 1).await;
    // Token APIs may answer an empty page that still names a next one.
    mount_token_page(&server, Some("t1"), token_page(&[], Some("t2")), 1).await;
    mount_token_page(&server, Some("t2"), token_page(&["c"], None), 1).await;
    let items = token_list(&client(&server), None).page_size(2).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    let queries = queries(&server).await;
    assert_eq!(queries, ["pageSize=2", "pageSize=2&pageToken=t1", "pageSize=2&pageToken=t2"]);
}

#[tokio::test]
async fn a_cursor_sent_before_or_an_empty_token_ends_the_walk() {
    let server = MockServer::start().await;
    // The caller's own cursor comes back as the next one: asking again would loop forever.
    mount_token_page(&server, Some("t0"), token_page(&["a"], Some("t0")), 1).await;
    let items = token_list(&client(&server), Some("t0")).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a"]);

    let server = MockServer::start().await;
    mount_token_page(&server, None, token_page(&["a"], Some("t1")), 1).await;
    mount_token_page(&server, Some("t1"), token_page(&["b"], Some("t1")), 1).await;
    mount_token_page(&server, Some(""), token_page(&[], None), 0).await;
    let items = token_list(&client(&server), None).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);

    // A cycle of two: the second page points back at the first cursor.
    let server = MockServer::start().await;
    mount_token_page(&server, None, token_page(&["a"], Some("t1")), 1).await;
    mount_token_page(&server, Some("t1"), token_page(&["b"], Some("t2")), 1).await;
    mount_token_page(&server, Some("t2"), token_page(&["c"], Some("t1")), 1).await;
    let items = token_list(&client(&server), None).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);

    // The caller's cursor is compared as given, though the request holds it percent-encoded.
    let server = MockServer::start().await;
    mount_token_page(&server, Some("a b=="), token_page(&["a"], Some("a b==")), 1).await;
    let items = token_list(&client(&server), Some("a b==")).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a"]);

    let server = MockServer::start().await;
    mount_token_page(&server, None, token_page(&["a"], Some("")), 1).await;
    mount_token_page(&server, Some(""), token_page(&["b"], None), 0).await;
    let items = token_list(&client(&server), None).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a"]);
}

#[tokio::test]
async fn cursor_walks_stop_at_max_pages() {
    let server = MockServer::start().await;
    mount_token_page(&server, None, token_page(&["a"], Some("t1")), 1).await;
    mount_token_page(&server, Some("t1"), token_page(&["b"], Some("t2")), 1).await;
    mount_token_page(&server, Some("t2"), token_page(&["c"], None), 0).await;
    let items = token_list(&client(&server), None).max_pages(2).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
}

/// Stripe's lists: `starting_after` the last item's id while `has_more`.
impl Page for CustomerListAfter {
    type Item = Customer;
    fn into_items(self) -> Vec<Customer> {
        self.0.data
    }
    fn has_more(&self) -> bool {
        self.0.has_more
    }
    fn next_cursor(&self) -> Option<String> {
        if self.0.has_more { self.0.data.last().map(|c| c.id.clone()) } else { None }
    }
}

#[derive(Deserialize, Debug)]
#[serde(transparent)]
struct CustomerListAfter(CustomerList);

#[tokio::test]
async fn stripe_lists_continue_after_the_last_id() {
    let server = MockServer::start().await;
    let mount = |after: Option<&'static str>, response: ResponseTemplate| {
        let mock = Mock::given(method("GET")).and(path("/v1/customers"));
        let mock = match after {
            Some(after) => mock.and(query_param("starting_after", after)),
            None => mock.and(query_param_is_missing("starting_after")),
        };
        mock.respond_with(response).expect(1).mount_as_scoped(&server)
    };
    let _first = mount(None, page(&["c1", "c2"], true)).await;
    let _second = mount(Some("c2"), page(&["c3"], true)).await;
    let _last = mount(Some("c3"), page(&[], true)).await;
    let spec = spec(Method::GET, "/customers");
    let cursor = Pagination::Cursor { limit: Some("limit"), cursor: "starting_after" };
    let items = client(&server).list::<CustomerListAfter>(spec, cursor).collect_all().await.unwrap();
    assert_eq!(items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c1", "c2", "c3"]);
}

#[tokio::test]
async fn page_size_without_a_size_parameter_is_an_error_not_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(token_page(&[], None)).expect(0).mount(&server).await;
    let spec = spec(Method::GET, "/things");
    let pagination = Pagination::Cursor { limit: None, cursor: "pageToken" };
    let err = client(&server).list::<TokenList>(spec, pagination).page_size(10).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(err.to_string().contains("no page-size parameter"), "{err}");
}

/// A page-numbered list of bare arrays, as GitHub's (`page`, counted from 1).
const PAGES: Pagination = Pagination::PageNumber { limit: Some("per_page"), page: "page", first: 1 };

fn numbered_list(client: &Client, page: Option<u64>) -> atlaspay::runtime::ListRequest<Vec<Customer>> {
    let mut spec = spec(Method::GET, "/repos");
    spec.query("page", &page);
    client.list::<Vec<Customer>>(spec, PAGES)
}

async fn mount_numbered(server: &MockServer, page: Option<&str>, ids: &[&str], expect: u64) {
    let mock = Mock::given(method("GET")).and(path("/v1/repos"));
    let mock = match page {
        Some(page) => mock.and(query_param("page", page)),
        None => mock.and(query_param_is_missing("page")),
    };
    let body: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(expect).mount(server).await;
}

#[tokio::test]
async fn page_numbers_count_up_from_the_first_page_until_an_empty_one() {
    let server = MockServer::start().await;
    mount_numbered(&server, None, &["a", "b"], 1).await;
    mount_numbered(&server, Some("2"), &["c"], 1).await;
    mount_numbered(&server, Some("3"), &[], 1).await;
    let items = numbered_list(&client(&server), None).page_size(2).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    let queries = queries(&server).await;
    assert_eq!(queries, ["per_page=2", "per_page=2&page=2", "per_page=2&page=3"]);

    // From the caller's page on.
    let server = MockServer::start().await;
    mount_numbered(&server, Some("5"), &["e"], 1).await;
    mount_numbered(&server, Some("6"), &[], 1).await;
    let items = numbered_list(&client(&server), Some(5)).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["e"]);
}

#[tokio::test]
async fn a_page_answered_twice_ends_the_walk_without_repeating_its_items() {
    // A server that answers its last page for every page number after it.
    let server = MockServer::start().await;
    mount_numbered(&server, None, &["a", "b"], 1).await;
    mount_numbered(&server, Some("2"), &["c"], 1).await;
    mount_numbered(&server, Some("3"), &["c"], 1).await;
    mount_numbered(&server, Some("4"), &["c"], 0).await;
    let items = numbered_list(&client(&server), None).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
}

/// The generated list envelope says how many items all pages hold (`Page::total`), but the
/// server's `has_more` alone decides whether a walk goes on.
#[tokio::test]
async fn a_generated_list_reports_its_total_and_walks_by_has_more() {
    use atlaspay::types::{CustomerList, ListCustomersParams};
    let server = MockServer::start().await;
    let body = |ids: &[&str], has_more: bool| {
        let data: Vec<_> =
            ids.iter().map(|id| json!({"id": id, "object": "customer", "created": 1705314600})).collect();
        // A total the pages outgrow: items were added during the walk.
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "url": "/customers", "data": data, "has_more": has_more, "total_count": 2
        }))
    };
    mount_page(&server, None, body(&["c1", "c2"], true), 2).await;
    mount_page(&server, Some("2"), body(&["c3"], false), 1).await;
    let atlas = atlaspay::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .secret_key(SECRET_KEY)
        .build()
        .unwrap();
    let first: CustomerList = atlas.customers().list(ListCustomersParams::new().limit(2)).await.unwrap();
    assert_eq!(first.total(), Some(2));
    let all = atlas.customers().list(ListCustomersParams::new()).page_size(2).collect_all().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
}
