#!/usr/bin/env python3
"""How real specs name their operations, and what method names a generator gives them.

Over every JSON spec under DIR (by default the APIs.guru copy `scripts/coverage.sh` unpacks), it
counts operations without an `operationId` and operations whose `operationId` only spells out
method and path (Stripe's `GetCustomersCustomer` for `GET /v1/customers/{customer}`): the ones
the generator names from the path's shape. With `--codegen BIN ...`, each binary generates every
spec (under 3 MB) that has such operations, and the script counts the methods in the generated
READMEs whose names needed a numeric suffix to be unique (`retrieve_2`): a name that says
nothing about how it differs.

    scripts/operation-names.py [DIR] [--codegen BIN ...]
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
VERSION = re.compile(r"v\d+(\.\d+)*|api")


def words(text):
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    return [w for w in re.split(r"[^A-Za-z0-9]+", text.lower()) if w]


def echoes_path(operation_id, method, path):
    all_words = [method] + [w for seg in path.split("/") for w in words(seg)]
    named = [method] + [w for seg in path.split("/") if not VERSION.fullmatch(seg) for w in words(seg)]
    return words(operation_id) in (all_words, named)


def count(spec):
    """(operations, without an operationId, with one that echoes the path)."""
    total = missing = echoes = 0
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            total += 1
            operation_id = op.get("operationId")
            if not isinstance(operation_id, str) or not operation_id.strip():
                missing += 1
            elif echoes_path(operation_id, method, path):
                echoes += 1
    return total, missing, echoes


def suffixed_methods(binary, specs):
    """(methods, methods named with a numeric suffix) over the crates BINARY generates."""
    methods = suffixed = 0
    with tempfile.TemporaryDirectory() as out:
        for spec in specs:
            run = subprocess.run([binary, str(spec), "--out", out], capture_output=True, timeout=120)
            readme = Path(out, "README.md")
            if run.returncode != 0 or not readme.exists():
                continue
            rows = [l for l in readme.read_text().splitlines() if l.startswith("| `client.")]
            methods += len(rows)
            suffixed += sum(1 for l in rows if re.search(r"_\d+\(\)`", l))
            readme.unlink()
    return methods, suffixed


def main(args):
    binaries = []
    if "--codegen" in args:
        at = args.index("--codegen")
        binaries, args = args[at + 1 :], args[:at]
    root = Path(args[0] if args else "target/coverage/directory/package/api")
    totals = [0, 0, 0]
    specs_missing = specs_echoing = 0
    named_by_shape = []
    for path in sorted(root.rglob("*.json")):
        try:
            spec = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(spec, dict):
            continue
        total, missing, echoes = count(spec)
        totals = [a + b for a, b in zip(totals, (total, missing, echoes))]
        specs_missing += missing > 0
        specs_echoing += echoes > 0
        if (missing or echoes) and path.stat().st_size < 3_000_000:
            named_by_shape.append(path)
    print(f"{totals[0]:>7} operations")
    print(f"{totals[1]:>7} without an operationId, in {specs_missing} specs")
    print(f"{totals[2]:>7} with an operationId that only spells out method and path, in {specs_echoing} specs")
    for binary in binaries:
        methods, suffixed = suffixed_methods(binary, named_by_shape)
        print(f"{binary}: {suffixed} of {methods} methods named with a numeric suffix, in the {len(named_by_shape)} specs under 3 MB with such operations")


if __name__ == "__main__":
    main(sys.argv[1:])
