//! A usage example in each method's docs: the call with its required arguments built as a user
//! would write them (`CreateCustomer::new("email")`), and what to do with the answer. Each is a
//! `no_run` doc test, so `cargo test --doc` proves it compiles.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ir::{
    Api, BodyEncoding, IntKind, Operation, PathParam, PathSegment, Resource, Response, Ty, TypeId, TypeKind,
};
use crate::naming;
use crate::source;

use super::tokens::resolved;

/// How deep constructors may nest before an example is left out: deeper, it would show more of
/// the types than of the call.
const MAX_DEPTH: usize = 4;

/// A call's example before it is laid out: the `use` lines it needs and its statements (the
/// call, and what is done with the answer), which name the client `client`.
#[derive(Default)]
pub struct Call {
    pub uses: String,
    pub statements: String,
}

impl Call {
    /// The example of `op`'s call, or `None` where an argument cannot be built (a type only
    /// ever read, or one that only contains itself).
    pub fn of(api: &Api, r: &Resource, op: &Operation, krate: &str) -> Option<Call> {
        let mut ex = Example { api, krate, imports: BTreeSet::new(), visiting: Vec::new() };
        let args = ex.arguments(op)?;
        let call = format!("client.{}({})", r.call(&op.fn_name), args.join(", "));
        let statements = ex.statements(op, &call);
        let mut uses = String::new();
        let names: Vec<&str> = ex.imports.iter().map(String::as_str).collect();
        match names.as_slice() {
            [] => {}
            [one] => uses.push_str(&format!("use {krate}::types::{one};\n")),
            many => uses.push_str(&format!("use {krate}::types::{{{}}};\n", many.join(", "))),
        }
        if op.pagination.is_some() || matches!(op.response, Response::Stream(_)) {
            uses.push_str(&format!("use {krate}::runtime::TryStreamExt;\n"));
        }
        Some(Call { uses, statements })
    }

    /// The crate's first example: a list walked, where one takes no argument; else the first
    /// call that reads (a GET without a body); else the first that can be built.
    pub fn first(api: &Api, krate: &str) -> Option<Call> {
        let ops = || api.resources.iter().flat_map(|r| r.operations.iter().map(move |op| (r, op)));
        let no_arguments = |op: &Operation| {
            op.path_params.is_empty()
                && op.body.is_none()
                && (op.params.is_none() || super::resources::optional_params(api, op))
        };
        let list = ops().find(|(_, op)| op.pagination.is_some() && no_arguments(op));
        let read = || ops().filter(|(_, op)| op.method == "GET" && op.body.is_none());
        list.into_iter().chain(read()).chain(ops()).find_map(|(r, op)| Call::of(api, r, op, krate))
    }

    /// A program around the statements, formatted: `head` (a function's signature and its
    /// first statements) opens it, `Ok(())` and a brace close it.
    pub fn program(&self, head: &str) -> Option<String> {
        let file = format!("{}{head}\n{}\nOk(())\n}}\n", self.uses, self.statements);
        Some(prettyplease::unparse(&syn::parse_file(&file).ok()?))
    }
}

/// The example for one method, as Markdown: a heading and a `no_run` Rust block, or `None`
/// where an argument cannot be built.
pub fn method_example(api: &Api, r: &Resource, op: &Operation, krate: &str) -> Option<String> {
    example_text(api, r, op, krate, false)
}

/// [`method_example`], formatted by prettyplease even where its lines fit (`always_format`, to
/// test that they then need no formatting).
fn example_text(api: &Api, r: &Resource, op: &Operation, krate: &str, always_format: bool) -> Option<String> {
    let call = Call::of(api, r, op, krate)?;
    let signature = format!("async fn run(client: &{krate}::Client) -> Result<(), {krate}::Error> {{");
    // Where every line fits (a statement in the function's body is indented by 4), prettyplease
    // would print them as they are, so they are not formatted: that costs more than the rest of
    // a method's generation.
    let fits = call.uses.lines().all(|l| l.len() <= source::MARGIN)
        && call.statements.lines().all(|l| l.len() + 4 <= source::MARGIN);
    let shown = if fits && !always_format {
        format!("{}# {signature}\n{}\n# Ok(())\n# }}\n", call.uses, call.statements)
    } else {
        hide_wrapper(&call.program(&signature)?)
    };
    Some(format!("# Example\n\n```no_run\n{shown}```"))
}

