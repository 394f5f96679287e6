//! Times on the wire.
//!
//! Many APIs send times as whole seconds since the Unix epoch. [`UnixTime`]
//! keeps that exact representation (so a value round-trips unchanged) and
//! offers a conversion to a real date-time when one is wanted.
//!
//! Fields an API describes as `date-time` or `date` are chrono's types, and fields of Unix
//! seconds are [`UnixTime`]s, all read through [`Lenient`]: servers write times in more forms
//! than their descriptions say (no offset, a date where a date-time was declared, or the
//! reverse, Unix seconds, or ISO text where seconds were declared), and one such value would
//! otherwise fail the whole response.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::de::{Deserializer, Error, Unexpected, Visitor};
use serde::{Deserialize, Serialize};

use crate::runtime::Nullable;

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

/// A field's type read more leniently than its `Deserialize` reads it: `date-time` and `date`
/// values in the forms servers write besides RFC 3339, Unix seconds also as text, and lists and
/// optional values of them.
/// The generated structs read such fields through it (`json_object!`'s `lenient`); written,
/// a value is RFC 3339 as always.
///
/// ```
/// use atlaspay::runtime::timestamp::ReadLeniently;
///
/// let read = |json: &str| serde_json::from_str::<ReadLeniently<chrono::DateTime<chrono::Utc>>>(json).map(|t| t.0.to_rfc3339());
/// assert_eq!(read(r#""2024-01-15T10:30:00""#).unwrap(), "2024-01-15T10:30:00+00:00");
/// assert_eq!(read("1705314600").unwrap(), "2024-01-15T10:30:00+00:00");
/// assert!(read(r#""next tuesday""#).is_err());
/// ```
pub trait Lenient: Sized {
    /// Reads a value.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// A `T` read through [`Lenient`], for where a `Deserialize` type is needed.
pub struct ReadLeniently<T>(pub T);

impl<'de, T: Lenient> Deserialize<'de> for ReadLeniently<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(ReadLeniently)
    }
}

/// RFC 3339 (chrono also takes a space for the `T` and an offset without its colon); without
/// an offset, or only a date (midnight), as UTC; an hour-only offset (`+02`); RFC 2822 (`Mon,
/// 15 Jan 2024 10:30:00 GMT`); a number as Unix seconds, or milliseconds where seconds would
/// be past the year 5000.
impl Lenient for DateTime<Utc> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimeVisitor)
    }
}

/// A date (`2024-01-15`), or the date of a date-time as written (`2024-01-15T23:30:00-05:00`
/// is the 15th).
impl Lenient for NaiveDate {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateVisitor)
    }
}

/// Unix seconds as a number (a fraction dropped), or as text: the number written out (read as
/// the number is), or a date-time in the text forms [`Lenient`] for `DateTime<Utc>` reads (its
/// whole seconds), for servers that send some of their times as ISO text. An integer is kept
/// exactly as sent.
impl Lenient for UnixTime {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UnixTimeVisitor)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<ReadLeniently<T>>::deserialize(deserializer)?.map(|value| value.0))
    }
}

impl<T: Lenient> Lenient for Nullable<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Nullable::<ReadLeniently<T>>::deserialize(deserializer)?.map(|value| value.0))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<ReadLeniently<T>>::deserialize(deserializer)?.into_iter().map(|value| value.0).collect())
    }
}

struct UnixTimeVisitor;

impl Visitor<'_> for UnixTimeVisitor {
    type Value = UnixTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Unix seconds")
    }

    fn visit_i64<E: Error>(self, seconds: i64) -> Result<Self::Value, E> {
        Ok(UnixTime(seconds))
    }

    fn visit_u64<E: Error>(self, seconds: u64) -> Result<Self::Value, E> {
        i64::try_from(seconds)
            .map(UnixTime)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(seconds), &self))
    }

    fn visit_f64<E: Error>(self, seconds: f64) -> Result<Self::Value, E> {
        // `as` saturates: a value past what `i64` holds is refused, not clamped.
        let whole = seconds.floor();
        if whole.is_finite() && whole.abs() < 2f64.powi(63) {
            Ok(UnixTime(whole as i64))
        } else {
            Err(E::invalid_value(Unexpected::Float(seconds), &self))
        }
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
        // A number written out is read as the number would be; other text as a date-time.
        let refused = || E::invalid_value(Unexpected::Str(text), &self);
        let trimmed = text.trim();
        if let Ok(seconds) = trimmed.parse::<i64>() {
            return Ok(UnixTime(seconds));
        }
        if let Ok(seconds) = trimmed.parse::<f64>() {
            return UnixTimeVisitor.visit_f64(seconds).map_err(|_: E| refused());
        }
        parse_as_written(text).map(|time| UnixTime(time.timestamp())).ok_or_else(refused)
    }
}

