#!/usr/bin/env bash
# Instructions (valgrind callgrind, deterministic where wall time on a shared VM is not) of the
# two parts of a `cargo check` of a crate `cargo xtask bench` wrote, for each side:
#   set-up: a no-op `cargo check` (lockfile, manifests, resolution, fingerprints);
#   rustc:  the crate's own rustc invocation, as cargo runs it, with an empty incremental dir.
#
# usage: scripts/check-instructions.sh CRATE [SIDE...]
#   CRATE: a crate name under target/bench/crates/<side>/ (e.g. progenitor_param_overrides)
#   SIDE:  ours (default), ours_app_tls, ours_module, progenitor (default), progenitor_tls
# Needs valgrind, and a `cargo xtask bench` run that checked CRATE (its target dirs are reused).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
crate=${1:?usage: scripts/check-instructions.sh CRATE [SIDE...]}
shift
sides=("$@")
[ ${#sides[@]} -gt 0 ] || sides=(ours progenitor)
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
cargo=$(rustup which cargo 2>/dev/null || command -v cargo)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Total instructions of a command and every process it starts (the largest is the one measured:
# cargo itself, or rustc under `bash -c`).
instructions() {
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$work/cg.%p" "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | sort -n | tail -1
    rm -f "$work"/cg.*
}

printf '%-14s %16s %16s\n' side set-up rustc
for side in "${sides[@]}"; do
    dir=$root/target/bench/crates/$side/$crate
    case $side in
    progenitor*) target=$root/target/bench/check-target-${side//_/-} ;;
    *) target=$root/target/bench/check-target-ours ;;
    esac
    [ -d "$dir" ] || { echo "$dir: not found (run cargo xtask bench first)" >&2; exit 1; }
    export CARGO_TARGET_DIR=$target
    (cd "$dir" && "$cargo" check -q)
    setup=$(cd "$dir" && instructions "$cargo" check -q)
    # The crate's rustc command line, as cargo runs it after `cargo clean -p`.
    (cd "$dir" && "$cargo" clean -q -p "$crate" && "$cargo" check -v 2>&1) |
        sed -n "s/^ *Running \`\(.*--crate-name $crate .*\)\`\$/\1/p" | head -1 >"$work/rustc"
    [ -s "$work/rustc" ] || { echo "$side: no rustc command for $crate" >&2; exit 1; }
    incremental=$(grep -o 'incremental=[^ ]*' "$work/rustc" | cut -d= -f2)
    printf 'rm -rf %q/%q-*\ncd %q\n%s\n' "$incremental" "$crate" "$dir" "$(cat "$work/rustc")" >"$work/rustc.sh"
    rustc=$(instructions bash "$work/rustc.sh")
    printf '%-14s %16s %16s\n' "$side" "$setup" "$rustc"
done
