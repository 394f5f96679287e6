//! Schemas → named types.
//!
//! Every component schema becomes a named type; inline schemas that need a declaration (objects
//! with properties, string enums, unions) become named types too, named after where they appear
//! (`CreateCheckoutSessionLineItem`). Types are keyed by the JSON pointer of their schema, so a
//! `$ref` into an inline schema and the inline schema itself are one type. Building is lazy and
//! iterative (a queue), so recursive schemas terminate and deep specs cannot overflow the stack.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::LazyLock;

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use super::{
    Additional, EnumVariant, Field, IntKind, ParamLocation, StringEnum, Struct, Ty, TyUse, TypeDef, TypeId,
    TypeKind, Union, UnionVariant,
};
use crate::diagnostics::Diagnostic;
use crate::naming::{self, Namespace};
use crate::pointer;

/// Deepest inline nesting accepted (named types do not count: they are built from a queue).
pub const MAX_DEPTH: usize = 64;

/// Keys that only annotate a schema and do not change its shape.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "externalDocs",
    "xml",
    "$comment",
    "$id",
    "$schema",
    "summary",
];

pub struct TypeBuilder<'a> {
    root: &'a Value,
    pub types: Vec<TypeDef>,
    by_pointer: HashMap<String, TypeId>,
    pub names: Namespace,
    queue: VecDeque<TypeId>,
    pub warnings: Vec<Diagnostic>,
    pub examples: Vec<super::Example>,
    keep_unknown_fields: bool,
    /// The merged parts of each `$ref` target, so a schema that many `allOf`/`oneOf` paths reach
    /// is collected once, not once per path (which is exponential in chains of shared parts).
    collected: HashMap<String, ObjectParts<'a>>,
    warned: BTreeSet<(String, String)>,
    /// Set while a union's variants are only inspected (`assign_presence_keys`): what that finds is
    /// not reported, and not cached for the collections that will report it.
    probing: bool,
}

