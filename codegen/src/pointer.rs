//! JSON pointers (RFC 6901) in the `#/a/b` fragment form that `$ref` uses.

use serde_json::Value;

/// Appends one reference token to a pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a local reference (`#/components/schemas/Foo`) into unescaped tokens.
///
/// Percent-encoding in the fragment (`#/components/schemas/Foo%20Bar`) is decoded first, as
/// RFC 3986 fragments require. Returns `None` for references to other documents.
pub fn parse_local_ref(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// Builds the canonical `#/...` pointer for a list of unescaped tokens.
pub fn from_tokens(tokens: &[String]) -> String {
    tokens.iter().fold(String::from("#"), |acc, t| push(&acc, t))
}

/// Looks a canonical `#/...` pointer up in a document.
pub fn get<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let tokens = parse_local_ref(pointer)?;
    tokens.iter().try_fold(root, |node, token| match node {
        Value::Object(map) => map.get(token.as_str()),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// The last token of a pointer, unescaped (`#/components/schemas/Foo` → `Foo`).
pub fn last_token(pointer: &str) -> String {
    parse_local_ref(pointer).and_then(|t| t.last().cloned()).unwrap_or_default()
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_unescapes_tokens() {
        let p = push(&push("#", "paths"), "/customers/{id}");
        assert_eq!(p, "#/paths/~1customers~1{id}");
        assert_eq!(parse_local_ref(&p).unwrap(), vec!["paths", "/customers/{id}"]);
        assert_eq!(push("#", "a~b"), "#/a~0b");
        assert_eq!(parse_local_ref("#/a~0b").unwrap(), vec!["a~b"]);
    }

    #[test]
    fn decodes_percent_encoded_refs() {
        assert_eq!(
            parse_local_ref("#/components/schemas/Foo%20Bar").unwrap(),
            vec!["components", "schemas", "Foo Bar"]
        );
        // A stray percent sign is kept as is.
        assert_eq!(parse_local_ref("#/a/100%").unwrap(), vec!["a", "100%"]);
        assert_eq!(parse_local_ref("#/a/%2").unwrap(), vec!["a", "%2"]);
    }

    #[test]
    fn external_refs_are_not_local() {
        assert_eq!(parse_local_ref("other.yaml#/Foo"), None);
        assert_eq!(parse_local_ref("#"), Some(vec![]));
    }

    #[test]
    fn looks_up_objects_and_arrays() {
        let doc = serde_json::json!({"a": {"b/c": [1, {"d": true}]}});
        assert_eq!(get(&doc, "#/a/b~1c/1/d"), Some(&Value::Bool(true)));
        assert_eq!(get(&doc, "#/a/missing"), None);
        assert_eq!(get(&doc, "#/a/b~1c/9"), None);
    }
}
