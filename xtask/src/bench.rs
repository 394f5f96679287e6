//! `cargo xtask bench [--corpus DIR] [--runs N] [--json OUT] [--skip-check] [--skip-large]
//! [--skip-runtime]`
//!
//! Our generator against progenitor 0.15.1, and the atlaspay runtime against bare reqwest, on
//! this machine in one run. Absolute times on a shared machine are noisy, so every comparison is
//! a ratio of medians measured side by side (interleaved where possible). See docs/benchmarks.md.
//!
//! The measuring happens in `bench/` (its own workspace and target dir, so progenitor and
//! criterion stay out of `cargo xtask gen` and `cargo xtask ci`); this module builds it
//! (`cargo run --release --manifest-path bench/Cargo.toml`), runs its `bench-gen` binary and
//! `cargo bench`, and reports:
//!
//! 1. for every spec of the corpus that both generators handle: the median of N runs of
//!    (a) in-process generation time, (b) generated Rust lines, (c) `cargo check` time of the
//!    generated crate with its dependencies pre-built (`cargo clean -p` before each timed check;
//!    ours with the runtime as its own crate, and as a module of the crate; each split into
//!    cargo's set-up, timed by a no-op check right after it, and the crate's own compile),
//!    (d) peak RSS of a generation in a child process; each with the ratio ours/progenitor and the
//!    geometric mean of the ratios. Specs only we handle are listed with progenitor's error.
//! 2. criterion: decode (generated vs hand-written types), round trip and pagination (client vs
//!    bare reqwest) against a loopback server, generation of `corpus/box.json`; and the same runtime
//!    comparisons measured operation by operation with the variants interleaved (`bench-gen
//!    interleaved`), whose p50 ratios judge the targets: criterion runs one variant after the
//!    other, so on a shared machine a burst of load can land on one variant only.
//! 3. a ~10 MB spec synthesized from `corpus/box.json` (written to `target/bench/`): generation
//!    time and peak RSS.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::process::{last_line, run_bounded};
use crate::root;
use serde_json::{Value, json};

/// A `cargo check` taking longer than this is stopped and reported as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(900);
/// A generator child process taking longer than this is stopped.
const GEN_TIMEOUT: Duration = Duration::from_secs(600);
/// The whole criterion run.
const CRITERION_TIMEOUT: Duration = Duration::from_secs(3600);
/// Building `bench/` from scratch on two cores.
const BUILD_TIMEOUT: Duration = Duration::from_secs(3600);
/// Size the synthesized spec must reach.
const LARGE_SPEC_BYTES: usize = 10 * 1024 * 1024;

struct Options {
    corpus: PathBuf,
    runs: usize,
    json: Option<PathBuf>,
    check: bool,
    large: bool,
    runtime: bool,
}

const USAGE: &str = "usage: cargo xtask bench [--corpus DIR] [--runs N] [--json OUT] [--skip-check] \
[--skip-large] [--skip-runtime]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        corpus: root().join("corpus"),
        runs: 5,
        json: None,
        check: true,
        large: true,
        runtime: true,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--corpus" => opts.corpus = absolute(it.next().ok_or("--corpus takes a directory")?),
            "--runs" => {
                opts.runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &usize| (1..=100).contains(&n))
                    .ok_or("--runs takes a number from 1 to 100")?
            }
            "--json" => opts.json = Some(absolute(it.next().ok_or("--json takes a file")?)),
            "--skip-check" => opts.check = false,
            "--skip-large" => opts.large = false,
            "--skip-runtime" => opts.runtime = false,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(opts)
}

