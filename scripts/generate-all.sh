#!/usr/bin/env bash
# Generates a crate from every APIs.guru spec that `scripts/coverage.sh` unpacked (no compiling),
# printing each spec the generator refuses and, at the end, how many generated and how many of
# those have a type whose `Debug` redacts credentials (`redacted_debug!`).
#
#   scripts/generate-all.sh [CODEGEN_BIN] [DIR]   # defaults: target/release/codegen, the APIs.guru copy
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/codegen}
dir=${2:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ok=0 failed=0 redacted=0
while IFS= read -r -d '' f; do
  rm -rf "$out/a"
  if timeout 120 "$bin" "$f" --out "$out/a" --crate-name generated >/dev/null 2>"$out/err"; then
    ok=$((ok + 1))
    if grep -q 'redacted_debug!' "$out/a/src/types.rs" 2>/dev/null; then redacted=$((redacted + 1)); fi
  else
    failed=$((failed + 1))
    echo "failed: $f: $(head -c 300 "$out/err")"
  fi
done < <(find "$dir" -name '*.json' -print0 | sort -z)
echo "$bin: generated $ok, failed $failed, with a redacted Debug $redacted"
