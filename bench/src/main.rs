//! `bench-gen`: the measuring half of `cargo xtask bench` (which orchestrates and reports).
//!
//! Every mode prints one JSON object on stdout.
//!
//! ```text
//! bench-gen version
//! bench-gen time <SPEC> [--runs N]          both generators in this process, N timed runs each
//!                                          (more for a fast spec: until each ran 100 ms)
//! bench-gen gen-ours <SPEC> [--out DIR]     one generation (for peak RSS), optionally written
//! bench-gen gen-ours-runtime-crate <SPEC> [--out DIR]   the same, the runtime as its own crate
//! bench-gen gen-progenitor <SPEC> [--out DIR]
//! bench-gen stages <SPEC>                  where each generator spends its time (one run)
//! bench-gen synth <SRC> <OUT> [--min-bytes N] [--max-copies N]
//! bench-gen interleaved [--scale X] [--seconds S]   runtime comparisons, variants interleaved
//! bench-gen paginate <client|reqwest> [--walks N]  N 10-page walks of one side only, for
//!                                          instruction counts (`valgrind --tool=callgrind`)
//! bench-gen layout <SPEC>...               checks that every Rust file we generate (the
//!                                          runtime copy aside) is what prettyplease prints
//! ```
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use atlas_bench::generators::{self, Which};
use atlas_bench::{latency, synth};
use serde_json::{Value, json};

const USAGE: &str = "usage: bench-gen version | time <SPEC> [--runs N] | gen-ours <SPEC> [--out DIR] | \
gen-ours-runtime-crate <SPEC> [--out DIR] | gen-progenitor <SPEC> [--out DIR] | stages <SPEC> | synth <SRC> <OUT> [--min-bytes N] [--max-copies N] | \
interleaved [--scale X] [--seconds S] | paginate <client|reqwest> [--walks N] | layout <SPEC>...";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("version") => Ok(json!({"bench_gen": env!("CARGO_PKG_VERSION")})),
        Some("time") => time(&args[1..]),
        Some("gen-ours") => gen_once(Which::Ours, &args[1..]),
        Some("gen-ours-runtime-crate") => gen_once(Which::OursRuntimeCrate, &args[1..]),
        Some("gen-progenitor") => gen_once(Which::Progenitor, &args[1..]),
        Some("stages") => stages(&args[1..]),
        Some("synth") => synthesize(&args[1..]),
        Some("interleaved") => interleaved(&args[1..]),
        Some("paginate") => paginate(&args[1..]),
        Some("layout") => layout(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench-gen: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Positional arguments and `--name value` options.
struct Args {
    positional: Vec<String>,
    options: Vec<(String, String)>,
}

impl Args {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut out = Args { positional: Vec::new(), options: Vec::new() };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let value = it.next().ok_or_else(|| format!("--{name} takes a value"))?;
                out.options.push((name.to_owned(), value.clone()));
            } else {
                out.positional.push(a.clone());
            }
        }
        Ok(out)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, String> {
        self.get(name).map_or(Ok(default), |v| v.parse().map_err(|_| format!("--{name} takes a number")))
    }

    fn spec(&self) -> Result<(PathBuf, String, String, String), String> {
        let path = PathBuf::from(self.positional.first().ok_or(USAGE)?);
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Ok((path, text, file, generators::crate_name(&stem)))
    }
}

/// Generates each spec and formats every Rust file of the crate (after its `// @generated`
/// line, which `syn` drops) with `syn` + `prettyplease`: the text written in prettyplease's
/// layout without formatting must be what formatting gives. The runtime copy is hand-written
/// (rustfmt's layout), so it is left out. Specs we refuse are counted, not checked.
fn layout(args: &[String]) -> Result<Value, String> {
    let (mut specs, mut refused, mut files) = (0, 0, 0);
    let mut differ = Vec::new();
    for path in args {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        specs += 1;
        let Ok(generated) = generators::ours(&text, path, "layout", false) else {
            refused += 1;
            continue;
        };
        for (file, text) in
            generated.iter().filter(|(f, _)| f.ends_with(".rs") && !f.starts_with("src/runtime/"))
        {
            files += 1;
            let body =
                text.split_once('\n').filter(|_| text.starts_with("// ")).map_or(text.as_str(), |(_, b)| b);
            let formatted = syn::parse_file(body).map(|f| prettyplease::unparse(&f));
            let first = match &formatted {
                Err(e) => Some(format!("does not parse: {e}")),
                Ok(f) => {
                    body.lines().zip(f.lines()).find(|(a, b)| a != b).map(|(a, b)| format!("{a:?} vs {b:?}"))
                }
            };
            match (first, formatted) {
                (Some(first), _) => differ.push(json!({"spec": path, "file": file, "first": first})),
                (None, Ok(f)) if f.len() != body.len() => {
                    differ.push(json!({"spec": path, "file": file, "first": "differs in length"}))
                }
                _ => {}
            }
        }
    }
    Ok(json!({"specs": specs, "refused": refused, "files": files, "differ": differ}))
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// Total time each generator is timed for, at least, in `time` (unless it reaches `MAX_RUNS`).
const MIN_TIMED_MS: f64 = 100.0;
const MAX_RUNS: usize = 1_000;

/// One untimed warm-up per generator (it also decides success), then at least `runs` timed runs
/// of each, alternating which goes first (ABBA), on the same input text.
fn time(args: &[String]) -> Result<Value, String> {
    let args = Args::parse(args)?;
    let runs = args.number("runs", 5)?.clamp(1, 1_000);
    let (_, text, file, name) = args.spec()?;
    let mut result = json!({"spec": file, "bytes": text.len(), "runs": runs});
    let mut ok = [false, false];
    for (i, which) in Which::BOTH.into_iter().enumerate() {
        let started = Instant::now();
        let entry = match generators::generate(which, &text, &file, &name) {
            Ok(files) => {
                ok[i] = true;
                json!({
                    "ok": true,
                    "warmup_ms": ms(started.elapsed()),
                    "lines": generators::rust_lines(&files, true),
                    "lines_without_runtime": generators::rust_lines(&files, false),
                    "files": files.len(),
                })
            }
            Err(error) => json!({"ok": false, "error": error, "warmup_ms": ms(started.elapsed())}),
        };
        result[which.label()] = entry;
    }
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    // At least `runs` rounds, and for a spec generated in a millisecond enough more that each
    // generator runs MIN_TIMED_MS in total: five sub-millisecond timings make a noisy median.
    let enough = |times: &[Vec<f64>; 2]| {
        (0..2).all(|i| !ok[i] || times[i].len() >= MAX_RUNS || times[i].iter().sum::<f64>() >= MIN_TIMED_MS)
    };
    for run in 0.. {
        if run >= runs && enough(&times) {
            break;
        }
        let order = if run % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            if !ok[i] {
                continue;
            }
            let started = Instant::now();
            let files = generators::generate(Which::BOTH[i], &text, &file, &name);
            let elapsed = started.elapsed();
            drop(std::hint::black_box(files));
            times[i].push(ms(elapsed));
        }
    }
    for (i, which) in Which::BOTH.into_iter().enumerate() {
        if ok[i] {
            result[which.label()]["runs_ms"] = json!(times[i]);
            result[which.label()]["median_ms"] = json!(median(&times[i]));
        }
    }
    Ok(result)
}

