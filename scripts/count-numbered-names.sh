#!/usr/bin/env bash
# Counts the type names a generator had to number because another type already had the name
# (`UpdateFolderRequest2` beside `UpdateFolderRequest`) over every APIs.guru spec that
# `scripts/coverage.sh` unpacked. Names a spec itself gives with a digit (`JobStatistics2`) are
# counted too when the name without it exists; they are few.
#
#   scripts/count-numbered-names.sh [CODEGEN_BIN] [DIR]   # defaults: target/release/codegen, the APIs.guru copy
#
# Prints one line per numbered name (spec, name) to stderr and the totals to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/codegen}
dir=${2:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
total=0 numbered=0 specs=0
while IFS= read -r -d '' f; do
  rm -rf "$out/crate"
  timeout 120 "$bin" "$f" --out "$out/crate" --crate-name counted >/dev/null 2>&1 || continue
  sed -n 's/^pub \(struct\|enum\) \([A-Za-z0-9_]*\).*/\2/p' "$out/crate/src/types.rs" | sort -u >"$out/names"
  total=$((total + $(wc -l <"$out/names")))
  n=0
  while IFS= read -r name; do
    if grep -qx "${name%"${name##*[!0-9]}"}" "$out/names"; then
      echo "${f#"$dir"/} $name" >&2
      n=$((n + 1))
    fi
  done < <(grep -E '[A-Za-z][0-9]+$' "$out/names" || true)
  numbered=$((numbered + n))
  if [ "$n" -gt 0 ]; then specs=$((specs + 1)); fi
done < <(find "$dir" -name '*.json' -print0 | sort -z)
echo "$bin: $numbered numbered type names (of $total) in $specs specs"
