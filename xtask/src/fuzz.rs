//! `cargo xtask fuzz [--seconds N] [--seed S] [--max-size BYTES]`: mutation fuzzing of the
//! generator over real specs.
//!
//! Each case takes a real document (the pinned corpus, the Atlas spec, the snapshot specs),
//! applies a few random structural mutations (deleted keys, replaced values, broken or cyclic
//! `$ref`s, wrong types, deep nesting, copied subtrees) and runs `codegen::generate` under
//! `catch_unwind`. Any panic is a bug: its input is saved under `target/fuzz-failures/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use codegen::Config;
use serde_json::{Value, json};

use crate::root;

/// A small, fast, deterministic PRNG (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

#[derive(Debug, Default)]
pub struct Summary {
    pub cases: usize,
    pub generated: usize,
    pub rejected: usize,
    pub panics: Vec<(String, String)>,
}

/// Documents to mutate: (name, parsed value), at most `max_size` bytes each.
pub fn seeds(max_size: u64) -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = vec![root().join("openapi/atlas.yaml")];
    for dir in ["corpus", "codegen/tests/specs"] {
        if let Ok(specs) = crate::corpus::spec_files(&root().join(dir)) {
            paths.extend(specs);
        }
    }
    paths
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= max_size))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let value = codegen::load::load(&text).ok()?.root;
            Some((p.file_name()?.to_string_lossy().into_owned(), value))
        })
        .collect()
}

/// Runs cases until `budget` is spent or `max_cases` have run.
pub fn fuzz(seeds: &[(String, Value)], seed: u64, budget: Duration, max_cases: usize) -> Summary {
    let mut rng = Rng::new(seed);
    let mut summary = Summary::default();
    let started = Instant::now();
    let config = Config::new("fuzzed");
    // Panics are caught and reported; keep the default hook from printing each one.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while started.elapsed() < budget && summary.cases < max_cases && !seeds.is_empty() {
        let (name, original) = &seeds[rng.below(seeds.len())];
        let mut doc = original.clone();
        for _ in 0..1 + rng.below(8) {
            mutate(&mut doc, &mut rng);
        }
        let text = if rng.below(4) == 0 {
            doc.to_string()
        } else {
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        };
        summary.cases += 1;
        match catch_unwind(AssertUnwindSafe(|| codegen::generate(&text, name, &config))) {
            Ok(Ok(_)) => summary.generated += 1,
            Ok(Err(_)) => summary.rejected += 1,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                let dir = root().join("target/fuzz-failures");
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("{}-{}.json", name, summary.cases));
                let _ = std::fs::write(&file, &text);
                summary.panics.push((file.display().to_string(), message));
            }
        }
    }
    std::panic::set_hook(hook);
    summary
}

const KEYS: &[&str] = &[
    "type",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "$ref",
    "required",
    "nullable",
    "additionalProperties",
    "format",
    "discriminator",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "paths",
    "components",
    "schemas",
    "security",
    "servers",
    "const",
    "default",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 9 } else { 13 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 => json!(f64::from(rng.below(1000) as u32) / 7.0),
        4 => Value::from(
            ["string", "integer", "number", "boolean", "object", "array", "null", "file"][rng.below(8)],
        ),
        5 => {
            Value::from(["", "ü", "*/", "\"#", "a b", "{x}", "1e400", "#/components/schemas/"][rng.below(8)])
        }
        6 => {
            let target =
                ["#/components/schemas/Missing", "#/", "#", "x.yaml#/a", "#/paths", "#/components/schemas"]
                    [rng.below(6)];
            json!({ "$ref": target })
        }
        7 => json!({}),
        8 => json!([]),
        9 => json!({ KEYS[rng.below(KEYS.len())]: random_value(rng, depth + 1) }),
        10 => json!([random_value(rng, depth + 1), random_value(rng, depth + 1)]),
        11 => json!({ "type": "object", "properties": { "p": random_value(rng, depth + 1) } }),
        _ => json!({ "oneOf": [random_value(rng, depth + 1), random_value(rng, depth + 1)] }),
    }
}

/// Walks to a random node (biased towards staying shallow) and returns it.
fn random_node<'a>(v: &'a mut Value, rng: &mut Rng) -> &'a mut Value {
    let steps = rng.below(12);
    let mut path = Vec::with_capacity(steps);
    let mut current: &Value = v;
    for _ in 0..steps {
        let children: Vec<&Value> = match current {
            Value::Object(m) => m.values().collect(),
            Value::Array(a) => a.iter().collect(),
            _ => Vec::new(),
        };
        if children.is_empty() {
            break;
        }
        let i = rng.below(children.len());
        path.push(i);
        current = children[i];
    }
    let mut node = v;
    for i in path {
        node = match child_mut(node, i) {
            Ok(child) | Err(child) => child,
        };
    }
    node
}

