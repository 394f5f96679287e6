//! A usage example in each method's docs: the call with its required arguments built as a user
//! would write them (`CreateCustomer::new("email")`), or with the description's example of the
//! body where it gives one (`CreateCustomer::new("jane@example.com").name("Jane Doe")`), and
//! what to do with the answer. Each is a `no_run` doc test, so `cargo test --doc` proves it
//! compiles.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::ir::{
    Api, BodyEncoding, Field, IntKind, Operation, PathParam, PathSegment, Resource, Response, Ty, TypeId,
    TypeKind, resolved_struct,
};
use crate::naming;
use crate::source;

use super::tokens::resolved;

/// How deep constructors may nest before an example is left out: deeper, it would show more of
/// the types than of the call.
const MAX_DEPTH: usize = 4;

/// At most this many items of a list (one, of objects) or entries of a map, setters of one
/// value and setters in all are taken from the spec's example of a body: enough to show how
/// each is written, not a page of them (an example nested deep would otherwise multiply them).
const MAX_ITEMS: usize = 3;
const MAX_SETTERS: usize = 8;
const MAX_ALL_SETTERS: usize = 16;

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
        let mut ex = Example {
            api,
            krate,
            imports: BTreeSet::new(),
            visiting: Vec::new(),
            setters_left: MAX_ALL_SETTERS,
        };
        let args = ex.arguments(op)?;
        let method = Expr::call(&source::name(&op.fn_name), args);
        let call: Vec<Expr> = if r.flat {
            vec![Expr::atom("client"), method]
        } else {
            vec![Expr::atom("client"), Expr::atom(format!("{}()", r.name)), method]
        };
        let statements = ex.statements(op, &call);
        let names: Vec<&str> = ex.imports.iter().map(String::as_str).collect();
        let mut uses = use_types(krate, &names);
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

    /// A program around the statements: `signature` (a function's, with any attributes) opens
    /// it, then the statements of `before` (the client's creation) and the call's, and `Ok(())`
    /// and a brace close it.
    pub fn program(&self, signature: &str, before: &str) -> Option<String> {
        self.laid_out(signature, before, Layout { signature_shown: true, always_format: false })
    }

    /// [`program`](Self::program) as a doc test shows it: the function around the statements
    /// hidden (`# `), its signature on one line, and the statements unindented.
    pub fn hidden_program(&self, signature: &str, before: &str) -> Option<String> {
        let layout = Layout { signature_shown: false, always_format: false };
        Some(hide_wrapper(&self.laid_out(signature, before, layout)?, signature))
    }

    fn laid_out(&self, signature: &str, before: &str, layout: Layout) -> Option<String> {
        let body = || before.lines().chain(self.statements.lines()).chain(["Ok(())"]);
        // The statements are laid out already (see `chain`); where every line fits (a statement
        // in the function's body is indented by 4), they are written as they are, and only
        // otherwise formatted by prettyplease, which costs more than the rest of a method's
        // generation. A hidden signature's layout does not matter.
        let signature_lines = signature.lines().filter(|_| layout.signature_shown);
        let fits = self.uses.lines().chain(signature_lines).all(|l| l.len() <= source::MARGIN)
            && body().all(|l| l.len() + BODY_INDENT <= source::MARGIN);
        if fits && !layout.always_format {
            let mut out = format!("{}{signature}\n", self.uses);
            for line in body() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
            out.push_str("}\n");
            return Some(out);
        }
        let file = format!("{}{signature}\n{before}\n{}\nOk(())\n}}\n", self.uses, self.statements);
        Some(prettyplease::unparse(&syn::parse_file(&file).ok()?))
    }
}

/// How [`Call::laid_out`] writes a program.
#[derive(Clone, Copy)]
struct Layout {
    /// The signature is shown, so its lines must fit too.
    signature_shown: bool,
    /// Formatted by prettyplease even where its lines fit, to test that path too.
    always_format: bool,
}

/// The example for one method, as Markdown: a heading and a `no_run` Rust block, or `None`
/// where an argument cannot be built.
pub fn method_example(api: &Api, r: &Resource, op: &Operation, krate: &str) -> Option<String> {
    example_text(api, r, op, krate, false)
}

/// [`method_example`], formatted by prettyplease even where its lines fit (`always_format`, to
/// test that path too).
fn example_text(api: &Api, r: &Resource, op: &Operation, krate: &str, always_format: bool) -> Option<String> {
    let call = Call::of(api, r, op, krate)?;
    let signature = format!("async fn run(client: &{krate}::Client) -> Result<(), {krate}::Error> {{");
    let program = call.laid_out(&signature, "", Layout { signature_shown: false, always_format })?;
    Some(format!("# Example\n\n```no_run\n{}```", hide_wrapper(&program, &signature)))
}

/// A laid-out program with the function around its statements hidden (`# `): its `signature`
/// on one line, however it was broken, and the closing `Ok(())` and brace; the statements
/// unindented.
fn hide_wrapper(program: &str, signature: &str) -> String {
    let lines: Vec<&str> = program.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("async fn")) else {
        return program.to_owned();
    };
    // The signature ends at the first line that opens the body (prettyplease may break it).
    let body_start =
        lines[start..].iter().position(|l| l.ends_with('{')).map_or(start + 1, |i| start + i + 1);
    let mut out = String::new();
    for line in &lines[..start] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("# {signature}\n"));
    for line in &lines[body_start..lines.len().saturating_sub(2).max(body_start)] {
        out.push_str(line.strip_prefix("    ").unwrap_or(line));
        out.push('\n');
    }
    out.push_str("# Ok(())\n# }\n");
    out
}

