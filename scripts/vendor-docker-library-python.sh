#!/usr/bin/env bash
# Re-vendors the Dockerfiles of the official Python images
# (https://github.com/docker-library/python, MIT license) into
# target/upstream/docker-library-python (or $CORPUS_DEST): every `<version>/<variant>/Dockerfile`
# (the templates are left out), the upstream LICENSE, and UPSTREAM recording
# the commit they come from. The dockerfile plugin's corpus test
# (tests/e2e/dockerfile_corpus.rs) lists what it reports on them.
#
# Usage: scripts/vendor-docker-library-python.sh [GIT_DIR_OR_URL]
#   GIT_DIR_OR_URL: a clone (or bare git directory) of docker-library/python;
#   by default the repository is cloned from GitHub into a temporary directory.
# After refreshing, run `cargo test -p bulkhead --test e2e dockerfile_corpus`
# and review the differences it reports before updating expected.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:-https://github.com/docker-library/python.git}
out=${CORPUS_DEST:-target/upstream/docker-library-python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ -d "$source" ]; then
  if [ -d "$source/.git" ]; then gitdir="$source/.git"; else gitdir="$source"; fi
else
  git clone --quiet --bare --depth 1 "$source" "$scratch/python.git"
  gitdir="$scratch/python.git"
fi
commit=$(git --git-dir="$gitdir" rev-parse HEAD)
date=$(git --git-dir="$gitdir" log -1 --format=%cI HEAD)
find "$out" -name Dockerfile -delete 2>/dev/null || true
count=0
while IFS= read -r path; do
  mkdir -p "$out/$(dirname "$path")"
  git --git-dir="$gitdir" show "$commit:$path" > "$out/$path"
  count=$((count + 1))
done < <(git --git-dir="$gitdir" ls-tree -r --name-only "$commit" | grep -E '^[^/]+/(.+/)?Dockerfile$')
find "$out" -type d -empty -delete
git --git-dir="$gitdir" show "$commit:LICENSE" > "$out/LICENSE"
cat > "$out/UPSTREAM" <<INFO
repository: https://github.com/docker-library/python
commit: $commit
committed: $date
files: $count Dockerfiles (every <version>/<variant>/Dockerfile; templates left out)
license: MIT (LICENSE, copied from the repository)
refreshed by: scripts/vendor-docker-library-python.sh
INFO
echo "vendored $count Dockerfiles from docker-library/python@$commit into $out"
