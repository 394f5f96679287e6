//! Realistic Atlas customer JSON, and a hand-written serde model of the same shape as the
//! generated `atlaspay::types::{CustomerList, Customer, Address, TaxId}`.
//!
//! "Same shape" means: the same fields, the same `Option`-ness (a nullable optional field is
//! `Option<Option<_>>`, read with the usual `deserialize_some` helper, where the generated code
//! has `Option<Nullable<_>>`), the same containers (`Vec`, `IndexMap`) and the same
//! `#[serde(flatten)] extra: serde_json::Map<String, Value>` catch-all on every struct, which the
//! generated structs carry so that unknown properties survive a round trip. What a person writes
//! by hand differs only in the leaf types: the open enums (`CustomerObject`, `CustomerListObject`,
//! with an `Unknown(String)` fallback) are `String`s and `UnixTime` is an `i64`.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

/// One customer object with every field set (ids and names vary with `i`).
pub fn customer_json(i: usize) -> Value {
    let address = |kind: &str| {
        json!({
            "line1": format!("{} Market Street", 100 + i),
            "line2": format!("{kind} {}", i % 40 + 1),
            "city": "San Francisco",
            "state": "CA",
            "postal_code": format!("941{:02}", i % 100),
            "country": "US"
        })
    };
    json!({
        "id": format!("cus_{i:04}Qx8bZk2YtLm"),
        "object": "customer",
        "created": 1_705_314_600 + i as i64 * 3_600,
        "email": format!("customer{i}@example.com"),
        "name": format!("Customer {i} Holdings LLC"),
        "phone": format!("+1 415 555 {:04}", i % 10_000),
        "description": "Enterprise plan, invoiced monthly on net-30 terms",
        "default_payment_method": format!("pm_{i:04}Vb7nTq3Rw"),
        "tax_exempt": i.is_multiple_of(7),
        "billing_address": address("Suite"),
        "shipping_address": address("Dock"),
        "metadata": {"crm_id": format!("crm-{i:06}"), "segment": "enterprise", "region": "us-west"},
        "tax_ids": [{"type": "us_ein", "value": format!("12-{:07}", 3_456_789 + i)}]
    })
}

/// A list page of `n` customers starting at `offset`, as the API returns it.
pub fn customer_page_json(offset: usize, n: usize, total: usize) -> Value {
    let data: Vec<Value> = (offset..offset + n).map(customer_json).collect();
    json!({"object": "list", "data": data, "has_more": offset + n < total, "total_count": total})
}

/// The bytes of [`customer_page_json`].
pub fn customer_page_bytes(offset: usize, n: usize, total: usize) -> Vec<u8> {
    serde_json::to_vec(&customer_page_json(offset, n, total)).unwrap_or_default()
}

/// Hand-written `CustomerList`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CustomerList {
    pub data: Vec<Customer>,
    pub has_more: bool,
    pub object: String,
    pub total_count: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Hand-written `Customer`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Customer {
    #[serde(default)]
    pub billing_address: Option<Address>,
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub default_payment_method: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub id: String,
    #[serde(default)]
    pub metadata: Option<IndexMap<String, String>>,
    #[serde(default)]
    pub name: Option<String>,
    pub object: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub shipping_address: Option<Address>,
    #[serde(default)]
    pub tax_exempt: Option<bool>,
    #[serde(default)]
    pub tax_ids: Option<Vec<TaxId>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Hand-written `Address` (every field optional and nullable).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Address {
    #[serde(default, deserialize_with = "some")]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub line1: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub line2: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub state: Option<Option<String>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Hand-written `TaxId`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TaxId {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Present (even as `null`) → `Some(_)`; absent → `None` via `#[serde(default)]`.
fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_and_handwritten_read_the_same_page() {
        let bytes = customer_page_bytes(0, 100, 1_000);
        let generated: atlaspay::types::CustomerList = serde_json::from_slice(&bytes).unwrap();
        let hand: CustomerList = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(generated.data.len(), 100);
        assert_eq!(hand.data.len(), 100);
        // Every field is set and nothing lands in the catch-all.
        assert!(generated.extra.is_empty() && hand.extra.is_empty());
        let (g, h) = (&generated.data[7], &hand.data[7]);
        assert!(g.extra.is_empty() && h.extra.is_empty());
        assert_eq!(g.id, h.id);
        assert_eq!(g.created.map(|t| t.0), h.created);
        assert_eq!(g.metadata, h.metadata);
        assert_eq!(g.tax_ids.as_ref().map(Vec::len), Some(1));
        let g_city = g.billing_address.as_ref().and_then(|a| a.city.clone());
        assert!(g_city.is_some());
        assert_eq!(
            h.billing_address.as_ref().and_then(|a| a.city.clone()),
            Some(Some("San Francisco".to_owned()))
        );
        assert!(g.billing_address.as_ref().is_some_and(|a| a.extra.is_empty()));
        // The generated value re-serializes to exactly the input.
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(serde_json::to_value(&generated).unwrap(), original);
    }
}
