//! How the generated structs read themselves from a JSON object.
//!
//! A generated struct keeps the properties its API description does not declare in a map
//! beside its declared fields, so that a value read from the API and sent back loses nothing.
//! serde's `#[serde(flatten)]` would do that, but it buffers the undeclared entries through
//! serde's private `Content` tree, and its derive output was most of the compile time of a
//! small generated crate. The generated structs instead implement [`FromObject`] with one loop
//! over the object's keys, and write themselves with `serialize_map` (or `serialize_struct`
//! when they keep no undeclared properties).
//!
//! `json_object!` writes those impls from one line per field:
//!
//! ```
//! #[derive(Debug, PartialEq)]
//! struct Coupon {
//!     id: String,
//!     percent_off: Option<f64>,
//!     extra: serde_json::Map<String, serde_json::Value>,
//! }
//! atlaspay::runtime::object::json_object!(Coupon, extra; id = "id" required, percent_off = "percent_off" optional);
//!
//! let coupon: Coupon = serde_json::from_str(r#"{"id":"co_1","percent_off":null,"x":1}"#).unwrap();
//! assert_eq!(coupon.percent_off, None);
//! assert_eq!(coupon.extra["x"], 1);
//! assert_eq!(serde_json::to_string(&coupon).unwrap(), r#"{"id":"co_1","x":1}"#);
//! let missing = serde_json::from_str::<Coupon>("{}").unwrap_err();
//! assert_eq!(missing.to_string(), "missing field `id` at line 1 column 2");
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct};

use crate::runtime::timestamp::{Lenient, ReadLeniently};

/// A type read from the entries of a JSON object.
pub trait FromObject: Sized {
    /// Reads the value from the object's entries, consuming all of them.
    fn from_object<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads the [`FromObject`] struct `name` from an object; anything but an object is an error.
///
/// As with serde's derive, a struct that keeps undeclared properties asks the deserializer for
/// a map, and one that drops them (`fields`: its JSON names) for a struct: a caller that
/// flattens it into its own struct then keeps the other properties for itself.
pub fn deserialize<'de, D: Deserializer<'de>, T: FromObject>(
    deserializer: D,
    name: &'static str,
    fields: Option<&'static [&'static str]>,
) -> Result<T, D::Error> {
    let visitor = ObjectVisitor { name, marker: PhantomData };
    match fields {
        Some(fields) => deserializer.deserialize_struct(name, fields, visitor),
        None => deserializer.deserialize_map(visitor),
    }
}

struct ObjectVisitor<T> {
    name: &'static str,
    marker: PhantomData<T>,
}

impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_object(map)
    }
}

/// An object's key, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string, for the map of undeclared properties.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}

/// Reads the value of the declared field `name` into its slot; a second one is an error, as
/// with serde's derive.
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// [`field`] for a field read through [`Lenient`] (`date-time`, `date` and Unix-seconds values
/// and lists of them: the `lenient` of `json_object!`).
pub fn lenient_field<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    let mut read = slot.take().map(ReadLeniently);
    let result = field(map, &mut read, name);
    *slot = read.map(|value| value.0);
    result
}

/// An empty value of a field's type, which the closure names (`|object: &Self| &object.extra`):
/// the macro knows a field's name, not its type.
pub fn empty_like<S, T: Default>(_field: impl FnOnce(&S) -> &T) -> T {
    T::default()
}

/// A field that must be present and not `null` (`T`).
pub mod required {
    use super::{Error, Serialize, SerializeMap, SerializeStruct};

    /// The field's value, or the error that names it.
    pub fn finish<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(name))
    }

    /// Writes the field.
    pub fn write<M: SerializeMap, T: Serialize + ?Sized>(
        map: &mut M,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        map.serialize_entry(name, value)
    }

    /// How many entries the field writes: one.
    pub fn len<T: ?Sized>(_value: &T) -> usize {
        1
    }

    /// Writes the field of a struct without undeclared properties.
    pub fn write_field<M: SerializeStruct, T: Serialize + ?Sized>(
        state: &mut M,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        state.serialize_field(name, value)
    }
}

/// A field that may be absent or `null` (`Option<T>`); left out when `None`.
pub mod optional {
    use super::{Serialize, SerializeMap, SerializeStruct};

