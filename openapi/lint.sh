#!/usr/bin/env bash
# Lints openapi/atlas.yaml: Redocly CLI (pinned in package.json) with redocly.yaml, then
# openapi-spec-validator (pinned in requirements.txt) from a local virtualenv. Runs from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Node tooling: (re)install only when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
  touch node_modules
fi

echo "==> redocly lint"
npx --no-install redocly lint atlas.yaml --config redocly.yaml

# Python tooling in openapi/.venv; reinstall when requirements.txt changes.
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
if [ ! -f .venv/.requirements-installed ] || [ requirements.txt -nt .venv/.requirements-installed ]; then
  echo "==> pip install -r requirements.txt"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  touch .venv/.requirements-installed
fi

echo "==> openapi-spec-validator"
.venv/bin/openapi-spec-validator atlas.yaml
