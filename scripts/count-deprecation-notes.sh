#!/usr/bin/env bash
# Counts, over every APIs.guru spec that `scripts/coverage.sh` unpacked, the deprecated methods
# whose `#[deprecated]` carries a note (the description's sentence on what replaces them), those
# whose note names this crate's call, and those without a note. Generation only, no compiling.
#
#   scripts/count-deprecation-notes.sh [CODEGEN_BIN] [DIR]   # defaults: target/release/codegen, the APIs.guru copy
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/codegen}
dir=${2:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
notes=0 naming=0 bare=0
# Lines of the generated sources matching an extended regex (none is no error).
count() { { grep -rhE "$1" "$out/a/src" || true; } | wc -l; }
while IFS= read -r -d '' f; do
  rm -rf "$out/a"
  timeout 120 "$bin" "$f" --out "$out/a" >/dev/null 2>&1 || continue
  # A note on one line, or broken over three as prettyplease prints a long one.
  notes=$((notes + $(count '#\[deprecated\(note|#\[deprecated\($')))
  naming=$((naming + $(count 'note = ".*In this crate')))
  bare=$((bare + $(count '#\[deprecated\]')))
done < <(find "$dir" -name '*.json' -print0 | sort -z)
echo "deprecated methods with a note: $notes (naming this crate's call: $naming); without: $bare"
