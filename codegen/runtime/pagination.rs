//! Paginated list operations: the first page as a future, or every item as a
//! lazily fetched stream.
//!
//! Five kinds: offsets (`limit` + `offset` query parameters, `has_more` in the
//! response), page numbers (`page=2`), cursors (a query parameter set to what
//! the page says comes next: the last item's id, as Stripe's `starting_after`,
//! or a token the response carries, as Google's `nextPageToken` for
//! `pageToken`), next-page links (a URL the response carries, as Azure's
//! `nextLink` or Django REST framework's `next`), and `Link` response headers
//! (RFC 8288's `rel="next"`, as GitHub's).

use std::collections::HashSet;
use std::future::IntoFuture;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::StreamExt;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::decode::{RawResponse, decode_json};
use super::error::Error;
use super::request::{BoxFuture, RequestOptions, RequestSpec, Response, execute};

/// A count of items a page states, as a `u64` (`None` for a negative one): what generated
/// [`Page::total`] impls return, whatever integer type the API gives it.
pub fn count<N: TryInto<u64>>(n: N) -> Option<u64> {
    n.try_into().ok()
}

/// A page of a list response, as generated for each list envelope type.
pub trait Page: DeserializeOwned + Send + 'static {
    /// The element type of the list.
    type Item: Send + 'static;
    /// The page's items, in order.
    fn into_items(self) -> Vec<Self::Item>;
    /// Whether the server has more items after this page.
    fn has_more(&self) -> bool;
    /// `true` where [`Page::has_more`] is a guess (a page with items may have more after it)
    /// rather than a flag the server sets. Walks by offset then also end at a page the same as
    /// the one before, as a server that ignores the offset would answer.
    const HAS_MORE_IS_GUESSED: bool = false;
    /// The number of items of all pages together, where the page says so: a walk by offset
    /// without a `has_more` flag ends when it has reached it (a flag the server sets decides
    /// alone).
    fn total(&self) -> Option<u64> {
        None
    }
    /// The cursor parameter's value for the page after this one
    /// ([`Pagination::Cursor`]), or its URL ([`Pagination::NextLink`]); `None`
    /// when this is the last page.
    fn next_cursor(&self) -> Option<String> {
        None
    }
}