/// The formatted example with the function around its statements hidden (`# `), and those
/// statements unindented.
pub fn hide_wrapper(formatted: &str) -> String {
    let lines: Vec<&str> = formatted.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("async fn")) else {
        return formatted.to_owned();
    };
    // The signature ends at the first line that opens the body (prettyplease may break it).
    let body_start =
        lines[start..].iter().position(|l| l.ends_with('{')).map_or(start + 1, |i| start + i + 1);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let visible = i < start || (i >= body_start && i + 2 < lines.len());
        match (visible, line.strip_prefix("    ")) {
            (true, Some(body)) if i >= body_start => out.push_str(body),
            (true, _) => out.push_str(line),
            (false, _) => {
                out.push_str("# ");
                out.push_str(line.trim_start());
            }
        }
        out.push('\n');
    }
    out
}

/// What a value is for: the name of its field or parameter, and the example the description
/// gives it.
#[derive(Clone, Copy)]
struct Hint<'a> {
    name: &'a str,
    example: Option<&'a Value>,
}

impl<'a> Hint<'a> {
    fn named(name: &'a str) -> Self {
        Hint { name, example: None }
    }

    /// The text of a string: the example where it is one short enough to read in a call, or
    /// else the name.
    fn text(self) -> &'a str {
        text_of(example_str(self.example), self.name)
    }
}

fn example_str(example: Option<&Value>) -> Option<&str> {
    example.and_then(Value::as_str)
}

fn text_of<'a>(example: Option<&'a str>, name: &'a str) -> &'a str {
    example.filter(|e| !e.is_empty() && e.len() <= 48 && !e.contains(['\n', '\r'])).unwrap_or(name)
}

/// Whether an integer literal of this value is one of `kind` (a literal out of range does not
/// compile).
fn int_fits(kind: IntKind, value: i64) -> bool {
    let value = i128::from(value);
    let (min, max): (i128, i128) = match kind {
        IntKind::I8 => (i8::MIN.into(), i8::MAX.into()),
        IntKind::I16 => (i16::MIN.into(), i16::MAX.into()),
        IntKind::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntKind::I64 | IntKind::I128 => (i64::MIN.into(), i64::MAX.into()),
        IntKind::U8 => (0, u8::MAX.into()),
        IntKind::U16 => (0, u16::MAX.into()),
        IntKind::U32 => (0, u32::MAX.into()),
        IntKind::U64 | IntKind::U128 => (0, i64::MAX.into()),
    };
    (min..=max).contains(&value)
}

struct Example<'a> {
    api: &'a Api,
    krate: &'a str,
    /// The types the example names, imported by a `use` line.
    imports: BTreeSet<String>,
    /// The types being built, outermost first: one met again would never end.
    visiting: Vec<TypeId>,
}

