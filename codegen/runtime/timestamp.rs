//! Integer Unix timestamps that stay integers on the wire.
//!
//! Many APIs send times as whole seconds since the Unix epoch. [`UnixTime`]
//! keeps that exact representation (so a value round-trips unchanged) and
//! offers a conversion to a real date-time when one is wanted.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch (1970-01-01T00:00:00Z), serialized as a plain integer.
///
/// ```
/// use atlaspay::runtime::UnixTime;
///
/// let created = UnixTime(1_705_314_600);
/// assert_eq!(created.to_datetime().map(|t| t.to_rfc3339()).as_deref(), Some("2024-01-15T10:30:00+00:00"));
/// assert_eq!(created.to_string(), "2024-01-15T10:30:00Z");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// The time as a UTC date-time, or `None` when it is outside chrono's range.
    pub fn to_datetime(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.0, 0)
    }

    /// The whole seconds of a date-time (sub-second precision is dropped).
    pub fn from_datetime(datetime: DateTime<Utc>) -> Self {
        Self(datetime.timestamp())
    }

    /// The current time (from the system clock, so chrono's `clock` feature is not needed).
    pub fn now() -> Self {
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        // A clock set before 1970 reads as a negative offset.
        Self(match since_epoch {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        })
    }

    /// The raw number of seconds.
    pub fn as_secs(self) -> i64 {
        self.0
    }
}

impl From<i64> for UnixTime {
    fn from(secs: i64) -> Self {
        Self(secs)
    }
}

impl From<UnixTime> for i64 {
    fn from(time: UnixTime) -> Self {
        time.0
    }
}

impl From<DateTime<Utc>> for UnixTime {
    fn from(datetime: DateTime<Utc>) -> Self {
        Self::from_datetime(datetime)
    }
}

/// RFC 3339 in UTC (`2024-01-15T10:30:00Z`), or the raw integer when out of range.
impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_datetime() {
            Some(datetime) => write!(f, "{}", datetime.format("%Y-%m-%dT%H:%M:%SZ")),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnixTime;

    #[test]
    fn serde_is_a_plain_integer() {
        let t: UnixTime = serde_json::from_str("1705314600").unwrap();
        assert_eq!(t, UnixTime(1_705_314_600));
        assert_eq!(serde_json::to_string(&t).unwrap(), "1705314600");
    }

    #[test]
    fn datetime_round_trip_and_display() {
        let t = UnixTime(0);
        let dt = t.to_datetime().unwrap();
        assert_eq!(UnixTime::from_datetime(dt), t);
        assert_eq!(t.to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(UnixTime(i64::MAX).to_datetime(), None);
        assert_eq!(UnixTime(i64::MAX).to_string(), i64::MAX.to_string());
        assert!(UnixTime(1) < UnixTime(2));
    }

    #[test]
    fn now_reads_the_system_clock() {
        let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let now = UnixTime::now().as_secs();
        let after = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert!((before as i64..=after as i64).contains(&now), "{before} <= {now} <= {after}");
        // 2026-01-01T00:00:00Z: a sanity bound that catches milliseconds or a wrong epoch.
        assert!(now > 1_767_225_600 && now < 1_767_225_600 * 2, "{now}");
    }
}
