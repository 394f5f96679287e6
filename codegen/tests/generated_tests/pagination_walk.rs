//! Walks of the crate generated from `tests/specs/pagination.yaml` against a loopback server:
//! the generated `Page` impls (which field holds the items, the next token, the last item's
//! id) and the `Pagination` each list method passes, end to end. `compile.rs` copies this file
//! into that crate's `tests/` and runs it. Every walk is bounded by `max_pages`, so that a walk
//! that fails to end fails its test instead of hanging it.

use futures_util::StreamExt;
use serde_json::{Value, json};
use snapshot_pagination::Client;
use snapshot_pagination::types::{
    ListAccountsParams, ListCatalogsParams, ListConversationsParams, ListCustomersParams, ListEventsParams,
    ListFeedParams, ListFilesParams, ListJobsParams, ListListingsParams, ListLogsParams, ListNotesParams,
    ListOffsetsParams, ListOrdersParams, ListPeopleParams, ListReleasesParams, ListReposParams,
    ListRunsParams, ListTicketsParams, ListUsersParams, SearchIssuesParams, SubscriptionsListParams,
};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Match, Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).max_retries(0).build().unwrap()
}

fn things(ids: &[&str]) -> Value {
    ids.iter().map(|id| json!({"id": id})).collect()
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Answers the one `GET {at}` whose query `query` matches with `page`.
async fn page_at(server: &MockServer, at: &str, query: impl Match + 'static, page: ResponseTemplate) {
    Mock::given(method("GET")).and(path(at)).and(query).respond_with(page).expect(1).mount(server).await;
}

/// The query string of every request the server received, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect()
}

fn ids(items: &[snapshot_pagination::types::Thing]) -> Vec<&str> {
    items.iter().map(|thing| thing.id.as_str()).collect()
}

#[tokio::test]
async fn a_token_walk_follows_next_page_token_from_the_items_field_until_it_is_absent() {
    let server = MockServer::start().await;
    page_at(
        &server,
        "/files",
        query_param_is_missing("pageToken"),
        ok(json!({"kind": "list", "files": things(&["a", "b"]), "nextPageToken": "t/1"})),
    )
    .await;
    page_at(
        &server,
        "/files",
        query_param("pageToken", "t/1"),
        ok(json!({"files": things(&["c"]), "nextPageToken": "t2"})),
    )
    .await;
    page_at(&server, "/files", query_param("pageToken", "t2"), ok(json!({"files": things(&["d"])}))).await;

    let client = client(&server);
    let items =
        client.files().list(ListFilesParams::new()).page_size(2).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d"]);
    // The page size goes on every request; the token is sent as the page gave it, encoded.
    assert_eq!(
        queries(&server).await,
        ["maxResults=2", "maxResults=2&pageToken=t%2F1", "maxResults=2&pageToken=t2"]
    );
}

#[tokio::test]
async fn a_required_token_that_is_empty_ends_the_walk_and_page_size_is_refused_without_a_size_parameter() {
    let server = MockServer::start().await;
    page_at(
        &server,
        "/jobs",
        query_param_is_missing("nextToken"),
        ok(json!({"jobs": things(&["a"]), "nextToken": "n1"})),
    )
    .await;
    page_at(
        &server,
        "/jobs",
        query_param("nextToken", "n1"),
        ok(json!({"jobs": things(&["b"]), "nextToken": ""})),
    )
    .await;

    let client = client(&server);
    let items = client.jobs().list(ListJobsParams::new()).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);

    // `/jobs` declares no page-size parameter: asking for one fails before anything is sent.
    let err = client
        .jobs()
        .list(ListJobsParams::new())
        .page_size(10)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no page-size parameter"), "{err}");
    assert_eq!(queries(&server).await.len(), 2);
}

