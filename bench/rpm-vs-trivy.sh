#!/usr/bin/env bash
# Inventory of an rpm-based image next to Trivy's: a Rocky Linux 9 style
# root filesystem (os-release, rocky-release, the rpm database written by
# the real rpm in tests/fixtures/rpm, behind the /var/lib/rpm symlink)
# packed as a docker-archive; both tools list its packages, one run each,
# and the lists are compared name by name.
# Usage: bench/rpm-vs-trivy.sh   (needs target/release/bulkhead and trivy)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/bulkhead
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

root=$work/rootfs
mkdir -p "$root/etc" "$root/usr/lib/sysimage/rpm" "$root/var/lib"
printf 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n' >"$root/etc/os-release"
echo "Rocky Linux release 9.3 (Blue Onyx)" >"$root/etc/rocky-release"
ln -s rocky-release "$root/etc/redhat-release"
cp tests/fixtures/rpm/rpmdb.sqlite "$root/usr/lib/sysimage/rpm/"
ln -s ../../usr/lib/sysimage/rpm "$root/var/lib/rpm"
tar -C "$root" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@1700000000 -cf "$work/layer.tar" .
python3 bench/pack-image.py "$work/image" bulkhead/rocky-test:9.3 "$work/layer.tar=ADD rocky-9.tar /"

measure() {  # label, command...: a warm-up run (compile cache), then the measured one
  local label=$1; shift
  "$@" >/dev/null 2>&1 || true
  /usr/bin/time -f "%e s %M KB" -o "$work/time" "$@" >/dev/null 2>&1 || true
  echo "$label: $(tail -1 "$work/time")"
}
measure "bulkhead (all plugins)" $bin scan "$work/image/image.tar" --format json -o "$work/b.json" --severity-threshold none
# `--scanners vuln` would need Trivy's vulnerability database (a download);
# the license scanner lists every package offline just the same.
measure "trivy image --list-all-pkgs --format json" trivy image --input "$work/image/image.tar" \
  --list-all-pkgs --format json -o "$work/t.json" --scanners license --offline-scan \
  --cache-dir "$work/trivy-cache"
python3 - "$work/b.json" "$work/t.json" <<'PY'
import json, sys
packages = json.load(open(sys.argv[1]))["packages"]
ours = {(p["name"], p["version"]) for p in packages}
our_details = {(p["name"], p.get("source_name"), p["purl"]) for p in packages}
their_details = set()
doc = json.load(open(sys.argv[2]))
theirs = set()
for result in doc.get("Results", []):
    for p in result.get("Packages") or []:
        epoch = f'{p["Epoch"]}:' if p.get("Epoch") else ""
        theirs.add((p["Name"], f'{epoch}{p["Version"]}-{p["Release"]}'))
        their_details.add((p["Name"], p.get("SrcName"), p.get("Identifier", {}).get("PURL")))
os_name = doc.get("Metadata", {}).get("OS")
print(f"bulkhead {len(ours)} packages, trivy {len(theirs)}; trivy's OS: {os_name}")
print("only bulkhead:", sorted(ours - theirs))
print("only trivy:", sorted(theirs - ours))
if their_details:
    print("source name or purl differs:", sorted(our_details ^ their_details))
PY
