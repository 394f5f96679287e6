//! Property tests: values the API may send in the future survive a decode/encode round trip
//! through the generated types, so a read-modify-write never drops what the server added.
//!
//! - unknown properties at any level are kept (`extra`) and written back;
//! - unknown enum values are kept (`Unknown(..)`) and written back;
//! - events of unknown types are kept whole;
//! - optional fields present or absent stay so.
#![forbid(unsafe_code)]

use atlaspay::types::{Customer, Event, Subscription, SubscriptionStatus};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// JSON values without nulls or floats (an absent optional and a null are the same to the
/// client, and a float may not print back identically).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 _.:-]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Properties no generated type declares (prefixed so they cannot collide with real ones).
fn unknown_properties() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("zz_[a-z]{1,8}", json_value(), 0..4).prop_map(|m| m.into_iter().collect())
}

fn maybe<T: Strategy>(s: T) -> impl Strategy<Value = Option<T::Value>> {
    prop::option::of(s)
}

fn customer() -> impl Strategy<Value = Value> {
    (
        "cus_[a-zA-Z0-9]{4,10}",
        maybe("[a-z]{1,8}@example\\.com"),
        maybe("[A-Za-z ]{1,16}"),
        maybe(any::<i64>()),
        maybe(prop::collection::btree_map("[a-z_]{1,6}", "[a-z0-9]{0,6}", 0..4)),
        maybe(any::<bool>()),
        maybe(unknown_properties()),
        unknown_properties(),
    )
        .prop_map(|(id, email, name, created, metadata, tax_exempt, address_extra, extra)| {
            let mut c = json!({ "id": id, "object": "customer" });
            let o = c.as_object_mut().expect("an object literal");
            if let Some(v) = email {
                o.insert("email".into(), json!(v));
            }
            if let Some(v) = name {
                o.insert("name".into(), json!(v));
            }
            if let Some(v) = created {
                o.insert("created".into(), json!(v));
            }
            if let Some(v) = metadata {
                o.insert("metadata".into(), json!(v));
            }
            if let Some(v) = tax_exempt {
                o.insert("tax_exempt".into(), json!(v));
            }
            if let Some(extra) = address_extra {
                let mut address = json!({ "line1": "1 Main St", "country": "US" });
                address.as_object_mut().expect("an object literal").extend(extra);
                o.insert("billing_address".into(), address);
            }
            o.extend(extra);
            c
        })
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("encode: {e}"))
}

proptest! {
    #[test]
    fn customers_keep_every_property(c in customer()) {
        prop_assert_eq!(round_trip::<Customer>(&c).map_err(TestCaseError::fail)?, c);
    }

    #[test]
    fn subscription_status_values_survive_even_unknown_ones(status in "[a-z_]{1,20}", extra in unknown_properties()) {
        let mut s = json!({ "id": "sub_1", "object": "subscription", "status": status });
        s.as_object_mut().expect("an object literal").extend(extra);
        let typed: Subscription = serde_json::from_value(s.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let known = ["trialing", "active", "past_due", "paused", "canceled", "unpaid"];
        let status_text = s["status"].as_str().unwrap_or_default();
        let is_unknown = matches!(typed.status, Some(SubscriptionStatus::Unknown(_)));
        prop_assert_eq!(is_unknown, !known.contains(&status_text));
        prop_assert_eq!(serde_json::to_value(&typed).map_err(|e| TestCaseError::fail(e.to_string()))?, s);
    }

    #[test]
    fn events_of_unknown_types_are_kept_whole(kind in "[a-z]{1,10}\\.[a-z]{1,10}", data in json_value()) {
        let e = json!({ "id": "evt_1", "type": kind, "created": "2024-01-15T10:30:00Z", "livemode": false, "data": { "object": data } });
        let typed: Event = serde_json::from_value(e.clone()).map_err(|err| TestCaseError::fail(err.to_string()))?;
        if let Event::Unknown(kept) = &typed {
            prop_assert_eq!(kept, &e);
        }
        prop_assert_eq!(serde_json::to_value(&typed).map_err(|err| TestCaseError::fail(err.to_string()))?, e);
    }

    #[test]
    fn known_events_keep_unknown_properties(extra in unknown_properties()) {
        let mut e = json!({
            "id": "evt_1", "type": "payment.captured", "created": "2024-01-15T10:30:00Z", "livemode": false,
            "data": { "object": { "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "amount": 4990, "currency": "USD", "status": "captured" } }
        });
        e["data"]["object"].as_object_mut().expect("an object literal").extend(extra.clone());
        e.as_object_mut().expect("an object literal").extend(extra);
        let typed: Event = serde_json::from_value(e.clone()).map_err(|err| TestCaseError::fail(err.to_string()))?;
        prop_assert!(matches!(typed, Event::PaymentCaptured(_)));
        prop_assert_eq!(serde_json::to_value(&typed).map_err(|err| TestCaseError::fail(err.to_string()))?, e);
    }
}
