//! Retry policy: which failures are retried, and how long to wait in between.
//!
//! * Retried: connection failures, timeouts, 408, a 409 whose conflicting
//!   request is still running (exactly `idempotency_key_in_use`,
//!   `session_already_processing` and `lock_timeout`), 429 and 5xx. Never other
//!   4xx (nor other 409s: a key reused with other parameters, an object already
//!   in its final state, a value already taken), nor a server certificate
//!   rustls refused (the same on every attempt).
//! * A request that is not safe to repeat (a POST or PATCH without an
//!   idempotency key, which only operations whose server honours one get) is
//!   retried only when it certainly never reached the server (connect errors)
//!   or on 429/503 that say how long to wait ([`server_wait`]).
//! * Waits use exponential backoff with full jitter: attempt `n` (0-based)
//!   waits a uniform random time in `[0, min(max_delay, initial * 2^n)]`. A
//!   `Retry-After` header (delta-seconds or HTTP-date) replaces the backoff, as
//!   does, on a 429 without one, the time until `X-RateLimit-Reset`. Where the
//!   server asks for more than [`MAX_RETRY_AFTER`], the error is returned at once
//!   (its `retry_after()` says how long): waiting a minute only to be refused
//!   again helps no caller, and retrying sooner than asked would hammer.
//! * Everything is bounded: at most [`MAX_RETRIES_CAP`] retries, and a total
//!   deadline from [`RetryPolicy::total_budget`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest wait the server may ask for (`Retry-After`, a rate limit's reset) that the
/// client waits out before retrying; a longer one ends the request with its error.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Hard upper bound on retries, whatever is configured.
pub const MAX_RETRIES_CAP: u32 = 10;

/// Hard upper bound on the total time spent on one request, retries included.
pub const MAX_TOTAL_BUDGET: Duration = Duration::from_secs(24 * 60 * 60);

/// Retry settings for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (clamped to [`MAX_RETRIES_CAP`]).
    pub max_retries: u32,
    /// Backoff cap of the first retry.
    pub initial_delay: Duration,
    /// Largest backoff cap.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// A policy with `max_retries` clamped to [`MAX_RETRIES_CAP`].
    pub fn new(max_retries: u32, initial_delay: Duration, max_delay: Duration) -> Self {
        Self { max_retries: max_retries.min(MAX_RETRIES_CAP), initial_delay, max_delay }
    }

    /// The upper bound of the jittered wait before retry number `attempt + 1`.
    pub fn backoff_cap(&self, attempt: u32) -> Duration {
        backoff_cap(attempt, self.initial_delay, self.max_delay)
    }

    /// A random wait in `[0, backoff_cap(attempt)]` (full jitter).
    pub fn backoff(&self, attempt: u32) -> Duration {
        full_jitter(self.backoff_cap(attempt))
    }

    /// The total time allowed for all attempts and waits of one request:
    /// every attempt's timeout plus the longest possible wait before each retry.
    pub fn total_budget(&self, per_attempt: Duration) -> Duration {
        let attempts = self.max_retries.min(MAX_RETRIES_CAP).saturating_add(1);
        let longest_wait = self.max_delay.max(MAX_RETRY_AFTER);
        per_attempt
            .saturating_mul(attempts)
            .saturating_add(longest_wait.saturating_mul(self.max_retries))
            .min(MAX_TOTAL_BUDGET)
    }
}

/// `min(max, initial * 2^attempt)`, without overflow.
pub fn backoff_cap(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
    initial.checked_mul(factor).unwrap_or(max).min(max)
}

/// A uniformly random duration in `[0, cap]`.
pub fn full_jitter(cap: Duration) -> Duration {
    let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(super::random::up_to(nanos))
}

/// Parses a `Retry-After` value: delta-seconds (fractions tolerated) or an
/// HTTP-date (a date in the past means "now"). Not capped.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 { Duration::try_from_secs_f64(secs).ok() } else { None };
    }
    let date = parse_http_date(value)?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An HTTP-date (RFC 9110): the IMF-fixdate form, or the obsolete RFC 850 and asctime forms a
/// recipient must also accept.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    const FORMS: [&str; 3] =
        ["%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"];
    let date = FORMS.iter().find_map(|form| chrono::NaiveDateTime::parse_from_str(value, form).ok())?;
    // chrono reads years beyond what `SystemTime` holds on every platform; a date before 1970
    // is as much in the past as the epoch.
    match u64::try_from(date.and_utc().timestamp()) {
        Ok(secs) => UNIX_EPOCH.checked_add(Duration::from_secs(secs)),
        Err(_) => Some(UNIX_EPOCH),
    }
}

/// The response's `Retry-After`.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, now)
}