/// How a schema maps to Rust, before any type is built.
enum Shape<'v> {
    /// Needs a named declaration (struct, enum, union).
    Complex,
    /// Means exactly one of its subschemas (`allOf: [X]`, `oneOf: [X, null]`).
    PassThrough(&'v Value, String),
    /// A primitive, array or map.
    Simple,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(root: &'a Value, keep_unknown_fields: bool) -> Self {
        TypeBuilder {
            root,
            types: Vec::new(),
            by_pointer: HashMap::new(),
            names: Namespace::new(),
            queue: VecDeque::new(),
            warnings: Vec::new(),
            examples: Vec::new(),
            keep_unknown_fields,
            collected: HashMap::new(),
            warned: BTreeSet::new(),
            probing: false,
        }
    }

    /// Gives every component schema its name first, so that inline types can never take a
    /// component's name. Names that are already valid type names claim first.
    pub fn register_components(&mut self) {
        let Some(schemas) = self.root.pointer("/components/schemas").and_then(Value::as_object) else {
            return;
        };
        let base = pointer::push(&pointer::push("#", "components"), "schemas");
        let mut entries: Vec<(&String, String)> = schemas.keys().map(|k| (k, naming::type_name(k))).collect();
        entries.sort_by_key(|(raw, name)| (*raw != name, (*raw).clone()));
        for (raw, name) in entries {
            let ptr = pointer::push(&base, raw);
            let id = self.allocate(ptr.clone(), &name);
            if let Some(schema) = schemas.get(raw.as_str()) {
                self.collect_examples(&ptr, schema, &Ty::Named(id));
            }
        }
    }

    /// Records the `example`/`examples` of a schema or media type object as examples of `ty`
    /// (`examples` is a list on 3.1 schemas and a map of example objects on media types).
    pub fn collect_examples(&mut self, ptr: &str, holder: &Value, ty: &Ty) {
        if let Some(example) = holder.get("example") {
            self.examples.push(super::Example {
                pointer: pointer::push(ptr, "example"),
                ty: ty.clone(),
                json: example.to_string(),
            });
        }
        let examples_ptr = pointer::push(ptr, "examples");
        match holder.get("examples") {
            Some(Value::Array(list)) => {
                for (i, example) in list.iter().enumerate() {
                    self.examples.push(super::Example {
                        pointer: pointer::push(&examples_ptr, &i.to_string()),
                        ty: ty.clone(),
                        json: example.to_string(),
                    });
                }
            }
            Some(Value::Object(map)) => {
                for (name, example) in map {
                    let at = pointer::push(&examples_ptr, name);
                    let example = match example.get("$ref").and_then(Value::as_str) {
                        Some(r) => match pointer::canonical(r).and_then(|t| pointer::get(self.root, &t)) {
                            Some(target) => target,
                            None => continue,
                        },
                        None => example,
                    };
                    // `externalValue` examples live elsewhere; only inline values are checked.
                    if let Some(value) = example.get("value") {
                        self.examples.push(super::Example {
                            pointer: at,
                            ty: ty.clone(),
                            json: value.to_string(),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    pub fn component(&self, name: &str) -> Option<TypeId> {
        let ptr = pointer::push(&pointer::push(&pointer::push("#", "components"), "schemas"), name);
        self.by_pointer.get(&ptr).copied()
    }

    fn allocate(&mut self, ptr: String, base_name: &str) -> TypeId {
        let id = self.add_type(ptr.clone(), base_name, TypeKind::Pending);
        self.by_pointer.insert(ptr, id);
        self.queue.push_back(id);
        id
    }

    /// `preferred` as the name hint of an operation's inline type, or `fallback` when a type
    /// already has that name: AWS's descriptions declare a `PutThingRequest` schema beside the
    /// inline body of `PutThing`, which would otherwise be `PutThingRequest2`.
    pub fn name_or(&self, preferred: String, fallback: String) -> String {
        if self.names.contains(&preferred) { fallback } else { preferred }
    }

    /// Adds a named type with its kind known up front (no schema to build it from: an
    /// operation's parameters or its responses by status).
    pub fn add_type(&mut self, pointer: String, base_name: &str, kind: TypeKind) -> TypeId {
        let name = self.names.claim(base_name);
        let id = self.types.len();
        self.types.push(TypeDef {
            name,
            pointer,
            doc: None,
            kind,
            in_request: false,
            in_response: false,
            in_untagged: false,
            deprecated: false,
            features: Vec::new(),
        });
        id
    }

    /// Adds an operation's parameters struct.
    pub fn add_params_type(&mut self, pointer: String, base_name: &str, fields: Vec<Field>) -> TypeId {
        let constructor = (0..fields.len()).filter(|&i| fields[i].required).collect();
        let kind = TypeKind::Params(Struct { constructor, fields, additional: Additional::Deny });
        let id = self.add_type(pointer, base_name, kind);
        self.types[id].in_request = true;
        id
    }

    /// Inline string enums of the same values, in the same order, are one type (Twilio's six
    /// `…Method` enums of `GET` and `POST`), so that a value read in one response can be sent in
    /// another request as it is. Each keeps its name as an alias of the shared type, which is
    /// named by the words that end all of their names (`Method`) where that name is free, else
    /// is the first of them. Enums the description names (components) stay their own types, as
    /// do those of one value.
    pub fn merge_identical_enums(&mut self) {
        let mut groups: Vec<Vec<TypeId>> = Vec::new();
        // An enum's variants (name and value) and fallback name: what its declaration is made of.
        type Declared<'t> = (Vec<(&'t str, &'t str)>, &'t str);
        let mut by_values: HashMap<Declared, usize> = HashMap::new();
        for (id, t) in self.types.iter().enumerate() {
            // One value is a constant (`"object": "list"`): nothing to send back as it came.
            let TypeKind::Enum(e) = &t.kind else { continue };
            if pointer::is_component(&t.pointer, "schemas") || e.variants.len() < 2 {
                continue;
            }
            let values = e.variants.iter().map(|v| (v.name.as_str(), v.value.as_str())).collect();
            let group = *by_values.entry((values, e.fallback.as_str())).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[group].push(id);
        }
        for group in groups.into_iter().filter(|g| g.len() > 1) {
            let names: Vec<String> = group.iter().map(|&id| self.types[id].name.to_snake_case()).collect();
            let shared = common_last_words(&names);
            let name = (!shared.is_empty())
                .then(|| naming::type_name(&shared))
                .filter(|name| !self.names.contains(name) && name.to_snake_case() == shared);
            let (target, aliases) = match name {
                Some(name) => {
                    let first = &self.types[group[0]];
                    let (pointer, kind) = (first.pointer.clone(), first.kind.clone());
                    let mut listed: Vec<String> =
                        group.iter().map(|&id| format!("`{}`", self.types[id].name)).collect();
                    let last = listed.pop().unwrap_or_default();
                    let id = self.add_type(pointer, &name, kind);
                    self.types[id].doc = Some(format!(
                        "One type for {} and {last}: enums of the same values.",
                        listed.join(", ")
                    ));
                    (id, &group[..])
                }
                None => (group[0], &group[1..]),
            };
            for &id in aliases {
                self.types[id].kind = TypeKind::Alias(Ty::Named(target));
            }
        }
    }

    /// Records a warning once: a schema collected on several paths reports a problem once.
    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        if self.probing {
            return;
        }
        let message = message.into();
        if self.warned.insert((pointer.to_owned(), message.clone())) {
            self.warnings.push(Diagnostic::new(pointer, message));
        }
    }

    /// Follows a `$ref` (and chains of them) to the schema it names.
    /// Returns `None` (with a warning) for references to other documents.
    pub fn resolve(&mut self, at: &str, reference: &str) -> Result<Option<(String, &'a Value)>, Diagnostic> {
        let mut seen: Vec<String> = Vec::new();
        let mut reference = reference.to_owned();
        loop {
            let Some(target) = pointer::canonical(&reference).map(Cow::into_owned) else {
                self.warn(
                    at,
                    format!(
                        "reference {reference:?} points outside this document; using an untyped JSON value"
                    ),
                );
                return Ok(None);
            };
            if seen.contains(&target) {
                return Err(Diagnostic::new(at, format!("circular $ref chain through {target}")));
            }
            let Some(value) = pointer::get(self.root, &target) else {
                return Err(Diagnostic::new(at, format!("$ref target {reference:?} does not exist")));
            };
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) if !self.by_pointer.contains_key(&target) && only_ref(value) => {
                    seen.push(target);
                    reference = next.to_owned();
                }
                _ => return Ok(Some((target, value))),
            }
        }
    }

    /// The Rust type for the schema `v` found at `ptr`; `hint` names it if it needs a declaration.
    pub fn ty(&mut self, v: &'a Value, ptr: &str, hint: &str, depth: usize) -> Result<TyUse, Diagnostic> {
        if depth > MAX_DEPTH {
            return Err(Diagnostic::new(ptr, format!("schema nesting is deeper than {MAX_DEPTH} levels")));
        }
        let obj = match v {
            Value::Object(obj) => obj,
            Value::Bool(_) => return Ok(TyUse::new(Ty::Any)),
            _ => {
                self.warn(ptr, "a schema must be an object; using an untyped JSON value");
                return Ok(TyUse::new(Ty::Any));
            }
        };
        let nullable = is_nullable(obj);
        if let Some(reference) = obj.get("$ref") {
            let Some(reference) = reference.as_str() else {
                return Err(Diagnostic::new(pointer::push(ptr, "$ref"), "$ref must be a string"));
            };
            let Some((target_ptr, target)) = self.resolve(ptr, reference)? else {
                return Ok(TyUse::new(Ty::Any).nullable(nullable));
            };
            let target_nullable = target.as_object().is_some_and(is_nullable);
            if let Some(&id) = self.by_pointer.get(&target_ptr) {
                return Ok(TyUse::new(Ty::Named(id)).nullable(nullable || target_nullable));
            }
            let hint = naming::type_name(&pointer::schema_name(&target_ptr));
            return Ok(self.ty(target, &target_ptr, &hint, depth + 1)?.nullable(nullable));
        }
        match self.shape(obj, ptr) {
            Shape::Complex => {
                let id = match self.by_pointer.get(ptr) {
                    Some(&id) => id,
                    None => self.allocate(ptr.to_owned(), hint),
                };
                Ok(TyUse::new(Ty::Named(id)).nullable(nullable))
            }
            Shape::PassThrough(sub, sub_ptr) => {
                Ok(self.ty(sub, &sub_ptr, hint, depth + 1)?.nullable(nullable))
            }
            Shape::Simple => Ok(TyUse::new(self.simple(obj, ptr, hint, depth)?).nullable(nullable)),
        }
    }

    fn shape<'v>(&self, obj: &'v Map<String, Value>, ptr: &str) -> Shape<'v> {
        if has_properties(obj) {
            return Shape::Complex;
        }
        // `allOf` of one real part (the rest annotations), or `oneOf`/`anyOf` of one non-null
        // schema, means that one schema; several mean a declaration of its own.
        type Ignored = fn(&[Value], &Value) -> bool;
        let compositions: [(&str, Ignored); 3] =
            [("allOf", |_, p| is_constraint_only(p)), ("oneOf", is_null_variant), ("anyOf", is_null_variant)];
        for (key, ignored) in compositions {
            let Some(parts) = obj.get(key).and_then(Value::as_array) else { continue };
            let kept: Vec<(usize, &Value)> =
                parts.iter().enumerate().filter(|(_, p)| !ignored(parts, p)).collect();
            match kept.as_slice() {
                [] => {}
                [(i, part)] => {
                    return Shape::PassThrough(part, pointer::push(&pointer::push(ptr, key), &i.to_string()));
                }
                _ => return Shape::Complex,
            }
        }
        if string_enum_values(obj).is_some_and(|v| !v.is_empty()) {
            return Shape::Complex;
        }
        if types_of(obj).len() > 1 {
            return Shape::Complex;
        }
        Shape::Simple
    }

    /// Primitives, arrays and maps.
    fn simple(
        &mut self,
        obj: &'a Map<String, Value>,
        ptr: &str,
        hint: &str,
        depth: usize,
    ) -> Result<Ty, Diagnostic> {
        let types = types_of(obj);
        let ty = match types.first() {
            Some(t) => t.as_str(),
            None if obj.contains_key("items") => "array",
            None if obj.get("additionalProperties").is_some_and(Value::is_object) => "object",
            None if obj.contains_key("format") => "string",
            None => return Ok(Ty::Any),
        };
        self.simple_of_type(ty, obj, ptr, hint, depth)
    }

    fn simple_of_type(
        &mut self,
        ty: &str,
        obj: &'a Map<String, Value>,
        ptr: &str,
        hint: &str,
        depth: usize,
    ) -> Result<Ty, Diagnostic> {
        let format = obj.get("format").and_then(Value::as_str).unwrap_or("");
        Ok(match ty {
            "string" => match format {
                "date-time" => Ty::DateTime,
                "date" => Ty::Date,
                "uuid" => Ty::Uuid,
                "binary" => Ty::Binary,
                // Raw bytes declared the 3.1 way; base64 (`byte`, `contentEncoding`) stays text,
                // and so does text of a textual media type (JSON in a string: `data` of an
                // OpenAPI 3.2 event).
                _ if obj
                    .get("contentMediaType")
                    .and_then(Value::as_str)
                    .is_some_and(|m| !is_text_media(m))
                    && !obj.contains_key("contentEncoding") =>
                {
                    Ty::Binary
                }
                _ => Ty::String,
            },
            "integer" => match format {
                "int8" => Ty::Int(IntKind::I8),
                "int16" => Ty::Int(IntKind::I16),
                "int32" => Ty::Int(IntKind::I32),
                "int128" => Ty::Int(IntKind::I128),
                "uint8" => Ty::Int(IntKind::U8),
                "uint16" => Ty::Int(IntKind::U16),
                "uint32" => Ty::Int(IntKind::U32),
                "uint64" | "uint" => Ty::Int(IntKind::U64),
                "uint128" => Ty::Int(IntKind::U128),
                "unix-time" | "unixtime" | "timestamp" | "unix-timestamp" => Ty::UnixTime,
                _ => Ty::Int(IntKind::I64),
            },
            "number" => Ty::F64,
            "boolean" => Ty::Bool,
            "null" => Ty::Any,
            "array" => {
                let items_ptr = pointer::push(ptr, "items");
                match obj.get("items") {
                    Some(items @ Value::Object(_)) => {
                        let item_hint = item_name(self, hint);
                        Ty::Vec(Box::new(self.element(items, &items_ptr, &item_hint, depth)?))
                    }
                    _ => Ty::Vec(Box::new(Ty::Any)),
                }
            }
            "object" => match obj.get("additionalProperties") {
                Some(add @ Value::Object(m)) if !m.is_empty() => {
                    let add_ptr = pointer::push(ptr, "additionalProperties");
                    Ty::Map(Box::new(self.element(add, &add_ptr, &format!("{hint}Value"), depth)?))
                }
                _ => Ty::Object,
            },
            other => {
                self.warn(ptr, format!("unknown schema type {other:?}; using an untyped JSON value"));
                Ty::Any
            }
        })
    }

    /// The type of an array item or map value; a nullable element (`[1, null]`) is an `Option`.
    fn element(&mut self, v: &'a Value, ptr: &str, hint: &str, depth: usize) -> Result<Ty, Diagnostic> {
        let u = self.ty(v, ptr, hint, depth + 1)?;
        Ok(if u.nullable && u.ty != Ty::Any { Ty::Nullable(Box::new(u.ty)) } else { u.ty })
    }

    /// Builds every type in the queue (which building may grow).
    pub fn drain(&mut self) -> Result<(), Diagnostic> {
        while let Some(id) = self.queue.pop_front() {
            self.build(id)?;
        }
        Ok(())
    }

    fn build(&mut self, id: TypeId) -> Result<(), Diagnostic> {
        let ptr = self.types[id].pointer.clone();
        let name = self.types[id].name.clone();
        let Some(v) = pointer::get(self.root, &ptr) else {
            return Err(Diagnostic::new(&ptr, "schema disappeared while building"));
        };
        let kind = match v.as_object() {
            Some(obj) => {
                // A doc set when the type was declared (a parameter's enum) stands without one here.
                let declared = self.types[id].doc.take();
                self.types[id].doc = with_enum_values(doc_of(obj).or(declared), obj);
                self.types[id].deprecated = obj.get("deprecated").and_then(Value::as_bool) == Some(true);
                if obj.contains_key("$ref") {
                    TypeKind::Alias(self.ty(v, &ptr, &name, 0)?.ty)
                } else {
                    match self.shape(obj, &ptr) {
                        Shape::Complex => self.build_complex(obj, &ptr, &name)?,
                        Shape::PassThrough(..) | Shape::Simple => {
                            TypeKind::Alias(self.ty(v, &ptr, &name, 0)?.ty)
                        }
                    }
                }
            }
            None => TypeKind::Alias(Ty::Any),
        };
        self.types[id].kind = kind;
        Ok(())
    }

    fn build_complex(
        &mut self,
        obj: &'a Map<String, Value>,
        ptr: &str,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
        if has_properties(obj) || obj.get("allOf").and_then(Value::as_array).is_some_and(|a| a.len() > 1) {
            return Ok(TypeKind::Struct(self.build_struct(obj, ptr, name)?));
        }
        if obj.get("oneOf").or_else(|| obj.get("anyOf")).and_then(Value::as_array).is_some() {
            return Ok(TypeKind::Union(self.build_union(obj, ptr, name)?));
        }
        if let Some(values) = string_enum_values(obj) {
            return Ok(TypeKind::Enum(build_enum(values)));
        }
        // Several JSON types (`type: [string, integer]`).
        let mut names = Namespace::new();
        let mut variants = Vec::new();
        for t in types_of(obj) {
            let ty = self.simple_of_type(&t, obj, ptr, &format!("{name}{}", naming::type_name(&t)), 0)?;
            let vname = names.claim(&variant_label(&ty, &self.types));
            variants.push(UnionVariant { name: vname, ty, boxed: false, tags: Vec::new(), presence: None });
        }
        Ok(TypeKind::Union(Union { variants, tag: None, fallback: String::new() }))
    }

    fn build_struct(
        &mut self,
        obj: &'a Map<String, Value>,
        ptr: &str,
        name: &str,
    ) -> Result<Struct, Diagnostic> {
        let mut parts = ObjectParts::default();
        let mut seen = vec![ptr.to_owned()];
        self.collect_object(obj, ptr, &mut parts, &mut seen, 0)?;
        let mut fields = Vec::with_capacity(parts.props.len());
        let mut field_names = Namespace::new();
        let mut setter_names = Namespace::new();
        for reserved in ["new", "builder"] {
            setter_names.reserve(reserved);
        }
        for (json_name, Prop { ptr: prop_ptr, schema: prop, .. }) in &parts.props {
            let hint = format!("{name}{}", naming::type_name(json_name));
            let u = self.ty(prop, prop_ptr, &hint, 1)?;
            let prop_obj = prop.as_object();
            let flag = |k: &str| prop_obj.and_then(|o| o.get(k)).and_then(Value::as_bool) == Some(true);
            let field_name = naming::field_name(json_name);
            let rust_name = field_names.claim(&field_name);
            let setter = setter_names.claim(&naming::method_name_of_field(field_name));
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name,
                setter,
                ty: u.ty,
                required: parts.required.contains(json_name),
                nullable: u.nullable,
                read_only: flag("readOnly"),
                write_only: flag("writeOnly"),
                doc: prop_obj.and_then(doc_of).or_else(|| referenced(self.root, prop, doc_of)),
                deprecated: flag("deprecated"),
                default: own_or_referenced(self.root, prop, |o| o.get("default")).map(|d| d.to_string()),
                minimum: own_or_referenced(self.root, prop, integer_minimum),
                example: own_or_referenced(self.root, prop, |s| scalar_example(self.root, s)),
                sent_default: None,
                boxed: false,
                location: ParamLocation::Body,
            });
        }
        let additional = match parts.additional {
            Some((_, Value::Bool(false))) => Additional::Deny,
            Some((add_ptr, add @ Value::Object(m))) if !m.is_empty() => {
                let ty = self.element(add, &add_ptr, &format!("{name}Value"), 0)?;
                Additional::Typed { field: field_names.claim("extra"), ty }
            }
            _ if self.keep_unknown_fields => Additional::Keep { field: field_names.claim("extra") },
            _ => Additional::Deny,
        };
        let constructor = parts
            .required
            .iter()
            .filter_map(|name| fields.iter().position(|f| &f.json_name == name))
            .collect();
        Ok(Struct { fields, additional, constructor })
    }

    /// Merges `properties`, `required` and `additionalProperties` of a schema and all its
    /// `allOf` parts (following `$ref`s). Later parts override earlier ones.
    fn collect_object(
        &mut self,
        obj: &'a Map<String, Value>,
        ptr: &str,
        parts: &mut ObjectParts<'a>,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), Diagnostic> {
        if depth > MAX_DEPTH {
            return Err(Diagnostic::new(
                ptr,
                format!("allOf/oneOf/anyOf nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str)
            && let Some((target_ptr, target)) = self.resolve(ptr, reference)?
            && let Some(target_obj) = target.as_object()
        {
            if seen.contains(&target_ptr) {
                parts.cut_short = true;
            } else if let Some(cached) = self.collected.get(&target_ptr) {
                parts.absorb(cached);
            } else {
                let mut own = ObjectParts::default();
                seen.push(target_ptr.clone());
                self.collect_object(target_obj, &target_ptr, &mut own, seen, depth + 1)?;
                seen.pop();
                parts.absorb(&own);
                if !own.cut_short && !self.probing {
                    self.collected.insert(target_ptr, own);
                }
            }
        }
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            let all_ptr = pointer::push(ptr, "allOf");
            for (i, part) in all.iter().enumerate() {
                if let Some(part_obj) = part.as_object() {
                    self.collect_object(
                        part_obj,
                        &pointer::push(&all_ptr, &i.to_string()),
                        parts,
                        seen,
                        depth + 1,
                    )?;
                }
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = obj.get(key).and_then(Value::as_array) {
                self.merge_variants(variants, &pointer::push(ptr, key), parts, seen, depth)?;
            }
        }
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            let props_ptr = pointer::push(ptr, "properties");
            for (name, schema) in props {
                let prop = Prop { ptr: pointer::push(&props_ptr, name), schema, from_union: false };
                parts.props.insert(name.clone(), prop);
            }
        }
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !parts.required.iter().any(|r| r == name) {
                    parts.required.push(name.to_owned());
                }
            }
        }
        if let Some(add) = obj.get("additionalProperties") {
            parts.additional = Some((pointer::push(ptr, "additionalProperties"), add));
        }
        Ok(())
    }

    /// Folds a `oneOf`/`anyOf` that sits beside `properties` or inside `allOf` into the struct
    /// being built, so no declared property is lost and a caller can set any of them: every
    /// variant's properties become fields, required only when every variant requires them; a
    /// property the variants declare differently is a string when each admits only strings,
    /// else a JSON value. A union listing a schema this struct is built from (a parent naming
    /// its subtypes) says nothing about this struct and is skipped.
    fn merge_variants(
        &mut self,
        variants: &'a [Value],
        ptr: &str,
        parts: &mut ObjectParts<'a>,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), Diagnostic> {
        let lists_an_ancestor = variants.iter().any(|v| {
            v.get("$ref")
                .and_then(Value::as_str)
                .and_then(pointer::canonical)
                .is_some_and(|target| seen.iter().any(|s| *s == *target))
        });
        if lists_an_ancestor {
            parts.cut_short = true;
            return Ok(());
        }
        let mut merged: BTreeMap<String, Prop<'a>> = BTreeMap::new();
        let mut required_by_all: Option<Vec<String>> = None;
        for (i, variant) in variants.iter().enumerate() {
            let Some(variant_obj) = variant.as_object() else { continue };
            if is_null_variant(variants, variant) {
                continue;
            }
            let variant_ptr = pointer::push(ptr, &i.to_string());
            let mut own = ObjectParts::default();
            self.collect_object(variant_obj, &variant_ptr, &mut own, seen, depth + 1)?;
            if own.props.is_empty() && self.admits_no_object(variant) {
                self.warn(
                    &variant_ptr,
                    "a variant that is not an object cannot be a struct's field; it is left out",
                );
                continue;
            }
            parts.cut_short |= own.cut_short;
            match &mut required_by_all {
                None => required_by_all = Some(own.required),
                Some(all) => all.retain(|name| own.required.contains(name)),
            }
            for (name, prop) in own.props {
                match merged.get_mut(&name) {
                    None => {
                        merged.insert(name, Prop { from_union: true, ..prop });
                    }
                    Some(first) if first.schema == prop.schema => {}
                    Some(first) => {
                        let strings =
                            self.admits_only_strings(first.schema) && self.admits_only_strings(prop.schema);
                        first.schema = if strings { &STRING_SCHEMA } else { &ANY_SCHEMA };
                    }
                }
            }
        }
        for (name, prop) in merged {
            parts.props.entry(name).or_insert(prop);
        }
        for name in required_by_all.unwrap_or_default() {
            if !parts.required.contains(&name) {
                parts.required.push(name);
            }
        }
        Ok(())
    }

    /// The schema a `$ref` chain ends at (without diagnostics: the caller only inspects it).
    fn referenced(&self, v: &'a Value) -> &'a Value {
        let mut v = v;
        for _ in 0..MAX_DEPTH {
            match v.get("$ref").and_then(Value::as_str).and_then(pointer::canonical) {
                Some(target) => match pointer::get(self.root, &target) {
                    Some(next) => v = next,
                    None => break,
                },
                None => break,
            }
        }
        v
    }

    fn admits_only_strings(&self, v: &'a Value) -> bool {
        self.referenced(v).as_object().is_some_and(|o| {
            types_of(o) == ["string"] || string_enum_values(o).is_some_and(|v| !v.is_empty())
        })
    }

    /// A variant declaring a JSON type other than `object` (a bare `required` list, which only
    /// constrains the object's other properties, declares none).
    fn admits_no_object(&self, v: &'a Value) -> bool {
        self.referenced(v).as_object().is_some_and(|o| {
            let types = types_of(o);
            !types.is_empty() && !types.iter().any(|t| t == "object")
        })
    }

    fn build_union(
        &mut self,
        obj: &'a Map<String, Value>,
        ptr: &str,
        name: &str,
    ) -> Result<Union, Diagnostic> {
        let key = if obj.contains_key("oneOf") { "oneOf" } else { "anyOf" };
        let items = obj.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        let list_ptr = pointer::push(ptr, key);
        let mut names = Namespace::new();
        // Each variant with the `$ref` target it names, and its schema (pointer and value).
        let mut variants: Vec<(UnionVariant, Option<String>, (String, &'a Value))> = Vec::new();
        for (i, sub) in items.iter().enumerate() {
            if is_null_variant(items, sub) {
                continue;
            }
            let sub_ptr = pointer::push(&list_ptr, &i.to_string());
            let ref_target = match sub.get("$ref").and_then(Value::as_str) {
                Some(r) => self.resolve(&sub_ptr, r)?.map(|(p, _)| p),
                None => None,
            };
            let base = ref_target
                .as_deref()
                .map(|p| naming::type_name(&pointer::last_token(p)))
                .or_else(|| sub.get("title").and_then(Value::as_str).map(naming::type_name));
            let hint = format!("{name}{}", base.clone().unwrap_or_else(|| format!("Variant{}", i + 1)));
            let u = self.ty(sub, &sub_ptr, &hint, 1)?;
            let ty = u.ty;
            if variants.iter().any(|(v, ..)| v.ty == ty) {
                continue;
            }
            let label = base.unwrap_or_else(|| match &ty {
                // An inline schema declared just for this union: name the variant by its kind.
                Ty::Named(id) if self.types[*id].pointer == sub_ptr => "Object".to_owned(),
                _ => variant_label(&ty, &self.types),
            });
            let variant = UnionVariant { name: label, ty, boxed: false, tags: Vec::new(), presence: None };
            variants.push((variant, ref_target, (sub_ptr, sub)));
        }
        // `Event::PaymentCaptured` reads better than `Event::PaymentCapturedEvent`.
        let strip = |label: &str| label.strip_suffix(name).filter(|rest| !rest.is_empty()).map(str::to_owned);
        if variants.len() > 1 && variants.iter().all(|(v, ..)| strip(&v.name).is_some()) {
            for (v, ..) in &mut variants {
                v.name = strip(&v.name).unwrap_or_default();
            }
        }
        // Untagged deserialization tries variants in order: catch-alls go last.
        variants.sort_by_key(|(v, ..)| matches!(v.ty, Ty::Any | Ty::Object));
        for (v, ..) in &mut variants {
            v.name = names.claim(&v.name);
        }
        let tag = obj
            .get("discriminator")
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| implicit_tag(self.root, &variants));
        let mut tagged = tag.is_some();
        if let Some(tag_name) = &tag {
            let mapping = obj.get("discriminator").and_then(|d| d.get("mapping")).and_then(Value::as_object);
            // Per variant: whether its values are its tag property's enum.
            let mut from_enum = Vec::new();
            for (variant, target, _) in &mut variants {
                let Some(target) = target else {
                    tagged = false;
                    break;
                };
                let mut tags: Vec<String> = Vec::new();
                for (value, r) in mapping.into_iter().flatten() {
                    let r = r.as_str().unwrap_or_default();
                    let resolved = if r.starts_with('#') {
                        pointer::canonical(r).map(Cow::into_owned)
                    } else {
                        // A bare schema name.
                        Some(pointer::push(&pointer::push(&pointer::push("#", "components"), "schemas"), r))
                    };
                    if resolved.as_deref() == Some(target.as_str()) {
                        tags.push(value.clone());
                    }
                }
                let mut declared = false;
                if tags.is_empty() {
                    tags = match tag_values_of(self.root, target, tag_name) {
                        Some(values) => {
                            declared = true;
                            values
                        }
                        None => vec![pointer::last_token(target)],
                    };
                }
                variant.tags = tags;
                from_enum.push(declared);
            }
            if tagged {
                narrow_shared_tags(&mut variants, &from_enum);
            }
            // A value names one variant: where several claim it, the first listed takes it, and
            // one left with no value of its own is not read from a tag (it can still be sent).
            let mut claimed = BTreeSet::new();
            for (variant, ..) in variants.iter_mut().filter(|_| tagged) {
                let (taken, own): (Vec<String>, Vec<String>) =
                    variant.tags.drain(..).partition(|t| claimed.contains(t));
                claimed.extend(own.iter().cloned());
                variant.tags = own;
                if !taken.is_empty() {
                    let taken: Vec<String> = taken.iter().map(|t| format!("`{t}`")).collect();
                    self.warnings.push(Diagnostic::new(
                        ptr.to_owned(),
                        format!(
                            "`{tag_name}` {} of variant {} selects an earlier variant, which takes it",
                            taken.join(", "),
                            variant.name
                        ),
                    ));
                }
            }
        }
        let fallback = if tagged { names.claim("Unknown") } else { String::new() };
        if !tagged {
            self.assign_presence_keys(&mut variants);
        }
        Ok(Union {
            variants: variants.into_iter().map(|(v, ..)| v).collect(),
            tag: if tagged { tag } else { None },
            fallback,
        })
    }

    /// Makes an untagged union decoded by which properties are present when it can be: every
    /// variant is an object, and all but at most one require a property that no other variant
    /// declares (and that is neither read- nor write-only). Then it sets each variant's
    /// [`UnionVariant::presence`] (the keyless one, if any, goes last). Decoding by presence
    /// names the field that is wrong, where trying each variant in turn can only say that none
    /// matched.
    fn assign_presence_keys(&mut self, variants: &mut [(UnionVariant, Option<String>, (String, &'a Value))]) {
        if variants.len() < 2 {
            return;
        }
        let mut parts = Vec::with_capacity(variants.len());
        for (variant, _, (ptr, schema)) in variants.iter() {
            let Some(obj) = schema.as_object().filter(|_| matches!(variant.ty, Ty::Named(_))) else {
                return;
            };
            let mut own = ObjectParts::default();
            self.probing = true;
            let probed = self.collect_object(obj, ptr, &mut own, &mut Vec::new(), 1);
            self.probing = false;
            if probed.is_err() || own.props.is_empty() {
                return;
            }
            parts.push(own);
        }
        let keys: Vec<Option<String>> = parts
            .iter()
            .enumerate()
            .map(|(i, own)| {
                // A read- or write-only property is missing from one direction's bodies.
                let one_way = |prop: &Prop| {
                    ["readOnly", "writeOnly"]
                        .iter()
                        .any(|k| prop.schema.get(k).and_then(Value::as_bool) == Some(true))
                };
                let unique = |name: &&String| {
                    own.props.get(*name).is_some_and(|prop| !one_way(prop))
                        && parts
                            .iter()
                            .enumerate()
                            .all(|(j, other)| j == i || !other.props.contains_key(*name))
                };
                own.required.iter().find(unique).cloned()
            })
            .collect();
        if keys.iter().filter(|key| key.is_none()).count() > 1 {
            return;
        }
        for ((variant, ..), key) in variants.iter_mut().zip(keys) {
            variant.presence = key;
        }
        variants.sort_by_key(|(variant, ..)| variant.presence.is_none());
    }
}

/// A property every variant declares with its own, disjoint string values (`type: {enum:
/// [applepay]}` on one, `[card]` on another): a discriminator in all but name. Without it, an
/// untagged union of structs with open enums would decode everything as its first variant.
fn implicit_tag(
    root: &Value,
    variants: &[(UnionVariant, Option<String>, (String, &Value))],
) -> Option<String> {
    let targets: Vec<&str> = variants.iter().map(|(_, t, _)| t.as_deref()).collect::<Option<_>>()?;
    if targets.len() < 2 {
        return None;
    }
    let first = pointer::get(root, targets[0])?.get("properties")?.as_object()?;
    first
        .keys()
        .find(|name| {
            let mut seen = BTreeSet::new();
            targets.iter().all(|t| {
                tag_values_of(root, t, name).is_some_and(|values| values.into_iter().all(|v| seen.insert(v)))
            })
        })
        .cloned()
}

/// What a property the variants of a merged union declare differently becomes.
static STRING_SCHEMA: LazyLock<Value> = LazyLock::new(|| serde_json::json!({ "type": "string" }));
static ANY_SCHEMA: Value = Value::Bool(true);

#[derive(Default, Clone)]
struct ObjectParts<'a> {
    props: BTreeMap<String, Prop<'a>>,
    /// In the order first listed.
    required: Vec<String>,
    additional: Option<(String, &'a Value)>,
    /// A `$ref` or union was skipped because it leads back to a schema being collected: these
    /// parts hold on this path only, so they are not cached.
    cut_short: bool,
}

#[derive(Clone)]
struct Prop<'a> {
    ptr: String,
    schema: &'a Value,
    /// Taken from a union's variants: a property declared outright takes precedence.
    from_union: bool,
}

impl<'a> ObjectParts<'a> {
    /// Adds the parts of a later `allOf` part (or `$ref` target): its declared properties
    /// override, its union-derived ones only fill gaps.
    fn absorb(&mut self, other: &ObjectParts<'a>) {
        for (name, prop) in &other.props {
            if prop.from_union {
                self.props.entry(name.clone()).or_insert_with(|| prop.clone());
            } else {
                self.props.insert(name.clone(), prop.clone());
            }
        }
        for name in &other.required {
            if !self.required.contains(name) {
                self.required.push(name.clone());
            }
        }
        if other.additional.is_some() {
            self.additional.clone_from(&other.additional);
        }
        self.cut_short |= other.cut_short;
    }
}

fn build_enum(values: Vec<String>) -> StringEnum {
    let mut names = Namespace::new();
    let mut variants = Vec::new();
    let mut seen = BTreeSet::new();
    for value in values {
        if seen.insert(value.clone()) {
            variants.push(EnumVariant { name: names.claim(&naming::variant_name(&value)), value });
        }
    }
    let fallback = ["Unknown", "Other", "UnknownValue"]
        .into_iter()
        .find(|n| !names.contains(n))
        .map(str::to_owned)
        .unwrap_or_else(|| names.claim("Unknown"));
    StringEnum { variants, fallback }
}

/// A variant name derived from its type (`String`, `Integer`, the type's name…).
fn variant_label(ty: &Ty, types: &[TypeDef]) -> String {
    match ty {
        Ty::Bool => "Boolean".into(),
        Ty::Int(_) | Ty::UnixTime => "Integer".into(),
        Ty::F64 => "Number".into(),
        Ty::String => "String".into(),
        Ty::Binary => "Binary".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::Any => "Value".into(),
        Ty::Object | Ty::Map(_) => "Object".into(),
        Ty::Vec(inner) => format!("{}List", variant_label(inner, types)),
        Ty::Nullable(inner) => variant_label(inner, types),
        Ty::Named(id) => types[*id].name.clone(),
    }
}

/// The name hint of an array's items: its singular (`Assignees` → `Assignee`), or `…Item` when
/// there is none or a type already has it (GitHub's `assignee` beside `assignees`).
fn item_name(tb: &TypeBuilder<'_>, hint: &str) -> String {
    let single = naming::singular(hint);
    if single == hint { format!("{hint}Item") } else { tb.name_or(single, format!("{hint}Item")) }
}

/// Where the variants' tag property is one enum of all their values (Vonage's `product`,
/// declared once and referenced by each), each variant read from it claims every value, and
/// the first would take them all: such a variant stands for its own schema name instead,
/// OpenAPI's implicit mapping, where that is one of the values. `from_enum`: per variant,
/// whether its values were read from the enum (not given by the mapping or its name).
fn narrow_shared_tags<T>(variants: &mut [(UnionVariant, Option<String>, T)], from_enum: &[bool]) {
    let lists: Vec<Vec<String>> = variants.iter().map(|(v, ..)| v.tags.clone()).collect();
    for (i, (variant, target, _)) in variants.iter_mut().enumerate() {
        let (Some(target), true) = (target, from_enum[i]) else { continue };
        let own = pointer::last_token(target);
        let shared = lists.iter().enumerate().any(|(j, tags)| j != i && *tags == variant.tags);
        if variant.tags.len() > 1 && shared && variant.tags.contains(&own) {
            variant.tags = vec![own];
        }
    }
}

/// The discriminator values a variant declares (`type: {enum: [card]}`): in its own
/// properties, or else in those of the schemas it is made of (`allOf: [$ref: EpisodeBase, …]`,
/// as Spotify's `EpisodeObject`), the property's values possibly behind a `$ref` too.
fn tag_values_of(root: &Value, target: &str, tag: &str) -> Option<Vec<String>> {
    tag_values_in(root, pointer::get(root, target)?, tag, &mut Vec::new())
}

/// `seen`: the references followed so far, each followed once (a schema may extend itself, and
/// two branches of one `allOf` may lead to the same one).
fn tag_values_in<'a>(
    root: &'a Value,
    schema: &'a Value,
    tag: &str,
    seen: &mut Vec<&'a str>,
) -> Option<Vec<String>> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if seen.contains(&reference) || seen.len() > MAX_DEPTH {
            return None;
        }
        seen.push(reference);
        let target = pointer::get(root, &pointer::canonical(reference)?)?;
        return tag_values_in(root, target, tag, seen);
    }
    let own = schema.get("properties").and_then(|p| p.get(tag));
    if let Some(values) = own.and_then(|prop| own_or_referenced(root, prop, string_enum_values)) {
        return (!values.is_empty()).then_some(values);
    }
    schema.get("allOf")?.as_array()?.iter().find_map(|part| tag_values_in(root, part, tag, seen))
}

/// Appends the allowed values of a non-string enum (which maps to a plain primitive) to a doc.
fn with_enum_values(doc: Option<String>, obj: &Map<String, Value>) -> Option<String> {
    let Some(Value::Array(values)) = obj.get("enum") else { return doc };
    if values.is_empty() || string_enum_values(obj).is_some() {
        return doc;
    }
    let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    let note = format!("Allowed values: {}.", list.join(", "));
    Some(match doc {
        Some(d) => format!("{d}\n\n{note}"),
        None => note,
    })
}

pub fn doc_of(obj: &Map<String, Value>) -> Option<String> {
    let text = obj
        .get("description")
        .and_then(Value::as_str)
        .or_else(|| obj.get("title").and_then(Value::as_str))?;
    let text = text.trim();
    (!text.is_empty()).then(|| crate::markdown::rustdoc_text(text))
}

/// A schema's or parameter's first example (see [`first_example`]) where it is a string,
/// number or boolean.
pub(super) fn scalar_example(root: &Value, holder: &Map<String, Value>) -> Option<Value> {
    first_example(root, holder).filter(|e| is_scalar(e)).cloned()
}

/// The first example of a schema or media type object: its `example`, or else the first of its
/// `examples` (a list on 3.1 schemas; on media types a map of example objects, perhaps `$ref`s,
/// whose first by name is taken, as the loaded document keeps its maps sorted).
pub(super) fn first_example<'a>(root: &'a Value, holder: &'a Map<String, Value>) -> Option<&'a Value> {
    if let Some(example) = holder.get("example") {
        return Some(example);
    }
    match holder.get("examples")? {
        Value::Array(list) => list.first(),
        Value::Object(map) => map.values().find_map(|example| {
            let example = match example.get("$ref").and_then(Value::as_str) {
                Some(r) => pointer::get(root, &pointer::canonical(r)?)?,
                None => example,
            };
            example.get("value")
        }),
        _ => None,
    }
}

pub(super) fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// `pick` of a schema itself, or else of the schemas it refers to (see `referenced`).
pub(super) fn own_or_referenced<'a, T>(
    root: &'a Value,
    schema: &'a Value,
    pick: impl Fn(&'a Map<String, Value>) -> Option<T>,
) -> Option<T> {
    schema.as_object().and_then(&pick).or_else(|| referenced(root, schema, pick))
}

/// The first of `pick` over the schemas a property refers to (its `$ref`, or the one `$ref`
/// among its `allOf`/`anyOf`/`oneOf`, as a nullable reference is written, or else its one
/// `allOf` part that is not a constraint alone), for what a property does not say itself:
/// OpenAPI 3.0 ignores siblings of `$ref`, so specs put a description or a default on the
/// referenced schema.
fn referenced<'a, T>(
    root: &'a Value,
    prop: &'a Value,
    pick: impl Fn(&'a Map<String, Value>) -> Option<T>,
) -> Option<T> {
    let mut current = prop;
    // Bounded: a chain of references can be circular.
    for _ in 0..8 {
        let obj = current.as_object()?;
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            current = pointer::get(root, &pointer::canonical(reference)?)?;
            if let Some(found) = current.as_object().and_then(&pick) {
                return Some(found);
            }
            continue;
        }
        let mut refs = ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|key| obj.get(*key).and_then(Value::as_array))
            .flatten()
            .filter(|s| s.get("$ref").is_some());
        match (refs.next(), refs.next()) {
            (Some(reference), None) => current = reference,
            (Some(_), Some(_)) => return None,
            (None, _) => {
                // The one inline `allOf` part that is the value's schema, the others
                // constraining it (`allOf: [{type: string, description: …}, {maxLength: 16}]`).
                let mut typed = obj.get("allOf")?.as_array()?.iter().filter(|p| !is_constraint_only(p));
                current = typed.next().filter(|_| typed.next().is_none())?;
                if let Some(found) = current.as_object().and_then(&pick) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// The smallest integer a schema allows: `minimum`, one more when 3.0's `exclusiveMinimum` is
/// `true`, or the larger of it and one more than 3.1's numeric `exclusiveMinimum`.
pub fn integer_minimum(obj: &Map<String, Value>) -> Option<i64> {
    // The smallest integer at or above (`ceil`), or above (`floor + 1`), a bound.
    let bound = |v: &Value, exclusive: bool| match v.as_i64() {
        Some(whole) => {
            if exclusive {
                whole.checked_add(1)
            } else {
                Some(whole)
            }
        }
        None => v
            .as_f64()
            .filter(|f| f.is_finite() && f.abs() < 9e15)
            .map(|f| if exclusive { f.floor() as i64 + 1 } else { f.ceil() as i64 }),
    };
    let minimum = obj.get("minimum");
    let exclusive = match obj.get("exclusiveMinimum") {
        Some(Value::Bool(true)) => return minimum.and_then(|m| bound(m, true)),
        Some(v) => bound(v, true),
        None => None,
    };
    minimum.and_then(|m| bound(m, false)).max(exclusive)
}

fn has_properties(obj: &Map<String, Value>) -> bool {
    obj.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
}

fn only_ref(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.keys().all(|k| k == "$ref" || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

/// Whether a schema only annotates or constrains a value (`{maxLength: 16}` beside a string in
/// an `allOf`, DigitalOcean's), so that it changes no type.
fn is_constraint_only(v: &Value) -> bool {
    has_only_annotations_and(v, CONSTRAINTS)
}

/// Validation keywords that do not change the Rust type of what they constrain.
const CONSTRAINTS: &[&str] = &[
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

fn is_annotation_only(v: &Value) -> bool {
    has_only_annotations_and(v, &[])
}

/// Whether a schema (`true`, or an object) has no keyword but annotations, extensions and
/// `also`.
fn has_only_annotations_and(v: &Value, also: &[&str]) -> bool {
    match v {
        Value::Object(o) => o
            .keys()
            .all(|k| ANNOTATIONS.contains(&k.as_str()) || also.contains(&k.as_str()) || k.starts_with("x-")),
        Value::Bool(true) => true,
        _ => false,
    }
}

/// The JSON types a schema names (`type: x` or 3.1 `type: [x, "null"]`), without `null`.
fn types_of(obj: &Map<String, Value>) -> Vec<String> {
    match obj.get("type") {
        Some(Value::String(t)) if t != "null" => vec![t.clone()],
        Some(Value::Array(ts)) => {
            let mut out: Vec<String> =
                ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").map(str::to_owned).collect();
            out.dedup();
            out
        }
        _ => Vec::new(),
    }
}

/// Whether a `oneOf`/`anyOf` variant stands for `null`: a null schema, or the bare
/// `{"type": "object", "nullable": true}` beside a single `$ref` that OpenAPI.NET writes for a
/// nullable reference in 3.0 (Microsoft Graph's descriptions have 9,834 of them). Taken as "any
/// object", it would make every such property a union of the type and a JSON map.
fn is_null_variant(variants: &[Value], v: &Value) -> bool {
    let stand_in = v.as_object().is_some_and(|o| {
        o.len() == 2
            && o.get("type").and_then(Value::as_str) == Some("object")
            && o.get("nullable") == Some(&Value::Bool(true))
    });
    is_null_schema(v)
        || (stand_in && variants.len() == 2 && variants.iter().any(|other| other.get("$ref").is_some()))
}

/// A schema that only admits `null`.
fn is_null_schema(v: &Value) -> bool {
    let Some(obj) = v.as_object() else { return false };
    match obj.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
        _ => {
            matches!(obj.get("enum"), Some(Value::Array(vals)) if vals.len() == 1 && vals[0].is_null())
                || matches!(obj.get("const"), Some(Value::Null))
        }
    }
}

/// Whether `null` is an allowed value (3.0 `nullable`, 3.1 type arrays, `null` in enums and
/// unions).
pub fn is_nullable(obj: &Map<String, Value>) -> bool {
    if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        return true;
    }
    if let Some(Value::Array(ts)) = obj.get("type")
        && ts.iter().any(|t| t == "null")
    {
        return true;
    }
    if obj.get("type").and_then(Value::as_str) == Some("null") {
        return true;
    }
    if let Some(Value::Array(vals)) = obj.get("enum")
        && vals.iter().any(Value::is_null)
    {
        return true;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = obj.get(key)
            && items.iter().any(|item| is_null_variant(items, item))
        {
            return true;
        }
    }
    if let Some(Value::Array(parts)) = obj.get("allOf")
        && parts
            .iter()
            .any(|p| is_annotation_only(p) && p.get("nullable").and_then(Value::as_bool) == Some(true))
    {
        return true;
    }
    false
}

/// The values of a string enum (`enum` or 3.1 `const`), without `null`; `None` if the schema is
/// not one or has non-string values.
fn string_enum_values(obj: &Map<String, Value>) -> Option<Vec<String>> {
    let values: Vec<&Value> = match (obj.get("enum"), obj.get("const")) {
        (Some(Value::Array(vals)), _) => vals.iter().filter(|v| !v.is_null()).collect(),
        (_, Some(c)) if !c.is_null() => vec![c],
        _ => return None,
    };
    let declared = types_of(obj);
    if !declared.is_empty() && declared != ["string"] {
        return None;
    }
    values.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// The one value a parameter's schema allows, as the parameter sends it ([`scalar_text`]): an
/// `enum` of one value or 3.1's `const`. `None` for anything else (an `enum` that lists `null`
/// as well allows two values).
pub(super) fn constant_value(obj: &Map<String, Value>) -> Option<String> {
    let value = match (obj.get("enum"), obj.get("const")) {
        (Some(Value::Array(values)), _) if values.len() == 1 => &values[0],
        (None, Some(value)) => value,
        _ => return None,
    };
    scalar_text(value)
}

/// A scalar as a parameter sends it: a string as it is, a number or boolean as JSON writes it;
/// `None` for null, a list or an object.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

/// Calls `f` for every named type a type mentions, at any depth.
pub fn each_named(ty: &Ty, f: &mut impl FnMut(TypeId)) {
    match ty {
        Ty::Named(id) => f(*id),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => each_named(inner, f),
        _ => {}
    }
}

/// The whole words (of `snake_case` names) that end every name: `method` of
/// `create_request_fallback_method` and `service_inbound_method`.
fn common_last_words(names: &[String]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| n.split('_').rev().collect()).collect();
    let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
    let len = (0..shortest).take_while(|&i| split.iter().all(|w| w[i] == split[0][i])).count();
    let mut words: Vec<&str> = split[0][..len].to_vec();
    words.reverse();
    words.join("_")
}

/// Drops the variants of a union that are the union itself (`Item: oneOf: [Item, Other]`, or
/// through an alias): such a variant adds no value the union does not already have, and an
/// untagged one would make decoding recurse forever. A union left with no variant is any value.
pub fn drop_self_variants(types: &mut [TypeDef], warnings: &mut Vec<Diagnostic>) {
    for id in 0..types.len() {
        let TypeKind::Union(u) = &types[id].kind else { continue };
        let is_self = |v: &UnionVariant| *super::resolved(&v.ty, types) == Ty::Named(id);
        if !u.variants.iter().any(is_self) {
            continue;
        }
        let kept: Vec<UnionVariant> = u.variants.iter().filter(|v| !is_self(v)).cloned().collect();
        warnings.push(Diagnostic::new(
            types[id].pointer.clone(),
            "a variant of this union is the union itself; it is dropped",
        ));
        types[id].kind = if kept.is_empty() {
            TypeKind::Alias(Ty::Any)
        } else {
            let TypeKind::Union(u) = &types[id].kind else { continue };
            TypeKind::Union(Union { variants: kept, ..u.clone() })
        };
    }
}

/// Whether a media type is text: `text/*`, JSON, XML and their `+json`/`+xml` kin.
fn is_text_media(media: &str) -> bool {
    let essence = super::media_essence(media);
    essence.starts_with("text/")
        || ["application/json", "application/xml", "application/x-www-form-urlencoded"]
            .contains(&essence.as_str())
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
}

/// Post-processing once every type is built: aliases that would expand forever become
/// newtypes, and fields/variants on a cycle of by-value containment get boxed.
pub fn break_cycles(types: &mut [TypeDef]) {
    // Type aliases are expanded eagerly by rustc, so any cycle among aliases is an error.
    let alias_edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Alias(ty) => {
                let mut out = Vec::new();
                each_named(ty, &mut |id| {
                    if matches!(types[id].kind, TypeKind::Alias(_)) {
                        out.push(id);
                    }
                });
                out
            }
            _ => Vec::new(),
        })
        .collect();
    let scc = strongly_connected(&alias_edges);
    for id in 0..types.len() {
        let cyclic = alias_edges[id].contains(&id) || scc.iter().filter(|&&c| c == scc[id]).count() > 1;
        if cyclic && let TypeKind::Alias(ty) = &types[id].kind {
            types[id].kind = TypeKind::Newtype(ty.clone());
        }
    }
    // By-value containment: a struct field or union variant of a named type (not behind a Vec
    // or map), or an alias/newtype of one.
    let direct = |ty: &Ty| match ty {
        Ty::Named(id) => Some(*id),
        _ => None,
    };
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) | TypeKind::Params(s) => {
                s.fields.iter().filter_map(|f| direct(&f.ty)).collect()
            }
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => direct(ty).into_iter().collect(),
            // Nothing contains a responses enum, so it cannot be on a cycle.
            TypeKind::Enum(_) | TypeKind::Pending | TypeKind::Responses(_) => Vec::new(),
        })
        .collect();
    let scc = strongly_connected(&edges);
    for id in 0..types.len() {
        let same = |target: Option<TypeId>| target.is_some_and(|t| scc[t] == scc[id]);
        match &mut types[id].kind {
            TypeKind::Struct(s) | TypeKind::Params(s) => {
                for f in &mut s.fields {
                    f.boxed = same(direct(&f.ty));
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.boxed = same(direct(&v.ty));
                }
            }
            TypeKind::Newtype(ty) if same(direct(ty)) => {
                // A newtype of itself cannot be represented; it can only be a JSON value.
                *ty = Ty::Any;
            }
            _ => {}
        }
    }
}