fn absolute(p: &str) -> PathBuf {
    let p = PathBuf::from(p);
    if p.is_absolute() { p } else { std::env::current_dir().unwrap_or_default().join(p) }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let opts = parse(args)?;
    let started = Instant::now();
    let specs = crate::corpus::spec_files(&opts.corpus)?;
    if specs.is_empty() {
        return Err(format!("no .json/.yaml/.yml specs in {}", opts.corpus.display()));
    }
    let out = root().join("target/bench");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let machine = machine();
    println!("machine: {}", machine_line(&machine));
    println!("runs: {} (medians; ratios are ours / progenitor)\n", opts.runs);

    let source = source();
    println!(
        "source: commit {}, {} uncommitted change(s) under codegen/ generated/ bench/\n",
        source["commit"].as_str().unwrap_or("?"),
        source["uncommitted"]
    );
    let built = build(opts.runtime)?;
    let bin = built.bin.clone();
    let mut report = json!({
        "machine": machine,
        "source": source,
        "runs": opts.runs,
        "corpus": opts.corpus.display().to_string(),
    });

    // 2: criterion and the interleaved runtime measurements, first: right after the heavy
    // generation runs (the 10 MB spec frees hundreds of MiB) the kernel is still busy and the
    // first criterion benchmark came out 50% slow in trial runs.
    if opts.runtime {
        println!("==> criterion benchmarks (runtime, generation; log in target/bench/criterion.log)");
        report["criterion"] = criterion(&built.benches, &out)?;
        println!("==> decode, round trip and pagination, one operation at a time, variants interleaved");
        report["interleaved"] = bench_gen(&bin, &["interleaved".as_ref()])?;
    }

    // 1a/1b: in-process generation time and lines, both generators, every spec.
    println!("==> generation time and lines ({} specs)", specs.len());
    let mut timed = Vec::new();
    for spec in &specs {
        let t = bench_gen(
            &bin,
            &["time".as_ref(), spec.as_os_str(), "--runs".as_ref(), opts.runs.to_string().as_ref()],
        )?;
        println!(
            "    {:<34} ours {:>9}  progenitor {}",
            t["spec"].as_str().unwrap_or(""),
            t["ours"]["median_ms"].as_f64().map_or("failed".to_owned(), |v| format!("{v:.1} ms")),
            t["progenitor"]["median_ms"].as_f64().map_or_else(
                || format!("failed: {}", one_line(t["progenitor"]["error"].as_str().unwrap_or(""), 90)),
                |v| format!("{v:.1} ms")
            )
        );
        timed.push((spec.clone(), t));
    }
    let both: Vec<&(PathBuf, Value)> =
        timed.iter().filter(|(_, t)| t["ours"]["ok"] == true && t["progenitor"]["ok"] == true).collect();

    // 1d: peak RSS in a child process, interleaved.
    println!("==> peak RSS of one generation in a child process ({} specs)", both.len());
    let mut rss = Vec::new();
    for (spec, _) in &both {
        let r = peak_rss_both(&bin, spec, opts.runs)?;
        println!(
            "    {:<34} ours {:>7.1} MiB  progenitor {:>7.1} MiB",
            file_name(spec),
            r["ours"]["median_mib"].as_f64().unwrap_or(f64::NAN),
            r["progenitor"]["median_mib"].as_f64().unwrap_or(f64::NAN)
        );
        rss.push(r);
    }

    // 1c: cargo check with dependencies pre-built.
    let mut checks = Vec::new();
    if opts.check {
        println!("==> cargo check of the generated crates ({} specs, dependencies pre-built)", both.len());
        for (spec, _) in &both {
            let c = check_both(&bin, spec, &out, opts.runs)?;
            let time =
                |key: &str| c[key]["median_s"].as_f64().map_or("failed".to_owned(), |v| format!("{v:.2} s"));
            println!(
                "    {:<34} ours {:>8}  ours, runtime module {:>8}  ours, TLS left to the app {:>8}  progenitor {:>8}  progenitor with TLS {:>8}",
                file_name(spec),
                time("ours"),
                time("ours_module"),
                time(APP_TLS),
                time("progenitor"),
                time(PROGENITOR_TLS)
            );
            checks.push(c);
        }
    }

    let rows: Vec<Value> = both
        .iter()
        .enumerate()
        .map(|(i, (_, t))| row(t, &rss[i], checks.get(i).unwrap_or(&Value::Null)))
        .collect();
    let geomeans = geomeans(&rows);
    let only: Vec<Value> = timed
        .iter()
        .filter(|(_, t)| !(t["ours"]["ok"] == true && t["progenitor"]["ok"] == true))
        .map(|(_, t)| {
            json!({
                "spec": t["spec"],
                "ours_ok": t["ours"]["ok"],
                "ours_ms": t["ours"]["median_ms"],
                "ours_lines": t["ours"]["lines"],
                "ours_lines_without_runtime": t["ours"]["lines_without_runtime"],
                "ours_error": t["ours"]["error"],
                "progenitor_ok": t["progenitor"]["ok"],
                "progenitor_error": t["progenitor"]["error"],
            })
        })
        .collect();
    report["both"] = json!(rows);
    report["geomean"] = geomeans.clone();
    report["not_both"] = json!(only);

    // 3: the synthesized large spec.
    if opts.large {
        println!("==> synthesized spec (>= {} bytes from corpus/box.json)", LARGE_SPEC_BYTES);
        report["large"] = large(&bin, &out, opts.runs)?;
    }

    report["targets"] = targets(&report);
    report["elapsed_s"] = json!(started.elapsed().as_secs_f64());
    println!();
    print!("{}", render(&report));

    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n";
    let default_json = out.join("results.json");
    fs::write(&default_json, &text).map_err(|e| format!("cannot write {}: {e}", default_json.display()))?;
    if let Some(path) = &opts.json {
        fs::write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "\nresults: {}{} ({:.0} s)",
        default_json.display(),
        opts.json.as_ref().map(|p| format!(", {}", p.display())).unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Running things

/// What one build of `bench/` produced: the `bench-gen` binary and the criterion executables.
struct Built {
    bin: PathBuf,
    benches: Vec<(String, PathBuf)>,
}

/// Builds `bench/` in release (its own target dir): `bench-gen` through `cargo run`, and the
/// criterion executables through `cargo bench --no-run`. Everything after this runs these
/// binaries directly, so a source edit during the run cannot rebuild or break anything and every
/// number comes from the same build.
fn build(runtime: bool) -> Result<Built, String> {
    println!("==> building bench/ (cargo run --release --manifest-path bench/Cargo.toml)");
    let bench = root().join("bench");
    let mut cmd = Command::new(cargo());
    cmd.args(["run", "--quiet", "--release", "--manifest-path"])
        .arg(bench.join("Cargo.toml"))
        .args(["--bin", "bench-gen", "--", "version"])
        .env("CARGO_TARGET_DIR", bench.join("target"))
        .current_dir(root());
    let (status, _, stderr) = run_bounded(cmd, BUILD_TIMEOUT)?;
    if !status {
        return Err(format!("building bench/ failed:\n{stderr}"));
    }
    let bin = bench.join("target/release/bench-gen");
    if !bin.is_file() {
        return Err(format!("{} was not built", bin.display()));
    }
    let mut benches = Vec::new();
    if runtime {
        println!(
            "==> building the criterion benchmarks (cargo bench --no-run --manifest-path bench/Cargo.toml)"
        );
        let mut cmd = Command::new(cargo());
        cmd.args(["bench", "--no-run", "--message-format", "json", "--manifest-path"])
            .arg(bench.join("Cargo.toml"))
            .args(["--bench", "runtime", "--bench", "generation"])
            .env("CARGO_TARGET_DIR", bench.join("target"))
            .current_dir(root());
        let (ok, stdout, stderr) = run_bounded(cmd, BUILD_TIMEOUT)?;
        if !ok {
            return Err(format!("building the benchmarks failed:\n{stderr}"));
        }
        for line in stdout.lines() {
            let Ok(msg) = serde_json::from_str::<Value>(line) else { continue };
            let is_bench = msg["target"]["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "bench"));
            if msg["reason"] == "compiler-artifact"
                && is_bench
                && let (Some(name), Some(exe)) = (msg["target"]["name"].as_str(), msg["executable"].as_str())
            {
                benches.push((name.to_owned(), PathBuf::from(exe)));
            }
        }
        if benches.len() != 2 {
            return Err(format!("expected the runtime and generation benchmarks, found {benches:?}"));
        }
    }
    Ok(Built { bin, benches })
}

/// Runs `bench-gen` and parses the JSON object it prints.
fn bench_gen(bin: &Path, args: &[&std::ffi::OsStr]) -> Result<Value, String> {
    let mut cmd = Command::new(bin);
    cmd.args(args).current_dir(root());
    let (ok, stdout, stderr) = run_bounded(cmd, GEN_TIMEOUT)?;
    if !ok {
        return Err(format!("bench-gen {:?} failed: {}", args, stderr.trim()));
    }
    serde_json::from_str(stdout.trim()).map_err(|e| format!("bench-gen printed no JSON ({e}): {stdout}"))
}

/// One generation in a child process: (peak RSS in KiB, how it was measured, the child's JSON).
fn peak_rss(bin: &Path, mode: &str, spec: &Path) -> Result<(f64, &'static str, Value), String> {
    let time = Path::new("/usr/bin/time");
    if time.is_file() {
        let report = root().join(format!("target/bench/time-{}.txt", std::process::id()));
        let mut cmd = Command::new(time);
        cmd.arg("-v").arg("-o").arg(&report).arg(bin).arg(mode).arg(spec).current_dir(root());
        let (ok, stdout, stderr) = run_bounded(cmd, GEN_TIMEOUT)?;
        let text = fs::read_to_string(&report).unwrap_or_default();
        let _ = fs::remove_file(&report);
        if !ok {
            return Err(format!("bench-gen {mode} {} failed: {}", spec.display(), stderr.trim()));
        }
        let child: Value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
        let kib = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse::<f64>().ok());
        if let Some(kib) = kib {
            return Ok((kib, "getrusage (/usr/bin/time -v)", child));
        }
    }
    let child = bench_gen(bin, &[mode.as_ref(), spec.as_os_str()])?;
    let kib = child["vm_hwm_kib"].as_f64().ok_or("no VmHWM in /proc/self/status")?;
    Ok((kib, "VmHWM (/proc/self/status)", child))
}

fn peak_rss_both(bin: &Path, spec: &Path, runs: usize) -> Result<Value, String> {
    let mut kib = [Vec::new(), Vec::new()];
    let mut method = "";
    for run in 0..runs {
        for i in if run % 2 == 0 { [0, 1] } else { [1, 0] } {
            let (k, m, _) = peak_rss(bin, ["gen-ours", "gen-progenitor"][i], spec)?;
            kib[i].push(k);
            method = m;
        }
    }
    let side = |v: &[f64]| json!({"median_mib": median(v) / 1024.0, "runs_kib": v});
    Ok(json!({"spec": file_name(spec), "method": method, "ours": side(&kib[0]), "progenitor": side(&kib[1])}))
}

/// The crates whose `cargo check` is timed. Ours is checked in both layouts: the runtime as its
/// own crate (which stays built, like progenitor's `progenitor-client` dependency) and as a
/// module of the crate (the CLI default). Then the two like-for-like pairs around TLS: ours with
/// TLS left to the application ([`APP_TLS`]), like the crate progenitor's manifest describes,
/// and progenitor's with reqwest's TLS turned on ([`PROGENITOR_TLS`]), as its users need for an
/// https API. Ours share a target directory: their dependencies are built once.
const CHECK_SIDES: [CheckCrate; 5] = [
    CheckCrate { key: "ours", command: "gen-ours-runtime-crate", target: "ours", edit: None },
    CheckCrate { key: "ours_module", command: "gen-ours", target: "ours", edit: None },
    CheckCrate {
        key: APP_TLS,
        command: "gen-ours-runtime-crate",
        target: "ours",
        edit: Some(without_default_tls),
    },
    CheckCrate { key: "progenitor", command: "gen-progenitor", target: "progenitor", edit: None },
    CheckCrate {
        key: PROGENITOR_TLS,
        command: "gen-progenitor",
        target: "progenitor-tls",
        edit: Some(with_reqwest_tls),
    },
];

/// How one crate of [`CHECK_SIDES`] is written: `key` in the report, the `bench-gen` command
/// that writes it, its target directory (`check-target-<target>`) and an edit of its manifest.
struct CheckCrate {
    key: &'static str,
    command: &'static str,
    target: &'static str,
    edit: Option<ManifestEdit>,
}

/// Rewrites a written crate's `Cargo.toml`, or says why it cannot.
type ManifestEdit = fn(&str) -> Result<String, String>;

/// Our crate without its default TLS backend: reqwest without TLS, as `cargo-progenitor`'s
/// manifest has it (its crates cannot call an https API until their user adds a TLS feature).
const APP_TLS: &str = "ours_app_tls";

/// Progenitor's crate with reqwest 0.13's `rustls` feature (its `default-tls`), the one line its
/// users add so that the client can call an https API.
const PROGENITOR_TLS: &str = "progenitor_tls";

/// `manifest` with `"rustls"` added to the features of its `reqwest` dependency.
fn with_reqwest_tls(manifest: &str) -> Result<String, String> {
    edit_lines(manifest, "no `reqwest = { …, features = [...] }` line", |line| {
        let end =
            line.rfind("] }").filter(|_| line.starts_with("reqwest = {") && line.contains("features = ["))?;
        Some(format!("{}, \"rustls\"{}", &line[..end], &line[end..]))
    })
}

/// `manifest` with `rustls` taken out of its default features.
fn without_default_tls(manifest: &str) -> Result<String, String> {
    edit_lines(manifest, "no `rustls` in the default features", |line| {
        let rest = line.strip_prefix("default = [").filter(|rest| rest.contains("\"rustls\""))?;
        let kept: Vec<&str> = rest.trim_end_matches(']').split(", ").filter(|f| *f != "\"rustls\"").collect();
        Some(format!("default = [{}]", kept.join(", ")))
    })
}

/// `text` with every line that `edit` rewrites replaced; `missing` when it rewrites none.
fn edit_lines(text: &str, missing: &str, edit: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let edited = edit(line);
            found |= edited.is_some();
            edited.unwrap_or_else(|| line.to_owned())
        })
        .collect();
    if found { Ok(lines.join("\n") + "\n") } else { Err(missing.to_owned()) }
}

