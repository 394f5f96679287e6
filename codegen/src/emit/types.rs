//! Named types → `src/types.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::tokens::{Scope, ident, into_param, resolved, ty, ty_text};
use crate::format::{Parts, Piece};
use crate::ir::{
    Additional, Api, BodyEncoding, EnvelopeField, Field, Operation, PageKind, ParamLocation, ParamStyle,
    Response, StatusVariant, StringEnum, Struct, StyleKind, Ty, TypeDef, TypeId, TypeKind, Union,
};
use crate::source::{Doc, MARGIN, Source, lit};

/// Types per formatting chunk: `types.rs` is built and formatted in parallel chunks (the split
/// is fixed, so output does not depend on threads). Small enough that `types.rs` of a small API
/// is not one chunk that the other files wait for; a chunk costs one `syn::File`, so large
/// enough to keep that overhead out of sight.
const TYPES_PER_CHUNK: usize = 16;

/// `src/types.rs` as chunks, in order: the module header, every named type sorted by name, then
/// `Page` impls for list envelopes and `ToMultipart` impls for multipart bodies, if any.
pub fn types_file(api: &Api) -> Vec<Piece<'_>> {
    let mut order: Vec<TypeId> = (0..api.types.len()).collect();
    order.sort_by(|a, b| api.types[*a].name.cmp(&api.types[*b].name));
    let mut pieces = vec![Piece::source(types_header)];
    for ids in order.chunks(TYPES_PER_CHUNK) {
        let ids = ids.to_vec();
        pieces.push(Piece::parts(move || {
            let mut parts = Parts::default();
            for &id in &ids {
                type_def(api, id, &mut parts);
            }
            parts
        }));
    }
    // Each piece is parsed and printed on its own: a small API has none of these impls.
    if api.operations().any(|o| o.pagination.is_some() || multipart_body(o).is_some()) {
        pieces.push(Piece::rust(move || {
            let pages = page_impls(api);
            let multipart = multipart_impls(api);
            quote!(#pages #multipart)
        }));
    }
    pieces
}

/// The type of an operation's body when it is sent as `multipart/form-data`.
fn multipart_body(o: &Operation) -> Option<&Ty> {
    o.body.as_ref().filter(|b| b.encoding == BodyEncoding::Multipart).map(|b| &b.ty)
}

/// The first lines of `src/types.rs`.
pub fn types_header() -> Source {
    let mut s = Source::new();
    s.fixed(0, "//! The API's data types: request bodies, responses, parameters and enums.");
    s
}

