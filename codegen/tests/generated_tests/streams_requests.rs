//! Streamed responses of the crate generated from `tests/specs/streams.yaml`, against loopback
//! servers: what a streaming call sends, the items it yields for each framing, and how it fails.
//! `compile.rs` copies this file into that crate's `tests/` and runs it.

use std::time::Duration;

use snapshot_streams::Client;
use snapshot_streams::runtime::{Binary, Error, TryStreamExt};
use snapshot_streams::types::{
    CompletionRequest, CreateRunRequest, CreateTranscriptionRequest, LogLine, RunEvent, TailLogsParams,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(base_url: &str) -> Client {
    Client::builder().base_url(base_url).allow_http().bearer("token").max_retries(0).build().unwrap()
}

fn body(media: &str, text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(text.as_bytes().to_vec(), media)
}

/// Every test is bounded: a stream that never ends fails the test instead of hanging it.
async fn bounded<T>(work: impl IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), work.into_future()).await.expect("the test took over 10 s")
}

#[tokio::test]
async fn a_streaming_call_asks_for_the_stream_and_yields_each_event_until_done() {
    let server = MockServer::start().await;
    let events = concat!(
        ": keep-alive\n\n",
        "data: {\"id\":\"c1\",\"delta\":\"Hel\"}\n\n",
        "data: {\"id\":\"c1\",\"delta\":\"lo\"}\r\n\r\n",
        "data: [DONE]\n\n",
    );
    Mock::given(method("POST"))
        .and(path("/v1/completions"))
        .and(header("accept", "text/event-stream"))
        .respond_with(body("text/event-stream", events))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    // The caller's `stream: false` is overridden: this method asks for the stream.
    let request = CompletionRequest::new("Say hello").stream(false);
    let stream = bounded(client.completions().create_stream(request)).await.unwrap();
    let chunks: Vec<_> = bounded(stream.try_collect::<Vec<_>>()).await.unwrap();
    let deltas: Vec<&str> = chunks.iter().map(|c| c.delta.as_str()).collect();
    assert_eq!(deltas, ["Hel", "lo"]);
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
    assert_eq!(sent, serde_json::json!({"prompt": "Say hello", "stream": true}));
}

#[tokio::test]
async fn the_json_call_beside_it_asks_for_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/completions"))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "c1", "text": "Hello"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    // The caller's `stream: true` is overridden: this method decodes one JSON answer.
    let request = CompletionRequest::new("Say hello").stream(true);
    let completion = client.completions().create(request).await.unwrap();
    assert_eq!(completion.text, "Hello");
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
    assert_eq!(sent, serde_json::json!({"prompt": "Say hello", "stream": false}));
}

#[tokio::test]
async fn an_error_status_fails_the_call_before_any_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/completions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({"message": "no prompt"})))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let err = client.completions().create_stream(CompletionRequest::new("")).await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 400);
    assert!(String::from_utf8_lossy(&api.raw).contains("no prompt"), "{api:?}");
}