/// Checks of a small crate take a few tenths of a second and vary by ±25% from one to the next
/// on a shared VM, so rounds continue past `--runs` until every side has been checked this long
/// in total, or for [`CHECK_MAX_RUNS`] rounds.
const CHECK_MIN_TOTAL_S: f64 = 4.0;
const CHECK_MAX_RUNS: usize = 15;

/// Writes the crates, checks each once to build its dependencies, then times at least `runs`
/// checks of each (interleaved, in a rotating order; more for fast ones, see
/// [`CHECK_MIN_TOTAL_S`]), each after `cargo clean -p <crate>`.
fn check_both(bin: &Path, spec: &Path, out: &Path, runs: usize) -> Result<Value, String> {
    let name = crate_name(spec);
    let mut sides = Vec::new();
    for CheckCrate { key, command, target, edit } in CHECK_SIDES {
        let dir = out.join("crates").join(key).join(&name);
        let target = out.join(format!("check-target-{target}"));
        let _ = fs::remove_dir_all(&dir);
        let written =
            bench_gen(bin, &[command.as_ref(), spec.as_os_str(), "--out".as_ref(), dir.as_os_str()])?;
        if written["ok"] != true {
            return Err(format!("{command} failed on {}: {}", spec.display(), written["error"]));
        }
        if let Some(edit) = edit {
            let path = dir.join("Cargo.toml");
            let manifest = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let edited = edit(&manifest).map_err(|e| format!("{}: {e}", path.display()))?;
            fs::write(&path, edited).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if command != "gen-progenitor" {
            // The workspace lockfile pins the versions the Atlas crate is tested with (as in
            // `cargo xtask corpus`); progenitor's crates resolve their own, once, on first check.
            let _ = fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"));
        }
        let warm = cargo_check(&dir, &target, true)?;
        sides.push(CheckSide { key, dir, target, warm, checks: Vec::new(), no_ops: Vec::new() });
    }
    let total = |times: &[f64]| times.iter().sum::<f64>();
    let mut run = 0;
    while run < runs
        || (run < CHECK_MAX_RUNS
            && sides.iter().any(|side| side.warm.0.is_some() && total(&side.checks) < CHECK_MIN_TOTAL_S))
    {
        for k in 0..sides.len() {
            let CheckSide { dir, target, warm, checks, no_ops, .. } =
                &mut sides[(run + k) % CHECK_SIDES.len()];
            if warm.0.is_none() {
                continue;
            }
            let mut clean = Command::new(cargo());
            clean
                .args(["clean", "--quiet", "-p", &name])
                .current_dir(&*dir)
                .env("CARGO_TARGET_DIR", &*target);
            let (ok, _, stderr) = run_bounded(clean, CHECK_TIMEOUT)?;
            if !ok {
                return Err(format!("cargo clean -p {name} failed: {stderr}"));
            }
            let t = Instant::now();
            let (result, _) = cargo_check(dir, target, false)?;
            if result.is_none() {
                return Err(format!("cargo check of {} failed on a re-run", dir.display()));
            }
            checks.push(t.elapsed().as_secs_f64());
            // Right after, with nothing to compile: cargo's set-up alone (see `check_split`).
            let t = Instant::now();
            if cargo_check(dir, target, false)?.0.is_none() {
                return Err(format!("no-op cargo check of {} failed", dir.display()));
            }
            no_ops.push(t.elapsed().as_secs_f64());
        }
        run += 1;
    }
    let mut value = json!({"spec": file_name(spec), "crate": name});
    for CheckSide { key, dir, warm: (warnings, detail), checks, no_ops, .. } in sides {
        let (setup, own) = check_split(&checks, &no_ops);
        value[key] = json!({
            "dir": dir.display().to_string(),
            "ok": warnings.is_some(),
            "warnings": warnings.unwrap_or(0),
            "detail": detail,
            "runs_s": checks,
            "median_s": if checks.is_empty() { Value::Null } else { json!(median(&checks)) },
            "no_op_runs_s": no_ops,
            "setup_median_s": setup,
            "own_median_s": own,
        });
    }
    Ok(value)
}

/// One crate of [`CHECK_SIDES`] being timed.
struct CheckSide {
    key: &'static str,
    dir: PathBuf,
    target: PathBuf,
    /// The untimed first check: `(Some(warnings), first message)`, `None` when it failed.
    warm: (Option<usize>, String),
    /// Timed `cargo clean -p` + `cargo check`s, seconds.
    checks: Vec<f64>,
    /// The no-op check right after each of `checks`, seconds.
    no_ops: Vec<f64>,
}

/// Splits the timed checks of one side into cargo's set-up and the crate's own compile:
/// `(median no-op check, median of check − no-op per round)`. A no-op `cargo check` of a
/// fresh crate does everything but compile: it reads the lockfile and every package's
/// manifest, resolves the graph and compares each unit's fingerprint; what the timed check
/// takes beyond that is rustc on the crate (and writing its fingerprint).
fn check_split(checks: &[f64], no_ops: &[f64]) -> (Value, Value) {
    if checks.is_empty() || checks.len() != no_ops.len() {
        return (Value::Null, Value::Null);
    }
    let own: Vec<f64> = checks.iter().zip(no_ops).map(|(check, no_op)| check - no_op).collect();
    (json!(median(no_ops)), json!(median(&own)))
}

/// `cargo check` of one crate: `(Some(warnings), first message)` on success, `(None, first
/// error)` on failure. With `verbose`, messages are collected (the first, warm-up check).
fn cargo_check(dir: &Path, target: &Path, verbose: bool) -> Result<(Option<usize>, String), String> {
    let mut cmd = Command::new(cargo());
    cmd.arg("check").current_dir(dir).env("CARGO_TARGET_DIR", target).env_remove("RUSTFLAGS");
    if verbose {
        cmd.args(["--message-format", "json"]);
    } else {
        cmd.arg("--quiet");
    }
    let (ok, stdout, stderr) = run_bounded(cmd, CHECK_TIMEOUT)?;
    let mut warnings = 0;
    let mut first = String::new();
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else { continue };
        if msg["reason"] != "compiler-message" {
            continue;
        }
        let level = msg["message"]["level"].as_str().unwrap_or("");
        let text = msg["message"]["rendered"].as_str().unwrap_or("");
        if level == "warning" && !(msg["message"]["code"].is_null() && text.contains("warnings emitted")) {
            warnings += 1;
        }
        if (level == "error" || level == "warning")
            && (first.is_empty() || level == "error" && !first.starts_with("error"))
        {
            first = one_line(text, 200);
        }
    }
    if ok {
        Ok((Some(warnings), first))
    } else {
        if first.is_empty() {
            first = one_line(last_line(&stderr), 200);
        }
        Ok((None, first))
    }
}