    /// The field's value: absent and `null` are both `None`.
    pub fn finish<T, E>(slot: Option<Option<T>>, _name: &'static str) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    /// Writes the field unless it is `None`.
    pub fn write<M: SerializeMap, T: Serialize>(
        map: &mut M,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(_) => map.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// How many entries the field writes: none when it is `None`.
    pub fn len<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }

    /// Writes the field of a struct without undeclared properties, unless it is `None`.
    pub fn write_field<M: SerializeStruct, T: Serialize>(
        state: &mut M,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(_) => state.serialize_field(name, value),
            None => state.skip_field(name),
        }
    }
}

/// A required field that may be `null` (`Option<T>`): written as `null` when `None`, and read
/// as `None` when a response leaves it out.
pub mod nullable {
    pub use super::optional::finish;
    pub use super::required::{len, write, write_field};
}

/// A field where absent, `null` and a value are three states (`Option<Nullable<T>>`): a
/// present `null` is `Some(Nullable::Null)`; left out when `None`.
pub mod tri_state {
    pub use super::optional::{len, write, write_field};

    /// The field's value: `None` when absent.
    pub fn finish<T, E>(slot: Option<T>, _name: &'static str) -> Result<Option<T>, E> {
        Ok(slot)
    }
}

/// `Serialize`, `Deserialize` and [`FromObject`] for a struct read and written as a JSON
/// object: `json_object!(Name, extra; field = "json name" kind, …)`, where `kind` is one of
/// [`required`], [`optional`], [`nullable`] and [`tri_state`], and the map field `extra`
/// keeps undeclared properties (without `, extra` they are skipped when read). A `lenient`
/// after the kind reads the field through [`Lenient`] (see [`lenient_field`]).
///
/// One invocation instead of three impls per struct keeps the generated source small, which is
/// most of what generation (parsing and formatting) costs.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_object {
    // Keeps undeclared properties in the map field `$extra`: written as a map.
    ($name:ident, $extra:ident; $($field:ident = $json:literal $kind:ident $($how:ident)?),* $(,)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $($crate::runtime::object::$kind::write(&mut map, $json, &self.$field)?;)*
                for (key, value) in &self.$extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
        $crate::__json_object!(@read $name, ::std::option::Option::None, [$extra]; $($field = $json $kind $($how)?),*);
    };
    // Drops undeclared properties: written as a struct, as serde's derive does.
    ($name:ident; $($field:ident = $json:literal $kind:ident $($how:ident)?),* $(,)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let len: usize = 0 $(+ $crate::runtime::object::$kind::len(&self.$field))*;
                #[allow(unused_mut)]
                let mut state = serializer.serialize_struct(::std::stringify!($name), len)?;
                $($crate::runtime::object::$kind::write_field(&mut state, $json, &self.$field)?;)*
                state.end()
            }
        }
        $crate::__json_object!(@read $name, ::std::option::Option::Some(&[$($json),*]), []; $($field = $json $kind $($how)?),*);
    };
    (@read $name:ident, $fields:expr, [$($extra:ident)?]; $($field:ident = $json:literal $kind:ident $($how:ident)?),*) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::object::deserialize(deserializer, ::std::stringify!($name), $fields)
            }
        }
        impl $crate::runtime::object::FromObject for $name {
            fn from_object<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::std::result::Result<Self, A::Error> {
                $(let mut $field = ::std::option::Option::None;)*
                $(let mut $extra = $crate::runtime::object::empty_like(|object: &Self| &object.$extra);)?
                while let ::std::option::Option::Some(key) = map.next_key::<$crate::runtime::object::Key<'de>>()? {
                    match key.as_str() {
                        $($json => $crate::__json_object!(@field map $field $json $($how)?),)*
                        _ => $crate::__json_object!(@unknown map key $($extra)?),
                    }
                }
                ::std::result::Result::Ok(Self {
                    $($field: $crate::runtime::object::$kind::finish::<_, A::Error>($field, $json)?,)*
                    $($extra,)?
                })
            }
        }
    };
    (@field $map:ident $slot:ident $json:literal) => {
        $crate::runtime::object::field(&mut $map, &mut $slot, $json)?
    };
    (@field $map:ident $slot:ident $json:literal lenient) => {
        $crate::runtime::object::lenient_field(&mut $map, &mut $slot, $json)?
    };
    (@unknown $map:ident $key:ident) => {{
        let _ = $key;
        $map.next_value::<::serde::de::IgnoredAny>()?;
    }};
    (@unknown $map:ident $key:ident $extra:ident) => {{
        $extra.insert($key.into_string(), $map.next_value()?);
    }};
}
#[doc(hidden)]
pub use crate::__json_object as json_object;

