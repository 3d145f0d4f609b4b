#!/usr/bin/env bash
# Builds a real container image from Debian packages, without a Docker
# engine: `apt-get download` a package set, `dpkg-deb -x` each into a root
# filesystem, write the dpkg status database, then pack the tree as a gzip
# layer of an OCI image layout (plus a small "app" layer that adds a secret
# and a second layer that deletes it), and as a docker-archive tarball.
#
# Usage: bench/build-debian-image.sh OUT_DIR [PACKAGE...]
#   OUT_DIR/layout   OCI image layout
#   OUT_DIR/image.tar  docker-archive (classic `docker save` layout)
#   OUT_DIR/layers/  the uncompressed layer tars (for the gzip/tar floor)
# Needs the Debian package registry (apt-get update runs if lists are empty).
set -euo pipefail
out=$(realpath -m "${1:?usage: $0 OUT_DIR [PACKAGE...]}")
shift
packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
  packages=(base-files base-passwd bash coreutils libc6 libc-bin tzdata dash debianutils)
fi

rm -rf "$out"
mkdir -p "$out/debs" "$out/rootfs" "$out/layers" "$out/app1/app" "$out/app2/app"
if [ -z "$(ls /var/lib/apt/lists/*Packages* 2>/dev/null)" ]; then
  apt-get update -qq
fi
(cd "$out/debs" && apt-get download -qq "${packages[@]}" >/dev/null)

status="$out/rootfs/var/lib/dpkg/status"
for deb in "$out"/debs/*.deb; do
  dpkg-deb -x "$deb" "$out/rootfs"
  mkdir -p "$(dirname "$status")"
  dpkg-deb -f "$deb" | sed '/^Package:/a Status: install ok installed' >> "$status"
  echo >> "$status"
done

# Layer 1 adds a credentials file by mistake; layer 2 deletes it.
printf 'DATABASE_URL=postgres://app:Zq8xR2vLm9pK@db.internal:5432/app\nAWS_ACCESS_KEY_ID=AKIA2OGYBAH6RKWQLQ7P\n' > "$out/app1/app/.env"
printf '#!/bin/sh\nexec /bin/sh\n' > "$out/app1/app/run.sh"
touch "$out/app2/app/.wh..env"

pack() {  # dir -> layers/N.tar
  tar -C "$1" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@1700000000 -cf "$2" .
}
pack "$out/rootfs" "$out/layers/0.tar"
pack "$out/app1" "$out/layers/1.tar"
pack "$out/app2" "$out/layers/2.tar"

python3 - "$out" <<'PY'
import gzip, hashlib, json, os, shutil, sys, tarfile
out = sys.argv[1]
layout = os.path.join(out, "layout")
blobs = os.path.join(layout, "blobs", "sha256")
os.makedirs(blobs)
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest
commands = ["ADD rootfs.tar / # debian packages", "COPY .env run.sh /app/", "RUN rm /app/.env"]
layers, diff_ids, raw = [], [], []
for i in range(3):
    tar = open(os.path.join(out, "layers", f"{i}.tar"), "rb").read()
    raw.append(tar)
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    blob = gzip.compress(tar, compresslevel=6, mtime=0)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(blob), "size": len(blob)})
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["/app/run.sh"]},
    "rootfs": {"type": "layers", "diff_ids": diff_ids},
    "history": [{"created_by": c} for c in commands],
}).encode()
config_digest = put(config)
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
    "layers": layers,
}).encode()
index = {"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest), "size": len(manifest),
    "platform": {"architecture": "amd64", "os": "linux"},
    "annotations": {"org.opencontainers.image.ref.name": "bulkhead/debian-test:latest"}}]}
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
# docker-archive, classic layout
with tarfile.open(os.path.join(out, "image.tar"), "w") as t:
    def add(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 1700000000
        import io; t.addfile(info, io.BytesIO(data))
    names = []
    for i, tar in enumerate(raw):
        lid = hashlib.sha256(f"layer{i}".encode() + diff_ids[i].encode()).hexdigest()
        add(f"{lid}/layer.tar", tar); names.append(f"{lid}/layer.tar")
    add(config_digest[7:] + ".json", config)
    add("manifest.json", json.dumps([{"Config": config_digest[7:] + ".json", "RepoTags": ["bulkhead/debian-test:latest"], "Layers": names}]).encode())
PY
echo "built $out: $(find "$out/rootfs" -type f | wc -l) files, $(du -sb "$out/layers" | cut -f1) bytes of layer tar"
