//! Calls from synchronous code: the `blocking` feature.
//!
//! [`Request::send_blocking`](super::Request::send_blocking) and its kin run the future `.await`
//! would on a runtime the process starts once, at the first blocking call (one worker thread
//! that drives the connections), and wait for its answer. A command-line tool or a synchronous
//! server calls the API without setting up tokio, and the client's connection pool is kept
//! between calls, as it is in async code. They work from any thread, `spawn_blocking`'s
//! included; from async code they block the calling thread until the answer is in, as any
//! blocking call does, so `.await` the request there.
//!
//! Called on that runtime's own thread (from a request hook, say), a blocking call would wait
//! for the thread that has to answer it, so it is refused with [`Error::InvalidRequest`]
//! before anything is sent.

use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{OnceLock, mpsc};

use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};

use super::error::Error;

thread_local! {
    /// Set on the blocking runtime's own threads.
    static ON_BLOCKING_RUNTIME: Cell<bool> = const { Cell::new(false) };
}

/// The process's runtime for blocking calls, started at the first one.
fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .on_thread_start(|| ON_BLOCKING_RUNTIME.with(|on| on.set(true)))
                .build()
                .map_err(|err| err.to_string())
        })
        .as_ref()
        .map_err(|err| Error::config(format!("cannot start the runtime for blocking calls: {err}")))
}

/// Runs `future` to its end on the blocking runtime and waits for its output; `call` names the
/// method, for the error on the runtime's own thread. A panic in it (a request hook's) is
/// raised again here, on the caller's thread.
pub(super) fn wait<F>(call: &str, future: F) -> Result<F::Output, Error>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if ON_BLOCKING_RUNTIME.with(Cell::get) {
        return Err(Error::invalid_request(format!(
            "`{call}` was called on the thread that runs blocking calls (from a request hook?), \
             which would wait for itself: await the request there instead"
        )));
    }
    let (sender, receiver) = mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        // The receiver waits for this send; it cannot have gone.
        let _ = sender.send(AssertUnwindSafe(future).catch_unwind().await);
    });
    match receiver.recv() {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // Only if the runtime dropped the task unfinished, which a runtime that is never shut
        // down does not do.
        Err(_) => Err(Error::config("the runtime for blocking calls stopped before answering")),
    }
}

/// The items of a list walk ([`ListRequest::into_iter_blocking`](super::ListRequest::into_iter_blocking))
/// or of a streamed answer, each waited for in turn. It ends where the stream does, or with the
/// one error of a call on the blocking runtime's own thread.
#[must_use = "an iterator does nothing until it is iterated"]
pub struct BlockingIter<I> {
    /// Moved to the runtime for each item and back; `None` once the iteration has ended.
    stream: Option<BoxStream<'static, Result<I, Error>>>,
}

impl<I> BlockingIter<I> {
    pub(super) fn new(stream: BoxStream<'static, Result<I, Error>>) -> Self {
        Self { stream: Some(stream) }
    }
}

impl<I: Send + 'static> Iterator for BlockingIter<I> {
    type Item = Result<I, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut stream = self.stream.take()?;
        // The stream's own errors need not end it (a frame that did not decode); a call on
        // the runtime's thread is refused once.
        match wait("into_iter_blocking", async move {
            let item = stream.next().await;
            (stream, item)
        }) {
            Ok((stream, item)) => {
                if item.is_some() {
                    self.stream = Some(stream);
                }
                item
            }
            Err(err) => Some(Err(err)),
        }
    }
}

impl<I> std::fmt::Debug for BlockingIter<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingIter").field("ended", &self.stream.is_none()).finish_non_exhaustive()
    }
}
