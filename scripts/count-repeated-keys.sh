#!/usr/bin/env bash
# Lists the specs in which a mapping gives a key twice (the generator keeps the last value and
# warns with the mapping's pointer), over the APIs.guru and ReadMe specs `scripts/coverage.sh`
# unpacked. Generation only, no compiling.
#
#   scripts/count-repeated-keys.sh [CODEGEN_BIN]   # default: target/release/codegen
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/codegen}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
specs=0 found=0 warnings=0
while IFS= read -r -d '' f; do
  specs=$((specs + 1))
  rm -rf "$out/a"
  repeated=$(timeout 120 "$bin" "$f" --out "$out/a" 2>&1 >/dev/null | grep -c "given more than once" || true)
  if [ "$repeated" -gt 0 ]; then
    found=$((found + 1)) warnings=$((warnings + repeated))
    echo "$f: $repeated"
  fi
done < <(find target/coverage/directory/package/api target/coverage/readme-specs \( -name '*.json' -o -name '*.yaml' \) -print0 | sort -z)
echo "$specs specs, $found with a repeated key ($warnings warnings)"