/// Tarjan's algorithm, iteratively (specs can have thousands of types); returns the component
/// index of every node.
fn strongly_connected(edges: &[Vec<TypeId>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut next_comp = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            if let Some(&w) = edges[v].get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = next_comp;
                        if w == v {
                            break;
                        }
                    }
                    next_comp += 1;
                }
            }
        }
    }
    comp
}

/// Which types are reachable from `roots` (through any field, variant, item or value).
pub fn reachable(types: &[TypeDef], roots: &[Ty]) -> Vec<bool> {
    let mut seen = vec![false; types.len()];
    let mut stack: Vec<TypeId> = Vec::new();
    for ty in roots {
        each_named(ty, &mut |id| stack.push(id));
    }
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        let mut push = |ty: &Ty| each_named(ty, &mut |i| stack.push(i));
        match &types[id].kind {
            TypeKind::Struct(s) | TypeKind::Params(s) => {
                s.fields.iter().for_each(|f| push(&f.ty));
                if let Additional::Typed { ty, .. } = &s.additional {
                    push(ty);
                }
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| push(&v.ty)),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => push(ty),
            TypeKind::Responses(variants) => {
                for v in variants {
                    if let super::Response::Json(ty) = &v.body {
                        push(ty);
                    }
                }
            }
            TypeKind::Enum(_) | TypeKind::Pending => {}
        }
    }
    seen
}

