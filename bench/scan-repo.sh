#!/usr/bin/env bash
# Times `bulkhead scan` over this repository with the curated secrets plugin:
# once with an empty compile cache (cold) and three times warm, reporting
# wall time and peak RSS from GNU time. Usage: bench/scan-repo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/bulkhead
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

run() {
  /usr/bin/time -f '%e s wall, %M KiB peak RSS' \
    "$bin" scan . --skip-dir target --skip-dir .git --severity-threshold none \
    --cache-dir "$cache" --format json --stats -o /dev/null 2>&1 | sed 's/^bulkhead-stats //'
}

echo "files: $(git ls-files | wc -l) tracked, $(du -sh --exclude=target --exclude=.git . | cut -f1) on disk (without target/ and .git/)"
echo "cold (compiles the plugin):"; run
for i in 1 2 3; do echo "warm $i:"; run; done