#[tokio::test]
async fn a_starting_after_walk_sends_the_last_items_id_while_has_more_is_true() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], has_more: bool| {
        ok(json!({"object": "list", "url": "/v1/customers", "data": things(ids), "has_more": has_more}))
    };
    page_at(
        &server,
        "/v1/customers",
        query_param_is_missing("starting_after"),
        page(&["cus_1", "cus_2"], true),
    )
    .await;
    page_at(&server, "/v1/customers", query_param("starting_after", "cus_2"), page(&["cus_3"], false)).await;

    let client = client(&server);
    let items = client
        .customers()
        .list(ListCustomersParams::new().limit(2))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["cus_1", "cus_2", "cus_3"]);
    assert_eq!(queries(&server).await, ["limit=2", "limit=2&starting_after=cus_2"]);
}

#[tokio::test]
async fn an_offset_walk_advances_by_the_items_received() {
    let server = MockServer::start().await;
    page_at(
        &server,
        "/offsets",
        query_param_is_missing("offset"),
        ok(json!({"data": things(&["a", "b"]), "has_more": true})),
    )
    .await;
    page_at(
        &server,
        "/offsets",
        query_param("offset", "2"),
        ok(json!({"data": things(&["c"]), "has_more": false})),
    )
    .await;

    let client = client(&server);
    let items = client
        .offsets()
        .list(ListOffsetsParams::new())
        .page_size(2)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["limit=2", "limit=2&offset=2"]);
}

#[tokio::test]
async fn a_bare_array_walk_counts_pages_from_the_declared_default_until_an_empty_page() {
    let server = MockServer::start().await;
    page_at(&server, "/repos", query_param_is_missing("page"), ok(things(&["a", "b"]))).await;
    page_at(&server, "/repos", query_param("page", "2"), ok(things(&["c"]))).await;
    page_at(&server, "/repos", query_param("page", "3"), ok(json!([]))).await;

    let client = client(&server);
    let mut stream = client.repos().list(ListReposParams::new().per_page(2)).max_pages(10).into_stream();
    let mut seen = Vec::new();
    while let Some(item) = stream.next().await {
        seen.push(item.unwrap().id);
    }
    assert_eq!(seen, ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["per_page=2", "per_page=2&page=2", "per_page=2&page=3"]);
}

#[tokio::test]
async fn a_first_page_declared_on_the_schema_a_parameter_refers_to_is_where_the_walk_counts_from() {
    let server = MockServer::start().await;
    page_at(&server, "/releases", query_param_is_missing("page"), ok(things(&["a"]))).await;
    page_at(&server, "/releases", query_param("page", "2"), ok(things(&["b"]))).await;
    page_at(&server, "/releases", query_param("page", "3"), ok(json!([]))).await;

    let client = client(&server);
    let items = client.releases().list(ListReleasesParams::new().per_page(1)).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
    assert_eq!(queries(&server).await, ["per_page=1", "per_page=1&page=2", "per_page=1&page=3"]);
}

#[tokio::test]
async fn a_page_number_walk_from_zero_starts_at_the_callers_page_and_ends_at_an_empty_envelope() {
    let server = MockServer::start().await;
    page_at(
        &server,
        "/events",
        query_param("pageNumber", "1"),
        ok(json!({"results": things(&["b"]), "total": 3})),
    )
    .await;
    page_at(
        &server,
        "/events",
        query_param("pageNumber", "2"),
        ok(json!({"results": things(&["c"]), "total": 3})),
    )
    .await;
    page_at(&server, "/events", query_param("pageNumber", "3"), ok(json!({"total": 3}))).await;

    let client = client(&server);
    let items = client
        .events()
        .list(ListEventsParams::new().page_number(1))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["b", "c"]);
    assert_eq!(queries(&server).await, ["pageNumber=1", "pageNumber=2", "pageNumber=3"]);
}

#[tokio::test]
async fn a_token_nested_in_response_metadata_is_followed_until_it_is_empty() {
    let server = MockServer::start().await;
    page_at(
        &server,
        "/conversations",
        query_param_is_missing("cursor"),
        ok(json!({"ok": true, "channels": things(&["a"]), "response_metadata": {"next_cursor": "dXNlcjo="}})),
    )
    .await;
    page_at(
        &server,
        "/conversations",
        query_param("cursor", "dXNlcjo="),
        ok(json!({"ok": true, "channels": things(&["b"]), "response_metadata": {"next_cursor": ""}})),
    )
    .await;

    let client = client(&server);
    let items = client
        .conversations()
        .list(ListConversationsParams::new())
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
}

