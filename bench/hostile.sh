#!/usr/bin/env bash
# Wall time and peak RSS of every hostile case (tests/e2e/containment.rs
# and the measured cases elsewhere), for the table in docs/security.md.
# Runs the e2e tests one at a time so the figures do not compete.
#
#   bench/hostile.sh [--release]   # prints case, wall ms, peak MiB
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
[ "${1:-}" = "--release" ] && profile=(--release)
figures="$(mktemp)"
trap 'rm -f "$figures"' EXIT
BULKHEAD_FIGURES="$figures" cargo test "${profile[@]}" -p bulkhead --test e2e \
  -- containment:: sandbox:: --test-threads=1 >&2
printf 'case\twall ms\tpeak MiB\n'
sort "$figures"
