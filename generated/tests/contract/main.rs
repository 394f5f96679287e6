//! Contract tests: the generated client against a Prism mock server that validates every request
//! and every response against `openapi/atlas.yaml`.
//!
//! Needs the pinned npm packages: `npm ci --prefix openapi` (or `openapi/lint.sh`, which `cargo xtask
//! ci` runs before the tests). Prism runs on a free port of 127.0.0.1 for the one test that needs it;
//! its output goes to `target/tmp/prism-contract-*.log`, kept when the test fails.
//!
//! - `cases`: one positive case per operation of the spec (2xx, no `sl-violations`, body decoded).
//! - `negative`: error responses requested with `Prefer: code=…`, credentials that are missing, and a
//!   canary proving that a misspelt request field is caught.
//! - `spec`: the operation ids of the spec, for the test that every operation has a case.

mod cases;
mod negative;
mod prism;
mod spec;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Upper bound for one case (all of its requests).
const CASE_TIMEOUT: Duration = Duration::from_secs(20);

/// A client for the mock server with both credentials (secret key and client secret). Retries are
/// off so that a failure shows the first answer, not a retried one.
pub fn client(base_url: &str) -> atlaspay::Client {
    atlaspay::Client::builder()
        .base_url(base_url)
        .secret_key("sk_test_contract")
        .client_secret("cs_test_contract")
        .max_retries(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("the contract client builds")
}

/// Every operation, then the error contract, in one Prism session. The Prism guard lives in this
/// test, so the server is stopped when it ends, also when it fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_speaks_the_spec() {
    let started = Instant::now();
    let prism = match prism::Prism::start().await {
        Ok(prism) => prism,
        Err(err) => panic!("{err}"),
    };
    let startup = started.elapsed();
    let base_url = prism.base_url();
    let client = client(&base_url);

    let mut failures = Vec::new();
    let cases = cases::all();
    for case in &cases {
        match tokio::time::timeout(CASE_TIMEOUT, (case.run)(client.clone())).await {
            Ok(Ok(())) => {}
            Ok(Err(message)) => failures.push(format!("{}: {message}", case.operation_id)),
            Err(_) => failures.push(format!("{}: no answer within {CASE_TIMEOUT:?}", case.operation_id)),
        }
    }
    let positive_failures = failures.len();

    let negative = match tokio::time::timeout(Duration::from_secs(60), negative::run(&base_url)).await {
        Ok(report) => report,
        Err(_) => {
            negative::Report { checks: 0, failures: vec!["negative cases: no result within 60 s".to_owned()] }
        }
    };
    failures.extend(negative.failures);

    println!(
        "contract: {} positive cases ({} failed), {} negative checks ({} failed); Prism started in {:.1?}, \
         total {:.1?}",
        cases.len(),
        positive_failures,
        negative.checks,
        failures.len() - positive_failures,
        startup,
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} contract failure(s) against Prism at {base_url}:\n  - {}\n{}\n(Prism's whole output: {})",
        failures.len(),
        failures.join("\n  - "),
        prism.log_tail(30),
        prism.log_path().display()
    );
}

/// Every operation of the spec has exactly one contract case, and every case names an operation of
/// the spec. Needs no server.
#[test]
fn every_operation_has_a_contract_case() {
    let text = std::fs::read_to_string(prism::spec_path()).expect("openapi/atlas.yaml is readable");
    let operations = spec::operation_ids(&text);
    assert!(!operations.is_empty(), "no operationId found under `paths:` in openapi/atlas.yaml");

    let cases = cases::all();
    let mut covered = BTreeSet::new();
    let mut duplicates = Vec::new();
    for case in &cases {
        if !covered.insert(case.operation_id) {
            duplicates.push(case.operation_id);
        }
    }
    let missing: Vec<&str> =
        operations.iter().map(String::as_str).filter(|id| !covered.contains(id)).collect();
    let unknown: Vec<&str> =
        covered.iter().copied().filter(|id| !operations.iter().any(|op| op == id)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty() && duplicates.is_empty(),
        "contract cases do not match the {} operations of openapi/atlas.yaml\n  \
         operations without a case: {missing:?}\n  cases for unknown operations: {unknown:?}\n  \
         operations with more than one case: {duplicates:?}",
        operations.len()
    );
}
