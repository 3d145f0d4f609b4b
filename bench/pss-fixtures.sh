#!/usr/bin/env bash
# Checks Kubernetes' Pod Security conformance fixtures (vendored in
# target/upstream/pod-security-admission, fetched by scripts/upstream-suites) through the release binary at every
# version: each upstream pod bare and wrapped in a Deployment, StatefulSet,
# DaemonSet, Job and CronJob, one scan per version with
# --plugin-setting kubernetes.kubernetes-version=1.NN. Prints the pass/fail
# table per version (fail pods caught by a rule of their level, pass pods
# flagged), the disagreements, and the wall and CPU time of each scan and of
# all (the compile cache is warmed first; the binary embeds every curated
# plugin, but only the kubernetes one is handed these files).
#
# Usage: bench/pss-fixtures.sh [BINARY]            (default: a fresh release build)
#        bench/pss-fixtures.sh --legacy BINARY     a build from before the
#          kubernetes-version setting (rules K8S-001..012 count as baseline,
#          K8S-013..018 as restricted)
set -euo pipefail
cd "$(dirname "$0")/.."
legacy=0
if [ "${1:-}" = "--legacy" ]; then legacy=1; shift; fi
if [ -n "${1:-}" ]; then
  bin=$1
else
  cargo build --release --quiet -j 1
  bin=target/release/bulkhead
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export BULKHEAD_CACHE_DIR=$scratch/cache
python3 - "$bin" "$scratch" "$legacy" <<'PY'
import json, os, resource, subprocess, sys, time
binary, scratch, legacy = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
data = os.environ.get("BULKHEAD_UPSTREAM", "target/upstream") + "/pod-security-admission"
kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]
heads = {
    "Deployment": ("apps/v1", "spec:\n  selector:\n    matchLabels: {app: wrapped}\n  template:\n", 4),
    "DaemonSet": ("apps/v1", "spec:\n  selector:\n    matchLabels: {app: wrapped}\n  template:\n", 4),
    "StatefulSet": ("apps/v1", "spec:\n  serviceName: wrapped\n  selector:\n    matchLabels: {app: wrapped}\n  template:\n", 4),
    "Job": ("batch/v1", "spec:\n  template:\n", 4),
    "CronJob": ("batch/v1", "spec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n", 8),
}
def wrap(pod, kind):
    # The same transformation as tests/e2e/pss/wrappers.rs.
    api, head, indent = heads[kind]
    out = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: wrapped\n{head}"
    for line in pod.splitlines():
        if line.startswith(("apiVersion:", "kind:")):
            continue
        out += " " * indent + line + "\n"
    return out
OLD = {f"K8S-{i:03d}": ("baseline" if i <= 12 else "restricted") for i in range(1, 19)}
def level_of(finding):
    props = finding.get("properties") or {}
    if isinstance(props, list):
        props = {p.get("name"): p.get("value") for p in props}
    if "pss-level" in props:
        return props["pss-level"]
    return OLD.get(finding["rule_id"].split("/")[-1]) if legacy else None
versions = sorted(os.listdir(f"{data}/baseline"), key=lambda v: int(v.split(".")[1]))
print(f"binary: {binary}; each pod bare and in " + ", ".join(kinds))
print("| version | baseline fail caught | baseline pass flagged | restricted fail caught | restricted pass flagged | files | scan (wall) | scan (CPU) |")
print("|---|---|---|---|---|---|---|---|")
disagreements, total, files_total, cpu_total = [], 0.0, 0, 0.0
warm = True
for version in versions:
    corpus = os.path.join(scratch, version)
    files = 0
    for level in ["baseline", "restricted"]:
        for outcome in ["fail", "pass"]:
            src, dst = f"{data}/{level}/{version}/{outcome}", f"{corpus}/{level}/{outcome}"
            os.makedirs(dst)
            for name in sorted(os.listdir(src)):
                pod = open(f"{src}/{name}").read()
                open(f"{dst}/{name}", "w").write(pod)
                files += 1
                for kind in kinds:
                    open(f"{dst}/{name[:-5]}.{kind}.yaml", "w").write(wrap(pod, kind))
                    files += 1
    command = [binary, "scan", corpus, "--format", "json", "--severity-threshold", "none"]
    if not legacy:
        command += ["--plugin-setting", f"kubernetes.kubernetes-version={version[1:]}"]
    if warm:  # compile the plugins once, outside the timings
        subprocess.run(command, capture_output=True)
        warm = False
    cpu_before = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])
    start = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    total += elapsed
    files_total += files
    cpu = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]) - cpu_before
    cpu_total += cpu
    result = json.loads(out.stdout)
    hits = {}
    for finding in result["findings"]:
        level = level_of(finding)
        if level:
            hits.setdefault(finding["path"], set()).add((finding["rule_id"], level))
    row = [version[1:]]
    for level in ["baseline", "restricted"]:
        for outcome in ["fail", "pass"]:
            names = sorted(os.listdir(f"{data}/{level}/{version}/{outcome}"))
            flagged = 0
            for name in names:
                def rules(path):
                    return {r for r, l in hits.get(f"{level}/{outcome}/{path}", set())
                            if level == "restricted" or l == "baseline"}
                bare = rules(name)
                flagged += bool(bare)
                if bool(bare) != (outcome == "fail"):
                    disagreements.append(f"{version} {level}/{outcome}/{name}: {sorted(bare)}")
                for kind in kinds:
                    if rules(f"{name[:-5]}.{kind}.yaml") != bare:
                        disagreements.append(f"{version} {level}/{outcome}/{name} as a {kind} differs")
            row.append(f"{flagged}/{len(names)}")
    row += [str(files), f"{elapsed:.2f} s", f"{cpu:.2f} s"]
    print("| " + " | ".join(row) + " |")
print(f"\nall versions: {files_total} files in {total:.2f} s of scans (wall), {cpu_total:.2f} s CPU (user + system)")
print(f"{len(disagreements)} disagreements")
for line in disagreements:
    print("  " + line)
PY
