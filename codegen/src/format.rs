//! Tokens → formatted Rust source, and the plan that builds every file of a crate.
//!
//! Parsing and pretty-printing dominate generation time, so files are split into pieces that are
//! built and formatted on all cores; a file is its pieces' output concatenated in order
//! (prettyplease formats items independently, so this equals formatting the whole file).

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use proc_macro2::TokenStream;

use crate::diagnostics::Diagnostic;
use crate::doc_blocks;
use crate::source::Source;

/// Parses the tokens as a file and pretty-prints them. A parse failure here is a generator bug;
/// it is reported (with the file name) rather than written out.
pub fn rust_file(path: &str, tokens: TokenStream) -> Result<String, Diagnostic> {
    pretty_printed(path, syn::parse2(tokens))
}

/// The parsed file pretty-printed, or the parse failure as a generator bug in `path`.
fn pretty_printed(path: &str, parsed: syn::Result<syn::File>) -> Result<String, Diagnostic> {
    let file = parsed
        .map_err(|e| Diagnostic::new("#", format!("internal error: generated {path} does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// How `render` works; the default is what `generate` does.
#[derive(Clone, Copy, Debug)]
pub struct Rendering {
    /// On all cores, or on the calling thread only.
    pub parallel: bool,
    pub docs: DocComments,
}

impl Default for Rendering {
    fn default() -> Self {
        Rendering { parallel: true, docs: DocComments::Spliced }
    }
}

/// How doc comments get into the formatted text (the output is the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocComments {
    /// As placeholders replaced after formatting (see `doc_blocks`); a piece where that fails
    /// is formatted again the plain way.
    Spliced,
    /// Formatted line by line, as any other attribute, and written pieces formatted too
    /// (tests compare the two).
    #[cfg_attr(not(test), allow(dead_code))]
    Plain,
    /// Spliced, and a piece where that fails is an error (tests check it never is).
    #[cfg_attr(not(test), allow(dead_code))]
    SplicedOnly,
}

/// Builds and formats one piece of parts: each run of tokens parsed and printed, each written
/// part as it is (or formatted, when uncertain), with the doc comments of the tokens spliced in
/// afterwards over the whole; if that fails, built again and formatted the plain way.
fn mixed_piece(
    path: &str,
    build: &(dyn Fn() -> Vec<Part> + Send + Sync + '_),
    docs: DocComments,
) -> Result<String, Diagnostic> {
    if docs != DocComments::Plain {
        let (parts, blocks) = doc_blocks::collecting(build);
        let formatted = formatted_parts(path, parts, docs)?;
        match (doc_blocks::splice(&formatted, &blocks), docs) {
            (Some(text), _) => return Ok(text),
            (None, DocComments::SplicedOnly) => {
                let message = format!("internal error: the doc comments of {path} cannot be spliced");
                return Err(Diagnostic::new("#", message));
            }
            (None, _) => {}
        }
    }
    formatted_parts(path, build(), DocComments::Plain)
}

fn formatted_parts(path: &str, parts: Vec<Part>, docs: DocComments) -> Result<String, Diagnostic> {
    let mut out = String::new();
    for part in parts {
        let text = match part {
            Part::Rust(tokens) => rust_file(path, tokens)?,
            Part::Source(source) => source_piece(path, source, docs)?,
            Part::Impl { head, items } => impl_piece(path, &head, items, docs)?,
        };
        if out.is_empty() { out = text } else { out.push_str(&text) }
    }
    Ok(out)
}

/// A written piece as it is, or formatted when its layout is uncertain, and always in `Plain`
/// mode, so tests compare the written text with prettyplease's.
fn source_piece(path: &str, source: Source, docs: DocComments) -> Result<String, Diagnostic> {
    if source.certain && docs != DocComments::Plain {
        return Ok(source.text);
    }
    pretty_printed(path, syn::parse_file(&source.text))
}

/// An impl block written as text: its items as they are, or, where one's layout is uncertain,
/// that item formatted alone inside a stand-in impl. prettyplease prints an impl's items one
/// after the other, each by itself, so this is the whole block formatted. A head it would
/// break (past the margin) has the whole block formatted, as does `Plain` mode, so that tests
/// compare the written block with prettyplease's print of all of it.
fn impl_piece(path: &str, head: &str, items: Vec<Source>, docs: DocComments) -> Result<String, Diagnostic> {
    if docs == DocComments::Plain || head.len() > crate::source::MARGIN {
        let mut text = format!("{head}\n");
        items.iter().for_each(|item| text.push_str(&item.text));
        text.push_str("}\n");
        return pretty_printed(path, syn::parse_file(&text));
    }
    const STAND_IN: &str = "impl X {\n";
    let mut out = format!("{head}\n");
    for item in items {
        if item.certain {
            out.push_str(&item.text);
            continue;
        }
        let formatted = pretty_printed(path, syn::parse_file(&format!("{STAND_IN}{}}}\n", item.text)))?;
        let inner = formatted.strip_prefix(STAND_IN).and_then(|rest| rest.strip_suffix("}\n"));
        let message = || format!("internal error: an item of an impl in {path} is not printed inside it");
        out.push_str(inner.ok_or_else(|| Diagnostic::new("#", message()))?);
    }
    out.push_str("}\n");
    Ok(out)
}

/// Cores available to this process, asked once (the answer reads cgroup files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// One piece of a file, built on whichever worker takes it.
pub enum Piece<'a> {
    /// Top-level items, parsed and pretty-printed (token streams are not `Send`, so each worker
    /// builds its own from the shared, immutable model); some may be written as [`Source`]
    /// instead, where their layout is known (see [`Parts`]).
    Rust(Box<dyn Fn() -> Vec<Part> + Send + Sync + 'a>),
    /// Rust source written in prettyplease's layout, formatted only where that is uncertain
    /// (see `source`).
    Source(Box<dyn Fn() -> Source + Send + Sync + 'a>),
    /// Text written as it is built: the runtime copy, the manifest.
    Text(Box<dyn Fn() -> String + Send + Sync + 'a>),
}

impl<'a> Piece<'a> {
    pub fn rust(build: impl Fn() -> TokenStream + Send + Sync + 'a) -> Self {
        Piece::Rust(Box::new(move || vec![Part::Rust(build())]))
    }

    /// Top-level items as tokens and written source, in order.
    pub fn parts(build: impl Fn() -> Parts + Send + Sync + 'a) -> Self {
        Piece::Rust(Box::new(move || build().0))
    }

    pub fn source(build: impl Fn() -> Source + Send + Sync + 'a) -> Self {
        Piece::Source(Box::new(build))
    }

    pub fn text(build: impl Fn() -> String + Send + Sync + 'a) -> Self {
        Piece::Text(Box::new(build))
    }
}

/// Top-level items, as tokens or as source written in prettyplease's layout.
pub enum Part {
    Rust(TokenStream),
    Source(Source),
    /// An impl block: its first line (`impl Name {`) and its items, each written at an indent
    /// of 4 and formatted alone where its layout is uncertain.
    Impl {
        head: String,
        items: Vec<Source>,
    },
}

/// The parts of a piece, in order. Adjacent tokens are joined, so that each run of them is
/// parsed once; each source stays apart, so that one whose layout is uncertain is the only one
/// formatted. Items are printed one after the other without blank lines, so formatting the
/// parts apart gives the same text as formatting them together.
#[derive(Default)]
pub struct Parts(Vec<Part>);

impl Parts {
    pub fn rust(&mut self, tokens: TokenStream) {
        if tokens.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(Part::Rust(last)) => last.extend(tokens),
            _ => self.0.push(Part::Rust(tokens)),
        }
    }

    /// The written parts.
    #[cfg(test)]
    pub fn sources(self) -> impl Iterator<Item = Source> {
        self.0.into_iter().filter_map(|p| match p {
            Part::Source(source) => Some(source),
            Part::Rust(_) | Part::Impl { .. } => None,
        })
    }

    pub fn source(&mut self, source: Source) {
        self.0.push(Part::Source(source));
    }

    /// An impl block written as text; see [`Part::Impl`].
    pub fn impl_block(&mut self, head: String, items: Vec<Source>) {
        self.0.push(Part::Impl { head, items });
    }
}

/// A file of the crate: a header line (empty for none) and its pieces, concatenated in order.
pub struct FilePlan<'a> {
    pub path: String,
    pub header: String,
    pub pieces: Vec<Piece<'a>>,
}

impl<'a> FilePlan<'a> {
    pub fn new(path: impl Into<String>, header: &str, pieces: Vec<Piece<'a>>) -> Self {
        FilePlan { path: path.into(), header: header.to_owned(), pieces }
    }

    /// A file of one text piece, without a header line.
    pub fn text(path: impl Into<String>, build: impl Fn() -> String + Send + Sync + 'a) -> Self {
        FilePlan { path: path.into(), header: String::new(), pieces: vec![Piece::text(build)] }
    }
}

/// Rust pieces per worker, at least, so a tiny API does not start a thread per core on a big
/// machine. One: the fixed-shape files are written as text, so every remaining Rust piece (a
/// chunk of types, a resource) costs more to format than a thread costs to start; with two, the
/// smallest APIs (two such pieces) were formatted on one thread, 15% slower on two cores.
const RUST_PIECES_PER_WORKER: usize = 1;

/// What building one piece gave: its text, a diagnostic, or the payload of a panic.
type Outcome = std::thread::Result<Result<String, Diagnostic>>;

/// Builds every file of a plan. Pieces are taken in plan order,
/// so the big Rust chunks listed first start first and the cheap copies fill in at the end.
///
/// A panic while building a piece (a generator bug) is re-raised on the calling thread with its
/// own payload, the first in plan order (before any diagnostic), so callers that catch it see
/// the real message.
pub fn render(plan: Vec<FilePlan<'_>>, how: Rendering) -> Result<BTreeMap<String, String>, Diagnostic> {
    let tasks: Vec<(usize, &Piece<'_>)> =
        plan.iter().enumerate().flat_map(|(file, f)| f.pieces.iter().map(move |p| (file, p))).collect();
    // One lock per slot: a panic payload is `Send` but not `Sync`, and no lock is ever contended.
    let slots: Vec<Mutex<Option<Outcome>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let rust_pieces = tasks.iter().filter(|(_, p)| matches!(p, Piece::Rust(_))).count();
    let workers =
        if how.parallel { cores().min(rust_pieces.div_ceil(RUST_PIECES_PER_WORKER)).max(1) } else { 1 };
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, piece)) = tasks.get(i) else { break };
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| match piece {
                Piece::Rust(build) => mixed_piece(&plan[*file].path, build, how.docs),
                Piece::Source(build) => source_piece(&plan[*file].path, build(), how.docs),
                Piece::Text(build) => Ok(build()),
            }));
            // Nothing panics while a slot is locked (the build ran above), so it is never poisoned.
            *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        }
    };
    // The calling thread works too, so one thread fewer is started.
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    let mut outcomes = Vec::with_capacity(slots.len());
    for slot in slots {
        let outcome = slot.into_inner().unwrap_or_else(PoisonError::into_inner);
        outcomes.push(outcome.ok_or_else(|| Diagnostic::new("#", "internal error: a piece was not built"))?);
    }
    // A panic first (the first in plan order), even after a piece that failed with a
    // diagnostic: it is the bigger bug.
    let texts: Vec<Result<String, Diagnostic>> = outcomes
        .into_iter()
        .collect::<std::thread::Result<_>>()
        .unwrap_or_else(|payload| panic::resume_unwind(payload));
    let mut files: BTreeMap<String, String> =
        plan.iter().map(|f| (f.path.clone(), f.header.clone())).collect();
    for ((file, _), text) in tasks.iter().zip(texts) {
        let text = text?;
        if let Some(out) = files.get_mut(&plan[*file].path) {
            // A file's first piece is moved in when it has no header line (the text files).
            if out.is_empty() { *out = text } else { out.push_str(&text) }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parallel_and_serial_rendering_agree() {
        let plan = || -> Vec<FilePlan<'static>> {
            let mut files: Vec<FilePlan<'static>> = (0..3)
                .map(|file| FilePlan {
                    path: format!("src/f{file}.rs"),
                    header: "// h\n".to_owned(),
                    pieces: (0..4)
                        .map(|chunk| {
                            Piece::rust(move || {
                                let name = quote::format_ident!("F{file}C{chunk}");
                                quote!(pub struct #name { pub a: u8 } impl #name { pub fn a(&self) -> u8 { self.a } })
                            })
                        })
                        .collect(),
                })
                .collect();
            files.push(FilePlan {
                path: "Cargo.toml".to_owned(),
                header: String::new(),
                pieces: vec![
                    Piece::text(|| "[package]\n".to_owned()),
                    Piece::text(|| "name = \"x\"\n".to_owned()),
                ],
            });
            files
        };
        let serial = render(plan(), Rendering { parallel: false, ..Rendering::default() }).unwrap();
        let parallel = render(plan(), Rendering::default()).unwrap();
        assert_eq!(serial, parallel);
        let f1 = &serial["src/f1.rs"];
        assert!(f1.starts_with("// h\npub struct F1C0 {\n    pub a: u8,\n}\n"), "{f1}");
        let order: Vec<usize> = (0..4).map(|c| f1.find(&format!("struct F1C{c} ")).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "pieces out of order: {f1}");
        assert_eq!(serial["Cargo.toml"], "[package]\nname = \"x\"\n");
    }

    #[test]
    fn a_piece_that_does_not_parse_names_its_file() {
        let plan = vec![FilePlan {
            path: "src/bad.rs".to_owned(),
            header: String::new(),
            pieces: vec![Piece::rust(|| quote!(fn {}))],
        }];
        let error = render(plan, Rendering::default()).unwrap_err().to_string();
        assert!(error.contains("internal error: generated src/bad.rs does not parse"), "{error}");
    }

    #[test]
    fn a_panic_wins_over_an_earlier_diagnostic() {
        let plan = vec![
            FilePlan::new("src/bad.rs", "", vec![Piece::rust(|| quote!(fn {}))]),
            FilePlan::text("src/b.txt", || panic!("a broken piece")),
        ];
        let how = Rendering { parallel: false, ..Rendering::default() };
        let payload = panic::catch_unwind(AssertUnwindSafe(|| render(plan, how))).unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>().copied(), Some("a broken piece"));
    }

    #[test]
    fn a_panic_on_any_worker_is_reraised_with_its_own_message_first_in_plan_order() {
        use std::sync::atomic::AtomicBool;
        use std::time::{Duration, Instant};
        // Whoever takes piece 0 waits (a bounded time) until another worker has panicked on piece
        // 1, then panics on piece 2: the first panic in plan order happens on the other thread.
        let first_panicked = AtomicBool::new(false);
        let plan = vec![FilePlan::new(
            "src/a.rs",
            "",
            vec![
                Piece::rust(|| {
                    let start = Instant::now();
                    while !first_panicked.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(5) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    quote!(
                        struct A;
                    )
                }),
                Piece::rust(|| {
                    first_panicked.store(true, Ordering::SeqCst);
                    panic!("first broken piece")
                }),
                Piece::rust(|| panic!("second broken piece")),
                Piece::rust(|| {
                    quote!(
                        struct D;
                    )
                }),
            ],
        )];
        let payload =
            panic::catch_unwind(AssertUnwindSafe(|| render(plan, Rendering::default()))).unwrap_err();
        let message = payload.downcast_ref::<&str>().copied().unwrap_or("not a &str payload");
        assert_eq!(message, "first broken piece");
    }
}
