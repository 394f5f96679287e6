//! Test support: a JSON value survives decoding into a generated type and encoding back.
//!
//! Compiled only for tests (`#[cfg(test)]`): generated crates check every example of their API
//! description with it. "Survives" is judged the way an API would: `null` and an absent
//! property mean the same, numbers compare by value (`1` and `1.0`), and date-times compare
//! by instant (`+00:00` and `Z`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `json` into `T`, encodes it again and compares; the error says where they differ.
pub fn check<T: DeserializeOwned + Serialize>(json: &str) -> Result<(), String> {
    let expected: Value = serde_json::from_str(json).map_err(|e| format!("the example is not JSON: {e}"))?;
    let mut de = serde_json::Deserializer::from_str(json);
    let typed: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("does not decode at `{}`: {}", e.path(), e.inner()))?;
    let actual = serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))?;
    compare(&expected, &actual, "$")
}

fn compare(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let child = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => compare(ev, av, &child)?,
                    None if ev.is_null() => {}
                    None => return Err(format!("`{child}` was dropped")),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) && !av.is_null() {
                    return Err(format!("`{path}.{k}` appeared: {av}"));
                }
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("`{path}` has {} items instead of {}", a.len(), e.len()));
            }
            e.iter().zip(a).enumerate().try_for_each(|(i, (ev, av))| compare(ev, av, &format!("{path}[{i}]")))
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (Value::String(e), Value::String(a)) if e == a || same_instant(e, a) => Ok(()),
        // Unix seconds in the example, read as a date-time and written as RFC 3339.
        (Value::Number(e), Value::String(a)) if same_instant(&e.to_string(), a) => Ok(()),
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("`{path}` changed from {e} to {a}")),
    }
}

/// Whether an example's time and the one written back are the same instant: the example as
/// the generated types read it (`timestamp::Lenient`: without an offset it is UTC), the
/// written one as RFC 3339.
fn same_instant(expected: &str, actual: &str) -> bool {
    match (crate::runtime::timestamp::parse_time_text(expected), chrono::DateTime::parse_from_rfc3339(actual))
    {
        (Some(e), Ok(a)) => e == a,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Thing {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        amount: f64,
        at: chrono::DateTime<chrono::Utc>,
    }

    #[test]
    fn lenient_where_apis_are() {
        check::<Thing>(r#"{"id":"a","note":null,"amount":1,"at":"2024-01-15T10:30:00+00:00"}"#).unwrap();
        assert!(same_instant("2024-01-15 12:30:00+02:00", "2024-01-15T10:30:00Z"));
        // Read leniently, as the generated types read it: no offset is UTC.
        assert!(same_instant("2024-01-15T10:30:00", "2024-01-15T10:30:00Z"));
        assert!(!same_instant("2024-01-15T10:30:00", "2024-01-15T10:30:01Z"));
        assert!(!same_instant("soon", "2024-01-15T10:30:00Z"));
        // Unix seconds, read as the generated types read them, written as RFC 3339.
        let (seconds, written) =
            (serde_json::json!(1705314600.5), serde_json::json!("2024-01-15T10:30:00.500Z"));
        compare(&seconds, &written, "$").unwrap();
        compare(&seconds, &serde_json::json!("2024-01-15T10:30:01Z"), "$").unwrap_err();
    }

    #[test]
    fn reports_drops_changes_and_decode_errors() {
        let err =
            check::<Thing>(r#"{"id":"a","amount":1,"at":"2024-01-15T10:30:00Z","other":1}"#).unwrap_err();
        assert!(err.contains("`$.other` was dropped"), "{err}");
        let err = check::<Thing>(r#"{"id":5,"amount":1,"at":"2024-01-15T10:30:00Z"}"#).unwrap_err();
        assert!(err.contains("does not decode at `id`"), "{err}");
        assert!(
            compare(&serde_json::json!([1, 2]), &serde_json::json!([1]), "$")
                .unwrap_err()
                .contains("1 items instead of 2")
        );
    }
}
