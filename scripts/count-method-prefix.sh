#!/usr/bin/env bash
# Counts the operation methods whose names start with PREFIX (say `set_`) over every APIs.guru
# spec that `scripts/coverage.sh` unpacked: a generator's naming, measured over real specs.
#
#   scripts/count-method-prefix.sh PREFIX [CODEGEN_BIN] [DIR]   # defaults: target/release/codegen, the APIs.guru copy
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$1
bin=${2:-target/release/codegen}
dir=${3:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
methods=0 specs=0
while IFS= read -r -d '' f; do
  rm -rf "$out/crate"
  timeout 120 "$bin" "$f" --out "$out/crate" --crate-name counted >/dev/null 2>&1 || continue
  n=$(cat "$out"/crate/src/resources/*.rs 2>/dev/null | grep -c "^    pub fn $prefix" || true)
  methods=$((methods + n))
  if [ "$n" -gt 0 ]; then specs=$((specs + 1)); fi
done < <(find "$dir" -name '*.json' -print0 | sort -z)
echo "$bin: $methods operation methods named $prefix* in $specs specs"