fn large(bin: &Path, out: &Path, runs: usize) -> Result<Value, String> {
    let src = root().join("corpus/box.json");
    let spec = out.join("synth-10mb.json");
    let summary = bench_gen(
        bin,
        &[
            "synth".as_ref(),
            src.as_os_str(),
            spec.as_os_str(),
            "--min-bytes".as_ref(),
            LARGE_SPEC_BYTES.to_string().as_ref(),
        ],
    )?;
    println!(
        "    {}: {:.1} MB, {} copies of box.json, {} paths, {} operations, {} schemas",
        spec.display(),
        summary["bytes"].as_f64().unwrap_or(0.0) / 1e6,
        summary["copies"],
        summary["paths"],
        summary["operations"],
        summary["schemas"]
    );
    let timed =
        bench_gen(bin, &["time".as_ref(), spec.as_os_str(), "--runs".as_ref(), runs.to_string().as_ref()])?;
    let mut kib = Vec::new();
    let mut method = "";
    for _ in 0..runs {
        let (k, m, _) = peak_rss(bin, "gen-ours", &spec)?;
        kib.push(k);
        method = m;
    }
    let result = json!({
        "spec": spec.display().to_string(),
        "synth": summary,
        "ours_ok": timed["ours"]["ok"],
        "ours_error": timed["ours"]["error"],
        "gen_ms_median": timed["ours"]["median_ms"],
        "gen_ms_runs": timed["ours"]["runs_ms"],
        "lines": timed["ours"]["lines"],
        "rss_mib_median": median(&kib) / 1024.0,
        "rss_kib_runs": kib,
        "rss_method": method,
        "progenitor_ok": timed["progenitor"]["ok"],
        "progenitor_error": timed["progenitor"]["error"],
        "progenitor_ms_median": timed["progenitor"]["median_ms"],
    });
    println!(
        "    ours: {:.0} ms (median), {:.0} MiB peak RSS; progenitor: {}",
        result["gen_ms_median"].as_f64().unwrap_or(f64::NAN),
        result["rss_mib_median"].as_f64().unwrap_or(f64::NAN),
        if result["progenitor_ok"] == true {
            "ok".to_owned()
        } else {
            one_line(result["progenitor_error"].as_str().unwrap_or(""), 100)
        }
    );
    Ok(result)
}

