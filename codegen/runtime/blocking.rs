//! Calls from synchronous code: the `blocking` feature.
//!
//! [`Request::send_blocking`](super::Request::send_blocking) and its kin wait for the same
//! future `.await` would, on a runtime the process starts once, at the first blocking call:
//! one background thread that drives the connections. A command-line tool or a synchronous
//! server calls the API without setting up tokio, and the client's connection pool is kept
//! between calls, as it is in async code.
//!
//! Called from inside an async runtime, a blocking call would stall that runtime's thread (and
//! tokio would panic), so it is refused with [`Error::InvalidRequest`] before anything is
//! sent: await the request there instead.

use std::future::Future;
use std::sync::OnceLock;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use super::error::Error;

/// The process's runtime for blocking calls, started at the first one.
fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .map_err(|err| err.to_string())
        })
        .as_ref()
        .map_err(|err| Error::config(format!("cannot start the runtime for blocking calls: {err}")))
}

/// Runs `future` to its end on the blocking runtime; `call` names the method, for the error
/// when it is called from async code.
pub(super) fn wait<F: Future>(call: &str, future: F) -> Result<F::Output, Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::invalid_request(format!(
            "`{call}` was called inside an async runtime, whose thread it would block: await the \
             request instead"
        )));
    }
    Ok(runtime()?.block_on(future))
}

/// The items of a list walk ([`ListRequest::into_iter_blocking`](super::ListRequest::into_iter_blocking))
/// or of a streamed answer, each waited for in turn. It ends where the stream does, or with the
/// one error of a call from async code.
#[must_use = "an iterator does nothing until it is iterated"]
pub struct BlockingIter<I> {
    stream: BoxStream<'static, Result<I, Error>>,
    ended: bool,
}

impl<I> BlockingIter<I> {
    pub(super) fn new(stream: BoxStream<'static, Result<I, Error>>) -> Self {
        Self { stream, ended: false }
    }
}

impl<I> Iterator for BlockingIter<I> {
    type Item = Result<I, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended {
            return None;
        }
        // The stream's own errors need not end it (a frame that did not decode); a call from
        // async code is refused once.
        match wait("into_iter_blocking", self.stream.next()) {
            Ok(next) => {
                self.ended = next.is_none();
                next
            }
            Err(err) => {
                self.ended = true;
                Some(Err(err))
            }
        }
    }
}

impl<I> std::fmt::Debug for BlockingIter<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingIter").field("ended", &self.ended).finish_non_exhaustive()
    }
}
