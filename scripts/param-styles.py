#!/usr/bin/env python3
"""Counts how real specs write query and path parameters that are not scalars: by location,
`style`/`explode` (OpenAPI's defaults filled in) and shape, over every JSON spec under a
directory (by default the APIs.guru copy `scripts/coverage.sh` unpacks). Each line: how many
parameters, in how many specs. It shows which wire forms a client must write.

    scripts/param-styles.py [DIR]
"""

import json
import sys
from collections import defaultdict
from pathlib import Path


def resolve(doc, node, depth=0):
    """Follows local `$ref`s (`#/components/...`); anything else is returned as is."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        target = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, depth = target or {}, depth + 1
    return node if isinstance(node, dict) else {}


def shape(doc, schema):
    schema = resolve(doc, schema)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array" or "items" in schema:
        return "array"
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        return "object"
    return None


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "target/coverage/directory/package/api")
    counts = defaultdict(lambda: [0, set()])
    for path in sorted(root.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
            continue
        for item in doc["paths"].values():
            item = resolve(doc, item)
            shared = item.get("parameters") or []
            for method, op in item.items():
                if method == "parameters" or not isinstance(op, dict):
                    continue
                for param in list(shared) + list(op.get("parameters") or []):
                    param = resolve(doc, param)
                    location = param.get("in")
                    if location not in ("query", "path"):
                        continue
                    if "content" in param and "schema" not in param:
                        key = (location, "content", "-", "-")
                    else:
                        found = shape(doc, param.get("schema"))
                        if found is None:
                            continue
                        style = param.get("style", "form" if location == "query" else "simple")
                        explode = param.get("explode", style == "form")
                        key = (location, style, "explode" if explode else "no explode", found)
                    counts[key][0] += 1
                    counts[key][1].add(str(path.relative_to(root)))
    for key, (params, specs) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
        print(f"{params:7} params in {len(specs):4} specs: {' / '.join(key)}")


if __name__ == "__main__":
    main()