/// Criterion benchmarks of `bench/`, and the ratios of their medians.
fn criterion(benches: &[(String, PathBuf)], out: &Path) -> Result<Value, String> {
    let bench = root().join("bench");
    let results = bench.join("target/criterion");
    // Only this run's estimates are read.
    let _ = fs::remove_dir_all(&results);
    let log = out.join("criterion.log");
    let mut text = String::new();
    for (name, exe) in benches {
        let mut cmd = Command::new(exe);
        cmd.arg("--bench").env("CRITERION_HOME", &results).current_dir(&bench);
        let (ok, stdout, stderr) = run_bounded(cmd, CRITERION_TIMEOUT)?;
        let _ = write!(text, "==> {name}\n{stdout}\n{stderr}\n");
        let _ = fs::write(&log, &text);
        if !ok {
            return Err(format!("the {name} benchmark failed; see {}", log.display()));
        }
    }
    let estimate = |group: &str, id: &str| -> Value {
        let path = results.join(group).join(id).join("new/estimates.json");
        let Ok(text) = fs::read_to_string(&path) else { return Value::Null };
        let Ok(v) = serde_json::from_str::<Value>(&text) else { return Value::Null };
        json!({
            "median_ns": v["median"]["point_estimate"],
            "median_ci_ns": [v["median"]["confidence_interval"]["lower_bound"], v["median"]["confidence_interval"]["upper_bound"]],
            "mean_ns": v["mean"]["point_estimate"],
        })
    };
    let pairs = [
        ("decode", "generated", "handwritten"),
        ("decode", "generated_runtime_decoder", "handwritten"),
        ("roundtrip", "client", "reqwest"),
        ("paginate_1000", "client", "reqwest"),
        ("generate_progenitor_nexus", "ours", "progenitor"),
    ];
    let mut comparisons = Vec::new();
    for (group, a, b) in pairs {
        let (ea, eb) = (estimate(group, a), estimate(group, b));
        let ratio = match (ea["median_ns"].as_f64(), eb["median_ns"].as_f64()) {
            (Some(x), Some(y)) if y > 0.0 => json!(x / y),
            _ => Value::Null,
        };
        comparisons
            .push(json!({"group": group, "a": a, "b": b, "a_est": ea, "b_est": eb, "median_ratio": ratio}));
    }
    let single = json!({"group": "generate_box", "id": "ours", "est": estimate("generate_box", "ours")});
    Ok(json!({"comparisons": comparisons, "generate_box": single, "log": log.display().to_string()}))
}

// ---------------------------------------------------------------------------------------------
// Numbers

fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn ratio(a: &Value, b: &Value) -> Value {
    match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) if b > 0.0 && a.is_finite() => json!(a / b),
        _ => Value::Null,
    }
}

/// One comparison row for a spec both generators handle.
fn row(t: &Value, rss: &Value, check: &Value) -> Value {
    let (o, p) = (&t["ours"], &t["progenitor"]);
    json!({
        "spec": t["spec"],
        "bytes": t["bytes"],
        "gen_ms": {"ours": o["median_ms"], "progenitor": p["median_ms"], "ratio": ratio(&o["median_ms"], &p["median_ms"]),
                   "ours_runs": o["runs_ms"], "progenitor_runs": p["runs_ms"]},
        "lines": {"ours": o["lines"], "ours_without_runtime": o["lines_without_runtime"], "progenitor": p["lines"],
                  "ratio_without_runtime": ratio(&o["lines_without_runtime"], &p["lines"]),
                  "ratio_with_runtime": ratio(&o["lines"], &p["lines"])},
        "check_s": {"ours": check["ours"]["median_s"], "progenitor": check["progenitor"]["median_s"],
                    "ratio": ratio(&check["ours"]["median_s"], &check["progenitor"]["median_s"]),
                    "ours_module": check["ours_module"]["median_s"],
                    "ratio_module": ratio(&check["ours_module"]["median_s"], &check["progenitor"]["median_s"]),
                    "ours_app_tls": check[APP_TLS]["median_s"],
                    "ratio_app_tls": ratio(&check[APP_TLS]["median_s"], &check["progenitor"]["median_s"]),
                    "ours_app_tls_runs": check[APP_TLS]["runs_s"],
                    "progenitor_tls": check[PROGENITOR_TLS]["median_s"],
                    "ratio_progenitor_tls": ratio(&check["ours"]["median_s"], &check[PROGENITOR_TLS]["median_s"]),
                    "progenitor_tls_runs": check[PROGENITOR_TLS]["runs_s"],
                    "ours_runs": check["ours"]["runs_s"], "progenitor_runs": check["progenitor"]["runs_s"],
                    "ours_module_runs": check["ours_module"]["runs_s"],
                    "ours_warnings": check["ours"]["warnings"], "progenitor_warnings": check["progenitor"]["warnings"],
                    "ours_module_warnings": check["ours_module"]["warnings"],
                    "ours_ok": check["ours"]["ok"], "progenitor_ok": check["progenitor"]["ok"],
                    "progenitor_detail": check["progenitor"]["detail"]},
        "check_setup_s": split(check, "setup_median_s"),
        "check_own_s": split(check, "own_median_s"),
        "rss_mib": {"ours": rss["ours"]["median_mib"], "progenitor": rss["progenitor"]["median_mib"],
                    "ratio": ratio(&rss["ours"]["median_mib"], &rss["progenitor"]["median_mib"]),
                    "method": rss["method"]},
    })
}

/// One part of the checks' split ([`check_split`]) for ours, ours with TLS left to the
/// application, progenitor's and progenitor's with TLS, with ours/progenitor.
fn split(check: &Value, part: &str) -> Value {
    json!({"ours": check["ours"][part], "ours_app_tls": check[APP_TLS][part], "progenitor": check["progenitor"][part],
           "progenitor_tls": check[PROGENITOR_TLS][part],
           "ratio": ratio(&check["ours"][part], &check["progenitor"][part])})
}

fn geomean(values: impl Iterator<Item = f64>) -> Value {
    let logs: Vec<f64> = values.filter(|v| v.is_finite() && *v > 0.0).map(f64::ln).collect();
    if logs.is_empty() { Value::Null } else { json!((logs.iter().sum::<f64>() / logs.len() as f64).exp()) }
}

fn geomeans(rows: &[Value]) -> Value {
    let of = |a: &str, b: &str| geomean(rows.iter().filter_map(|r| r[a][b].as_f64()));
    json!({
        "gen_ms": of("gen_ms", "ratio"),
        "lines_without_runtime": of("lines", "ratio_without_runtime"),
        "lines_with_runtime": of("lines", "ratio_with_runtime"),
        "check_s": of("check_s", "ratio"),
        "check_module_s": of("check_s", "ratio_module"),
        "check_app_tls_s": of("check_s", "ratio_app_tls"),
        "check_progenitor_tls_s": of("check_s", "ratio_progenitor_tls"),
        "check_setup_s": of("check_setup_s", "ratio"),
        "check_own_s": of("check_own_s", "ratio"),
        "rss_mib": of("rss_mib", "ratio"),
    })
}

