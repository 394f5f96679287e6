//! Streamed responses: Server-Sent Events, JSON Lines and JSON text sequences, read as they
//! arrive.
//!
//! A streamed operation's request is sent, retried and checked like any other, and resolves once
//! a success status is in. Its body is then an [`EventStream`]: the items one at a time, each
//! decoded as its frame completes, so that a long answer (a model's tokens, a log tail) can be
//! used before it ends.
//!
//! The frame parser is written here rather than taken from `eventsource-stream`, whose parser
//! brings `nom` into every client's build for about a hundred lines of line splitting.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::decode::parse_json;
use super::error::{ApiErrorBody, DecodeError, Error};

/// How a streamed body is cut into frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`: WHATWG Server-Sent Events.
    ServerSentEvents,
    /// One JSON document per line: `application/x-ndjson`, `application/jsonl`, …
    JsonLines,
    /// RFC 7464 JSON text sequences (`application/json-seq`): each record begins with 0x1E.
    JsonSeq,
}

impl Framing {
    /// The media type asked for in the `Accept` header.
    pub fn media_type(self) -> &'static str {
        match self {
            Framing::ServerSentEvents => "text/event-stream",
            Framing::JsonLines => "application/x-ndjson, application/jsonl, application/json",
            Framing::JsonSeq => "application/json-seq",
        }
    }
}

/// One Server-Sent Event as it was received. With JSON Lines or JSON sequences, one record, in
/// `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerSentEvent {
    /// The `event:` field, the event's type; `None` when the event did not name one (the
    /// default type, `message`).
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
    /// The `id:` field, if the event set one.
    pub id: Option<String>,
    /// The `retry:` field in milliseconds, if the event set one.
    pub retry: Option<u64>,
}

/// Why a frame did not decode into an item: the field path and the JSON error.
pub type ItemError = (String, serde_json::Error);

/// How a frame becomes an item: `Ok(None)` ends the stream (OpenAI's `data: [DONE]`).
pub type ItemDecoder<T> = fn(&ServerSentEvent) -> Result<Option<T>, ItemError>;

/// The item is the frame's data, as JSON; `[DONE]` ends the stream.
pub fn decode_event_data<T: DeserializeOwned>(event: &ServerSentEvent) -> Result<Option<T>, ItemError> {
    if event.data.trim() == "[DONE]" {
        return Ok(None);
    }
    parse_json(event.data.as_bytes()).map(Some)
}

/// The item is the whole event, `{"event": …, "data": …, "id": …}`, for a description whose
/// schema names the event's type beside its data (OpenAI's assistant stream events). The data is
/// read as JSON where it is JSON, and kept as text where it is not; `[DONE]` ends the stream.
pub fn decode_whole_event<T: DeserializeOwned>(event: &ServerSentEvent) -> Result<Option<T>, ItemError> {
    if event.data.trim() == "[DONE]" {
        return Ok(None);
    }
    let data = serde_json::from_str(&event.data).unwrap_or_else(|_| event.data.clone().into());
    let mut whole = serde_json::Map::new();
    whole.insert("event".to_owned(), event.event.as_deref().unwrap_or("message").into());
    whole.insert("data".to_owned(), data);
    if let Some(id) = &event.id {
        whole.insert("id".to_owned(), id.as_str().into());
    }
    if let Some(retry) = event.retry {
        whole.insert("retry".to_owned(), retry.into());
    }
    let text = serde_json::Value::Object(whole).to_string();
    parse_json(text.as_bytes()).map(Some)
}

/// The item is the event itself, undecoded.
pub fn raw_event(event: &ServerSentEvent) -> Result<Option<ServerSentEvent>, ItemError> {
    Ok(Some(event.clone()))
}

/// What the request hands over once a success status is in.
pub(super) struct Opened {
    pub(super) response: reqwest::Response,
    pub(super) method: Method,
    pub(super) path: String,
    /// The longest wait for the next bytes: the request's per-attempt timeout.
    pub(super) idle_timeout: Duration,
    /// The largest frame kept: the client's response size limit.
    pub(super) max_frame_bytes: u64,
}

