//! Text from an API description made into Markdown that rustdoc takes without a warning.
//!
//! Descriptions are Markdown (or HTML) written for a docs site. Two things in them make
//! `cargo doc` warn: a bracketed word that is not a link (`[OBSOLETE]`, `**[2,3,5]**`) reads as
//! an intra-doc link that does not resolve, and a bare URL is not a hyperlink in rustdoc. The
//! first is escaped (`\[OBSOLETE\]`, which renders as written), the second wrapped in `<…>`.
//! Code (fenced blocks, inline spans) and real links stay as they are.

/// Where a line of Markdown stands with respect to fenced code blocks (```` ``` ```` or `~~~`,
/// or longer).
pub enum FenceLine<'a> {
    /// Opens a block: its fence and info string (`json`).
    Open { fence: &'a str, info: &'a str },
    /// Closes the open block: its fence.
    Close(&'a str),
    /// Inside a block.
    Inside,
    /// Outside every block.
    Outside,
}

/// Follows the fenced code blocks of Markdown read line by line, as CommonMark does but at any
/// indentation (a fence in a list item is indented past CommonMark's 3 spaces): a block
/// opens with three or more backticks or tildes (not backticks followed by text with a
/// backtick, which is an inline code span: ```` ```<img/>``` ````), and closes with at least as
/// many of the same and nothing after them.
#[derive(Default)]
pub struct Fences {
    /// The open block's fence character and length.
    open: Option<(u8, usize)>,
}

impl Fences {
    /// Where `line` stands, the lines before it read.
    pub fn line<'a>(&mut self, line: &'a str) -> FenceLine<'a> {
        let trimmed = line.trim_start();
        let fence = match trimmed.bytes().next() {
            Some(c @ (b'`' | b'~')) => {
                let n = trimmed.bytes().take_while(|&b| b == c).count();
                (n >= 3).then(|| (c, trimmed.split_at(n)))
            }
            _ => None,
        };
        match (self.open, fence) {
            (None, Some((c, (fence, info)))) if !(c == b'`' && info.contains('`')) => {
                self.open = Some((c, fence.len()));
                FenceLine::Open { fence, info: info.trim() }
            }
            (None, _) => FenceLine::Outside,
            (Some((open, length)), Some((c, (fence, rest))))
                if c == open && fence.len() >= length && rest.trim().is_empty() =>
            {
                self.open = None;
                FenceLine::Close(fence)
            }
            (Some(_), _) => FenceLine::Inside,
        }
    }

    /// The fence that closes a block the text left open.
    pub fn unclosed(&self) -> Option<String> {
        self.open.map(|(c, length)| char::from(c).to_string().repeat(length))
    }
}

/// `text` with its stray brackets escaped and its bare URLs made links.
pub fn rustdoc_text(text: &str) -> String {
    // Most descriptions have neither.
    if !text.contains('[') && !text.contains("http") {
        return text.to_owned();
    }
    // Labels of link reference definitions: `[label]` alone is a link to one.
    let labels: Vec<String> =
        text.lines().filter_map(definition_label).map(|label| label.to_lowercase()).collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut fences = Fences::default();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match fences.line(line) {
            FenceLine::Outside => prose_line(line, &labels, &mut out),
            FenceLine::Open { .. } | FenceLine::Close(_) | FenceLine::Inside => out.push_str(line),
        }
    }
    out
}

/// The label of a link reference definition (`[g]: https://…`).
fn definition_label(line: &str) -> Option<&str> {
    let (label, _) = line.trim_start().strip_prefix('[')?.split_once("]:")?;
    (!label.is_empty() && !label.contains(['[', ']'])).then_some(label)
}

