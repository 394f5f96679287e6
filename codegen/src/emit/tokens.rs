//! Small token helpers shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub use crate::ir::resolved;
use crate::ir::{Ty, TypeDef};

/// An identifier; `r#kw` becomes a raw identifier. Names come from `naming`, which only makes
/// valid ones; anything else is replaced rather than allowed to panic.
pub fn ident(name: &str) -> Ident {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let valid = bare.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_";
    if !valid {
        return Ident::new("invalid_identifier", Span::call_site());
    }
    if raw && !matches!(bare, "self" | "Self" | "super" | "crate") {
        Ident::new_raw(bare, Span::call_site())
    } else {
        Ident::new(bare, Span::call_site())
    }
}

/// Where a type is named from: inside `types.rs` (bare names) or elsewhere (`crate::types::X`).
#[derive(Clone, Copy)]
pub enum Scope {
    Types,
    Crate,
}

/// The Rust type for a `Ty`.
pub fn ty(t: &Ty, types: &[TypeDef], scope: Scope) -> TokenStream {
    match t {
        Ty::Bool => quote!(bool),
        Ty::Int(k) => {
            let id = ident(k.rust_name());
            quote!(#id)
        }
        Ty::F64 => quote!(f64),
        Ty::String => quote!(String),
        Ty::Binary => quote!(crate::runtime::Binary),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Date => quote!(chrono::NaiveDate),
        Ty::Uuid => quote!(uuid::Uuid),
        Ty::UnixTime => quote!(crate::runtime::UnixTime),
        Ty::Any => quote!(serde_json::Value),
        Ty::Object => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Vec(inner) => {
            let inner = ty(inner, types, scope);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty(inner, types, scope);
            quote!(indexmap::IndexMap<String, #inner>)
        }
        Ty::Nullable(inner) => {
            let inner = ty(inner, types, scope);
            quote!(Option<#inner>)
        }
        Ty::Named(id) => {
            let name = ident(&types[*id].name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Crate => quote!(crate::types::#name),
            }
        }
    }
}

/// `ty` as prettyplease prints it, for source written as text.
pub fn ty_text(t: &Ty, types: &[TypeDef], scope: Scope) -> String {
    match t {
        Ty::Bool => "bool".to_owned(),
        Ty::Int(k) => k.rust_name().to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::String => "String".to_owned(),
        Ty::Binary => "crate::runtime::Binary".to_owned(),
        Ty::DateTime => "chrono::DateTime<chrono::Utc>".to_owned(),
        Ty::Date => "chrono::NaiveDate".to_owned(),
        Ty::Uuid => "uuid::Uuid".to_owned(),
        Ty::UnixTime => "crate::runtime::UnixTime".to_owned(),
        Ty::Any => "serde_json::Value".to_owned(),
        Ty::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
        Ty::Vec(inner) => format!("Vec<{}>", ty_text(inner, types, scope)),
        Ty::Map(inner) => format!("indexmap::IndexMap<String, {}>", ty_text(inner, types, scope)),
        Ty::Nullable(inner) => format!("Option<{}>", ty_text(inner, types, scope)),
        Ty::Named(id) => {
            let name = ident(&types[*id].name);
            match scope {
                Scope::Types => name.to_string(),
                Scope::Crate => format!("crate::types::{name}"),
            }
        }
    }
}

/// The `impl Into<…>` a setter or constructor takes for a type, if it is worth one.
pub fn into_param(t: &Ty, types: &[TypeDef]) -> Option<&'static str> {
    match resolved(t, types) {
        Ty::String => Some("impl Into<String>"),
        Ty::Binary => Some("impl Into<crate::runtime::Binary>"),
        // `percent_off(50)` as well as `50.0`.
        Ty::F64 => Some("impl Into<f64>"),
        // A `chrono::DateTime<Utc>` or Unix seconds (`i64`) as well.
        Ty::UnixTime => Some("impl Into<crate::runtime::UnixTime>"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{IntKind, TypeKind};

    /// `ty_text` and `ty` are two spellings of one mapping: the text is what prettyplease prints
    /// for the tokens, for every kind of type and in both scopes.
    #[test]
    fn ty_text_is_ty_as_prettyplease_prints_it() {
        let named = TypeDef {
            name: "r#Self".to_owned(),
            pointer: "#/components/schemas/Self".to_owned(),
            doc: None,
            kind: TypeKind::Pending,
            in_request: false,
            in_untagged: false,
            in_response: false,
            deprecated: false,
            features: Vec::new(),
        };
        let types = [TypeDef { name: "Pet".to_owned(), ..named.clone() }, named];
        let mut all = vec![
            Ty::Bool,
            Ty::F64,
            Ty::String,
            Ty::Binary,
            Ty::DateTime,
            Ty::Date,
            Ty::Uuid,
            Ty::UnixTime,
            Ty::Any,
            Ty::Object,
            Ty::Named(0),
            Ty::Named(1),
        ];
        all.extend(
            [IntKind::I8, IntKind::I32, IntKind::I64, IntKind::U8, IntKind::U64, IntKind::U128].map(Ty::Int),
        );
        let nested: Vec<Ty> = all
            .iter()
            .flat_map(|t| {
                [
                    Ty::Vec(Box::new(t.clone())),
                    Ty::Map(Box::new(t.clone())),
                    Ty::Nullable(Box::new(Ty::Vec(Box::new(t.clone())))),
                ]
            })
            .collect();
        all.extend(nested);
        for t in &all {
            for scope in [Scope::Types, Scope::Crate] {
                let tokens = ty(t, &types, scope);
                let formatted = crate::format::rust_file("t.rs", quote!(type T = #tokens;)).unwrap();
                assert_eq!(format!("type T = {};\n", ty_text(t, &types, scope)), formatted, "{t:?}");
            }
        }
    }
}
