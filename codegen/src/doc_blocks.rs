//! Doc comments as placeholders while formatting.
//!
//! Doc comments are a third of the formatting work (parsing each line's string literal, then
//! printing it), yet prettyplease prints a one-line doc attribute as `///` + its text, at the
//! item's indentation. So while a piece is formatted (`collecting`), a doc block becomes one
//! placeholder attribute, and `splice` writes the block's lines where prettyplease printed the
//! placeholder. Anything unexpected makes `splice` return `None`, and the caller formats the
//! piece the plain way: the output is byte-identical either way.
//!
//! Placeholders only belong where prettyplease prints each attribute on a line of its own: on
//! items, fields and variants (all that `emit::docs` documents). There the placeholder's width
//! cannot change a line break, as a real line's could inside an expression.

use std::cell::RefCell;

/// Starts every placeholder's text. A block with this character in it is written as plain
/// attributes, and a stray one in the output makes `splice` give up.
const MARK: char = '\u{0}';

thread_local! {
    /// The doc blocks of the piece being built on this thread, when placeholders are on.
    static BLOCKS: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// A placeholder for `lines` while collecting (and the block is safe to splice), else the
/// lines back.
pub fn placeholder(lines: Vec<String>) -> Result<String, Vec<String>> {
    // prettyplease prints a doc line as `///` + text only without a newline, and (outer) not
    // starting with `/`; `lines` never makes such lines, but text could reach here otherwise.
    if lines.is_empty() || lines.iter().any(|l| l.contains(['\n', '\r', MARK]) || l.starts_with('/')) {
        return Err(lines);
    }
    BLOCKS.with_borrow_mut(|blocks| match blocks {
        Some(blocks) => {
            blocks.push(lines);
            Ok(format!("{MARK}{}", blocks.len() - 1))
        }
        None => Err(lines),
    })
}

/// Runs `build` with placeholders on; returns what it built and the doc blocks its tokens
/// stand for.
pub fn collecting<T>(build: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    BLOCKS.with_borrow_mut(|blocks| *blocks = Some(Vec::new()));
    // Turned off again even if `build` panics, so this thread's next piece starts clean.
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            BLOCKS.with_borrow_mut(|blocks| *blocks = None);
        }
    }
    let off = Off;
    let tokens = build();
    let blocks = BLOCKS.with_borrow_mut(Option::take).unwrap_or_default();
    drop(off);
    (tokens, blocks)
}

/// `formatted` with every placeholder line replaced by its block, each line printed as
/// prettyplease prints a doc attribute (a block may be placed twice, as its tokens were).
/// `None` when a mark is not on a placeholder line, and when a block was not placed at all or
/// the text holds an escaped mark: a placeholder that prettyplease printed as tokens (in a
/// macro invocation, say) rather than as a comment.
pub fn splice(formatted: &str, blocks: &[Vec<String>]) -> Option<String> {
    if blocks.is_empty() {
        return Some(formatted.to_owned());
    }
    if memchr::memmem::find(formatted.as_bytes(), b"\\0").is_some() {
        return None;
    }
    let mut placed = vec![false; blocks.len()];
    let extra: usize = blocks.iter().map(|b| b.iter().map(|l| l.len() + 8).sum::<usize>()).sum();
    let mut out = String::with_capacity(formatted.len() + extra);
    let mut rest = formatted;
    let mut mark = [0; 4];
    let mark: &str = MARK.encode_utf8(&mut mark);
    while let Some(at) = memchr::memmem::find(rest.as_bytes(), mark.as_bytes()) {
        // The placeholder line: indentation, `///` or `//!`, the mark, the index, a newline.
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &rest[line_start..at];
        let indent = prefix.strip_suffix("///").or_else(|| prefix.strip_suffix("//!"))?;
        if !indent.bytes().all(|b| b == b' ') {
            return None;
        }
        let slashes = &prefix[indent.len()..];
        let after = &rest[at + mark.len()..];
        let digits = after.find('\n')?;
        let index = after[..digits].parse::<usize>().ok()?;
        let block = blocks.get(index)?;
        placed[index] = true;
        out.push_str(&rest[..line_start]);
        for line in block {
            out.push_str(indent);
            push_doc_line(&mut out, slashes, line);
        }
        rest = &after[digits + 1..];
    }
    out.push_str(rest);
    placed.iter().all(|p| *p).then_some(out)
}

/// `slashes` + `line` as prettyplease prints a one-line doc attribute: trailing spaces trimmed.
pub fn push_doc_line(out: &mut String, slashes: &str, line: &str) {
    out.push_str(slashes);
    out.push_str(line.trim_end_matches(' '));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn placeholders_only_while_collecting() {
        assert_eq!(placeholder(lines(&[" a"])), Err(lines(&[" a"])));
        let (_, blocks) = collecting(|| {
            assert_eq!(placeholder(lines(&[" a", "", " b"])), Ok("\u{0}0".to_owned()));
            // Lines prettyplease would not print as `///` text stay attributes.
            assert!(placeholder(lines(&["/a"])).is_err());
            assert!(placeholder(lines(&[" a\nb"])).is_err());
            assert!(placeholder(lines(&[" \u{0}1"])).is_err());
            assert!(placeholder(Vec::new()).is_err());
            assert_eq!(placeholder(lines(&[" c"])), Ok("\u{0}1".to_owned()));
            quote!()
        });
        assert_eq!(blocks, [lines(&[" a", "", " b"]), lines(&[" c"])]);
        assert_eq!(placeholder(lines(&[" a"])), Err(lines(&[" a"])));
    }

    #[test]
    fn splice_writes_each_block_at_its_placeholders_indentation() {
        let blocks = [lines(&[" Crate.", "", " More.  "]), lines(&[" A field."])];
        let formatted = "//!\u{0}0\nstruct A {\n    ///\u{0}1\n    a: u8,\n    ///\u{0}1\n    b: u8,\n}\n";
        assert_eq!(
            splice(formatted, &blocks).unwrap(),
            "//! Crate.\n//!\n//! More.\nstruct A {\n    /// A field.\n    a: u8,\n    /// A field.\n    b: u8,\n}\n"
        );
        assert_eq!(splice("struct A;\n", &[]).unwrap(), "struct A;\n");
    }

    #[test]
    fn splice_gives_up_on_anything_but_a_placeholder_line() {
        let blocks = [lines(&[" a"])];
        assert_eq!(splice("///\u{0}1\n", &blocks), None, "unknown block");
        assert_eq!(splice("///\u{0}x\n", &blocks), None, "not an index");
        assert_eq!(splice("/// text \u{0}0\n", &blocks), None, "not at the start of the comment");
        assert_eq!(splice("let s = '\u{0}';\n", &blocks), None, "not a comment");
        assert_eq!(splice("///\u{0}0", &blocks), None, "no line end");
        assert_eq!(splice("struct A;\n", &blocks), None, "a block not placed");
        let in_macro = "m!(#[doc = \"\\01\"]);\n///\u{0}0\n";
        assert_eq!(splice(in_macro, &[lines(&[" a"]), lines(&[" b"])]), None, "printed as tokens");
    }
}