/// `Debug` for a struct with fields named like credentials (`client_secret`, `cryptogram`,
/// `password`…): `redacted_debug!(Name; field kind, …)`, where `kind` is `shown`, `secret`
/// (printed `[redacted]`), `optional_secret` (an `Option`: `None`, or `Some([redacted])`) or
/// `extra` (the map of undeclared properties, those named like credentials redacted). Printed
/// as `#[derive(Debug)]` prints, so that logging a response never logs its secrets.
#[doc(hidden)]
#[macro_export]
macro_rules! __redacted_debug {
    ($name:ident; $($field:ident $kind:ident),* $(,)?) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(::std::stringify!($name))
                    $(.field(
                        $crate::runtime::object::debug::name(::std::stringify!($field)),
                        &$crate::runtime::object::debug::$kind(&self.$field),
                    ))*
                    .finish()
            }
        }
    };
}
#[doc(hidden)]
pub use crate::__redacted_debug as redacted_debug;

/// The field printers of [`redacted_debug!`](crate::runtime::object::redacted_debug).
pub mod debug {
    use std::fmt;

    use crate::runtime::secret_names::is_secret_name;

    /// A field's name as `#[derive(Debug)]` prints it (`type`, not `r#type`).
    pub fn name(field: &'static str) -> &'static str {
        field.strip_prefix("r#").unwrap_or(field)
    }

    /// A field printed as it is.
    pub fn shown<T: fmt::Debug>(value: &T) -> &T {
        value
    }

    /// A credential, whatever its value.
    pub fn secret<T>(_: &T) -> Redacted {
        Redacted
    }

    /// An optional credential: whether it is there, not what it is.
    pub fn optional_secret<T>(value: &Option<T>) -> Option<Redacted> {
        value.as_ref().map(|_| Redacted)
    }

    /// The undeclared properties, those named like credentials redacted.
    pub fn extra<M>(map: &M) -> Extra<'_, M> {
        Extra(map)
    }

    /// Prints `[redacted]`.
    pub struct Redacted;