/// The `use` line of the types an example names, laid out as prettyplease lays it out: on one
/// line where it fits, else the names on a line of their own, else one per line.
fn use_types(krate: &str, names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("use {krate}::types::{one};\n"),
        many => {
            let list = many.join(", ");
            let one_line = format!("use {krate}::types::{{{list}}};\n");
            if one_line.len() - 1 <= source::MARGIN {
                one_line
            } else if format!("    {list},").len() <= source::MARGIN {
                format!("use {krate}::types::{{\n    {list},\n}};\n")
            } else {
                let lines: String = many.iter().map(|name| format!("    {name},\n")).collect();
                format!("use {krate}::types::{{\n{lines}}};\n")
            }
        }
    }
}

/// A statement of a method chain (`client.customers().list(None)`), laid out in a function's
/// body as prettyplease mostly lays one out: on one line where it fits, or else one `.` part per
/// line.
fn chain(prefix: &str, parts: &[Expr]) -> String {
    let flat: Vec<String> = parts.iter().map(Expr::flat).collect();
    let one_line = format!("{prefix}{};", flat.join("."));
    if one_line.len() + BODY_INDENT <= source::MARGIN {
        return one_line;
    }
    let mut out = format!("{prefix}{}", flat[0]);
    for part in &parts[1..] {
        out.push_str("\n    .");
        // Each part on a line of its own, indented by 4 in the body's 4.
        part.write(BODY_INDENT + 4, BODY_INDENT + 5, 0, &mut out);
    }
    out.push(';');
    out
}

/// The indentation of a statement in a function's body.
const BODY_INDENT: usize = 4;

/// The macro that writes a value of any JSON.
const JSON_MACRO: &str = "serde_json::json!";

/// An expression of an example, kept as a tree so that it is laid out as prettyplease lays out
/// calls: on one line where it fits, or else each argument on a line of its own.
#[derive(Clone)]
enum Expr {
    Atom(String),
    /// `head(args)`, or with brackets (`vec![…]`, `&[…]`).
    Call {
        head: String,
        brackets: bool,
        args: Vec<Expr>,
    },
    /// `base.call().call()`: a value built by chained setters.
    Chain {
        base: Box<Expr>,
        calls: Vec<Expr>,
    },
    /// `serde_json::json!(value)` and a `tail` (`.as_object()…`): a value of any JSON.
    Json {
        value: Value,
        tail: &'static str,
    },
}

impl Expr {
    fn atom(text: impl Into<String>) -> Self {
        Expr::Atom(text.into())
    }

    fn call(head: &str, args: Vec<Expr>) -> Self {
        Expr::Call { head: head.to_owned(), brackets: false, args }
    }

    fn list(head: &str, items: Vec<Expr>) -> Self {
        Expr::Call { head: head.to_owned(), brackets: true, args: items }
    }

    /// `self.calls…`, or `self` where there are none.
    fn chained(self, calls: Vec<Expr>) -> Self {
        if calls.is_empty() { self } else { Expr::Chain { base: Box::new(self), calls } }
    }

    /// `&` and the like before the expression.
    fn prefixed(self, prefix: &str) -> Self {
        match self {
            Expr::Atom(text) => Expr::Atom(format!("{prefix}{text}")),
            Expr::Call { head, brackets, args } => {
                Expr::Call { head: format!("{prefix}{head}"), brackets, args }
            }
            Expr::Chain { base, calls } => Expr::Chain { base: Box::new(base.prefixed(prefix)), calls },
            json @ Expr::Json { .. } => Expr::Atom(format!("{prefix}{}", json.flat())),
        }
    }

    fn delimiters(brackets: bool) -> (char, char) {
        if brackets { ('[', ']') } else { ('(', ')') }
    }

    /// On one line.
    fn flat(&self) -> String {
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Call { head, brackets, args } => {
                let (open, close) = Self::delimiters(*brackets);
                let args: Vec<String> = args.iter().map(Expr::flat).collect();
                format!("{head}{open}{}{close}", args.join(", "))
            }
            Expr::Chain { base, calls } => {
                calls.iter().fold(base.flat(), |out, call| format!("{out}.{}", call.flat()))
            }
            Expr::Json { value, tail } => format!("{JSON_MACRO}({}){tail}", json_on_one_line(value)),
        }
    }

    /// Writes the expression starting at column `column` of a line indented by `indent`, with
    /// `trail` characters after it on that line: on one line where it fits, or else with its
    /// arguments one per line, indented by 4 more, each with a comma, and a chain's calls one
    /// per line, indented by 4 more.
    fn write(&self, indent: usize, column: usize, trail: usize, out: &mut String) {
        let flat = self.flat();
        let fits = column + flat.len() + trail <= source::MARGIN;
        match self {
            Expr::Chain { base, calls } if !fits => {
                // The base's arguments, where they break, go 4 deeper than its calls.
                base.write(indent + 4, column, 0, out);
                for (i, call) in calls.iter().enumerate() {
                    new_line(out, indent + 4 - BODY_INDENT);
                    out.push('.');
                    let trail = if i + 1 == calls.len() { trail } else { 0 };
                    call.write(indent + 4, indent + 5, trail, out);
                }
            }
            // The JSON pretty-printed, each level 4 deeper, as a caller would write it.
            Expr::Json { value: value @ (Value::Object(_) | Value::Array(_)), tail } if !fits => {
                out.push_str(JSON_MACRO);
                out.push('(');
                json_pretty(value, indent - BODY_INDENT, out);
                out.push(')');
                out.push_str(tail);
            }
            Expr::Call { head, brackets, args } if !fits && !args.is_empty() => {
                let (open, close) = Self::delimiters(*brackets);
                out.push_str(head);
                out.push(open);
                for arg in args {
                    new_line(out, indent + 4 - BODY_INDENT);
                    arg.write(indent + 4, indent + 4, 1, out);
                    out.push(',');
                }
                new_line(out, indent - BODY_INDENT);
                out.push(close);
            }
            _ => out.push_str(&flat),
        }
    }
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

    /// A field's: the example of the whole value, where it gives the field one, or else the
    /// field's own.
    fn of_field(f: &'a Field, given: Option<&'a serde_json::Map<String, Value>>) -> Self {
        Hint { name: &f.json_name, example: given.and_then(|o| o.get(&f.json_name)).or(f.example.as_ref()) }
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
    example.filter(|e| !e.is_empty() && e.len() <= MAX_STRING && !e.contains(['\n', '\r'])).unwrap_or(name)
}