struct TimeVisitor;

impl Visitor<'_> for TimeVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
        parse_time_text(text).ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
    }

    fn visit_i64<E: Error>(self, number: i64) -> Result<Self::Value, E> {
        from_epoch(number).ok_or_else(|| E::invalid_value(Unexpected::Signed(number), &self))
    }

    fn visit_u64<E: Error>(self, number: u64) -> Result<Self::Value, E> {
        let signed =
            i64::try_from(number).map_err(|_| E::invalid_value(Unexpected::Unsigned(number), &self))?;
        self.visit_i64(signed)
    }

    fn visit_f64<E: Error>(self, number: f64) -> Result<Self::Value, E> {
        from_epoch_f64(number).ok_or_else(|| E::invalid_value(Unexpected::Float(number), &self))
    }
}

/// Unix seconds, or milliseconds where seconds would be past the year 5000; milliseconds past
/// it are refused (microseconds, say), not read as a time 50,000 years away.
fn from_epoch(number: i64) -> Option<DateTime<Utc>> {
    match number.unsigned_abs() {
        0..YEAR_5000_SECONDS => DateTime::from_timestamp(number, 0),
        YEAR_5000_SECONDS..YEAR_5000_MILLIS => DateTime::from_timestamp_millis(number),
        _ => None,
    }
}

/// [`from_epoch`] with a fraction, kept to the microsecond (an f64 of today's seconds holds no
/// finer digits).
fn from_epoch_f64(number: f64) -> Option<DateTime<Utc>> {
    let seconds = if number.abs() < YEAR_5000_SECONDS as f64 { number } else { number / 1000.0 };
    let micros = (seconds.fract() * 1e6).round() as i64;
    (seconds.abs() < YEAR_5000_SECONDS as f64)
        .then(|| DateTime::from_timestamp(seconds.trunc() as i64, 0))
        .flatten()
        .and_then(|whole| whole.checked_add_signed(chrono::TimeDelta::microseconds(micros)))
}

/// A date-time field's text: any form of [`parse_as_written`], or Unix seconds written as text
/// (`"1472660939.152"`, as AWS's examples do) with at least 9 digits before any point, so that
/// a compact date (`"20240115"`) is never read as seconds.
pub(crate) fn parse_time_text(text: &str) -> Option<DateTime<Utc>> {
    parse_as_written(text).map(|time| time.with_timezone(&Utc)).or_else(|| {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = whole.strip_prefix('-').unwrap_or(whole);
        let numeric = digits.len() >= 9
            && digits.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit());
        if !numeric {
            return None;
        }
        if fraction.is_empty() { from_epoch(text.parse().ok()?) } else { from_epoch_f64(text.parse().ok()?) }
    })
}

/// 5000-01-01T00:00:00Z in Unix seconds and milliseconds: the bounds of [`TimeVisitor`]'s
/// numbers.
const YEAR_5000_SECONDS: u64 = 95_617_584_000;
const YEAR_5000_MILLIS: u64 = YEAR_5000_SECONDS * 1000;

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
        // A date-time: its date as written (`2024-01-15T23:30:00-05:00` is the 15th).
        let date =
            text.trim().parse::<NaiveDate>().ok().or_else(|| parse_as_written(text).map(|t| t.date_naive()));
        date.ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
    }
}

/// A date-time in any of the text forms [`Lenient`] for `DateTime<Utc>` names, in the offset
/// it was written with (UTC where none is).
fn parse_as_written(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(time) = text.parse::<DateTime<FixedOffset>>() {
        return Some(time);
    }
    if let Ok(time) = text.replacen(' ', "T", 1).parse::<NaiveDateTime>() {
        return Some(time.and_utc().fixed_offset());
    }
    if let Ok(date) = text.parse::<NaiveDate>() {
        return date.and_hms_opt(0, 0, 0).map(|time| time.and_utc().fixed_offset());
    }
    // An offset of hours only (`+02`).
    let bytes = text.as_bytes();
    let hours_only = bytes.len() > 3 && matches!(bytes[bytes.len() - 3], b'+' | b'-');
    if hours_only && let Ok(time) = format!("{text}:00").parse::<DateTime<FixedOffset>>() {
        return Some(time);
    }
    DateTime::parse_from_rfc2822(text).ok().or_else(|| parse_iso_8601(text))
}