/// The targets, each with the measured value and whether it is met.
fn targets(report: &Value) -> Value {
    let mut out = Vec::new();
    let mut add = |name: &str, value: Value, goal: &str, met: Option<bool>| {
        out.push(json!({"target": name, "value": value, "goal": goal, "met": met}));
    };
    let gen_ratio = report["geomean"]["gen_ms"].as_f64();
    add(
        "generation >= 2x faster than progenitor (geometric mean of ours/progenitor)",
        json!(gen_ratio),
        "<= 0.5",
        gen_ratio.map(|r| r <= 0.5),
    );
    // (label, group and ratio of each row, geometric mean)
    for (label, group, ratio_key, geomean_key) in [
        ("cargo check of our crate no slower than progenitor's, per spec", "check_s", "ratio", "check_s"),
        (
            "the same, with TLS left to the application as in progenitor's crate (not the issue's target)",
            "check_s",
            "ratio_app_tls",
            "check_app_tls_s",
        ),
        (
            "the same, with progenitor's crate given reqwest's TLS as its users need for an https API (not the issue's target)",
            "check_s",
            "ratio_progenitor_tls",
            "check_progenitor_tls_s",
        ),
        (
            "the crate's own compile (check − no-op check), without cargo's set-up (not the issue's target)",
            "check_own_s",
            "ratio",
            "check_own_s",
        ),
    ] {
        let check_ratios: Vec<(String, f64)> = report["both"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["spec"].as_str()?.to_owned(), r[group][ratio_key].as_f64()?)))
            .collect();
        let slower: Vec<String> =
            check_ratios.iter().filter(|(_, r)| *r > 1.0).map(|(s, r)| format!("{s} {r:.2}")).collect();
        add(
            label,
            json!({"geomean": report["geomean"][geomean_key], "slower": slower}),
            "every ratio <= 1.0",
            (!check_ratios.is_empty()).then_some(slower.is_empty()),
        );
    }
    let large_ms = report["large"]["gen_ms_median"].as_f64();
    add("10 MB spec generation time", json!(large_ms), "< 5000 ms", large_ms.map(|v| v < 5000.0));
    let large_rss = report["large"]["rss_mib_median"].as_f64();
    add("10 MB spec peak RSS", json!(large_rss), "< 1024 MiB", large_rss.map(|v| v < 1024.0));
    let comparison = |group: &str, a: &str| {
        report["criterion"]["comparisons"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["group"] == group && c["a"] == a)
            .and_then(|c| c["median_ratio"].as_f64())
    };
    let interleaved = |group: &str, name: &str| {
        report["interleaved"][group]["ratios"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == name)
            .and_then(|r| r["p50_ratio"].as_f64())
    };
    for (label, group, name, crit_group, crit_a) in [
        ("decode generated / hand-written types", "decode", "generated/handwritten", "decode", "generated"),
        ("round trip client / bare reqwest at p50", "roundtrip", "client/reqwest", "roundtrip", "client"),
    ] {
        let p50 = interleaved(group, name);
        add(
            &format!("{label} (interleaved p50; criterion median in brackets)"),
            json!({"p50_ratio": p50, "criterion_ratio": comparison(crit_group, crit_a)}),
            "<= 1.05",
            p50.map(|r| r <= 1.05),
        );
    }
    json!(out)
}

// ---------------------------------------------------------------------------------------------
// Output

fn f(v: &Value, digits: usize) -> String {
    v.as_f64().map_or("—".to_owned(), |x| format!("{x:.digits$}"))
}

fn n(v: &Value) -> String {
    v.as_u64().map_or("—".to_owned(), |x| x.to_string())
}