/// Whether an example sets a field: not with `null`, nor with an empty list or object, whose
/// setter would show nothing.
fn is_set(example: &Value) -> bool {
    match example {
        Value::Null => false,
        Value::Array(list) => !list.is_empty(),
        Value::Object(entries) => !entries.is_empty(),
        _ => true,
    }
}

/// The longest string an example writes, in a call or in `json!` (a longer one fits no line).
const MAX_STRING: usize = 48;

/// Whether a character may stand in a string literal as serde_json writes it: not a control
/// character but a newline, return or tab (JSON's `\u0001` and `\b` are no Rust escapes), nor
/// one that changes the direction of text (Rust refuses those in literals).
fn json_char(c: char) -> bool {
    (!c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// JSON on one line as people write it in `json!`: a space after each `:` and `,`.
fn json_on_one_line(value: &Value) -> String {
    match value {
        Value::Array(items) => {
            format!("[{}]", items.iter().map(json_on_one_line).collect::<Vec<_>>().join(", "))
        }
        Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{}: {}", Value::from(key.as_str()), json_on_one_line(value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        scalar => json_scalar(scalar),
    }
}

/// JSON over lines, each level 4 deeper than the line it opens on (which is indented by
/// `indent`).
fn json_pretty(value: &Value, indent: usize, out: &mut String) {
    let (open, close, entries): (char, char, Vec<(Option<&String>, &Value)>) = match value {
        Value::Array(items) if !items.is_empty() => ('[', ']', items.iter().map(|v| (None, v)).collect()),
        Value::Object(entries) if !entries.is_empty() => {
            ('{', '}', entries.iter().map(|(k, v)| (Some(k), v)).collect())
        }
        value => return out.push_str(&json_on_one_line(value)),
    };
    out.push(open);
    for (i, (key, value)) in entries.iter().enumerate() {
        new_line(out, indent + 4);
        if let Some(key) = key {
            out.push_str(&format!("{}: ", Value::from(key.as_str())));
        }
        json_pretty(value, indent + 4, out);
        if i + 1 < entries.len() {
            out.push(',');
        }
    }
    new_line(out, indent);
    out.push(close);
}

/// Starts a line of `out` indented by `indent`.
fn new_line(out: &mut String, indent: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A JSON scalar as a token `json!` takes: an integer out of `i32`'s range with its type, since
/// an unsuffixed literal is an `i32` there and would not compile.
fn json_scalar(value: &Value) -> String {
    match value {
        Value::Number(n) if n.as_i64().is_some_and(|v| i32::try_from(v).is_err()) => format!("{n}_i64"),
        Value::Number(n) if n.as_i64().is_none() && n.as_u64().is_some() => format!("{n}_u64"),
        scalar => scalar.to_string(),
    }
}

/// Whether `json!` can take a value as serde_json writes it: its strings are short (a long one
/// fits no line) and hold no character a Rust string literal cannot (see [`json_char`]); and it
/// is small, both to read and because `json!` recurses once per token it reads (a large one
/// passes the compiler's recursion limit).
fn json_literal(value: &Value) -> bool {
    /// Keys and values a `json!` example may have.
    const MAX_NODES: usize = 32;
    fn walk(value: &Value, nodes: &mut usize) -> bool {
        let plain = |text: &str| text.chars().count() <= MAX_STRING && text.chars().all(json_char);
        *nodes += 1;
        *nodes <= MAX_NODES
            && match value {
                Value::String(text) => plain(text),
                Value::Array(items) => items.iter().all(|item| walk(item, nodes)),
                Value::Object(entries) => entries.iter().all(|(key, value)| {
                    *nodes += 1;
                    plain(key) && walk(value, nodes)
                }),
                _ => true,
            }
    }
    walk(value, &mut 0)
}

/// Whether a text is a date-time as RFC 3339 writes it (what `parse` reads): a date, `T`, a
/// time to the second with any fraction, and `Z` or an offset.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else { return false };
    let (time, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => return false,
    };
    let (clock, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let offset_ok = matches!(offset, "Z" | "z") || shaped(&offset[1..], "##:##");
    is_date(date)
        && shaped(clock, "##:##:##")
        && clock[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && clock[3..5].parse::<u8>().is_ok_and(|m| m < 60)
        && clock[6..].parse::<u8>().is_ok_and(|s| s <= 60)
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && offset_ok
}

/// Whether a text is a calendar date, `YYYY-MM-DD`, that exists.
fn is_date(text: &str) -> bool {
    if !shaped(text, "####-##-##") {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    (1..=days).contains(&day)
}

/// Whether a text is a UUID in its hyphenated form.
fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether `text` has the shape of `pattern`, where `#` is a digit and anything else itself.
fn shaped(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(t, p)| if p == b'#' { t.is_ascii_digit() } else { t == p })
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
    /// How many more optional fields the example may set (see [`MAX_ALL_SETTERS`]).
    setters_left: usize,
}

impl Example<'_> {
    /// The method's arguments, in its order: path parameters, then the parameters, then the body.
    fn arguments(&mut self, op: &Operation) -> Option<Vec<Expr>> {
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
                Expr::atom("None")
            } else {
                self.named(id, Hint::named("params"), 0)?
            });
        }
        if let Some(body) = &op.body {
            args.push(match body.encoding {
                _ if super::resources::free_multipart(self.api, op) => {
                    Expr::atom(format!("{}::runtime::Multipart::new()", self.krate))
                }
                _ if super::resources::optional_body(self.api, op) => Expr::atom("None"),
                BodyEncoding::Json
                | BodyEncoding::JsonLines
                | BodyEncoding::Form
                | BodyEncoding::Multipart => {
                    let hint = Hint { name: "body", example: body.example.as_ref() };
                    self.value(&body.ty, hint, false, 0)?
                }
                BodyEncoding::Bytes => Expr::atom("b\"contents\".to_vec()"),
                BodyEncoding::Text => Expr::atom(source::lit("text")),
            });
        }
        Some(args)
    }

    /// A path parameter as the method takes it (see `resources::path_argument`).
    fn path_argument(&mut self, p: &PathParam) -> Option<Expr> {
        let hint = Hint { name: &p.json_name, example: p.example.as_ref() };
        Some(match resolved(&p.ty, &self.api.types) {
            Ty::String => Expr::atom(source::lit(hint.text())),
            Ty::Named(_) => self.value(&p.ty, hint, false, 0)?.prefixed("&"),
            Ty::Vec(item) if matches!(resolved(item, &self.api.types), Ty::String) => {
                Expr::list("&", vec![Expr::atom(source::lit(hint.text()))])
            }
            Ty::Vec(item) => Expr::list("&", vec![self.value(item, hint, false, 0)?]),
            _ => self.value(&p.ty, hint, false, 0)?,
        })
    }

    /// The statements that make the call and use its answer.
    fn statements(&self, op: &Operation, call: &[Expr]) -> String {
        let print = |name: &str| format!("println!(\"{{{name}:?}}\");");
        let then = |last: &str| call.iter().cloned().chain([Expr::atom(last)]).collect::<Vec<_>>();
        if let Some(p) = &op.pagination {
            let item = self.binding(&p.item, "item", "items");
            return format!(
                "{}\nwhile let Some({item}) = items.try_next().await? {{\n    {}\n}}",
                chain("let mut items = ", &then("into_stream()")),
                print(&item)
            );
        }
        let awaited = then("await?");
        match &op.response {
            Response::Empty => chain("", &awaited),
            Response::Stream(stream) => {
                let item = match &stream.item {
                    Some(item) => self.binding(item, "event", "stream"),
                    None => "event".to_owned(),
                };
                format!(
                    "{}\nwhile let Some({item}) = stream.try_next().await? {{\n    {}\n}}",
                    chain("let mut stream = ", &awaited),
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
                format!("{}\n{}", chain(&format!("let {name} = "), &awaited), print(&name))
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
    fn value(&mut self, ty: &Ty, hint: Hint<'_>, into: bool, depth: usize) -> Option<Expr> {
        let krate = self.krate;
        let example = hint.example;
        let atom = match ty {
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
            Ty::DateTime | Ty::Date | Ty::Uuid => {
                let (valid, fallback): (fn(&str) -> bool, _) = match ty {
                    Ty::DateTime => (is_date_time, "2024-01-15T10:30:00Z"),
                    Ty::Date => (is_date, "2024-01-15"),
                    _ => (is_uuid, "67e55044-10b1-426f-9247-bb680e5fe0c8"),
                };
                let text = example_str(example).filter(|e| valid(e)).unwrap_or(fallback);
                format!("{}.parse().unwrap()", source::lit(text))
            }
            Ty::UnixTime => match example.and_then(Value::as_i64) {
                Some(seconds) => format!("{krate}::runtime::UnixTime({seconds})"),
                None => format!("{krate}::runtime::UnixTime(1_705_314_600)"),
            },
            Ty::Map(values) if example.is_some_and(is_set) => {
                match self.attempt(|ex| ex.pairs(values, hint, false, depth)) {
                    Some(pairs) => return Some(pairs.chained(vec![Expr::atom("into()")])),
                    None => "Default::default()".to_owned(),
                }
            }
            Ty::Any if example.is_some_and(json_literal) => {
                return Some(Expr::Json { value: example?.clone(), tail: "" });
            }
            Ty::Object if example.is_some_and(|e| e.is_object() && json_literal(e)) => {
                let tail = ".as_object().cloned().unwrap_or_default()";
                return Some(Expr::Json { value: example?.clone(), tail });
            }
            Ty::Any | Ty::Object | Ty::Map(_) => "Default::default()".to_owned(),
            Ty::Vec(item) => {
                let items = self.attempt(|ex| ex.items(item, hint, depth));
                return Some(items.unwrap_or_else(|| Expr::atom("Vec::new()")));
            }
            Ty::Nullable(inner) => {
                return Some(Expr::call("Some", vec![self.value(inner, hint, false, depth)?]));
            }
            Ty::Named(id) => return self.named(*id, hint, depth),
        };
        Some(Expr::Atom(atom))
    }

    /// Whether an example is a value of `ty`, at its top (where it is not, a setter would show
    /// a made-up value).
    fn is_of(&self, ty: &Ty, example: &Value) -> bool {
        match resolved(ty, &self.api.types) {
            Ty::Bool => example.is_boolean(),
            Ty::Int(kind) => example.as_i64().is_some_and(|v| int_fits(*kind, v)),
            Ty::F64 | Ty::UnixTime => example.is_number(),
            Ty::String | Ty::Binary | Ty::DateTime | Ty::Date | Ty::Uuid => example.is_string(),
            Ty::Vec(_) => example.is_array(),
            Ty::Map(_) | Ty::Object => example.is_object(),
            Ty::Any => true,
            Ty::Nullable(inner) => self.is_of(inner, example),
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Newtype(inner) => self.is_of(inner, example),
                TypeKind::Enum(_) => example.is_string(),
                TypeKind::Struct(_) | TypeKind::Params(_) => example.is_object(),
                _ => true,
            },
        }
    }

    /// How well an example fits a union's variant: not at all where it is not of its type;
    /// best where it has the variant's tag; else by how many of its properties the variant
    /// declares.
    fn fit(&self, u: &crate::ir::Union, v: &crate::ir::UnionVariant, example: &Value) -> usize {
        if !self.is_of(&v.ty, example) {
            return 0;
        }
        let tagged = u
            .tag
            .as_ref()
            .and_then(|tag| example.get(tag)?.as_str())
            .is_some_and(|t| v.tags.iter().any(|v| v == t));
        let declared = match (resolved_struct(&v.ty, &self.api.types), example.as_object()) {
            (Some((_, s)), Some(entries)) => {
                entries.keys().filter(|key| s.fields.iter().any(|f| &f.json_name == *key)).count()
            }
            _ => 0,
        };
        1 + declared + if tagged { 1_000 } else { 0 }
    }

    /// A list of items of type `item`: those of the example where it is a list (a few, or one
    /// where they are objects, whose setters would repeat), or else one.
    fn items(&mut self, item: &Ty, hint: Hint<'_>, depth: usize) -> Option<Expr> {
        let examples = hint.example.and_then(Value::as_array).filter(|list| !list.is_empty());
        let objects = resolved_struct(item, &self.api.types).is_some();
        let items = match examples {
            Some(list) => list
                .iter()
                .take(if objects { 1 } else { MAX_ITEMS })
                .map(|e| self.value(item, Hint { name: hint.name, example: Some(e) }, false, depth + 1))
                .collect::<Option<Vec<_>>>()?,
            None => vec![self.value(item, hint, false, depth + 1)?],
        };
        Some(Expr::list("vec!", items))
    }

    /// The entries of the example's object as an array of pairs of a key and a value of type
    /// `values`: as a map's setter takes them (`setter`: keys and values as `impl Into<…>`,
    /// so literals do where the values' type allows), or else as the map's own entries.
    fn pairs(&mut self, values: &Ty, hint: Hint<'_>, setter: bool, depth: usize) -> Option<Expr> {
        let entries = hint.example?.as_object()?;
        // Values of any JSON the example cannot give would be `Default::default()`, which shows
        // nothing.
        if matches!(resolved(values, &self.api.types), Ty::Any | Ty::Object)
            && !entries.values().all(json_literal)
        {
            return None;
        }
        let into = setter && super::tokens::into_param(values, &self.api.types).is_some();
        let mut pairs = Vec::new();
        for (key, example) in entries.iter().take(MAX_ITEMS) {
            let key = if setter { source::lit(key) } else { format!("{}.to_owned()", source::lit(key)) };
            let value =
                self.value(values, Hint { name: hint.name, example: Some(example) }, into, depth + 1)?;
            pairs.push(Expr::call("", vec![Expr::atom(key), value]));
        }
        Some(Expr::list("", pairs))
    }

    /// `build`, with the imports and setters it took given back where it builds nothing, as the
    /// example then goes on without it (an empty list, another variant).
    fn attempt(&mut self, build: impl FnOnce(&mut Self) -> Option<Expr>) -> Option<Expr> {
        let (imports, setters_left) = (self.imports.clone(), self.setters_left);
        let built = build(self);
        if built.is_none() {
            (self.imports, self.setters_left) = (imports, setters_left);
        }
        built
    }

    /// A value of a named type: its constructor with its required fields (and the optional
    /// ones its example sets), the enum value the example names or else the first, the union
    /// variant the example fits best that can be built.
    fn named(&mut self, id: TypeId, hint: Hint<'_>, depth: usize) -> Option<Expr> {
        if depth > MAX_DEPTH || self.visiting.contains(&id) {
            return None;
        }
        self.visiting.push(id);
        let value = self.constructed(id, hint, depth);
        self.visiting.pop();
        value
    }

    /// [`named`](Self::named) once the type is known not to be on the way to itself.
    fn constructed(&mut self, id: TypeId, hint: Hint<'_>, depth: usize) -> Option<Expr> {
        let api = self.api;
        let t = &api.types[id];
        let name = source::name(&t.name);
        let value = match &t.kind {
            TypeKind::Alias(inner) => self.value(inner, hint, false, depth),
            TypeKind::Newtype(inner) => {
                self.value(inner, hint, false, depth + 1).map(|v| Expr::call(&name, vec![v]))
            }
            // The example's value, or else the first.
            TypeKind::Enum(e) => e
                .variants
                .iter()
                .find(|v| example_str(hint.example) == Some(v.value.as_str()))
                .or(e.variants.first())
                .map(|v| Expr::atom(format!("{name}::{}", source::name(&v.name)))),
            TypeKind::Struct(s) | TypeKind::Params(s) => {
                let builder = super::types::builder(api, t, s)?;
                // The example of the whole value, where it is an object, gives the fields theirs.
                let given = hint.example.and_then(Value::as_object);
                let mut values = Vec::new();
                for (f, optional) in builder.args {
                    values.push(if optional {
                        Expr::atom("None")
                    } else {
                        let into = !f.boxed && super::tokens::into_param(&f.ty, &api.types).is_some();
                        self.value(&f.ty, Hint::of_field(f, given), into, depth + 1)?
                    });
                }
                // The optional fields the example sets, each with its setter.
                let mut calls = Vec::new();
                for setter in builder.setters {
                    let f = setter.field;
                    let Some(example) = given.and_then(|o| o.get(&f.json_name)) else { continue };
                    if calls.len() == MAX_SETTERS
                        || self.setters_left == 0
                        || f.read_only
                        || !is_set(example)
                        || !self.is_of(&f.ty, example)
                        || (matches!(resolved(&f.ty, &api.types), Ty::Any | Ty::Object)
                            && !json_literal(example))
                    {
                        continue;
                    }
                    let hint = Hint { name: &f.json_name, example: Some(example) };
                    // Taken before the value is built, whose own setters come after it.
                    self.setters_left -= 1;
                    let value = match (setter.pairs, resolved(&f.ty, &api.types)) {
                        (true, Ty::Map(values)) => self.attempt(|ex| ex.pairs(values, hint, true, depth + 1)),
                        _ => self.attempt(|ex| ex.value(&f.ty, hint, setter.into, depth + 1)),
                    };
                    match value {
                        Some(value) => calls.push(Expr::call(&source::name(&f.setter), vec![value])),
                        None => self.setters_left += 1,
                    }
                }
                Some(Expr::call(&format!("{name}::new"), values).chained(calls))
            }
            // The first variant that can be built, those the example fits best first.
            TypeKind::Union(u) => {
                let mut variants: Vec<_> = u.variants.iter().collect();
                if let Some(example) = hint.example {
                    variants.sort_by_key(|v| std::cmp::Reverse(self.fit(u, v, example)));
                }
                variants.into_iter().find_map(|v| {
                    let value = self.attempt(|ex| ex.value(&v.ty, hint, false, depth + 1))?;
                    let value = if v.boxed { Expr::call("Box::new", vec![value]) } else { value };
                    Some(Expr::call(&format!("{name}::{}", source::name(&v.name)), vec![value]))
                })
            }
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
                color: {type: string, example: red}
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
  /forests:
    post:
      operationId: createForest
      tags: [forests]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Forest'}}}
      responses: {'204': {description: done}}
  /orders:
    post:
      operationId: createOrder
      tags: [orders]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OrderInput'}
            examples:
              first:
                value:
                  amount: 4990
                  currency: usd
                  customer: {email: jane@example.com, name: Jane Doe}
                  items: [{sku: a-1, quantity: 2}, {sku: b-2}]
                  labels: [x, y, z, w]
                  metadata: {cart: c_1}
                  note: null
                  tags: []
                  quantity: two
                  unknown: 1
                  context: {ip: 203.0.113.7, tries: [1, 2]}
                  extra: {bell: "\a"}
      responses: {'204': {description: done}}
components:
  schemas:
    OrderInput:
      type: object
      required: [amount, currency]
      properties:
        amount: {type: integer, format: int64}
        currency: {type: string}
        quantity: {type: integer, format: int32}
        customer: {type: object, properties: {email: {type: string}, name: {type: string}}}
        items:
          type: array
          items:
            type: object
            required: [sku]
            properties: {sku: {type: string}, quantity: {type: integer, format: int32}}
        metadata: {type: object, additionalProperties: {type: string}}
        note: {type: string, nullable: true}
        tags: {type: array, items: {type: string}}
        labels: {type: array, items: {type: string}}
        context: {}
        extra: {type: object}
    Note:
      type: object
      properties: {id: {type: string}}
    Node:
      type: object
      required: [child]
      properties: {child: {$ref: '#/components/schemas/Node'}}
    Forest:
      type: object
      required: [trees]
      properties: {trees: {type: array, items: {$ref: '#/components/schemas/Tree'}}}
    Tree:
      type: object
      required: [shape, parent]
      properties:
        shape: {type: string, enum: [oak, elm]}
        parent: {$ref: '#/components/schemas/Tree'}
"#;

    /// A call with its required arguments built as a caller writes them: the examples of the
    /// path parameter, a string, an enum and an integer (not one too large for its type), a
    /// list of one item, a parsed time; optional fields left out (even with an example of their
    /// own: only an example of the whole body sets them), the answer bound by its type's name.
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

    /// The spec's example of a whole body gives the required arguments their values and sets
    /// the optional fields it has, nested values, lists (their first few items, the first
    /// object), maps and values of any JSON (with `json!`) included; a `null`, an empty list,
    /// a value of another type, a string `json!` cannot take and an unknown property set
    /// nothing.
    #[test]
    fn builds_the_body_from_the_example_of_it() {
        let api = api(SPEC);
        let text = example(&api, "createOrder").unwrap();
        let expected = r#"# Example

```no_run
use demo::types::{OrderInput, OrderInputCustomer, OrderInputItem};
# async fn run(client: &demo::Client) -> Result<(), demo::Error> {
client
    .orders()
    .create(
        OrderInput::new(4990, "usd")
            .context(serde_json::json!({"ip": "203.0.113.7", "tries": [1, 2]}))
            .customer(
                OrderInputCustomer::new().email("jane@example.com").name("Jane Doe"),
            )
            .items(vec![OrderInputItem::new("a-1").quantity(2)])
            .labels(vec!["x".to_owned(), "y".to_owned(), "z".to_owned()])
            .metadata([("cart", "c_1")]),
    )
    .await?;
# Ok(())
# }
```"#;
        assert_eq!(text, expected);
    }

    /// However large the example, a value sets at most 8 of its fields and the example 16 in
    /// all, and a list of objects shows one.
    #[test]
    fn a_large_example_is_shown_in_part() {
        let fields: Vec<String> = (0..10).map(|i| format!("f{i}")).collect();
        let properties =
            fields.iter().map(|f| format!("{f}: {{type: string}}")).collect::<Vec<_>>().join(", ");
        let values = fields.iter().map(|f| format!("{f}: v")).collect::<Vec<_>>().join(", ");
        let spec = format!(
            r#"
openapi: 3.0.3
info: {{title: Demo, version: "1"}}
paths:
  /things:
    post:
      operationId: createThing
      tags: [things]
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Thing'}}
            example: {{{values}, parts: [{{{values}}}, {{{values}}}, {{{values}}}, {{{values}}}]}}
      responses: {{'204': {{description: done}}}}
components:
  schemas:
    Thing:
      type: object
      required: [parts]
      properties: {{{properties}, parts: {{type: array, items: {{$ref: '#/components/schemas/Part'}}}}}}
    Part:
      type: object
      properties: {{{properties}}}
"#
        );
        let api = api(&spec);
        let text = example(&api, "createThing").unwrap();
        // The part's 8 (`new`'s argument is built first), then Thing's own 8.
        assert_eq!(text.matches(".f").count(), 16, "{text}");
        assert_eq!(text.matches("Part::new()").count(), 1, "{text}");
        assert!(text.contains("\n            )\n            .f0(\"v\")"), "{text}");
    }

    /// Of a union, the example builds the variant it fits: the one its tag names, else the
    /// one that declares its properties.
    #[test]
    fn a_union_is_built_as_the_variant_the_example_fits() {
        let spec = r#"
openapi: 3.0.3
info: {title: Demo, version: "1"}
paths:
  /payments:
    post:
      operationId: createPayment
      tags: [payments]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Bank'}]
              discriminator: {propertyName: kind, mapping: {card: '#/components/schemas/Card', bank: '#/components/schemas/Bank'}}
            example: {kind: bank, number: '4242'}
      responses: {'204': {description: done}}
  /refunds:
    post:
      operationId: createRefund
      tags: [refunds]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf: [{$ref: '#/components/schemas/Whole'}, {$ref: '#/components/schemas/Part'}]
            example: {amount: 5}
      responses: {'204': {description: done}}
components:
  schemas:
    Card:
      type: object
      required: [kind]
      properties: {kind: {type: string}, number: {type: string}}
    Bank:
      type: object
      required: [kind]
      properties: {kind: {type: string}, number: {type: string}}
    Whole:
      type: object
      properties: {reason: {type: string}}
    Part:
      type: object
      properties: {amount: {type: integer}}
"#;
        let api = api(spec);
        let payment = example(&api, "createPayment").unwrap();
        assert!(
            payment.contains(".create(CreatePaymentRequest::Bank(Bank::new(\"bank\").number(\"4242\")))"),
            "{payment}"
        );
        let refund = example(&api, "createRefund").unwrap();
        assert!(refund.contains("CreateRefundRequest::Part(Part::new().amount(5))"), "{refund}");
    }

    /// A type that requires a value of itself cannot be built, so its method has no example
    /// (rather than one that does not compile); a list of such is empty, and what was imported
    /// for the item that could not be built is not.
    #[test]
    fn leaves_out_an_argument_that_only_contains_itself() {
        let api = api(SPEC);
        assert_eq!(example(&api, "createNode"), None);
        let forest = example(&api, "createForest").unwrap();
        assert!(forest.contains("\nuse demo::types::Forest;\n"), "{forest}");
        assert!(forest.contains("client.forests().create(Forest::new(Vec::new())).await?;"), "{forest}");
    }

    /// Every example of the test specs and Atlas is Rust (its hidden lines included), laid out
    /// in lines that fit, without prettyplease (which lays out the few with a part too long for
    /// any line); the same with prettyplease forced, which lays out calls much the same way.
    #[test]
    fn examples_are_rust_laid_out_in_lines_that_fit() {
        let specs_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
        let mut paths: Vec<_> = std::fs::read_dir(&specs_dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.push(specs_dir.join("../../../openapi/atlas.yaml"));
        let code = |example: &str| -> String {
            let block = example.split("```no_run\n").nth(1).unwrap().trim_end_matches("```");
            block.lines().map(|l| l.strip_prefix("# ").unwrap_or(l)).collect::<Vec<_>>().join("\n")
        };
        let (mut written, mut broken) = (0, 0);
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let api = api(&text);
            for r in &api.resources {
                for op in &r.operations {
                    let Some(fast) = example_text(&api, r, op, "demo", false) else { continue };
                    let at = format!("{}: {}", path.display(), op.operation_id);
                    assert!(syn::parse_file(&code(&fast)).is_ok(), "{at}:\n{fast}");
                    // The `use` lines stand at the top level; the statements in a function.
                    let (uses, body) = fast.split_once("\n# async fn").unwrap();
                    let mut statements = body.lines().skip(1).filter(|l| !l.starts_with("# "));
                    assert!(uses.lines().all(|l| l.len() <= source::MARGIN), "{at}:\n{fast}");
                    assert!(statements.all(|l| l.len() + BODY_INDENT <= source::MARGIN), "{at}:\n{fast}");
                    let formatted = example_text(&api, r, op, "demo", true).unwrap();
                    assert!(syn::parse_file(&code(&formatted)).is_ok(), "{at}:\n{formatted}");
                    written += 1;
                    broken += usize::from(fast.lines().any(|l| l.starts_with("    .")));
                }
            }
        }
        assert!(written > 150, "{written} examples");
        // Long calls are broken over lines, as in Atlas's creates.
        assert!(broken > 20, "{broken} of {written} examples are broken over lines");
    }

    #[test]
    fn hides_a_signature_broken_over_lines_as_one_line() {
        let formatted = "use a::B;\nasync fn run(\n    client: &a::Client,\n) -> Result<(), a::Error> {\n    let x = client.b().await?;\n    Ok(())\n}\n";
        let signature = "async fn run(client: &a::Client) -> Result<(), a::Error> {";
        assert_eq!(
            hide_wrapper(formatted, signature),
            "use a::B;\n# async fn run(client: &a::Client) -> Result<(), a::Error> {\nlet x = client.b().await?;\n# Ok(())\n# }\n"
        );
    }

    /// Times and UUIDs are taken from examples only where `parse` reads them.
    #[test]
    fn only_examples_that_parse_are_times_and_uuids() {
        for good in ["2024-01-15T10:30:00Z", "2024-02-29T23:59:59.123+05:30", "2024-01-15t10:30:00-08:00"] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "2024-01-15",
            "2024-01-15T10:30Z",
            "2024-01-15T10:30:00",
            "2024-01-15T25:00:00Z",
            "2024-01-15T10:30:00.Z",
            "2024-01-15T10:30:00+0530",
            "2023-02-29T10:30:00Z",
            "2024-01-15T10:30:00ZZ",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
        assert!(is_date("2000-02-29") && !is_date("1900-02-29") && !is_date("2024-04-31"));
        assert!(!is_date("2024-1-15") && !is_date("2024-00-10"));
        assert!(is_uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(
            !is_uuid("67e5504410b1426f9247bb680e5fe0c8") && !is_uuid("67e55044-10b1-426f-9247-bb680e5fe0cg")
        );
    }

    /// `json!` takes small values whose strings have no control character Rust cannot write.
    #[test]
    fn json_examples_are_small_and_writable() {
        let object = |n: usize| Value::Object((0..n).map(|i| (format!("k{i}"), Value::from(i))).collect());
        assert!(json_literal(&serde_json::json!({"a": "line\nbreak", "b": [1, null, true]})));
        assert!(!json_literal(&serde_json::json!({"bell": "\u{7}"})));
        assert!(!json_literal(&serde_json::json!({"\u{8}": 1})));
        assert!(json_literal(&object(15)) && !json_literal(&object(16)));
        assert_eq!(
            json_on_one_line(&serde_json::json!({"a": [1, "x"], "b": {}})),
            r#"{"a": [1, "x"], "b": {}}"#
        );
        // `json!` reads an unsuffixed integer as an `i32`.
        let numbers =
            serde_json::json!([2147483647, -2147483648, 1705314600000_i64, -3000000000_i64, u64::MAX, 1.5]);
        assert_eq!(
            json_on_one_line(&numbers),
            "[2147483647, -2147483648, 1705314600000_i64, -3000000000_i64, 18446744073709551615_u64, 1.5]"
        );
        assert!(
            !json_literal(&serde_json::json!("x\u{202e}y")) && !json_literal(&Value::from("x".repeat(49)))
        );
        let mut pretty = String::new();
        json_pretty(&serde_json::json!({"a": [1, {"b": null}], "c": {}}), 4, &mut pretty);
        let expected = "{\n        \"a\": [\n            1,\n            {\n                \"b\": null\n            }\n        ],\n        \"c\": {}\n    }";
        assert_eq!(pretty, expected);
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