#[tokio::test]
async fn an_absolute_next_link_is_requested_as_given_with_the_query_it_carries() {
    let server = MockServer::start().await;
    let next = format!("{}/subscriptions?api-version=2020-01-01&%24skiptoken=s%2F1", server.uri());
    page_at(
        &server,
        "/subscriptions",
        query_param_is_missing("$skiptoken"),
        ok(json!({"value": things(&["a", "b"]), "nextLink": next})),
    )
    .await;
    page_at(
        &server,
        "/subscriptions",
        query_param("$skiptoken", "s/1"),
        ok(json!({"value": things(&["c"])})),
    )
    .await;

    let client = client(&server);
    let items = client
        .subscriptions()
        .list(SubscriptionsListParams::new("2020-01-01"))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(
        queries(&server).await,
        ["api-version=2020-01-01", "api-version=2020-01-01&%24skiptoken=s%2F1"]
    );
}

#[tokio::test]
async fn a_page_size_named_in_another_case_works_and_a_next_url_on_the_documented_server_is_followed_at_the_base_url()
 {
    let server = MockServer::start().await;
    // Twilio writes its own host into the link: the documented server, here the mock's stand-in.
    let next = "https://api.example.com/v1/Services?PageSize=2&Page=1&PageToken=PA2";
    let first = json!({"services": things(&["a", "b"]), "meta": {"page_size": 2, "next_page_url": next}});
    page_at(&server, "/Services", query_param_is_missing("PageToken"), ok(first)).await;
    let last = json!({"services": things(&["c"]), "meta": {"page_size": 2, "next_page_url": null}});
    page_at(&server, "/Services", query_param("PageToken", "PA2"), ok(last)).await;

    let client = client(&server);
    let items = client.services().list(None).page_size(2).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["PageSize=2", "PageSize=2&Page=1&PageToken=PA2"]);
}

#[tokio::test]
async fn a_page_that_is_the_only_field_of_its_envelope_is_walked_by_its_next_link() {
    let server = MockServer::start().await;
    let next = format!("{}/browse/new-releases?offset=2&limit=2", server.uri());
    let first = json!({"albums": {"items": things(&["a", "b"]), "next": next, "total": 3}});
    page_at(&server, "/browse/new-releases", query_param_is_missing("offset"), ok(first)).await;
    let last = json!({"albums": {"items": things(&["c"]), "next": null, "total": 3}});
    page_at(&server, "/browse/new-releases", query_param("offset", "2"), ok(last)).await;

    let client = client(&server);
    let items =
        client.albums().get_new_releases(None).page_size(2).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["limit=2", "offset=2&limit=2"]);
}

#[tokio::test]
async fn a_query_api_key_the_next_link_repeats_is_sent_once() {
    let server = MockServer::start().await;
    let next = format!("{}/subscriptions?code=key%2F1&api-version=1&%24skiptoken=2", server.uri());
    page_at(
        &server,
        "/subscriptions",
        query_param_is_missing("$skiptoken"),
        ok(json!({"value": things(&["a"]), "nextLink": next})),
    )
    .await;
    page_at(&server, "/subscriptions", query_param("$skiptoken", "2"), ok(json!({"value": things(&["b"])})))
        .await;

    let client =
        Client::builder().base_url(server.uri()).function_key("key/1").max_retries(0).build().unwrap();
    let items = client
        .subscriptions()
        .list(SubscriptionsListParams::new("1"))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
    assert_eq!(
        queries(&server).await,
        ["api-version=1&code=key%2F1", "api-version=1&%24skiptoken=2&code=key%2F1"]
    );
}

