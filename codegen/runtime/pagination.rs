//! Paginated list operations: the first page as a future, or every item as a
//! lazily fetched stream.
//!
//! Only offset pagination exists today (`limit` + `offset` query parameters,
//! `has_more` in the response); cursor styles can be added to [`Pagination`]
//! without breaking callers.

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::decode::{RawResponse, decode_json};
use super::error::Error;
use super::request::{BoxFuture, RequestOptions, RequestSpec, Response, execute};

/// A page of a list response, as generated for each list envelope type.
pub trait Page: DeserializeOwned + Send + 'static {
    /// The element type of the list.
    type Item: Send + 'static;
    /// The page's items, in order.
    fn into_items(self) -> Vec<Self::Item>;
    /// Whether the server has more items after this page.
    fn has_more(&self) -> bool;
}

/// How a list operation pages through results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pagination {
    /// `limit`/`offset` query parameters; the next offset is the current one
    /// plus the number of items received.
    Offset {
        /// Name of the page-size query parameter.
        limit: &'static str,
        /// Name of the offset query parameter.
        offset: &'static str,
    },
}

/// A list request: await it for the first page, or turn it into a stream of
/// all items with [`ListRequest::into_stream`].
///
/// ```no_run
/// # use atlaspay::runtime::{ListRequest, Page};
/// # async fn demo<P: Page>(list: ListRequest<P>) -> Result<(), atlaspay::runtime::Error>
/// # where P::Item: std::fmt::Debug {
/// use futures_util::StreamExt;
///
/// let mut items = list.into_stream();
/// while let Some(item) = items.next().await {
///     println!("{:?}", item?);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a list request does nothing until it is awaited or streamed"]
pub struct ListRequest<T: Page> {
    client: Client,
    spec: RequestSpec,
    pagination: Pagination,
    options: RequestOptions,
    max_pages: Option<u64>,
    _page: PhantomData<fn() -> T>,
}

impl<T: Page> ListRequest<T> {
    pub(super) fn new(
        client: Client,
        spec: RequestSpec,
        pagination: Pagination,
        options: RequestOptions,
    ) -> Self {
        Self { client, spec, pagination, options, max_pages: None, _page: PhantomData }
    }

    /// Overrides the per-attempt timeout for every page request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries for every page request.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// Adds (or replaces) a header on every page request.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.options.headers.push((name, value.into()));
        self
    }

    /// Sets the page size (the pagination's limit parameter).
    pub fn page_size(mut self, size: u64) -> Self {
        let Pagination::Offset { limit, .. } = self.pagination;
        self.spec.set_query_param(limit, size.to_string());
        self
    }

    /// Stops the stream after this many pages (no limit by default).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<T, Error> {
        self.into_future().await
    }

    /// Fetches the first page with status, headers, request id and rate limits.
    pub async fn send_with_response(self) -> Result<Response<T>, Error> {
        let raw = execute(&self.client, &self.spec, &self.options).await?;
        let page = decode_json::<T>(&raw)?;
        Ok(Response::new(raw, page))
    }

    /// All items of all pages, fetched lazily: the next page is requested only
    /// when the consumer polls past the current one. The stream starts at the
    /// caller's offset (default 0), ends when a page is empty or `has_more` is
    /// false, and ends after yielding an error. Polling after the end keeps
    /// returning `None`.
    pub fn into_stream(self) -> impl Stream<Item = Result<T::Item, Error>> + Send + Unpin + 'static {
        let Pagination::Offset { offset: offset_name, .. } = self.pagination;
        let start = match self.spec.query_param(offset_name) {
            None => Ok(0),
            Some(text) => text.parse::<u64>().map_err(|_| {
                Error::invalid_request(format!(
                    "offset parameter `{offset_name}` is not a non-negative integer"
                ))
            }),
        };
        let (next_offset, pending_error) = match start {
            Ok(offset) => (Some(offset), None),
            Err(err) => (None, Some(err)),
        };
        ItemStream::<T> {
            client: self.client,
            spec: self.spec,
            options: self.options,
            offset_name,
            items: Vec::new().into_iter(),
            next_offset,
            pending_error,
            first: true,
            pages_left: self.max_pages,
            fetching: None,
        }
    }

    /// Fetches every page and returns all items; stops at the first error.
    pub async fn collect_all(self) -> Result<Vec<T::Item>, Error> {
        let mut stream = self.into_stream();
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<T: Page> IntoFuture for ListRequest<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let raw = execute(&self.client, &self.spec, &self.options).await?;
            decode_json::<T>(&raw)
        })
    }
}

impl<T: Page> std::fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("spec", &self.spec)
            .field("pagination", &self.pagination)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

/// The stream of [`ListRequest::into_stream`]. Written out rather than built with
/// `stream::unfold`, which moves its whole state (client, request, options: ~450 bytes) into a
/// new future and back out for every item: 4% more instructions than a bare loop over the same
/// pages. Here yielding an item moves only the item.
struct ItemStream<T: Page> {
    client: Client,
    spec: RequestSpec,
    options: RequestOptions,
    offset_name: &'static str,
    items: std::vec::IntoIter<T::Item>,
    /// Offset of the next page to fetch; `None` once the stream is finished.
    next_offset: Option<u64>,
    pending_error: Option<Error>,
    first: bool,
    pages_left: Option<u64>,
    /// The page being fetched, and its offset.
    fetching: Option<(u64, BoxFuture<'static, Result<RawResponse, Error>>)>,
}

// No field is ever pinned in place (the fetch is boxed), so the items need not be `Unpin`.
impl<T: Page> Unpin for ItemStream<T> {}

impl<T: Page> Stream for ItemStream<T> {
    type Item = Result<T::Item, Error>;

    /// Yields the buffered items of the current page, then fetches the next page. Ends after
    /// the last page, an empty page or an error; polling after the end keeps returning `None`.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(err) = this.pending_error.take() {
            return Poll::Ready(Some(Err(err)));
        }
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            let (offset, fetch) = match &mut this.fetching {
                Some((offset, fetch)) => (*offset, fetch),
                None => {
                    let Some(offset) = this.next_offset.take() else {
                        return Poll::Ready(None);
                    };
                    if let Some(left) = this.pages_left.as_mut() {
                        if *left == 0 {
                            return Poll::Ready(None);
                        }
                        *left -= 1;
                    }
                    if !this.first {
                        this.spec.set_query_param(this.offset_name, offset.to_string());
                    }
                    this.first = false;
                    // The fetch owns what it sends: a copy per page, none per item.
                    let (client, spec, options) =
                        (this.client.clone(), this.spec.clone(), this.options.clone());
                    let fetch = Box::pin(async move { execute(&client, &spec, &options).await });
                    let (_, fetch) = this.fetching.insert((offset, fetch));
                    (offset, fetch)
                }
            };
            let Poll::Ready(response) = fetch.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            this.fetching = None;
            let page = match response.and_then(|raw| decode_json::<T>(&raw)) {
                Ok(page) => page,
                Err(err) => return Poll::Ready(Some(Err(err))),
            };
            let more = page.has_more();
            let items = page.into_items();
            if items.is_empty() {
                return Poll::Ready(None);
            }
            let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
            this.next_offset = if more { offset.checked_add(count) } else { None };
            this.items = items.into_iter();
        }
    }
}
