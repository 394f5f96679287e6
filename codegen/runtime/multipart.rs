//! `multipart/form-data` request bodies and the [`Binary`] type for file contents.
//!
//! Generated request types implement [`ToMultipart`] field by field: binary fields become file
//! parts, strings become text parts, and other values are sent as JSON text. The body is
//! encoded to bytes up front, so a retried request resends exactly the same bytes.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::encode::to_json_value;

/// Raw bytes: file contents in multipart bodies (`format: binary`). In JSON it is a string.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary {
    /// The bytes.
    pub bytes: Bytes,
    /// File name sent with a multipart file part (`file` when unset).
    pub filename: Option<String>,
    /// Media type sent with a multipart file part (`application/octet-stream` when unset).
    pub content_type: Option<String>,
}

impl Binary {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Binary { bytes: bytes.into(), filename: None, content_type: None }
    }

    /// Sets the file name of a multipart file part.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// Sets the media type of a multipart file part.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("len", &self.bytes.len())
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary::new(bytes)
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Binary::new(bytes)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Binary::new(bytes)
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Binary::new(text)
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Self {
        Binary::new(text.to_owned())
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Binary::from)
    }
}

/// A value that can be sent as a `multipart/form-data` body (implemented by generated types).
pub trait ToMultipart {
    /// The form's parts.
    fn to_multipart(&self) -> Multipart;
}

/// A form built by hand is sent as it is.
impl ToMultipart for Multipart {
    fn to_multipart(&self) -> Multipart {
        self.clone()
    }
}

/// A `multipart/form-data` form under construction. An operation whose multipart body declares
/// no fields takes one: add its parts with [`field`](Self::field) and [`file`](Self::file).
///
/// ```
/// use atlaspay::runtime::{Binary, Multipart};
///
/// let mut form = Multipart::new();
/// form.field("purpose", "dispute_evidence");
/// form.file("file", &Binary::new(&b"%PDF-1.7"[..]).filename("receipt.pdf"));
/// let (content_type, body) = form.encode();
/// assert!(content_type.starts_with("multipart/form-data; boundary="));
/// assert!(body.windows(12).any(|w| w == b"receipt.pdf\""));
/// ```
#[derive(Debug, Default, Clone)]
pub struct Multipart {
    parts: Vec<Part>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a field: `None`/null is skipped, strings are sent as they are, arrays as one part
    /// per item, other values as JSON text.
    pub fn field<V: Serialize + ?Sized>(&mut self, name: &str, value: &V) {
        match to_json_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::Array(items)) => {
                for item in &items {
                    self.push_value(name, item);
                }
            }
            Ok(value) => self.push_value(name, &value),
            Err(err) => {
                if self.error.is_none() {
                    self.error = Some(format!("field `{name}`: {err}"));
                }
            }
        }
    }

    fn push_value(&mut self, name: &str, value: &serde_json::Value) {
        let (text, content_type) = match value {
            serde_json::Value::String(s) => (s.clone(), None),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => (value.to_string(), None),
            other => (other.to_string(), Some("application/json".to_owned())),
        };
        self.parts.push(Part {
            name: name.to_owned(),
            filename: None,
            content_type,
            data: Bytes::from(text),
        });
    }

    /// Sets the text part `name` to `value`, in place of any part of that name.
    pub(super) fn replace_field<V: Serialize + ?Sized>(&mut self, name: &str, value: &V) {
        self.parts.retain(|part| part.name != name);
        self.field(name, value);
    }

    /// Adds a file part.
    pub fn file(&mut self, name: &str, file: &Binary) {
        self.parts.push(Part {
            name: name.to_owned(),
            filename: Some(file.filename.clone().unwrap_or_else(|| "file".to_owned())),
            content_type: Some(
                file.content_type.clone().unwrap_or_else(|| "application/octet-stream".to_owned()),
            ),
            data: file.bytes.clone(),
        });
    }

    /// Adds a file part if there is one.
    pub fn file_opt(&mut self, name: &str, file: &Option<Binary>) {
        if let Some(file) = file {
            self.file(name, file);
        }
    }

    /// Adds one file part per item.
    pub fn files(&mut self, name: &str, files: &[Binary]) {
        for file in files {
            self.file(name, file);
        }
    }

    /// The first field that could not be encoded.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The `Content-Type` header (with a boundary not found in any part) and the body bytes.
    pub fn encode(&self) -> (String, Bytes) {
        let boundary = loop {
            let candidate = format!("atlas-{:016x}{:016x}", super::random::u64(), super::random::u64());
            let needle = candidate.as_bytes();
            if !self.parts.iter().any(|p| p.data.windows(needle.len()).any(|w| w == needle)) {
                break candidate;
            }
        };
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quote(&part.name));
            if let Some(filename) = &part.filename {
                disposition.push_str(&format!("; filename=\"{}\"", quote(filename)));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(
                    format!("Content-Type: {}\r\n", strip_newlines(content_type)).as_bytes(),
                );
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), Bytes::from(out))
    }
}

/// Escapes a quoted-string parameter (`"` and `\`) and drops line breaks, which would end the
/// header.
fn quote(text: &str) -> String {
    strip_newlines(text).replace('\\', "\\\\").replace('"', "\\\"")
}

fn strip_newlines(text: &str) -> String {
    text.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_fields_and_files() {
        let mut form = Multipart::new();
        form.field("note", "hello");
        form.field("count", &3);
        form.field("tags", &["a", "b"]);
        form.field("skipped", &Option::<String>::None);
        form.file("upload", &Binary::new(&b"\x00\x01"[..]).filename("a \"b\".bin"));
        let (content_type, body) = form.encode();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
        )));
        assert!(text.contains("name=\"count\"\r\n\r\n3\r\n"));
        assert_eq!(text.matches("name=\"tags\"").count(), 2);
        assert!(!text.contains("skipped"));
        assert!(text.contains(
            "name=\"upload\"; filename=\"a \\\"b\\\".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn binary_is_a_string_in_json() {
        let b = Binary::from("hi");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"hi\"");
        let back: Binary = serde_json::from_str("\"hi\"").unwrap();
        assert_eq!(back.bytes, Bytes::from_static(b"hi"));
        assert!(!format!("{b:?}").contains("hi"));
    }
}