/// The items of a streamed response, each a `Result`: an item that does not decode is an error
/// that names it, and the items after it still come; a broken connection or a silence longer
/// than the request's timeout ends the stream with an error. (A request's `total_timeout`
/// bounds the time until the stream opens; the stream itself may run as long as the server
/// sends.)
///
/// ```no_run
/// # async fn demo(events: atlaspay::runtime::EventStream<serde_json::Value>) -> Result<(), atlaspay::runtime::Error> {
/// use atlaspay::runtime::TryStreamExt;
///
/// let mut events = events;
/// while let Some(event) = events.try_next().await? {
///     println!("{event}");
/// }
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing unless polled"]
pub struct EventStream<T> {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    frames: Frames,
    decode: ItemDecoder<T>,
    /// The longest silence allowed; `None` for a body already in hand.
    idle_timeout: Option<Duration>,
    /// Armed the first time the body makes us wait, and re-armed by every chunk.
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    method: Method,
    path: String,
    status: StatusCode,
    request_id: Option<String>,
    /// Frames read so far, to name the one that failed.
    received: u64,
    finished: bool,
}

impl<T> EventStream<T> {
    pub(super) fn new(opened: Opened, framing: Framing, decode: ItemDecoder<T>) -> Self {
        let Opened { response, method, path, idle_timeout, max_frame_bytes } = opened;
        let status = response.status();
        let request_id = super::decode::header_request_id(response.headers()).map(str::to_owned);
        Self {
            body: Box::pin(response.bytes_stream()),
            frames: Frames::new(framing, usize::try_from(max_frame_bytes).unwrap_or(usize::MAX)),
            decode,
            idle_timeout: Some(idle_timeout),
            idle: None,
            method,
            path,
            status,
            request_id,
            received: 0,
            finished: false,
        }
    }

    /// The items of a body already in hand: for tests, and for replaying a recorded stream.
    pub fn from_bytes(body: Bytes, framing: Framing, decode: ItemDecoder<T>) -> Self {
        let chunks = futures_util::stream::iter([Ok(body)]);
        Self {
            body: Box::pin(chunks),
            frames: Frames::new(framing, usize::MAX),
            decode,
            idle_timeout: None,
            idle: None,
            method: Method::GET,
            path: String::new(),
            status: StatusCode::OK,
            request_id: None,
            received: 0,
            finished: false,
        }
    }