/// Markdown tables of the whole report (pasted into docs/benchmarks.md as they are).
fn render(report: &Value) -> String {
    let mut s = String::new();
    let rows = report["both"].as_array().cloned().unwrap_or_default();
    let g = &report["geomean"];
    let _ = writeln!(
        s,
        "### Specs both generators handle ({} of them), medians of at least {} runs\n",
        rows.len(),
        report["runs"]
    );
    let _ = writeln!(
        s,
        "Generation (in-process, text → formatted files; a spec generated in milliseconds gets more runs, \
         until each generator ran 100 ms) and peak RSS of one generation in a child process:\n"
    );
    let _ = writeln!(
        s,
        "| spec | size kB | gen ms ours | gen ms progenitor | ratio | RSS MiB ours | RSS MiB progenitor | ratio |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let _ = writeln!(
            s,
            "| {} | {:.1} | {} | {} | {} | {} | {} | {} |",
            r["spec"].as_str().unwrap_or(""),
            r["bytes"].as_f64().unwrap_or(0.0) / 1000.0,
            f(&r["gen_ms"]["ours"], 1),
            f(&r["gen_ms"]["progenitor"], 1),
            f(&r["gen_ms"]["ratio"], 2),
            f(&r["rss_mib"]["ours"], 1),
            f(&r["rss_mib"]["progenitor"], 1),
            f(&r["rss_mib"]["ratio"], 2),
        );
    }
    let _ = writeln!(
        s,
        "| **geometric mean** | | | | **{}** | | | **{}** |\n",
        f(&g["gen_ms"], 2),
        f(&g["rss_mib"], 2)
    );

    let _ = writeln!(
        s,
        "Generated Rust lines (ours without / with the hand-written runtime copy in `src/runtime/`; \
         progenitor's runtime is the `progenitor-client` dependency, so the like-for-like ratio is the one \
         without):\n"
    );
    let _ = writeln!(
        s,
        "| spec | ours w/o runtime | ours total | progenitor | ratio w/o runtime | ratio total |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r["spec"].as_str().unwrap_or(""),
            n(&r["lines"]["ours_without_runtime"]),
            n(&r["lines"]["ours"]),
            n(&r["lines"]["progenitor"]),
            f(&r["lines"]["ratio_without_runtime"], 2),
            f(&r["lines"]["ratio_with_runtime"], 2),
        );
    }
    let _ = writeln!(
        s,
        "| **geometric mean** | | | | **{}** | **{}** |\n",
        f(&g["lines_without_runtime"], 2),
        f(&g["lines_with_runtime"], 2)
    );

    if rows.iter().any(|r| !r["check_s"]["ours"].is_null() || !r["check_s"]["progenitor"].is_null()) {
        let _ = writeln!(
            s,
            "`cargo check` of the generated crate, dependencies pre-built, after `cargo clean -p <crate>` \
             (a crate checked in a fraction of a second gets more rounds, until each side took {CHECK_MIN_TOTAL_S} s, \
             at most {CHECK_MAX_RUNS}):\n"
        );
        let _ = writeln!(
            s,
            "Ours in both layouts: the runtime as its own crate (`runtime_crate`, as the Atlas crate; it\n\
             stays built like progenitor's `progenitor-client`) and as a module of the crate (the CLI default).\n\
             \"App TLS\": ours (runtime crate) without its default TLS backend, leaving TLS to the application\n\
             as the manifest `cargo-progenitor` writes does (reqwest without any TLS feature).\n\
             \"Progenitor, TLS\": progenitor's crate with reqwest's `rustls` feature, which its users add to\n\
             call an https API; its ratio is ours (default, with TLS) / it.\n"
        );
        let _ = writeln!(
            s,
            "| spec | check s ours | check s progenitor | ratio | check s ours, runtime module | ratio | check s ours, app TLS | ratio | check s progenitor, TLS | ratio | warnings ours / module / progenitor |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for r in &rows {
            let c = &r["check_s"];
            let prog = if c["progenitor_ok"] == false {
                format!("fails: {}", one_line(c["progenitor_detail"].as_str().unwrap_or(""), 80))
            } else {
                f(&c["progenitor"], 2)
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} / {} |",
                r["spec"].as_str().unwrap_or(""),
                f(&c["ours"], 2),
                prog,
                f(&c["ratio"], 2),
                f(&c["ours_module"], 2),
                f(&c["ratio_module"], 2),
                f(&c["ours_app_tls"], 2),
                f(&c["ratio_app_tls"], 2),
                f(&c["progenitor_tls"], 2),
                f(&c["ratio_progenitor_tls"], 2),
                n(&c["ours_warnings"]),
                n(&c["ours_module_warnings"]),
                n(&c["progenitor_warnings"]),
            );
        }
        let _ = writeln!(
            s,
            "| **geometric mean** | | | **{}** | | **{}** | | **{}** | | **{}** | |\n",
            f(&g["check_s"], 2),
            f(&g["check_module_s"], 2),
            f(&g["check_app_tls_s"], 2),
            f(&g["check_progenitor_tls_s"], 2)
        );
        let _ = writeln!(
            s,
            "Where the check time goes. Right after each timed check, a no-op `cargo check` of the same \
             crate times cargo's set-up alone: reading the lockfile and every package's manifest, resolving \
             the graph, comparing fingerprints. The rest of the timed check (check − no-op, paired per round) \
             is the crate's own compile by rustc:\n"
        );
        let _ = writeln!(
            s,
            "| spec | set-up s ours | set-up s ours, app TLS | set-up s progenitor | ratio | set-up s progenitor, TLS | own compile s ours | own compile s progenitor | ratio |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for r in &rows {
            let (setup, own) = (&r["check_setup_s"], &r["check_own_s"]);
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r["spec"].as_str().unwrap_or(""),
                f(&setup["ours"], 3),
                f(&setup["ours_app_tls"], 3),
                f(&setup["progenitor"], 3),
                f(&setup["ratio"], 2),
                f(&setup["progenitor_tls"], 3),
                f(&own["ours"], 3),
                f(&own["progenitor"], 3),
                f(&own["ratio"], 2),
            );
        }
        let _ = writeln!(
            s,
            "| **geometric mean** | | | | **{}** | | | | **{}** |\n",
            f(&g["check_setup_s"], 2),
            f(&g["check_own_s"], 2)
        );
    }

    let only = report["not_both"].as_array().cloned().unwrap_or_default();
    if !only.is_empty() {
        let _ = writeln!(s, "### Specs progenitor (or we) cannot generate\n");
        let _ = writeln!(s, "| spec | ours | ours gen ms | ours lines (w/o runtime) | progenitor |");
        let _ = writeln!(s, "|---|---|---:|---:|---|");
        for o in &only {
            let ours = if o["ours_ok"] == true {
                "ok".to_owned()
            } else {
                format!("fails: {}", one_line(o["ours_error"].as_str().unwrap_or(""), 80))
            };
            let prog = if o["progenitor_ok"] == true {
                "ok".to_owned()
            } else {
                format!("`{}`", one_line(o["progenitor_error"].as_str().unwrap_or(""), 140).replace('`', "'"))
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                o["spec"].as_str().unwrap_or(""),
                ours,
                f(&o["ours_ms"], 1),
                n(&o["ours_lines_without_runtime"]),
                prog
            );
        }
        s.push('\n');
    }

    let large = &report["large"];
    if !large.is_null() {
        let _ = writeln!(s, "### Synthesized large spec\n");
        let _ = writeln!(
            s,
            "{:.2} MB ({} copies of `corpus/box.json` under renamed prefixes: {} paths, {} operations, {} schemas). Ours: **{} ms** median generation, **{} MiB** median peak RSS, {} generated lines. Progenitor: {}.\n",
            large["synth"]["bytes"].as_f64().unwrap_or(0.0) / 1e6,
            large["synth"]["copies"],
            large["synth"]["paths"],
            large["synth"]["operations"],
            large["synth"]["schemas"],
            f(&large["gen_ms_median"], 0),
            f(&large["rss_mib_median"], 0),
            n(&large["lines"]),
            if large["progenitor_ok"] == true {
                format!("{} ms", f(&large["progenitor_ms_median"], 0))
            } else {
                format!(
                    "`{}`",
                    one_line(large["progenitor_error"].as_str().unwrap_or(""), 140).replace('`', "'")
                )
            }
        );
    }

    let crit = &report["criterion"];
    if !crit.is_null() {
        let _ = writeln!(s, "### Runtime and generation benchmarks (criterion medians)\n");
        let _ = writeln!(s, "| group | a | b | a median | b median | a / b |");
        let _ = writeln!(s, "|---|---|---|---:|---:|---:|");
        for c in crit["comparisons"].as_array().into_iter().flatten() {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                c["group"].as_str().unwrap_or(""),
                c["a"].as_str().unwrap_or(""),
                c["b"].as_str().unwrap_or(""),
                human_ns(&c["a_est"]["median_ns"]),
                human_ns(&c["b_est"]["median_ns"]),
                f(&c["median_ratio"], 3),
            );
        }
        let _ = writeln!(
            s,
            "| generate_box | ours | | {} | | |\n",
            human_ns(&crit["generate_box"]["est"]["median_ns"])
        );
    }
    let inter = &report["interleaved"];
    if !inter.is_null() {
        let _ = writeln!(
            s,
            "Runtime, one operation at a time with the variants taking turns (single-operation times, µs):\n"
        );
        let _ = writeln!(s, "| operation | variant | samples | p50 | p90 | p99 | mean | p50 ratio |");
        let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---|");
        for group in ["decode", "roundtrip", "paginate_1000"] {
            let g = &inter[group];
            for v in g["variants"].as_array().into_iter().flatten() {
                let name = v["name"].as_str().unwrap_or("");
                let ratio = g["ratios"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|r| r["name"].as_str().is_some_and(|n| n.starts_with(&format!("{name}/"))))
                    .map(|r| format!("{} = **{}**", r["name"].as_str().unwrap_or(""), f(&r["p50_ratio"], 3)))
                    .unwrap_or_else(|| "(baseline)".to_owned());
                let _ = writeln!(
                    s,
                    "| {group} | {name} | {} | {} | {} | {} | {} | {ratio} |",
                    n(&v["samples"]),
                    f(&v["p50_us"], 1),
                    f(&v["p90_us"], 1),
                    f(&v["p99_us"], 1),
                    f(&v["mean_us"], 1),
                );
            }
        }
        s.push('\n');
    }

    let _ = writeln!(s, "### Targets\n");
    let _ = writeln!(s, "| target | goal | measured | met |");
    let _ = writeln!(s, "|---|---|---|---|");
    for t in report["targets"].as_array().into_iter().flatten() {
        let value = match &t["value"] {
            Value::Number(_) => f(&t["value"], 3),
            Value::Null => "not measured".to_owned(),
            other if other.get("p50_ratio").is_some() => {
                format!("{} ({})", f(&other["p50_ratio"], 3), f(&other["criterion_ratio"], 3))
            }
            other => {
                let slower = other["slower"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "));
                format!(
                    "geomean {}; slower: {}",
                    f(&other["geomean"], 2),
                    slower.filter(|x| !x.is_empty()).unwrap_or_else(|| "none".to_owned())
                )
            }
        };
        let met = match t["met"].as_bool() {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            t["target"].as_str().unwrap_or(""),
            t["goal"].as_str().unwrap_or(""),
            value,
            met
        );
    }
    s
}

