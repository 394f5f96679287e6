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

/// The generated `construct_event` decodes both shapes Atlas delivers: the `Event` envelope and
/// an event a PSP sent, forwarded in the normalized shape the implementation uses (`type`, `psp`,
/// `psp_event_id`, `transaction_id`, `amount`, `currency`, `timestamp`, `raw_payload`). They are
/// told apart by `id` and `psp`, so a broken envelope fails with the envelope's own error.
#[test]
fn generated_construct_event_decodes_envelopes_and_forwarded_psp_events() {
    use atlaspay::types::{Event, Psp, WebhookPayload};
    use atlaspay::webhooks;
    let signed = |payload: &[u8]| {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        webhooks::construct_event(payload, &sign(payload, SECRET, i64::try_from(now).unwrap()), SECRET)
    };
    let envelope = br#"{"id":"evt_1","type":"payment.captured","created":"2024-01-15T10:30:00Z","livemode":false,"data":{"object":{"id":"7f3e2a1b-5c4d-4e6f-8a9b-0c1d2e3f4a5b","amount":4990,"currency":"USD","status":"captured"}}}"#;
    match signed(envelope).unwrap() {
        WebhookPayload::Event(Event::PaymentCaptured(event)) => {
            assert_eq!(event.id, "evt_1");
            assert_eq!(event.data.object.amount, Some(4990));
        }
        other => panic!("{other:?}"),
    }
    let forwarded = br#"{"type":"payment.captured","psp":"stripe","psp_event_id":"evt_3Nabc","transaction_id":"pi_3Nabc","amount":4990,"currency":"usd","timestamp":"2024-01-15T10:30:00Z","raw_payload":{"id":"evt_3Nabc","object":"event"}}"#;
    match signed(forwarded).unwrap() {
        WebhookPayload::ForwardedPspEvent(event) => {
            assert_eq!(event.r#type, "payment.captured");
            assert_eq!(event.psp, Psp::Stripe);
            assert_eq!(event.psp_event_id, "evt_3Nabc");
            assert_eq!(event.transaction_id.as_deref(), Some("pi_3Nabc"));
            assert_eq!(event.amount, Some(4990));
            assert_eq!(event.raw_payload, Some(serde_json::json!({"id": "evt_3Nabc", "object": "event"})));
        }
        other => panic!("{other:?}"),
    }
    // The catalog's own example, with the guides' prefixed ids where the API reference has UUIDs.
    let documented = br#"{"id":"evt_1234567890","type":"payment.captured","created":"2024-01-15T10:30:00Z","livemode":false,"data":{"object":{"id":"pay_8xM2nQ4vR7kL9pYz","session_id":"sess_2xK9mN7vQ3pL8wYz","amount":4990,"currency":"USD","status":"captured","payment_method_type":"card","card":{"brand":"visa","last4":"4242"}}}}"#;
    match signed(documented).unwrap() {
        WebhookPayload::Event(Event::PaymentCaptured(event)) => {
            assert_eq!(event.data.object.id, "pay_8xM2nQ4vR7kL9pYz");
            assert_eq!(event.data.object.session_id.as_deref(), Some("sess_2xK9mN7vQ3pL8wYz"));
        }
        other => panic!("{other:?}"),
    }
    // An envelope without `data` is an envelope with a missing field, not "no variant matched".
    let broken = br#"{"id":"evt_1","type":"payment.captured","created":"2024-01-15T10:30:00Z"}"#;
    match signed(broken) {
        Err(WebhookError::InvalidPayload(err)) => assert!(err.message.contains("`data`"), "{err}"),
        other => panic!("{other:?}"),
    }
    // A field of the wrong type is named by its path inside the event, though the event is a
    // union decoded variant by variant.
    let mistyped = String::from_utf8(envelope.to_vec()).unwrap().replace("4990", "\"4990\"");
    match signed(mistyped.as_bytes()) {
        Err(WebhookError::InvalidPayload(err)) => {
            assert_eq!(err.path, "data.object.amount");
            assert!(err.message.starts_with("invalid type: string"), "{err}");
            assert!(err.to_string().starts_with("at `data.object.amount`: invalid type: string"), "{err}");
        }
        other => panic!("{other:?}"),
    }
    match signed(br#"{"type":"payment.captured"}"#) {
        Err(WebhookError::InvalidPayload(err)) => {
            assert!(err.message.contains("one of the properties `id`, `psp`"), "{err}")
        }
        other => panic!("{other:?}"),
    }
}

/// Whatever event a delivery is, its id and type read without a match over every variant,
/// unknown types included.
#[test]
fn every_event_has_an_id_and_a_type() {
    use atlaspay::types::{Event, WebhookPayload};
    let known: Event = decode_event(PAYLOAD).unwrap();
    assert_eq!((known.id(), known.tag()), (Some("evt_1234567890"), Some("payment.captured")));
    let unknown: Event = decode_event(br#"{"id":"evt_2","type":"charge.new_kind","data":{}}"#).unwrap();
    assert!(matches!(unknown, Event::Unknown(_)));
    assert_eq!((unknown.id(), unknown.tag()), (Some("evt_2"), Some("charge.new_kind")));
    // `created` as well, typed the same for an unknown type (read from its JSON) as for a known.
    let created = known.created().unwrap();
    assert_eq!(created.to_rfc3339(), "2024-01-15T10:30:00+00:00");
    assert_eq!(unknown.created(), None, "it has none");
    let dated: Event =
        decode_event(br#"{"id":"evt_3","type":"charge.new_kind","created":"2024-01-15T10:30:00Z"}"#).unwrap();
    assert_eq!(dated.created(), Some(created));
    let payload: WebhookPayload = decode_event(PAYLOAD).unwrap();
    match payload {
        WebhookPayload::Event(event) => assert_eq!(event.id(), Some("evt_1234567890")),
        other => panic!("{other:?}"),
    }
}