/// How long the server asked the client to wait before the next attempt: its `Retry-After`, or,
/// on a 429 without one, the time until `X-RateLimit-Reset` plus up to a second of jitter (so
/// the clients that hit one limit do not all come back at the same instant).
pub fn server_wait(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(wait) = retry_after(headers, now) {
        return Some(wait);
    }
    if status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let reset = super::request::RateLimit::from_headers(headers).reset?;
    let until_reset = until_rate_limit_reset(reset, now)?;
    if until_reset > MAX_RETRY_AFTER {
        // Too long to wait out whatever the jitter: the same answer on every call.
        return Some(until_reset);
    }
    // The jitter never takes a wait the client waits out beyond the longest it does.
    Some(until_reset.saturating_add(full_jitter(Duration::from_secs(1))).min(MAX_RETRY_AFTER))
}

/// The time until an `X-RateLimit-Reset` of `reset`: a Unix time in seconds (as Atlas, GitHub
/// and most APIs send it) or, when the value is too small to be a time since 2001, a number of
/// seconds from now (as some APIs send it). A reset in the past means now; a negative one, none.
fn until_rate_limit_reset(reset: i64, now: SystemTime) -> Option<Duration> {
    const SMALLEST_UNIX_TIME: u64 = 1_000_000_000;
    let value = u64::try_from(reset).ok()?;
    if value < SMALLEST_UNIX_TIME {
        return Some(Duration::from_secs(value));
    }
    let reset = UNIX_EPOCH.checked_add(Duration::from_secs(value))?;
    Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a response status is worth retrying (for a request that is safe to repeat).
pub fn status_is_retryable(status: StatusCode, transient_conflict: bool) -> bool {
    match status.as_u16() {
        408 | 429 => true,
        409 => transient_conflict,
        500..=599 => true,
        _ => false,
    }
}

/// Whether a transport error may go away on retry (not a bad URL, redirect or similar).
///
/// A connection that breaks while the body is read is retryable, although reqwest reports it as
/// a *decode* error (see `body_interruption`).
pub fn transport_is_retryable(err: &reqwest::Error) -> bool {
    if body_interruption(err) {
        return true;
    }
    !(err.is_builder() || err.is_redirect() || err.is_status() || certificate_rejected(err))
}

/// Whether rustls refused the server's certificate: refused again on every attempt, so not
/// retried (Stripe's SDKs do not retry certificate errors either). Only rustls's errors are
/// recognised: nothing without the `rustls` feature, nor when reqwest uses native-tls (its choice
/// when `native-tls` is on too, unless reqwest's `http3` is) or TLS the application configured.
fn certificate_rejected(err: &reqwest::Error) -> bool {
    #[cfg(feature = "rustls")]
    return chain_has_rejected_certificate(err);
    #[cfg(not(feature = "rustls"))]
    {
        let _ = err;
        false
    }
}

/// Whether rustls's certificate error is in `err`'s chain: reqwest wraps it in hyper's error,
/// which wraps it in two `io::Error`s.
#[cfg(feature = "rustls")]
fn chain_has_rejected_certificate(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    // Bounded: a chain is a handful of errors; a cycle must not hang the client.
    for _ in 0..16 {
        let Some(current) = next else { break };
        if let Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented) =
            current.downcast_ref::<rustls::Error>()
        {
            return true;
        }
        // `io::Error::source` skips the error it wraps (it returns that error's source);
        // `get_ref` is the next link.
        next = match current.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    false
}

/// Whether the error is a body that could not be read to its end (connection reset, or closed
/// before `Content-Length` bytes arrived). reqwest reports these as body errors, or as decode
/// errors wrapping the connection's error; the runtime decodes JSON itself, so a reqwest decode
/// error can only come from reading the body.
pub(super) fn body_interruption(err: &reqwest::Error) -> bool {
    err.is_body() || err.is_decode()
}

/// What went wrong with one attempt, as far as the retry decision cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Could not connect: the server certainly never saw the request.
    Connect,
    /// No response within the attempt's timeout.
    Timeout,
    /// Another transport failure (the request may have been processed).
    Transport {
        /// Whether this kind of error can go away on retry.
        retryable: bool,
    },
    /// A non-success response.
    Status {
        /// The status code.
        status: StatusCode,
        /// A 409 whose conflicting request is still running
        /// ([`ApiError::is_transient_conflict`](super::error::ApiError::is_transient_conflict)).
        transient_conflict: bool,
        /// The response said how long to wait ([`server_wait`]).
        has_server_wait: bool,
    },
}

