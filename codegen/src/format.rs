//! Tokens → formatted Rust source, and the plan that builds every file of a crate.
//!
//! Parsing and pretty-printing dominate generation time, so files are split into pieces that are
//! built and formatted on all cores; a file is its pieces' output concatenated in order
//! (prettyplease formats items independently, so this equals formatting the whole file).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use proc_macro2::TokenStream;

use crate::diagnostics::Diagnostic;

/// Parses the tokens as a file and pretty-prints them. A parse failure here is a generator bug;
/// it is reported (with the file name) rather than written out.
pub fn rust_file(path: &str, tokens: TokenStream) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Diagnostic::new("#", format!("internal error: generated {path} does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Cores available to this process, asked once (the answer reads cgroup files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// One piece of a file, built on whichever worker takes it.
pub enum Piece<'a> {
    /// Top-level items, parsed and pretty-printed (token streams are not `Send`, so each worker
    /// builds its own from the shared, immutable model).
    Rust(Box<dyn Fn() -> TokenStream + Send + Sync + 'a>),
    /// Text written as it is built: the runtime copy, the manifest.
    Text(Box<dyn Fn() -> String + Send + Sync + 'a>),
}

impl<'a> Piece<'a> {
    pub fn rust(build: impl Fn() -> TokenStream + Send + Sync + 'a) -> Self {
        Piece::Rust(Box::new(build))
    }

    pub fn text(build: impl Fn() -> String + Send + Sync + 'a) -> Self {
        Piece::Text(Box::new(build))
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

/// Builds every file of a plan; on all cores when `parallel`. Pieces are taken in plan order,
/// so the big Rust chunks listed first start first and the cheap copies fill in at the end.
pub fn render(plan: Vec<FilePlan<'_>>, parallel: bool) -> Result<BTreeMap<String, String>, Diagnostic> {
    let tasks: Vec<(usize, &Piece<'_>)> =
        plan.iter().enumerate().flat_map(|(file, f)| f.pieces.iter().map(move |p| (file, p))).collect();
    let results: Mutex<Vec<Option<Result<String, Diagnostic>>>> =
        Mutex::new((0..tasks.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let workers = if parallel { cores().min(tasks.len()).max(1) } else { 1 };
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, piece)) = tasks.get(i) else { break };
            let text = match piece {
                Piece::Rust(build) => rust_file(&plan[*file].path, build()),
                Piece::Text(build) => Ok(build()),
            };
            if let Ok(mut slots) = results.lock() {
                slots[i] = Some(text);
            }
        }
    };
    // The calling thread works too, so one thread fewer is started.
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    let results = results
        .into_inner()
        .map_err(|_| Diagnostic::new("#", "internal error: a formatting thread failed"))?;
    let mut files: BTreeMap<String, String> =
        plan.iter().map(|f| (f.path.clone(), f.header.clone())).collect();
    for ((file, _), text) in tasks.iter().zip(results) {
        let text = text.ok_or_else(|| Diagnostic::new("#", "internal error: a piece was not built"))??;
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
        let serial = render(plan(), false).unwrap();
        let parallel = render(plan(), true).unwrap();
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
        let error = render(plan, true).unwrap_err().to_string();
        assert!(error.contains("internal error: generated src/bad.rs does not parse"), "{error}");
    }
}