fn human_ns(v: &Value) -> String {
    match v.as_f64() {
        None => "—".to_owned(),
        Some(ns) if ns >= 1e9 => format!("{:.3} s", ns / 1e9),
        Some(ns) if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        Some(ns) if ns >= 1e3 => format!("{:.1} µs", ns / 1e3),
        Some(ns) => format!("{ns:.0} ns"),
    }
}

fn one_line(text: &str, max: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > max { joined.chars().take(max).collect::<String>() + "…" } else { joined }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The crate name `bench-gen` derives from the spec's file stem.
fn crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) { name } else { format!("api_{name}") }
}

// ---------------------------------------------------------------------------------------------
// The machine

fn machine() -> Value {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_kib = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:").and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    let os = fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned()))
        .unwrap_or_else(|| "unknown".to_owned());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned();
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    json!({"cpu": cpu, "cores": cores, "ram_gib": mem_kib as f64 / 1024.0 / 1024.0, "os": os, "kernel": kernel, "rustc": rustc})
}

/// The commit measured, and how many paths the generator, the client and the benchmarks differ
/// from it by (other work in progress in the same tree).
fn source() -> Value {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let commit = git(&["rev-parse", "HEAD"]).map(|c| c.trim().to_owned());
    let uncommitted = git(&["status", "--porcelain", "--", "codegen", "generated", "bench"])
        .map(|s| s.lines().filter(|l| !l.trim().is_empty()).count());
    json!({"commit": commit, "uncommitted": uncommitted})
}

fn machine_line(m: &Value) -> String {
    format!(
        "{}, {} cores, {:.1} GiB RAM, {} (Linux {}), {}",
        m["cpu"].as_str().unwrap_or(""),
        m["cores"],
        m["ram_gib"].as_f64().unwrap_or(0.0),
        m["os"].as_str().unwrap_or(""),
        m["kernel"].as_str().unwrap_or(""),
        m["rustc"].as_str().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_ratios_and_geomeans() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(ratio(&json!(1.0), &json!(4.0)), json!(0.25));
        assert_eq!(ratio(&json!(1.0), &Value::Null), Value::Null);
        let g = geomean([0.25, 1.0].into_iter()).as_f64().unwrap();
        assert!((g - 0.5).abs() < 1e-12);
        assert_eq!(geomean(std::iter::empty()), Value::Null);
    }

    #[test]
    fn a_check_splits_into_setup_and_own_compile_per_round() {
        // Rounds pair up: own compile is each check minus the no-op right after it.
        let (setup, own) = check_split(&[0.30, 0.50, 0.32], &[0.10, 0.20, 0.11]);
        assert_eq!(setup, json!(0.11));
        let own = own.as_f64().unwrap();
        assert!((own - 0.21).abs() < 1e-12, "{own}");
        assert_eq!(check_split(&[], &[]), (Value::Null, Value::Null));
        assert_eq!(check_split(&[0.3], &[]), (Value::Null, Value::Null));
    }

    #[test]
    fn options() {
        let o = parse(&["--runs".into(), "3".into(), "--skip-check".into()]).unwrap();
        assert_eq!(o.runs, 3);
        assert!(!o.check && o.large && o.runtime);
        assert!(o.corpus.ends_with("corpus"));
        assert!(parse(&["--runs".into(), "0".into()]).is_err());
        assert!(parse(&["--bogus".into()]).is_err());
    }

    #[test]
    fn the_app_tls_variant_drops_only_the_default_tls_backend() {
        let manifest =
            "[features]\ndefault = [\"customers\", \"rustls\"]\ncustomers = []\nrustls = [\"rt/rustls\"]\n";
        assert_eq!(
            without_default_tls(manifest).unwrap(),
            "[features]\ndefault = [\"customers\"]\ncustomers = []\nrustls = [\"rt/rustls\"]\n"
        );
        assert_eq!(without_default_tls("default = [\"rustls\"]\n").unwrap(), "default = []\n");
        assert!(without_default_tls("default = [\"customers\"]\n").is_err());
    }

    #[test]
    fn the_progenitor_tls_variant_adds_rustls_to_reqwest_only() {
        let manifest = "[dependencies]\nbytes = \"1.9\"\nreqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"stream\"] }\nserde = { version = \"1.0\", features = [\"derive\"] }\n";
        assert_eq!(
            with_reqwest_tls(manifest).unwrap(),
            "[dependencies]\nbytes = \"1.9\"\nreqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"stream\", \"rustls\"] }\nserde = { version = \"1.0\", features = [\"derive\"] }\n"
        );
        assert!(with_reqwest_tls("[dependencies]\nreqwest = \"0.13\"\n").is_err());
    }

    #[test]
    fn targets_are_judged() {
        let report = json!({
            "geomean": {"gen_ms": 0.4, "check_s": 1.2, "check_app_tls_s": 0.9, "check_progenitor_tls_s": 1.1, "check_own_s": 0.8},
            "both": [{"spec": "a.json", "check_s": {"ratio": 1.2, "ratio_app_tls": 0.9, "ratio_progenitor_tls": 1.1},
                      "check_own_s": {"ratio": 0.8}}],
            "large": {"gen_ms_median": 4000.0, "rss_mib_median": 2000.0},
            "criterion": {"comparisons": [{"group": "decode", "a": "generated", "median_ratio": 1.3}]},
            "interleaved": {
                "decode": {"ratios": [{"name": "generated/handwritten", "p50_ratio": 1.01}]},
                "roundtrip": {"ratios": [{"name": "client/reqwest", "p50_ratio": 1.2}]},
            },
        });
        let t = targets(&report);
        let met: Vec<Option<bool>> = t.as_array().unwrap().iter().map(|x| x["met"].as_bool()).collect();
        assert_eq!(
            met,
            [
                Some(true),
                Some(false),
                Some(true),
                Some(false),
                Some(true),
                Some(true),
                Some(false),
                Some(true),
                Some(false)
            ]
        );
        let text = render(&json!({"runs": 5, "both": [], "geomean": {}, "targets": t}));
        assert!(text.contains("| 10 MB spec peak RSS | < 1024 MiB | 2000.000 | **no** |"), "{text}");
        assert!(text.contains("| 1.010 (1.300) | yes |"), "{text}");
    }
}
