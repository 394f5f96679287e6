//! Verifying and decoding webhook deliveries.
//!
//! The signature header has the form `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`,
//! where each `v1` is `hex(HMAC-SHA256(secret, "{t}.{raw body}"))`. Several
//! `v1` values appear while a signing secret is being rolled; any match is
//! accepted. Comparison is constant-time, and the timestamp must be within a
//! tolerance of the current time in either direction, which bounds replays.
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use atlaspay::runtime::webhooks::{sign, verify_signature, DEFAULT_TOLERANCE};
//!
//! let body = br#"{"id":"evt_1","type":"payment.captured"}"#;
//! let header = sign(body, "whsec_test", 1_700_000_000);
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_010);
//! assert!(verify_signature(body, &header, "whsec_test", DEFAULT_TOLERANCE, now).is_ok());
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far the signed timestamp may be from now (five minutes).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a webhook delivery was rejected. Messages never include the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header could not be parsed.
    #[error("malformed webhook signature header: {0}")]
    MalformedHeader(String),
    /// The header has no `v1` signature.
    #[error("webhook signature header contains no v1 signature")]
    NoSignatures,
    /// The signed timestamp is too old or too far in the future.
    #[error("webhook timestamp {timestamp} is outside the tolerance of {tolerance:?} (now {now})")]
    TimestampOutsideTolerance {
        /// The `t=` value.
        timestamp: i64,
        /// The verifier's current time, in Unix seconds.
        now: i64,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// No `v1` signature matches the payload and secret.
    #[error("no webhook signature matches the payload")]
    SignatureMismatch,
    /// The payload is not a valid event.
    #[error("invalid webhook payload: {0}")]
    InvalidPayload(PayloadError),
}

/// A JSON decode failure of a webhook payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadError {
    /// Path of the failing field (`.` for the root).
    pub path: String,
    /// The deserializer's message.
    pub message: String,
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path == "." || self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

struct ParsedHeader {
    timestamp: i64,
    signatures: Vec<Vec<u8>>,
}

fn parse_header(header: &str) -> Result<ParsedHeader, WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    let mut saw_v1 = false;
    for part in header.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((key, value)) = part.split_once('=') else {
            return Err(WebhookError::MalformedHeader("expected comma-separated key=value pairs".to_owned()));
        };
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(WebhookError::MalformedHeader("more than one timestamp (t=)".to_owned()));
                }
                let parsed = value.trim().parse::<i64>().map_err(|_| {
                    WebhookError::MalformedHeader("timestamp (t=) is not an integer".to_owned())
                })?;
                timestamp = Some(parsed);
            }
            "v1" => {
                saw_v1 = true;
                // A value that is not hex can never match; skip it.
                if let Ok(bytes) = hex::decode(value.trim()) {
                    signatures.push(bytes);
                }
            }
            _ => {} // other schemes (v0…) are ignored
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(WebhookError::MalformedHeader("missing timestamp (t=)".to_owned()));
    };
    if !saw_v1 {
        return Err(WebhookError::NoSignatures);
    }
    Ok(ParsedHeader { timestamp, signatures })
}

fn mac_for(secret: &str, timestamp: i64, payload: &[u8]) -> Result<HmacSha256, WebhookError> {
    // HMAC accepts keys of any length, so this never fails in practice.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret.as_bytes())
        .map_err(|_| WebhookError::SignatureMismatch)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    Ok(mac)
}

fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map(|secs| -secs).unwrap_or(i64::MIN),
    }
}

/// Verifies a webhook signature header against the raw request body.
///
/// `payload` must be the exact bytes received (not re-serialized JSON). The
/// signature is checked first, then the timestamp: `|now - t|` must not exceed
/// `tolerance`, so future timestamps are rejected too.
pub fn verify_signature(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), WebhookError> {
    let header = parse_header(signature_header)?;
    let mac = mac_for(secret, header.timestamp, payload)?;
    let matched = header.signatures.iter().any(|signature| mac.clone().verify_slice(signature).is_ok());
    if !matched {
        return Err(WebhookError::SignatureMismatch);
    }
    let now = unix_seconds(now);
    let skew = now.abs_diff(header.timestamp);
    if skew > tolerance.as_secs() {
        return Err(WebhookError::TimestampOutsideTolerance { timestamp: header.timestamp, now, tolerance });
    }
    Ok(())
}

/// Produces a valid signature header for `payload` (for tests and local tools).
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = match mac_for(secret, timestamp, payload) {
        Ok(mac) => hex::encode(mac.finalize().into_bytes()),
        Err(_) => String::new(),
    };
    format!("t={timestamp},v1={signature}")
}

/// Decodes a (verified) payload into an event type, naming the failing field.
pub fn decode_event<E: DeserializeOwned>(payload: &[u8]) -> Result<E, WebhookError> {
    super::decode::parse_json(payload).map_err(|(path, err)| {
        let (path, message) = super::error::failure_at(path, &err);
        WebhookError::InvalidPayload(PayloadError { path, message })
    })
}

