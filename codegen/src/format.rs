//! Tokens → formatted Rust source with the `@generated` header.
//!
//! Parsing and pretty-printing dominate generation time for big specs, so files are split into
//! chunks that are built and formatted on all cores; a file is its chunks' output concatenated in
//! order (prettyplease formats items independently, so this equals formatting the whole file).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use proc_macro2::TokenStream;

use crate::diagnostics::Diagnostic;
use crate::emit::Chunk;

/// Parses the tokens as a file and pretty-prints them. A parse failure here is a generator bug;
/// it is reported (with the file name) rather than written out.
pub fn rust_file(path: &str, tokens: TokenStream) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Diagnostic::new("#", format!("internal error: generated {path} does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Below this many types plus operations, formatting on one thread is faster than starting
/// others (measured on the pinned corpus: a 40-item spec formats ~10% faster serially).
pub const PARALLEL_MIN_ITEMS: usize = 100;

/// Cores available to this process, asked once (the answer reads cgroup files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Formats every file of a plan, each prefixed with `header`; on all cores when `parallel`.
pub fn rust_files(
    plan: Vec<(String, Vec<Chunk<'_>>)>,
    header: &str,
    parallel: bool,
) -> Result<BTreeMap<String, String>, Diagnostic> {
    let tasks: Vec<(usize, &Chunk<'_>)> = plan
        .iter()
        .enumerate()
        .flat_map(|(file, (_, chunks))| chunks.iter().map(move |c| (file, c)))
        .collect();
    let results: Mutex<Vec<Option<Result<String, Diagnostic>>>> =
        Mutex::new((0..tasks.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let workers = if parallel { cores().min(tasks.len()).max(1) } else { 1 };
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, chunk)) = tasks.get(i) else { break };
            let text = rust_file(&plan[*file].0, chunk());
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
        plan.iter().map(|(path, _)| (path.clone(), format!("{header}\n"))).collect();
    for ((file, _), text) in tasks.iter().zip(results) {
        let text =
            text.ok_or_else(|| Diagnostic::new("#", "internal error: a chunk was not formatted"))??;
        if let Some(out) = files.get_mut(&plan[*file].0) {
            out.push_str(&text);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parallel_and_serial_formatting_agree() {
        let plan = || -> Vec<(String, Vec<Chunk<'static>>)> {
            (0..3)
                .map(|file| {
                    let chunks: Vec<Chunk<'static>> = (0..4)
                        .map(|chunk| -> Chunk<'static> {
                            Box::new(move || {
                                let name = quote::format_ident!("F{file}C{chunk}");
                                quote!(pub struct #name { pub a: u8 } impl #name { pub fn a(&self) -> u8 { self.a } })
                            })
                        })
                        .collect();
                    (format!("src/f{file}.rs"), chunks)
                })
                .collect()
        };
        let serial = rust_files(plan(), "// h", false).unwrap();
        let parallel = rust_files(plan(), "// h", true).unwrap();
        assert_eq!(serial, parallel);
        let f1 = &serial["src/f1.rs"];
        assert!(f1.starts_with("// h\npub struct F1C0 {\n    pub a: u8,\n}\n"), "{f1}");
        let order: Vec<usize> = (0..4).map(|c| f1.find(&format!("struct F1C{c} ")).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "chunks out of order: {f1}");
    }
}
