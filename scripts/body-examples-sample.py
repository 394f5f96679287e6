#!/usr/bin/env python3
"""Copies every EVERY-th APIs.guru spec (under 3 MB) whose request bodies have an example on their
media type (`example` or `examples`) into OUT, named as `scripts/coverage.sh` names its sample:
the specs whose usage examples are built from the description's example bodies. Check them with
`cargo xtask corpus OUT --doc` (each method's example compiles).

    scripts/body-examples-sample.py [EVERY [OUT]]   # defaults: 3, target/coverage/bodyex

Needs the APIs.guru copy `scripts/coverage.sh` unpacks (target/coverage/directory).
"""
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "target/coverage/directory/package/api"


def body_examples(spec: dict) -> int:
    """The number of request bodies whose media types carry an example."""
    count = 0
    for item in (spec.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for op in item.values():
            body = op.get("requestBody") if isinstance(op, dict) else None
            if not isinstance(body, dict):
                continue
            for media in (body.get("content") or {}).values():
                if isinstance(media, dict) and ("example" in media or "examples" in media):
                    count += 1
    return count


def main() -> None:
    every = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "target/coverage/bodyex"
    if not API.is_dir():
        sys.exit(f"{API}: not found (run scripts/coverage.sh first)")
    with_examples = []
    for path in sorted(API.rglob("*.json")):
        if path.stat().st_size > 3_000_000:
            continue
        with open(path, encoding="utf-8") as f:
            if body_examples(json.load(f)):
                with_examples.append(path)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    chosen = with_examples[::every]
    for path in chosen:
        name = re.sub(r"[^A-Za-z0-9]", "_", str(path.relative_to(API))[: -len(".json")])
        shutil.copy(path, out / f"{name}.json")
    print(f"{len(with_examples)} specs with request body examples; {len(chosen)} copied to {out}")


if __name__ == "__main__":
    main()