#[tokio::test]
async fn a_next_link_to_another_host_port_scheme_or_user_is_refused_after_the_items_before_it() {
    let server = MockServer::start().await;
    let port = server.address().port();
    let foreign = [
        format!("http://localhost:{port}/subscriptions?page=2"),
        format!("http://127.0.0.1:{}/subscriptions?page=2", port.wrapping_add(1)),
        "https://attacker.example/subscriptions?page=2".to_owned(),
        format!("http://user@127.0.0.1:{port}/subscriptions?page=2"),
    ];
    let client = client(&server);
    for link in foreign {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path("/subscriptions"))
            .respond_with(ok(json!({"value": things(&["a"]), "nextLink": link})))
            .mount(&server)
            .await;
        let mut stream =
            client.subscriptions().list(SubscriptionsListParams::new("1")).max_pages(10).into_stream();
        assert_eq!(stream.next().await.unwrap().unwrap().id, "a");
        let err = stream.next().await.unwrap().unwrap_err();
        let message = err.to_string();
        assert!(message.contains(&link) && message.contains("outside the API"), "{message}");
        assert!(stream.next().await.is_none());
        assert_eq!(queries(&server).await, ["api-version=1"], "{link}");
    }
}

#[tokio::test]
async fn a_next_link_outside_the_base_path_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/subscriptions"))
        .respond_with(ok(json!({"value": things(&["a"]), "nextLink": "/v1/subscriptions?page=2"})))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder().base_url(format!("{}/v2", server.uri())).max_retries(0).build().unwrap();
    let err = client
        .subscriptions()
        .list(SubscriptionsListParams::new("1"))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("outside the API"), "{err}");
}

#[tokio::test]
async fn a_next_link_that_is_no_url_is_refused_where_there_is_no_cursor_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/subscriptions"))
        .respond_with(ok(json!({"value": things(&["a"]), "nextLink": "2"})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let err = client
        .subscriptions()
        .list(SubscriptionsListParams::new("1"))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("link `2` is not a URL"), "{err}");
}

#[tokio::test]
async fn a_django_style_next_url_is_followed_until_it_is_null() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Value| {
        ok(json!({"count": 3, "next": next, "previous": null, "results": things(ids)}))
    };
    page_at(
        &server,
        "/accounts",
        query_param_is_missing("page"),
        page(&["a", "b"], json!(format!("{}/accounts?page=2&page_size=2", server.uri()))),
    )
    .await;
    page_at(&server, "/accounts", query_param("page", "2"), page(&["c"], Value::Null)).await;

    let client = client(&server);
    let items = client
        .accounts()
        .list(ListAccountsParams::new())
        .page_size(2)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["page_size=2", "page=2&page_size=2"]);
}

#[tokio::test]
async fn a_relative_hal_link_is_resolved_and_a_token_in_its_place_goes_into_the_cursor_parameter() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let mut links = json!({"self": {"href": "/feed"}});
        if let Some(next) = next {
            links["next"] = json!({"href": next});
        }
        ok(json!({"items": things(ids), "_links": links}))
    };
    page_at(&server, "/feed", query_param_is_missing("cursor"), page(&["a"], Some("/feed?cursor=c2"))).await;
    page_at(&server, "/feed", query_param("cursor", "c2"), page(&["b"], Some("c3"))).await;
    page_at(&server, "/feed", query_param("cursor", "c3"), page(&["c"], Some("/feed?cursor=c2"))).await;

    let client = client(&server);
    let items = client.feed().list(ListFeedParams::new()).max_pages(10).collect_all().await.unwrap();
    // The third page links back to the second: the walk ends rather than repeating pages.
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["", "cursor=c2", "cursor=c3"]);
}

