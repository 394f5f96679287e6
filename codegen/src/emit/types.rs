//! Named types → `src/types.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::tokens::{Scope, ident, into_param, resolved, ty};
use crate::format::Piece;
use crate::ir::{
    Additional, Api, BodyEncoding, Field, Operation, ParamLocation, Response, StatusVariant, StringEnum,
    Struct, Ty, TypeDef, TypeId, TypeKind, Union,
};
use crate::source::Source;

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
        pieces.push(Piece::rust(move || {
            let defs = ids.iter().map(|&id| type_def(api, id));
            quote!(#(#defs)*)
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
    let mut envelopes: Vec<&crate::ir::Pagination> =
        api.operations().filter_map(|o| o.pagination.as_ref()).collect();
    envelopes.sort_by_key(|p| p.envelope);
    envelopes.dedup_by_key(|p| p.envelope);
    let pages = envelopes.into_iter().map(|p| {
        let name = ident(&api.types[p.envelope].name);
        let item = ty(&p.item, &api.types, Scope::Types);
        let items = ident(&p.items_field);
        let has_more = ident(&p.has_more_field);
        let items_expr =
            if p.items_optional { quote!(self.#items.unwrap_or_default()) } else { quote!(self.#items) };
        let more_expr = if p.has_more_optional {
            quote!(self.#has_more.unwrap_or(false))
        } else {
            quote!(self.#has_more)
        };
        let cfg = gate(api, &api.types[p.envelope].features);
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
            }
        }
    });
    quote!(#(#pages)*)
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
    if features.is_empty() {
        return quote!();
    }
    let names: Vec<&str> = features
        .iter()
        .map(|&r| api.resources.get(r).map_or(EXTRA_TYPES_FEATURE, |r| r.feature.as_str()))
        .collect();
    match names.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

fn type_def(api: &Api, id: TypeId) -> TokenStream {
    let t = &api.types[id];
    let name = ident(&t.name);
    let cfg = &gate(api, &t.features);
    // Built where it is placed (doc placeholders must all be placed; a union writes its own).
    let doc = || docs::outer(t.doc.as_deref());
    match &t.kind {
        TypeKind::Struct(s) => struct_def(api, t, s, doc(), true, cfg),
        TypeKind::Params(s) => struct_def(api, t, s, doc(), false, cfg),
        TypeKind::Enum(e) => enum_def(e, &name, doc(), cfg),
        TypeKind::Union(u) => union_def(api, u, &name, t.doc.as_deref(), cfg),
        TypeKind::Alias(target) => {
            let target = ty(target, &api.types, Scope::Types);
            let doc = doc();
            quote! { #cfg #doc pub type #name = #target; }
        }
        TypeKind::Newtype(inner) => {
            let inner = ty(inner, &api.types, Scope::Types);
            let doc = doc();
            quote! {
                #cfg
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub Box<#inner>);
            }
        }
        TypeKind::Responses(variants) => responses_def(api, variants, &name, doc(), cfg),
        TypeKind::Pending => {
            let doc = doc();
            quote! { #cfg #doc pub type #name = serde_json::Value; }
        }
    }
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
            Response::Bytes | Response::ByStatus(_) => {
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
/// object.
struct FieldPlan {
    /// The field's Rust type (with `Option`, `Box`, `Nullable`).
    full: TokenStream,
    /// The value type a setter or constructor takes.
    value: TokenStream,
    /// Wraps a value expression into the field's representation.
    wrap: fn(TokenStream, bool) -> TokenStream,
    /// `None` is a valid value (field is an `Option`).
    optional: bool,
    /// Absent, `null` and a value are three states (`Option<Nullable<T>>`): a present `null`
    /// is read as `Some(Nullable::Null)`.
    tri_state: bool,
    /// Part of `new(…)`.
    in_constructor: bool,
    boxed: bool,
    into_string: bool,
}

fn plan_field(api: &Api, owner: &TypeDef, f: &Field, serde: bool) -> FieldPlan {
    let inner = ty(&f.ty, &api.types, Scope::Types);
    let boxed_inner = if f.boxed { quote!(Box<#inner>) } else { inner.clone() };
    let into = if f.boxed { None } else { into_param(&f.ty, &api.types) };
    let into_string = into.is_some();
    let value = into.unwrap_or(inner);
    let tri_state = serde && owner.in_request && !f.required && f.nullable;
    if tri_state {
        return FieldPlan {
            full: quote!(Option<crate::runtime::Nullable<#boxed_inner>>),
            value,
            wrap: |v, boxed| {
                let v = if boxed { quote!(Box::new(#v)) } else { v };
                quote!(Some(crate::runtime::Nullable::Value(#v)))
            },
            optional: true,
            tri_state,
            in_constructor: false,
            boxed: f.boxed,
            into_string,
        };
    }
    let optional = !f.required || f.nullable;
    FieldPlan {
        full: if optional { quote!(Option<#boxed_inner>) } else { boxed_inner },
        value,
        wrap: if optional {
            |v, boxed| if boxed { quote!(Some(Box::new(#v))) } else { quote!(Some(#v)) }
        } else {
            |v, boxed| if boxed { quote!(Box::new(#v)) } else { v }
        },
        optional,
        tri_state,
        in_constructor: f.required,
        boxed: f.boxed,
        into_string,
    }
}

fn field_doc(f: &Field) -> TokenStream {
    let mut notes = Vec::new();
    if f.deprecated {
        notes.push("Deprecated.".to_owned());
    }
    match f.location {
        ParamLocation::Header => notes.push(format!("Sent as the `{}` header.", f.json_name)),
        ParamLocation::Cookie => notes.push(format!("Sent as the `{}` cookie.", f.json_name)),
        ParamLocation::Query | ParamLocation::Body => {}
    }
    if let Some(default) = &f.default {
        notes.push(format!("Defaults to `{}`.", default.replace('`', "'")));
    }
    let notes = notes.join(" ");
    docs::outer(Some(&docs::paragraphs([f.doc.as_deref(), Some(notes.as_str())])))
}

fn struct_def(
    api: &Api,
    t: &TypeDef,
    s: &Struct,
    doc: TokenStream,
    serde: bool,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&t.name);
    let plans: Vec<FieldPlan> = s.fields.iter().map(|f| plan_field(api, t, f, serde)).collect();
    let fields = s.fields.iter().zip(&plans).map(|(f, p)| {
        let fname = ident(&f.rust_name);
        let fdoc = field_doc(f);
        let full = &p.full;
        quote! { #fdoc pub #fname: #full, }
    });
    let extra = match &s.additional {
        Additional::Deny => quote!(),
        Additional::Keep { field } => {
            let f = ident(field);
            quote! {
                /// Properties the API description does not declare, kept so that a value read
                /// from the API and sent back loses nothing.
                pub #f: serde_json::Map<String, serde_json::Value>,
            }
        }
        Additional::Typed { field, ty: value_ty } => {
            let f = ident(field);
            let v = ty(value_ty, &api.types, Scope::Types);
            quote! {
                /// Additional properties.
                pub #f: indexmap::IndexMap<String, #v>,
            }
        }
    };
    let all_optional = plans.iter().all(|p| p.optional);
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if all_optional {
        derives.push(quote!(Default));
    }
    let serde_impls = if serde {
        let impls = object_impls(s, &plans, &name);
        quote!(#cfg #impls)
    } else {
        quote!()
    };
    let builder = if t.in_request || !serde {
        let builder = builder_impl(t, s, &plans, all_optional);
        quote!(#cfg #builder)
    } else {
        quote!()
    };
    quote! {
        #cfg
        #doc
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #serde_impls
        #builder
    }
}

/// `Serialize` and `Deserialize` of a struct as a JSON object, through the runtime's
/// `json_object!`: declared fields by their JSON names, undeclared properties kept in the extra
/// map. Not derived, because serde's `#[serde(flatten)]` buffers the undeclared entries and its derive was
/// most of a small crate's check time (see `runtime/object.rs`).
fn object_impls(s: &Struct, plans: &[FieldPlan], name: &proc_macro2::Ident) -> TokenStream {
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
        quote!(#field = #json #kind)
    });
    let extra = s.additional.field().map(|f| {
        let f = ident(f);
        quote!(, #f)
    });
    quote!(crate::runtime::object::json_object!(#name #extra; #(#fields),*);)
}

/// `new(required…)` and one chained setter per optional field.
fn builder_impl(t: &TypeDef, s: &Struct, plans: &[FieldPlan], all_optional: bool) -> TokenStream {
    let name = ident(&t.name);
    // Required fields in the order the spec lists them; `in_constructor` marks the same set.
    let ctor_args = s.constructor.iter().filter(|&&i| plans[i].in_constructor).map(|&i| {
        let (f, p) = (&s.fields[i], &plans[i]);
        let arg = ident(&f.rust_name);
        let value = &p.value;
        // A required nullable field takes an `Option`.
        if p.optional { quote!(#arg: Option<#value>) } else { quote!(#arg: #value) }
    });
    let inits = s.fields.iter().zip(plans).map(|(f, p)| {
        let field = ident(&f.rust_name);
        if !p.in_constructor {
            return quote!(#field: None);
        }
        let conv = if p.into_string { quote!(#field.into()) } else { quote!(#field) };
        let conv = match (p.optional, p.boxed) {
            (true, true) => quote!(#field.map(Box::new)),
            (true, false) if p.into_string => quote!(#field.map(Into::into)),
            (true, false) => quote!(#field),
            (false, true) => quote!(Box::new(#conv)),
            (false, false) => conv,
        };
        if field == conv.to_string() { quote!(#field) } else { quote!(#field: #conv) }
    });
    let extra_init = s.additional.field().map(|field| {
        let f = ident(field);
        quote!(#f: Default::default(),)
    });
    let ctor = if all_optional {
        quote! {
            /// Creates a value with every field unset.
            pub fn new() -> Self {
                Self::default()
            }
        }
    } else {
        quote! {
            /// Creates a value from its required fields; optional ones are set with the chained
            /// setters.
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }
        }
    };
    let setters = s.fields.iter().zip(plans).filter(|(_, p)| !p.in_constructor).map(|(f, p)| {
        let field = ident(&f.rust_name);
        let setter = ident(&f.setter);
        let value = &p.value;
        let arg = if p.into_string { quote!(value.into()) } else { quote!(value) };
        let wrapped = (p.wrap)(arg, p.boxed);
        // Intra-doc links cannot name raw identifiers (`Self::r#type`), so those stay plain text.
        let bare = f.rust_name.trim_start_matches("r#");
        let doc = if bare == f.rust_name {
            format!(" Sets [`{bare}`](Self::{bare}).")
        } else {
            format!(" Sets `{bare}`.")
        };
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: #value) -> Self {
                self.#field = #wrapped;
                self
            }
        }
    });
    quote! {
        impl #name {
            #ctor
            #(#setters)*
        }
    }
}

fn enum_def(e: &StringEnum, name: &proc_macro2::Ident, doc: TokenStream, cfg: &TokenStream) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let value_docs = values.iter().map(|v| {
        if v.is_empty() {
            " The empty string.".to_owned()
        } else {
            format!(" `{}`", v.escape_debug().to_string().replace('`', "'"))
        }
    });
    let fallback = ident(&e.fallback);
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #value_docs] #variants, )*
            /// A value this version of the client does not know.
            #fallback(String),
        }
        #cfg
        crate::runtime::str_enum::open_str_enum!(#name, #fallback #(, #variants = #values)*);
    }
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
    let Some(tag) = &u.tag else {
        let doc = docs::outer(doc_text);
        return quote! {
            #cfg
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #( #variant_names(#variant_types), )*
            }
            #(#froms)*
        };
    };
    let fallback = ident(&u.fallback);
    let arms = u.variants.iter().zip(&variant_names).map(|(v, vname)| {
        let tags = &v.tags;
        let wrap = if v.boxed { quote!(|v| Self::#vname(Box::new(v))) } else { quote!(Self::#vname) };
        quote! { #( Some(#tags) )|* => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom), }
    });
    let tag_doc = format!(
        "Which variant a value is depends on its `{tag}` property; values with a tag this version of the client does not know are kept whole in `{}`.",
        u.fallback
    );
    let doc = docs::outer(Some(&docs::paragraphs([doc_text, Some(tag_doc.as_str())])));
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #variant_names(#variant_types), )*
            /// A value whose tag this version of the client does not know.
            #fallback(serde_json::Value),
        }
        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variant_names(value) => serde::Serialize::serialize(value, serializer), )*
                    Self::#fallback(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }
        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::#fallback(value)),
                }
            }
        }
        #(#froms)*
    }
}

/// The struct a multipart body's type stands for (through aliases), if it is one.
pub fn multipart_struct(api: &Api, body: &Ty) -> Option<TypeId> {
    let mut current = body;
    for _ in 0..=api.types.len() {
        let Ty::Named(id) = current else { return None };
        match &api.types[*id].kind {
            TypeKind::Struct(_) => return Some(*id),
            TypeKind::Alias(inner) => current = inner,
            _ => return None,
        }
    }
    None
}
