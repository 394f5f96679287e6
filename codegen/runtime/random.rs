//! Random values for retry jitter, multipart boundaries and idempotency keys.
//!
//! None of them needs to be secret, only unpredictable enough not to collide: std's
//! `RandomState` is keyed from the operating system's randomness once per thread and gets new
//! keys each time it is created, so hashing with a fresh one gives 64 random bits without a
//! random-number crate (and the packages it brings) in every dependent's build.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// 64 random bits.
pub fn u64() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    // A forked child starts with its parent's keys: the process id and the clock keep the two
    // sequences apart, the counter keeps calls apart within one.
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}

/// A random integer in `0..=max`.
pub fn up_to(max: u64) -> u64 {
    match max.checked_add(1) {
        // `%` favours small values by at most bound / 2^64: 2^-28 for a one-minute cap in
        // nanoseconds, nothing a retry delay can show.
        Some(bound) => u64() % bound,
        None => u64(),
    }
}

/// A random (version 4) UUID in its hyphenated form, as Stripe-like APIs suggest for
/// idempotency keys.
pub fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&u64().to_be_bytes());
    bytes[8..].copy_from_slice(&u64().to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let keys: Vec<String> = (0..1000).map(|_| uuid_v4()).collect();
        for key in &keys {
            let groups: Vec<usize> = key.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{key}");
            let lower_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
            assert!(key.chars().all(|c| c == '-' || lower_hex(c)), "{key}");
            assert_eq!(&key[14..15], "4", "{key}");
            assert!("89ab".contains(&key[19..20]), "{key}");
        }
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
    }

    #[test]
    fn bounded_values_stay_in_range_and_vary() {
        assert_eq!(up_to(0), 0);
        let values: Vec<u64> = (0..1000).map(|_| up_to(9)).collect();
        assert!(values.iter().all(|v| *v <= 9));
        for digit in 0..=9 {
            assert!(values.contains(&digit), "{digit} never drawn in 1000 tries");
        }
        let _ = up_to(u64::MAX);
        assert_ne!(u64(), u64());
    }
}
