//! `cargo xtask ci`: every check CI runs, in order, failing fast.

use std::process::Command;
use std::time::Instant;

use crate::root;

struct Step {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
}

const STEPS: &[Step] = &[
    // The generated crate's sources are formatted by prettyplease, not rustfmt: only the
    // hand-written crates, the runtime and the generated crate's tests/examples are checked.
    Step { name: "format", program: "cargo", args: &["fmt", "-p", "codegen", "-p", "xtask", "--check"] },
    Step { name: "format runtime", program: "scripts/fmt-check.sh", args: &[] },
    Step {
        name: "drift",
        program: "cargo",
        args: &["run", "--quiet", "--locked", "--package", "xtask", "--", "check"],
    },
    Step {
        name: "clippy",
        program: "cargo",
        args: &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
    },
    // Licences, duplicate crates, wildcard requirements and sources of the whole dependency
    // graph (see deny.toml); advisories are not checked (their database is on GitHub).
    Step { name: "cargo deny", program: "sh", args: &["-c", CARGO_DENY] },
    Step { name: "spec lint", program: "openapi/lint.sh", args: &[] },
    Step { name: "tests", program: "cargo", args: &["test", "--workspace", "--locked"] },
    // Resource features: the crate compiles with none, and with one resource alone. TLS features:
    // each backend compiles (native-tls builds against the system's OpenSSL: Debian's libssl-dev)
    // and reaches the network over https, rustls (the default, in "tests") verifies a loopback
    // server's certificate, and without either an https request fails with an error that names
    // them (tests/tls.rs).
    Step {
        name: "features",
        program: "sh",
        args: &[
            "-c",
            "set -e; \\
             cargo check --quiet --locked -p atlaspay --no-default-features; \\
             cargo check --quiet --locked -p atlaspay --no-default-features --features customers; \\
             cargo check --quiet --locked -p atlaspay --no-default-features --features checkout_sessions,payments; \\
             cargo test --quiet --locked -p atlaspay --no-default-features --features customers --test tls; \\
             dpkg -s libssl-dev pkg-config >/dev/null 2>&1 || \\
               { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev pkg-config; }; \\
             cargo test --quiet --locked -p atlaspay --no-default-features --features customers,native-tls --test tls",
        ],
    },
    // Rustdoc lints (broken links, invalid HTML) on the generated crate's documentation.
    Step {
        name: "docs",
        program: "sh",
        args: &[
            "-c",
            "RUSTDOCFLAGS='-D warnings' cargo doc --package atlaspay --package atlaspay-runtime --no-deps --locked --quiet",
        ],
    },
    Step {
        name: "corpus",
        program: "cargo",
        args: &[
            "run",
            "--quiet",
            "--locked",
            "--package",
            "xtask",
            "--",
            "corpus",
            "corpus",
            "--expect-ok",
            "--examples",
            "--clippy",
            "--doc",
        ],
    },
];

/// Installs the pinned cargo-deny from crates.io unless `cargo deny --version` already reports
/// it (then the step takes seconds), and runs the checks that need no network.
const CARGO_DENY: &str = concat!(
    "set -eu; v=0.20.2; ",
    "[ \"$(cargo deny --version 2>/dev/null)\" = \"cargo-deny $v\" ] ",
    "|| cargo install cargo-deny --locked --version \"$v\"; ",
    "cargo deny --all-features --locked check licenses bans sources",
);

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`cargo xtask ci` takes no arguments (got {extra:?})"));
    }
    let started = Instant::now();
    for step in STEPS {
        let t = Instant::now();
        println!("==> {} ({} {})", step.name, step.program, step.args.join(" "));
        // Repository scripts are named by path; tools are looked up on PATH.
        let program =
            if step.program.contains('/') { root().join(step.program) } else { step.program.into() };
        let status = Command::new(program)
            .args(step.args)
            .current_dir(root())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", step.program))?;
        if !status.success() {
            return Err(format!("step `{}` failed ({status})", step.name));
        }
        println!("<== {} passed in {:.1?}", step.name, t.elapsed());
    }
    println!("ci: all steps passed in {:.1?}", started.elapsed());
    Ok(())
}