fn page_impls(api: &Api) -> TokenStream {
    // Bare arrays page through the runtime's `Page for Vec`.
    let mut envelopes: Vec<(TypeId, &[EnvelopeField], &crate::ir::Pagination)> = api
        .operations()
        .filter_map(|o| o.pagination.as_ref())
        .filter_map(|p| p.envelope.as_ref().map(|(id, items)| (*id, items.as_slice(), p)))
        .collect();
    envelopes.sort_by_key(|(id, ..)| *id);
    envelopes.dedup_by_key(|(id, ..)| *id);
    let pages = envelopes.into_iter().map(|(envelope, items_path, p)| {
        let name = ident(&api.types[envelope].name);
        let item = ty(&p.item, &api.types, Scope::Types);
        let items_expr = path_into(items_path);
        let (items_ref, items_optional) = path_ref(items_path);
        // A `has_more` flag, false where it or a field on the way is absent.
        let flag = |path: &[EnvelopeField]| match path_copy(path) {
            (value, true) => quote!(#value.unwrap_or(false)),
            (value, false) => value,
        };
        // Without a flag, a page with items may have more after it; an empty one is the last.
        let guessed_more = if items_optional {
            quote!(#items_ref.is_some_and(|items| !items.is_empty()))
        } else {
            quote!(!#items_ref.is_empty())
        };
        let (more_expr, cursor_fn) = match &p.kind {
            PageKind::Offset { has_more, total, .. } => {
                let (more, guess) = match has_more {
                    Some(has_more) => (flag(has_more), quote!()),
                    None => (
                        guessed_more,
                        quote!(
                            const HAS_MORE_IS_GUESSED: bool = true;
                        ),
                    ),
                };
                let total = total.as_deref().map(|path| {
                    // Through the runtime's generic `count`: `u64::try_from` of a `u32` is a
                    // conversion clippy calls needlessly fallible.
                    let total = match path_copy(path) {
                        (value, true) => quote!(#value.and_then(crate::runtime::pagination::count)),
                        (value, false) => quote!(crate::runtime::pagination::count(#value)),
                    };
                    quote! {
                        fn total(&self) -> Option<u64> {
                            #total
                        }
                    }
                });
                (more, quote!(#guess #total))
            }
            PageKind::PageNumber { has_more: Some(has_more), .. } => (flag(has_more), quote!()),
            // Without a flag (or with the next page's link in a header), a page with items may
            // have more after it.
            PageKind::PageNumber { has_more: None, .. } | PageKind::LinkHeader { .. } => {
                (guessed_more, quote!())
            }
            PageKind::AfterLastId { has_more, id, .. } => {
                let id_name = ident(&id.name);
                let items_ref = if items_optional {
                    quote!(#items_ref.map(Vec::as_slice).unwrap_or_default())
                } else {
                    items_ref.clone()
                };
                let last_id = if id.optional {
                    quote!(and_then(|item| item.#id_name.clone()))
                } else {
                    quote!(map(|item| item.#id_name.clone()))
                };
                let more = flag(has_more);
                let cursor = quote! {
                    fn next_cursor(&self) -> Option<String> {
                        if !self.has_more() {
                            return None;
                        }
                        #items_ref.last().#last_id
                    }
                };
                (more, cursor)
            }
            PageKind::Token { token: path, .. } | PageKind::NextLink { link: path, .. } => {
                let value = path_value(path, false);
                let cursor = quote! {
                    fn next_cursor(&self) -> Option<String> {
                        #value.filter(|token| !token.is_empty())
                    }
                };
                (quote!(self.next_cursor().is_some()), cursor)
            }
        };
        let cfg = gate(api, &api.types[envelope].features);
        quote! {
            #cfg
            impl crate::runtime::Page for #name {
                type Item = #item;
                fn into_items(self) -> Vec<#item> {
                    #items_expr
                }
                fn has_more(&self) -> bool {
                    #more_expr
                }
                #cursor_fn
            }
        }
    });
    quote!(#(#pages)*)
}

/// The value at the end of `path` moved out of `self`, `Default` where a field on the way is
/// absent: `self._embedded.and_then(|v| v.items).unwrap_or_default()`.
fn path_into(path: &[EnvelopeField]) -> TokenStream {
    let (value, optional) = path_expr(path, false);
    if optional { quote!(#value.unwrap_or_default()) } else { value }
}

/// A borrow of the value at the end of `path` from `self`, and whether it is an `Option<&T>`
/// (some field on the way is optional) rather than a place (`self.data.items`).
fn path_ref(path: &[EnvelopeField]) -> (TokenStream, bool) {
    path_expr(path, true)
}

/// The value at the end of `path`, moved or borrowed, and whether it is in an `Option`.
fn path_expr(path: &[EnvelopeField], borrow: bool) -> (TokenStream, bool) {
    let (amp, as_ref) = if borrow { (quote!(&), quote!(.as_ref())) } else { (quote!(), quote!()) };
    let mut value = quote!(self);
    let mut optional = false;
    for field in path {
        let name = ident(&field.name);
        value = match (optional, field.optional) {
            (false, false) => quote!(#value.#name),
            (false, true) => quote!(#value.#name #as_ref),
            (true, false) => quote!(#value.map(|v| #amp v.#name)),
            (true, true) => quote!(#value.and_then(|v| v.#name #as_ref)),
        };
        optional |= field.optional;
    }
    (value, optional)
}

/// A copy of the `Copy` value at the end of `path`, and whether it is in an `Option` (some field
/// on the way is optional): `self.has_more`, or `self.data.as_ref().and_then(|v| v.has_more)`.
fn path_copy(path: &[EnvelopeField]) -> (TokenStream, bool) {
    if path.iter().any(|f| f.optional) {
        (path_value(path, true), true)
    } else {
        (path_expr(path, false).0, false)
    }
}

/// An `Option<T>` expression reading the value at the end of `path` from `self`, cloned (or
/// copied, for a `Copy` value): `self.links.as_ref().and_then(|v| v.next.clone())`.
fn path_value(path: &[EnvelopeField], copy: bool) -> TokenStream {
    let Some((last, objects)) = path.split_last() else { return quote!(None::<String>) };
    let (value, optional) = path_ref(objects);
    let name = ident(&last.name);
    let read = if copy { quote!(#name) } else { quote!(#name.clone()) };
    match (optional, last.optional) {
        (false, false) => quote!(Some(#value.#read)),
        (false, true) => quote!(#value.#read),
        (true, false) => quote!(#value.map(|v| v.#read)),
        (true, true) => quote!(#value.and_then(|v| v.#read)),
    }
}

fn multipart_impls(api: &Api) -> TokenStream {
    let mut multipart: Vec<TypeId> =
        api.operations().filter_map(multipart_body).filter_map(|body| multipart_struct(api, body)).collect();
    multipart.sort_unstable();
    multipart.dedup();
    let impls = multipart.into_iter().map(|id| match &api.types[id].kind {
        TypeKind::Struct(s) => {
            let cfg = gate(api, &api.types[id].features);
            let item = multipart_impl(api, &api.types[id], s);
            quote!(#cfg #item)
        }
        _ => quote!(),
    });
    quote!(#(#impls)*)
}

/// The feature of component schemas that no operation uses (on by default).
pub const EXTRA_TYPES_FEATURE: &str = "extra_types";

/// `#[cfg(any(feature = "a", …))]` for a type that only some resources' operations use, so that
/// a crate built with a subset of its resource features compiles only the types it needs.
pub fn gate(api: &Api, features: &[usize]) -> TokenStream {
    gate_tokens(&gate_names(api, features))
}

/// [`gate`] of the features' names.
fn gate_tokens(names: &[&str]) -> TokenStream {
    match names {
        [] => quote!(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// [`gate`] as prettyplease prints it: on one line if it fits, else the list on a line of its
/// own, else one feature per line.
fn write_gate(out: &mut Source, features: &[&str]) {
    let names: Vec<String> = features.iter().map(|n| format!("feature = {}", lit(n))).collect();
    let (inner, wide) = match names.as_slice() {
        [] => return,
        [one] => (one.clone(), false),
        many => (format!("any({})", many.join(", ")), true),
    };
    if "#[cfg()]".len() + inner.len() <= MARGIN {
        out.fixed(0, &format!("#[cfg({inner})]"));
        return;
    }
    out.fixed(0, "#[cfg(");
    if !wide || 4 + inner.len() <= MARGIN {
        out.fixed(4, &inner);
    } else {
        out.fixed(4, "any(");
        for (i, name) in names.iter().enumerate() {
            out.fixed(8, &if i + 1 < names.len() { format!("{name},") } else { name.clone() });
        }
        out.fixed(4, ")");
    }
    out.fixed(0, ")]");
}

fn gate_names<'a>(api: &'a Api, features: &[usize]) -> Vec<&'a str> {
    features
        .iter()
        .map(|&r| api.resources.get(r).map_or(EXTRA_TYPES_FEATURE, |r| r.feature.as_str()))
        .collect()
}

/// Each type's written parts (struct and enum definitions, builders), by type name.
#[cfg(test)]
pub fn written_definitions(api: &Api) -> Vec<(String, Source)> {
    let mut out = Vec::new();
    for (id, t) in api.types.iter().enumerate() {
        let mut parts = Parts::default();
        type_def(api, id, &mut parts);
        out.extend(parts.sources().map(|s| (t.name.clone(), s)));
    }
    out
}

/// One named type: structs and enums partly written as source (definitions, builders), the
/// other kinds as tokens.
fn type_def(api: &Api, id: TypeId, parts: &mut Parts) {
    let t = &api.types[id];
    let features = gate_names(api, &t.features);
    let name = ident(&t.name);
    let cfg = || gate_tokens(&features);
    // Built where it is placed (doc placeholders must all be placed; a union writes its own).
    let doc = || docs::outer(t.doc.as_deref());
    let tokens = match &t.kind {
        TypeKind::Struct(s) => return struct_def(api, t, s, true, &features, parts),
        TypeKind::Params(s) => return struct_def(api, t, s, false, &features, parts),
        TypeKind::Enum(e) => return enum_def(t, e, &features, parts),
        TypeKind::Union(u) => union_def(api, u, &name, t.doc.as_deref(), &cfg()),
        TypeKind::Alias(target) => {
            let target = ty(target, &api.types, Scope::Types);
            let (cfg, doc) = (cfg(), doc());
            quote! { #cfg #doc pub type #name = #target; }
        }
        TypeKind::Newtype(inner) => {
            let inner = ty(inner, &api.types, Scope::Types);
            let (cfg, doc) = (cfg(), doc());
            quote! {
                #cfg
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub Box<#inner>);
            }
        }
        TypeKind::Responses(variants) => responses_def(api, variants, &name, doc(), &cfg()),
        TypeKind::Pending => {
            let (cfg, doc) = (cfg(), doc());
            quote! { #cfg #doc pub type #name = serde_json::Value; }
        }
    };
    parts.rust(tokens);
}

/// The success responses of an operation whose bodies differ by status.
fn responses_def(
    api: &Api,
    variants: &[StatusVariant],
    name: &proc_macro2::Ident,
    doc: TokenStream,
    cfg: &TokenStream,
) -> TokenStream {
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    let mut fallback = None;
    for v in variants {
        let vname = ident(&v.name);
        let (decl, decode) = match &v.body {
            Response::Json(t) => {
                let t = ty(t, &api.types, Scope::Types);
                (quote!(#vname(#t)), quote!(crate::runtime::decode_json(raw).map(Self::#vname)))
            }
            Response::Text => {
                (quote!(#vname(String)), quote!(crate::runtime::decode_text(raw).map(Self::#vname)))
            }
            Response::Bytes | Response::ByStatus(_) | Response::Stream(_) => {
                (quote!(#vname(bytes::Bytes)), quote!(crate::runtime::decode_bytes(raw).map(Self::#vname)))
            }
            Response::Empty => (quote!(#vname), quote!(Ok(Self::#vname))),
        };
        let status_doc = format!(" Status `{}`.", v.status);
        decls.push(quote!(#[doc = #status_doc] #decl));
        match v.status.parse::<u16>() {
            Ok(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                arms.push(quote!(#code => #decode,));
            }
            Err(_) => fallback = Some(decode),
        }
    }
    let (other_decl, other_arm) = match fallback {
        Some(decode) => (quote!(), quote!(_ => #decode,)),
        None => (
            quote! {
                /// A success status the API description does not declare, with its raw body.
                Undocumented(u16, bytes::Bytes),
            },
            quote!(status => crate::runtime::decode_bytes(raw).map(|body| Self::Undocumented(status, body)),),
        ),
    };
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#decls,)*
            #other_decl
        }
        #cfg
        impl #name {
            /// Decodes a success response by its status.
            #[doc(hidden)]
            pub fn decode(raw: &crate::runtime::RawResponse) -> Result<Self, crate::Error> {
                match raw.status().as_u16() {
                    #(#arms)*
                    #other_arm
                }
            }
        }
    }
}

/// `ToMultipart` for a struct sent as a `multipart/form-data` body.
fn multipart_impl(api: &Api, t: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&t.name);
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let json = &f.json_name;
        let optional = !f.required || f.nullable;
        match (resolved(&f.ty, &api.types), optional, f.boxed) {
            (Ty::Binary, false, false) => quote!(form.file(#json, &self.#field);),
            (Ty::Binary, true, false) if !(t.in_request && !f.required && f.nullable) => {
                quote!(form.file_opt(#json, &self.#field);)
            }
            (Ty::Vec(inner), false, false) if **inner == Ty::Binary => {
                quote!(form.files(#json, &self.#field);)
            }
            (Ty::Vec(inner), true, false)
                if **inner == Ty::Binary && !(t.in_request && !f.required && f.nullable) =>
            {
                quote! {
                    if let Some(files) = &self.#field {
                        form.files(#json, files);
                    }
                }
            }
            _ => quote!(form.field(#json, &self.#field);),
        }
    });
    let extra = s.additional.field().map(|field| {
        let f = ident(field);
        quote! {
            for (name, value) in &self.#f {
                form.field(name, value);
            }
        }
    });
    quote! {
        impl crate::runtime::ToMultipart for #name {
            fn to_multipart(&self) -> crate::runtime::Multipart {
                let mut form = crate::runtime::Multipart::new();
                #(#fields)*
                #extra
                form
            }
        }
    }
}

/// How one field is declared and read: its full type, and how its value is taken from a JSON
/// object. Types and expressions as prettyplease prints them.
struct FieldPlan {
    /// The field's Rust type (with `Option`, `Box`, `Nullable`).
    full: String,
    /// The value type a setter or constructor takes.
    value: String,
    /// `None` is a valid value (field is an `Option`).
    optional: bool,
    /// Absent, `null` and a value are three states (`Option<Nullable<T>>`): a present `null`
    /// is read as `Some(Nullable::Null)`.
    tri_state: bool,
    /// Required, so set by `new(…)`.
    in_constructor: bool,
    /// A required field whose type is an enum of one known value: `new` sets that value
    /// (`AppsType::Apps`) instead of taking it, unless it would be `new`'s only argument.
    constant: Option<String>,
    boxed: bool,
    into_string: bool,
    /// For a map, the value type its setter takes (any pairs of keys and values, such as an
    /// array of tuples) and the expression that collects them into the map.
    pairs: Option<(String, &'static str)>,
}

impl FieldPlan {
    /// A value expression wrapped into the field's representation.
    fn wrap(&self, value: &str) -> String {
        let value = if self.boxed { format!("Box::new({value})") } else { value.to_owned() };
        match (self.tri_state, self.optional) {
            (true, _) => format!("Some(crate::runtime::Nullable::Value({value}))"),
            (false, true) => format!("Some({value})"),
            (false, false) => value,
        }
    }
}

fn plan_field(api: &Api, owner: &TypeDef, f: &Field, serde: bool) -> FieldPlan {
    let inner = ty_text(&f.ty, &api.types, Scope::Types);
    let boxed_inner = if f.boxed { format!("Box<{inner}>") } else { inner.clone() };
    let into = if f.boxed { None } else { into_param(&f.ty, &api.types) };
    let into_string = into.is_some();
    let value = into.map_or(inner, str::to_owned);
    let tri_state = serde && owner.in_request && !f.required && f.nullable;
    // A tri-state field is never required, so it is optional too.
    let optional = !f.required || f.nullable;
    let full = match (tri_state, optional) {
        (true, _) => format!("Option<crate::runtime::Nullable<{boxed_inner}>>"),
        (false, true) => format!("Option<{boxed_inner}>"),
        (false, false) => boxed_inner,
    };
    let pairs = match &f.ty {
        Ty::Map(values) if !f.boxed => Some(match into_param(values, &api.types) {
            Some(into) => (
                format!("impl IntoIterator<Item = (impl Into<String>, {into})>"),
                "value.into_iter().map(|(key, value)| (key.into(), value.into())).collect()",
            ),
            None => (
                format!(
                    "impl IntoIterator<Item = (impl Into<String>, {})>",
                    ty_text(values, &api.types, Scope::Types)
                ),
                "value.into_iter().map(|(key, value)| (key.into(), value)).collect()",
            ),
        }),
        _ => None,
    };
    let constant = match resolved(&f.ty, &api.types) {
        // Body types only: a parameter left to the caller (an enum that grows) stays an argument.
        Ty::Named(id)
            if f.required && !f.nullable && !f.boxed && matches!(owner.kind, TypeKind::Struct(_)) =>
        {
            match &api.types[*id].kind {
                TypeKind::Enum(e) if e.variants.len() == 1 => {
                    Some(format!("{}::{}", api.types[*id].name, e.variants[0].name))
                }
                _ => None,
            }
        }
        _ => None,
    };
    FieldPlan {
        full,
        value,
        optional,
        tri_state,
        in_constructor: f.required,
        constant,
        boxed: f.boxed,
        into_string,
        pairs,
    }
}

/// A field's documentation: its description, then what else a user should know.
fn field_doc(api: &Api, f: &Field) -> String {
    let mut notes = Vec::new();
    if f.deprecated {
        notes.push("Deprecated.".to_owned());
    }
    match f.location {
        ParamLocation::Header => notes.push(format!("Sent as the `{}` header.", f.json_name)),
        ParamLocation::Cookie => notes.push(format!("Sent as the `{}` cookie.", f.json_name)),
        ParamLocation::Query(style) => notes.extend(query_style_note(api, &f.json_name, &f.ty, style)),
        ParamLocation::Body => {}
    }
    match (&f.sent_default, &f.default) {
        (Some(sent), _) => notes.push(format!("When unset, `{}` is sent.", sent.replace('`', "'"))),
        (None, Some(default)) => notes.push(format!("Defaults to `{}`.", default.replace('`', "'"))),
        (None, None) => {}
    }
    let notes = notes.join(" ");
    docs::paragraphs([f.doc.as_deref(), Some(notes.as_str())])
}

/// How a query parameter is written, where it is not the usual `name=a&name=b`.
fn query_style_note(api: &Api, name: &str, ty: &Ty, style: ParamStyle) -> Option<String> {
    let ty = resolved(ty, &api.types);
    let object = match ty {
        Ty::Map(_) | Ty::Object => true,
        Ty::Named(id) => matches!(api.types[*id].kind, TypeKind::Struct(_)),
        _ => false,
    };
    let separator = match style.kind {
        StyleKind::Json => return Some("Sent as JSON text.".to_owned()),
        StyleKind::Form if style.explode && object => {
            return Some(format!(
                "Its entries are sent as query parameters of their own (`key=value`), not under `{name}`."
            ));
        }
        _ if style.explode || !matches!(ty, Ty::Vec(_)) => return None,
        StyleKind::Form => ",",
        StyleKind::SpaceDelimited => " ",
        StyleKind::PipeDelimited => "|",
        _ => return None,
    };
    Some(format!("Sent as one value, the items separated by `{separator}` (`{name}=a{separator}b`)."))
}

/// A struct: its definition written as source (its layout is fixed: attributes, then one line
/// per field), its impls as tokens.
fn struct_def(api: &Api, t: &TypeDef, s: &Struct, serde: bool, features: &[&str], parts: &mut Parts) {
    let name = ident(&t.name);
    let plans: Vec<FieldPlan> = s.fields.iter().map(|f| plan_field(api, t, f, serde)).collect();
    let all_optional = plans.iter().all(|p| p.optional);
    // Fields named like credentials are printed `[redacted]` by a `Debug` of the runtime's.
    let secret = |f: &Field| crate::secret_names::is_secret_name(f.json_name.as_bytes());
    let redacted = s.fields.iter().any(secret);
    let mut def = Source::new();
    write_gate(&mut def, features);
    def.docs(0, Doc::Outer, &docs::lines(t.doc.as_deref().unwrap_or("")));
    def.fixed(
        0,
        match (redacted, all_optional) {
            (false, true) => "#[derive(Debug, Clone, PartialEq, Default)]",
            (false, false) => "#[derive(Debug, Clone, PartialEq)]",
            (true, true) => "#[derive(Clone, PartialEq, Default)]",
            (true, false) => "#[derive(Clone, PartialEq)]",
        },
    );
    let extra = match &s.additional {
        Additional::Deny => None,
        Additional::Keep { field } => Some((
            [
                " Properties the API description does not declare, kept so that a value read",
                " from the API and sent back loses nothing.",
            ]
            .as_slice(),
            field,
            "serde_json::Map<String, serde_json::Value>".to_owned(),
        )),
        Additional::Typed { field, ty: value_ty } => Some((
            [" Additional properties."].as_slice(),
            field,
            format!("indexmap::IndexMap<String, {}>", ty_text(value_ty, &api.types, Scope::Types)),
        )),
    };
    if s.fields.is_empty() && extra.is_none() {
        def.line(0, &format!("pub struct {name} {{}}"));
    } else {
        def.line(0, &format!("pub struct {name} {{"));
        for (f, p) in s.fields.iter().zip(&plans) {
            def.docs(4, Doc::Outer, &docs::lines(&field_doc(api, f)));
            def.line(4, &format!("pub {}: {},", ident(&f.rust_name), p.full));
        }
        if let Some((doc, field, full)) = extra {
            def.docs(4, Doc::Outer, doc);
            def.line(4, &format!("pub {}: {full},", ident(field)));
        }
        def.fixed(0, "}");
    }
    parts.source(def);
    if serde {
        let cfg = gate_tokens(features);
        let impls = object_impls(api, t, s, &plans, &name);
        parts.rust(quote!(#cfg #impls));
    }
    if redacted {
        let cfg = gate_tokens(features);
        let fields = s.fields.iter().zip(&plans).map(|(f, p)| {
            let field = ident(&f.rust_name);
            let kind = match (secret(f), p.optional) {
                (false, _) => quote!(shown),
                (true, false) => quote!(secret),
                (true, true) => quote!(optional_secret),
            };
            quote!(#field #kind)
        });
        let extra = s.additional.field().map(|f| {
            let f = ident(f);
            quote!(#f extra)
        });
        let fields = fields.chain(extra);
        parts.rust(quote!(#cfg crate::runtime::object::redacted_debug!(#name; #(#fields),*);));
    }
    if t.in_request || !serde {
        // A required field that may be `null` is still an argument of `new`, as an `Option`.
        let constructed = plans.iter().any(|p| p.in_constructor);
        parts.source(builder_source(t, s, &plans, !constructed, features));
    }
}

/// `Serialize` and `Deserialize` of a struct as a JSON object, through the runtime's
/// `json_object!`: declared fields by their JSON names, undeclared properties kept in the extra
/// map. Not derived, because serde's `#[serde(flatten)]` buffers the undeclared entries and its derive was
/// most of a small crate's check time (see `runtime/object.rs`).
fn object_impls(
    api: &Api,
    owner: &TypeDef,
    s: &Struct,
    plans: &[FieldPlan],
    name: &proc_macro2::Ident,
) -> TokenStream {
    // One match arm per JSON name: the IR keys an object's properties by name.
    debug_assert!(
        s.fields.iter().enumerate().all(|(i, f)| s.fields[..i].iter().all(|g| g.json_name != f.json_name)),
        "two fields of `{name}` share a JSON name"
    );
    let fields = s.fields.iter().zip(plans).map(|(f, p)| {
        let field = ident(&f.rust_name);
        let json = &f.json_name;
        let kind = match (p.tri_state, p.in_constructor, p.optional) {
            (true, _, _) => quote!(tri_state),
            (false, false, _) => quote!(optional),
            (false, true, true) => quote!(nullable),
            (false, true, false) => quote!(required),
        };
        let how = (!f.boxed && !owner.in_untagged && read_leniently(api, &f.ty)).then(|| quote!(lenient));
        quote!(#field = #json #kind #how)
    });
    let extra = s.additional.field().map(|f| {
        let f = ident(f);
        quote!(, #f)
    });
    quote!(crate::runtime::object::json_object!(#name #extra; #(#fields),*);)
}

/// Whether a field's values are times (`date-time`, `date`, Unix seconds, lists of them), which
/// the runtime reads in more forms than the one declared (`runtime::timestamp::Lenient`).
fn read_leniently(api: &Api, t: &Ty) -> bool {
    match resolved(t, &api.types) {
        Ty::DateTime | Ty::Date | Ty::UnixTime => true,
        Ty::Vec(inner) | Ty::Nullable(inner) => read_leniently(api, inner),
        _ => false,
    }
}

/// Whether `new(…)` sets its one-value enums itself: unless nothing else would be taken (a
/// `new()` without arguments would want a `Default` impl too).
fn sets_constants(plans: &[FieldPlan]) -> bool {
    plans.iter().any(|p| p.in_constructor && p.constant.is_none())
}

/// The indices of the fields `new(…)` takes, in its order: the required ones in the order the
/// spec lists them (`in_constructor` marks the same set), but not the one-value enums it sets.
fn taken_fields(s: &Struct, plans: &[FieldPlan]) -> Vec<usize> {
    let set_constants = sets_constants(plans);
    let taken = |p: &FieldPlan| p.in_constructor && !(set_constants && p.constant.is_some());
    s.constructor.iter().copied().filter(|&i| taken(&plans[i])).collect()
}

/// How a struct with a builder is built, for usage examples: the fields its `new(…)` takes, in
/// its order, each with whether it is taken as an `Option` (a required field that may be
/// `null`), and its setters.
pub(super) struct Builder<'a> {
    pub args: Vec<(&'a Field, bool)>,
    pub setters: Vec<Setter<'a>>,
}

/// A chained setter of an optional field and what its value is.
pub(super) struct Setter<'a> {
    pub field: &'a Field,
    /// The value is taken as `impl Into<…>`, so a literal does.
    pub into: bool,
    /// A map's setter, which takes pairs of a key and a value.
    pub pairs: bool,
}

/// The [`Builder`] of a struct; `None` for one without (a struct only ever read).
pub(super) fn builder<'a>(api: &Api, t: &TypeDef, s: &'a Struct) -> Option<Builder<'a>> {
    let serde = match t.kind {
        TypeKind::Struct(_) if t.in_request => true,
        TypeKind::Params(_) => false,
        _ => return None,
    };
    let plans: Vec<FieldPlan> = s.fields.iter().map(|f| plan_field(api, t, f, serde)).collect();
    let args = taken_fields(s, &plans).into_iter().map(|i| (&s.fields[i], plans[i].optional)).collect();
    let setters = s
        .fields
        .iter()
        .zip(&plans)
        .filter(|(_, p)| !p.in_constructor)
        .map(|(field, p)| Setter { field, into: p.into_string, pairs: p.pairs.is_some() })
        .collect();
    Some(Builder { args, setters })
}

/// `new(required…)` and one chained setter per optional field.
fn builder_source(
    t: &TypeDef,
    s: &Struct,
    plans: &[FieldPlan],
    no_arguments: bool,
    features: &[&str],
) -> Source {
    let mut out = Source::new();
    write_gate(&mut out, features);
    out.line(0, &format!("impl {} {{", ident(&t.name)));
    if no_arguments {
        out.docs(4, Doc::Outer, &[" Creates a value with every field unset."]);
        out.fixed(4, "pub fn new() -> Self {");
        out.fixed(8, "Self::default()");
    } else {
        out.docs(
            4,
            Doc::Outer,
            &[
                " Creates a value from its required fields; optional ones are set with the chained",
                " setters.",
            ],
        );
        let set_constants = sets_constants(plans);
        let args: Vec<String> = taken_fields(s, plans)
            .into_iter()
            .map(|i| {
                let (f, p) = (&s.fields[i], &plans[i]);
                // A required nullable field takes an `Option` of its own type: `None` could not
                // name an `impl Into<…>` inside one.
                let value = match (p.optional, p.into_string) {
                    // `Option<T>`: a field taking `impl Into` is never boxed.
                    (true, true) => p.full.clone(),
                    (true, false) => format!("Option<{}>", p.value),
                    (false, _) => p.value.clone(),
                };
                format!("{}: {value}", ident(&f.rust_name))
            })
            .collect();
        out.fn_head("new", &args);
        let mut inits: Vec<String> = s
            .fields
            .iter()
            .zip(plans)
            .map(|(f, p)| {
                let field = ident(&f.rust_name).to_string();
                if !p.in_constructor {
                    return format!("{field}: None");
                }
                if let Some(constant) = p.constant.as_ref().filter(|_| set_constants) {
                    return format!("{field}: {constant}");
                }
                let conv = match (p.optional, p.boxed, p.into_string) {
                    (true, true, _) => format!("{field}.map(Box::new)"),
                    (false, true, true) => format!("Box::new({field}.into())"),
                    (false, true, false) => format!("Box::new({field})"),
                    (false, false, true) => format!("{field}.into()"),
                    (true, false, _) | (false, false, false) => return field,
                };
                format!("{field}: {conv}")
            })
            .collect();
        if let Some(extra) = s.additional.field() {
            inits.push(format!("{}: Default::default()", ident(extra)));
        }
        // prettyplease keeps a struct literal on one line only if it fits, and if it is at
        // most 34 wide up to its closing brace.
        let one_line = format!("Self {{ {} }}", inits.join(", "));
        if one_line.len() - 1 <= 34 && 8 + one_line.len() <= MARGIN {
            out.fixed(8, &one_line);
        } else {
            out.fixed(8, "Self {");
            for init in &inits {
                out.line(12, &format!("{init},"));
            }
            out.fixed(8, "}");
        }
    }
    out.fixed(4, "}");
    for (f, p) in s.fields.iter().zip(plans).filter(|(_, p)| !p.in_constructor) {
        let field = ident(&f.rust_name);
        // Intra-doc links cannot name raw identifiers (`Self::r#type`), so those stay plain text.
        let bare = f.rust_name.trim_start_matches("r#");
        let link =
            if bare == f.rust_name { format!("[`{bare}`](Self::{bare})") } else { format!("`{bare}`") };
        out.docs(4, Doc::Outer, &[format!(" Sets {link}.")]);
        let (value_ty, value) = match &p.pairs {
            Some((value_ty, collect)) => (value_ty.as_str(), *collect),
            None => (p.value.as_str(), if p.into_string { "value.into()" } else { "value" }),
        };
        out.fn_head(&ident(&f.setter).to_string(), &["mut self".to_owned(), format!("value: {value_ty}")]);
        out.line(8, &format!("self.{field} = {};", p.wrap(value)));
        out.fixed(8, "self");
        out.fixed(4, "}");
        // Where `null` is a value of its own (it clears the field), a setter sends it, unless
        // another method has that name.
        let clear = format!("clear_{}", f.setter.trim_start_matches("r#"));
        if p.tri_state && !s.fields.iter().any(|g| g.setter == clear || g.rust_name == clear) {
            out.docs(4, Doc::Outer, &[format!(" Sets {link} to `null`, which clears it.")]);
            out.fn_head(&clear, &["mut self".to_owned()]);
            out.line(8, &format!("self.{field} = Some(crate::runtime::Nullable::Null);"));
            out.fixed(8, "self");
            out.fixed(4, "}");
        }
    }
    out.fixed(0, "}");
    out
}

/// An open string enum: its definition written as source, its impls from the runtime's macro.
fn enum_def(t: &TypeDef, e: &StringEnum, features: &[&str], parts: &mut Parts) {
    let name = ident(&t.name);
    let mut def = Source::new();
    write_gate(&mut def, features);
    def.docs(0, Doc::Outer, &docs::lines(t.doc.as_deref().unwrap_or("")));
    def.fixed(0, "#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    def.fixed(0, "#[non_exhaustive]");
    def.line(0, &format!("pub enum {name} {{"));
    for v in &e.variants {
        let doc = if v.value.is_empty() {
            " The empty string.".to_owned()
        } else {
            format!(" `{}`", v.value.escape_debug().to_string().replace('`', "'"))
        };
        def.docs(4, Doc::Outer, &[doc]);
        def.line(4, &format!("{},", ident(&v.name)));
    }
    def.docs(4, Doc::Outer, &[" A value this version of the client does not know."]);
    let fallback = ident(&e.fallback);
    def.line(4, &format!("{fallback}(String),"));
    def.fixed(0, "}");
    parts.source(def);
    let cfg = gate_tokens(features);
    let variants = e.variants.iter().map(|v| ident(&v.name));
    let values = e.variants.iter().map(|v| v.value.as_str());
    parts.rust(quote! {
        #cfg
        crate::runtime::str_enum::open_str_enum!(#name, #fallback #(, #variants = #values)*);
    });
}

fn union_def(
    api: &Api,
    u: &Union,
    name: &proc_macro2::Ident,
    doc_text: Option<&str>,
    cfg: &TokenStream,
) -> TokenStream {
    let variant_names: Vec<_> = u.variants.iter().map(|v| ident(&v.name)).collect();
    let variant_types: Vec<_> = u
        .variants
        .iter()
        .map(|v| {
            let t = ty(&v.ty, &api.types, Scope::Types);
            if v.boxed { quote!(Box<#t>) } else { t }
        })
        .collect();
    // `From` impls for variants whose (alias-resolved) types are distinct.
    let resolved: Vec<&Ty> = u.variants.iter().map(|v| super::tokens::resolved(&v.ty, &api.types)).collect();
    let froms = u
        .variants
        .iter()
        .enumerate()
        .filter(|(i, _)| resolved.iter().filter(|r| **r == resolved[*i]).count() == 1)
        .map(|(i, v)| {
            let vname = &variant_names[i];
            let t = ty(&v.ty, &api.types, Scope::Types);
            let body =
                if v.boxed { quote!(Self::#vname(Box::new(value))) } else { quote!(Self::#vname(value)) };
            quote! {
                #cfg
                impl From<#t> for #name {
                    fn from(value: #t) -> Self {
                        #body
                    }
                }
            }
        });
    let variant_docs = variant_docs(api, u);
    let parts = ValueUnion {
        name,
        variant_names: &variant_names,
        variant_types: &variant_types,
        variant_docs: &variant_docs,
        cfg,
    };
    if u.by_presence() {
        return presence_union_def(u, parts, doc_text, froms);
    }
    let Some(tag) = &u.tag else {
        let doc = docs::outer(doc_text);
        return quote! {
            #cfg
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #( #variant_docs #variant_names(#variant_types), )*
            }
            #(#froms)*
        };
    };
    let fallback = ident(&u.fallback);
    // A variant whose tag values an earlier one took is not read from a tag.
    let arms = u.variants.iter().zip(&variant_names).filter(|(v, _)| !v.tags.is_empty()).map(|(v, vname)| {
        let tags = &v.tags;
        let decoded = decode_variant(v, vname);
        quote! { #( Some(#tags) )|* => #decoded, }
    });
    let tag_doc = format!(
        "Which variant a value is depends on its `{tag}` property; values with a tag this version of the client does not know are kept whole in `{}`.",
        u.fallback
    );
    let doc = docs::outer(Some(&docs::paragraphs([doc_text, Some(tag_doc.as_str())])));
    let decode = quote! {
        let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
        match tag.as_deref() {
            #(#arms)*
            _ => Ok(Self::#fallback(value)),
        }
    };
    let accessors = shared_accessors(api, u, tag, name, &variant_names, &fallback, cfg);
    let mut tokens = parts.tokens(&doc, Some(&fallback), &decode, froms);
    tokens.extend(accessors);
    tokens
}

/// Accessors of a tagged union for what every variant has, so that code handling any of them
/// (a webhook handler recording an event's `id`) needs no match of its own: the tag, when each
/// variant has one value of it, and the required strings and `Copy` scalars (booleans, numbers,
/// times) every variant object declares alike. An unknown variant answers from its JSON.
fn shared_accessors(
    api: &Api,
    u: &Union,
    tag: &str,
    name: &proc_macro2::Ident,
    variant_names: &[proc_macro2::Ident],
    fallback: &proc_macro2::Ident,
    cfg: &TokenStream,
) -> TokenStream {
    let structs: Option<Vec<&Struct>> =
        u.variants.iter().map(|v| crate::ir::resolved_struct(&v.ty, &api.types).map(|(_, s)| s)).collect();
    let Some(structs) = structs else { return quote!() };
    let mut methods = Vec::new();
    if u.variants.iter().all(|v| v.tags.len() == 1) {
        let tags = u.variants.iter().map(|v| &v.tags[0]);
        let doc = format!(" The `{tag}` property, which chose the variant.");
        methods.push(quote! {
            #[doc = #doc]
            pub fn tag(&self) -> Option<&str> {
                match self {
                    #( Self::#variant_names(_) => Some(#tags), )*
                    Self::#fallback(value) => value.get(#tag).and_then(serde_json::Value::as_str),
                }
            }
        });
    }
    let Some((first, rest)) = structs.split_first() else { return quote!() };
    let plain = |f: &Field| f.required && !f.nullable;
    for f in first.fields.iter().filter(|f| plain(f) && f.json_name != tag) {
        let kind = resolved(&f.ty, &api.types);
        let (ret, read, unknown) = match kind {
            Ty::String => (quote!(Option<&str>), quote!(.as_str()), quote!(serde_json::Value::as_str)),
            Ty::Bool => (quote!(Option<bool>), quote!(), quote!(serde_json::Value::as_bool)),
            Ty::Int(crate::ir::IntKind::I64) => {
                (quote!(Option<i64>), quote!(), quote!(serde_json::Value::as_i64))
            }
            // Other values that are `Copy` (an event's `created`): an unknown variant's is read
            // as the known ones' would be.
            Ty::Int(_) | Ty::F64 | Ty::DateTime | Ty::Date | Ty::Uuid | Ty::UnixTime => {
                let t = ty(&f.ty, &api.types, Scope::Crate);
                (quote!(Option<#t>), quote!(), quote!(|v| serde::Deserialize::deserialize(v).ok()))
            }
            _ => continue,
        };
        let method = f.rust_name.trim_start_matches("r#");
        // Names a trait's method or a lint gives a meaning of its own (`len` wants `is_empty`).
        const TAKEN: &[&str] =
            &["tag", "len", "is_empty", "iter", "into_iter", "get", "serialize", "deserialize"];
        if TAKEN.contains(&method)
            || crate::naming::is_reserved_method(method)
            || f.rust_name.starts_with("r#")
        {
            continue;
        }
        let everywhere = rest.iter().all(|s| {
            s.fields.iter().any(|g| {
                g.json_name == f.json_name
                    && g.rust_name == f.rust_name
                    && plain(g)
                    && resolved(&g.ty, &api.types) == kind
            })
        });
        if !everywhere {
            continue;
        }
        let field = ident(&f.rust_name);
        let json = &f.json_name;
        let doc = format!(" The `{json}` every variant has (`None` for an unknown one without it).");
        methods.push(quote! {
            #[doc = #doc]
            pub fn #field(&self) -> #ret {
                match self {
                    #( Self::#variant_names(v) => Some(v.#field #read), )*
                    Self::#fallback(value) => value.get(#json).and_then(#unknown),
                }
            }
        });
    }
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        #cfg
        impl #name {
            #(#methods)*
        }
    }
}

/// Each variant's doc: which tag or property selects it, then what its type's description says
/// first (or, without one, what type it holds).
fn variant_docs(api: &Api, u: &Union) -> Vec<TokenStream> {
    u.variants
        .iter()
        .map(|v| {
            let rule = match (&u.tag, v.tags.as_slice(), &v.presence) {
                (Some(tag), [_, ..], _) => {
                    let values: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
                    Some(format!("A value whose `{tag}` is {}.", values.join(" or ")))
                }
                (_, _, Some(key)) if u.by_presence() => Some(format!("A value with the `{key}` property.")),
                _ if u.by_presence() => {
                    Some("A value with none of the other variants' properties.".to_owned())
                }
                _ => None,
            };
            let described = match &v.ty {
                Ty::Named(id) => {
                    api.types[*id].doc.as_deref().and_then(|d| d.split("\n\n").next()).map(str::to_owned)
                }
                _ => None,
            };
            let described = described.unwrap_or_else(|| match &v.ty {
                Ty::Named(id) => format!("The [`{}`] form.", api.types[*id].name),
                other => {
                    format!(
                        "The `{}` form.",
                        ty(other, &api.types, Scope::Types).to_string().replace(' ', "")
                    )
                }
            });
            docs::outer(Some(&docs::paragraphs([rule.as_deref(), Some(described.as_str())])))
        })
        .collect()
}

/// `Self::Variant` from the JSON value a union's tag or properties chose for it.
fn decode_variant(v: &crate::ir::UnionVariant, vname: &proc_macro2::Ident) -> TokenStream {
    let wrap = if v.boxed { quote!(|v| Self::#vname(Box::new(v))) } else { quote!(Self::#vname) };
    quote!(crate::runtime::decode_variant(&value).map(#wrap))
}

/// A union decoded through a `serde_json::Value` that picks the variant (tagged and
/// presence-decoded unions): the enum, its `Serialize` (each variant as itself) and a
/// `Deserialize` running `decode` with the value in `value`.
struct ValueUnion<'a> {
    name: &'a proc_macro2::Ident,
    variant_names: &'a [proc_macro2::Ident],
    variant_types: &'a [TokenStream],
    variant_docs: &'a [TokenStream],
    cfg: &'a TokenStream,
}

impl ValueUnion<'_> {
    fn tokens(
        &self,
        doc: &TokenStream,
        fallback: Option<&proc_macro2::Ident>,
        decode: &TokenStream,
        froms: impl Iterator<Item = TokenStream>,
    ) -> TokenStream {
        let ValueUnion { name, variant_names, variant_types, variant_docs, cfg } = self;
        let fallback_variant = fallback.map(|f| {
            quote! {
                /// A value whose tag this version of the client does not know.
                #f(serde_json::Value),
            }
        });
        let fallback_arm =
            fallback.map(|f| quote!(Self::#f(value) => serde::Serialize::serialize(value, serializer),));
        quote! {
            #cfg
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #( #variant_docs #variant_names(#variant_types), )*
                #fallback_variant
            }
            #cfg
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #( Self::#variant_names(value) => serde::Serialize::serialize(value, serializer), )*
                        #fallback_arm
                    }
                }
            }
            #cfg
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    #decode
                }
            }
            #(#froms)*
        }
    }
}

/// An untagged union decoded by which properties are present (`Union::by_presence`): the value
/// goes to the first variant whose property it has, else to the variant without one, so a
/// decode error is that variant's, naming the field.
fn presence_union_def(
    u: &Union,
    parts: ValueUnion<'_>,
    doc_text: Option<&str>,
    froms: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    let mut arms = Vec::new();
    let mut otherwise = None;
    let mut rules = Vec::new();
    for (v, vname) in u.variants.iter().zip(parts.variant_names) {
        let decoded = decode_variant(v, vname);
        match &v.presence {
            Some(key) => {
                arms.push(quote! { if value.get(#key).is_some() { return #decoded; } });
                rules.push(format!("with `{key}`, [`{}`](Self::{})", v.name, v.name));
            }
            None => {
                otherwise = Some(decoded);
                rules.push(format!("otherwise [`{}`](Self::{})", v.name, v.name));
            }
        }
    }
    let otherwise = otherwise.unwrap_or_else(|| {
        let keys: Vec<String> =
            u.variants.iter().filter_map(|v| v.presence.as_deref()).map(|k| format!("`{k}`")).collect();
        let message = format!("expected an object with one of the properties {}", keys.join(", "));
        quote!(Err(serde::de::Error::custom(#message)))
    });
    let rule_doc =
        format!("Which variant a value is depends on the properties it has: {}.", rules.join("; "));
    let doc = docs::outer(Some(&docs::paragraphs([doc_text, Some(rule_doc.as_str())])));
    let decode = quote! {
        #(#arms)*
        #otherwise
    };
    parts.tokens(&doc, None, &decode, froms)
}

/// The struct a multipart body's type stands for (through aliases), if it is one.
pub fn multipart_struct(api: &Api, body: &Ty) -> Option<TypeId> {
    crate::ir::resolved_struct(body, &api.types).map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `cfg` written for any number and length of features is what prettyplease prints.
    #[test]
    fn written_gates_equal_formatted_ones_at_every_length() {
        let mut checked = 0;
        for count in 1..=4 {
            for len in 1..=100 {
                let names: Vec<String> =
                    (0..count).map(|i| ((b'a' + i) as char).to_string().repeat(len)).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let mut written = Source::new();
                write_gate(&mut written, &names);
                written.fixed(0, "pub struct A {}");
                let cfg = gate_tokens(&names);
                let formatted = crate::format::rust_file("t.rs", quote!(#cfg pub struct A {})).unwrap();
                assert_eq!(written.text, formatted, "{count} features of {len}");
                checked += 1;
            }
        }
        assert_eq!(checked, 400);
    }
}