    impl fmt::Debug for Redacted {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("[redacted]")
        }
    }

    /// A map printed as `#[derive(Debug)]` prints it, values under credential names redacted.
    pub struct Extra<'a, M>(&'a M);

    impl<'a, M, K, V> fmt::Debug for Extra<'a, M>
    where
        &'a M: IntoIterator<Item = (&'a K, &'a V)>,
        K: AsRef<str> + fmt::Debug + 'a,
        V: fmt::Debug + 'a,
    {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut map = f.debug_map();
            for (key, value) in self.0 {
                if is_secret_name(key.as_ref().as_bytes()) {
                    map.entry(key, &Redacted);
                } else {
                    map.entry(key, value);
                }
            }
            map.finish()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::runtime::Nullable;

    #[derive(Debug, PartialEq)]
    struct Patch {
        id: String,
        note: Option<Nullable<String>>,
        size: Option<i64>,
        parent: Option<String>,
        extra: serde_json::Map<String, serde_json::Value>,
    }
    crate::runtime::object::json_object!(
        Patch, extra;
        id = "id" required, note = "note" tri_state, size = "size" optional, parent = "parent" nullable,
    );

    /// Without a map for undeclared properties, they are read and dropped.
    #[derive(Debug, PartialEq)]
    struct Closed {
        map: Option<bool>,
    }
    crate::runtime::object::json_object!(Closed; map = "key" optional);

    /// No fields at all: every property is read and dropped.
    #[derive(Debug, PartialEq)]
    struct Nothing {}
    crate::runtime::object::json_object!(Nothing;);

    /// Times read through `Lenient`, as the generated structs declare them.
    #[derive(Debug, PartialEq)]
    struct Event {
        at: chrono::DateTime<chrono::Utc>,
        days: Option<Vec<chrono::NaiveDate>>,
    }
    crate::runtime::object::json_object!(Event; at = "at" required lenient, days = "days" optional lenient);

    #[test]
    fn lenient_fields_read_times_in_other_forms_and_name_the_field_when_they_fail() {
        let event: Event =
            serde_json::from_str(r#"{"at":"2024-01-15 10:30:00","days":["2024-01-15T09:00:00Z"]}"#).unwrap();
        assert_eq!(event.at.to_rfc3339(), "2024-01-15T10:30:00+00:00");
        assert_eq!(event.days, Some(vec![chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()]));
        // Written as RFC 3339 and dates, as always.
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"at":"2024-01-15T10:30:00Z","days":["2024-01-15"]}"#
        );
        let text = r#"{"at":"soon"}"#;
        let err = serde_path_to_error::deserialize::<_, Event>(&mut serde_json::Deserializer::from_str(text))
            .unwrap_err();
        assert_eq!(err.path().to_string(), "at");
        assert!(err.inner().to_string().contains("expected an RFC 3339 date-time"), "{err}");
        let twice = serde_json::from_str::<Event>(r#"{"at":0,"at":1}"#).unwrap_err();
        assert!(twice.to_string().starts_with("duplicate field `at`"), "{twice}");
    }

    fn patch(json: &str) -> Result<Patch, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn absent_null_and_present_fields_are_told_apart() {
        let p = patch(r#"{"id":"a"}"#).unwrap();
        assert_eq!((&p.note, p.size, &p.parent), (&None, None, &None));
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"id":"a","parent":null}"#);
        let p = patch(r#"{"id":"a","note":null,"size":null,"parent":null}"#).unwrap();
        assert_eq!((&p.note, p.size, &p.parent), (&Some(Nullable::Null), None, &None));
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"id":"a","note":null,"parent":null}"#);
        let text = r#"{"id":"a","note":"n","size":3,"parent":"b"}"#;
        let p = patch(text).unwrap();
        assert_eq!(p.note, Some(Nullable::Value("n".to_owned())));
        assert_eq!((p.size, p.parent.as_deref()), (Some(3), Some("b")));
        assert_eq!(serde_json::to_string(&p).unwrap(), text);
    }

    #[test]
    fn undeclared_properties_are_kept_with_escaped_keys() {
        let p = patch(r#"{"z":1,"id":"a","a\"b":{"c":[true]}}"#).unwrap();
        assert_eq!(p.extra, serde_json::json!({"z": 1, "a\"b": {"c": [true]}}).as_object().cloned().unwrap());
        // Declared fields first, then the kept ones.
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"id":"a","parent":null,"a\"b":{"c":[true]},"z":1}"#
        );
        // Keys read from an already parsed value are owned strings.
        let value = serde_json::json!({"id": "a", "k\u{e9}y": 2});
        let p: Patch = serde_json::from_value(value).unwrap();
        assert_eq!(p.extra["k\u{e9}y"], 2);
    }

    #[test]
    fn without_an_extra_map_undeclared_properties_are_skipped() {
        let c: Closed = serde_json::from_str(r#"{"x":{"deep":[1]},"key":true}"#).unwrap();
        assert_eq!(c, Closed { map: Some(true) });
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"key":true}"#);
        assert_eq!(serde_json::to_string(&Closed { map: None }).unwrap(), "{}");
        let nothing: Nothing = serde_json::from_str(r#"{"a":1,"b":[{}]}"#).unwrap();
        assert_eq!(serde_json::to_string(&nothing).unwrap(), "{}");
    }

    /// A caller's struct that flattens one of ours keeps what ours does not declare, as with
    /// serde's derive: a struct without an extra map asks for its own fields only.
    #[test]
    fn flattened_into_a_callers_struct_they_take_only_what_they_keep() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Outer {
            #[serde(flatten)]
            closed: Closed,
            #[serde(flatten)]
            rest: serde_json::Map<String, serde_json::Value>,
        }
        let outer: Outer = serde_json::from_str(r#"{"key":true,"other":1}"#).unwrap();
        assert_eq!(outer.closed, Closed { map: Some(true) });
        assert_eq!(outer.rest, serde_json::json!({"other": 1}).as_object().cloned().unwrap());
        assert_eq!(serde_json::to_string(&outer).unwrap(), r#"{"key":true,"other":1}"#);
    }

    #[test]
    fn errors_name_the_field_and_where_it_is() {
        assert_eq!(patch("{}").unwrap_err(), "missing field `id` at line 1 column 2");
        assert_eq!(patch(r#"{"id":"a","id":"b"}"#).unwrap_err(), "duplicate field `id` at line 1 column 14");
        assert_eq!(
            patch(r#"["a"]"#).unwrap_err(),
            "invalid type: sequence, expected struct Patch at line 1 column 0"
        );
        let closed = serde_json::from_str::<Closed>("[true]").unwrap_err().to_string();
        assert_eq!(closed, "invalid type: sequence, expected struct Closed at line 1 column 1");
        let mut json = serde_json::Deserializer::from_str(r#"{"id":"a","extra":{"size":1},"size":"big"}"#);
        let err = serde_path_to_error::deserialize::<_, Patch>(&mut json).unwrap_err();
        assert_eq!(err.path().to_string(), "size");
    }
}
