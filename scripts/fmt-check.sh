#!/usr/bin/env bash
# rustfmt --check for the Rust files cargo fmt does not reach: the runtime sources (compiled only
# inside generated crates) and the hand-written tests and examples of the generated crates.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(codegen/runtime/mod.rs generated/tests/*.rs generated/tests/contract/main.rs generated/examples/*.rs codegen/tests/generated_tests/*.rs)
rustfmt --edition 2024 --check "${files[@]}"