impl Example<'_> {
    /// The method's arguments, in its order: path parameters, then the parameters, then the body.
    fn arguments(&mut self, op: &Operation) -> Option<Vec<String>> {
        let mut args = Vec::new();
        let mut seen = BTreeSet::new();
        for seg in &op.segments {
            if let PathSegment::Param(i) = seg
                && seen.insert(*i)
            {
                args.push(self.path_argument(&op.path_params[*i])?);
            }
        }
        if let Some(id) = op.params {
            args.push(if super::resources::optional_params(self.api, op) {
                "None".to_owned()
            } else {
                self.named(id, Hint::named("params"), 0)?
            });
        }
        if let Some(body) = &op.body {
            args.push(match body.encoding {
                _ if super::resources::free_multipart(self.api, op) => {
                    format!("{}::runtime::Multipart::new()", self.krate)
                }
                _ if super::resources::optional_body(self.api, op) => "None".to_owned(),
                BodyEncoding::Json
                | BodyEncoding::JsonLines
                | BodyEncoding::Form
                | BodyEncoding::Multipart => self.value(&body.ty, Hint::named("body"), false, 0)?,
                BodyEncoding::Bytes => "b\"contents\".to_vec()".to_owned(),
                BodyEncoding::Text => source::lit("text"),
            });
        }
        Some(args)
    }

    /// A path parameter as the method takes it (see `resources::path_argument`).
    fn path_argument(&mut self, p: &PathParam) -> Option<String> {
        let hint = Hint { name: &p.json_name, example: p.example.as_ref() };
        Some(match resolved(&p.ty, &self.api.types) {
            Ty::String => source::lit(hint.text()),
            Ty::Named(_) => format!("&{}", self.value(&p.ty, hint, false, 0)?),
            Ty::Vec(item) if matches!(resolved(item, &self.api.types), Ty::String) => {
                format!("&[{}]", source::lit(hint.text()))
            }
            Ty::Vec(item) => format!("&[{}]", self.value(item, hint, false, 0)?),
            _ => self.value(&p.ty, hint, false, 0)?,
        })
    }

    /// The statements that make the call and use its answer.
    fn statements(&self, op: &Operation, call: &str) -> String {
        let print = |name: &str| format!("println!(\"{{{name}:?}}\");");
        if let Some(p) = &op.pagination {
            let item = self.binding(&p.item, "item", "items");
            return format!(
                "let mut items = {call}.into_stream();\nwhile let Some({item}) = items.try_next().await? {{\n    {}\n}}",
                print(&item)
            );
        }
        match &op.response {
            Response::Empty => format!("{call}.await?;"),
            Response::Stream(stream) => {
                let item = match &stream.item {
                    Some(item) => self.binding(item, "event", "stream"),
                    None => "event".to_owned(),
                };
                format!(
                    "let mut stream = {call}.await?;\nwhile let Some({item}) = stream.try_next().await? {{\n    {}\n}}",
                    print(&item)
                )
            }
            response => {
                let name = match response {
                    Response::Json(ty) => self.binding(ty, "response", ""),
                    Response::Text => "text".to_owned(),
                    Response::Bytes => "bytes".to_owned(),
                    _ => "response".to_owned(),
                };
                format!("let {name} = {call}.await?;\n{}", print(&name))
            }
        }
    }

    /// A local's name for a value of `ty`: its type's, in snake case (`customer`), or `fallback`;
    /// never `taken`, nor a name that would need to be raw.
    fn binding(&self, ty: &Ty, fallback: &str, taken: &str) -> String {
        let name = match ty {
            Ty::Named(id) => naming::field_name(&self.api.types[*id].name),
            _ => return fallback.to_owned(),
        };
        if name.starts_with("r#") || name.ends_with('_') || name == taken || name == "client" {
            fallback.to_owned()
        } else {
            name
        }
    }

    /// An expression of type `ty` (`into`: where an `impl Into<…>` is taken, so a literal does),
    /// with the description's example where it has one of that type.
    fn value(&mut self, ty: &Ty, hint: Hint<'_>, into: bool, depth: usize) -> Option<String> {
        let krate = self.krate;
        let example = hint.example;
        Some(match ty {
            Ty::Bool => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
            Ty::Int(kind) => {
                example.and_then(Value::as_i64).filter(|&v| int_fits(*kind, v)).unwrap_or(1).to_string()
            }
            Ty::F64 => {
                format!("{:?}", example.and_then(Value::as_f64).filter(|v| v.is_finite()).unwrap_or(1.0))
            }
            Ty::String | Ty::Binary if into => source::lit(hint.text()),
            Ty::String => format!("{}.to_owned()", source::lit(hint.text())),
            Ty::Binary => format!("{krate}::runtime::Binary::from({})", source::lit(hint.text())),
            Ty::DateTime => "\"2024-01-15T10:30:00Z\".parse().unwrap()".to_owned(),
            Ty::Date => "\"2024-01-15\".parse().unwrap()".to_owned(),
            Ty::Uuid => "\"67e55044-10b1-426f-9247-bb680e5fe0c8\".parse().unwrap()".to_owned(),
            Ty::UnixTime => format!("{krate}::runtime::UnixTime(1_705_314_600)"),
            Ty::Any | Ty::Object | Ty::Map(_) => "Default::default()".to_owned(),
            Ty::Vec(item) => match self.value(item, hint, false, depth + 1) {
                Some(item) => format!("vec![{item}]"),
                None => "Vec::new()".to_owned(),
            },
            Ty::Nullable(inner) => format!("Some({})", self.value(inner, hint, false, depth)?),
            Ty::Named(id) => self.named(*id, hint, depth)?,
        })
    }

    /// A value of a named type: its constructor with its required fields, an enum's first
    /// value, a union's first variant that can be built.
    fn named(&mut self, id: TypeId, hint: Hint<'_>, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH || self.visiting.contains(&id) {
            return None;
        }
        self.visiting.push(id);
        let value = self.constructed(id, hint, depth);
        self.visiting.pop();
        value
    }

    /// [`named`](Self::named) once the type is known not to be on the way to itself.
    fn constructed(&mut self, id: TypeId, hint: Hint<'_>, depth: usize) -> Option<String> {
        let api = self.api;
        let t = &api.types[id];
        let name = source::name(&t.name);
        let value = match &t.kind {
            TypeKind::Alias(inner) => self.value(inner, hint, false, depth),
            TypeKind::Newtype(inner) => {
                self.value(inner, hint, false, depth + 1).map(|v| format!("{name}({v})"))
            }
            // The example's value, or else the first.
            TypeKind::Enum(e) => e
                .variants
                .iter()
                .find(|v| example_str(hint.example) == Some(v.value.as_str()))
                .or(e.variants.first())
                .map(|v| format!("{name}::{}", source::name(&v.name))),
            TypeKind::Struct(s) | TypeKind::Params(s) => {
                let args = super::types::constructor_args(api, t, s)?;
                let mut values = Vec::new();
                for (f, optional) in args {
                    values.push(if optional {
                        "None".to_owned()
                    } else {
                        let into = !f.boxed && super::tokens::into_param(&f.ty, &api.types).is_some();
                        let hint = Hint { name: &f.json_name, example: f.example.as_ref() };
                        self.value(&f.ty, hint, into, depth + 1)?
                    });
                }
                Some(format!("{name}::new({})", values.join(", ")))
            }
            TypeKind::Union(u) => u.variants.iter().find_map(|v| {
                let value = self.value(&v.ty, hint, false, depth + 1)?;
                let value = if v.boxed { format!("Box::new({value})") } else { value };
                Some(format!("{name}::{}({value})", source::name(&v.name)))
            }),
            TypeKind::Responses(_) | TypeKind::Pending => None,
        };
        if value.is_some() && !matches!(t.kind, TypeKind::Alias(_)) {
            self.imports.insert(name);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn api(yaml: &str) -> Api {
        let spec = crate::load::load(yaml).unwrap();
        crate::ir::lower(&spec, &Config::new("demo")).unwrap()
    }

    fn example(api: &Api, operation_id: &str) -> Option<String> {
        let (r, op) = api
            .resources
            .iter()
            .find_map(|r| Some((r, r.operations.iter().find(|op| op.operation_id == operation_id)?)))
            .unwrap();
        method_example(api, r, op, "demo")
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Demo, version: "1"}
paths:
  /customers/{customer_id}/notes:
    post:
      operationId: createNote
      tags: [notes]
      parameters:
        - {name: customer_id, in: path, required: true, schema: {type: string}, example: cus_123}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text, kind, tags, at, minutes, priority]
              properties:
                text: {type: string, example: Call back on Monday}
                kind: {type: string, enum: [call, email], example: email}
                minutes: {type: integer, format: int32, example: 15}
                priority: {type: integer, format: int32, example: 99999999999}
                tags: {type: array, items: {type: string}}
                at: {type: string, format: date-time}
                pinned: {type: boolean}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}
  /nodes:
    post:
      operationId: createNode
      tags: [nodes]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}
      responses: {'204': {description: done}}
