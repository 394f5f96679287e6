//! No panic on any input, deterministic output, bounded resources.
//!
//! - synthetic schemas (proptest): every combination of keywords the generator reads, with
//!   references between them, cycles and hostile names;
//! - limits: deep nesting, `$ref` cycles, huge objects;
//! - determinism: shuffled key order in the input and separate processes give identical bytes.

use std::collections::BTreeMap;
use std::path::Path;

use codegen::Config;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn config() -> Config {
    Config::new("robust")
}

/// Generation must return (not panic); every diagnostic must point into the spec.
fn generate_checked(text: &str) -> Result<BTreeMap<String, String>, String> {
    match codegen::generate(text, "spec", &config()) {
        Ok(krate) => {
            for w in &krate.warnings {
                assert!(w.pointer.starts_with('#'), "warning without a pointer: {w}");
            }
            Ok(krate.files)
        }
        Err(d) => {
            for e in &d.0 {
                assert!(e.pointer.starts_with('#'), "error without a pointer: {e}");
            }
            Err(d.to_string())
        }
    }
}

// ---------------------------------------------------------------- synthetic schemas

const NAMES: &[&str] = &[
    "id", "type", "self", "", "a-b", "a_b", "Result", "1x", "ü", "$ref", "new", "extra", "fooBar", "foo_bar",
    "50%", "a~b", "a/b",
];
/// Component names, and how a `$ref` spells each: characters that must be escaped in a JSON
/// pointer (`~`, `/`) or in a URI fragment (`%`, space) are in play.
const COMPONENTS: [(&str, &str); 6] =
    [("S0", "S0"), ("S%1", "S%251"), ("S~2", "S~02"), ("S/3", "S~13"), ("S 4", "S%204"), ("S5", "S5")];
const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "uint64",
    "int128",
    "date-time",
    "date",
    "uuid",
    "binary",
    "byte",
    "unix-time",
    "weird",
];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES).prop_map(str::to_owned)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(
            &["string", "integer", "number", "boolean", "null", "object", "array", "bogus"][..]
        )
        .prop_map(|t| json!({ "type": t })),
        (prop::sample::select(&["string", "integer"][..]), prop::sample::select(FORMATS))
            .prop_map(|(t, f)| json!({ "type": t, "format": f })),
        prop::collection::vec(
            prop_oneof![name().prop_map(Value::from), Just(Value::Null), Just(json!(1))],
            0..4
        )
        .prop_map(|values| json!({ "enum": values })),
        prop::sample::select(&COMPONENTS[..])
            .prop_map(|(_, token)| json!({ "$ref": format!("#/components/schemas/{token}") })),
        Just(json!({ "$ref": "#/components/schemas/Missing" })),
        Just(json!({ "$ref": "other.yaml#/Foo" })),
        Just(json!({})),
        Just(Value::Bool(true)),
        Just(json!("not a schema")),
        name().prop_map(|n| json!({ "const": n })),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            (prop::collection::btree_map(name(), inner.clone(), 0..5), prop::collection::vec(name(), 0..3), any::<bool>(), prop_oneof![Just(Value::Bool(false)), Just(Value::Bool(true)), inner.clone()])
                .prop_map(|(props, required, nullable, additional)| {
                    json!({ "type": "object", "properties": props, "required": required, "nullable": nullable, "additionalProperties": additional })
                }),
            inner.clone().prop_map(|items| json!({ "type": "array", "items": items })),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|parts| json!({ "allOf": parts })),
            (prop::collection::vec(inner.clone(), 0..4), any::<bool>()).prop_map(|(parts, tagged)| {
                let mut s = json!({ "oneOf": parts });
                if tagged {
                    s["discriminator"] = json!({ "propertyName": "type", "mapping": { "a": "#/components/schemas/S0" } });
                }
                s
            }),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|parts| json!({ "anyOf": parts })),
            inner.clone().prop_map(|s| json!({ "allOf": [s], "nullable": true, "description": "*/ \"# {}" })),
            Just(json!({ "type": ["string", "integer", "null"] })),
        ]
    })
}