#[tokio::test]
async fn hal_items_under_embedded_are_walked_by_their_link_and_a_page_without_them_is_empty() {
    let server = MockServer::start().await;
    page_at(
        &server,
        "/catalogs",
        query_param_is_missing("page"),
        ok(json!({"_links": {"next": {"href": "/catalogs?page=2&limit=2"}}, "_embedded": {"items": things(&["a", "b"])}})),
    )
    .await;
    page_at(
        &server,
        "/catalogs",
        query_param("page", "2"),
        ok(json!({"_links": {"next": {"href": "/catalogs?page=3&limit=2"}}, "_embedded": {"items": things(&["c"])}})),
    )
    .await;
    page_at(&server, "/catalogs", query_param("page", "3"), ok(json!({"_links": {}}))).await;

    let client = client(&server);
    let items = client
        .catalogs()
        .list(ListCatalogsParams::new())
        .page_size(2)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["limit=2", "page=2&limit=2", "page=3&limit=2"]);
}

#[tokio::test]
async fn items_in_an_object_the_envelope_wraps_them_in_page_by_offset_up_to_the_total() {
    let server = MockServer::start().await;
    let page = |ids: &[&str]| ok(json!({"total": 3, "data": {"listings": things(ids)}}));
    page_at(&server, "/listings", query_param_is_missing("offset"), page(&["a", "b"])).await;
    page_at(&server, "/listings", query_param("offset", "2"), page(&["c"])).await;

    let client = client(&server);
    let items = client
        .listings()
        .list(ListListingsParams::new())
        .page_size(2)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["limit=2", "limit=2&offset=2"]);
}

#[tokio::test]
async fn a_total_inside_the_items_wrapper_ends_the_walk_without_asking_for_an_empty_page() {
    let server = MockServer::start().await;
    let page = |ids: &[&str]| ok(json!({"result": {"total": 3, "rows": things(ids)}}));
    page_at(&server, "/tickets", query_param_is_missing("offset"), page(&["a", "b"])).await;
    page_at(&server, "/tickets", query_param("offset", "2"), page(&["c"])).await;

    let client = client(&server);
    let items = client
        .tickets()
        .list(ListTicketsParams::new())
        .page_size(2)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["limit=2", "limit=2&offset=2"]);
}

#[tokio::test]
async fn has_more_inside_the_items_wrapper_is_followed_and_its_absence_ends_the_walk() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], more: bool| ok(json!({"data": {"orders": things(ids), "has_more": more}}));
    page_at(&server, "/orders", query_param_is_missing("page"), page(&["a", "b"], true)).await;
    page_at(&server, "/orders", query_param("page", "2"), page(&["c"], true)).await;
    // A page whose wrapper holds no flag is the last, though it has items.
    page_at(&server, "/orders", query_param("page", "3"), ok(json!({"data": {"orders": things(&["d"])}})))
        .await;

    let client = client(&server);
    let items = client.orders().list(ListOrdersParams::new()).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d"]);
    assert_eq!(queries(&server).await, ["", "page=2", "page=3"]);
}

#[tokio::test]
async fn a_token_inside_the_items_wrapper_is_followed_until_it_is_null() {
    let server = MockServer::start().await;
    let page =
        |ids: &[&str], next: Value| ok(json!({"payload": {"items": things(ids), "next_cursor": next}}));
    page_at(&server, "/notes", query_param_is_missing("cursor"), page(&["a", "b"], json!("t2"))).await;
    page_at(&server, "/notes", query_param("cursor", "t2"), page(&["c"], Value::Null)).await;

    let client = client(&server);
    let items = client.notes().list(ListNotesParams::new()).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["", "cursor=t2"]);
}

#[tokio::test]
async fn an_offset_by_another_name_stops_at_the_total_without_asking_for_an_empty_page() {
    let server = MockServer::start().await;
    let page = |ids: &[&str]| ok(json!({"maxResults": 2, "total": 3, "issues": things(ids)}));
    page_at(&server, "/issues", query_param_is_missing("startAt"), page(&["a", "b"])).await;
    page_at(&server, "/issues", query_param("startAt", "2"), page(&["c"])).await;

    let client = client(&server);
    let items = client
        .issues()
        .search(SearchIssuesParams::new())
        .page_size(2)
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["maxResults=2", "maxResults=2&startAt=2"]);
}

