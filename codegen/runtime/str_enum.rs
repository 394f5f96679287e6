//! Deserialization helper for generated open string enums.
//!
//! Generated string enums have an `Unknown(String)` variant and implement
//! `From<&str>`, so a value the server adds later never breaks decoding. This
//! helper feeds the deserializer's string straight into that `From<&str>`:
//! known values are matched on the borrowed (or transient) string without
//! allocating; only unknown values allocate their `Unknown` payload.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Deserializes a string into any `T: From<&str>` without an intermediate `String`.
///
/// Use as `#[serde(deserialize_with = "…::deserialize_str_enum")]`, or call it
/// from a generated `impl Deserialize`.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    deserializer.deserialize_str(StrEnumVisitor(PhantomData))
}

struct StrEnumVisitor<T>(PhantomData<fn() -> T>);

impl<T> Visitor<'_> for StrEnumVisitor<T>
where
    T: for<'a> From<&'a str>,
{
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<T, E> {
        match std::str::from_utf8(value) {
            Ok(text) => Ok(T::from(text)),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::deserialize_str_enum;
    use serde::Deserialize;

    #[derive(Debug, PartialEq)]
    enum Status {
        Active,
        Unknown(String),
    }

    impl From<&str> for Status {
        fn from(value: &str) -> Self {
            match value {
                "active" => Self::Active,
                other => Self::Unknown(other.to_owned()),
            }
        }
    }

    #[derive(Deserialize, Debug)]
    struct Holder {
        #[serde(deserialize_with = "deserialize_str_enum")]
        status: Status,
    }

    #[test]
    fn known_unknown_and_escaped() {
        let h: Holder = serde_json::from_str(r#"{"status":"active"}"#).unwrap();
        assert_eq!(h.status, Status::Active);
        let h: Holder = serde_json::from_str(r#"{"status":"paused"}"#).unwrap();
        assert_eq!(h.status, Status::Unknown("paused".into()));
        // An escaped string cannot be borrowed; it still works.
        let h: Holder = serde_json::from_str(r#"{"status":"act\u0069ve"}"#).unwrap();
        assert_eq!(h.status, Status::Active);
        let h: Holder = serde_json::from_value(serde_json::json!({"status": "active"})).unwrap();
        assert_eq!(h.status, Status::Active);
        let err = serde_json::from_str::<Holder>(r#"{"status":3}"#).unwrap_err();
        assert!(err.to_string().contains("a string"), "{err}");
    }
}
