#!/usr/bin/env bash
# Counts the list operations a generator makes pageable (`into_stream` walks every page) over every
# APIs.guru spec that `scripts/coverage.sh` unpacked, by kind: offsets (`Pagination::Offset`), page
# numbers (`Pagination::PageNumber`), cursors (`Pagination::Cursor`: Stripe's `starting_after`, or
# a token such as `nextPageToken`), next-page links (`Pagination::NextLink`: Azure's `nextLink`) or
# `Link` headers (`Pagination::LinkHeader`: GitHub's).
#
#   scripts/count-pagination.sh [CODEGEN_BIN] [DIR]   # defaults: target/release/codegen, the APIs.guru copy
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/codegen}
dir=${2:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
offset=0 number=0 cursor=0 link=0 header=0 specs=0
while IFS= read -r -d '' f; do
  rm -rf "$out/crate"
  timeout 120 "$bin" "$f" --out "$out/crate" --crate-name counted >/dev/null 2>&1 || continue
  a=$(cat "$out"/crate/src/resources/*.rs 2>/dev/null | grep -c 'Pagination::Offset' || true)
  b=$(cat "$out"/crate/src/resources/*.rs 2>/dev/null | grep -c 'Pagination::Cursor' || true)
  c=$(cat "$out"/crate/src/resources/*.rs 2>/dev/null | grep -c 'Pagination::PageNumber' || true)
  d=$(cat "$out"/crate/src/resources/*.rs 2>/dev/null | grep -c 'Pagination::NextLink' || true)
  e=$(cat "$out"/crate/src/resources/*.rs 2>/dev/null | grep -c 'Pagination::LinkHeader' || true)
  offset=$((offset + a)) cursor=$((cursor + b)) number=$((number + c)) link=$((link + d)) header=$((header + e))
  if [ $((a + b + c + d + e)) -gt 0 ]; then specs=$((specs + 1)); fi
done < <(find "$dir" -name '*.json' -print0 | sort -z)
echo "$bin: $((offset + number + cursor + link + header)) paged list operations in $specs specs: $offset by offset, $number by page number, $cursor by cursor, $link by next-page link, $header by Link header"