fn spec_of(schemas: Vec<Value>, version: &str) -> String {
    let components: Map<String, Value> =
        COMPONENTS.iter().zip(&schemas).map(|((name, _), s)| ((*name).to_owned(), s.clone())).collect();
    let first = schemas.first().cloned().unwrap_or(json!({}));
    let doc = json!({
        "openapi": version,
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/things/{id}": {
                "post": {
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": first },
                        { "name": "q", "in": "query", "schema": schemas.get(1).cloned().unwrap_or(json!({})) }
                    ],
                    "requestBody": { "content": { "application/json": { "schema": schemas.get(2).cloned().unwrap_or(json!({})) } } },
                    "responses": {
                        "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/S0" } } } },
                        "201": { "description": "other", "content": { "application/json": { "schema": schemas.get(3).cloned().unwrap_or(json!({})) } } }
                    }
                }
            }
        },
        "components": { "schemas": components }
    });
    doc.to_string()
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig { max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn synthetic_schemas_never_panic(schemas in prop::collection::vec(schema(), 1..6), v31 in any::<bool>()) {
        let text = spec_of(schemas, if v31 { "3.1.0" } else { "3.0.3" });
        let _ = generate_checked(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = generate_checked(&text);
        let _ = generate_checked(&format!("openapi: 3.0.0\n{text}"));
    }
}

#[test]
fn refs_to_names_that_need_escaping_resolve() {
    // Each component refers to the next one, so every escaped spelling must resolve.
    let schemas: Vec<Value> = (1..COMPONENTS.len())
        .map(|next| {
            let token = COMPONENTS[next].1;
            json!({ "type": "object", "properties": { "next": { "$ref": format!("#/components/schemas/{token}") } } })
        })
        .chain([json!({ "type": "string" })])
        .collect();
    let krate = codegen::generate(&spec_of(schemas, "3.0.3"), "spec", &config()).unwrap();
    assert!(krate.warnings.is_empty(), "{:?}", krate.warnings);
    let types = &krate.files["src/types.rs"];
    for (name, _) in &COMPONENTS[..COMPONENTS.len() - 1] {
        // Named by the component (characters that cannot be in an identifier dropped), not inlined.
        let ident: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
        assert!(types.contains(&format!("pub struct {ident} ")), "no struct {ident} for {name:?}:\n{types}");
    }
}

#[test]
fn other_http_auth_schemes_are_sent_under_their_own_name() {
    // Seen in APIs.guru: `payone-hmac-sha256`, `oauth`, `negotiate`, `mutual`; and none at all.
    let spec = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "securitySchemes": {
            "hmac": { "type": "http", "scheme": "payone-hmac-sha256" },
            "spaced": { "type": "http", "scheme": "hmac sha256" },
            "bare": { "type": "http" },
        } },
    });
    let krate = codegen::generate(&spec.to_string(), "spec", &config()).unwrap();
    let auth = &krate.files["src/auth.rs"];
    let hmac = "kind: crate::runtime::SchemeKind::Http {\n        scheme: \"payone-hmac-sha256\",\n    },";
    assert!(auth.contains(hmac), "{auth}");
    let warnings: Vec<String> = krate.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "#/components/securitySchemes/bare: HTTP auth scheme without a `scheme`; the credential is sent as a bearer token",
            "#/components/securitySchemes/spaced: HTTP auth scheme `hmac sha256` is not a valid scheme name; the credential is sent as a bearer token",
        ],
    );
}

#[test]
fn an_invalid_style_is_reported_once_and_only_where_it_is_used() {
    let param = |style: &str| json!({ "name": "ids", "in": "query", "style": style, "schema": { "type": "array", "items": { "type": "integer" } } });
    let spec = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/a": { "parameters": [param("matrix")], "get": { "parameters": [param("pipeDelimited")], "responses": { "204": { "description": "ok" } } } },
            "/b": { "get": { "parameters": [param("label")], "responses": { "204": { "description": "ok" } } } },
        },
    });
    let krate = codegen::generate(&spec.to_string(), "spec", &config()).unwrap();
    let warnings: Vec<String> = krate.warnings.iter().map(|w| w.to_string()).collect();
    // `/a`'s path-level `matrix` is replaced by the operation's own declaration: not reported.
    assert_eq!(
        warnings,
        [
            r#"#/paths/~1b/get/parameters/0/style: style "label" is not defined for query parameters; using "form""#
        ]
    );
    let resources: String = krate
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("src/resources/"))
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(resources.contains("crate::runtime::ParamStyle::PipeDelimited"), "{resources}");
}

