//! Requests of the crate generated from `tests/specs/operations.yaml`, as a loopback server
//! receives them: what an operation sends without the caller giving it (the query pairs of its
//! path template, required parameters that allow one value) next to what the caller gives.
//! `compile.rs` copies this file into that crate's `tests/` and runs it.

use snapshot_operations::Client;
use snapshot_operations::types::{SearchFullParams, StartExportMode, StartExportParams, StartExportRegion};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).bearer("token").max_retries(0).build().unwrap()
}

/// The query pairs of the one request the server received, in order.
async fn only_query(server: &MockServer) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests[0].url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn one_value_parameters_are_sent_in_the_path_header_and_query_without_an_argument() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/exports/json%20lines"))
        .and(header("X-Amz-Target", "Exports.Start"))
        .and(header("X-Attempts", "3"))
        .and(header("X-Partner-Token", "t0k"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    // `region` allows one value too, but Azure's `modelAsString` says more may come: it stays
    // the caller's, who can send one this client does not know.
    let params =
        StartExportParams::new(StartExportRegion::Unknown("us".into()), 7, "t0k").mode(StartExportMode::Fast);
    client.items().start_export(params).await.unwrap();
    let expected = [
        ("Version", "2016-11-15"),
        ("dry_run", "false"),
        ("mode", "fast"),
        ("region", "us"),
        ("since", "7"),
        ("api-version", "2024-05-01"),
    ];
    assert_eq!(only_query(&server).await, pairs(&expected));
}

#[tokio::test]
async fn a_required_parameter_with_a_default_sends_the_callers_value_when_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/exports/json%20lines"))
        .and(header("X-Attempts", "5"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let params =
        StartExportParams::new(StartExportRegion::Eu, 7, "t0k").api_version("2025-01-01").x_attempts(5);
    client.items().start_export(params).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get_all("X-Attempts").iter().count(), 1);
    let expected = [
        ("Version", "2016-11-15"),
        ("dry_run", "false"),
        ("region", "eu"),
        ("since", "7"),
        ("api-version", "2025-01-01"),
    ];
    assert_eq!(only_query(&server).await, pairs(&expected));
}

#[tokio::test]
async fn the_query_pairs_of_a_path_template_are_sent_with_the_declared_ones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    client.items().search_full(SearchFullParams::new().lang("en")).await.unwrap();
    assert_eq!(only_query(&server).await, pairs(&[("lang", "en"), ("mode", "full")]));
}

#[tokio::test]
async fn a_declared_parameter_replaces_the_path_templates_pair_when_set() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    client.items().search_full(SearchFullParams::new().mode("brief")).await.unwrap();
    assert_eq!(only_query(&server).await, pairs(&[("mode", "brief")]));
}

#[tokio::test]
async fn a_required_api_version_without_a_value_of_its_own_sends_the_descriptions_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/withBearer"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).await.with_bearer_operation(None).await.unwrap();
    assert_eq!(only_query(&server).await, pairs(&[("api-version", "2.0.0")]));
}