#[tokio::test]
async fn a_bare_array_by_offset_ends_at_an_empty_page() {
    let server = MockServer::start().await;
    for (offset, ids) in [("5", &["a", "b"][..]), ("7", &["c"][..]), ("8", &[][..])] {
        page_at(&server, "/logs", query_param("offset", offset), ok(things(ids))).await;
    }

    let client = client(&server);
    let items = client
        .logs()
        .list(ListLogsParams::new().offset(5).limit(2))
        .max_pages(10)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(queries(&server).await, ["offset=5&limit=2", "limit=2&offset=7", "limit=2&offset=8"]);
}

#[tokio::test]
async fn an_offset_walk_without_a_flag_stops_where_the_server_ignores_the_offset() {
    let server = MockServer::start().await;
    // Every request gets the same page, whatever `skip` says.
    Mock::given(method("GET"))
        .and(path("/people"))
        .respond_with(ok(json!({"count": 2, "results": things(&["a", "b"])})))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    let items = client.people().list(ListPeopleParams::new()).max_pages(5).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
    assert_eq!(queries(&server).await, ["", "skip=2"]);
}

#[tokio::test]
async fn a_link_header_walk_follows_rel_next_until_a_page_has_none() {
    let server = MockServer::start().await;
    let link = |since: u32| {
        format!(
            r#"<{0}/users?since={since}&per_page=2>; rel="next", <{0}/users?since=0>; rel="first""#,
            server.uri()
        )
    };
    page_at(
        &server,
        "/users",
        query_param_is_missing("since"),
        ok(things(&["a", "b"])).insert_header("Link", link(2)),
    )
    .await;
    page_at(
        &server,
        "/users",
        query_param("since", "2"),
        // Relative to the request's URL, with a title that is not ASCII.
        ok(things(&["c", "d"]))
            .append_header("link", "<users?since=4&per_page=2>; title=\"Página 3\"; rel=\"next\"".as_bytes()),
    )
    .await;
    let last = format!(r#"<{}/users?since=0>; rel="first""#, server.uri());
    page_at(&server, "/users", query_param("since", "4"), ok(things(&["e"])).insert_header("Link", last))
        .await;

    let client = client(&server);
    let items =
        client.users().list(ListUsersParams::new()).page_size(2).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);
    assert_eq!(queries(&server).await, ["per_page=2", "since=2&per_page=2", "since=4&per_page=2"]);
}

#[tokio::test]
async fn a_link_header_walk_over_envelopes_ends_at_a_link_sent_before_and_refuses_another_host() {
    let server = MockServer::start().await;
    let next = |page: u32| format!(r#"<{}/runs?page={page}>; rel="next""#, server.uri());
    let runs = |ids: &[&str]| ok(json!({"total_count": 9, "runs": things(ids)}));
    page_at(&server, "/runs", query_param_is_missing("page"), runs(&["a"]).insert_header("Link", next(2)))
        .await;
    page_at(&server, "/runs", query_param("page", "2"), runs(&["b"]).insert_header("Link", next(3))).await;
    // A server that names page 2 again would be walked forever.
    page_at(&server, "/runs", query_param("page", "3"), runs(&["c"]).insert_header("Link", next(2))).await;

    let client = client(&server);
    let items = client.runs().list(ListRunsParams::new()).max_pages(10).collect_all().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);

    // A link to another host would carry the credentials there: refused, after the first page.
    let elsewhere = MockServer::start().await;
    let away = format!("{}/runs?page=2", elsewhere.uri());
    let header = format!("<{away}>; rel=next");
    page_at(&server, "/runs", query_param("page", "1"), runs(&["x"]).insert_header("Link", header)).await;
    let mut stream = client.runs().list(ListRunsParams::new().page(1)).max_pages(10).into_stream();
    assert_eq!(stream.next().await.unwrap().unwrap().id, "x");
    let message = stream.next().await.unwrap().unwrap_err().to_string();
    assert!(message.contains(&away) && message.contains("outside the API"), "{message}");
    assert!(stream.next().await.is_none());
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}