// ---------------------------------------------------------------- limits

fn nested_items(depth: usize) -> Value {
    let mut s = json!({ "type": "string" });
    for _ in 0..depth {
        s = json!({ "type": "array", "items": s });
    }
    s
}

#[test]
fn deep_inline_nesting_is_an_error_with_a_pointer_not_a_crash() {
    let text = spec_of(vec![nested_items(100)], "3.0.3");
    // Too deep for a type: the schema degrades with a warning naming where.
    let krate = codegen::generate(&text, "spec", &config()).unwrap();
    assert!(
        krate
            .warnings
            .iter()
            .any(|w| w.message.contains("deeper than") && w.pointer.starts_with("#/components/schemas/S0")),
        "{:?}",
        krate.warnings
    );
    // Strict mode turns that into an error.
    let mut strict = config();
    strict.strict = true;
    let err = codegen::generate(&text, "spec", &strict).unwrap_err();
    assert!(err.to_string().contains("deeper than"), "{err}");
}

#[test]
fn json_nested_beyond_the_parser_limit_is_an_error() {
    let text = format!("{{\"openapi\":\"3.0.0\",\"x\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    let err = codegen::generate(&text, "spec", &config()).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn ref_cycles_terminate() {
    let text = json!({
        "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {},
        "components": { "schemas": {
            "A": { "$ref": "#/components/schemas/B" },
            "B": { "$ref": "#/components/schemas/A" },
            "C": { "$ref": "#/components/schemas/C" },
            "D": { "allOf": [{ "$ref": "#/components/schemas/D" }, { "properties": { "x": { "type": "string" } } }] },
            "E": { "type": "array", "items": { "$ref": "#/components/schemas/E" } },
            "F": { "oneOf": [{ "$ref": "#/components/schemas/F" }, { "type": "string" }] }
        } }
    })
    .to_string();
    let files = generate_checked(&text).unwrap();
    assert!(files["src/types.rs"].contains("pub struct E("), "{}", files["src/types.rs"]);
}

/// Thirty levels of schemas that each reach the next one twice (through `allOf`, or through a
/// union beside `properties`): 2^30 paths, one schema each. Every level's property arrives, and
/// generation finishes (on a thread, so that a regression fails here instead of hanging).
#[test]
fn shared_composition_parts_are_collected_once_not_once_per_path() {
    const LEVELS: usize = 30;
    for key in ["allOf", "oneOf"] {
        let mut schemas = Map::new();
        for k in 0..LEVELS {
            let next = json!({ "$ref": format!("#/components/schemas/S{}", k + 1) });
            let own = json!({ format!("p{k}"): { "type": "string" } });
            let schema = match key {
                "allOf" => json!({ "allOf": [next, next, { "properties": own }] }),
                _ => json!({ "properties": own, "oneOf": [next, next] }),
            };
            schemas.insert(format!("S{k}"), schema);
        }
        schemas.insert(format!("S{LEVELS}"), json!({ "properties": { "leaf": { "type": "string" } } }));
        let text = json!({
            "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {},
            "components": { "schemas": schemas }
        })
        .to_string();
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(generate_checked(&text)));
        let files = receive
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{key}: generation did not finish in 60 s"))
            .unwrap();
        let types = &files["src/types.rs"];
        let s0 =
            &types[types.find("pub struct S0 ").unwrap_or_else(|| panic!("{key}: no struct S0\n{types}"))..];
        let s0 = &s0[..s0.find("\n}").unwrap()];
        for field in (0..LEVELS).map(|k| format!("p{k}")).chain(["leaf".to_owned()]) {
            assert!(s0.contains(&format!("pub {field}: Option<String>")), "{key}: S0 lacks {field}:\n{s0}");
        }
    }
}

