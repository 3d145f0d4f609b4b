#!/usr/bin/env bash
# Builds the plugin into a WebAssembly component with componentize-py
# (pip install componentize-py), against the repository's contract.
#
#   ./build.sh [OUT.wasm]     (default: registry_auth_py.wasm here)
#
# componentize-py reads the WIT directory (-d) and the world in it (-w),
# generates the `wit_world` bindings module on the fly, and bundles a
# CPython interpreter, pre-initialised with app.py imported, into the
# component.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/registry_auth_py.wasm}"
wit="$here/../../wit/v0.2.0"
if ! command -v componentize-py >/dev/null 2>&1; then
  echo "build.sh: componentize-py is not on PATH: pip install componentize-py (scripts/test installs it in target/tools/venv)" >&2
  exit 127
fi
# Build from a copy: componentize-py imports app.py to pre-initialise it,
# which would leave a __pycache__ beside it.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/app.py" "$work/"
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac
cd "$work"
componentize-py -d "$wit" -w scanner componentize --python-path "$work" app -o "$out"
