//! Tokens → formatted Rust source with the `@generated` header.

use proc_macro2::TokenStream;

use crate::diagnostics::Diagnostic;

/// Parses the tokens as a file and pretty-prints them. A parse failure here is a generator bug;
/// it is reported (with the file name) rather than written out.
pub fn rust_file(path: &str, tokens: TokenStream, header: &str) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Diagnostic::new("#", format!("internal error: generated {path} does not parse: {e}")))?;
    Ok(format!("{header}\n{}", prettyplease::unparse(&file)))
}