/// ISO 8601 forms RFC 3339 leaves out, as AWS writes times: to the minute
/// (`2016-09-27T14:55Z`, its examples), and the basic format without separators
/// (`20170228T1215Z`, `20150830T123600Z`, its documentation and signatures) to the minute or
/// second; with an offset or without one (UTC).
fn parse_iso_8601(text: &str) -> Option<DateTime<FixedOffset>> {
    let (date, _) = text.split_once('T')?;
    let basic = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    let (with_offset, without): (&[&str], &[&str]) = if basic {
        (&["%Y%m%dT%H%M%S%.f%z", "%Y%m%dT%H%M%z"], &["%Y%m%dT%H%M%S%.f", "%Y%m%dT%H%M"])
    } else {
        (&["%Y-%m-%dT%H:%M%z"], &["%Y-%m-%dT%H:%M"])
    };
    let zoned = match text.strip_suffix('Z') {
        Some(rest) => format!("{rest}+0000"),
        None => text.to_owned(),
    };
    with_offset.iter().find_map(|format| DateTime::parse_from_str(&zoned, format).ok()).or_else(|| {
        without
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(|time| time.and_utc().fixed_offset())
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    use super::{ReadLeniently, UnixTime};
    use crate::runtime::Nullable;

    fn time(json: &str) -> Result<String, String> {
        serde_json::from_str::<ReadLeniently<DateTime<Utc>>>(json)
            .map(|t| t.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            .map_err(|e| e.to_string())
    }

    fn date(json: &str) -> Result<String, String> {
        serde_json::from_str::<ReadLeniently<NaiveDate>>(json)
            .map(|d| d.0.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn date_times_are_read_in_the_forms_servers_write() {
        let cases = [
            (r#""2024-01-15T10:30:00Z""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15T12:30:00+02:00""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15 10:30:00+0000""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15T10:30:00""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15 10:30:00.250""#, "2024-01-15T10:30:00.250Z"),
            (r#""2024-01-15""#, "2024-01-15T00:00:00Z"),
            (r#""2024-01-15T12:30:00+02""#, "2024-01-15T10:30:00Z"),
            (r#""Mon, 15 Jan 2024 10:30:00 GMT""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15T10:30Z""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15T12:30+02:00""#, "2024-01-15T10:30:00Z"),
            (r#""2024-01-15T10:30""#, "2024-01-15T10:30:00Z"),
            (r#""20240115T1030Z""#, "2024-01-15T10:30:00Z"),
            (r#""20240115T123000.5+0200""#, "2024-01-15T10:30:00.500Z"),
            (r#""20240115T103000""#, "2024-01-15T10:30:00Z"),
            ("1705314600", "2024-01-15T10:30:00Z"),
            ("1705314600250", "2024-01-15T10:30:00.250Z"),
            ("1705314600.5", "2024-01-15T10:30:00.500Z"),
            ("1705314600.123", "2024-01-15T10:30:00.123Z"),
            ("1705314600.001", "2024-01-15T10:30:00.001Z"),
            ("-86400", "1969-12-31T00:00:00Z"),
        ];
        for (json, expected) in cases {
            assert_eq!(time(json).as_deref(), Ok(expected), "{json}");
        }
        assert_eq!(
            time(r#""next tuesday""#).unwrap_err(),
            "invalid value: string \"next tuesday\", expected an RFC 3339 date-time at line 1 column 14"
        );
        assert!(time("true").unwrap_err().contains("expected an RFC 3339 date-time"));
        assert!(time(r#""2024-02-30T00:00:00Z""#).is_err());
        assert!(time(r#""2024-01-15T10:61Z""#).is_err());
        assert!(time("1e300").is_err());
        // Microseconds are past what milliseconds reach: refused, not a time 50,000 years away.
        assert!(time("1705314600250000").is_err());
        assert!(time("1705314600250000.0").is_err());
        // Seconds written as text (AWS's examples); a compact date is not seconds.
        assert_eq!(time(r#""1472660939.152""#).as_deref(), Ok("2016-08-31T16:28:59.152Z"));
        assert_eq!(time(r#""1705314600""#).as_deref(), Ok("2024-01-15T10:30:00Z"));
        assert!(time(r#""20240115""#).is_err());
        assert!(time(r#""1705314600.x""#).is_err());
    }

    #[test]
    fn dates_are_read_alone_or_from_a_date_time_as_written() {
        assert_eq!(date(r#""2024-01-15""#).as_deref(), Ok("2024-01-15"));
        // Shutterstock's `added_date` is declared a date and written as a date-time.
        assert_eq!(date(r#""2025-10-15T13:52:12.909Z""#).as_deref(), Ok("2025-10-15"));
        assert_eq!(date(r#""2024-01-15T23:30:00-05:00""#).as_deref(), Ok("2024-01-15"));
        assert!(date(r#""2024-01-15Tlunch""#).unwrap_err().contains("expected a date (YYYY-MM-DD)"));
        assert!(date(r#""2024-13-01""#).is_err());
        assert!(date("20240115").is_err());
        // Around the text, the date is the one written, never a shifted slice of it.
        assert_eq!(date(r#"" 2024-01-15T10:00:00Z""#).as_deref(), Ok("2024-01-15"));
        assert_eq!(date(r#""\n2024-01-31T10:00:00Z""#).as_deref(), Ok("2024-01-31"));
        // A signed year (ISO 8601's expanded form) is that year.
        assert_eq!(date(r#""+2024-01-15T10:00:00Z""#).as_deref(), Ok("2024-01-15"));
    }

    #[test]
    fn options_lists_and_nullables_of_times_are_read_leniently_too() {
        let read =
            |json: &str| serde_json::from_str::<ReadLeniently<Vec<Option<NaiveDate>>>>(json).map(|v| v.0);
        let day = NaiveDate::from_ymd_opt(2024, 1, 15);
        assert_eq!(read(r#"["2024-01-15T08:00:00Z", null]"#).unwrap(), vec![day, None]);
        let read =
            |json: &str| serde_json::from_str::<ReadLeniently<Nullable<DateTime<Utc>>>>(json).map(|v| v.0);
        assert_eq!(read("null").unwrap(), Nullable::Null);
        assert_eq!(read("0").unwrap(), Nullable::Value(DateTime::UNIX_EPOCH));
    }

    #[test]
    fn unix_times_are_read_as_numbers_or_as_text() {
        let read = |json: &str| serde_json::from_str::<ReadLeniently<UnixTime>>(json).map(|t| t.0.0);
        assert_eq!(read("1705314600").unwrap(), 1_705_314_600);
        // An integer is kept as sent, whatever its size: it is written back unchanged.
        assert_eq!(read("1705314600250").unwrap(), 1_705_314_600_250);
        assert_eq!(read("-1").unwrap(), -1);
        assert_eq!(read("1705314600.75").unwrap(), 1_705_314_600);
        assert_eq!(read("-0.5").unwrap(), -1);
        assert_eq!(read(r#""1705314600""#).unwrap(), 1_705_314_600);
        // Text that is a number reads as that number would: no date guessed from its digits.
        assert_eq!(read(r#""20240115""#).unwrap(), 20_240_115);
        assert_eq!(read(r#"" 86400.5""#).unwrap(), 86_400);
        assert_eq!(read(r#""1705314600250.5""#).unwrap(), 1_705_314_600_250);
        assert!(read(r#""NaN""#).is_err());
        assert_eq!(read(r#""2024-01-15T10:30:00Z""#).unwrap(), 1_705_314_600);
        assert_eq!(read(r#""2024-01-15T12:30:00.900+02:00""#).unwrap(), 1_705_314_600);
        assert_eq!(read(r#""Mon, 15 Jan 2024 10:30:00 GMT""#).unwrap(), 1_705_314_600);
        assert_eq!(
            read(r#""soon""#).unwrap_err().to_string(),
            "invalid value: string \"soon\", expected Unix seconds at line 1 column 6"
        );
        assert!(read("18446744073709551615").is_err());
        assert!(read("1e300").is_err());
        assert!(read("true").is_err());
        // Its own `Deserialize` stays strict: an untagged union decides its variant by it.
        assert!(serde_json::from_str::<UnixTime>(r#""2024-01-15T10:30:00Z""#).is_err());
    }

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