#[tokio::test]
async fn a_failed_attempt_is_retried_before_the_stream_opens() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/ticks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/ticks"))
        .respond_with(body(
            "text/event-stream",
            "event: tick\nid: 1\ndata: 1\n\nevent: tick\nid: 2\ndata: 2\n\n",
        ))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .allow_http()
        .bearer("token")
        .max_retries(1)
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let response = bounded(client.ticks().list().send_with_response()).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    let ticks: Vec<_> = bounded(response.body.try_collect::<Vec<_>>()).await.unwrap();
    assert_eq!(ticks.len(), 2);
    assert_eq!(ticks[1].event.as_deref(), Some("tick"));
    assert_eq!((ticks[1].id.as_deref(), ticks[1].data.as_str()), (Some("2"), "2"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn whole_events_decode_by_their_name() {
    let server = MockServer::start().await;
    let events = concat!(
        "event: run.started\ndata: {\"id\":\"r1\"}\n\n",
        "event: run.message\ndata: {\"text\":\"hi\"}\n\n",
        "event: run.finished\ndata: {}\n\n",
    );
    Mock::given(method("POST"))
        .and(path("/v1/runs"))
        .respond_with(body("text/event-stream", events))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let stream = client.runs().create(CreateRunRequest::new("go")).await.unwrap();
    let events: Vec<_> = bounded(stream.try_collect::<Vec<_>>()).await.unwrap();
    assert!(matches!(&events[0], RunEvent::RunStarted(started) if started.data.id == "r1"), "{events:?}");
    assert!(matches!(&events[1], RunEvent::RunMessage(message) if message.data.text == "hi"), "{events:?}");
    // An event this client does not know is kept whole.
    assert!(matches!(&events[2], RunEvent::Unknown(value) if value["event"] == "run.finished"), "{events:?}");
}

#[tokio::test]
async fn json_lines_and_sequences_yield_one_item_per_record() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/logs"))
        .and(query_param("level", "warn"))
        .and(header("accept", "application/x-ndjson"))
        .respond_with(body(
            "application/x-ndjson",
            "{\"level\":\"warn\",\"message\":\"a\"}\n\n{\"level\":\"warn\",\"message\":\"b\"}",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/logs/sequence"))
        .and(header("accept", "application/json-seq"))
        .respond_with(body("application/json-seq", "\u{1e}{\"level\":\"info\",\"message\":\"c\"}\n"))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let lines = client.logs().tail(TailLogsParams::new().level("warn")).await.unwrap();
    let lines: Vec<_> = bounded(lines.try_collect::<Vec<_>>()).await.unwrap();
    let messages: Vec<&str> = lines.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(messages, ["a", "b"]);
    let records = client.logs().sequence().await.unwrap();
    let records: Vec<_> = bounded(records.try_collect::<Vec<_>>()).await.unwrap();
    assert_eq!(records[0].message, "c");
}

#[tokio::test]
async fn a_json_lines_body_is_sent_one_item_per_line() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/logs/bulk"))
        .and(header("content-type", "application/x-ndjson"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let lines = vec![LogLine::new("warn", "disk \"full\""), LogLine::new("info", "line\nbreak")];
    bounded(client.logs().import(lines)).await.unwrap();
    let sent = server.received_requests().await.unwrap()[0].body.clone();
    assert_eq!(
        String::from_utf8(sent).unwrap(),
        concat!(
            "{\"level\":\"warn\",\"message\":\"disk \\\"full\\\"\"}\n",
            "{\"level\":\"info\",\"message\":\"line\\nbreak\"}\n",
        )
    );
}

/// A server on loopback that answers one request with `200` and a chunked event stream: `first`,
/// then, once `go_on` fires (or never, if it is dropped unfired), `rest`.
async fn trickling_server(first: &'static str, go_on: oneshot::Receiver<()>, rest: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(format!("{head}{}", chunk(first)).as_bytes()).await.unwrap();
        if go_on.await.is_ok() {
            socket.write_all(format!("{}0\r\n\r\n", chunk(rest)).as_bytes()).await.unwrap();
        } else {
            // Stay silent with the connection open, past any test's patience.
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    format!("http://{address}/v1")
}

#[tokio::test]
async fn items_arrive_before_the_stream_ends_however_chunks_split_them() {
    let (go_on, wait) = oneshot::channel();
    // The first chunk ends inside the second event's data.
    let base = trickling_server(
        "data: {\"id\":\"c1\",\"delta\":\"a\"}\n\ndata: {\"id\":\"c1\",\"del",
        wait,
        "ta\":\"b\"}\n\n",
    )
    .await;
    let client = client(&base);
    let mut stream = bounded(client.completions().create_stream(CompletionRequest::new("x"))).await.unwrap();
    // The server holds the rest back until this item is in: a client that waited for the
    // whole body would never get it.
    let first = bounded(stream.try_next()).await.unwrap().unwrap();
    assert_eq!(first.delta, "a");
    go_on.send(()).unwrap();
    let second = bounded(stream.try_next()).await.unwrap().unwrap();
    assert_eq!(second.delta, "b");
    assert!(bounded(stream.try_next()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_silence_longer_than_the_timeout_ends_the_stream_with_a_timeout() {
    let (_never, wait) = oneshot::channel();
    let base = trickling_server("data: {\"id\":\"c1\",\"delta\":\"a\"}\n\n", wait, "").await;
    let client = client(&base);
    let request = client.completions().create_stream(CompletionRequest::new("x"));
    let mut stream = bounded(request.timeout(Duration::from_millis(300))).await.unwrap();
    assert_eq!(bounded(stream.try_next()).await.unwrap().unwrap().delta, "a");
    let err = bounded(stream.try_next()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(bounded(stream.try_next()).await.unwrap().is_none(), "the stream ends after its error");
}

#[tokio::test]
async fn an_optional_body_left_out_still_asks_for_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chats"))
        .respond_with(body("text/event-stream", "data: {\"id\":\"c\",\"delta\":\"x\"}\n\n"))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    // `create_stream` is the description's own operation: the twin took the next name.
    let stream = client.chats().create_stream_2(None).await.unwrap();
    assert_eq!(bounded(stream.try_collect::<Vec<_>>()).await.unwrap().len(), 1);
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
    assert_eq!(sent, serde_json::json!({"stream": true}));
}

#[tokio::test]
async fn a_json_answer_where_a_stream_was_asked_for_is_an_item_or_an_error_not_an_empty_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/completions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"error": {"message": "nope"}})),
        )
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let stream = client.completions().create_stream(CompletionRequest::new("x")).await.unwrap();
    let err = bounded(stream.try_collect::<Vec<_>>()).await.unwrap_err();
    assert!(matches!(err, Error::Stream { .. }), "{err:?}");
    assert!(err.to_string().ends_with("nope"), "{err}");
}

#[tokio::test]
async fn events_described_field_by_field_keep_their_data_as_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/notifications"))
        .respond_with(body("text/event-stream", "event: note\nid: 7\ndata: {\"text\":\"hi\"}\n\n"))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let stream = client.notifications().list().await.unwrap();
    let events = bounded(stream.try_collect::<Vec<_>>()).await.unwrap();
    assert_eq!(events[0].event.as_deref(), Some("note"));
    assert_eq!(events[0].id.as_deref(), Some("7"));
    assert_eq!(events[0].data, "{\"text\":\"hi\"}");
}

#[tokio::test]
async fn a_multipart_body_asks_for_the_stream_in_its_own_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/transcriptions"))
        .respond_with(body("text/event-stream", "data: {\"id\":\"t\",\"delta\":\"hel\"}\n\n"))
        .mount(&server)
        .await;
    let client = client(&format!("{}/v1", server.uri()));
    let request = CreateTranscriptionRequest::new(Binary::new("audio")).stream(false);
    let stream = client.transcriptions().create_stream(request).await.unwrap();
    assert_eq!(bounded(stream.try_collect::<Vec<_>>()).await.unwrap()[0].delta, "hel");
    let sent = server.received_requests().await.unwrap()[0].body.clone();
    let text = String::from_utf8_lossy(&sent);
    assert_eq!(text.matches("name=\"stream\"").count(), 1, "{text}");
    assert!(text.contains("name=\"stream\"\r\n\r\ntrue\r\n"), "{text}");
}

/// From synchronous code (the `blocking` feature, which `compile.rs` turns on for this test):
/// the stream opens with `send_blocking` and its items come one by one, a frame that does not
/// decode among them without ending it.
#[test]
fn a_stream_is_read_item_by_item_from_synchronous_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    let events = concat!(
        "data: {\"id\":\"c1\",\"delta\":\"Hel\"}\n\n",
        "data: {\"id\":\"c1\"}\n\n",
        "data: {\"id\":\"c1\",\"delta\":\"lo\"}\n\n",
        "data: [DONE]\n\n",
    );
    runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/v1/completions"))
            .respond_with(body("text/event-stream", events))
            .expect(1)
            .mount(&server),
    );
    let client = client(&format!("{}/v1", server.uri()));
    let stream =
        client.completions().create_stream(CompletionRequest::new("Say hello")).send_blocking().unwrap();
    let items: Vec<Result<String, Error>> = stream.into_iter_blocking().map(|c| c.map(|c| c.delta)).collect();
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_deref().unwrap(), "Hel");
    assert!(items[1].as_ref().unwrap_err().to_string().contains("delta"), "{:?}", items[1]);
    assert_eq!(items[2].as_deref().unwrap(), "lo");
    runtime.block_on(server.verify());
}