/// Marks every type reachable from a variant of an untagged union ([`TypeDef::in_untagged`]).
pub fn mark_untagged_variants(types: &mut [TypeDef]) {
    let roots: Vec<Ty> = types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Union(u) if u.tag.is_none() && !u.by_presence() => {
                Some(u.variants.iter().map(|v| v.ty.clone()))
            }
            _ => None,
        })
        .flatten()
        .collect();
    mark_reachable(types, &roots, |t| t.in_untagged = true);
}

/// Marks every type reachable from `roots` (`|t| t.in_request = true`).
pub fn mark_reachable(types: &mut [TypeDef], roots: &[Ty], mark: impl Fn(&mut TypeDef)) {
    let reached = reachable(types, roots);
    for (t, reached) in types.iter_mut().zip(reached) {
        if reached {
            mark(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_last_words_are_whole_words() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            common_last_words(&names(&["create_fallback_method", "service_inbound_method"])),
            "method"
        );
        assert_eq!(
            common_last_words(&names(&["bank_account_holder_type", "create_bank_account_holder_type"])),
            "bank_account_holder_type"
        );
        // `method` and `ethod` are not words of `create_method` in common.
        assert_eq!(common_last_words(&names(&["create_method", "update_ethod"])), "");
        assert_eq!(common_last_words(&names(&["holder_inline_mode", "hook_kind"])), "");
    }

    #[test]
    fn constant_values_are_one_scalar_value() {
        let constant = |v: Value| constant_value(v.as_object().unwrap());
        assert_eq!(
            constant(serde_json::json!({ "enum": ["DescribeInstances"] })).as_deref(),
            Some("DescribeInstances")
        );
        assert_eq!(constant(serde_json::json!({ "const": "2016-11-15" })).as_deref(), Some("2016-11-15"));
        assert_eq!(constant(serde_json::json!({ "type": "integer", "enum": [2] })).as_deref(), Some("2"));
        assert_eq!(constant(serde_json::json!({ "enum": [true] })).as_deref(), Some("true"));
        assert_eq!(constant(serde_json::json!({ "enum": ["a", "b"] })), None);
        assert_eq!(constant(serde_json::json!({ "enum": ["a", null] })), None);
        assert_eq!(constant(serde_json::json!({ "enum": [null] })), None);
        assert_eq!(constant(serde_json::json!({ "enum": [["a"]] })), None);
        assert_eq!(constant(serde_json::json!({ "type": "string" })), None);
    }

    #[test]
    fn integer_minimums_read_both_exclusive_forms() {
        let min = |v: Value| integer_minimum(v.as_object().unwrap());
        assert_eq!(min(serde_json::json!({ "minimum": 1 })), Some(1));
        assert_eq!(min(serde_json::json!({ "minimum": 1.0 })), Some(1));
        assert_eq!(min(serde_json::json!({ "minimum": 0.5 })), Some(1));
        assert_eq!(min(serde_json::json!({ "exclusiveMinimum": 0.5 })), Some(1));
        assert_eq!(min(serde_json::json!({ "minimum": 0.5, "exclusiveMinimum": true })), Some(1));
        assert_eq!(min(serde_json::json!({ "minimum": "1" })), None);
        assert_eq!(min(serde_json::json!({ "minimum": 0, "exclusiveMinimum": true })), Some(1));
        assert_eq!(min(serde_json::json!({ "minimum": 0, "exclusiveMinimum": false })), Some(0));
        assert_eq!(min(serde_json::json!({ "exclusiveMinimum": 0 })), Some(1));
        assert_eq!(min(serde_json::json!({ "minimum": 5, "exclusiveMinimum": 0 })), Some(5));
        assert_eq!(min(serde_json::json!({ "exclusiveMinimum": i64::MAX })), None);
        assert_eq!(min(serde_json::json!({})), None);
    }

    #[test]
    fn tarjan_finds_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }

    #[test]
    fn tarjan_handles_long_chains_without_recursion() {
        let n = 100_000;
        let edges: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] }).collect();
        let c = strongly_connected(&edges);
        assert!(c.iter().all(|&x| x == c[0]));
    }

    #[test]
    fn enum_names_collide_deterministically() {
        let e = build_enum(vec![
            "a-b".into(),
            "a_b".into(),
            "+1".into(),
            "-1".into(),
            "a-b".into(),
            "unknown".into(),
        ]);
        let names: Vec<_> = e.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["AB", "AB2", "Plus1", "Minus1", "Unknown"]);
        assert_eq!(e.fallback, "Other");
    }
}