    fn item(&mut self, frame: ServerSentEvent) -> Option<Result<T, Error>> {
        self.received += 1;
        match (self.decode)(&frame) {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(_) if is_error_event(&frame) => Some(Err(Error::Stream {
                method: self.method.clone(),
                path: self.path.clone(),
                body: ApiErrorBody::parse(frame.data.as_bytes()).map(Box::new),
                event: frame.event,
                data: frame.data,
            })),
            Err((path, err)) => {
                let data = Bytes::from(frame.data);
                let mut error =
                    DecodeError::from_json(path, err, self.status, self.request_id.clone(), &data);
                let named = frame.event.map(|event| format!(" (event `{event}`)")).unwrap_or_default();
                error.message = format!("stream item {}{named}: {}", self.received, error.message);
                Some(Err(error.into()))
            }
        }
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<T, Error>>> {
        self.finished = true;
        Poll::Ready(Some(Err(error)))
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            match this.frames.next_frame() {
                Ok(Some(frame)) => match this.item(frame) {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => return Poll::Ready(None),
                },
                Ok(None) if this.frames.ended => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Ok(None) => {}
                Err(limit) => {
                    let error = DecodeError::new(
                        format!("a stream frame is larger than the client's limit of {limit} bytes"),
                        this.status,
                        this.request_id.clone(),
                        &Bytes::new(),
                    );
                    return this.fail(error.into());
                }
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.frames.push(&chunk);
                    if let (Some(idle), Some(timeout)) = (&mut this.idle, this.idle_timeout)
                        && let Some(deadline) = tokio::time::Instant::now().checked_add(timeout)
                    {
                        idle.as_mut().reset(deadline);
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    let err = err.without_url();
                    let error = Error::Transport {
                        method: this.method.clone(),
                        path: this.path.clone(),
                        attempts: 1,
                        message: super::request::error_chain(&err),
                        source: err,
                    };
                    return this.fail(error);
                }
                Poll::Ready(None) => this.frames.ended = true,
                Poll::Pending => {
                    let Some(timeout) = this.idle_timeout else {
                        return Poll::Pending;
                    };
                    let idle = this.idle.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                    if idle.as_mut().poll(cx).is_ready() {
                        let error = Error::Timeout {
                            method: this.method.clone(),
                            path: this.path.clone(),
                            attempts: 1,
                            timeout,
                        };
                        return this.fail(error);
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("framing", &self.frames.framing)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

/// Whether a frame that is not an item reports an error: an `error` event (Anthropic's), or an
/// object with an `error` member (OpenAI's).
fn is_error_event(frame: &ServerSentEvent) -> bool {
    frame.event.as_deref() == Some("error")
        || serde_json::from_str::<serde_json::Value>(&frame.data)
            .is_ok_and(|value| value.get("error").is_some_and(|error| !error.is_null()))
}

/// Cuts a byte stream into frames, however its chunks happen to split lines.
struct Frames {
    framing: Framing,
    buffer: BytesMut,
    /// No more bytes will come: what is left is the last frame, if it is one.
    ended: bool,
    /// A byte-order mark may open the stream, and is not part of the first line.
    at_start: bool,
    /// The Server-Sent Event being read: its fields so far, and whether it had a `data` line.
    event: ServerSentEvent,
    has_data: bool,
    limit: usize,
}

impl Frames {
    fn new(framing: Framing, limit: usize) -> Self {
        Self {
            framing,
            buffer: BytesMut::new(),
            ended: false,
            at_start: true,
            event: ServerSentEvent::default(),
            has_data: false,
            limit,
        }
    }

    fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
        if self.at_start && self.buffer.len() >= 3 {
            if self.buffer.starts_with(b"\xEF\xBB\xBF") {
                self.buffer.advance(3);
            }
            self.at_start = false;
        }
    }

    /// The next complete frame; `Err` with the limit when one outgrows it.
    fn next_frame(&mut self) -> Result<Option<ServerSentEvent>, usize> {
        let frame = match self.framing {
            Framing::ServerSentEvents => self.next_event(),
            Framing::JsonLines => self.next_record(|byte| byte == b'\n'),
            Framing::JsonSeq => self.next_record(|byte| byte == 0x1E),
        };
        if frame.is_none() && (self.buffer.len() > self.limit || self.event.data.len() > self.limit) {
            return Err(self.limit);
        }
        Ok(frame)
    }

    /// A record of JSON Lines or of a JSON sequence: the text up to the next separator (or the
    /// end), blank ones skipped.
    fn next_record(&mut self, separator: impl Fn(u8) -> bool) -> Option<ServerSentEvent> {
        loop {
            let end = match self.buffer.iter().position(|&b| separator(b)) {
                Some(end) => end,
                None if self.ended && !self.buffer.is_empty() => self.buffer.len(),
                // A JSON text sequence's record ends with a line feed where its JSON is complete:
                // it is not held back until the next record begins.
                None if self.framing == Framing::JsonSeq
                    && self.buffer.ends_with(b"\n")
                    && serde_json::from_slice::<serde::de::IgnoredAny>(&self.buffer).is_ok() =>
                {
                    self.buffer.len()
                }
                None => return None,
            };
            let record = self.buffer.split_to(end);
            if !self.buffer.is_empty() {
                self.buffer.advance(1);
            }
            let text = String::from_utf8_lossy(&record);
            let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{1e}');
            if !text.is_empty() {
                return Some(ServerSentEvent { data: text.to_owned(), ..ServerSentEvent::default() });
            }
        }
    }

    /// The next line, without its end (CRLF, LF or CR); `None` until one is complete.
    fn next_line(&mut self) -> Option<String> {
        let end = self.buffer.iter().position(|&b| b == b'\n' || b == b'\r')?;
        // A CR at the end of what has arrived may be the first half of a CRLF.
        if self.buffer[end] == b'\r' && end + 1 == self.buffer.len() && !self.ended {
            return None;
        }
        let line = self.buffer.split_to(end);
        let crlf = self.buffer.starts_with(b"\r\n");
        self.buffer.advance(if crlf { 2 } else { 1 });
        Some(String::from_utf8_lossy(&line).into_owned())
    }

    /// The next dispatched event (WHATWG HTML, "Interpreting an event stream"). An event cut off
    /// by the end of the stream is dropped, as the standard says.
    fn next_event(&mut self) -> Option<ServerSentEvent> {
        while let Some(line) = self.next_line() {
            if line.is_empty() {
                let event = std::mem::take(&mut self.event);
                if std::mem::take(&mut self.has_data) {
                    return Some(event);
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                None => (line.as_str(), ""),
            };
            match field {
                "event" => self.event.event = Some(value.to_owned()),
                "data" => {
                    if self.has_data {
                        self.event.data.push('\n');
                    }
                    self.event.data.push_str(value);
                    self.has_data = true;
                }
                "id" if !value.contains('\0') => self.event.id = Some(value.to_owned()),
                "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    self.event.retry = value.parse().ok();
                }
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item of a stream whose body is in hand (it never waits).
    fn collect<T>(mut stream: EventStream<T>) -> Vec<Result<T, Error>> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut items = Vec::new();
        loop {
            match Pin::new(&mut stream).poll_next(&mut cx) {
                Poll::Ready(Some(item)) => items.push(item),
                Poll::Ready(None) => return items,
                Poll::Pending => panic!("a body in hand never waits"),
            }
        }
    }

    /// The frames of `chunks`, fed one at a time, as `Frames` cuts them.
    fn frames(framing: Framing, chunks: &[&[u8]]) -> Vec<ServerSentEvent> {
        let mut frames = Frames::new(framing, 1 << 20);
        let mut out = Vec::new();
        for chunk in chunks {
            frames.push(chunk);
            while let Some(frame) = frames.next_frame().unwrap() {
                out.push(frame);
            }
        }
        frames.ended = true;
        while let Some(frame) = frames.next_frame().unwrap() {
            out.push(frame);
        }
        out
    }

    fn data(events: &[ServerSentEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn reads_events_split_anywhere_with_any_line_end() {
        let whole: &[u8] =
            b"\xEF\xBB\xBF: comment\r\nevent: delta\r\ndata: {\"a\":1}\r\nid: 7\r\nretry: 1500\r\n\r\ndata:x\rdata: y\r\rdata\n\n";
        let expected = vec![
            ServerSentEvent {
                event: Some("delta".into()),
                data: "{\"a\":1}".into(),
                id: Some("7".into()),
                retry: Some(1500),
            },
            ServerSentEvent { data: "x\ny".into(), ..Default::default() },
            ServerSentEvent { data: String::new(), ..Default::default() },
        ];
        assert_eq!(frames(Framing::ServerSentEvents, &[whole]), expected);
        // Every split point, a CRLF cut between its CR and its LF included.
        for cut in 0..whole.len() {
            let (a, b) = whole.split_at(cut);
            assert_eq!(frames(Framing::ServerSentEvents, &[a, b]), expected, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = whole.chunks(1).collect();
        assert_eq!(frames(Framing::ServerSentEvents, &bytes), expected);
    }

    #[test]
    fn skips_events_without_data_and_drops_one_cut_off_at_the_end() {
        let events =
            frames(Framing::ServerSentEvents, &[b"event: ping\n\nretry: x\nid: a\0b\ndata: 1\n\ndata: 2"]);
        assert_eq!(events, vec![ServerSentEvent { data: "1".into(), ..Default::default() }]);
    }

    #[test]
    fn reads_json_lines_and_sequences() {
        let lines = frames(Framing::JsonLines, &[b"{\"a\":1}\r\n\n  \n{\"a\"", b":2}\n{\"a\":3}"]);
        assert_eq!(data(&lines), ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"]);
        let seq = frames(Framing::JsonSeq, &[b"\x1e{\"a\":\n1}\n\x1e", b"[2]\n"]);
        assert_eq!(data(&seq), ["{\"a\":\n1}", "[2]"]);
    }

    #[test]
    fn a_json_sequence_record_is_read_once_its_line_ends_complete() {
        let mut frames = Frames::new(Framing::JsonSeq, 1 << 20);
        frames.push(b"\x1e{\"a\":\n");
        assert_eq!(frames.next_frame(), Ok(None), "a line feed inside the JSON does not end it");
        frames.push(b"1}\n");
        assert_eq!(frames.next_frame().unwrap().map(|f| f.data), Some("{\"a\":\n1}".to_owned()));
        assert_eq!(frames.next_frame(), Ok(None));
    }

    #[test]
    fn refuses_a_frame_over_the_limit() {
        let mut frames = Frames::new(Framing::JsonLines, 8);
        frames.push(b"{\"a\": \"0123456789\"");
        assert_eq!(frames.next_frame(), Err(8));
        let mut events = Frames::new(Framing::ServerSentEvents, 8);
        events.push(b"data: 01234\ndata: 56789\n");
        assert_eq!(events.next_frame(), Err(8));
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Delta {
        text: String,
    }

    #[test]
    fn decodes_items_names_a_bad_one_and_stops_at_done() {
        let body = Bytes::from_static(
            b"data: {\"text\":\"a\"}\n\nevent: delta\ndata: {\"text\":5}\n\ndata: {\"text\":\"b\"}\n\ndata: [DONE]\n\ndata: {\"text\":\"c\"}\n\n",
        );
        let items =
            collect(EventStream::from_bytes(body, Framing::ServerSentEvents, decode_event_data::<Delta>));
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap(), &Delta { text: "a".into() });
        let err = items[1].as_ref().unwrap_err();
        let decode = err.decode_error().unwrap();
        assert_eq!(decode.path, "text");
        assert!(decode.message.starts_with("stream item 2 (event `delta`): "), "{}", decode.message);
        assert_eq!(&decode.body[..], b"{\"text\":5}");
        assert_eq!(items[2].as_ref().unwrap(), &Delta { text: "b".into() });
    }

    #[test]
    fn an_error_the_server_sends_in_the_stream_is_an_error_with_its_fields() {
        let body = Bytes::from_static(
            b"data: {\"text\":\"a\"}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\ndata: {\"error\":{\"message\":\"boom\",\"code\":\"server_error\"}}\n\n",
        );
        let items =
            collect(EventStream::from_bytes(body, Framing::ServerSentEvents, decode_event_data::<Delta>));
        assert_eq!(items.len(), 3, "{items:?}");
        let err = items[1].as_ref().unwrap_err();
        assert!(matches!(err, Error::Stream { event: Some(event), .. } if event == "error"), "{err:?}");
        assert!(err.to_string().ends_with("the server reported an error in the stream: Overloaded"), "{err}");
        let err = items[2].as_ref().unwrap_err();
        assert_eq!(err.code(), Some("server_error"));
        assert!(err.to_string().ends_with(": boom"), "{err}");
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(tag = "event", content = "data")]
    enum RunEvent {
        #[serde(rename = "run.created")]
        Created { id: String },
        #[serde(rename = "done")]
        Done(String),
    }

    #[test]
    fn decodes_whole_events_with_their_type() {
        let body =
            Bytes::from_static(b"event: run.created\ndata: {\"id\":\"r1\"}\n\nevent: done\ndata: fin\n\n");
        let stream = EventStream::from_bytes(body, Framing::ServerSentEvents, decode_whole_event::<RunEvent>);
        let items: Vec<_> = collect(stream).into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [RunEvent::Created { id: "r1".into() }, RunEvent::Done("fin".into())]);
    }

    #[test]
    fn hands_over_raw_events() {
        let body = Bytes::from_static(b"event: tick\ndata: 1\n\n");
        let items = collect(EventStream::from_bytes(body, Framing::ServerSentEvents, raw_event));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap().event.as_deref(), Some("tick"));
    }
}
