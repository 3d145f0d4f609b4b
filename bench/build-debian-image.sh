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

python3 "$(dirname "$0")/pack-image.py" "$out" bulkhead/debian-test:latest \
  "$out/layers/0.tar=ADD rootfs.tar / # debian packages" \
  "$out/layers/1.tar=COPY .env run.sh /app/" \
  "$out/layers/2.tar=RUN rm /app/.env"
echo "built $out: $(find "$out/rootfs" -type f | wc -l) files, $(du -sb "$out/layers" | cut -f1) bytes of layer tar"
