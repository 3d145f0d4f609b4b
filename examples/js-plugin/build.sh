#!/usr/bin/env bash
# Builds the plugin into a WebAssembly component with ComponentizeJS
# (npm install @bytecodealliance/componentize-js), against the
# repository's contract.
#
#   ./build.sh [OUT.wasm]     (default: registry_auth_js.wasm here)
#
# componentize-js reads the WIT directory (--wit) and the world in it
# (--world-name) and bundles the StarlingMonkey JavaScript engine,
# pre-initialised with plugin.js loaded, into the component. `--disable`
# leaves out the WASI features a plugin has no use for (stdio, random,
# clocks, HTTP): the component then imports nothing but the host interface.
#
# `jco componentize` is a front end to the same library, but jco 1.35.0
# cannot read a WIT directory: its WIT pre-check runs wasm-tools on
# @bytecodealliance/preview2-shim 0.26, which no longer pre-opens `/`, and
# fails with "failed to get path metadata: No such file or directory (os
# error 44)". Calling componentize-js directly skips that pre-check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/registry_auth_js.wasm}"
wit="$here/../../wit/v0.2.0"
if ! command -v componentize-js >/dev/null 2>&1; then
  echo "build.sh: componentize-js is not on PATH: npm install @bytecodealliance/componentize-js (scripts/test installs it in target/tools/node)" >&2
  exit 127
fi
componentize-js "$here/plugin.js" --wit "$wit" --world-name scanner \
  --disable stdio random clocks http fetch-event -o "$out"
