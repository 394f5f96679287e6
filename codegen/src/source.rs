//! Rust source written directly in prettyplease's layout.
//!
//! Small fixed-shape files (the crate root, the client, the credentials, the resource list)
//! are most of a small API's formatting work, yet their layout is known in advance. A
//! [`Source`] writes them as text and records whether the layout is certain: a line longer than
//! prettyplease's margin, or a doc line it would print another way, makes the piece go through
//! `syn` + `prettyplease` after all (`format::source_piece`), so the output is the same
//! either way. Tests format every such piece both ways and compare.

use crate::emit::tokens::ident;

/// prettyplease's line width: a line up to this many bytes is never broken.
pub const MARGIN: usize = 89;

/// A piece of Rust source and whether it is certainly what prettyplease would print.
pub struct Source {
    pub text: String,
    pub certain: bool,
}

/// Which comment a doc line becomes.
#[derive(Clone, Copy)]
pub enum Doc {
    /// `///`
    Outer,
    /// `//!`
    Inner,
}

impl Source {
    pub fn new() -> Self {
        Source { text: String::with_capacity(1024), certain: true }
    }

    /// A line at `indent` spaces whose layout holds only if it fits the margin.
    pub fn line(&mut self, indent: usize, text: &str) {
        self.certain &= indent + text.len() <= MARGIN;
        self.fixed(indent, text);
    }

    /// A line prettyplease prints as it is at any width (nothing in it can break).
    pub fn fixed(&mut self, indent: usize, text: &str) {
        self.text.extend(std::iter::repeat_n(' ', indent));
        self.text.push_str(text);
        self.text.push('\n');
    }

    /// Doc comment lines (each with the leading space a `///` comment has). A line prettyplease
    /// would not print as a `//` comment is written as an attribute, and the piece is formatted.
    pub fn docs<S: AsRef<str>>(&mut self, indent: usize, doc: Doc, lines: &[S]) {
        let (slashes, attr) = match doc {
            Doc::Outer => ("///", "#"),
            Doc::Inner => ("//!", "#!"),
        };
        for line in lines {
            let line = line.as_ref();
            let slash_outer = matches!(doc, Doc::Outer) && line.starts_with('/');
            let plain = !slash_outer && !line.chars().any(|c| c.is_control() && c != '\t');
            if plain {
                self.text.extend(std::iter::repeat_n(' ', indent));
                crate::doc_blocks::push_doc_line(&mut self.text, slashes, line);
            } else {
                self.certain = false;
                self.fixed(indent, &format!("{attr}[doc = {}]", lit(line)));
            }
        }
    }

    /// `pub fn name(params) -> Self {` in an impl; see [`Source::signature`].
    pub fn fn_head<S: AsRef<str>>(&mut self, name: &str, params: &[S]) {
        self.signature(4, &format!("pub fn {name}"), params, "-> Self");
    }

    /// A function's first line, `head(params) ret {`, with the parameters one per line when it
    /// does not fit, as prettyplease breaks them. `ret` is `-> T`, or empty.
    pub fn signature<S: AsRef<str>>(&mut self, indent: usize, head: &str, params: &[S], ret: &str) {
        let tail = if ret.is_empty() { " {".to_owned() } else { format!(" {ret} {{") };
        self.call(indent, head, params, &tail);
    }

    /// A call `head(args)` followed by `tail` (`;`, `,`, nothing, or a signature's ` -> T {`),
    /// on one line when it fits, else with one argument per line, one level deeper, as
    /// prettyplease breaks a call and a signature. Not for a lone argument that is an array,
    /// tuple or struct literal, which prettyplease keeps on the call's line.
    pub fn call<S: AsRef<str>>(&mut self, indent: usize, head: &str, args: &[S], tail: &str) {
        let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        let one_line = format!("{head}({}){tail}", args.join(", "));
        if indent + one_line.len() <= MARGIN || args.is_empty() {
            self.line(indent, &one_line);
            return;
        }
        self.fixed(indent, &format!("{head}("));
        self.items(indent + 4, &args);
        self.line(indent, &format!("){tail}"));
    }

    /// The items of a broken list (arguments, parameters, elements, fields), one per line with
    /// a comma. The last one's comma is printed only because the list is broken, so it does not
    /// count towards the margin.
    pub fn items<S: AsRef<str>>(&mut self, indent: usize, items: &[S]) {
        for (i, item) in items.iter().enumerate() {
            let item = item.as_ref();
            if i + 1 == items.len() {
                self.certain &= indent + item.len() <= MARGIN;
                self.fixed(indent, &format!("{item},"));
            } else {
                self.line(indent, &format!("{item},"));
            }
        }
    }

    /// Another piece's text after this one's; the whole is certain if both are.
    pub fn append(&mut self, other: Source) {
        self.text.push_str(&other.text);
        self.certain &= other.certain;
    }
}

/// A string literal as `quote!` writes it.
pub fn lit(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

/// An identifier as `quote!` writes it (`r#type`; a name that is not one becomes a valid one).
pub fn name(value: &str) -> String {
    ident(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_and_unusual_doc_lines_make_the_layout_uncertain() {
        let mut s = Source::new();
        s.line(4, &"x".repeat(MARGIN - 4));
        s.docs(0, Doc::Outer, &[" text", "", " trailing  "]);
        assert!(s.certain);
        assert_eq!(s.text, format!("    {}\n/// text\n///\n/// trailing\n", "x".repeat(MARGIN - 4)));
        s.line(4, &"x".repeat(MARGIN - 3));
        assert!(!s.certain);

        let mut s = Source::new();
        s.docs(0, Doc::Outer, &["/starts with a slash"]);
        assert!(!s.certain);
        assert_eq!(s.text, "#[doc = \"/starts with a slash\"]\n");
        let mut s = Source::new();
        s.docs(0, Doc::Inner, &["/fine inside", " tab\tfine"]);
        assert!(s.certain);
        s.docs(0, Doc::Inner, &[" nul \0"]);
        assert!(!s.certain);
        assert!(s.text.ends_with("#![doc = \" nul \\0\"]\n"));
    }

    #[test]
    fn literals_and_names_are_written_as_quote_writes_them() {
        assert_eq!(lit("a \"b\" \\ \n"), "\"a \\\"b\\\" \\\\ \\n\"");
        assert_eq!(name("r#type"), "r#type");
        assert_eq!(name("plain"), "plain");
        assert_eq!(name("not an ident"), "invalid_identifier");
    }
}
