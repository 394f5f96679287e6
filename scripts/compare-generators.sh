#!/usr/bin/env bash
# Generates every spec in DIR with two codegen binaries and lists the specs whose crates differ:
# a change meant to leave the output alone (a faster path, a refactor) shows none.
#
#   scripts/compare-generators.sh OLD_BIN NEW_BIN [DIR]   # DIR defaults to the APIs.guru copy
#
# Files and directories named in EXCLUDE (space-separated names, as `diff -x` takes them) are
# left out, e.g. `EXCLUDE="runtime README.md"` after a change to the runtime copy every crate has.
#
# Build OLD_BIN from an earlier commit, e.g.
#   git worktree add /tmp/old REV && cargo build --release -p codegen --manifest-path /tmp/old/Cargo.toml
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: compare-generators.sh OLD_BIN NEW_BIN [DIR]}
new=${2:?usage: compare-generators.sh OLD_BIN NEW_BIN [DIR]}
dir=${3:-target/coverage/directory/package/api}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
same=0 differ=0
while IFS= read -r -d '' f; do
  rm -rf "$out/old" "$out/new"
  # A refusal is output too: its message is compared like a crate. Both write to the same
  # directory, which the message names, and the crate is moved aside after each.
  for side in old new; do
    rm -rf "$out/crate"
    # The count of files written changes with the runtime's; the excluded files are not compared.
    timeout 120 "${!side}" "$f" --out "$out/crate" --crate-name generated 2>&1 >/dev/null \
      | sed -E 's/^wrote [0-9]+ files/wrote N files/' >"$out/$side.err" || true
    if [ -d "$out/crate" ]; then mv "$out/crate" "$out/$side"; else mkdir "$out/$side"; fi
  done
  excluded=()
  for name in ${EXCLUDE:-}; do excluded+=(-x "$name"); done
  if diff -rq "${excluded[@]}" "$out/old" "$out/new" >/dev/null 2>&1 && cmp -s "$out/old.err" "$out/new.err"; then
    same=$((same + 1))
  else
    differ=$((differ + 1))
    echo "differs: $f"
  fi
done < <(find "$dir" \( -name '*.json' -o -name '*.yaml' \) -print0 | sort -z)
echo "same $same, differ $differ"