impl Failure {
    /// Whether the server may have carried out the attempt that failed this way: it timed out,
    /// broke off, or got a 5xx (a 503 says it was turned away) or a 409 saying it is still
    /// running.
    pub fn may_have_applied(self) -> bool {
        match self {
            Self::Connect => false,
            Self::Timeout | Self::Transport { .. } => true,
            Self::Status { status, transient_conflict, .. } => {
                transient_conflict || (status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }
}

/// Decides whether to retry. `retry_safe` is true for methods that are
/// idempotent by definition and for requests that carry an idempotency key.
pub fn should_retry(failure: Failure, retry_safe: bool) -> bool {
    match failure {
        Failure::Connect => true,
        Failure::Timeout => retry_safe,
        Failure::Transport { retryable } => retry_safe && retryable,
        Failure::Status { status, transient_conflict, has_server_wait } => {
            if retry_safe {
                status_is_retryable(status, transient_conflict)
            } else {
                has_server_wait
                    && matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn backoff_caps_double_then_saturate() {
        let initial = Duration::from_millis(500);
        let max = Duration::from_secs(8);
        let caps: Vec<u128> = (0..7).map(|n| backoff_cap(n, initial, max).as_millis()).collect();
        assert_eq!(caps, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(backoff_cap(31, initial, max), max);
        assert_eq!(backoff_cap(32, initial, max), max);
        assert_eq!(backoff_cap(u32::MAX, initial, max), max);
        assert_eq!(backoff_cap(3, Duration::MAX, max), max);
        assert_eq!(backoff_cap(0, initial, Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn jitter_stays_within_cap() {
        let policy = RetryPolicy::new(2, 10 * MS, 40 * MS);
        for attempt in 0..6 {
            for _ in 0..200 {
                let wait = policy.backoff(attempt);
                assert!(wait <= policy.backoff_cap(attempt), "{wait:?}");
            }
        }
        assert_eq!(full_jitter(Duration::ZERO), Duration::ZERO);
        // Not a constant: 200 draws in [0, 1s] are not all equal.
        let draws: std::collections::HashSet<_> =
            (0..200).map(|_| full_jitter(Duration::from_secs(1))).collect();
        assert!(draws.len() > 1);
        let _ = full_jitter(Duration::MAX);
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("inf", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
        // 1_700_000_000 s after the epoch is Tuesday, 14 November 2023, 22:13:20 UTC.
        let later = "Tue, 14 Nov 2023 22:13:50 GMT";
        assert_eq!(parse_retry_after(later, now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Tuesday, 14-Nov-23 22:13:50 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Tue Nov 14 22:13:50 2023", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Sun Nov  6 08:49:37 1994", now), Some(Duration::ZERO));
        let earlier = "Tue, 14 Nov 2023 22:12:50 GMT";
        assert_eq!(parse_retry_after(earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Tue, 14 Nov 2023 22:13:50 PST", now), None);
        assert_eq!(parse_retry_after("Thu, 01 Jan 1920 00:00:00 GMT", now), Some(Duration::ZERO));
        // Far beyond what the platform's clock holds: no panic, a long wait or nothing.
        let far = parse_retry_after("Sun, 14 Nov +99999 22:13:50 GMT", now);
        assert!(far.is_none_or(|wait| wait > Duration::from_secs(86_400 * 365 * 9_000)), "{far:?}");

        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3600)));
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn a_429_without_retry_after_waits_for_the_rate_limit_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, value.parse().unwrap());
            }
            map
        };
        let within = |wait: Option<Duration>, secs: u64| {
            let wait = wait.expect("a wait");
            assert!(
                wait >= Duration::from_secs(secs) && wait <= Duration::from_secs(secs + 1),
                "{wait:?} is not within a second after {secs} s"
            );
        };
        let too_many = StatusCode::TOO_MANY_REQUESTS;
        // A Unix time 20 s ahead, and the same as seconds from now.
        within(server_wait(too_many, &headers(&[("x-ratelimit-reset", "1700000020")]), now), 20);
        within(server_wait(too_many, &headers(&[("x-ratelimit-reset", "20")]), now), 20);
        // A reset already past: only the jitter.
        within(server_wait(too_many, &headers(&[("x-ratelimit-reset", "1699999990")]), now), 0);
        // As far ahead as the reset is (a day's limit), for the caller to give up on.
        let far = headers(&[("x-ratelimit-reset", "1700086400")]);
        within(server_wait(too_many, &far, now), 86_400);
        // Retry-After wins; other statuses and unreadable values give no wait.
        let both = headers(&[("retry-after", "3"), ("x-ratelimit-reset", "1700000020")]);
        assert_eq!(server_wait(too_many, &both, now), Some(Duration::from_secs(3)));
        let reset_only = headers(&[("x-ratelimit-reset", "1700000020")]);
        assert_eq!(server_wait(StatusCode::SERVICE_UNAVAILABLE, &reset_only, now), None);
        assert_eq!(server_wait(too_many, &headers(&[("x-ratelimit-reset", "soon")]), now), None);
        assert_eq!(server_wait(too_many, &HeaderMap::new(), now), None);
    }

    #[test]
    fn what_may_have_been_carried_out() {
        let status = |code: u16, transient_conflict: bool| Failure::Status {
            status: StatusCode::from_u16(code).unwrap(),
            transient_conflict,
            has_server_wait: false,
        };
        for failure in
            [Failure::Timeout, Failure::Transport { retryable: true }, status(500, false), status(502, false)]
        {
            assert!(failure.may_have_applied(), "{failure:?}");
        }
        // Still running elsewhere: it may yet be carried out.
        assert!(status(409, true).may_have_applied());
        // Never reached the server, or turned away by it.
        for failure in
            [Failure::Connect, status(503, false), status(429, false), status(408, false), status(409, false)]
        {
            assert!(!failure.may_have_applied(), "{failure:?}");
        }
    }

    #[test]
    fn a_reset_beyond_the_longest_wait_is_not_jittered_below_or_above_it() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", "1700000059".parse().unwrap());
        for _ in 0..50 {
            let wait = server_wait(StatusCode::TOO_MANY_REQUESTS, &headers, now).unwrap();
            assert!(wait >= Duration::from_secs(59) && wait <= MAX_RETRY_AFTER, "{wait:?}");
        }
        headers.insert("x-ratelimit-reset", "1700000061".parse().unwrap());
        assert_eq!(server_wait(StatusCode::TOO_MANY_REQUESTS, &headers, now), Some(Duration::from_secs(61)));
    }

    #[test]
    fn retryable_statuses() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(status_is_retryable(StatusCode::from_u16(code).unwrap(), false), "{code}");
        }
        for code in [200, 301, 400, 401, 402, 403, 404, 409, 422] {
            assert!(!status_is_retryable(StatusCode::from_u16(code).unwrap(), false), "{code}");
        }
        assert!(status_is_retryable(StatusCode::CONFLICT, true));
        assert!(status_is_retryable(StatusCode::TOO_MANY_REQUESTS, true));
    }

    #[test]
    fn unsafe_requests_retry_only_when_certainly_unprocessed_or_told_to() {
        let status = |code: u16, has_server_wait: bool| Failure::Status {
            status: StatusCode::from_u16(code).unwrap(),
            transient_conflict: false,
            has_server_wait,
        };
        assert!(should_retry(Failure::Connect, false));
        assert!(!should_retry(Failure::Timeout, false));
        assert!(!should_retry(Failure::Transport { retryable: true }, false));
        assert!(!should_retry(status(500, false), false));
        assert!(!should_retry(status(500, true), false));
        assert!(!should_retry(status(429, false), false));
        assert!(should_retry(status(429, true), false));
        assert!(should_retry(status(503, true), false));

        assert!(should_retry(Failure::Timeout, true));
        assert!(should_retry(Failure::Transport { retryable: true }, true));
        assert!(!should_retry(Failure::Transport { retryable: false }, true));
        assert!(should_retry(status(500, false), true));
        assert!(!should_retry(status(400, true), true));
        let conflict = |transient_conflict| Failure::Status {
            status: StatusCode::CONFLICT,
            transient_conflict,
            has_server_wait: false,
        };
        assert!(should_retry(conflict(true), true));
        assert!(!should_retry(conflict(false), true));
        assert!(!should_retry(conflict(true), false));
    }

    #[test]
    fn budget_is_bounded() {
        let policy = RetryPolicy::new(2, 500 * MS, Duration::from_secs(8));
        assert_eq!(policy.total_budget(Duration::from_secs(60)), Duration::from_secs(3 * 60 + 2 * 60));
        let huge = RetryPolicy::new(u32::MAX, Duration::MAX, Duration::MAX);
        assert_eq!(huge.max_retries, MAX_RETRIES_CAP);
        assert_eq!(huge.total_budget(Duration::MAX), MAX_TOTAL_BUDGET);
    }

    #[cfg(feature = "rustls")]
    #[test]
    fn a_refused_certificate_is_found_inside_io_errors_and_nothing_else_is() {
        use std::io::{Error as IoError, ErrorKind};
        let refused = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        // As hyper-util hands it on: an `Other` I/O error around rustls's `InvalidData` one.
        let wrapped = IoError::other(IoError::new(ErrorKind::InvalidData, refused));
        assert!(chain_has_rejected_certificate(&wrapped));
        let garbled = IoError::other(IoError::new(ErrorKind::InvalidData, rustls::Error::DecryptError));
        assert!(!chain_has_rejected_certificate(&garbled));
        assert!(!chain_has_rejected_certificate(&IoError::from(ErrorKind::ConnectionRefused)));
    }
}