/// How a list operation pages through results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pagination {
    /// `limit`/`offset` query parameters (`skip`, `start`, `$skip`...); the next
    /// offset is the current one plus the number of items received.
    Offset {
        /// Name of the page-size query parameter.
        limit: &'static str,
        /// Name of the offset query parameter.
        offset: &'static str,
    },
    /// A page-number query parameter, counted up from the page the server
    /// answers when none is asked for.
    PageNumber {
        /// Name of the page-size query parameter, if the operation has one.
        limit: Option<&'static str>,
        /// Name of the page-number query parameter.
        page: &'static str,
        /// The number of the page the server answers without the parameter.
        first: u64,
    },
    /// A cursor query parameter set to the page's [`Page::next_cursor`] for
    /// the next page.
    Cursor {
        /// Name of the page-size query parameter, if the operation has one.
        limit: Option<&'static str>,
        /// Name of the cursor query parameter.
        cursor: &'static str,
    },
    /// The URL of the next page, which [`Page::next_cursor`] reads from the
    /// page, requested as it is (same host and base path only: the request's
    /// credentials go with it).
    NextLink {
        /// Name of the page-size query parameter, if the operation has one.
        limit: Option<&'static str>,
        /// Name of a cursor query parameter: a next page the response names
        /// by a token rather than a URL is asked for with it.
        cursor: Option<&'static str>,
    },
    /// The URL of the next page in the response's `Link` header
    /// (`<https://…?page=2>; rel="next"`, RFC 8288), requested as
    /// [`Pagination::NextLink`]'s are.
    LinkHeader {
        /// Name of the page-size query parameter, if the operation has one.
        limit: Option<&'static str>,
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

    /// Bounds the time each page request may take in all, its retries included (see
    /// [`Request::total_timeout`](super::Request::total_timeout)).
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.options.total_timeout = Some(total);
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

    /// Sets the page size (the pagination's limit parameter). An operation
    /// without one fails with [`Error::InvalidRequest`] when sent.
    pub fn page_size(mut self, size: u64) -> Self {
        match self.pagination {
            Pagination::Offset { limit, .. }
            | Pagination::PageNumber { limit: Some(limit), .. }
            | Pagination::Cursor { limit: Some(limit), .. }
            | Pagination::NextLink { limit: Some(limit), .. }
            | Pagination::LinkHeader { limit: Some(limit) } => {
                self.spec.set_query_param(limit, size.to_string());
            }
            Pagination::PageNumber { limit: None, .. }
            | Pagination::Cursor { limit: None, .. }
            | Pagination::NextLink { limit: None, .. }
            | Pagination::LinkHeader { limit: None } => {
                self.spec.fail("this list operation has no page-size parameter".to_owned());
            }
        }
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
    /// when the consumer polls past the current one. The stream starts where the
    /// caller's request does (offset 0 or the caller's offset; the first page
    /// or the caller's page; the caller's cursor, if any) and ends after the
    /// last page, and after yielding an error. With offsets the last page is an
    /// empty one, one without `has_more`, one that reaches the page's total,
    /// or, where `has_more` is a guess, one the same as the page before; with
    /// page numbers, an empty one, one without `has_more`, or one the
    /// same as the page before (a server that answers its last page for any
    /// page after it); with cursors and links (in the body or the `Link`
    /// header) it is one without a next cursor or link, or whose next one was
    /// sent before (a server that would repeat pages forever).
    /// Polling after the end keeps returning `None`.
    pub fn into_stream(self) -> impl Stream<Item = Result<T::Item, Error>> + Send + Unpin + 'static {
        let mut pending_error = None;
        let mut position = 0;
        let mut sent_cursors = HashSet::new();
        match self.pagination {
            Pagination::Offset { offset: name, .. } | Pagination::PageNumber { page: name, .. } => {
                if let Pagination::PageNumber { first, .. } = self.pagination {
                    position = first;
                }
                match self.spec.query_param(name).map(str::parse::<u64>) {
                    None => {}
                    Some(Ok(start)) => position = start,
                    Some(Err(_)) => {
                        pending_error = Some(Error::invalid_request(format!(
                            "parameter `{name}` is not a non-negative integer"
                        )));
                    }
                }
            }
            // Query values are held percent-encoded; cursors are compared as the page gives them.
            Pagination::Cursor { cursor, .. } | Pagination::NextLink { cursor: Some(cursor), .. } => {
                sent_cursors.extend(
                    self.spec
                        .query_param(cursor)
                        .map(|sent| percent_decode_str(sent).decode_utf8_lossy().into_owned()),
                )
            }
            Pagination::NextLink { cursor: None, .. } | Pagination::LinkHeader { .. } => {}
        }
        ItemStream::<T> {
            client: self.client,
            next: pending_error.is_none().then_some(NextPage::First),
            spec: self.spec,
            options: self.options,
            pagination: self.pagination,
            items: Vec::new().into_iter(),
            position,
            last_body: None,
            sent_cursors,
            pending_error,
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

#[cfg(feature = "blocking")]
impl<T: Page> ListRequest<T> {
    /// [`send`](Self::send) from synchronous code (the `blocking` feature): the first page.
    /// From async code it blocks the calling thread: `.await` it there instead.
    pub fn send_blocking(self) -> Result<T, Error> {
        super::blocking::wait("send_blocking", self.into_future())?
    }

    /// [`collect_all`](Self::collect_all) from synchronous code (the `blocking` feature).
    pub fn collect_all_blocking(self) -> Result<Vec<T::Item>, Error> {
        super::blocking::wait("collect_all_blocking", self.collect_all())?
    }

    /// [`into_stream`](Self::into_stream) from synchronous code (the `blocking` feature): every
    /// item of every page, the next page fetched when the loop reaches it.
    ///
    /// ```no_run
    /// # use atlaspay::runtime::{Error, ListRequest, Page};
    /// # fn walk<P: Page<Item: std::fmt::Debug>>(list: ListRequest<P>) -> Result<(), Error> {
    /// for item in list.into_iter_blocking() {
    ///     println!("{:?}", item?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn into_iter_blocking(self) -> super::blocking::BlockingIter<T::Item> {
        super::blocking::BlockingIter::new(Box::pin(self.into_stream()))
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

/// The page [`ItemStream`] asks for next.
enum NextPage {
    /// The request as the caller built it.
    First,
    /// The page at this offset, or with this number.
    Position(u64),
    /// The page this cursor (or link) names.
    Cursor(String),
}

/// The stream of [`ListRequest::into_stream`]. Written out rather than built with
/// `stream::unfold`, which moves its whole state (client, request, options: ~450 bytes) into a
/// new future and back out for every item: 4% more instructions than a bare loop over the same
/// pages. Here yielding an item moves only the item.
struct ItemStream<T: Page> {
    client: Client,
    spec: RequestSpec,
    options: RequestOptions,
    pagination: Pagination,
    items: std::vec::IntoIter<T::Item>,
    /// The page to fetch next; `None` once the stream is finished.
    next: Option<NextPage>,
    /// Offset or number of the page last requested.
    position: u64,
    /// A hash of the body of the page before (page numbers), to notice the same page again.
    last_body: Option<u64>,
    /// The cursors sent (cursor pagination), so that a page naming one again ends the stream.
    sent_cursors: HashSet<String>,
    pending_error: Option<Error>,
    pages_left: Option<u64>,
    /// The page being fetched.
    fetching: Option<BoxFuture<'static, Result<RawResponse, Error>>>,
}

// No field is ever pinned in place (the fetch is boxed), so the items need not be `Unpin`.
impl<T: Page> Unpin for ItemStream<T> {}

impl<T: Page> ItemStream<T> {
    /// Points the request at `next` and starts fetching it; `false` when the stream is over.
    fn start_fetch(&mut self) -> bool {
        let Some(next) = self.next.take() else { return false };
        if let Some(left) = self.pages_left.as_mut() {
            if *left == 0 {
                return false;
            }
            *left -= 1;
        }
        match (next, self.pagination) {
            (NextPage::First, _) => {}
            (
                NextPage::Position(position),
                Pagination::Offset { offset: name, .. } | Pagination::PageNumber { page: name, .. },
            ) => {
                self.position = position;
                self.spec.set_query_param(name, position.to_string());
            }
            (NextPage::Cursor(cursor), Pagination::Cursor { cursor: name, .. }) => {
                self.spec.set_query_param(name, cursor.clone());
                self.sent_cursors.insert(cursor);
            }
            (
                NextPage::Cursor(link),
                pagination @ (Pagination::NextLink { .. } | Pagination::LinkHeader { .. }),
            ) => {
                // A `Link` header's target is always a URI reference (`<page2>` is relative to the
                // request); a body's may be a token, for the cursor parameter if there is one.
                let (name, header) = match pagination {
                    Pagination::NextLink { cursor, .. } => (cursor, false),
                    _ => (None, true),
                };
                let followed = match (header || is_link(&link), name) {
                    (false, Some(name)) => {
                        self.spec.set_query_param(name, link.clone());
                        Ok(())
                    }
                    (false, None) => Err(format!(
                        "the next page's link `{link}` is not a URL (absolute, or a path starting with `/`)"
                    )),
                    (true, _) => match self.client.inner.base.as_ref() {
                        Some(base) => {
                            self.spec.follow_link(base, self.client.inner.documented_base.as_ref(), &link)
                        }
                        None => Err("the client has no base URL".to_owned()),
                    },
                };
                self.sent_cursors.insert(link);
                if let Err(message) = followed {
                    let err = Error::invalid_request(format!(
                        "{} {}: {message}",
                        self.spec.method(),
                        self.spec.path()
                    ));
                    self.fetching = Some(Box::pin(async move { Err(err) }));
                    return true;
                }
            }
            // Each pagination only ever produces its own kind of next page.
            _ => return false,
        }
        // The fetch owns what it sends: a copy per page, none per item.
        let (client, spec, options) = (self.client.clone(), self.spec.clone(), self.options.clone());
        self.fetching = Some(Box::pin(async move { execute(&client, &spec, &options).await }));
        true
    }

    /// Takes a page's items and decides the page after it; `body` is the page's hash, where
    /// bodies are compared, and `header_link` the next page's URL in its `Link` header.
    fn take_page(&mut self, page: T, body: Option<u64>, header_link: Option<String>) {
        self.next = match self.pagination {
            Pagination::Offset { .. } => {
                let more = page.has_more();
                let total = page.total();
                let items = page.into_items();
                let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
                let next = self.position.checked_add(count);
                let below_total = !T::HAS_MORE_IS_GUESSED
                    || total.is_none_or(|total| next.is_some_and(|next| next < total));
                let repeated = self.buffer_unless_repeated(items, body);
                // An empty page ends the walk whatever `has_more` says: asking for the same
                // offset again would return it again.
                (more && count > 0 && below_total && !repeated)
                    .then_some(next)
                    .flatten()
                    .map(NextPage::Position)
            }
            Pagination::PageNumber { .. } => {
                let more = page.has_more();
                let items = page.into_items();
                let empty = items.is_empty();
                let repeated = self.buffer_unless_repeated(items, body);
                (more && !empty && !repeated)
                    .then(|| self.position.checked_add(1))
                    .flatten()
                    .map(NextPage::Position)
            }
            // An empty page with a next cursor is not the end: token APIs may return one.
            Pagination::Cursor { .. } | Pagination::NextLink { .. } | Pagination::LinkHeader { .. } => {
                let cursor = match self.pagination {
                    Pagination::LinkHeader { .. } => header_link,
                    _ => page.next_cursor(),
                };
                let cursor =
                    cursor.filter(|cursor| !cursor.is_empty() && !self.sent_cursors.contains(cursor));
                self.items = page.into_items().into_iter();
                cursor.map(NextPage::Cursor)
            }
        };
    }

    /// Buffers a page's items unless its body (`body`: its hash, where bodies are compared) is
    /// the one before's: the same page again is not yielded twice. Returns whether it was.
    fn buffer_unless_repeated(&mut self, items: Vec<T::Item>, body: Option<u64>) -> bool {
        let repeated = body.is_some() && std::mem::replace(&mut self.last_body, body) == body;
        if !repeated {
            self.items = items.into_iter();
        }
        repeated
    }
}

impl<T: Page> Stream for ItemStream<T> {
    type Item = Result<T::Item, Error>;

    /// Yields the buffered items of the current page, then fetches the next page. Ends after
    /// the last page or an error; polling after the end keeps returning `None`.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(err) = this.pending_error.take() {
            return Poll::Ready(Some(Err(err)));
        }
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.fetching.is_none() && !this.start_fetch() {
                return Poll::Ready(None);
            }
            let Some(fetch) = this.fetching.as_mut() else { return Poll::Ready(None) };
            let Poll::Ready(response) = fetch.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            this.fetching = None;
            // Only page numbers and guessing offsets compare bodies: hashing every page of other
            // lists would be waste.
            let compare_bodies = match this.pagination {
                Pagination::PageNumber { .. } => true,
                Pagination::Offset { .. } => T::HAS_MORE_IS_GUESSED,
                Pagination::Cursor { .. } | Pagination::NextLink { .. } | Pagination::LinkHeader { .. } => {
                    false
                }
            };
            let header_link = matches!(this.pagination, Pagination::LinkHeader { .. });
            let decoded = response.and_then(|raw| {
                let body = compare_bodies.then(|| body_hash(raw.body()));
                let link = if header_link { next_link(raw.headers()) } else { None };
                Ok((decode_json::<T>(&raw)?, body, link))
            });
            match decoded {
                Ok((page, body, link)) => this.take_page(page, body, link),
                Err(err) => return Poll::Ready(Some(Err(err))),
            }
        }
    }
}

/// The target of the first `rel="next"` link of a response's `Link` headers (RFC 8288:
/// `<https://…?page=2>; rel="next", <…>; rel="last"`; a `rel` may list several relation types,
/// and a quoted parameter may hold `,` or `;`).
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    // Non-ASCII text (a `title="Página 2"`) does not hide the link: the target is ASCII.
    let values =
        headers.get_all(reqwest::header::LINK).iter().map(|value| String::from_utf8_lossy(value.as_bytes()));
    values.into_iter().find_map(|value| {
        let mut rest = value.as_ref();
        loop {
            // The target may hold `,` and `;` itself, so it is cut out first.
            let start = rest.find('<')?;
            let end = start + rest[start..].find('>')?;
            let target = &rest[start + 1..end];
            let (params, after) = split_unquoted(&rest[end + 1..], ',');
            let mut params = Some(params);
            let next = std::iter::from_fn(|| {
                let (param, tail) = split_unquoted(params?, ';');
                params = tail;
                Some(param)
            })
            .any(|param| {
                let Some((name, relations)) = param.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && relations
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|relation| relation.eq_ignore_ascii_case("next"))
            });
            if next {
                return Some(target.trim().to_owned());
            }
            rest = after?;
        }
    })
}

