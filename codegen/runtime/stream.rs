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
#[non_exhaustive]
pub enum Framing {
    /// `text/event-stream`: WHATWG Server-Sent Events.
    ServerSentEvents,
    /// One JSON document per line: `application/x-ndjson`, `application/jsonl`, …
    JsonLines,
    /// RFC 7464 JSON text sequences (`application/json-seq`): each record begins with 0x1E.
    JsonSeq,
}

impl Framing {
    /// The `Accept` header's value that asks for it.
    pub fn accept(self) -> &'static str {
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
#[non_exhaustive]
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
    whole_event(event, true)
}

/// [`decode_whole_event`] for a schema whose `data` is a string (OpenAPI 3.2's event
/// `itemSchema`): the data is kept as text, JSON or not.
pub fn decode_whole_event_text<T: DeserializeOwned>(event: &ServerSentEvent) -> Result<Option<T>, ItemError> {
    whole_event(event, false)
}

fn whole_event<T: DeserializeOwned>(
    event: &ServerSentEvent,
    data_as_json: bool,
) -> Result<Option<T>, ItemError> {
    if event.data.trim() == "[DONE]" {
        return Ok(None);
    }
    let data = match serde_json::from_str(&event.data) {
        Ok(json) if data_as_json => json,
        _ => serde_json::Value::String(event.data.clone()),
    };
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
    /// The longest silence allowed, and the timer that enforces it, re-armed by every chunk
    /// (made when the stream opens, inside the runtime); `None` for a body already in hand.
    idle: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
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
        let mut frames = Frames::new(framing, usize::try_from(max_frame_bytes).unwrap_or(usize::MAX));
        // A server that answers in JSON where an event stream was asked for (it ignored the
        // request's flag, or reports an error with a success status) sent one item, or an error.
        frames.whole_body = framing != Framing::JsonLines && answers_json(response.headers());
        Self {
            body: Box::pin(response.bytes_stream()),
            frames,
            decode,
            idle: Some((idle_timeout, Box::pin(tokio::time::sleep(idle_timeout)))),
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
        // An `error` event is the server's report that the stream failed (Anthropic's, OpenAI's
        // assistants'), an error even where the item's type could hold it (a union of whole
        // events would take it for an event it does not know), as OpenAI's own SDKs raise it.
        if frame.event.as_deref() == Some("error") {
            return Some(Err(self.stream_error(frame)));
        }
        match (self.decode)(&frame) {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(_) if reports_error(&frame) => Some(Err(self.stream_error(frame))),
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

    /// The error a frame reports, with its fields read as an error response's.
    fn stream_error(&self, frame: ServerSentEvent) -> Error {
        Error::Stream {
            method: self.method.clone(),
            path: self.path.clone(),
            body: ApiErrorBody::parse(frame.data.as_bytes()).map(Box::new),
            event: frame.event,
            data: frame.data,
        }
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<T, Error>>> {
        self.finished = true;
        Poll::Ready(Some(Err(error)))
    }
}

#[cfg(feature = "blocking")]
impl<T: Send + 'static> EventStream<T> {
    /// The items from synchronous code (the `blocking` feature), each waited for as it arrives:
    /// `for item in events.into_iter_blocking() { … }`.
    pub fn into_iter_blocking(self) -> super::blocking::BlockingIter<T> {
        super::blocking::BlockingIter::new(Box::pin(self))
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
                    if let Some((timeout, idle)) = &mut this.idle
                        && let Some(deadline) = tokio::time::Instant::now().checked_add(*timeout)
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
                    if let Some((timeout, idle)) = &mut this.idle
                        && idle.as_mut().poll(cx).is_ready()
                    {
                        let error = Error::Timeout {
                            method: this.method.clone(),
                            path: this.path.clone(),
                            attempts: 1,
                            timeout: *timeout,
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

/// Whether a response's content type is JSON itself (not a JSON stream's).
fn answers_json(headers: &reqwest::header::HeaderMap) -> bool {
    let Some(content_type) = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.ends_with("+json") && essence != "application/stream+json")
}

/// Whether a frame that is not an item reports an error: an object with an `error` member
/// (OpenAI's). Only where it is not an item, as an item may have such a member of its own (a log
/// line's).
fn reports_error(frame: &ServerSentEvent) -> bool {
    serde_json::from_str::<serde_json::Value>(&frame.data)
        .is_ok_and(|value| value.get("error").is_some_and(|error| !error.is_null()))
}

/// Cuts a byte stream into frames, however its chunks happen to split lines.
struct Frames {
    framing: Framing,
    /// The whole body is one frame: a JSON answer where a stream was asked for.
    whole_body: bool,
    buffer: BytesMut,
    /// How much of `buffer` is known to hold no frame end, so that each chunk is scanned once.
    scanned: usize,
    /// No more bytes will come: what is left is the last frame, if it is one.
    ended: bool,
    /// A byte-order mark may open the stream, and is not part of the first line.
    at_start: bool,
    /// The last line ended with a CR: a LF that follows (maybe in the next chunk) is part of it.
    after_cr: bool,
    /// The Server-Sent Event being read: its fields so far, and whether it had a `data` line.
    event: ServerSentEvent,
    has_data: bool,
    limit: usize,
}

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

impl Frames {
    fn new(framing: Framing, limit: usize) -> Self {
        Self {
            framing,
            whole_body: false,
            buffer: BytesMut::new(),
            scanned: 0,
            ended: false,
            at_start: true,
            after_cr: false,
            event: ServerSentEvent::default(),
            has_data: false,
            limit,
        }
    }

    fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// The next complete frame; `Err` with the limit when one outgrows it.
    fn next_frame(&mut self) -> Result<Option<ServerSentEvent>, usize> {
        if self.at_start {
            // Wait for enough bytes to tell a byte-order mark from text.
            if self.buffer.len() < BYTE_ORDER_MARK.len()
                && BYTE_ORDER_MARK.starts_with(&self.buffer)
                && !self.ended
            {
                return Ok(None);
            }
            if self.buffer.starts_with(BYTE_ORDER_MARK) {
                self.buffer.advance(BYTE_ORDER_MARK.len());
            }
            self.at_start = false;
        }
        let frame = match self.framing {
            _ if self.whole_body => self.next_record(|_| false),
            Framing::ServerSentEvents => self.next_event(),
            Framing::JsonLines => self.next_record(|byte| byte == b'\n'),
            Framing::JsonSeq => self.next_record(|byte| byte == 0x1E),
        };
        let pending = self.buffer.len().max(self.event.data.len());
        if frame.as_ref().is_some_and(|f| f.data.len() > self.limit)
            || (frame.is_none() && pending > self.limit)
        {
            return Err(self.limit);
        }
        Ok(frame)
    }

    /// The position of the first byte `is_end` accepts, scanning only what was not scanned.
    fn find(&mut self, is_end: impl Fn(u8) -> bool) -> Option<usize> {
        match self.buffer[self.scanned..].iter().position(|&b| is_end(b)) {
            Some(offset) => Some(self.scanned + offset),
            None => {
                self.scanned = self.buffer.len();
                None
            }
        }
    }

    /// Takes the first `end` bytes of the buffer and `skip` more after them.
    fn take(&mut self, end: usize, skip: usize) -> BytesMut {
        let taken = self.buffer.split_to(end);
        self.buffer.advance(skip.min(self.buffer.len()));
        self.scanned = 0;
        taken
    }

    /// A record of JSON Lines or of a JSON sequence: the text up to the next separator (or the
    /// end), blank ones skipped.
    fn next_record(&mut self, separator: impl Fn(u8) -> bool) -> Option<ServerSentEvent> {
        loop {
            let end = match self.find(&separator) {
                Some(end) => end,
                None if self.ended && !self.buffer.is_empty() => self.buffer.len(),
                // A JSON text sequence's record ends with a line feed where its JSON is complete:
                // it is not held back until the next record begins.
                None if self.framing == Framing::JsonSeq
                    && !self.whole_body
                    && self.buffer.ends_with(b"\n")
                    && serde_json::from_slice::<serde::de::IgnoredAny>(&self.buffer).is_ok() =>
                {
                    self.buffer.len()
                }
                None => return None,
            };
            let record = self.take(end, 1);
            let text = String::from_utf8_lossy(&record);
            let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{1e}');
            if !text.is_empty() {
                return Some(ServerSentEvent { data: text.to_owned(), ..ServerSentEvent::default() });
            }
        }
    }

    /// The next line, without its end (CRLF, LF or CR); `None` until one is complete.
    fn next_line(&mut self) -> Option<String> {
        // The LF of a CRLF whose CR ended the last line, arrived since.
        if self.after_cr && !self.buffer.is_empty() {
            self.after_cr = false;
            if self.buffer[0] == b'\n' {
                self.take(0, 1);
            }
        }
        let end = self.find(|b| b == b'\n' || b == b'\r')?;
        let cr = self.buffer[end] == b'\r';
        let crlf = cr && self.buffer.get(end + 1) == Some(&b'\n');
        let line = self.take(end, if crlf { 2 } else { 1 });
        // A CR ends its line at once; when it is the last byte in hand, a LF starting the next
        // chunk belongs to the same line end.
        self.after_cr = cr && !crlf && self.buffer.is_empty();
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
                // An empty type is the default one, `message`.
                "event" => self.event.event = (!value.is_empty()).then(|| value.to_owned()),
                "data" => {
                    if self.has_data {
                        self.event.data.push('\n');
                    }
                    self.event.data.push_str(value);
                    self.has_data = true;
                }
                "id" if !value.contains('\0') => self.event.id = Some(value.to_owned()),
                "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    // Digits past u64 are ignored, as any value that is not a number.
                    if let Ok(retry) = value.parse() {
                        self.event.retry = Some(retry);
                    }
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
    fn random_streams_read_the_same_however_they_are_cut() {
        // xorshift64: a fixed sequence, so a failure repeats.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..300 {
            let mut text = String::new();
            let mut expected = Vec::new();
            for _ in 0..=next(4) {
                let end = ["\n", "\r\n", "\r"][next(3) as usize];
                let mut event = ServerSentEvent::default();
                if next(2) == 0 {
                    let name = format!("e{}", next(100));
                    text.push_str(&format!("event: {name}{end}"));
                    event.event = Some(name);
                }
                let data: Vec<String> = (0..=next(2)).map(|_| format!("{{\"n\":{}}}", next(1000))).collect();
                for line in &data {
                    let space = if next(2) == 0 { " " } else { "" };
                    text.push_str(&format!("data:{space}{line}{end}"));
                    if next(4) == 0 {
                        text.push_str(&format!(": comment{end}"));
                    }
                }
                event.data = data.join("\n");
                if next(2) == 0 {
                    let id = next(50).to_string();
                    text.push_str(&format!("id: {id}{end}"));
                    event.id = Some(id);
                }
                text.push_str(end);
                expected.push(event);
            }
            let mut chunks = Vec::new();
            let mut rest = text.as_bytes();
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at((next(7) as usize + 1).min(rest.len()));
                chunks.push(chunk);
                rest = tail;
            }
            assert_eq!(frames(Framing::ServerSentEvents, &chunks), expected, "{text:?} cut as {chunks:?}");
        }
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
    fn a_cr_ends_its_line_at_once_and_a_lf_in_the_next_chunk_is_part_of_it() {
        let mut frames = Frames::new(Framing::ServerSentEvents, 1 << 20);
        frames.push(b"data: x\r\r");
        let first = frames.next_frame().unwrap().map(|f| f.data);
        assert_eq!(first, Some("x".to_owned()), "no wait for a LF that may never come");
        frames.push(b"\ndata: y\r");
        assert_eq!(frames.next_frame(), Ok(None));
        frames.push(b"\n\n");
        assert_eq!(frames.next_frame().unwrap().map(|f| f.data), Some("y".to_owned()));
    }

    #[test]
    fn a_byte_order_mark_is_dropped_only_at_the_start_however_it_is_split() {
        let events = frames(Framing::ServerSentEvents, &[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]);
        assert_eq!(data(&events), ["a"]);
        // Past the start it is text: `\u{feff}data` is a field of another name.
        let events = frames(Framing::ServerSentEvents, &[b"\n", b"\xEF\xBB\xBFdata: a\n\ndata: b\n\n"]);
        assert_eq!(data(&events), ["b"]);
    }

    #[test]
    fn an_empty_event_type_is_the_default_and_an_overlong_retry_keeps_the_last() {
        let events = frames(
            Framing::ServerSentEvents,
            &[b"event:\nretry: 5\nretry: 99999999999999999999999\ndata: a\n\n"],
        );
        assert_eq!((events[0].event.as_deref(), events[0].retry), (None, Some(5)));
    }

    #[test]
    fn a_json_answer_where_a_stream_was_asked_for_is_one_frame() {
        let mut frames = Frames::new(Framing::ServerSentEvents, 1 << 20);
        frames.whole_body = true;
        frames.push(b"{\n  \"error\": {\"message\": \"no\"}\n}\n");
        assert_eq!(frames.next_frame(), Ok(None));
        frames.ended = true;
        assert_eq!(
            frames.next_frame().unwrap().map(|f| f.data),
            Some("{\n  \"error\": {\"message\": \"no\"}\n}".to_owned())
        );
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
        // A frame that arrives whole is held to the limit too.
        let mut lines = Frames::new(Framing::JsonLines, 8);
        lines.push(b"[1,2,3,4,5,6,7,8,9]\n");
        assert_eq!(lines.next_frame(), Err(8));
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

    /// An `error` event is an error even where the union of whole events would read it as one
    /// of its own.
    #[test]
    fn an_error_event_is_an_error_whatever_the_item_type_could_hold() {
        let body = Bytes::from_static(
            b"event: done\ndata: fin\n\nevent: error\ndata: {\"error\":{\"message\":\"Overloaded\"}}\n\n",
        );
        let stream =
            EventStream::from_bytes(body, Framing::ServerSentEvents, decode_whole_event::<serde_json::Value>);
        let items = collect(stream);
        assert_eq!(items[0].as_ref().unwrap()["data"], "fin");
        let err = items[1].as_ref().unwrap_err();
        assert!(matches!(err, Error::Stream { event: Some(event), .. } if event == "error"), "{err:?}");
        assert!(err.to_string().ends_with(": Overloaded"), "{err}");
    }

    #[test]
    fn decodes_whole_events_with_their_type() {
        let body =
            Bytes::from_static(b"event: run.created\ndata: {\"id\":\"r1\"}\n\nevent: done\ndata: fin\n\n");
        let stream = EventStream::from_bytes(body, Framing::ServerSentEvents, decode_whole_event::<RunEvent>);
        let items: Vec<_> = collect(stream).into_iter().map(Result::unwrap).collect();
        assert_eq!(items, [RunEvent::Created { id: "r1".into() }, RunEvent::Done("fin".into())]);
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct TextEvent {
        event: Option<String>,
        data: String,
        id: Option<String>,
    }

    #[test]
    fn whole_events_keep_their_data_as_text_where_the_schema_says_so() {
        let body = Bytes::from_static(b"event: msg\nid: 3\ndata: {\"text\":\"hi\"}\n\n");
        let stream =
            EventStream::from_bytes(body, Framing::ServerSentEvents, decode_whole_event_text::<TextEvent>);
        let items: Vec<_> = collect(stream).into_iter().map(Result::unwrap).collect();
        let expected =
            TextEvent { event: Some("msg".into()), data: "{\"text\":\"hi\"}".into(), id: Some("3".into()) };
        assert_eq!(items, [expected]);
    }

    #[test]
    fn hands_over_raw_events() {
        let body = Bytes::from_static(b"event: tick\ndata: 1\n\n");
        let items = collect(EventStream::from_bytes(body, Framing::ServerSentEvents, raw_event));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap().event.as_deref(), Some("tick"));
    }
}
