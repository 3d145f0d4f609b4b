#!/usr/bin/env bash
# Matching time of the osv plugin: an image with a few old Python packages
# and a Cargo.lock, matched against ../shared/osv (about 8,000 real records)
# and against a generated database of 200,000 records (the size of a full
# osv.dev export), with wall time, peak RSS and what was found.
# Usage: bench/osv-matching.sh [SHARED_OSV_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
osv=$(realpath "${1:-../shared/osv}")
bin=target/release/bulkhead
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The image: a root filesystem directory with dist-info metadata and a Cargo.lock.
root=$work/rootfs
for spec in requests:2.19.0 urllib3:1.24.1 jinja2:2.10 pyyaml:5.3 django:2.2.0 flask:0.12 cryptography:2.1.4 pillow:8.0.0; do
  name=${spec%%:*}; version=${spec##*:}
  dir=$root/usr/lib/python3/site-packages/$name-$version.dist-info
  mkdir -p "$dir"
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$name" "$version" > "$dir/METADATA"
done
mkdir -p "$root/srv/app"
printf 'version = 3\n\n[[package]]\nname = "smallvec"\nversion = "1.6.0"\n\n[[package]]\nname = "tokio"\nversion = "1.8.0"\n\n[[package]]\nname = "time"\nversion = "0.1.43"\n' > "$root/srv/app/Cargo.lock"

# A 200,000-record database: the real records, then copies with new ids,
# spread over the same ecosystem folders.
big=$work/osv-200k
python3 - "$osv" "$big" <<'PY'
import json, os, sys, itertools
src, dst = sys.argv[1], sys.argv[2]
records = []
for eco in sorted(os.listdir(src)):
    d = os.path.join(src, eco)
    if not os.path.isdir(d): continue
    os.makedirs(os.path.join(dst, eco), exist_ok=True)
    for name in sorted(os.listdir(d)):
        if name.endswith(".json"):
            data = open(os.path.join(d, name)).read()
            open(os.path.join(dst, eco, name), "w").write(data)
            records.append((eco, json.loads(data)))
count = len(records)
for i in itertools.count():
    if count >= 200_000: break
    eco, rec = records[i % len(records)]
    rec = dict(rec); rec["id"] = f"{rec['id']}-copy{i}"; rec["aliases"] = []
    open(os.path.join(dst, eco, rec["id"] + ".json"), "w").write(json.dumps(rec))
    count += 1
print(f"generated {count} records")
PY
for db in "$osv" "$big"; do
  echo "database: $db ($(find "$db" -name '*.json' | wc -l) records)"
  $bin scan "$root" --db "$db" --format json -o "$work/out.json" --severity-threshold none --stats 2>&1 | sed -n 's/^bulkhead-stats //p' | python3 -c 'import json,sys; d=json.load(sys.stdin); print("  osv plugin busy:", d["plugins"]["osv"]["busy_ms"], "ms; whole scan:", round(d["total_ms"]), "ms")'
  /usr/bin/time -q -f "  wall %e s, peak RSS %M KiB" $bin scan "$root" --db "$db" --format json -o "$work/out.json" --severity-threshold none
  python3 - "$work/out.json" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
v = [f for f in d["findings"] if f["rule_id"] == "osv/vulnerability"]
by = collections.Counter(f["package"]["name"] for f in v)
print(f"  {len(d['packages'])} packages, {len(v)} vulnerabilities:", dict(sorted(by.items())))
PY
done

# Cross-check on the real records: an independent evaluation in Python
# (PyPA packaging for PEP 440, OSV's event rules) of which PyPI records
# affect each package, against the ids in bulkhead's findings.
$bin scan "$root" --db "$osv" --format json -o "$work/out.json" --severity-threshold none || true
python3 - "$osv" "$work/out.json" <<'PY'
import json, os, re, sys
try:
    from packaging.version import Version, InvalidVersion
except ImportError:
    from pip._vendor.packaging.version import Version, InvalidVersion
osv, out = sys.argv[1], json.load(open(sys.argv[2]))
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
installed = {norm(p["name"]): p["version"] for p in out["packages"] if p["ecosystem"] == "PyPI"}

def affected(entry, version):
    v = Version(version)
    if version in entry.get("versions", []):
        return True
    for r in entry.get("ranges", []):
        if r["type"] != "ECOSYSTEM":
            continue
        events = sorted(r["events"], key=lambda e: Version("0") if "introduced" in e and e["introduced"] == "0"
                        else Version(next(iter(e.values()))))
        state = False
        for e in events:
            kind, at = next(iter(e.items()))
            if kind == "introduced" and (at == "0" or v >= Version(at)):
                state = True
            elif kind == "fixed" and v >= Version(at):
                state = False
            elif kind == "last_affected" and v > Version(at):
                state = False
            elif kind == "limit" and v >= Version(at):
                state = False
        if state:
            return True
    return False

reference = {}
for name in os.listdir(os.path.join(osv, "PyPI")):
    record = json.load(open(os.path.join(osv, "PyPI", name)))
    if record.get("withdrawn"):
        continue
    for entry in record.get("affected", []):
        package = norm(entry.get("package", {}).get("name", ""))
        if package in installed:
            try:
                if affected(entry, installed[package]):
                    reference.setdefault(package, set()).add(record["id"])
            except InvalidVersion:
                pass
ours = {}
for f in out["findings"]:
    if f["rule_id"] == "osv/vulnerability" and f["package"]["ecosystem"] == "PyPI":
        ours.setdefault(norm(f["package"]["name"]), []).append(set(f.get("aliases", [])))
missing = {p: sorted(ids - set().union(*ours.get(p, [set()]))) for p, ids in reference.items()}
missing = {p: ids for p, ids in missing.items() if ids}
extra = {p: len([g for g in groups if not g & reference.get(p, set())]) for p, groups in ours.items()}
extra = {p: n for p, n in extra.items() if n}
print(f"cross-check: {sum(map(len, reference.values()))} affecting PyPI records by the Python reference;"
      f" missing from bulkhead: {missing or 'none'}; bulkhead findings without a reference record: {extra or 'none'}")
PY
