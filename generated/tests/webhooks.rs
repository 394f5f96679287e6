//! Webhook signature verification and event decoding.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atlaspay::runtime::webhooks::{
    DEFAULT_TOLERANCE, WebhookError, construct_event, decode_event, sign, verify_signature,
};
use serde::Deserialize;

const SECRET: &str = "whsec_SECRET123";
const T: i64 = 1_705_314_600;
const PAYLOAD: &[u8] = br#"{"id":"evt_1234567890","type":"payment.captured","created":"2024-01-15T10:30:00Z","livemode":false,"data":{"object":{"id":"pay_8xM2nQ4vR7kL9pYz","amount":4990,"currency":"USD"}}}"#;

fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap())
}

fn verify(payload: &[u8], header: &str, secret: &str, now: i64) -> Result<(), WebhookError> {
    verify_signature(payload, header, secret, DEFAULT_TOLERANCE, at(now))
}

#[test]
fn valid_signature_is_accepted() {
    let header = sign(PAYLOAD, SECRET, T);
    verify(PAYLOAD, &header, SECRET, T).unwrap();
    verify(PAYLOAD, &header, SECRET, T + 299).unwrap();
}

#[test]
fn tampered_body_is_rejected() {
    let header = sign(PAYLOAD, SECRET, T);
    let tampered = String::from_utf8(PAYLOAD.to_vec()).unwrap().replace("4990", "1");
    assert!(matches!(verify(tampered.as_bytes(), &header, SECRET, T), Err(WebhookError::SignatureMismatch)));
    // Re-serialized JSON (whitespace change) is a different payload, too.
    let mut spaced = PAYLOAD.to_vec();
    spaced.push(b'\n');
    assert!(verify(&spaced, &header, SECRET, T).is_err());
}

#[test]
fn wrong_secret_is_rejected() {
    let header = sign(PAYLOAD, "whsec_other", T);
    assert!(matches!(verify(PAYLOAD, &header, SECRET, T), Err(WebhookError::SignatureMismatch)));
}

#[test]
fn expired_and_future_timestamps_are_rejected() {
    let header = sign(PAYLOAD, SECRET, T);
    for now in [T + 301, T - 301, T + 86_400] {
        match verify(PAYLOAD, &header, SECRET, now) {
            Err(WebhookError::TimestampOutsideTolerance { timestamp, now: seen, tolerance }) => {
                assert_eq!((timestamp, seen, tolerance), (T, now, DEFAULT_TOLERANCE));
            }
            other => panic!("{now}: {other:?}"),
        }
    }
    // A custom tolerance applies.
    verify_signature(PAYLOAD, &header, SECRET, Duration::from_secs(3600), at(T + 3000)).unwrap();
}

#[test]
fn any_of_several_v1_signatures_may_match() {
    let current = sign(PAYLOAD, SECRET, T);
    let current_sig = current.split_once("v1=").unwrap().1;
    let old = sign(PAYLOAD, "whsec_old", T);
    let old_sig = old.split_once("v1=").unwrap().1;
    let header = format!("t={T},v1={old_sig},v1={current_sig}");
    verify(PAYLOAD, &header, SECRET, T).unwrap();
    verify(PAYLOAD, &header, "whsec_old", T).unwrap();
    assert!(verify(PAYLOAD, &header, "whsec_third", T).is_err());
}

#[test]
fn malformed_headers_are_rejected() {
    let good = sign(PAYLOAD, SECRET, T);
    let sig = good.split_once("v1=").unwrap().1;
    for header in [
        "".to_owned(),
        "nonsense".to_owned(),
        format!("v1={sig}"),
        format!("t=yesterday,v1={sig}"),
        format!("t={T};v1={sig}"),
    ] {
        assert!(
            matches!(verify(PAYLOAD, &header, SECRET, T), Err(WebhookError::MalformedHeader(_))),
            "{header:?}"
        );
    }
    assert!(matches!(
        verify(PAYLOAD, &format!("t={T},v0={sig}"), SECRET, T),
        Err(WebhookError::NoSignatures)
    ));
}

#[test]
fn errors_never_show_the_secret() {
    let header = sign(PAYLOAD, SECRET, T);
    let errors = [
        verify(PAYLOAD, &header, "whsec_wrongSECRET123", T).unwrap_err(),
        verify(PAYLOAD, &header, SECRET, T + 1000).unwrap_err(),
        verify(PAYLOAD, "bad", SECRET, T).unwrap_err(),
        verify(PAYLOAD, &format!("t={T}"), SECRET, T).unwrap_err(),
    ];
    for err in errors {
        let text = format!("{err} {err:?}");
        assert!(!text.contains("SECRET123"), "{text}");
    }
}

#[derive(Deserialize, Debug)]
struct Event {
    id: String,
    r#type: String,
    data: EventData,
}
#[derive(Deserialize, Debug)]
struct EventData {
    object: Payment,
}
#[derive(Deserialize, Debug)]
struct Payment {
    amount: i64,
}

#[test]
fn events_decode_with_field_paths() {
    let event: Event = decode_event(PAYLOAD).unwrap();
    assert_eq!(event.id, "evt_1234567890");
    assert_eq!(event.r#type, "payment.captured");
    assert_eq!(event.data.object.amount, 4990);
    let bad = br#"{"id":"evt_1","type":"payment.captured","data":{"object":{"amount":"4990"}}}"#;
    match decode_event::<Event>(bad) {
        Err(WebhookError::InvalidPayload(err)) => assert_eq!(err.path, "data.object.amount"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn construct_event_uses_the_clock() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let header = sign(PAYLOAD, SECRET, i64::try_from(now).unwrap());
    let event: Event = construct_event(PAYLOAD, &header, SECRET).unwrap();
    assert_eq!(event.id, "evt_1234567890");
    let stale = sign(PAYLOAD, SECRET, 1_000);
    assert!(construct_event::<Event>(PAYLOAD, &stale, SECRET).is_err());
}