/// One generation in a fresh process: peak RSS (`VmHWM`) is read at the end; with `--out` the
/// crate is written there.
fn gen_once(which: Which, args: &[String]) -> Result<Value, String> {
    let args = Args::parse(args)?;
    let (_, text, file, name) = args.spec()?;
    let started = Instant::now();
    let generated = generators::generate(which, &text, &file, &name);
    let elapsed = started.elapsed();
    let hwm = generators::vm_hwm_kib();
    let mut result = json!({"spec": file, "generator": which.label(), "ms": ms(elapsed), "vm_hwm_kib": hwm});
    match generated {
        Ok(files) => {
            result["ok"] = json!(true);
            result["lines"] = json!(generators::rust_lines(&files, true));
            result["lines_without_runtime"] = json!(generators::rust_lines(&files, false));
            if let Some(out) = args.get("out") {
                generators::write(Path::new(out), &files)?;
                result["crate_name"] = json!(name);
                result["dir"] = json!(out);
            }
        }
        Err(error) => {
            result["ok"] = json!(false);
            result["error"] = json!(error);
        }
    }
    Ok(result)
}

fn stages(args: &[String]) -> Result<Value, String> {
    let args = Args::parse(args)?;
    let (_, text, file, name) = args.spec()?;
    let mut result = json!({"spec": file});
    for which in Which::BOTH {
        result[which.label()] = match generators::stages(which, &text, &file, &name) {
            Ok(stages) => stages.into_iter().map(|(stage, ms)| json!({"stage": stage, "ms": ms})).collect(),
            Err(error) => json!({"error": error}),
        };
    }
    Ok(result)
}

fn synthesize(args: &[String]) -> Result<Value, String> {
    let args = Args::parse(args)?;
    let [src, out] = args.positional.as_slice() else { return Err(USAGE.to_owned()) };
    let min_bytes = args.number("min-bytes", 10 * 1024 * 1024)?;
    let max_copies = args.number("max-copies", 32)?;
    let text = std::fs::read_to_string(src).map_err(|e| format!("cannot read {src}: {e}"))?;
    let (big, summary) = synth::synthesize(&text, min_bytes, max_copies)?;
    if let Some(parent) = Path::new(out).parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(out, big).map_err(|e| format!("cannot write {out}: {e}"))?;
    serde_json::to_value(summary).map_err(|e| e.to_string())
}

fn interleaved(args: &[String]) -> Result<Value, String> {
    let args = Args::parse(args)?;
    let scale: f64 =
        args.get("scale").map_or(Ok(1.0), |v| v.parse().map_err(|_| "--scale takes a number"))?;
    let seconds = args.number("seconds", 60)?.clamp(1, 3_600);
    let report = latency::measure(scale.clamp(0.001, 100.0), Duration::from_secs(seconds as u64))?;
    serde_json::to_value(report).map_err(|e| e.to_string())
}

/// Walks all pages through one side, `--walks` times (default 1). Under callgrind, the
/// difference between two walk counts is the instructions of the extra walks alone: start-up,
/// the server's set-up and the first connection cancel out.
fn paginate(args: &[String]) -> Result<Value, String> {
    let args = Args::parse(args)?;
    let side = match args.positional.first().map(String::as_str) {
        Some("client") => latency::Side::Client,
        Some("reqwest") => latency::Side::Reqwest,
        _ => return Err(USAGE.to_owned()),
    };
    let walks = args.number("walks", 1)?.clamp(1, 10_000);
    let items = latency::walk(side, walks)?;
    Ok(json!({"walks": walks, "items": items}))
}
