//! Verifies a webhook delivery and matches on the typed event.
//!
//! In a web handler, pass the raw body bytes and the `X-Atlas-Signature` header to
//! `construct_event`. This example signs a sample payload itself so that it runs offline:
//!
//! ```sh
//! cargo run -p atlaspay --example verify_webhook
//! ```

use atlaspay::types::{Event, WebhookPayload};
use atlaspay::webhooks;

fn main() {
    let secret = "whsec_example";
    let payload = br#"{"id":"evt_1","type":"payment.captured","created":"2024-01-15T10:30:00Z","livemode":false,
        "data":{"object":{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","amount":4990,"currency":"USD","status":"captured"}}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let header = webhooks::sign(payload, secret, now as i64);

    match webhooks::construct_event(payload, &header, secret) {
        Ok(WebhookPayload::Event(Event::PaymentCaptured(event))) => {
            println!("payment captured: {:?} {:?}", event.data.object.amount, event.data.object.currency)
        }
        Ok(WebhookPayload::Event(other)) => println!("another event: {other:?}"),
        // An event a PSP sent, forwarded in Atlas's normalized shape.
        Ok(WebhookPayload::ForwardedPspEvent(event)) => {
            println!("{} from {:?}: {}", event.r#type, event.psp, event.psp_event_id)
        }
        Err(err) => eprintln!("rejected: {err}"),
    }
    // A tampered body is rejected.
    let tampered = String::from_utf8_lossy(payload).replace("4990", "1");
    assert!(webhooks::construct_event(tampered.as_bytes(), &header, secret).is_err());
}
