//! Errors and warnings that point into the spec.
//!
//! Every diagnostic names a JSON pointer (`#/paths/~1customers/post`) so that a user can find the
//! construct in their document; a message without a location is not allowed by construction.

use std::fmt;

/// One finding about the input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// JSON pointer into the spec, starting with `#` (the whole document is `#`).
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// The errors that stopped generation (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}
