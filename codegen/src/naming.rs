//! Rust identifiers from spec names: casing, keywords, reserved names, collisions.
//!
//! Every identifier in the generated code comes through here, so that no spec string can produce
//! an invalid, shadowing or lint-triggering name. Names are ASCII only: non-ASCII identifiers
//! trigger `mixed_script_confusables` and are hard to type for most users.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2024 (including weak ones that cannot be raw).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
    "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen",
];

/// Whether a name is a Rust keyword (strict, reserved, or of some edition).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Keywords that cannot be used even as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that would shadow the prelude or the generated code's own vocabulary.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "Vec",
    "String",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Default",
    "Debug",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "FromIterator",
    "Self",
    "Send",
    "Future",
    "IntoFuture",
];

/// Method names that would shadow a std trait method on the same type (clippy's
/// `should_implement_trait`) or the generated constructor.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "clone",
    "default",
    "from_str",
    "from",
    "into",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "fmt",
    "drop",
    "deref",
    "deref_mut",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "next",
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "neg",
    "not",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
    "index",
    "index_mut",
    "from_iter",
    "into_iter",
    "to_owned",
    "to_string",
    "type_id",
];

/// `UpperCamelCase` for types and variants, never empty, never a keyword or a prelude name.
pub fn type_name(raw: &str) -> String {
    let camel = words(raw).to_upper_camel_case();
    let camel = if camel.is_empty() { "Unnamed".to_owned() } else { camel };
    let camel = if camel.starts_with(|c: char| c.is_ascii_digit()) { format!("Type{camel}") } else { camel };
    if RESERVED_TYPES.contains(&camel.as_str()) { format!("{camel}Type") } else { camel }
}

/// `UpperCamelCase` for enum variants made from values (`+1` → `Plus1`, `""` → `Empty`).
pub fn variant_name(raw: &str) -> String {
    let mut spelled = String::with_capacity(raw.len() + 8);
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let word = match c {
            '+' => " plus ",
            '-' if i == 0 || !chars[i - 1].is_ascii_alphanumeric() => " minus ",
            '*' => " star ",
            '<' => " lt ",
            '>' => " gt ",
            '=' => " eq ",
            '!' => " not ",
            '&' => " and ",
            '@' => " at ",
            '#' => " hash ",
            '%' => " percent ",
            '$' => " dollar ",
            '~' => " tilde ",
            '^' => " caret ",
            '?' => " question ",
            _ => {
                spelled.push(c);
                continue;
            }
        };
        spelled.push_str(word);
    }
    let camel = words(&spelled).to_upper_camel_case();
    if camel.is_empty() {
        return if raw.is_empty() { "Empty".to_owned() } else { "Value".to_owned() };
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{camel}");
    }
    if camel == "Self" { "SelfValue".to_owned() } else { camel }
}

/// `snake_case` for fields, arguments, methods and modules; keywords become raw identifiers
/// (`r#type`) or get a trailing underscore where raw is not allowed (`self_`).
pub fn field_name(raw: &str) -> String {
    let snake = words(raw).to_snake_case();
    let snake = if snake.is_empty() { "field".to_owned() } else { snake };
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("n{snake}") } else { snake };
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// Whether a `snake_case` name is one [`method_name`] changes: a std trait method's or `new`.
pub fn is_reserved_method(snake: &str) -> bool {
    RESERVED_METHODS.contains(&snake.trim_start_matches("r#"))
}

/// A method name that does not shadow a std trait method or `new`.
pub fn method_name(raw: &str) -> String {
    method_name_of_field(field_name(raw))
}

/// [`method_name`] from the [`field_name`] of the same raw name, which is then not case-converted
/// a second time.
pub fn method_name_of_field(name: String) -> String {
    let bare = name.trim_start_matches("r#");
    if RESERVED_METHODS.contains(&bare) { format!("set_{bare}") } else { name }
}

/// Like `field_name` but never a raw identifier (for use inside other names and in modules
/// and files).
pub fn plain_snake(raw: &str) -> String {
    let name = field_name(raw);
    match name.strip_prefix("r#") {
        Some(kw) => format!("{kw}_"),
        None => name,
    }
}

/// A `snake_case` name without the articles that operation ids written as sentences carry
/// (`get_an_album`, `close_an_account`, `get_the_users_playlists`), unless nothing else is left.
pub fn without_articles(snake: &str) -> String {
    let words: Vec<&str> = snake.split('_').filter(|w| !matches!(*w, "a" | "an" | "the")).collect();
    if words.iter().all(|w| w.is_empty()) { snake.to_owned() } else { words.join("_") }
}