/// `text` up to the first `separator` outside double quotes (a quoted string may escape a quote
/// with `\\`), and what follows it, if any.
fn split_unquoted(text: &str, separator: char) -> (&str, Option<&str>) {
    let mut quoted = false;
    let mut escaped = false;
    let at = text.char_indices().find(|&(_, c)| {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ => {}
        }
        c == separator && !quoted
    });
    match at {
        Some((i, _)) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    }
}

/// Whether a next page's reference is a URL (absolute, or a path or query to resolve against the
/// request's) rather than a token for the cursor parameter.
fn is_link(reference: &str) -> bool {
    let reference = reference.trim_start();
    reference.starts_with(['/', '?'])
        || ["http://", "https://"].iter().any(|scheme| {
            reference.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        })
}

/// A page body's hash, to tell a page answered twice.
fn body_hash(body: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    hasher.finish()
}

/// A bare JSON array answers one page of a page-numbered list: the last page is an empty one.
impl<T: DeserializeOwned + Send + 'static> Page for Vec<T> {
    type Item = T;
    fn into_items(self) -> Vec<T> {
        self
    }
    fn has_more(&self) -> bool {
        !self.is_empty()
    }
    const HAS_MORE_IS_GUESSED: bool = true;
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, LINK};

    use super::{is_link, next_link};

    #[test]
    fn a_link_is_an_absolute_url_or_a_path_or_query_a_token_is_anything_else() {
        for link in
            ["https://api.example.com/items?page=2", "HTTP://api.example.com/x", "/items?page=2", "?page=2"]
        {
            assert!(is_link(link), "{link}");
        }
        for token in ["2", "dXNlcjo=", "items?page=2", "ftp://host/x", ""] {
            assert!(!is_link(token), "{token}");
        }
    }

    #[test]
    fn the_next_link_is_the_target_whose_relations_include_next() {
        let link = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(LINK, HeaderValue::from_str(value).unwrap());
            }
            next_link(&headers)
        };
        let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(link(&[github]).as_deref(), Some("https://api.github.com/repositories/1/issues?page=2"));
        // `next` after other links, unquoted, upper case, among other relations, in a second header.
        assert_eq!(link(&["</a?p=1>; rel=prev, </a?p=3>; REL=NEXT"]).as_deref(), Some("/a?p=3"));
        assert_eq!(link(&[r#"</a?p=3>; rel="last next""#]).as_deref(), Some("/a?p=3"));
        assert_eq!(link(&["</a?p=1>; rel=first", "</a?p=2>; rel=next"]).as_deref(), Some("/a?p=2"));
        // Commas and semicolons in the target and in quoted parameters are not separators.
        assert_eq!(
            link(&[r#"</a?labels=x,y;z>; title="b, rel=next"; rel="prev", </a?p=2>; title="a;b"; rel=next"#])
                .as_deref(),
            Some("/a?p=2")
        );
        // No next page: the last page, no header, relation names that only contain `next`.
        assert_eq!(link(&[r#"<https://x/a?page=1>; rel="prev", <https://x/a?page=1>; rel="first""#]), None);
        assert_eq!(link(&[]), None);
        assert_eq!(link(&[r#"</a?p=2>; rel="nextpage", </a?p=3>; rev="next""#]), None);
        assert_eq!(link(&["</a?p=2"]), None);
        // Escaped quotes in a quoted parameter, non-ASCII text, a relative target.
        assert_eq!(
            link(&[r#"</a?p=1>; title="x\"y, rel=next", </a?p=2>; rel="next""#]).as_deref(),
            Some("/a?p=2")
        );
        let non_ascii = HeaderValue::from_bytes("</a?p=2>; title=\"Página 2\"; rel=next".as_bytes()).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(LINK, non_ascii);
        assert_eq!(next_link(&headers).as_deref(), Some("/a?p=2"));
        assert_eq!(link(&["<page2?x=1>; rel=next"]).as_deref(), Some("page2?x=1"));
    }
}
