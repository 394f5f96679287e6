//! A string that never shows itself in `Debug` or `Display` output.
//!
//! Every credential the client holds (API keys, bearer tokens, basic-auth
//! passwords, client secrets) is stored as a [`Secret`], so printing a client,
//! a builder or an error can never leak key material into logs.

use std::fmt;

/// A credential value whose `Debug` and `Display` print `[redacted]`.
///
/// The value is only reachable through [`Secret::expose`], which makes every
/// place that really needs the plain text easy to find.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the plain-text value. Use only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the wrapped value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_are_redacted() {
        let secret = Secret::new("sk_test_SECRET123");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
        assert_eq!(secret.expose(), "sk_test_SECRET123");
    }
}
