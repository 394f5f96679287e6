//! The impls of generated open string enums, and their deserialization helper.
//!
//! Generated string enums have an `Unknown(String)` variant and implement
//! `From<&str>`, so a value the server adds later never breaks decoding.
//! [`deserialize_str_enum`] feeds the deserializer's string straight into that
//! `From<&str>`: known values are matched on the borrowed (or transient) string
//! without allocating; only unknown values allocate their `Unknown` payload.

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

/// Implements `as_str`, `Display`, `From<&str>`, `FromStr`, `Serialize` and `Deserialize` for a
/// generated open string enum: `open_str_enum!(Name, Unknown, Variant = "wire", ...)`.
///
/// One invocation instead of six impls per enum keeps the generated source small, which is
/// most of what generation (parsing and formatting) costs.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_str_enum {
    ($name:ident, $fallback:ident $(, $variant:ident = $value:literal)* $(,)?) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$fallback(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$fallback(other.to_owned()),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::deserialize_str_enum(deserializer)
            }
        }
    };
}
#[doc(hidden)]
pub use crate::__open_str_enum as open_str_enum;

#[cfg(test)]
mod tests {
    use super::{deserialize_str_enum, open_str_enum};
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

    #[derive(Debug, PartialEq)]
    enum Kind {
        System,
        r#Type,
        Unknown(String),
    }
    open_str_enum!(Kind, Unknown, System = "system", r#Type = "type");

    #[test]
    fn open_str_enum_impls() {
        assert_eq!(Kind::System.as_str(), "system");
        assert_eq!(Kind::r#Type.to_string(), "type");
        assert_eq!("type".parse::<Kind>(), Ok(Kind::r#Type));
        assert_eq!(Kind::from("later"), Kind::Unknown("later".into()));
        assert_eq!(serde_json::to_string(&Kind::Unknown("later".into())).unwrap(), r#""later""#);
        let kinds: Vec<Kind> = serde_json::from_str(r#"["system","type","x"]"#).unwrap();
        assert_eq!(kinds, [Kind::System, Kind::r#Type, Kind::Unknown("x".into())]);
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