/// A discriminated union whose variants extend themselves and each other through `allOf`,
/// several times over: looking for a variant's tag values follows each reference once, so
/// generation finishes (on a thread, so that a regression fails here instead of hanging).
#[test]
fn tag_values_behind_circular_all_of_are_looked_for_once() {
    let cat = json!({ "$ref": "#/components/schemas/Cat" });
    let dog = json!({ "$ref": "#/components/schemas/Dog" });
    let text = json!({
        "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {},
        "components": { "schemas": {
            "Pet": { "oneOf": [cat, dog], "discriminator": { "propertyName": "kind" } },
            "Cat": { "allOf": [cat, dog, cat, dog, { "properties": { "lives": { "type": "integer" } } }] },
            "Dog": { "allOf": [dog, cat, dog, cat, { "properties": { "kind": { "type": "string", "enum": ["dog"] } } }] }
        } }
    })
    .to_string();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(generate_checked(&text)));
    let files = receive
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("generation did not finish in 60 s"))
        .unwrap();
    // Dog's tag is its enum; Cat reaches Dog's through its `allOf`.
    assert!(files["src/types.rs"].contains(r#"Some("dog") =>"#), "{}", files["src/types.rs"]);
}

#[test]
fn ten_thousand_properties() {
    let props: Map<String, Value> =
        (0..10_000).map(|i| (format!("p{i}"), json!({ "type": "integer" }))).collect();
    let text = spec_of(vec![json!({ "type": "object", "properties": props })], "3.0.3");
    let files = generate_checked(&text).unwrap();
    assert!(files["src/types.rs"].contains("pub p9999: Option<i64>"));
}

// ---------------------------------------------------------------- determinism

/// Writes JSON with every object's keys in a pseudo-random order (arrays keep theirs).
fn shuffled_json(v: &Value, seed: &mut u64, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                entries.swap(i, (*seed % (i as u64 + 1)) as usize);
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                shuffled_json(v, seed, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                shuffled_json(item, seed, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

#[test]
fn shuffled_key_order_gives_identical_output() {
    for spec in [
        "openapi/atlas.yaml",
        "corpus/progenitor-nexus.json",
        "corpus/spotify.yaml",
        "codegen/tests/specs/unions.yaml",
        "codegen/tests/specs/names.yaml",
    ] {
        let text = std::fs::read_to_string(repo(spec)).unwrap();
        let value = codegen::load::load(&text).unwrap().root;
        let expected = codegen::generate(&text, spec, &config()).unwrap().files;
        for seed in [1u64, 0x9E37_79B9_7F4A_7C15] {
            let mut shuffled = String::new();
            shuffled_json(&value, &mut seed.clone(), &mut shuffled);
            assert_ne!(shuffled, value.to_string(), "{spec}: the shuffle changed nothing");
            let actual = codegen::generate(&shuffled, spec, &config()).unwrap().files;
            assert!(actual == expected, "{spec}: output depends on key order (seed {seed})");
        }
    }
}

#[test]
fn separate_processes_give_identical_output() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("determinism");
    let _ = std::fs::remove_dir_all(&out);
    let spec = repo("openapi/atlas.yaml");
    let mut outputs = Vec::new();
    for run in ["a", "b"] {
        let dir = out.join(run);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
            .arg(&spec)
            .arg("--out")
            .arg(&dir)
            .args(["--crate-name", "atlaspay"])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        outputs.push(codegen::output::read_crate(&dir).unwrap());
    }
    assert!(!outputs[0].is_empty());
    assert!(outputs[0] == outputs[1], "two runs of the CLI wrote different files");
}

#[test]
fn every_generated_file_is_marked_generated() {
    let text = std::fs::read_to_string(repo("openapi/atlas.yaml")).unwrap();
    for (path, content) in codegen::generate(&text, "openapi/atlas.yaml", &config()).unwrap().files {
        let first = content.lines().next().unwrap_or("");
        assert!(first.contains("@generated"), "{path} starts with {first:?}");
    }
}
