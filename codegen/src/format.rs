//! Tokens → formatted Rust source with the `@generated` header.
//!
//! Parsing and pretty-printing dominate generation time for big specs, so files are split into
//! chunks that are built and formatted on all cores; a file is its chunks' output concatenated in
//! order (prettyplease formats items independently, so this equals formatting the whole file).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Formats every file of a plan, each prefixed with `header`.
pub fn rust_files(
    plan: Vec<(String, Vec<Chunk<'_>>)>,
    header: &str,
) -> Result<BTreeMap<String, String>, Diagnostic> {
    let tasks: Vec<(usize, &Chunk<'_>)> = plan
        .iter()
        .enumerate()
        .flat_map(|(file, (_, chunks))| chunks.iter().map(move |c| (file, c)))
        .collect();
    let results: Mutex<Vec<Option<Result<String, Diagnostic>>>> =
        Mutex::new((0..tasks.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(tasks.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((file, chunk)) = tasks.get(i) else { break };
                    let text = rust_file(&plan[*file].0, chunk());
                    if let Ok(mut slots) = results.lock() {
                        slots[i] = Some(text);
                    }
                }
            });
        }
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
