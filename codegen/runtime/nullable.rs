//! A value that may be explicitly `null`, distinct from an absent field.
//!
//! PATCH-style bodies need three states: leave a field alone (absent), clear it
//! (`null`), or set it (a value). The generator models such fields as
//! `Option<Nullable<T>>`, read and written by the `tri_state` kind of
//! [`json_object!`](crate::runtime::object); with serde's derive, as in a hand-written type,
//! [`deserialize_some`] does the same:
//!
//! ```
//! use atlaspay::runtime::Nullable;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct UpdateCustomer {
//!     #[serde(
//!         default,
//!         deserialize_with = "atlaspay::runtime::nullable::deserialize_some",
//!         skip_serializing_if = "Option::is_none"
//!     )]
//!     email: Option<Nullable<String>>,
//! }
//!
//! let clear = UpdateCustomer { email: Some(Nullable::Null) };
//! assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"email":null}"#);
//! let untouched: UpdateCustomer = serde_json::from_str("{}").unwrap();
//! assert_eq!(untouched.email, None);
//! let cleared: UpdateCustomer = serde_json::from_str(r#"{"email":null}"#).unwrap();
//! assert_eq!(cleared.email, Some(Nullable::Null));
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Either an explicit JSON `null` or a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Nullable<T> {
    /// The JSON `null` literal.
    Null,
    /// A present, non-null value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Borrows the value, if any.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// Converts into an `Option`, mapping `Null` to `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Null => None,
            Self::Value(value) => Some(value),
        }
    }

    /// A reference to the value, or `None` for `Null`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Self::Null => None,
            Self::Value(value) => Some(value),
        }
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether this holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// Applies `f` to the value, keeping `Null` as is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Self::Value(value),
            None => Self::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// Deserializes a present field (null or a value) as `Some(..)`.
///
/// Use with `#[serde(default, deserialize_with = "…::deserialize_some")]` on an
/// `Option<Nullable<T>>` field: absent → `None` (through `default`),
/// `null` → `Some(Nullable::Null)`, a value → `Some(Nullable::Value(v))`.
pub fn deserialize_some<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::Nullable;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(
            default,
            deserialize_with = "super::deserialize_some",
            skip_serializing_if = "Option::is_none"
        )]
        name: Option<Nullable<String>>,
    }

    #[test]
    fn three_states_round_trip() {
        for (json, value) in [
            ("{}", None),
            (r#"{"name":null}"#, Some(Nullable::Null)),
            (r#"{"name":"x"}"#, Some(Nullable::Value("x".to_owned()))),
        ] {
            let parsed: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, Patch { name: value });
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        }
    }

    #[test]
    fn helpers() {
        let v: Nullable<u8> = 3.into();
        assert_eq!(v.as_ref(), Nullable::Value(&3));
        assert_eq!(v.into_option(), Some(3));
        assert!(Nullable::<u8>::Null.is_null());
        assert_eq!(Nullable::<u8>::Null.into_option(), None);
        assert_eq!(v.map(|x| x * 2), Nullable::Value(6));
    }
}