/// Verifies with [`DEFAULT_TOLERANCE`] against the system clock, then decodes.
pub fn construct_event<E: DeserializeOwned>(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
) -> Result<E, WebhookError> {
    verify_signature(payload, signature_header, secret, DEFAULT_TOLERANCE, SystemTime::now())?;
    decode_event(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_SECRET123";
    const T: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment.captured"}"#;

    fn at(secs: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap())
    }

    #[test]
    fn known_vector() {
        // Computed independently: printf '%s' '1700000000.{"id":"evt_1","type":"payment.captured"}' |
        //   openssl dgst -sha256 -hmac whsec_SECRET123
        let header = sign(BODY, SECRET, T);
        assert_eq!(
            header,
            "t=1700000000,v1=444fcdb14cd79a7d95e0b3a1dd66e188f871ca12de35ff27acd5824e4680d665"
        );
        verify_signature(BODY, &header, SECRET, DEFAULT_TOLERANCE, at(T)).unwrap();
    }

    #[test]
    fn rejections() {
        let header = sign(BODY, SECRET, T);
        let check = |body: &[u8], header: &str, secret: &str, now: i64| {
            verify_signature(body, header, secret, DEFAULT_TOLERANCE, at(now))
        };
        assert!(matches!(
            check(b"{\"id\":\"evt_2\"}", &header, SECRET, T),
            Err(WebhookError::SignatureMismatch)
        ));
        assert!(matches!(check(BODY, &header, "whsec_other", T), Err(WebhookError::SignatureMismatch)));
        assert!(matches!(
            check(BODY, &header, SECRET, T + 301),
            Err(WebhookError::TimestampOutsideTolerance { .. })
        ));
        assert!(matches!(
            check(BODY, &header, SECRET, T - 301),
            Err(WebhookError::TimestampOutsideTolerance { .. })
        ));
        check(BODY, &header, SECRET, T + 300).unwrap();
        check(BODY, &header, SECRET, T - 300).unwrap();
    }

    #[test]
    fn header_parsing() {
        let good = sign(BODY, SECRET, T);
        let sig = good.split_once(",v1=").unwrap().1;
        let rolled = format!("t={T},v1={},v0=abc,v1={sig}", "00".repeat(32));
        verify_signature(BODY, &rolled, SECRET, DEFAULT_TOLERANCE, at(T)).unwrap();
        let spaced = format!(" t={T} , v1={sig} ");
        verify_signature(BODY, &spaced, SECRET, DEFAULT_TOLERANCE, at(T)).unwrap();

        for bad in ["", "garbage", "t=abc,v1=00", &format!("v1={sig}"), &format!("t={T},t={T},v1={sig}")] {
            assert!(
                matches!(
                    verify_signature(BODY, bad, SECRET, DEFAULT_TOLERANCE, at(T)),
                    Err(WebhookError::MalformedHeader(_))
                ),
                "{bad:?}"
            );
        }
        assert!(matches!(
            verify_signature(BODY, &format!("t={T}"), SECRET, DEFAULT_TOLERANCE, at(T)),
            Err(WebhookError::NoSignatures)
        ));
        assert!(matches!(
            verify_signature(BODY, &format!("t={T},v1=zz"), SECRET, DEFAULT_TOLERANCE, at(T)),
            Err(WebhookError::SignatureMismatch)
        ));
    }

    #[test]
    fn clock_edge_cases_do_not_panic() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), -5);
        let header = format!("t={},v1=00", i64::MIN);
        assert!(verify_signature(BODY, &header, SECRET, DEFAULT_TOLERANCE, at(T)).is_err());
        let header = sign(BODY, SECRET, i64::MIN);
        assert!(matches!(
            verify_signature(BODY, &header, SECRET, DEFAULT_TOLERANCE, at(T)),
            Err(WebhookError::TimestampOutsideTolerance { .. })
        ));
    }

    #[test]
    fn decode_names_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Event {
            id: String,
            data: Data,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Data {
            amount: i64,
        }
        let err = decode_event::<Event>(br#"{"id":"evt","data":{"amount":"x"}}"#).unwrap_err();
        match &err {
            WebhookError::InvalidPayload(payload) => assert_eq!(payload.path, "data.amount"),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("`data.amount`"), "{err}");
        // A mistyped value is quoted, but not a secret's.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Keyed {
            api_key: i64,
        }
        let err = decode_event::<Keyed>(br#"{"api_key":"sk_live_123"}"#).unwrap_err().to_string();
        assert!(err.contains("`api_key`") && !err.contains("sk_live_123"), "{err}");
    }

    #[test]
    fn messages_never_contain_the_secret() {
        let header = sign(BODY, SECRET, T);
        for err in [
            verify_signature(BODY, &header, "whsec_other", DEFAULT_TOLERANCE, at(T)).unwrap_err(),
            verify_signature(BODY, &header, SECRET, DEFAULT_TOLERANCE, at(T + 999)).unwrap_err(),
            verify_signature(BODY, "x", SECRET, DEFAULT_TOLERANCE, at(T)).unwrap_err(),
        ] {
            assert!(!format!("{err} {err:?}").contains("SECRET123"));
        }
    }
}
