//! Spec descriptions → doc attributes.
//!
//! Descriptions are Markdown written for web pages. Two things in them would break the generated
//! crate: fenced or indented code blocks, which rustdoc would compile as doc tests, and raw text
//! that is not valid inside a comment. Text only ever reaches the output as string literals
//! (`#[doc = "…"]`), so no spec string can inject code.

use proc_macro2::TokenStream;
use quote::quote;

use crate::doc_blocks::placeholder;
use crate::markdown::{FenceLine, Fences};

/// Outer doc attributes (`///`) for an optional text.
pub fn outer(text: Option<&str>) -> TokenStream {
    outer_lines(lines(text.unwrap_or("")))
}

/// Outer doc attributes for text the generator wrote itself (doc-test examples): no
/// sanitizing, so its code blocks stay tests.
pub fn trusted(text: &str) -> TokenStream {
    outer_lines(trusted_lines(text))
}

/// The lines of `trusted` text.
pub fn trusted_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect()
}

fn outer_lines(lines: Vec<String>) -> TokenStream {
    match placeholder(lines) {
        Ok(marker) => quote! { #[doc = #marker] },
        Err(lines) => quote! { #( #[doc = #lines] )* },
    }
}

/// Joins paragraphs with blank lines, skipping empty ones.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

/// The lines of a doc comment, each with the leading space `///` comments have.
pub fn lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut fences = Fences::default();
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        match fences.line(line) {
            FenceLine::Open { fence, info } => {
                // Untagged and Rust blocks would become doc tests; anything else is left alone.
                let lang = if info.is_empty() || info.starts_with("rust") { "text" } else { info };
                out.push(format!(" {fence}{lang}"));
            }
            FenceLine::Close(fence) => out.push(format!(" {fence}")),
            FenceLine::Inside => out.push(format!(" {line}")),
            // Outside code blocks, four spaces of indentation would start an (tested) indented
            // code block; up to three keep list continuations and nesting intact.
            FenceLine::Outside => out.push(if trimmed.is_empty() {
                String::new()
            } else {
                let indent = (line.len() - trimmed.len()).min(3);
                format!(" {}{trimmed}", " ".repeat(indent))
            }),
        }
    }
    if let Some(open) = fences.unclosed() {
        out.push(format!(" {open}"));
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_never_become_doc_tests() {
        let l = lines("Example:\n\n```\nlet x = 1;\n```\n\n    indented code\n```json\n{}\n```");
        assert_eq!(
            l,
            [
                " Example:",
                "",
                " ```text",
                " let x = 1;",
                " ```",
                "",
                "    indented code",
                " ```json",
                " {}",
                " ```"
            ]
        );
    }

    /// ExaVault's ```` ```<img src='…'/>``` ```` is an inline code span, as rustdoc reads it: a
    /// fence closed after it would open a block that swallows the docs below.
    #[test]
    fn fences_open_and_close_as_commonmark_says() {
        assert_eq!(
            lines("Use:\n\n```<img src='x'/>```\n\nDone."),
            [" Use:", "", " ```<img src='x'/>```", "", " Done."]
        );
        // A longer fence closes only with one as long, and a fence with text after it is content.
        assert_eq!(lines("````\n```\n```json\n````"), [" ````text", " ```", " ```json", " ````"]);
        assert_eq!(lines("~~~~\ncode"), [" ~~~~text", " code", " ~~~~"]);
    }

    #[test]
    fn list_continuations_keep_their_indentation() {
        assert_eq!(lines("* item\n  continued\n      deep"), [" * item", "   continued", "    deep"]);
    }

    #[test]
    fn unclosed_fences_are_closed() {
        assert_eq!(lines("```rust\nfn main() {}"), [" ```text", " fn main() {}", " ```"]);
    }

    #[test]
    fn comment_terminators_and_quotes_stay_text() {
        let l = lines("ends */ here \"#; and\r\nnext");
        assert_eq!(l, [" ends */ here \"#; and", " next"]);
    }

    #[test]
    fn joins_paragraphs() {
        assert_eq!(paragraphs([Some(" a "), None, Some(""), Some("b")]), "a\n\nb");
    }
}