components:
  schemas:
    Note:
      type: object
      properties: {id: {type: string}}
    Node:
      type: object
      required: [child]
      properties: {child: {$ref: '#/components/schemas/Node'}}
"#;

    /// A call with its required arguments built as a caller writes them: the examples of the
    /// path parameter, a string, an enum and an integer (not one too large for its type), a
    /// list of one item, a parsed time; optional fields left out, the answer bound by its
    /// type's name.
    #[test]
    fn builds_the_required_arguments_and_uses_the_answer() {
        let api = api(SPEC);
        let text = example(&api, "createNote").unwrap();
        let expected = r#"# Example

```no_run
use demo::types::{CreateNoteRequest, CreateNoteRequestKind};
# async fn run(client: &demo::Client) -> Result<(), demo::Error> {
let note = client
    .notes()
    .create(
        "cus_123",
        CreateNoteRequest::new(
            "Call back on Monday",
            CreateNoteRequestKind::Email,
            vec!["tags".to_owned()],
            "2024-01-15T10:30:00Z".parse().unwrap(),
            15,
            1,
        ),
    )
    .await?;
println!("{note:?}");
# Ok(())
# }
```"#;
        assert_eq!(text, expected);
    }

    /// A type that requires a value of itself cannot be built, so its method has no example
    /// (rather than one that does not compile).
    #[test]
    fn leaves_out_an_argument_that_only_contains_itself() {
        assert_eq!(example(&api(SPEC), "createNode"), None);
    }

    /// Examples whose lines fit are written as prettyplease prints them, on the test specs and
    /// Atlas (whose examples are the bulk of those the compile test and CI compile).
    #[test]
    fn examples_written_unformatted_are_what_prettyplease_prints() {
        let specs_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
        let mut paths: Vec<_> = std::fs::read_dir(&specs_dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.push(specs_dir.join("../../../openapi/atlas.yaml"));
        let (mut written, mut long) = (0, 0);
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let api = api(&text);
            for r in &api.resources {
                for op in &r.operations {
                    let Some(fast) = example_text(&api, r, op, "demo", false) else { continue };
                    let slow = example_text(&api, r, op, "demo", true).unwrap();
                    assert_eq!(fast, slow, "{}: {}", path.display(), op.operation_id);
                    written += 1;
                    long += usize::from(fast.lines().any(|l| l.len() + 4 > source::MARGIN));
                }
            }
        }
        assert!(written > 150, "{written} examples");
        // Most are written unformatted, or the fast path would be gone while this still passed.
        assert!(long < written / 3, "{long} of {written} examples have lines too long to be written");
    }

    #[test]
    fn hides_a_signature_broken_over_lines() {
        let formatted = "use a::B;\nasync fn run(\n    client: &a::Client,\n) -> Result<(), a::Error> {\n    let x = client.b().await?;\n    Ok(())\n}\n";
        assert_eq!(
            hide_wrapper(formatted),
            "use a::B;\n# async fn run(\n# client: &a::Client,\n# ) -> Result<(), a::Error> {\nlet x = client.b().await?;\n# Ok(())\n# }\n"
        );
    }

    #[test]
    fn long_or_multi_line_examples_give_way_to_the_name() {
        assert_eq!(text_of(Some("cus_123"), "id"), "cus_123");
        assert_eq!(text_of(Some("two\nlines"), "id"), "id");
        assert_eq!(text_of(Some(&"x".repeat(49)), "id"), "id");
        assert_eq!(text_of(Some(""), "id"), "id");
        assert_eq!(text_of(None, "id"), "id");
    }
}