/// One line outside code blocks; `labels` are those of the text's link reference definitions.
fn prose_line(line: &str, labels: &[String], out: &mut String) {
    // A definition is a link already.
    if definition_label(line).is_some() {
        out.push_str(line);
        return;
    }
    let chars: Vec<char> = line.chars().collect();
    // `]`s to escape, found with their `[`.
    let mut closing = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let previous = i.checked_sub(1).map(|p| chars[p]);
        match c {
            '\\' => {
                // An escape keeps the next character as it is.
                out.push(c);
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                }
                i += 2;
                continue;
            }
            '`' => {
                // An inline code span: the same run of backticks closes it.
                let run = chars[i..].iter().take_while(|&&b| b == '`').count();
                let close = (i + run..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|&&b| b == '`').count() == run
                        && chars.get(j.wrapping_sub(1)) != Some(&'`')
                });
                let end = close.map_or(i + run, |j| j + run);
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            '[' => {
                let close = chars[i + 1..].iter().position(|&b| b == ']' || b == '[').map(|p| p + i + 1);
                // The label of a reference link (`[text][label]`) follows the text's `]`; a
                // footnote (`[^1]`) and a defined label (`[the guide]`) are links too.
                let inner = |j: usize| chars[i + 1..j].iter().collect::<String>();
                match close {
                    Some(j)
                        if chars[j] == ']'
                            && previous != Some(']')
                            && chars.get(i + 1) != Some(&'^')
                            && !matches!(chars.get(j + 1), Some('(' | '[' | ':'))
                            && !labels.contains(&inner(j).to_lowercase()) =>
                    {
                        out.push_str("\\[");
                        closing.push(j);
                    }
                    _ => out.push(c),
                }
            }
            ']' if closing.contains(&i) => out.push_str("\\]"),
            'h' if previous.is_none_or(|p| {
                !matches!(p, '(' | '<' | '"' | '\'' | '=' | '[' | '/') && !p.is_alphanumeric()
            }) =>
            {
                if let Some(end) = bare_url_end(&chars, i) {
                    out.push('<');
                    out.extend(&chars[i..end]);
                    out.push('>');
                    i = end;
                    continue;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
}

/// Where a URL starting at `start` ends, if one does: at a space, quote or angle bracket, less
/// the punctuation that ends a sentence after it.
fn bare_url_end(chars: &[char], start: usize) -> Option<usize> {
    let rest: String = chars[start..chars.len().min(start + 8)].iter().collect();
    if !(rest.starts_with("http://") || rest.starts_with("https://")) {
        return None;
    }
    let mut end = (start..chars.len())
        .find(|&j| {
            chars[j].is_whitespace() || matches!(chars[j], '<' | '>' | '"' | '\'' | '`' | '[' | ']' | '|')
        })
        .unwrap_or(chars.len());
    loop {
        let opened = chars[start..end].iter().filter(|&&c| c == '(').count();
        let closed = chars[start..end].iter().filter(|&&c| c == ')').count();
        match chars[end - 1] {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_' => end -= 1,
            ')' if closed > opened => end -= 1,
            _ => break,
        }
    }
    // A scheme and nothing after it is no link.
    (end > start + "https://".len()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::rustdoc_text;

    #[test]
    fn stray_brackets_are_escaped_and_links_kept() {
        assert_eq!(rustdoc_text("[OBSOLETE] Use the other one."), "\\[OBSOLETE\\] Use the other one.");
        assert_eq!(rustdoc_text("Days **[2,3,5]** only"), "Days **\\[2,3,5\\]** only");
        assert_eq!(rustdoc_text("See [the guide](https://x.io/g)."), "See [the guide](https://x.io/g).");
        assert_eq!(
            rustdoc_text("See [the guide][g].\n\n[g]: https://x.io/g"),
            "See [the guide][g].\n\n[g]: https://x.io/g"
        );
        assert_eq!(rustdoc_text("`filter[status]` and \\[x\\]"), "`filter[status]` and \\[x\\]");
        assert_eq!(rustdoc_text("```\nlet a = b[0];\n```\n[x]"), "```\nlet a = b[0];\n```\n\\[x\\]");
        assert_eq!(rustdoc_text("a [b c"), "a [b c");
        assert_eq!(rustdoc_text("[[nested]]"), "[\\[nested\\]]");
        // A shortcut reference to a definition and a footnote are links.
        let defined = "See [the guide] and [^1].\n\n[The Guide]: https://x.io/g\n[^1]: A note.";
        assert_eq!(rustdoc_text(defined), defined);
    }

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(rustdoc_text("Docs: https://x.io/a?b=1."), "Docs: <https://x.io/a?b=1>.");
        assert_eq!(rustdoc_text("(see https://x.io/a_(b))"), "(see <https://x.io/a_(b)>)");
        assert_eq!(rustdoc_text("at http://x.io, then"), "at <http://x.io>, then");
        // A URL ends before a bracket or a table's bar.
        assert_eq!(rustdoc_text("[see https://x.io/a]"), "\\[see <https://x.io/a>\\]");
        assert_eq!(rustdoc_text("|https://x.io|b|"), "|<https://x.io>|b|");
        // Already links, HTML attributes and code stay.
        for kept in [
            "<https://x.io>",
            "[https://x.io](https://x.io)",
            "<a href=\"https://x.io\">x</a>",
            "`https://x.io`",
            "https://",
            "xhttps://x.io",
        ] {
            assert_eq!(rustdoc_text(kept), kept);
        }
    }
}
