//! A tiny keep-alive HTTP/1.1 responder on 127.0.0.1 for the runtime benchmarks.
//!
//! It serves precomputed responses (status line, headers and body in one buffer, written with
//! one `write_all`), so the server side costs the same for every client and close to nothing:
//! what differs between two measured clients is the client. No request matching beyond the path.
//! It runs on its own thread with its own current-thread tokio runtime and stops when dropped;
//! every loop is bounded in count and time.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::fixtures;

/// Items per page and pages served under `/v1/customers?limit=100&offset=…`.
pub const PAGE_SIZE: usize = 100;
pub const PAGES: usize = 10;

/// The server stops accepting after this long even if it is never dropped.
const LIFETIME: Duration = Duration::from_secs(3 * 3600);
/// Connections accepted at most (keep-alive clients use one or a few).
const MAX_CONNECTIONS: usize = 4_096;
/// Requests served on one connection at most.
const MAX_REQUESTS_PER_CONNECTION: u64 = 50_000_000;
/// An idle connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Request heads larger than this are refused.
const MAX_HEAD: usize = 64 * 1024;

/// The canned responses.
#[derive(Clone)]
struct Routes {
    customer: Bytes,
    pages: Vec<Bytes>,
    not_found: Bytes,
}

impl Routes {
    fn new() -> Self {
        let customer = serde_json::to_vec(&fixtures::customer_json(1)).unwrap_or_default();
        let total = PAGE_SIZE * PAGES;
        let pages = (0..PAGES)
            .map(|p| response(200, &fixtures::customer_page_bytes(p * PAGE_SIZE, PAGE_SIZE, total)))
            .collect();
        let not_found = response(
            404,
            br#"{"error":{"type":"invalid_request_error","code":"not_found","message":"no route"}}"#,
        );
        Self { customer: response(200, &customer), pages, not_found }
    }

    fn route(&self, target: &str) -> &Bytes {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path.starts_with("/v1/customers/") {
            return &self.customer;
        }
        if path == "/v1/customers" {
            let offset = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("offset="))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if offset % PAGE_SIZE == 0
                && let Some(page) = self.pages.get(offset / PAGE_SIZE)
            {
                return page;
            }
        }
        &self.not_found
    }
}

fn response(status: u16, body: &[u8]) -> Bytes {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: req_bench\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    Bytes::from(out)
}

/// A running server; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub fn start() -> io::Result<Self> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(Routes::new());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let thread_stop = stop.clone();
        let thread = std::thread::Builder::new().name("bench-server".to_owned()).spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(listener) else { return };
                let started = Instant::now();
                let mut accepted = 0;
                while accepted < MAX_CONNECTIONS
                    && started.elapsed() < LIFETIME
                    && !thread_stop.load(Ordering::Relaxed)
                {
                    if let Ok(Ok((stream, _))) =
                        tokio::time::timeout(Duration::from_millis(100), listener.accept()).await
                    {
                        accepted += 1;
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(serve(stream, routes.clone()));
                    }
                }
            });
            // Dropping the runtime here cancels the connection tasks.
        })?;
        Ok(Self { addr, stop, thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one keep-alive connection.
async fn serve(mut stream: TcpStream, routes: Arc<Routes>) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut served = 0u64;
    while served < MAX_REQUESTS_PER_CONNECTION {
        // Read until a whole request head is buffered.
        let head_end = loop {
            if let Some(end) = find_head_end(&buf) {
                break end;
            }
            if buf.len() > MAX_HEAD {
                return;
            }
            match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => return,
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let body_len = content_length(&head);
        // Skip a request body if one was sent (the benchmarks only send GETs).
        while buf.len() < head_end + body_len {
            match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => return,
            }
        }
        buf.drain(..head_end + body_len);
        let target = head.split(' ').nth(1).unwrap_or("/");
        if stream.write_all(routes.route(target)).await.is_err() {
            return;
        }
        served += 1;
        if head.to_ascii_lowercase().contains("\r\nconnection: close") {
            return;
        }
    }
}

/// The index just past `\r\n\r\n`.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_customers_and_pages_with_keep_alive() {
        let server = Server::start().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let http = reqwest::Client::new();
            for _ in 0..3 {
                let r = http.get(format!("{}/v1/customers/cus_1", server.url())).send().await.unwrap();
                assert_eq!(r.status(), 200);
                let c: atlaspay::types::Customer = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
                assert!(c.id.starts_with("cus_0001"));
            }
            let r =
                http.get(format!("{}/v1/customers?limit=100&offset=900", server.url())).send().await.unwrap();
            let page: atlaspay::types::CustomerList =
                serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
            assert_eq!(page.data.len(), 100);
            assert!(!page.has_more);
            let r = http.get(format!("{}/nope", server.url())).send().await.unwrap();
            assert_eq!(r.status(), 404);
        });
    }
}
