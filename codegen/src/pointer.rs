//! JSON pointers (RFC 6901) in the `#/a/b` fragment form that `$ref` uses.

use std::borrow::Cow;

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
fn parse_local_ref(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(rest.split('/').map(|t| unescape(t).into_owned()).collect())
}

/// The canonical `#/...` pointer a local reference names (what [`push`] would build from its
/// tokens), or `None` for references to other documents.
///
/// Most references are already canonical; they are returned borrowed, without the split and
/// re-join that lowering would otherwise do for every `$ref` it meets.
pub fn canonical(reference: &str) -> Option<Cow<'_, str>> {
    let fragment = reference.strip_prefix('#')?;
    let escapes_ok = || {
        let bytes = fragment.as_bytes();
        bytes.iter().enumerate().all(|(i, &b)| b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
    };
    if (fragment.is_empty() || fragment.starts_with('/')) && !fragment.contains('%') && escapes_ok() {
        return Some(Cow::Borrowed(reference));
    }
    parse_local_ref(reference).map(|tokens| Cow::Owned(from_tokens(&tokens)))
}

/// Builds the canonical `#/...` pointer for a list of unescaped tokens.
fn from_tokens(tokens: &[String]) -> String {
    tokens.iter().fold(String::from("#"), |acc, t| push(&acc, t))
}

/// Looks a canonical `#/...` pointer (as [`push`] and [`canonical`] build them) up in a
/// document.
pub fn get<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let fragment = pointer.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(root);
    }
    fragment.strip_prefix('/')?.split('/').try_fold(root, |node, token| match node {
        Value::Object(map) => map.get(unescape(token).as_ref()),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// Whether a canonical pointer is a component of `section` itself (`#/components/schemas/Foo`
/// for `schemas`), not something inside one.
pub fn is_component(pointer: &str, section: &str) -> bool {
    pointer
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(section))
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/'))
}

/// The last token of a canonical pointer, unescaped (`#/components/schemas/Foo` → `Foo`).
pub fn last_token(pointer: &str) -> String {
    match pointer.strip_prefix("#/") {
        Some(rest) => unescape(rest.rsplit('/').next().unwrap_or_default()).into_owned(),
        None => String::new(),
    }
}

/// What names the schema at a canonical pointer, in words for a type name: its last token
/// (`#/components/schemas/Foo` → `Foo`), or, for an array's items or a map's values, the property
/// or schema they belong to and which (`…/properties/clusters/items` → `clusters item`, where
/// the last token alone would name every such type `Items`).
pub fn schema_name(pointer: &str) -> String {
    let Some(rest) = pointer.strip_prefix("#/") else { return String::new() };
    let tokens: Vec<Cow<'_, str>> = rest.split('/').map(unescape).collect();
    let [.., grandparent, parent, last] = tokens.as_slice() else { return last_token(pointer) };
    const NAMED: &[&str] = &["properties", "schemas", "definitions", "$defs"];
    let role = match last.as_ref() {
        "items" => "item",
        "additionalProperties" => "value",
        _ => "",
    };
    // `…/properties/items` is a property called `items`, not an array's items.
    if role.is_empty() || NAMED.contains(&parent.as_ref()) || !NAMED.contains(&grandparent.as_ref()) {
        return last.clone().into_owned();
    }
    format!("{parent} {role}")
}

/// One reference token with `~1` and `~0` unescaped (in that order, as RFC 6901 says).
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// `%XX` escapes decoded (invalid UTF-8 replaced); other text as it is.
pub(crate) fn percent_decode(s: &str) -> String {
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
    fn components_are_told_from_what_is_inside_them() {
        assert!(is_component("#/components/schemas/Foo", "schemas"));
        assert!(is_component("#/components/responses/NotFound", "responses"));
        assert!(!is_component("#/components/schemas/Foo/properties/x", "schemas"));
        assert!(!is_component("#/components/schemasX/Foo", "schemas"));
        assert!(!is_component("#/components/responses/NotFound", "schemas"));
        assert!(!is_component("#/paths/~1a/get", "schemas"));
    }

    #[test]
    fn names_schemas_by_what_holds_them() {
        assert_eq!(schema_name("#/components/schemas/Foo"), "Foo");
        assert_eq!(schema_name("#/components/schemas/items"), "items");
        assert_eq!(
            schema_name(
                "#/paths/~1v2~1clusters/get/responses/200/content/application~1json/schema/properties/kubernetes_clusters/items"
            ),
            "kubernetes_clusters item"
        );
        assert_eq!(schema_name("#/components/schemas/Tags/additionalProperties"), "Tags value");
        assert_eq!(schema_name("#/components/schemas/Page/properties/items"), "items");
        assert_eq!(
            schema_name("#/paths/~1pets/get/responses/200/content/application~1json/schema/items"),
            "items"
        );
        assert_eq!(schema_name("#/definitions/a~1b/items"), "a/b item");
        assert_eq!(schema_name("#/items"), "items");
        assert_eq!(schema_name("not a pointer"), "");
    }

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
    fn canonical_pointers_are_borrowed_and_others_rebuilt() {
        let borrowed = |r: &str| matches!(canonical(r), Some(Cow::Borrowed(_)));
        assert!(borrowed("#/components/schemas/Foo"));
        assert!(borrowed("#/paths/~1a~1{id}/get"));
        assert!(borrowed("#"));
        assert_eq!(canonical("#/components/schemas/Foo%20Bar").unwrap(), "#/components/schemas/Foo Bar");
        // Percent-decoding comes first (RFC 6901, section 6): `%2F` separates tokens, and an
        // encoded `{` is the brace.
        assert_eq!(canonical("#/paths/%2Fa").unwrap(), "#/paths//a");
        assert_eq!(canonical("#/paths/~1a~1%7Bid%7D").unwrap(), "#/paths/~1a~1{id}");
        // A stray `~` is a literal tilde, spelled `~0` in the canonical form.
        assert_eq!(canonical("#/a~2b").unwrap(), "#/a~02b");
        assert_eq!(canonical("#/a~").unwrap(), "#/a~0");
        assert_eq!(canonical("other.yaml#/Foo"), None);
        // Whatever the spelling, the canonical form is what `push` builds from the tokens.
        for r in ["#/a/b", "#/a~0~1b/c", "#/x%7E1y", "#/", "#/a//b", "#/~01"] {
            assert_eq!(canonical(r).unwrap(), from_tokens(&parse_local_ref(r).unwrap()), "{r}");
        }
    }

    #[test]
    fn last_tokens_are_unescaped() {
        assert_eq!(last_token("#/components/schemas/Foo"), "Foo");
        assert_eq!(last_token("#/paths/~1a~1b"), "/a/b");
        assert_eq!(last_token("#/a~0b"), "a~b");
        assert_eq!(last_token("#"), "");
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
        // Canonical pointers are looked up as written: a literal `%` in a key stays a `%`.
        let doc = serde_json::json!({"100%": {"a%20b": 1}});
        assert_eq!(get(&doc, &push(&push("#", "100%"), "a%20b")), Some(&Value::from(1)));
        assert_eq!(get(&doc, "#"), Some(&doc));
        assert_eq!(get(&doc, "no-hash"), None);
    }
}