/// The words of a name in `snake_case`, with no keyword handling (for building longer names).
pub fn words_snake(raw: &str) -> String {
    words(raw).to_snake_case()
}

/// Crude English singular for naming array items (`line_items` → `line_item`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies")
        && !stem.is_empty()
    {
        return format!("{stem}y");
    }
    for suffix in ["sses", "shes", "ches", "xes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && word.len() > 1 {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

/// Keeps ASCII letters and digits and turns everything else into word breaks, so that heck sees
/// `foo.bar-baz` and `foo bar baz` alike.
fn words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect::<String>()
}

/// Hands out unique names within one namespace, deterministically: the first claimant of a name
/// keeps it, later ones get `2`, `3`, … (`_2` for snake case).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: HashSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Namespace::default()
    }

    /// Marks a name as taken without claiming it for anything.
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.trim_start_matches("r#").to_owned());
    }

    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name.trim_start_matches("r#"))
    }

    /// Claims `base`, or the first free `base2`, `base3`, …
    pub fn claim(&mut self, base: &str) -> String {
        let bare = base.trim_start_matches("r#");
        if self.used.insert(bare.to_owned()) {
            return base.to_owned();
        }
        let snake = bare.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        (2..)
            .map(|n| if snake { format!("{bare}_{n}") } else { format!("{bare}{n}") })
            .find(|candidate| self.used.insert(candidate.clone()))
            .unwrap_or_else(|| bare.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_lose_their_articles_unless_nothing_else_is_left() {
        assert_eq!(without_articles("get_an_album"), "get_album");
        assert_eq!(
            without_articles("get_a_list_of_current_users_playlists"),
            "get_list_of_current_users_playlists"
        );
        assert_eq!(without_articles("change_status_of_the_origin"), "change_status_of_origin");
        assert_eq!(without_articles("the"), "the");
        assert_eq!(without_articles("get_areas"), "get_areas");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("checkout.session"), "CheckoutSession");
        assert_eq!(type_name("foo_bar-baz"), "FooBarBaz");
        assert_eq!(type_name("Result"), "ResultType");
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(type_name("Box"), "BoxType");
        assert_eq!(type_name("vec"), "VecType");
        assert_eq!(type_name("2fa"), "Type2fa");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("Ünïcödé"), "NCD");
        assert_eq!(type_name("self"), "SelfType");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("a-b"), "AB");
        assert_eq!(variant_name("a_b"), "AB");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("*"), "Star");
        assert_eq!(variant_name("1.5"), "V15");
        assert_eq!(variant_name("checkout.session"), "CheckoutSession");
        assert_eq!(variant_name("Self"), "SelfValue");
        assert_eq!(variant_name("ü"), "Value");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("super"), "super_");
        assert_eq!(field_name("fooBar"), "foo_bar");
        assert_eq!(field_name("HTTPServer"), "http_server");
        assert_eq!(field_name("$ref"), "r#ref");
        assert_eq!(field_name("@type"), "r#type");
        assert_eq!(field_name("2fa"), "n2fa");
        assert_eq!(field_name("_"), "field");
        assert_eq!(field_name("async"), "r#async");
        assert_eq!(field_name("gen"), "r#gen");
        assert_eq!(plain_snake("type"), "type_");
    }

    #[test]
    fn method_names_avoid_trait_methods() {
        assert_eq!(method_name("new"), "set_new");
        assert_eq!(method_name("default"), "set_default");
        assert_eq!(method_name("fromStr"), "set_from_str");
        assert_eq!(method_name("email"), "email");
        assert_eq!(method_name("type"), "r#type");
    }

    #[test]
    fn namespace_resolves_collisions_in_claim_order() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("FooBar"), "FooBar");
        assert_eq!(ns.claim("FooBar"), "FooBar2");
        assert_eq!(ns.claim("FooBar"), "FooBar3");
        assert_eq!(ns.claim("foo_bar"), "foo_bar");
        assert_eq!(ns.claim("foo_bar"), "foo_bar_2");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_2");
        ns.reserve("Client");
        assert!(ns.contains("Client"));
        assert_eq!(ns.claim("Client"), "Client2");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("line_items"), "line_item");
        assert_eq!(singular("entries"), "entry");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("data"), "data");
        assert_eq!(singular("s"), "s");
    }
}
