#!/usr/bin/env bash
# Counts the operation methods a generator had to number (`get_2()`: two operations of one
# resource read alike) over every APIs.guru spec that `scripts/coverage.sh` unpacked.
#
#   scripts/count-numbered-methods.sh [CODEGEN_BIN] [DIR]   # defaults: target/release/codegen, the APIs.guru copy
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/codegen}
dir=${2:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0 specs=0 ops=0
while IFS= read -r -d '' f; do
  rm -rf "$out/a"
  timeout 120 "$bin" "$f" --out "$out/a" --crate-name counted >/dev/null 2>&1 || continue
  c=$(grep '^| `client' "$out/a/README.md" | grep -cE '\.[a-z0-9_]+_[0-9]+\(\)`' || true)
  o=$(grep -c '^| `client' "$out/a/README.md" || true)
  n=$((n + c)); ops=$((ops + o))
  if [ "$c" -gt 0 ]; then specs=$((specs + 1)); fi
done < <(find "$dir" -name '*.json' -print0 | sort -z)
echo "$bin: $n numbered method names in $specs specs, of $ops operations"
