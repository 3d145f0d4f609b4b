#!/usr/bin/env python3
"""Packs layer tarballs into an image, without a Docker engine: an OCI image
layout (gzip layers) in OUT/layout and a classic `docker save` archive in
OUT/image.tar.

Usage: bench/pack-image.py OUT REFERENCE LAYER.tar=COMMAND...
  each LAYER.tar is an uncompressed layer, COMMAND its history entry.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

out, reference, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
layout = os.path.join(out, "layout")
blobs = os.path.join(layout, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)


def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


layers, diff_ids, raw, commands = [], [], [], []
for spec in specs:
    path, command = spec.split("=", 1)
    tar = open(path, "rb").read()
    raw.append(tar)
    commands.append(command)
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    blob = gzip.compress(tar, compresslevel=6, mtime=0)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                   "digest": put(blob), "size": len(blob)})
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
               "Cmd": ["/app/run.sh"]},
    "rootfs": {"type": "layers", "diff_ids": diff_ids},
    "history": [{"created_by": c} for c in commands],
}).encode()
config_digest = put(config)
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": config_digest, "size": len(config)},
    "layers": layers,
}).encode()
index = {"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest),
    "size": len(manifest), "platform": {"architecture": "amd64", "os": "linux"},
    "annotations": {"org.opencontainers.image.ref.name": reference}}]}
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')

with tarfile.open(os.path.join(out, "image.tar"), "w") as archive:
    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 1700000000
        archive.addfile(info, io.BytesIO(data))
    names = []
    for i, tar in enumerate(raw):
        layer_id = hashlib.sha256(f"layer{i}".encode() + diff_ids[i].encode()).hexdigest()
        add(f"{layer_id}/layer.tar", tar)
        names.append(f"{layer_id}/layer.tar")
    add(config_digest[7:] + ".json", config)
    add("manifest.json", json.dumps([{"Config": config_digest[7:] + ".json",
                                      "RepoTags": [reference], "Layers": names}]).encode())