/// The `i`th child, or the node itself when there is none.
fn child_mut(v: &mut Value, i: usize) -> Result<&mut Value, &mut Value> {
    let has = match &*v {
        Value::Object(m) => i < m.len(),
        Value::Array(a) => i < a.len(),
        _ => false,
    };
    if !has {
        return Err(v);
    }
    match v {
        Value::Object(m) => Ok(m.values_mut().nth(i).expect("index checked above")),
        Value::Array(a) => Ok(&mut a[i]),
        other => Err(other),
    }
}

/// All `$ref`-able pointers of a document's component schemas (for realistic references).
fn schema_pointers(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .map(|k| format!("#/components/schemas/{}", k.replace('~', "~0").replace('/', "~1")))
                .collect()
        })
        .unwrap_or_default()
}

pub fn mutate(doc: &mut Value, rng: &mut Rng) {
    let pointers = schema_pointers(doc);
    let kind = rng.below(9);
    let donor = if kind == 6 { Some(random_node(&mut doc.clone(), rng).clone()) } else { None };
    let node = random_node(doc, rng);
    match kind {
        // Delete a key or an item.
        0 => match node {
            Value::Object(m) if !m.is_empty() => {
                let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
                m.remove(&key);
            }
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            _ => *node = Value::Null,
        },
        // Replace with a random value.
        1 | 2 => *node = random_value(rng, 0),
        // Add a keyword.
        3 => {
            if let Value::Object(m) = node {
                m.insert(KEYS[rng.below(KEYS.len())].to_owned(), random_value(rng, 0));
            }
        }
        // Point at an existing schema (possibly itself: cycles).
        4 => {
            if !pointers.is_empty() {
                *node = json!({ "$ref": pointers[rng.below(pointers.len())] });
            }
        }
        // Deep nesting.
        5 => {
            let mut s = node.clone();
            for _ in 0..rng.below(150) {
                s = if rng.below(2) == 0 {
                    json!({ "type": "array", "items": s })
                } else {
                    json!({ "allOf": [s] })
                };
            }
            *node = s;
        }
        // Copy a subtree from elsewhere.
        6 => {
            if let Some(d) = donor {
                *node = d;
            }
        }
        // Rename a key to a hostile one.
        7 => {
            if let Value::Object(m) = node
                && let Some(key) = m.keys().nth(rng.below(m.len().max(1))).cloned()
                && let Some(v) = m.remove(&key)
            {
                let new = ["", "type", "Self", "a/b", "~", "200", "2XX", "x-", "{id}", "ü"][rng.below(10)];
                m.insert(new.to_owned(), v);
            }
        }
        // Make it nullable in one of the ways specs do.
        _ => {
            if let Value::Object(m) = node {
                match rng.below(3) {
                    0 => {
                        m.insert("nullable".into(), json!(true));
                    }
                    1 => {
                        let t = m.get("type").cloned().unwrap_or(json!("string"));
                        m.insert("type".into(), json!([t, "null"]));
                    }
                    _ => {
                        m.insert("enum".into(), json!([null, "a"]));
                    }
                }
            }
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let mut max_size = 600_000u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<u64>().ok()).ok_or(format!("{a} takes a number"));
        match a.as_str() {
            "--seconds" => seconds = value()?,
            "--seed" => seed = value()?,
            "--max-size" => max_size = value()?,
            other => {
                return Err(format!(
                    "unknown option {other}; usage: cargo xtask fuzz [--seconds N] [--seed S] [--max-size BYTES]"
                ));
            }
        }
    }
    let seeds = seeds(max_size);
    println!("fuzz: {} seed documents, seed {seed}, {seconds} s", seeds.len());
    let s = fuzz(&seeds, seed, Duration::from_secs(seconds), usize::MAX);
    println!(
        "fuzz: {} cases: {} generated, {} rejected with diagnostics, {} panics",
        s.cases,
        s.generated,
        s.rejected,
        s.panics.len()
    );
    for (file, message) in &s.panics {
        println!("  panic: {message}\n    input: {file}");
    }
    if s.panics.is_empty() { Ok(()) } else { Err(format!("{} panics", s.panics.len())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutated_real_specs_never_panic() {
        // Small documents keep this fast in debug builds; `cargo xtask fuzz` runs longer.
        let seeds = seeds(60_000);
        assert!(seeds.len() >= 10, "only {} seed documents", seeds.len());
        let s = fuzz(&seeds, 0x5EED, Duration::from_secs(20), 600);
        assert!(s.cases >= 50, "only {} cases ran", s.cases);
        assert!(s.generated > 0 && s.rejected > 0, "mutations too weak or too strong: {s:?}");
        assert!(s.panics.is_empty(), "panics: {:?}", s.panics);
    }

    #[test]
    fn rng_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(
            (0..10).map(|_| a.next()).collect::<Vec<_>>(),
            (0..10).map(|_| b.next()).collect::<Vec<_>>()
        );
    }
}
